"""Every change to a profile, its hours, absences and the topics leaves an audit entry, and the
admin writes only through the services: a refusal there rolls back the whole save."""

from datetime import time, timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.advisors.errors import AdvisorError
from portal.advisors.models import Topic
from portal.advisors.services import (
    absences_replace,
    advisor_profile_update,
    booking_rules_update,
    topic_update,
    weekly_windows_replace,
)
from portal.core.errors import DomainError
from portal.core.models import AuditEntry
from tests.advisors.test_advisor_pages import admin_form_data
from tests.factories import AdvisorProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def actions(target):
    return [entry.action for entry in AuditEntry.objects.for_object(target).order_by("pk")]


def test_publishing_and_hiding_are_entries_of_their_own(coordinator):
    profile = AdvisorProfileFactory(is_public=False)

    advisor_profile_update(profile=profile, by=coordinator, is_public=True, role_de="Beraterin")
    advisor_profile_update(profile=profile, by=coordinator, is_public=True, role_de="Beraterin")
    advisor_profile_update(profile=profile, by=coordinator, is_public=False)

    assert actions(profile) == [
        "advisor_profile.publish",
        "advisor_profile.update",
        "advisor_profile.hide",
    ]
    update = AuditEntry.objects.for_object(profile).get(action="advisor_profile.update")
    assert (update.actor, update.details) == (coordinator, {"fields": ["role_de"]})


def test_hours_absences_and_booking_rules_are_recorded_when_they_change():
    profile = AdvisorProfileFactory(windows=[])
    advisor = profile.user
    windows = [(0, time(9), time(12)), (2, time(13), time(17))]

    weekly_windows_replace(profile=profile, by=advisor, windows=windows)
    weekly_windows_replace(profile=profile, by=advisor, windows=list(reversed(windows)))
    first, last = (
        timezone.localdate() + timedelta(days=30),
        timezone.localdate() + timedelta(days=43),
    )
    absences_replace(profile=profile, by=advisor, absences=[(first, last, "Urlaub")])
    booking_rules_update(profile=profile, by=advisor, slot_minutes=45, daily_max=4)

    assert actions(profile) == [
        "advisor_profile.weekly_hours",
        "advisor_profile.absences",
        "advisor_profile.booking_rules",
    ]
    entries = {e.action: e for e in AuditEntry.objects.for_object(profile)}
    assert entries["advisor_profile.weekly_hours"].details == {
        "windows": [[0, "09:00", "12:00"], [2, "13:00", "17:00"]]
    }
    # The days, not the private note.
    assert entries["advisor_profile.absences"].details == {
        "absences": [[first.isoformat(), last.isoformat()]]
    }
    assert entries["advisor_profile.booking_rules"].details == {"slot_minutes": 45}
    assert {entry.actor for entry in entries.values()} == {advisor}


def test_a_new_profile_is_recorded_with_who_caused_it(client):
    advisor = UserFactory(roles=["advisor"])
    client.force_login(advisor)

    client.get(reverse("advisors:my_profile"))

    entry = AuditEntry.objects.get(action="advisor_profile.create")
    assert entry.actor == advisor


def test_advisor_errors_are_domain_errors():
    profile = AdvisorProfileFactory()
    other = AdvisorProfileFactory()

    with pytest.raises(DomainError):
        advisor_profile_update(profile=profile, by=other.user, role_de="Übernommen")


def test_a_refusal_in_the_admin_rolls_back_the_whole_save_with_a_message(client, coordinator):
    profile = AdvisorProfileFactory(windows=[], is_public=False, role_de="Vorher")
    client.force_login(coordinator)
    url = reverse("admin:advisors_advisorprofile_change", args=[profile.pk])
    holiday = timezone.localdate() + timedelta(days=30)
    data = admin_form_data(
        client,
        url,
        role_de="Nachher",
        is_public="on",
        **{
            "windows-TOTAL_FORMS": "1",
            "windows-0-weekday": "0",
            "windows-0-start": "09:00",
            "windows-0-end": "12:00",
            "absences-TOTAL_FORMS": "1",
            "absences-0-first_day": holiday.isoformat(),
            "absences-0-last_day": (holiday + timedelta(days=13)).isoformat(),
            "absences-0-note": "Urlaub",
        },
    )
    refusal = AdvisorError("Diese Abwesenheit überschneidet sich mit Terminen.")

    with mock.patch("portal.advisors.admin.absences_replace", side_effect=refusal):
        response = client.post(url, data, follow=True)

    # The form comes back with what was typed and the reason, not "changed successfully".
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "Diese Abwesenheit überschneidet sich mit Terminen."
    ]
    assert 'value="Nachher"' in response.content.decode()
    assert not [m for m in response.context["messages"] if m.level_tag == "success"]
    profile.refresh_from_db()
    assert (profile.role_de, profile.is_public) == ("Vorher", False)
    assert not profile.windows.exists()
    assert not profile.absences.exists()
    assert not AuditEntry.objects.for_object(profile).exists()

    response = client.post(url, data)  # without the refusal the same save goes through
    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.role_de, profile.is_public) == ("Nachher", True)
    assert profile.windows.count() == profile.absences.count() == 1
    assert set(actions(profile)) == {
        "advisor_profile.publish",
        "advisor_profile.update",
        "advisor_profile.weekly_hours",
        "advisor_profile.absences",
    }


def test_topics_change_through_the_services_also_in_the_list(client, coordinator):
    topic = Topic.objects.get(slug="dialog")
    client.force_login(coordinator)
    changelist = reverse("admin:advisors_topic_changelist")
    rows = list(Topic.objects.order_by("position", "name_de"))
    data = {
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": str(len(rows)),
        "_save": "Save",
    }
    for index, row in enumerate(rows):
        data[f"form-{index}-id"] = row.pk
        data[f"form-{index}-position"] = row.position
        if row.active and row != topic:
            data[f"form-{index}-active"] = "on"

    response = client.post(changelist, data)

    assert response.status_code == 302
    topic.refresh_from_db()
    assert not topic.active
    (entry,) = AuditEntry.objects.filter(action="topic.update")
    assert (entry.actor, entry.target, entry.details) == (coordinator, topic, {"active": False})


def test_only_coordinators_change_topics():
    with pytest.raises(AdvisorError):
        topic_update(
            topic=Topic.objects.get(slug="dialog"), by=UserFactory(roles=["advisor"]), active=False
        )
