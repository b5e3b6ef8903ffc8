"""Which comparisons to make: the runs of a held-out evaluation and the pairs of coders to compare.

A held-out design comes from a split table (``doc_id, split`` with ``train`` | ``heldout``) or from
``agreement.test_docs`` / ``train_docs``. Any further column of the split table holding true/false
values names a smaller training set (for example the first documents a team coded): each gives
one more run, trained on the documents marked true and scored on the same held-out documents.
"""
from __future__ import annotations

import pandas as pd

_TRUE = ("true", "1", "yes")


def holdout_runs(kind: str, split: pd.DataFrame | None, test_docs: list[str], train_docs: list[str],
                 coded_docs: set[str]) -> tuple[str, list[tuple[str, str, list[str]]], list[str]]:
    """``(design, runs, test)``: a description of the design, the runs as ``(label, coder kind,
    training documents)``, and the held-out documents."""
    if split is not None:
        train = split.loc[split["split"] == "train", "doc_id"].tolist()
        test = split.loc[split["split"] == "heldout", "doc_id"].tolist()
    else:
        test = list(test_docs)
        train = list(train_docs) or sorted(coded_docs - set(test))
    design = f"held-out: trained on {len(train)} documents, scored on {len(test)}"
    runs = [(f"{kind}, {len(train)} training documents", kind, train)]
    for column in [] if split is None else [c for c in split.columns if c not in ("doc_id", "split", "_line")]:
        values = split[column].astype(str).str.strip().str.lower()
        if not values.isin(_TRUE + ("false", "0", "no", "", "nan")).all():
            continue  # not a true/false column: a note, not a training set
        subset = split.loc[values.isin(_TRUE), "doc_id"].tolist()
        if subset:
            runs.append((f"{kind}, {len(subset)} training documents", kind, subset))
    if kind != "rule":
        runs.append(("rule (no training)", "rule", train))
    return design, runs, test


def coder_pairs(codings: pd.DataFrame, segments: pd.DataFrame) -> list[tuple[str, str]]:
    """Every pair of coders who coded at least one document in common (a machine coder is paired
    with every coder)."""
    doc_of = dict(zip(segments["segment_id"], segments["doc_id"]))
    docs = {c: set(g["segment_id"].map(doc_of)) for c, g in codings.groupby("coder")}
    machine = set(codings.loc[codings["source"] != "human", "coder"])
    names = sorted(docs)
    return [(a, b) for i, a in enumerate(names) for b in names[i + 1:]
            if (docs[a] & docs[b]) or a in machine or b in machine]
