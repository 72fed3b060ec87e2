"""The kernel in portal/core: transition, audit trail, signed links, registries, errors.

The kernel has no status model of its own; these tests drive a workflow of their own over
the outbox's Notification rows, which have a status and nothing else that matters here.
"""

import ast
import threading
import time
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core import signing
from django.db import connection, transaction
from django.test import RequestFactory
from django.utils import timezone, translation

from portal.core.audit import audit_read, audit_record
from portal.core.errors import DomainError, show_error
from portal.core.links import LinkPurpose, register_link
from portal.core.models import AuditEntry, AuditKind
from portal.core.registry import Registry
from portal.core.workflows import Step, Workflow, open_steps, register_steps, transition
from portal.notifications.models import Notification, Status
from tests.factories import UserFactory

TABLE = {
    Status.QUEUED: frozenset({Status.SENDING, Status.CANCELLED}),
    Status.SENDING: frozenset({Status.SENT}),
    Status.FAILED: frozenset(),
    Status.SENT: frozenset(),
    Status.CANCELLED: frozenset(),
}


class ToyError(DomainError):
    pass


TOY = Workflow(
    name="toy",
    statuses=Status,
    table=TABLE,
    error=ToyError,
    refusal="A toy that is %(current)s cannot become %(new)s.",
)


def make_row(key="k1", **fields):
    now = timezone.now()
    return Notification.objects.create(
        kind="test",
        idempotency_key=key,
        to_email="a@example.org",
        language="de",
        due_at=now,
        send_after=now,
        **fields,
    )


@pytest.mark.django_db
def test_transition_saves_the_status_and_fields_and_writes_one_audit_entry():
    row = make_row()
    person = UserFactory()

    transition(
        row,
        workflow=TOY,
        to=Status.SENDING,
        by=person,
        fields={"attempts": 3},
        details={"why": "test"},
    )

    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.SENDING, 3)
    (entry,) = AuditEntry.objects.for_object(row)
    assert entry.actor == person
    assert (entry.action, entry.from_status, entry.to_status) == (
        "toy.sending",
        Status.QUEUED,
        Status.SENDING,
    )
    assert entry.details == {"why": "test"}
    assert entry.kind == AuditKind.CHANGE
    assert entry.target == row


@pytest.mark.django_db
def test_transition_saves_only_its_fields():
    row = make_row()
    row.subject = "changed in memory only"

    transition(row, workflow=TOY, to=Status.CANCELLED, action="toy.call_off")

    row.refresh_from_db()
    assert row.status == Status.CANCELLED
    assert row.subject == ""
    assert AuditEntry.objects.for_object(row).get().action == "toy.call_off"
    assert AuditEntry.objects.for_object(row).get().actor is None  # the system


@pytest.mark.django_db
def test_a_refused_transition_raises_the_workflows_error_and_writes_nothing():
    row = make_row(status=Status.SENT, sent_at=timezone.now())

    with translation.override("en"), pytest.raises(ToyError) as refused:
        transition(row, workflow=TOY, to=Status.SENDING)

    assert str(refused.value) == "A toy that is sent cannot become sending."
    assert isinstance(refused.value, DomainError)
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_transition_reads_the_status_again_instead_of_trusting_a_stale_instance():
    row = make_row()
    stale = Notification.objects.get(pk=row.pk)
    transition(row, workflow=TOY, to=Status.CANCELLED)

    with pytest.raises(ToyError):
        transition(stale, workflow=TOY, to=Status.SENDING)
    assert stale.status == Status.CANCELLED  # refreshed under the lock


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_requests_racing_for_one_step_one_wins_and_one_is_refused():
    row = make_row()
    barrier = threading.Barrier(2)
    outcomes = []

    def take_step():
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                transition(Notification.objects.get(pk=row.pk), workflow=TOY, to=Status.SENDING)
            outcomes.append("moved")
        except ToyError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=take_step) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # QUEUED -> SENDING is allowed once; SENDING -> SENDING is not in this table.
    assert sorted(outcomes) == ["moved", "refused"]
    assert AuditEntry.objects.for_object(row).count() == 1


def test_a_workflow_table_must_name_every_status_and_only_known_ones():
    with pytest.raises(ValueError, match="no row for"):
        Workflow(name="broken", statuses=Status, table={Status.QUEUED: frozenset()})
    with pytest.raises(ValueError, match="unknown"):
        Workflow(name="broken", statuses=Status, table={**TABLE, "nonsense": frozenset()})


@pytest.mark.django_db
def test_audit_read_records_who_opened_what():
    row = make_row()
    reader = UserFactory()

    audit_read(target=row, by=reader)
    audit_record(target=row, action="toy.touch", by=reader)

    assert AuditEntry.objects.for_object(row).reads().get().action == "notification.read"
    assert AuditEntry.objects.for_object(row).changes().get().action == "toy.touch"
    assert list(reader.audit_entries.order_by("pk").values_list("kind", flat=True)) == [
        AuditKind.READ,
        AuditKind.CHANGE,
    ]


@pytest.mark.django_db
def test_steps_open_by_status_and_permission_and_run_their_service():
    calls = []

    def cancel(*, toy, by, reason=""):
        calls.append((toy, by, reason))
        return transition(toy, workflow=TOY, to=Status.CANCELLED, by=by)

    staff = UserFactory(is_staff=True)
    outsider = UserFactory()
    register_steps(
        TOY,
        [
            Step(
                name="cancel",
                target=Status.CANCELLED,
                label="Cancel",
                may=lambda user, obj: user.is_staff,
                service=cancel,
                fields=("reason",),
            ),
            Step(
                name="send",
                target=Status.SENDING,
                label="Send",
                may=lambda user, obj: True,
                service=cancel,
            ),
        ],
    )
    row = make_row()

    assert [s.name for s in open_steps("toy", row, staff)] == ["cancel", "send"]
    assert [s.name for s in open_steps("toy", row, outsider)] == ["send"]

    open_steps("toy", row, staff)[0].run(TOY, row, by=staff, reason="no longer needed")

    assert calls == [(row, staff, "no longer needed")]
    assert open_steps("toy", row, staff) == []  # cancelled: no step leads anywhere


@pytest.mark.django_db
def test_a_signed_link_resolves_its_object_until_it_expires():
    row = make_row()
    purpose = register_link(
        LinkPurpose(
            name="toy-link",
            salt="tests.toy-link",
            max_age=timedelta(days=2),
            payload=lambda notification: {"n": notification.pk},
            lookup=lambda data: Notification.objects.filter(pk=data["n"]).first(),
        )
    )
    token = purpose.sign(row)

    assert purpose.resolve(token) == row
    assert purpose.resolve(token + "x") is None
    # A token of the same payload under another salt is worthless here.
    assert purpose.resolve(signing.dumps({"n": row.pk}, salt="tests.other")) is None
    # An old-style token (made directly with Django's signing) resolves the same way.
    assert purpose.resolve(signing.dumps({"n": row.pk}, salt="tests.toy-link")) == row
    # A payload without the expected key resolves to nothing instead of failing.
    assert purpose.resolve(signing.dumps({"x": 1}, salt="tests.toy-link")) is None

    three_days_later = time.time() + 3 * 86400
    with mock.patch("time.time", return_value=three_days_later):
        assert purpose.resolve(token) is None


def test_two_purposes_may_not_share_a_salt():
    register_link(LinkPurpose("toy-a", "tests.shared-salt", None, lambda x: {}, lambda data: None))
    with pytest.raises(ValueError, match="share a salt"):
        register_link(
            LinkPurpose("toy-b", "tests.shared-salt", None, lambda x: {}, lambda data: None)
        )


def test_a_registry_runs_entries_after_those_they_name():
    registry = Registry("test")
    registry.register("c", after=("b",))(lambda: "c")
    registry.register("a")(lambda: "a")
    registry.register("b", after=("a",))(lambda: "b")

    assert [entry.name for entry in registry.ordered()] == ["a", "b", "c"]

    registry.register("a", after=("c",))(lambda: "a")
    with pytest.raises(ValueError, match="cycle"):
        registry.ordered()


def test_a_registry_refuses_an_unknown_predecessor():
    registry = Registry("test")
    registry.register("x", after=("missing",))(lambda: None)
    with pytest.raises(ValueError, match="unknown missing"):
        registry.ordered()


def test_a_domain_error_reaches_the_person_as_an_error_message():
    request = RequestFactory().get("/")
    request.session = {}
    request._messages = FallbackStorage(request)

    show_error(request, ToyError("Das geht so nicht."))

    (message,) = get_messages(request)
    assert (message.message, message.level_tag) == ("Das geht so nicht.", "error")


APPS = ("consultations", "trainings", "exchanges")
PORTAL_APPS = ("accounts", "advisors", "notifications", "reports")


def test_the_kernel_imports_no_app():
    """Dependencies point one way: apps import portal.core, never the reverse."""
    core = Path(__file__).resolve().parents[2] / "portal" / "core"
    offenders = []
    for path in core.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                top = name.split(".")
                if top[0] in APPS or (
                    top[0] == "portal" and len(top) > 1 and top[1] in PORTAL_APPS
                ):
                    offenders.append(f"{path.relative_to(core)}: {name}")
    assert offenders == []
