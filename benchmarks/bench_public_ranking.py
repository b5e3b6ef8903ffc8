"""How well the coder's scores rank FastingLLMPub's excerpts, apart from where it draws the line
(benchmark; prints figures).

``bench_public.py`` gives the machine codes' kappa; this script asks where the errors come from.
It builds the same study (``bench_public.write_study``), splits the cultures into ``--folds`` folds
(shuffled with ``--fold-seed``), trains the coder of ``--coding`` on the other folds and scores each
fold. Per code and as means it prints:

- ``ap``: average precision of the out-of-fold scores (how well they rank, whatever the threshold);
- ``auc``: area under the ROC curve;
- ``oracle``: the best kappa any threshold could give, the threshold chosen on the scores themselves
  (a ceiling, not a result);
- ``decided``: the kappa of the codes the coder applied (its own thresholds, chosen on training data).

``--gold union`` trains on the codes of both coders (coder 1 or coder 2) and still scores against
coder 1. Usage:

    QUALPIPE_SHARED=../shared python benchmarks/bench_public_ranking.py [--coding JSON] [--fold-seed 0]
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_public import CODES, DEFAULT_DATA, kappa, load_units, present, write_codings, write_study  # noqa: E402


def folds(groups: np.ndarray, k: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """``k`` (train, test) row splits with every culture in one fold (groups shuffled by ``seed``)."""
    order = np.unique(groups)
    np.random.RandomState(seed).shuffle(order)
    fold_of = {g: i % k for i, g in enumerate(order)}
    f = np.array([fold_of[g] for g in groups])
    return [(np.nonzero(f != i)[0], np.nonzero(f == i)[0]) for i in range(k)]


def oracle(y: np.ndarray, s: np.ndarray) -> float:
    """The highest kappa of ``s >= t`` over every threshold ``t``."""
    return max(kappa(y, s >= t) for t in np.unique(s))


def out_of_fold(folder: Path, units: pd.DataFrame, coding: dict, k: int, seed: int, gold_coders: list[str]):
    """``(scores, decided)``: units x codes, each unit scored by a coder that never saw its culture."""
    import pipeline
    from pipeline.api.inputs import human_codings
    from pipeline.api.session import as_study
    from pipeline.api.stages import _view
    from pipeline.stages.coding.code import _codable, make_coder
    from pipeline.stages.coding.coders import add_context

    study = as_study(write_study(units, folder, coding, k, True))
    corpus = pipeline.ingest(study, write=False)
    write_codings(units, corpus.segments, folder, True)
    codebook, _ = _view(study)
    context = add_context(corpus.segments)
    segments = context[_codable(context, study.coding)].reset_index(drop=True)
    gold = human_codings(study, codebook, corpus.segments)
    gold = gold[gold["coder"].isin(gold_coders) & (gold["code"] != "-")].drop_duplicates(["segment_id", "code"])
    seg_of = {(d, s): i for d, s, i in zip(segments["doc_id"], segments["speaker"], segments["segment_id"])}
    row_of = {seg_of[(d, u)]: r for r, (d, u) in enumerate(zip(units["doc_id"], units["unit_id"]))}
    codes = list(CODES)
    scores, decided = np.zeros((len(units), len(codes))), np.zeros((len(units), len(codes)), dtype=bool)
    for train, test in folds(units["doc_id"].to_numpy(), k, seed):
        train_segs = segments[segments["doc_id"].isin(set(units["doc_id"].iloc[train]))].reset_index(drop=True)
        test_segs = segments[segments["doc_id"].isin(set(units["doc_id"].iloc[test]))].reset_index(drop=True)
        coder = make_coder(codebook, study.coding)
        coder.fit(train_segs, gold[gold["segment_id"].isin(train_segs["segment_id"])].reset_index(drop=True))
        applied, proba = coder.predict_scored(test_segs)
        rows = [row_of[s] for s in proba.index]
        scores[rows] = proba[codes].to_numpy()
        for s, code in zip(applied["segment_id"], applied["code"]):
            decided[row_of[s], codes.index(code)] = True
    return scores, decided


def main() -> None:
    from sklearn.metrics import average_precision_score, roc_auc_score

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--coding", default="{}", help="coding settings as JSON")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--fold-seed", type=int, default=0)
    ap.add_argument("--gold", choices=["coder_1", "union"], default="coder_1",
                    help="train on coder 1's codes, or on the codes of either coder")
    args = ap.parse_args()
    warnings.filterwarnings("ignore", category=UserWarning)
    units = load_units(args.data)
    folder = Path(tempfile.mkdtemp(prefix="qualpipe-fasting-ranking-"))
    try:
        coders = ["coder_1"] if args.gold == "coder_1" else ["coder_1", "coder_2"]
        scores, decided = out_of_fold(folder, units, json.loads(args.coding), args.folds, args.fold_seed, coders)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    rows = []
    for j, (code, (c1, _, _, value)) in enumerate(CODES.items()):
        y = present(units, c1, value)
        rows.append({"code": code, "positives": int(y.sum()), "ap": average_precision_score(y, scores[:, j]),
                     "auc": roc_auc_score(y, scores[:, j]), "oracle": oracle(y, scores[:, j]),
                     "decided": kappa(y, decided[:, j])})
    table = pd.DataFrame(rows).set_index("code")
    print(f"FastingLLMPub: {len(units)} excerpts; {args.folds} folds by culture, fold seed {args.fold_seed}; "
          f"coding {args.coding}; trained on {args.gold}")
    print(table.to_string(float_format=lambda v: f"{v:.3f}"))
    means = table[["ap", "auc", "oracle", "decided"]].mean()
    print("mean over codes: " + ", ".join(f"{k} {v:.3f}" for k, v in means.items()))


if __name__ == "__main__":
    main()
