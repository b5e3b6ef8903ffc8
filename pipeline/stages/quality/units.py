"""The units an evaluation scores, the ones it leaves out, and its per-unit predictions.

A unit is a respondent turn of a document that a gold coder coded (see
:func:`pipeline.stages.coding.review.coverage`); a row with code ``-`` (:data:`pipeline.codebook.NO_CODE`)
records a unit coded with no code, so its document counts as coded. Every unit left out is
named in a warning, and :func:`unit_predictions` lists every unit with its fold, its gold codes
and the machine's out-of-fold codes (``evaluation_predictions.csv``).
"""
from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from pipeline.codebook import NO_CODE
from pipeline.errors import Problem
from pipeline.schemas import join_codes

log = logging.getLogger(__name__)


def _doc_map(segments: pd.DataFrame) -> dict[str, str]:
    return dict(zip(segments["segment_id"], segments["doc_id"]))


def _present(codings: pd.DataFrame) -> pd.DataFrame:
    if "decision" in codings.columns:
        return codings[codings["decision"].fillna("").astype(str) != "reject"]
    return codings


def _respondent_units(segments: pd.DataFrame, docs: set) -> list[str]:
    segs = segments[segments["doc_id"].isin(docs)]
    if "speaker_role" in segs.columns:
        segs = segs[segs["speaker_role"] == "respondent"]
    return segs.sort_values(["doc_id", "turn"])["segment_id"].tolist()


def left_out(segments: pd.DataFrame, docs: set) -> list[Problem]:
    """One warning per document whose respondent turns are left out of an evaluation because no
    gold coder coded it (no row in it, not even a '-' row), logged as well."""
    units = _respondent_units(segments, set(segments["doc_id"]) - set(docs))
    if not units:
        return []
    doc_of = _doc_map(segments)
    by_doc: dict[str, list[str]] = {}
    for unit in units:
        by_doc.setdefault(doc_of[unit], []).append(unit)
    problems = [Problem(f"gold codings[{doc}]", f"{len(ids)} unit(s) left out of the evaluation "
                        f"({', '.join(ids[:5])}{' ...' if len(ids) > 5 else ''}): no gold coder has a row "
                        "in this document.", f"If the document was coded and no code applies, add a row "
                        f"with code '{NO_CODE}' for its units; else code it or ignore this.", "warning")
                for doc, ids in sorted(by_doc.items())]
    for p in problems:
        log.warning(str(p))
    return problems


def unmarked_units(gold: pd.DataFrame, segments: pd.DataFrame, units: list[str]) -> list[Problem]:
    """Where a gold coder marks 'coded, no code' with '-' rows, units of their documents without any
    row of theirs are counted as having no code: one warning per coder naming them."""
    marked = gold[gold["code"] == NO_CODE]
    doc_of = _doc_map(segments)
    problems = []
    for coder in sorted(marked["coder"].unique()):
        own = gold[gold["coder"] == coder]
        docs = {doc_of.get(s) for s in own["segment_id"]}
        seen = set(own["segment_id"])
        bare = [u for u in units if doc_of[u] in docs and u not in seen]
        if bare:
            problems.append(Problem(f"gold codings[{coder}]", f"{len(bare)} unit(s) have no row of {coder} "
                                    f"although {coder} marks uncoded units with '{NO_CODE}' "
                                    f"({', '.join(bare[:5])}{' ...' if len(bare) > 5 else ''}); they count "
                                    "as 'no code'.", f"Add a '{NO_CODE}' row or the codes for each.", "warning"))
            log.warning(str(problems[-1]))
    return problems


def unit_predictions(pred: pd.DataFrame, gold: pd.DataFrame, segments: pd.DataFrame, units: list[str],
                     fold_of: dict[str, Any]) -> pd.DataFrame:
    """One row per unit evaluated (and per unit left out): ``segment_id, doc_id, fold, gold_codes,
    predicted_codes`` (codes sorted, ';'-joined; fold 'left out' for units no gold coder coded)."""
    def joined(frame: pd.DataFrame) -> dict[str, str]:
        frame = _present(frame)
        frame = frame[frame["code"] != NO_CODE]
        return frame.groupby("segment_id")["code"].agg(join_codes).to_dict()

    truth, guess = joined(gold), joined(pred)
    doc_of = _doc_map(segments)
    scored = set(units)
    others = [u for u in _respondent_units(segments, set(segments["doc_id"])) if u not in scored]
    rows = [{"segment_id": u, "doc_id": doc_of[u], "fold": fold_of.get(doc_of[u], ""),
             "gold_codes": truth.get(u, ""), "predicted_codes": guess.get(u, "")} for u in units]
    rows += [{"segment_id": u, "doc_id": doc_of[u], "fold": "left out", "gold_codes": "",
              "predicted_codes": guess.get(u, "")} for u in others]
    return pd.DataFrame(rows, columns=["segment_id", "doc_id", "fold", "gold_codes", "predicted_codes"])
