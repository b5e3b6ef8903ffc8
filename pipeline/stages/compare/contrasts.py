"""The ``differences`` table of the compare stage: per attribute and stratum, the contrast of each
code and theme between the groups (two groups: other - reference; more: highest - lowest), its test
and the Benjamini-Hochberg adjusted p-values. Columns are in
:mod:`pipeline.stages.compare.differences`'s docstring, which re-exports what is public here.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from pipeline.errors import Note
from pipeline.settings import CompareSettings
from pipeline.stages.compare import stats as cs

if TYPE_CHECKING:
    from pipeline.stages.compare.differences import _Turns

#: counts of each side of a difference (``n_documents`` becomes ``n_docs``, ``n_docs`` ``n_cases``)
CASE_COUNTS = ("n_docs", "n_documents", "docs_mentioning", "n_respondents", "respondents_mentioning")


def _caution(groups: list[str], counts: list[dict], settings: CompareSettings) -> str:
    notes = []
    for group, c in zip(groups, counts):
        if c["n_docs"] < settings.min_group_docs:
            notes.append(f"{group}: only {c['n_docs']} document(s)")
        if c["n_respondents"] < settings.min_respondents:
            notes.append(f"{group}: share rests on {int(c['n_respondents'])} respondent(s)")
    return "; ".join(notes)


def _differences(turns: _Turns, prev: pd.DataFrame, boot: dict, settings: CompareSettings
                 ) -> tuple[pd.DataFrame, list[str]]:
    items = turns.items
    frames, notes = [], []
    for attribute in settings.by:
        strata = list(dict.fromkeys(s for (a, s, _) in boot if a == attribute))
        for stratum in strata:
            groups = [g for (a, s, g) in boot if a == attribute and s == stratum]
            if len(groups) < 2:
                notes.append(Note(f"{attribute} within {stratum}: only the group '{groups[0]}' is present; "
                                  "nothing to compare.", "one_group_present",
                                  {"attribute": attribute, "stratum": stratum, "group": groups[0]}))
                continue
            frames.append(_stratum_differences(items, boot, settings, attribute, stratum, groups))
    columns = ["attribute", "stratum", "level", "code", "theme", "label", "groups", "contrast", "group_a",
               "group_b", "n_docs_a", "n_docs_b", "n_cases_a", "n_cases_b", "docs_mentioning_a", "docs_mentioning_b", "n_respondents_a",
               "n_respondents_b", "respondents_mentioning_a", "respondents_mentioning_b", "share_a", "share_b",
               "difference", "diff_low", "diff_high", "test", "p_value", "p_adjusted", "significant", "caution"]
    if not frames:
        return pd.DataFrame(columns=columns), notes
    return pd.concat(frames, ignore_index=True)[columns], notes


def _stratum_differences(items: pd.DataFrame, boot: dict, settings: CompareSettings, attribute: str,
                         stratum: str, groups: list[str]) -> pd.DataFrame:
    """The rows of the differences table for one stratum of ``attribute``, one per code and theme."""
    ref = settings.reference.get(attribute)
    if len(groups) == 2:  # difference = other - reference
        ref = ref if ref in groups else groups[0]
        groups = [g for g in groups if g != ref] + [ref]
    cls = [boot[(attribute, stratum, g)][0] for g in groups]
    samples = [boot[(attribute, stratum, g)][1]["respondents"] for g in groups]
    counts = [c.counts() for c in cls]
    share = np.array([cs.ratio(c["respondents_mentioning"], np.asarray(c["n_respondents"], float))
                      for c in counts])  # (g, k)
    doc_with = np.concatenate([c.doc_with for c in cls])
    labels = np.concatenate([np.full(len(c.doc_ids), i) for i, c in enumerate(cls)])
    total = doc_with.sum(0)
    untestable = (total == 0) | (total == len(labels))
    rng = cs.rng_for(settings.seed, "test", attribute, stratum)
    frame = items.copy()
    frame.insert(0, "stratum", stratum)
    frame.insert(0, "attribute", attribute)
    frame["groups"] = ", ".join(groups)
    if len(groups) == 2:
        p = _two_group_test(frame, groups, cls, samples, counts, share, labels, rng, settings)
    else:
        p = _many_group_test(frame, groups, counts, share, labels, doc_with, rng, settings)
    for side in ("a", "b"):  # n_docs_*: documents; n_cases_*: cases (a table's units each)
        frame[f"n_cases_{side}"] = frame[f"n_docs_{side}"]
        frame[f"n_docs_{side}"] = frame.pop(f"n_documents_{side}")
    p = np.where(untestable, np.nan, p)
    frame["p_value"] = p
    frame["p_adjusted"] = np.nan
    for level in ("code", "theme"):
        sel = (frame["level"] == level).to_numpy()
        frame.loc[sel, "p_adjusted"] = cs.bh_adjust(p[sel])
    frame["significant"] = (frame["p_adjusted"] < settings.alpha).fillna(False).astype(bool)
    caution = _caution(groups, counts, settings)
    frame["caution"] = ["; ".join(filter(None, [
        ("not tested: " + ("no document mentions it" if t == 0 else "every document mentions it"))
        if u else "", caution])) for u, t in zip(untestable, total)]
    return frame


def _two_group_test(frame: pd.DataFrame, groups: list[str], cls: list, samples: list[np.ndarray],
                    counts: list[dict], share: np.ndarray, labels: np.ndarray, rng: np.random.Generator,
                    settings: CompareSettings) -> np.ndarray:
    """Fill the contrast, interval, test and count columns of two groups (a - b); return the p-values."""
    n_items = len(frame)
    frame["contrast"] = f"{groups[0]} - {groups[1]}"
    frame["group_a"], frame["group_b"] = groups[0], groups[1]
    frame["difference"] = share[0] - share[1]
    low, high = cs.widen(*cs.percentile_interval(samples[0] - samples[1], settings.ci),
                         *cs.newcombe_interval(share[0], counts[0]["n_docs"], share[1],
                                               counts[1]["n_docs"], settings.ci))
    frame["diff_low"], frame["diff_high"] = low, high
    if settings.test == "fisher":
        frame["test"] = "Fisher exact (documents)"
        p = np.array([cs.fisher_p(int(counts[0]["docs_mentioning"][j]), counts[0]["n_docs"],
                                  int(counts[1]["docs_mentioning"][j]), counts[1]["n_docs"])
                      for j in range(n_items)])
    else:
        frame["test"] = f"permutation of documents ({settings.n_perm}), respondent shares"
        n_resp = np.concatenate([c.n_resp for c in cls])
        resp_with = np.concatenate([c.resp_with for c in cls])
        p = cs.permutation_diff_p(labels == 0, resp_with, n_resp, settings.n_perm, rng)
    for side, idx in (("a", 0), ("b", 1)):
        for name in CASE_COUNTS:
            frame[f"{name}_{side}"] = np.broadcast_to(counts[idx][name], n_items).astype(int)
        frame[f"share_{side}"] = share[idx]
    return p


def _many_group_test(frame: pd.DataFrame, groups: list[str], counts: list[dict], share: np.ndarray,
                     labels: np.ndarray, doc_with: np.ndarray, rng: np.random.Generator,
                     settings: CompareSettings) -> np.ndarray:
    """Fill the highest - lowest columns of more than two groups; return the chi-square permutation p-values."""
    n_items = len(frame)
    hi, lo = share.argmax(0), share.argmin(0)
    frame["contrast"] = "highest - lowest"
    frame["group_a"] = [groups[i] for i in hi]
    frame["group_b"] = [groups[i] for i in lo]
    frame["difference"] = share.max(0) - share.min(0)
    frame["diff_low"] = frame["diff_high"] = np.nan
    frame["test"] = f"permutation chi-square of documents ({settings.n_perm})"
    p = cs.permutation_chi2_p(labels, doc_with, settings.n_perm, rng)
    for side in ("a", "b"):
        for name in CASE_COUNTS:
            frame[f"{name}_{side}"] = -1
        frame[f"share_{side}"] = np.nan
    # counts of the highest and lowest group per item
    for side, pick in (("a", hi), ("b", lo)):
        for name in CASE_COUNTS:
            frame[f"{name}_{side}"] = [int(np.broadcast_to(counts[g][name], n_items)[j])
                                       for j, g in enumerate(pick)]
        frame[f"share_{side}"] = [share[g, j] for j, g in enumerate(pick)]
    return p
