"""Signed links: a token in an email that lets its holder do one thing without signing in.

Each kind of link is a `LinkPurpose` with its own salt (so a token for one purpose is
worthless for another), its own expiry policy, how an object becomes the token's payload and
how a payload finds its object again. The salts and payloads are those the apps used before
the kernel existed, so links already sent by email keep working until they expire::

    APPOINTMENT_LINK = register_link(LinkPurpose(
        name="appointment",
        salt="consultations.appointment",
        max_age=timedelta(days=400),
        payload=lambda appointment: {"a": appointment.pk, "u": appointment.requester_id},
        lookup=lambda data: Appointment.objects.filter(pk=data["a"], ...).first(),
    ))
    token = APPOINTMENT_LINK.sign(appointment)
    appointment = APPOINTMENT_LINK.resolve(token)   # None when forged, expired or gone
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.core import signing


@dataclass(frozen=True)
class LinkPurpose:
    name: str
    salt: str
    # None: the link never expires (e.g. switching off an email category must always work).
    max_age: timedelta | None
    payload: Callable[..., dict]
    lookup: Callable[[dict], object]

    def sign(self, *objects) -> str:
        return signing.dumps(self.payload(*objects), salt=self.salt)

    def read(self, token: str) -> dict | None:
        """The payload of a valid, unexpired token of this purpose, else None."""
        try:
            data = signing.loads(token, salt=self.salt, max_age=self.max_age)
        except (signing.BadSignature, TypeError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def resolve(self, token: str):
        """The object a valid token points to, or None (forged, expired, or no longer there)."""
        data = self.read(token)
        if data is None:
            return None
        try:
            return self.lookup(data)
        except (KeyError, TypeError, ValueError):
            return None


_PURPOSES: dict[str, LinkPurpose] = {}


def register_link(purpose: LinkPurpose) -> LinkPurpose:
    """Declare a purpose once; names and salts must be unique across the portal."""
    for other in _PURPOSES.values():
        if other.name != purpose.name and other.salt == purpose.salt:
            raise ValueError(f"link purposes {other.name} and {purpose.name} share a salt")
    _PURPOSES[purpose.name] = purpose
    return purpose


def link_purposes() -> dict[str, LinkPurpose]:
    return dict(_PURPOSES)
