"""Demo requests and cases for `manage.py seed_demo`, in every status of the workflow.

Runs after the demo people (portal.accounts.demo) and advisors (portal.advisors.demo). All
writes go through the services, as a real programme would produce them; afterwards the
timestamps are moved into the past (submitted weeks ago, appointments held, and so on),
relative to today. Every text is invented. Running it again creates nothing: the demo
requests are recognised by their `concern`.
"""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations import emails
from consultations.models import Consultation, Message, Note, Phase, Status, StatusChange
from consultations.services import (
    appointment_book,
    appointment_record,
    consultation_assign,
    consultation_close,
    consultation_conclude,
    consultation_decline,
    consultation_refer,
    consultation_start,
    consultation_submit,
    consultation_triage,
    consultation_withdraw,
    feedback_submit,
    message_post,
    note_add,
)
from portal.accounts.demo import DOMAIN, person
from portal.accounts.models import Membership, Municipality, Organisation, User
from portal.accounts.roles import COORDINATOR, INTEGRATION_OFFICER
from portal.accounts.services import membership_request, membership_verify
from portal.advisors.availability import free_slots, local_instant
from portal.advisors.models import AdvisorProfile, ContactMode, Format, Topic
from portal.notifications.services import notifications_cancel

# People the demo needs besides those of portal.accounts.demo: officers in two more federal
# states and representatives of two more associations.
# (email, name, ("municipality", AGS) or ("organisation", name), role there)
EXTRA_REQUESTERS = [
    (
        "integration@potsdam." + DOMAIN,
        "Annett Schröder",
        ("municipality", "12054000"),
        "Beauftragte für Migration und Integration",
    ),
    (
        "integration@kiel." + DOMAIN,
        "Finn Hansen",
        ("municipality", "01002000"),
        "Sachgebietsleiter Integration",
    ),
    (
        "vorstand@mjd-sachsen." + DOMAIN,
        "Yasmin Haddad",
        ("organisation", "Muslimische Jugend im Dialog Sachsen e. V."),
        "Vorsitzende",
    ),
    (
        "vorstand@akz-rhein-neckar." + DOMAIN,
        "Zeynep Koç",
        ("organisation", "Alevitisches Kulturzentrum Rhein-Neckar e. V."),
        "Vorstandsmitglied",
    ),
]

KOELN = "integration@koeln." + DOMAIN  # the demo officer login

# Each request: who asks for which body, what about, and how far it has come.
# `days` gives, for each status change from the submission on, how many days ago it
# happened (moved back to the previous working day when it falls on a weekend).
# Past appointments: (advisor slug, days ago, "HH:MM", minutes, phase, mode, place, minutes).
REQUESTS = [
    # 1 · Köln, assigned, first conversation booked, message from the advisor
    {
        "requester": KOELN,
        "body": ("municipality", "05315000"),
        "format": Format.FACHBERATUNG,
        "topics": ["feiertage", "interkulturelle-oeffnung"],
        "concern": (
            "An mehreren Kölner Schulen gibt es jedes Jahr Unsicherheit, wie mit "
            "Beurlaubungen zum Ramadanfest und zum Opferfest umzugehen ist. Manche Schulen "
            "legen Klassenarbeiten auf diese Tage, Eltern beschweren sich bei uns, und die "
            "Schulleitungen fühlen sich mit der Regelung allein gelassen. Auch alevitische "
            "und jesidische Familien fragen nach ihren Feiertagen."
        ),
        "goal": (
            "Wir möchten den Schulleitungen eine kurze, rechtssichere Handreichung und einen "
            "Feiertagskalender für das kommende Schuljahr geben und wissen, wie andere Städte "
            "das mit dem Schulamt abgestimmt haben."
        ),
        "urgency": "soon",
        "contact_mode": ContactMode.VIDEO,
        "preferred_advisor": "elif-dogan",
        "status": Status.ASSIGNED,
        "days": [12, 11, 9],
        "lead": "elif-dogan",
        "book_first_conversation": True,
        "notes": [
            (
                "coordinator",
                11,
                "Passt gut zu Frau Doğan (Feiertage, NRW). Schulamt der Stadt sollte früh "
                "einbezogen werden.",
            ),
        ],
        "messages": [
            (
                "lead",
                8,
                "Guten Tag Frau Schulte, ich übernehme Ihre Anfrage gern. Bitte buchen Sie "
                "einen Termin für ein erstes Gespräch. Wenn Sie die bisherigen Hinweise der "
                "Bezirksregierung zu Beurlaubungen haben, bringen Sie sie gern mit. Viele Grüße, "
                "Elif Doğan",
            ),
            (
                "requester",
                7,
                "Vielen Dank, Frau Doğan! Ich habe einen Termin gebucht und bringe die "
                "Rundschreiben der letzten beiden Jahre mit. Eine Kollegin aus dem Schulamt "
                "wird ebenfalls teilnehmen.",
            ),
        ],
    },
    # 2 · Köln, concluded
    {
        "requester": KOELN,
        "body": ("municipality", "05315000"),
        "format": Format.FACHBERATUNG,
        "topics": ["verpflegung"],
        "concern": (
            "Die städtischen Kitas werden ab dem nächsten Jahr von einem neuen Caterer "
            "beliefert. In der Ausschreibung wollen wir Speisen ohne Schweinefleisch, "
            "vegetarische Alternativen und eine klare Kennzeichnung festschreiben. Aus einer "
            "Elterninitiative kam zudem die Frage nach Halal-Fleisch, im Rat gibt es dazu "
            "unterschiedliche Meinungen."
        ),
        "goal": (
            "Kriterien für die Ausschreibung, die religiöse Speisevorschriften respektieren, "
            "rechtlich haltbar sind und im Rat eine Mehrheit finden können."
        ),
        "urgency": "normal",
        "contact_mode": ContactMode.IN_PERSON,
        "status": Status.CONCLUDED,
        "days": [48, 47, 45, 34, 6],
        "lead": "hakan-yildiz",
        "appointments": [
            (
                "hakan-yildiz",
                34,
                "09:00",
                60,
                Phase.FIRST_CONVERSATION,
                ContactMode.VIDEO,
                "",
                "Ausgangslage besprochen: 212 Kitas, ein Caterer, Ausschreibung im Frühjahr. "
                "Offene Fragen: Kennzeichnung, Halal-Zertifikate, Kosten. Herr Yıldız stellt "
                "Beispiele aus zwei anderen Großstädten zusammen.",
            ),
            (
                "hakan-yildiz",
                21,
                "10:00",
                90,
                Phase.ADVICE,
                ContactMode.IN_PERSON,
                "Amt für Kinder, Jugend und Familie, Köln",
                "Mit Vergabestelle und Kita-Fachberatung: Leistungsbeschreibung durchgesehen. "
                "Vereinbart: täglich ein vegetarisches Gericht, kein Schweinefleisch in "
                "Gemeinschaftsgerichten, Kennzeichnung nach Allergenen und Fleischart. "
                "Halal-Fleisch als Option im Los 2, nicht als Pflicht.",
            ),
        ],
        "notes": [
            (
                "lead",
                33,
                "Rat ist gespalten; Vorlage muss gut begründet sein. Vergabestelle früh einbinden.",
            ),
            (
                "lead",
                20,
                "Vergabestelle hat die Formulierungen übernommen. Kostenfrage noch offen, "
                "Kämmerei prüft.",
            ),
        ],
        "messages": [
            (
                "lead",
                20,
                "Liebe Frau Schulte, anbei wie besprochen die überarbeiteten Kriterien als "
                "Text für die Leistungsbeschreibung. Melden Sie sich gern, wenn die Kämmerei "
                "Rückfragen hat.",
            ),
            (
                "requester",
                18,
                "Danke, Herr Yıldız. Die Kämmerei ist einverstanden, die Vorlage geht in den "
                "Jugendhilfeausschuss.",
            ),
        ],
        "outcome": (
            "Die Stadt hat Kriterien für die Kita-Verpflegung erarbeitet, die religiöse "
            "Speisevorschriften berücksichtigen: ein tägliches vegetarisches Gericht, kein "
            "Schweinefleisch in Gemeinschaftsgerichten und eine verständliche Kennzeichnung. "
            "Halal-Fleisch wird als Option ausgeschrieben."
        ),
        "measures": (
            "Vorlage für den Jugendhilfeausschuss (Amt für Kinder, Jugend und Familie)\n"
            "Elternbrief in vier Sprachen zur neuen Kennzeichnung\n"
            "Auswertung nach einem halben Jahr mit Elternbeiräten"
        ),
    },
    # 3 · Köln, submitted just now
    {
        "requester": KOELN,
        "body": ("municipality", "05315000"),
        "format": Format.PROZESSBEGLEITUNG,
        "topics": ["antimuslimischer-rassismus", "konfliktkommunikation"],
        "concern": (
            "Nach mehreren Vorfällen in Bürgerämtern, bei denen Frauen mit Kopftuch abfällig "
            "behandelt wurden, hat der Integrationsrat ein Konzept gegen antimuslimischen "
            "Rassismus in der Verwaltung gefordert. Es gibt bisher keine Anlaufstelle für "
            "Beschwerden und keine Fortbildung zu dem Thema."
        ),
        "goal": (
            "Ein Handlungskonzept mit Beschwerdeweg, Fortbildungsangebot für Beschäftigte mit "
            "Publikumsverkehr und einer Beteiligung muslimischer Gemeinden und des "
            "Integrationsrats."
        ),
        "urgency": "normal",
        "contact_mode": ContactMode.IN_PERSON,
        "status": Status.SUBMITTED,
        "days": [1],
    },
    # 4 · Mannheim, Prozessbegleitung in progress: three phases held, round table ahead
    {
        "requester": "integration@mannheim." + DOMAIN,
        "body": ("municipality", "08222000"),
        "format": Format.PROZESSBEGLEITUNG,
        "topics": ["moscheebau", "dialog", "konfliktkommunikation"],
        "concern": (
            "Eine Moscheegemeinde in der Neckarstadt möchte eine ehemalige Lagerhalle zu "
            "einem Gemeindezentrum mit Gebetsraum umbauen. Der Bauantrag liegt vor. In der "
            "Nachbarschaft gibt es Sorgen wegen Parkplätzen und Lärm, eine Bürgerinitiative "
            "sammelt Unterschriften, in sozialen Medien kursieren Gerüchte über ein Minarett."
        ),
        "goal": (
            "Wir möchten den Bauprozess so begleiten, dass Gemeinde, Nachbarschaft, "
            "Bezirksbeirat und Verwaltung miteinander statt übereinander reden, und am Ende "
            "eine Vereinbarung zu Parken, Öffnungszeiten und Ansprechpersonen steht."
        ),
        "urgency": "soon",
        "contact_mode": ContactMode.IN_PERSON,
        "preferred_advisor": "yusuf-begovic",
        "status": Status.IN_PROGRESS,
        "days": [62, 60, 57, 47],
        "lead": "yusuf-begovic",
        "co": "tobias-reinhardt",
        "appointments": [
            (
                "yusuf-begovic",
                45,
                "09:00",
                150,
                Phase.SITE_ANALYSIS,
                ContactMode.IN_PERSON,
                "Gemeindezentrum (ehemalige Lagerhalle), Mannheim-Neckarstadt",
                "Begehung mit Gemeindevorstand, Bauordnungsamt und Quartiersmanagement. Halle "
                "bietet Platz für etwa 250 Personen, 18 Stellplätze auf dem Grundstück. "
                "Freitagsgebet ist der kritische Zeitpunkt. Kein Minarett geplant, nur ein "
                "Schild an der Fassade.",
            ),
            (
                "yusuf-begovic",
                31,
                "14:00",
                120,
                Phase.INVENTORY,
                ContactMode.VIDEO,
                "",
                "Bestandsaufnahme der Beteiligten: Gemeinde, Bürgerinitiative, zwei Kirchen, "
                "Bezirksbeirat, Quartiersmanagement, Polizei. Bisherige Kontakte vor allem "
                "über Presse. Es gibt schon gute Beziehungen der Gemeinde zur evangelischen "
                "Nachbargemeinde.",
            ),
            (
                "tobias-reinhardt",
                17,
                "10:00",
                120,
                Phase.NEEDS_ASSESSMENT,
                ContactMode.IN_PERSON,
                "Stadthaus, Mannheim",
                "Einzelgespräche mit Bürgerinitiative und Gemeinde ausgewertet. Bedarfe: "
                "verlässliche Parkregelung am Freitag, eine feste Ansprechperson der Gemeinde, "
                "Information über das Bauvorhaben aus erster Hand. Runder Tisch vereinbart, "
                "Moderation durch Herrn Begović.",
            ),
        ],
        "round_table": (
            "yusuf-begovic",
            "Bürgersaal im Stadtteilzentrum, Mannheim-Neckarstadt",
        ),
        "notes": [
            (
                "lead",
                44,
                "Bauordnungsamt sieht keine rechtlichen Hindernisse; Konflikt ist "
                "kommunikativ, nicht baurechtlich.",
            ),
            (
                "co",
                16,
                "In der Bürgerinitiative zwei Personen mit Kontakten in rechte Gruppen im "
                "Netz. Beim runden Tisch Hausrecht und Gesprächsregeln vorher klären.",
            ),
            (
                "lead",
                3,
                "Einladungen zum runden Tisch verschickt, Kirchen haben zugesagt. Gemeinde "
                "bereitet Parkkonzept mit Shuttle vom P+R-Platz vor.",
            ),
        ],
        "messages": [
            (
                "lead",
                30,
                "Lieber Herr Krüger, danke für die Liste der Beteiligten. Könnten Sie bis "
                "nächste Woche klären, ob der Bezirksbeirat eine Person für den runden Tisch "
                "benennt?",
            ),
            (
                "requester",
                29,
                "Der Bezirksbeirat schickt seine Sprecherin. Die Bürgerinitiative hat ebenfalls "
                "zugesagt, möchte aber vorher die Pläne sehen.",
            ),
            (
                "lead",
                4,
                "Der Termin für den runden Tisch steht, die Einladungen gehen heute raus. "
                "Die Baupläne können wir dort gemeinsam mit dem Bauordnungsamt vorstellen.",
            ),
        ],
    },
    # 5 · Leipzig, closed, with feedback
    {
        "requester": "integration@leipzig." + DOMAIN,
        "body": ("municipality", "14713000"),
        "format": Format.FACHBERATUNG,
        "topics": ["fluechtlingssozialarbeit", "frauen-empowerment"],
        "concern": (
            "In unseren Gemeinschaftsunterkünften leben viele Frauen aus Afghanistan und "
            "Syrien, die Beratungsangebote kaum nutzen. Die Sozialarbeit berichtet, dass "
            "Angebote zu Zeiten liegen, in denen die Frauen Kinder betreuen, und dass sie "
            "männliche Dolmetscher ablehnen."
        ),
        "goal": (
            "Die Sozialarbeit in den Unterkünften soll ihre Angebote so umstellen, dass Frauen "
            "sie erreichen, mit Kinderbetreuung, Sprachmittlerinnen und Räumen nur für Frauen."
        ),
        "urgency": "normal",
        "contact_mode": ContactMode.IN_PERSON,
        "status": Status.CLOSED,
        "days": [95, 93, 90, 80, 45, 40],
        "lead": "renate-vogelsang",
        "appointments": [
            (
                "renate-vogelsang",
                80,
                "09:00",
                90,
                Phase.FIRST_CONVERSATION,
                ContactMode.PHONE,
                "",
                "Überblick: vier Unterkünfte, rund 140 Frauen, zwei Sozialarbeiterinnen je "
                "Standort. Bisher ein offenes Frauencafé, wenig besucht.",
            ),
            (
                "renate-vogelsang",
                66,
                "10:00",
                90,
                Phase.ADVICE,
                ContactMode.IN_PERSON,
                "Sozialamt Leipzig",
                "Mit den Trägern der Sozialarbeit: Angebote vormittags mit Kinderbetreuung, "
                "Pool von Sprachmittlerinnen über den Gemeindedolmetscherdienst, ein Raum pro "
                "Unterkunft nur für Frauen.",
            ),
            (
                "renate-vogelsang",
                52,
                "11:00",
                60,
                Phase.FOLLOW_UP,
                ContactMode.PHONE,
                "",
                "Erste Erfahrungen: Frauencafé mit Kinderbetreuung gut besucht, Nachfrage nach "
                "Deutschkurs nur für Frauen.",
            ),
        ],
        "notes": [
            (
                "lead",
                65,
                "Träger sind offen, Finanzierung der Kinderbetreuung über Landesprogramm möglich.",
            ),
        ],
        "messages": [
            (
                "requester",
                60,
                "Frau Vogelsang, die Träger haben dem neuen Zeitplan zugestimmt. Danke für die "
                "Kontakte zum Gemeindedolmetscherdienst!",
            ),
        ],
        "outcome": (
            "Die Beratungsangebote in den vier Gemeinschaftsunterkünften wurden auf die "
            "Bedürfnisse der Frauen umgestellt: vormittags, mit Kinderbetreuung und mit "
            "Sprachmittlerinnen."
        ),
        "measures": (
            "Frauencafé mit Kinderbetreuung in allen vier Unterkünften\n"
            "Pool von Sprachmittlerinnen\n"
            "Deutschkurs nur für Frauen ab dem nächsten Quartal"
        ),
        "feedback": {
            "days": 25,
            "rating": 5,
            "usefulness": 3,
            "what_changed": (
                "Das Frauencafé ist jetzt jede Woche voll, und über das Café finden Frauen den "
                "Weg in die Einzelberatung."
            ),
            "comment": "Sehr praxisnah, gern wieder.",
        },
    },
    # 6 · Nürnberg, closed, no feedback yet
    {
        "requester": "integration@nuernberg." + DOMAIN,
        "body": ("municipality", "09564000"),
        "format": Format.PROZESSBEGLEITUNG,
        "topics": ["bestattung", "kooperation-verbaende"],
        "concern": (
            "Mehrere Moscheegemeinden bitten seit Jahren um ein Grabfeld für muslimische "
            "Bestattungen. Viele Familien lassen Verstorbene bisher in die Türkei oder nach "
            "Bosnien überführen, jüngere Familien möchten ihre Angehörigen aber hier "
            "beerdigen. Die Friedhofsverwaltung ist grundsätzlich bereit, hat aber Fragen zur "
            "Ausrichtung der Gräber, zur Ruhezeit und zur Totenwaschung."
        ),
        "goal": (
            "Ein Grabfeld auf einem städtischen Friedhof, eine angepasste Friedhofssatzung und "
            "eine feste Abstimmung zwischen Friedhofsverwaltung und Gemeinden."
        ),
        "urgency": "normal",
        "contact_mode": ContactMode.IN_PERSON,
        "status": Status.CLOSED,
        "days": [170, 168, 165, 150, 90, 85],
        "lead": "yusuf-begovic",
        "appointments": [
            (
                "yusuf-begovic",
                150,
                "08:00",
                60,
                Phase.FIRST_CONVERSATION,
                ContactMode.VIDEO,
                "",
                "Auftrag geklärt: Prozessbegleitung bis zur Satzungsänderung.",
            ),
            (
                "yusuf-begovic",
                130,
                "09:00",
                120,
                Phase.SITE_ANALYSIS,
                ContactMode.IN_PERSON,
                "Südfriedhof, Nürnberg",
                "Zwei mögliche Flächen besichtigt; Fläche B lässt eine Ausrichtung nach Mekka "
                "zu. Waschraum in der Trauerhalle wäre nachrüstbar.",
            ),
            (
                "yusuf-begovic",
                110,
                "14:00",
                150,
                Phase.ROUND_TABLE,
                ContactMode.IN_PERSON,
                "Rathaus Nürnberg",
                "Runder Tisch mit fünf Gemeinden und Friedhofsverwaltung. Einigung auf "
                "Fläche B, Tuchbestattung nach Satzungsänderung, Ruhezeit 25 Jahre.",
            ),
            (
                "yusuf-begovic",
                95,
                "15:00",
                60,
                Phase.FOLLOW_UP,
                ContactMode.VIDEO,
                "",
                "Satzungsentwurf liegt vor, Stadtrat berät im nächsten Monat.",
            ),
        ],
        "notes": [
            (
                "lead",
                129,
                "Friedhofsverwaltung sehr kooperativ; Gemeinden wünschen einen gemeinsamen "
                "Ansprechpartner.",
            ),
        ],
        "outcome": (
            "Der Stadtrat hat eine geänderte Friedhofssatzung beschlossen: Tuchbestattung ist "
            "möglich, auf dem Südfriedhof entsteht ein Grabfeld für muslimische Bestattungen."
        ),
        "measures": (
            "Grabfeld mit 120 Grabstellen, Ausrichtung nach Mekka\n"
            "Waschraum in der Trauerhalle\n"
            "Jährliches Treffen von Friedhofsverwaltung und Gemeinden"
        ),
    },
    # 7 · Bremen, declined
    {
        "requester": "integration@bremen." + DOMAIN,
        "body": ("municipality", "04011000"),
        "format": Format.FACHBERATUNG,
        "topics": ["dialog"],
        "concern": (
            "Für das interreligiöse Stadtteilfest im Sommer fehlen uns noch 8.000 Euro für "
            "Bühne, Technik und Verpflegung. Können Sie die Kosten übernehmen oder einen Teil "
            "davon?"
        ),
        "goal": "Finanzierung des Stadtteilfests sichern.",
        "urgency": "urgent",
        "contact_mode": ContactMode.PHONE,
        "status": Status.DECLINED,
        "days": [20, 19, 17],
        "notes": [
            (
                "coordinator",
                19,
                "Reine Finanzierungsanfrage. Absagen, aber auf Beratung zum Dialogformat "
                "hinweisen.",
            ),
        ],
        "reason": (
            "Unser Programm bietet Beratung und Prozessbegleitung, aber keine Förderung von "
            "Veranstaltungen. Gern beraten wir Sie dazu, wie das Fest als dauerhaftes "
            "Dialogformat mit den Gemeinden weitergeführt werden kann: Stellen Sie dafür "
            "einfach eine neue Anfrage."
        ),
    },
    # 8 · Landkreis Osnabrück, referred
    {
        "requester": "integration@lk-osnabrueck." + DOMAIN,
        "body": ("municipality", "03459000"),
        "format": Format.FACHBERATUNG,
        "topics": ["arbeitsmarkt"],
        "concern": (
            "Viele Geflüchtete im Landkreis haben im Herkunftsland als Pflegekräfte oder "
            "Erzieherinnen gearbeitet. Die Anerkennung ihrer Abschlüsse dauert lange, und "
            "die Jobcenter wissen nicht, welche Anpassungsqualifizierungen es in der Region "
            "gibt."
        ),
        "goal": (
            "Ein Überblick über Anerkennungsverfahren und Qualifizierungen und eine bessere "
            "Abstimmung zwischen Jobcenter, Ausländerbehörde und Pflegeschulen."
        ),
        "urgency": "normal",
        "contact_mode": ContactMode.VIDEO,
        "status": Status.REFERRED,
        "days": [26, 25, 23],
        "referred_to": "IQ Netzwerk Niedersachsen (Anerkennungs- und Qualifizierungsberatung)",
        "reason": (
            "Ihre Fragen zur Anerkennung von Berufsabschlüssen und zu "
            "Anpassungsqualifizierungen beantwortet die Anerkennungs- und "
            "Qualifizierungsberatung des IQ Netzwerks Niedersachsen fachkundiger als wir. Wir "
            "haben Ihre Anfrage mit Ihrem Einverständnis weitergegeben."
        ),
    },
    # 9 · Kassel, in triage
    {
        "requester": "vielfalt@kassel." + DOMAIN,
        "body": ("municipality", "06611000"),
        "format": Format.PROZESSBEGLEITUNG,
        "topics": ["dialog", "kooperation-verbaende"],
        "concern": (
            "Der Runde Tisch der Religionen in Kassel trifft sich seit Jahren, aber die "
            "Moscheegemeinden sind kaum noch vertreten. Nach einem Streit über eine "
            "Pressemitteilung zum Nahostkonflikt sind zwei Gemeinden ausgetreten. Die Stadt "
            "möchte den Dialog neu aufstellen."
        ),
        "goal": (
            "Ein Dialogformat, in dem sich die Moscheegemeinden wiederfinden, mit klaren "
            "Regeln für gemeinsame Erklärungen und einer Geschäftsstelle bei der Stadt."
        ),
        "urgency": "soon",
        "contact_mode": ContactMode.IN_PERSON,
        "status": Status.IN_TRIAGE,
        "days": [4, 2],
        "notes": [
            (
                "coordinator",
                2,
                "Frau Doğan oder Frau Demir? Beide in Hessen tätig; Frau Demir hat gerade "
                "wenig Kapazität. Rückfrage bei Herrn Aydın zum gewünschten Zeitrahmen.",
            ),
        ],
    },
    # 10 · Islamische Gemeinde Nordstadt, submitted more than four working days ago
    {
        "requester": "vorstand@ig-nordstadt." + DOMAIN,
        "body": ("organisation", "Islamische Gemeinde Nordstadt e. V."),
        "format": Format.PROZESSBEGLEITUNG,
        "topics": ["jugendarbeit", "kooperation-verbaende"],
        "concern": (
            "Unsere Jugendgruppe hat rund 60 Mitglieder, bietet Hausaufgabenhilfe, "
            "Sportangebote und Ferienfreizeiten an. Wir möchten als Träger der freien "
            "Jugendhilfe anerkannt werden, um Fördermittel beantragen und im "
            "Jugendhilfeausschuss mitwirken zu können. Wir wissen nicht, welche Unterlagen "
            "das Jugendamt erwartet."
        ),
        "goal": (
            "Den Antrag auf Anerkennung nach § 75 SGB VIII vorbereiten und die Jugendarbeit "
            "so aufstellen, dass sie die Voraussetzungen erfüllt."
        ),
        "urgency": "normal",
        "contact_mode": ContactMode.IN_PERSON,
        "preferred_advisor": "aylin-demir",
        "status": Status.SUBMITTED,
        "days": [9],
    },
    # 11 · Muslimische Jugend im Dialog Sachsen, withdrawn
    {
        "requester": "vorstand@mjd-sachsen." + DOMAIN,
        "body": ("organisation", "Muslimische Jugend im Dialog Sachsen e. V."),
        "format": Format.FACHBERATUNG,
        "topics": ["antimuslimischer-rassismus", "jugendarbeit"],
        "concern": (
            "Wir möchten an Leipziger Oberschulen Workshops gegen antimuslimischen Rassismus "
            "anbieten, geleitet von jungen Musliminnen und Muslimen. Einige Schulen sind "
            "interessiert, andere fürchten Ärger mit Eltern."
        ),
        "goal": (
            "Ein Workshopkonzept, das Schulen überzeugt, und Hinweise, wie wir Lehrkräfte und "
            "Eltern einbeziehen."
        ),
        "urgency": "normal",
        "contact_mode": ContactMode.VIDEO,
        "status": Status.WITHDRAWN,
        "days": [38, 36, 30],
        "withdraw_reason": (
            "Wir haben inzwischen eine Förderung über ein Landesprogramm bekommen, das eine "
            "eigene Begleitung vorsieht. Vielen Dank trotzdem!"
        ),
    },
    # 12 · Alevitisches Kulturzentrum Rhein-Neckar, Fachberatung in progress
    {
        "requester": "vorstand@akz-rhein-neckar." + DOMAIN,
        "body": ("organisation", "Alevitisches Kulturzentrum Rhein-Neckar e. V."),
        "format": Format.FACHBERATUNG,
        "topics": ["kooperation-verbaende", "dialog"],
        "concern": (
            "Die Stadt lädt zu Dialogveranstaltungen meist nur Moscheegemeinden ein, "
            "alevitische Gemeinden werden oft vergessen oder als Teil der Moscheegemeinden "
            "gesehen. Wir möchten im Integrationsbeirat und beim Runden Tisch der Religionen "
            "als eigene Glaubensgemeinschaft vertreten sein."
        ),
        "goal": (
            "Einen Weg in die bestehenden Gremien finden und der Verwaltung verständlich "
            "machen, was alevitisches Leben ausmacht, etwa beim Cem-Haus und bei den "
            "Feiertagen."
        ),
        "urgency": "normal",
        "contact_mode": ContactMode.VIDEO,
        "status": Status.IN_PROGRESS,
        "days": [24, 22, 20, 12],
        "lead": "tobias-reinhardt",
        "appointments": [
            (
                "tobias-reinhardt",
                12,
                "14:00",
                90,
                Phase.FIRST_CONVERSATION,
                ContactMode.VIDEO,
                "",
                "Anliegen geklärt. Nächster Schritt: Gespräch mit der Geschäftsstelle des "
                "Integrationsbeirats, Frau Koç bereitet eine kurze Selbstdarstellung des "
                "Vereins vor.",
            ),
        ],
        "notes": [
            (
                "lead",
                11,
                "Geschäftsstelle Integrationsbeirat ist offen; Satzung sieht Vertretung "
                "religiöser Gemeinschaften vor, Auswahl bisher informell.",
            ),
        ],
        "messages": [
            (
                "lead",
                11,
                "Liebe Frau Koç, danke für das gute Gespräch. Sobald die Selbstdarstellung "
                "fertig ist, schicken Sie sie mir gern, ich sehe sie vor dem Termin mit dem "
                "Integrationsbeirat durch.",
            ),
        ],
    },
    # 13 · Potsdam, assigned
    {
        "requester": "integration@potsdam." + DOMAIN,
        "body": ("municipality", "12054000"),
        "format": Format.PROZESSBEGLEITUNG,
        "topics": ["fluechtlingssozialarbeit", "interkulturelle-oeffnung"],
        "concern": (
            "Potsdam eröffnet im Herbst zwei neue Unterkünfte. Wir wollen die "
            "Flüchtlingssozialarbeit von Anfang an mit Sportvereinen, Moscheegemeinden und "
            "Ehrenamtlichen im Stadtteil vernetzen, damit es nicht wieder zu Protesten wie "
            "vor drei Jahren kommt."
        ),
        "goal": (
            "Ein Vernetzungs- und Beteiligungskonzept für die beiden Standorte, abgestimmt "
            "mit den Trägern und den Ortsbeiräten."
        ),
        "urgency": "soon",
        "contact_mode": ContactMode.IN_PERSON,
        "status": Status.ASSIGNED,
        "days": [15, 14, 13],
        "lead": "renate-vogelsang",
        "notes": [
            (
                "coordinator",
                14,
                "Frau Vogelsang kennt Potsdam aus früheren Projekten; Start nach ihrem "
                "Urlaub möglich.",
            ),
        ],
        "messages": [
            (
                "lead",
                12,
                "Sehr geehrte Frau Schröder, ich freue mich auf die Zusammenarbeit. Ich rufe "
                "Sie in den nächsten Tagen an, um einen ersten Termin vor Ort zu vereinbaren.",
            ),
        ],
    },
    # 14 · Kiel, concluded
    {
        "requester": "integration@kiel." + DOMAIN,
        "body": ("municipality", "01002000"),
        "format": Format.FACHBERATUNG,
        "topics": ["antimuslimischer-rassismus"],
        "concern": (
            "Nach Schmierereien an einer Moschee in Gaarden und Hassmails an die Gemeinde "
            "möchte die Stadt ein Zeichen setzen. Der Oberbürgermeister will die Gemeinde "
            "besuchen, wir wissen aber nicht, was darüber hinaus sinnvoll ist."
        ),
        "goal": (
            "Konkrete Schritte, wie die Stadt Betroffene unterstützt und antimuslimische "
            "Vorfälle künftig erfasst und beantwortet."
        ),
        "urgency": "urgent",
        "contact_mode": ContactMode.VIDEO,
        "status": Status.CONCLUDED,
        "days": [40, 39, 37, 28, 10],
        "lead": "amina-warsame",
        "appointments": [
            (
                "amina-warsame",
                28,
                "13:00",
                60,
                Phase.FIRST_CONVERSATION,
                ContactMode.VIDEO,
                "",
                "Lage besprochen: Anzeige erstattet, Gemeinde verunsichert, Besuch des OB in "
                "zwei Wochen. Hinweis auf Beratungsstellen für Betroffene.",
            ),
            (
                "amina-warsame",
                15,
                "14:00",
                90,
                Phase.ADVICE,
                ContactMode.VIDEO,
                "",
                "Mit Integrationsbüro und Pressestelle: Erklärung der Stadt abgestimmt, "
                "Meldeweg für Vorfälle über die Antidiskriminierungsstelle, Schulung für das "
                "Bürgertelefon.",
            ),
        ],
        "notes": [
            (
                "lead",
                27,
                "Gemeinde wünscht keine große Öffentlichkeit, lieber ein Gespräch mit dem OB "
                "in den Räumen der Gemeinde.",
            ),
        ],
        "outcome": (
            "Die Stadt hat sich öffentlich an die Seite der Gemeinde gestellt, einen Meldeweg "
            "für antimuslimische Vorfälle eingerichtet und ihre Beschäftigten am Bürgertelefon "
            "geschult."
        ),
        "measures": (
            "Besuch des Oberbürgermeisters in der Gemeinde\n"
            "Meldeweg über die Antidiskriminierungsstelle\n"
            "Halbjährlicher Austausch mit den Moscheegemeinden"
        ),
    },
]

DEMO_CONCERNS = [request["concern"] for request in REQUESTS]

# The path through the workflow to each status; the actions that end a case come last.
PATHS = {
    Status.SUBMITTED: [],
    Status.IN_TRIAGE: ["triage"],
    Status.ASSIGNED: ["triage", "assign"],
    Status.IN_PROGRESS: ["triage", "assign", "start"],
    Status.CONCLUDED: ["triage", "assign", "start", "conclude"],
    Status.CLOSED: ["triage", "assign", "start", "conclude", "close"],
    Status.DECLINED: ["triage", "decline"],
    Status.REFERRED: ["triage", "refer"],
    Status.WITHDRAWN: ["triage", "withdraw"],
}
ENDING = {"conclude", "close", "decline", "refer", "withdraw"}


def _workday(days_ago: int) -> date:
    """The day `days_ago` days before today, moved back to a Friday if on a weekend."""
    day = timezone.localdate() - timedelta(days=days_ago)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _at(days_ago: int, clock: str) -> datetime:
    hours, minutes = clock.split(":")
    return local_instant(_workday(days_ago), time(int(hours), int(minutes)))


def _requester_membership(email: str, body: tuple[str, str]) -> tuple[User, Membership]:
    user = User.objects.get(email=email)
    membership = Membership.objects.verified().get(user=user, **_body_lookup(body))
    return user, membership


def _body_lookup(body: tuple[str, str]) -> dict:
    kind, key = body
    if kind == "municipality":
        return {"municipality": Municipality.objects.get(ags=key)}
    return {"organisation": Organisation.objects.get(name=key)}


def _ensure_requesters(coordinator: User) -> None:
    for email, name, body, role in EXTRA_REQUESTERS:
        user = person(email, name, INTEGRATION_OFFICER)
        lookup = _body_lookup(body)
        membership = Membership.objects.filter(user=user, **lookup).first()
        if membership is None:
            membership = membership_request(user=user, role=role, **lookup)
        if not membership.verified:
            membership_verify(membership=membership, by=coordinator)


def _free_start(advisor: AdvisorProfile, *, after_days: int, minutes: int):
    """The first free slot of `advisor` at least `after_days` ahead in which a meeting of
    `minutes` fits inside one of the advisor's weekly windows."""
    now = timezone.now()
    windows = list(advisor.windows.all())
    for slot in free_slots(
        advisor,
        start=now + timedelta(days=after_days),
        end=now + timedelta(weeks=advisor.horizon_weeks),
        now=now,
    ):
        local = slot.local_start
        end = slot.start + timedelta(minutes=minutes)
        for window in windows:
            if (
                window.weekday == local.weekday()
                and end <= local_instant(local.date(), window.end)
                and slot.start >= local_instant(local.date(), window.start)
            ):
                return slot.start, end
    raise RuntimeError(f"No free time for {advisor} in the demo horizon.")


def _create(spec: dict, *, coordinator: User, advisors: dict, topics: dict) -> Consultation:
    requester, membership = _requester_membership(spec["requester"], spec["body"])
    consultation = consultation_submit(
        requester=requester,
        membership=membership,
        format=spec["format"],
        topics=[topics[slug] for slug in spec["topics"]],
        concern=spec["concern"],
        goal=spec["goal"],
        urgency=spec["urgency"],
        contact_mode=spec["contact_mode"],
        preferred_advisor=advisors.get(spec.get("preferred_advisor")),
        privacy_accepted=True,
    )
    lead = advisors.get(spec.get("lead"))
    co = advisors.get(spec.get("co"))
    people = {
        "coordinator": coordinator,
        "requester": requester,
        "lead": lead.user if lead else None,
        "co": co.user if co else None,
    }
    path = PATHS[spec["status"]]
    for action in (a for a in path if a not in ENDING):
        if action == "triage":
            consultation = consultation_triage(consultation=consultation, by=coordinator)
        elif action == "assign":
            consultation = consultation_assign(
                consultation=consultation, lead=lead, co=co, by=coordinator
            )
        elif action == "start":
            consultation = consultation_start(consultation=consultation, by=lead.user)

    # What happened while the case was open: meetings, notes, messages.
    for slug, days_ago, clock, minutes, phase, mode, place, text in spec.get("appointments", []):
        starts_at = _at(days_ago, clock)
        appointment_record(
            consultation=consultation,
            by=lead.user,
            advisor=advisors[slug],
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=minutes),
            mode=mode,
            place=place,
            video_link=(
                f"https://video.{DOMAIN}/{consultation.reference.lower()}"
                if mode == ContactMode.VIDEO
                else ""
            ),
            phase=phase,
            minutes=text,
        )
    if spec.get("round_table"):
        slug, place = spec["round_table"]
        start, end = _free_start(advisors[slug], after_days=7, minutes=120)
        appointment_record(
            consultation=consultation,
            by=lead.user,
            advisor=advisors[slug],
            starts_at=start,
            ends_at=end,
            mode=ContactMode.IN_PERSON,
            place=place,
            phase=Phase.ROUND_TABLE,
        )
    if spec.get("book_first_conversation"):
        start, _end = _free_start(lead, after_days=3, minutes=lead.slot_minutes)
        appointment_book(consultation=consultation, advisor=lead, start=start, by=requester)
    for who, days_ago, text in spec.get("notes", []):
        note = note_add(consultation=consultation, text=text, by=people[who])
        Note.objects.filter(pk=note.pk).update(created_at=_at(days_ago, "16:10"))
    for who, days_ago, text in spec.get("messages", []):
        message = message_post(consultation=consultation, text=text, by=people[who])
        clock = "11:20" if who == "requester" else "15:40"
        Message.objects.filter(pk=message.pk).update(created_at=_at(days_ago, clock))

    for action in (a for a in path if a in ENDING):
        if action == "conclude":
            consultation = consultation_conclude(
                consultation=consultation,
                outcome=spec["outcome"],
                measures=spec.get("measures", ""),
                by=lead.user,
            )
        elif action == "close":
            consultation = consultation_close(consultation=consultation, by=lead.user)
        elif action == "decline":
            consultation = consultation_decline(
                consultation=consultation, reason=spec["reason"], by=coordinator
            )
        elif action == "refer":
            consultation = consultation_refer(
                consultation=consultation,
                referred_to=spec["referred_to"],
                reason=spec["reason"],
                by=coordinator,
            )
        elif action == "withdraw":
            consultation = consultation_withdraw(
                consultation=consultation, by=requester, reason=spec.get("withdraw_reason", "")
            )
    if spec.get("feedback"):
        answers = dict(spec["feedback"])
        days_ago = answers.pop("days")
        feedback = feedback_submit(consultation=consultation, **answers)
        type(feedback).objects.filter(pk=feedback.pk).update(created_at=_at(days_ago, "19:30"))
        # Answered already: the follow-up email asking for it is not needed any more.
        notifications_cancel(about=consultation, kinds=[emails.FOLLOW_UP])

    _backdate(consultation, spec["days"])
    return consultation


def _backdate(consultation: Consultation, days: list[int]) -> None:
    """Move the submission and each status change to its day in the past."""
    changes = list(consultation.status_changes.order_by("at", "pk"))
    if len(changes) != len(days):
        raise RuntimeError(
            f"{consultation.reference}: {len(changes)} status changes, {len(days)} days given"
        )
    moments = [
        _at(days_ago, f"{9 + index}:{15 + 7 * index:02d}") for index, days_ago in enumerate(days)
    ]
    for change, moment in zip(changes, moments, strict=True):
        StatusChange.objects.filter(pk=change.pk).update(at=moment)
    fields = {
        "submitted_at": moments[0],
        "privacy_accepted_at": moments[0],
        "status_changed_at": moments[-1],
    }
    if consultation.status == Status.CLOSED:
        fields["closed_at"] = moments[-1]
    Consultation.objects.filter(pk=consultation.pk).update(**fields)


@transaction.atomic
def seed() -> list[Consultation]:
    """Create the demo requests once; later runs return the existing ones unchanged."""
    existing = list(Consultation.objects.filter(concern__in=DEMO_CONCERNS))
    if existing:
        return existing
    coordinator = User.objects.filter(groups__name=COORDINATOR).order_by("pk").first()
    if coordinator is None:
        raise RuntimeError("Run the accounts demo first: no coordinator exists.")
    _ensure_requesters(coordinator)
    advisors = {
        profile.slug: profile
        for profile in AdvisorProfile.objects.select_related("user").prefetch_related("windows")
    }
    topics = Topic.objects.in_bulk(field_name="slug")
    return [
        _create(spec, coordinator=coordinator, advisors=advisors, topics=topics)
        for spec in REQUESTS
    ]


def load_demo() -> list[str]:
    requests = seed()
    return [_("Requests for advice: %(count)d.") % {"count": len(requests)}]
