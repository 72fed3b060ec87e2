"""Access rules for views, declared in one place per view.

Every view of the portal's own URLs is wrapped in exactly one of these decorators. Each sets
`view.access_rule`, which `tests/core/test_access_matrix.py` reads for every URL the resolver
knows, so a new view without a declared rule fails the suite.
"""

from django.contrib.auth.decorators import login_required

PUBLIC = "public"
SIGNED_IN = "signed_in"
SIGNED_LINK = "signed_link"
RULES = frozenset({PUBLIC, SIGNED_IN, SIGNED_LINK})


def public(view):
    """Anybody, signed in or not."""
    view.access_rule = PUBLIC
    return view


def signed_in(view):
    """Any signed-in user; others are sent to the login page."""
    wrapped = login_required(view)
    wrapped.access_rule = SIGNED_IN
    return wrapped


def signed_link(view):
    """Whoever holds a link signed by the portal (e.g. one-click unsubscribe in an email).

    The view checks the signature itself and answers 404 to a missing or forged one.
    """
    view.access_rule = SIGNED_LINK
    return view
