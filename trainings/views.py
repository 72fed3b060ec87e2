"""Pages of the course calendar, registration, the participant's own courses, attendance at
the door, certificates and the course feedback.

Coordinators publish courses and dates in the admin (`admin.py`). A participant's pages
fetch through `filter(person=request.user)`, so someone else's registration answers 404.
Guests of a course open to the public register on its page (rate-limited) and confirm or
cancel through the signed links in their emails (`GUEST_LINKS`): a forged or expired link
answers 404, and each change needs a press of a button, so a mail scanner that opens the
link changes nothing.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from portal.accounts.models import Membership
from portal.accounts.roles import COORDINATOR
from portal.core.access import public, role_required, signed_in, signed_link
from portal.core.errors import show_error
from portal.core.guests import GUEST_RATE_LIMITED, guest_rate_limited
from portal.core.workflows import step
from trainings import selectors, services
from trainings.certificates import certificate_pdf
from trainings.errors import TrainingError
from trainings.exports import participants_csv
from trainings.forms import (
    AttendanceAllForm,
    AttendanceForm,
    CalendarFilterForm,
    CancelForm,
    CertificateLookupForm,
    CourseFeedbackForm,
    GuestRegistrationForm,
    RegistrationForm,
)
from trainings.ics import calendar_bytes
from trainings.links import GUEST_LINKS, registration_from_feedback_token
from trainings.models import (
    REGISTRATION,
    Certificate,
    Course,
    CourseDate,
    CourseFeedback,
    DateStatus,
    Programme,
    Registration,
    RegistrationStatus,
    Window,
    certificate_code_as_issued,
)

PAGE_SIZE = 20


# --- The public calendar -------------------------------------------------------------------


@public
def calendar(request):
    now = timezone.now()
    form = CalendarFilterForm(request.GET or None, now=now)
    filters = form.filters() if request.GET else {}
    page = Paginator(selectors.calendar_dates(now=now, **filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "trainings/calendar.html",
        {
            "form": form,
            "page": page,
            "now": now,
            "query": query.urlencode(),
            "filtered": any(filters.values()) if filters else False,
            "programmes": selectors.programmes_public(),
        },
    )


@public
def feed(request):
    response = HttpResponse(
        calendar_bytes(selectors.feed_dates(), name=_("Courses and workshops")),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="trainings.ics"'
    return response


@public
def date_ics(request, pk):
    date = get_object_or_404(CourseDate.objects.public().select_related("course"), pk=pk)
    response = HttpResponse(
        calendar_bytes([date], name=date.course.title), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="course-date-{date.pk}.ics"'
    return response


@public
def course(request, slug):
    course = get_object_or_404(
        selectors.courses_visible_to(request.user)
        .select_related("module__programme", "coordinator")
        .prefetch_related("topics"),
        slug=slug,
    )
    now = timezone.now()
    dates = list(selectors.course_dates(course, now))
    registration = None
    if request.user.is_authenticated:
        registration = (
            course.registrations.active().filter(person=request.user).select_related("date").first()
        )
    confirmed = registration is not None and registration.status == RegistrationStatus.CONFIRMED
    scheduled = [d for d in dates if d.status == DateStatus.SCHEDULED]
    open_dates = [d for d in dates if d.window == Window.OPEN]
    guest_form = None
    if course.open_to_public and course.published and open_dates and registration is None:
        guest_form = GuestRegistrationForm(course=course, dates=open_dates)
    return render(
        request,
        "trainings/course.html",
        {
            "course": course,
            "guest_form": guest_form,
            "dates": dates,
            "series": scheduled[0] if course.is_series and scheduled else None,
            "now": now,
            "registration": registration,
            "position": selectors.waitlist_position(registration) if registration else None,
            "may_cancel": registration is not None and selectors.may_cancel(registration, now),
            "show_video_link": confirmed,
            "participants": (
                list(selectors.participants_shared(course, registration.date)) if confirmed else []
            ),
        },
    )


@public
def programme(request, slug):
    programme = get_object_or_404(
        Programme.objects.filter(published=True).prefetch_related("modules"), slug=slug
    )
    courses = (
        Course.objects.published()
        .filter(module__programme=programme)
        .select_related("module")
        .order_by("module__position", "title")
    )
    progress = None
    if request.user.is_authenticated:
        progress = selectors.programme_progress(request.user, programme)
    return render(
        request,
        "trainings/programme.html",
        {
            "programme": programme,
            "modules": [
                (module, [c for c in courses if c.module_id == module.pk])
                for module in programme.modules.all()
            ],
            "progress": progress,
            "certificate": (
                Certificate.objects.filter(person=request.user, programme=programme).first()
                if request.user.is_authenticated
                else None
            ),
        },
    )


# --- Registering and cancelling --------------------------------------------------------------


@signed_in
def register(request, slug):
    course = get_object_or_404(Course.objects.published().prefetch_related("questions"), slug=slug)
    memberships = Membership.objects.filter(user=request.user)
    if not memberships.verified().exists():
        return render(
            request,
            "trainings/not_yet.html",
            {
                "course": course,
                "pending": memberships.pending().select_related("municipality", "organisation"),
            },
        )
    existing = course.registrations.active().filter(person=request.user).first()
    if existing:
        messages.info(request, _("You are already registered for this course."))
        return redirect(course)

    open_dates = list(selectors.open_dates(course, timezone.now()))
    if not open_dates:
        messages.error(request, _("Registration for this course is closed."))
        return redirect(course)
    initial = {}
    if request.GET.get("date", "").isdigit():
        initial["date"] = int(request.GET["date"])
    form = RegistrationForm(
        request.POST or None, user=request.user, course=course, dates=open_dates, initial=initial
    )
    if len(form.fields["membership"].queryset) == 1:
        form.fields["membership"].initial = form.fields["membership"].queryset[0].pk
    if request.method == "POST":
        if form.is_valid():
            try:
                registration = services.registration_create(
                    person=request.user,
                    course=course,
                    date=form.cleaned_data.get("date"),
                    membership=form.cleaned_data["membership"],
                    answers=form.answers(),
                    share_contact=form.cleaned_data["share_contact"],
                )
            except TrainingError as error:
                show_error(request, error)
            else:
                if registration.status == RegistrationStatus.CONFIRMED:
                    messages.success(
                        request,
                        _("You are registered. A confirmation is on its way to your inbox."),
                    )
                else:
                    messages.warning(
                        request,
                        _(
                            "The course is full, so you are on the waitlist, position "
                            "%(position)s. If a seat becomes free, it is yours at once and "
                            "we tell you by email."
                        )
                        % {"position": selectors.waitlist_position(registration)},
                    )
                return redirect(course)
        else:
            messages.error(
                request, _("Please correct the marked fields; nothing has been saved yet.")
            )
    offer = selectors.offer_for(course) if course.is_series else None
    return render(
        request,
        "trainings/register.html",
        {
            "course": course,
            "form": form,
            "series_dates": offer.dates if offer else [],
            "full": bool(open_dates) and all(date.free <= 0 for date in open_dates),
        },
    )


# --- Guests of courses open to the public ------------------------------------------------------


@public
def guest_register(request, slug):
    """A guest's registration: name, address, consent (and the date of a repeated course)."""
    course = get_object_or_404(Course.objects.published().filter(open_to_public=True), slug=slug)
    open_dates = list(selectors.open_dates(course, timezone.now()))
    if not open_dates:
        messages.error(request, _("Registration for this course is closed."))
        return redirect(course)
    initial = {"date": int(request.GET["date"])} if request.GET.get("date", "").isdigit() else {}
    form = GuestRegistrationForm(
        request.POST or None, course=course, dates=open_dates, initial=initial
    )
    status = 200
    if request.method == "POST":
        if guest_rate_limited(request):
            messages.error(request, GUEST_RATE_LIMITED)
            status = 429
        elif form.is_valid():
            try:
                registration = services.registration_guest_create(
                    course=course,
                    date=form.cleaned_data.get("date"),
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    language=get_language() or "de",
                )
            except TrainingError as error:
                show_error(request, error)
            else:
                messages.success(
                    request,
                    _(
                        "Almost done: we have sent an email to %(email)s. Please confirm your "
                        "registration through the link in it within 24 hours."
                    )
                    % {"email": registration.guest_email},
                )
                return redirect(course)
        else:
            messages.error(
                request, _("Please correct the marked fields; nothing has been saved yet.")
            )
    return render(
        request,
        "trainings/guest_register.html",
        {
            "course": course,
            "form": form,
            "full": all(date.free <= 0 for date in open_dates),
            "series_dates": selectors.offer_for(course).dates if course.is_series else [],
        },
        status=status,
    )


def _guest_page(request, registration: Registration, *, action: str):
    offer = selectors.offer_for(registration.course, registration.date)
    return render(
        request,
        "trainings/guest_link.html",
        {
            "registration": registration,
            "course": registration.course,
            "dates": offer.dates,
            "action": action,
            "position": selectors.waitlist_position(registration),
            "may_cancel": selectors.may_cancel(registration),
        },
    )


def _guest_link(request, token, *, purpose, service, action: str):
    """A guest's signed link: GET shows where the registration stands, POST (the button)
    runs `service`, then the page shows the outcome. A token that does not resolve: 404."""
    registration = purpose.resolve(token)
    if registration is None:
        raise Http404
    if request.method == "POST":
        try:
            service(registration=registration)
        except TrainingError as error:
            show_error(request, error)
        return redirect(request.path)
    return _guest_page(request, registration, action=action)


@signed_link
def guest_confirm(request, token):
    """The guest confirms the registration (double opt-in)."""
    return _guest_link(
        request,
        token,
        purpose=GUEST_LINKS.confirm,
        service=services.registration_guest_confirm,
        action="confirm",
    )


@signed_link
def guest_cancel(request, token):
    """The guest cancels the registration from the link in an email."""
    return _guest_link(
        request,
        token,
        purpose=GUEST_LINKS.cancel,
        service=services.registration_guest_cancel,
        action="cancel",
    )


def _own_registration(request, pk) -> Registration:
    return get_object_or_404(
        Registration.objects.filter(person=request.user).select_related("course", "date"),
        pk=pk,
    )


@signed_in
def registration_cancel(request, pk):
    registration = _own_registration(request, pk)
    cancel = step(REGISTRATION.name, "cancel")
    if not (cancel.is_open(REGISTRATION, registration) and cancel.may(request.user, registration)):
        messages.error(
            request,
            _("This registration can no longer be cancelled here. Please write to the coordinator.")
            if registration.is_active
            else _("This registration has already been cancelled."),
        )
        return redirect("trainings:mine")
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cancel.run(REGISTRATION, registration, by=request.user)
        except TrainingError as error:
            show_error(request, error)
        else:
            messages.success(request, _("Your registration has been cancelled."))
        return redirect("trainings:mine")
    offer = selectors.offer_for(registration.course, registration.date)
    return render(
        request,
        "trainings/cancel.html",
        {"registration": registration, "form": form, "dates": offer.dates},
    )


@signed_in
def mine(request):
    now = timezone.now()
    registrations = list(selectors.registrations_of(request.user))
    rows = []
    for registration in registrations:
        offer = selectors.offer_for(registration.course, registration.date)
        rows.append(
            {
                "registration": registration,
                "dates": offer.dates,
                "may_cancel": selectors.may_cancel(registration, now),
                "attended": selectors.attended_dates(registration),
            }
        )
    ended = [row for row in rows if row["dates"] and row["dates"][-1].end < now]
    return render(
        request,
        "trainings/mine.html",
        {
            "now": now,
            "upcoming": [row for row in rows if row["registration"].is_active and row not in ended],
            "past": [row for row in ended if row["registration"].is_active],
            "cancelled": [row for row in rows if not row["registration"].is_active],
            "programmes": selectors.programmes_of(request.user, registrations),
        },
    )


# --- Certificates ----------------------------------------------------------------------------


def _pdf_response(certificate: Certificate, filename: str) -> HttpResponse:
    response = HttpResponse(
        certificate_pdf(certificate, language=get_language() or "de"),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@signed_in
def certificate_pdf_view(request, pk):
    registration = _own_registration(request, pk)
    try:
        certificate = services.certificate_for_registration(
            registration=registration, by=request.user
        )
    except TrainingError as error:
        show_error(request, error)
        return redirect("trainings:mine")
    return _pdf_response(certificate, f"{certificate.code}.pdf")


@signed_in
def programme_certificate_pdf(request, slug):
    programme = get_object_or_404(Programme.objects.filter(published=True), slug=slug)
    try:
        certificate = services.certificate_for_programme(person=request.user, programme=programme)
    except TrainingError as error:
        show_error(request, error)
        return redirect(programme)
    return _pdf_response(certificate, f"{certificate.code}.pdf")


@public
def certificate_lookup(request):
    """A form for the code; a valid code leads to the certificate's own address."""
    form = CertificateLookupForm(request.GET if "code" in request.GET else None)
    if form.is_valid():
        return redirect("certificate_verify", code=form.cleaned_data["code"])
    return render(request, "trainings/verify.html", {"form": form, "lookup": True})


@public
def certificate_verify(request, code):
    """What a certificate says, found by its code however it was typed; an unknown code
    answers 404 with a message that tells nothing about other codes."""
    certificate = (
        Certificate.objects.filter(code=certificate_code_as_issued(code))
        .only("code", "name", "title")
        .first()
    )
    return render(
        request,
        "trainings/verify.html",
        {
            "certificate": certificate,
            "code": code,
            "form": CertificateLookupForm(initial={"code": "" if certificate else code}),
        },
        status=200 if certificate else 404,
    )


# --- Attendance at the door ------------------------------------------------------------------


def _date_for_coordinator(pk) -> CourseDate:
    return get_object_or_404(CourseDate.objects.select_related("course"), pk=pk)


def _participants(date: CourseDate) -> list[Registration]:
    """The confirmed participants of the date, by name, with their body."""
    return list(
        selectors.attendance_list(date)
        .select_related("person", "municipality", "organisation")
        .order_by(selectors.PARTICIPANT_NAME, "pk")
    )


@role_required(COORDINATOR)
def attendance(request, pk):
    date = _date_for_coordinator(pk)
    if request.method == "POST":
        if "all" in request.POST:
            return _attendance_all(request, date)
        form = AttendanceForm(request.POST)
        if form.is_valid():
            registration = get_object_or_404(
                selectors.attendance_list(date), pk=form.cleaned_data["registration"]
            )
            try:
                services.attendance_record(
                    date=date,
                    registration=registration,
                    present=form.cleaned_data["present"],
                    by=request.user,
                )
            except TrainingError as error:
                show_error(request, error)
            return redirect(f"{request.path}#registration-{registration.pk}")
        messages.error(request, _("That did not work; please try again."))
        return redirect(request.path)
    marks = selectors.attendance_marks(date)
    rows = [(registration, marks.get(registration.pk)) for registration in _participants(date)]
    return render(
        request,
        "trainings/attendance.html",
        {
            "date": date,
            "rows": rows,
            "present_count": sum(1 for _row, mark in rows if mark),
            "can_record": selectors.attendance_open(date, timezone.now()),
        },
    )


def _attendance_all(request, date: CourseDate):
    form = AttendanceAllForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That did not work; please try again."))
        return redirect(request.path)
    present = form.cleaned_data["all"]
    try:
        changed = services.attendance_record_all(date=date, present=present, by=request.user)
    except TrainingError as error:
        show_error(request, error)
    else:
        messages.success(
            request,
            (
                ngettext(
                    "%(count)s participant marked present.",
                    "%(count)s participants marked present.",
                    changed,
                )
                if present
                else ngettext(
                    "%(count)s participant marked absent.",
                    "%(count)s participants marked absent.",
                    changed,
                )
            )
            % {"count": changed},
        )
    return redirect(request.path)


@role_required(COORDINATOR)
def participants(request, pk):
    """The participant list of a date to print and sign at the door."""
    date = _date_for_coordinator(pk)
    registrations = _participants(date)
    marks = selectors.attendance_marks(date)
    return render(
        request,
        "trainings/participants.html",
        {
            "date": date,
            "rows": [(registration, marks.get(registration.pk)) for registration in registrations],
            "answers": any(registration.answers for registration in registrations),
        },
    )


@role_required(COORDINATOR)
def participants_csv_view(request, pk):
    """The participant list of a date as CSV, the same file as the admin's."""
    date = _date_for_coordinator(pk)
    return participants_csv(
        date,
        selectors.offer_registrations(date).order_by("status", selectors.PARTICIPANT_NAME, "pk"),
        marks=selectors.attendance_marks(date),
    )


# --- Feedback ----------------------------------------------------------------------------------


@signed_link
def feedback(request, token):
    registration = registration_from_feedback_token(token)
    if registration is None:
        raise Http404
    if CourseFeedback.objects.filter(registration=registration).exists():
        return render(
            request, "trainings/feedback.html", {"registration": registration, "used": True}
        )
    form = CourseFeedbackForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.feedback_submit(registration=registration, **form.cleaned_data)
            except TrainingError:
                return render(
                    request,
                    "trainings/feedback.html",
                    {"registration": registration, "used": True},
                )
            return render(
                request, "trainings/feedback.html", {"registration": registration, "thanks": True}
            )
        messages.error(request, _("Please correct the marked fields; nothing has been saved yet."))
    return render(request, "trainings/feedback.html", {"registration": registration, "form": form})
