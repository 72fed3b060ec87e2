"""Invented advisor profiles for the demo installation.

Every person, biography and employer history in this module is fictitious. The data
seeds the public advisor directory and the booking calendar of the demo site so that
the filters for topic, language, federal state, format and mode all return results.

Field notes:

- ``bio_*`` holds two or three paragraphs separated by a blank line.
- ``qualifications_*`` holds one degree or further training per line.
- ``states`` are two-digit federal state keys ("01" to "16").
- ``windows`` are weekly availability windows as (weekday, start, end), Monday = 0.
- ``absences`` are (offset in days from today, number of days, note_de, note_en).
"""

DOMAIN = "demo.kommune-vielfalt.example"

ADVISOR_PROFILES = [
    {
        "email": "s.elkhatib@" + DOMAIN,
        "full_name": "Dr. Samira El-Khatib",
        "slug": "samira-el-khatib",
        "role_de": "Beraterin für Moscheebau, Bestattungskultur und Dialog mit Moscheegemeinden",
        "role_en": (
            "Advisor on mosque construction, burial culture and dialogue with mosque communities"
        ),
        "short_bio_de": (
            "Islamwissenschaftlerin mit langjähriger Erfahrung bei Bauvorhaben von "
            "Moscheegemeinden und bei der Einrichtung muslimischer Grabfelder. Sie vermittelt "
            "zwischen Verwaltung, Politik und Gemeinden."
        ),
        "short_bio_en": (
            "Islamic studies scholar with many years of experience in mosque building projects and "
            "in setting up Muslim burial sections. She mediates between administration, local "
            "politics and communities."
        ),
        "bio_de": (
            "Dr. Samira El-Khatib berät Kommunen, wenn eine Moscheegemeinde neue Räume sucht oder "
            "ein Gebäude umbauen oder neu errichten möchte. Sie kennt die typischen Fragen aus "
            "Bauamt, Nachbarschaft und Gemeinderat. Außerdem begleitet sie Städte und Landkreise, "
            "die ein Grabfeld für Musliminnen und Muslime planen oder ihre Friedhofssatzung "
            "anpassen wollen.\n\n"
            "Sie hat in Islamwissenschaft promoviert und über religiöse Bauten in deutschen "
            "Mittelstädten geforscht. Danach leitete sie mehrere Jahre ein Dialogprojekt zwischen "
            "einer Berliner Bezirksverwaltung und örtlichen Moscheevereinen. Dabei hat sie "
            "gelernt: Gute Lösungen hängen oft an kleinen Dingen – an Parkplätzen, an "
            "Öffnungszeiten, an einem frühen Gespräch mit den Anwohner:innen.\n\n"
            "In der Beratung legt sie Wert auf klare Absprachen und verlässliche Abläufe. Sie "
            "bringt alle Beteiligten an einen Tisch und hilft, aus Konflikten tragfähige "
            "Vereinbarungen zu machen. Sie arbeitet auf Deutsch, Arabisch, Französisch und "
            "Englisch."
        ),
        "bio_en": (
            "Dr El-Khatib advises municipalities when a mosque community is looking for new "
            "premises or wants to convert or build a mosque. She knows the questions that planning "
            "offices, neighbours and local councils usually raise. She also supports towns and "
            "districts that are planning a burial section for Muslims or want to adapt their "
            "cemetery regulations.\n\n"
            "She holds a doctorate in Islamic studies and researched religious buildings in "
            "medium-sized German towns. She then spent several years leading a dialogue project "
            "between a Berlin district administration and local mosque associations. This taught "
            "her that good solutions often depend on small things: parking, opening hours and an "
            "early conversation with the neighbours.\n\n"
            "In her advice she values clear agreements and reliable procedures. She brings "
            "everyone involved to the table and helps to turn conflicts into workable "
            "arrangements. She works in German, Arabic, French and English."
        ),
        "qualifications_de": (
            "Promotion in Islamwissenschaft, Universität Leipzig\n"
            "M. A. Islamwissenschaft und Politikwissenschaft, Freie Universität Berlin\n"
            "Weiterbildung Mediation im öffentlichen Bereich"
        ),
        "qualifications_en": (
            "PhD in Islamic Studies, Leipzig University\n"
            "MA in Islamic Studies and Political Science, Freie Universität Berlin\n"
            "Further training in public-sector mediation"
        ),
        "regional_knowledge_de": (
            "Sie hat zwei Jahre in Kairo und ein Jahr in Rabat gelebt und geforscht. Sie kennt "
            "religiöses Leben und Gemeindestrukturen in Ägypten und Marokko sowie die Bezüge "
            "arabischsprachiger Gemeinden in Deutschland zu diesen Ländern."
        ),
        "regional_knowledge_en": (
            "She spent two years living and researching in Cairo and one year in Rabat. She knows "
            "religious life and community structures in Egypt and Morocco and the ties of "
            "Arabic-speaking communities in Germany to these countries."
        ),
        "topics": ["moscheebau", "bestattung", "dialog", "kooperation-verbaende"],
        "languages": ["de", "ar", "fr", "en"],
        "states": ["11", "12", "13"],
        "formats": ["fachberatung", "prozessbegleitung"],
        "modes": ["in_person", "video", "phone"],
        "max_open_cases": 6,
        "slot_minutes": 60,
        "buffer_minutes": 15,
        "min_notice_hours": 24,
        "horizon_weeks": 8,
        "daily_max": 4,
        "windows": [(0, "09:00", "12:00"), (2, "13:00", "17:00"), (3, "09:30", "12:30")],
        "absences": [(10, 14, "Urlaub", "Holiday")],
    },
    {
        "email": "t.reinhardt@" + DOMAIN,
        "full_name": "Tobias Reinhardt",
        "slug": "tobias-reinhardt",
        "role_de": "Berater für Extremismusprävention und Konfliktkommunikation",
        "role_en": "Advisor on preventing extremism and on conflict communication",
        "short_bio_de": (
            "Politikwissenschaftler und systemischer Berater. Er unterstützt Kommunen dabei, "
            "Radikalisierung früh zu erkennen, Netzwerke aufzubauen und in angespannten Lagen "
            "sachlich zu kommunizieren."
        ),
        "short_bio_en": (
            "Political scientist and systemic counsellor. He helps municipalities to recognise "
            "radicalisation early, to build networks and to communicate calmly in tense "
            "situations."
        ),
        "bio_de": (
            "Tobias Reinhardt berät Kommunen zur Prävention von religiös begründetem Extremismus. "
            "Er hilft Verwaltungen, Schulen und Jugendeinrichtungen, Zuständigkeiten zu klären und "
            "ein örtliches Präventionsnetzwerk aufzubauen. Wichtig ist ihm dabei, dass Prävention "
            "nicht zu einem Generalverdacht gegen Muslim:innen führt.\n\n"
            "Nach dem Studium der Politikwissenschaft in Konstanz arbeitete er sechs Jahre in "
            "einer Beratungsstelle für Eltern und Angehörige junger Menschen, die sich "
            "extremistischen Gruppen zuwandten. Für ein Forschungsjahr ging er nach Birmingham und "
            "untersuchte dort kommunale Präventionsprogramme und die Kritik an ihnen. Später "
            "koordinierte er bei einem freien Träger in Baden-Württemberg Fortbildungen für "
            "Lehrkräfte und Sozialarbeiter:innen.\n\n"
            "Er hat eine Weiterbildung in systemischer Beratung abgeschlossen. Kommt es nach einem "
            "Vorfall zu Spannungen in der Stadtgesellschaft, unterstützt er Verantwortliche bei "
            "der Kommunikation mit Presse, Moscheegemeinden und Bürger:innen. Auch schwierige "
            "Gesprächsrunden moderiert er."
        ),
        "bio_en": (
            "Tobias Reinhardt advises municipalities on preventing religiously motivated "
            "extremism. He helps local authorities, schools and youth centres to clarify "
            "responsibilities and to set up a local prevention network. He is careful that "
            "prevention never turns into general suspicion of Muslims.\n\n"
            "After studying political science in Konstanz, he worked for six years at an advice "
            "centre for parents and relatives of young people who were drawn to extremist groups. "
            "He spent a research year in Birmingham, studying local prevention programmes and the "
            "criticism they have faced. Later he coordinated training courses for teachers and "
            "social workers at a voluntary organisation in Baden-Württemberg.\n\n"
            "He has completed further training in systemic counselling. When an incident causes "
            "tension in a town, he supports those in charge in communicating with the press, "
            "mosque communities and residents. He also moderates difficult discussions."
        ),
        "qualifications_de": (
            "M. A. Politikwissenschaft, Universität Konstanz\n"
            "Weiterbildung Systemische Beratung\n"
            "Zertifikat Distanzierungsarbeit und Ausstiegsbegleitung"
        ),
        "qualifications_en": (
            "MA in Political Science, University of Konstanz\n"
            "Further training in systemic counselling\n"
            "Certificate in disengagement and exit support"
        ),
        "regional_knowledge_de": (
            "Er hat ein Jahr in Birmingham geforscht und ein Studiensemester in Lyon verbracht. Er "
            "kennt Präventionsansätze sowie die Debatten über Religion und Laizität in "
            "Großbritannien und Frankreich."
        ),
        "regional_knowledge_en": (
            "He spent a research year in Birmingham and a study term in Lyon. He is familiar with "
            "prevention approaches and with the debates on religion and secularism in Britain and "
            "France."
        ),
        "topics": [
            "extremismuspraevention",
            "konfliktkommunikation",
            "antimuslimischer-rassismus",
            "dialog",
        ],
        "languages": ["de", "en", "fr"],
        "states": ["07", "08", "09", "10"],
        "formats": ["fachberatung", "prozessbegleitung"],
        "modes": ["in_person", "video"],
        "max_open_cases": 8,
        "slot_minutes": 90,
        "buffer_minutes": 30,
        "min_notice_hours": 48,
        "horizon_weeks": 10,
        "daily_max": 3,
        "windows": [
            (1, "10:00", "13:00"),
            (1, "14:00", "17:00"),
            (3, "08:30", "12:00"),
            (4, "09:00", "11:30"),
        ],
        "absences": [(21, 5, "Fortbildung", "Training course")],
    },
    {
        "email": "a.demir@" + DOMAIN,
        "full_name": "Aylin Demir",
        "slug": "aylin-demir",
        "role_de": (
            "Beraterin für Jugendarbeit, Anerkennung freier Träger und Empowerment von Frauen"
        ),
        "role_en": (
            "Advisor on youth work, recognition of voluntary providers and women's empowerment"
        ),
        "short_bio_de": (
            "Sozialwissenschaftlerin mit Schwerpunkt Migration und Diversität. Sie begleitet "
            "muslimische Vereine auf dem Weg zur Anerkennung als freier Träger der Jugendhilfe und "
            "stärkt Frauen in den Gemeinden."
        ),
        "short_bio_en": (
            "Social scientist specialising in migration and diversity. She supports Muslim "
            "associations on their way to recognition as voluntary youth-welfare providers and "
            "strengthens women in communities."
        ),
        "bio_de": (
            "Aylin Demir begleitet Kommunen und Vereine über längere Zeit, wenn es um Jugendarbeit "
            "und Teilhabe geht. Ein Schwerpunkt ist die Anerkennung muslimischer Vereine als "
            "freier Träger der Jugendhilfe. Sie erklärt die Voraussetzungen, hilft bei Satzung und "
            "pädagogischem Konzept und bringt Jugendamt und Verein miteinander ins Gespräch.\n\n"
            "Sie ist in Duisburg aufgewachsen; ihre Eltern kamen aus der Türkei ins Ruhrgebiet. "
            "Nach dem Master in Migration und Diversität arbeitete sie fünf Jahre für einen "
            "muslimischen Jugendverband in Nordrhein-Westfalen. Dort baute sie Schulungen für "
            "Gruppenleiter:innen auf und beriet Ortsgruppen bei Förderanträgen.\n\n"
            "Ihr zweiter Schwerpunkt ist die Arbeit mit Frauen. Sie hat Mentoring-Programme für "
            "Frauen aus Moscheegemeinden entwickelt, die sich in Elternbeiräten, Integrationsräten "
            "oder Sportvereinen engagieren wollen. Kommunen unterstützt sie dabei, solche "
            "Programme gemeinsam mit örtlichen Partner:innen dauerhaft zu verankern."
        ),
        "bio_en": (
            "Aylin Demir supports municipalities and associations over longer periods on youth "
            "work and participation. One focus is the recognition of Muslim associations as "
            "voluntary youth-welfare providers. She explains the requirements, helps with statutes "
            "and the educational concept, and brings the youth welfare office and the association "
            "into conversation.\n\n"
            "She grew up in Duisburg; her parents came to the Ruhr from Turkey. After a master's "
            "degree in migration and diversity, she worked for five years for a Muslim youth "
            "organisation in North Rhine-Westphalia. There she set up training for group leaders "
            "and advised local groups on funding applications.\n\n"
            "Her second focus is work with women. She has developed mentoring programmes for women "
            "from mosque communities who want to get involved in parents' councils, integration "
            "councils or sports clubs. She helps municipalities to embed such programmes "
            "permanently together with local partners."
        ),
        "qualifications_de": (
            "M. A. Migration und Diversität, Universität Osnabrück\n"
            "B. A. Sozialwissenschaften, Universität Duisburg-Essen\n"
            "Weiterbildung Erwachsenenbildung und Trainingsdesign"
        ),
        "qualifications_en": (
            "MA in Migration and Diversity, Osnabrück University\n"
            "BA in Social Sciences, University of Duisburg-Essen\n"
            "Further training in adult education and training design"
        ),
        "regional_knowledge_de": (
            "Sie hat ein Semester in Istanbul studiert. Sie kennt das Vereinsleben türkeistämmiger "
            "Familien im Ruhrgebiet und im Rhein-Main-Gebiet aus eigener Anschauung."
        ),
        "regional_knowledge_en": (
            "She studied for a term in Istanbul. She knows the associations of families of Turkish "
            "origin in the Ruhr and the Rhine-Main area from first-hand experience."
        ),
        "topics": [
            "jugendarbeit",
            "frauen-empowerment",
            "interkulturelle-oeffnung",
            "kooperation-verbaende",
        ],
        "languages": ["de", "tr", "en"],
        "states": ["05", "06"],
        "formats": ["prozessbegleitung"],
        "modes": ["in_person", "video", "phone"],
        "max_open_cases": 5,
        "slot_minutes": 60,
        "buffer_minutes": 10,
        "min_notice_hours": 48,
        "horizon_weeks": 6,
        "daily_max": 3,
        "windows": [(0, "13:00", "18:00"), (1, "09:00", "12:00"), (3, "14:00", "18:30")],
        "absences": [(5, 3, "Tagung", "Conference"), (40, 10, "Urlaub", "Holiday")],
    },
    {
        "email": "h.yildiz@" + DOMAIN,
        "full_name": "Hakan Yıldız",
        "slug": "hakan-yildiz",
        "role_de": (
            "Berater für Arbeitsmarktintegration, Feiertage und Verpflegung in Schulen und "
            "Betrieben"
        ),
        "role_en": (
            "Advisor on labour-market integration, religious holidays and catering in schools and "
            "workplaces"
        ),
        "short_bio_de": (
            "Soziologe mit Erfahrung in Arbeitsmarktprojekten. Er berät zu religiösen Feiertagen, "
            "zum Speiseangebot in Kantinen und zur interkulturellen Öffnung von Betrieben, "
            "Vereinen und Verwaltungen."
        ),
        "short_bio_en": (
            "Sociologist with experience in labour-market projects. He advises on religious "
            "holidays, canteen menus and the intercultural opening of businesses, clubs and public "
            "offices."
        ),
        "bio_de": (
            "Hakan Yıldız berät Kommunen zu Fragen, die im Alltag von Schulen, Kitas und Betrieben "
            "entstehen. Wie regelt eine Schule die Freistellung an religiösen Feiertagen? Was "
            "braucht eine Kantine, damit alle gut essen können? Er kennt die rechtlichen "
            "Grundlagen und zeigt an Beispielen aus anderen Kommunen, was sich bewährt hat.\n\n"
            "Er hat Soziologie in Bremen studiert und danach acht Jahre in Projekten zur "
            "Arbeitsmarktintegration gearbeitet, zuletzt bei der AWO in Niedersachsen. Dort beriet "
            "er Unternehmen, die Geflüchtete und Zugewanderte ausbilden wollten. Er vermittelte "
            "zwischen Betrieben, Jobcenter und Trägern von Sprachkursen.\n\n"
            "Ein Austauschjahr in Chicago hat seinen Blick auf Vielfalt im Arbeitsleben geprägt. "
            "Heute unterstützt er Sportvereine, Feuerwehren und Ämter bei der interkulturellen "
            "Öffnung: von der Ansprache neuer Mitglieder bis zu Absprachen über Gebetszeiten am "
            "Arbeitsplatz."
        ),
        "bio_en": (
            "Hakan Yıldız advises municipalities on questions that arise in the daily life of "
            "schools, nurseries and workplaces. How should a school handle leave for religious "
            "holidays? What does a canteen need so that everyone can eat well? He knows the legal "
            "framework and uses examples from other municipalities to show what has worked.\n\n"
            "He studied sociology in Bremen and then spent eight years on labour-market "
            "integration projects, most recently with AWO in Lower Saxony. There he advised "
            "companies that wanted to train refugees and other newcomers. He acted as a go-between "
            "for employers, job centres and language course providers.\n\n"
            "An exchange year in Chicago shaped his view of diversity at work. Today he supports "
            "sports clubs, volunteer fire brigades and public offices in opening up to people of "
            "all backgrounds: from reaching new members to agreeing on prayer times at work."
        ),
        "qualifications_de": (
            "Diplom-Soziologe, Universität Bremen\n"
            "Weiterbildung Diversity Management und interkulturelle Personalentwicklung"
        ),
        "qualifications_en": (
            "Diploma in Sociology, University of Bremen\n"
            "Further training in diversity management and intercultural staff development"
        ),
        "regional_knowledge_de": (
            "Seine Familie stammt aus der Gegend um Izmir, und er hat ein Jahr in Chicago gelebt. "
            "Er kennt die Arbeitsmigration aus der Türkei nach Norddeutschland aus der eigenen "
            "Familie und aus der beruflichen Praxis."
        ),
        "regional_knowledge_en": (
            "His family comes from the area around Izmir, and he lived in Chicago for a year. He "
            "knows labour migration from Turkey to northern Germany from his own family and from "
            "his professional work."
        ),
        "topics": ["arbeitsmarkt", "feiertage", "verpflegung", "interkulturelle-oeffnung"],
        "languages": ["de", "tr", "en"],
        "states": ["03", "04", "05"],
        "formats": ["fachberatung", "prozessbegleitung"],
        "modes": ["in_person", "video", "phone"],
        "max_open_cases": 7,
        "slot_minutes": 45,
        "buffer_minutes": 15,
        "min_notice_hours": 24,
        "horizon_weeks": 12,
        "daily_max": 5,
        "windows": [
            (0, "08:00", "11:00"),
            (2, "08:00", "11:00"),
            (2, "15:00", "19:00"),
            (4, "10:00", "14:00"),
        ],
        "absences": [],
    },
    {
        "email": "r.vogelsang@" + DOMAIN,
        "full_name": "Renate Vogelsang",
        "slug": "renate-vogelsang",
        "role_de": (
            "Beraterin für Flüchtlingssozialarbeit, interkulturelle Öffnung und Konfliktklärung"
        ),
        "role_en": "Advisor on refugee social work, intercultural opening and resolving conflicts",
        "short_bio_de": (
            "Sozialpädagogin mit über 30 Jahren Erfahrung bei Caritas und DRK. Sie berät Kommunen "
            "in Ostdeutschland zu Unterbringung, Beratungsstrukturen, Frauenarbeit und zum Umgang "
            "mit Konflikten vor Ort."
        ),
        "short_bio_en": (
            "Social worker with more than 30 years of experience at Caritas and the German Red "
            "Cross. She advises municipalities in eastern Germany on housing, advice services, "
            "work with women and local conflicts."
        ),
        "bio_de": (
            "Renate Vogelsang arbeitet seit über dreißig Jahren mit Zugewanderten und "
            "Geflüchteten. Anfang der 1990er-Jahre begann sie in einer Leipziger Beratungsstelle "
            "der Caritas. Dort begleitete sie Spätaussiedler:innen und jüdische Zuwanderer:innen "
            "aus der früheren Sowjetunion. Später leitete sie beim Deutschen Roten Kreuz in "
            "Sachsen-Anhalt Gemeinschaftsunterkünfte und den Migrationsdienst eines "
            "Kreisverbands.\n\n"
            "Aus dieser Zeit kennt sie beide Seiten: die Sorgen der Menschen in den Unterkünften "
            "und den Druck, unter dem Verwaltungen stehen. Sie hat Frauengruppen in Unterkünften "
            "aufgebaut und viele Ehrenamtliche geschult. Nach ihrer Ausbildung zur systemischen "
            "Beraterin hat sie sich auf Konflikte spezialisiert, die in Nachbarschaften und "
            "Ehrenamtskreisen entstehen.\n\n"
            "Heute berät sie Kommunen in Sachsen, Sachsen-Anhalt, Thüringen und Brandenburg. Sie "
            "hilft, Beratungsangebote zu ordnen, Vereine und Initiativen für neue Mitglieder zu "
            "öffnen und nach Vorfällen wieder ins Gespräch zu kommen. Kolleg:innen schätzen ihre "
            "ruhige und praktische Art."
        ),
        "bio_en": (
            "Renate Vogelsang has worked with migrants and refugees for more than thirty years. "
            "She started in the early 1990s at a Caritas advice centre in Leipzig, where she "
            "supported ethnic German resettlers and Jewish immigrants from the former Soviet "
            "Union. Later, at the German Red Cross in Saxony-Anhalt, she managed shared "
            "accommodation and the migration service of a district branch.\n\n"
            "From those years she knows both sides: the worries of the people living in the "
            "accommodation and the pressure that local authorities are under. She set up women's "
            "groups in shelters and trained many volunteers. After qualifying as a systemic "
            "counsellor, she specialised in conflicts that arise in neighbourhoods and among "
            "volunteers.\n\n"
            "Today she advises municipalities in Saxony, Saxony-Anhalt, Thuringia and Brandenburg. "
            "She helps them to organise advice services, to open clubs and initiatives to new "
            "members and to restore dialogue after incidents. Colleagues value her calm and "
            "practical manner."
        ),
        "qualifications_de": (
            "Diplom-Sozialpädagogin (FH), Hochschule für Technik, Wirtschaft und Kultur Leipzig\n"
            "Weiterbildung Systemische Beratung\n"
            "Fortbildung Mediation im Gemeinwesen"
        ),
        "qualifications_en": (
            "Diploma in Social Pedagogy, Leipzig University of Applied Sciences\n"
            "Further training in systemic counselling\n"
            "Training in community mediation"
        ),
        "regional_knowledge_de": (
            "Sie kennt die ostdeutschen Bundesländer aus langjähriger Arbeit in Städten und im "
            "ländlichen Raum. Durch ihre Arbeit mit Menschen aus der früheren Sowjetunion und der "
            "Ukraine ist sie mit deren Migrationswegen und Lebenslagen vertraut."
        ),
        "regional_knowledge_en": (
            "She knows the eastern German states from many years of work in towns and rural areas. "
            "Through her work with people from the former Soviet Union and Ukraine, she is "
            "familiar with their migration routes and living situations."
        ),
        "topics": [
            "fluechtlingssozialarbeit",
            "frauen-empowerment",
            "interkulturelle-oeffnung",
            "konfliktkommunikation",
        ],
        "languages": ["de", "ru", "en"],
        "states": ["12", "14", "15", "16"],
        "formats": ["fachberatung", "prozessbegleitung"],
        "modes": ["in_person", "phone"],
        "max_open_cases": 4,
        "slot_minutes": 90,
        "buffer_minutes": 30,
        "min_notice_hours": 72,
        "horizon_weeks": 6,
        "daily_max": 2,
        "windows": [(1, "09:00", "13:00"), (2, "09:00", "13:00"), (3, "09:00", "13:00")],
        "absences": [(30, 21, "Urlaub", "Holiday")],
    },
    {
        "email": "e.dogan@" + DOMAIN,
        "full_name": "Elif Doğan",
        "slug": "elif-dogan",
        "role_de": (
            "Beraterin für die Zusammenarbeit mit alevitischen und muslimischen Verbänden und für "
            "Antidiskriminierung"
        ),
        "role_en": (
            "Advisor on cooperation with Alevite and Muslim associations and on anti-discrimination"
        ),
        "short_bio_de": (
            "Soziologin aus einer alevitischen Familie. Sie zeigt Kommunen, wie vielfältig "
            "muslimisches und alevitisches Leben ist, und berät zu Verbänden, Feiertagen, "
            "Dialogformaten und Schutz vor Diskriminierung."
        ),
        "short_bio_en": (
            "Sociologist from an Alevite family. She shows municipalities how diverse Muslim and "
            "Alevite life is and advises on associations, holidays, dialogue formats and "
            "protection against discrimination."
        ),
        "bio_de": (
            "Elif Doğan ist in Offenbach in einer alevitischen Familie aufgewachsen, deren Wurzeln "
            "in der Provinz Malatya liegen. Sie weiß aus eigener Erfahrung, dass Alevit:innen in "
            "kommunalen Gremien oft übersehen oder einfach den Moscheegemeinden zugerechnet "
            "werden. In der Beratung zeigt sie, wie unterschiedlich religiöse Gemeinschaften "
            "organisiert sind und wer vor Ort die richtigen Ansprechpersonen sind.\n\n"
            "Nach ihrem Studium arbeitete sie vier Jahre als Bildungsreferentin für einen "
            "alevitischen Landesverband. Sie organisierte Jugendfreizeiten, Seminare zur "
            "Geschichte des Alevitentums und Begegnungen mit Schulklassen. Danach wechselte sie in "
            "eine Beratungsstelle gegen Diskriminierung in Frankfurt am Main. Dort begleitete sie "
            "Menschen, die wegen ihrer Religion oder Herkunft benachteiligt wurden.\n\n"
            "Heute berät sie Kommunen zu Runden Tischen und anderen Dialogformaten, zu Regelungen "
            "für Feiertage wie Aşure oder Hıdırellez und zum Aufbau von Beschwerdestellen. Sie "
            "arbeitet auf Deutsch, Türkisch, Kurmancî und Englisch."
        ),
        "bio_en": (
            "Elif Doğan grew up in Offenbach in an Alevite family with roots in the province of "
            "Malatya. She knows from her own experience that Alevis are often overlooked in "
            "municipal bodies or simply counted as part of the mosque communities. In her advice "
            "she shows how differently religious communities are organised and who the right "
            "contact persons are locally.\n\n"
            "After her studies she worked for four years as an education officer for a regional "
            "Alevite federation. She organised youth camps, seminars on Alevi history and visits "
            "with school classes. She then moved to an anti-discrimination advice centre in "
            "Frankfurt am Main, where she supported people who had been treated unfairly because "
            "of their religion or origin.\n\n"
            "Today she advises municipalities on round tables and other dialogue formats, on "
            "arrangements for holidays such as Aşure or Hıdırellez and on setting up complaint "
            "offices. She works in German, Turkish, Kurmanji and English."
        ),
        "qualifications_de": (
            "M. A. Soziologie, Goethe-Universität Frankfurt am Main\n"
            "B. A. Geschichte und Religionswissenschaft, Philipps-Universität Marburg\n"
            "Qualifizierung Antidiskriminierungsberatung"
        ),
        "qualifications_en": (
            "MA in Sociology, Goethe University Frankfurt\n"
            "BA in History and Religious Studies, University of Marburg\n"
            "Qualification in anti-discrimination counselling"
        ),
        "regional_knowledge_de": (
            "Sie hat längere Zeit in Malatya und Istanbul verbracht. Sie kennt die Geschichte der "
            "Alevit:innen in Anatolien und ihre Selbstorganisation in der deutschen Diaspora."
        ),
        "regional_knowledge_en": (
            "She has spent long periods in Malatya and Istanbul. She knows the history of the "
            "Alevis in Anatolia and how they organise themselves in the German diaspora."
        ),
        "topics": [
            "kooperation-verbaende",
            "feiertage",
            "dialog",
            "antimuslimischer-rassismus",
            "jugendarbeit",
        ],
        "languages": ["de", "tr", "ku", "en"],
        "states": ["05", "06", "07", "10"],
        "formats": ["fachberatung", "prozessbegleitung"],
        "modes": ["in_person", "video"],
        "max_open_cases": 6,
        "slot_minutes": 60,
        "buffer_minutes": 10,
        "min_notice_hours": 48,
        "horizon_weeks": 8,
        "daily_max": 4,
        "windows": [
            (0, "10:00", "14:00"),
            (1, "15:00", "19:00"),
            (3, "10:00", "13:00"),
            (4, "08:30", "11:30"),
        ],
        "absences": [(14, 2, "Fortbildung", "Training course")],
    },
    {
        "email": "y.begovic@" + DOMAIN,
        "full_name": "Yusuf Begović",
        "slug": "yusuf-begovic",
        "role_de": "Berater für Bestattung, Seelsorge und religiöse Fragen in Moscheegemeinden",
        "role_en": "Advisor on burial, pastoral care and religious questions in mosque communities",
        "short_bio_de": (
            "Islamischer Theologe und ausgebildeter Seelsorger. Er berät zu muslimischen "
            "Grabfeldern, zum Gemeindeleben in Moscheen und zu Präventionsarbeit, die religiöses "
            "Wissen ernst nimmt."
        ),
        "short_bio_en": (
            "Islamic theologian and trained pastoral carer. He advises on Muslim burial sections, "
            "community life in mosques and prevention work that takes religious knowledge "
            "seriously."
        ),
        "bio_de": (
            "Yusuf Begović kam als Kind mit seiner Familie aus Bosnien und Herzegowina nach "
            "Stuttgart. Er studierte Islamische Theologie in Tübingen und verbrachte ein "
            "Studienjahr in Amman, um sein Arabisch zu vertiefen. Anschließend ließ er sich in "
            "Krankenhaus- und Notfallseelsorge ausbilden.\n\n"
            "Mehrere Jahre koordinierte er ein Netz ehrenamtlicher muslimischer Seelsorger:innen "
            "in Kliniken und Pflegeheimen. Dabei arbeitete er eng mit der katholischen und der "
            "evangelischen Seelsorge zusammen. Viele Gespräche drehten sich um Sterben, Trauer und "
            "Bestattung. Deshalb kennt er die Fragen, die Familien und Friedhofsverwaltungen "
            "gleichermaßen beschäftigen, etwa zu rituellen Waschungen, Ruhezeiten und "
            "Sargpflicht.\n\n"
            "Heute berät er Kommunen und Moscheegemeinden zu Grabfeldern, zu Räumen für die "
            "Gemeindearbeit und zum Austausch zwischen Gemeinde und Nachbarschaft. In "
            "Präventionsprojekten bringt er theologisches Wissen ein, wenn sich junge Menschen auf "
            "extremistische Deutungen des Islams berufen. Er spricht Deutsch, Bosnisch, Arabisch "
            "und Englisch."
        ),
        "bio_en": (
            "Yusuf Begović came to Stuttgart from Bosnia and Herzegovina with his family as a "
            "child. He studied Islamic theology in Tübingen and spent a year in Amman to deepen "
            "his Arabic. He then trained in hospital and emergency pastoral care.\n\n"
            "For several years he coordinated a network of volunteer Muslim pastoral carers in "
            "hospitals and care homes, working closely with Catholic and Protestant chaplaincies. "
            "Many conversations were about dying, grief and burial. As a result, he knows the "
            "questions that concern families and cemetery administrations alike, such as ritual "
            "washing, grave tenure and the requirement to bury in a coffin.\n\n"
            "Today he advises municipalities and mosque communities on burial sections, on "
            "premises for community work and on exchange between congregations and their "
            "neighbours. In prevention projects he contributes theological knowledge when young "
            "people invoke extremist readings of Islam. He speaks German, Bosnian, Arabic and "
            "English."
        ),
        "qualifications_de": (
            "M. A. Islamische Theologie, Eberhard Karls Universität Tübingen\n"
            "Ausbildung Krankenhaus- und Notfallseelsorge\n"
            "Weiterbildung Trauerbegleitung"
        ),
        "qualifications_en": (
            "MA in Islamic Theology, University of Tübingen\n"
            "Training in hospital and emergency pastoral care\n"
            "Further training in bereavement support"
        ),
        "regional_knowledge_de": (
            "Er kennt Bosnien und Herzegowina aus regelmäßigen längeren Aufenthalten und hat ein "
            "Jahr in Jordanien gelebt. Er ist mit der Geschichte und Praxis des Islams in "
            "Südosteuropa und im arabischen Raum vertraut."
        ),
        "regional_knowledge_en": (
            "He knows Bosnia and Herzegovina from regular long stays and has lived in Jordan for a "
            "year. He is familiar with the history and practice of Islam in south-eastern Europe "
            "and the Arab world."
        ),
        "topics": ["bestattung", "moscheebau", "dialog", "extremismuspraevention"],
        "languages": ["de", "bs", "ar", "en"],
        "states": ["08", "09"],
        "formats": ["fachberatung", "prozessbegleitung"],
        "modes": ["in_person", "video"],
        "max_open_cases": 5,
        "slot_minutes": 60,
        "buffer_minutes": 15,
        "min_notice_hours": 48,
        "horizon_weeks": 10,
        "daily_max": 3,
        "windows": [(1, "08:00", "12:00"), (3, "14:00", "18:00"), (4, "13:00", "16:00")],
        "absences": [(7, 3, "Tagung", "Conference"), (45, 7, "Urlaub", "Holiday")],
    },
    {
        "email": "f.karimi@" + DOMAIN,
        "full_name": "Farid Karimi",
        "slug": "farid-karimi",
        "role_de": (
            "Berater für Flüchtlingssozialarbeit, Arbeitsmarktzugang und Konfliktkommunikation – "
            "bundesweit per Video und Telefon"
        ),
        "role_en": (
            "Advisor on refugee social work, access to work and conflict communication – "
            "nationwide by video and phone"
        ),
        "short_bio_de": (
            "Psychologe mit afghanischen Wurzeln. Er berät Kommunen bundesweit per Video und "
            "Telefon zur psychosozialen Versorgung Geflüchteter, zu Wegen in Arbeit und zum Umgang "
            "mit Rassismus."
        ),
        "short_bio_en": (
            "Psychologist with Afghan roots. He advises municipalities across Germany by video and "
            "phone on psychosocial care for refugees, routes into work and dealing with racism."
        ),
        "bio_de": (
            "Farid Karimi ist in Hamburg geboren; seine Eltern flohen Anfang der 1980er-Jahre aus "
            "Afghanistan. Nach dem Studium der Psychologie arbeitete er in einem psychosozialen "
            "Zentrum für Geflüchtete des Deutschen Roten Kreuzes. Dort begleitete er Menschen mit "
            "belastenden Fluchterfahrungen und schulte Sozialarbeiter:innen sowie "
            "Dolmetscher:innen.\n\n"
            "Später war er drei Jahre in einem Projekt der Diakonie tätig, das Geflüchteten den "
            "Weg in Ausbildung und Arbeit erleichtert. Er kennt die Hürden bei der Anerkennung von "
            "Abschlüssen. Und er weiß, wie wichtig feste Ansprechpersonen in Jobcenter und "
            "Ausländerbehörde sind.\n\n"
            "Heute berät er nur per Video und Telefon und ist so für Kommunen in allen "
            "Bundesländern erreichbar. Er gibt gezielte fachliche Hinweise zu einzelnen Fragen: "
            "Wie spricht man seelische Belastungen an? Wie reagiert eine Verwaltung, wenn "
            "Geflüchtete oder Muslim:innen rassistisch angegriffen werden? Seine Beratung ist "
            "kurz, konkret und nah an der Praxis."
        ),
        "bio_en": (
            "Farid Karimi was born in Hamburg; his parents fled Afghanistan in the early 1980s. "
            "After studying psychology, he worked at a German Red Cross psychosocial centre for "
            "refugees. There he supported people with distressing experiences of flight and "
            "trained social workers and interpreters.\n\n"
            "He then spent three years on a Diakonie project that helps refugees into training and "
            "employment. He knows the obstacles to getting qualifications recognised, and he knows "
            "how much it matters to have named contact persons at the job centre and the "
            "immigration office.\n\n"
            "Today he advises only by video and phone, which means municipalities in every federal "
            "state can reach him. He gives focused expert advice on specific questions: how do you "
            "raise the subject of psychological strain? How should a local authority respond when "
            "refugees or Muslims are the target of racist attacks? His advice is short, concrete "
            "and practical."
        ),
        "qualifications_de": (
            "M. Sc. Psychologie, Universität Hamburg\n"
            "Weiterbildung Psychotraumatologie\n"
            "Zertifikat Interkulturelle Beratung"
        ),
        "qualifications_en": (
            "MSc in Psychology, University of Hamburg\n"
            "Further training in psychotraumatology\n"
            "Certificate in intercultural counselling"
        ),
        "regional_knowledge_de": (
            "Er hat vor 2021 Kabul und Herat besucht und mehrere Monate in Teheran gelebt. Er "
            "kennt die Fluchtwege aus der Region und die Lage afghanischer und iranischer "
            "Communitys in Deutschland."
        ),
        "regional_knowledge_en": (
            "Before 2021 he visited Kabul and Herat, and he lived in Tehran for several months. He "
            "knows the escape routes from the region and the situation of Afghan and Iranian "
            "communities in Germany."
        ),
        "topics": [
            "fluechtlingssozialarbeit",
            "arbeitsmarkt",
            "konfliktkommunikation",
            "antimuslimischer-rassismus",
        ],
        "languages": ["de", "fa", "ps", "en"],
        "states": [
            "01",
            "02",
            "03",
            "04",
            "05",
            "06",
            "07",
            "08",
            "09",
            "10",
            "11",
            "12",
            "13",
            "14",
            "15",
            "16",
        ],
        "formats": ["fachberatung"],
        "modes": ["video", "phone"],
        "max_open_cases": 10,
        "slot_minutes": 45,
        "buffer_minutes": 0,
        "min_notice_hours": 24,
        "horizon_weeks": 4,
        "daily_max": 6,
        "windows": [
            (0, "14:00", "18:00"),
            (1, "08:00", "12:00"),
            (2, "14:00", "18:00"),
            (3, "08:00", "12:00"),
            (4, "08:00", "11:00"),
        ],
        "absences": [],
    },
    {
        "email": "a.warsame@" + DOMAIN,
        "full_name": "Amina Warsame",
        "slug": "amina-warsame",
        "role_de": "Beraterin für Jugendarbeit, Schulalltag und Empowerment muslimischer Frauen",
        "role_en": (
            "Advisor on youth work, everyday school life and the empowerment of Muslim women"
        ),
        "short_bio_de": (
            "Sozialarbeiterin und Historikerin mit somalischen Wurzeln. Sie berät in "
            "Norddeutschland zu Jugendarbeit, Schulverpflegung, Frauenprojekten und zum Schutz vor "
            "antimuslimischem Rassismus."
        ),
        "short_bio_en": (
            "Social worker and historian with Somali roots. She advises in northern Germany on "
            "youth work, school catering, women's projects and protection against anti-Muslim "
            "racism."
        ),
        "bio_de": (
            "Amina Warsame ist in Kiel aufgewachsen; ihre Familie stammt aus Somalia. Nach dem "
            "Studium der Sozialen Arbeit war sie sechs Jahre Schulsozialarbeiterin an einer "
            "Stadtteilschule in Hamburg. Sie vermittelte zwischen Lehrkräften und Eltern, etwa bei "
            "Klassenfahrten, beim Schwimmunterricht oder bei der Frage, was in der Mensa auf den "
            "Tisch kommt.\n\n"
            "Berufsbegleitend studierte sie Geschichte. In ihrer Masterarbeit untersuchte sie "
            "muslimische Frauenvereine in Norddeutschland seit den 1970er-Jahren. Ein Jahr lebte "
            "sie in London und arbeitete dort in einem Netzwerk, das junge Musliminnen auf "
            "Ehrenämter und politische Mandate vorbereitet.\n\n"
            "Heute berät sie Kommunen in Schleswig-Holstein, Hamburg, Niedersachsen, Bremen und "
            "Mecklenburg-Vorpommern. Sie unterstützt Jugendämter und Vereine, die junge "
            "Muslim:innen besser erreichen wollen, und hilft beim Aufbau von Frauenprojekten. Wenn "
            "Schüler:innen oder Beschäftigte antimuslimischen Rassismus erleben, zeigt sie Wege zu "
            "Beratung und Beschwerde auf."
        ),
        "bio_en": (
            "Amina Warsame grew up in Kiel; her family comes from Somalia. After studying social "
            "work, she spent six years as a school social worker at a comprehensive school in "
            "Hamburg. She mediated between teachers and parents, for example on school trips, "
            "swimming lessons or what is served in the canteen.\n\n"
            "Alongside her job she studied history. Her master's thesis looked at Muslim women's "
            "associations in northern Germany since the 1970s. She lived in London for a year, "
            "working for a network that prepares young Muslim women for voluntary roles and "
            "political office.\n\n"
            "Today she advises municipalities in Schleswig-Holstein, Hamburg, Lower Saxony, Bremen "
            "and Mecklenburg-Western Pomerania. She supports youth welfare offices and "
            "associations that want to reach young Muslims better, and she helps to set up "
            "projects for women. When pupils or staff experience anti-Muslim racism, she shows "
            "them where to find advice and how to complain."
        ),
        "qualifications_de": (
            "B. A. Soziale Arbeit, Hochschule für Angewandte Wissenschaften Hamburg\n"
            "M. A. Geschichte, Christian-Albrechts-Universität zu Kiel\n"
            "Weiterbildung Empowerment-Trainerin"
        ),
        "qualifications_en": (
            "BA in Social Work, Hamburg University of Applied Sciences\n"
            "MA in History, Kiel University\n"
            "Further training as an empowerment trainer"
        ),
        "regional_knowledge_de": (
            "Sie hat ein Jahr in London gelebt und einen Sommer in Minneapolis verbracht, wo viele "
            "Somalier:innen leben. Sie kennt die somalische Diaspora in Europa und Nordamerika "
            "sowie die Lage am Horn von Afrika."
        ),
        "regional_knowledge_en": (
            "She lived in London for a year and spent a summer in Minneapolis, home to a large "
            "Somali community. She knows the Somali diaspora in Europe and North America and the "
            "situation in the Horn of Africa."
        ),
        "topics": [
            "jugendarbeit",
            "frauen-empowerment",
            "verpflegung",
            "antimuslimischer-rassismus",
        ],
        "languages": ["de", "so", "en", "ar"],
        "states": ["01", "02", "03", "04", "13"],
        "formats": ["fachberatung", "prozessbegleitung"],
        "modes": ["in_person", "video", "phone"],
        "max_open_cases": 6,
        "slot_minutes": 60,
        "buffer_minutes": 10,
        "min_notice_hours": 24,
        "horizon_weeks": 8,
        "daily_max": 4,
        "windows": [(1, "13:00", "17:00"), (3, "13:00", "17:00"), (4, "09:00", "12:00")],
        "absences": [(20, 5, "Dienstreise", "Business trip")],
    },
]
