"""The report's fixed wording in English and Dutch (``report.language: en | nl``).

``texts(language)`` gives a :class:`Texts`: ``t["key"]`` is a heading or a sentence pattern
(``str.format`` fields), ``t.num(x)`` a number and ``t.pct(share)`` a percentage in the
language's format (Dutch: decimal comma). Dutch wording is written for a Flemish reader
("respondenten", "gesprekken", "aanbevelingen"). Unknown languages fall back to English with a
note in the report.
"""
from __future__ import annotations

import math
import re

from pipeline.stages.report.texts_nl import NL

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
    "strength_all": "all respondents", "strength_nearly_all": "nearly all respondents", "strength_most": "most respondents",
    "strength_many": "many respondents", "strength_some": "some respondents", "strength_few": "a few respondents",
    "theme_statement": "{Strength} spoke of {theme}, chiefly {codes}.",
    "theme_statement_one": "{Strength} spoke of {theme}.",
    "evidence": "Raised by {x} of {n} respondents ({share}; {ci} interval {low}\u2013{high}) in {d} of {D} cases.",
    "code_evidence": "{label}: {x} of {n} respondents in {d} cases",
    "contrary": "But {x} respondent{s} in {d} case{ds} spoke of {label}.",
    "rec_statement": "{x} of {n} respondents in {d} of {D} cases suggested changes, most often about {topics}.",
    "rec_statement_plain": "{x} of {n} respondents in {d} of {D} cases suggested changes.",
    "rec_none": "No code is marked as a suggestion or recommendation (report.recommendation_codes in the study "
                "file), so the report has no section on what participants suggest changing.",
    "rec_intro": "Passages coded as a suggestion or recommendation, grouped by what they are about (the codes of "
                 "other themes on the same passage), largest group first; a passage about two things counts in "
                 "both groups.",
    "more": "More: {section}",
    "rec_group": "{label}: {x} respondent{s} in {d} case{ds}",
    "rec_other": "Other suggestions",
    "diff_sig": "{Item} differs between {groups}: {xa} of {na} respondents in {ga} ({sa}) against {xb} of {nb} in "
                "{gb} ({sb}); unlikely to be chance alone (adjusted p = {p}), but the sample is small and not "
                "representative.",
    "diff_none": "No clear difference between {groups}: the largest gap, on {item} ({sa} in {ga} against {sb} in "
                 "{gb}), could be chance (adjusted p = {p}); with {da} and {db} cases, only large differences can show.",
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
    "prov_items": "Date, study, codebook, seeds and software versions ({n})", "prov_files": "Input files",
    "no_provenance": "No provenance record was supplied for this report.",
    "footer": "Made with qualpipe. Quotes are pseudonymised: names, e-mail addresses and phone numbers were "
              "replaced before analysis.",
    "agreement_none": "There was one human coder (or none) for the same passages, so no agreement between "
                      "coders can be computed; agreement.csv holds only its header.",
    "language_note": "",
}

# The summary (:mod:`summary`), theme sections and tables (:mod:`findings`, :mod:`charts`) and the
# template's fixed sentences (``t.html(key, ...)``: HTML as written, fields escaped).
EN |= {
    "the_group": "the {value} group", "people_group": "respondents in the {value} group",
    "in_group": "in the {value} group", "all_respondents": "all respondents", "respondents": "respondents",
    "and": " and ", "anything_on": "anything on \u2018{label}\u2019",
    "ci_part": "; {level} CI {range}", "x_of_n": "{x} of {n}",
    "group_size": " ({n} respondents in {d} cases)", "no_code": "{head}: no code was applied.",
    "all": "all", "most": "most", "followed_by": ", followed by ",
    "most_mentioned": "{head}: {most} ({lead}) mentioned {labels}{rest}.",
    "codes_most": "{head}: the codes mentioned most often were {codes}.",
    "material": "The material: {d} documents with {n} respondents",
    "themes_most": "Of the {n} themes, those raised most often were {themes}.",
    "largest_group": ", the largest group",
    "material_end": ". Statistics count cases: an interview or a focus group is one case, and so are each "
                    "person's written answers in a table of open answers.",
    "diff_counts": "{item}: {xa} of {na} {who} in {ga} ({sa}{cia}) against {xb} of {nb} in {gb} ({sb}{cib}).",
    "highest_lowest": " These are the highest and the lowest of {n} groups.",
    "diff_span": ", {level} CI {low} to {high}", "diff_points": " Difference {d} percentage points{span}.",
    "diff_unlikely": " Unlikely to be chance alone (adjusted p = {p}), but the sample is small and not "
                     "representative ({docs}).",
    "diff_chance": " This could be chance (adjusted p = {p}; {docs}).",
    "one_case_each": "one case each", "n_cases_ab": "{a} and {b} cases",
    "block_size": "{n} in {group} ({d} case{ds})",
    "differences_none": "Differences between groups", "whole_material": "the whole material",
    "differences_between": "Differences between {groups}", "differences_by": "Differences by {attribute}",
    "no_qualifying": "No comparison of {attribute} groups has at least {m} cases in every group, so the summary "
                     "states no difference; the comparisons that were made are listed below with their caveats.",
    "none_significant": "None of the {n} differences tested is statistically significant after correcting for the "
                        "number of comparisons: each could be chance. ",
    "some_significant": "{k} of the {n} differences tested {verb} statistically significant after correcting for "
                        "the number of comparisons. ", "is": "is", "are": "are",
    "compared_among": "Compared among {where}, where each group has at least {m} cases; the largest differences "
                      "come first, each with the number of respondents, the shares and their {ci} intervals (the "
                      "range the share could plausibly take given this few cases).",
    "too_few": "Fewer than {m} cases in a group: too few to tell a difference from chance.",
    "smaller_groups": "Comparisons in smaller groups ({n})",
}

EN |= {
    "test_fisher": "Fisher's exact test on documents", "test_permutation": "permutation test of documents",
    "overview": "Over all populations, {n} differences between {attribute} groups were tested ({test}, "
                "Benjamini-Hochberg correction over codes and over themes); {k} {verb} significant at the "
                "adjusted {alpha} level.", "was": "was", "were": "were",
    "any_code_of": "Any code of \u2018{label}\u2019",
    "theme_chart": "{label}: share of respondents who mentioned each code in {versus}",
    "theme_suffix": " (theme)", "group_count": "{group}: {x} of {n} ({share})",
    "pts": "{d} pts", "pts_span": " ({low} to {high})", "share_cell": "{share} ({n} of {g})",
    "not_compared": "not compared with the codebook",
    "headline": "against human coding, the machine's codes had micro-averaged F1 {f1}, precision {precision} and "
                "recall {recall} (on {n} turns it was not trained on, carrying {support} human codes)",
    "human": "human coders", "not_coded": "not coded", "machine": "machine coder ({name})",
    "caveat_sample": "The material is a small, purposive qualitative sample ({sizes}). Shares describe what these "
                     "people said; they do not estimate how common a view is in a wider population.",
    "caveat_size": "{d} documents with {n} respondents in {group}",
    "caveat_silence": "Not mentioning a topic is not the same as disagreeing with it: interviews followed a guide, "
                      "but not every question was asked of everyone in the same way.",
    "caveat_focus": "A focus group is one document; each participant counts once as a respondent. Intervals come "
                    "from resampling whole documents and are never narrower than a Wilson interval that counts "
                    "documents, so they are wide when there are few documents.",
    "caveat_tests": "Differences are tested on documents ({test}) and corrected for the number of codes compared; "
                    "with this few documents only large differences can be told apart from chance, and a "
                    "difference that is not significant is not evidence that the groups are alike.",
    "caveat_coding": "Coding was machine-assisted: {headline}.",
    "caveat_no_coding": "Coding was machine-assisted; no agreement figures between machine and human coders were "
                        "supplied, so the accuracy of the coding is not shown in this report.",
    "legend_docs": "{group} (n = {n} respondents, {d} cases)",
    "alt_bar": "{group} {share} ({x} of {n}, {ci} CI {range})",
    "alt_gap": " The largest gap between the groups is for {item}: ", "against": " against ",
    "alt": "Bar chart: {title}.{gap} Share of respondents who mentioned each item: ",
}

# the template's fixed sentences (``t.html``) and table header rows (``t.row``)
EN |= {
    "said_most": "What respondents said most",
    "other_said_most": "What the other groups said most ({n})",
    "no_test_all": "No difference could be tested here: every document, or none, mentioned each code.",
    "smaller_intro": "These comparisons are not in the summary: {why}. They show what to look at in further "
                     "work, not findings.",
    "fewer_than_above": "they rest on fewer cases per group than those above",
    "few_cases": "they rest on few cases per group",
    "no_test": "No difference could be tested here.",
    "notes_of": "Notes of the comparison: {notes}",
    "themes_intro": "Each chart shows, per theme and code, the share of all respondents who mentioned it at "
                    "least once, in {versus}.\nThe thin lines show the {ci} interval. Quotes are "
                    "pseudonymised passages that carry a code of the theme\n(an ellipsis marks where a "
                    "longer answer was cut); the reference after each quote (document:turn) identifies the "
                    "passage.",
    "theme_caption": "{label}: share of respondents who mentioned each code in {versus}, with {ci} intervals.",
    "numbers_behind": "Numbers and tests behind {label}",
    "numbers_caption": "{label}: respondents who mentioned each code, difference in shares in percentage "
                       "points ({ci} interval) and adjusted p-value, for all respondents and within each "
                       "group",
    "numbers_head": ["Code", "Among", "First group", "Second group", "Difference (first &minus; second)", "Adjusted p", "Caution"],
    "no_topics": "No topic model was fitted for this report, so there are no candidate new themes.",
    "topics_intro": "A topic model grouped respondent passages by similar wording, without the codebook. "
                    "Topics that match no theme\nof the codebook are candidates for new themes; they need a "
                    "researcher's reading before they mean anything.",
    "candidate": "Candidate theme: {label}",
    "topic_words": "{n} passages. Characteristic words: {words}.",
    "no_emergent": "Every topic the model found matches a theme of the codebook: no candidate new theme.",
    "topics_matching": "Topics that match the codebook ({n})",
    "topics_head": ["Topic", "Label", "Passages", "Status", "Theme"],
    "shares_caption": "Share of passages in each topic, {versus} (topic &minus;1: passages the model left "
                      "unassigned)",
    "framework_intro": "One row per document, one column per theme; each cell holds up to {n} "
                       "passages that carry a code of the theme (human-coded first, then those where the "
                       "theme's words are found, then the highest coding score), from different speakers "
                       "where possible.",
    "framework_show": "Show the framework matrix ({rows} documents &times; {themes} themes)",
    "framework_caption": "Framework matrix: documents by themes, with pseudonymised quotes",
    "case": "Document",
    "material_head": "The material",
    "corpus_caption": "Documents, turns, respondents and words per group",
    "corpus_head": ["Attribute", "Group", "Documents", "Turns", "Respondent turns", "Respondents", "Words"],
    "codebook_head": "The codebook",
    "codebook_show": "Themes and codes of {name} ({n} entries)",
    "codebook_cols": ["Id", "Label", "Definition"],
    "coding_head": "How the material was coded",
    "coding_intro": "Every respondent turn was coded against the codebook; a turn can carry several codes. "
                    "Interviewer turns were not counted.\nWhere people coded a document, their codes are "
                    "final; elsewhere the machine coder's codes are used.",
    "coded_by": "{kind}: {n} respondent turns",
    "agreement_head": "Agreement between coders",
    "agreement_caption": "Agreement between coders (overall and per theme)",
    "agreement_cols": ["Level", "Code", "Coders", "Units (n)", "% agreement", "Cohen&rsquo;s kappa", "Krippendorff&rsquo;s alpha"],
    "no_agreement": "No agreement figures between coders were supplied for this report.",
    "evaluation_head": "Machine coding checked against human coding",
    "evaluation_caption": "Machine coding against human gold codes",
    "evaluation_cols": ["Coder", "Level", "Code", "Units (n)", "Human codes", "Precision", "Recall", "F1", "Kappa"],
    "no_evaluation": "No evaluation of the machine coding against human coding was supplied for this report.",
    "method_head": "How groups were compared",
    "method": "Shares count respondents (each speaker of a document once) among respondent turns. Each "
              "interval is the wider of two:\nthe percentile interval of a bootstrap that resamples whole "
              "documents within each group, and a Wilson score interval that\ntakes the number of documents "
              "as the sample size. The bootstrap alone collapses to a single value (such as 0&ndash;0%) "
              "when\nevery document of a group agrees, and is too narrow with few documents; the Wilson "
              "interval stays honest there. Intervals of\ndifferences likewise take the wider of the "
              "bootstrap and Newcombe&rsquo;s score interval. The summary states differences only\nwhere "
              "every group has at least {m} documents. Two groups are compared with Fisher&rsquo;s exact "
              "test on documents\nmentioning a code or not (or a permutation test of documents); more groups "
              "with a permutation chi-square test of documents.\np-values are adjusted with the "
              "Benjamini-Hochberg procedure over codes, and separately over themes.",
    "settings_show": "Settings of the comparison",
    "settings_cols": ["Setting", "Value"],
    "topic_model_head": "Topic model",
    "stability": "Stability: refitting with other seeds gave a mean adjusted Rand index of {ari} (1 = "
                 "identical topics, 0 = chance).",
    "no_stability": "No stability figures were supplied.",
    "refits_caption": "Refits with other seeds",
    "refits_cols": {"seed": "Seed", "n_topics": "Topics", "outlier_share": "Share of passages in no topic",
                    "ari": "Adjusted Rand index"},
    "yes": "yes", "no": "no", "all_documents": "All documents",
    "topic_info_show": "Topic model settings and counts",
    "topic_info_cols": ["Item", "Value"],
    "no_topic_model": "No topic model was fitted for this report.",
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

    def count(self, value) -> str:  # noqa: ANN001
        """A whole number, grouped from 10,000 on: "81,809" (English), "81.809" (Dutch)."""
        number = int(value)
        if abs(number) < 10_000:
            return str(number)
        text = f"{number:,}"
        return text.replace(",", ".") if self.language == "nl" else text

    def cell(self, text: str) -> str:
        """A table cell: numbers such as "0.71" with a decimal comma in Dutch, other text as it is."""
        if self.language == "nl" and re.fullmatch(r"[\u2212+-]?\d+\.\d+", text):
            return text.replace(".", ",")
        return text

    def html(self, key: str, **fields):
        """A fixed sentence of the template as HTML (entities as written; ``fields`` escaped)."""
        from markupsafe import Markup

        return Markup(self[key]).format(**fields)

    def row(self, key: str) -> list:
        """A header row of the template (HTML as written)."""
        from markupsafe import Markup

        return [Markup(cell) for cell in self[key]]

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
        """Fields ``s`` (respondent-s), ``ds`` (case-s / gesprek-ken), ``zei`` and ``den`` (Dutch verbs:
        zei/zeiden, had/hadden)."""
        if self.language == "nl":
            verb = "" if n == 1 else "den"
            return {"s": "" if n == 1 else "en", "ds": "" if n == 1 else "ken", "zei": verb, "den": verb}
        return {"s": "" if n == 1 else "s", "ds": "" if n == 1 else "s", "zei": "", "den": ""}

    def join(self, items: list[str]) -> str:
        word = " en " if self.language == "nl" else " and "
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + word + items[-1]


def texts(language: str) -> Texts:
    return Texts(language)


__all__ = ["LANGUAGES", "Texts", "texts"]
