"""Every write that changes accounts, roles and memberships.

Each service runs in one transaction and leaves an audit entry (`portal.core.audit`); a
membership's status changes only through `portal.core.workflows.transition` along the table
in `models.MEMBERSHIP_TRANSITIONS`.
"""

from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts import emails
from portal.accounts.errors import AccountError, MembershipError
from portal.accounts.models import (
    MEMBERSHIP,
    Membership,
    MembershipStatus,
    Municipality,
    Organisation,
    User,
)
from portal.accounts.roles import COORDINATOR, INTEGRATION_OFFICER, ROLES, STAFF_ROLES
from portal.core.audit import audit_record
from portal.core.workflows import transition
from portal.notifications.models import Notification
from portal.notifications.services import notify

PROFILE_FIELDS = ("full_name", "phone", "preferred_language")


def may_grant_role(*, by: User | None, role: str) -> bool:
    """Superusers give every role; coordinators only the officer role (their permission).

    Staff roles open the admin, so handing them out is kept with the superusers. `by=None`
    is the portal itself (sign-up, demo data).
    """
    if by is None or by.is_superuser:
        return True
    return role == INTEGRATION_OFFICER and by.has_perm("accounts.grant_officer_role")


@transaction.atomic
def user_grant_role(*, user: User, role: str, by: User | None = None) -> bool:
    """Put the user in the role's group; advisors and coordinators become staff.

    Returns whether anything changed; a role the user already holds is left as it is.
    """
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}")
    if not may_grant_role(by=by, role=role):
        raise AccountError(_("You may not give this role."))
    changed = False
    if not user.groups.filter(name=role).exists():
        user.groups.add(Group.objects.get(name=role))
        changed = True
    if role in STAFF_ROLES and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        changed = True
    if changed:
        audit_record(target=user, action="user.grant_role", by=by, details={"role": role})
    return changed


@transaction.atomic
def user_create(
    *, email: str, full_name: str, password: str | None = None, by: User | None = None
) -> User:
    """An account made by the portal or a person in charge, not by the public sign-up."""
    user = User.objects.create_user(email=email, password=password, full_name=full_name)
    audit_record(target=user, action="user.create", by=by)
    return user


@transaction.atomic
def user_update_profile(*, user: User, full_name: str, phone: str, preferred_language: str):
    """The person changes their own name, phone and language."""
    values = {"full_name": full_name, "phone": phone, "preferred_language": preferred_language}
    changed = [name for name in PROFILE_FIELDS if getattr(user, name) != values[name]]
    if not changed:
        return
    for name in changed:
        setattr(user, name, values[name])
    user.save(update_fields=changed)
    # The names of the fields, not their values: the trail keeps no copy of personal data.
    audit_record(target=user, action="user.update_profile", by=user, details={"fields": changed})


@transaction.atomic
def user_set_language(*, user: User, language: str) -> None:
    """Keep the interface language a signed-in person switched to as their preference."""
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
        audit_record(
            target=user, action="user.set_language", by=user, details={"language": language}
        )


def membership_request(
    *,
    user: User,
    role: str,
    municipality: Municipality | None = None,
    organisation: Organisation | None = None,
) -> Membership:
    """Ask to be recognised as working for a municipality or an organisation.

    The membership waits, pending, for a coordinator. Asking again for a body with a pending
    or verified membership raises MembershipError instead of creating a second row; after a
    rejection the person may ask again, and the rejected row stays as it is.
    """
    if (municipality is None) == (organisation is None):
        raise ValueError("Name exactly one municipality or organisation.")
    body = municipality or organisation
    lookup = {"municipality": municipality} if municipality else {"organisation": organisation}
    already = _("You have already asked to join %(body)s.") % {"body": body}
    try:
        with transaction.atomic():
            if Membership.objects.current().filter(user=user, **lookup).exists():
                raise MembershipError(already)
            membership = Membership.objects.create(user=user, role=role, **lookup)
            audit_record(
                target=membership,
                action="membership.request",
                by=user,
                to_status=membership.status,
                details={"body": str(body), "role": role},
            )
            return membership
    except IntegrityError as error:
        # Two submissions at the same moment: the unique constraint lets one through.
        raise MembershipError(already) from error


@transaction.atomic
def organisation_ensure(
    *, name: str, kind: str, state: str, town: str, by: User | None = None
) -> Organisation:
    """The organisation of this name in this town, registered now if it is not listed yet."""
    organisation, created = Organisation.objects.get_or_create(
        name=name.strip(), town=town.strip(), defaults={"kind": kind, "state": state}
    )
    if created:
        audit_record(
            target=organisation,
            action="organisation.register",
            by=by,
            details={"kind": kind, "state": state},
        )
    return organisation


@transaction.atomic
def register_entry_save(*, entry: Municipality | Organisation, by: User, fields: list[str]):
    """Save a municipality or organisation a coordinator added or corrected in the admin.

    `entry` carries the form's values; `fields` names those that changed (the register
    import, which rewrites thousands of rows at once, is recorded by its own report).
    """
    created = entry.pk is None
    entry.full_clean()
    entry.save()
    name = entry._meta.model_name
    audit_record(
        target=entry,
        action=f"{name}.create" if created else f"{name}.update",
        by=by,
        details={"fields": sorted(fields)},
    )
    return entry


@transaction.atomic
def organisation_register(
    *, user: User, name: str, kind: str, state: str, town: str, role: str
) -> Membership:
    """Register an organisation that is not listed yet and ask to join it."""
    organisation = organisation_ensure(name=name, kind=kind, state=state, town=town, by=user)
    return membership_request(user=user, role=role, organisation=organisation)


@transaction.atomic
def membership_verify(*, membership: Membership, by: User) -> Membership:
    """A coordinator confirms that the person works where they say they do."""
    transition(
        membership,
        workflow=MEMBERSHIP,
        to=MembershipStatus.VERIFIED,
        by=by,
        fields={"verified_by": by, "verified_at": timezone.now()},
        details={"body": str(membership.body)},
    )
    notify(
        kind=emails.MEMBERSHIP_VERIFIED,
        key=f"membership:{membership.pk}:verified",
        user=membership.user,
        context={"membership_id": membership.pk},
        about=membership,
    )
    return membership


@transaction.atomic
def membership_reject(*, membership: Membership, by: User) -> Membership:
    """A coordinator turns down a pending request; a verified membership stays.

    The row is kept as rejected (it grants nothing), so the decision can be traced; the
    person may ask again, which makes a new request.
    """
    transition(
        membership,
        workflow=MEMBERSHIP,
        to=MembershipStatus.REJECTED,
        by=by,
        fields={"rejected_by": by, "rejected_at": timezone.now()},
        details={"body": str(membership.body)},
    )
    notify(
        kind=emails.MEMBERSHIP_REJECTED,
        key=f"membership:{membership.pk}:rejected",
        user=membership.user,
        context={"membership_id": membership.pk, "body_name": str(membership.body)},
        about=membership,
    )
    return membership


def membership_digest_queue(*, today) -> int:
    """Queue today's digest for each coordinator who has not yet been told about a waiting
    membership; safe to run twice (the key names the coordinator and the day).

    A coordinator is told about a membership by the first digest queued after it was asked
    for; the digest then lists everything still waiting. Returns how many digests were queued
    (today's, counted again when run twice). Nothing is queued when nothing new waits.
    """
    waiting = Membership.objects.pending()
    newest_claim = waiting.aggregate(newest=Max("created_at"))["newest"]
    if newest_claim is None:
        return 0
    coordinators = list(
        User.objects.filter(groups__name=COORDINATOR, is_active=True).distinct().order_by("pk")
    )
    todays_key = f":{today.isoformat()}"
    told_until = dict(
        Notification.objects.filter(kind=emails.MEMBERSHIP_DIGEST, user__in=coordinators)
        .exclude(idempotency_key__endswith=todays_key)
        .values_list("user")
        .annotate(last=Max("created_at"))
    )
    queued = 0
    with transaction.atomic():
        for coordinator in coordinators:
            last_told = told_until.get(coordinator.pk)
            if last_told is not None and newest_claim <= last_told:
                continue
            notify(
                kind=emails.MEMBERSHIP_DIGEST,
                # One digest per coordinator and day: the day is what the digest is about.
                key=f"membership-digest:{coordinator.pk}{todays_key}",
                user=coordinator,
                context={"date": today.isoformat()},
            )
            queued += 1
    return queued


@transaction.atomic
def membership_withdraw(*, membership: Membership, by: User) -> None:
    """The member ends their own membership, pending or verified; the row is deleted, the
    audit entry keeps that it existed."""
    if membership.user_id != by.pk:
        raise MembershipError(_("You can only withdraw your own memberships."))
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.rejected:
        raise MembershipError(_("A rejected request cannot be withdrawn."))
    audit_record(
        target=membership,
        action="membership.withdraw",
        by=by,
        from_status=membership.status,
        details={"body": str(membership.body)},
    )
    membership.delete()
