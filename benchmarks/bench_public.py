"""Machine coding on a public, independently coded data set nobody here tuned on (benchmark; prints figures).

Data: FastingLLMPub (Kristen Syme, CC-BY 4.0), a copy in ``../shared/external/fasting-llm/``:
1,015 ethnographic excerpts on ritual fasting, each coded by two people (columns ``.x`` = coder 1,
``.y`` = coder 2) and by GPT-4 (``.gpt``) on 12 variables; gender (0 unclear, 1 men, 2 women,
3 both) becomes three binary codes, so 14 codes. ``sw.y`` is not a coding (the authors' script sets
it to 0), so social withdrawal has no human-human figure. Five ids occur twice with the same text
and different codes: both rows are kept as units (the second id gets ``-2``).

The script builds a study in a temporary folder from those files: one table of units per culture
(the culture is the document, so folds never split a culture), a manifest, the codebook
``benchmarks/public/fasting_llm/codebook.yaml`` (written from the authors' variable definitions),
and the codings of coder 1 and coder 2 (a unit a coder coded with no code gets a ``-`` row).
It runs ``pipeline.evaluate`` (k-fold cross-validation by document, coder 1 as gold) and prints per
code: prevalence (coder 1), machine kappa and F1 against coder 1, human-human kappa (coder 2 vs
coder 1) and GPT-4's kappa against coder 1, then the means over codes.

Usage: python benchmarks/bench_public.py [--data DIR] [--coding '{"coder": "rule"}'] [--keep DIR]
       [--folds 5] [--no-empty-marker] [--embedding-cache DIR]

``--embedding-cache DIR`` keeps the sentence vectors of ``coding.embeddings`` between runs
(:func:`pipeline.text.embeddings.default_cache_dir`), so only the first run encodes them.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import shutil
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

os.environ.setdefault("HF_HUB_OFFLINE", "1")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
CODEBOOK = REPO / "benchmarks" / "public" / "fasting_llm" / "codebook.yaml"
_SHARED = [Path(os.environ["QUALPIPE_SHARED"])] if "QUALPIPE_SHARED" in os.environ else [
    REPO.parent / "shared", REPO.parent.parent / "shared"]  # beside the checkout, or beside a worktree folder
DEFAULT_DATA = next((p for p in _SHARED if p.is_dir()), _SHARED[0]) / "external" / "fasting-llm"

#: code id -> (coder 1 column, coder 2 column or None, GPT-4 column, value meaning 'present')
CODES: dict[str, tuple[str, str | None, str, int]] = {
    "faster.men": ("Gender.x", "Gender.y", "gen.gpt2", 1),
    "faster.women": ("Gender.x", "Gender.y", "gen.gpt2", 2),
    "faster.both": ("Gender.x", "Gender.y", "gen.gpt2", 3),
    "faster.leader": ("leader.x", "leader.y", "lead.gpt", 1),
    "time.lapse": ("time_lapse.x", "time_lapse.y", "lap.gpt", 1),
    "cognitive.asc": ("asc.x", "asc.y", "asc.gpt", 1),
    "cognitive.vk": ("vk.x", "vk.y", "vk.gpt", 1),
    "costs.dei": ("dei.x", "dei.y", "dei.gpt", 1),
    "costs.se": ("se.x", "se.y", "se.gpt", 1),
    "costs.sca": ("sca.x", "sca.y", "sca.gpt", 1),
    "costs.sw": ("sw.x", None, "sw.gpt", 1),  # sw.y is not a coding
    "costs.mat": ("mat.x", "mat.y", "mat.gpt", 1),
    "signal.rel": ("rel.x", "rel.y", "rel.gpt", 1),
    "signal.gm": ("gm.x", "gm.y", "gm.gpt", 1),
}


def kappa(a: np.ndarray, b: np.ndarray) -> float:
    """Cohen's kappa of two 0/1 vectors (nan when both are constant and equal)."""
    a, b = np.asarray(a, dtype=int), np.asarray(b, dtype=int)
    po = float((a == b).mean())
    pa, pb = a.mean(), b.mean()
    pe = pa * pb + (1 - pa) * (1 - pb)
    return float("nan") if pe == 1 else (po - pe) / (1 - pe)


def load_units(data: Path) -> pd.DataFrame:
    """The excerpts with their culture and a unique unit id (a repeated id gets '-2')."""
    frame = pd.read_excel(data / "final data llms.xlsx")
    cultures = pd.read_excel(data / "cultures_and_id.xlsx").drop_duplicates("ID")[["ID", "CULTURE"]]
    frame = frame.merge(cultures, on="ID", how="left", validate="many_to_one")
    missing = frame["CULTURE"].isna().sum()
    if missing:
        raise SystemExit(f"{data / 'cultures_and_id.xlsx'}: {missing} excerpt ids have no culture.")
    nth = frame.groupby("ID").cumcount()
    frame["unit_id"] = frame["ID"].astype(str) + np.where(nth > 0, "-" + (nth + 1).astype(str), "")
    frame["doc_id"] = [re.sub(r"[^a-z0-9]+", "-", c.lower()).strip("-") for c in frame["CULTURE"]]
    return frame.reset_index(drop=True)


def present(frame: pd.DataFrame, column: str, value: int) -> np.ndarray:
    return (frame[column].to_numpy() == value).astype(int)


def write_study(units: pd.DataFrame, folder: Path, coding: dict, folds: int, marker: bool) -> Path:
    """Transcripts (one table per culture), manifest, codings per coder and the study file."""
    (folder / "units").mkdir(parents=True)
    docs = []
    for doc_id, part in units.groupby("doc_id", sort=True):
        part[["unit_id", "Excerpt.x"]].rename(columns={"Excerpt.x": "text"}).to_csv(
            folder / "units" / f"{doc_id}.csv", index=False)
        docs.append({"doc_id": doc_id, "file": f"{doc_id}.csv", "pilot": "fasting", "model": "ehraf",
                     "method": "open_answers", "role": "mentee", "language": "en",
                     "culture": part["CULTURE"].iloc[0]})
    pd.DataFrame(docs).to_csv(folder / "manifest.csv", index=False)
    study = {"name": "fasting_llm", "transcripts": "units", "manifest": "manifest.csv",
             "codebook": str(CODEBOOK), "output": "out", "languages": ["en"],
             "attributes": {"pilot": ["fasting"], "model": ["ehraf"], "method": ["open_answers"],
                            "role": ["mentee"], "language": ["en"]},
             "pseudonymise": {"enabled": False},  # published ethnographies, no participants' names
             "human_codings": ["coder_1.csv", "coder_2.csv"],
             "agreement": {"gold_coders": ["coder_1"], "n_splits": folds},
             "coding": coding}
    (folder / "study.yaml").write_text(yaml.safe_dump(study, sort_keys=False), encoding="utf-8")
    return folder / "study.yaml"


def write_codings(units: pd.DataFrame, segments: pd.DataFrame, folder: Path, marker: bool) -> None:
    """coder_1.csv and coder_2.csv: one row per unit and code; '-' for a unit coded with none."""
    seg_of = {(d, s): sid for d, s, sid in zip(segments["doc_id"], segments["speaker"], segments["segment_id"])}
    ids = [seg_of[(d, u)] for d, u in zip(units["doc_id"], units["unit_id"])]
    for coder, pick in (("coder_1", 0), ("coder_2", 1)):
        rows = []
        for k, sid in enumerate(ids):
            codes = [code for code, cols in CODES.items()
                     if cols[pick] is not None and units[cols[pick]].iloc[k] == cols[3]]
            rows += [{"segment_id": sid, "code": c, "coder": coder} for c in codes]
            if not codes and marker:
                rows.append({"segment_id": sid, "code": "-", "coder": coder})
        pd.DataFrame(rows, columns=["segment_id", "code", "coder"]).to_csv(folder / f"{coder}.csv", index=False)


def reference(units: pd.DataFrame) -> pd.DataFrame:
    """Per code: prevalence (coder 1), human-human kappa, GPT-4 kappa vs coder 1."""
    rows = []
    for code, (c1, c2, gpt, value) in CODES.items():
        gold = present(units, c1, value)
        rows.append({"code": code, "positives": int(gold.sum()), "prevalence": gold.mean(),
                     "human_kappa": kappa(gold, present(units, c2, value)) if c2 else float("nan"),
                     "gpt4_kappa": kappa(gold, present(units, gpt, value))})
    return pd.DataFrame(rows)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--coding", default="{}", help="coding settings as JSON, e.g. '{\"coder\": \"rule\"}'")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--keep", type=Path, help="build the study in this (new) folder and keep it")
    ap.add_argument("--no-empty-marker", action="store_true",
                    help="do not write '-' rows for units coded with no code (the old format)")
    ap.add_argument("--embedding-cache", type=Path, help="keep coding.embeddings' vectors in this folder")
    args = ap.parse_args()
    warnings.filterwarnings("ignore", category=UserWarning)
    from pipeline.text.embeddings import set_cache_dir

    set_cache_dir(args.embedding_cache)

    units = load_units(args.data)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="qualpipe-fasting-"))
    try:
        _run(args, units, folder)
    finally:
        if args.keep is None:  # the temporary study (and its cache) goes; --keep keeps it
            shutil.rmtree(folder, ignore_errors=True)


def _run(args, units, folder: Path) -> None:
    import pipeline

    study_path = write_study(units, folder, json.loads(args.coding), args.folds, not args.no_empty_marker)
    segments = pipeline.ingest(study_path, write=False).segments
    write_codings(units, segments, folder, not args.no_empty_marker)
    start = time.perf_counter()
    result = pipeline.evaluate(study_path)
    seconds = time.perf_counter() - start
    scores = result.scores
    per_code = scores[scores["level"] == "code"].set_index("code")
    table = reference(units).set_index("code")
    table["machine_kappa"] = per_code["kappa"]
    table["machine_f1"] = per_code["f1"]
    table["n_predicted"] = per_code["n_predicted"]
    table["n_units"] = per_code["n_units"]
    print(f"FastingLLMPub: {len(units)} excerpts, {units['doc_id'].nunique()} cultures; {result.design}; "
          f"coding {args.coding}; evaluate {seconds:.0f} s")
    shown = table[["positives", "prevalence", "n_predicted", "machine_kappa", "machine_f1", "human_kappa",
                   "gpt4_kappa"]]
    print(shown.to_string(float_format=lambda v: f"{v:.3f}"))
    micro = scores.set_index("code").loc["(micro)"]
    never = [c for c in table.index if table.loc[c, "positives"] >= 15 and table.loc[c, "n_predicted"] == 0]
    print(f"mean over codes: machine kappa {np.nanmean(table['machine_kappa']):.3f}, machine F1 "
          f"{np.nanmean(table['machine_f1']):.3f}, human-human kappa {np.nanmean(table['human_kappa']):.3f} "
          f"({table['human_kappa'].notna().sum()} codes; "
          f"{np.mean(table['human_kappa'].fillna(0)):.3f} over 14 with social withdrawal as 0), GPT-4 kappa {np.nanmean(table['gpt4_kappa']):.3f}")
    print(f"machine micro F1 {micro['f1']:.3f}, micro kappa {micro['kappa']:.3f}; units scored "
          f"{int(table['n_units'].iloc[0])} of {len(units)}; codes with >= 15 positives never predicted: "
          f"{', '.join(never) or 'none'}")
    if args.keep is not None:
        print(f"study folder: {folder}")


if __name__ == "__main__":
    main()
