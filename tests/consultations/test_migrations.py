"""Migration 0003 copies the old workflow history (StatusChange) into the audit trail."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("consultations", "0002_appointment_no_overlap"), ("core", "0003_audit_trail")]
AFTER = [("consultations", "0004_delete_statuschange")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_status_changes_become_audit_entries():
    old = migrate(BEFORE)
    User = old.get_model("accounts", "User")
    Municipality = old.get_model("accounts", "Municipality")
    Consultation = old.get_model("consultations", "Consultation")
    StatusChange = old.get_model("consultations", "StatusChange")
    coordinator = User.objects.create(email="koordination@example.org", full_name="Koordination")
    requester = User.objects.create(email="ib@example.org", full_name="Ina Beispiel")
    town = Municipality.objects.create(
        ags="05315000", name="Köln", kind="stadt", state="05", postcode="50667"
    )
    now = timezone.now()
    case = Consultation.objects.create(
        reference="KV-MIGR01",
        requester=requester,
        municipality=town,
        state="05",
        format="fachberatung",
        concern="Anliegen",
        goal="Ziel",
        contact_mode="video",
        privacy_accepted_at=now,
        status="assigned",
    )
    rows = [
        ("", "submitted", requester, now - timedelta(days=3), ""),
        ("submitted", "in_triage", coordinator, now - timedelta(days=2), ""),
        ("in_triage", "assigned", coordinator, now - timedelta(days=1), "Dr. Amal Berger"),
        ("assigned", "assigned", coordinator, now, "Advisors changed: Tobias Wendt"),
    ]
    for from_status, to_status, by, at, note in rows:
        StatusChange.objects.create(
            consultation=case,
            from_status=from_status,
            to_status=to_status,
            by=by,
            at=at,
            note=note,
        )

    new = migrate(AFTER)
    AuditEntry = new.get_model("core", "AuditEntry")
    entries = list(
        AuditEntry.objects.filter(
            content_type__app_label="consultations",
            content_type__model="consultation",
            object_id=str(case.pk),
        ).order_by("at", "pk")
    )
    assert [
        (e.action, e.from_status, e.to_status, e.actor_id, e.at, e.details) for e in entries
    ] == [
        ("consultation.submitted", "", "submitted", requester.pk, rows[0][3], {}),
        ("consultation.in_triage", "submitted", "in_triage", coordinator.pk, rows[1][3], {}),
        (
            "consultation.assigned",
            "in_triage",
            "assigned",
            coordinator.pk,
            rows[2][3],
            {"note": "Dr. Amal Berger"},
        ),
        (
            "consultation.reassign",
            "",
            "",
            coordinator.pk,
            rows[3][3],
            {"note": "Advisors changed: Tobias Wendt"},
        ),
    ]
    assert entries[0].object_repr == "KV-MIGR01 · Köln"
    assert "consultations_statuschange" not in connection.introspection.table_names()

    # And back: the rows return.
    old = migrate([("consultations", "0003_statuschange_to_audit")])
    old = migrate(BEFORE)
    StatusChange = old.get_model("consultations", "StatusChange")
    copied = list(
        StatusChange.objects.order_by("at", "pk").values_list("from_status", "to_status", "note")
    )
    assert copied == [(r[0], r[1], r[4]) for r in rows]
    migrate(AFTER)
