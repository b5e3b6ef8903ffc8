"""Turn finding on real-world-shaped transcripts (benchmark; prints figures).

For every file in ``tests/fixtures/real_world/manifest.csv`` it reads the file with the
registered reader, aligns the turns found with the hand-written truth (``<name>.truth.csv``:
``turn, speaker, role, first_words``) and prints turn-start precision and recall and role
accuracy (over matched turns), per fixture and pooled. A found turn matches a true turn when its
text starts with the true first words (case, spacing and punctuation ignored); the alignment
is the longest common subsequence, so one merged or split turn costs one match, not the rest.
For truth files marked ``prefix`` only the found turns up to the last matched one are scored.
Roles are decided as ingestion decides them (study defaults plus the file's ``interviewer``).

Then ingestion throughput: segments per second of the readers over the fixtures and over the
sample study's transcripts (best of ``--repeat`` passes).

Usage: python benchmarks/bench_turns.py [--repeat 5] [--only NAME]
"""
from __future__ import annotations

import argparse
import csv
import re
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "real_world"
SAMPLE = ROOT / "data" / "sample"


def norm(text: str) -> str:
    text = re.sub(r"[^\w\s]", " ", text.casefold())
    return " ".join(text.split())


def read_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def options_for(interviewer: str):
    from pipeline.settings import DEFAULT_INTERVIEWER_LABELS
    from pipeline.stages.ingest.formats import ReaderOptions

    labels = list(DEFAULT_INTERVIEWER_LABELS) + [x.strip() for x in interviewer.split(";") if x.strip()]
    return ReaderOptions(interviewer_labels=labels)


def align(found: list[str], truth: list[str]) -> list[tuple[int, int]]:
    """Longest common subsequence of found turn texts and true first words: matched index pairs."""
    n, m = len(found), len(truth)
    ok = [[found[i].startswith(truth[j]) for j in range(m)] for i in range(n)]
    best = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            best[i][j] = best[i + 1][j + 1] + 1 if ok[i][j] else max(best[i + 1][j], best[i][j + 1])
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        if ok[i][j] and best[i][j] == best[i + 1][j + 1] + 1:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i + 1][j] >= best[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs


def score(entry: dict) -> dict:
    """Counts for one fixture: found, true, matched, roles right (and the transcript's warnings)."""
    from pipeline.errors import QualpipeError
    from pipeline.stages.ingest.corpus import speaker_role
    from pipeline.stages.ingest.formats import read_transcript

    path = FIXTURES / entry["file"]
    truth = read_rows(path.with_name(path.stem + ".truth.csv"))
    options = options_for(entry["interviewer"])
    try:
        transcript = read_transcript(path, options)
    except QualpipeError as exc:  # a refused file finds no turns
        print(f"  {entry['file']}: refused: {exc.problems[0].message}")
        return {"file": entry["file"], "found": 0, "true": len(truth), "matched": 0, "roles": 0, "warnings": 1}
    found = [norm(t.text) for t in transcript.turns]
    pairs = align(found, [norm(r["first_words"]) for r in truth])
    n_found = len(found)
    if entry["truth"] == "prefix" and pairs:
        n_found = pairs[-1][0] + 1
    roles = sum(speaker_role(transcript.turns[i].speaker, options.interviewer_labels) == truth[j]["role"]
                for i, j in pairs)
    return {"file": entry["file"], "found": n_found, "true": len(truth), "matched": len(pairs),
            "roles": roles, "warnings": len(transcript.warnings)}


def ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def quality(only: str | None) -> list[dict]:
    rows = [score(e) for e in read_rows(FIXTURES / "manifest.csv") if not only or only in e["file"]]
    print(f"{'fixture':38} {'found':>5} {'true':>5} {'P':>6} {'R':>6} {'role':>6} {'warn':>4}")
    for r in rows + [_pooled(rows)]:
        print(f"{r['file']:38} {r['found']:5d} {r['true']:5d} {ratio(r['matched'], r['found']):6.3f} "
              f"{ratio(r['matched'], r['true']):6.3f} {ratio(r['roles'], r['matched']):6.3f} {r['warnings']:4d}")
    below = [r["file"] for r in rows if min(ratio(r["matched"], r["found"]), ratio(r["matched"], r["true"]),
                                            ratio(r["roles"], r["matched"])) < 0.97]
    print(f"fixtures below 0.97 on any figure: {len(below)} {below}")
    return rows


def _pooled(rows: list[dict]) -> dict:
    total = {k: sum(r[k] for r in rows) for k in ("found", "true", "matched", "roles", "warnings")}
    return {"file": "ALL (pooled)", **total}


def throughput(files: list[Path], repeat: int, label: str) -> None:
    from pipeline.stages.ingest.formats import READERS, read_transcript

    options = options_for("")
    files = [f for f in files if f.suffix.lower() in READERS]
    best, segments = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        segments = sum(len(read_transcript(f, options).turns) for f in files)
        best = min(best, time.perf_counter() - start)
    print(f"throughput {label}: {segments} segments from {len(files)} files in {best:.3f} s "
          f"= {segments / best:,.0f} segments/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default=None, help="score only fixtures whose name contains this")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    quality(args.only)
    fixtures = [FIXTURES / e["file"] for e in read_rows(FIXTURES / "manifest.csv")]
    throughput(fixtures, args.repeat, "real-world fixtures")
    sample = sorted(p for p in (SAMPLE / "transcripts").iterdir() if p.suffix in {".txt", ".docx", ".vtt", ".srt"})
    throughput(sample, args.repeat, "sample study transcripts")


if __name__ == "__main__":
    main()
