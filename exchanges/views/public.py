"""The public pages of exchange rounds: the list, a round's page, its calendar file and the
feed of all rounds (see exchanges/urls.py).

Anyone may read them; drafts answer 404 except to coordinators (their preview from the
admin). A round's page gathers the panels of the other areas: registration
(`selectors.registrations.registration_panel`), questions in advance and documentation
(`selectors.moderation`), practice examples (`selectors.practice.examples_panel`). The
calendar file and the feed answer 304 to a client whose copy is current.
"""

from email.utils import parseaddr

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from exchanges.forms.public import PAST, UPCOMING, RoundFilterForm
from exchanges.ics import round_calendar_entry, with_revisions
from exchanges.models import ExchangeRound, RoundStatus
from exchanges.selectors import public as selectors
from exchanges.selectors.moderation import documentation_panel, questions_panel
from exchanges.selectors.practice import examples_panel
from exchanges.selectors.registrations import registration_panel, state_counts, state_names
from portal.core.access import public
from portal.core.conditional import conditional_response
from portal.notifications.calendar import ics_calendar

PAGE_SIZE = 12

# A round's page shows how many came from which state once it has opened (and not if it was
# called off).
COUNTS_SHOWN = (RoundStatus.OPEN, RoundStatus.FULL, RoundStatus.HELD, RoundStatus.DOCUMENTED)


@public
@require_GET
def round_list(request):
    now = timezone.now()
    form = RoundFilterForm(request.GET)
    filters = form.filters()
    unknown = bool(form.errors)
    if unknown:
        # The form is shown again with the filters that apply, the unknown ones left out.
        known = request.GET.copy()
        for name in form.errors:
            known.pop(name, None)
        form = RoundFilterForm(known)
        form.filters()
    page = Paginator(selectors.round_list(now=now, **filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = list(page.object_list)
    for round in page.object_list:  # what each card shows, without a query
        round.free = max(round.capacity - round.taken, 0)
        round.state_labels = state_names(round)
    query = request.GET.copy()
    query.pop("page", None)
    tabs = query.copy()
    tabs.pop("when", None)
    return render(
        request,
        "exchanges/round_list.html",
        {
            "form": form,
            "page": page,
            "now": now,
            "past": filters["past"],
            "query": query.urlencode(),
            "tab_query": tabs.urlencode(),
            "upcoming_value": UPCOMING,
            "past_value": PAST,
            "narrowed": form.narrowed,
            # Clearing the filters keeps the tab.
            "clear_url": reverse("exchanges:list") + (f"?when={PAST}" if filters["past"] else ""),
            "unknown_filters": unknown,
        },
    )


def _panels(round: ExchangeRound, user, now) -> dict:
    """The other areas' parts of the page, each from its own selector."""
    return {
        "registration_panel": registration_panel(round, user, now),
        "questions_panel": questions_panel(round, user, now=now),
        "documentation_panel": documentation_panel(round, user),
        "examples_panel": examples_panel(round, user),
    }


@public
@require_GET
def detail(request, slug):
    round = selectors.round_for_page(request.user, slug)
    if round is None:
        raise Http404
    now = timezone.now()
    panels = _panels(round, request.user, now)
    return render(
        request,
        "exchanges/round_detail.html",
        {
            "round": round,
            "now": now,
            "is_draft": round.status == RoundStatus.DRAFT,
            "themes": list(round.themes.all()),
            "moderators": selectors.moderators_of(round),
            "states": state_names(round),
            "state_counts": state_counts(round) if round.status in COUNTS_SHOWN else None,
            "video_link": panels["registration_panel"]["video_link"],
            "free": panels["registration_panel"]["free"],
            **panels,
        },
    )


# --- Calendar files ----------------------------------------------------------------------


def _organizer() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL


def _public_entry(round: ExchangeRound) -> dict:
    """A round as the public sees it in a calendar: no attendee, no video link; a cancelled
    round stays with STATUS:CANCELLED, so a subscribed calendar sees it go."""
    method = "CANCEL" if round.status == RoundStatus.CANCELLED else "PUBLISH"
    return round_calendar_entry(round, method=method)


def _calendar_response(rounds, *, name: str, filename: str, disposition: str) -> HttpResponse:
    entries = [_public_entry(round) for round in rounds]
    calendar = ics_calendar({"method": "PUBLISH", "events": entries}, organizer_email=_organizer())
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@public
@require_GET
def round_ics(request, slug):
    round = selectors.rounds_visible_to(request.user).filter(slug=slug).first()
    if round is None or round.status == RoundStatus.DRAFT:
        raise Http404
    version = selectors.round_version(round)
    return conditional_response(
        request,
        etag=version.etag,
        last_modified=version.last_modified,
        build=lambda: _calendar_response(
            [round],
            name=round.title,
            filename=f"exchange-round-{round.pk}.ics",
            disposition="attachment",
        ),
    )


@public
@require_GET
def feed(request):
    """Every published round from `selectors.FEED_PAST` ago on, to subscribe to."""
    now = timezone.now()
    version = selectors.feed_version(now=now)
    return conditional_response(
        request,
        etag=version.etag,
        last_modified=version.last_modified,
        build=lambda: _calendar_response(
            with_revisions(selectors.feed_rounds(now=now)),
            name=_("Exchange rounds"),
            filename="exchange-rounds.ics",
            disposition="inline",
        ),
    )


# `feed.ics` before `<slug>/`, which would not match it anyway (a slug has no dot).
urlpatterns = [
    path("", round_list, name="list"),
    path("feed.ics", feed, name="feed"),
    path("<slug:slug>/", detail, name="detail"),
    path("<slug:slug>/calendar.ics", round_ics, name="round_ics"),
]
