"""The legal notice's first text pointed to details "kept in the administration"; the
provider now comes from the settings and stands above the text. A text a coordinator has
already changed is left as it is."""

from django.db import migrations

FIRST = {
    "body_de": "## Anbieter\n\nDieses Portal wird von der Koordinationsstelle",
    "body_en": "## Provider\n\nThis portal is run by the coordination office",
}
NOW = {
    "body_de": (
        "## Kontakt\n\n"
        "Fragen zum Portal und zu den Angeboten beantwortet die oben genannte Stelle per "
        "E-Mail oder Telefon.\n\n"
        "## Verantwortlich für den Inhalt\n\n"
        "Die oben genannte vertretungsberechtigte Person.\n\n"
        "## Quellen\n\n"
        "Gemeindeverzeichnis: © Statistisches Bundesamt (Destatis), Datenlizenz "
        "Deutschland – Namensnennung 2.0."
    ),
    "body_en": (
        "## Contact\n\n"
        "Questions about the portal and its offers are answered by the body named above, by "
        "email or phone.\n\n"
        "## Responsible for the content\n\n"
        "The representative named above.\n\n"
        "## Sources\n\n"
        "Municipality register: © Statistisches Bundesamt (Destatis), Data licence "
        "Germany – attribution – version 2.0."
    ),
}


def forwards(apps, schema_editor):
    Page = apps.get_model("core", "Page")
    page = Page.objects.filter(slug="impressum").first()
    if page is None:
        return
    changed = []
    for field, start in FIRST.items():
        if getattr(page, field).startswith(start):
            setattr(page, field, NOW[field])
            changed.append(field)
    if changed:
        page.save(update_fields=changed)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_audit_trail")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
