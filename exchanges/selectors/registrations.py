"""Reads of round registrations: who may register and why not, seats, the waitlist, the
registration panel of a round's page, the counts by federal state, a person's own rounds.

The rules of who may register live here once (`registration_refusal`): the round's page asks
them to explain, `exchanges.services.registrations.round_register` asks them again under the
round's lock to decide. Seats are counted by `portal.core.capacity` only (`seat_pool`).
"""

from datetime import datetime

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from exchanges.errors import ExchangeError
from exchanges.ics import shows_video_link
from exchanges.models import (
    Audience,
    ExchangeRound,
    RegistrationStatus,
    RoundRegistration,
    RoundStatus,
)
from portal.accounts.models import FederalState, Membership
from portal.core import capacity

# --- Seats ------------------------------------------------------------------------------------


def seat_pool(round: ExchangeRound) -> capacity.Pool:
    """The round's seats as `portal.core.capacity` counts them: confirmed participants and
    guests waiting for their own confirmation hold a seat; the waitlist is those waiting whose
    address is confirmed, in order of arrival."""
    registrations = RoundRegistration.objects.filter(round=round)
    return capacity.Pool(
        capacity=round.capacity,
        holders=registrations.holding_seats(),
        waiting=registrations.waiting(),
    )


def state_of(membership: Membership) -> str:
    body = membership.municipality or membership.organisation
    return body.state if body is not None else ""


def and_list(names: list[str]) -> str:
    """ "Saxony", "Saxony and Thuringia", "Berlin, Saxony and Thuringia"."""
    if len(names) <= 1:
        return "".join(names)
    return _("%(first)s and %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def state_names(round: ExchangeRound) -> str:
    return and_list([str(FederalState(code).label) for code in round.states])


def caps_for(round: ExchangeRound, membership: Membership) -> list[capacity.Cap]:
    """The caps a member's registration counts against: their municipality's seats, their
    federal state's seats."""
    municipality_cap = round.seats_per_municipality
    state_cap = round.seats_per_state
    state = state_of(membership)
    return [
        capacity.Cap(
            field="municipality",
            value=membership.municipality_id,
            limit=municipality_cap,
            refusal=ngettext(
                "Your municipality's seat is taken: one person from %(body)s is already "
                "registered for this round.",
                "Your municipality's %(count)s seats are taken: %(count)s people from "
                "%(body)s are already registered for this round.",
                municipality_cap or 0,
            )
            % {"count": municipality_cap, "body": membership.municipality},
        ),
        capacity.Cap(
            field="state",
            value=state,
            limit=state_cap,
            refusal=ngettext(
                "The seat for %(state)s is taken, so that every federal state gets a place.",
                "The %(count)s seats for %(state)s are taken, so that every federal state "
                "gets a place.",
                state_cap or 0,
            )
            % {"count": state_cap, "state": FederalState(state).label if state else ""},
        ),
    ]


# --- Who may register ---------------------------------------------------------------------------


def window_refusal(round: ExchangeRound, now: datetime) -> str | None:
    """Why the round takes no registration now, or None when it does
    (`ExchangeRound.takes_registrations` decides; this only says why)."""
    if round.takes_registrations(now):
        return None
    if round.status == RoundStatus.CANCELLED:
        return _("This round was cancelled.")
    if round.status not in (RoundStatus.OPEN, RoundStatus.FULL) or now >= round.start:
        return _("This round takes no registrations.")
    if round.registration_opens and now < round.registration_opens:
        return _("Registration opens on %(date)s.") % {
            "date": timezone.localtime(round.registration_opens).strftime("%d.%m.%Y %H:%M")
        }
    return _("The registration deadline has passed.")


def membership_refusal(round: ExchangeRound, membership: Membership) -> str | None:
    """Why this body may not be registered for the round, or None: not confirmed, the wrong
    kind of body for the audience, a federal state the round is not open to. A public round
    is open to every member."""
    if not membership.verified:
        return _("You can register only for a body our team has confirmed you work for.")
    if round.audience == Audience.MUNICIPAL and membership.municipality_id is None:
        return _("This round is for municipal staff; organisations cannot register for it.")
    if round.audience == Audience.ORGANISATIONS and membership.organisation_id is None:
        return _(
            "This round is for Muslim and Alevite organisations; municipalities cannot "
            "register for it."
        )
    if (
        round.audience != Audience.PUBLIC
        and round.states
        and state_of(membership) not in round.states
    ):
        return _("This round is open to %(states)s only.") % {"states": state_names(round)}
    return None


def registration_refusal(
    round: ExchangeRound,
    membership: Membership,
    *,
    now: datetime,
    pool: capacity.Pool | None = None,
) -> str | None:
    """Every reason a member may not register for the round with this body, the first that
    applies, or None. The service asks it under the round's lock; a page asks it to explain."""
    refusal = window_refusal(round, now) or membership_refusal(round, membership)
    if refusal:
        return refusal
    registrations = RoundRegistration.objects.filter(round=round)
    if registrations.active().filter(person_id=membership.user_id).exists():
        return _("You are already registered for this round.")
    try:
        capacity.refuse_over_caps(
            pool or seat_pool(round), caps_for(round, membership), error=ExchangeError
        )
    except ExchangeError as error:
        return error.message
    return None


def guest_refusal(round: ExchangeRound, now: datetime) -> str | None:
    """Why a guest may not register, or None: only public events take guests."""
    if round.audience != Audience.PUBLIC:
        return _("This round is not a public event: please sign in to register.")
    return window_refusal(round, now)


# --- Cancelling ----------------------------------------------------------------------------------


def may_cancel(registration: RoundRegistration, now: datetime) -> bool:
    """The participant (member or guest) may cancel an active registration until the round's
    deadline; coordinators may always (the service asks `may_manage_rounds` for that)."""
    return registration.is_active and now < registration.round.deadline


# --- The waitlist --------------------------------------------------------------------------------


def waitlist_position(registration: RoundRegistration) -> int | None:
    """1 for the first person waiting, None for anyone not on the waitlist (a guest whose
    address is not yet confirmed does not wait yet)."""
    if registration.status != RegistrationStatus.WAITLISTED or not registration.email_confirmed:
        return None
    return capacity.waitlist_position(seat_pool(registration.round), registration)


def with_positions(registrations):
    """Annotate `position` (1 for the first waiting) in the same query, for lists."""
    ahead = (
        RoundRegistration.objects.filter(round=OuterRef("round"), pk__lt=OuterRef("pk"))
        .waiting()
        .order_by()
        .values("round")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return registrations.annotate(
        waiting_ahead=Coalesce(Subquery(ahead, output_field=IntegerField()), Value(0))
    )


def position_of(registration: RoundRegistration) -> int | None:
    """The position of a registration annotated by `with_positions`."""
    if registration.status != RegistrationStatus.WAITLISTED or not registration.email_confirmed:
        return None
    return registration.waiting_ahead + 1


# --- A person's own rounds -----------------------------------------------------------------------


def registrations_of(user):
    """A person's own registrations, soonest round first, with their waitlist positions."""
    return with_positions(
        RoundRegistration.objects.filter(person=user)
        .select_related("round", "municipality", "organisation")
        .order_by("round__start", "pk")
    )


def own_registration(user, pk: int) -> RoundRegistration | None:
    """A registration of `user`'s, or None (someone else's id is as good as none)."""
    return (
        RoundRegistration.objects.filter(person=user, pk=pk)
        .select_related("round", "municipality", "organisation")
        .first()
    )


def eligible_memberships(round: ExchangeRound, user, now: datetime) -> list[tuple]:
    """The person's verified memberships, each with its refusal (None: may register)."""
    memberships = (
        Membership.objects.filter(user=user)
        .verified()
        .select_related("municipality", "organisation")
        .order_by("pk")
    )
    pool = seat_pool(round)
    return [
        (membership, registration_refusal(round, membership, now=now, pool=pool))
        for membership in memberships
    ]


# --- The panel on a round's page -----------------------------------------------------------------


def registration_panel(round: ExchangeRound, user, now: datetime) -> dict:
    """What the registration panel of a round's page shows the viewer.

    - `registration`: the viewer's active registration, its `status`, waitlist `position`,
      whether they `may_cancel` and where (`cancel_url`);
    - `can_register` and `register_url`, or the `refusal` that says why not (for a person
      with several bodies, the refusal of the first; the register page explains each);
      `needs_membership` when the person has no confirmed body yet;
    - `guest_form` and `guest_url` at a public event for a visitor who is not signed in;
    - `video_link` for confirmed participants only;
    - `free`, `full` and `takes_registrations` for everyone.
    """
    pool = seat_pool(round)
    free = pool.free()
    takes = round.takes_registrations(now)
    panel = {
        "round": round,
        "now": now,
        "signed_in": user.is_authenticated,
        "takes_registrations": takes,
        "free": free,
        "full": free <= 0,
        "is_public": round.audience == Audience.PUBLIC,
        "deadline": round.deadline,
        "window_refusal": window_refusal(round, now),
        "registration": None,
        "status": "",
        "position": None,
        "may_cancel": False,
        "cancel_url": "",
        "can_register": False,
        "register_url": reverse("exchanges:register", args=[round.slug]),
        "refusal": None,
        "needs_membership": False,
        "guest_form": None,
        "guest_url": "",
        "video_link": "",
    }
    if not user.is_authenticated:
        if round.audience == Audience.PUBLIC and takes:
            from portal.core.guests import GuestForm

            panel["guest_form"] = GuestForm()
            panel["guest_url"] = reverse("exchanges:guest_register", args=[round.slug])
        return panel

    registration = (
        RoundRegistration.objects.filter(round=round, person=user)
        .active()
        .select_related("round")
        .first()
    )
    if registration is not None:
        panel.update(
            registration=registration,
            status=registration.status,
            position=capacity.waitlist_position(pool, registration)
            if registration.status == RegistrationStatus.WAITLISTED
            else None,
            may_cancel=may_cancel(registration, now),
            cancel_url=reverse("exchanges:registration_cancel", args=[registration.pk]),
            video_link=round.video_link if shows_video_link(round, registration) else "",
        )
        return panel

    options = eligible_memberships(round, user, now)
    if not options:
        panel["needs_membership"] = True
        panel["refusal"] = window_refusal(round, now)
        return panel
    allowed = [membership for membership, refusal in options if refusal is None]
    panel["can_register"] = bool(allowed)
    panel["refusal"] = None if allowed else options[0][1]
    return panel


# --- Counts by federal state, for the public page ------------------------------------------------


def state_counts(round: ExchangeRound) -> list[dict]:
    """How many confirmed participants come from which federal state (no names): one row per
    state, the most first, then one row for the guests of a public event. One query."""
    rows = (
        RoundRegistration.objects.filter(round=round)
        .confirmed()
        .order_by()
        .values("state")
        .annotate(count=Count("pk"))
    )
    states = []
    guests = 0
    for row in rows:
        if not row["state"]:
            guests += row["count"]
            continue
        states.append(
            {
                "state": row["state"],
                "label": str(FederalState(row["state"]).label),
                "count": row["count"],
                "guests": False,
            }
        )
    states.sort(key=lambda row: (-row["count"], row["label"]))
    if guests:
        states.append({"state": "", "label": _("guests"), "count": guests, "guests": True})
    return states
