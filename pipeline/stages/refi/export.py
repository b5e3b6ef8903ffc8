"""Export a coded study as a REFI-QDA project (``.qdpx``).

``export_refi(documents, segments, codings, codebook, path, study_name, settings=None, **overrides)``

Inputs (pandas DataFrames, see :mod:`pipeline.stages.ingest.corpus` and :mod:`pipeline.stages.coding.code`):

- ``documents``: ``doc_id, text`` and the document attributes (any other column except
  :data:`NOT_ATTRIBUTES`); ``text`` is written as it is, UTF-8, to ``sources/<guid>.txt``.
- ``segments``: ``segment_id, doc_id, start_char, end_char`` (+ ``text, speaker,
  speaker_role, start_time``); ``documents.text[start_char:end_char]`` must equal ``text``.
- ``codings``: ``segment_id, code, coder`` (+ ``source, score, evidence, final, decision,
  note, codebook_version``), or None. Without ``final`` every coding counts as final; rows
  with ``decision == "reject"`` are not codings.

What goes where:

- Users: ``qualpipe <version>`` (creator of the project and sources), every human coder (name
  and id = the coder id), every machine coder as its own user named ``qualpipe rule coder
  0.1.0`` with id ``rule@0.1.0``.
- CodeBook: see :mod:`pipeline.stages.refi.codebook`.
- Variables: one per document attribute, typed from its values (all ``true``/``false`` ->
  Boolean, integers -> Integer, decimals -> Float, ISO dates -> Date, ISO date-times ->
  DateTime, else Text).
- Cases: one per document (named by ``doc_id``), or one per value of ``case_attribute``; a
  case holds the variable values its documents share and a SourceRef to each of them. Every
  TextSource also carries its own VariableValues (ATLAS.ti and QualCoder read source variables,
  NVivo reads case attributes).
- TextSources: one per document, ``name`` = doc_id, ``plainTextPath`` =
  ``internal://<guid>.txt``; a Description lists the speakers and interviewers.
- PlainTextSelection: one per coded segment, ``name`` = segment_id, ``startPosition`` =
  ``start_char``, ``endPosition`` = ``end_char``. REFI positions count Unicode code points from
  0 (spec section 10.2), as Python string indices do; the end is exclusive (the spec's own
  example selects ``granola`` as 62-69). Tools that count UTF-16 units (characters outside the
  Basic Multilingual Plane, e.g. emoji) may shift after such characters.
- Coding: one per (segment, code, coder) with ``creatingUser`` = the coder's user; machine
  codings get a NoteRef to a Note with score and evidence.
- Project Description and a project Note list what the standard could not carry
  (:class:`ExportSummary`).

GUIDs are uuid5 over the study name and the object's key, and every date is ``created``: the
same study exported twice gives a byte-identical ``project.qde`` and ``.qdpx``.
"""
from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd
from lxml import etree

from pipeline.codebook import Codebook
from pipeline.errors import ConfigError, InputError, Problem
from pipeline.schemas import as_ids
from pipeline.stages.refi._common import (ExportSummary, RefiSettings, creation_time, write_zip, xml_datetime)
from pipeline.stages.refi.codebook import codebook_losses
from pipeline.stages.refi.project import (MAX_INTERNAL_FILE, _blank, _Build, _finish,  # noqa: F401
                                         _final, _project, _sources)

#: columns of ``documents`` that describe the file or the text, not the document
NOT_ATTRIBUTES = ("doc_id", "file", "sha256", "format", "encoding", "labelled", "n_turns",
                  "n_respondent_turns", "n_words", "preamble", "text")
#: columns of ``segments`` that are not attributes
SEGMENT_COLUMNS = ("segment_id", "doc_id", "turn", "speaker", "speaker_role", "text", "start_char",
                   "end_char", "start_time", "end_time", "source_line")
MACHINE_CODER = re.compile(r"^(?P<name>[A-Za-z][\w-]*)@(?P<version>\d[\w.+-]*)$")
_INT = re.compile(r"^[+-]?(0|[1-9]\d*)$")
_DEC = re.compile(r"^[+-]?(\d+\.\d*|\.\d+|0|[1-9]\d*)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$")


def settings_with(settings: RefiSettings | None, overrides: dict) -> RefiSettings:
    data = (settings or RefiSettings()).model_dump()
    data.update({k: v for k, v in overrides.items() if v is not None})
    return RefiSettings(**data)


# -- variables ---------------------------------------------------------------------------------


def infer_variable(values: list[object]) -> tuple[str, list[str | None]]:
    """The REFI type of a variable and its values as XML text (None for a blank value)."""
    present = [v for v in values if not _blank(v)]
    text = [None if _blank(v) else (str(v).strip() if not isinstance(v, (bool, float, int)) else v) for v in values]

    def fmt(convert) -> list[str | None]:  # noqa: ANN001
        return [None if v is None else convert(v) for v in text]

    if not present:
        return "Text", [None] * len(values)
    if all(isinstance(v, bool) or str(v).strip().lower() in ("true", "false") for v in present):
        return "Boolean", fmt(lambda v: "true" if str(v).strip().lower() == "true" else "false")
    if all(isinstance(v, (_dt.date, pd.Timestamp)) for v in present):
        stamps = [pd.Timestamp(v) for v in present]
        if all(s.tz is None and s == s.normalize() for s in stamps):
            return "Date", fmt(lambda v: pd.Timestamp(v).strftime("%Y-%m-%d"))
        return "DateTime", fmt(lambda v: pd.Timestamp(v).isoformat())
    strings = [str(v) for v in present]
    if all(isinstance(v, int) or _INT.match(s) for v, s in zip(present, strings)) and \
            not any(isinstance(v, float) for v in present):
        return "Integer", fmt(lambda v: str(int(v)))
    if all(isinstance(v, (int, float)) or _DEC.match(s) for v, s in zip(present, strings)):
        try:
            return "Float", fmt(lambda v: format(Decimal(repr(v) if isinstance(v, float) else str(v)), "f"))
        except InvalidOperation:
            pass
    if all(_DATE.match(s) for s in strings):
        try:
            for s in strings:
                _dt.date.fromisoformat(s)
            return "Date", fmt(str)
        except ValueError:
            pass
    if all(_DATETIME.match(s) for s in strings):
        try:
            return "DateTime", fmt(lambda v: _dt.datetime.fromisoformat(str(v).replace("Z", "+00:00"))
                                   .isoformat().replace("+00:00", "Z"))
        except ValueError:
            pass
    return "Text", fmt(str)


# -- checks ------------------------------------------------------------------------------------

def _need(frame: pd.DataFrame | None, columns: tuple[str, ...], where: str, fix: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise InputError(Problem(where, "expected a pandas DataFrame.", fix))
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(Problem(f"{where}[header]", f"missing column(s) {', '.join(missing)}.", fix))


def _select_codings(codings: pd.DataFrame | None, settings: RefiSettings, summary: ExportSummary) -> list[dict]:
    if codings is None or len(codings) == 0:
        return []
    _need(codings, ("segment_id", "code", "coder"), "codings",
          "Pass the codings table of the coding stage (or human codings: segment_id, code, coder).")
    rows = codings.astype("object").where(codings.notna(), None).to_dict("records")
    if "decision" in codings.columns:
        rejected = [r for r in rows if str(r.get("decision") or "").strip().lower() == "reject"]
        summary.add("review decisions 'reject'", len(rejected), "not exported (a rejection is not a coding)")
        rows = [r for r in rows if str(r.get("decision") or "").strip().lower() != "reject"]
    if "final" in codings.columns:
        not_final = [r for r in rows if not _final(r.get("final"))]
        if settings.include_all:
            summary.add("machine suggestions overridden by human coders (final == False)", len(not_final),
                        "exported (include_all) under their machine user, marked 'not final' in their Note")
        else:
            summary.add("machine suggestions overridden by human coders (final == False)", len(not_final),
                        "not exported (set include_all to export them)")
            rows = [r for r in rows if _final(r.get("final"))]
    seen, out = set(), []
    for r in rows:
        key = (str(r["segment_id"]), str(r["code"]).strip(), str(r["coder"] or "human"))
        if key not in seen:
            seen.add(key)
            out.append({**r, "segment_id": key[0], "code": key[1], "coder": key[2]})
    return out


def _is_machine(row: dict) -> bool:
    source = row.get("source")
    if source is not None and str(source).strip():
        return str(source).strip().lower() != "human"
    return bool(MACHINE_CODER.match(row["coder"]))


def machine_user_name(coder: str) -> str:
    """``rule@0.1.0`` -> ``qualpipe rule coder 0.1.0``."""
    match = MACHINE_CODER.match(coder)
    if not match:
        return f"qualpipe coder {coder}"
    return f"qualpipe {match['name']} coder {match['version']}"


# -- export ------------------------------------------------------------------------------------

def export_refi(documents: pd.DataFrame, segments: pd.DataFrame, codings: pd.DataFrame | None,
                codebook: Codebook, path: str | Path, study_name: str,
                settings: RefiSettings | None = None, **overrides: object) -> ExportSummary:
    """Write the study as a REFI-QDA project (``.qdpx``) and say what the standard could not carry.

    ``overrides`` are :class:`RefiSettings` fields (``include_all=True``, ``created=...``,
    ``language="nl"``, ``case_attribute="respondent"``, ``coding_notes=False``).
    """
    settings = settings_with(settings, overrides)
    documents, segments = as_ids(documents), as_ids(segments)  # the one cast: every id below is text
    path = Path(path)
    if path.suffix.lower() != ".qdpx":
        raise ConfigError(Problem(str(path), "a REFI-QDA project file must end in '.qdpx'.",
                                  f"Use {path.with_suffix('.qdpx').name}."))
    moment = creation_time(settings.created)
    summary = ExportSummary(path=path, kind="project")
    b = _Build(study_name, xml_datetime(moment), settings, summary, settings.language or codebook.languages[0])
    doc_ids, texts, segs = _inputs(documents, segments)
    rows = _select_codings(codings, settings, summary)
    _check_codings(rows, codebook, segs, texts)
    users, machine_coders = _users(rows, b)
    attributes = [c for c in documents.columns if c not in NOT_ATTRIBUTES and not str(c).startswith("_")]
    variables = {}
    for column in attributes:
        kind, values = infer_variable(documents[column].tolist())
        variables[column] = (b.key("variable", str(column)), kind, dict(zip(doc_ids, values)))
    cases = _cases(documents, doc_ids, variables, settings.case_attribute, summary)
    project = _project(b, codebook, users, machine_coders, variables, cases, doc_ids)
    entries, notes = _sources(b, project, doc_ids, texts, segs, rows, users, variables, codebook, segments)
    _record_losses(summary, documents, segments, rows, codebook, b.language, settings, attributes, users)
    _finish(b, project, notes, rows, codebook)
    entries["project.qde"] = etree.tostring(project, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    write_zip(path, entries, moment)
    return summary


def _inputs(documents: pd.DataFrame, segments: pd.DataFrame):  # noqa: ANN202
    """``(doc_ids, texts by doc, segments by id as (doc, start, end, text))``, checked."""
    _need(documents, ("doc_id", "text"), "documents", "Pass the documents table of the ingest stage.")
    _need(segments, ("segment_id", "doc_id", "start_char", "end_char"), "segments",
          "Pass the segments table of the ingest stage.")
    doc_ids = documents["doc_id"].tolist()
    texts = dict(zip(doc_ids, documents["text"].fillna("").astype(str)))
    if len(texts) != len(doc_ids):
        raise InputError(Problem("documents[doc_id]", "a doc_id occurs more than once.", "Doc ids must be unique."))
    seg_text = segments["text"].astype(str).tolist() if "text" in segments.columns else [None] * len(segments)
    segs = {s: (d, int(a), int(b), t) for s, d, a, b, t in zip(
        segments["segment_id"], segments["doc_id"], segments["start_char"],
        segments["end_char"], seg_text)}
    return doc_ids, texts, segs


def _check_codings(rows: list[dict], codebook: Codebook, segs: dict, texts: dict) -> None:
    all_codes = {c.id for c, _, _ in codebook.walk()}
    for r in rows:
        if r["code"] not in all_codes:
            raise InputError(Problem(f"codings[{r['segment_id']}]", f"code {r['code']!r} is not in codebook "
                                     f"'{codebook.name}'.", "Export with the codebook the codings were made with."))
        if r["segment_id"] not in segs:
            raise InputError(Problem(f"codings[{r['segment_id']}]", f"segment {r['segment_id']!r} is not among "
                                     "the segments.", "Pass the segments the codings were made on."))
        doc, start, end, text = segs[r["segment_id"]]
        if doc not in texts:
            raise InputError(Problem(f"segments[{r['segment_id']}]", f"document {doc!r} is not among the "
                                     "documents.", "Pass the documents table of the same ingest run."))
        if not 0 <= start <= end <= len(texts[doc]) or (text is not None and texts[doc][start:end] != text):
            raise InputError(Problem(f"segments[{r['segment_id']}]", f"start_char/end_char ({start}-{end}) do "
                                     f"not point at the segment's text in document {doc!r}.",
                                     "Pass documents and segments of the same ingest run, unchanged."))


def _users(rows: list[dict], b: _Build) -> tuple[dict[str, tuple[str, str]], set[str]]:
    """coder -> (guid, name), and the machine coders among them."""
    users: dict[str, tuple[str, str]] = {}
    machine_coders = set()
    for r in rows:
        r["_machine"] = _is_machine(r)
        if r["coder"] not in users:
            name = machine_user_name(r["coder"]) if r["_machine"] else r["coder"]
            users[r["coder"]] = (b.key("user", r["coder"]), name)
            if r["_machine"]:
                machine_coders.add(r["coder"])
    return users, machine_coders


def _cases(documents: pd.DataFrame, doc_ids: list[str], variables: dict, attribute: str | None,
           summary: ExportSummary) -> dict[str, tuple[list[str], dict]]:
    """Case name -> (member doc ids, shared variable values)."""
    if attribute is None:
        return {d: ([d], {v: vals[d] for v, (_, _, vals) in variables.items()}) for d in doc_ids}
    if attribute not in documents.columns:
        raise ConfigError(Problem("refi.case_attribute", f"documents have no attribute {attribute!r}.",
                                  f"Use one of {sorted(variables)} or leave it empty (one case per document)."))
    groups: dict[str, list[str]] = {}
    for d, value in zip(doc_ids, documents[attribute].tolist()):
        groups.setdefault(d if _blank(value) else str(value).strip(), []).append(d)
    out, varying = {}, set()
    for name, members in groups.items():
        shared = {}
        for v, (_, _, vals) in variables.items():
            found = {vals[m] for m in members}
            if len(found) == 1:
                shared[v] = found.pop()
            else:
                varying.add(v)
        out[name] = (members, shared)
    summary.add(f"attributes that vary between documents of one case ({', '.join(sorted(map(str, varying)))})",
                len(varying), "on the TextSources only, not on the Case")
    return out


def _record_losses(summary: ExportSummary, documents: pd.DataFrame, segments: pd.DataFrame, rows: list[dict],
                   codebook: Codebook, language: str, settings: RefiSettings, attributes: list,
                   users: dict) -> None:
    machine = [r for r in rows if r["_machine"]]
    scored = sum(1 for r in machine if r.get("score") is not None or r.get("evidence"))
    summary.add("machine coding scores and evidence", scored,
                "a Note per coding (Coding/NoteRef)" if settings.coding_notes
                else "dropped (coding_notes is off)")
    summary.add("reviewer notes on codings", sum(1 for r in rows if r.get("note") and str(r["note"]).strip()),
                "a Note per coding (Coding/NoteRef)")
    summary.add("coder ids and machine coder versions", len(users),
                "User name ('qualpipe rule coder 0.1.0') and User id ('rule@0.1.0')")
    summary.add("segment ids", summary.n_selections, "PlainTextSelection name (coded segments only)")
    summary.add("speaker labels and roles", len(documents) if "speaker" in segments.columns else 0,
                "the source text ('Speaker: ...') and each TextSource's Description")
    if "start_time" in segments.columns:
        timed = int(pd.to_numeric(segments["start_time"], errors="coerce").notna().sum())
        summary.add("turn start/end times", timed, "dropped (a REFI text source has no timestamps)")
    extra = [c for c in segments.columns if c not in SEGMENT_COLUMNS and c not in documents.columns]
    summary.add(f"segment-level attributes ({', '.join(map(str, extra))})", len(extra),
                "dropped (REFI variables belong to cases and sources, not selections)")
    summary.add("document attributes", len(attributes), "typed Variables with values on Cases and TextSources")
    meta = [c for c in ("file", "sha256", "format", "encoding") if c in documents.columns]
    summary.add(f"document file metadata ({', '.join(meta)})", len(meta),
                "dropped (file names may carry real names; the text itself is exported)")
    summary.add("codebook versions of codings", len({r.get("codebook_version") for r in rows} - {None}),
                "Project Description")
    codebook_losses(codebook, language, summary)
