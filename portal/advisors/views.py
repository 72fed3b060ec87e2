"""The public directory and profiles, matching, and the advisor's own pages."""

from datetime import date, datetime, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal.accounts.roles import ADVISOR
from portal.advisors.availability import BERLIN, free_slots, local_instant
from portal.advisors.forms import (
    AbsenceFormSet,
    AdvisorProfileForm,
    BookingRulesForm,
    DirectoryFilterForm,
    MatchForm,
    WindowFormSet,
)
from portal.advisors.models import AdvisorProfile, Topic
from portal.advisors.photos import ProcessedPhoto
from portal.advisors.selectors import advisor_directory, advisors_ranked
from portal.advisors.services import (
    absences_replace,
    advisor_profile_ensure,
    advisor_profile_update,
    booking_rules_update,
    weekly_windows_replace,
)
from portal.core.access import public, role_required
from portal.core.errors import DomainError, show_error

MATCHES_SHOWN = 3
SLOTS_ON_PROFILE = 6


@public
@require_GET
def directory(request):
    topics = list(Topic.objects.active())
    form = DirectoryFilterForm(request.GET or None, topics=topics)
    filters = form.filters()
    profiles = list(advisor_directory(**filters))
    return render(
        request,
        "advisors/directory.html",
        {"form": form, "profiles": profiles, "filtered": bool(filters)},
    )


@public
@require_GET
def match(request):
    topics = list(Topic.objects.active())
    form = MatchForm(request.GET or None, topics=topics)
    matches = []
    if form.is_bound and form.is_valid():
        matches = advisors_ranked(**form.criteria(), limit=MATCHES_SHOWN)
    return render(request, "advisors/match.html", {"form": form, "matches": matches})


def _visible_profile(request, slug) -> AdvisorProfile:
    """A public profile; a hidden one only for its advisor and coordinators (others: 404)."""
    return get_object_or_404(AdvisorProfile.objects.visible_to(request.user).for_cards(), slug=slug)


@public
@require_GET
def profile_detail(request, slug):
    profile = _visible_profile(request, slug)
    now = timezone.now()
    slots = free_slots(
        profile, start=now, end=now + timedelta(weeks=profile.horizon_weeks), now=now
    )
    return render(
        request,
        "advisors/detail.html",
        {"profile": profile, "slots": slots[:SLOTS_ON_PROFILE], "more_slots": len(slots)},
    )


@public
@require_GET
def photo(request, slug):
    """The profile photo, served by the portal so a hidden profile's photo stays hidden."""
    profile = _visible_profile(request, slug)
    if not profile.photo:
        raise Http404
    try:
        file = profile.photo.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(file, content_type="image/jpeg")
    # The file name changes with every upload, and the page links it with ?v=<name>.
    response["Cache-Control"] = (
        "public, max-age=86400" if profile.is_public else "private, no-cache"
    )
    response["Last-Modified"] = http_date(profile.updated_at.timestamp())
    return response


@role_required(ADVISOR)
def my_profile(request):
    profile = advisor_profile_ensure(user=request.user, by=request.user)
    topics = Topic.objects.active()
    form = AdvisorProfileForm(
        request.POST or None, request.FILES or None, instance=profile, topics=topics
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        photo = data.pop("photo")
        try:
            advisor_profile_update(
                profile=profile,
                by=request.user,
                topics=data.pop("topics"),
                photo=photo if isinstance(photo, ProcessedPhoto) else None,
                remove_photo=data.pop("remove_photo"),
                **data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your profile has been saved."))
            return redirect("advisors:my_profile")
    elif request.method == "POST":
        messages.error(request, _("Please correct the marked fields; nothing has been saved."))
    return render(request, "advisors/my_profile.html", {"form": form, "profile": profile})


WEEKS_REACHABLE = timedelta(days=2 * 366)


def _week_start(value: str | None, today: date) -> date:
    """The Monday of the week asked for; this week for an unreadable or far-off date."""
    try:
        day = date.fromisoformat(value) if value else today
    except ValueError:
        day = today
    if abs(day - today) > WEEKS_REACHABLE:
        day = today
    return day - timedelta(days=day.weekday())


def _week(profile: AdvisorProfile, monday: date, now: datetime) -> list[dict]:
    """Each day of the week with its opening hours, absence and the resulting free slots."""
    start = local_instant(monday, datetime.min.time())
    end = local_instant(monday + timedelta(days=7), datetime.min.time())
    slots = free_slots(profile, start=start, end=end, now=now)
    windows = list(profile.windows.all())
    absences = list(profile.absences.all())
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        days.append(
            {
                "date": day,
                "windows": [w for w in windows if w.weekday == day.weekday()],
                "absence": next((a for a in absences if a.first_day <= day <= a.last_day), None),
                "slots": [s for s in slots if s.start.astimezone(BERLIN).date() == day],
                "past": day < now.astimezone(BERLIN).date(),
            }
        )
    return days


@role_required(ADVISOR)
def my_availability(request):
    profile = advisor_profile_ensure(user=request.user, by=request.user)
    section = request.POST.get("section") if request.method == "POST" else None
    rules_form = BookingRulesForm(
        request.POST if section == "rules" else None, instance=profile, prefix="rules"
    )
    windows_initial = [
        {"weekday": w.weekday, "start": w.start, "end": w.end} for w in profile.windows.all()
    ]
    absences_initial = [
        {"first_day": a.first_day, "last_day": a.last_day, "note": a.note}
        for a in profile.absences.all()
    ]
    # Bound formsets take no initial rows: a posted row that equals an existing window must
    # still count, not be skipped as "unchanged".
    windows_formset = (
        WindowFormSet(request.POST, prefix="windows")
        if section == "windows"
        else WindowFormSet(initial=windows_initial, prefix="windows")
    )
    absences_formset = (
        AbsenceFormSet(request.POST, prefix="absences")
        if section == "absences"
        else AbsenceFormSet(initial=absences_initial, prefix="absences")
    )
    bound = {"rules": rules_form, "windows": windows_formset, "absences": absences_formset}
    if section in bound:
        form = bound[section]
        if form.is_valid():
            try:
                if section == "rules":
                    booking_rules_update(
                        profile=profile, by=request.user, **rules_form.cleaned_data
                    )
                elif section == "windows":
                    weekly_windows_replace(
                        profile=profile, by=request.user, windows=windows_formset.windows()
                    )
                else:
                    absences_replace(
                        profile=profile, by=request.user, absences=absences_formset.absences()
                    )
            except DomainError as error:
                show_error(request, error)
            except ValidationError as error:
                messages.error(request, "; ".join(error.messages))
            else:
                messages.success(request, _("Your availability has been saved."))
                return redirect(f"{request.path}?week={request.GET.get('week', '')}#{section}")
        else:
            messages.error(request, _("Please correct the marked fields; nothing has been saved."))

    now = timezone.now()
    monday = _week_start(request.GET.get("week"), now.astimezone(BERLIN).date())
    profile = AdvisorProfile.objects.prefetch_related("windows", "absences").get(pk=profile.pk)
    return render(
        request,
        "advisors/my_availability.html",
        {
            "profile": profile,
            "rules_form": rules_form,
            "windows_formset": windows_formset,
            "absences_formset": absences_formset,
            "days": _week(profile, monday, now),
            "monday": monday,
            "previous_week": monday - timedelta(days=7),
            "next_week": monday + timedelta(days=7),
            "this_week": _week_start(None, now.astimezone(BERLIN).date()),
        },
    )
