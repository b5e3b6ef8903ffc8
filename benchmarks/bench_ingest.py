"""Benchmark: ingestion speed (read + check + pseudonymise), in segments per second.

    .venv/bin/python benchmarks/bench_ingest.py            # sample study + synthetic 10k turns, without
                                                           # and with personal data (names, phone numbers)

Prints one line per corpus. The stage cache is bypassed so that every figure is a real run.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ["QUALPIPE_NO_CACHE"] = "1"
sys.path.insert(0, str(Path(__file__).resolve().parent))
REPO = Path(__file__).resolve().parents[1]

from pipeline.settings import load_study  # noqa: E402
from pipeline.stages.ingest.corpus import ingest  # noqa: E402
from synthetic_corpus import synthetic_study  # noqa: E402


def measure(label: str, study_path: Path, repeats: int = 3) -> None:
    study = load_study(study_path)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        corpus = ingest(study)
        times.append(time.perf_counter() - started)
    best = min(times)
    n = len(corpus.segments)
    print(f"{label:<28} {len(corpus.documents):>6} docs {n:>7} segments  best of {repeats}: "
          f"{best:6.2f} s  {n / best:8.0f} segments/s")


def main() -> None:
    measure("sample study", REPO / "study.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        measure("synthetic (10k turns)", synthetic_study(Path(tmp) / "plain", 10_000), repeats=1)
        measure("synthetic, names (10k turns)", synthetic_study(Path(tmp) / "names", 10_000, names=True), repeats=1)


if __name__ == "__main__":
    main()
