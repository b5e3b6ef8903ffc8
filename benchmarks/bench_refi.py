"""Benchmark: REFI-QDA export (and import) speed on a SYNTHETIC coded corpus.

    .venv/bin/python benchmarks/bench_refi.py

The corpus is made here from random words: ~40 documents, 2000 turns and 3000 codings, then
ten times that. It reads like nobody and is for timing only. Prints one line per size.
"""
from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

import pandas as pd

from pipeline.codebook import codebook_from_dict
from pipeline.stages.ingest.corpus import render_document
from pipeline.stages.refi import export_refi, import_refi

WORDS = ("mentor netwerk job café réunion coördinator ideeën “quoted” cv sollicitatie sector werk "
         "Dutch taal stage interview help contact vertrouwen afspraak").split()


def synthetic_codebook():
    themes = [{"id": f"theme{t}", "label": {"en": f"Theme {t}"}, "definition": {"en": f"Synthetic theme {t}."},
               "codes": [{"id": f"theme{t}.code{c}", "label": {"en": f"Code {t}.{c}"},
                          "definition": {"en": "Synthetic code."}, "examples": {"en": ["an example"]}}
                         for c in range(6)]} for t in range(5)]
    return codebook_from_dict({"name": "synthetic", "version": "0", "themes": themes})


def synthetic_corpus(n_docs: int, turns_per_doc: int, n_codings: int, seed: int = 0):
    rng = random.Random(seed)
    docs, segs = [], []
    for d in range(n_docs):
        doc_id = f"syn-{d:04d}"
        speakers = ["Interviewer" if t % 2 == 0 else f"Respondent-{d:04d}" for t in range(turns_per_doc)]
        texts = [" ".join(rng.choices(WORDS, k=rng.randint(8, 80))) for _ in range(turns_per_doc)]
        text, offsets = render_document("", speakers, texts)
        docs.append({"doc_id": doc_id, "text": text, "pilot": f"p{d % 5}", "model": ["dual", "centralised"][d % 2],
                     "role": "mentee", "language": "en", "date": f"2023-{1 + d % 12:02d}-15", "sessions": str(d % 9)})
        for t, (speaker, said, (start, end)) in enumerate(zip(speakers, texts, offsets), start=1):
            segs.append({"segment_id": f"{doc_id}:{t}", "doc_id": doc_id, "turn": t, "speaker": speaker,
                         "speaker_role": "interviewer" if t % 2 else "respondent", "text": said,
                         "start_char": start, "end_char": end, "start_time": float("nan")})
    codes = [f"theme{t}.code{c}" for t in range(5) for c in range(6)]
    respondent = [s["segment_id"] for s in segs if s["speaker_role"] == "respondent"]
    rows, seen = [], set()
    while len(rows) < n_codings:
        seg, code = rng.choice(respondent), rng.choice(codes)
        human = rng.random() < 0.3
        coder = "coder-a" if human else "rule@0.1.0"
        if (seg, code, coder) in seen:
            continue
        seen.add((seg, code, coder))
        rows.append({"segment_id": seg, "code": code, "theme": code.split(".")[0],
                     "source": "human" if human else "rule", "score": 1.0 if human else round(rng.random(), 3),
                     "evidence": "" if human else f"{rng.choice(WORDS)}@{rng.randint(0, 50)}-{rng.randint(51, 99)}",
                     "coder": coder, "final": human or rng.random() < 0.8})
    return pd.DataFrame(docs), pd.DataFrame(segs), pd.DataFrame(rows)


def measure(label: str, n_docs: int, turns: int, n_codings: int, repeats: int) -> None:
    book = synthetic_codebook()
    documents, segments, codings = synthetic_corpus(n_docs, turns, n_codings)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.qdpx"
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            summary = export_refi(documents, segments, codings, book, path, "synthetic benchmark",
                                  created="2024-01-01T00:00:00Z")
            times.append(time.perf_counter() - started)
        started = time.perf_counter()
        result = import_refi(path)
        read = time.perf_counter() - started
        size = path.stat().st_size / 1e6
    print(f"{label:<14} {n_docs:>4} docs {len(segments):>6} segments {len(codings):>6} codings "
          f"({summary.n_codings} final exported): export best of {repeats} {min(times):6.2f} s, "
          f"{size:5.1f} MB; import {read:6.2f} s ({len(result.codings)} codings back)")


def main() -> None:
    measure("synthetic x1", 40, 50, 3000, repeats=3)
    measure("synthetic x10", 400, 50, 30000, repeats=1)


if __name__ == "__main__":
    main()
