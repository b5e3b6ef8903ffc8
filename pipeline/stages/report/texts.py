"""The report's fixed wording in English and Dutch (``report.language: en | nl``).

``texts(language)`` gives a :class:`Texts`: ``t["key"]`` is a heading or a sentence pattern
(``str.format`` fields), ``t.num(x)`` a number and ``t.pct(share)`` a percentage in the
language's format (Dutch: decimal comma). Dutch wording is written for a Flemish reader
("respondenten", "gesprekken", "aanbevelingen"). Unknown languages fall back to English with a
note in the report.
"""
from __future__ import annotations

import functools
import math
import re

from pipeline.stages.report.texts_en import EN
from pipeline.stages.report.texts_nl import NL
from pipeline.stages.report.texts_variants import variants
from pipeline.settings import ReportWords
from pipeline.stages.report.words import DEFAULTS, Material, resolve

LANGUAGES = {"en": EN, "nl": NL}

#: ``{@units}``, ``{@Units}`` (capitalised), ``{@a_unit}`` (with its English article): a word of
#: :class:`pipeline.settings.ReportWords` put into a sentence before its fields are filled
_MARK = re.compile(r"\{@(a_)?(\w+)\}")
_NOTES = ("case_note", "case_def", "case_one")
#: what the topic model counts (``{@piece}``, ``{@pieces}``): a turn, or a window of whole sentences of a long
#: one (:mod:`pipeline.stages.topics.units`), whatever the study calls its units
PIECES = {"en": ("text piece", "text pieces"), "nl": ("tekstdeel", "tekstdelen")}
#: the compare stage's cautions (``differences.caution``) and the sentence keys that say them
_CAUTIONS = [(re.compile(r"^not tested: no document mentions it$"), "caution_none"),
             (re.compile(r"^not tested: every document mentions it$"), "caution_every"),
             (re.compile(r"^(.*): only (\d+) document\(s\)$"), "caution_docs"),
             (re.compile(r"^(.*): share rests on (\d+) respondent\(s\)$"), "caution_resp")]


class Texts:
    """The wording of one language (see the module docstring), in the words of the material
    (``words``: a :class:`pipeline.settings.ReportWords`; unset words are those of interviews)."""

    def __init__(self, language: str, words=None) -> None:  # noqa: ANN001
        self.language = language if language in LANGUAGES else "en"
        given = words if isinstance(words, ReportWords) else ReportWords(**(words or {}))
        full = resolve(given, self.language, Material(units_only=given.people is False))
        self.people = bool(full.people)
        defaults = DEFAULTS[self.language]["people"]
        self.w = full.model_dump(exclude={"people"})
        self.w["turn"], self.w["turns"] = ((defaults["turn"], defaults["turns"]) if self.people
                                           else (self.w["unit"], self.w["units"]))
        self.w["piece"], self.w["pieces"] = PIECES[self.language]
        self.one_case = (self.w["case"], self.w["cases"]) == (self.w["unit"], self.w["units"])
        #: the notes on what a case is belong to the default word 'case' of speaker turns only
        self.explain_cases = self.people and not self.one_case and self.w["case"] == defaults["case"]
        self.tables = [*variants(self.language, self.people, self.one_case), LANGUAGES[self.language]]

    def _raw(self, key: str):
        for table in self.tables:
            if key in table:
                return table[key]
        return EN[key]

    def _word(self, match: re.Match, escape: bool) -> str:
        article, name = match.group(1), match.group(2)
        if name in _NOTES:
            text = self._raw(name) if self.explain_cases else ""
            return self._sub(text, escape)
        word = self.w[name[:1].lower() + name[1:]]
        word = capital(word) if name[:1].isupper() else word
        if article:
            word = ("an " if word[:1].lower() in "aeiou" else "a ") + word if self.language == "en" else word
        if escape:
            from markupsafe import escape as html_escape

            word = str(html_escape(word))
        return word

    def _sub(self, value, escape: bool = False):  # noqa: ANN001, ANN202
        if isinstance(value, str):
            return _MARK.sub(lambda m: self._word(m, escape), value) if "{@" in value else value
        if isinstance(value, list):
            return [self._sub(v, escape) for v in value]
        if isinstance(value, dict):
            return {k: self._sub(v, escape) for k, v in value.items()}
        return value

    def __getitem__(self, key: str):
        return self._sub(self._raw(key))

    def num(self, value: float, digits: int = 2) -> str:
        text = f"{value:.{digits}f}"
        return text.replace(".", ",") if self.language == "nl" else text

    def p_is(self, value: float) -> str:
        """A p-value as a sentence says it after "p": "= 0.04", "< 0.001" (never "= < 0.001")."""
        text = self.p(value)
        return text if text.startswith("<") or not text[:1].isdigit() else f"= {text}"

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
        """A fixed sentence of the template as HTML (entities as written; words and ``fields`` escaped)."""
        from markupsafe import Markup

        return Markup(self._sub(self._raw(key), escape=True)).format(**fields)

    def row(self, key: str) -> list:
        """A header row of the template (HTML as written; words escaped)."""
        from markupsafe import Markup

        return [Markup(cell) for cell in self._sub(self._raw(key), escape=True)]

    def pct(self, share: float) -> str:
        if share is None or (isinstance(share, float) and math.isnan(share)):
            return "\u2013"  # a dash: the same in every language
        return f"{100 * share:.0f}%"

    def p(self, value: float) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "niet getoetst" if self.language == "nl" else "not tested"
        text = "< 0.001" if value < 0.001 else f"{value:.2f}" if value >= 0.01 else f"{value:.3f}"
        return text.replace(".", ",") if self.language == "nl" else text

    def plural(self, n: int) -> dict[str, str]:
        """Fields ``unit_n`` and ``case_n`` (the unit's and the case's word for ``n``: "1 respondent",
        "2 respondents"), ``zei`` and ``den`` (Dutch verbs: zei/zeiden, had/hadden)."""
        one = n == 1
        verb = "" if one or self.language != "nl" else "den"
        return {"unit_n": self.w["unit" if one else "units"], "case_n": self.w["case" if one else "cases"],
                "document_n": self.w["document" if one else "documents"], "zei": verb, "den": verb}

    def counts(self, x: int, d: int) -> dict[str, str]:
        """The fields of :meth:`plural` for ``x`` units in ``d`` cases."""
        return self.plural(x) | {"case_n": self.plural(d)["case_n"]}

    def caution(self, text: str, labels: dict | None = None) -> str:
        """The compare stage's caution of a difference (English, "; "-separated) in the report's
        language and words, groups named by ``labels`` (group value -> name) where given."""
        parts = []
        for part in str(text).split("; "):
            for pattern, key in _CAUTIONS:
                match = pattern.match(part)
                if match:
                    fields = {}
                    if match.groups():
                        group, n = match.group(1), int(match.group(2))
                        fields = {"group": (labels or {}).get(group, group), "n": n, **self.plural(n)}
                    part = self[key].format(**fields)
                    break
            parts.append(part)
        return "; ".join(parts)

    def join(self, items: list[str]) -> str:
        word = " en " if self.language == "nl" else " and "
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + word + items[-1]


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


@functools.lru_cache(maxsize=64)
def _texts(language: str, words: tuple) -> Texts:
    return Texts(language, dict(words))


def texts(language) -> Texts:  # noqa: ANN001
    """The wording of a language (``"en"``), or of report settings (their language and words)."""
    if isinstance(language, str):
        return _texts(language, ())
    words = getattr(language, "words", None)
    return _texts(language.language, tuple(sorted(words.model_dump(exclude_none=True).items())) if words else ())


__all__ = ["LANGUAGES", "Texts", "capital", "texts"]
