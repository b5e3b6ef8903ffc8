"""The pseudonym key on disk: read back whole or refused, written whole or not at all.

The key is a CSV ``scope, original, pseudonym, kind`` (plus any columns a researcher added, kept
as they are). Its last row is a seal, ``#end, <rows>, <sha256 of the four key columns of the rows
above>, seal`` (a column a researcher adds or fills in does not break the seal): a key
cut short by an interrupted write or a bad copy no longer matches its seal and is refused with a
clear error, instead of silently handing out new numbers that shift every pseudonym after the
cut. The key is written to a temporary file and renamed, and the previous key is kept as
``<key>.bak``. A key without a seal (written by an earlier version) is read if it parses whole
and ends with a line break, and gets its seal on the next write.
"""
from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pandas as pd

from pipeline.errors import InputError, Problem

COLUMNS = ["scope", "original", "pseudonym", "kind"]
SEAL = "#end"

Key = dict[tuple[str, str], tuple[str, str]]


def _refuse(path: Path, message: str) -> InputError:
    backup = path.with_name(path.name + ".bak")
    fix = (f"Restore the key from a backup (qualpipe keeps the previous one as {backup.name}) or from your own "
           "copy, then run again. Do not delete it: new pseudonyms would no longer match earlier outputs.")
    return InputError(Problem(str(path), message, fix))


def load_key(path: Path | None) -> tuple[Key, pd.DataFrame | None]:
    """The key ``(scope, original) -> (pseudonym, kind)`` and any extra columns (None if none)."""
    if path is None or not path.exists():
        return {}, None
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except Exception as exc:  # noqa: BLE001 - any unreadable key is refused the same way
        raise _refuse(path, f"the pseudonym key cannot be read ({type(exc).__name__}); it may be damaged.") from None
    if "scope" not in frame:
        raise InputError(Problem(str(path), "the pseudonym key has no 'scope' column.",
                                 "It was written by an older version: move it away and ingest again."))
    missing = [c for c in COLUMNS if c not in frame]
    if missing:
        raise _refuse(path, f"the pseudonym key lacks column(s) {missing}.")
    sealed = not frame.empty and frame["scope"].iloc[-1] == SEAL
    if sealed:
        _check_seal(path, frame)
        frame = frame.iloc[:-1]
    elif not text.endswith("\n") or (frame[COLUMNS[1:]] == "").any(axis=None):
        raise _refuse(path, "the pseudonym key ends in the middle of a row (an interrupted write?).")
    _check_unique(path, frame)
    key = {(r.scope, r.original): (r.pseudonym, r.kind) for r in frame[COLUMNS].itertuples(index=False)}
    extra = [c for c in frame.columns if c not in COLUMNS]
    return key, (frame[["scope", "original", *extra]] if extra else None)


def _check_seal(path: Path, frame: pd.DataFrame) -> None:
    seal = frame.iloc[-1]
    if seal["original"] != str(len(frame) - 1) or seal["pseudonym"] != _digest(frame.iloc[:-1]):
        raise _refuse(path, f"the pseudonym key does not match its seal (it holds {len(frame) - 1} rows, the "
                            f"seal says {seal['original']}): it was cut short or edited by hand.")


def _check_unique(path: Path, frame: pd.DataFrame) -> None:
    pairs = frame[["scope", "pseudonym"]]
    twice = frame[pairs.duplicated(keep=False)]
    if not twice.empty:
        row = twice.index[0] + 2
        raise _refuse(path, f"pseudonym {twice['pseudonym'].iloc[0]!r} is given to two names in one scope "
                            f"(line {row}); the key is damaged.")


def _digest(rows: pd.DataFrame) -> str:
    """A hash of the key's own four columns (not of columns a researcher added)."""
    body = rows[COLUMNS].to_csv(index=False, lineterminator="\n")
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:32]


def save_key(path: Path, key: Key, extra: pd.DataFrame | None = None) -> None:
    """Write the key atomically with its seal; keep the previous key as ``<key>.bak``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    gitignore = path.parent / ".gitignore"
    if not gitignore.exists():
        gitignore.write_text("# pseudonym keys are personal data\n*\n", encoding="utf-8")
    frame = pd.DataFrame([(scope, o, p, k) for (scope, o), (p, k) in key.items()], columns=COLUMNS)
    if extra is not None:
        frame = frame.merge(extra, on=["scope", "original"], how="left").fillna("")
    body = frame.to_csv(index=False, lineterminator="\n")
    seal = pd.DataFrame([[SEAL, str(len(frame)), _digest(frame), "seal"] + [""] * (len(frame.columns) - 4)])
    text = body + seal.to_csv(index=False, header=False, lineterminator="\n")
    if path.exists():
        if path.read_text(encoding="utf-8", errors="replace") == text:
            return
        path.with_name(path.name + ".bak").write_bytes(path.read_bytes())
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
