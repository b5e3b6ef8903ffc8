"""Level-1 features of the stacked coder: what each segment is turned into before the per-code
models see it (see :mod:`pipeline.stages.coding.coders.stacked` for how they are used).

- :func:`inputs`: per segment its lemmas, rule scores and evidence, the preceding interviewer
  turn's lemmas and rule scores (``context``), its place in the document (``position``, as soft
  bins), the previous/next segment of the same document, word and character n-gram counts (hashed,
  counted once per text: :mod:`~pipeline.stages.coding.coders.ngrams`) and, with sentence
  embeddings, the embedding and its zero-shot scores;
- :func:`fit_vectorizers` / :func:`matrix`: the TF-IDF of some rows (each fold keeps its own
  n-grams and idf) and the sparse feature matrix of any rows (word features first, so their
  column numbers name the evidence);
- :func:`codebook_examples`: the codebook's examples and counter-examples as extra training rows;
  :func:`codebook_definitions`: each code's description (label, definition, when to use) as one;
  :func:`codebook_rows`: both, in the coder's languages, with their weights.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from pipeline.codebook import Codebook

_CODE_ID = re.compile(r"[a-z0-9_]+(?:\.[a-z0-9_]+)+")
_TRAILING_NOTE = re.compile(r"\s*\(([^()]*)\)\s*$")


def codebook_examples(codebook: Codebook) -> tuple[pd.DataFrame, np.ndarray]:
    """The codebook's examples as training rows: ``(frame, Y)`` where the frame has
    ``segment_id, doc_id, text, language, context, position`` and ``Y`` (rows x leaf codes, bool) the labels.

    An example is a positive of its code. A counter-example is a negative of its code and a
    positive of every leaf code id named in its trailing parenthesis (removed from the text).
    """
    codes = list(codebook.code_ids)
    col = {c: k for k, c in enumerate(codes)}
    rows, labels = [], []
    for code_id in codes:
        code = codebook.code(code_id)
        for field, positive in (("examples", True), ("counter_examples", False)):
            for lang, texts in (getattr(code, field) or {}).items():
                for i, text in enumerate(texts):
                    y = np.zeros(len(codes), dtype=bool)
                    text = str(text)
                    if positive:
                        y[col[code_id]] = True
                    else:
                        note = _TRAILING_NOTE.search(text)
                        if note:
                            for named in _CODE_ID.findall(note.group(1)):
                                if named in col and named != code_id:
                                    y[col[named]] = True
                            text = text[:note.start()]
                    rows.append({"segment_id": f"example:{code_id}:{field}:{lang}:{i}",
                                 "doc_id": "(codebook examples)", "text": text, "language": lang,
                                 "context": "", "position": np.nan})
                    labels.append(y)
    frame = pd.DataFrame(rows, columns=["segment_id", "doc_id", "text", "language", "context", "position"])
    return frame, (np.vstack(labels) if labels else np.zeros((0, len(codes)), dtype=bool))


def codebook_definitions(codebook: Codebook) -> tuple[pd.DataFrame, np.ndarray]:
    """Each leaf code's description ("label. definition. when to use.") per language as a training
    row, a positive of its code only: ``(frame, Y)`` as :func:`codebook_examples` gives them."""
    codes = list(codebook.code_ids)
    rows, labels = [], []
    for k, code_id in enumerate(codes):
        code = codebook.code(code_id)
        for lang in codebook.languages:
            parts = [code.text(f, lang) for f in ("label", "definition", "when_to_use")]
            text = ". ".join(p.strip().rstrip(".") for p in parts if p and p.strip())
            if not text:
                continue
            rows.append({"segment_id": f"definition:{code_id}:{lang}", "doc_id": "(codebook definitions)",
                         "text": text + ".", "language": lang, "context": "", "position": np.nan})
            labels.append(np.arange(len(codes)) == k)
    frame = pd.DataFrame(rows, columns=["segment_id", "doc_id", "text", "language", "context", "position"])
    return frame, (np.vstack(labels) if labels else np.zeros((0, len(codes)), dtype=bool))


def codebook_rows(codebook: Codebook, examples_weight: float, definitions_weight: float,
                  languages) -> tuple[pd.DataFrame | None, np.ndarray | None, np.ndarray]:  # noqa: ANN001
    """The codebook's extra training rows (examples with ``examples_weight``, descriptions with
    ``definitions_weight``; a weight of 0 leaves them out) in ``languages``: ``(frame, Y, weights)``,
    ``(None, None, empty)`` when there are none."""
    parts = [(make(codebook), w) for make, w in ((codebook_examples, examples_weight),
                                                  (codebook_definitions, definitions_weight)) if w > 0]
    frames = [f for (f, _), _ in parts]
    if not frames or not sum(len(f) for f in frames):
        return None, None, np.zeros(0)
    frame = pd.concat(frames, ignore_index=True)
    Y = np.vstack([y for (_, y), _ in parts])
    weights = np.concatenate([np.full(len(f), float(w)) for (f, _), w in parts])
    keep = frame["language"].isin(list(languages)).to_numpy()  # languages the coder does not use: out
    return frame[keep].reset_index(drop=True), Y[keep], weights[keep]


def texts(segments: pd.DataFrame) -> pd.Series:
    """The segments' texts as strings ("" for a missing text)."""
    return segments["text"].astype("object").fillna("").astype(str)


def lemma_strings(tokens: list) -> list[str]:
    """Each segment as a string of its lemmas (punctuation dropped)."""
    return [" ".join(t.lemma for t in toks if not t.is_punct) for toks in tokens]


def adjacent(segments: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Row positions of the previous and the next segment of the same document by ``turn``
    (-1 where there is none, or without ``doc_id``/``turn``)."""
    n = len(segments)
    prev, nxt = np.full(n, -1), np.full(n, -1)
    if not n or not {"doc_id", "turn"} <= set(segments.columns):
        return prev, nxt
    turn = pd.to_numeric(segments["turn"], errors="coerce").to_numpy(dtype=float)
    docs = segments["doc_id"].astype("object").fillna("").to_numpy()  # ids are text (check_segments)
    order = [i for i in np.lexsort((np.nan_to_num(turn, nan=-1.0), docs)) if not np.isnan(turn[i])]
    for a, b in zip(order[:-1], order[1:]):
        if docs[a] == docs[b]:
            prev[b], nxt[a] = a, b
    return prev, nxt


def position_bins(segments: pd.DataFrame, use: bool) -> np.ndarray:
    """A turn's place in the interview (``position``, 0..1) as six soft bins (interview guides run
    theme by theme); zeros when ``use`` is off or the place is unknown."""
    n = len(segments)
    position = (pd.to_numeric(segments["position"], errors="coerce").to_numpy(dtype=float)
                if use and "position" in segments.columns else np.full(n, np.nan))
    centres = np.linspace(0.0, 1.0, 6)
    return np.nan_to_num(np.exp(-((position[:, None] - centres[None, :]) ** 2) / 0.02), nan=0.0)


def _context(segments: pd.DataFrame, rule, use: bool, width: int) -> tuple[list[str], np.ndarray]:  # noqa: ANN001
    """Lemma strings and rule scores of each segment's ``context`` (the preceding question)."""
    n = len(segments)
    if not (use and n):
        return [""] * n, np.zeros((n, width))
    ctx_text = (segments["context"].astype("object").fillna("").astype(str).to_numpy()
                if "context" in segments.columns else np.array([""] * n, dtype=object))
    frame = pd.DataFrame({"segment_id": [f"ctx:{i}" for i in range(n)], "text": ctx_text})
    if "language" in segments.columns:
        frame["language"] = segments["language"].to_numpy()
    ctx_proba, _, ctx_tokens = rule.score(frame, return_tokens=True)
    return lemma_strings(ctx_tokens), ctx_proba.to_numpy()


def inputs(segments: pd.DataFrame, rule, semantic=None, position: bool = False, context: bool = False,  # noqa: ANN001
           max_ngram: int = 2, char_ngrams: tuple[int, int] | None = None) -> dict:
    """Per segment: lemma strings, rule scores and evidence, of the segment and of its context;
    the n-gram counts of its lemmas (``WC``), its context's lemmas (``CC``, None without context)
    and its characters (``C``, None without ``char_ngrams``), hashed (:mod:`~pipeline.stages.coding.coders.ngrams`)."""
    from pipeline.stages.coding.coders import ngrams

    rule_proba, evidence, tokens = rule.score(segments, return_tokens=True)
    out = {"lemmas": lemma_strings(tokens), "R": rule_proba.to_numpy(), "evidence": evidence,
           "index": rule_proba.index}
    out["E"], out["ZS"] = None, np.zeros_like(out["R"])
    if semantic is not None and len(segments):  # the training turns: encoded early (Semantic.prefetch)
        out["E"], out["ZS"] = semantic.features(texts(segments).tolist())
    out["prev"], out["next"] = adjacent(segments)
    out["POS"] = position_bins(segments, position)
    out["ctx_lemmas"], out["QR"] = _context(segments, rule, context, out["R"].shape[1])
    out["WC"] = ngrams.counts(out["lemmas"], ("words", int(max_ngram)))
    out["CC"] = ngrams.counts(out["ctx_lemmas"], ("words", 2)) if context else None
    out["C"] = ngrams.counts(texts(segments).tolist(), ("chars", *map(int, char_ngrams))) if char_ngrams else None
    return out


def fit_vectorizers(data: dict, rows: np.ndarray, char_max_df: float) -> tuple:
    """The TF-IDF of ``rows``: lemmas (n-grams in one or more rows), the context's lemmas (None
    when the rows have no context text) and characters (n-grams in two or more rows and at most
    ``char_max_df`` of them: the commonest carry nothing and cost time; None without them)."""
    vec = CountTfidf().fit(data["WC"][rows])
    ctx = None
    if data["CC"] is not None and data["CC"][rows].nnz:
        ctx = CountTfidf().fit(data["CC"][rows])
    chars = CountTfidf(2, char_max_df).fit(data["C"][rows]) if data["C"] is not None else None
    return vec, ctx, chars


def matrix(vecs: tuple, data: dict, rows: np.ndarray, context: bool, position: bool,
           embedding_weight: float = 1.0):  # noqa: ANN201
    """The sparse level-1 feature matrix of ``rows``."""
    from scipy import sparse

    vec, ctx, chars = vecs
    parts = [vec.transform(data["WC"][rows]), sparse.csr_matrix(data["R"][rows])]
    if context:
        if ctx is not None:
            parts.append(ctx.transform(data["CC"][rows]))
        parts.append(sparse.csr_matrix(data["QR"][rows]))
    if position:
        parts.append(sparse.csr_matrix(data["POS"][rows]))
    if data["E"] is not None:  # sentence embeddings and zero-shot scores (coding.embeddings)
        w = float(embedding_weight)
        parts += [sparse.csr_matrix(data["E"][rows] * w), sparse.csr_matrix(data["ZS"][rows])]
    if chars is not None:  # last, so the word features keep their column numbers (evidence)
        parts.append(chars.transform(data["C"][rows]))
    return sparse.hstack(parts, format="csr")


class CountTfidf:
    """TF-IDF of n-gram counts, fitted on some rows of a count matrix: the same features as a
    ``TfidfVectorizer(min_df=min_df, max_df=max_df, sublinear_tf=True)`` of the same analyzer
    fitted on those rows' texts, without counting the n-grams again for every fold."""

    def __init__(self, min_df: int = 1, max_df: float = 1.0):
        self.min_df = min_df
        self.max_df = max_df

    def fit(self, counts) -> "CountTfidf":  # noqa: ANN001
        """Keep the columns in ``min_df`` to ``max_df`` x rows of ``counts`` (CSR, no repeated
        column within a row) and their smoothed idf."""
        n = counts.shape[0]
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        self.keep_ = np.nonzero((df >= self.min_df) & (df >= 1) & (df <= self.max_df * n))[0]
        self.idf_ = np.log((1.0 + n) / (1.0 + df[self.keep_])) + 1.0
        return self

    def transform(self, counts):  # noqa: ANN001, ANN201
        """The kept columns of ``counts`` (CSR) as sublinear TF-IDF, rows of unit length."""
        from sklearn.preprocessing import normalize

        X = select_columns(counts, self.keep_)
        X.data = (1.0 + np.log(X.data)) * self.idf_[X.indices]
        return normalize(X)


def select_columns(counts, columns: np.ndarray):  # noqa: ANN001, ANN201
    """The CSR matrix of ``counts``'s entries in ``columns`` (sorted), renumbered 0..len-1."""
    from scipy import sparse

    counts = counts.tocsr()
    at = np.searchsorted(columns, counts.indices)
    found = at < len(columns)
    found[found] = columns[at[found]] == counts.indices[found]
    rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))[found]
    indptr = np.r_[0, np.cumsum(np.bincount(rows, minlength=counts.shape[0]))]
    return sparse.csr_matrix((counts.data[found].astype(np.float64), at[found].astype(np.int32), indptr),
                             shape=(counts.shape[0], len(columns)))


def compact(data: dict, columns: dict | None = None) -> dict:
    """Renumber ``data``'s hashed n-gram columns (``WC``, ``CC``, ``C``) to the ones the training
    rows use (``columns`` None: those of ``data`` itself, returned) or to given ``columns``
    (new rows: n-grams no training row has are dropped, as a fitted vocabulary drops them)."""
    columns = dict(columns or {})
    for name in ("WC", "CC", "C"):
        if data.get(name) is None:
            continue
        if name not in columns:
            columns[name] = np.unique(data[name].indices)
        data[name] = select_columns(data[name], columns[name])
    return columns
