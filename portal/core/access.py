"""Access rules for views, declared in one place per view.

Every view of the portal's own URLs is wrapped in exactly one of these decorators. Each sets
`view.access_rule`, which `tests/core/test_access_matrix.py` reads for every URL the resolver
knows, so a new view without a declared rule fails the suite.
"""

from django.contrib.auth.decorators import login_required

PUBLIC = "public"
SIGNED_IN = "signed_in"


def public(view):
    """Anybody, signed in or not."""
    view.access_rule = PUBLIC
    return view


def signed_in(view):
    """Any signed-in user; others are sent to the login page."""
    wrapped = login_required(view)
    wrapped.access_rule = SIGNED_IN
    return wrapped
