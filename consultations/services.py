"""Every write to requests, cases, appointments, notes, documents, messages and feedback.

Each service runs in one transaction, checks who asks and the current state under a row
lock, changes a status only through the kernel's `transition()` along the tables of
models.py (`CASE`, `APPOINTMENT`), leaves one audit entry per change, and writes the emails
it implies to the outbox in the same transaction. An email's idempotency key names the
change it announces, never the moment it was written, so a replayed request sends nothing
twice. Views and the admin call these functions and show a `ConsultationError` (a
`DomainError`) with `show_error`.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from consultations import emails, selectors
from consultations.documents import DocumentType, check_uploads
from consultations.errors import ConsultationError, SlotTaken

# Kept importable from here for callers outside the app (tests/core/test_access_matrix.py);
# the links themselves live in consultations.links.
from consultations.links import appointment_token, feedback_token  # noqa: F401
from consultations.models import (
    APPOINTMENT,
    BOOKABLE_STATUSES,
    CASE,
    Appointment,
    AppointmentStatus,
    Consultation,
    Document,
    Feedback,
    Message,
    Note,
    Phase,
    Status,
    new_reference,
)
from consultations.permissions import (
    is_case_staff,
    is_requester_side,
    may_add_documents,
    requester_side,
)
from portal.accounts.models import Membership, User
from portal.advisors.models import AdvisorProfile, Topic
from portal.core.audit import audit_record
from portal.core.models import AuditEntry
from portal.core.workflows import step as registered_step
from portal.core.workflows import transition
from portal.notifications.calendar import calendar_entry
from portal.notifications.rendering import absolute_url
from portal.notifications.services import notifications_cancel, notifications_move, notify

FOLLOW_UP_AFTER = timedelta(days=14)
REMINDER_BEFORE = timedelta(hours=24)

ASSIGNED_ACTION = f"{CASE.name}.{Status.ASSIGNED}"
REASSIGN_ACTION = f"{CASE.name}.reassign"
CONCLUDED_ACTION = f"{CASE.name}.{Status.CONCLUDED}"
MOVED_ACTION = "appointment.moved"
UPDATED_ACTION = "appointment.updated"
# What the requester is sent a new calendar file for when an advisor changes it in the admin
# (a new time is announced as a move).
ANNOUNCED_FIELDS = frozenset({"place", "video_link", "mode"})


# --- Helpers -------------------------------------------------------------------------------


def _check_step(by: User, consultation: Consultation, name: str) -> None:
    """The registered step fits the case's status, and `by` may take it."""
    step = registered_step(CASE.name, name)
    if not step.is_open(CASE, consultation):
        raise CASE.refuse(consultation.status, step.target)
    if not step.may(by, consultation):
        raise ConsultationError(_("You may not do this with this case."))


def _locked(consultation: Consultation) -> Consultation:
    return (
        Consultation.objects.select_for_update(of=("self",))
        .select_related("lead_advisor", "co_advisor", "requester")
        .get(pk=consultation.pk)
    )


def _change_status(
    consultation: Consultation,
    to: str,
    *,
    by: User | None,
    fields: dict | None = None,
    details: dict | None = None,
) -> Consultation:
    """The kernel's transition, stamping `status_changed_at` and the history's user."""
    consultation._history_user = by
    return transition(
        consultation,
        workflow=CASE,
        to=to,
        by=by,
        fields={"status_changed_at": timezone.now(), **(fields or {})},
        details=details,
    )


def _iso(moment: datetime) -> str:
    """An instant as keys and the trail write it: ISO 8601 in UTC, whatever zone it came in."""
    return moment.astimezone(UTC).isoformat()


def _count(target, action: str) -> int:
    """How often `action` happened to `target` so far (numbers repeated changes in keys)."""
    return AuditEntry.objects.for_object(target).filter(action=action).count()


def _check_case_staff(consultation: Consultation, by: User) -> None:
    if not is_case_staff(by, consultation):
        raise ConsultationError(_("Only the case's advisors and coordinators can do this."))


def _refuse_ended(consultation: Consultation) -> None:
    if consultation.has_ended:
        raise ConsultationError(_("This request is no longer open for appointments."))


# --- The request ---------------------------------------------------------------------------


@transaction.atomic
def consultation_submit(
    *,
    requester: User,
    membership: Membership,
    format: str,
    topics: list[Topic],
    concern: str,
    goal: str,
    urgency: str,
    contact_mode: str,
    preferred_advisor: AdvisorProfile | None = None,
    files: list | None = None,
    privacy_accepted: bool,
) -> Consultation:
    """A verified member asks for advice on behalf of their municipality or organisation.

    The requester is told the request arrived, every coordinator that a new one waits.
    Attachments are checked by their content (see documents.py) before anything is saved.
    """
    if not privacy_accepted:
        raise ConsultationError(_("Please confirm that you have read the data-protection notice."))
    if membership.user_id != requester.pk or not membership.verified:
        raise ConsultationError(
            _("You can request advice only for a body our team has confirmed you work for.")
        )
    if not topics:
        raise ConsultationError(_("Please choose at least one topic."))
    checked = check_uploads(list(files or []))
    body = membership.body
    now = timezone.now()
    consultation = Consultation(
        reference=_unique_reference(),
        requester=requester,
        municipality=membership.municipality,
        organisation=membership.organisation,
        state=body.state,
        format=format,
        concern=concern.strip(),
        goal=goal.strip(),
        urgency=urgency,
        contact_mode=contact_mode,
        preferred_advisor=preferred_advisor,
        privacy_accepted_at=now,
        submitted_at=now,
        status_changed_at=now,
    )
    consultation._history_user = requester
    consultation.save()
    consultation.topics.set(topics)
    audit_record(
        target=consultation,
        action=f"{CASE.name}.{Status.SUBMITTED}",
        by=requester,
        to_status=Status.SUBMITTED,
        at=now,
    )
    for upload, kind in checked:
        _document_create(consultation, upload, kind, by=requester, shared=True)

    notify(
        kind=emails.RECEIVED,
        key=f"consultation:{consultation.pk}:received",
        user=requester,
        context={"consultation_id": consultation.pk},
        about=consultation,
    )
    for coordinator in selectors.active_coordinators():
        notify(
            kind=emails.NEW_REQUEST,
            key=f"consultation:{consultation.pk}:new:{coordinator.pk}",
            user=coordinator,
            context={"consultation_id": consultation.pk},
            about=consultation,
        )
    return consultation


def _unique_reference() -> str:
    while True:
        reference = new_reference()
        if not Consultation.objects.filter(reference=reference).exists():
            return reference


# --- The workflow (its steps are registered in consultations.steps) ------------------------


@transaction.atomic
def consultation_triage(*, consultation: Consultation, by: User) -> Consultation:
    """A coordinator takes a new request into triage."""
    consultation = _locked(consultation)
    _check_step(by, consultation, "triage")
    return _change_status(consultation, Status.IN_TRIAGE, by=by)


@transaction.atomic
def consultation_assign(
    *,
    consultation: Consultation,
    lead: AdvisorProfile,
    co: AdvisorProfile | None = None,
    by: User,
) -> Consultation:
    """A coordinator assigns a lead advisor (and optionally a co-advisor).

    From triage the case becomes assigned; an assigned or running case may get other
    advisors without changing its status. Advisors new to the case and, with a new lead,
    the requester are told. Assigning the same advisors again changes nothing.
    """
    consultation = _locked(consultation)
    _check_step(by, consultation, "assign")
    if co is not None and co.pk == lead.pk:
        raise ConsultationError(_("The co-advisor must be someone other than the lead advisor."))
    for profile in filter(None, [lead, co]):
        if not profile.user.is_active:
            raise ConsultationError(
                _("%(name)s can no longer take cases.") % {"name": profile.name}
            )
    changes_status = CASE.allows(consultation.status, Status.ASSIGNED)
    same = (consultation.lead_advisor_id, consultation.co_advisor_id) == (
        lead.pk,
        co.pk if co else None,
    )
    if same and not changes_status:
        return consultation
    previous = {consultation.lead_advisor_id, consultation.co_advisor_id}
    # The how-manieth assignment this is: assigning A, then B, then A again tells A twice.
    number = _count(consultation, ASSIGNED_ACTION) + _count(consultation, REASSIGN_ACTION) + 1
    details = {
        "lead": lead.pk,
        "lead_name": lead.name,
        "co": co.pk if co else None,
        "co_name": co.name if co else "",
    }
    fields = {"lead_advisor": lead, "co_advisor": co}
    if changes_status:
        _change_status(consultation, Status.ASSIGNED, by=by, fields=fields, details=details)
    else:
        consultation.lead_advisor, consultation.co_advisor = lead, co
        consultation._history_user = by
        consultation.save(update_fields=["lead_advisor", "co_advisor", "updated_at"])
        audit_record(target=consultation, action=REASSIGN_ACTION, by=by, details=details)

    prefix = f"consultation:{consultation.pk}:assigned:{number}"
    for role, profile in (("lead", lead), ("co", co)):
        if profile is None or profile.pk in previous:
            continue
        notify(
            kind=emails.ASSIGNED,
            key=f"{prefix}:{role}:{profile.pk}:{profile.user_id}",
            user=profile.user,
            context={"consultation_id": consultation.pk, "for_advisor": True},
            about=consultation,
        )
    if lead.pk not in previous:
        notify(
            kind=emails.ASSIGNED,
            key=f"{prefix}:lead:{lead.pk}:{consultation.requester_id}",
            user=consultation.requester,
            context={"consultation_id": consultation.pk, "for_advisor": False},
            about=consultation,
        )
    return consultation


@transaction.atomic
def consultation_start(*, consultation: Consultation, by: User) -> Consultation:
    """The advisor begins the work (or resumes it after a conclusion)."""
    consultation = _locked(consultation)
    _check_step(by, consultation, "start")
    return _change_status(consultation, Status.IN_PROGRESS, by=by)


@transaction.atomic
def consultation_conclude(
    *, consultation: Consultation, outcome: str, measures: str = "", by: User
) -> Consultation:
    """The advisor records the outcome and the agreed measures; the requester is told."""
    consultation = _locked(consultation)
    _check_step(by, consultation, "conclude")
    if not outcome.strip():
        raise ConsultationError(_("Please describe the outcome before concluding the case."))
    # A case resumed after a conclusion may be concluded again: that is a new email.
    number = _count(consultation, CONCLUDED_ACTION) + 1
    _change_status(
        consultation,
        Status.CONCLUDED,
        by=by,
        fields={"outcome": outcome.strip(), "measures": measures.strip()},
    )
    notify(
        kind=emails.CONCLUDED,
        key=f"consultation:{consultation.pk}:concluded:{number}",
        user=consultation.requester,
        context={"consultation_id": consultation.pk},
        about=consultation,
    )
    return consultation


@transaction.atomic
def consultation_close(*, consultation: Consultation, by: User) -> Consultation:
    """The case is closed; its future appointments are cancelled (see `_end`), and fourteen
    days later the requester is asked for feedback."""
    consultation = _locked(consultation)
    _check_step(by, consultation, "close")
    now = timezone.now()
    _change_status(consultation, Status.CLOSED, by=by, fields={"closed_at": now})
    _end(consultation, by=by)
    notify(
        kind=emails.FOLLOW_UP,
        key=f"consultation:{consultation.pk}:follow-up",
        user=consultation.requester,
        context={"consultation_id": consultation.pk},
        about=consultation,
        due_at=now + FOLLOW_UP_AFTER,
    )
    return consultation


@transaction.atomic
def consultation_decline(*, consultation: Consultation, reason: str, by: User) -> Consultation:
    """A coordinator declines a request, with a reason the requester reads."""
    consultation = _locked(consultation)
    _check_step(by, consultation, "decline")
    if not reason.strip():
        raise ConsultationError(_("Please give the requester a reason."))
    _change_status(
        consultation,
        Status.DECLINED,
        by=by,
        fields={"reason": reason.strip()},
        details={"reason": reason.strip()},
    )
    _end(consultation, by=by)
    return consultation


@transaction.atomic
def consultation_refer(
    *, consultation: Consultation, referred_to: str, reason: str, by: User
) -> Consultation:
    """A coordinator passes the request on to another programme, named with a reason."""
    consultation = _locked(consultation)
    _check_step(by, consultation, "refer")
    if not referred_to.strip() or not reason.strip():
        raise ConsultationError(
            _("Please name the programme the request goes to and give a reason.")
        )
    _change_status(
        consultation,
        Status.REFERRED,
        by=by,
        fields={"referred_to": referred_to.strip(), "reason": reason.strip()},
        details={"referred_to": referred_to.strip(), "reason": reason.strip()},
    )
    _end(consultation, by=by)
    return consultation


@transaction.atomic
def consultation_withdraw(
    *, consultation: Consultation, by: User, reason: str = ""
) -> Consultation:
    """The requester (or a colleague) withdraws the request; planned meetings are cancelled."""
    consultation = _locked(consultation)
    _check_step(by, consultation, "withdraw")
    details = {"reason": reason.strip()} if reason.strip() else None
    _change_status(consultation, Status.WITHDRAWN, by=by, details=details)
    _end(consultation, by=by)
    return consultation


def _end(consultation: Consultation, *, by: User) -> None:
    """After the case has ended (closed, declined, referred, withdrawn).

    Its future appointments are cancelled together with every email still pending about
    them (confirmations, reminders), so the signed link in an earlier email stops working
    too (consultations.links). Then each person concerned gets one email: the requester
    when the case was declined or referred, the advisors (or, without any, the
    coordinators) when it was withdrawn, and — whenever appointments were cancelled — the
    requester and the advisor of each of them, with a calendar cancellation. The key names
    the end, so the same end never sends twice.
    """
    now = timezone.now()
    upcoming = (
        consultation.appointments.scheduled()
        .filter(starts_at__gt=now)
        .select_related("advisor__user")
        .select_for_update(of=("self",))
        .order_by("starts_at", "pk")
    )
    cancelled = []
    for appointment in upcoming:
        appointment._history_user = by
        transition(
            appointment,
            workflow=APPOINTMENT,
            to=AppointmentStatus.CANCELLED,
            by=by,
            details={"because": f"{CASE.name}.{consultation.status}"},
        )
        notifications_cancel(about=appointment)
        cancelled.append(appointment)

    # Who is told, whether from the advisors' side, and which cancelled meetings concern them.
    people: dict[int, User] = {}
    advisor_side: set[int] = set()
    meetings: dict[int, list[Appointment]] = {}

    def tell(user: User, *, for_advisor: bool, appointment: Appointment | None = None):
        people.setdefault(user.pk, user)
        if for_advisor:
            advisor_side.add(user.pk)
        meetings.setdefault(user.pk, [])
        if appointment is not None:
            meetings[user.pk].append(appointment)

    if consultation.status in (Status.DECLINED, Status.REFERRED):
        tell(consultation.requester, for_advisor=False)
    elif consultation.status == Status.WITHDRAWN:
        # The requester's confirmation, whoever of their side withdrew it.
        tell(consultation.requester, for_advisor=False)
        advisors = [
            p.user for p in filter(None, [consultation.lead_advisor, consultation.co_advisor])
        ]
        for user in advisors or selectors.active_coordinators():
            tell(user, for_advisor=True)
    for appointment in cancelled:
        tell(consultation.requester, for_advisor=False, appointment=appointment)
        tell(appointment.advisor.user, for_advisor=True, appointment=appointment)

    for pk, user in people.items():
        theirs = meetings[pk]
        notify(
            kind=emails.ENDED,
            key=f"consultation:{consultation.pk}:ended:{consultation.status}:{user.pk}",
            user=user,
            context={
                "consultation_id": consultation.pk,
                "for_advisor": pk in advisor_side,
                "cancelled": [a.pk for a in theirs],
                "by_id": by.pk if by else None,
            },
            about=consultation,
            # One file per email: it takes the first cancelled appointment out of the
            # calendar; the email lists all of them.
            calendar=(
                _calendar(theirs[0], user=user, for_advisor=pk in advisor_side, method="CANCEL")
                if theirs
                else None
            ),
        )


# --- Appointments ----------------------------------------------------------------------------


def _lock_advisor(advisor: AdvisorProfile) -> AdvisorProfile:
    """Bookings of one advisor queue up here, so the free-slot check below is current."""
    return (
        AdvisorProfile.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=advisor.pk)
    )


def _appointment_details(appointment: Appointment) -> dict:
    return {
        "consultation": appointment.consultation_id,
        "advisor": appointment.advisor_id,
        "starts_at": _iso(appointment.starts_at),
    }


@transaction.atomic
def appointment_book(
    *,
    consultation: Consultation,
    advisor: AdvisorProfile,
    start: datetime,
    by: User,
    now: datetime | None = None,
) -> Appointment:
    """The requester's side books a first conversation in a free slot of an advisor.

    Only a request that is still bookable (`Consultation.is_bookable`) takes one. The
    advisor's row is locked and the slot checked again under the lock; on PostgreSQL the
    exclusion constraint on appointments is the last line. Either way the loser of a race
    gets `SlotTaken`. Both sides get a confirmation with a calendar file, and a reminder is
    queued for the day before.
    """
    now = now or timezone.now()
    consultation = _locked(consultation)
    if not requester_side(by, consultation):
        raise ConsultationError(_("You may not book for this request."))
    if not consultation.is_bookable_at(now):
        if consultation.status not in BOOKABLE_STATUSES:
            raise ConsultationError(_("This request is no longer open for appointments."))
        raise ConsultationError(
            _("A conversation is already booked; you can move it to another time.")
        )
    advisor = _lock_advisor(advisor)
    if not advisor.is_public or not advisor.user.is_active:
        raise ConsultationError(_("This advisor cannot be booked online."))
    end = selectors.free_slot_end(advisor, start, now=now)
    if end is None:
        raise SlotTaken(_("This time was just taken. Please choose another one."))
    appointment = Appointment(
        consultation=consultation,
        advisor=advisor,
        starts_at=start,
        ends_at=end,
        mode=selectors.meeting_mode(consultation, advisor),
        phase=Phase.FIRST_CONVERSATION,
        booked_by=by,
    )
    _save_appointment(appointment, by=by)
    audit_record(
        target=appointment,
        action="appointment.booked",
        by=by,
        to_status=AppointmentStatus.SCHEDULED,
        details=_appointment_details(appointment),
    )
    _announce(appointment, kind=emails.BOOKED, change=f"booked:{_iso(start)}", now=now)
    return appointment


def _save_appointment(appointment: Appointment, *, by: User | None, fields=None) -> None:
    """Save inside a savepoint, so the exclusion constraint's refusal is a clear message."""
    appointment._history_user = by
    try:
        with transaction.atomic():
            appointment.save(update_fields=fields)
    except IntegrityError as error:
        if "appointment_no_overlap" in str(error):
            raise SlotTaken(_("This time was just taken. Please choose another one.")) from None
        raise


def _attendees(appointment: Appointment) -> list[tuple[User, bool]]:
    """(user, is_advisor) for the requester and the advisor of an appointment."""
    return [
        (appointment.consultation.requester, False),
        (appointment.advisor.user, True),
    ]


def _calendar(
    appointment: Appointment, *, user: User, for_advisor: bool, method: str = "REQUEST"
) -> dict:
    """The calendar entry of one recipient, in their language.

    Each copy names the other side: the requester's names the advisor, the advisor's the
    requester and the municipality or organisation. Both carry the two people as attendees
    (the portal's address is the organizer), and a video link as LOCATION and URL.
    """
    consultation = appointment.consultation
    requester, advisor = consultation.requester, appointment.advisor
    language = (user.preferred_language or get_language() or settings.LANGUAGE_CODE)[:2]
    with translation.override(language):
        values = {"phase": appointment.get_phase_display(), "reference": consultation.reference}
        if for_advisor:
            summary = _("%(phase)s: %(reference)s with %(person)s (%(body)s)") % {
                **values,
                "person": requester.full_name or requester.email,
                "body": consultation.body,
            }
            case_url = reverse("admin:consultations_consultation_change", args=[consultation.pk])
        else:
            summary = _("%(phase)s: %(reference)s with %(advisor)s") % {
                **values,
                "advisor": advisor.name,
            }
            case_url = reverse("consultations:detail", args=[consultation.pk])
        where = [appointment.place, appointment.video_link]
        location = ", ".join(filter(None, where)) or str(appointment.get_mode_display())
        description = f"{consultation.body}\n{absolute_url(case_url)}"
    return calendar_entry(
        uid=appointment.calendar_uid,
        start=appointment.starts_at,
        end=appointment.ends_at,
        summary=summary,
        location=location,
        description=description,
        method=method,
        url=appointment.video_link,
        attendees=[
            (requester.email, requester.full_name),
            (advisor.user.email, advisor.name),
        ],
        # Every change of an appointment is in its trail: a later version counts higher.
        revision=AuditEntry.objects.for_object(appointment).count(),
    )


def _announce(appointment: Appointment, *, kind: str, change: str, now: datetime) -> None:
    """Confirmation (booked or moved) to both sides, and the reminders for the day before.

    `change` names what is announced (e.g. "booked:<start>", "moved:2:<start>"): the same
    change announced again finds its rows and sends nothing.
    """
    for user, for_advisor in _attendees(appointment):
        notify(
            kind=kind,
            key=f"appointment:{appointment.pk}:{change}:{user.pk}",
            user=user,
            context={"appointment_id": appointment.pk, "for_advisor": for_advisor},
            about=appointment,
            calendar=_calendar(appointment, user=user, for_advisor=for_advisor),
        )
    remind_at = appointment.starts_at - REMINDER_BEFORE
    if kind == emails.MOVED:
        notifications_move(about=appointment, kind=emails.REMINDER, due_at=max(remind_at, now))
    elif remind_at > now:
        for user, for_advisor in _attendees(appointment):
            notify(
                kind=emails.REMINDER,
                key=f"appointment:{appointment.pk}:reminder-24h:{user.pk}",
                user=user,
                context={"appointment_id": appointment.pk, "for_advisor": for_advisor},
                about=appointment,
                due_at=remind_at,
            )


def _check_notice(appointment: Appointment, by: User, now: datetime) -> None:
    """The requester's side may change a meeting until the advisor's minimum notice."""
    if is_case_staff(by, appointment.consultation):
        return
    if appointment.advisor.user_id == by.pk:
        return
    if not is_requester_side(by, appointment.consultation):
        raise ConsultationError(_("You may not change this appointment."))
    deadline = appointment.starts_at - timedelta(hours=appointment.advisor.min_notice_hours)
    if now > deadline:
        raise ConsultationError(
            _(
                "This appointment can no longer be changed online: less than %(hours)d hours "
                "remain. Please write to your advisor in the message thread."
            )
            % {"hours": appointment.advisor.min_notice_hours}
        )


def _locked_appointment(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("consultation__requester", "advisor__user")
        .get(pk=appointment.pk)
    )


@transaction.atomic
def appointment_move(
    *, appointment: Appointment, start: datetime, by: User, now: datetime | None = None
) -> Appointment:
    """Move a scheduled appointment to another free slot of the same advisor.

    Both sides get the new time with an updated calendar entry (same UID), and the
    reminder moves with it. Moving it to the time it already has changes nothing.
    """
    now = now or timezone.now()
    advisor = _lock_advisor(appointment.advisor)
    appointment = _locked_appointment(appointment)
    if not appointment.is_scheduled:
        raise ConsultationError(_("This appointment was cancelled."))
    _refuse_ended(appointment.consultation)
    _check_notice(appointment, by, now)
    if start == appointment.starts_at:
        return appointment
    # The appointment's own time counts as free for its new one.
    end = selectors.free_slot_end(advisor, start, now=now, ignoring=appointment)
    if end is None:
        raise SlotTaken(_("This time was just taken. Please choose another one."))
    _reschedule(appointment, start=start, end=end, by=by, now=now)
    return appointment


def _reschedule(appointment: Appointment, *, start, end, by: User, now: datetime) -> None:
    """Save the new time, record the move and announce it (a future one) to both sides."""
    number = _count(appointment, MOVED_ACTION) + 1
    before = appointment.starts_at
    appointment.starts_at, appointment.ends_at = start, end
    _save_appointment(appointment, by=by, fields=["starts_at", "ends_at"])
    audit_record(
        target=appointment,
        action=MOVED_ACTION,
        by=by,
        details={"from": _iso(before), "to": _iso(start)},
    )
    if appointment.is_scheduled and start > now:
        change = f"moved:{number}:{_iso(start)}"
        _announce(appointment, kind=emails.MOVED, change=change, now=now)


@transaction.atomic
def appointment_cancel(
    *, appointment: Appointment, by: User, now: datetime | None = None
) -> Appointment:
    """Cancel a scheduled appointment; both sides are told and the reminders cancelled."""
    now = now or timezone.now()
    appointment = _locked_appointment(appointment)
    if not appointment.is_scheduled:
        raise ConsultationError(_("This appointment was already cancelled."))
    _refuse_ended(appointment.consultation)
    _check_notice(appointment, by, now)
    _cancel(appointment, by=by, now=now)
    return appointment


def _cancel(appointment: Appointment, *, by: User | None, now: datetime) -> None:
    appointment._history_user = by
    transition(appointment, workflow=APPOINTMENT, to=AppointmentStatus.CANCELLED, by=by)
    # Whatever is still pending about it (its reminders, an unsent confirmation) is void.
    notifications_cancel(about=appointment)
    if appointment.starts_at <= now:
        return
    for user, for_advisor in _attendees(appointment):
        notify(
            kind=emails.CANCELLED,
            key=f"appointment:{appointment.pk}:cancelled:{user.pk}",
            user=user,
            context={"appointment_id": appointment.pk, "for_advisor": for_advisor},
            about=appointment,
            calendar=_calendar(appointment, user=user, for_advisor=for_advisor, method="CANCEL"),
        )


@transaction.atomic
def appointment_record(*, consultation: Consultation, by: User, **fields) -> Appointment:
    """An advisor enters an appointment of a case (a future one is announced to both sides,
    a past one is just recorded). Overlaps with the advisor's other appointments are
    refused, and so is a future appointment in a case that has ended."""
    now = timezone.now()
    consultation = _locked(consultation)
    _check_case_staff(consultation, by)
    appointment = Appointment(consultation=consultation, booked_by=by, **fields)
    if appointment.starts_at > now:
        _refuse_ended(consultation)
    _lock_advisor(appointment.advisor)
    refuse_overlap(appointment)
    _save_appointment(appointment, by=by)
    audit_record(
        target=appointment,
        action="appointment.recorded",
        by=by,
        to_status=AppointmentStatus.SCHEDULED,
        details=_appointment_details(appointment),
    )
    if appointment.starts_at > now:
        change = f"booked:{_iso(appointment.starts_at)}"
        _announce(appointment, kind=emails.BOOKED, change=change, now=now)
    return appointment


@transaction.atomic
def appointment_update(*, appointment: Appointment, by: User, **fields) -> Appointment:
    """An advisor changes an appointment in the admin.

    Minutes change quietly. A new place, video link or way of meeting of an appointment
    still to come sends the requester (and the advisor, when someone else changed it) one
    update with a new calendar file; a new time is announced like a move (that email shows
    the new place too, so a save that changes both sends one email), a cancellation like
    one. Saving without a change records and sends nothing. A cancelled appointment stays
    cancelled (the workflow refuses the way back), and in a case that has ended nothing is
    moved into the future."""
    now = timezone.now()
    _check_case_staff(appointment.consultation, by)
    _lock_advisor(appointment.advisor)
    current = _locked_appointment(appointment)
    status = fields.pop("status", current.status)
    changed = {name: value for name, value in fields.items() if getattr(current, name) != value}
    start = changed.pop("starts_at", current.starts_at)
    end = changed.pop("ends_at", current.ends_at)
    moved = (start, end) != (current.starts_at, current.ends_at)
    cancelling = status != current.status
    if cancelling:
        # Only scheduled -> cancelled is in the table.
        APPOINTMENT.check(current.status, status)
        if moved:  # cancelled as it stands: the time changes quietly
            changed.update(starts_at=start, ends_at=end)
            moved = False
    elif current.is_scheduled and (moved or "advisor" in changed):
        if moved and start > now:
            _refuse_ended(current.consultation)
        planned = Appointment(
            pk=current.pk,
            advisor=changed.get("advisor", current.advisor),
            starts_at=start,
            ends_at=end,
        )
        refuse_overlap(planned)

    if changed:
        for name, value in changed.items():
            setattr(current, name, value)
        _save_appointment(current, by=by, fields=list(changed))
        audit_record(
            target=current,
            action=UPDATED_ACTION,
            by=by,
            details={"fields": sorted(changed)},
        )
    if cancelling:
        _cancel(current, by=by, now=now)
    elif moved:
        _reschedule(current, start=start, end=end, by=by, now=now)
    elif ANNOUNCED_FIELDS & set(changed) and current.is_scheduled and current.starts_at > now:
        _announce_update(current, changed=sorted(ANNOUNCED_FIELDS & set(changed)), by=by)
    return current


def _announce_update(appointment: Appointment, *, changed: list[str], by: User) -> None:
    """One email with a new calendar file (same UID, higher SEQUENCE) per person concerned.

    The key counts the appointment's recorded updates: the n-th update is announced once,
    and a replayed save (which changes nothing) records and announces nothing."""
    number = _count(appointment, UPDATED_ACTION)
    for user, for_advisor in _attendees(appointment):
        if for_advisor and user.pk == by.pk:
            continue  # the advisor made the change and knows it
        notify(
            kind=emails.UPDATED,
            key=f"appointment:{appointment.pk}:updated:{number}:{user.pk}",
            user=user,
            context={
                "appointment_id": appointment.pk,
                "for_advisor": for_advisor,
                "changed": changed,
            },
            about=appointment,
            calendar=_calendar(appointment, user=user, for_advisor=for_advisor),
        )


def refuse_overlap(appointment: Appointment) -> None:
    """SlotTaken when the advisor has another scheduled appointment in that time."""
    if appointment.ends_at <= appointment.starts_at:
        raise ConsultationError(_("An appointment must end after it starts."))
    clash = (
        Appointment.objects.overlapping(
            advisor_id=appointment.advisor_id,
            start=appointment.starts_at,
            end=appointment.ends_at,
        )
        .exclude(pk=appointment.pk)
        .first()
    )
    if clash is not None:
        raise SlotTaken(
            _("%(advisor)s already has an appointment at that time (%(when)s).")
            % {"advisor": appointment.advisor.name, "when": clash}
        )


# --- Notes, documents, messages ------------------------------------------------------------


@transaction.atomic
def note_add(*, consultation: Consultation, text: str, by: User) -> Note:
    """An internal note; the requester never sees it. An ended case takes no new notes."""
    consultation = _locked(consultation)
    _check_case_staff(consultation, by)
    if not text.strip():
        raise ConsultationError(_("The note is empty."))
    if consultation.has_ended:
        raise ConsultationError(_("This case has ended; it takes no new notes."))
    note = Note.objects.create(consultation=consultation, author=by, text=text.strip())
    audit_record(target=consultation, action="note.added", by=by, details={"note_id": note.pk})
    return note


def _document_create(
    consultation: Consultation, upload, kind: DocumentType, *, by: User, shared: bool
) -> Document:
    name = (upload.name or "document").rsplit("/", 1)[-1][:200]
    document = Document(
        consultation=consultation,
        name=name,
        content_type=kind.content_type,
        size=upload.size,
        shared=shared,
        uploaded_by=by,
    )
    # The stored name is random (models.document_path); the extension follows the content.
    document.file.save(f"upload.{kind.extension}", upload, save=False)
    document.save()
    audit_record(
        target=consultation,
        action="document.added",
        by=by,
        details={"document_id": document.pk, "name": document.name, "shared": shared},
    )
    return document


@transaction.atomic
def document_add(*, consultation: Consultation, upload, shared: bool, by: User) -> Document:
    """An advisor adds a document to a case (shared with the requester when `shared`)."""
    consultation = _locked(consultation)
    _check_case_staff(consultation, by)
    ((upload, kind),) = check_uploads([upload])
    return _document_create(consultation, upload, kind, by=by, shared=shared)


@transaction.atomic
def documents_attach(*, consultation: Consultation, uploads: list, by: User) -> list[Document]:
    """The requester's side adds documents to its request after submitting it.

    The same checks as at submission (type by content, size, at most five files at once)
    run before anything is saved; a case that has ended takes none. Each document leaves an
    audit entry, and the case's advisors (or, while none is assigned, the coordinators) get
    one email naming the new files.
    """
    consultation = _locked(consultation)
    if not is_requester_side(by, consultation):
        raise ConsultationError(_("Only the requester's side can add documents to a request."))
    if not may_add_documents(by, consultation):
        raise ConsultationError(_("This request has ended; it takes no new documents."))
    if not uploads:
        raise ConsultationError(_("Please choose at least one file."))
    checked = check_uploads(list(uploads))
    documents = [
        _document_create(consultation, upload, kind, by=by, shared=True) for upload, kind in checked
    ]
    advisors = [
        p.user
        for p in filter(None, [consultation.lead_advisor, consultation.co_advisor])
        if p.user.is_active
    ]
    ids = [document.pk for document in documents]
    change = "-".join(str(pk) for pk in ids)
    for user in advisors or selectors.active_coordinators():
        notify(
            kind=emails.DOCUMENTS,
            key=f"consultation:{consultation.pk}:documents-added:{change}:{user.pk}",
            user=user,
            context={"consultation_id": consultation.pk, "document_ids": ids, "for_advisor": True},
            about=consultation,
        )
    return documents


@transaction.atomic
def document_share(*, document: Document, shared: bool, by: User) -> Document:
    """Show a document of the advisors to the requester's side, or hide it again.

    Files from the requester's side stay visible to them. Nothing changes (and nothing is
    recorded) when the document is already as asked.
    """
    document = (
        Document.objects.select_for_update(of=("self",))
        .select_related("consultation__lead_advisor", "consultation__co_advisor", "uploaded_by")
        .get(pk=document.pk)
    )
    consultation = document.consultation
    _check_case_staff(consultation, by)
    if document.shared == shared:
        return document
    if (
        not shared
        and document.uploaded_by is not None
        and is_requester_side(document.uploaded_by, consultation)
    ):
        raise ConsultationError(_("Files from the requester are always visible to them."))
    document.shared = shared
    document.save(update_fields=["shared"])
    audit_record(
        target=consultation,
        action="document.shared" if shared else "document.unshared",
        by=by,
        details={"document_id": document.pk, "name": document.name},
    )
    return document


@transaction.atomic
def message_post(*, consultation: Consultation, text: str, by: User) -> Message:
    """A message in the case's thread. The other side gets an email that says a message is
    waiting, without its text."""
    if not text.strip():
        raise ConsultationError(_("The message is empty."))
    consultation = _locked(consultation)
    from_advisors = is_case_staff(by, consultation)
    if not from_advisors and not is_requester_side(by, consultation):
        raise ConsultationError(_("You may not write in this thread."))
    if consultation.has_ended:
        raise ConsultationError(_("This case is closed; its thread takes no new messages."))
    message = Message.objects.create(
        consultation=consultation, author=by, from_advisors=from_advisors, text=text.strip()
    )
    audit_record(
        target=consultation,
        action="message.posted",
        by=by,
        details={"message_id": message.pk, "from_advisors": from_advisors},
    )
    if from_advisors:
        recipients = [consultation.requester]
    else:
        advisors = [
            p.user for p in filter(None, [consultation.lead_advisor, consultation.co_advisor])
        ]
        recipients = advisors or list(selectors.active_coordinators())
    for user in recipients:
        if user.pk == by.pk:
            continue
        notify(
            kind=emails.MESSAGE,
            key=f"message:{message.pk}:{user.pk}",
            user=user,
            context={"message_id": message.pk, "for_advisor": from_advisors is False},
            about=message,
        )
    return message


# --- Feedback ------------------------------------------------------------------------------


@transaction.atomic
def feedback_submit(
    *, consultation: Consultation, rating: int, usefulness: int, what_changed: str, comment: str
) -> Feedback:
    """The requester's answers to the follow-up; each case takes one answer only.

    The form is reached through a signed link without signing in, so the trail records
    the portal, not a person, as the one who wrote it."""
    consultation = _locked(consultation)
    if Feedback.objects.filter(consultation=consultation).exists():
        raise ConsultationError(_("Feedback for this case has already been given. Thank you!"))
    feedback = Feedback.objects.create(
        consultation=consultation,
        rating=rating,
        usefulness=usefulness,
        what_changed=what_changed.strip(),
        comment=comment.strip(),
    )
    audit_record(
        target=consultation,
        action="feedback.given",
        details={"feedback_id": feedback.pk, "rating": rating, "usefulness": usefulness},
    )
    return feedback


# --- Digest ---------------------------------------------------------------------------------


def triage_digest_queue(*, today) -> int:
    """Queue today's digest of waiting requests for each coordinator; safe to run twice."""
    if not selectors.untriaged_since(today).exists():
        return 0
    queued = 0
    with transaction.atomic():
        for coordinator in selectors.active_coordinators():
            notify(
                kind=emails.DIGEST,
                key=f"consultation-digest:{coordinator.pk}:{today.isoformat()}",
                user=coordinator,
                context={"date": today.isoformat()},
            )
            queued += 1
    return queued
