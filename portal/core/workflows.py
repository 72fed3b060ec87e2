"""Workflows: one table of allowed status changes each, one way to change a status, and one
registry of the steps people take.

An app declares its workflow next to its model::

    CASE = Workflow(
        name="consultation",
        statuses=Status,
        table=TRANSITIONS,
        error=ConsultationError,
        refusal=_("A case that is %(current)s cannot become %(new)s."),
    )

and every service changes the status with `transition(obj, workflow=CASE, to=..., by=...)`.
That locks the row, re-reads the status under the lock, checks the table, saves only the
fields that changed and writes one `AuditEntry` — in the caller's transaction.

The steps people take (assign, conclude, cancel, …) are registered once per workflow with
`register_steps`; the admin's step pages, the demo data and the tests read them from there.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from django.db import models

from portal.core.audit import audit_record
from portal.core.errors import DomainError


@dataclass(frozen=True)
class Workflow:
    """The allowed status changes of one status field of one model."""

    name: str
    statuses: type[models.TextChoices]
    table: Mapping[str, frozenset[str]]
    error: type[DomainError] = DomainError
    # "%(current)s" and "%(new)s" are replaced by the statuses' labels.
    refusal: str = "%(current)s → %(new)s"
    field: str = "status"
    # False only for rows that are their own log (the email outbox): see its services.
    audit: bool = True

    def __post_init__(self):
        known = set(self.statuses.values)
        unknown = {s for s in self.table if s not in known} | {
            t for targets in self.table.values() for t in targets if t not in known
        }
        missing = known - set(self.table)
        if unknown or missing:
            raise ValueError(
                f"workflow {self.name}: unknown {sorted(unknown)}, no row for {sorted(missing)}"
            )

    def allows(self, current: str, to: str) -> bool:
        return to in self.table[current]

    def refuse(self, current: str, to: str) -> DomainError:
        return self.error(
            self.refusal % {"current": self.statuses(current).label, "new": self.statuses(to).label}
        )

    def check(self, current: str, to: str) -> None:
        if not self.allows(current, to):
            raise self.refuse(current, to)


def transition(
    instance: models.Model,
    *,
    workflow: Workflow,
    to: str,
    by=None,
    action: str = "",
    fields: dict | None = None,
    details: dict | None = None,
    at=None,
):
    """Move `instance` to status `to` along `workflow.table`; must run inside a transaction.

    The row is locked and its status read again under the lock, so two requests cannot both
    take the same step. `fields` are set and saved together with the status (only those:
    `update_fields`). One audit entry records who (`by`, None for the system), `action`
    (default "<workflow>.<to>"), from and to, and `details`. Raises `workflow.error` with a
    readable message when the table does not allow the change.
    """
    model = type(instance)
    current = (
        model._default_manager.select_for_update()
        .filter(pk=instance.pk)
        .values_list(workflow.field, flat=True)
        .get()
    )
    setattr(instance, workflow.field, current)
    workflow.check(current, to)
    setattr(instance, workflow.field, to)
    update = [workflow.field]
    for name, value in (fields or {}).items():
        setattr(instance, name, value)
        update.append(name)
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        update.append("updated_at")
    instance.save(update_fields=list(dict.fromkeys(update)))
    if workflow.audit:
        audit_record(
            target=instance,
            action=action or f"{workflow.name}.{to}",
            by=by,
            from_status=current,
            to_status=to,
            details=details,
            at=at,
        )
    return instance


# --- Steps -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One step a person takes in a workflow.

    `target` is the status it leads to; `may(user, obj)` says who may take it (the app's
    permissions.py); `service` performs it and is called as `service(<obj_arg>=obj, by=user,
    **answers)` with the answers to `fields` (the form fields its page asks for); `keeps`
    lists statuses from which the step is open without changing the status (reassigning an
    advisor to a running case).
    """

    name: str
    target: str
    label: str
    may: Callable
    service: Callable
    fields: Sequence[str] = ()
    keeps: frozenset[str] = field(default_factory=frozenset)
    obj_arg: str = ""

    def is_open(self, workflow: Workflow, obj) -> bool:
        status = getattr(obj, workflow.field)
        return workflow.allows(status, self.target) or status in self.keeps

    def run(self, workflow: Workflow, obj, *, by, **answers):
        return self.service(**{self.obj_arg or workflow.name: obj}, by=by, **answers)


_STEPS: dict[str, tuple[Workflow, dict[str, Step]]] = {}


def register_steps(workflow: Workflow, steps: Sequence[Step]) -> None:
    """Declare the steps of a workflow (once, at import of the app's steps module)."""
    _STEPS[workflow.name] = (workflow, {step.name: step for step in steps})


def steps_of(workflow_name: str) -> dict[str, Step]:
    return dict(_STEPS[workflow_name][1])


def step(workflow_name: str, name: str) -> Step:
    return _STEPS[workflow_name][1][name]


def open_steps(workflow_name: str, obj, user) -> list[Step]:
    """The steps `user` may take on `obj` in its current status, in declared order."""
    workflow, steps = _STEPS[workflow_name]
    return [s for s in steps.values() if s.is_open(workflow, obj) and s.may(user, obj)]


def registered_workflows() -> dict[str, Workflow]:
    return {name: workflow for name, (workflow, _steps) in _STEPS.items()}
