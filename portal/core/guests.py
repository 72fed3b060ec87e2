"""Guests at public events: people who register with a name and an email address only.

A course date or an exchange round whose audience is the public takes guests. A guest has no
account, so everything an account would prove is done by email (double opt-in):

1. the guest fills in `GuestForm` (name, address, consent; a honeypot field catches robots;
   `guest_rate_limited(request)` caps how often one address posts it);
2. the app stores an *unconfirmed* registration that holds a seat (it counts in
   `portal.core.capacity` and in the reports) and expires `GUEST_CONFIRMATION` later;
3. the email carries two signed links made by `guest_links`: *confirm* (valid for
   `GUEST_CONFIRMATION`) and *cancel* (valid until long after the event);
4. an unconfirmed registration not confirmed in time expires; its seat goes to the waitlist.

The links::

    ROUND_GUEST_LINKS = guest_links(
        name="round",                       # purposes "round_guest_confirm" / "..._cancel"
        salt="exchanges.round",             # salts "exchanges.round.guest-confirm" / "...cancel"
        lookup=lambda pk: RoundRegistration.objects.guests().filter(pk=pk).first(),
    )
    token = ROUND_GUEST_LINKS.confirm.sign(registration)
    registration = ROUND_GUEST_LINKS.confirm.resolve(token)  # None: forged, expired, gone,
                                                             # or the address has changed

The payload is `{"r": pk, "e": email_digest(guest_email)}`: a keyed, shortened hash of the
address in lower case, so the token does not carry the address in clear text and stops
working when the row's address differs from the one the link was sent to. `lookup` receives
the pk and returns the row (or None); it should only find guests' rows. The service that
acts on the row still checks its status under a lock (a confirm link of an expired
registration resolves, and the page says it has expired).

Views: the form page is `public` and, on POST, asks `guest_rate_limited(request)` before
validating (a refusal shows `GUEST_RATE_LIMITED` and keeps what was typed, status 429); the
confirm and cancel pages are `signed_link` and answer 404 to a token that does not resolve.
The form renders with `{% include "core/_guest_form.html" with form=... action=... %}`
(optional: `submit`, the button's label; `prefix`, for ids; `before`, a template rendered
inside the form before the guest's fields, for an app's own fields).

Services: the steps every kind of guest registration takes alike live here, and the app's
service calls them under its own lock (course dates, a round):

- `guest_details(name=, email=, language=, error=)` tidies what the guest typed;
- `guest_registration_create(model, active=, email=, already=, error=, now=, **fields)` stores
  the unconfirmed registration, once per address;
- `guest_seat_confirm(...)` makes a held seat the guest's (a `transition`);
  `guest_queue(...)` lets a guest on the waitlist queue from now on (no status change);
- `registration_recipient(registration)` says where an email about a registration goes.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django import forms
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import is_ratelimited

from portal.core.audit import audit_record
from portal.core.errors import DomainError
from portal.core.links import LinkPurpose, register_link
from portal.core.workflows import Workflow, transition

# An unconfirmed guest holds a seat this long; the confirmation link is valid as long.
GUEST_CONFIRMATION = timedelta(hours=24)
# The cancel link works until well after any event it could be for.
GUEST_CANCEL_VALIDITY = timedelta(days=400)

GUEST_RATE_LIMIT_GROUP = "guest-registration"
GUEST_RATE_LIMITED = _(
    "Too many registrations were sent from your connection in a short time. "
    "Please try again in an hour."
)


def guest_expiry(now: datetime) -> datetime:
    """When a guest registration made at `now` expires unless confirmed."""
    return now + GUEST_CONFIRMATION


def email_digest(email: str) -> str:
    """A short keyed hash of an address (case and surrounding spaces ignored)."""
    normalised = (email or "").strip().lower()
    return salted_hmac("portal.core.guests.email", normalised).hexdigest()[:16]


@dataclass(frozen=True)
class GuestLinks:
    """The two signed links a guest receives: confirm the address, and cancel."""

    confirm: LinkPurpose
    cancel: LinkPurpose


def guest_links(
    *,
    name: str,
    salt: str,
    lookup: Callable[[int], object | None],
    email_of: Callable[[object], str] = lambda registration: registration.guest_email,
) -> GuestLinks:
    """Register the confirm and cancel links of one kind of guest registration.

    `name` and `salt` must be unique across the portal (the kernel's link registry refuses a
    shared salt); `lookup(pk)` finds the registration; `email_of(registration)` its address.
    """

    def payload(registration) -> dict:
        return {"r": registration.pk, "e": email_digest(email_of(registration))}

    def find(data: dict):
        registration = lookup(int(data["r"]))
        if registration is None:
            return None
        if not constant_time_compare(email_digest(email_of(registration)), str(data["e"])):
            return None
        return registration

    def purpose(action: str, max_age: timedelta) -> LinkPurpose:
        return register_link(
            LinkPurpose(
                name=f"{name}_guest_{action}",
                salt=f"{salt}.guest-{action}",
                max_age=max_age,
                payload=payload,
                lookup=find,
            )
        )

    return GuestLinks(
        confirm=purpose("confirm", GUEST_CONFIRMATION),
        cancel=purpose("cancel", GUEST_CANCEL_VALIDITY),
    )


def guest_rate_limited(request) -> bool:
    """True when this POST is one too many from the sender's address.

    Counts every POST of a guest form of any app in one group per client address, at
    `settings.GUEST_RATE_LIMIT` (e.g. "10/h"). GET requests are never counted.
    """
    return is_ratelimited(
        request,
        group=GUEST_RATE_LIMIT_GROUP,
        key="ip",
        rate=settings.GUEST_RATE_LIMIT,
        method="POST",
        increment=True,
    )


class GuestForm(forms.Form):
    """Name, address and consent of a guest, with a honeypot field robots fill in."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        error_messages={
            "required": _("Please enter your name."),
            "max_length": _("Please shorten your name to at most 150 characters."),
        },
    )
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_("We send you a link to confirm your registration. It is valid for 24 hours."),
        error_messages={
            "required": _("Please enter your email address."),
            "invalid": _("Please enter a valid email address, such as name@example.org."),
        },
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that my name and email address are stored to run this event and deleted "
            "afterwards."
        ),
        error_messages={
            "required": _("Please agree to the storage of your details, or we cannot register you.")
        },
    )
    # The honeypot: hidden from people (and screen readers) by the template, filled by robots.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    HONEYPOT = "website"

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_email(self):
        return self.cleaned_data["email"].strip()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get(self.HONEYPOT):
            raise forms.ValidationError(
                _("Your registration could not be sent. Please try again."), code="honeypot"
            )
        return cleaned

    def visible_fields(self):
        return [field for field in super().visible_fields() if field.name != self.HONEYPOT]

    def guest_fields(self):
        """The fields the include renders (name, address, consent); an app's subclass renders
        its own extra fields (e.g. a date to choose) through the include's `before`."""
        return [self["name"], self["email"], self["consent"]]

    @property
    def honeypot(self):
        return self[self.HONEYPOT]


# --- What services of guest registrations share --------------------------------------------


def registration_recipient(registration) -> dict:
    """Whom an email about a registration goes to, as `notify` takes it: the member's account
    (which knows their language), or a guest's address in the language they registered in."""
    if registration.is_guest:
        return {"email": registration.guest_email, "language": registration.language}
    return {"user": registration.person}


def guest_details(
    *, name: str, email: str, language: str, error: type[DomainError]
) -> tuple[str, str, str]:
    """The name with its spaces folded, the address stripped, and one of the portal's
    languages (`de-at` counts as `de`; an unknown one as the portal's own). Raises `error`
    when the name or the address is empty."""
    name, email = " ".join((name or "").split()), (email or "").strip()
    if not name or not email:
        raise error(gettext("Please give your name and your email address."))
    language = (language or "")[:2].lower()
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    return name, email, language


def guest_registration_create(
    model: type[Model],
    *,
    active: QuerySet,
    email: str,
    already: str,
    error: type[DomainError],
    now: datetime,
    **fields,
) -> Model:
    """Store a guest's registration, unconfirmed, expiring `GUEST_CONFIRMATION` after `now`.

    Refused with `already` when `active` (the active registrations of the same event) holds the
    address, in any case. The caller holds the event's lock; the database's constraint of one
    active registration per address catches what the check cannot see (a concurrent request),
    inside a savepoint, so the caller's transaction goes on."""
    if active.filter(guest_email__iexact=email).exists():
        raise error(already)
    try:
        with transaction.atomic():
            return model.objects.create(
                guest_email=email,
                email_confirmed=False,
                expires_at=guest_expiry(now),
                created_at=now,
                **fields,
            )
    except IntegrityError:
        raise error(already) from None


def guest_seat_confirm(
    registration: Model, *, workflow: Workflow, to: str, action: str, now: datetime
) -> None:
    """The guest confirmed their address: the seat held for them becomes theirs (`to`), the
    registration no longer expires. One `transition`, so one audit entry."""
    transition(
        registration,
        workflow=workflow,
        to=to,
        by=None,
        action=action,
        fields={"email_confirmed": True, "expires_at": None, "confirmed_at": now},
        at=now,
    )


def guest_queue(registration: Model, *, action: str, details: dict, now: datetime, **audit) -> None:
    """A guest on the waitlist confirmed their address: from now on they queue (a waitlist
    moves up only people whose address is confirmed) and the registration no longer expires.
    The status stays, so this is no transition; the audit entry records it (`audit`: more of
    `audit_record`'s arguments, e.g. the status)."""
    registration.email_confirmed = True
    registration.expires_at = None
    registration.save(update_fields=["email_confirmed", "expires_at"])
    audit_record(target=registration, action=action, by=None, details=details, at=now, **audit)
