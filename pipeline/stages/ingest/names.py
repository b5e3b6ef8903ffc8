"""Names as units, and the private name lists a review fills.

A full name is one unit: its parts (first names, and the surname with its particles kept
together, ``Van den Broeck``) become the same pseudonym as the full name, never a particle alone
(``Van``, ``El``, ``de``). The review of detected names lives beside the pseudonym key, under
the study's private folder, never in an output folder:

- ``<study>.name_candidates.csv``: possible names with a snippet of context and a ``decision``
  column (``accept`` / ``reject``), written by ``qualpipe pseudonymise review``;
- ``<study>.names.txt``: accepted names, read as one more names file;
- ``<study>.not_names.txt``: rejected words, never treated as names again.
"""
from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import InputError, Problem
from pipeline.stages.ingest.namefinder import PARTICLES, _stop_words

if TYPE_CHECKING:  # pragma: no cover
    from pipeline.settings import Study

CANDIDATE_COLUMNS = ["candidate", "reason", "occurrences", "documents", "context", "decision"]


def name_parts(original: str, min_part: int) -> list[str]:
    """Parts of a full name replaced on their own: ``Sofie Van den Broeck`` -> ``Sofie``,
    ``Van den Broeck``, ``Broeck``; ``Anne-Marie Dubois`` -> ``Anne-Marie``, ``Anne``, ``Marie``,
    ``Dubois``. Particles, stop words and one-letter initials are never parts."""
    tokens = original.split()
    if len(tokens) < 2 and "-" not in original:
        return []
    cut = next((i for i, t in enumerate(tokens) if i > 0 and t.lower() in PARTICLES), None)
    parts: list[str] = []
    if cut is not None:
        parts.append(" ".join(tokens[cut:]))
        tokens = tokens[:cut] + [t for t in tokens[cut:] if t.lower() not in PARTICLES]
    for token in tokens:
        parts.append(token)
        if "-" in token:
            parts += token.split("-")
    stop = _stop_words()
    return list(dict.fromkeys(p for p in parts if len(p) >= min_part and p[:1].isupper() and p != original
                              and p.lower() not in PARTICLES and p.lower() not in stop))


def is_initial(label: str) -> bool:
    """A one-letter label or initial ("T", "O.", "T2"): a label, never a study-wide name."""
    return bool(re.fullmatch(r"[^\W\d_]\.?\d*", label.strip()))


def read_name_list(path: Path) -> list[str]:
    """Names of a names file: one per line, ``#`` starts a comment."""
    return [line.split("#")[0].strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.split("#")[0].strip()]


def review_paths(study: "Study") -> dict[str, Path]:
    base = study.private_dir / study.name
    return {"candidates": Path(f"{base}.name_candidates.csv"), "names": Path(f"{base}.names.txt"),
            "not_names": Path(f"{base}.not_names.txt")}


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    gitignore = path.parent / ".gitignore"
    if not gitignore.exists():
        gitignore.write_text("# pseudonym keys are personal data\n*\n", encoding="utf-8")
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def read_candidates(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    if rows and "candidate" not in rows[0]:
        raise InputError(Problem(str(path), "the name review list has no 'candidate' column.",
                                 "Run `qualpipe pseudonymise review` again to rewrite it (move this file away)."))
    return rows


def write_candidates(path: Path, found: dict[str, dict]) -> list[dict[str, str]]:
    """Write the review list: every candidate found, with decisions already entered kept."""
    old = {r["candidate"]: r for r in read_candidates(path)}
    rows = []
    for name, info in found.items():
        decision = (old.get(name) or {}).get("decision", "")
        rows.append({"candidate": name, "reason": info["reason"], "occurrences": str(info["n"]),
                     "documents": ";".join(info["docs"]), "context": info["context"], "decision": decision})
    for name, row in old.items():  # a decided row is kept even if the text no longer holds it
        if name not in found and row.get("decision"):
            rows.append({c: row.get(c, "") for c in CANDIDATE_COLUMNS})
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, CANDIDATE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    _atomic_write(path, buffer.getvalue())
    return rows


def apply_decisions(study: "Study") -> tuple[int, int, int]:
    """Move decided candidates into the private names / not-names files: ``(accepted, rejected, open)``."""
    paths = review_paths(study)
    rows = read_candidates(paths["candidates"])
    accepted, rejected, kept, bad = [], [], [], []
    for line, row in enumerate(rows, start=2):
        decision = (row.get("decision") or "").strip().lower()
        if decision in {"accept", "accepted", "yes", "y", "name", "ja"}:
            accepted.append(row["candidate"])
        elif decision in {"reject", "rejected", "no", "n", "nee", "not a name"}:
            rejected.append(row["candidate"])
        elif decision:
            bad.append(f"line {line}: {decision!r}")
            kept.append(row)
        else:
            kept.append(row)
    if bad:
        raise InputError(Problem(str(paths["candidates"]), f"unknown decision(s) {', '.join(bad[:5])}.",
                                 "Write 'accept' (it is a name) or 'reject' (it is not), or leave it empty."))
    for key, names in (("names", accepted), ("not_names", rejected)):
        if names:
            existing = read_name_list(paths[key]) if paths[key].exists() else []
            merged = list(dict.fromkeys(existing + names))
            header = "# names accepted in `qualpipe pseudonymise review`\n" if key == "names" else \
                "# words rejected as names in `qualpipe pseudonymise review`\n"
            _atomic_write(paths[key], header + "".join(f"{n}\n" for n in merged))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, CANDIDATE_COLUMNS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(kept)
    _atomic_write(paths["candidates"], buffer.getvalue())
    return len(accepted), len(rejected), len(kept)
