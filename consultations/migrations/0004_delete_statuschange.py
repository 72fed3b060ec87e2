"""The workflow's history lives in the kernel's audit trail now (0003 copied it there)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0003_statuschange_to_audit"),
    ]

    operations = [migrations.DeleteModel(name="StatusChange")]
