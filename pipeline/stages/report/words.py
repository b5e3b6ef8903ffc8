"""The report's words for what it counts, fitted to the material (``report.words``).

A study of interviews counts *respondents* (each speaker of a document once) in *cases* (an
interview, a focus group, one person's written answers); a study of tables of text units (every
row one turn, no interviewer: ethnographic excerpts, newspaper passages) counts *passages* of
*documents*. :func:`material` tells the two apart from the coded segments, by the rule the compare
stage uses to find tables of units; :func:`resolve` fills every word the study file leaves unset:

- ``unit``/``units``: respondent(s) for speaker turns, passage(s) for tables of text units;
- ``document``/``documents``: document(s);
- ``case``/``cases``: the unit's words when every case holds one unit (a table's rows, one
  narrator per interview: saying "18 of 96 excerpts in 18 of 96 cases" would say one thing twice),
  else case(s) for speaker turns and the document's words for tables;
- ``participants``: participants for speaker turns when the study names no units, else the units;
- ``people``: true for speaker turns (sentences say "respondents who mentioned"), false for texts
  ("passages that mention").
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pipeline.settings import ReportWords

#: the words of each language for speaker turns (``people``) and for tables of text units (``texts``)
DEFAULTS = {
    "en": {"people": {"unit": "respondent", "units": "respondents", "case": "case", "cases": "cases",
                      "document": "document", "documents": "documents", "participants": "participants",
                      "turn": "turn", "turns": "turns"},
           "texts": {"unit": "passage", "units": "passages", "document": "document", "documents": "documents"}},
    "nl": {"people": {"unit": "respondent", "units": "respondenten", "case": "gesprek", "cases": "gesprekken",
                      "document": "document", "documents": "documenten", "participants": "deelnemers",
                      "turn": "spreekbeurt", "turns": "spreekbeurten"},
           "texts": {"unit": "fragment", "units": "fragmenten", "document": "document", "documents": "documenten"}},
}


@dataclass(frozen=True)
class Material:
    """What the coded material holds: only tables of text units (``units_only``), interviewer turns
    (``interviewer``: an interview guide was followed), documents with several respondents
    (``groups``: focus groups), and whether every case holds one unit (``one_case``)."""

    units_only: bool = False
    interviewer: bool = True
    groups: bool = True
    one_case: bool = False


def material(segments: pd.DataFrame | None, comparison=None) -> Material:
    """The :class:`Material` of coded ``segments`` (and of the compare tables, for ``one_case``).
    Without segments nothing is known: every limit is kept and the words are those of interviews."""
    one_case = False
    if comparison is not None and len(comparison.prevalence):
        everyone = comparison.prevalence[comparison.prevalence["attribute"] == "(all)"]
        one_case = bool(len(everyone)) and int(everyone["n_docs"].max()) == int(everyone["n_respondents"].max())
    if segments is None or not len(segments) or not {"doc_id", "speaker", "speaker_role"} <= set(segments.columns):
        return Material(one_case=one_case)
    docs = segments["doc_id"]  # ids are text (pipeline.schemas)
    with_interviewer = set(docs[segments["speaker_role"] == "interviewer"])
    respondent = segments["speaker_role"] == "respondent"
    turns = segments[respondent].groupby([docs[respondent], segments.loc[respondent, "speaker"]]).size()
    if not len(turns):
        return Material(interviewer=bool(with_interviewer), one_case=one_case)
    most = turns.groupby(level=0).max()
    speakers = turns.groupby(level=0).size()
    unit_docs = {d for d, m in most.items() if m == 1 and d not in with_interviewer}
    return Material(units_only=set(most.index) <= unit_docs, interviewer=bool(with_interviewer),
                    groups=any(n > 1 for d, n in speakers.items() if d not in unit_docs), one_case=one_case)


def resolve(words: ReportWords | None, language: str, found: Material) -> ReportWords:
    """Every word of ``words`` (the study's, in ``language``), the unset ones fitted to ``found``."""
    given = (words or ReportWords()).model_dump(exclude_none=True)
    table = DEFAULTS.get(language, DEFAULTS["en"])
    people = given.get("people", not found.units_only)
    base = table["people" if people else "texts"]
    out = {key: given.get(key, base[key]) for key in ("unit", "units", "document", "documents")}
    if "case" in given:
        out["case"], out["cases"] = given["case"], given["cases"]
    elif found.one_case:
        out["case"], out["cases"] = out["unit"], out["units"]
    elif people:
        out["case"], out["cases"] = base["case"], base["cases"]
    else:
        out["case"], out["cases"] = out["document"], out["documents"]
    out["participants"] = given.get("participants") or (
        given["units"] if "units" in given else base["participants"] if people else out["units"])
    return ReportWords(**out, people=people)


def fitted(settings, segments: pd.DataFrame | None, comparison=None):  # noqa: ANN001, ANN201
    """``settings`` (a ``ReportSettings``) with every word set for this material."""
    found = material(segments, comparison)
    return settings.model_copy(update={"words": resolve(settings.words, settings.language, found)}), found


__all__ = ["DEFAULTS", "Material", "fitted", "material", "resolve"]
