"""The advisor's own profile and availability pages, and the admin for advisors and
coordinators."""

from datetime import date, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.advisors.errors import AdvisorError
from portal.advisors.models import AdvisorProfile, Topic, WeeklyWindow
from portal.advisors.services import (
    advisor_profile_ensure,
    advisor_profile_update,
    weekly_windows_replace,
)
from tests.factories import AdvisorProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def formset_data(prefix, rows, extra=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows) + extra),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


def test_a_new_advisor_gets_a_hidden_profile_on_first_visit(client):
    advisor = UserFactory(full_name="Dr. Lea Brandt", roles=["advisor"])
    client.force_login(advisor)

    response = client.get(reverse("advisors:my_profile"))

    assert response.status_code == 200
    profile = AdvisorProfile.objects.get(user=advisor)
    assert profile.slug == "lea-brandt"
    assert not profile.is_public


def test_slugs_stay_unique():
    first = advisor_profile_ensure(user=UserFactory(full_name="Ali Kaya", roles=["advisor"]))
    second = advisor_profile_ensure(user=UserFactory(full_name="Ali Kaya", roles=["advisor"]))

    assert (first.slug, second.slug) == ("ali-kaya", "ali-kaya-2")


def test_only_advisors_have_a_profile():
    with pytest.raises(AdvisorError):
        advisor_profile_ensure(user=UserFactory(roles=["integration_officer"]))


def test_an_advisor_saves_texts_topics_and_lists(client):
    profile = AdvisorProfileFactory()
    topic = Topic.objects.get(slug="dialog")
    client.force_login(profile.user)

    response = client.post(
        reverse("advisors:my_profile"),
        {
            "role_de": "Beraterin für Dialog",
            "role_en": "Advisor on dialogue",
            "short_bio_de": "Kurz und klar.",
            "topics": [topic.pk],
            "languages": ["de", "fa"],
            "states": ["12", "11"],
            "formats": ["prozessbegleitung"],
            "modes": ["in_person", "video"],
        },
    )

    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.role_de == "Beraterin für Dialog"
    assert profile.states == ["11", "12"]
    assert list(profile.topics.all()) == [topic]


def test_an_advisor_cannot_publish_themselves_or_change_their_capacity():
    profile = AdvisorProfileFactory(is_public=False)

    with pytest.raises(AdvisorError):
        advisor_profile_update(profile=profile, by=profile.user, is_public=True)
    with pytest.raises(AdvisorError):
        advisor_profile_update(profile=profile, by=profile.user, max_open_cases=40)


def test_an_advisor_cannot_change_someone_elses_profile(coordinator):
    profile = AdvisorProfileFactory()
    other = AdvisorProfileFactory()

    with pytest.raises(AdvisorError):
        advisor_profile_update(profile=profile, by=other.user, role_de="Übernommen")
    advisor_profile_update(profile=profile, by=coordinator, is_public=False)
    profile.refresh_from_db()
    assert not profile.is_public


def test_missing_required_lists_are_reported_and_nothing_is_saved(client):
    profile = AdvisorProfileFactory(role_de="Alt")
    client.force_login(profile.user)

    response = client.post(reverse("advisors:my_profile"), {"role_de": "Neu", "languages": []})

    assert response.status_code == 200
    assert {"languages", "formats", "modes"} <= set(response.context["form"].errors)
    assert "Neu" in response.content.decode()
    profile.refresh_from_db()
    assert profile.role_de == "Alt"


def test_weekly_hours_are_replaced_and_shown_in_the_week_view(client):
    profile = AdvisorProfileFactory(windows=[])
    client.force_login(profile.user)
    url = reverse("advisors:my_availability")
    rows = [
        {"weekday": "1", "start": "09:00", "end": "12:00"},
        {"weekday": "3", "start": "14:00", "end": "16:00"},
    ]

    response = client.post(url, {"section": "windows", **formset_data("windows", rows, extra=1)})

    assert response.status_code == 302
    assert [str(w) for w in profile.windows.all()] == [
        "Dienstag 09:00–12:00",
        "Donnerstag 14:00–16:00",
    ]
    next_week = timezone.localdate() + timedelta(days=7)
    page = client.get(url, {"week": next_week.isoformat()})
    tuesday = page.context["days"][1]
    assert [slot.local_start.strftime("%H:%M") for slot in tuesday["slots"]] == [
        "09:00",
        "10:15",
    ]


def test_overlapping_hours_are_refused_with_a_message(client):
    profile = AdvisorProfileFactory()
    client.force_login(profile.user)
    rows = [
        {"weekday": "0", "start": "09:00", "end": "12:00"},
        {"weekday": "0", "start": "11:00", "end": "13:00"},
    ]

    response = client.post(
        reverse("advisors:my_availability"), {"section": "windows", **formset_data("windows", rows)}
    )

    assert response.status_code == 200
    assert "überschneiden" in response.content.decode()
    assert profile.windows.count() == 5  # the factory's hours, unchanged


def test_hours_that_end_before_they_start_are_refused(client):
    profile = AdvisorProfileFactory()
    client.force_login(profile.user)
    rows = [{"weekday": "2", "start": "15:00", "end": "10:00"}]

    response = client.post(
        reverse("advisors:my_availability"), {"section": "windows", **formset_data("windows", rows)}
    )

    assert response.status_code == 200
    assert response.context["windows_formset"].forms[0].errors
    assert 'aria-invalid="true"' in response.content.decode()
    assert profile.windows.count() == 5


def test_the_service_refuses_overlapping_windows_too():
    profile = AdvisorProfileFactory(windows=[])

    with pytest.raises(AdvisorError):
        weekly_windows_replace(
            profile=profile,
            by=profile.user,
            windows=[(0, time(9), time(12)), (0, time(11, 59), time(13))],
        )
    assert not WeeklyWindow.objects.filter(advisor=profile).exists()


def test_absences_and_booking_rules_are_saved(client):
    profile = AdvisorProfileFactory()
    client.force_login(profile.user)
    url = reverse("advisors:my_availability")
    first = timezone.localdate() + timedelta(days=10)

    client.post(
        url,
        {
            "section": "absences",
            **formset_data(
                "absences",
                [
                    {
                        "first_day": first.isoformat(),
                        "last_day": (first + timedelta(days=4)).isoformat(),
                        "note": "Urlaub",
                    }
                ],
            ),
        },
    )
    client.post(
        url,
        {
            "section": "rules",
            "rules-slot_minutes": "45",
            "rules-buffer_minutes": "10",
            "rules-min_notice_hours": "48",
            "rules-horizon_weeks": "6",
            "rules-daily_max": "3",
        },
    )

    profile.refresh_from_db()
    absence = profile.absences.get()
    assert (absence.first_day, absence.last_day, absence.note) == (
        first,
        first + timedelta(days=4),
        "Urlaub",
    )
    assert (profile.slot_minutes, profile.min_notice_hours, profile.daily_max) == (45, 48, 3)


def test_booking_rules_outside_their_limits_are_refused(client):
    profile = AdvisorProfileFactory()
    client.force_login(profile.user)

    response = client.post(
        reverse("advisors:my_availability"),
        {
            "section": "rules",
            "rules-slot_minutes": "5",
            "rules-buffer_minutes": "10",
            "rules-min_notice_hours": "24",
            "rules-horizon_weeks": "0",
            "rules-daily_max": "3",
        },
    )

    assert response.status_code == 200
    assert {"slot_minutes", "horizon_weeks"} <= set(response.context["rules_form"].errors)
    profile.refresh_from_db()
    assert profile.slot_minutes == 60


def test_an_unreadable_week_falls_back_to_this_week(client):
    profile = AdvisorProfileFactory()
    client.force_login(profile.user)

    response = client.get(reverse("advisors:my_availability"), {"week": "nächste-woche"})

    assert response.status_code == 200
    assert response.context["monday"] == response.context["this_week"]
    assert response.context["monday"].weekday() == 0
    assert isinstance(response.context["monday"], date)


# The admin


def test_an_advisor_sees_only_their_own_profile_in_the_admin(client):
    own = AdvisorProfileFactory()
    other = AdvisorProfileFactory()
    client.force_login(own.user)

    listing = client.get(reverse("admin:advisors_advisorprofile_changelist"))

    assert listing.status_code == 200
    assert list(listing.context["cl"].queryset) == [own]
    change_other = reverse("admin:advisors_advisorprofile_change", args=[other.pk])
    assert client.get(change_other).status_code == 302  # the admin's "does not exist" redirect
    assert (
        client.get(reverse("admin:advisors_advisorprofile_change", args=[own.pk])).status_code
        == 200
    )
    assert client.get(reverse("admin:advisors_advisorprofile_add")).status_code == 403


def test_a_coordinator_edits_every_profile_and_publishes_it(client, coordinator):
    profile = AdvisorProfileFactory(is_public=False)
    client.force_login(coordinator)
    url = reverse("admin:advisors_advisorprofile_change", args=[profile.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in {"photo", "topics", "languages", "states"}
    }
    data.update(
        {
            "user": profile.user.pk,
            "is_public": "on",
            "languages": ["de"],
            "states": ["05"],
            "formats": ["fachberatung"],
            "modes": ["video"],
            "windows-TOTAL_FORMS": "0",
            "windows-INITIAL_FORMS": "0",
            "absences-TOTAL_FORMS": "0",
            "absences-INITIAL_FORMS": "0",
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    profile.refresh_from_db()
    assert profile.is_public


def test_coordinators_see_the_matching_ranking_in_the_admin(client, coordinator):
    topic = Topic.objects.get(slug="bestattung")
    AdvisorProfileFactory(user__full_name="Passt Gut", topics=[topic], states=["09"])
    AdvisorProfileFactory(user__full_name="Passt Weniger", states=["01"])
    client.force_login(coordinator)

    response = client.get(
        reverse("admin:advisors_advisorprofile_match"), {"topics": ["bestattung"], "state": "09"}
    )

    assert response.status_code == 200
    assert [m.profile.name for m in response.context["matches"]] == ["Passt Gut", "Passt Weniger"]


def test_advisors_and_officers_do_not_reach_the_admin_ranking(client):
    url = reverse("admin:advisors_advisorprofile_match")
    client.force_login(AdvisorProfileFactory().user)
    assert client.get(url).status_code == 403
    client.force_login(UserFactory(roles=["integration_officer"]))
    assert client.get(url).status_code == 302  # to the admin login: officers are not staff


def test_coordinators_edit_topics(client, coordinator):
    client.force_login(coordinator)

    response = client.post(
        reverse("admin:advisors_topic_add"),
        {
            "slug": "wohnen",
            "name_de": "Wohnen",
            "name_en": "Housing",
            "position": "200",
            "active": "on",
        },
    )

    assert response.status_code == 302
    assert Topic.objects.get(slug="wohnen").name_en == "Housing"


def test_the_empty_rows_of_the_page_are_skipped_when_it_is_saved_unchanged(client):
    profile = AdvisorProfileFactory()
    client.force_login(profile.user)
    url = reverse("advisors:my_availability")
    formset = client.get(url).context["windows_formset"]
    data = {"section": "windows"}
    for form in [formset.management_form, *formset.forms]:
        for field in form:
            value = field.value()
            if value is False:
                continue  # an unticked checkbox is not sent
            if hasattr(value, "strftime"):
                value = value.strftime("%H:%M")
            data[field.html_name] = "" if value is None else value

    response = client.post(url, data)

    assert response.status_code == 302
    assert profile.windows.count() == 5


@pytest.mark.parametrize("url_name", ["advisorprofile", "topic"])
def test_the_admin_lists_cost_the_same_queries_for_3_and_20_profiles(client, coordinator, url_name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(coordinator)
    url = reverse(f"admin:advisors_{url_name}_changelist")
    topics = list(Topic.objects.all()[:3])

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    for _ in range(3):
        AdvisorProfileFactory(topics=topics)
    few = count()
    for _ in range(17):
        AdvisorProfileFactory(topics=topics)

    assert count() == few


def test_a_far_off_week_shows_this_week_instead_of_failing(client):
    client.force_login(AdvisorProfileFactory().user)

    for week in ["9999-12-31", "0001-01-01"]:
        response = client.get(reverse("advisors:my_availability"), {"week": week})
        assert response.status_code == 200
        assert response.context["monday"] == response.context["this_week"]


def admin_form_data(client, url, **changes):
    """What the admin's change form would post back unchanged, with `changes` applied."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form.initial.get(name)
        if name == "photo" or value is None or value is False:
            continue
        if name == "topics":
            value = [topic.pk for topic in value]
        data[name] = value
    data.update(
        {
            "windows-TOTAL_FORMS": "0",
            "windows-INITIAL_FORMS": "0",
            "absences-TOTAL_FORMS": "0",
            "absences-INITIAL_FORMS": "0",
        }
    )
    data.update(changes)
    return data


def test_the_admin_saves_hours_through_the_services_and_refuses_overlaps(client, coordinator):
    profile = AdvisorProfileFactory(windows=[])
    client.force_login(coordinator)
    url = reverse("admin:advisors_advisorprofile_change", args=[profile.pk])

    overlapping = admin_form_data(
        client,
        url,
        **{
            "windows-TOTAL_FORMS": "2",
            "windows-0-weekday": "0",
            "windows-0-start": "09:00",
            "windows-0-end": "12:00",
            "windows-1-weekday": "0",
            "windows-1-start": "11:00",
            "windows-1-end": "13:00",
        },
    )
    assert client.post(url, overlapping).status_code == 200
    assert not profile.windows.exists()

    without_weekday = dict(overlapping, **{"windows-1-weekday": ""})
    assert client.post(url, without_weekday).status_code == 200  # a message, not a 500

    fine = dict(overlapping, **{"windows-1-weekday": "2"})
    assert client.post(url, fine).status_code == 302
    assert [str(w) for w in profile.windows.all()] == ["Montag 09:00–12:00", "Mittwoch 11:00–13:00"]


def test_a_coordinator_creates_a_profile_in_the_admin(client, coordinator):
    advisor = UserFactory(full_name="Neu Beraterin", roles=["advisor"])
    client.force_login(coordinator)

    response = client.post(
        reverse("admin:advisors_advisorprofile_add"),
        {
            "user": advisor.pk,
            "slug": "neu-beraterin",
            "max_open_cases": "4",
            "languages": ["de"],
            "formats": ["fachberatung"],
            "modes": ["video"],
            "slot_minutes": "60",
            "buffer_minutes": "15",
            "min_notice_hours": "24",
            "horizon_weeks": "8",
            "daily_max": "4",
            "windows-TOTAL_FORMS": "0",
            "windows-INITIAL_FORMS": "0",
            "absences-TOTAL_FORMS": "0",
            "absences-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    profile = AdvisorProfile.objects.get(user=advisor)
    assert (profile.slug, profile.max_open_cases, profile.is_public) == ("neu-beraterin", 4, False)


def test_saving_keeps_topics_that_were_deactivated(client):
    old = Topic.objects.create(slug="alt", name_de="Altes Thema", name_en="Old topic", active=False)
    dialog = Topic.objects.get(slug="dialog")
    profile = AdvisorProfileFactory(topics=[old])

    advisor_profile_update(profile=profile, by=profile.user, topics=[dialog])

    assert set(profile.topics.all()) == {old, dialog}
