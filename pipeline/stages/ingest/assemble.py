"""Read transcripts -> the documents and segments tables (before pseudonymisation).

:func:`build_tables` turns the ``(manifest row, Transcript, sha256)`` of each read transcript into
the two tables :mod:`pipeline.stages.ingest.corpus` describes. Turns become columns directly
(one list per column) rather than a dictionary per turn: at a million turns the dictionaries
alone took about 1 GB. Units of a table (whose rows carry attributes of their own) keep the
dictionary per row, where columns may differ from row to row.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from pipeline.stages.ingest.document import render_document
from pipeline.stages.ingest.formats import ReaderOptions, Transcript
from pipeline.stages.ingest.formats.base import label_key, normalise_label

if TYPE_CHECKING:  # pragma: no cover
    from pipeline.settings import Study

#: manifest columns that are about reading the file, not attributes of the document
READING_COLUMNS = ("file", "interviewer")
#: the segments columns every turn has, before the document's attributes
TURN_COLUMNS = ("segment_id", "doc_id", "turn", "speaker", "speaker_role", "text", "start_char", "end_char",
                "start_time", "end_time", "source_line")


def _options(study: "Study", manifest_row: dict | None = None, known: tuple[str, ...] = ()) -> ReaderOptions:
    labels = list(study.interviewer_labels)
    if manifest_row and manifest_row.get("interviewer"):
        labels += [x.strip() for x in manifest_row["interviewer"].split(";") if x.strip()]
    return ReaderOptions(
        interviewer_labels=labels,
        known_speakers=known,
        id_columns=study.ingest.table_id_columns,
        text_columns=study.ingest.table_text_columns,
        unlabelled_speaker=study.ingest.unlabelled_speaker,
        questions_as_interviewer=study.ingest.unlabelled_questions_as_interviewer,
    )


def _is_interviewer(label: str, labels: set[str]) -> bool:
    key = normalise_label(label)
    if key in labels or label_key(label) in labels:
        return True
    # a Teams label "Lotte Claes" matches a manifest interviewer "Lotte"; Teams also writes
    # "Surname, First" ("Jansen, Peter"), and Zoom "Name (Org)" ("Tom (HIVA)")
    suffix = re.search(r"\(([^()]*)\)", key)
    if suffix and suffix[1].strip() in labels:  # Zoom "Marie Dupont (Moderator)"
        return True
    key = re.sub(r"\s*\([^()]*\)\s*", " ", key).strip()
    if "," in key:
        surname, _, first = key.partition(",")
        if first.strip() in labels or surname.strip() in labels:
            return True
        key = first.strip()
    if key in labels:
        return True
    return any(" " not in x and key.split(" ")[0] == x for x in labels if x)


def speaker_role(label: str, labels: set[str]) -> str:
    """``interviewer`` or ``respondent``, as ingestion decides it for a turn's speaker label."""
    return "interviewer" if _is_interviewer(label, labels) else "respondent"


def _speaker_attributes(study: "Study") -> pd.DataFrame | None:
    if study.ingest.speakers is None:
        return None
    from pipeline.api.io import read_csv_with

    return read_csv_with(study.resolve(study.ingest.speakers), ("doc_id", "speaker"),
                         "speakers file (doc_id, speaker and attribute columns)")


def _attributes(row: dict) -> dict:
    """The document's attributes: its manifest columns but the id and how to read the file."""
    return {k: v for k, v in row.items() if k not in ("_line", *READING_COLUMNS) and k != "doc_id"}


def _sha256(data: bytes | str) -> str:
    """The file's hash: computed when read (a hex string), or from the file's bytes."""
    return data if isinstance(data, str) else hashlib.sha256(data).hexdigest()


def _document(study: "Study", row: dict, transcript: Transcript, data: bytes | str, turns: dict) -> dict:
    """Add one document's turns to the columns ``turns``; returns its documents row."""
    attrs = _attributes(row)
    labels = _options(study, row).interviewer_labels
    texts = [t.text for t in transcript.turns]
    names = [t.speaker for t in transcript.turns]
    text, offsets = render_document(transcript.preamble, names, texts)
    roles: dict[str, str] = {}
    for name in names:
        if name not in roles:
            roles[name] = speaker_role(name, labels)
    doc_id, n = row["doc_id"], len(texts)
    turns["segment_id"] += [f"{doc_id}:{number}" for number in range(1, n + 1)]
    turns["doc_id"] += [doc_id] * n
    turns["turn"] += range(1, n + 1)
    turns["speaker"] += names
    turns["speaker_role"] += [roles[name] for name in names]
    turns["text"] += texts
    turns["start_char"] += [start for start, _ in offsets]
    turns["end_char"] += [end for _, end in offsets]
    turns["start_time"] += [t.start_time for t in transcript.turns]
    turns["end_time"] += [t.end_time for t in transcript.turns]
    turns["source_line"] += [t.line for t in transcript.turns]
    for key, value in attrs.items():
        turns.setdefault(key, []).extend([value] * n)
    return {
        "doc_id": doc_id, "file": row["file"], "sha256": _sha256(data),
        "format": Path(row["file"]).suffix.lower().lstrip("."), "encoding": transcript.encoding,
        "labelled": transcript.labelled, "n_turns": n, "n_respondent_turns": sum(roles[x] == "respondent" for x in names),
        "n_words": sum(len(t.split()) for t in texts), "preamble": transcript.preamble, "text": text, **attrs,
    }


def _by_columns(read: list) -> bool:
    """True when every turn has the same columns (no table units with attributes of their own, no
    manifest column named like a turn column): then columns are built directly."""
    return (any(transcript.turns for _, transcript, _ in read)
            and all(not turn.attributes for _, transcript, _ in read for turn in transcript.turns)
            and not any(set(_attributes(row)) & set(TURN_COLUMNS) for row, _, _ in read))


def _rows(study: "Study", read: list) -> tuple[list[dict], list[dict]]:
    """Documents and segments as a dictionary per row (table units add columns of their own)."""
    doc_rows, seg_rows = [], []
    for row, transcript, data in read:
        attrs = _attributes(row)
        labels = _options(study, row).interviewer_labels
        texts = [t.text for t in transcript.turns]
        names = [t.speaker for t in transcript.turns]
        text, offsets = render_document(transcript.preamble, names, texts)
        n_words = 0
        n_resp = 0
        for number, (turn, (start, end)) in enumerate(zip(transcript.turns, offsets), start=1):
            role = speaker_role(turn.speaker, labels)
            n_resp += role == "respondent"
            n_words += len(turn.text.split())
            seg = {
                "segment_id": f"{row['doc_id']}:{number}", "doc_id": row["doc_id"], "turn": number,
                "speaker": turn.speaker, "speaker_role": role, "text": turn.text,
                "start_char": start, "end_char": end,
                "start_time": turn.start_time, "end_time": turn.end_time, "source_line": turn.line,
            }
            seg.update(attrs)
            seg.update({k: v for k, v in turn.attributes.items() if k not in seg or k in attrs})
            seg_rows.append(seg)
        doc_rows.append({
            "doc_id": row["doc_id"], "file": row["file"], "sha256": _sha256(data),
            "format": Path(row["file"]).suffix.lower().lstrip("."), "encoding": transcript.encoding,
            "labelled": transcript.labelled, "n_turns": len(transcript.turns), "n_respondent_turns": n_resp,
            "n_words": n_words, "preamble": transcript.preamble, "text": text, **attrs,
        })
    return doc_rows, seg_rows


def build_tables(study: "Study", read: list[tuple[dict, Transcript, bytes | str]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Documents and segments from read transcripts ``(manifest row, transcript, file bytes or
    their sha256)`` (no pseudonymisation)."""
    speakers = _speaker_attributes(study)
    if _by_columns(read):
        turns: dict[str, list] = {column: [] for column in TURN_COLUMNS}
        documents = pd.DataFrame([_document(study, row, transcript, data, turns) for row, transcript, data in read])
        segments = pd.DataFrame(turns)
        del turns
    else:
        doc_rows, seg_rows = _rows(study, read)
        documents, segments = pd.DataFrame(doc_rows), pd.DataFrame(seg_rows)
    if speakers is not None and not segments.empty:
        extra = [c for c in speakers.columns if c not in ("doc_id", "speaker")]
        merged = segments.merge(speakers, on=["doc_id", "speaker"], how="left", suffixes=("", "__speaker"))
        for column in extra:
            if f"{column}__speaker" in merged:
                override = merged[f"{column}__speaker"]
                merged[column] = override.where(override.notna() & (override != ""), merged[column])
                merged = merged.drop(columns=f"{column}__speaker")
        segments = merged
    if not segments.empty:
        segments["start_time"] = segments["start_time"].astype("float64")
        segments["end_time"] = segments["end_time"].astype("float64")
    return documents, segments
