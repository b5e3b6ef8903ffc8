"""Report generation from cached tables: read the tables a run wrote (output folder of a study)
and render the report in each of the study's report languages, timing each step.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_report.py [--study study.yaml] [--out DIR]

Prints seconds (wall clock and this process's CPU time, which a busy machine inflates less) for reading the tables and for rendering each language; writes the HTML to
``--out`` (default: a temporary folder), so the study's outputs are not touched.
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import pandas as pd

import pipeline
from pipeline.codebook import load_codebook
from pipeline.stages.compare.differences import Comparison
from pipeline.stages.compare.setup import settings_for
from pipeline.stages.report.render import render_report


def _csv(folder: Path, name: str) -> pd.DataFrame | None:
    path = folder / f"{name}.csv"
    return pd.read_csv(path, keep_default_na=False, na_values=[""]) if path.exists() and path.stat().st_size > 1 else None


def load(study) -> dict:
    """The tables of a finished run, as the report stage gets them."""
    folder = study.output_dir
    segments = pd.read_parquet(folder / "coded_segments.parquet")
    tables = {n: _csv(folder, n) for n in ("prevalence", "differences", "cooccurrence", "framework_matrix",
                                             "corpus", "topic_shares")}
    for name in ("prevalence", "differences", "corpus", "topic_shares"):
        if tables[name] is not None and "group" in tables[name]:
            tables[name]["group"] = tables[name]["group"].astype(str)
    diffs = tables["differences"]
    if diffs is not None:
        diffs["caution"] = diffs["caution"].fillna("")
        diffs["significant"] = diffs["significant"].astype(str).str.lower().eq("true")
    comparison = Comparison(prevalence=tables["prevalence"], differences=diffs, cooccurrence=tables["cooccurrence"],
                            framework_matrix=tables["framework_matrix"], corpus=tables["corpus"],
                            topic_shares=tables["topic_shares"], settings=settings_for(study, segments))
    return {"comparison": comparison, "segments": segments, "topics": _csv(folder, "topics"),
            "topic_flags": _csv(folder, "topic_flags"), "stability": _csv(folder, "topic_stability"),
            "agreement": _csv(folder, "agreement"), "evaluation": _csv(folder, "evaluation"),
            "topic_info": json.loads(info.read_text(encoding="utf-8")) if (info := folder / "topic_model" / "info.json")
            .exists() else None,
            "provenance": json.loads((folder / "provenance.json").read_text(encoding="utf-8"))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--study", default="study.yaml")
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    study = pipeline.load_study(args.study)
    out = Path(args.out or tempfile.mkdtemp(prefix="qualpipe-report-"))
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    data = load(study)
    codebook = load_codebook(study.codebook_path)
    print(f"read cached tables: {time.perf_counter() - start:.2f} s")
    about = {"name": study.name, "description": study.description, "root": str(study.root)}
    for language in dict.fromkeys([study.report.language, *study.report.extra_languages]):
        start, cpu = time.perf_counter(), time.process_time()
        html = render_report(data["comparison"], codebook, study.report.for_language(language),
                             segments=data["segments"], topics=data["topics"], topic_flags=data["topic_flags"],
                             topic_info=data["topic_info"], stability=data["stability"], agreement=data["agreement"],
                             evaluation=data["evaluation"], provenance=data["provenance"], study=about)
        name = "index.html" if language == study.report.language else f"index.{language}.html"
        (out / name).write_text(html, encoding="utf-8")
        print(f"render {language}: {time.perf_counter() - start:.2f} s wall, {time.process_time() - cpu:.2f} s CPU, "
              f"{len(html) / 1e6:.1f} MB -> {out / name}")


if __name__ == "__main__":
    main()
