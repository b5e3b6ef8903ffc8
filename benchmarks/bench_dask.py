"""Benchmark: the per-document stages (ingest, pseudonymise, code) in one process and on a Dask
``LocalCluster`` (tracker issue 12, "Past one machine"); prints figures.

    .venv/bin/python benchmarks/bench_dask.py                       # sample study and 100k synthetic turns
    .venv/bin/python benchmarks/bench_dask.py --corpora sample --repeats 5
    .venv/bin/python benchmarks/bench_dask.py --corpora 10000 100000 --workers 2 4
    .venv/bin/python benchmarks/bench_dask.py --corpora sample --stages run   # the whole `qualpipe run`

Corpora: ``sample`` is a copy of the bundled sample study (40 transcripts, 1,661 turns, the stacked
coder trained on its human codings); a number is a study of that many turns from
``benchmarks/synthetic_corpus.py`` (no human codings, so the coding stage uses the rule coder).

Each measurement is a fresh process (``bench_dask.py --child``) that runs ``pipeline.ingest`` then
``pipeline.code`` (or ``pipeline.run`` with ``--stages run``) on its own copy of the corpus, with the
stage cache off and no pseudonym key yet, once with ``compute.scheduler: single`` and once with
``scheduler: dask`` and ``workers: N`` (a ``LocalCluster`` of N processes of one thread, started and
stopped inside the measured process). Wall seconds are the child's; CPU seconds are user + system of
the child and of every process it started and waited for (the Dask scheduler runs in the child and
the workers are its children), from ``RUSAGE_CHILDREN``; peak MiB is the largest single process.
Medians over ``--repeats`` runs, modes alternating. After the runs, every output file (tables,
provenance) and the pseudonym key of each mode are compared byte for byte with the single-process
ones: ``identical`` says whether they matched.

What runs where on Dask (``pipeline/api/compute.py``): the workers read the transcripts, apply the
fitted pseudonymiser and score turns with the fitted coder, one partition of documents at a time;
the calling process reads the manifest, builds the tables, fits the pseudonymiser (name discovery
over the whole corpus), trains the coder and assembles the outputs.

What profiling found (100,000 turns, CPU s; each function timed in the child, the workers' tasks
timed on the workers): in one process the pseudonymiser's fit takes 20, applying it 10, the coder's
scoring 8, building the tables 1, the coder's set-up and its tables 5. On Dask the workers' tasks
took 2 (reading), 13 (applying) and 10 (scoring), plus 3 of their own; the calling process kept
34.5 (the fit, 4 s of imports before forking, building and joining the tables). Spawned workers
(``--start-method spawn``) each import the stages, scikit-learn and spaCy (which imports torch):
about 5-10 CPU s, so a local cluster forks its workers from the calling process on Linux, after
loading those there. Two things this script caught: a Parquet file written from partitions joined
back differed in its bytes from the one-process file at 30,000 turns (pandas' Arrow strings kept
one piece per partition; now joined into one), and the idle cluster of a whole run cost 5-8 CPU s
while topics, comparison and report ran (now stopped after coding).

Measured 2026-12-06 on the development machine (2 cores shared with other work, load average 3 to
8), forked workers, medians of 3 (README, "On Dask"):

    corpus    turns    what             1 process wall / CPU s   dask x2 wall / CPU s   outputs
    sample    1,661    ingest + code         41.3 / 27.9             43.1 / 36.2        identical
    sample    1,661    whole run             99.9 / 82.5            115.5 / 91.4        identical but model.pickle
    30000    30,000    ingest + code         46.1 / 24.9             43.4 / 30.7        identical
    30000    30,000    (spawned workers)     39.0 / 26.3             51.3 / 43.1        identical
    100000  100,000    ingest + code        115.0 / 56.5             94.9 / 70.9        identical

(``topic_model/model.pickle`` then differed between two runs in one process too, by numba's random
function ids, fixed since in ``umap_speed.stable_pickle_ids``; the script leaves out files that
differ between two runs in one process.)
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO)]  # this checkout's pipeline package, in the children too


# -- child: one measured process ---------------------------------------------------------------

def child(folder: Path, mode: str, workers: int, stages: str, start_method: str | None) -> None:
    os.environ["QUALPIPE_NO_CACHE"] = "1"
    import pipeline
    from pipeline.settings.compute import ComputeSettings

    study = pipeline.load_study(folder / "study.yaml")
    if mode == "dask":
        study = study.model_copy(update={"compute": ComputeSettings(scheduler="dask", workers=workers,
                                                                    start_method=start_method)})
    times = {}
    started = time.perf_counter()
    if stages == "run":
        pipeline.run(study)
    else:
        with pipeline.api.session():  # one cluster for both stages
            corpus = pipeline.ingest(study)
            times["ingest"] = time.perf_counter() - started
            pipeline.code(study)
            times["code"] = time.perf_counter() - started - times["ingest"]
        times["turns"] = len(corpus.segments)
    times["total"] = time.perf_counter() - started  # the cluster's stop included
    print("RESULT " + json.dumps(times), flush=True)


# -- parent ------------------------------------------------------------------------------------

def prepare(corpus: str, base: Path) -> Path:
    """A folder holding the corpus's study.yaml, transcripts and inputs (no key, no outputs)."""
    folder = base / f"corpus-{corpus}"
    if corpus == "sample":
        folder.mkdir(parents=True)
        shutil.copytree(REPO / "data" / "sample", folder / "data" / "sample")
        shutil.copytree(REPO / "codebooks", folder / "codebooks")
        shutil.copy(REPO / "study.yaml", folder / "study.yaml")
    else:
        from synthetic_corpus import synthetic_study

        synthetic_study(folder, int(corpus))
    return folder


def measure(folder: Path, run_folder: Path, mode: str, workers: int, stages: str, start_method: str | None) -> dict:
    """One fresh copy of ``folder`` run in a child process: its figures."""
    if run_folder.exists():
        shutil.rmtree(run_folder)
    shutil.copytree(folder, run_folder)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    command = [sys.executable, __file__, "--child", str(run_folder), "--mode", mode, "--workers", str(workers),
               "--stages", stages] + (["--start-method", start_method] if start_method else [])
    done = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode or not lines:
        raise SystemExit(f"the {mode} run failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    figures = json.loads(lines[-1][len("RESULT "):])
    figures.update(wall=wall, cpu=(after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
                   peak=after.ru_maxrss / 1024)
    return figures


def fingerprint(run_folder: Path) -> dict[str, str]:
    """sha256 of every output file and of the pseudonym key of one run."""
    files = [p for p in sorted((run_folder / "reports").rglob("*")) if p.is_file()]
    files += sorted((run_folder / ".private").glob("*.pseudonym_key.csv"))
    return {str(p.relative_to(run_folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def _differ(a: dict[str, str], b: dict[str, str]) -> set[str]:
    return {name for name in set(a) | set(b) if a.get(name) != b.get(name)}


def bench(corpus: str, base: Path, workers: list[int], repeats: int, stages: str,
          start_method: str | None) -> list[dict]:
    folder = prepare(corpus, base)
    modes = [("single", 1)] + [("dask", n) for n in workers]
    runs: dict[tuple[str, int], list[dict]] = {m: [] for m in modes}
    prints: dict[tuple[str, int], list[dict]] = {m: [] for m in modes}
    for _ in range(repeats):
        for mode, n in modes:  # alternating, so a change in the machine's load hits every mode alike
            run_folder = base / f"run-{corpus}-{mode}-{n}"
            runs[(mode, n)].append(measure(folder, run_folder, mode, n, stages, start_method))
            prints[(mode, n)].append(fingerprint(run_folder))
            print(f"  {corpus} {mode}{'' if mode == 'single' else f' x{n}'}: "
                  f"{runs[(mode, n)][-1]['wall']:.1f} s wall, {runs[(mode, n)][-1]['cpu']:.1f} s CPU", flush=True)
    # files two runs in one process already write differently (a pickled model) prove nothing either way
    single = prints[("single", 1)]
    unstable = set().union(*(_differ(single[0], other) for other in single[1:]))
    if unstable:
        print(f"  {corpus}: differ between runs in one process, left out: {', '.join(sorted(unstable))}")
    rows = []
    for mode, n in modes:
        figures = runs[(mode, n)]
        differ = sorted(set().union(*(_differ(single[0], p) for p in prints[(mode, n)])) - unstable)
        row = {"corpus": corpus, "mode": "1 process" if mode == "single" else f"dask, {n} workers",
               "identical": not differ, "differ": differ, "files": len(prints[(mode, n)][0]) - len(unstable)}
        for name in ("wall", "cpu", "ingest", "code", "peak"):
            values = [f[name] for f in figures if name in f]
            row[name] = statistics.median(values) if values else float("nan")
        row["turns"] = figures[0].get("turns", 0)
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpora", nargs="+", default=["sample", "100000"],
                        help="'sample' and/or numbers of synthetic turns")
    parser.add_argument("--workers", nargs="+", type=int, default=[2], help="LocalCluster sizes to measure")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--stages", choices=["ingest+code", "run"], default="ingest+code")
    parser.add_argument("--start-method", choices=["fork", "spawn", "forkserver"],
                        help="how the local cluster starts its workers (default: compute's, fork on Linux)")
    parser.add_argument("--keep", type=Path, help="keep the corpora and runs in this folder (default: a temporary one)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="single", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.mode, args.workers[0], args.stages, args.start_method)
        return
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-dask-") as tmp:
        base = args.keep or Path(tmp)
        for corpus in args.corpora:
            rows += bench(corpus, base, args.workers, args.repeats, args.stages, args.start_method)
    method = f", workers started by {args.start_method}" if args.start_method else ""
    print(f"\n{args.stages}{method}, medians of {args.repeats} fresh processes each "
          f"({time.strftime('%Y-%m-%d')}, load average {os.getloadavg()[0]:.1f} at the end):")
    print(f"{'corpus':<8} {'turns':>8} {'mode':<16} {'wall s':>8} {'CPU s':>8} {'ingest s':>9} {'code s':>8} "
          f"{'peak MiB':>9}  outputs")
    for row in rows:
        same = f"identical ({row['files']} files)" if row["identical"] else f"DIFFER: {', '.join(row['differ'])}"
        print(f"{row['corpus']:<8} {row['turns']:>8,} {row['mode']:<16} {row['wall']:>8.1f} {row['cpu']:>8.1f} "
              f"{row['ingest']:>9.1f} {row['code']:>8.1f} {row['peak']:>9,.0f}  {same}")


if __name__ == "__main__":
    main()
