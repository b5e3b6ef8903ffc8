"""Codebooks as REFI-QDA codes: ``.qdc`` files and the ``<CodeBook>`` of a project.

Mapping (qualpipe -> REFI):

- every theme and code becomes a ``<Code>``, nested as in the codebook; ``name`` is the label
  in the export language; ``guid`` is uuid5(qualpipe namespace, codebook name, code id), so the
  same code has the same GUID in every file made from that codebook;
- ``isCodable`` is ``true`` for the codes qualpipe applies to segments (the leaves, including
  a theme without codes) and ``false`` for themes and codes that hold other codes: they are
  folders, as in the REFI spec's own example;
- ``color``: one colour per theme (Okabe-Ito palette, in theme order), shared by its codes;
- ``<Description>``: the definition, then ``When to use:``, ``When not to use:``,
  ``Examples:`` and ``Counter-examples:`` (bullets), and a last line ``Code id: <id>`` so that
  an import gives back the same ids. All in one language (``language``, default the codebook's
  first); labels and texts in other languages, cues, exclude_cues and applies_to have no place
  in the standard and are reported as dropped.

Importing codes made by another tool: ids come from the ``Code id:`` line when present,
otherwise from names (lower snake case ASCII, prefixed by the parent's id, ``theme.code``,
made unique with ``_2``, ``_3``); labels are the names; a description without qualpipe's
headings is the definition.
"""
from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from pipeline.codebook import Code, Codebook, codebook_from_dict
from pipeline.errors import ConfigError, InputError, Problem
from pipeline.api.files import write_bytes, write_text
from pipeline.registry import registry
from pipeline.stages.refi._common import (CODEBOOK_NS, PALETTE, SCHEMA_URL, XSI_NS, ExportSummary, child,
                                   child_text, children, code_guid, local, norm_guid, snake)

HEADINGS = {
    "When to use:": "when_to_use",
    "When not to use:": "when_not_to_use",
    "Examples:": "examples",
    "Counter-examples:": "counter_examples",
    "Code id:": "id",
}
_ORIGIN_FIELD = re.compile(r"(?:^|;)\s*(codebook|version|language)=([^;]*)")
#: a qualpipe code id (the rule of pipeline.codebook)
_ID = re.compile(r"^[a-z0-9][a-z0-9_]*(\.[a-z0-9][a-z0-9_]*)*$")


def origin_text(codebook: Codebook, language: str) -> str:
    """``qualpipe 0.1.0; codebook=<name>; version=<version>; language=<lang>``."""
    return f"qualpipe {_version()}; codebook={codebook.name}; version={codebook.version}; language={language}"


def parse_origin(text: str | None) -> dict[str, str]:
    """The fields of an :func:`origin_text` (empty for other tools' origins)."""
    return {k: v.strip() for k, v in _ORIGIN_FIELD.findall(text or "") if v.strip()}


def _version() -> str:
    from pipeline.about import __version__

    return __version__


def _list(code: Code, field: str, language: str) -> list[str]:
    values: dict = getattr(code, field)
    for lang in (language, "en", *values.keys()):
        if values.get(lang):
            return list(values[lang])
    return []


def code_description(code: Code, language: str) -> str:
    """The REFI description of a code: definition, when (not) to use, examples, id."""
    parts = []
    definition = code.text("definition", language)
    if definition:
        parts.append(definition.strip())
    for heading, field in HEADINGS.items():
        if field in ("when_to_use", "when_not_to_use"):
            text = code.text(field, language)
            if text:
                parts.append(f"{heading} {text.strip()}")
        elif field in ("examples", "counter_examples"):
            items = _list(code, field, language)
            if items:
                parts.append(heading + "".join(f"\n- {' '.join(x.split())}" for x in items))
    parts.append(f"Code id: {code.id}")
    return "\n".join(parts)


def parse_description(text: str) -> dict[str, object]:
    """The fields of a description written by :func:`code_description`; a description
    without those headings is all definition."""
    fields: dict[str, object] = {}
    current, lines = "definition", []

    def flush() -> None:
        body = "\n".join(lines).strip()
        if current in ("examples", "counter_examples"):
            items = [re.sub(r"^\s*-\s?", "", x).strip() for x in body.split("\n") if x.strip()]
            if items:
                fields[current] = items
        elif body:
            fields[current] = body

    for line in (text or "").replace("\r\n", "\n").split("\n"):
        heading = next((h for h in HEADINGS if line.startswith(h)), None)
        if heading:
            flush()
            current, lines = HEADINGS[heading], [line[len(heading):].strip()]
        else:
            lines.append(line)
    flush()
    return fields


def codebook_to_refi(codebook: Codebook, language: str | None = None, namespace: str = CODEBOOK_NS,
                     root: bool = True) -> etree._Element:
    """A ``<CodeBook>`` element (``root``: with namespace declarations and ``origin``)."""
    language = language or codebook.languages[0]
    q = lambda name: f"{{{namespace}}}{name}"  # noqa: E731
    if root:
        book = etree.Element(q("CodeBook"), nsmap={None: namespace, "xsi": XSI_NS})
        book.set(f"{{{XSI_NS}}}schemaLocation", f"{namespace} {SCHEMA_URL[namespace]}")
        book.set("origin", origin_text(codebook, language))
    else:
        book = etree.Element(q("CodeBook"))
    codes = etree.SubElement(book, q("Codes"))

    def add(parent: etree._Element, code: Code, colour: str) -> None:
        element = etree.SubElement(parent, q("Code"), {
            "guid": code_guid(codebook.name, code.id), "name": code.text("label", language) or code.id,
            "isCodable": "false" if code.codes else "true", "color": colour})
        etree.SubElement(element, q("Description")).text = code_description(code, language)
        for sub in code.codes:
            add(element, sub, colour)

    for number, theme in enumerate(codebook.themes):
        add(codes, theme, PALETTE[number % len(PALETTE)])
    return book


def codebook_losses(codebook: Codebook, language: str, summary: ExportSummary) -> None:
    """Record what of ``codebook`` a REFI codebook cannot hold."""
    codes = [c for c, _, _ in codebook.walk()]
    other = [x for x in codebook.languages if x != language]
    if other:
        summary.add(f"labels, definitions and examples in {', '.join(other)}", len(codes),
                    f"dropped (a REFI code has one name and one description; {language} was "
                    f"exported: export again with language={other[0]!r} for the other)")
    summary.add("rule-coder cues and exclude_cues", sum(bool(c.cues or c.exclude_cues) for c in codes),
                "dropped (no REFI element; the YAML codebook stays the source of truth)")
    summary.add("applies_to (roles a code is meant for)", sum(bool(c.applies_to) for c in codes),
                "dropped (no REFI element)")
    summary.add("codebook name and version", 1, "CodeBook origin / Project Description")
    summary.add("code ids", len(codes), "last line 'Code id: ...' of each Code's Description")
    if codebook.description:
        summary.add("codebook description", 1, "dropped (a REFI CodeBook has no description)")


def write_qdc(codebook: Codebook, path: str | Path, language: str | None = None) -> ExportSummary:
    """Write ``codebook`` as a REFI-QDA codebook file (``.qdc``, valid against Codebook.xsd)."""
    path = Path(path)
    if path.suffix.lower() != ".qdc":
        raise ConfigError(Problem(str(path), "a REFI-QDA codebook file must end in '.qdc'.",
                                  f"Use {path.with_suffix('.qdc').name}."))
    language = language or codebook.languages[0]
    data = etree.tostring(codebook_to_refi(codebook, language), xml_declaration=True,
                          encoding="UTF-8", pretty_print=True)
    write_bytes(path, data)
    summary = ExportSummary(path=path, kind="codebook", n_codes=sum(1 for _ in codebook.walk()))
    codebook_losses(codebook, language, summary)
    return summary


def parse_xml(data: bytes, where: str) -> etree._Element:
    """Parse XML safely (no entities, no network), raising :class:`InputError` naming ``where``."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(Problem(where, f"not well-formed XML ({exc}).",
                                 "Export the file again from the QDA program; if you edited it by "
                                 "hand, fix the XML at that line.")) from None
    entity = next(root.iter(etree.Entity), None)
    if entity is not None:  # an unexpanded entity would silently cut the text around it
        raise InputError(Problem(f"{where}:{entity.sourceline}", f"the XML uses the entity {entity.text} declared "
                                 "in a DOCTYPE; qualpipe expands no entities (REFI-QDA files never need them, "
                                 "and they can read local files or blow up in size).",
                                 f"Replace {entity.text} with the text it stands for, or export the project "
                                 "again from the QDA program."))
    return root


@registry("codebook.readers").register(".qdc")
def read_qdc(path: str | Path, language: str = "en") -> Codebook:
    """Read a REFI-QDA codebook file (``.qdc``) written by qualpipe or any other QDA tool."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(Problem(str(path), "the codebook file does not exist.", "Check the path."))
    root = parse_xml(path.read_bytes(), str(path))
    if local(root) != "CodeBook":
        raise InputError(Problem(str(path), f"the root element is <{local(root)}>, not <CodeBook>.",
                                 "Export the codebook from the QDA program as a REFI-QDA codebook (.qdc); "
                                 "a project (.qdpx) is read with import_refi."))
    book, _, problems = codebook_from_refi(root, default_name=snake(path.stem, "codebook"),
                                           language=language, where=str(path))
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ConfigError(errors)
    return book


def codebook_from_refi(element: etree._Element, default_name: str = "imported", version: str = "imported",
                       language: str = "en", where: str = "codebook",
                       ) -> tuple[Codebook, dict[str, str], list[Problem]]:
    """A :class:`Codebook` from a ``<CodeBook>`` (or ``<Codes>``) element.

    Returns the codebook, a map from normalised code GUID to code id, and the problems met.
    Name, version and language come from a qualpipe ``origin`` attribute when present.
    """
    problems: list[Problem] = []
    origin = parse_origin(element.get("origin"))
    name = origin.get("codebook", default_name)
    version = origin.get("version", version)
    language = origin.get("language", language)
    codes_el = element if local(element) == "Codes" else child(element, "Codes")
    used: set[str] = set()
    by_guid: dict[str, str] = {}

    def unique(candidate: str) -> str:
        out, n = candidate, 2
        while out in used:
            out, n = f"{candidate}_{n}", n + 1
        return out

    def convert(code_el: etree._Element, parent: str | None, path: str) -> dict:
        label = (code_el.get("name") or "").strip()
        fields = parse_description(child_text(code_el, "Description"))
        given = str(fields.pop("id", "")).strip()
        if given and _ID.match(given) and given not in used:
            code_id = given
        else:
            base = snake(label, "code")
            code_id = unique(f"{parent}.{base}" if parent else base)
        used.add(code_id)
        if not label:
            problems.append(Problem(f"{where}[{path}]", f"a code has no name; it was named {code_id!r}.",
                                    "Give the code a name in the QDA program.", "warning"))
        key = norm_guid(code_el.get("guid"))
        if key:
            if key in by_guid:
                problems.append(Problem(f"{where}[{path}]", f"GUID {key} is used by two codes; "
                                        "codings will be read for the first only.",
                                        "Export the project again; GUIDs must be unique.", "warning"))
            else:
                by_guid[key] = code_id
        entry: dict = {"id": code_id, "label": {language: label or code_id}}
        for field, value in fields.items():
            entry[field] = {language: value}
        subs = children(code_el, "Code")
        entry["codes"] = [convert(sub, code_id, f"{path}/{sub.get('name', '?')}") for sub in subs]
        return entry

    themes = [convert(c, None, c.get("name", "?")) for c in children(codes_el, "Code")] if codes_el is not None else []
    try:
        book = codebook_from_dict({"name": name, "version": version, "languages": [language],
                                   "themes": themes}, source=where)
    except ConfigError as exc:
        problems.extend(exc.problems)
        book = codebook_from_dict({"name": name, "version": version, "languages": [language],
                                   "themes": []}, source=where)
    return book, by_guid, problems


def write_codebook_yaml(codebook: Codebook, path: str | Path) -> Path:
    """Write a codebook as qualpipe YAML (e.g. one imported from a .qdc), empty fields left out."""
    import yaml

    path = Path(path)
    data = codebook.model_dump(mode="json", exclude_defaults=True)
    data.setdefault("version", codebook.version)
    data["languages"] = list(codebook.languages)
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return write_text(path, text)
