"""Every write that changes accounts, roles and memberships."""

from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts import emails
from portal.accounts.errors import MembershipError
from portal.accounts.models import Membership, Municipality, Organisation, User
from portal.accounts.roles import COORDINATOR, ROLES, STAFF_ROLES
from portal.notifications.services import notify


@transaction.atomic
def user_grant_role(*, user: User, role: str) -> None:
    """Put the user in the role's group; advisors and coordinators become staff."""
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}")
    user.groups.add(Group.objects.get(name=role))
    if role in STAFF_ROLES and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


def user_update_profile(*, user: User, full_name: str, phone: str, preferred_language: str):
    user.full_name = full_name
    user.phone = phone
    user.preferred_language = preferred_language
    user.save(update_fields=["full_name", "phone", "preferred_language"])


def user_set_language(*, user: User, language: str) -> None:
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])


def membership_request(
    *,
    user: User,
    role: str,
    municipality: Municipality | None = None,
    organisation: Organisation | None = None,
) -> Membership:
    """Ask to be recognised as working for a municipality or an organisation.

    The membership waits, unverified, for a coordinator. Asking twice for the same body
    raises MembershipError instead of creating a second row.
    """
    if (municipality is None) == (organisation is None):
        raise ValueError("Name exactly one municipality or organisation.")
    lookup = {"municipality": municipality} if municipality else {"organisation": organisation}
    try:
        with transaction.atomic():
            if Membership.objects.filter(user=user, **lookup).exists():
                raise MembershipError(
                    _("You have already asked to join %(body)s.")
                    % {"body": municipality or organisation}
                )
            return Membership.objects.create(user=user, role=role, **lookup)
    except IntegrityError as error:
        # Two submissions at the same moment: the unique constraint lets one through.
        raise MembershipError(
            _("You have already asked to join %(body)s.") % {"body": municipality or organisation}
        ) from error


@transaction.atomic
def organisation_register(
    *, user: User, name: str, kind: str, state: str, town: str, role: str
) -> Membership:
    """Register an organisation that is not listed yet and ask to join it."""
    organisation, _created = Organisation.objects.get_or_create(
        name=name.strip(), town=town.strip(), defaults={"kind": kind, "state": state}
    )
    return membership_request(user=user, role=role, organisation=organisation)


@transaction.atomic
def membership_verify(*, membership: Membership, by: User) -> Membership:
    """A coordinator confirms that the person works where they say they do."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.verified:
        raise MembershipError(_("This membership has already been verified."))
    membership.verified = True
    membership.verified_by = by
    membership.verified_at = timezone.now()
    membership.save(update_fields=["verified", "verified_by", "verified_at"])
    notify(
        kind=emails.MEMBERSHIP_VERIFIED,
        key=f"membership:{membership.pk}:verified",
        user=membership.user,
        context={"membership_id": membership.pk},
        about=membership,
    )
    return membership


@transaction.atomic
def membership_reject(*, membership: Membership, by: User) -> None:
    """A coordinator turns down a pending request; a verified membership stays."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.verified:
        raise MembershipError(_("A verified membership cannot be rejected."))
    notify(
        kind=emails.MEMBERSHIP_REJECTED,
        key=f"membership:{membership.pk}:rejected",
        user=membership.user,
        # The row is deleted below; the email keeps the name it needs.
        context={"body_name": str(membership.body)},
    )
    membership.delete()


def membership_digest_queue(*, today) -> int:
    """Queue today's digest of waiting memberships for each coordinator; safe to run twice.

    Returns how many digests were queued. Nothing is queued when nothing waits.
    """
    if not Membership.objects.pending().exists():
        return 0
    coordinators = User.objects.filter(groups__name=COORDINATOR, is_active=True).distinct()
    queued = 0
    with transaction.atomic():
        for coordinator in coordinators:
            notify(
                kind=emails.MEMBERSHIP_DIGEST,
                key=f"membership-digest:{coordinator.pk}:{today.isoformat()}",
                user=coordinator,
                context={"date": today.isoformat()},
            )
            queued += 1
    return queued


def membership_withdraw(*, membership: Membership, by: User) -> None:
    """The member ends their own membership, pending or verified."""
    if membership.user_id != by.pk:
        raise MembershipError(_("You can only withdraw your own memberships."))
    membership.delete()
