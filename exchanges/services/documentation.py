"""After a round: attendance, the documentation (summary, results, follow-up items, files),
its publication (which carries open follow-up items forward: `services.follow_ups`).

The round's moderating advisors and every coordinator write here (`permissions.may_moderate`),
once the round has ended. Publishing moves the round from held to documented, emails each
confirmed participant once and carries the open follow-up items forward. Each service runs in
one transaction and leaves audit entries on the round.
"""

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePath

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exchanges.emails.documentation import ROUND_DOCUMENTED
from exchanges.errors import ExchangeError
from exchanges.models import (
    ROUND,
    ExchangeRound,
    FollowUpItem,
    RoundFile,
    RoundStatus,
)
from exchanges.permissions import may_moderate
from exchanges.services.follow_ups import carry_forward
from exchanges.services.rounds import round_hold
from portal.accounts.models import User
from portal.core.audit import audit_record
from portal.core.guests import registration_recipient
from portal.core.uploads import check_upload
from portal.core.workflows import transition
from portal.notifications.services import notify

# Statuses of a round whose documentation is written once it has ended (open and full rounds
# become held when attendance is recorded).
DOCUMENTABLE = (RoundStatus.OPEN, RoundStatus.FULL, RoundStatus.HELD, RoundStatus.DOCUMENTED)
MAX_FILES_PER_ROUND = 20


def documentable(round: ExchangeRound, now: datetime) -> bool:
    """Attendance and documentation are written once the round has ended."""
    return round.status in DOCUMENTABLE and now >= round.end


def _locked(round: ExchangeRound) -> ExchangeRound:
    return ExchangeRound.objects.select_for_update().get(pk=round.pk)


def _refuse_unless_moderating(round: ExchangeRound, by: User) -> None:
    if not may_moderate(by, round):
        raise ExchangeError(_("Only the round's moderators and coordinators document it."))


def _refuse_unless_documentable(round: ExchangeRound, now: datetime) -> None:
    if round.status not in DOCUMENTABLE:
        raise ExchangeError(_("A round that was not held has no documentation."))
    if now < round.end:
        raise ExchangeError(_("Attendance and documentation are written once the round has ended."))


# --- Attendance ------------------------------------------------------------------------------


@transaction.atomic
def attendance_record(
    *, round: ExchangeRound, present_ids, by: User, now: datetime | None = None
) -> int:
    """Mark who of the confirmed participants came (`present_ids`) and who did not (the rest).

    Guarantees: only after the round has ended and only by its moderators or a coordinator;
    every id must be a confirmed registration of the round; each changed mark leaves an audit
    entry; an open or full round becomes held (`services.rounds.round_hold`). Returns how many
    were present.
    """
    now = now or timezone.now()
    _refuse_unless_moderating(round, by)
    round = _locked(round)
    _refuse_unless_documentable(round, now)
    present_ids = {int(pk) for pk in present_ids}
    registrations = list(round.registrations.confirmed().select_for_update().order_by("pk"))
    if present_ids - {registration.pk for registration in registrations}:
        raise ExchangeError(_("Only confirmed participants of this round can be marked present."))
    for registration in registrations:
        present = registration.pk in present_ids
        if registration.attended is present:
            continue
        registration.attended = present
        registration.save(update_fields=["attended"])
        audit_record(
            target=registration,
            action="round_registration.attended" if present else "round_registration.absent",
            by=by,
            at=now,
        )
    round_hold(round=round, by=by, now=now)
    return len(present_ids)


# --- The documentation ---------------------------------------------------------------------


@transaction.atomic
def documentation_save(
    *,
    round: ExchangeRound,
    summary: str,
    results: str,
    open_to_officers: bool,
    follow_ups: list["FollowUpRow"] = (),
    by: User,
    now: datetime | None = None,
) -> list[str]:
    """Write the summary and results, say whether all signed-in officers may read them, and
    add, change, tick off or delete the follow-up items (who does what by when) in the order
    of `follow_ups`.

    Before and after publication alike (a published text may be corrected; nobody is emailed
    again; new open items of a published documentation are carried into the next round on the
    same theme at once). Returns the names of the fields that changed, with "follow_ups" when
    an item did; each change leaves an audit entry.
    """
    now = now or timezone.now()
    _refuse_unless_moderating(round, by)
    round = _locked(round)
    _refuse_unless_documentable(round, now)
    values = {
        "documentation_summary": summary.strip(),
        "documentation_results": results.strip(),
        "documentation_open_to_officers": open_to_officers,
    }
    changed = [name for name, value in values.items() if getattr(round, name) != value]
    if changed:
        for name in changed:
            setattr(round, name, values[name])
        round.save(update_fields=changed)
        audit_record(
            target=round,
            action="exchange_round.documentation",
            by=by,
            details={"changed": changed},
            at=now,
        )
    if _save_follow_ups(round, follow_ups, by=by, now=now):
        changed.append("follow_ups")
    return changed


@dataclass(frozen=True)
class FollowUpRow:
    """One row of the follow-up items as the moderator left it: `item` None for a new one."""

    item: FollowUpItem | None
    what: str
    who: str
    due: date | None
    done: bool = False
    delete: bool = False


def _set_done(item: FollowUpItem, done: bool, *, by: User, now: datetime) -> bool:
    if item.done == done:
        return False
    item.done = done
    item.done_at = now if done else None
    item.save(update_fields=["done", "done_at"])
    audit_record(
        target=item.round,
        action="follow_up.done" if done else "follow_up.reopen",
        by=by,
        details={"follow_up_id": item.pk, "what": item.what},
        at=now,
    )
    return True


def _save_follow_ups(round: ExchangeRound, rows, *, by: User, now: datetime) -> int:
    """The follow-up items as `rows` leave them; returns how many changed."""
    changes = 0
    position = 0
    for row in rows:
        item = row.item
        if item is not None:
            if item.round_id != round.pk:
                raise ExchangeError(_("This follow-up item belongs to another round."))
            item.round = round
        if row.delete:
            if item is not None:
                audit_record(
                    target=round,
                    action="follow_up.delete",
                    by=by,
                    details={"follow_up_id": item.pk, "what": item.what},
                    at=now,
                )
                item.delete()
                changes += 1
            continue
        position += 1
        values = {"what": row.what.strip(), "who": row.who.strip(), "due": row.due}
        if not (values["what"] and values["who"]):
            raise ExchangeError(_("Each follow-up item says what is to be done and who does it."))
        if item is None:
            item = FollowUpItem.objects.create(round=round, position=position, **values)
            audit_record(
                target=round,
                action="follow_up.add",
                by=by,
                details={"follow_up_id": item.pk, "what": item.what},
                at=now,
            )
            changes += 1
        else:
            values["position"] = position
            changed = [name for name, value in values.items() if getattr(item, name) != value]
            if changed:
                for name in changed:
                    setattr(item, name, values[name])
                item.save(update_fields=changed)
                if changed != ["position"]:
                    audit_record(
                        target=round,
                        action="follow_up.change",
                        by=by,
                        details={"follow_up_id": item.pk, "changed": changed},
                        at=now,
                    )
                changes += 1
        changes += _set_done(item, row.done, by=by, now=now)
    if round.status == RoundStatus.DOCUMENTED:
        carry_forward(round, by=by)
    return changes


@transaction.atomic
def follow_up_set_done(
    *, item: FollowUpItem, done: bool, by: User, now: datetime | None = None
) -> bool:
    """Mark a follow-up item done (or open again): by the moderators of its round or of the
    round it was carried into, or a coordinator. Returns whether anything changed."""
    now = now or timezone.now()
    item = (
        FollowUpItem.objects.select_for_update(of=("self",))
        .select_related("round", "carried_to")
        .get(pk=item.pk)
    )
    if not (
        may_moderate(by, item.round)
        or (item.carried_to is not None and may_moderate(by, item.carried_to))
    ):
        raise ExchangeError(_("Only the moderators of the round and coordinators tick it off."))
    return _set_done(item, done, by=by, now=now)


# --- Files -------------------------------------------------------------------------------------


@transaction.atomic
def round_file_add(
    *, round: ExchangeRound, upload, by: User, now: datetime | None = None
) -> RoundFile:
    """Attach a file to the documentation (slides, minutes, a photo log).

    Guarantees: the kernel's upload check (PDF, DOCX, ODT, JPEG or PNG by content, at most
    10 MB; a `ValidationError` names the file otherwise); at most MAX_FILES_PER_ROUND files; the
    stored name is the round's and the type's, the title the name it was uploaded under.
    """
    now = now or timezone.now()
    _refuse_unless_moderating(round, by)
    round = _locked(round)
    _refuse_unless_documentable(round, now)
    kind = check_upload(upload)
    if round.files.count() >= MAX_FILES_PER_ROUND:
        raise ExchangeError(
            _("A round's documentation holds at most %(max)d files; remove one first.")
            % {"max": MAX_FILES_PER_ROUND}
        )
    title = PurePath(upload.name or "").stem[:200] or str(_("File"))
    attached = RoundFile(
        round=round,
        title=title,
        content_type=kind.content_type,
        size=upload.size,
        uploaded_by=by,
        uploaded_at=now,
    )
    attached.file.save(f"documentation.{kind.extension}", upload, save=False)
    attached.save()
    audit_record(
        target=round,
        action="round_file.add",
        by=by,
        details={"file_id": attached.pk, "title": title, "size": upload.size},
        at=now,
    )
    return attached


@transaction.atomic
def round_file_remove(*, file: RoundFile, by: User) -> None:
    """Take a file off the documentation; the stored file is deleted once the removal is
    committed."""
    file = RoundFile.objects.select_for_update(of=("self",)).select_related("round").get(pk=file.pk)
    _refuse_unless_moderating(file.round, by)
    audit_record(
        target=file.round,
        action="round_file.remove",
        by=by,
        details={"file_id": file.pk, "title": file.title},
    )
    stored, name = file.file.storage, file.file.name
    file.delete()
    transaction.on_commit(lambda: stored.delete(name))


# --- Publishing and carrying follow-up items ------------------------------------------------


@transaction.atomic
def documentation_publish(*, round: ExchangeRound, by: User, now: datetime | None = None) -> int:
    """Publish the documentation of a held round: it becomes documented (once: a second call
    is refused), every confirmed participant gets one email in their language (members to
    their account, guests to the address they gave), and open follow-up items go to the next
    round on the same theme or of the same series. Returns how many emails were written."""
    now = now or timezone.now()
    _refuse_unless_moderating(round, by)
    round = _locked(round)
    if round.status == RoundStatus.DOCUMENTED:
        raise ExchangeError(_("The documentation of this round has already been published."))
    if round.status != RoundStatus.HELD:
        raise ExchangeError(
            _("Please record attendance first: the documentation is published for a held round.")
        )
    if not round.documentation_summary:
        raise ExchangeError(_("Please write a summary before publishing."))
    transition(
        round,
        workflow=ROUND,
        to=RoundStatus.DOCUMENTED,
        by=by,
        action="exchange_round.documentation_publish",
        fields={"documented_at": now},
        at=now,
    )
    registrations = list(round.registrations.confirmed().select_related("person"))
    for registration in registrations:
        notify(
            kind=ROUND_DOCUMENTED,
            key=f"round:{round.pk}:documented:registration:{registration.pk}",
            context={"registration_id": registration.pk},
            about=round,
            **registration_recipient(registration),
        )
    carry_forward(round, by=by)
    return len(registrations)
