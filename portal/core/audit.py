"""Writing the audit trail: one `AuditEntry` per change of state, and per read where a rule
asks for it (a requester opening their case, later).

Services call `audit_record` inside their transaction, so the entry exists exactly when the
change does. `kernel.transition()` writes the entry of a status change itself.
"""

from django.contrib.contenttypes.models import ContentType

from portal.core.models import AuditEntry, AuditKind


def audit_record(
    *,
    target,
    action: str,
    by=None,
    from_status: str = "",
    to_status: str = "",
    details: dict | None = None,
    kind: str = AuditKind.CHANGE,
    at=None,
) -> AuditEntry:
    """Record that `by` (None: the system) did `action` to `target`.

    `action` is a dotted name, e.g. "consultation.assign" or "registration.cancel";
    `details` holds small plain values (ids, names, a reason), never whole objects.
    """
    entry = AuditEntry(
        actor=by if getattr(by, "is_authenticated", False) else None,
        content_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        object_id=str(target.pk),
        object_repr=str(target)[:200],
        kind=kind,
        action=action,
        from_status=from_status or "",
        to_status=to_status or "",
        details=details or {},
    )
    if at is not None:
        entry.at = at
    entry.save()
    return entry


def audit_read(*, target, by, details: dict | None = None) -> AuditEntry:
    """Record that `by` read `target` (kind "read"), for the data-protection view of who
    opened what."""
    return audit_record(
        target=target,
        action=f"{target._meta.model_name}.read",
        by=by,
        details=details,
        kind=AuditKind.READ,
    )
