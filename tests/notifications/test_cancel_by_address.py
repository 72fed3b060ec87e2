"""Cancelling the pending emails to one guest's address: a guest has no account, so their
reminders about a date or round are picked out by address (in any case of letters), and a
member who uses the same address keeps theirs."""

from datetime import timedelta

import pytest
from django.utils import timezone

from exchanges.emails import registrations as round_emails
from exchanges.services.registrations import (
    round_guest_cancel,
    round_guest_confirm,
    round_guest_register,
)
from portal.notifications.models import Notification, Status
from portal.notifications.services import notifications_cancel, notify
from tests.factories import ExchangeRoundFactory, MunicipalityFactory, UserFactory
from tests.notifications.conftest import REMINDER
from tests.trainings.conftest import dates_of, emails_about, make_course
from trainings import emails, services
from trainings.models import RegistrationStatus

pytestmark = pytest.mark.django_db


def reminder(place, key, *, user=None, email=""):
    return notify(
        kind=REMINDER,
        key=key,
        user=user,
        email=email,
        context={"municipality_id": place.pk},
        about=place,
        due_at=timezone.now() + timedelta(days=2),
    )


def test_only_the_guests_pending_emails_to_that_address_are_cancelled():
    place = MunicipalityFactory()
    guest = reminder(place, "guest", email="Erika.Muster@example.org")
    other_guest = reminder(place, "other", email="jonas@example.org")
    member = reminder(place, "member", user=UserFactory(email="erika.muster@example.org"))
    elsewhere = reminder(MunicipalityFactory(), "elsewhere", email="erika.muster@example.org")

    cancelled = notifications_cancel(
        about=place, kinds=[REMINDER], email="ERIKA.muster@example.org", reason="Abgesagt."
    )

    assert cancelled == 1
    statuses = dict(Notification.objects.values_list("idempotency_key", "status"))
    assert statuses == {
        guest.idempotency_key: Status.CANCELLED,
        other_guest.idempotency_key: Status.QUEUED,
        member.idempotency_key: Status.QUEUED,  # an account, though the same address
        elsewhere.idempotency_key: Status.QUEUED,  # about something else
    }
    assert Notification.objects.get(pk=guest.pk).last_error == "Abgesagt."


@pytest.fixture
def lecture():
    """A public course with one date three weeks ahead: guests get a reminder."""
    return make_course(dates=1, capacity=3, open_to_public=True)


def confirmed_guest(course, email="Erika@Example.org"):
    registration = services.registration_guest_create(
        course=course, date=None, name="Erika Muster", email=email, language="de"
    )
    services.registration_guest_confirm(registration=registration)
    return registration


def test_a_guest_who_cancels_has_no_pending_reminder_left(lecture):
    date = dates_of(lecture)[0]
    registration = confirmed_guest(lecture)
    staying = confirmed_guest(lecture, email="jonas@example.org")
    assert emails_about(date, emails.REMINDER).pending().count() == 2

    services.registration_guest_cancel(registration=registration)

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    pending = emails_about(date, emails.REMINDER).pending()
    assert list(pending.values_list("to_email", flat=True)) == [staying.guest_email]


def test_a_guest_who_leaves_a_round_has_no_pending_reminder_left():
    """A round's reminders are about the registration itself, so cancelling it finds them."""
    round = ExchangeRoundFactory(audience="public", format="information_evening")
    registration = round_guest_register(
        round=round, name="Mira Gast", email="Mira@Example.org", language="de"
    )
    round_guest_confirm(registration=registration)
    reminders = Notification.objects.about(registration).filter(kind=round_emails.GUEST_REMINDER)
    assert reminders.pending().count() == 1

    round_guest_cancel(registration=registration)

    assert not reminders.pending().exists()


def test_an_email_to_a_guest_is_sent_but_its_text_not_stored(send_due_emails):
    """A guest's emails carry their signed confirm and cancel links: nobody reading the outbox
    in the admin may use them. A member's email of the same kind is stored as usual."""
    place = MunicipalityFactory()
    context = {"municipality_id": place.pk}
    to_guest = notify(kind=REMINDER, key="guest-text", email="gast@example.org", context=context)
    to_member = notify(kind=REMINDER, key="member-text", user=UserFactory(), context=context)

    send_due_emails()

    to_guest.refresh_from_db()
    to_member.refresh_from_db()
    assert to_guest.status == to_member.status == Status.SENT
    assert to_guest.subject and to_guest.body_text == "" and to_guest.body_html == ""
    assert to_member.body_text != ""
