"""StackedCoder: per-code and per-theme models, neighbours and cues, weighed by one meta-model.

Made for small training sets (a few hundred coded turns, a handful of positives per code),
where one model per code sees too few examples to choose its own threshold. Two levels:

Level 1, per segment (all linear, by-document out-of-fold scores on the training segments):

- features: TF-IDF of the segment's lemmas (1..``max_ngram``-grams); with ``char_ngrams``
  ``(lo, hi)`` also TF-IDF of the lower-cased text's character n-grams of lo..hi characters inside
  word boundaries (``char_wb``, n-grams in two or more training rows and in at most
  ``char_max_df`` of them: the commonest carry nothing and cost time), which catch inflections,
  compounds and spellings the lemmatiser misses (by-document CV on the 28 training documents of
  the sample study, 3 seeds: code micro F1 0.583 -> 0.600, theme 0.735 -> 0.751 at C=4; C=8:
  0.603 / 0.755; ``char_max_df`` 1.0, 0.5, 0.2 and 0.1 within 0.004 of each other); the rule coder's
  per-code scores, and with ``context`` the **preceding interviewer turn of the same document**
  (``context`` column, see :func:`pipeline.stages.coding.coders.add_context`): its lemmas (a separate
  vocabulary) and its rule scores. A question such as "why did you join?" signals the theme;
  with ``position`` the turn's place in its document (``position`` column, 0..1, as soft bins:
  interview guides run theme by theme);
- one logistic regression per code and one per theme, Platt-calibrated on out-of-fold scores
  (unweighted classes unless ``balanced``: the meta-model and the threshold handle the imbalance,
  and by-document CV on the sample study's first 10 training documents favoured it, code
  micro F1 0.542 vs 0.535);
- with ``examples_weight`` > 0 the codebook's examples join the training rows (weight
  ``examples_weight``): an example is a positive of its code; a counter-example is a negative
  of its code and a positive of each code id it names in its trailing parenthesis
  ("(what they got: benefits.network_access)"), which is stripped from the text.

Level 2, per segment x code pair, one logistic regression shared by all codes (so a rare code
borrows strength from the frequent ones) on: the code's calibrated model probability (and its
log), its rule score, the highest rule score in its theme, the context's rule score for the
code and its theme, the mean cosine similarity (TF-IDF) to the ``n_neighbours`` most similar
training positives of the code **from other documents**, the best of these in the theme, the
highest similarity to the code's codebook examples, the code's log prior, the theme model's
probability, the highest code probability in the theme and the code's probability relative to
the segment's best code; with ``adjacent`` also the code's and its theme's level-1 probabilities
and the theme's highest rule score in the **previous and the next segment of the same document**
(by ``turn``, among the segments given: the respondent turns; zeros at a document's edge), since
a conversation carries a topic over several turns. On the training segments these features come
from out-of-fold scores, so the meta-model learns how far to trust each source on unseen documents.

Decision (:func:`decide`): a code applies where its meta probability reaches the threshold, one
for all codes (never below ``min_threshold``; ``thresholds`` fixes a code's own); with
``relative`` only where it also reaches that share of the segment's best probability, and with
``fill`` a segment left without a code gets its best one if that reaches ``fill`` x threshold.
Threshold, ``relative`` (0, 0.3, 0.4, 0.5) and ``fill`` (0, 0.6, 0.8) are chosen together to
maximise micro F1 on the out-of-fold probabilities of the training pairs (a value given to
``relative``/``fill`` is kept; 0 switches it off). By-document CV on the sample study's 28
training documents: code micro F1 0.603 -> 0.612, theme 0.755 -> 0.764. ``predict_proba`` returns
the meta probabilities; rows carry source "model" and coder ``stacked@<version>``; evidence
holds the cue matches and the code model's strongest terms. ``code_status_`` has the columns
of :class:`~pipeline.stages.coding.coders.LearnedCoder`'s (mode "stacked"; cv_* are the meta-model on the
out-of-fold features of the training segments).
"""
from __future__ import annotations

import os
import re

import numpy as np
import pandas as pd

from sklearn.base import BaseEstimator, clone

from pipeline.codebook import Codebook
from pipeline.stages.coding.coders._common import CODER_VERSION, add_model_terms, check_segments, long_codings, platt, sigmoid
from pipeline.stages.coding.coders.learned import _doc_ids, _metrics_at, _prf, label_matrix
from pipeline.stages.coding.coders.rule import RuleCoder
from pipeline.stages.coding.coders.selection import apply_modes, choose_modes, conversational
from pipeline.errors import ConfigError, Problem

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


class StackedCoder(BaseEstimator):
    """Two-level coder for small training sets (see the module docstring)."""

    name = "stacked"

    def __init__(self, codebook: Codebook, rule_coder: RuleCoder | None = None, context: bool = True,
                 position: bool = True, examples_weight: float = 1.0, cv_folds: int = 5, C: float = 8.0, meta_C: float = 1.0,
                 max_ngram: int = 2, n_neighbours: int = 3, theme_models: bool = True,
                 thresholds: dict[str, float] | None = None, min_threshold: float = 0.2,
                 seed: int = 42, n_terms: int = 3, adjacent: bool = True,
                 balanced: bool = False, char_ngrams: tuple[int, int] | None = (2, 5), char_max_df: float = 0.5,
                 relative: float | None = None, fill: float | None = None, n_jobs: int | None = None,
                 conversation: str = "auto", per_code: bool = True, per_code_min_positives: int = 5,
                 embeddings: str | None = None, embedding_weight: float = 1.0):
        self.codebook = codebook
        self.rule_coder = rule_coder
        self.context = context
        self.position = position
        self.examples_weight = examples_weight
        self.cv_folds = cv_folds
        self.C = C
        self.meta_C = meta_C
        self.max_ngram = max_ngram
        self.n_neighbours = n_neighbours
        self.theme_models = theme_models
        self.thresholds = thresholds
        self.min_threshold = min_threshold
        self.seed = seed
        self.n_terms = n_terms
        self.adjacent = adjacent
        self.balanced = balanced
        self.char_ngrams = char_ngrams
        self.char_max_df = char_max_df
        self.relative = relative
        self.fill = fill
        self.n_jobs = n_jobs
        self.conversation = conversation
        self.per_code = per_code
        self.per_code_min_positives = per_code_min_positives
        self.embeddings = embeddings
        self.embedding_weight = embedding_weight

    @property
    def coder_id(self) -> str:
        return f"{self.name}@{CODER_VERSION}"

    # -- level 1 ----------------------------------------------------------------------------
    def _inputs(self, segments: pd.DataFrame, char_counts=None) -> dict:  # noqa: ANN001
        """Lemma strings, rule scores and evidence of the segments and of their context, and the
        character n-gram counts (``char_counts`` when already counted)."""
        rule_proba, evidence, tokens = self.rule_.score(segments, return_tokens=True)
        if char_counts is None and self.char_counter_ is not None:
            char_counts = self.char_counter_.transform(_texts(segments))
        out = {"lemmas": [" ".join(t.lemma for t in toks if not t.is_punct) for toks in tokens],
               "R": rule_proba.to_numpy(), "evidence": evidence, "index": rule_proba.index, "C": char_counts}
        n = len(segments)
        out["E"], out["ZS"] = None, np.zeros_like(out["R"])
        if self.semantic_ is not None and n:
            out["E"] = self.semantic_.embed(_texts(segments).tolist())
            out["ZS"] = self.semantic_.scores(out["E"])
        out["prev"], out["next"] = _adjacent(segments)
        position = (pd.to_numeric(segments["position"], errors="coerce").to_numpy(dtype=float)
                    if self.position_ and "position" in segments.columns else np.full(n, np.nan))
        # a turn's place in the interview as soft bins (interview guides run theme by theme)
        centres = np.linspace(0.0, 1.0, 6)
        out["POS"] = np.nan_to_num(np.exp(-((position[:, None] - centres[None, :]) ** 2) / 0.02), nan=0.0)
        ctx_text = (segments["context"].astype("object").fillna("").astype(str).to_numpy()
                    if self.context_ and "context" in segments.columns else np.array([""] * n, dtype=object))
        if self.context_ and n:
            frame = pd.DataFrame({"segment_id": [f"ctx:{i}" for i in range(n)], "text": ctx_text})
            if "language" in segments.columns:
                frame["language"] = segments["language"].to_numpy()
            ctx_proba, _, ctx_tokens = self.rule_.score(frame, return_tokens=True)
            out["ctx_lemmas"] = [" ".join(t.lemma for t in toks if not t.is_punct) for toks in ctx_tokens]
            out["QR"] = ctx_proba.to_numpy()
        else:
            out["ctx_lemmas"] = [""] * n
            out["QR"] = np.zeros_like(out["R"])
        return out

    def _vectorizer(self, ngram: int):  # noqa: ANN202
        from sklearn.feature_extraction.text import TfidfVectorizer

        return TfidfVectorizer(tokenizer=str.split, token_pattern=None, lowercase=False,
                               ngram_range=(1, ngram), sublinear_tf=True, dtype=np.float64)

    def _fit_vectorizers(self, data: dict, rows: np.ndarray) -> tuple:
        vec = self._vectorizer(self.max_ngram).fit([data["lemmas"][i] for i in rows])
        ctx = None
        if self.context_:
            texts = [data["ctx_lemmas"][i] for i in rows]
            if any(t.strip() for t in texts):
                ctx = self._vectorizer(2).fit(texts)
        chars = _CharTfidf(self.char_max_df).fit(data["C"][rows]) if data["C"] is not None else None
        return vec, ctx, chars

    def _matrix(self, vecs: tuple, data: dict, rows: np.ndarray):  # noqa: ANN202
        from scipy import sparse

        vec, ctx, chars = vecs
        parts = [vec.transform([data["lemmas"][i] for i in rows]), sparse.csr_matrix(data["R"][rows])]
        if self.context_:
            if ctx is not None:
                parts.append(ctx.transform([data["ctx_lemmas"][i] for i in rows]))
            parts.append(sparse.csr_matrix(data["QR"][rows]))
        if self.position_:
            parts.append(sparse.csr_matrix(data["POS"][rows]))
        if data["E"] is not None:  # sentence embeddings and zero-shot scores (coding.embeddings)
            w = float(self.embedding_weight)
            parts += [sparse.csr_matrix(data["E"][rows] * w), sparse.csr_matrix(data["ZS"][rows])]
        if chars is not None:  # last, so the word features keep their column numbers (evidence)
            parts.append(chars.transform(data["C"][rows]))
        return sparse.hstack(parts, format="csr")

    def _classifier(self):  # noqa: ANN202
        from sklearn.linear_model import LogisticRegression

        # dual liblinear: same optimum as the primal, far faster with more features than rows
        return LogisticRegression(C=self.C, class_weight="balanced" if self.balanced else None,
                                  solver="liblinear", dual=True,
                                  random_state=self.seed, max_iter=2000)

    def _fit_all(self, X, Y: np.ndarray, weights: np.ndarray) -> list:  # noqa: ANN001
        """One fitted classifier per column of ``Y``; in ``n_jobs`` processes when there are many
        rows x targets (liblinear's random state is global to a process, so not threads). The
        models do not depend on ``n_jobs``."""
        n_jobs = self.n_jobs if self.n_jobs is not None else min(4, os.cpu_count() or 1)
        if n_jobs == 1 or Y.shape[1] < 2 or X.nnz * Y.shape[1] < _PARALLEL_MIN_WORK:
            return [_fit_one(self._classifier(), X, Y[:, k], weights) for k in range(Y.shape[1])]
        from joblib import Parallel, delayed

        return Parallel(n_jobs=n_jobs, backend="loky")(
            delayed(_fit_one)(self._classifier(), X, Y[:, k], weights) for k in range(Y.shape[1]))

    def _level1(self, data: dict, train: np.ndarray, test: np.ndarray, Y: np.ndarray,
                weights: np.ndarray, keep: bool = False) -> np.ndarray:
        """Decision values (test rows x targets) of one model per column of ``Y``."""
        vecs = self._fit_vectorizers(data, train)
        X_tr = self._matrix(vecs, data, train)
        X_te = self._matrix(vecs, data, test) if len(test) else None
        out = np.full((len(test), Y.shape[1]), -10.0)
        fit_cols = []
        for k in range(Y.shape[1]):
            y = Y[train, k]
            if y.all() or not y.any():
                out[:, k] = 10.0 if y.all() else -10.0
            else:
                fit_cols.append(k)
        models = dict(zip(fit_cols, self._fit_all(X_tr, Y[train][:, fit_cols], weights[train])))
        for k, model in models.items():
            if X_te is not None:
                out[:, k] = model.decision_function(X_te)
        if keep:
            self._kept = (vecs, models, X_te)
        return out

    # -- level 2 ----------------------------------------------------------------------------
    def _neighbours(self, data: dict, rows: np.ndarray, pos_rows: np.ndarray, Ypos: np.ndarray,
                    docs_rows: np.ndarray, docs_pos: np.ndarray, ex_rows: np.ndarray, EY: np.ndarray):
        """Per row and code: mean similarity to the nearest positives of other documents, and the
        highest similarity to the code's examples."""
        from sklearn.preprocessing import normalize

        vec = self._vectorizer(1).fit([data["lemmas"][i] for i in np.r_[pos_rows, ex_rows]])
        A = normalize(vec.transform([data["lemmas"][i] for i in rows]))
        sim = (A @ normalize(vec.transform([data["lemmas"][i] for i in pos_rows])).T).toarray()
        sim[docs_rows[:, None] == docs_pos[None, :]] = -1.0
        n_codes = Ypos.shape[1]
        knn = np.zeros((len(rows), n_codes))
        for k in range(n_codes):
            cols = np.nonzero(Ypos[:, k])[0]
            if len(cols):
                top = -np.sort(-sim[:, cols], axis=1)[:, : self.n_neighbours]
                knn[:, k] = np.clip(top, 0, None).mean(axis=1)
        exs = np.zeros((len(rows), n_codes))
        if len(ex_rows):
            es = (A @ normalize(vec.transform([data["lemmas"][i] for i in ex_rows])).T).toarray()
            for k in range(n_codes):
                cols = np.nonzero(EY[:, k])[0]
                if len(cols):
                    exs[:, k] = es[:, cols].max(axis=1)
        return knn, exs

    def _theme_max(self, M: np.ndarray) -> np.ndarray:
        out = np.zeros_like(M)
        for t in range(len(self.themes_)):
            cols = self.theme_col_ == t
            out[:, cols] = M[:, cols].max(axis=1, keepdims=True)
        return out

    def _pairs(self, P, R, QR, knn, exs, T, adjacent, ZS=None) -> np.ndarray:  # noqa: ANN001
        n = P.shape[0]
        feats = [P, np.log(P + 1e-4), R, self._theme_max(R), QR, self._theme_max(QR), knn,
                 self._theme_max(knn), exs, np.tile(np.log(self.prior_), (n, 1)), T[:, self.theme_col_],
                 self._theme_max(P), P / (P.max(axis=1, keepdims=True) + 1e-9)]
        if ZS is not None and self.semantic_ is not None:  # zero-shot similarity, raw and within the turn
            feats += [ZS, ZS - ZS.mean(axis=1, keepdims=True)]
        if self.adjacent_:  # the previous and next turn's scores (zeros at a document's edge)
            RT = self._theme_max(R)
            for idx in adjacent:
                there = (idx >= 0)[:, None]
                j = np.where(idx >= 0, idx, 0)
                feats += [np.where(there, P[j], 0.0), np.where(there, T[j][:, self.theme_col_], 0.0),
                          np.where(there, RT[j], 0.0)]
        return np.stack([f.reshape(-1) for f in feats], axis=1)

    # -- fit --------------------------------------------------------------------------------
    def fit(self, segments: pd.DataFrame, codings: pd.DataFrame) -> "StackedCoder":
        """Train on ``segments`` (all taken as fully coded) and their human ``codings``."""
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import GroupKFold
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        check_segments(segments)
        if self.examples_weight < 0:
            raise ConfigError(Problem("coding[examples_weight]", f"must be >= 0, got {self.examples_weight}.",
                                      "Set e.g. 'examples_weight: 1.0' (0 leaves the examples out)."))
        if self.conversation not in ("auto", "on", "off"):
            raise ConfigError(Problem("coding[conversation]", f"unknown value {self.conversation!r}.",
                                      "Use auto, on or off."))
        book = self.codebook
        self.rule_ = clone(self.rule_coder) if self.rule_coder is not None else RuleCoder(book)
        segments = segments.reset_index(drop=True)
        # conversation features (question, place, neighbouring turns) only for turns of conversations
        self.conversational_ = (conversational(segments) if self.conversation == "auto"
                                else self.conversation == "on")
        self.context_ = self.context and self.conversational_
        self.position_ = self.position and self.conversational_
        self.adjacent_ = self.adjacent and self.conversational_
        self.semantic_ = None
        if self.embeddings:
            from pipeline.stages.coding.coders.semantic import Semantic

            self.semantic_ = Semantic(book, self.embeddings)
        codes = self.codes_ = list(book.code_ids)
        self.themes_ = list(book.theme_ids)
        self.theme_col_ = np.array([self.themes_.index(book.theme_of(c)) for c in codes])
        Y, M = label_matrix(segments, codings, codes)
        n = len(segments)
        examples, EY = codebook_examples(book) if self.examples_weight > 0 else (None, None)
        self.rule_.fit()
        if examples is not None:  # examples in languages the coder does not use are left out
            keep = examples["language"].isin(self.rule_.languages_).to_numpy()
            examples, EY = examples[keep].reset_index(drop=True), EY[keep]
        frame = segments if examples is None else pd.concat(
            [segments.assign(context=segments["context"] if "context" in segments.columns else "",
                             position=segments["position"] if "position" in segments.columns else np.nan),
             examples], ignore_index=True)
        self.rule_.fit(frame)
        self.char_counter_, counts = None, None
        if self.char_ngrams:  # counted once; each fold keeps its own vocabulary and idf (_CharTfidf)
            from sklearn.feature_extraction.text import CountVectorizer

            self.char_counter_ = CountVectorizer(analyzer="char_wb", ngram_range=tuple(self.char_ngrams),
                                                 lowercase=True, dtype=np.float64)
            counts = self.char_counter_.fit_transform(_texts(frame))
        data = self._inputs(frame, counts)
        n_ex = len(frame) - n
        Yall = np.vstack([Y, EY]) if n_ex else Y
        weights = np.r_[np.ones(n), np.full(n_ex, float(self.examples_weight))]
        TY = np.zeros((len(frame), len(self.themes_)), dtype=bool)
        for k in range(len(codes)):
            TY[:, self.theme_col_[k]] |= Yall[:, k]
        groups = _doc_ids(segments).to_numpy()
        seg_rows, ex_rows = np.arange(n), np.arange(n, len(frame))
        self.prior_ = (Y.sum(axis=0) + 0.5) / (n + 1.0)

        # level 1, out of fold by document (codebook examples always train, never test)
        n_docs = len(set(groups))
        P = np.full((n, len(codes)), -10.0)
        T = np.full((n, len(self.themes_)), -10.0)
        self.cv_folds_: list[list[str]] = []
        if n_docs >= 2:
            splitter = GroupKFold(n_splits=min(self.cv_folds, n_docs), shuffle=True, random_state=self.seed)
            targets = np.hstack([Yall, TY]) if self.theme_models else Yall
            for tr, te in splitter.split(seg_rows, groups=groups):
                self.cv_folds_.append(sorted(set(groups[te])))
                out = self._level1(data, np.r_[tr, ex_rows], te, targets, weights)
                P[te] = out[:, : len(codes)]
                if self.theme_models:
                    T[te] = out[:, len(codes):]
        self.platt_ = np.array([platt(P[:, k], Y[:, k]) for k in range(len(codes))])
        self.theme_platt_ = np.array([platt(T[:, t], TY[:n, t]) for t in range(len(self.themes_))])
        P = np.column_stack([sigmoid(P[:, k], self.platt_[k]) for k in range(len(codes))])
        T = (np.column_stack([sigmoid(T[:, t], self.theme_platt_[t]) for t in range(len(self.themes_))])
             if self.theme_models else np.zeros_like(T))

        knn, exs = self._neighbours(data, seg_rows, seg_rows, Y, groups, groups, ex_rows,
                                    EY if n_ex else np.zeros((0, len(codes)), dtype=bool))
        F = self._pairs(P, data["R"][:n], data["QR"][:n], knn, exs, T, (data["prev"][:n], data["next"][:n]),
                        data["ZS"][:n])
        mask, y = M.reshape(-1), Y.reshape(-1)
        self.meta_ = make_pipeline(StandardScaler(), LogisticRegression(C=self.meta_C, max_iter=2000))
        if y[mask].all() or not y[mask].any():
            raise ConfigError(Problem("human codings", "the training segments need both coded and "
                                      "uncoded segment-code pairs.", "Code whole documents."))
        self.meta_.fit(F[mask], y[mask])
        score = self.meta_.predict_proba(F)[:, 1].reshape(Y.shape)
        self.oof_proba_ = pd.DataFrame(score, index=pd.Index(segments["segment_id"].astype(str),
                                                             name="segment_id"), columns=codes)
        fixed = dict(self.thresholds or {})
        unknown = sorted(set(fixed) - set(codes))
        if unknown:
            raise ConfigError(Problem(f"coding[thresholds.{unknown[0]}]", "not a leaf code of codebook "
                                      f"'{book.name}'.", "Use a code id from the codebook."))
        self._choose_decision(score, Y, M, fixed)
        shared = decide(score, self.thresholds_, self.relative_, self.fill_)
        rule_pred = data["R"][:n] >= self.rule_.thresholds_[None, :]
        fixed_col = np.array([c in fixed for c in codes])
        if self.per_code:
            self.modes_, self.own_thresholds_, reasons, _ = choose_modes(
                shared, score, rule_pred, Y, M, floor=self.min_threshold,
                min_positives=self.per_code_min_positives, fixed=fixed_col)
        else:
            self.modes_, self.own_thresholds_ = ["shared"] * len(codes), np.full(len(codes), np.nan)
            reasons = [""] * len(codes)
        decided = apply_modes(self.modes_, self.own_thresholds_, shared, score, rule_pred)

        rows = []
        for k, code in enumerate(codes):
            m = M[:, k]
            _, r_f1, r_p, r_r = _metrics_at(Y[m, k], data["R"][:n][m, k], self.rule_.thresholds_[k])
            f1, p, r = _prf(decided[m, k], Y[m, k])
            m_f1 = _prf(shared[m, k], Y[m, k])[0]
            mode = self.modes_[k]
            threshold = {"shared": self.thresholds_[k], "own": self.own_thresholds_[k],
                         "rule": self.rule_.thresholds_[k]}[mode]
            rows.append({"code": code, "theme": book.theme_of(code), "n_positive": int((Y & M)[:, k].sum()),
                         "n_documents": int(len(set(groups[Y[:, k] & m]))),
                         "mode": "rule" if mode == "rule" else self.name,
                         "threshold": float(threshold), "cv_precision": p, "cv_recall": r,
                         "cv_f1": f1, "rule_precision": r_p, "rule_recall": r_r, "rule_f1": r_f1,
                         "model_f1": m_f1, "reason": reasons[k]})
        self.code_status_ = pd.DataFrame(rows)
        self.trainable_ = np.ones(len(codes), dtype=bool)

        # final level-1 models on every training segment (and the examples)
        everything = np.arange(len(frame))
        self._level1(data, everything, seg_rows[:0], np.hstack([Yall, TY]) if self.theme_models else Yall,
                     weights, keep=True)
        self.vectorizers_, models, _ = self._kept
        self.models_ = {k: m for k, m in models.items() if k < len(codes)}
        self.theme_models_ = {k - len(codes): m for k, m in models.items() if k >= len(codes)}
        del self._kept
        self.train_ = {"data": data, "n": n, "Y": Y, "groups": groups, "ex_rows": ex_rows,
                       "EY": EY if n_ex else np.zeros((0, len(codes)), dtype=bool)}
        return self

    def _choose_decision(self, score: np.ndarray, Y: np.ndarray, M: np.ndarray, fixed: dict) -> None:
        """Threshold, ``relative`` and ``fill`` that maximise micro F1 on the out-of-fold scores of
        the training segments (a given ``relative``/``fill`` is kept; fixed thresholds stay)."""
        fixed_col = np.array([c in fixed for c in self.codes_])
        fixed_val = np.array([fixed.get(c, 0.0) for c in self.codes_], dtype=float)
        truth = (Y & M).sum()
        rel_grid = RELATIVE_GRID if self.relative is None else (float(self.relative),)
        fill_grid = FILL_GRID if self.fill is None else (float(self.fill),)
        best = (-1.0, self.min_threshold, rel_grid[0], fill_grid[0])
        for rel in rel_grid:
            for fill in fill_grid:
                # exact cut points for the plain rule, a 0.001 grid for the others (speed)
                digits = 4 if rel == 0 and fill == 0 else 3
                cands = np.unique(np.round(score[M], digits))
                cands = cands[cands >= self.min_threshold]
                for t in cands if len(cands) else [self.min_threshold]:
                    thr = np.where(fixed_col, fixed_val, t)
                    pred = decide(score, thr, rel, fill) & M
                    f1 = 2 * (pred & Y).sum() / max(pred.sum() + truth, 1)
                    if f1 > best[0] + 1e-12:
                        best = (f1, float(t), rel, fill)
        _, t, self.relative_, self.fill_ = best
        self.thresholds_ = np.where(fixed_col, fixed_val, t).astype(float)

    # -- prediction -------------------------------------------------------------------------
    def _apply(self, vecs: tuple, models: dict, data: dict, n_targets: int, ab: np.ndarray,
               X=None):  # noqa: ANN001, ANN202
        rows = np.arange(len(data["lemmas"]))
        if X is None:
            X = self._matrix(vecs, data, rows) if len(rows) else None
        out = np.zeros((len(rows), n_targets))
        for k in range(n_targets):
            dec = models[k].decision_function(X) if k in models and len(rows) else np.full(len(rows), -10.0)
            out[:, k] = sigmoid(dec, ab[k])
        return out, X

    def _score(self, segments: pd.DataFrame):  # noqa: ANN202
        if not hasattr(self, "meta_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError(f"{type(self).__name__} is not fitted: call fit(segments, codings).")
        check_segments(segments)
        segments = segments.reset_index(drop=True)
        data = self._inputs(segments)
        P, X = self._apply(self.vectorizers_, self.models_, data, len(self.codes_), self.platt_)
        T = np.zeros((len(segments), len(self.themes_)))
        if self.theme_models:
            T, _ = self._apply(self.vectorizers_, self.theme_models_, data, len(self.themes_),
                               self.theme_platt_, X)
        tr = self.train_
        both = {"lemmas": data["lemmas"] + tr["data"]["lemmas"]}
        n_new = len(segments)
        pos_rows = n_new + np.arange(tr["n"])
        ex_rows = n_new + tr["ex_rows"]
        knn, exs = self._neighbours(both, np.arange(n_new), pos_rows, tr["Y"],
                                    np.array([""] * n_new, dtype=object).astype(str),
                                    np.asarray(tr["groups"]).astype(str), ex_rows, tr["EY"])
        F = self._pairs(P, data["R"], data["QR"], knn, exs, T, (data["prev"], data["next"]), data["ZS"])
        score = self.meta_.predict_proba(F)[:, 1].reshape(P.shape) if n_new else P
        rule_mode = np.array([m == "rule" for m in self.modes_])
        score = np.where(rule_mode[None, :], data["R"], score) if n_new else score
        proba = pd.DataFrame(score, index=data["index"], columns=self.codes_)
        return proba, data["evidence"], X, data["R"]

    def predict_proba(self, segments: pd.DataFrame) -> pd.DataFrame:
        """Index ``segment_id``, one column per leaf code: the meta-model's probabilities."""
        return self._score(segments)[0]

    def predict(self, segments: pd.DataFrame) -> pd.DataFrame:
        """Long codings (source "model") where :func:`decide` applies the code."""
        return self.predict_scored(segments)[0]

    def predict_scored(self, segments: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        """``(predict(segments), predict_proba(segments))`` from one scoring pass."""
        proba, evidence, X, R = self._score(segments)
        score = proba.to_numpy()
        decide_ = apply_modes(self.modes_, self.own_thresholds_,
                              decide(score, self.thresholds_, self.relative_, self.fill_), score,
                              R >= self.rule_.thresholds_[None, :])
        names = self.vectorizers_[0].get_feature_names_out()
        evidence = add_model_terms(evidence, proba, decide_, self.models_, X, names, len(names), self.codes_,
                                   self.rule_.languages_, self.n_terms)
        n = len(self.codes_)
        return long_codings(proba, decide_, ["model"] * n, [self.coder_id] * n, evidence, self.codebook), proba


#: Stored feature values x models below which fitting in one process is faster than a pool.
_PARALLEL_MIN_WORK = 2e7


def _fit_one(model, X, y: np.ndarray, weights: np.ndarray):  # noqa: ANN001, ANN202
    return model.fit(X, y, sample_weight=weights)


class _CharTfidf:
    """TF-IDF of character n-gram counts, fitted on some rows of a count matrix: the same
    features as ``TfidfVectorizer(analyzer="char_wb", min_df=2, sublinear_tf=True)`` fitted on
    those rows' texts, without counting the n-grams again for every fold."""

    def __init__(self, max_df: float = 1.0):
        self.max_df = max_df

    def fit(self, counts) -> "_CharTfidf":  # noqa: ANN001
        n = counts.shape[0]
        df = np.asarray((counts > 0).sum(axis=0)).ravel()
        self.keep_ = np.nonzero((df >= 2) & (df <= self.max_df * n))[0]
        self.idf_ = np.log((1.0 + n) / (1.0 + df[self.keep_])) + 1.0
        return self

    def transform(self, counts):  # noqa: ANN001, ANN201
        from sklearn.preprocessing import normalize

        X = counts[:, self.keep_].tocsr(copy=True).astype(np.float64)
        X.data = 1.0 + np.log(X.data)
        return normalize(X.multiply(self.idf_[None, :]).tocsr())


#: Candidates for ``relative`` and ``fill`` (0 = off) tried by :meth:`StackedCoder.fit`.
RELATIVE_GRID = (0.0, 0.3, 0.4, 0.5)
FILL_GRID = (0.0, 0.6, 0.8)


def decide(score: np.ndarray, thresholds: np.ndarray, relative: float = 0.0, fill: float = 0.0) -> np.ndarray:
    """Which (segment, code) cells of ``score`` (segments x codes) to apply: the score reaches its
    code's threshold and, with ``relative`` > 0, at least ``relative`` times the segment's best
    score (a weak code beside a clear one is left out); with ``fill`` > 0 a segment left without
    any code gets its best code when that reaches ``fill`` times the code's threshold (most
    answers in an interview are about something)."""
    score = np.asarray(score, dtype=float)
    pred = score >= thresholds
    if not score.size:
        return pred
    if relative:
        pred &= score >= relative * score.max(axis=1, keepdims=True)
    if fill:
        rows = np.arange(len(score))
        best = score.argmax(axis=1)
        empty = ~pred.any(axis=1) & (score[rows, best] >= fill * np.asarray(thresholds)[best])
        pred[rows[empty], best[empty]] = True
    return pred


def _texts(segments: pd.DataFrame) -> pd.Series:
    return segments["text"].astype("object").fillna("").astype(str)


def _adjacent(segments: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Row positions of the previous and the next segment of the same document by ``turn``
    (-1 where there is none, or without ``doc_id``/``turn``)."""
    n = len(segments)
    prev, nxt = np.full(n, -1), np.full(n, -1)
    if not n or not {"doc_id", "turn"} <= set(segments.columns):
        return prev, nxt
    turn = pd.to_numeric(segments["turn"], errors="coerce").to_numpy(dtype=float)
    docs = segments["doc_id"].astype("object").fillna("").astype(str).to_numpy()
    order = [i for i in np.lexsort((np.nan_to_num(turn, nan=-1.0), docs)) if not np.isnan(turn[i])]
    for a, b in zip(order[:-1], order[1:]):
        if docs[a] == docs[b]:
            prev[b], nxt[a] = a, b
    return prev, nxt


