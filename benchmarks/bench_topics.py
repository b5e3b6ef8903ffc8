"""Benchmark of the topics stage: fit time and peak memory of ``fit_topics`` with the default
settings (LSA + UMAP + HDBSCAN + c-TF-IDF) on synthetic segments.

Each size runs in its own Python process, so the peak resident memory (``ru_maxrss``) and the
one-off costs (importing BERTopic, compiling UMAP with numba) belong to that size alone.

    .venv/bin/python benchmarks/bench_topics.py                 # 1k, 10k and 50k segments
    .venv/bin/python benchmarks/bench_topics.py --sizes 1000 5000
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

FILLERS = ["uh", "you know", "like", "yeah", "so", "I mean", "euh", "ja", "dus", "allez"]
FRAMES = ["{f}, the {w} and the {w} were {g} for me.", "I {g} about {w}, {f}, and {w}.",
          "We had {w} with the {w}, {f}, then {g} {w}.", "My {w} was {g}, {f}, because of {w}."]


def synthetic_segments(n: int, n_topics: int = 40, seed: int = 0):
    """SYNTHETIC respondent turns (not real data): each turn draws pseudo-words from one of
    ``n_topics`` vocabularies of 30 words, mixed with shared words and spoken fillers, in 2-8
    sentences."""
    import pandas as pd

    rng = random.Random(seed)

    def pseudo() -> str:
        return "".join(rng.choice("bdfgklmnprstvz") + rng.choice("aeiou")
                       for _ in range(rng.randint(2, 4)))

    vocab = [[pseudo() for _ in range(30)] for _ in range(n_topics)]
    general = [pseudo() for _ in range(200)]
    rows = []
    for i in range(n):
        words = vocab[rng.randrange(n_topics)]
        sentences = []
        for _ in range(rng.randint(2, 8)):
            text = rng.choice(FRAMES)
            while "{" in text:
                text = (text.replace("{w}", rng.choice(words), 1).replace("{f}", rng.choice(FILLERS), 1)
                        .replace("{g}", rng.choice(general), 1))
            sentences.append(text[0].upper() + text[1:])
        doc = f"syn{i // 100:04d}"
        rows.append({"segment_id": f"{doc}:{i % 100 + 1}", "doc_id": doc, "turn": i % 100 + 1,
                     "speaker_role": "respondent", "text": " ".join(sentences),
                     "model": ("dual", "centralised")[i % 2], "pilot": f"pilot{i % 5}",
                     "role": ("mentee", "mentor")[i % 3 == 0]})
    return pd.DataFrame(rows)


def run_one(n: int) -> dict:
    started = time.perf_counter()
    from pipeline.stages.topics import TopicsSettings, fit_topics
    import bertopic  # noqa: F401  (import cost measured apart from the fit)

    imported = time.perf_counter()
    fit_topics(synthetic_segments(300, seed=1), TopicsSettings())  # numba compiles UMAP here
    warmed = time.perf_counter()
    segments = synthetic_segments(n)
    made = time.perf_counter()
    result = fit_topics(segments, TopicsSettings())
    done = time.perf_counter()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"segments": n, "units": result.info["n_units"], "topics": result.info["n_topics"],
            "outlier_share": result.info["outlier_share"], "import_s": round(imported - started, 1),
            "warmup_s": round(warmed - imported, 1), "fit_s": round(done - made, 1),
            "peak_rss_mib": round(peak_kib / 1024)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 50_000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one)))
        return
    root = Path(__file__).resolve().parents[1]
    print("fit_topics, default settings (LSA + UMAP + HDBSCAN), one process per size; "
          "'warm-up s' = a first fit of 300 segments (numba compiles UMAP), 'fit s' = the fit "
          "of all segments after it; peak = the process's maximum resident memory")
    print(f"{'segments':>9} {'units':>7} {'topics':>6} {'outliers':>8} {'import s':>8} "
          f"{'warm-up s':>9} {'fit s':>7} {'peak MiB':>8}")
    for n in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(n)], cwd=root, check=True,
                             capture_output=True, text=True,
                             env={**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(root)})
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{r['segments']:>9} {r['units']:>7} {r['topics']:>6} {r['outlier_share']:>8.1%} "
              f"{r['import_s']:>8} {r['warmup_s']:>9} {r['fit_s']:>7} {r['peak_rss_mib']:>8}",
              flush=True)


if __name__ == "__main__":
    main()
