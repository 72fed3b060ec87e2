"""The outbox with a real Celery worker on Redis, real PostgreSQL and a real SMTP server.

The worker is a separate process started here (`celery -A portal worker`), connected to the
test database, the broker of the settings and the SMTP server of this module. These tests
commit their transactions, as the portal does, so the worker sees their rows.

No test sleeps to show that something did not happen: `drain()` hands the worker a marker
email after everything else and waits for it, so what the worker was going to do is done.
"""

import itertools
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone

from portal.accounts.emails import MEMBERSHIP_VERIFIED
from portal.accounts.services import membership_verify
from portal.celery import app as celery_app
from portal.notifications.models import Notification, Status
from portal.notifications.services import notifications_dispatch, notify
from tests.factories import MembershipFactory, UserFactory
from tests.notifications.conftest import SinkHandler, free_port

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sink():
    handler = SinkHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, sink, tmp_path_factory):
    """A Celery worker process on the settings' broker, sending to the module's SMTP server."""
    if connection.vendor != "postgresql":
        pytest.skip("the worker tests need PostgreSQL")
    broker = settings.CELERY_BROKER_URL
    cache = settings.CACHES["default"].get("LOCATION", "")
    if not broker.startswith("redis://") or broker == cache:
        pytest.fail(
            "The worker tests need Redis as the broker, in a database apart from the cache "
            "(the tests clear the cache): set e.g. REDIS_URL=redis://127.0.0.1:6379/0 and "
            "CELERY_BROKER_URL=redis://127.0.0.1:6379/1"
        )
    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{database['USER']}:{database['PASSWORD']}"
            f"@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
        "CELERY_BROKER_URL": broker,
        "PYTHONUNBUFFERED": "1",
    }
    celery_app.control.purge()  # tasks left over from tests that ran without a worker
    log_path = tmp_path_factory.mktemp("worker") / "worker.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed at teardown
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo",
         "--without-gossip", "--without-mingle", "--loglevel=INFO", "--hostname",
         f"outbox-test-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while "ready." not in log_path.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"The Celery worker did not start:\n{log_path.read_text()}")
        time.sleep(0.2)
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()
    # The worker held connections to the test database; it has to be dropped at the end.
    connections.close_all()


@pytest.fixture
def mailbox(sink, worker):
    with sink.lock:
        sink.messages.clear()
        sink.refusals.clear()
    return sink


def wait_for(condition, *, timeout=30.0, what="the worker"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"Timed out waiting for {what}")


_markers = itertools.count(1)


def drain(mailbox):
    """Wait until the worker has run every task handed to it so far.

    A marker email is handed out last; the solo worker takes one task at a time (prefetch 1)
    from the broker's queue in the order they came, so once the marker has arrived, every
    earlier task has run. The marker is taken out of the mailbox again.
    """
    number = next(_markers)
    address = f"marker-{number}@outbox-test.example"
    notify(kind="account_unknown", key=f"test:drain-marker:{number}", email=address)
    wait_for(
        lambda: any(message["To"] == address for message in list(mailbox.messages)),
        what="the marker email that follows everything handed out before it",
    )
    with mailbox.lock:
        mailbox.messages[:] = [m for m in mailbox.messages if m["To"] != address]
    Notification.objects.filter(to_email=address).delete()


def make_due():
    """Time passes: the reminders written for later are due now, for the dispatcher."""
    past = timezone.now() - timedelta(seconds=1)
    Notification.objects.update(due_at=past, send_after=past)


def test_a_committed_event_is_emailed_within_seconds(mailbox):
    membership = MembershipFactory(verified=False)
    coordinator = UserFactory(roles=["coordinator"])

    started = time.monotonic()
    membership_verify(membership=membership, by=coordinator)
    wait_for(lambda: len(mailbox.messages) == 1, what="the confirmation email")
    elapsed = time.monotonic() - started

    assert elapsed < 10  # handed over on commit, not at the next dispatcher tick
    assert mailbox.messages[0]["To"] == membership.user.email
    notification = Notification.objects.get()
    wait_for(lambda: Notification.objects.get().status == Status.SENT, what="sent_at")
    notification.refresh_from_db()
    assert notification.sent_at is not None
    assert notification.subject == mailbox.messages[0]["Subject"].strip()  # unfolded header


def test_a_rolled_back_event_sends_nothing(mailbox):
    membership = MembershipFactory(verified=False)
    coordinator = UserFactory(roles=["coordinator"])

    with pytest.raises(RuntimeError), transaction.atomic():
        membership_verify(membership=membership, by=coordinator)
        raise RuntimeError("something after the verification failed")

    assert not Notification.objects.exists()
    assert notifications_dispatch() == 0
    drain(mailbox)
    assert mailbox.messages == []


def test_two_dispatchers_at_once_send_each_email_once(mailbox):
    user = UserFactory()
    membership = MembershipFactory(user=user, verified=True)
    count = 120
    with transaction.atomic():
        for number in range(count):
            notify(
                kind=MEMBERSHIP_VERIFIED,
                key=f"concurrent:{number}",
                user=user,
                context={"membership_id": membership.pk},
                due_at=timezone.now() + timedelta(hours=1),
            )
    make_due()
    handed_out = []
    start = threading.Barrier(2)

    def dispatcher():
        try:
            start.wait()
            handed_out.append(notifications_dispatch(limit=count))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=dispatcher) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(handed_out) == count  # disjoint shares, whichever dispatcher got which
    wait_for(lambda: len(mailbox.messages) >= count, what=f"{count} emails")
    drain(mailbox)  # a row handed out twice would have been sent by now
    assert len(mailbox.messages) == count
    assert len(set(mailbox.message_ids())) == count
    assert Notification.objects.filter(status=Status.SENT).count() == count


def test_a_dispatcher_skips_rows_another_dispatcher_holds(mailbox):
    user = UserFactory()
    membership = MembershipFactory(user=user, verified=True)
    for number in range(6):
        notify(
            kind=MEMBERSHIP_VERIFIED,
            key=f"held:{number}",
            user=user,
            context={"membership_id": membership.pk},
            due_at=timezone.now() + timedelta(hours=1),
        )
    make_due()
    locked, release = threading.Event(), threading.Event()
    held_ids = []

    def other_dispatcher():
        try:
            with transaction.atomic():
                rows = Notification.objects.order_by("pk").select_for_update()[:2]
                held_ids.extend(row.pk for row in rows)
                locked.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_dispatcher)
    thread.start()
    locked.wait(timeout=30)
    try:
        handed_out = notifications_dispatch()
    finally:
        release.set()
        thread.join()

    assert handed_out == 4
    wait_for(lambda: len(mailbox.messages) == 4, what="4 emails")
    assert set(
        Notification.objects.filter(status=Status.QUEUED).values_list("pk", flat=True)
    ) == set(held_ids)


def test_a_temporary_refusal_is_retried_by_the_worker_and_sent_once(mailbox):
    membership = MembershipFactory(verified=False)
    mailbox.refuse(membership.user.email, "452 4.2.2 Mailbox full, try later")

    membership_verify(membership=membership, by=UserFactory(roles=["coordinator"]))
    wait_for(
        lambda: (
            Notification.objects.get().attempts == 1
            and Notification.objects.get().status == Status.QUEUED
        ),
        what="the first attempt",
    )
    notification = Notification.objects.get()
    assert "452" in notification.last_error
    assert notifications_dispatch() == 0  # not before a minute has passed

    # A minute later, the dispatcher hands it out again.
    notifications_dispatch(now=notification.send_after + timedelta(seconds=1))
    Notification.objects.filter(pk=notification.pk).update(send_after=timezone.now())
    notifications_dispatch(now=timezone.now() + timedelta(minutes=10))
    wait_for(lambda: Notification.objects.get().status == Status.SENT, what="the retry")

    assert len(mailbox.messages) == 1
    assert Notification.objects.get().attempts == 2


def test_a_row_left_in_sending_by_a_killed_worker_is_sent_once_after_the_timeout(mailbox):
    membership = MembershipFactory(verified=True)
    notification = notify(
        kind=MEMBERSHIP_VERIFIED,
        key="killed-worker",
        user=membership.user,
        context={"membership_id": membership.pk},
        due_at=timezone.now() - timedelta(minutes=30),
    )
    timeout = timedelta(seconds=settings.NOTIFICATIONS_SENDING_TIMEOUT)
    Notification.objects.filter(pk=notification.pk).update(
        status=Status.SENDING, attempts=1, sending_since=timezone.now() - timeout
    )

    assert notifications_dispatch() == 1
    wait_for(lambda: Notification.objects.get().status == Status.SENT, what="the pick-up")
    assert notifications_dispatch(now=timezone.now() + timedelta(hours=1)) == 0
    drain(mailbox)

    assert len(mailbox.messages) == 1
