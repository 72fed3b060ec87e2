"""Registrations and cancellations of exchange rounds at the same moment, on PostgreSQL with
real row locks, counted by the capacity module course dates share (`portal.core.capacity`).

The threads run through `tests.concurrency`, shared with the course tests.
"""

import pytest

from exchanges.emails import registrations as emails
from exchanges.models import RegistrationStatus, RoundRegistration, RoundStatus
from exchanges.selectors.registrations import waitlist_position
from exchanges.services.registrations import round_register, round_registration_cancel
from portal.notifications.models import Notification
from tests.concurrency import run_together, watching
from tests.concurrency import verified_members as members
from tests.factories import ExchangeRoundFactory, MembershipFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_200_registrations_for_20_seats_make_20_confirmed_and_180_waiting_in_order():
    round = ExchangeRoundFactory(capacity=20)
    memberships = members(200)

    def registering(membership):
        return lambda: round_register(person=membership.user, round=round, membership=membership)

    outcomes = run_together([registering(m) for m in memberships])

    assert [value for kind, value in outcomes if kind == "error"] == []
    registrations = list(RoundRegistration.objects.filter(round=round).order_by("pk"))
    assert len(registrations) == 200
    confirmed = [r for r in registrations if r.status == RegistrationStatus.CONFIRMED]
    waiting = [r for r in registrations if r.status == RegistrationStatus.WAITLISTED]
    assert len(confirmed) == 20
    assert len(waiting) == 180
    assert max(r.pk for r in confirmed) < min(r.pk for r in waiting)
    assert [waitlist_position(r) for r in waiting] == list(range(1, 181))
    round.refresh_from_db()
    assert round.status == RoundStatus.FULL

    sent = Notification.objects.filter(user__in=[m.user for m in memberships])
    assert sent.filter(kind=emails.REGISTERED).count() == 20
    assert sent.filter(kind=emails.WAITLISTED).count() == 180
    assert sent.filter(kind=emails.REMINDER).count() == 20


def test_the_municipality_cap_holds_when_its_people_register_at_once():
    round = ExchangeRoundFactory(capacity=50, seats_per_municipality=2)
    first = MembershipFactory(verified=True)
    colleagues = [first] + [
        MembershipFactory(verified=True, municipality=first.municipality) for _ in range(9)
    ]

    outcomes = run_together(
        [(lambda m=m: round_register(person=m.user, round=round, membership=m)) for m in colleagues]
    )

    assert sum(1 for kind, _value in outcomes if kind == "ok") == 2
    refusals = [value for kind, value in outcomes if kind == "error"]
    assert len(refusals) == 8
    assert all("seats are taken" in str(error) or "Plätze" in str(error) for error in refusals)


def test_cancellations_during_registrations_give_each_seat_to_the_first_waiting():
    round = ExchangeRoundFactory(capacity=10)
    seated = [round_register(person=m.user, round=round, membership=m) for m in members(10)]
    waiting = [round_register(person=m.user, round=round, membership=m) for m in members(5)]
    leaving = seated[:5]
    newcomers = members(5)

    tasks = []
    for registration, membership in zip(leaving, newcomers, strict=True):
        tasks += [
            lambda r=registration: (
                "cancel",
                round_registration_cancel(registration=r, by=r.person),
            ),
            lambda m=membership: (
                "register",
                round_register(person=m.user, round=round, membership=m),
            ),
        ]
    seats = RoundRegistration.objects.filter(round=round).confirmed()
    with watching(seats.count) as seen:
        outcomes = run_together(tasks, workers=len(tasks))

    assert [value for kind, value in outcomes if kind == "error"] == []
    assert seen and max(seen) <= 10
    promoted = [r.pk for kind, (what, value) in outcomes if what == "cancel" for r in value]
    assert sorted(promoted) == sorted(r.pk for r in waiting)
    late = list(RoundRegistration.objects.filter(round=round).waiting())
    assert {r.person_id for r in late} == {m.user_id for m in newcomers}
    for registration in waiting:
        assert Notification.objects.about(registration).filter(kind=emails.PROMOTED).count() == 1
