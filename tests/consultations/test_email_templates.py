"""What the emails of requests, cases and appointments say, rendered from real objects."""

import itertools
import re
from datetime import date, datetime, time, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from consultations import emails
from consultations.links import appointment_from_token, consultation_from_feedback_token
from consultations.models import Appointment, Consultation, Message, Note
from portal.notifications.models import Notification
from portal.notifications.rendering import render_notification
from portal.notifications.services import notify
from tests.factories import (
    AdvisorProfileFactory,
    AppointmentFactory,
    ConsultationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^\s<>\"]+")
NOTE_TEXT = "Interne Notiz: der Bürgermeister ist skeptisch"
MESSAGE_TEXT = "Vertraulich: die Bauvoranfrage liegt seit März beim Kreis"
_keys = itertools.count()


def render(kind, user, context, language="en"):
    """Write a real outbox row for `user` and render it as the worker would."""
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    notification = notify(kind=kind, key=f"test:{kind}:{next(_keys)}", user=user, context=context)
    return render_notification(notification)


def everything(rendered) -> str:
    return "\n".join([rendered.subject, rendered.body_text, rendered.body_html])


def url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def admin_url(consultation) -> str:
    return url(reverse("admin:consultations_consultation_change", args=[consultation.pk]))


def portal_url(consultation) -> str:
    return url(reverse("consultations:detail", args=[consultation.pk]))


def link_prefix(name: str) -> str:
    """The address of a token link without its token."""
    return url(reverse(name, args=["TOKEN"])).removesuffix("TOKEN/")


def token_of(text: str, prefix: str) -> str:
    (link,) = {link for link in LINK.findall(text) if link.startswith(prefix)}
    return link.removeprefix(prefix).rstrip("/")


@pytest.fixture
def lead():
    return AdvisorProfileFactory(user__full_name="Dr. Leyla Kaya")


@pytest.fixture
def coordinator_user(db):
    return UserFactory(roles=["coordinator"], full_name="Mara Schulte")


@pytest.fixture
def led_case(lead):
    """A case led by Dr. Kaya for a municipality, with an internal note that stays internal."""
    consultation = ConsultationFactory(
        lead_advisor=lead,
        status="in_progress",
        requester__full_name="Jana Becker",
        municipality__name="Stadt Bergheim",
    )
    Note.objects.create(consultation=consultation, author=lead.user, text=NOTE_TEXT)
    return consultation


# --- Requests and cases ------------------------------------------------------------------------


def test_received_confirms_the_reference_to_the_requester(led_case):
    rendered = render(emails.RECEIVED, led_case.requester, {"consultation_id": led_case.pk})

    assert led_case.reference in rendered.subject
    assert rendered.body_text.startswith("Hello Jana Becker,")
    assert "Stadt Bergheim" in rendered.body_text
    assert "Stadt Bergheim" in rendered.body_html
    assert "Topics: Dialogue formats with mosque communities" in rendered.body_text
    assert portal_url(led_case) in rendered.body_text
    assert f'href="{portal_url(led_case)}"' in rendered.body_html
    assert NOTE_TEXT not in everything(rendered)


def test_new_request_links_coordinator_users_to_the_administration(led_case, coordinator_user):
    rendered = render(emails.NEW_REQUEST, coordinator_user, {"consultation_id": led_case.pk})

    assert led_case.reference in rendered.subject
    assert "Stadt Bergheim" in rendered.subject
    assert rendered.body_text.startswith("Hello Mara Schulte,")
    assert "Submitted by: Jana Becker" in rendered.body_text
    assert admin_url(led_case) in rendered.body_text
    assert f'href="{admin_url(led_case)}"' in rendered.body_html
    assert portal_url(led_case) not in rendered.body_text


def test_assigned_tells_the_advisor_their_part_and_the_requester_the_lead(led_case, lead):
    co = AdvisorProfileFactory(user__full_name="Tobias Wendt")
    Consultation.objects.filter(pk=led_case.pk).update(co_advisor=co)

    to_lead = render(
        emails.ASSIGNED, lead.user, {"consultation_id": led_case.pk, "for_advisor": True}
    )
    to_co = render(emails.ASSIGNED, co.user, {"consultation_id": led_case.pk, "for_advisor": True})
    to_requester = render(
        emails.ASSIGNED, led_case.requester, {"consultation_id": led_case.pk, "for_advisor": False}
    )

    assert led_case.reference in to_lead.subject
    assert "You are the lead advisor." in to_lead.body_text
    assert "Stadt Bergheim" in to_lead.body_text
    assert admin_url(led_case) in to_lead.body_text
    assert "You support Dr. Leyla Kaya, who leads the case, as co-advisor." in to_co.body_text
    assert "Dr. Leyla Kaya will lead your case" in to_requester.body_text
    assert "Tobias Wendt will support as co-advisor." in to_requester.body_text
    assert "Dr. Leyla Kaya" in to_requester.body_html
    assert portal_url(led_case) in to_requester.body_text
    assert admin_url(led_case) not in everything(to_requester)


def test_concluded_shows_outcome_and_measures_only_when_there_are_some(led_case):
    Consultation.objects.filter(pk=led_case.pk).update(
        status="concluded",
        outcome="Ein Runder Tisch mit Gemeinde & Nachbarschaft ist vereinbart.",
        measures="Erstes Treffen im Juni",
    )
    rendered = render(emails.CONCLUDED, led_case.requester, {"consultation_id": led_case.pk})

    assert led_case.reference in rendered.subject
    assert "Ein Runder Tisch mit Gemeinde & Nachbarschaft ist vereinbart." in rendered.body_text
    assert "Gemeinde &amp; Nachbarschaft" in rendered.body_html
    assert "Agreed measures" in rendered.body_text
    assert "Erstes Treffen im Juni" in rendered.body_html
    assert NOTE_TEXT not in everything(rendered)

    Consultation.objects.filter(pk=led_case.pk).update(measures="")
    without = render(emails.CONCLUDED, led_case.requester, {"consultation_id": led_case.pk})
    assert "Agreed measures" not in everything(without)


def test_ended_explains_a_decline_with_its_reason(led_case):
    Consultation.objects.filter(pk=led_case.pk).update(
        status="declined", reason="Das Programm berät nur Kommunen in NRW und Hessen."
    )
    rendered = render(emails.ENDED, led_case.requester, {"consultation_id": led_case.pk})

    assert rendered.subject == f"Your request {led_case.reference} could not be accepted"
    assert "Das Programm berät nur Kommunen in NRW und Hessen." in rendered.body_text
    assert "Das Programm berät nur Kommunen in NRW und Hessen." in rendered.body_html


def test_ended_names_where_a_request_was_referred_to(led_case):
    Consultation.objects.filter(pk=led_case.pk).update(
        status="referred",
        referred_to="Landesprogramm Interkulturelle Öffnung",
        reason="Dort gibt es eine Förderung für Bauvorhaben.",
    )
    rendered = render(emails.ENDED, led_case.requester, {"consultation_id": led_case.pk})

    assert rendered.subject == f"Your request {led_case.reference} has been passed on"
    assert "on to Landesprogramm Interkulturelle Öffnung" in rendered.body_text
    assert "Dort gibt es eine Förderung für Bauvorhaben." in rendered.body_text
    assert "Landesprogramm Interkulturelle Öffnung" in rendered.body_html


def test_ended_tells_the_advisor_that_the_requester_withdrew(led_case, lead):
    Consultation.objects.filter(pk=led_case.pk).update(status="withdrawn")
    rendered = render(
        emails.ENDED, lead.user, {"consultation_id": led_case.pk, "for_advisor": True}
    )

    assert rendered.subject == f"Request {led_case.reference} has been withdrawn"
    assert (
        f"the request {led_case.reference} of {led_case.body} has been withdrawn by the requester."
        in rendered.body_text
    )
    assert NOTE_TEXT not in everything(rendered)


def test_ended_lists_the_cancelled_appointments_for_each_side(led_case, lead):
    from consultations.services import consultation_close

    appointment = AppointmentFactory(
        consultation=led_case,
        advisor=lead,
        starts_at=timezone.now() + timedelta(days=4),
        phase="round_table",
    )
    Consultation.objects.filter(pk=led_case.pk).update(status="concluded")
    consultation_close(consultation=led_case, by=lead.user)
    local = timezone.localtime(appointment.starts_at)
    day = f"{local:%A}, {local.day} {local:%B %Y}"

    for user in (led_case.requester, lead.user):
        user.preferred_language = "en"
        user.save(update_fields=["preferred_language"])
        notification = Notification.objects.get(kind=emails.ENDED, user=user)
        rendered = render_notification(notification)
        assert rendered.subject == f"Request {led_case.reference}: closed"
        assert "have been cancelled" in rendered.body_text
        assert f"When: {day}, {local:%H:%M} to" in rendered.body_text
        assert "Round table" in rendered.body_html
        assert "removes the appointment from your calendar" in rendered.body_text
        assert NOTE_TEXT not in everything(rendered)
    to_requester = render_notification(
        Notification.objects.get(kind=emails.ENDED, user=led_case.requester)
    )
    assert "With: Dr. Leyla Kaya" in to_requester.body_text
    assert portal_url(led_case) in to_requester.body_text
    to_advisor = render_notification(Notification.objects.get(kind=emails.ENDED, user=lead.user))
    assert "Jana Becker, Stadt Bergheim" in to_advisor.body_text
    assert admin_url(led_case) in to_advisor.body_text


def test_a_reminder_of_an_ended_case_is_not_sent(led_case, lead):
    from portal.notifications.kinds import Obsolete

    appointment = AppointmentFactory(consultation=led_case, advisor=lead)
    Consultation.objects.filter(pk=led_case.pk).update(status="withdrawn")
    with pytest.raises(Obsolete):
        render(emails.REMINDER, led_case.requester, {"appointment_id": appointment.pk})


def test_follow_up_links_a_feedback_form_that_needs_no_login(led_case):
    Consultation.objects.filter(pk=led_case.pk).update(status="closed", closed_at=timezone.now())
    rendered = render(emails.FOLLOW_UP, led_case.requester, {"consultation_id": led_case.pk})

    assert led_case.reference in rendered.subject
    assert "/consultations/feedback/" in rendered.body_text
    assert "/consultations/feedback/" in rendered.body_html
    token = token_of(rendered.body_text, link_prefix("consultations:feedback"))
    assert consultation_from_feedback_token(token) == led_case
    # An optional email: the footer offers to switch follow-ups off.
    assert "Switch off follow-ups with one click" in rendered.body_text


def test_message_says_a_message_waits_without_its_text(led_case, lead):
    from_requester = Message.objects.create(
        consultation=led_case, author=led_case.requester, text=MESSAGE_TEXT
    )
    from_advisor = Message.objects.create(
        consultation=led_case, author=lead.user, from_advisors=True, text=MESSAGE_TEXT
    )

    to_advisor = render(
        emails.MESSAGE, lead.user, {"message_id": from_requester.pk, "for_advisor": True}
    )
    to_requester = render(
        emails.MESSAGE, led_case.requester, {"message_id": from_advisor.pk, "for_advisor": False}
    )

    for rendered in (to_advisor, to_requester):
        assert MESSAGE_TEXT not in everything(rendered)
        assert "Vertraulich" not in everything(rendered)
        assert led_case.reference in rendered.subject
        assert NOTE_TEXT not in everything(rendered)
    assert "Jana Becker has written a new message on the case" in to_advisor.body_text
    assert admin_url(led_case) in to_advisor.body_text
    assert "Dr. Leyla Kaya has written you a new message" in to_requester.body_text
    assert portal_url(led_case) in to_requester.body_text


def test_digest_lists_requests_waiting_for_triage(coordinator_user):
    waiting = ConsultationFactory(municipality__name="Gemeinde Wadersloh")
    Consultation.objects.filter(pk=waiting.pk).update(
        submitted_at=timezone.now() - timedelta(days=7)
    )
    ConsultationFactory(municipality__name="Stadt Frisch")  # submitted today: not yet due

    rendered = render(emails.DIGEST, coordinator_user, {"date": timezone.localdate().isoformat()})

    assert rendered.subject == "1 request waits for triage"
    assert "1 request has been waiting for triage for more than 3 working days" in (
        rendered.body_text
    )
    assert waiting.reference in rendered.body_text
    assert "Gemeinde Wadersloh" in rendered.body_html
    assert "Stadt Frisch" not in everything(rendered)
    assert "status__exact=submitted" in rendered.body_text


# --- Appointments ------------------------------------------------------------------------------


@pytest.fixture
def appointment(led_case, lead):
    return AppointmentFactory(
        consultation=led_case,
        advisor=lead,
        starts_at=timezone.now() + timedelta(days=3),
        mode="video",
        video_link="https://meet.example/kv-raum",
    )


def both_sides(kind, appointment, language="en"):
    requester = render(
        kind,
        appointment.consultation.requester,
        {"appointment_id": appointment.pk, "for_advisor": False},
        language,
    )
    advisor = render(
        kind,
        appointment.advisor.user,
        {"appointment_id": appointment.pk, "for_advisor": True},
        language,
    )
    return requester, advisor


@pytest.mark.parametrize("kind", [emails.BOOKED, emails.MOVED, emails.REMINDER])
def test_only_the_requester_gets_the_link_to_move_or_cancel(kind, appointment):
    requester, advisor = both_sides(kind, appointment)
    prefix = link_prefix("consultations:appointment_link")

    token = token_of(requester.body_text, prefix)
    assert appointment_from_token(token) == appointment
    assert prefix in requester.body_html
    assert "up to 24 hours before it begins" in requester.body_text
    assert prefix not in everything(advisor)
    assert "move or cancel" not in advisor.body_text
    assert admin_url(appointment.consultation) in advisor.body_text


@pytest.mark.parametrize("kind", [emails.BOOKED, emails.MOVED])
def test_booked_and_moved_show_time_and_calendar_file(kind, appointment):
    local = timezone.localtime(appointment.starts_at)
    end = timezone.localtime(appointment.ends_at)
    requester, advisor = both_sides(kind, appointment)

    day = f"{local:%A}, {local.day} {local:%B %Y}"  # English: "Tuesday, 24 November 2026"
    for rendered in (requester, advisor):
        assert day in rendered.subject
        assert f"{local:%H:%M} to {end:%H:%M} (60 minutes)" in rendered.body_text
        assert "calendar file" in rendered.body_text
        assert "https://meet.example/kv-raum" in rendered.body_html
        assert appointment.consultation.reference in rendered.subject
    assert "With: Dr. Leyla Kaya" in requester.body_text
    assert "Stadt Bergheim" in advisor.body_text
    assert "Jana Becker" in advisor.body_text
    assert NOTE_TEXT not in everything(advisor)


def test_cancelled_names_the_appointment_and_offers_no_link_to_move_it(appointment):
    Appointment.objects.filter(pk=appointment.pk).update(status="cancelled")
    requester, advisor = both_sides(emails.CANCELLED, appointment)
    prefix = link_prefix("consultations:appointment_link")

    assert requester.subject.startswith("Appointment cancelled:")
    assert prefix not in everything(requester)
    assert "https://meet.example/kv-raum" not in everything(requester)
    assert portal_url(appointment.consultation) in requester.body_text
    assert "Stadt Bergheim" in advisor.body_text
    assert appointment.consultation.reference in advisor.body_text
    assert admin_url(appointment.consultation) in advisor.body_text


def test_reminder_says_tomorrow_at_the_local_time(appointment):
    local = timezone.localtime(appointment.starts_at)
    requester, advisor = both_sides(emails.REMINDER, appointment)

    assert requester.subject.startswith(f"Reminder: appointment tomorrow at {local:%H:%M}")
    assert f"tomorrow at {local:%H:%M} for the request" in requester.body_text
    assert "Stadt Bergheim" in advisor.body_text


# --- Every kind, in German and English ---------------------------------------------------------


def scenario(kind, led_case, lead, coordinator_user):
    """(recipient, context) of one kind, with the case in a state that kind is sent in."""
    consultation_id = {"consultation_id": led_case.pk}
    if kind == emails.FOLLOW_UP:
        Consultation.objects.filter(pk=led_case.pk).update(status="closed")
    if kind == emails.ENDED:
        Consultation.objects.filter(pk=led_case.pk).update(status="declined", reason="Kein Bedarf")
    if kind == emails.NEW_REQUEST:
        return coordinator_user, consultation_id
    if kind in (emails.RECEIVED, emails.CONCLUDED, emails.ENDED, emails.FOLLOW_UP):
        return led_case.requester, consultation_id
    if kind == emails.ASSIGNED:
        return lead.user, {**consultation_id, "for_advisor": True}
    if kind == emails.MESSAGE:
        message = Message.objects.create(consultation=led_case, author=lead.user, text=MESSAGE_TEXT)
        return led_case.requester, {"message_id": message.pk, "for_advisor": False}
    if kind == emails.DIGEST:
        Consultation.objects.filter(pk=led_case.pk).update(
            status="submitted", submitted_at=timezone.now() - timedelta(days=7)
        )
        return coordinator_user, {"date": timezone.localdate().isoformat()}
    appointment = AppointmentFactory(consultation=led_case, advisor=lead)
    return led_case.requester, {"appointment_id": appointment.pk, "for_advisor": False}


ALL_KINDS = [
    emails.RECEIVED,
    emails.NEW_REQUEST,
    emails.ASSIGNED,
    emails.CONCLUDED,
    emails.ENDED,
    emails.FOLLOW_UP,
    emails.MESSAGE,
    emails.DIGEST,
    emails.BOOKED,
    emails.MOVED,
    emails.CANCELLED,
    emails.REMINDER,
]


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_every_kind_renders_in_german_and_english(kind, led_case, lead, coordinator_user):
    recipient, context = scenario(kind, led_case, lead, coordinator_user)

    english = render(kind, recipient, context, "en")
    german = render(kind, recipient, context, "de")

    for rendered, language, hello in ((english, "en", "Hello"), (german, "de", "Guten Tag")):
        assert rendered.subject
        assert "\n" not in rendered.subject
        assert led_case.reference in everything(rendered)
        assert rendered.body_text.startswith(f"{hello} {recipient.full_name},")
        assert f'<html lang="{language}">' in rendered.body_html
        assert "{%" not in everything(rendered)
        assert "{{" not in everything(rendered)
        assert NOTE_TEXT not in everything(rendered)
        assert MESSAGE_TEXT not in everything(rendered)
        assert rendered.message.extra_headers["Content-Language"] == language


@pytest.mark.parametrize("kind", [emails.BOOKED, emails.MOVED, emails.CANCELLED, emails.REMINDER])
def test_appointment_dates_follow_the_recipients_language(kind, led_case, lead):
    # The first Monday of March next year, 10:00 in Berlin (winter time): always ahead.
    year = timezone.localdate().year + 1
    day = date(year, 3, 1)
    day += timedelta(days=-day.weekday() % 7)
    starts_at = datetime.combine(day, time(10), tzinfo=timezone.get_fixed_timezone(60))
    appointment = AppointmentFactory(consultation=led_case, advisor=lead, starts_at=starts_at)

    english, _ = both_sides(kind, appointment, "en")
    german, _ = both_sides(kind, appointment, "de")

    assert f"Monday, {day.day} March {year}" in english.body_text
    assert f"Montag, {day.day}. März {year}" in german.body_text
    assert "10:00" in english.subject
    assert "10:00" in german.subject
