"""Access rules for views, declared in one place per view.

Every view of the portal's own URLs is wrapped in exactly one of these decorators. Each sets
`view.access_rule`, which `tests/core/test_access_matrix.py` reads for every URL the resolver
knows, so a new view without a declared rule fails the suite.
"""

from functools import wraps
from itertools import combinations

from django.contrib.auth.decorators import login_required
from django.http import Http404

from portal.core.roles import ROLES

PUBLIC = "public"
SIGNED_IN = "signed_in"
SIGNED_LINK = "signed_link"
ROLE_PREFIX = "role:"
ROLE_SEPARATOR = "|"


def role_rule(*roles: str) -> str:
    """The rule of a view open to `roles`: "role:advisor", "role:advisor|coordinator" (the
    roles in the order of ROLES, so one set of roles has one spelling)."""
    unknown = set(roles) - set(ROLES)
    if not roles or unknown:
        raise ValueError(f"Unknown role(s) {sorted(unknown)!r}" if unknown else "No role named")
    return ROLE_PREFIX + ROLE_SEPARATOR.join(role for role in ROLES if role in roles)


def roles_of(rule: str) -> tuple[str, ...]:
    """The roles a role rule names: "role:advisor|coordinator" -> ("advisor", "coordinator")."""
    return tuple(rule.removeprefix(ROLE_PREFIX).split(ROLE_SEPARATOR))


RULES = frozenset(
    {PUBLIC, SIGNED_IN, SIGNED_LINK}
    | {role_rule(*held) for size in range(1, len(ROLES) + 1) for held in combinations(ROLES, size)}
)


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


def role_required(*roles: str):
    """Signed-in users who hold one of `roles`; others signed in get 404, as if the page did
    not exist.

    Usage: `@role_required(ADVISOR)`, the rule reads "role:advisor";
    `@role_required(COORDINATOR, ADVISOR)`, the rule reads "role:advisor|coordinator".
    """
    rule = role_rule(*roles)

    def decorator(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            if not any(request.user.has_role(role) for role in roles):
                raise Http404
            return view(request, *args, **kwargs)

        wrapped = login_required(checked)
        wrapped.access_rule = rule
        return wrapped

    return decorator
