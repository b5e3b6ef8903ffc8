"""RTF (Word "Save as RTF"), PDF (transcription services) and ODT (LibreOffice) transcripts.

Each is turned into numbered lines and read by the same ``Label: text`` rules as a text file
(:func:`.text.parse_lines`), so every convention of :mod:`.labels` works in them too.

- RTF: striprtf gives the text; a ``\\par`` is a line; ``line`` is the paragraph number.
- PDF: pypdf's text layer, page by page; ``line`` counts lines over all pages, warnings name the
  page and line. A PDF without a text layer (a scan) is refused: it needs OCR first.
- ODT: odfpy; every paragraph and heading (also inside tables and lists) is a line, a manual
  line break inside a paragraph makes a new line; ``line`` is the paragraph number.
"""
from __future__ import annotations

from pathlib import Path

from pipeline.errors import InputError, Problem
from pipeline.stages.ingest.formats.base import ReaderOptions, Transcript, decode
from pipeline.stages.ingest.formats.text import parse_lines


def _refuse(path: Path, what: str, exc: Exception, fix: str) -> InputError:
    return InputError(Problem(str(path), f"cannot read the {what} ({type(exc).__name__}: {exc}).", fix))


def read_rtf(path: Path, options: ReaderOptions) -> Transcript:
    from striprtf.striprtf import rtf_to_text

    raw, _ = decode(path.read_bytes(), path)
    if not raw.lstrip().startswith("{\\rtf"):
        raise InputError(Problem(str(path), "not an RTF file (it does not start with '{\\rtf').",
                                 "Open it in Word and save it again as Rich Text Format (.rtf) or .docx."))
    try:
        text = rtf_to_text(raw, errors="replace")
    except Exception as exc:  # striprtf raises plain exceptions on broken groups
        raise _refuse(path, "RTF file", exc, "Open it in Word and save it again as .docx.") from None
    lines = list(enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1))
    transcript = parse_lines(lines, options, str(path), place=lambda n: f"{path} (paragraph {n})")
    transcript.encoding = "rtf"
    return transcript


def read_pdf(path: Path, options: ReaderOptions) -> Transcript:
    from pypdf import PdfReader

    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as exc:  # pypdf raises many types for broken files
        raise _refuse(path, "PDF file", exc, "Export the transcript again as PDF, or as .docx.") from None
    if not any(p.strip() for p in pages):
        raise InputError(Problem(str(path), "the PDF has no text layer (a scan or an image).",
                                 "Run OCR on it first, or export the transcript from its source as .docx or .txt."))
    lines: list[tuple[int, str]] = []
    where: dict[int, str] = {}
    for page_no, page in enumerate(pages, start=1):
        for k, line in enumerate(page.split("\n"), start=1):
            number = len(lines) + 1
            where[number] = f"{path} (page {page_no}, line {k})"
            lines.append((number, line))
    transcript = parse_lines(lines, options, str(path), place=lambda n: where.get(n, f"{path}:{n}"))
    transcript.encoding = "pdf"
    return transcript


def _odt_paragraphs(node) -> list[str]:
    """Text of every paragraph and heading below ``node``, manual line breaks as newlines."""
    from odf.element import Element

    out: list[str] = []
    for child in node.childNodes:
        if not isinstance(child, Element):
            continue
        if child.qname[1] in ("p", "h"):
            out.append(_odt_text(child))
        else:
            out.extend(_odt_paragraphs(child))
    return out


def _odt_text(node) -> str:
    parts: list[str] = []
    for child in node.childNodes:
        if child.nodeType == child.TEXT_NODE:
            parts.append(str(child))
        elif child.qname[1] == "s":
            parts.append(" " * int(child.getAttribute("c") or 1))
        elif child.qname[1] == "tab":
            parts.append("\t")
        elif child.qname[1] == "line-break":
            parts.append("\n")
        elif child.qname[1] not in ("note", "annotation"):
            parts.append(_odt_text(child))
    return "".join(parts)


def read_odt(path: Path, options: ReaderOptions) -> Transcript:
    from odf.opendocument import load

    try:
        document = load(str(path))
    except Exception as exc:  # odfpy raises zip and XML errors
        raise _refuse(path, "OpenDocument file", exc, "Open it in LibreOffice and save it again as .odt or .docx.") from None
    lines = [(number, part) for number, para in enumerate(_odt_paragraphs(document.text), start=1)
             for part in para.split("\n")]
    transcript = parse_lines(lines, options, str(path), place=lambda n: f"{path} (paragraph {n})")
    transcript.encoding = "odt"
    return transcript
