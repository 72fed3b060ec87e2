"""Issue 14.12: the outbox in the admin names each email's kind in words, not by its code."""

import pytest
from django.urls import reverse

from portal.accounts.emails import MEMBERSHIP_DIGEST
from portal.notifications.kinds import kind_label
from portal.notifications.services import notify


@pytest.mark.django_db
def test_the_outbox_shows_labels_instead_of_kind_codes(client, coordinator, settings):
    settings.LANGUAGE_CODE = "en"
    notify(kind=MEMBERSHIP_DIGEST, key="test:digest", user=coordinator, context={})
    superuser = coordinator.__class__.objects.create_superuser(
        email="admin@example.org", password="x"
    )
    client.force_login(superuser)
    client.cookies["django_language"] = "en"

    content = client.get(reverse("admin:notifications_notification_changelist")).content.decode()

    assert '<td class="field-kind_shown">Daily list of memberships to confirm</td>' in content
    # The filter offers the label too.
    assert ">Daily list of memberships to confirm</a>" in content


def test_every_kind_of_the_portal_has_a_label():
    from portal.notifications.kinds import all_kinds

    for kind in all_kinds():
        if kind.name.startswith("test_"):
            continue  # registered by tests/notifications/conftest.py
        assert str(kind_label(kind.name)) != kind.name, kind.name
