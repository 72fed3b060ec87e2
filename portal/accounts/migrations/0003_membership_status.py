"""Memberships get a status (pending, verified, rejected) in place of the `verified` flag, so a
rejected request can stay as a record instead of being deleted; the custom permissions of
coordinators' admin actions."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def status_from_flag(apps, schema_editor):
    Membership = apps.get_model("accounts", "Membership")
    Membership.objects.filter(verified=True).update(status="verified")


def flag_from_status(apps, schema_editor):
    Membership = apps.get_model("accounts", "Membership")
    # A rejected request did not exist before: the row goes, as a rejection did then.
    Membership.objects.filter(status="rejected").delete()
    Membership.objects.filter(status="verified").update(verified=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="membership",
            options={
                "ordering": ["-created_at"],
                "permissions": [("decide_membership", "Can verify and reject memberships")],
                "verbose_name": "membership",
                "verbose_name_plural": "memberships",
            },
        ),
        migrations.AlterModelOptions(
            name="user",
            options={
                "ordering": ["full_name", "email"],
                "permissions": [("grant_officer_role", "Can give the integration officer role")],
                "verbose_name": "user",
                "verbose_name_plural": "users",
            },
        ),
        migrations.AddField(
            model_name="membership",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "waiting for confirmation"),
                    ("verified", "confirmed"),
                    ("rejected", "rejected"),
                ],
                db_index=True,
                default="pending",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.AddField(
            model_name="membership",
            name="rejected_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="rejected at"),
        ),
        migrations.AddField(
            model_name="membership",
            name="rejected_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="rejected by",
            ),
        ),
        migrations.RunPython(status_from_flag, flag_from_status),
        migrations.RemoveConstraint(
            model_name="membership",
            name="membership_unique_user_municipality",
        ),
        migrations.RemoveConstraint(
            model_name="membership",
            name="membership_unique_user_organisation",
        ),
        migrations.RemoveField(
            model_name="membership",
            name="verified",
        ),
        migrations.AddConstraint(
            model_name="membership",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["pending", "verified", "rejected"])),
                name="membership_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="membership",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    ("municipality__isnull", False),
                    models.Q(("status", "rejected"), _negated=True),
                ),
                fields=("user", "municipality"),
                name="membership_unique_user_municipality",
            ),
        ),
        migrations.AddConstraint(
            model_name="membership",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    ("organisation__isnull", False),
                    models.Q(("status", "rejected"), _negated=True),
                ),
                fields=("user", "organisation"),
                name="membership_unique_user_organisation",
            ),
        ),
    ]
