"""Copy the workflow's StatusChange rows into the kernel's audit trail (portal.core).

Each row becomes one AuditEntry of the case: action "consultation.<to_status>", from and to,
actor = who moved it, at = when, details {"note": note}. A row that changed the advisors of an
assigned or running case (from = to) becomes "consultation.reassign" without a status, as
the services write it now. Running it backwards moves the status entries back.
"""

from django.db import migrations


def _body_name(case) -> str:
    body = case.municipality or case.organisation
    return body.name if body is not None else ""


def forwards(apps, schema_editor):
    StatusChange = apps.get_model("consultations", "StatusChange")
    AuditEntry = apps.get_model("core", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    case_type, _created = ContentType.objects.get_or_create(
        app_label="consultations", model="consultation"
    )
    changes = StatusChange.objects.select_related(
        "consultation__municipality", "consultation__organisation"
    ).order_by("at", "pk")
    batch = []
    for change in changes.iterator(chunk_size=2000):
        case = change.consultation
        reassign = change.from_status == change.to_status
        batch.append(
            AuditEntry(
                at=change.at,
                actor_id=change.by_id,
                content_type=case_type,
                object_id=str(case.pk),
                object_repr=f"{case.reference} · {_body_name(case)}"[:200],
                kind="change",
                action="consultation.reassign" if reassign else f"consultation.{change.to_status}",
                from_status="" if reassign else change.from_status,
                to_status="" if reassign else change.to_status,
                details={"note": change.note} if change.note else {},
            )
        )
        if len(batch) >= 2000:
            AuditEntry.objects.bulk_create(batch)
            batch = []
    AuditEntry.objects.bulk_create(batch)


def backwards(apps, schema_editor):
    StatusChange = apps.get_model("consultations", "StatusChange")
    Consultation = apps.get_model("consultations", "Consultation")
    AuditEntry = apps.get_model("core", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    case_type = ContentType.objects.filter(app_label="consultations", model="consultation").first()
    if case_type is None:
        return
    entries = AuditEntry.objects.filter(
        content_type=case_type, kind="change", action__startswith="consultation."
    ).order_by("at", "pk")
    cases = set(Consultation.objects.values_list("pk", flat=True))
    rows, copied = [], []
    for entry in entries.iterator(chunk_size=2000):
        if int(entry.object_id) not in cases:
            continue
        if entry.action == "consultation.reassign":
            status = Consultation.objects.get(pk=entry.object_id).status
            from_status = to_status = status
        elif entry.to_status:
            from_status, to_status = entry.from_status, entry.to_status
        else:
            continue
        rows.append(
            StatusChange(
                consultation_id=int(entry.object_id),
                from_status=from_status,
                to_status=to_status,
                by_id=entry.actor_id,
                at=entry.at,
                note=str((entry.details or {}).get("note", "")),
            )
        )
        copied.append(entry.pk)
    StatusChange.objects.bulk_create(rows, batch_size=2000)
    for start in range(0, len(copied), 500):
        AuditEntry.objects.filter(pk__in=copied[start : start + 500]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0002_appointment_no_overlap"),
        ("core", "0003_audit_trail"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
