"""The tables a REFI-QDA import makes: documents, segments, codings and human codings, built source
by source from a project's XML (see :mod:`pipeline.stages.refi.importer`)."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

import pandas as pd

from pipeline.codebook import Codebook, codebook_from_dict
from pipeline.errors import Problem
from pipeline.stages.refi._common import child, child_text, children, norm_guid, split_names
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
        speakers = split_names(known[0]) if known else []
        interviewers = split_names(listed[0]) if listed else []
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
