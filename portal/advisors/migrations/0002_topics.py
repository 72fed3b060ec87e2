"""The concerns municipalities bring most often (DOMAIN.md), as the first topics.

Coordinators add, rename and deactivate topics in the admin afterwards; running this again
changes nothing that exists.
"""

from django.db import migrations

TOPICS = [
    ("moscheebau", "Moscheebau und Nutzung von Räumen", "Mosque construction and use of premises"),
    ("bestattung", "Muslimische Bestattungen und Grabfelder", "Muslim burials and burial grounds"),
    (
        "feiertage",
        "Religiöse Feiertage in Schule und Beruf",
        "Religious holidays at school and at work",
    ),
    ("verpflegung", "Essen in Kantinen und Mensen", "Food in canteens"),
    (
        "antimuslimischer-rassismus",
        "Antimuslimischer Rassismus und Diskriminierung",
        "Anti-Muslim racism and discrimination",
    ),
    (
        "dialog",
        "Dialogformate mit Moscheegemeinden",
        "Dialogue formats with mosque communities",
    ),
    (
        "kooperation-verbaende",
        "Zusammenarbeit mit muslimischen und alevitischen Verbänden",
        "Cooperation with Muslim and Alevite associations",
    ),
    ("extremismuspraevention", "Extremismusprävention", "Prevention of extremism"),
    (
        "jugendarbeit",
        "Jugendarbeit und Anerkennung als Träger der Jugendhilfe",
        "Youth work and recognition as a youth-welfare provider",
    ),
    ("frauen-empowerment", "Empowerment von Frauen", "Women's empowerment"),
    ("arbeitsmarkt", "Integration in den Arbeitsmarkt", "Labour-market integration"),
    ("fluechtlingssozialarbeit", "Flüchtlingssozialarbeit", "Refugee social work"),
    (
        "interkulturelle-oeffnung",
        "Engagement und interkulturelle Öffnung von Vereinen",
        "Civic engagement and intercultural opening of clubs",
    ),
    ("konfliktkommunikation", "Konfliktkommunikation", "Conflict communication"),
]


def create_topics(apps, schema_editor):
    Topic = apps.get_model("advisors", "Topic")
    for position, (slug, name_de, name_en) in enumerate(TOPICS, start=1):
        Topic.objects.get_or_create(
            slug=slug, defaults={"name_de": name_de, "name_en": name_en, "position": position * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("advisors", "0001_initial")]

    operations = [migrations.RunPython(create_topics, migrations.RunPython.noop)]
