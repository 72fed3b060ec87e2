"""What the emails say, in both languages, and the settings behind the optional ones."""

import re
import time
from datetime import date, timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.core import mail, signing
from django.urls import reverse

from portal.accounts.emails import MEMBERSHIP_DIGEST, MEMBERSHIP_VERIFIED
from portal.accounts.services import membership_digest_queue, membership_reject
from portal.core.links import link_purposes
from portal.core.models import AuditEntry
from portal.notifications.links import UNSUBSCRIBE_LINK
from portal.notifications.models import EmailPreferences, Notification, Status
from portal.notifications.rendering import unsubscribe_token
from portal.notifications.services import enqueue, notify
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^\s]+")


def test_the_confirmation_email_renders_in_german_and_english(client, send_due_emails):
    for language, email in (("de", "anna@stadt.example"), ("en", "ben@town.example")):
        client.cookies["django_language"] = language
        client.post(
            reverse("account_signup"),
            {
                "full_name": "Anna & Ben",
                "email": email,
                "password1": "Vielfalt-im-Rathaus-7",
                "password2": "Vielfalt-im-Rathaus-7",
                "privacy_accepted": "on",
            },
        )
    send_due_emails()

    german, english = mail.outbox
    assert (
        german.subject
        == "Bitte bestätigen Sie Ihre E-Mail-Adresse, um die Registrierung abzuschließen"
    )
    assert english.subject == "Please confirm your email address to finish signing up"
    assert german.body.startswith("Guten Tag Anna & Ben,")  # no HTML escaping in text
    assert english.body.startswith("Hello Anna & Ben,")
    german_html = german.alternatives[0].content
    assert '<html lang="de">' in german_html
    assert "Anna &amp; Ben" in german_html
    assert "E-Mail-Adresse bestätigen" in german_html
    assert '<html lang="en">' in english.alternatives[0].content
    assert german.extra_headers["Content-Language"] == "de"


def test_the_recipients_current_language_counts_at_sending_time(send_due_emails):
    membership = MembershipFactory(verified=True, user__preferred_language="de")
    notify(
        kind=MEMBERSHIP_VERIFIED,
        key="verified",
        user=membership.user,
        context={"membership_id": membership.pk},
    )
    membership.user.preferred_language = "en"
    membership.user.save()

    send_due_emails()

    assert mail.outbox[0].subject.startswith("Confirmed: you work for")


def test_password_reset_link_is_made_when_sent_and_not_stored(client, officer, send_due_emails):
    client.post(reverse("account_reset_password"), {"email": officer.email})
    notification = Notification.objects.get(kind="account_password_reset")
    assert notification.context == {}

    send_due_emails()
    link = next(url for url in LINK.findall(mail.outbox[0].body) if "/password/reset/key/" in url)
    notification.refresh_from_db()

    assert notification.status == Status.SENT
    assert notification.subject
    assert notification.body_text == "" and notification.body_html == ""
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get(f"/{path}", follow=True)
    assert response.status_code == 200
    assert b'name="password1"' in response.content


def test_a_reset_for_an_unknown_address_tells_the_address_so(client, send_due_emails):
    client.post(reverse("account_reset_password"), {"email": "nobody@stadt.example"})
    send_due_emails()

    assert mail.outbox[0].to == ["nobody@stadt.example"]
    assert "/accounts/signup/" in mail.outbox[0].body


def test_a_rejected_membership_is_explained_by_email(coordinator, send_due_emails):
    membership = MembershipFactory(verified=False, municipality__name="Gotha, Stadt")

    membership_reject(membership=membership, by=coordinator)
    send_due_emails()

    assert "Gotha, Stadt" in mail.outbox[0].subject


def test_the_digest_goes_to_coordinators_once_a_day_with_a_one_click_switch_off(
    coordinator, send_due_emails, client
):
    MembershipFactory(verified=False, role="Integrationsbeauftragte")
    today = date(2026, 11, 23)

    assert membership_digest_queue(today=today) == 1
    assert membership_digest_queue(today=today) == 1  # the same row again, not a second
    send_due_emails()

    assert Notification.objects.filter(kind=MEMBERSHIP_DIGEST).count() == 1
    digest = mail.outbox[0]
    assert digest.to == [coordinator.email]
    assert "Integrationsbeauftragte" in digest.body
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = digest.extra_headers["List-Unsubscribe"].strip("<>")
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    assert path in digest.body

    # A mail program's one-click POST switches digests off, without a session or CSRF token.
    client.handler.enforce_csrf_checks = True
    response = client.post(path, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert not EmailPreferences.objects.get(user=coordinator).digest
    assert EmailPreferences.objects.get(user=coordinator).reminder


def test_no_digest_when_nothing_waits(coordinator):
    assert membership_digest_queue(today=date(2026, 11, 23)) == 0


def test_the_digest_comes_again_only_when_a_new_membership_waits(coordinator, send_due_emails):
    first = MembershipFactory(verified=False, role="Integrationsbeauftragte")
    monday, tuesday, wednesday = date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25)
    assert membership_digest_queue(today=monday) == 1

    # Nothing new on Tuesday: the coordinator was told on Monday.
    assert membership_digest_queue(today=tuesday) == 0
    assert membership_digest_queue(today=tuesday) == 0

    second = MembershipFactory(verified=False, role="Sachgebietsleitung")
    assert membership_digest_queue(today=wednesday) == 1
    assert membership_digest_queue(today=wednesday) == 1
    send_due_emails()

    assert Notification.objects.filter(kind=MEMBERSHIP_DIGEST).count() == 2
    assert len(mail.outbox) == 2
    # The new digest lists everything still waiting, the older claim too.
    assert first.role in mail.outbox[1].body and second.role in mail.outbox[1].body


def test_the_daily_task_run_twice_sends_one_email(coordinator, send_due_emails):
    from portal.accounts.tasks import queue_membership_digest

    MembershipFactory(verified=False)
    queue_membership_digest()
    queue_membership_digest()
    send_due_emails()

    assert [message.to for message in mail.outbox] == [[coordinator.email]]


def test_transactional_emails_carry_no_switch_off_link(send_due_emails):
    membership = MembershipFactory(verified=True)
    notify(
        kind=MEMBERSHIP_VERIFIED,
        key="verified",
        user=membership.user,
        context={"membership_id": membership.pk},
    )
    send_due_emails()

    assert "List-Unsubscribe" not in mail.outbox[0].extra_headers
    assert "/me/emails/off/" not in mail.outbox[0].body


def test_the_switch_off_link_asks_before_it_switches(client, officer):
    url = reverse(
        "notifications:unsubscribe",
        args=[unsubscribe_token(user_id=officer.pk, category="reminder")],
    )

    page = client.get(url)

    assert page.status_code == 200
    assert officer.email in page.content.decode()
    assert not EmailPreferences.objects.exists()  # link scanners only GET
    client.post(url)
    assert not EmailPreferences.objects.get(user=officer).reminder


def test_a_link_signed_before_the_kernel_still_switches_off(client, officer):
    # Exactly how the outbox signed its links before they became a kernel LinkPurpose.
    old_token = signing.dumps(
        {"u": officer.pk, "c": "digest"}, salt="portal.notifications.unsubscribe"
    )
    url = reverse("notifications:unsubscribe", args=[old_token])

    assert unsubscribe_token(user_id=officer.pk, category="digest") == old_token
    assert client.get(url).status_code == 200
    client.post(url)

    assert not EmailPreferences.objects.get(user=officer).digest
    entry = AuditEntry.objects.get(action="email_preferences.update")
    assert entry.actor is None
    assert entry.details == {"digest": False, "via": "email link"}


def test_the_switch_off_link_is_a_registered_purpose_that_never_expires(officer):
    purpose = link_purposes()["notifications.unsubscribe"]
    ten_years_ago = time.time() - timedelta(days=3650).total_seconds()
    with mock.patch("django.core.signing.time.time", return_value=ten_years_ago):
        old_token = purpose.sign(officer.pk, "reminder")

    assert purpose is UNSUBSCRIBE_LINK
    assert (purpose.salt, purpose.max_age) == ("portal.notifications.unsubscribe", None)
    assert purpose.read(old_token) == {"u": officer.pk, "c": "reminder"}
    assert purpose.resolve(old_token).user == officer


def test_a_link_for_another_purpose_or_a_deactivated_account_is_refused(client, officer):
    foreign = signing.dumps({"u": officer.pk, "c": "reminder"}, salt="consultations.feedback")
    valid = unsubscribe_token(user_id=officer.pk, category="reminder")
    officer.is_active = False
    officer.save(update_fields=["is_active"])

    for token in (foreign, valid, "not-a-token"):
        assert client.get(reverse("notifications:unsubscribe", args=[token])).status_code == 404


def test_a_link_for_a_transactional_category_is_refused(client, officer):
    url = reverse(
        "notifications:unsubscribe",
        args=[unsubscribe_token(user_id=officer.pk, category="transactional")],
    )

    assert client.post(url).status_code == 404


def test_the_settings_page_saves_choices_and_keeps_the_others(client, officer):
    client.force_login(officer)
    url = reverse("notifications:preferences")

    assert client.get(url).status_code == 200
    response = client.post(url, {"reminder": "on", "digest": "on"})

    assert response.status_code == 302
    preferences = EmailPreferences.objects.get(user=officer)
    assert (preferences.reminder, preferences.follow_up, preferences.digest) == (
        True,
        False,
        True,
    )
    page = client.get(url).content.decode()
    assert "Ihre E-Mail-Einstellungen wurden gespeichert." in page


def test_enqueue_with_the_broker_down_leaves_the_row_to_the_dispatcher(broker_down):
    notification = notify(kind="account_unknown", key="unknown", email="x@stadt.example")
    assert notification.enqueued_at is not None

    enqueue([notification.pk])  # what on_commit runs; it must not raise

    notification.refresh_from_db()
    assert notification.enqueued_at is None


class TestOutboxAdmin:
    @pytest.fixture
    def failed(self):
        user = UserFactory(email="maria@stadt.example")
        rows = []
        for number in range(3):
            notification = notify(kind="account_unknown", key=f"failed:{number}", user=user)
            Notification.objects.filter(pk=notification.pk).update(
                status=Status.FAILED, last_error="550 5.1.1 No such mailbox", attempts=1
            )
            rows.append(notification)
        return rows

    def test_coordinators_see_failures_with_their_reason_in_pinned_queries(
        self, client, coordinator, failed, django_assert_max_num_queries
    ):
        client.force_login(coordinator)
        url = reverse("admin:notifications_notification_changelist")

        with django_assert_max_num_queries(12):
            response = client.get(url, {"status__exact": "failed"})
        for number in range(20):
            notify(kind="account_unknown", key=f"more:{number}", email=f"{number}@x.example")
        with django_assert_max_num_queries(12):
            client.get(url)

        assert response.status_code == 200
        page = response.content.decode()
        assert "550 5.1.1 No such mailbox" in page
        assert "maria@stadt.example" in page

    def test_retrying_failed_rows_queues_them_again(self, client, coordinator, failed):
        client.force_login(coordinator)
        sent = notify(kind="account_unknown", key="sent", email="ok@x.example")
        Notification.objects.filter(pk=sent.pk).update(status=Status.SENT, sent_at=sent.created_at)

        response = client.post(
            reverse("admin:notifications_notification_changelist"),
            {"action": "retry_failed", "_selected_action": [failed[0].pk, sent.pk]},
            follow=True,
        )

        assert response.status_code == 200
        failed[0].refresh_from_db()
        assert failed[0].status == Status.QUEUED
        assert failed[0].attempts == 0
        assert "550 5.1.1" in failed[0].last_error
        # The outbox writes no audit entries of its own; a person retrying an email does.
        (entry,) = AuditEntry.objects.all()
        assert (entry.action, entry.actor, entry.target) == (
            "notification.retry",
            coordinator,
            failed[0],
        )
        assert entry.details["to"] == "maria@stadt.example"
        assert (entry.from_status, entry.to_status) == (Status.FAILED, Status.QUEUED)
        assert Notification.objects.get(pk=sent.pk).status == Status.SENT
        assert Notification.objects.get(pk=failed[1].pk).status == Status.FAILED

    def test_a_sent_email_cannot_be_edited_or_deleted(self, client, coordinator):
        sent = notify(kind="account_unknown", key="sent", email="ok@x.example")
        client.force_login(coordinator)
        url = reverse("admin:notifications_notification_change", args=[sent.pk])

        page = client.get(url)
        response = client.post(url, {"to_email": "evil@x.example", "status": "queued"})

        assert page.status_code == 200
        assert b'name="_save"' not in page.content
        assert response.status_code == 403
        assert Notification.objects.get(pk=sent.pk).to_email == "ok@x.example"
        delete = reverse("admin:notifications_notification_delete", args=[sent.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403

    def test_advisors_without_the_permission_cannot_retry(self, client, failed):
        advisor = UserFactory(roles=["advisor"])
        advisor.user_permissions.add(Permission.objects.get(codename="view_notification"))
        client.force_login(advisor)

        client.post(
            reverse("admin:notifications_notification_changelist"),
            {"action": "retry_failed", "_selected_action": [failed[0].pk]},
        )

        failed[0].refresh_from_db()
        assert failed[0].status == Status.FAILED

    def test_officers_never_reach_the_outbox(self, client, officer):
        client.force_login(officer)
        response = client.get(reverse("admin:notifications_notification_changelist"))
        assert response.status_code == 302
