"""Every write to requests, cases, appointments, messages and feedback.

Each service runs in one transaction, checks who asks and the current state under a row
lock, records what happened, and writes the emails it implies to the outbox in the same
transaction. Views and the admin call these functions and show a `ConsultationError` as a
message.
"""

from datetime import datetime, timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations import emails
from consultations.documents import DocumentType, check_uploads
from consultations.errors import ConsultationError, SlotTaken
from consultations.models import (
    ACTIVE_STATUSES,
    ENDED_STATUSES,
    TRANSITIONS,
    Appointment,
    AppointmentStatus,
    Consultation,
    Document,
    Feedback,
    Message,
    Note,
    Phase,
    Status,
    StatusChange,
    new_reference,
)
from portal.accounts.models import Membership, User
from portal.accounts.roles import COORDINATOR, is_coordinating
from portal.advisors.availability import free_slots
from portal.advisors.models import AdvisorProfile, Topic
from portal.notifications.calendar import calendar_entry
from portal.notifications.services import notifications_cancel, notifications_move, notify

FOLLOW_UP_AFTER = timedelta(days=14)
REMINDER_BEFORE = timedelta(hours=24)
# A request still waiting for triage after this many working days appears in the digest.
TRIAGE_WORKING_DAYS = 3
APPOINTMENT_SALT = "consultations.appointment"
FEEDBACK_SALT = "consultations.feedback"


# --- Who may do what ---------------------------------------------------------------------


def is_case_advisor(user: User, consultation: Consultation) -> bool:
    """The lead or co-advisor of the case."""
    return user.is_authenticated and user.pk in {
        getattr(consultation.lead_advisor, "user_id", None),
        getattr(consultation.co_advisor, "user_id", None),
    }


def is_requester_side(user: User, consultation: Consultation) -> bool:
    """The requester, or a verified colleague of the same municipality or organisation."""
    if not user.is_authenticated:
        return False
    if consultation.requester_id == user.pk:
        return True
    memberships = Membership.objects.verified().filter(user=user)
    if consultation.municipality_id:
        return memberships.filter(municipality_id=consultation.municipality_id).exists()
    return memberships.filter(organisation_id=consultation.organisation_id).exists()


# Which transition each service performs and who may perform it.
COORDINATORS = "coordinators"
ADVISORS = "advisors"  # the case's advisors, and coordinators
REQUESTER = "requester"  # the requester's side, and coordinators
ACTIONS: dict[str, tuple[str, str]] = {
    "triage": (Status.IN_TRIAGE, COORDINATORS),
    "assign": (Status.ASSIGNED, COORDINATORS),
    "start": (Status.IN_PROGRESS, ADVISORS),
    "conclude": (Status.CONCLUDED, ADVISORS),
    "close": (Status.CLOSED, ADVISORS),
    "decline": (Status.DECLINED, COORDINATORS),
    "refer": (Status.REFERRED, COORDINATORS),
    "withdraw": (Status.WITHDRAWN, REQUESTER),
}


def may_act(user: User, consultation: Consultation, action: str) -> bool:
    """Whether `user` may perform `action` on the case in its current status."""
    if not _step_open(consultation, action):
        return False
    _target, who = ACTIONS[action]
    if is_coordinating(user):
        return True
    if who == ADVISORS:
        return is_case_advisor(user, consultation)
    if who == REQUESTER:
        return is_requester_side(user, consultation)
    return False


def available_actions(user: User, consultation: Consultation) -> list[str]:
    return [action for action in ACTIONS if may_act(user, consultation, action)]


def _step_open(consultation: Consultation, action: str) -> bool:
    """The step fits the case's status (assigning again keeps an active case's status)."""
    target, _who = ACTIONS[action]
    reassigning = action == "assign" and consultation.status in ACTIVE_STATUSES
    return target in consultation.allowed_statuses or reassigning


def _check_allowed(user: User, consultation: Consultation, action: str) -> None:
    target, _who = ACTIONS[action]
    if not _step_open(consultation, action):
        raise ConsultationError(
            _("A case that is %(current)s cannot become %(new)s.")
            % {
                "current": Status(consultation.status).label,
                "new": Status(target).label,
            }
        )
    if not may_act(user, consultation, action):
        raise ConsultationError(_("You may not do this with this case."))


def _locked(consultation: Consultation) -> Consultation:
    return (
        Consultation.objects.select_for_update(of=("self",))
        .select_related("lead_advisor", "co_advisor", "requester")
        .get(pk=consultation.pk)
    )


def _transition(
    consultation: Consultation, to: str, *, by: User | None, note: str = "", fields: dict
) -> Consultation:
    """Move the (locked) case to `to` along TRANSITIONS and record who did it and when."""
    if to not in TRANSITIONS[consultation.status]:
        raise ConsultationError(
            _("A case that is %(current)s cannot become %(new)s.")
            % {"current": Status(consultation.status).label, "new": Status(to).label}
        )
    now = timezone.now()
    StatusChange.objects.create(
        consultation=consultation,
        from_status=consultation.status,
        to_status=to,
        by=by,
        at=now,
        note=note,
    )
    consultation.status = to
    consultation.status_changed_at = now
    for name, value in fields.items():
        setattr(consultation, name, value)
    consultation._history_user = by
    consultation.save(update_fields=["status", "status_changed_at", "updated_at", *fields])
    return consultation


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
    StatusChange.objects.create(
        consultation=consultation, to_status=Status.SUBMITTED, by=requester, at=now
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
    for coordinator in _coordinators():
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


def _coordinators():
    return User.objects.filter(groups__name=COORDINATOR, is_active=True).distinct()


# --- The workflow ------------------------------------------------------------------------


@transaction.atomic
def consultation_triage(*, consultation: Consultation, by: User) -> Consultation:
    """A coordinator takes a new request into triage."""
    consultation = _locked(consultation)
    _check_allowed(by, consultation, "triage")
    return _transition(consultation, Status.IN_TRIAGE, by=by, fields={})


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
    advisors without changing its status. The advisors and the requester are told.
    """
    consultation = _locked(consultation)
    _check_allowed(by, consultation, "assign")
    if co is not None and co.pk == lead.pk:
        raise ConsultationError(_("The co-advisor must be someone other than the lead advisor."))
    for profile in filter(None, [lead, co]):
        if not profile.user.is_active:
            raise ConsultationError(
                _("%(name)s can no longer take cases.") % {"name": profile.name}
            )
    previous = {consultation.lead_advisor_id, consultation.co_advisor_id}
    fields = {"lead_advisor": lead, "co_advisor": co}
    names = ", ".join(p.name for p in filter(None, [lead, co]))
    if consultation.status == Status.IN_TRIAGE:
        _transition(consultation, Status.ASSIGNED, by=by, note=names, fields=fields)
    else:
        StatusChange.objects.create(
            consultation=consultation,
            from_status=consultation.status,
            to_status=consultation.status,
            by=by,
            note=_("Advisors changed: %(names)s") % {"names": names},
        )
        consultation.lead_advisor, consultation.co_advisor = lead, co
        consultation._history_user = by
        consultation.save(update_fields=["lead_advisor", "co_advisor", "updated_at"])

    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    for profile in filter(None, [lead, co]):
        if profile.pk in previous:
            continue
        notify(
            kind=emails.ASSIGNED,
            key=f"consultation:{consultation.pk}:assigned:{profile.user_id}:{stamp}",
            user=profile.user,
            context={"consultation_id": consultation.pk, "for_advisor": True},
            about=consultation,
        )
    if lead.pk not in previous:
        notify(
            kind=emails.ASSIGNED,
            key=f"consultation:{consultation.pk}:assigned:{consultation.requester_id}:{stamp}",
            user=consultation.requester,
            context={"consultation_id": consultation.pk, "for_advisor": False},
            about=consultation,
        )
    return consultation


@transaction.atomic
def consultation_start(*, consultation: Consultation, by: User) -> Consultation:
    """The advisor begins the work (or resumes it after a conclusion)."""
    consultation = _locked(consultation)
    _check_allowed(by, consultation, "start")
    return _transition(consultation, Status.IN_PROGRESS, by=by, fields={})


@transaction.atomic
def consultation_conclude(
    *, consultation: Consultation, outcome: str, measures: str = "", by: User
) -> Consultation:
    """The advisor records the outcome and the agreed measures; the requester is told."""
    consultation = _locked(consultation)
    _check_allowed(by, consultation, "conclude")
    if not outcome.strip():
        raise ConsultationError(_("Please describe the outcome before concluding the case."))
    _transition(
        consultation,
        Status.CONCLUDED,
        by=by,
        fields={"outcome": outcome.strip(), "measures": measures.strip()},
    )
    notify(
        kind=emails.CONCLUDED,
        key=f"consultation:{consultation.pk}:concluded:{consultation.status_changed_at.timestamp():.0f}",
        user=consultation.requester,
        context={"consultation_id": consultation.pk},
        about=consultation,
    )
    return consultation


@transaction.atomic
def consultation_close(*, consultation: Consultation, by: User) -> Consultation:
    """The case is closed; fourteen days later the requester is asked for feedback."""
    consultation = _locked(consultation)
    _check_allowed(by, consultation, "close")
    now = timezone.now()
    _transition(consultation, Status.CLOSED, by=by, fields={"closed_at": now})
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
    _check_allowed(by, consultation, "decline")
    if not reason.strip():
        raise ConsultationError(_("Please give the requester a reason."))
    _transition(consultation, Status.DECLINED, by=by, fields={"reason": reason.strip()})
    _end(consultation, by=by)
    return consultation


@transaction.atomic
def consultation_refer(
    *, consultation: Consultation, referred_to: str, reason: str, by: User
) -> Consultation:
    """A coordinator passes the request on to another programme, named with a reason."""
    consultation = _locked(consultation)
    _check_allowed(by, consultation, "refer")
    if not referred_to.strip() or not reason.strip():
        raise ConsultationError(
            _("Please name the programme the request goes to and give a reason.")
        )
    _transition(
        consultation,
        Status.REFERRED,
        by=by,
        fields={"referred_to": referred_to.strip(), "reason": reason.strip()},
    )
    _end(consultation, by=by)
    return consultation


@transaction.atomic
def consultation_withdraw(
    *, consultation: Consultation, by: User, reason: str = ""
) -> Consultation:
    """The requester (or a colleague) withdraws the request; planned meetings are cancelled."""
    consultation = _locked(consultation)
    _check_allowed(by, consultation, "withdraw")
    _transition(consultation, Status.WITHDRAWN, by=by, note=reason.strip(), fields={})
    _end(consultation, by=by)
    return consultation


def _end(consultation: Consultation, *, by: User) -> None:
    """After a decline, referral or withdrawal: cancel future meetings, tell who is concerned."""
    upcoming = consultation.appointments.scheduled().filter(starts_at__gt=timezone.now())
    for appointment in upcoming.select_for_update().order_by("pk"):
        _cancel(appointment, by=by)
    recipients = (
        [consultation.requester]
        if consultation.status != Status.WITHDRAWN
        else [p.user for p in filter(None, [consultation.lead_advisor, consultation.co_advisor])]
        or list(_coordinators())
    )
    for user in recipients:
        notify(
            kind=emails.ENDED,
            key=f"consultation:{consultation.pk}:ended:{user.pk}",
            user=user,
            context={"consultation_id": consultation.pk},
            about=consultation,
        )
    notifications_cancel(about=consultation, kinds=[emails.FOLLOW_UP])


# --- Appointments ----------------------------------------------------------------------------


def _lock_advisor(advisor: AdvisorProfile) -> AdvisorProfile:
    """Bookings of one advisor queue up here, so the free-slot check below is current."""
    return (
        AdvisorProfile.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=advisor.pk)
    )


def _slot_is_free(advisor: AdvisorProfile, start: datetime, now: datetime) -> datetime | None:
    """The end of the free slot that starts at `start`, or None when there is none."""
    length = timedelta(minutes=advisor.slot_minutes)
    for slot in free_slots(advisor, start=start, end=start + length, now=now):
        if slot.start == start:
            return slot.end
    return None


def _meeting_mode(consultation: Consultation, advisor: AdvisorProfile) -> str:
    if consultation.contact_mode in advisor.modes or not advisor.modes:
        return consultation.contact_mode
    return advisor.modes[0]


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

    The advisor's row is locked and the slot checked again under the lock; on PostgreSQL
    the exclusion constraint on appointments is the last line. Either way the loser of a
    race gets `SlotTaken`. Both sides get a confirmation with a calendar file, and a
    reminder is queued for the day before.
    """
    now = now or timezone.now()
    consultation = _locked(consultation)
    if not (is_requester_side(by, consultation) or is_coordinating(by)):
        raise ConsultationError(_("You may not book for this request."))
    if consultation.status in ENDED_STATUSES or consultation.status == Status.CONCLUDED:
        raise ConsultationError(_("This request is no longer open for appointments."))
    if consultation.appointments.scheduled().filter(starts_at__gt=now).exists():
        raise ConsultationError(
            _("A conversation is already booked; you can move it to another time.")
        )
    advisor = _lock_advisor(advisor)
    if not advisor.is_public or not advisor.user.is_active:
        raise ConsultationError(_("This advisor cannot be booked online."))
    end = _slot_is_free(advisor, start, now)
    if end is None:
        raise SlotTaken(_("This time was just taken. Please choose another one."))
    appointment = Appointment(
        consultation=consultation,
        advisor=advisor,
        starts_at=start,
        ends_at=end,
        mode=_meeting_mode(consultation, advisor),
        phase=Phase.FIRST_CONVERSATION,
        booked_by=by,
    )
    _save_appointment(appointment, by=by)
    _announce(appointment, kind=emails.BOOKED, now=now)
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


def _calendar(appointment: Appointment, *, method: str = "REQUEST") -> dict:
    consultation = appointment.consultation
    location = appointment.place or appointment.video_link or appointment.get_mode_display()
    return calendar_entry(
        uid=appointment.calendar_uid,
        start=appointment.starts_at,
        end=appointment.ends_at,
        summary=_("%(phase)s: %(reference)s with %(advisor)s")
        % {
            "phase": appointment.get_phase_display(),
            "reference": consultation.reference,
            "advisor": appointment.advisor.name,
        },
        location=str(location),
        description=str(consultation.body),
        method=method,
    )


def _announce(appointment: Appointment, *, kind: str, now: datetime) -> None:
    """Confirmation (booked or moved) to both sides, and the reminders for the day before."""
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    entry = _calendar(appointment)
    for user, for_advisor in _attendees(appointment):
        notify(
            kind=kind,
            key=f"appointment:{appointment.pk}:{kind}:{user.pk}:{stamp}",
            user=user,
            context={"appointment_id": appointment.pk, "for_advisor": for_advisor},
            about=appointment,
            calendar=entry,
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
    if is_case_advisor(by, appointment.consultation) or is_coordinating(by):
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
    reminder moves with it.
    """
    now = now or timezone.now()
    advisor = _lock_advisor(appointment.advisor)
    appointment = _locked_appointment(appointment)
    if not appointment.is_scheduled:
        raise ConsultationError(_("This appointment was cancelled."))
    _check_notice(appointment, by, now)
    # Free the old time inside this transaction, so it counts as free for the new choice.
    Appointment.objects.filter(pk=appointment.pk).update(status=AppointmentStatus.CANCELLED)
    end = _slot_is_free(advisor, start, now)
    if end is None:
        raise SlotTaken(_("This time was just taken. Please choose another one."))
    appointment.starts_at, appointment.ends_at = start, end
    _save_appointment(appointment, by=by, fields=["starts_at", "ends_at", "status"])
    _announce(appointment, kind=emails.MOVED, now=now)
    return appointment


@transaction.atomic
def appointment_cancel(
    *, appointment: Appointment, by: User, now: datetime | None = None
) -> Appointment:
    """Cancel a scheduled appointment; both sides are told and the reminders cancelled."""
    now = now or timezone.now()
    appointment = _locked_appointment(appointment)
    if not appointment.is_scheduled:
        raise ConsultationError(_("This appointment was already cancelled."))
    _check_notice(appointment, by, now)
    _cancel(appointment, by=by)
    return appointment


def _cancel(appointment: Appointment, *, by: User | None) -> None:
    appointment.status = AppointmentStatus.CANCELLED
    appointment._history_user = by
    appointment.save(update_fields=["status"])
    notifications_cancel(about=appointment, kinds=[emails.REMINDER])
    if appointment.starts_at <= timezone.now():
        return
    entry = _calendar(appointment, method="CANCEL")
    for user, for_advisor in _attendees(appointment):
        notify(
            kind=emails.CANCELLED,
            key=f"appointment:{appointment.pk}:cancelled:{user.pk}",
            user=user,
            context={"appointment_id": appointment.pk, "for_advisor": for_advisor},
            about=appointment,
            calendar=entry,
        )


def _check_case_staff(consultation: Consultation, by: User) -> None:
    if not (is_case_advisor(by, consultation) or is_coordinating(by)):
        raise ConsultationError(_("Only the case's advisors and coordinators can do this."))


@transaction.atomic
def appointment_record(*, consultation: Consultation, by: User, **fields) -> Appointment:
    """An advisor enters an appointment of a case (a future one is announced to both sides,
    a past one is just recorded). Overlaps with the advisor's other appointments are refused."""
    consultation = _locked(consultation)
    _check_case_staff(consultation, by)
    appointment = Appointment(consultation=consultation, booked_by=by, **fields)
    _lock_advisor(appointment.advisor)
    refuse_overlap(appointment)
    _save_appointment(appointment, by=by)
    if appointment.starts_at > timezone.now():
        _announce(appointment, kind=emails.BOOKED, now=timezone.now())
    return appointment


@transaction.atomic
def appointment_update(*, appointment: Appointment, by: User, **fields) -> Appointment:
    """An advisor changes an appointment in the admin: minutes and place quietly; a new time
    is announced like a move, a cancellation like one."""
    _check_case_staff(appointment.consultation, by)
    _lock_advisor(appointment.advisor)
    current = _locked_appointment(appointment)
    if fields.get("status") == AppointmentStatus.CANCELLED and current.is_scheduled:
        fields.pop("status")
        for name, value in fields.items():
            setattr(current, name, value)
        current.save(update_fields=list(fields) or None)
        _cancel(current, by=by)
        return current
    moved = (
        fields.get("starts_at", current.starts_at),
        fields.get("ends_at", current.ends_at),
    ) != (
        current.starts_at,
        current.ends_at,
    )
    for name, value in fields.items():
        setattr(current, name, value)
    if current.is_scheduled:
        refuse_overlap(current)
    _save_appointment(current, by=by)
    if moved and current.is_scheduled and current.starts_at > timezone.now():
        _announce(current, kind=emails.MOVED, now=timezone.now())
    return current


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


def appointment_token(appointment: Appointment) -> str:
    """The signed link in the emails that lets the requester move or cancel without a login."""
    return signing.dumps(
        {"a": appointment.pk, "u": appointment.consultation.requester_id}, salt=APPOINTMENT_SALT
    )


def appointment_from_token(token: str) -> Appointment | None:
    try:
        data = signing.loads(token, salt=APPOINTMENT_SALT, max_age=timedelta(days=400))
        return (
            Appointment.objects.select_related("consultation__requester", "advisor__user")
            .filter(pk=data["a"], consultation__requester_id=data["u"])
            .first()
        )
    except (signing.BadSignature, KeyError, TypeError):
        return None


# --- Notes, documents, messages ------------------------------------------------------------


@transaction.atomic
def note_add(*, consultation: Consultation, text: str, by: User) -> Note:
    """An internal note; the requester never sees it."""
    _check_case_staff(consultation, by)
    if not text.strip():
        raise ConsultationError(_("The note is empty."))
    return Note.objects.create(consultation=consultation, author=by, text=text.strip())


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
    return document


@transaction.atomic
def document_add(*, consultation: Consultation, upload, shared: bool, by: User) -> Document:
    """An advisor adds a document to a case (shared with the requester when `shared`)."""
    _check_case_staff(consultation, by)
    ((upload, kind),) = check_uploads([upload])
    return _document_create(consultation, upload, kind, by=by, shared=shared)


@transaction.atomic
def message_post(*, consultation: Consultation, text: str, by: User) -> Message:
    """A message in the case's thread. The other side gets an email that says a message is
    waiting, without its text."""
    if not text.strip():
        raise ConsultationError(_("The message is empty."))
    from_advisors = is_case_advisor(by, consultation) or is_coordinating(by)
    if not from_advisors and not is_requester_side(by, consultation):
        raise ConsultationError(_("You may not write in this thread."))
    if consultation.status in ENDED_STATUSES:
        raise ConsultationError(_("This case is closed; its thread takes no new messages."))
    message = Message.objects.create(
        consultation=consultation, author=by, from_advisors=from_advisors, text=text.strip()
    )
    if from_advisors:
        recipients = [consultation.requester]
    else:
        advisors = [
            p.user for p in filter(None, [consultation.lead_advisor, consultation.co_advisor])
        ]
        recipients = advisors or list(_coordinators())
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


def feedback_token(consultation: Consultation) -> str:
    return signing.dumps({"c": consultation.pk}, salt=FEEDBACK_SALT)


def consultation_from_feedback_token(token: str) -> Consultation | None:
    try:
        data = signing.loads(token, salt=FEEDBACK_SALT, max_age=timedelta(days=365))
        return Consultation.objects.filter(pk=data["c"], status=Status.CLOSED).first()
    except (signing.BadSignature, KeyError, TypeError):
        return None


@transaction.atomic
def feedback_submit(
    *, consultation: Consultation, rating: int, usefulness: int, what_changed: str, comment: str
) -> Feedback:
    """The requester's answers to the follow-up; each case takes one answer only."""
    consultation = _locked(consultation)
    if Feedback.objects.filter(consultation=consultation).exists():
        raise ConsultationError(_("Feedback for this case has already been given. Thank you!"))
    return Feedback.objects.create(
        consultation=consultation,
        rating=rating,
        usefulness=usefulness,
        what_changed=what_changed.strip(),
        comment=comment.strip(),
    )


# --- Digest ---------------------------------------------------------------------------------


def working_days_before(day, count: int):
    """The date `count` working days (Monday to Friday) before `day`."""
    while count:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def untriaged_since(today):
    """Requests still waiting for triage since more than three working days."""
    cutoff = working_days_before(today, TRIAGE_WORKING_DAYS)
    return Consultation.objects.filter(status=Status.SUBMITTED, submitted_at__date__lt=cutoff)


def triage_digest_queue(*, today) -> int:
    """Queue today's digest of waiting requests for each coordinator; safe to run twice."""
    if not untriaged_since(today).exists():
        return 0
    queued = 0
    with transaction.atomic():
        for coordinator in _coordinators():
            notify(
                kind=emails.DIGEST,
                key=f"consultation-digest:{coordinator.pk}:{today.isoformat()}",
                user=coordinator,
                context={"date": today.isoformat()},
            )
            queued += 1
    return queued
