"""Import a REFI-QDA project (``.qdpx``, or a bare ``.qde``) made by any QDA tool.

``import_refi(path, interviewer_labels=None, settings=None) -> ImportResult``

Lenient about what it reads: any ``*.qde`` in the archive (``project.qde`` preferred), a
``sources``/``Sources`` folder or none, text inline (``PlainTextContent``) or in a file
(``plainTextPath``: ``internal://``, ``relative://`` or ``absolute://``, looked up by file
name inside the archive only -- a path outside it is refused, see :mod:`pipeline.refi.archive`
-- or a bare path), UTF-8 with or without BOM (other encodings are decoded and reported), no
codebook, codes without descriptions, users without names. PDF sources are read through their
plain-text Representation; pictures, audio and video are reported and skipped.

Sources become segments as ingest makes them: if the text has speaker turns (``Label: text``
lines) the qualpipe txt parser reads them (speakers named in a qualpipe export's source
Description always count), otherwise each paragraph is a turn of one speaker. ``documents.text``
is the normalised text (:func:`pipeline.stages.ingest.corpus.render_document`), in which ``start_char`` and
``end_char`` point. Each PlainTextSelection (positions: Unicode code points from 0, end
exclusive) is mapped to every turn whose text it overlaps, in the source's own positions; each
of its codings becomes a coding of those segments; a selection over several turns is reported.

:class:`ImportResult` tables:

- ``documents``: ``doc_id, file, sha256, format, encoding, labelled, n_turns,
  n_respondent_turns, n_words, preamble, text`` + one column per variable (snake case), with
  the values of the source and of the cases it belongs to (the source's own win), + ``case``
  when case names are not the doc ids.
- ``segments``: as from ingest (``segment_id, doc_id, turn, speaker, speaker_role, text,
  start_char, end_char, start_time, end_time, source_line`` + document attributes).
- ``codings``: ``segment_id, doc_id, code, theme, source, coder, note, selection, start, end``:
  every coding; ``source`` is ``human``, or the kind of a qualpipe machine coder (user id such
  as ``rule@0.1.0``), whose ``coder`` is that id.
- ``human_codings``: ``segment_id, code, coder`` of the human codings, as the coding stage reads them.
- ``codebook`` (None when the project has none) and ``problems`` (warnings, each located).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pandas as pd

from pipeline.codebook import Codebook, codebook_from_dict
from pipeline.errors import InputError, Problem
from pipeline.stages.refi._common import (RefiSettings, child, child_text, children, local, norm_guid, snake)
from pipeline.stages.refi.archive import Archive
from pipeline.stages.refi.codebook import codebook_from_refi, parse_origin, parse_xml
from pipeline.stages.refi.export import MACHINE_CODER, NOT_ATTRIBUTES

DOC_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_EXTENSIONS = (".txt", ".docx", ".doc", ".rtf", ".pdf", ".odt")
_LINE = re.compile(r"\r\n|\r|\n")


@dataclass
class ImportResult:
    documents: pd.DataFrame
    segments: pd.DataFrame
    codebook: Codebook | None
    codings: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    project_name: str = ""

    @property
    def human_codings(self) -> pd.DataFrame:
        human = self.codings[self.codings["source"] == "human"]
        return human[["segment_id", "code", "coder"]].reset_index(drop=True)


def import_refi(path: str | Path, interviewer_labels: list[str] | None = None,
                settings: RefiSettings | None = None) -> ImportResult:
    """Read a REFI-QDA project into documents, segments, codebook and codings (see module doc)."""
    settings = settings or RefiSettings()
    path = Path(path)
    if not path.is_file():
        raise InputError(Problem(str(path), "the file does not exist.", "Check the path."))
    archive = Archive(path)
    qde_name, data = archive.qde()
    where = f"{path}!{qde_name}" if archive.zip else str(path)
    root = parse_xml(data, where)
    if local(root) != "Project":
        raise InputError(Problem(where, f"the root element is <{local(root)}>, not <Project>.",
                                 "This is not a REFI-QDA project; a codebook (.qdc) is read with read_qdc."))
    problems: list[Problem] = []
    ours = (root.get("origin") or "").startswith("qualpipe")
    origin = parse_origin(child_text(root, "Description"))
    users = {norm_guid(u.get("guid")): u for u in _under(root, "Users", "User")}

    codebook, by_guid = None, {}
    book_el = child(root, "CodeBook")
    if book_el is not None:
        codebook, by_guid, found = codebook_from_refi(
            book_el, default_name=origin.get("codebook", snake(root.get("name") or path.stem, "codebook")),
            version=origin.get("version", "imported"),
            language=origin.get("language", settings.import_language), where=where)
        problems += found

    variables = {norm_guid(v.get("guid")): _column(v.get("name") or "variable")
                 for v in _under(root, "Variables", "Variable")}
    kinds = {variables[norm_guid(v.get("guid"))]: v.get("typeOfVariable") or "Text"
             for v in _under(root, "Variables", "Variable")}
    case_values: dict[str, list[tuple[str, dict]]] = {}
    for case in _under(root, "Cases", "Case"):
        values = _values(case, variables)
        for ref in children(case, "SourceRef"):
            case_values.setdefault(norm_guid(ref.get("targetGUID")), []).append((case.get("name") or "", values))
    notes = {norm_guid(n.get("guid")): child_text(n, "PlainTextContent").strip()
             for n in _under(root, "Notes", "Note")}

    builder = _Builder(codebook, by_guid, users, notes, interviewer_labels, problems, where)
    sources = child(root, "Sources")
    for source in (sources if sources is not None else []):
        kind = local(source)
        if kind == "PDFSource" and child(source, "Representation") is not None:
            text_el, label = child(source, "Representation"), source.get("name")
        elif kind == "TextSource":
            text_el, label = source, source.get("name")
        else:
            problems.append(Problem(f"{where}[{source.get('name', kind)}]", f"{kind} not imported: qualpipe "
                                    "reads text sources only.", "Add a transcript of it as a text source.", "warning"))
            continue
        text = _source_text(text_el, archive, root.get("basePath") or "", where, problems)
        if text is None:
            continue
        attributes: dict[str, object] = {}
        cases = case_values.get(norm_guid(source.get("guid")), [])
        for _, values in cases:
            attributes.update({k: v for k, v in values.items() if k not in attributes})
        attributes = {**attributes, **_values(source, variables)}
        case_names = [n for n, _ in cases if n]
        builder.add(label or f"source-{len(builder.docs) + 1}", text, text_el, attributes, case_names,
                    source_codings=len(children(source, "Coding")))
    for extra in ("Sets", "Graphs", "Links"):
        if child(root, extra) is not None:
            problems.append(Problem(where, f"<{extra}> not imported (qualpipe has no such objects).", "", "warning"))
    if builder.docs and not ours:
        problems.append(Problem(where, "texts were imported as they are: they are not pseudonymised.",
                                "Run them through qualpipe's pseudonymisation before sharing any output.",
                                "warning"))
    return builder.result(root.get("name") or path.stem, kinds)


def _under(root, name: str, item: str) -> list:  # noqa: ANN001
    holder = child(root, name)
    return children(holder, item) if holder is not None else []


def _column(name: str) -> str:
    column = snake(name, "variable")
    return f"var_{column}" if column in NOT_ATTRIBUTES or column in ("case",) else column


def _values(element, variables: dict[str, str]) -> dict[str, object]:  # noqa: ANN001
    out: dict[str, object] = {}
    for holder in children(element, "VariableValue"):
        ref = child(holder, "VariableRef")
        column = variables.get(norm_guid(ref.get("targetGUID") if ref is not None else ""))
        if column is None:
            continue
        for value_el in holder:
            kind = local(value_el)
            if not kind.endswith("Value") or value_el.text is None:
                continue
            text = value_el.text.strip()
            try:
                if kind == "BooleanValue":
                    out[column] = text.lower() in ("true", "1")
                elif kind == "IntegerValue":
                    out[column] = int(text)
                elif kind == "FloatValue":
                    out[column] = float(text)
                else:
                    out[column] = value_el.text if kind == "TextValue" else text
            except ValueError:  # a value that is not of its type is kept as written
                out[column] = text
    return out


def _source_text(element, archive: Archive, base_path: str, where: str,  # noqa: ANN001
                 problems: list[Problem]) -> str | None:
    name = element.get("name") or element.get("guid") or "?"
    content = child(element, "PlainTextContent")
    if content is not None and content.text is not None:
        return content.text
    reference = element.get("plainTextPath")
    if not reference:
        problems.append(Problem(f"{where}[{name}]", "the source has no plain text (neither PlainTextContent nor "
                                "plainTextPath); it was skipped.", "Export the project again with plain-text "
                                "representations of documents.", "warning"))
        return None
    data = archive.find(reference, base_path)
    if data is None and _leaves_archive(reference):
        raise InputError(Problem(f"{where}[{name}]", f"the source's plainTextPath {reference!r} points outside the "
                                 "project archive, and qualpipe reads sources from inside the archive only.",
                                 "Export the project again with its sources embedded (internal://), or put "
                                 "the text file in the archive's sources folder."))
    if data is None:
        problems.append(Problem(f"{where}[{name}]", f"the source file {reference!r} is not in the archive or on "
                                "disk; the source was skipped.", "Put the file in the archive's sources folder "
                                "or next to the project.", "warning"))
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        from pipeline.stages.ingest.formats.base import decode

        text, encoding = decode(data, Path(reference))
        problems.append(Problem(f"{where}[{name}]", f"the text is not UTF-8 as REFI-QDA requires; read as {encoding}.",
                                "Check that selections still point at the right text.", "warning"))
        return text


def _leaves_archive(reference: str) -> bool:
    """An ``absolute://`` path, or a ``relative://`` (or bare) one climbing out with ``..``."""
    scheme, _, rest = reference.strip().partition("://")
    if not rest:
        scheme, rest = "", reference
    rest = rest.replace("\\", "/")
    return scheme.lower() == "absolute" or rest.startswith("/") or ".." in PurePosixPath(rest).parts


class _Builder:
    """Collects documents, segments and codings, source by source."""

    def __init__(self, codebook, by_guid, users, notes, interviewer_labels, problems, where):  # noqa: ANN001
        from pipeline.settings import DEFAULT_INTERVIEWER_LABELS

        self.codebook, self.by_guid, self.users, self.notes = codebook, by_guid, users, notes
        self.labels = list(interviewer_labels if interviewer_labels is not None else DEFAULT_INTERVIEWER_LABELS)
        self.problems, self.where = problems, where
        self.docs: list[dict] = []
        self.segs: list[dict] = []
        self.codings: list[dict] = []
        self.used: set[str] = set()

    def _doc_id(self, name: str) -> str:
        base = name.strip()
        if base.lower().endswith(_EXTENSIONS):
            base = base.rsplit(".", 1)[0]
        if not DOC_ID.match(base):
            base = re.sub(r"[^A-Za-z0-9_.-]+", "-", base).strip("-._") or "source"
        doc_id, n = base, 2
        while doc_id in self.used:
            doc_id, n = f"{base}-{n}", n + 1
        self.used.add(doc_id)
        return doc_id

    def _coder(self, guid: str | None) -> tuple[str, str]:
        user = self.users.get(norm_guid(guid))
        if user is None:
            return ("unknown" if not guid else norm_guid(guid)), "human"
        name, uid = (user.get("name") or "").strip(), (user.get("id") or "").strip()
        match = MACHINE_CODER.match(uid)
        if match and name.startswith("qualpipe "):
            return uid, match["name"]
        return name or uid or norm_guid(guid), "human"

    def add(self, name: str, text: str, element, attributes: dict, cases: list[str],  # noqa: ANN001
            source_codings: int) -> None:
        from pipeline.stages.ingest.formats.base import ReaderOptions, normalise_label
        from pipeline.stages.ingest.formats.text import match_label, parse_lines
        from pipeline.stages.ingest.corpus import render_document

        doc_id = self._doc_id(name)
        where = f"{self.where}[{name}]"
        description = child_text(element, "Description")
        known = re.findall(r"^Speakers: (.*)$", description, re.M)
        listed = re.findall(r"^Interviewers: (.*)$", description, re.M)
        speakers = [s.strip() for s in known[0].split(";")] if known else []
        interviewers = [s.strip() for s in listed[0].split(";")] if listed else []
        options = ReaderOptions(interviewer_labels=self.labels + interviewers, known_speakers=speakers)
        starts, lines = [], []
        pos = 0
        for number, match in enumerate([*_LINE.finditer(text), None], start=1):
            end = match.start() if match else len(text)
            starts.append(pos)
            lines.append((number, text[pos:end]))
            pos = match.end() if match else len(text)
        transcript = parse_lines(lines, options, where)
        turns = transcript.turns
        spans = []  # content span of each turn in the source text
        for k, turn in enumerate(turns):
            line = lines[turn.line - 1][1]
            first = starts[turn.line - 1]
            if transcript.labelled:
                found = match_label(line)
                first += len(line) - len(found[2]) if found else 0
            last_line = (turns[k + 1].line - 1) if k + 1 < len(turns) else len(lines)
            while last_line > turn.line and not lines[last_line - 1][1].strip():
                last_line -= 1
            spans.append((first, starts[last_line - 1] + len(lines[last_line - 1][1].rstrip())))
        rendered, offsets = render_document(transcript.preamble, [t.speaker for t in turns], [t.text for t in turns])
        interviewer_keys = {normalise_label(x) for x in options.interviewer_labels}
        roles = ["interviewer" if normalise_label(t.speaker) in interviewer_keys else "respondent" for t in turns]
        seg_ids = [f"{doc_id}:{n}" for n in range(1, len(turns) + 1)]
        for n, (turn, (start, end), role) in enumerate(zip(turns, offsets, roles), start=1):
            self.segs.append({"segment_id": seg_ids[n - 1], "doc_id": doc_id, "turn": n, "speaker": turn.speaker,
                              "speaker_role": role, "text": turn.text, "start_char": start, "end_char": end,
                              "start_time": turn.start_time, "end_time": turn.end_time,
                              "source_line": turn.line, **attributes})
        doc = {"doc_id": doc_id, "file": name, "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
               "format": "txt", "encoding": "utf-8", "labelled": transcript.labelled, "n_turns": len(turns),
               "n_respondent_turns": roles.count("respondent"), "n_words": sum(len(t.text.split()) for t in turns),
               "preamble": transcript.preamble, "text": rendered, **attributes}
        if cases and cases != [doc_id]:
            doc["case"] = "; ".join(cases)
        self.docs.append(doc)
        if source_codings:
            self.problems.append(Problem(where, f"{source_codings} coding(s) of the whole source were not imported: "
                                         "qualpipe codes speaker turns.", "Code the relevant passages instead.",
                                         "warning"))
        for selection in children(element, "PlainTextSelection"):
            self._selection(selection, doc_id, text, spans, seg_ids, where)

    def _selection(self, selection, doc_id, text, spans, seg_ids, where) -> None:  # noqa: ANN001
        label = selection.get("name") or selection.get("guid")
        here = f"{where}[selection {label}]"
        try:
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
        except (TypeError, ValueError):
            self.problems.append(Problem(here, "the selection has no valid start/end position; skipped.",
                                         "", "warning"))
            return
        codings = children(selection, "Coding")
        if not codings:
            return
        if start > end:
            start, end = end, start
        if start < 0 or end > len(text):
            self.problems.append(Problem(here, f"positions {start}-{end} lie outside the text (length {len(text)}); "
                                         "skipped.", "Check the source text is the one the selection was made on.",
                                         "warning"))
            return
        probe_end = max(end, start + 1)
        hit = [i for i, (a, b) in enumerate(spans) if start < b and probe_end > a]
        if not hit:
            self.problems.append(Problem(here, "the selection lies outside every speaker turn (e.g. in the "
                                         "preamble); its codings were not imported.", "", "warning"))
            return
        if len(hit) > 1:
            self.problems.append(Problem(here, f"the selection spans {len(hit)} turns "
                                         f"({', '.join(seg_ids[i] for i in hit)}); each got its codings.",
                                         "Check these codings; qualpipe codes whole turns.", "warning"))
        for coding in codings:
            ref = child(coding, "CodeRef")
            code = self.by_guid.get(norm_guid(ref.get("targetGUID") if ref is not None else ""))
            if code is None:
                self.problems.append(Problem(here, "a coding refers to a code that is not in the codebook; skipped.",
                                             "Export the project again with its codebook.", "warning"))
                continue
            coder, source = self._coder(coding.get("creatingUser") or selection.get("creatingUser"))
            note = "; ".join(self.notes.get(norm_guid(r.get("targetGUID")), "") for r in children(coding, "NoteRef"))
            for i in hit:
                self.codings.append({"segment_id": seg_ids[i], "doc_id": doc_id, "code": code, "source": source,
                                     "coder": coder, "note": note.strip("; "),
                                     "selection": norm_guid(selection.get("guid")), "start": start, "end": end})

    def result(self, project_name: str, kinds: dict[str, str]) -> ImportResult:
        codebook = self._leaf_codes()
        columns = ["segment_id", "doc_id", "code", "theme", "source", "coder", "note", "selection", "start", "end"]
        codings = pd.DataFrame(self.codings, columns=[c for c in columns if c != "theme"])
        if len(codings):
            codings = codings.drop_duplicates(["segment_id", "code", "coder"]).reset_index(drop=True)
        theme = {c.id: t.id for t in (codebook.themes if codebook else []) for c, _, _ in t.walk()}
        codings.insert(3, "theme", [theme.get(c) for c in codings["code"]])
        documents = pd.DataFrame(self.docs, columns=None if self.docs else list(NOT_ATTRIBUTES))
        segments = pd.DataFrame(self.segs, columns=None if self.segs else [
            "segment_id", "doc_id", "turn", "speaker", "speaker_role", "text", "start_char", "end_char",
            "start_time", "end_time", "source_line"])
        for col in ("start_time", "end_time"):
            segments[col] = pd.to_numeric(segments[col], errors="coerce").astype("float64")
        dtypes = {"Integer": "Int64", "Boolean": "boolean", "Float": "float64"}
        for frame in (documents, segments):  # typed variables keep their type when values are missing
            for column, kind in kinds.items():
                if column in frame.columns and kind in dtypes:
                    try:
                        frame[column] = frame[column].astype(dtypes[kind])
                    except (TypeError, ValueError):
                        self.problems.append(Problem(self.where, f"variable {column!r} has values that are not "
                                                     f"{kind}; kept as they are.", "", "warning"))
        return ImportResult(documents, segments, codebook, codings, self.problems, project_name)

    def _leaf_codes(self) -> Codebook | None:
        """Codings on a code that holds other codes go to a new leaf ``<code>.general``: qualpipe
        applies only leaf codes."""
        book = self.codebook
        if book is None:
            return None
        leaves = set(book.code_ids)
        parents = sorted({c["code"] for c in self.codings} - leaves)
        if not parents:
            return book
        data = book.model_dump(mode="json")
        taken = {c.id for c, _, _ in book.walk()}
        moved = {}

        def visit(entries: list[dict]) -> None:
            for entry in entries:
                if entry["id"] in parents:
                    new = f"{entry['id']}.general"
                    while new in taken:
                        new += "_"
                    label = {k: f"{v} (general)" for k, v in entry["label"].items()}
                    entry["codes"].append({"id": new, "label": label, "codes": []})
                    moved[entry["id"]] = new
                visit(entry["codes"])

        visit(data["themes"])
        for c in self.codings:
            c["code"] = moved.get(c["code"], c["code"])
        for old, new in moved.items():
            self.problems.append(Problem(self.where, f"code {old!r} holds other codes and was also applied to text; "
                                         f"those codings now use a new leaf code {new!r}.",
                                         "qualpipe applies leaf codes only; rename or move them as you see fit.",
                                         "warning"))
        return codebook_from_dict(data, source=book.source or "codebook")


def write_import(result: ImportResult, folder: str | Path, force: bool = False) -> list[Path]:
    """Write an import as qualpipe files: documents and segments (csv + parquet),
    human_codings.csv, codings.csv, codebook.yaml and problems.txt. An existing codebook.yaml or
    human_codings.csv (files people edit) is not replaced unless ``force``: nothing is written."""
    from pipeline.api.files import refuse_overwrite, write_text
    from pipeline.api.io import write_table
    from pipeline.stages.refi.codebook import write_codebook_yaml

    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError(Problem(str(folder), "the import folder is an existing file.", "Pass --into a folder."))
    for name, what in (("codebook.yaml", "a codebook"), ("human_codings.csv", "human codings")):
        if name != "codebook.yaml" or result.codebook is not None:
            refuse_overwrite(folder / name, force, what)
    written = []
    for name, frame in (("documents", result.documents), ("segments", result.segments)):
        frame = frame.copy()
        for col in frame.columns:
            if frame[col].dtype == object and frame[col].map(type).nunique() > 1:
                frame[col] = frame[col].astype("string")
        written += write_table(frame, folder, name)
    written += write_table(result.human_codings, folder, "human_codings", formats=("csv",))
    written += write_table(result.codings, folder, "codings", formats=("csv",))
    if result.codebook is not None:
        written.append(write_codebook_yaml(result.codebook, folder / "codebook.yaml"))
    problems = folder / "problems.txt"
    write_text(problems, "".join(f"{p.severity}: {p}\n" for p in result.problems))
    written.append(problems)
    return written
