"""Open follow-up items travel to the next round on the same theme or series, where they are
shown. Apart from the documentation (which carries them when it is published) because the
rounds' services carry them too, when a round is published."""

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from exchanges.errors import ExchangeError
from exchanges.models import ExchangeRound, FollowUpItem, RoundStatus
from portal.accounts.models import User
from portal.core.audit import audit_record

# Statuses of a later round that open follow-up items are carried into.
CARRY_INTO = (RoundStatus.DRAFT, RoundStatus.OPEN, RoundStatus.FULL)


def _related_to(round: ExchangeRound, prefix: str = "") -> Q:
    """Rounds (or, with `prefix`, rows of rounds) sharing a theme or the series with `round`."""
    related = Q(**{f"{prefix}themes__in": round.themes.values("pk")})
    if round.series_id:
        related |= Q(**{f"{prefix}series_id": round.series_id})
    return related


def carry_forward(round: ExchangeRound, *, by: User | None) -> None:
    """Carry open items into the later published rounds on the same theme or series, the
    earliest first (so each item goes to the next meeting)."""
    later = (
        ExchangeRound.objects.filter(_related_to(round))
        .filter(status__in=(RoundStatus.OPEN, RoundStatus.FULL), start__gt=round.start)
        .exclude(pk=round.pk)
        .distinct()
        .order_by("start", "pk")
    )
    for into in later:
        follow_ups_carry(into=into, by=by)


@transaction.atomic
def follow_ups_carry(*, into: ExchangeRound, by: User | None = None) -> int:
    """Carry open follow-up items of earlier documented rounds that share a theme or the series
    with `into` and are not carried elsewhere yet (or were carried into a round since
    cancelled) into `into`, where they are shown. `into` is a draft, open or full round; call
    it when a round is published (and documentation publishing calls it for later rounds that
    exist). Each carried item leaves an audit entry. Returns how many were carried."""
    if into.status not in CARRY_INTO:
        raise ExchangeError(_("Follow-up items are carried only into a round still ahead."))
    candidates = (
        FollowUpItem.objects.filter(_related_to(into, prefix="round__"))
        .filter(
            Q(carried_to__isnull=True) | Q(carried_to__status=RoundStatus.CANCELLED),
            done=False,
            round__status=RoundStatus.DOCUMENTED,
            round__start__lt=into.start,
        )
        .exclude(round=into)
        .values("pk")
    )
    # Locked apart from the query that finds them: PostgreSQL locks no rows of a DISTINCT.
    items = list(
        FollowUpItem.objects.select_for_update(of=("self",))
        .filter(pk__in=candidates, done=False)
        .filter(Q(carried_to__isnull=True) | Q(carried_to__status=RoundStatus.CANCELLED))
        .select_related("round")
        .order_by("round__start", "position", "pk")
    )
    for item in items:
        item.carried_to = into
        item.save(update_fields=["carried_to"])
        audit_record(
            target=item.round,
            action="follow_up.carry",
            by=by,
            details={"follow_up_id": item.pk, "into_round_id": into.pk},
        )
    return len(items)
