"""Access rules for views, declared in one place per view.

Every view of the portal's own URLs is wrapped in exactly one of these decorators. Each sets
`view.access_rule`, which `tests/core/test_access_matrix.py` reads for every URL the resolver
knows, so a new view without a declared rule fails the suite.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from portal.accounts.roles import ROLES

PUBLIC = "public"
SIGNED_IN = "signed_in"
SIGNED_LINK = "signed_link"
ROLE_PREFIX = "role:"
RULES = frozenset({PUBLIC, SIGNED_IN, SIGNED_LINK} | {ROLE_PREFIX + role for role in ROLES})


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


def role_required(role: str):
    """Signed-in users who hold `role`; others signed in get 404, as if the page did not exist.

    Usage: `@role_required(ADVISOR)`; the rule reads "role:advisor".
    """
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}")

    def decorator(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            if not request.user.has_role(role):
                raise Http404
            return view(request, *args, **kwargs)

        wrapped = login_required(checked)
        wrapped.access_rule = ROLE_PREFIX + role
        return wrapped

    return decorator
