"""RuleCoder: codes segments by matching the codebook's cues on lemmas.

Matching follows the cue grammar of :mod:`pipeline.codebook`:

- a cue word matches a token whose lower-cased lemma or lower-cased form equals it; a word
  ending in ``*`` matches a lemma or form that starts with the rest;
- the words of a multi-word cue match in order, with at most ``window`` other tokens between
  consecutive words, inside one sentence (a written word the tokenizer splits, like "e-mail",
  must match as adjacent tokens);
- cues of the segment's ``language`` are used; a code without cues in that language uses its
  cues of the other languages when ``fallback_languages`` is on.

Negation: a match does not count when a negator (``DEFAULT_NEGATORS``) precedes it in its
clause (clauses end at punctuation and at conjunctions such as "but", "because", "maar",
"omdat") or stands between its words ("opened no doors"); a negator that is itself a word of
the cue ("not introduce") is part of the match, not a negation of it. Codes in
``negation_exempt`` ignore negation: their meaning is itself an absence (e.g. "we never met"
for a stalled mentorship). A match of any ``exclude_cues`` entry of a code
suppresses the code for the segment. ``applies_to`` limits a code to documents whose ``role``
is listed; a document of a mixed role (``mixed_roles``), or without a role, allows all codes.

Score of a code for a segment: ``1 - 0.5 ** w`` where ``w`` is the number of cue words matched
(non-overlapping, non-negated matches), so one single-word hit scores 0.5, one two-word hit
0.75; ``predict`` keeps scores >= ``threshold`` (default 0.5: any hit) or the code's own
entry in ``thresholds``. Evidence lists each counted match as ``words@start-end`` (character
offsets in the segment text, from the first to the last matched word).
"""
from __future__ import annotations

import math
import warnings
from typing import Iterable

import numpy as np
import pandas as pd

from sklearn.base import BaseEstimator

from pipeline.codebook import Codebook
from pipeline.stages.coding.coders._common import CODER_VERSION, check_segments, long_codings
from pipeline.stages.coding.coders.cues import Cue, CueIndex, cached_index, cached_matches, extend_match, negated
from pipeline.errors import ConfigError, InputError, Problem
from pipeline.schemas import format_span, join_evidence

#: Words that negate a cue later in the same clause (compared with lemma and lower form).
DEFAULT_NEGATORS: dict[str, list[str]] = {
    "en": ["not", "n't", "n’t", "never", "no", "nothing", "hardly", "nobody", "none", "neither",
           "nor", "without", "cannot", "barely", "scarcely"],
    "nl": ["niet", "geen", "nooit", "nergens", "niks", "amper", "niets", "niemand", "nauwelijks",
           "zonder", "noch"],
}
#: Words that start a new clause (negation does not reach past them).
CLAUSE_BREAKS: dict[str, set[str]] = {
    "en": {"but", "and", "because", "although", "though", "while", "whereas", "so", "yet",
           "however", "then"},
    "nl": {"maar", "en", "omdat", "hoewel", "terwijl", "want", "dus", "doch", "toen"},
}


class RuleCoder(BaseEstimator):
    """Codes segments from the codebook's cues (see the module docstring for the rules).

    Parameters follow scikit-learn: they are stored as given and used by ``fit``/``predict``.
    """

    name = "rule"

    def __init__(self, codebook: Codebook, languages: Iterable[str] | None = None, window: int = 2,
                 negation: bool = True, negation_exempt: Iterable[str] = (),
                 negators: dict[str, list[str]] | None = None, fallback_languages: bool = True,
                 threshold: float = 0.5, thresholds: dict[str, float] | None = None,
                 mixed_roles: Iterable[str] = ("mixed",)):
        self.codebook = codebook
        self.languages = languages
        self.window = window
        self.negation = negation
        self.negation_exempt = negation_exempt
        self.negators = negators
        self.fallback_languages = fallback_languages
        self.threshold = threshold
        self.thresholds = thresholds
        self.mixed_roles = mixed_roles

    @property
    def coder_id(self) -> str:
        return f"{self.name}@{CODER_VERSION}"

    # -- set-up ---------------------------------------------------------------------------
    def fit(self, segments: pd.DataFrame | None = None, codings: pd.DataFrame | None = None) -> "RuleCoder":
        """Learn nothing; check the parameters (and ``segments`` when given) and compile cues."""
        if not isinstance(self.window, int) or self.window < 0:
            raise ConfigError(Problem("coding[window]", f"window must be a whole number >= 0, got "
                                      f"{self.window!r}.", "Set e.g. 'window: 2'."))
        book = self.codebook
        self.codes_ = list(book.code_ids)
        self.languages_ = list(self.languages or book.languages)
        self.exempt_ = expand_code_ids(book, self.negation_exempt, "coding[negation_exempt]")
        fixed = dict(self.thresholds or {})
        unknown = sorted(set(fixed) - set(self.codes_))
        if unknown:
            raise ConfigError(Problem(f"coding[thresholds.{unknown[0]}]", "not a leaf code of codebook "
                                      f"'{book.name}'.", "Use a code id from the codebook."))
        self.thresholds_ = np.array([fixed.get(c, self.threshold) for c in self.codes_], dtype=float)
        leaves = set(self.codes_)
        for code, _, _ in book.walk():
            if code.id not in leaves and (code.cues or code.exclude_cues):
                warnings.warn(f"codebook code '{code.id}' has sub-codes, so its cues are not used: "
                              "only leaf codes are applied to segments. Move the cues to a sub-code.",
                              stacklevel=2)
        self.index_: dict[str, CueIndex] = {}
        if segments is not None:
            segments = check_segments(segments)
            self._segment_languages(segments)
        for lang in self.languages_:  # every language now, so scoring never writes state
            self.index_[lang] = self._compile_index(lang)
        return self

    def _fitted(self) -> "RuleCoder":
        """This coder when fitted, else a fitted copy (the rules learn nothing; ``predict`` on an
        unfitted rule coder works and leaves it unfitted)."""
        if hasattr(self, "index_"):
            return self
        from sklearn.base import clone

        return clone(self).fit()

    def _index(self, lang: str) -> CueIndex:
        return self.index_[lang]

    def _compile_index(self, lang: str) -> CueIndex:
        import json

        table = self.negators if self.negators is not None else DEFAULT_NEGATORS
        negators = sorted(w.lower() for w in table.get(lang, []))
        codes = [(c, self.codebook.code(c).cues, self.codebook.code(c).exclude_cues) for c in self.codes_]
        key = json.dumps([lang, self.window, self.fallback_languages, negators, codes], sort_keys=True,
                         ensure_ascii=False, default=str)
        return cached_index(key, lambda: self._build_index(lang, frozenset(negators)))

    def _build_index(self, lang: str, negators: frozenset[str]) -> CueIndex:
        from pipeline.text.nlp import split_word

        atoms: dict[tuple[str, bool], int] = {}
        cues: list[Cue] = []
        for code_id in self.codes_:
            code = self.codebook.code(code_id)
            for exclude, table in ((False, code.cues), (True, code.exclude_cues)):
                texts = list(table.get(lang, []))
                if not texts and self.fallback_languages:
                    texts = [t for other, values in table.items() if other != lang for t in values]
                for text in dict.fromkeys(texts):
                    cue = self._compile(code_id, text, exclude, lang, atoms, split_word)
                    if cue is not None:
                        cues.append(cue)
        exact: dict[str, list[int]] = {}
        prefixes: dict[str, list[int]] = {}
        for (word, is_prefix), atom_id in atoms.items():
            (prefixes if is_prefix else exact).setdefault(word, []).append(atom_id)
        first: dict[int, list[int]] = {}
        for i, cue in enumerate(cues):
            first.setdefault(cue.atoms[0], []).append(i)
        return CueIndex(cues, exact, prefixes, first, negators=negators,
                      breaks=frozenset(CLAUSE_BREAKS.get(lang, set())))

    def _compile(self, code_id, text, exclude, lang, atoms, split_word) -> Cue | None:  # noqa: ANN001
        words = str(text).lower().split()
        if not words:
            raise ConfigError(Problem(f"{self.codebook.source}[{code_id}.cues]",
                                      "a cue is empty.", "Remove the empty cue."))
        ids: list[int] = []
        gaps: list[int] = []
        for word in words:
            is_prefix = word.endswith("*") and len(word) > 1
            stem = word[:-1] if is_prefix else word
            parts = split_word(stem, lang) or [stem]
            for p, part in enumerate(parts):
                key = (part, is_prefix and p == len(parts) - 1)
                ids.append(atoms.setdefault(key, len(atoms)))
                if len(ids) > 1:
                    gaps.append(0 if p > 0 else self.window)
        return Cue(code_id, str(text), tuple(ids), tuple(gaps), len(words), exclude, frozenset(ids))

    def _segment_languages(self, segments: pd.DataFrame) -> tuple[list[str], pd.Series]:
        default = self.languages_[0] if self.languages_ else "en"
        if "language" not in segments.columns:
            langs = pd.Series([default] * len(segments), index=segments.index)
        else:
            langs = segments["language"].astype("object").where(segments["language"].notna(), default)
            langs = langs.map(lambda v: str(v).strip().lower() or default)
        bad = langs[~langs.isin(self.languages_)]
        if len(bad):
            seg = segments.loc[bad.index[0], "segment_id"]
            raise InputError(Problem(f"segments[{seg}]", f"language {bad.iloc[0]!r} is not one of the "
                                     f"coder's languages {self.languages_}.",
                                     "Add it to the study's 'languages' (and give the codebook cues "
                                     "in it), or correct the manifest's 'language' column."))
        return sorted(set(langs)), langs

    # -- scoring --------------------------------------------------------------------------
    def score(self, segments: pd.DataFrame, return_tokens: bool = False):  # noqa: ANN201
        """Scores (as :meth:`predict_proba`) and evidence ``{(segment_id, code): "word@s-e; ..."}``;
        with ``return_tokens``, also each segment's tokens (:func:`pipeline.text.nlp.tokenize`)."""
        from pipeline.text.nlp import tokenize

        if not hasattr(self, "index_"):
            return self._fitted().score(segments, return_tokens)
        segments = check_segments(segments)
        langs, lang_series = self._segment_languages(segments)
        codes = self.codes_
        col = {c: j for j, c in enumerate(codes)}
        weights = np.zeros((len(segments), len(codes)))
        evidence: dict[tuple[str, str], str] = {}
        seg_ids = segments["segment_id"].to_numpy()
        texts = segments["text"].astype("object").where(segments["text"].notna(), "").to_numpy()
        allowed = self._allowed(segments)
        positions = np.arange(len(segments))
        lang_values = lang_series.to_numpy()
        all_tokens: list = [None] * len(segments)
        for lang in langs:
            index, memo = self._index(lang), {}
            key = (index.key, self.negation, tuple(sorted(self.exempt_)))
            rows = positions[lang_values == lang]
            for row, tokens in zip(rows, tokenize([texts[r] for r in rows], lang)):
                all_tokens[row] = tokens
                text = texts[row] if isinstance(texts[row], str) else ""
                hits, excluded = cached_matches(key, text, self._match, tokens, index, memo)
                for code, spans in hits.items():
                    if code in excluded or not allowed[row, col[code]]:
                        continue
                    weights[row, col[code]] = sum(n for _, _, n in spans)
                    text = texts[row]
                    evidence[(seg_ids[row], code)] = join_evidence(
                        format_span(text[s:e], s, e) for s, e, _ in sorted(spans))
        proba = pd.DataFrame(1.0 - np.power(0.5, weights), index=pd.Index(seg_ids, name="segment_id"),
                             columns=codes)
        return (proba, evidence, all_tokens) if return_tokens else (proba, evidence)

    def _allowed(self, segments: pd.DataFrame) -> np.ndarray:
        allowed = np.ones((len(segments), len(self.codes_)), dtype=bool)
        if "role" not in segments.columns:
            return allowed
        mixed = {str(r).lower() for r in self.mixed_roles}
        roles = segments["role"].astype("object").to_numpy()
        for j, code_id in enumerate(self.codes_):
            applies = {r.lower() for r in self.codebook.code(code_id).applies_to}
            if not applies:
                continue
            for i, role in enumerate(roles):
                if role is None or (isinstance(role, float) and math.isnan(role)) or role is pd.NA:
                    continue
                role = str(role).lower()
                if role and role not in mixed and role not in applies:
                    allowed[i, j] = False
        return allowed

    def _match(self, tokens: list, index: CueIndex,
               memo: dict) -> tuple[dict[str, list[tuple[int, int, int]]], set[str]]:
        """Matches in one segment: ``({code: [(start, end, n_words), ...]}, excluded codes)``."""
        found: dict[str, list[tuple[int, list[int], Cue]]] = {}
        excluded: set[str] = set()
        where: dict[int, list[int]] = {}  # atom -> positions of the tokens it matches
        for i, t in enumerate(tokens):
            for atom in index.atoms_of(t.lemma, t.lower, memo):
                where.setdefault(atom, []).append(i)
        for atom in sorted(where):
            for cue_id in index.first.get(atom, ()):
                cue = index.cues[cue_id]
                if cue.code in excluded or not cue.needs <= where.keys():
                    continue
                for i in where[atom]:
                    path = extend_match(cue, 1, [i], tokens, where)
                    if path is None:
                        continue
                    if cue.exclude:
                        excluded.add(cue.code)
                        break
                    if (self.negation and cue.code not in self.exempt_
                            and negated(tokens, path, index)):
                        continue
                    found.setdefault(cue.code, []).append((i, path, cue))
        hits: dict[str, list[tuple[int, int, int]]] = {}
        for code, matches in found.items():
            used: set[int] = set()
            kept = []
            # longest cues first, then leftmost; a token counts for one match of a code only
            for _, path, cue in sorted(matches, key=lambda m: (-len(m[1]), m[0])):
                if used.intersection(range(path[0], path[-1] + 1)):
                    continue
                used.update(range(path[0], path[-1] + 1))
                kept.append((tokens[path[0]].start_char, tokens[path[-1]].end_char, cue.n_words))
            hits[code] = kept
        return hits, excluded

    # -- scikit-learn API -----------------------------------------------------------------
    def predict_proba(self, segments: pd.DataFrame) -> pd.DataFrame:
        """Index ``segment_id``, one column per leaf code, scores in [0, 1]."""
        return self.score(segments)[0]

    def predict(self, segments: pd.DataFrame) -> pd.DataFrame:
        """Long codings (``source`` "rule") for scores >= ``threshold`` (or the code's entry in
        ``thresholds``), with evidence."""
        return self.predict_scored(segments)[0]

    def predict_scored(self, segments: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        """``(predict(segments), predict_proba(segments))`` from one scoring pass."""
        coder = self._fitted()
        proba, evidence = coder.score(segments)
        n = len(proba.columns)
        return long_codings(proba, proba.to_numpy() >= coder.thresholds_, ["rule"] * n,
                            [coder.coder_id] * n, evidence, coder.codebook), proba


def expand_code_ids(codebook: Codebook, ids: Iterable[str], where: str) -> set[str]:
    """Leaf codes named by ``ids``: a leaf id stands for itself, a theme or parent id for all
    leaves under it. An unknown id raises :class:`ConfigError` at ``where``."""
    leaves = set(codebook.code_ids)
    out: set[str] = set()
    for code_id in ids or ():
        try:
            code = codebook.code(code_id)
        except KeyError:
            raise ConfigError(Problem(where, f"{code_id!r} is not a code of codebook "
                                      f"'{codebook.name}'.", "Use a code id from the codebook, e.g. "
                                      f"'{codebook.code_ids[0]}'.")) from None
        out.update(c.id for c, _, _ in code.walk() if c.id in leaves)
    return out
