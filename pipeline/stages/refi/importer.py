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

from pathlib import Path, PurePosixPath


from pipeline.errors import InputError, Problem
from pipeline.stages.refi._common import (RefiSettings, child, child_text, children, local, norm_guid, snake)
from pipeline.stages.refi.archive import Archive
from pipeline.stages.refi.codebook import codebook_from_refi, parse_origin, parse_xml
from pipeline.stages.refi.documents import DOC_ID, ImportResult, _Builder  # noqa: F401  (re-exported)
from pipeline.stages.refi.export import NOT_ATTRIBUTES


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
    _read_sources(root, archive, builder, case_values, variables, where, problems)
    for extra in ("Sets", "Graphs", "Links"):
        if child(root, extra) is not None:
            problems.append(Problem(where, f"<{extra}> not imported (qualpipe has no such objects).", "", "warning"))
    if builder.docs and not ours:
        problems.append(Problem(where, "texts were imported as they are: they are not pseudonymised.",
                                "Run them through qualpipe's pseudonymisation before sharing any output.",
                                "warning"))
    return builder.result(root.get("name") or path.stem, kinds)



def _read_sources(root, archive: Archive, builder: _Builder, case_values: dict, variables: dict, where: str,  # noqa: ANN001
                  problems: list[Problem]) -> None:
    """Every text source (and the text representation of a PDF source) into ``builder``."""
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
