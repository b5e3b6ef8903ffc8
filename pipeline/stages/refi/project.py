"""The XML of a REFI-QDA project: users, codebook, variables, cases, text sources with their
selections and codings, notes (see :mod:`pipeline.stages.refi.export` for what goes in)."""
from __future__ import annotations

import math

import pandas as pd
from lxml import etree

from pipeline.codebook import Codebook
from pipeline.errors import InputError, Problem
from pipeline.stages.refi._common import (PROJECT_NS, SCHEMA_URL, XSI_NS, ExportSummary, RefiSettings, code_guid,
                                          guid, join_names)
from pipeline.stages.refi.codebook import codebook_to_refi, origin_text

#: the largest internal file a REFI-QDA project may hold
MAX_INTERNAL_FILE = 2**31 - 1


def _blank(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _final(value: object) -> bool:
    """A ``final`` cell: blank counts as final; strings from CSV files are read as words."""
    if _blank(value):
        return True
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


class _Build:
    """What every part of one export shares: ids, time stamp, settings, the summary."""

    def __init__(self, study_name: str, stamp: str, settings: RefiSettings, summary: ExportSummary, language: str):
        self.study_name, self.stamp, self.settings, self.summary = study_name, stamp, settings, summary
        self.language = language
        self.software = f"qualpipe {_qualpipe_version()}"
        self.software_guid = self.key("software", "qualpipe")

    def key(self, *parts: str) -> str:
        return guid(self.study_name, *parts)

    @staticmethod
    def q(name: str) -> str:
        return f"{{{PROJECT_NS}}}{name}"


def _project(b: _Build, codebook: Codebook, users: dict, machine_coders: set, variables: dict, cases: dict,
             doc_ids: list[str]) -> etree._Element:
    """The project element with its users, codebook, variables and cases."""
    q, E = b.q, etree.SubElement
    project = etree.Element(q("Project"), nsmap={None: PROJECT_NS, "xsi": XSI_NS})
    project.set(f"{{{XSI_NS}}}schemaLocation", f"{PROJECT_NS} {SCHEMA_URL[PROJECT_NS]}")
    for name, value in (("name", b.study_name), ("origin", b.software), ("creatingUserGUID", b.software_guid),
                        ("creationDateTime", b.stamp)):
        project.set(name, value)
    users_el = E(project, q("Users"))
    E(users_el, q("User"), {"guid": b.software_guid, "name": b.software, "id": "qualpipe"})
    for coder in sorted(users, key=lambda c: (c in machine_coders, c)):
        E(users_el, q("User"), {"guid": users[coder][0], "name": users[coder][1], "id": coder})
    b.summary.users = [users[c][1] for c in sorted(users, key=lambda c: (c in machine_coders, c))]
    if codebook.themes:
        project.append(codebook_to_refi(codebook, b.language, PROJECT_NS, root=False))
    b.summary.n_codes = len({c.id for c, _, _ in codebook.walk()})
    if variables:
        vars_el = E(project, q("Variables"))
        for column, (vguid, kind, _) in variables.items():
            E(vars_el, q("Variable"), {"guid": vguid, "name": str(column), "typeOfVariable": kind})
    if cases:
        cases_el = E(project, q("Cases"))
        for name, (members, shared) in cases.items():
            case = E(cases_el, q("Case"), {"guid": b.key("case", name), "name": name})
            _values(case, q, shared, variables)
            for d in members:
                E(case, q("SourceRef"), {"targetGUID": b.key("source", d)})
    return project


def _sources(b: _Build, project: etree._Element, doc_ids: list[str], texts: dict, segs: dict, rows: list[dict],
             users: dict, variables: dict, codebook: Codebook, segments: pd.DataFrame):  # noqa: ANN202
    """The text sources with their selections and codings: ``(zip entries, coding notes)``."""
    q, E = b.q, etree.SubElement
    by_segment: dict[str, list[dict]] = {}
    for r in rows:
        by_segment.setdefault(r["segment_id"], []).append(r)
    by_doc: dict[str, list[str]] = {}
    for seg_id in by_segment:
        by_doc.setdefault(segs[seg_id][0], []).append(seg_id)
    notes: list[tuple[str, str, str, str]] = []  # guid, name, creator guid, text
    entries: dict[str, bytes] = {}
    speakers = _speakers(segments)
    sources_el = E(project, q("Sources")) if doc_ids else None
    for d in doc_ids:
        data = texts[d].encode("utf-8")
        if len(data) > MAX_INTERNAL_FILE:
            raise InputError(Problem(f"documents[{d}]", "the text is larger than the 2 GB a REFI-QDA internal "
                                     "file may hold.", "Split the document."))
        file_guid = b.key("sourcefile", d)
        entries[f"sources/{file_guid}.txt"] = data
        source = E(sources_el, q("TextSource"), {
            "guid": b.key("source", d), "name": d, "plainTextPath": f"internal://{file_guid}.txt",
            "creatingUser": b.software_guid, "creationDateTime": b.stamp})
        names, interviewers = speakers.get(d, ([], []))
        description = [f"qualpipe document {d}"]
        if names:
            description.append("Speakers: " + join_names(names))
        if interviewers:
            description.append("Interviewers: " + join_names(interviewers))
        E(source, q("Description")).text = "\n".join(description)
        for seg_id in sorted(by_doc.get(d, []), key=lambda s: (segs[s][1], segs[s][2], s)):
            _selection(b, source, seg_id, segs[seg_id], by_segment[seg_id], users, codebook, notes)
        _values(source, q, {v: vals[d] for v, (_, _, vals) in variables.items()}, variables)
    b.summary.n_documents = len(doc_ids)
    return entries, notes


def _selection(b: _Build, source: etree._Element, seg_id: str, seg: tuple, rows: list[dict], users: dict,
               codebook: Codebook, notes: list) -> None:
    q, E = b.q, etree.SubElement
    order = {c.id: n for n, (c, _, _) in enumerate(codebook.walk())}
    _, start, end, _ = seg
    selection = E(source, q("PlainTextSelection"), {
        "guid": b.key("selection", seg_id), "name": seg_id, "startPosition": str(start),
        "endPosition": str(end), "creatingUser": b.software_guid, "creationDateTime": b.stamp})
    b.summary.n_selections += 1
    for r in sorted(rows, key=lambda r: (order[r["code"]], r["coder"])):
        user_guid = users[r["coder"]][0]
        coding_key = ("coding", seg_id, r["code"], r["coder"])
        coding = E(selection, q("Coding"), {"guid": b.key(*coding_key), "creatingUser": user_guid,
                                            "creationDateTime": b.stamp})
        E(coding, q("CodeRef"), {"targetGUID": code_guid(codebook.name, r["code"])})
        b.summary.n_codings += 1
        note = _coding_note(r, b.settings)
        if note:
            note_guid = b.key("note", *coding_key)
            E(coding, q("NoteRef"), {"targetGUID": note_guid})
            notes.append((note_guid, f"{r['code']} on {seg_id}", user_guid, note))


def _finish(b: _Build, project: etree._Element, notes: list, rows: list[dict], codebook: Codebook) -> None:
    """The project's notes (the export summary first) and description."""
    q, E = b.q, etree.SubElement
    project_note = b.key("note", "project")
    notes.insert(0, (project_note, "About this qualpipe export", b.software_guid,
                     b.summary.to_text().split("\n", 1)[1]))
    notes_el = E(project, q("Notes"))
    for note_guid, name, creator, text in notes:
        note = E(notes_el, q("Note"), {"guid": note_guid, "name": name, "creatingUser": creator,
                                       "creationDateTime": b.stamp})
        E(note, q("PlainTextContent")).text = text
    b.summary.n_notes = len(notes)
    versions = sorted({str(r["codebook_version"]) for r in rows if r.get("codebook_version")})
    E(project, q("Description")).text = "\n".join([
        f"Exported by {b.software} from study '{b.study_name}'.",
        f"Codebook {codebook.name} {codebook.version}" + (f" ({', '.join(versions)})" if versions else "")
        + f", in language '{b.language}'.",
        "Codings: " + ("all, including machine suggestions overridden by human coders." if b.settings.include_all
                       else "final codings only (human codings; machine codings of documents no human coded)."),
        origin_text(codebook, b.language)])
    E(project, q("NoteRef"), {"targetGUID": project_note})


def _qualpipe_version() -> str:
    from pipeline.about import __version__

    return __version__


def _values(parent: etree._Element, q, values: dict, variables: dict) -> None:  # noqa: ANN001
    for column, value in values.items():
        if value is None:
            continue
        vguid, kind, _ = variables[column]
        holder = etree.SubElement(parent, q("VariableValue"))
        etree.SubElement(holder, q("VariableRef"), {"targetGUID": vguid})
        etree.SubElement(holder, q(f"{kind}Value")).text = value


def _speakers(segments: pd.DataFrame) -> dict[str, tuple[list[str], list[str]]]:
    if "speaker" not in segments.columns:
        return {}
    roles = segments["speaker_role"].astype(str) if "speaker_role" in segments.columns else pd.Series(
        "", index=segments.index)
    out: dict[str, tuple[list[str], list[str]]] = {}
    for d, speaker, role in zip(segments["doc_id"], segments["speaker"], roles):  # ids are text (export_refi)
        names, interviewers = out.setdefault(d, ([], []))
        if speaker not in names:
            names.append(speaker)
        if role == "interviewer" and speaker not in interviewers:
            interviewers.append(speaker)
    return out


def _coding_note(row: dict, settings: RefiSettings) -> str:
    parts = []
    if row["_machine"] and settings.coding_notes:
        score = row.get("score")
        if score is not None and not _blank(score):
            parts.append(f"score {float(score):.3f}")
        if row.get("evidence") and str(row["evidence"]).strip():
            parts.append(f"evidence: {str(row['evidence']).strip()}")
        parts.append(f"coder {row['coder']}")
        if not _final(row.get("final")):
            parts.append("not final: overridden by a human coder")
    if row.get("note") and str(row["note"]).strip():
        parts.append(f"note: {str(row['note']).strip()}")
    return "; ".join(parts)
