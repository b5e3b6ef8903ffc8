"""The report's fixed wording in English and Dutch (``report.language: en | nl``).

``texts(language)`` gives a :class:`Texts`: ``t["key"]`` is a heading or a sentence pattern
(``str.format`` fields), ``t.num(x)`` a number and ``t.pct(share)`` a percentage in the
language's format (Dutch: decimal comma). Dutch wording is written for a Flemish reader
("respondenten", "gesprekken", "aanbevelingen"). Unknown languages fall back to English with a
note in the report.
"""
from __future__ import annotations

import math

EN = {
    "key_findings": "Key findings",
    "comparison_picture": "The comparison at a glance",
    "description_picture": "What was said, at a glance",
    "recommendations": "What participants suggest changing",
    "themes": "Findings by theme",
    "details": "Differences in detail",
    "summary_details": "The numbers in detail",
    "topics": "Emergent topics",
    "framework": "Framework matrix",
    "methods": "Methods and limits",
    "provenance": "Appendix: provenance",
    "contents": "Contents",
    "skip": "Skip to the content",
    "lead_compare": "What {n_resp} respondents in {n_cases} cases said, and whether {versus} differ.",
    "lead_describe": "What {n_resp} respondents in {n_cases} cases said. This study has one group, so the "
                     "report describes the material and compares no groups.",
    "kf_intro": "Each statement is generated from the coded material by fixed rules; the numbers say how many "
                "respondents raised it (one respondent counts once, however often they spoke of it) and in how "
                "many cases (interviews, focus groups, or a person's written answers).",
    "strength_nearly_all": "nearly all respondents", "strength_most": "most respondents",
    "strength_many": "many respondents", "strength_some": "some respondents", "strength_few": "a few respondents",
    "theme_statement": "{Strength} spoke of {theme}, chiefly {codes}.",
    "theme_statement_one": "{Strength} spoke of {theme}.",
    "evidence": "Raised by {x} of {n} respondents ({share}; {ci} interval {low}\u2013{high}) in {d} of {D} cases.",
    "code_evidence": "{label}: {x} of {n} respondents in {d} cases",
    "contrary": "But {x} respondent{s} in {d} case{ds} said: {label}.",
    "rec_statement": "{x} of {n} respondents in {d} of {D} cases made suggestions; most often about {topics}.",
    "rec_statement_plain": "{x} of {n} respondents in {d} of {D} cases made suggestions.",
    "rec_none": "The study marks no codes as recommendations (report.recommendation_codes), so there is "
                "no section on what participants suggest changing.",
    "rec_intro": "Passages coded as a suggestion or recommendation, grouped by the other codes on the same "
                 "passage (what the suggestion is about), largest group first.",
    "rec_group": "{label}: {x} respondent{s} in {d} case{ds}",
    "rec_other": "Suggestions without another code",
    "diff_sig": "{Item} differs between {groups}: {xa} of {na} respondents in {ga} ({sa}) against {xb} of {nb} in "
                "{gb} ({sb}); unlikely to be chance alone (adjusted p = {p}), but the sample is small and not "
                "representative.",
    "diff_none": "No clear difference between {groups}: the largest gap, on {item} ({sa} against {sb}), could be "
                 "chance (adjusted p = {p}); with {da} and {db} cases, only large differences can show.",
    "diff_untested": "No comparison of {groups} has at least {m} cases in every group, so no difference is "
                     "stated.",
    "one_group": "This study has one group of respondents: the report describes what was said and compares "
                 "no groups.",
    "see_details": "Details and every test: see \u2018{section}\u2019.",
    "rare": "Raised by few but present: {items}.",
    "rare_flag": "rare voice: {x} respondent{s}",
    "by_whom": "Who raised it: {parts}.",
    "topics_not_in_codebook": "What the topic model found that the codebook did not: {items}.",
    "picture_alt": "Bar chart of the share of respondents who mentioned each theme and its most mentioned code",
    "picture_caption": "Themes (bold) and their most mentioned code: share of respondents who mentioned it, "
                       "with {ci} intervals; n per group in the legend. Bars are hatched per group for print.",
    "x_label": "share of respondents who mentioned it (lines: {ci} interval)",
    "legend": "{group} (n = {n} respondents, {d} cases)",
    "theme_row": "Theme: {label}",
    "everyone": "All respondents",
    "in_words": "In their own words",
    "quote_by": "{speaker}, {ref}",
    "no_quote": "No coded passage on this theme in this group.",
    "methods_plain": [
        "{n_docs} documents ({n_cases} cases) with {n_resp} respondents were read into tables, one row per speaker "
        "turn; names, e-mail addresses and phone numbers were replaced by pseudonyms first.",
        "Every respondent turn was coded against the codebook {codebook} ({n_codes} codes in {n_themes} themes). "
        "{coding}",
        "Shares count respondents; intervals come from resampling whole cases, so they are wide when cases are few.",
        "A topic model grouped passages by wording, without the codebook, to find what the codebook missed.",
    ],
    "coding_human": "{human} turns were coded by people, {machine} by the machine coder, which learns from the "
                    "human codes; machine codes are suggestions, checked against human codes below.",
    "coding_rule": "Codes were given by the codebook's rules (cue words).",
    "limits": "Limits: what this comparison can and cannot say",
    "prov_intro": "What produced this report: input files with shortened SHA-256 hashes (the full hashes are in "
                  "provenance.json beside this file), codebook, seeds and software versions.",
    "prov_file": "File", "prov_hash": "SHA-256 (short)", "prov_item": "Item", "prov_value": "Value",
    "no_provenance": "No provenance record was supplied for this report.",
    "footer": "Made with qualpipe. Quotes are pseudonymised: names, e-mail addresses and phone numbers were "
              "replaced before analysis.",
    "agreement_none": "There was one human coder (or none) for the same passages, so no agreement between "
                      "coders can be computed; agreement.csv holds only its header.",
    "language_note": "",
}

NL = {
    "key_findings": "Belangrijkste bevindingen",
    "comparison_picture": "De vergelijking in \u00e9\u00e9n beeld",
    "description_picture": "Wat er gezegd werd, in \u00e9\u00e9n beeld",
    "recommendations": "Wat deelnemers zouden veranderen",
    "themes": "Bevindingen per thema",
    "details": "Verschillen in detail",
    "summary_details": "De cijfers in detail",
    "topics": "Nieuwe onderwerpen",
    "framework": "Raamwerkmatrix",
    "methods": "Werkwijze en beperkingen",
    "provenance": "Bijlage: herkomst",
    "contents": "Inhoud",
    "skip": "Naar de inhoud",
    "lead_compare": "Wat {n_resp} respondenten in {n_cases} gesprekken zeiden, en of {versus} verschillen.",
    "lead_describe": "Wat {n_resp} respondenten in {n_cases} gesprekken zeiden. Deze studie heeft \u00e9\u00e9n "
                     "groep: het rapport beschrijft het materiaal en vergelijkt geen groepen.",
    "kf_intro": "Elke uitspraak is met vaste regels afgeleid uit het gecodeerde materiaal; de cijfers zeggen hoeveel "
                "respondenten iets aanhaalden (elke respondent telt \u00e9\u00e9n keer, hoe vaak hij of zij er ook "
                "over sprak) en in hoeveel gesprekken (interviews, focusgroepen of de schriftelijke antwoorden van "
                "een persoon).",
    "strength_nearly_all": "bijna alle respondenten", "strength_most": "de meeste respondenten",
    "strength_many": "veel respondenten", "strength_some": "een aantal respondenten",
    "strength_few": "enkele respondenten",
    "theme_statement": "{Strength} spraken over {theme}, vooral over {codes}.",
    "theme_statement_one": "{Strength} spraken over {theme}.",
    "evidence": "Aangehaald door {x} van de {n} respondenten ({share}; {ci}-interval {low}\u2013{high}) in {d} van "
                "de {D} gesprekken.",
    "code_evidence": "{label}: {x} van de {n} respondenten in {d} gesprekken",
    "contrary": "Maar {x} respondent{s} in {d} gesprek{ds} zei{zei}: {label}.",
    "rec_statement": "{x} van de {n} respondenten in {d} van de {D} gesprekken deden suggesties; het vaakst over "
                     "{topics}.",
    "rec_statement_plain": "{x} van de {n} respondenten in {d} van de {D} gesprekken deden suggesties.",
    "rec_none": "De studie duidt geen codes aan als aanbeveling (report.recommendation_codes), dus er is geen "
                "deel over wat deelnemers zouden veranderen.",
    "rec_intro": "Passages gecodeerd als suggestie of aanbeveling, gegroepeerd volgens de andere codes van dezelfde "
                 "passage (waarover de suggestie gaat), grootste groep eerst.",
    "rec_group": "{label}: {x} respondent{s} in {d} gesprek{ds}",
    "rec_other": "Suggesties zonder andere code",
    "diff_sig": "{Item} verschilt tussen {groups}: {xa} van de {na} respondenten in {ga} ({sa}) tegenover {xb} van "
                "de {nb} in {gb} ({sb}); waarschijnlijk geen toeval (gecorrigeerde p = {p}), maar de steekproef is "
                "klein en niet representatief.",
    "diff_none": "Geen duidelijk verschil tussen {groups}: het grootste verschil, bij {item} ({sa} tegenover {sb}), "
                 "kan toeval zijn (gecorrigeerde p = {p}); met {da} en {db} gesprekken kunnen alleen grote "
                 "verschillen zichtbaar worden.",
    "diff_untested": "Geen vergelijking van {groups} heeft minstens {m} gesprekken per groep, dus er wordt geen "
                     "verschil vermeld.",
    "one_group": "Deze studie heeft \u00e9\u00e9n groep respondenten: het rapport beschrijft wat er gezegd werd en "
                 "vergelijkt geen groepen.",
    "see_details": "Details en alle toetsen: zie \u2018{section}\u2019.",
    "rare": "Door weinigen aangehaald, maar aanwezig: {items}.",
    "rare_flag": "zeldzame stem: {x} respondent{s}",
    "by_whom": "Wie het aanhaalde: {parts}.",
    "topics_not_in_codebook": "Wat het onderwerpmodel vond en het codeboek niet: {items}.",
    "picture_alt": "Staafdiagram van het aandeel respondenten dat elk thema en de meest genoemde code ervan "
                   "aanhaalde",
    "picture_caption": "Thema's (vet) en hun meest genoemde code: aandeel respondenten dat het aanhaalde, met "
                       "{ci}-intervallen; n per groep in de legende. De staven zijn per groep gearceerd voor "
                       "afdrukken in grijstinten.",
    "x_label": "aandeel respondenten dat het aanhaalde (lijnen: {ci}-interval)",
    "legend": "{group} (n = {n} respondenten, {d} gesprekken)",
    "theme_row": "Thema: {label}",
    "everyone": "Alle respondenten",
    "in_words": "In hun eigen woorden",
    "quote_by": "{speaker}, {ref}",
    "no_quote": "Geen gecodeerde passage over dit thema in deze groep.",
    "methods_plain": [
        "{n_docs} documenten ({n_cases} gesprekken) met {n_resp} respondenten werden ingelezen in tabellen, "
        "\u00e9\u00e9n rij per spreekbeurt; namen, e-mailadressen en telefoonnummers werden eerst door "
        "pseudoniemen vervangen.",
        "Elke spreekbeurt van een respondent werd gecodeerd met het codeboek {codebook} ({n_codes} codes in "
        "{n_themes} thema's). {coding}",
        "Aandelen tellen respondenten; intervallen komen uit het herbemonsteren van volledige gesprekken, dus ze "
        "zijn breed wanneer er weinig gesprekken zijn.",
        "Een onderwerpmodel groepeerde passages volgens hun woorden, zonder het codeboek, om te vinden wat het "
        "codeboek miste.",
    ],
    "coding_human": "{human} spreekbeurten werden door mensen gecodeerd, {machine} door de automatische codeerder, "
                    "die leert van de menselijke codes; automatische codes zijn suggesties, hieronder getoetst "
                    "aan menselijke codes.",
    "coding_rule": "De codes kwamen van de regels van het codeboek (signaalwoorden).",
    "limits": "Beperkingen: wat deze vergelijking wel en niet kan zeggen",
    "prov_intro": "Wat dit rapport maakte: invoerbestanden met ingekorte SHA-256-hashes (de volledige hashes staan "
                  "in provenance.json naast dit bestand), codeboek, seeds en softwareversies.",
    "prov_file": "Bestand", "prov_hash": "SHA-256 (kort)", "prov_item": "Onderdeel", "prov_value": "Waarde",
    "no_provenance": "Voor dit rapport werd geen herkomstregistratie meegegeven.",
    "footer": "Gemaakt met qualpipe. Citaten zijn gepseudonimiseerd: namen, e-mailadressen en telefoonnummers "
              "werden voor de analyse vervangen.",
    "agreement_none": "Er was \u00e9\u00e9n menselijke codeerder (of geen) voor dezelfde passages, dus er kan geen "
                      "overeenstemming tussen codeerders berekend worden; agreement.csv bevat alleen de kopregel.",
    "language_note": "",
}

LANGUAGES = {"en": EN, "nl": NL}


class Texts:
    """The wording of one language (see the module docstring)."""

    def __init__(self, language: str) -> None:
        self.language = language if language in LANGUAGES else "en"
        self.words = LANGUAGES[self.language]

    def __getitem__(self, key: str):
        return self.words.get(key, EN[key])

    def num(self, value: float, digits: int = 2) -> str:
        text = f"{value:.{digits}f}"
        return text.replace(".", ",") if self.language == "nl" else text

    def pct(self, share: float) -> str:
        if share is None or (isinstance(share, float) and math.isnan(share)):
            return "n/a"
        return f"{100 * share:.0f}%"

    def p(self, value: float) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "niet getoetst" if self.language == "nl" else "not tested"
        text = "< 0.001" if value < 0.001 else f"{value:.2f}" if value >= 0.01 else f"{value:.3f}"
        return text.replace(".", ",") if self.language == "nl" else text

    def plural(self, n: int) -> dict[str, str]:
        """Fields ``s`` (respondent-s), ``ds`` (case-s / gesprek-ken) and ``zei`` (Dutch verb)."""
        if self.language == "nl":
            return {"s": "" if n == 1 else "en", "ds": "" if n == 1 else "ken", "zei": "" if n == 1 else "den"}
        return {"s": "" if n == 1 else "s", "ds": "" if n == 1 else "s", "zei": ""}

    def join(self, items: list[str]) -> str:
        word = " en " if self.language == "nl" else " and "
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + word + items[-1]


def texts(language: str) -> Texts:
    return Texts(language)


__all__ = ["LANGUAGES", "Texts", "texts"]
