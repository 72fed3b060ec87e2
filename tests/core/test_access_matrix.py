"""Role × URL matrix: every URL of the portal's own apps declares who may see it.

The URLs come from the resolver, so a new view without a rule from portal.core.access
fails here before it can leak anything.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from consultations.services import appointment_token, feedback_token
from portal.core.access import PUBLIC, ROLE_PREFIX, RULES, SIGNED_LINK, roles_of
from portal.notifications.rendering import unsubscribe_token
from tests.exchanges import access_samples as exchange_samples
from tests.factories import (
    AdvisorProfileFactory,
    AppointmentFactory,
    ConsultationFactory,
    CourseDateFactory,
    CourseGuestRegistrationFactory,
    MembershipFactory,
    RegistrationFactory,
    UserFactory,
)
from trainings.links import GUEST_LINKS
from trainings.models import Certificate, Programme
from trainings.services import feedback_token as course_feedback_token

OWN_MODULES = ("portal.", "consultations.", "trainings.", "exchanges.")


def own_patterns(patterns=None, namespace=None):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "admin":
            continue  # the admin checks staff status and permissions itself (tests/*/test_admin)
        if isinstance(entry, URLResolver):
            inner = (
                f"{namespace}:{entry.namespace}"
                if namespace and entry.namespace
                else (entry.namespace or namespace)
            )
            yield from own_patterns(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.callback.__module__.startswith(OWN_MODULES):
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, entry.callback


OWN = sorted(own_patterns(), key=lambda item: item[0])


def sample_url(name):
    """A URL for the pattern, with arguments that exist (or belong to someone else)."""
    kwargs = {}
    if name.startswith("exchanges:"):
        kwargs = exchange_samples.kwargs_for(name)
    elif name == "core:page":
        kwargs = {"slug": "impressum"}
    elif name == "accounts:membership_withdraw":
        kwargs = {"pk": MembershipFactory().pk}
    elif name == "advisors:detail":
        kwargs = {"slug": AdvisorProfileFactory().slug}
    elif name == "advisors:photo":
        kwargs = {"slug": AdvisorProfileFactory(is_public=False).slug}  # hidden: 404 for others
    elif name == "notifications:unsubscribe":
        kwargs = {"token": unsubscribe_token(user_id=UserFactory().pk, category="reminder")}
    elif name in CASE_URLS:
        appointment = AppointmentFactory()  # in someone else's request
        kwargs = {"pk": appointment.consultation_id}
        if name == "consultations:document":
            kwargs["document_pk"] = 1
        if name == "consultations:appointment":
            kwargs = {"pk": appointment.pk}
    elif name == "consultations:appointment_link":
        kwargs = {"token": appointment_token(AppointmentFactory())}
    elif name == "consultations:feedback":
        kwargs = {"token": feedback_token(ConsultationFactory(status="closed"))}
    elif name in {"trainings:course", "trainings:register"}:
        kwargs = {"slug": CourseDateFactory().course.slug}
    elif name in {
        "trainings:date_ics",
        "trainings:attendance",
        "trainings:participants",
        "trainings:participants_csv",
    }:
        kwargs = {"pk": CourseDateFactory().pk}
    elif name in REGISTRATION_URLS:
        kwargs = {"pk": RegistrationFactory().pk}  # someone else's registration
    elif name in {"trainings:programme", "trainings:programme_certificate"}:
        programme = Programme.objects.create(title="Reihe", slug="reihe", published=True)
        kwargs = {"slug": programme.slug}
    elif name == "trainings:feedback":
        kwargs = {"token": course_feedback_token(RegistrationFactory())}
    elif name == "trainings:guest_register":
        kwargs = {"slug": CourseDateFactory(course__open_to_public=True).course.slug}
    elif name in {"trainings:guest_confirm", "trainings:guest_cancel"}:
        guest = CourseGuestRegistrationFactory()
        purpose = GUEST_LINKS.confirm if name.endswith("confirm") else GUEST_LINKS.cancel
        kwargs = {"token": purpose.sign(guest)}
    elif name == "certificate_verify":
        registration = RegistrationFactory()
        certificate = Certificate.objects.create(
            code="TB-ABCD-EFGH",
            kind=Certificate.Kind.COURSE,
            person=registration.person,
            registration=registration,
            name="Aylin Demir",
            title=registration.course.title,
        )
        kwargs = {"code": certificate.code}
    return reverse(name, kwargs=kwargs)


# Pages of one request or appointment: someone else's answers 404 (tests/consultations).
CASE_URLS = {
    "consultations:detail",
    "consultations:book",
    "consultations:withdraw",
    "consultations:message",
    "consultations:document",
    "consultations:documents_add",
    "consultations:appointment",
}
# A participant's own registration: someone else's answers 404 (tests/trainings).
REGISTRATION_URLS = {"trainings:cancel", "trainings:certificate"}
POST_ONLY = {"consultations:withdraw", "consultations:message", "accounts:membership_withdraw"}
POST_ONLY |= {"consultations:documents_add"} | exchange_samples.POST_ONLY


def forged_url(name):
    """The URL of a signed-link view with a token the portal did not sign."""
    return reverse(name, kwargs={"token": "eyJ1IjoxLCJjIjoicmVtaW5kZXIifQ:forged:signature"})


def test_the_portal_has_urls_to_check():
    assert len(OWN) >= 8


@pytest.mark.parametrize(("name", "view"), OWN, ids=[name for name, _view in OWN])
def test_every_view_declares_an_access_rule(name, view):
    assert getattr(view, "access_rule", None) in RULES, (
        f"{name} has no access rule: wrap it in a decorator from portal.core.access"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "view"), OWN, ids=[name for name, _view in OWN])
def test_anonymous_visitors_reach_public_views_only(client, name, view):
    url = sample_url(name)

    response = client.post(url) if name == "core:set_language" else client.get(url)

    if view.access_rule in {PUBLIC, SIGNED_LINK}:
        assert response.status_code in {200, 302, 404, 405}
        assert response.status_code != 404 or name == "advisors:photo"  # a hidden profile
        assert "/accounts/login/" not in response.get("Location", "")
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "view"), OWN, ids=[name for name, _view in OWN])
def test_signed_in_officers_reach_every_view_but_not_other_peoples_data(
    client, officer, name, view
):
    client.force_login(officer)
    url = sample_url(name)

    response = client.post(url) if name in POST_ONLY or "language" in name else client.get(url)

    if name in (
        {"accounts:membership_withdraw", "advisors:photo"}
        | CASE_URLS
        | REGISTRATION_URLS
        | exchange_samples.OTHERS_404
    ):
        assert response.status_code == 404  # someone else's membership or request, a hidden profile
    elif view.access_rule.startswith(ROLE_PREFIX):
        assert response.status_code == 404  # a page of another role does not exist for them
    else:
        assert response.status_code in {200, 302}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "view"),
    [(name, view) for name, view in OWN if view.access_rule == SIGNED_LINK],
    ids=[name for name, view in OWN if view.access_rule == SIGNED_LINK],
)
def test_signed_links_with_a_forged_signature_answer_404(client, name, view):
    assert client.get(forged_url(name)).status_code == 404
    assert client.post(forged_url(name)).status_code == 404


ROLE_VIEWS = [
    (name, view) for name, view in OWN if getattr(view, "access_rule", "").startswith(ROLE_PREFIX)
]


def test_the_advisors_pages_are_role_views():
    assert {"advisors:my_profile", "advisors:my_availability"} <= {name for name, _v in ROLE_VIEWS}


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "view"), ROLE_VIEWS, ids=[name for name, _view in ROLE_VIEWS])
def test_role_views_open_to_their_role_only(client, name, view):
    roles = roles_of(view.access_rule)  # one role, or several ("role:advisor|coordinator")
    others = [r for r in ("integration_officer", "advisor", "coordinator") if r not in roles]
    url = sample_url(name)
    for other in others:
        client.force_login(UserFactory(roles=[other]))
        assert client.get(url).status_code == 404, other
    for role in roles:
        client.force_login(UserFactory(roles=[role]))
        # A round's moderation pages exist only for its moderators and every coordinator: a
        # fresh advisor moderates nothing (tests/exchanges/test_moderation_views.py).
        expected = 404 if name in exchange_samples.MODERATED and role == "advisor" else 200
        assert client.get(url).status_code == expected, role
