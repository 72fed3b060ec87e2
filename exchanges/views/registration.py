"""Views of exchange rounds: registering and cancelling, a person's own rounds, and guests at
public events with their signed links (see exchanges/urls.py).

A member's pages fetch through `selectors.own_registration` (someone else's id answers 404).
A guest's confirm and cancel pages show a button on GET and act only on POST, so a mail
scanner that follows the links confirms or cancels nothing.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from exchanges.desk import rounds_to_moderate
from exchanges.errors import ExchangeError
from exchanges.forms.registration import RoundRegistrationForm
from exchanges.links import registration_from_cancel_token, registration_from_confirm_token
from exchanges.models import Audience, ExchangeRound, RegistrationStatus
from exchanges.selectors import registrations as selectors
from exchanges.services import registrations as services
from portal.accounts.models import Membership
from portal.core.access import public, signed_in, signed_link
from portal.core.errors import show_error
from portal.core.guests import GUEST_RATE_LIMITED, GuestForm, guest_rate_limited


def _published_round(slug: str) -> ExchangeRound:
    return get_object_or_404(ExchangeRound.objects.published(), slug=slug)


# --- Members ------------------------------------------------------------------------------------


@signed_in
def register(request, slug):
    """GET: what registering means, for which body, or why it is not possible; POST: register."""
    round = _published_round(slug)
    now = timezone.now()
    existing = round.registrations.active().filter(person=request.user).first()
    if existing:
        messages.info(request, _("You are already registered for this round."))
        return redirect(round)
    options = selectors.eligible_memberships(round, request.user, now)
    allowed = [membership for membership, refusal in options if refusal is None]
    form = RoundRegistrationForm(request.POST or None, memberships=allowed)
    if request.method == "POST" and allowed:
        if form.is_valid():
            try:
                registration = services.round_register(
                    person=request.user,
                    round=round,
                    membership=form.cleaned_data["membership"],
                )
            except ExchangeError as error:
                show_error(request, error)
            else:
                if registration.status == RegistrationStatus.CONFIRMED:
                    messages.success(
                        request,
                        _("You are registered. A confirmation with a calendar file is on its way."),
                    )
                else:
                    messages.warning(
                        request,
                        _(
                            "The round is full, so you are on the waitlist, position "
                            "%(position)s. If a seat becomes free, it is yours at once and we "
                            "tell you by email."
                        )
                        % {"position": selectors.waitlist_position(registration)},
                    )
                return redirect(round)
        else:
            messages.error(request, _("Please choose for whom you register."))
    pool = selectors.seat_pool(round)
    return render(
        request,
        "exchanges/register.html",
        {
            "round": round,
            "form": form,
            "options": options,
            "allowed": allowed,
            "refused": [(m, refusal) for m, refusal in options if refusal is not None],
            "window_refusal": selectors.window_refusal(round, now),
            "pending": (
                Membership.objects.filter(user=request.user)
                .pending()
                .select_related("municipality", "organisation")
                if not options
                else []
            ),
            "full": not pool.has_seat(),
            "reminder_days": round.reminder_days,
        },
    )


@signed_in
def registration_cancel(request, pk):
    """GET: what cancelling means; POST: cancel (the seat goes to the first waiting)."""
    registration = selectors.own_registration(request.user, pk)
    if registration is None:
        raise Http404
    now = timezone.now()
    if not selectors.may_cancel(registration, now):
        messages.error(
            request,
            _("This registration can no longer be cancelled here. Please write to the organisers.")
            if registration.is_active
            else _("This registration has already been cancelled."),
        )
        return redirect("exchanges:mine")
    if request.method == "POST":
        try:
            services.round_registration_cancel(registration=registration, by=request.user)
        except ExchangeError as error:
            show_error(request, error)
        else:
            messages.success(request, _("Your registration has been cancelled."))
        return redirect("exchanges:mine")
    return render(request, "exchanges/register_cancel.html", {"registration": registration})


@signed_in
def mine(request):
    """A person's own rounds: upcoming (registered or waiting), past, and cancelled; for
    advisors and coordinators (staff) also the rounds they moderate, still to be held or
    documented."""
    now = timezone.now()
    moderated = list(rounds_to_moderate(request.user)) if request.user.is_staff else []
    rows = [
        {
            "registration": registration,
            "round": registration.round,
            "position": selectors.position_of(registration),
            "may_cancel": selectors.may_cancel(registration, now),
        }
        for registration in selectors.registrations_of(request.user)
    ]
    active = [row for row in rows if row["registration"].is_active]
    return render(
        request,
        "exchanges/mine.html",
        {
            "now": now,
            "upcoming": [row for row in active if row["round"].end > now],
            "past": [row for row in active if row["round"].end <= now][::-1],
            "ended": [row for row in rows if not row["registration"].is_active][::-1],
            "moderating": [round for round in moderated if round.end > now],
            "documentation_due": [round for round in moderated if round.end <= now],
        },
    )


# --- Guests -------------------------------------------------------------------------------------


@public
def guest_register(request, slug):
    """A public event's guest form: GET shows it, POST registers (rate limited)."""
    round = _published_round(slug)
    if round.audience != Audience.PUBLIC:
        raise Http404
    now = timezone.now()
    refusal = selectors.guest_refusal(round, now)
    status = 200
    if request.method == "POST" and refusal is None:
        form = GuestForm(request.POST)
        if guest_rate_limited(request):
            messages.error(request, GUEST_RATE_LIMITED)
            status = 429
        elif form.is_valid():
            try:
                registration = services.round_guest_register(
                    round=round,
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    language=get_language() or "de",
                )
            except ExchangeError as error:
                show_error(request, error)
            else:
                return render(
                    request,
                    "exchanges/guest_registered.html",
                    {"round": round, "registration": registration},
                )
    else:
        form = GuestForm()
    return render(
        request,
        "exchanges/guest_register.html",
        {
            "round": round,
            "form": form,
            "refusal": refusal,
            "full": not selectors.seat_pool(round).has_seat(),
        },
        status=status,
    )


# A confirmation link followed after the time to confirm (the registration then expires).
LAPSED = _lazy(
    "The time to confirm has passed, so this registration has lapsed. You are welcome to "
    "register again."
)


def _guest_page(request, token, *, resolve, template, act, done):
    """A guest's signed link: GET shows the registration and a button, POST acts, then the
    page shows the outcome (a repeated POST is refused with a sentence, not an error)."""
    registration = resolve(token)
    if registration is None:
        raise Http404
    if request.method == "POST":
        try:
            act(registration=registration)
        except ExchangeError as error:
            show_error(request, error)
        else:
            registration.refresh_from_db()
            if registration.status == RegistrationStatus.EXPIRED:
                messages.error(request, LAPSED)
            else:
                messages.success(request, done)
        return redirect(request.path)
    registration.refresh_from_db()
    return render(
        request,
        template,
        {
            "registration": registration,
            "round": registration.round,
            "position": selectors.waitlist_position(registration),
            "may_cancel": selectors.may_cancel(registration, timezone.now()),
        },
    )


@signed_link
def guest_confirm(request, token):
    return _guest_page(
        request,
        token,
        resolve=registration_from_confirm_token,
        template="exchanges/guest_confirm.html",
        act=services.round_guest_confirm,
        done=_("Thank you: your email address is confirmed."),
    )


@signed_link
def guest_cancel(request, token):
    return _guest_page(
        request,
        token,
        resolve=registration_from_cancel_token,
        template="exchanges/guest_cancel.html",
        act=services.round_guest_cancel,
        done=_("Your registration has been cancelled."),
    )


urlpatterns = [
    path("mine/", mine, name="mine"),
    path("registrations/<int:pk>/cancel/", registration_cancel, name="registration_cancel"),
    path("guest/confirm/<str:token>/", guest_confirm, name="guest_confirm"),
    path("guest/cancel/<str:token>/", guest_cancel, name="guest_cancel"),
    path("<slug:slug>/register/", register, name="register"),
    path("<slug:slug>/guest/", guest_register, name="guest_register"),
]
