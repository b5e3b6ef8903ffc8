"""The report's fixed wording in Dutch (Flemish usage): the counterpart of ``EN`` in
:mod:`pipeline.stages.report.texts`, key for key. Numbers use a decimal comma (``Texts.num``).
"""
from __future__ import annotations

NL = {
    "key_findings": "Belangrijkste bevindingen",
    "comparison_picture": "De vergelijking in \u00e9\u00e9n beeld",
    "description_picture": "Wat er gezegd werd, in \u00e9\u00e9n beeld",
    "recommendations": "Wat {@participants} zouden veranderen",
    "themes": "Bevindingen per thema",
    "details": "Verschillen in detail",
    "summary_details": "De cijfers in detail",
    "topics": "Nieuwe onderwerpen",
    "framework": "Frameworkmatrix",
    "methods": "Werkwijze en beperkingen",
    "provenance": "Bijlage: herkomst van de gegevens",
    "contents": "Inhoud",
    "skip": "Naar de inhoud",
    "lead_compare": "Wat {n_resp} {@units} in {n_cases} {@cases} zeiden, en of {versus} verschillen.",
    "lead_describe": "Wat {n_resp} {@units} in {n_cases} {@cases} zeiden. Deze studie heeft \u00e9\u00e9n "
                     "groep: het rapport beschrijft het materiaal en vergelijkt geen groepen.",
    "kf_intro": "Elke uitspraak is met vaste regels afgeleid uit het gecodeerde materiaal; de cijfers zeggen hoeveel "
                "{@units} iets aanhaalden (een {@unit} telt \u00e9\u00e9n keer, hoe vaak hij of zij er ook "
                "over sprak) en in hoeveel {@cases}{@case_note}.",
    "case_note": " (interviews, focusgroepen of de schriftelijke antwoorden van \u00e9\u00e9n persoon)",
    "case_one": "; de schriftelijke antwoorden van \u00e9\u00e9n persoon tellen als \u00e9\u00e9n gesprek",
    "case_def": ": een interview of een focusgroep is \u00e9\u00e9n gesprek, en dat geldt ook voor de "
                "schriftelijke antwoorden van elke persoon in een tabel met open antwoorden",
    "strength_all": "alle {@units}", "strength_nearly_all": "bijna alle {@units}",
    "strength_most": "de meeste {@units}",
    "strength_many": "veel {@units}", "strength_some": "een aantal {@units}",
    "strength_few": "enkele {@units}",
    "theme_statement": "{Strength} spraken over {theme}, vooral over {codes}.",
    "theme_statement_one": "{Strength} spraken over {theme}.",
    "evidence": "Aangehaald door {x} van de {n} {@units} ({share}; {ci}-interval {low}\u2013{high}) in {d} van "
                "de {D} {@cases}.",
    "contrary": "Maar {x} {unit_n} in {d} {case_n} had{den} het over {label}.",
    "rec_statement": "{x} van de {n} {@units} in {d} van de {D} {@cases} stelden veranderingen voor, het "
                     "vaakst over {topics}.",
    "rec_statement_plain": "{x} van de {n} {@units} in {d} van de {D} {@cases} stelden veranderingen voor.",
    "rec_none": "Geen enkele code is aangeduid als suggestie of aanbeveling (report.recommendation_codes in het "
                "studiebestand), dus het rapport heeft geen deel over wat {@participants} zouden veranderen.",
    "rec_intro": "Passages die als suggestie of aanbeveling gecodeerd zijn, gegroepeerd volgens waarover ze gaan "
                 "(de codes van andere thema's in dezelfde passage), grootste groep eerst; een passage over twee "
                 "zaken telt in beide groepen mee.",
    "more": "Meer hierover: {section}",
    "rec_group": "{label}: {x} {unit_n} in {d} {case_n}",
    "rec_other": "Andere voorstellen",
    "diff_sig": "{Item} verschilt tussen {groups}: {xa} van de {na} {@units} in {ga} ({sa}) tegenover {xb} van "
                "de {nb} in {gb} ({sb}){extremes}; waarschijnlijk geen toeval (gecorrigeerde p {p}), maar de steekproef is "
                "klein en niet representatief.",
    "diff_none": "Geen duidelijk verschil tussen {groups}: het grootste verschil, bij {item} ({sa} in {ga} tegenover "
                 "{sb} in {gb}{extremes}), kan toeval zijn (gecorrigeerde p {p}); met {da} en {db} {@cases} kunnen "
                 "alleen grote verschillen aan het licht komen.",
    "extremes": ", de hoogste en de laagste van {n} groepen",
    "diff_untested": "Geen vergelijking van {groups} heeft minstens {m} {@cases} per groep, dus er wordt geen "
                     "verschil vermeld.",
    "one_group": "Deze studie heeft \u00e9\u00e9n groep {@units}: het rapport beschrijft wat er gezegd werd en "
                 "vergelijkt geen groepen.",
    "rare": "Weinig gehoord, maar wel aanwezig: {items}.",
    "rare_flag": "weinig gehoord: {x} {unit_n}",
    "by_whom_part": "{x} van de {n} {count_of}",
    "by_whom": "Wie het aanhaalde: {parts}.",
    "topics_not_in_codebook": "Wat het onderwerpmodel vond en het codeboek niet: {items}.",
    "picture_alt": "Staafdiagram van het aandeel {@units} dat elk thema en de meest genoemde code ervan "
                   "aanhaalde",
    "picture_caption": "Thema's (vet) en hun meest genoemde code: aandeel {@units} dat het aanhaalde, met "
                       "{ci}-intervallen; n per groep in de legende. De staven zijn per groep gearceerd voor "
                       "afdrukken in grijstinten.",
    "x_label": "aandeel {@units} dat het aanhaalde (lijnen: {ci}-interval)",
    "legend": "{group} (n = {n} {@units}, {d} {@cases})",
    "theme_row": "Thema: {label}",
    "everyone": "Alle {@units}",
    "in_words": "In hun eigen woorden",
    "no_quote": "Geen gecodeerde passage over dit thema in deze groep.",
    "methods_plain": [
        "{n_docs} {@documents} met {n_resp} {@units} ({n_cases} {@cases}{@case_one}) werden ingelezen in tabellen, \u00e9\u00e9n rij per spreekbeurt; namen, e-mailadressen en telefoonnummers werden eerst door "
        "pseudoniemen vervangen.",
        "Elke spreekbeurt van een {@unit} werd gecodeerd met het codeboek {codebook} ({n_codes} codes in "
        "{n_themes} thema's). {coding}",
        "Aandelen tellen {@units}; intervallen komen uit het herbemonsteren van volledige {@cases}, dus ze "
        "zijn breed wanneer er weinig {@cases} zijn.",
        "Een onderwerpmodel groepeerde de spreekbeurten van {@units} volgens hun woorden (lange in stukken), zonder "
        "het codeboek, om te vinden wat het codeboek miste.",
    ],
    "coding_human": "{human} spreekbeurten werden door mensen gecodeerd, {machine} door de automatische codeerder, "
                    "die leert van de menselijke codes; automatische codes zijn voorstellen, die hieronder aan "
                    "menselijke codes getoetst worden.",
    "coding_rule": "De codes kwamen van de regels van het codeboek (signaalwoorden).",
    "limits": "Beperkingen: wat deze vergelijking wel en niet kan zeggen",
    "prov_intro": "Waaruit dit rapport gemaakt werd: invoerbestanden met ingekorte SHA-256-hashes (de volledige "
                  "hashes staan in provenance.json naast dit bestand), codeboek, startwaarden (seeds) en "
                  "softwareversies.",
    "prov_file": "Bestand", "prov_hash": "SHA-256 (kort)", "prov_item": "Onderdeel", "prov_value": "Waarde",
    "prov_key": "Sleutel in provenance.json",
    "prov_words": {"date": "datum", "study": "studie", "codebook": "codeboek", "name": "naam", "version": "versie",
                   "content_version": "inhoudsversie", "packages": "softwarepakket", "versions": "versie",
                   "seeds": "startwaarde (seed)", "seed": "startwaarde (seed)", "stages": "stap", "coder": "codeerder",
                   "ingest": "inlezen", "code": "coderen", "evaluate": "toetsen", "agreement": "overeenstemming",
                   "topics": "onderwerpen", "compare": "vergelijken", "report": "rapport"},
    "prov_items": "Datum, studie, codeboek, startwaarden (seeds) en softwareversies ({n})",
    "prov_files": "Invoerbestanden",
    "no_provenance": "Voor dit rapport werd geen herkomstregistratie meegegeven.",
    "footer": "Gemaakt met qualpipe. Citaten zijn gepseudonimiseerd: namen, e-mailadressen en telefoonnummers "
              "werden voor de analyse vervangen.",
}

NL |= {
    "the_group": "de groep {value}", "people_group": "{@units} in de groep {value}",
    "in_group": "in de groep {value}", "all_respondents": "alle {@units}", "respondents": "{@units}",
    "and": " en ", "anything_on": "iets over \u2018{label}\u2019",
    "ci_part": "; {level}-interval {range}", "x_of_n": "{x} van de {n}",
    "group_size": " ({n} {@units} in {d} {@cases})", "no_code": "{head}: er werd geen code toegekend.",
    "all": "allen", "most": "de meesten", "followed_by": ", gevolgd door ",
    "most_mentioned": "{head}: {most} ({lead}) noemden {labels}{rest}.",
    "codes_most": "{head}: de vaakst genoemde codes waren {codes}.",
    "material": "Het materiaal: {d} {@documents} met {n} {@units}",
    "themes_most": "Van de {n} thema's werden deze het vaakst aangehaald: {themes}.",
    "largest_group": ", de grootste groep",
    "material_end": ". De statistieken tellen {@cases}{@case_def}.",
    "diff_counts": "{item}: {xa} van de {na} {who} in {ga} ({sa}{cia}) tegenover {xb} van de {nb} in {gb} "
                   "({sb}{cib}).",
    "highest_lowest": " Dit zijn de hoogste en de laagste van {n} groepen.",
    "diff_span": ", {level}-interval {low} tot {high}", "diff_points": " Verschil van {d} procentpunt{en}{span}.",
    "diff_unlikely": " Waarschijnlijk geen toeval (gecorrigeerde p {p}), maar de steekproef is klein en niet "
                     "representatief ({docs}).",
    "diff_chance": " Dit kan toeval zijn (gecorrigeerde p {p}; {docs}).",
    "one_case_each": "telkens \u00e9\u00e9n {@case}", "n_cases_ab": "{a} en {b} {@cases}",
    "block_size": "{n} in {group} ({d} {case_n})",
    "differences_none": "Verschillen tussen groepen", "whole_material": "het hele materiaal",
    "differences_between": "Verschillen tussen {groups}", "differences_by": "Verschillen volgens {attribute}",
    "no_qualifying": "Geen vergelijking van groepen volgens {attribute} heeft minstens {m} {@cases} per groep, "
                     "dus de samenvatting vermeldt geen verschil; de vergelijkingen die wel gemaakt werden, staan "
                     "hieronder met hun kanttekeningen.",
    "none_significant": "Geen van de {n} getoetste verschillen is statistisch significant na correctie voor het "
                        "aantal vergelijkingen: elk ervan kan toeval zijn. ",
    "some_significant": "{k} van de {n} getoetste verschillen {verb} statistisch significant na correctie voor "
                        "het aantal vergelijkingen. ", "is": "is", "are": "zijn",
    "compared_among": "Vergeleken bij {where}, waar elke groep minstens {m} {@cases} telt. De grootste "
                      "verschillen staan eerst, telkens met het aantal {@units}, de aandelen en hun "
                      "{ci}-intervallen (de marge waarbinnen het aandeel met zo weinig {@cases} redelijkerwijs "
                      "kan liggen).",
    "too_few": "Minder dan {m} {@cases} in een groep: te weinig om een verschil van toeval te onderscheiden.",
    "smaller_groups": "Vergelijkingen in kleinere groepen ({n})",
    "test_fisher": "exacte toets van Fisher op {@documents}", "test_permutation": "permutatietoets op {@documents}",
    "overview": "Over alle populaties samen werden {n} verschillen tussen groepen volgens {attribute} getoetst "
                "({test}, Benjamini-Hochberg-correctie over codes en over thema's); {k} daarvan {verb} "
                "significant op het gecorrigeerde niveau van {alpha}.", "was": "was", "were": "waren",
    "any_code_of": "Eender welke code van \u2018{label}\u2019",
    "theme_chart": "{label}: aandeel {@units} dat elke code noemde, in {versus}",
    "theme_suffix": " (thema)", "group_count": "{group}: {x} van de {n} ({share})",
    "pts": "{d} procentpunt{en}", "pts_span": " ({low} tot {high})", "share_cell": "{share} ({n} van de {g})",
    "not_compared": "niet vergeleken met het codeboek",
    "headline": "vergeleken met de menselijke codering hadden de automatische codes een F1-score (micro-gemiddelde) "
                "van {f1}, een precisie van {precision} en een recall van {recall} (op {n} spreekbeurten waarop de "
                "codeerder niet getraind werd, met samen {support} menselijke codes)",
    "human": "menselijke codeerders", "not_coded": "niet gecodeerd", "machine": "automatische codeerder ({name})",
    "caveat_sample": "Het materiaal is een kleine, doelgericht gekozen kwalitatieve steekproef ({sizes}). De "
                     "aandelen beschrijven wat deze mensen zeiden; ze schatten niet hoe vaak een mening voorkomt in "
                     "een bredere populatie.",
    "caveat_size": "{d} {document_n} met {n} {unit_n} in {group}",
    "caveat_silence": "Een onderwerp niet aanhalen is niet hetzelfde als het er niet mee eens zijn: de interviews "
                      "volgden een leidraad, maar niet elke vraag werd aan iedereen op dezelfde manier gesteld.",
    "caveat_silence_plain": "Een onderwerp niet aanhalen is niet hetzelfde als het er niet mee eens zijn.",
    "caveat_focus": "Een focusgroep is \u00e9\u00e9n {@document}; elke deelnemer telt \u00e9\u00e9n keer als "
                    "{@unit}.",
    "caveat_intervals": "De intervallen komen uit het herbemonsteren van volledige {@documents} en zijn nooit "
                        "smaller dan een Wilson-interval dat {@documents} telt, dus ze zijn breed wanneer er weinig "
                        "{@documents} zijn.",
    "caveat_tests": "Verschillen worden getoetst op {@documents} ({test}) en gecorrigeerd voor het aantal "
                    "vergeleken codes. Met zo weinig {@documents} zijn alleen grote verschillen van toeval te "
                    "onderscheiden, en een verschil dat niet significant is, bewijst niet dat de groepen gelijk "
                    "zijn.",
    "caveat_coding": "De codering gebeurde deels automatisch: {headline}.",
    "caveat_no_coding": "De codering gebeurde deels automatisch; er werden geen cijfers over de "
                        "overeenstemming tussen automatische en menselijke codeerders meegegeven, dus dit rapport "
                        "toont niet hoe nauwkeurig de codering is.",
    "legend_docs": "{group} (n = {n} {@units}, {d} {@cases})",
    "alt_bar": "{group} {share} ({x} van de {n}, {ci}-interval {range})",
    "alt_gap": " Het grootste verschil tussen de groepen is er bij {item}: ", "against": " tegenover ",
    "alt": "Staafdiagram: {title}.{gap} Aandeel {@units} dat elk onderdeel noemde: ",
}

#: the ``status`` of a topic (topics stage), in words
STATUS_NL = {"matches_theme": "komt overeen met een thema", "emergent": "nieuw", "outliers": "restgroep",
             "not compared with the codebook": "niet vergeleken met het codeboek"}

# the template's fixed sentences and table header rows (HTML as written: entities, no fields escaped)
NL |= {
    "said_most": "Wat {@units} het vaakst zeiden",
    "other_said_most": "Wat de andere groepen het vaakst zeiden ({n})",
    "no_test_all": "Hier kon geen verschil getoetst worden: elke code werd in alle {@documents} genoemd, of nergens.",
    "smaller_intro": "Deze vergelijkingen staan niet in de samenvatting: {why}. Ze tonen waar verder onderzoek naar "
                     "kan kijken; het zijn geen bevindingen.",
    "fewer_than_above": "ze steunen op minder {@cases} per groep dan die hierboven",
    "few_cases": "ze steunen op weinig {@cases} per groep",
    "no_test": "Hier kon geen verschil getoetst worden.",
    "notes_of": "Opmerkingen bij de vergelijking: {notes}",
    "themes_intro": "Elke grafiek toont per thema en per code het aandeel van alle {@units} dat het minstens "
                    "\u00e9\u00e9n keer noemde, in {versus}.\nDe dunne lijnen tonen het {ci}-interval. De citaten zijn "
                    "gepseudonimiseerde passages met een code van het thema\n(een beletselteken toont waar een "
                    "langer antwoord ingekort werd); de verwijzing na elk citaat ({@document}:spreekbeurt) duidt de "
                    "passage aan.",
    "theme_caption": "{label}: aandeel {@units} dat elke code noemde, in {versus}, met {ci}-intervallen.",
    "numbers_behind": "Cijfers en toetsen bij {label}",
    "numbers_caption": "{label}: {@units} die elke code noemden, verschil in aandelen in procentpunten "
                       "({ci}-interval) en gecorrigeerde p, voor alle {@units} en binnen elke groep",
    "numbers_head": ["Code", "Bij wie", "Eerste groep", "Tweede groep", "Verschil (eerste &minus; tweede)",
                     "Gecorrigeerde p", "Let op"],
    "no_topics": "Voor dit rapport werd geen onderwerpmodel berekend, dus er zijn geen kandidaat-thema's.",
    "topics_intro": "Een onderwerpmodel groepeerde de spreekbeurten van {@units}, als {@pieces}, volgens "
                    "gelijkaardige woorden, zonder het codeboek. Onderwerpen die bij geen enkel thema\nvan het codeboek passen, zijn "
                    "kandidaat-thema's; een onderzoeker moet ze lezen voor ze iets betekenen.",
    "candidate": "Kandidaat-thema: {label}",
    "topic_words": "{n} {@pieces}. Kenmerkende woorden: {words}.",
    "no_emergent": "Elk onderwerp dat het model vond, past bij een thema van het codeboek: geen kandidaat-thema.",
    "topics_matching": "Onderwerpen die bij het codeboek passen ({n})",
    "topics_head": ["Onderwerp", "Label", "{@Pieces}", "Status", "Thema"],
    "shares_caption": "Aandeel {@pieces} per onderwerp, {versus} (onderwerp &minus;1: {@pieces} die het model niet "
                      "toewees)",
    "framework_intro": "E\u00e9n rij per {@document}, \u00e9\u00e9n kolom per thema; elke cel bevat tot {n} "
                       "passages met een code van het thema (eerst door mensen gecodeerd, dan passages waarin de "
                       "woorden van het thema voorkomen, dan de hoogste codeerscore), waar mogelijk van "
                       "verschillende sprekers.",
    "framework_show": "Toon de frameworkmatrix ({rows} {@documents} &times; {themes} thema's)",
    "framework_caption": "Frameworkmatrix: {@documents} per thema, met gepseudonimiseerde citaten",
    "case": "{@Document}",
    "material_head": "Het materiaal",
    "corpus_caption": "{@Documents}, spreekbeurten, {@units} en woorden per groep",
    "corpus_head": ["Kenmerk", "Groep", "{@Documents}", "Spreekbeurten", "Spreekbeurten van {@units}",
                    "{@Units}", "Woorden"],
    "codebook_head": "Het codeboek",
    "codebook_show": "Thema's en codes van {name} ({n} items)",
    "codebook_cols": ["Id", "Label", "Definitie"],
    "coding_head": "Hoe het materiaal gecodeerd werd",
    "coding_intro": "Elke spreekbeurt van een {@unit} werd gecodeerd met het codeboek; een spreekbeurt kan "
                    "meerdere codes krijgen. Spreekbeurten van de interviewer werden niet meegeteld.\nWaar mensen "
                    "een {@document} codeerden, zijn hun codes definitief; elders worden de codes van de automatische "
                    "codeerder gebruikt.",
    "coded_by": "{kind}: {n} spreekbeurten van {@units}",
    "agreement_head": "Overeenstemming tussen codeerders",
    "agreement_caption": "Overeenstemming tussen codeerders (in totaal en per thema)",
    "agreement_cols": ["Niveau", "Code", "Codeerders", "Eenheden (n)", "% overeenstemming", "Cohens kappa",
                       "Krippendorffs alfa"],
    "no_agreement": "Voor dit rapport werden geen cijfers over de overeenstemming tussen codeerders meegegeven.",
    "evaluation_head": "Automatische codering getoetst aan menselijke codering",
    "evaluation_caption": "Automatische codering tegenover de menselijke referentiecodes",
    "evaluation_cols": ["Codeerder", "Niveau", "Code", "Eenheden (n)", "Menselijke codes", "Precisie", "Recall",
                        "F1", "Kappa"],
    "no_evaluation": "Voor dit rapport werd geen toetsing van de automatische codering aan de menselijke codering "
                     "meegegeven.",
    "method_head": "Hoe de groepen vergeleken werden",
    "method": "Aandelen tellen {@units}: elke spreker telt \u00e9\u00e9n keer per {@document}, en alleen de "
              "spreekbeurten van {@units} tellen mee. Elk interval is het breedste van de twee:\nhet "
              "percentielinterval van een bootstrap die volledige {@documents} binnen elke groep herbemonstert, en een "
              "Wilson-interval dat\nhet aantal {@documents} als steekproefgrootte neemt. De bootstrap alleen geeft "
              "\u00e9\u00e9n enkele waarde (zoals 0&ndash;0%) wanneer\nalle {@documents} van een groep hetzelfde zeggen, en "
              "is te smal bij weinig {@documents}; het Wilson-interval blijft daar betrouwbaar. Intervallen van\n"
              "verschillen nemen op dezelfde manier het breedste van de bootstrap en het score-interval van "
              "Newcombe. De samenvatting vermeldt verschillen alleen\nwaar elke groep minstens {m} {@documents} "
              "heeft. Twee groepen worden vergeleken met de exacte toets van Fisher op {@documents}\ndie een code al "
              "dan niet noemen (of een permutatietoets op {@documents}); meer groepen met een "
              "permutatie-chikwadraattoets op {@documents}.\nDe p-waarden worden gecorrigeerd met de "
              "Benjamini-Hochberg-procedure over codes, en apart over thema's.",
    "settings_show": "Instellingen van de vergelijking",
    "settings_cols": ["Instelling", "Waarde", "Sleutel (studiebestand)"],
    "topic_model_head": "Onderwerpmodel",
    "stability": "Stabiliteit: opnieuw berekenen met andere startwaarden (seeds) gaf een gemiddelde gecorrigeerde "
                 "Rand-index van {ari} (1 = identieke onderwerpen, 0 = toeval).",
    "no_stability": "Er werden geen cijfers over de stabiliteit meegegeven.",
    "refits_caption": "Opnieuw berekend met andere startwaarden (seeds)",
    "refits_cols": {"seed": "Startwaarde", "n_topics": "Onderwerpen", "outlier_share": "Aandeel {@pieces} zonder "
                    "onderwerp", "ari": "Gecorrigeerde Rand-index"},
    "yes": "ja", "no": "nee", "all_documents": "Alle {@documents}",
    "topic_info_show": "Instellingen en aantallen van het onderwerpmodel",
    "topic_info_cols": ["Onderdeel", "Waarde", "Naam (registratie)"],
    "no_topic_model": "Voor dit rapport werd geen onderwerpmodel berekend.",
}

#: the ``level`` of the agreement and evaluation tables, in words
LEVEL_NL = {"overall": "totaal", "theme": "thema", "code": "code", "micro": "micro", "macro": "macro",
            "(mean of codes)": "(gemiddelde van de codes)", "(pooled)": "(samengevoegd)"}

# de staart van de titel, de kanttekeningen van de vergelijking, en de rijen van de instellingentabellen
NL |= {
    "title_tail": "wat {@participants} zeiden",
    "caution_none": "niet getoetst: geen {@document} noemt het", "caution_every": "niet getoetst: alle {@documents} "
                                                                                "noemen het",
    "caution_docs": "{group}: slechts {n} {document_n}", "caution_resp": "{group}: aandeel steunt op {n} {unit_n}",
    "setting_words": {
        "by": "Vergeleken groepen", "within": "Vergelijkingen herhaald binnen de groepen van",
        "reference": "Referentiegroep", "n_boot": "Herbemonsteringen voor de intervallen (bootstrap)",
        "n_perm": "Herschikkingen voor permutatietoetsen", "ci": "Betrouwbaarheidsniveau van de intervallen",
        "seed": "Startwaarde van de toevalstrekkingen (seed)",
        "min_group_docs": "Minimum aantal {@cases} per groep voor een verschil in de samenvatting",
        "min_respondents": "Minimum aantal {@units} onder een aandeel zonder kanttekening",
        "alpha": "Significantieniveau, na correctie voor meerdere vergelijkingen",
        "quotes_per_cell": "Citaten per cel van de frameworkmatrix", "quote_chars": "Lengte van een citaat (tekens)",
        "test": "Toets voor twee groepen", "case_attributes": "Kenmerken bij elke rij van de frameworkmatrix",
        "cases": "Wat de intervallen en toetsen herbemonsteren",
    },
    "topic_info_words": {
        "n_segments": "{@Turns} in het model", "n_units": "Gemodelleerde {@pieces} (lange {@turns} in stukken)",
        "n_fitted": "{@Pieces} waarop het model berekend werd",
        "n_not_fitted": "{@Pieces} met te weinig inhoudswoorden om te modelleren (bij geen onderwerp)",
        "n_topics": "Gevonden onderwerpen", "n_mixed_topics": "Onderwerpen die talen mengen",
        "embedding": "Hoe {@pieces} in getallen omgezet werden (embedding)", "embedding_setting": "Gevraagde embedding",
        "embedding_dims": "Getallen per {@piece} (dimensies)", "embedding_from_cache": "Embeddings uit de cache gelezen",
        "unit_languages": "{@Pieces} per taal", "reduction": "Hoe de dimensies verminderd werden",
        "representation": "Hoe de woorden van een onderwerp gekozen werden",
        "clustering": "Hoe {@pieces} gegroepeerd werden (clustering)",
        "min_cluster_size": "Kleinste onderwerp ({@pieces})",
        "min_samples": "Buren die een {@piece} nodig heeft om bij een onderwerp te horen",
        "outlier_share": "Aandeel {@pieces} zonder onderwerp", "outlier_share_raw": "Aandeel zonder onderwerp v\u00f3\u00f3r "
                                                                                 "het toewijzen",
        "outliers_reassigned": "{@Pieces} zonder onderwerp toegewezen aan het dichtstbijzijnde onderwerp",
        "mostly_outliers": "De meeste {@pieces} zonder onderwerp",
    },
}

# wat een stap zelf besliste, of waarom een deel ontbreekt (``errors.Note``: ``note_<key>`` met de feiten)
NL |= {
    "note_rules_only": "Geen enkele code had genoeg door mensen gecodeerde voorbeelden om de automatische "
                       "codeerder te trainen (coding.min_positives {min_positives}, coding.min_documents "
                       "{min_documents}): elke code kwam van de regels van het codeboek (signaalwoorden).",
    "note_no_gold_codings": "De referentiecodeerders ({coders}) codeerden niets, dus de codes van de andere "
                            "codeerders zijn alleen voorstellen.",
    "note_embeddings_auto": "De teksten zijn in meerdere talen ({languages}), dus vergelijkt de automatische "
                            "codeerder ze ook op betekenis, over de talen heen, met een meertalig zinsmodel "
                            "({encoder}).",
    "note_coder_fallback": "De automatische codeerder \u2018{coder}\u2019 leert van menselijke codes, en die zijn "
                           "er niet: de codes kwamen van de regels van het codeboek (signaalwoorden).",
    "note_one_group_present": "{Stratum} komen alleen {in_group} voor, dus daar valt niets te vergelijken "
                              "volgens {attribute}.",
    "note_no_topics_error": "Geen onderwerpmodel: het berekenen stopte met een fout bij {where} (de opdracht "
                            "qualpipe topics toont de melding).",
    "note_no_agreement_error": "Er zijn geen cijfers over de overeenstemming tussen codeerders: het berekenen "
                               "stopte met een fout bij {where} (de opdracht qualpipe agreement toont de melding).",
    "note_no_evaluation_error": "Er zijn geen cijfers over de toetsing van de automatische codering: het berekenen "
                                "stopte met een fout bij {where} (de opdracht qualpipe evaluate toont de melding).",
    "note_no_agreement_no_human_codings": "Er zijn geen cijfers over de overeenstemming tussen codeerders: de "
                                          "studie noemt geen menselijke coderingen (human_codings in het "
                                          "studiebestand).",
    "note_no_evaluation_no_human_codings": "De automatische codering werd niet getoetst aan menselijke codering: "
                                           "de studie noemt geen menselijke coderingen (human_codings in het "
                                           "studiebestand).",
    "note_agreement_no_common_document": "Er zijn geen cijfers over de overeenstemming tussen codeerders: geen "
                                         "twee codeerders codeerden eenzelfde {@document} (codeerders: {coders}), "
                                         "dus er valt geen overeenstemming te berekenen.",
    "nobody": "geen",
    "in_phrase": "in {group}",
    "auto": "automatisch",
}

# wat het onderwerpmodel telt: tekstdelen (een spreekbeurt, of een stuk van een lange)
NL |= {
    "topic_pieces": "{@Turns} van hoogstens {size} zijn elk \u00e9\u00e9n {@piece}; langere worden geknipt in "
                    "{@pieces} van volledige zinnen. De {n_turns} gemodelleerde {@turns} leverden {n_pieces} {@pieces} op; "
                    "de grootte en de aandelen van de onderwerpen tellen {@pieces}{short}.",
    "topic_pieces_whole": "De {n_turns} gemodelleerde {@turns} zijn elk \u00e9\u00e9n {@piece}; de grootte en de "
                          "aandelen van de onderwerpen tellen {@pieces}{short}.",
    "topic_short": ". De {n} tekstdelen met minder dan {m} inhoudswoorden horen bij geen onderwerp en tellen niet "
                   "mee in de aandelen",
    "topic_short_one": ". Het ene tekstdeel met minder dan {m} inhoudswoorden hoort bij geen onderwerp en telt niet "
                       "mee in de aandelen",
    "size_words": "{n} woorden", "size_sentences": "{n} zinnen",
}
