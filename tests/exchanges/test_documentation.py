"""After a round: attendance, the documentation and its files, who may read them, and the
email to every participant when it is published (once)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse

from exchanges.errors import ExchangeError
from exchanges.models import RoundFile
from exchanges.selectors.moderation import documentation_panel, may_read_documentation
from exchanges.services.documentation import (
    attendance_record,
    documentation_publish,
    documentation_save,
    round_file_add,
)
from portal.core.models import AuditEntry
from portal.notifications.models import Notification
from tests.consultations.conftest import pdf_bytes
from tests.exchanges.moderation_helpers import (
    advisor,
    guest,
    make_round,
    member,
    past_round,
    verified_officer,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def moderator(db):
    return advisor()


@pytest.fixture
def held(moderator):
    """A round that ended yesterday, with two members (one came) and a guest, attendance
    recorded (so it is held) and a summary written."""
    round = past_round(moderators=[moderator], title="Runder Tisch Moscheebau")
    came = member(round)
    member(round)  # stays away
    guest(round, language="en")
    attendance_record(round=round, present_ids=[came.pk], by=moderator)
    documentation_save(
        round=round,
        summary="Drei Kommunen berichteten über Bauanträge.",
        results="Ein Leitfaden entsteht.",
        open_to_officers=False,
        by=moderator,
    )
    round.refresh_from_db()
    return round


def upload(name="protokoll.pdf", content=None):
    return SimpleUploadedFile(name, content or pdf_bytes(), content_type="application/pdf")


# --- Attendance -------------------------------------------------------------------------------


def test_attendance_marks_confirmed_participants_and_the_round_is_held(moderator):
    round = past_round(moderators=[moderator])
    came, absent = member(round), member(round)
    waiting = member(round, status="waitlisted")

    assert attendance_record(round=round, present_ids=[came.pk], by=moderator) == 1

    round.refresh_from_db()
    assert round.status == "held"
    marks = dict(round.registrations.values_list("pk", "attended"))
    assert marks == {came.pk: True, absent.pk: False, waiting.pk: None}
    assert AuditEntry.objects.filter(action="round_registration.attended").count() == 1
    assert AuditEntry.objects.filter(action="round_registration.absent").count() == 1
    assert AuditEntry.objects.filter(action="exchange_round.hold", to_status="held").exists()


def test_attendance_is_refused_before_the_end_for_others_and_for_strangers(moderator):
    upcoming = make_round(moderators=[moderator])
    registration = member(upcoming)
    with pytest.raises(ExchangeError, match="sobald die Runde zu Ende ist"):
        attendance_record(round=upcoming, present_ids=[registration.pk], by=moderator)

    round = past_round(moderators=[moderator])
    participant = member(round)
    stranger = member(past_round())
    with pytest.raises(ExchangeError, match="Moderation der Runde"):
        attendance_record(round=round, present_ids=[], by=advisor())
    with pytest.raises(ExchangeError, match="bestätigte Teilnehmende"):
        attendance_record(round=round, present_ids=[participant.pk, stranger.pk], by=moderator)


def test_the_attendance_page_records(client, moderator):
    round = past_round(moderators=[moderator])
    came, absent = member(round), member(round)
    client.force_login(moderator)
    url = reverse("exchanges:moderate_attendance", args=[round.slug])

    assert client.get(url).status_code == 200
    assert client.post(url, {"present": [came.pk]}).status_code == 302
    assert client.post(url, {"present": ["x"]}).status_code == 200  # a message, no 500

    came.refresh_from_db()
    absent.refresh_from_db()
    assert (came.attended, absent.attended) == (True, False)


# --- Who reads the documentation -------------------------------------------------------------


def test_documentation_is_for_participants_not_other_officers_unless_opened(held, moderator):
    documentation_publish(round=held, by=moderator)
    held.refresh_from_db()
    came, stayed_away = held.registrations.members().order_by("pk")
    officer = verified_officer()
    unverified = UserFactory(roles=["integration_officer"])

    assert may_read_documentation(came.person, held)
    assert may_read_documentation(stayed_away.person, held)  # attended or not
    assert may_read_documentation(moderator, held)
    assert may_read_documentation(UserFactory(roles=["coordinator"]), held)
    assert not may_read_documentation(officer, held)
    assert not may_read_documentation(advisor(), held)
    assert not may_read_documentation(AnonymousUser(), held)

    documentation_save(
        round=held,
        summary=held.documentation_summary,
        results=held.documentation_results,
        open_to_officers=True,
        by=moderator,
    )
    held.refresh_from_db()
    assert may_read_documentation(officer, held)
    assert not may_read_documentation(unverified, held)
    assert not may_read_documentation(AnonymousUser(), held)


def test_a_cancelled_registration_does_not_read_it(held, moderator):
    cancelled = member(held, status="cancelled")
    documentation_publish(round=held, by=moderator)
    held.refresh_from_db()
    assert not may_read_documentation(cancelled.person, held)


def render_panel(round, user):
    return render_to_string(
        "exchanges/_documentation_panel.html", {"panel": documentation_panel(round, user)}
    )


def test_the_panel_shows_the_text_to_readers_and_a_sentence_to_everyone_else(held, moderator):
    documentation_publish(round=held, by=moderator)
    held.refresh_from_db()
    participant = held.registrations.members().first().person

    for reader in (participant, moderator):
        html = render_panel(held, reader)
        assert "Drei Kommunen berichteten" in html
        assert "Ein Leitfaden entsteht" in html
    for outsider in (verified_officer(), AnonymousUser()):
        html = render_panel(held, outsider)
        assert "Drei Kommunen berichteten" not in html
        assert "steht ihren Teilnehmenden offen" in html


def test_before_publication_participants_see_nothing(held, moderator):
    participant = held.registrations.members().first().person
    panel = documentation_panel(held, participant)
    assert not panel["visible"]
    assert "Drei Kommunen" not in render_panel(held, participant)
    assert not may_read_documentation(participant, held)
    assert may_read_documentation(moderator, held)


# --- Files ------------------------------------------------------------------------------------


def test_files_download_for_readers_and_404_for_everyone_else(client, held, moderator):
    file = round_file_add(round=held, upload=upload("Protokoll Runde.pdf"), by=moderator)
    url = reverse("exchanges:round_file", args=[held.slug, file.pk])
    participant = held.registrations.members().first().person

    client.force_login(moderator)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "Protokoll Runde.pdf" in response["Content-Disposition"]

    client.force_login(participant)
    assert client.get(url).status_code == 404  # not published yet
    documentation_publish(round=held, by=moderator)
    assert client.get(url).status_code == 200

    for outsider in (verified_officer(), advisor()):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
    other_round = past_round()
    client.force_login(participant)
    assert (
        client.get(reverse("exchanges:round_file", args=[other_round.slug, file.pk])).status_code
        == 404
    )


def test_a_file_gone_from_storage_answers_404_not_an_error(client, held, moderator):
    file = round_file_add(round=held, upload=upload(), by=moderator)
    file.file.delete(save=False)  # the row outlived its file
    client.force_login(moderator)
    assert client.get(reverse("exchanges:round_file", args=[held.slug, file.pk])).status_code == 404


def documentation_url(round):
    return reverse("exchanges:moderate_documentation", args=[round.slug])


def test_an_upload_of_the_wrong_type_or_size_is_refused_with_a_message(client, held, moderator):
    client.force_login(moderator)
    big = upload("folien.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024))
    for name, file in [("programm.pdf", upload("programm.pdf", EXECUTABLE)), ("folien.pdf", big)]:
        response = client.post(documentation_url(held), {"action": "files", "files": [file]})
        assert response.status_code == 200
        errors = " ".join(response.context["files_form"].errors["files"])
        assert name in errors
    assert "10 MB" in errors
    assert not RoundFile.objects.exists()

    response = client.post(documentation_url(held), {"action": "files", "files": [upload()]})
    assert response.status_code == 302
    stored = RoundFile.objects.get()
    assert (stored.title, stored.content_type) == ("protokoll", "application/pdf")
    assert stored.file.name.endswith(".pdf")


def test_a_file_is_removed_with_an_audit_entry(client, held, moderator):
    file = round_file_add(round=held, upload=upload(), by=moderator)
    client.force_login(moderator)
    response = client.post(documentation_url(held), {"action": "remove_file", "file": file.pk})
    assert response.status_code == 302
    assert not RoundFile.objects.exists()
    assert AuditEntry.objects.filter(action="round_file.remove").exists()
    assert (
        client.post(documentation_url(held), {"action": "remove_file", "file": "x"}).status_code
        == 404
    )


# --- Writing and publishing -------------------------------------------------------------------


def test_the_documentation_page_saves_text_and_keeps_it_on_an_error(client, held, moderator):
    client.force_login(moderator)
    data = {
        "action": "save",
        "summary": "Neue Zusammenfassung",
        "results": "Neues Ergebnis",
        "open_to_officers": "on",
        "follow_ups-TOTAL_FORMS": "1",
        "follow_ups-INITIAL_FORMS": "0",
        "follow_ups-0-what": "Leitfaden schreiben",
        "follow_ups-0-who": "",
        "follow_ups-0-due": "kein Datum",
    }
    response = client.post(documentation_url(held), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Neue Zusammenfassung" in page and "Leitfaden schreiben" in page
    held.refresh_from_db()
    assert held.documentation_summary == "Drei Kommunen berichteten über Bauanträge."

    data.update({"follow_ups-0-who": "Stadt Köln", "follow_ups-0-due": "2027-03-31"})
    assert client.post(documentation_url(held), data).status_code == 302
    held.refresh_from_db()
    assert held.documentation_summary == "Neue Zusammenfassung"
    assert held.documentation_open_to_officers
    item = held.follow_ups.get()
    assert (item.what, item.who, str(item.due)) == (
        "Leitfaden schreiben",
        "Stadt Köln",
        "2027-03-31",
    )


def test_publishing_emails_each_participant_once_in_their_language(
    held, moderator, send_due_emails
):
    assert documentation_publish(round=held, by=moderator) == 3

    held.refresh_from_db()
    assert held.status == "documented" and held.documented_at is not None
    with pytest.raises(ExchangeError, match="bereits veröffentlicht"):
        documentation_publish(round=held, by=moderator)

    rows = Notification.objects.filter(kind="round_documented")
    assert rows.count() == 3
    assert len({row.to_email for row in rows}) == 3
    send_due_emails()
    assert len(mail.outbox) == 3
    guest_mail = next(m for m in mail.outbox if m.to[0].startswith("guest"))
    assert guest_mail.subject.startswith("Documentation published")
    assert guest_mail.extra_headers["Content-Language"] == "en"
    assert "Drei Kommunen berichteten" in guest_mail.body
    assert "Hello Jane Roe" in guest_mail.body
    assert "/exchanges/" not in guest_mail.body  # a guest has no account to read the page
    member_mail = next(m for m in mail.outbox if not m.to[0].startswith("guest"))
    assert member_mail.extra_headers["Content-Language"] == "de"
    assert f"{held.get_absolute_url()}#documentation" in member_mail.body


def test_publishing_needs_a_held_round_with_a_summary_and_a_moderator(moderator):
    round = past_round(moderators=[moderator])
    member(round)
    with pytest.raises(ExchangeError, match="zuerst die Anwesenheit"):
        documentation_publish(round=round, by=moderator)
    attendance_record(round=round, present_ids=[], by=moderator)
    with pytest.raises(ExchangeError, match="Zusammenfassung"):
        documentation_publish(round=round, by=moderator)
    with pytest.raises(ExchangeError, match="Moderation der Runde"):
        documentation_publish(round=round, by=advisor())
    assert not Notification.objects.exists()


def test_the_publish_button_publishes_and_a_second_click_is_refused(client, held, moderator):
    client.force_login(moderator)
    assert client.post(documentation_url(held), {"action": "publish"}).status_code == 302
    response = client.post(documentation_url(held), {"action": "publish"}, follow=True)
    assert "bereits veröffentlicht" in response.content.decode()
    assert Notification.objects.filter(kind="round_documented").count() == 3
