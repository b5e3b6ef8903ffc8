"""The report's sentences where the material differs from interviews (:mod:`pipeline.stages.report.words`).

The sentences of :mod:`texts` and :mod:`texts_nl` are written for speaker turns of interviews
(respondents who *said* things, in cases). Here are the sentences that read differently

- for **texts** (``people: false``: tables of excerpts or passages, which *mention* things and
  have no speaker turns, interviewers or guides): ``EN_TEXTS``, ``NL_TEXTS``;
- where **every case holds one unit** (a table's rows, one narrator per interview): the counts of
  units and of cases are the same numbers, so a sentence says them once (``*_ONE``); and the
  statistics' clusters are the cases, not the documents (derived from the base sentences);
- for both at once (``*_TEXTS_ONE``).

:func:`variants` gives the tables to look a key up in, most specific first; the base table of
the language comes after them. ``{@units}`` and the like are the study's words (:class:`Texts`).
"""
from __future__ import annotations

from pipeline.stages.report.texts_en import EN
from pipeline.stages.report.texts_nl import NL

EN_TEXTS = {
    "title_tail": "what the {@units} say",
    "lead_compare": "What {n_resp} {@units} from {n_docs} {@documents} say, and whether {versus} differ.",
    "lead_describe": "What {n_resp} {@units} from {n_docs} {@documents} say. This study has one group, so the "
                     "report describes the material and compares no groups.",
    "kf_intro": "Each statement is generated from the coded material by fixed rules; the numbers say in how many "
                "{@units} it is found and in how many {@cases}.",
    "theme_statement": "{Strength} mention {theme}, chiefly {codes}.",
    "theme_statement_one": "{Strength} mention {theme}.",
    "evidence": "Found in {x} of {n} {@units} ({share}; {ci} interval {low}\u2013{high}) from {d} of {D} {@cases}.",
    "contrary": "But {label} appears in {x} {unit_n} from {d} {case_n}.",
    "rec_statement": "{x} of {n} {@units} from {d} of {D} {@cases} suggest changes, most often about {topics}.",
    "rec_statement_plain": "{x} of {n} {@units} from {d} of {D} {@cases} suggest changes.",
    "rec_intro": "{@Units} coded as a suggestion or recommendation, grouped by what they are about (the codes of "
                 "other themes on the same {@unit}), largest group first; {@a_unit} about two things counts in both "
                 "groups.",
    "one_group": "This study has one group of {@units}: the report describes them and compares no groups.",
    "rare": "In few {@units}, but present: {items}.",
    "rare_flag": "rare: in {x} {unit_n}",
    "by_whom": "Where it is found: {parts}.",
    "by_whom_part": "{x} of {n} {@units} in {group}",
    "picture_alt": "Bar chart of the share of {@units} that mention each theme and its most mentioned code",
    "picture_caption": "Themes (bold) and their most mentioned code: share of {@units} that mention it, with {ci} "
                       "intervals; n per group in the legend. Bars are hatched per group for print.",
    "x_label": "share of {@units} that mention it (lines: {ci} interval)",
    "in_words": "From the {@units}",
    "no_quote": "No coded {@unit} on this theme in this group.",
    "methods_plain": [
        "{n_docs} {@documents} with {n_resp} {@units} were read into tables, one row per {@unit}; names, e-mail "
        "addresses and phone numbers were replaced by pseudonyms first.",
        "Every {@unit} was coded against the codebook {codebook} ({n_codes} codes in {n_themes} themes). {coding}",
        "Shares count {@units}; intervals come from resampling whole {@cases}, so they are wide when {@cases} are "
        "few.",
        "A topic model grouped {@units} by wording, without the codebook, to find what the codebook missed.",
    ],
    "coding_human": "{human} {@units} were coded by people, {machine} by the machine coder, which learns from the "
                    "human codes; machine codes are suggestions, checked against human codes below.",
    "most_mentioned": "{head}: {most} ({lead}) mention {labels}{rest}.",
    "material_end": ". Intervals and tests count {@cases}: the {@units} of one {@case} are resampled together.",
    "theme_chart": "{label}: share of {@units} that mention each code in {versus}",
    "headline": "against human coding, the machine's codes had micro-averaged F1 {f1}, precision {precision} and "
                "recall {recall} (on {n} {@units} it was not trained on, carrying {support} human codes)",
    "caveat_sample": "The material is a small, purposive selection ({sizes}). Shares describe these {@units}; they "
                     "do not estimate how common a theme is in a wider body of texts.",
    "caveat_silence_plain": "{@Units} that do not mention a theme are no evidence against it: they were not written "
                            "to answer the same questions.",
    "alt": "Bar chart: {title}.{gap} Share of {@units} that mention each item: ",
    "said_most": "What the {@units} mention most",
    "themes_intro": "Each chart shows, per theme and code, the share of all {@units} that mention it, in {versus}."
                    "\nThe thin lines show the {ci} interval. Quotes are pseudonymised {@units} that carry a code of "
                    "the theme\n(an ellipsis marks where a longer {@unit} was cut); after each quote come the "
                    "{@unit}&rsquo;s id and its place ({@document}:row).",
    "theme_caption": "{label}: share of {@units} that mention each code in {versus}, with {ci} intervals.",
    "numbers_caption": "{label}: {@units} that mention each code, difference in shares in percentage points ({ci} "
                       "interval) and adjusted p-value, for all {@units} and within each group",
    "topics_intro": "A topic model grouped the {@units}, as {@pieces}, by similar wording, without the "
                    "codebook. Topics that match no "
                    "theme\nof the codebook are candidates for new themes; they need a researcher's reading before "
                    "they mean anything.",
    "framework_intro": "One row per {@document}, one column per theme; each cell holds up to {n} {@units} that "
                       "carry a code of the theme (human-coded first, then those where the theme's words are found, "
                       "then the highest coding score).",
    "corpus_caption": "{@Documents}, {@units} and words per group",
    "corpus_head": ["Attribute", "Group", "{@Documents}", "{@Units}", "Words"],
    "coding_intro": "Every {@unit} was coded against the codebook; {@a_unit} can carry several codes.\nWhere people "
                    "coded {@a_document}, their codes are final; elsewhere the machine coder's codes are used.",
    "coded_by": "{kind}: {n} {@units}",
    "method": "Shares count {@units}. Each interval is the wider of two:\nthe percentile interval of a bootstrap "
              "that resamples whole {@cases} within each group, and a Wilson score interval that\ntakes the number "
              "of {@cases} as the sample size. The bootstrap alone collapses to a single value (such as 0&ndash;0%) "
              "when\nevery {@case} of a group agrees, and is too narrow with few {@cases}; the Wilson interval stays "
              "honest there. Intervals of\ndifferences likewise take the wider of the bootstrap and Newcombe&rsquo;s "
              "score interval. The summary states differences only\nwhere every group has at least {m} {@cases}. Two "
              "groups are compared with Fisher&rsquo;s exact test on {@cases}\nmentioning a code or not (or a "
              "permutation test of {@cases}); more groups with a permutation chi-square test of {@cases}.\np-values "
              "are adjusted with the Benjamini-Hochberg procedure over codes, and separately over themes.",
}

EN_ONE = {
    "lead_compare": "What {n_resp} {@units} said, and whether {versus} differ.",
    "lead_describe": "What {n_resp} {@units} said. This study has one group, so the report describes the material "
                     "and compares no groups.",
    "kf_intro": "Each statement is generated from the coded material by fixed rules; the numbers say how many "
                "{@units} raised it (one {@unit} counts once, however often they spoke of it).",
    "evidence": "Raised by {x} of {n} {@units} ({share}; {ci} interval {low}\u2013{high}).",
    "contrary": "But {x} {unit_n} spoke of {label}.",
    "rec_statement": "{x} of {n} {@units} suggested changes, most often about {topics}.",
    "rec_statement_plain": "{x} of {n} {@units} suggested changes.",
    "rec_group": "{label}: {x} {unit_n}",
    "legend": "{group} (n = {n} {@units})", "legend_docs": "{group} (n = {n} {@units})",
    "group_size": " ({n} {@units})", "block_size": "{n} in {group}",
    "methods_plain": [
        "{n_docs} {@documents} with {n_resp} {@units} were read into tables, one row per speaker turn; names, e-mail "
        "addresses and phone numbers were replaced by pseudonyms first.",
        EN["methods_plain"][1],
        "Shares count {@units}; intervals come from resampling {@units}, so they are wide when there are few.",
        EN["methods_plain"][3],
    ],
    "material_end": ". Intervals and tests count {@units}, each on its own.",
    "caveat_intervals": "Intervals come from resampling {@cases} and are never narrower than a Wilson interval that "
                        "counts {@cases}, so they are wide when there are few {@cases}.",
}

EN_TEXTS_ONE = {
    "kf_intro": "Each statement is generated from the coded material by fixed rules; the numbers say in how many "
                "{@units} it is found.",
    "evidence": "Found in {x} of {n} {@units} ({share}; {ci} interval {low}\u2013{high}).",
    "contrary": "But {label} appears in {x} {unit_n}.",
    "rec_statement": "{x} of {n} {@units} suggest changes, most often about {topics}.",
    "rec_statement_plain": "{x} of {n} {@units} suggest changes.",
    "material_end": EN_ONE["material_end"],
    "methods_plain": [*EN_TEXTS["methods_plain"][:2], EN_ONE["methods_plain"][2], EN_TEXTS["methods_plain"][3]],
}

NL_TEXTS = {
    "title_tail": "wat de {@units} zeggen",
    "lead_compare": "Wat {n_resp} {@units} uit {n_docs} {@documents} zeggen, en of {versus} verschillen.",
    "lead_describe": "Wat {n_resp} {@units} uit {n_docs} {@documents} zeggen. Deze studie heeft \u00e9\u00e9n groep: "
                     "het rapport beschrijft het materiaal en vergelijkt geen groepen.",
    "kf_intro": "Elke uitspraak is met vaste regels afgeleid uit het gecodeerde materiaal; de cijfers zeggen in "
                "hoeveel {@units} iets voorkomt en in hoeveel {@cases}.",
    "theme_statement": "{Strength} gaan over {theme}, vooral over {codes}.",
    "theme_statement_one": "{Strength} gaan over {theme}.",
    "evidence": "Komt voor in {x} van de {n} {@units} ({share}; {ci}-interval {low}\u2013{high}) uit {d} van de "
                "{D} {@cases}.",
    "contrary": "Maar {label} komt voor in {x} {unit_n} uit {d} {case_n}.",
    "rec_statement": "{x} van de {n} {@units} uit {d} van de {D} {@cases} stellen veranderingen voor, het vaakst "
                     "over {topics}.",
    "rec_statement_plain": "{x} van de {n} {@units} uit {d} van de {D} {@cases} stellen veranderingen voor.",
    "rec_intro": "{@Units} die als suggestie of aanbeveling gecodeerd zijn, gegroepeerd volgens waarover ze gaan "
                 "(de codes van andere thema's die ze ook kregen), grootste groep eerst; een {@unit} over twee zaken "
                 "telt in beide groepen mee.",
    "one_group": "Deze studie heeft \u00e9\u00e9n groep {@units}: het rapport beschrijft ze en vergelijkt geen groepen.",
    "rare": "In weinig {@units}, maar wel aanwezig: {items}.",
    "rare_flag": "zelden: in {x} {unit_n}",
    "by_whom": "Waar het voorkomt: {parts}.",
    "by_whom_part": "{x} van de {n} {@units} in {group}",
    "picture_alt": "Staafdiagram van het aandeel {@units} dat elk thema en de meest genoemde code ervan noemt",
    "picture_caption": "Thema's (vet) en hun meest genoemde code: aandeel {@units} dat het noemt, met "
                       "{ci}-intervallen; n per groep in de legende. De staven zijn per groep gearceerd voor "
                       "afdrukken in grijstinten.",
    "x_label": "aandeel {@units} dat het noemt (lijnen: {ci}-interval)",
    "in_words": "Uit de {@units}",
    "no_quote": "Geen {@units} over dit thema in deze groep.",
    "methods_plain": [
        "{n_docs} {@documents} met {n_resp} {@units} werden ingelezen in tabellen, \u00e9\u00e9n rij per {@unit}; "
        "namen, e-mailadressen en telefoonnummers werden eerst door pseudoniemen vervangen.",
        "Alle {@units} werden gecodeerd met het codeboek {codebook} ({n_codes} codes in {n_themes} thema's). {coding}",
        "Aandelen tellen {@units}; intervallen komen uit het herbemonsteren van volledige {@cases}, dus ze zijn breed "
        "wanneer er weinig {@cases} zijn.",
        "Een onderwerpmodel groepeerde {@units} volgens hun woorden, zonder het codeboek, om te vinden wat het "
        "codeboek miste.",
    ],
    "coding_human": "{human} {@units} werden door mensen gecodeerd, {machine} door de automatische codeerder, die "
                    "leert van de menselijke codes; automatische codes zijn voorstellen, die hieronder aan menselijke "
                    "codes getoetst worden.",
    "most_mentioned": "{head}: {most} ({lead}) noemen {labels}{rest}.",
    "material_end": ". De intervallen en toetsen tellen {@cases}: de {@units} van \u00e9\u00e9n {@case} worden samen "
                    "herbemonsterd.",
    "theme_chart": "{label}: aandeel {@units} dat elke code noemt, in {versus}",
    "headline": "vergeleken met de menselijke codering hadden de automatische codes een F1-score (micro-gemiddelde) "
                "van {f1}, een precisie van {precision} en een recall van {recall} (op {n} {@units} waarop de "
                "codeerder niet getraind werd, met samen {support} menselijke codes)",
    "caveat_sample": "Het materiaal is een kleine, doelgericht gekozen selectie ({sizes}). De aandelen beschrijven "
                     "deze {@units}; ze schatten niet hoe vaak een thema voorkomt in een bredere verzameling teksten.",
    "caveat_silence_plain": "{@Units} die een thema niet noemen, zeggen er niets tegen in: ze werden niet geschreven "
                            "om dezelfde vragen te beantwoorden.",
    "alt": "Staafdiagram: {title}.{gap} Aandeel {@units} dat elk onderdeel noemt: ",
    "said_most": "Wat de {@units} het vaakst noemen",
    "themes_intro": "Elke grafiek toont per thema en per code het aandeel van alle {@units} dat het noemt, in "
                    "{versus}.\nDe dunne lijnen tonen het {ci}-interval. De citaten zijn gepseudonimiseerde {@units} "
                    "met een code van het thema\n(een beletselteken toont waar een langere tekst ingekort werd); na "
                    "elk citaat staan het nummer en de plaats ({@document}:rij).",
    "theme_caption": "{label}: aandeel {@units} dat elke code noemt, in {versus}, met {ci}-intervallen.",
    "numbers_caption": "{label}: {@units} die elke code noemen, verschil in aandelen in procentpunten "
                       "({ci}-interval) en gecorrigeerde p, voor alle {@units} en binnen elke groep",
    "topics_intro": "Een onderwerpmodel groepeerde de {@units}, als {@pieces}, volgens gelijkaardige "
                    "woorden, zonder het codeboek. "
                    "Onderwerpen die bij geen enkel thema\nvan het codeboek passen, zijn kandidaat-thema's; een "
                    "onderzoeker moet ze lezen voor ze iets betekenen.",
    "framework_intro": "E\u00e9n rij per {@document}, \u00e9\u00e9n kolom per thema; elke cel bevat tot {n} {@units} "
                       "met een code van het thema (eerst door mensen gecodeerd, dan {@units} waarin de woorden van "
                       "het thema voorkomen, dan de hoogste codeerscore).",
    "corpus_caption": "{@Documents}, {@units} en woorden per groep",
    "corpus_head": ["Kenmerk", "Groep", "{@Documents}", "{@Units}", "Woorden"],
    "coding_intro": "Alle {@units} werden gecodeerd met het codeboek; een {@unit} kan meerdere codes krijgen.\nWaar "
                    "mensen een {@document} codeerden, zijn hun codes definitief; elders worden de codes van de "
                    "automatische codeerder gebruikt.",
    "coded_by": "{kind}: {n} {@units}",
    "method": "Aandelen tellen {@units}. Elk interval is het breedste van de twee:\nhet percentielinterval van een "
              "bootstrap die volledige {@cases} binnen elke groep herbemonstert, en een Wilson-interval dat\nhet "
              "aantal {@cases} als steekproefgrootte neemt. De bootstrap alleen geeft \u00e9\u00e9n enkele waarde "
              "(zoals 0&ndash;0%) wanneer\nalle {@cases} van een groep hetzelfde zeggen, en is te smal bij weinig "
              "{@cases}; het Wilson-interval blijft daar betrouwbaar. Intervallen van\nverschillen nemen op dezelfde "
              "manier het breedste van de bootstrap en het score-interval van Newcombe. De samenvatting vermeldt "
              "verschillen alleen\nwaar elke groep minstens {m} {@cases} heeft. Twee groepen worden vergeleken met "
              "de exacte toets van Fisher op {@cases}\ndie een code al dan niet noemen (of een permutatietoets op "
              "{@cases}); meer groepen met een permutatie-chikwadraattoets op {@cases}.\nDe p-waarden worden "
              "gecorrigeerd met de Benjamini-Hochberg-procedure over codes, en apart over thema's.",
}

NL_ONE = {
    "lead_compare": "Wat {n_resp} {@units} zeiden, en of {versus} verschillen.",
    "lead_describe": "Wat {n_resp} {@units} zeiden. Deze studie heeft \u00e9\u00e9n groep: het rapport beschrijft "
                     "het materiaal en vergelijkt geen groepen.",
    "kf_intro": "Elke uitspraak is met vaste regels afgeleid uit het gecodeerde materiaal; de cijfers zeggen hoeveel "
                "{@units} iets aanhaalden (een {@unit} telt \u00e9\u00e9n keer, hoe vaak hij of zij er ook over "
                "sprak).",
    "evidence": "Aangehaald door {x} van de {n} {@units} ({share}; {ci}-interval {low}\u2013{high}).",
    "contrary": "Maar {x} {unit_n} had{den} het over {label}.",
    "rec_statement": "{x} van de {n} {@units} stelden veranderingen voor, het vaakst over {topics}.",
    "rec_statement_plain": "{x} van de {n} {@units} stelden veranderingen voor.",
    "rec_group": "{label}: {x} {unit_n}",
    "legend": "{group} (n = {n} {@units})", "legend_docs": "{group} (n = {n} {@units})",
    "group_size": " ({n} {@units})", "block_size": "{n} in {group}",
    "methods_plain": [
        "{n_docs} {@documents} met {n_resp} {@units} werden ingelezen in tabellen, \u00e9\u00e9n rij per spreekbeurt; "
        "namen, e-mailadressen en telefoonnummers werden eerst door pseudoniemen vervangen.",
        NL["methods_plain"][1],
        "Aandelen tellen {@units}; intervallen komen uit het herbemonsteren van {@units}, dus ze zijn breed wanneer "
        "er weinig zijn.",
        NL["methods_plain"][3],
    ],
    "material_end": ". De intervallen en toetsen tellen {@units}, elk afzonderlijk.",
    "caveat_intervals": "De intervallen komen uit het herbemonsteren van {@cases} en zijn nooit smaller dan een "
                        "Wilson-interval dat {@cases} telt, dus ze zijn breed wanneer er weinig {@cases} zijn.",
}

NL_TEXTS_ONE = {
    "kf_intro": "Elke uitspraak is met vaste regels afgeleid uit het gecodeerde materiaal; de cijfers zeggen in "
                "hoeveel {@units} iets voorkomt.",
    "evidence": "Komt voor in {x} van de {n} {@units} ({share}; {ci}-interval {low}\u2013{high}).",
    "contrary": "Maar {label} komt voor in {x} {unit_n}.",
    "rec_statement": "{x} van de {n} {@units} stellen veranderingen voor, het vaakst over {topics}.",
    "rec_statement_plain": "{x} van de {n} {@units} stellen veranderingen voor.",
    "material_end": NL_ONE["material_end"],
    "methods_plain": [*NL_TEXTS["methods_plain"][:2], NL_ONE["methods_plain"][2], NL_TEXTS["methods_plain"][3]],
}

#: sentences on the statistics' clusters: said of documents for interviews (where a case is, with
#: few exceptions, a document), of the cases themselves where the cases are units or texts
_CLUSTERED = ("test_fisher", "test_permutation", "caveat_intervals", "caveat_tests", "no_test_all", "caution_none",
              "caution_every", "caution_docs", "method")


def _of_cases(table: dict) -> dict:
    def swap(text: str) -> str:
        return text.replace("{@document", "{@case").replace("{@Document", "{@Case").replace("{document_n}", "{case_n}")
    return {key: swap(table[key]) for key in _CLUSTERED}


TABLES = {"en": (EN_TEXTS, EN_ONE, EN_TEXTS_ONE, _of_cases(EN)), "nl": (NL_TEXTS, NL_ONE, NL_TEXTS_ONE, _of_cases(NL))}


def variants(language: str, people: bool, one_case: bool) -> list[dict]:
    """The tables to look a sentence up in before the language's base table, most specific first."""
    texts, one, texts_one, of_cases = TABLES.get(language, TABLES["en"])
    if people:
        return [one, of_cases] if one_case else []
    return [texts_one, texts, one, of_cases] if one_case else [texts, of_cases]


__all__ = ["EN_ONE", "EN_TEXTS", "EN_TEXTS_ONE", "NL_ONE", "NL_TEXTS", "NL_TEXTS_ONE", "variants"]
