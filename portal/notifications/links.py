"""The signed link in every optional email that switches that kind of email off.

It is a kernel `LinkPurpose` with the salt and payload the outbox signed with before the
kernel existed, so links in emails already sent keep working. It never expires: switching
off an email must work however old the email is.
"""

from dataclasses import dataclass

from portal.accounts.models import User
from portal.core.links import LinkPurpose, register_link
from portal.notifications.models import OPTIONAL_CATEGORIES, Category


@dataclass(frozen=True)
class SwitchOff:
    """What a valid link names: a person and one category they may switch off."""

    user: User
    category: Category


def _switch_off(data: dict) -> SwitchOff | None:
    category = Category(data["c"])  # ValueError for an unknown one: the link resolves to None
    if category not in OPTIONAL_CATEGORIES:
        return None  # transactional emails cannot be switched off
    user = User.objects.filter(pk=data["u"], is_active=True).first()
    return SwitchOff(user, category) if user is not None else None


UNSUBSCRIBE_LINK = register_link(
    LinkPurpose(
        name="notifications.unsubscribe",
        salt="portal.notifications.unsubscribe",
        max_age=None,
        payload=lambda user_id, category: {"u": user_id, "c": str(category)},
        lookup=_switch_off,
    )
)
