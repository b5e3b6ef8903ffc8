"""Speed of the coders on SYNTHETIC segments (benchmark; prints figures).

Segments are strung together from the codebook's own examples (labelled with their code) and
filler sentences, 3-11 sentences (about 70 words, like the sample's respondent turns) a turn, half English and half Dutch, 40 turns a document.
Usage: python benchmarks/bench_coding.py [--codebook codebooks/mentoring_to_work.yaml] [--n 2000]

Where the stacked coder's training time went (issue 12; cProfile of `code` and `evaluate` on the
sample study and of 5-fold `evaluate` on FastingLLMPub, 2026-12-06, 2 shared cores, load 4 to 8):

- before: 44 liblinear logistic regressions per level-1 fit (39 codes + 5 themes), six fits per
  training (5 folds + final): 264 fits, 12.9 s of a 38 s `code` fit; word and character n-grams
  counted again by a vectorizer in every fold (`_count_vocab` 5.8 s on the sample, 40 s under the
  profiler on FastingLLMPub's long excerpts); the threshold search calling `decide` 9,185 times
  (3.2 s); every cue compiled again at every fit (`_compile`, 4,142 calls per `code`), cue matches
  of the same texts again in every fold; imports (scikit-learn 4.9 s, spaCy 4.5 s) once per process.
  A process pool for the fits spent 18.6 s of the parent waiting; on a shared machine BLAS with two
  threads made a 900 x 900 Cholesky factorisation 20 times slower than one thread.
- now (pipeline/stages/coding/coders): level-1 models are ridge regressions solved for all codes
  and themes at once in the dual (level1.py, one Cholesky per fold, BLAS on one thread); n-grams
  hashed and counted once per text and process (ngrams.py), each fit compacted to the columns it
  uses (features.compact); compiled cue indexes and cue matches kept by content (cues.py); every
  threshold candidate counted at once (decision.py); the meta-model by Newton's method.
- measured (CPU seconds, one process, by-document cross-validation): sample, 28 training documents,
  5 folds x 3 seeds: 129 -> 28 s (code micro F1 0.605 -> 0.623); FastingLLMPub 5-fold: 117 -> 25 s
  (mean kappa 0.257 -> 0.284 with the exclusive codes); `qualpipe code` + `evaluate` on the sample
  in one process, ingest cached: 45 s -> 13 s wall (code 24.7 -> 9.1 s, evaluate 20.3 -> 4.3 s).
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

FILLER = {
    "en": ["Well, you know, it was a long year for all of us.", "I think so, yes, more or less.",
           "My children go to school here now, which is good.", "The weather was really bad that winter.",
           "I came to Belgium in 2015 with my wife.", "At that time I was living in Ghent."],
    "nl": ["Tja, het was een lang jaar voor ons allemaal.", "Ik denk het wel, min of meer.",
           "Mijn kinderen gaan hier nu naar school.", "Het weer was echt slecht die winter.",
           "Ik ben in 2015 naar België gekomen met mijn vrouw.", "Toen woonde ik in Gent."],
}


def synthetic(book, n: int, seed: int = 0, turns: int = 40):
    rng = np.random.default_rng(seed)
    examples = {lang: {c: book.code(c).examples.get(lang, []) for c in book.code_ids} for lang in ("en", "nl")}
    rows, codings = [], []
    for i in range(n):
        doc, lang = f"doc{i // turns:04d}", ("en", "nl")[(i // turns) % 2]
        have = [c for c, ex in examples[lang].items() if ex]
        codes = sorted(set(rng.choice(have, size=rng.integers(0, 3)))) if have else []
        parts = [str(rng.choice(examples[lang][c])) for c in codes]
        parts += [str(rng.choice(FILLER[lang])) for _ in range(rng.integers(3, 10))]
        rng.shuffle(parts)
        sid = f"{doc}:{i % turns + 1}"
        rows.append({"segment_id": sid, "doc_id": doc, "text": " ".join(parts), "language": lang,
                     "speaker_role": "respondent", "role": "mentee"})
        codings += [{"segment_id": sid, "code": c, "coder": "synthetic"} for c in codes]
    return pd.DataFrame(rows), pd.DataFrame(codings)


def main() -> None:
    from pipeline.codebook import load_codebook
    from pipeline.stages.coding.coders import CombinedCoder, LearnedCoder, RuleCoder, StackedCoder
    from pipeline.text.nlp import get_nlp

    ap = argparse.ArgumentParser()
    ap.add_argument("--codebook", default="codebooks/mentoring_to_work.yaml")
    ap.add_argument("--n", type=int, default=2000)
    args = ap.parse_args()
    book = load_codebook(args.codebook)
    seg, cod = synthetic(book, args.n)
    n_words = seg["text"].str.split().str.len()
    print(f"{len(seg)} segments, {n_words.mean():.0f} words each on average, {len(book.code_ids)} codes, "
          f"{sum(len(v) for c, _, _ in book.walk() for v in c.cues.values())} cues, {len(cod)} codings")
    t = time.perf_counter(); get_nlp("en"); get_nlp("nl")
    print(f"start-up (spaCy import + 2 blank pipelines): {time.perf_counter() - t:.2f} s")
    rc = RuleCoder(book)
    t = time.perf_counter(); out = rc.predict(seg); dt = time.perf_counter() - t
    print(f"rule coder, first call (tokenise + compile cues + match): {dt:.2f} s = {len(seg) / dt:.0f} segments/s, {len(out)} codings")
    t = time.perf_counter(); rc.predict(seg); dt = time.perf_counter() - t
    print(f"rule coder, the same texts again (tokens and cue matches from the per-text caches): {dt:.2f} s = "
          f"{len(seg) / dt:.0f} segments/s")
    lc = LearnedCoder(book, min_positives=8)
    t = time.perf_counter(); lc.fit(seg, cod); fit = time.perf_counter() - t
    t = time.perf_counter(); out = lc.predict(seg); pred = time.perf_counter() - t
    print(f"learned coder fit: {fit:.2f} s, predict: {pred:.2f} s; fit + predict = {len(seg) / (fit + pred):.0f} segments/s "
          f"({int((lc.code_status_['mode'] != 'rule').sum())} of {len(book.code_ids)} codes modelled)")
    cc = CombinedCoder(book, min_positives=8)
    t = time.perf_counter(); cc.fit(seg, cod); fit = time.perf_counter() - t
    t = time.perf_counter(); out = cc.predict(seg); pred = time.perf_counter() - t
    n_model = int((cc.code_status_["mode"] != "rule").sum())
    print(f"combined coder fit (5-fold by-document CV + final fit, {n_model} codes modelled): {fit:.2f} s = {len(seg) / fit:.0f} segments/s")
    print(f"combined coder predict: {pred:.2f} s = {len(seg) / pred:.0f} segments/s, {len(out)} codings")
    print(f"fit + predict: {len(seg) / (fit + pred):.0f} segments/s")
    sc = StackedCoder(book)
    t = time.perf_counter(); sc.fit(seg, cod); fit = time.perf_counter() - t
    t = time.perf_counter(); out = sc.predict(seg); pred = time.perf_counter() - t
    print(f"stacked coder fit (5-fold by-document CV of {len(book.code_ids)} code + {len(book.theme_ids)} theme "
          f"models, meta-model, final fit): {fit:.2f} s = {len(seg) / fit:.0f} segments/s")
    print(f"stacked coder predict: {pred:.2f} s = {len(seg) / pred:.0f} segments/s, {len(out)} codings")


if __name__ == "__main__":
    main()
