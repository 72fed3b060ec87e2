"""Demo programme, courses, registrations and attendance for `manage.py seed_demo`.

Runs after the demo people (portal.accounts.demo). One published programme with four
competence modules and ten published courses in several federal states and formats. Their
dates lie relative to the day of seeding: one course was held some weeks ago, the others are
still ahead. Registrations for upcoming courses go through the services, as the portal's pages
would make them (waitlists, outbox rows and all); the past course's registrations and
attendance are written directly, as they stood after the course, and some of its participants
have already downloaded their certificate.

The demo officer of Köln holds a seat in an upcoming series, waits in a full course and
attended the past one on every date, so she can download a certificate of attendance. The
three-date workshop in Köln (journey 3) keeps five of its 25 seats free for the reviewer.

Every text is invented. Running it again creates nothing: a course that exists (by its slug)
is left as it is, with its dates and registrations.
"""

from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.demo import DEMO_PASSWORD, DOMAIN, OFFICERS, person
from portal.accounts.models import FederalState, Membership, Municipality, User
from portal.accounts.roles import COORDINATOR, INTEGRATION_OFFICER
from portal.accounts.services import membership_request, membership_verify
from portal.advisors.availability import local_instant
from portal.advisors.models import Topic
from trainings.models import (
    Attendance,
    CompletionRule,
    Course,
    CourseDate,
    CourseFormat,
    Module,
    Programme,
    Question,
    Registration,
    RegistrationStatus,
)
from trainings.services import (
    certificate_for_registration,
    registration_cancel,
    registration_create,
)

KOELN = OFFICERS[0][0]  # the demo officer login

PROGRAMME = {
    "slug": "qualifizierungsreihe-kommunale-integrationsarbeit",
    "title": "Qualifizierungsreihe Kommunale Integrationsarbeit",
    "summary": (
        "Vier Kompetenzbausteine für Integrationsbeauftragte und andere kommunale "
        "Verantwortliche: vom Handwerkszeug der Integrationsarbeit über muslimisches Leben vor "
        "Ort bis zu Gesprächen, in denen es hoch hergeht. Wer alle vier Bausteine "
        "abgeschlossen hat, erhält ein Zertifikat über die gesamte Reihe."
    ),
}

# (position, title, summary)
MODULES = [
    (
        1,
        "Grundlagen kommunaler Integrationsarbeit",
        "Aufgaben, Rolle und Spielräume der Integrationsbeauftragten; Netzwerke in Verwaltung "
        "und Stadtgesellschaft aufbauen.",
    ),
    (
        2,
        "Muslimisches Leben in der Kommune",
        "Vielfalt muslimischer und alevitischer Gemeinschaften kennen und Anliegen wie "
        "Gebetsräume, Feiertage oder Bestattungen sicher begleiten.",
    ),
    (
        3,
        "Empowerment von Frauen",
        "Angebote so gestalten, dass Frauen mit Einwanderungsgeschichte sie erreichen und "
        "selbst mitgestalten.",
    ),
    (
        4,
        "Kommunikation in Konfliktsituationen",
        "Aufgeheizte Bürgerversammlungen, Beschwerden, Anfeindungen: Gespräche führen, "
        "moderieren und deeskalieren.",
    ),
]

# Officers who take part in the demo courses besides those of portal.accounts.demo.
# (email, name, AGS of the municipality, role there)
PARTICIPANTS = [
    ("integration@stuttgart." + DOMAIN, "Nadine Roth", "08111000", "Integrationsbeauftragte"),
    ("integration@dortmund." + DOMAIN, "Stefan Kowalski", "05913000", "Sachgebiet Integration"),
    ("integration@frankfurt." + DOMAIN, "Rania Saleh", "06412000", "Referentin für Vielfalt"),
    ("integration@hannover." + DOMAIN, "Henrik Vogt", "03241001", "Integrationsbeauftragter"),
    ("integration@dresden." + DOMAIN, "Robert Schulz", "14612000", "Integrationsbeauftragter"),
    ("integration@mainz." + DOMAIN, "Christian Weber", "07315000", "Leiter Integrationsbüro"),
    ("integration@essen." + DOMAIN, "Leyla Rahimi", "05113000", "Kommunales Integrationszentrum"),
    ("integration@augsburg." + DOMAIN, "Michael Huber", "09761000", "Integrationsbeauftragter"),
    ("integration@berlin." + DOMAIN, "Derya Şahin", "11000000", "Referentin für Partizipation"),
    ("integration@halle." + DOMAIN, "Ines Friedrich", "15002000", "Integrationsbeauftragte"),
    ("integration@freiburg." + DOMAIN, "Benedikt Maier", "08311000", "Büro für Migration"),
    ("integration@bielefeld." + DOMAIN, "Hüseyin Çelik", "05711000", "Integrationsbeauftragter"),
    ("integration@wiesbaden." + DOMAIN, "Gülay Öztürk", "06414000", "Integrationsbeauftragte"),
    ("integration@braunschweig." + DOMAIN, "Sandra Kühn", "03101000", "Integrationsbeauftragte"),
    ("integration@jena." + DOMAIN, "Katrin Seidel", "16053000", "Integrationsbeauftragte"),
    ("integration@hamburg." + DOMAIN, "Ole Jansen", "02000000", "Referent Integration"),
    ("integration@heidelberg." + DOMAIN, "Aylin Demir", "08221000", "Amt für Chancengleichheit"),
    ("integration@bonn." + DOMAIN, "Claudia Neumann", "05314000", "Integrationsbeauftragte"),
    ("integration@muenchen." + DOMAIN, "Lena Baumann", "09162000", "Stelle für Integration"),
    ("integration@magdeburg." + DOMAIN, "Amir Nasser", "15003000", "Integrationsbeauftragter"),
    ("integration@ludwigshafen." + DOMAIN, "Esra Yılmaz", "07314000", "Integrationsbeauftragte"),
    ("integration@duisburg." + DOMAIN, "Markus Becker", "05112000", "Integrationsbeauftragter"),
    ("integration@offenbach." + DOMAIN, "Peter Zimmermann", "06413000", "Integrationsbüro"),
    ("integration@rostock." + DOMAIN, "Jan Thomsen", "13003000", "Integrationsbeauftragter"),
    ("integration@muenster." + DOMAIN, "Anna Lindner", "05515000", "Integrationsbeauftragte"),
    ("integration@saarbruecken." + DOMAIN, "Birgit Klein", "10041100", "Zuwanderungsbüro"),
    (
        "integration@rhein-sieg-kreis." + DOMAIN,
        "Monika Fischer",
        "05382000",
        "Koordinatorin Integration",
    ),
    ("integration@kreis-offenbach." + DOMAIN, "Tarek Mansour", "06438000", "Integrationsbüro"),
]

# Registration questions a course may ask, by key: (label, kind, choices, required).
QUESTIONS = {
    "access": ("Barrierefreiheit: Was brauchen Sie?", Question.Kind.TEXT, "", False),
    "food": (
        "Verpflegung",
        Question.Kind.CHOICE,
        "vegetarisch\nvegan\nhalal\nkeine besonderen Wünsche",
        True,
    ),
    "visit": (
        "Nehmen Sie am Besuch einer Moscheegemeinde am zweiten Tag teil?",
        Question.Kind.YES_NO,
        "",
        False,
    ),
    "childcare": (
        "Brauchen Sie während der Veranstaltung eine Kinderbetreuung?",
        Question.Kind.YES_NO,
        "",
        False,
    ),
}
ACCESS_NEEDS = {
    3: "Stufenloser Zugang, ich nutze einen Rollstuhl.",
    8: "Bitte die Unterlagen vorab digital, ich arbeite mit einem Screenreader.",
    13: "Eine Induktionsschleife wäre hilfreich.",
}


def _video(slug: str, number: int) -> str:
    return f"https://video.example/kv-{slug}-{number}"


# Places the courses are held, by key: (venue, address, town, federal state).
PLACES = {
    "stuttgart": (
        "Haus der Wirtschaft, Konferenzebene",
        "Willi-Bleicher-Straße 19",
        "Stuttgart",
        FederalState.BADEN_WUERTTEMBERG,
    ),
    "koeln": (
        "Bürgerzentrum Ehrenfeld, Saal 2",
        "Venloer Straße 429",
        "Köln",
        FederalState.NORDRHEIN_WESTFALEN,
    ),
    "leipzig": (
        "Volkshochschule Leipzig, Raum 108",
        "Löhrstraße 3–7",
        "Leipzig",
        FederalState.SACHSEN,
    ),
    "hannover": (
        "Neues Rathaus, Mosaiksaal",
        "Trammplatz 2",
        "Hannover",
        FederalState.NIEDERSACHSEN,
    ),
    "berlin": (
        "Werkstatt der Kulturen, Seminarraum",
        "Wissmannstraße 32",
        "Berlin",
        FederalState.BERLIN,
    ),
    "mainz": (
        "Haus des Erinnerns, Seminarraum",
        "Flachsmarktstraße 36",
        "Mainz",
        FederalState.RHEINLAND_PFALZ,
    ),
    "kassel": ("Kulturzentrum Schlachthof", "Mombachstraße 10–12", "Kassel", FederalState.HESSEN),
    "erfurt": (
        "Rathaus Erfurt, Festsaal",
        "Fischmarkt 1",
        "Erfurt",
        FederalState.THUERINGEN,
    ),
    "nuernberg": (
        "Südpunkt, Bildungszentrum",
        "Pillenreuther Straße 147",
        "Nürnberg",
        FederalState.BAYERN,
    ),
}

# The courses. `dates`: (days after the previous date, or after today for the first; starts;
# ends; place key or None for online; seats). A date on a weekend or a holiday moves to the
# next working day.
# `fill`: how many demo officers register, for the series or for each date in turn; the
# services confirm them while seats are free and wait-list the rest. `koeln`: what the demo
# officer has in the course, and after how many others she registers. `cancel`: (offer,
# index) of a confirmed registration that is cancelled again, so that the first on the
# waitlist moves up. `past`: the course was held; `fill` people attended.
COURSES = [
    {
        "slug": "grundlagen-integrationsarbeit-stuttgart",
        "title": "Grundlagen kommunaler Integrationsarbeit",
        "summary": (
            "Zwei Tage zum Handwerkszeug der Integrationsarbeit: Rolle, Rechtsrahmen, "
            "Netzwerke und die eigene Strategie für die Kommune."
        ),
        "description": (
            "Integrationsbeauftragte arbeiten oft allein und an vielen Fronten zugleich: "
            "Verwaltung, Politik, Vereine, Zugewanderte und Nachbarschaft erwarten Antworten. "
            "Der Auftaktbaustein der Qualifizierungsreihe ordnet diese Aufgaben. Wir klären, "
            "was die Stelle leisten kann und was nicht, welche Gesetze und Förderprogramme den "
            "Rahmen setzen und wie man Verbündete in der eigenen Verwaltung gewinnt.\n\n"
            "Am zweiten Tag entwickeln die Teilnehmenden in kleinen Gruppen eine Skizze für "
            "ihre eigene Kommune und stellen sie zur Diskussion. Wissenschaftliche Impulse "
            "wechseln sich mit Berichten aus der Praxis ab."
        ),
        "goals": [
            "die eigene Rolle und ihre Grenzen beschreiben",
            "den rechtlichen Rahmen kommunaler Integrationsarbeit kennen",
            "ein Netzwerk aus Verwaltung, Vereinen und Gemeinden planen",
            "eine erste Integrationsstrategie für die eigene Kommune skizzieren",
        ],
        "target_group": "Integrationsbeauftragte in den ersten Jahren im Amt",
        "format": CourseFormat.IN_PERSON,
        "topics": ["interkulturelle-oeffnung", "kooperation-verbaende"],
        "module": 1,
        "is_series": True,
        "dates": [
            (-40, "09:30", "16:30", "stuttgart", 30),
            (1, "09:00", "15:00", "stuttgart", 30),
        ],
        "past": True,
        "fill": [17],
        "koeln": ("attended", 4),
    },
    {
        "slug": "werkstatt-muslimisches-leben-koeln",
        "title": "Werkstatt Muslimisches Leben in der Kommune",
        "summary": (
            "Drei Werkstatttage in Köln: muslimische und alevitische Gemeinschaften vor Ort "
            "kennenlernen und typische Anliegen an die Verwaltung gemeinsam durchspielen."
        ),
        "description": (
            "Gebetsraum im Gewerbegebiet, Grabfeld auf dem städtischen Friedhof, Beurlaubung "
            "zum Opferfest: Anliegen muslimischer Einwohnerinnen und Einwohner landen oft ohne "
            "Vorwarnung auf dem Schreibtisch. Die Werkstatt vermittelt an drei Terminen "
            "Wissen über die Vielfalt muslimischen und alevitischen Lebens in Deutschland und "
            "übt an Fällen aus Kommunen, wie Verwaltung und Gemeinden zu tragfähigen Lösungen "
            "kommen.\n\n"
            "Am zweiten Tag besuchen wir eine Kölner Moscheegemeinde und sprechen mit dem "
            "Vorstand über Zusammenarbeit mit der Stadt. Die Anmeldung gilt für alle drei "
            "Termine."
        ),
        "goals": [
            "Strömungen und Verbände muslimischen und alevitischen Lebens unterscheiden",
            "typische Anliegen wie Gebetsräume, Feiertage und Bestattungen einordnen",
            "Ansprechpersonen in Gemeinden finden und ein erstes Gespräch vorbereiten",
            "Lösungen anderer Kommunen auf die eigene übertragen",
        ],
        "target_group": (
            "Integrationsbeauftragte, Beschäftigte aus Ordnungs-, Schul- und Friedhofsämtern"
        ),
        "format": CourseFormat.IN_PERSON,
        "topics": ["dialog", "moscheebau", "feiertage"],
        "module": 2,
        "is_series": True,
        "deadline_days": 7,
        "questions": ["access", "food", "visit"],
        "dates": [
            (21, "09:30", "16:00", "koeln", 25),
            (7, "09:30", "16:00", "koeln", 25),
            (7, "09:30", "13:00", "koeln", 25),
        ],
        "fill": [20],
    },
    {
        "slug": "empowerment-von-frauen-leipzig",
        "title": "Empowerment von Frauen: Angebote, die ankommen",
        "summary": (
            "Wie erreichen Beratung, Sprachkurse und Treffpunkte Frauen mit "
            "Einwanderungsgeschichte? Zwei Tage mit Praxisbeispielen in Leipzig."
        ),
        "description": (
            "Viele kommunale Angebote werden von Frauen mit Einwanderungsgeschichte kaum "
            "genutzt, weil Uhrzeit, Ort, Kinderbetreuung oder Sprache nicht passen. Der "
            "Baustein zeigt, wie Angebote mit den Frauen statt für sie entwickelt werden. "
            "Wir betrachten Beispiele aus Gemeinschaftsunterkünften, Stadtteilzentren und "
            "Migrantinnenvereinen und fragen, was Frauen stärkt, die sich selbst engagieren "
            "wollen.\n\n"
            "Die Gruppe ist bewusst klein gehalten, damit viel Zeit für eigene Fälle bleibt."
        ),
        "goals": [
            "Hürden erkennen, die Frauen von Angeboten fernhalten",
            "Beteiligungsformate mit Frauen gemeinsam planen",
            "Migrantinnenorganisationen als Partnerinnen gewinnen",
        ],
        "target_group": "Integrationsbeauftragte, Gleichstellungsbeauftragte, Sozialarbeit",
        "format": CourseFormat.IN_PERSON,
        "topics": ["frauen-empowerment", "fluechtlingssozialarbeit"],
        "module": 3,
        "is_series": True,
        "questions": ["access", "childcare"],
        "dates": [
            (10, "10:00", "16:00", "leipzig", 12),
            (1, "09:00", "14:00", "leipzig", 12),
        ],
        "fill": [14],
        "koeln": ("waitlisted", 13),
    },
    {
        "slug": "kommunikation-in-konfliktsituationen-hannover",
        "title": "Kommunikation in Konfliktsituationen",
        "summary": (
            "Drei Termine, vor Ort in Hannover oder per Video: Gespräche und Versammlungen "
            "moderieren, wenn Sorgen, Gerüchte und Anfeindungen aufeinandertreffen."
        ),
        "description": (
            "Eine Informationsveranstaltung zu einer neuen Unterkunft, ein Streit um "
            "Parkplätze vor der Moschee, beleidigende Mails an das Integrationsbüro: "
            "Integrationsbeauftragte stehen oft mitten im Konflikt. In drei aufeinander "
            "aufbauenden Terminen üben wir Gesprächsführung, Moderation großer Runden und den "
            "Umgang mit Hassrede, mit Rollenspielen und kollegialer Fallberatung.\n\n"
            "Die Termine finden hybrid statt: Wer nicht nach Hannover reisen kann, nimmt per "
            "Video teil. Den Zugang erhalten bestätigte Teilnehmende vor dem ersten Termin."
        ),
        "goals": [
            "Konfliktdynamiken in der Kommune erkennen und benennen",
            "Bürgerversammlungen mit klaren Regeln moderieren",
            "deeskalierend auf Vorwürfe und Anfeindungen antworten",
            "sich selbst vor Überlastung schützen",
        ],
        "target_group": "Integrationsbeauftragte und Beschäftigte mit Publikumsverkehr",
        "format": CourseFormat.HYBRID,
        "topics": ["konfliktkommunikation", "antimuslimischer-rassismus"],
        "module": 4,
        "is_series": True,
        "questions": ["access"],
        "dates": [
            (17, "10:00", "16:00", "hannover", 20),
            (14, "10:00", "16:00", "hannover", 20),
            (14, "10:00", "14:00", "hannover", 20),
        ],
        "fill": [8],
        "koeln": ("confirmed", 5),
    },
    {
        "slug": "antimuslimischer-rassismus-online",
        "title": "Antimuslimischen Rassismus erkennen und handeln",
        "summary": (
            "Ein Vormittag online: Formen antimuslimischen Rassismus erkennen, Betroffene "
            "unterstützen und Meldewege in der Verwaltung einrichten."
        ),
        "description": (
            "Kopftuchträgerinnen, die im Bürgeramt abgewiesen werden, Schmierereien an einer "
            "Moschee, pauschale Verdächtigungen in Ratsdebatten: Antimuslimischer Rassismus "
            "zeigt sich in der Kommune in vielen Formen. Das Online-Seminar gibt einen "
            "Überblick über Erscheinungsformen und Zahlen, stellt Beratungsstellen für "
            "Betroffene vor und zeigt, wie eine Verwaltung Vorfälle erfasst und beantwortet.\n\n"
            "Das Seminar wird zweimal angeboten; bitte melden Sie sich für einen der beiden "
            "Termine an."
        ),
        "goals": [
            "Erscheinungsformen antimuslimischen Rassismus unterscheiden",
            "Betroffene an passende Beratungsstellen verweisen",
            "einen Meldeweg für Vorfälle in der Verwaltung skizzieren",
        ],
        "target_group": "Alle kommunalen Beschäftigten, keine Vorkenntnisse nötig",
        "format": CourseFormat.ONLINE,
        "topics": ["antimuslimischer-rassismus"],
        "is_series": False,
        "dates": [
            (12, "09:30", "12:30", None, 30),
            (21, "13:00", "16:00", None, 30),
        ],
        "fill": [11, 6],
    },
    {
        "slug": "religioese-feiertage-schule-verwaltung",
        "title": "Religiöse Feiertage in Schule und Verwaltung",
        "summary": (
            "Beurlaubung, Prüfungstermine, Dienstpläne: ein Tag zu religiösen Feiertagen, "
            "angeboten in Berlin und in Mainz."
        ),
        "description": (
            "Wann dürfen Schülerinnen und Schüler zum Ramadanfest beurlaubt werden? Wie gehen "
            "Ämter mit Urlaubswünschen zu Feiertagen anderer Religionen um? Der Tag gibt "
            "einen Überblick über islamische, alevitische, jüdische und christliche Feiertage, "
            "über die Regelungen der Länder und über Absprachen, die sich in Schulen und "
            "Verwaltungen bewährt haben.\n\n"
            "Der Kurs findet zweimal statt, in Berlin und in Mainz; Sie melden sich für einen "
            "der beiden Orte an."
        ),
        "goals": [
            "die wichtigsten religiösen Feiertage und ihre Bedeutung kennen",
            "Regelungen zur Beurlaubung in Schule und Beruf anwenden",
            "einen Feiertagskalender für die eigene Verwaltung erstellen",
        ],
        "target_group": "Integrationsbeauftragte, Schulverwaltung, Personalämter",
        "format": CourseFormat.IN_PERSON,
        "topics": ["feiertage"],
        "is_series": False,
        "deadline_days": 5,
        "questions": ["food"],
        "dates": [
            (15, "10:00", "15:00", "berlin", 16),
            (14, "10:00", "15:00", "mainz", 16),
        ],
        "fill": [19, 7],
        "cancel": (0, 2),
    },
    {
        "slug": "muslimische-bestattungen-online",
        "title": "Muslimische Bestattungen: Grabfelder und Friedhofssatzung",
        "summary": (
            "Zwei Stunden online für Friedhofsverwaltungen und Integrationsbeauftragte: "
            "was ein muslimisches Grabfeld braucht und wie die Satzung angepasst wird."
        ),
        "description": (
            "Immer mehr muslimische Familien möchten ihre Angehörigen dort beerdigen, wo sie "
            "leben. Das Online-Seminar erklärt, welche Anforderungen an Ausrichtung, Ruhezeit, "
            "Tuchbestattung und Waschraum gestellt werden, was die Bestattungsgesetze der "
            "Länder erlauben und wie Kommunen mit Gemeinden ein Grabfeld planen."
        ),
        "goals": [
            "Anforderungen an muslimische Bestattungen kennen",
            "Spielräume des Landesrechts und der Friedhofssatzung einschätzen",
        ],
        "target_group": "Friedhofsverwaltungen, Integrationsbeauftragte",
        "format": CourseFormat.ONLINE,
        "topics": ["bestattung"],
        "is_series": False,
        "dates": [
            (9, "14:00", "16:00", None, 40),
            (35, "10:00", "12:00", None, 40),
        ],
        "fill": [5, 3],
    },
    {
        "slug": "kooperation-verbaende-kassel",
        "title": "Zusammenarbeit mit muslimischen und alevitischen Verbänden",
        "summary": (
            "Zwei Tage in Kassel: Verbände und Gemeinden verstehen, Kooperationen aufbauen "
            "und in Gremien der Kommune verankern."
        ),
        "description": (
            "Wer vertritt die Muslime in unserer Stadt? Die Antwort ist selten einfach. Der "
            "Kurs stellt die Landschaft der Moscheegemeinden, Dachverbände und alevitischen "
            "Gemeinden vor und zeigt, wie Kommunen dauerhafte Kooperationen aufbauen: vom "
            "runden Tisch bis zur Vertretung im Integrationsbeirat.\n\n"
            "Damit viele Kommunen teilnehmen können, sind je Kommune höchstens zwei Plätze "
            "möglich."
        ),
        "goals": [
            "Verbandsstrukturen muslimischen und alevitischen Lebens kennen",
            "Kooperationsformen mit Gemeinden vergleichen",
            "Gemeinden in kommunale Gremien einbinden",
        ],
        "target_group": "Integrationsbeauftragte, Mitglieder von Integrationsbeiräten",
        "format": CourseFormat.IN_PERSON,
        "topics": ["kooperation-verbaende", "dialog"],
        "module": 2,
        "is_series": True,
        "seats_per_municipality": 2,
        "dates": [
            (26, "10:00", "17:00", "kassel", 20),
            (1, "09:00", "14:00", "kassel", 20),
        ],
        "fill": [8],
    },
    {
        "slug": "jugendarbeit-traeger-erfurt",
        "title": "Jugendarbeit von Moscheegemeinden: Weg zur Anerkennung als Träger",
        "summary": (
            "Ein Tag in Erfurt zur Anerkennung als freier Träger der Jugendhilfe: "
            "Voraussetzungen, Verfahren und Begleitung durch die Kommune."
        ),
        "description": (
            "Viele Moscheegemeinden und alevitische Vereine leisten seit Jahren Jugendarbeit, "
            "ohne als Träger anerkannt zu sein. Der Kurs erklärt, was das Jugendamt für eine "
            "Anerkennung verlangt, wie Kommunen Vereine auf dem Weg begleiten und welche "
            "Förderung danach offensteht. Die Anmeldung öffnet in einigen Tagen."
        ),
        "goals": [
            "Voraussetzungen der Anerkennung nach dem SGB VIII kennen",
            "Vereine im Antragsverfahren beraten",
        ],
        "target_group": "Jugendämter, Integrationsbeauftragte, Vereinsvorstände",
        "format": CourseFormat.IN_PERSON,
        "topics": ["jugendarbeit"],
        "is_series": True,
        "opens_in_days": 5,
        "dates": [(47, "09:30", "16:00", "erfurt", 24)],
        "fill": [0],
    },
    {
        "slug": "extremismuspraevention-kommune-nuernberg",
        "title": "Extremismusprävention in der Kommune",
        "summary": (
            "Ein Nachmittag in Nürnberg oder per Video: Präventionsnetzwerke aufbauen, ohne "
            "Gemeinden unter Generalverdacht zu stellen."
        ),
        "description": (
            "Prävention gelingt, wenn Kommune, Schulen, Jugendhilfe und Gemeinden einander "
            "vertrauen. Der Kurs stellt Präventionsnetzwerke aus mehreren Bundesländern vor "
            "und fragt, wie Integrationsbeauftragte religiös begründeten und rechten "
            "Extremismus gleichermaßen im Blick behalten. Er wird zweimal angeboten, jeweils "
            "vor Ort und per Video."
        ),
        "goals": [
            "Akteure und Programme der Extremismusprävention kennen",
            "Gemeinden als Partner der Prävention gewinnen",
            "Stigmatisierung in der Präventionsarbeit vermeiden",
        ],
        "target_group": "Integrationsbeauftragte, Präventionsfachkräfte, Jugendhilfe",
        "format": CourseFormat.HYBRID,
        "topics": ["extremismuspraevention", "jugendarbeit"],
        "is_series": False,
        "dates": [
            (19, "13:00", "17:00", "nuernberg", 18),
            (21, "13:00", "17:00", "nuernberg", 18),
        ],
        "fill": [6, 4],
    },
]


# --- Time ------------------------------------------------------------------------------------


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


# No course on a public holiday of every federal state, nor between Christmas and New Year.
CLOSED_DAYS = {(1, 1), (5, 1), (10, 3)} | {(12, day) for day in range(24, 32)}


def _working_day(day: date) -> date:
    """`day`, or the next working day if no course can take place on it."""
    while day.weekday() >= 5 or (day.month, day.day) in CLOSED_DAYS:
        day += timedelta(days=1)
    return day


def _at(day: date, clock: str) -> datetime:
    return local_instant(day, _clock(clock))


# --- People ----------------------------------------------------------------------------------


def _ensure_participants(coordinator: User) -> list[tuple[User, Membership]]:
    """The officers the demo registers, each with a verified membership of a municipality,
    in a fixed order; officers whose municipality is missing are left out."""
    municipalities = Municipality.objects.in_bulk(
        [ags for _email, _name, ags, _role in PARTICIPANTS], field_name="ags"
    )
    wanted = [entry for entry in PARTICIPANTS if entry[2] in municipalities]
    # One hash for all new logins (they share the demo password): hashing once per person
    # would cost seconds.
    known = set(
        User.objects.filter(email__in=[entry[0] for entry in wanted]).values_list(
            "email", flat=True
        )
    )
    missing = [entry for entry in wanted if entry[0] not in known]
    if missing:
        hashed = make_password(DEMO_PASSWORD)
        User.objects.bulk_create(
            [User(email=email, full_name=name, password=hashed) for email, name, *_ in missing]
        )
    for email, name, ags, role in wanted:
        user = person(email, name, INTEGRATION_OFFICER)
        membership = Membership.objects.filter(user=user, municipality=municipalities[ags]).first()
        if membership is None:
            membership = membership_request(user=user, role=role, municipality=municipalities[ags])
        if not membership.verified:
            membership_verify(membership=membership, by=coordinator)

    emails = [officer[0] for officer in OFFICERS[1:]] + [entry[0] for entry in wanted]
    memberships = {
        membership.user.email: membership
        for membership in Membership.objects.verified()
        .filter(user__email__in=emails, municipality__isnull=False)
        .select_related("user", "municipality")
        .order_by("pk")
    }
    return [
        (memberships[email].user, memberships[email]) for email in emails if email in memberships
    ]


def _koeln() -> tuple[User, Membership] | None:
    membership = (
        Membership.objects.verified()
        .filter(user__email=KOELN, municipality__isnull=False)
        .select_related("user", "municipality")
        .order_by("pk")
        .first()
    )
    return (membership.user, membership) if membership else None


# --- Courses ---------------------------------------------------------------------------------


def _programme() -> dict[int, Module]:
    programme, _created = Programme.objects.get_or_create(
        slug=PROGRAMME["slug"],
        defaults={
            "title": PROGRAMME["title"],
            "summary": PROGRAMME["summary"],
            "completion_rule": CompletionRule.ALL,
            "published": True,
        },
    )
    modules = {}
    for position, title, summary in MODULES:
        modules[position], _created = Module.objects.get_or_create(
            programme=programme, position=position, defaults={"title": title, "summary": summary}
        )
    return modules


def _dates(course: Course, spec: dict, today: date) -> list[CourseDate]:
    day = today
    dates = []
    for number, (days, starts, ends, place, seats) in enumerate(spec["dates"], start=1):
        day = _working_day(day + timedelta(days=days))
        fields = {
            "course": course,
            "start": _at(day, starts),
            "end": _at(day, ends),
            "capacity": seats,
        }
        if place:
            venue, address, town, state = PLACES[place]
            fields.update(venue=venue, address=address, town=town, state=state)
        if place is None or course.format == CourseFormat.HYBRID:
            fields.update(online=True, video_link=_video(course.slug, number))
        # The deadline of a series is its first date's; a repeated course has one per date.
        if spec.get("deadline_days") and (number == 1 or not course.is_series):
            fields["registration_deadline"] = _at(
                day - timedelta(days=spec["deadline_days"]), "12:00"
            )
        if spec.get("opens_in_days") and (number == 1 or not course.is_series):
            fields["registration_opens"] = _at(
                today + timedelta(days=spec["opens_in_days"]), "09:00"
            )
        dates.append(CourseDate(**fields))
    CourseDate.objects.bulk_create(dates)
    return list(course.dates.order_by("start", "pk"))


def _questions(course: Course, keys: list[str]) -> None:
    Question.objects.bulk_create(
        [
            Question(
                course=course,
                position=position,
                label=QUESTIONS[key][0],
                kind=QUESTIONS[key][1],
                choices=QUESTIONS[key][2],
                required=QUESTIONS[key][3],
            )
            for position, key in enumerate(keys, start=1)
        ]
    )


def _answers(questions: list[Question], index: int) -> dict:
    """A participant's answers, varied by their place in the queue."""
    answers = {}
    for question in questions:
        if question.kind == Question.Kind.TEXT:
            answers[question.pk] = ACCESS_NEEDS.get(index, "")
        elif question.kind == Question.Kind.CHOICE:
            options = question.options
            answers[question.pk] = options[index % len(options)]
        else:
            answers[question.pk] = index % 3 == 0
    return answers


def _entrants(pool: list, offset: int, count: int) -> list:
    rotated = pool[offset:] + pool[:offset]
    return rotated[:count]


def _register(
    course: Course,
    offers: list[CourseDate | None],
    spec: dict,
    *,
    pool: list,
    offset: int,
    koeln: tuple | None,
    now: datetime,
) -> None:
    """Register demo officers through the service, a few hours apart, oldest first."""
    questions = list(course.questions.all())
    queue = _entrants(pool, offset, sum(spec["fill"]))
    for offer, count in zip(offers, spec["fill"], strict=True):
        people, queue = queue[:count], queue[count:]
        if offer is offers[0] and koeln and spec.get("koeln"):
            people.insert(spec["koeln"][1], koeln)
        registrations = []
        for index, (user, membership) in enumerate(people):
            registrations.append(
                registration_create(
                    person=user,
                    course=course,
                    date=offer,
                    membership=membership,
                    answers=_answers(questions, index),
                    share_contact=index % 3 != 1,
                    now=now - timedelta(hours=4 * (len(people) - index)),
                )
            )
        if spec.get("cancel") and offers.index(offer) == spec["cancel"][0]:
            leaving = registrations[spec["cancel"][1]]
            registration_cancel(registration=leaving, by=leaving.person, now=now)


def _held(
    course: Course,
    dates: list[CourseDate],
    spec: dict,
    *,
    pool: list,
    offset: int,
    koeln: tuple | None,
    coordinator: User,
) -> None:
    """The past course as it stood afterwards: registered weeks before, attendance taken at
    the door by the coordinator, a few certificates already downloaded."""
    people = _entrants(pool, offset, spec["fill"][0])
    if koeln:
        people.insert(spec["koeln"][1], koeln)
    first = dates[0].start
    Registration.objects.bulk_create(
        [
            Registration(
                course=course,
                date=None,
                person=user,
                municipality=membership.municipality,
                status=RegistrationStatus.CONFIRMED,
                share_contact=index % 3 != 1,
                created_at=first - timedelta(days=30) + timedelta(hours=5 * index),
                confirmed_at=first - timedelta(days=30) + timedelta(hours=5 * index),
            )
            for index, (user, membership) in enumerate(people)
        ]
    )
    registrations = list(course.registrations.select_related("person").order_by("pk"))
    absent = {
        (registration.pk, dates[-1].pk)
        for index, registration in enumerate(registrations)
        if index % 6 == 5 and registration.person.email != KOELN
    }
    Attendance.objects.bulk_create(
        [
            Attendance(
                registration=registration,
                date=day,
                present=(registration.pk, day.pk) not in absent,
                recorded_by=coordinator,
                recorded_at=day.start + timedelta(minutes=20),
            )
            for registration in registrations
            for day in dates
        ]
    )
    # Some participants downloaded their certificate a few days after the course; the demo
    # officer's is issued when she downloads it.
    issued = [r for r in registrations if r.person.email != KOELN][:4]
    for index, registration in enumerate(issued):
        certificate = certificate_for_registration(registration=registration)
        type(certificate).objects.filter(pk=certificate.pk).update(
            issued_at=dates[-1].end + timedelta(days=2, hours=index * 3)
        )


@transaction.atomic
def seed() -> list[Course]:
    """Create the demo programme and courses once; later runs leave them as they are."""
    coordinator = User.objects.filter(groups__name=COORDINATOR).order_by("pk").first()
    if coordinator is None:
        raise RuntimeError("Run the accounts demo first: no coordinator exists.")
    modules = _programme()
    pool = _ensure_participants(coordinator)
    koeln = _koeln()
    topics = Topic.objects.in_bulk(field_name="slug")
    now = timezone.now()
    today = timezone.localdate(now)
    courses = []
    for number, spec in enumerate(COURSES):
        course, created = Course.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "title": spec["title"],
                "summary": spec["summary"],
                "description": spec["description"],
                "learning_goals": "\n".join(spec["goals"]),
                "target_group": spec["target_group"],
                "format": spec["format"],
                "module": modules.get(spec.get("module")),
                "coordinator": coordinator,
                "is_series": spec["is_series"],
                "seats_per_municipality": spec.get("seats_per_municipality"),
                "reminder_days": 3,
                "published": True,
            },
        )
        courses.append(course)
        if not created:
            continue
        course.topics.set([topics[slug] for slug in spec["topics"] if slug in topics])
        dates = _dates(course, spec, today)
        _questions(course, spec.get("questions", []))
        offset = (7 * number) % max(len(pool), 1)
        if spec.get("past"):
            _held(
                course, dates, spec, pool=pool, offset=offset, koeln=koeln, coordinator=coordinator
            )
        else:
            offers = [None] if course.is_series else dates
            _register(course, offers, spec, pool=pool, offset=offset, koeln=koeln, now=now)
    return courses


def load_demo() -> list[str]:
    courses = seed()
    return [f"{_('Courses')}: {len(courses)}."]
