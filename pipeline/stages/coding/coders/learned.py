"""LearnedCoder: a multi-label linear model trained on human-coded segments.

Features: TF-IDF of the segment's lemmas (uni- and bigrams, sublinear tf) plus the rule coder's
per-code scores (``cue:<code>``), so the model starts from the codebook's cues and learns how far
to trust them. One logistic regression per leaf code (one-vs-rest, class weights balanced).

Validation is by document: out-of-fold scores come from ``GroupKFold`` on ``doc_id`` (all
turns of an interview sit in the same fold; ``cv_folds_`` records the held-out documents per
fold). On those scores each code gets

- a Platt calibration (a logistic fit of the labels on the out-of-fold decision values), so
  ``predict_proba`` returns calibrated probabilities, and
- a threshold maximising F1 among thresholds >= ``min_threshold`` (unless fixed in
  ``thresholds``); the floor stops a weak model from "predicting everything", which can
  maximise F1 for a rare code but floods the review with false suggestions.

With ``must_beat_rule`` (default) a code keeps the model only when its cross-validated F1 is
above the rule coder's on the same segments; otherwise the rules decide it.

A code with fewer than ``min_positives`` positive segments, or positives in fewer than
``min_documents`` documents, falls back to the rule coder (its rows carry source "rule").
``code_status_`` lists, per code, the mode used, counts, threshold and cross-validated
precision/recall/F1 of the model and of the rule coder on the same segments.

``rule_weight`` > 0 blends the rule score into the model's: ``(1-w)*model + w*rule`` (the
threshold is then chosen on the blended out-of-fold score); see
:class:`~pipeline.stages.coding.coders.combined.CombinedCoder`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sklearn.base import BaseEstimator, clone

from pipeline.codebook import Codebook
from pipeline.stages.coding.coders._common import (CODER_VERSION, add_model_terms, best_threshold, check_segments, long_codings,
                                     platt, sigmoid)
from pipeline.stages.coding.coders.rule import RuleCoder
from pipeline.errors import InputError, Problem
from pipeline.schemas import as_ids


class LearnedCoder(BaseEstimator):
    """Multi-label model trained on human codings (see the module docstring)."""

    name = "model"

    def __init__(self, codebook: Codebook, rule_coder: RuleCoder | None = None, min_positives: int = 8,
                 min_documents: int = 2, cv_folds: int = 5, C: float = 1.0, max_ngram: int = 2,
                 max_features: int = 20000, rule_features: bool = True, rule_weight: float = 0.0,
                 thresholds: dict[str, float] | None = None, min_threshold: float = 0.2,
                 must_beat_rule: bool = True, seed: int = 42, n_terms: int = 3):
        self.codebook = codebook
        self.rule_coder = rule_coder
        self.min_positives = min_positives
        self.min_documents = min_documents
        self.cv_folds = cv_folds
        self.C = C
        self.max_ngram = max_ngram
        self.max_features = max_features
        self.rule_features = rule_features
        self.rule_weight = rule_weight
        self.thresholds = thresholds
        self.min_threshold = min_threshold
        self.must_beat_rule = must_beat_rule
        self.seed = seed
        self.n_terms = n_terms

    @property
    def coder_id(self) -> str:
        return f"{self.name}@{CODER_VERSION}"

    # -- features -------------------------------------------------------------------------
    @staticmethod
    def _texts(tokens: list) -> list[str]:
        """Each segment as a string of its lemmas (punctuation dropped)."""
        return [" ".join(t.lemma for t in toks if not t.is_punct) for toks in tokens]

    def _vectorizer(self):  # noqa: ANN202
        from sklearn.feature_extraction.text import TfidfVectorizer

        return TfidfVectorizer(tokenizer=str.split, token_pattern=None, lowercase=False,
                               ngram_range=(1, self.max_ngram), sublinear_tf=True,
                               max_features=self.max_features, dtype=np.float64)

    def _features(self, vec, texts: list[str], rule_scores: np.ndarray):  # noqa: ANN001, ANN202
        from scipy import sparse

        X = vec.transform(texts)
        if self.rule_features:
            X = sparse.hstack([X, sparse.csr_matrix(rule_scores)], format="csr")
        return X

    def _classifier(self):  # noqa: ANN202
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(C=self.C, class_weight="balanced", solver="liblinear",
                                  random_state=self.seed, max_iter=1000)

    # -- fit ------------------------------------------------------------------------------
    def fit(self, segments: pd.DataFrame, codings: pd.DataFrame) -> "LearnedCoder":
        """Train on ``segments`` (all taken as fully coded) and their human ``codings``."""
        segments = check_segments(segments)
        self.rule_ = clone(self.rule_coder) if self.rule_coder is not None else RuleCoder(self.codebook)
        self.rule_.fit(segments)
        codes = self.codes_ = list(self.codebook.code_ids)
        Y, M = label_matrix(segments, codings, codes)
        self.label_mask_ = M
        groups = _doc_ids(segments)
        R, _, tokens = self.rule_.score(segments, return_tokens=True)
        R = R.to_numpy()
        texts = self._texts(tokens)
        n_pos = (Y & M).sum(axis=0)
        n_docs_pos = np.array([groups[Y[:, k] & M[:, k]].nunique() for k in range(len(codes))])
        n_docs = groups[M.any(axis=1)].nunique()
        trainable = ((n_pos >= self.min_positives) & (n_docs_pos >= self.min_documents) & (n_docs >= 2)
                     & (n_pos < M.sum(axis=0)))  # a code on every segment has nothing to learn
        self.trainable_ = trainable
        oof = self._out_of_fold(texts, R, Y, M, groups, trainable, n_docs)
        self.oof_proba_ = pd.DataFrame(R.copy(), index=pd.Index(segments["segment_id"],
                                                                name="segment_id"), columns=codes)
        self.platt_ = np.zeros((len(codes), 2))
        self.thresholds_ = self.rule_.thresholds_.copy()
        counts = (n_pos, n_docs_pos, n_docs)
        self.code_status_ = pd.DataFrame([self._calibrate(k, oof, R, Y, M, trainable, counts)
                                          for k in range(len(codes))])
        self.trainable_ = trainable
        self._fit_final(texts, R, Y, M, trainable)
        return self

    def _out_of_fold(self, texts: list[str], R: np.ndarray, Y: np.ndarray, M: np.ndarray, groups: pd.Series,
                     trainable: np.ndarray, n_docs: int) -> np.ndarray:
        """Out-of-fold decision values (segments x codes; NaN where a fold had one class), by document."""
        from sklearn.model_selection import GroupKFold

        oof = np.full(Y.shape, np.nan)
        self.cv_folds_: list[list[str]] = []
        if not trainable.any():
            return oof
        splitter = GroupKFold(n_splits=min(self.cv_folds, n_docs))
        for train, test in splitter.split(texts, groups=groups.to_numpy()):
            self.cv_folds_.append(sorted(set(groups.iloc[test])))
            vec = self._vectorizer().fit([texts[i] for i in train])
            X_tr = self._features(vec, [texts[i] for i in train], R[train])
            X_te = self._features(vec, [texts[i] for i in test], R[test])
            for k in np.nonzero(trainable)[0]:
                use = M[train, k]
                y_tr = Y[train, k][use]
                if y_tr.all() or not y_tr.any():
                    continue  # one class only in this fold: left NaN, filled below
                model = self._classifier().fit(X_tr[use], y_tr)
                oof[test, k] = model.decision_function(X_te)
        return oof

    def _calibrate(self, k: int, oof: np.ndarray, R: np.ndarray, Y: np.ndarray, M: np.ndarray,
                   trainable: np.ndarray, counts: tuple) -> dict:
        """Calibration and threshold of code ``k`` on its out-of-fold scores, whether the model or
        the rules decide it (``trainable`` is updated), and its row of ``code_status_``."""
        n_pos, n_docs_pos, n_docs = counts
        code = self.codes_[k]
        fixed = self.thresholds or {}
        m = M[:, k]
        y = Y[m, k]
        r_thr, r_f1, r_p, r_r = _metrics_at(y, R[m, k], self.thresholds_[k])
        row = {"code": code, "theme": self.codebook.theme_of(code), "n_positive": int(n_pos[k]),
               "n_documents": int(n_docs_pos[k]), "mode": "rule", "threshold": r_thr,
               "cv_precision": r_p, "cv_recall": r_r, "cv_f1": r_f1, "rule_precision": r_p,
               "rule_recall": r_r, "rule_f1": r_f1, "model_f1": np.nan,
               "reason": _reason(n_pos[k], n_docs_pos[k], n_docs, self)}
        if not trainable[k]:
            return row
        dec = oof[m, k]
        dec = np.where(np.isnan(dec), np.nanmin(dec) if np.isfinite(dec).any() else 0.0, dec)
        self.platt_[k] = platt(dec, y)
        score = (1 - self.rule_weight) * sigmoid(dec, self.platt_[k]) + self.rule_weight * R[m, k]
        self.oof_proba_.loc[m, code] = score
        thr, f1, p, r = best_threshold(y, score, floor=self.min_threshold)
        if code in fixed:
            thr, f1, p, r = _metrics_at(y, score, fixed[code])
        row["model_f1"] = f1
        if self.must_beat_rule and code not in fixed and f1 <= r_f1:
            trainable[k] = False
            self.oof_proba_[code] = R[:, k]
            row["reason"] = f"model CV F1 {f1:.2f} is not above the rules' {r_f1:.2f}"
        else:
            self.thresholds_[k] = thr
            row.update(mode=self.name, threshold=thr, cv_precision=p, cv_recall=r, cv_f1=f1, reason="")
        return row

    def _fit_final(self, texts: list[str], R: np.ndarray, Y: np.ndarray, M: np.ndarray,
                   trainable: np.ndarray) -> None:
        """The models of the trained codes on all training segments."""
        self.models_: dict[int, object] = {}
        if not trainable.any():
            return
        self.vectorizer_ = self._vectorizer().fit(texts)
        X = self._features(self.vectorizer_, texts, R)
        for k in np.nonzero(trainable)[0]:
            self.models_[k] = self._classifier().fit(X[M[:, k]], Y[M[:, k], k])
        self.feature_names_ = np.array(list(self.vectorizer_.get_feature_names_out())
                                       + [f"cue:{c}" for c in self.codes_] * bool(self.rule_features))
        self.n_text_features_ = len(self.vectorizer_.vocabulary_)

    # -- prediction -----------------------------------------------------------------------
    def _score(self, segments: pd.DataFrame):  # noqa: ANN202
        if not hasattr(self, "models_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError(f"{type(self).__name__} is not fitted: call fit(segments, codings).")
        segments = check_segments(segments)
        rule_proba, evidence, tokens = self.rule_.score(segments, return_tokens=True)
        proba = rule_proba.copy()
        X = None
        if self.models_:
            X = self._features(self.vectorizer_, self._texts(tokens), rule_proba.to_numpy())
            for k, model in self.models_.items():
                prob = sigmoid(model.decision_function(X), self.platt_[k])
                proba.iloc[:, k] = (1 - self.rule_weight) * prob + self.rule_weight * rule_proba.iloc[:, k]
        return proba, evidence, X

    def predict_proba(self, segments: pd.DataFrame) -> pd.DataFrame:
        """Index ``segment_id``, one column per leaf code: calibrated probabilities for trained
        codes, rule scores for the codes that fell back to the rule coder."""
        return self._score(segments)[0]

    def predict(self, segments: pd.DataFrame) -> pd.DataFrame:
        """Long codings: source "model" for trained codes, "rule" for fallback codes."""
        return self.predict_scored(segments)[0]

    def predict_scored(self, segments: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        """``(predict(segments), predict_proba(segments))`` from one scoring pass."""
        proba, evidence, X = self._score(segments)
        decide = proba.to_numpy() >= self.thresholds_
        if self.models_:  # every code may have fallen back to the rules
            evidence = add_model_terms(evidence, proba, decide, self.models_, X, self.feature_names_,
                                       self.n_text_features_, self.codes_, self.rule_.languages_, self.n_terms)
        sources = [self._source if self.trainable_[k] else "rule" for k in range(len(self.codes_))]
        coders = [self.coder_id if self.trainable_[k] else self.rule_.coder_id
                  for k in range(len(self.codes_))]
        return long_codings(proba, decide, sources, coders, evidence, self.codebook), proba

    _source = "model"


def label_matrix(segments: pd.DataFrame, codings: pd.DataFrame, codes: list[str],
                 where: str = "human codings") -> tuple[np.ndarray, np.ndarray]:
    """Labels ``Y`` and decided cells ``M`` (both segments x codes, boolean) from long codings.

    ``segments`` are the training segments, taken as fully coded (every code decided; a segment
    without a row is a negative), except in documents that only carry review decisions
    (``accept``/``reject`` rows, no row with a blank ``decision``): there a row decides one
    segment+code only. ``Y`` is True where someone applied or accepted the code. Unknown segment
    ids or codes raise :class:`InputError`.
    """
    for col in ("segment_id", "code"):
        if col not in codings.columns:
            raise InputError(Problem(where, f"missing column '{col}'.",
                                     "Human codings need the columns segment_id, code, coder."))
    codings = as_ids(codings)  # the codings a coder is given: ids as text once (segments: check_segments)
    decision = decisions(codings, where)
    pos = {s: i for i, s in enumerate(segments["segment_id"])}
    col = {c: j for j, c in enumerate(codes)}
    Y = np.zeros((len(segments), len(codes)), dtype=bool)
    M = np.zeros_like(Y)
    docs = _doc_ids(segments).to_numpy()
    full_docs, reviewed_docs = set(), set()
    for seg, code, dec in zip(codings["segment_id"], codings["code"], decision):
        if seg not in pos:
            raise InputError(Problem(f"{where}[{seg}]", f"segment id {seg!r} is not among the segments.",
                                     "Check that the codings belong to this study's transcripts "
                                     "(ids are '{doc_id}:{turn}') and re-run ingest if they changed."))
        if code not in col:
            raise InputError(Problem(f"{where}[{seg}]", f"code {code!r} is not a leaf code of the "
                                     "codebook.", "Use a code id from the codebook (a leaf, not a "
                                     "theme); rename codes that were renamed."))
        i, k = pos[seg], col[code]
        M[i, k] = True
        if dec != "reject":
            Y[i, k] = True
        (full_docs if dec == "" else reviewed_docs).add(docs[i])
    M[~np.isin(docs, list(reviewed_docs - full_docs))] = True
    return Y, M


def decisions(codings: pd.DataFrame, where: str = "human codings") -> pd.Series:
    """The ``decision`` column normalised to "" (whole-document coding), "accept" or "reject"."""
    if "decision" not in codings.columns:
        return pd.Series([""] * len(codings), index=codings.index, dtype=object)
    values = codings["decision"].astype("object").fillna("").astype(str).str.strip().str.lower()
    values = values.replace({"accepted": "accept", "rejected": "reject"})
    bad = values[~values.isin(["", "accept", "reject"])]
    if len(bad):
        seg = codings.loc[bad.index[0], "segment_id"]
        raise InputError(Problem(f"{where}[{seg}]", f"unknown decision {bad.iloc[0]!r}.",
                                 "Use accept, reject, or leave it empty (read review sheets with "
                                 "pipeline.stages.coding.review.read_review_sheet, which normalises yes/no)."))
    return values


def _doc_ids(segments: pd.DataFrame) -> pd.Series:
    if "doc_id" in segments.columns:
        return segments["doc_id"].reset_index(drop=True)
    return segments["segment_id"].str.rsplit(":", n=1).str[0].reset_index(drop=True)


def _reason(n_pos: int, n_docs_pos: int, n_docs: int, coder: LearnedCoder) -> str:
    if n_docs < 2:
        return "fewer than 2 coded documents"
    if n_pos < coder.min_positives:
        return f"{int(n_pos)} positive segments < min_positives {coder.min_positives}"
    if n_docs_pos < coder.min_documents:
        return f"positives in {int(n_docs_pos)} document(s) < min_documents {coder.min_documents}"
    return ""


def _prf(pred: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """F1, precision and recall of boolean predictions ``pred`` against labels ``y``."""
    tp = int((pred & y).sum())
    p = tp / pred.sum() if pred.any() else 0.0
    r = tp / y.sum() if y.any() else 0.0
    return (2 * p * r / (p + r) if p + r else 0.0), float(p), float(r)


def _metrics_at(y: np.ndarray, score: np.ndarray, threshold: float) -> tuple[float, float, float, float]:
    f1, p, r = _prf(score >= threshold, y)
    return float(threshold), float(f1), p, r
