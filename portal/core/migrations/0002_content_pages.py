"""The pages the footer links to, with a first text that coordinators edit later."""

from django.db import migrations

PAGES = [
    {
        "slug": "impressum",
        "title_de": "Impressum",
        "title_en": "Legal notice",
        "body_de": (
            "## Anbieter\n\n"
            "Dieses Portal wird von der Koordinationsstelle des Beratungsprogramms betrieben. "
            "Name, Anschrift, Vertretungsberechtigte und Kontakt der betreibenden Stelle "
            "werden von der Koordination in der Verwaltung dieser Seite gepflegt.\n\n"
            "## Kontakt\n\n"
            "Fragen zum Portal und zu den Angeboten beantwortet die Koordination per E-Mail "
            "über die Adresse, die in den Bestätigungsmails des Portals angegeben ist.\n\n"
            "## Quellen\n\n"
            "Gemeindeverzeichnis: © Statistisches Bundesamt (Destatis), Datenlizenz "
            "Deutschland – Namensnennung 2.0."
        ),
        "body_en": (
            "## Provider\n\n"
            "This portal is run by the coordination office of the advisory programme. The "
            "name, address, legal representatives and contact of the operating body are kept "
            "up to date by the coordination team in the administration of this page.\n\n"
            "## Contact\n\n"
            "Questions about the portal and its offers are answered by the coordination team "
            "at the address given in the portal's confirmation emails.\n\n"
            "## Sources\n\n"
            "Municipality register: © Statistisches Bundesamt (Destatis), Data licence "
            "Germany – attribution – version 2.0."
        ),
    },
    {
        "slug": "datenschutz",
        "title_de": "Datenschutz",
        "title_en": "Privacy",
        "body_de": (
            "## Welche Daten wir verarbeiten\n\n"
            "Für ein Konto speichern wir Ihren Namen, Ihre E-Mail-Adresse, optional Ihre "
            "Telefonnummer, Ihre bevorzugte Sprache und die Kommune oder Organisation, für "
            "die Sie tätig sind. Anfragen, Anmeldungen und Nachrichten speichern wir, um "
            "Sie zu beraten und unsere Angebote zu organisieren (Art. 6 Abs. 1 lit. b und e "
            "DSGVO).\n\n"
            "## Wer die Daten sieht\n\n"
            "Ihre Anfragen sehen nur Sie, verifizierte Kolleginnen und Kollegen derselben "
            "Kommune, die zuständigen Beraterinnen und Berater und die Koordination. Andere "
            "Kommunen sehen sie nie.\n\n"
            "## Keine Dritten\n\n"
            "Das Portal lädt keine Schriften, Skripte oder Bilder von fremden Servern und "
            "setzt nur technisch notwendige Cookies (Anmeldung, Sprache, Schutz vor "
            "gefälschten Formularen).\n\n"
            "## Ihre Rechte\n\n"
            "Sie haben das Recht auf Auskunft, Berichtigung, Löschung, Einschränkung der "
            "Verarbeitung, Datenübertragbarkeit und Beschwerde bei einer "
            "Datenschutzaufsichtsbehörde. Wenden Sie sich dazu an die Koordination."
        ),
        "body_en": (
            "## What we process\n\n"
            "For an account we store your name, your email address, optionally your phone "
            "number, your preferred language and the municipality or organisation you work "
            "for. We store requests, registrations and messages in order to advise you and "
            "to organise our offers (Art. 6(1)(b) and (e) GDPR).\n\n"
            "## Who sees it\n\n"
            "Your requests are seen only by you, verified colleagues of the same "
            "municipality, the advisors responsible and the coordination team. Other "
            "municipalities never see them.\n\n"
            "## No third parties\n\n"
            "The portal loads no fonts, scripts or images from other servers and sets only "
            "the cookies it needs to work (sign-in, language, protection against forged "
            "forms).\n\n"
            "## Your rights\n\n"
            "You have the right of access, rectification, erasure, restriction of "
            "processing, data portability and to lodge a complaint with a supervisory "
            "authority. Please contact the coordination team."
        ),
    },
    {
        "slug": "barrierefreiheit",
        "title_de": "Erklärung zur Barrierefreiheit",
        "title_en": "Accessibility statement",
        "body_de": (
            "## Stand der Vereinbarkeit\n\n"
            "Das Portal soll die Anforderungen der BITV 2.0 und der WCAG 2.1 auf Stufe AA "
            "erfüllen. Jede Seite wird beim Entwickeln automatisch mit axe-core geprüft, in "
            "schmalen und breiten Fenstern angesehen und lässt sich vollständig mit der "
            "Tastatur bedienen.\n\n"
            "## Barrieren melden\n\n"
            "Wenn Ihnen eine Barriere auffällt, schreiben Sie bitte der Koordination. Wir "
            "antworten innerhalb von zwei Wochen und beheben den Mangel so bald wie möglich.\n\n"
            "## Schlichtungsverfahren\n\n"
            "Bleibt Ihre Meldung ohne zufriedenstellende Antwort, können Sie sich an die "
            "Schlichtungsstelle nach § 16 BGG wenden."
        ),
        "body_en": (
            "## Compliance\n\n"
            "The portal aims to meet BITV 2.0 and WCAG 2.1 level AA. Every page is checked "
            "with axe-core during development, viewed in narrow and wide windows and can be "
            "used entirely with the keyboard.\n\n"
            "## Reporting barriers\n\n"
            "If you come across a barrier, please write to the coordination team. We answer "
            "within two weeks and remove the problem as soon as we can.\n\n"
            "## Conciliation\n\n"
            "If your report does not receive a satisfactory answer, you can turn to the "
            "conciliation body under § 16 BGG (German Disability Equality Act)."
        ),
    },
]


def create_pages(apps, schema_editor):
    Page = apps.get_model("core", "Page")
    for page in PAGES:
        Page.objects.get_or_create(slug=page["slug"], defaults=page)


def remove_pages(apps, schema_editor):
    apps.get_model("core", "Page").objects.filter(slug__in=[p["slug"] for p in PAGES]).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create_pages, remove_pages)]
