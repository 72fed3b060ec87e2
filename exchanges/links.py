"""The signed links of exchange rounds: a guest's confirm and cancel links (double opt-in).

Made by the kernel's `portal.core.guests.guest_links`: the token names the registration and a
keyed hash of the guest's address, so it stops working if the address is not the one it was
sent to. The confirm link is valid for `GUEST_CONFIRMATION`, the cancel link long after the
round. Imported by `ExchangesConfig.ready()`, which registers them with the kernel.
"""

from django.urls import reverse

from exchanges.models import RoundRegistration
from portal.core.guests import guest_links
from portal.notifications.rendering import absolute_url

ROUND_GUEST_LINKS = guest_links(
    name="round",
    salt="exchanges.round",
    lookup=lambda pk: (
        RoundRegistration.objects.guests().select_related("round").filter(pk=pk).first()
    ),
)


def guest_confirm_url(registration: RoundRegistration) -> str:
    token = ROUND_GUEST_LINKS.confirm.sign(registration)
    return absolute_url(reverse("exchanges:guest_confirm", args=[token]))


def guest_cancel_url(registration: RoundRegistration) -> str:
    token = ROUND_GUEST_LINKS.cancel.sign(registration)
    return absolute_url(reverse("exchanges:guest_cancel", args=[token]))


def registration_from_confirm_token(token: str) -> RoundRegistration | None:
    """The guest registration a valid, unexpired confirm token names, else None."""
    return ROUND_GUEST_LINKS.confirm.resolve(token)


def registration_from_cancel_token(token: str) -> RoundRegistration | None:
    """The guest registration a valid cancel token names, else None."""
    return ROUND_GUEST_LINKS.cancel.resolve(token)
