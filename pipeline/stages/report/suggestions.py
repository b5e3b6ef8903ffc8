"""The recommendations section: what participants suggest changing, from the codes the study
marks as recommendations or suggestions (``report.recommendation_codes``: code, parent or theme
ids).

Respondent turns carrying such a code are grouped by what the suggestion is about: the codes of
*other themes* on the same turn (matching, guidelines ...; codes of the suggestion's own theme,
such as a positive judgement beside it, say how the speaker judged, not what should change),
counted in respondents and cases, largest group first, each with quotes. A turn with no such code
is grouped under its recommendation code when the study marks several, else in a last group of
other suggestions. A turn with two such codes counts in both groups (the section says so). When
the study marks no recommendation codes the report has no such section (the methods say why)."""
from __future__ import annotations

import pandas as pd

from pipeline.schemas import split_codes
from pipeline.stages.compare.tables import trim_quote
from pipeline.stages.report.keyfindings import label, recommendation_codes
from pipeline.stages.report.texts import Texts

OTHER = "(none)"


def suggestion_turns(segments: pd.DataFrame | None, rec: list[str], same_theme: set[str] | frozenset = frozenset(),
                     cases: str = "auto") -> pd.DataFrame:
    """Respondent turns with a recommendation code, with ``about`` (a list): their codes outside
    ``rec`` and ``same_theme`` (the codes of the recommendation codes' themes); else their
    recommendation codes when there are several, else ``OTHER``. ``cases`` as ``compare.cases``."""
    if segments is None or not rec or "codes" not in segments.columns:
        return pd.DataFrame(columns=["segment_id", "doc_id", "case", "speaker", "text", "about"])
    from pipeline.stages.compare.differences import _cases

    resp = segments[segments["speaker_role"] == "respondent"].reset_index(drop=True)
    resp = resp.assign(case=_cases(segments, resp, cases).to_numpy())  # a table's units are cases, as in compare
    codes = split_codes(resp["codes"])
    mask = codes.map(lambda cs: any(c in rec for c in cs))
    turns = resp[mask][["segment_id", "doc_id", "case", "speaker", "text"]].copy()
    skip = set(rec) | set(same_theme)
    turns["about"] = [[c for c in cs if c not in skip] or ([c for c in cs if c in rec] if len(rec) > 1 else [])
                      or [OTHER] for cs in codes[mask]]
    return turns.reset_index(drop=True)


def _group_rows(turns: pd.DataFrame) -> pd.DataFrame:
    long = turns.explode("about")
    long["_resp"] = long["doc_id"] + "\x1f" + long["speaker"]
    grouped = long.groupby("about").agg(respondents=("_resp", "nunique"), cases=("case", "nunique"),
                                        turns=("segment_id", "nunique")).reset_index()
    grouped["_other"] = grouped["about"] == OTHER
    return grouped.sort_values(["_other", "respondents", "turns", "about"], ascending=[True, False, False, True],
                               kind="mergesort")


def recommendations(segments, comparison, codebook, settings, t: Texts) -> dict:
    """``{"available", "intro", "statement", "groups": [{"label", "count", "quotes"}], "finding"}``."""
    rec = recommendation_codes(codebook, settings)
    if not rec:
        return {"available": False, "note": t["rec_none"], "groups": [], "finding": None}
    themes = {codebook.theme_of(c) for c in rec}
    turns = suggestion_turns(segments, rec, {c for c in codebook.code_ids if codebook.theme_of(c) in themes},
                             comparison.settings.cases)
    total = comparison.corpus[comparison.corpus["attribute"] == "(all)"].iloc[0]
    prev = comparison.prevalence
    row = prev[(prev["attribute"] == "(all)") & prev["code"].isin(rec)].sort_values(
        "respondents_mentioning", ascending=False)
    x = len(turns.assign(r=turns["doc_id"] + turns["speaker"])["r"].unique())
    d = turns["case"].nunique()
    n_resp = int(total["n_respondents"])
    n_cases = int(row.iloc[0]["n_docs"]) if len(row) else int(total["n_docs"])
    groups = []
    for _, g in _group_rows(turns).head(settings.max_recommendation_groups).iterrows() if len(turns) else []:
        name = t["rec_other"] if g["about"] == OTHER else label(codebook, g["about"], settings.language)
        sub = turns[turns["about"].map(lambda a, k=g["about"]: k in a)].drop_duplicates("doc_id")
        quotes = [{"quote": trim_quote(r["text"], comparison.settings.quote_chars), "segment_id": r["segment_id"],
                   "speaker": r["speaker"]} for _, r in sub.head(settings.key_quotes).iterrows()]
        words = t.counts(int(g["respondents"]), int(g["cases"]))
        groups.append({"label": name, "about": g["about"], "quotes": quotes, "respondents": int(g["respondents"]),
                       "count": t["rec_group"].format(label=name, x=int(g["respondents"]), d=int(g["cases"]), **words)})
    about = [f"\u2018{g['label']}\u2019 ({g['respondents']})" for g in groups if g["about"] != OTHER][:3]
    key = "rec_statement" if about else "rec_statement_plain"
    statement = t[key].format(x=x, n=n_resp, d=d, D=n_cases, topics=t.join(about) if about else "")
    finding = None
    if x:
        finding = {"statement": statement, "evidence": "", "link": "recommendations", "contrary": [],
                   "quotes": groups[0]["quotes"][:1] if groups else [], "more": t["recommendations"],
                   "kind": "suggestions"}
    return {"available": True, "intro": t["rec_intro"], "statement": statement, "groups": groups,
            "finding": finding, "note": ""}


__all__ = ["recommendations", "suggestion_turns"]
