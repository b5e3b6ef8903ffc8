"""Content-hash caching of stages, with joblib's hashing and storage.

A stage's cache key is the hash of (stage name, the code the stage runs, the stage's input
fingerprints and the keys of the stages it reads, its settings); see :mod:`pipeline.api.keys`. A hit returns the stored result without recomputing; anything else recomputes
and stores. Entries live in ``<study folder>/.qualpipe-cache/<study name>/`` (git-ignored; it
holds pseudonymised data only) and can be deleted at any time, or bypassed with
``QUALPIPE_NO_CACHE=1``.
"""
from __future__ import annotations

import hashlib
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import joblib

from pipeline.errors import QualpipeWarning
from pipeline.api.files import atomic_path

if TYPE_CHECKING:  # pragma: no cover
    from pipeline.settings import Study

_CODE_HASH: str | None = None
#: stage name -> True (served from the cache) or False (computed), for the stages run in this process
EVENTS: dict[str, bool] = {}


def code_version() -> str:
    """A hash of all of qualpipe's own source files (the whole-run record of
    :mod:`pipeline.api.runrecord` uses it; a stage's key uses only its own code, see
    :func:`pipeline.api.keys.stage_code_hash`)."""
    global _CODE_HASH
    if _CODE_HASH is None:
        root = Path(__file__).resolve().parents[1]  # the pipeline package
        digest = hashlib.sha256()
        for path in sorted(root.rglob("*")):
            if path.suffix in {".py", ".j2", ".html", ".css"} and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
        _CODE_HASH = digest.hexdigest()[:16]
    return _CODE_HASH


def cache_dir(study: "Study") -> Path:
    return study.root / ".qualpipe-cache" / study.name


def embedding_dir(study: "Study") -> Path:
    """Where the study's sentence vectors are kept: one folder for topics, code and evaluate, so each
    text is embedded once (:mod:`pipeline.text.embeddings`)."""
    return cache_dir(study) / "embeddings"


def _file_hash(path: Path | None) -> str | None:
    if path is None or not path.exists():
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cached_stage(study: "Study", stage: str, compute: Callable[[], Any], *key_parts: Any,
                 key_file: Path | None = None) -> tuple[Any, bool]:
    """Return ``(result, hit)``: the stored result of ``stage`` for these key parts, or a new one.

    ``key_file`` is a file the stage itself writes or reads back (the pseudonym key): an entry
    is valid only while that file is unchanged since the entry was stored.
    """
    from pipeline.api.keys import stage_code_hash

    key = joblib.hash((stage, stage_code_hash(stage), key_parts))
    path = cache_dir(study) / f"{stage}-{key}.joblib"
    if os.environ.get("QUALPIPE_NO_CACHE") != "1" and path.exists():
        stored = _load_entry(path)
        if stored is not None and stored.get("key_file") == _file_hash(key_file):
            EVENTS[stage] = True
            return stored["result"], True
    result = compute()
    with atomic_path(path) as tmp:  # a killed run leaves the old entry or the new one, never half
        joblib.dump({"result": result, "key_file": _file_hash(key_file)}, tmp)
    for old in path.parent.glob(f"{stage}-*.joblib"):  # keep one entry per stage
        if old != path:
            old.unlink(missing_ok=True)
    EVENTS[stage] = False
    return result, False


def _load_entry(path: Path) -> dict | None:
    """A stored entry, or None (with a warning) when it is damaged: it is then recomputed."""
    try:
        stored = joblib.load(path)
        if isinstance(stored, dict) and "result" in stored:
            return stored
        reason = "not a qualpipe cache entry"
    except Exception as exc:  # joblib/pickle raise many kinds on a damaged file
        reason = f"{type(exc).__name__}: {exc}"
    warnings.warn(f"{path}: the cache entry is damaged ({reason}); the stage is recomputed.",
                  QualpipeWarning, stacklevel=3)
    return None
