"""No two scheduled appointments of one advisor may overlap (PostgreSQL only).

An exclusion constraint over the advisor and the time range is the last line of defence
behind the booking service's own check: two bookings racing for one slot cannot both
commit. It is not part of the model's Meta because SQLite has no such constraint; there
the embedded default relies on its serialised writers (transaction_mode IMMEDIATE) and the
service's check inside the write transaction.
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

CONSTRAINT = "appointment_no_overlap"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE consultations_appointment ADD CONSTRAINT {CONSTRAINT} "
        "EXCLUDE USING gist (advisor_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
        "WHERE (status = 'scheduled')"
    )


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE consultations_appointment DROP CONSTRAINT IF EXISTS {CONSTRAINT}"
    )


class Migration(migrations.Migration):
    dependencies = [("consultations", "0001_initial")]

    operations = [
        BtreeGistExtension(),
        migrations.RunPython(add_constraint, drop_constraint),
    ]
