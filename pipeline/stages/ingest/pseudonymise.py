"""Stage 2: pseudonymisation of documents and segments, in layers.

1. **Speakers.** Speaker labels that are names become ``<Role>-NN`` by the speaker's role
   (``Mentee-07``, ``Mentor-02``, ``Coordinator-01``, ``Participant-03`` in a mixed group) or
   ``Interviewer-NN``; a speaker is one person within one document (the same first name in two
   interviews is two people). Role words (``Interviewee``, ``Respondent``) and one-letter labels
   (``T``, ``O``) are labels, not names: kept, and never replaced in running text.
2. **Names.** The study's names (``pseudonymise.names``, ``names_files``, the names accepted in a
   review) and speakers' names mentioned elsewhere become ``Person-NN``. A full name is one unit:
   its parts become the same pseudonym (``Van den Broeck`` whole, never ``Van`` alone), and a run
   such as ``Fatima El Amrani`` that holds a known part but is another person gets a pseudonym of
   its own (:mod:`pipeline.stages.ingest.discover`). A name that is also a stop word (``An``) is
   left alone where it opens a sentence before a lower-case word (the English article).
3. **Identifiers.** E-mail addresses, phone numbers, national numbers, IBANs, document ids, dates of
   birth and street addresses become typed placeholders (:mod:`pipeline.stages.ingest.detectors`).
4. **Detected names.** Possible names no list holds (:mod:`pipeline.stages.ingest.namefinder`,
   and a packaged spaCy NER pipeline when one is installed) go to a review list beside the key
   (``qualpipe pseudonymise review``). In ``mode: strict`` they are masked until reviewed; in the
   default mode they are masked in attributes and file names only, and a warning says how many
   wait for review.
5. **Attributes and file names.** Manifest and table columns are pseudonymised like text, except
   the columns the study declares publishable (``pseudonymise.publish_attributes``, by default the
   keys of ``attributes:``); a name in a file name is replaced in ``documents.file``.

The key (original -> pseudonym) is kept in a private CSV file, by default
``.private/<study>.pseudonym_key.csv`` next to the study file: git-ignored, never in the output
folder, sealed against truncation (:mod:`pipeline.stages.ingest.pseudokey`), and read back on the
next run so that pseudonyms never change. Offsets are recomputed, so
``documents.text[start_char:end_char] == segments.text`` still holds.
"""
from __future__ import annotations

import re
import warnings as _warnings
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

import pandas as pd

from pipeline.errors import InputError, Problem
from pipeline.settings import PseudonymiseSettings  # noqa: F401  (re-exported)
from pipeline.stages.ingest.detectors import EMAIL, PHONE, mask_identifiers  # noqa: F401  (EMAIL, PHONE re-exported)
from pipeline.stages.ingest.discover import discover, file_words, texts_of
from pipeline.stages.ingest.document import render_document
from pipeline.stages.ingest.names import is_initial, name_parts, read_name_list, review_paths
from pipeline.stages.ingest.nametables import DocumentTables, NameTable, _alternation, _article
from pipeline.stages.ingest.ner import ner_names
from pipeline.stages.ingest.pseudokey import load_key, save_key

if TYPE_CHECKING:  # pragma: no cover
    from pipeline.settings import Study

#: labels that are roles or ids, not names
GENERIC_LABEL = re.compile(
    r"^(?:interviewer|interviewster|int|i|q|r|a|v|moderator|moderatrice|mod|facilitator|researcher|onderzoeker|"
    r"gespreksleider|begeleider|respondent|respondente|participant|participante|deelnemer|deelneemster|"
    r"interviewee|geïnterviewde|geinterviewde|speaker|spreker|unknown speaker|"
    r"mentee|mentor|coordinator|coördinator|person|persoon|[a-z]{0,3}\d+|[^\W\d_]\.?)(?:[\s-]*\d+)?$",
    re.IGNORECASE,
)
ROLE_PREFIX = {"mentee": "Mentee", "mentor": "Mentor", "coordinator": "Coordinator"}
#: columns of the documents and segments tables that are not attributes
CORE_COLUMNS = frozenset({
    "doc_id", "file", "sha256", "format", "encoding", "labelled", "n_turns", "n_respondent_turns", "n_words",
    "preamble", "text", "segment_id", "turn", "speaker", "speaker_role", "start_char", "end_char",
    "start_time", "end_time", "source_line", "language"})


class Pseudonymiser:
    """Fitted pseudonymiser. ``fit`` learns the mapping, ``transform`` applies it."""

    enabled = True

    def __init__(self, names: Iterable[str] = (), key_path: str | Path | None = None,
                 ner: str = "off", min_name_part: int = 3, mode: str = "standard",
                 not_names: Iterable[str] = (), publish: Iterable[str] | None = None):
        self.names = [n.strip() for n in names if n and n.strip()]
        self.key_path = Path(key_path) if key_path else None
        self.ner = ner
        self.min_name_part = min_name_part
        self.mode = mode
        self.not_names = {n.strip() for n in not_names if n and n.strip()}
        self.publish = None if publish is None else set(publish)

    @classmethod
    def for_study(cls, study: "Study") -> "Pseudonymiser":
        settings = study.pseudonymise
        names = list(settings.names)
        for file in settings.names_files:
            path = study.resolve(file)
            if not path.exists():
                raise InputError(Problem(study.where("pseudonymise.names_files"), f"{path} does not exist.",
                                         "Correct the path or remove it from the list."))
            names += [line.split("#")[0].strip() for line in path.read_text(encoding="utf-8").splitlines()]
        key_dir = study.private_dir
        if study.output_dir == key_dir or study.output_dir in key_dir.parents:
            raise InputError(Problem(study.where("pseudonymise.key_dir"),
                                     "the pseudonym key folder is inside the output folder.",
                                     "Choose a key_dir outside the output folder, e.g. '.private'."))
        transcripts = study.transcripts_dir
        if transcripts == key_dir or transcripts in key_dir.parents:
            raise InputError(Problem(study.where("pseudonymise.key_dir"),
                                     "the pseudonym key folder is inside the transcripts folder, beside data "
                                     "that gets shared.", "Choose a key_dir outside it, e.g. '.private'."))
        review = review_paths(study)
        names += read_name_list(review["names"]) if review["names"].exists() else []
        rejected = read_name_list(review["not_names"]) if review["not_names"].exists() else []
        publish = settings.publish_attributes if settings.publish_attributes is not None else list(study.attributes)
        key = key_dir / f"{study.name}.pseudonym_key.csv" if settings.enabled else None
        ner = settings.ner if settings.enabled else "off"
        self = cls(names if settings.enabled else [], key, ner, settings.min_name_part, settings.mode,
                   rejected, publish)
        self.enabled = settings.enabled
        return self

    # -- fitting -------------------------------------------------------------------------------
    # The key maps (scope, original) to (pseudonym, kind). A speaker is scoped to its document
    # (two mentees called Nadia in two interviews are two people); names in running text are
    # study-wide (scope ""), so a coordinator who mentions "Nadia" gets the same Person-NN in
    # every document.
    def _assign(self, scope: str, original: str, prefix: str, kind: str) -> str:
        if (scope, original) in self.key_:
            pseudonym, old_kind = self.key_[(scope, original)]
            if old_kind == "candidate" and kind != "candidate":  # accepted in a review: same pseudonym
                self.key_[(scope, original)] = (pseudonym, kind)
            return pseudonym
        if prefix not in self._used:
            self._used[prefix] = {p for p, _ in self.key_.values() if p.startswith(prefix + "-")}
        used = self._used[prefix]
        number = len(used) + 1
        while f"{prefix}-{number:02d}" in used:
            number += 1
        pseudonym = f"{prefix}-{number:02d}"
        used.add(pseudonym)
        self.key_[(scope, original)] = (pseudonym, kind)
        return pseudonym

    def attribute_columns(self, documents: pd.DataFrame, segments: pd.DataFrame) -> list[str]:
        """Attribute columns that are not declared publishable: pseudonymised like text."""
        columns = [c for c in dict.fromkeys([*documents.columns, *segments.columns]) if c not in CORE_COLUMNS]
        publish = self.publish if self.publish is not None else set()
        return [c for c in columns if c not in publish]

    def fit(self, documents: pd.DataFrame, segments: pd.DataFrame) -> "Pseudonymiser":
        self.key_, self._extra = load_key(self.key_path)
        self._used: dict[str, set[str]] = {}
        self.warnings_: list[Problem] = []
        self.candidates_: dict[str, dict] = {}
        if not self.enabled:
            self.patterns_ = {}
            return self
        speakers = self._fit_speakers(documents, segments)
        found, warning = ner_names(self.ner, segments, self.min_name_part)
        self.warnings_ += [warning] if warning else []
        found = [n for n in found if not GENERIC_LABEL.match(n)]
        # the study's list first, in its order; then speakers' names (mentioned elsewhere); then NER finds
        for name in dict.fromkeys(self.names + speakers + found):
            if name and not is_initial(name) and name not in self.not_names:
                self._assign("", name, "Person", "name")
        self._fit_discovered(documents, segments)
        self._build_patterns(documents["doc_id"].tolist())
        return self

    def _fit_speakers(self, documents: pd.DataFrame, segments: pd.DataFrame) -> list[str]:
        roles = dict(zip(documents["doc_id"], documents.get("role", pd.Series(dtype=str))))
        tables = set(documents.loc[documents["format"].isin(["csv", "tsv", "xlsx"]), "doc_id"]) \
            if "format" in documents else set()
        speakers = []
        own_roles = segments["role"].tolist() if "role" in segments else [None] * len(segments)
        generic: dict[str, bool] = {}
        for doc_id, label, speaker_role, own_role in zip(  # document order: first seen, first numbered
                segments["doc_id"].tolist(), segments["speaker"].tolist(), segments["speaker_role"].tolist(), own_roles):
            if label not in generic:
                generic[label] = bool(GENERIC_LABEL.match(label.strip()))
            if doc_id in tables or generic[label]:
                continue
            if speaker_role == "interviewer":
                prefix = "Interviewer"
            else:
                role = own_role or roles.get(doc_id, "")
                prefix = ROLE_PREFIX.get(str(role), "Participant")
            self._assign(doc_id, label, prefix, "speaker")
            speakers.append(label)
        return speakers

    def _fit_discovered(self, documents: pd.DataFrame, segments: pd.DataFrame) -> None:
        known = {o for (_, o), (_, kind) in self.key_.items() if kind != "candidate"}
        parts = {p for o in known for p in name_parts(o, self.min_name_part)}
        masked: dict[str, str] = {}  # attributes repeat on every turn: masked once

        def mask(where: str, text: str) -> str:
            if where == "text":
                return mask_identifiers(text)
            if text not in masked:
                masked[text] = mask_identifiers(text)
            return masked[text]
        texts = [(doc_id, where, mask(where, text))  # "Kerkstraat 12" is an address, not a name
                 for doc_id, where, text in texts_of(documents, segments, self.attribute_columns(documents, segments))]
        found_units, self.candidates_ = discover(texts, known, parts, self.not_names)
        for unit in found_units:
            self._assign("", unit, "Person", "name")
        for name in self.candidates_:
            self._assign("", name, "Person", "candidate")
        if self.candidates_ and self.mode != "strict":
            n = len(self.candidates_)
            self.warnings_.append(Problem(
                "pseudonymise", f"{n} possible name{'s' if n != 1 else ''} found that no names list holds; "
                "not masked in the text until reviewed (masked in attributes and file names).",
                "Run `qualpipe pseudonymise review`, mark each as accept/reject, then "
                "`qualpipe pseudonymise review --apply`; or set pseudonymise.mode: strict to mask them now.",
                severity="warning"))

    def _replacements(self, entries: list[tuple[str, str, str]], candidates: bool) -> dict[str, str]:
        """``name -> pseudonym`` of one scope's key ``entries`` ``(original, pseudonym, kind)``."""
        out: dict[str, str] = {}
        entries = [(o, p) for o, p, kind in entries if (candidates or kind != "candidate")
                   and o not in self.not_names and not is_initial(o)]
        for original, pseudonym in entries:
            out[original] = pseudonym
        for original, pseudonym in entries:  # name parts: "Amal" of "Amal Haddad"
            for part in name_parts(original, self.min_name_part):
                if part not in out and part not in self.not_names:
                    out[part] = pseudonym
        return out

    def _build_patterns(self, doc_ids: list[str]) -> None:
        """One replacement table per document: its own speakers first, then study-wide names."""
        strict = self.mode == "strict"
        scopes: dict[str, list[tuple[str, str, str]]] = {}
        for (scope, original), (pseudonym, kind) in self.key_.items():
            scopes.setdefault(scope, []).append((original, pseudonym, kind))

        def tables(candidates: bool) -> dict[str, DocumentTables]:
            study_wide = NameTable(self._replacements(scopes.get("", []), candidates))
            out = {d: DocumentTables(study_wide, self._replacements(scopes.get(d, []), candidates)) for d in doc_ids}
            out[""] = DocumentTables(study_wide, {})
            return out
        self.patterns_ = tables(strict)
        self.strict_patterns_ = self.patterns_ if strict else tables(True)

    # -- applying ------------------------------------------------------------------------------
    def pseudonymise_text(self, text: str, doc_id: str = "", strict: bool = False) -> str:
        """Replace identifiers and names in one text of document ``doc_id``; ``strict`` also
        masks names not yet reviewed."""
        if not self.enabled or not isinstance(text, str):
            return text
        patterns = self.strict_patterns_ if strict else self.patterns_
        return (patterns.get(doc_id) or patterns[""]).replace(mask_identifiers(text))

    def speaker(self, label: str, doc_id: str = "") -> str:
        if (doc_id, label) in self.key_:
            return self.key_[(doc_id, label)][0]
        return self.pseudonymise_text(label, doc_id)

    def file_name(self, name: str, doc_id: str = "") -> str:
        """``documents.file`` without names: ``interview_Jan_Peeters.vtt`` -> ``interview_Person-03.vtt``."""
        if not self.enabled or not isinstance(name, str):
            return name
        words = file_words(name)[len("file "):]
        masked = self.pseudonymise_text(words, doc_id, strict=True)
        if masked == words:
            return self.pseudonymise_text(name, doc_id, strict=True)
        masked = re.sub(r"\b((?:Person|Participant|Mentee|Mentor|Coordinator|Interviewer)-\d+)(?: \1\b)+", r"\1",
                        masked)
        suffix = "." + name.rsplit(".", 1)[-1] if "." in name.rsplit("/", 1)[-1] else ""
        return re.sub(r"\s+", "_", masked) + suffix

    def scrub(self, problem: Problem) -> Problem:
        """A warning with names and identifiers masked (console messages hold no raw names)."""
        where = problem.where
        path, sep, rest = where.partition("[")
        where = "/".join(self.file_name(p) if "." in p else p for p in path.split("/")) + sep + rest
        return Problem(where, self.pseudonymise_text(problem.message, strict=True),
                       self.pseudonymise_text(problem.fix, strict=True) if problem.fix else problem.fix,
                       severity=problem.severity)

    def transform(self, documents: pd.DataFrame, segments: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        # pandas copies on write: only the columns replaced below are new, the caller's are untouched
        documents = documents.copy(deep=False)
        segments = segments.copy(deep=False)
        strict = self.mode == "strict"
        doc_ids = segments["doc_id"].tolist()
        segments["speaker"] = _each(self.speaker, segments["speaker"].tolist(), doc_ids)
        segments["text"] = [self.pseudonymise_text(t, d, strict) for t, d in zip(segments["text"].tolist(), doc_ids)]
        documents["preamble"] = [self.pseudonymise_text(t, d, strict)
                                 for t, d in zip(documents["preamble"], documents["doc_id"])]
        documents["file"] = [self.file_name(t, d) for t, d in zip(documents["file"], documents["doc_id"])]
        for column in self.attribute_columns(documents, segments):
            for frame in (documents, segments):
                values = frame[column].tolist() if column in frame else []
                if any(isinstance(v, str) for v in values):  # the same value of one document: once
                    frame[column] = _each(lambda v, d: self.pseudonymise_text(v, d, strict=True), values,
                                          frame["doc_id"].tolist())
        _render(documents, segments)
        self._save_key()
        return documents, segments

    def fit_transform(self, documents, segments):
        return self.fit(documents, segments).transform(documents, segments)

    def write_key(self) -> None:
        """Write the fitted key to ``key_path`` (``transform`` does too; a run that transforms in
        partitions on other processes writes it once, with this)."""
        self._save_key()

    def _save_key(self) -> None:
        if self.key_path is None or not self.enabled:
            return
        save_key(self.key_path, self.key_, self._extra)


def _each(function, values: list, doc_ids: list) -> list:  # noqa: ANN001 - (value, doc_id) -> value
    """``function(value, doc_id)`` of every text value (others kept), once per distinct pair."""
    done: dict[tuple[str, str], object] = {}
    out = []
    for value, doc_id in zip(values, doc_ids):
        if not isinstance(value, str):
            out.append(value)
            continue
        key = (value, doc_id)
        if key not in done:
            done[key] = function(value, doc_id)
        out.append(done[key])
    return out


def _render(documents: pd.DataFrame, segments: pd.DataFrame) -> None:
    """Document texts and turn offsets rebuilt from the pseudonymised turns (in place)."""
    if segments.empty:
        documents["text"] = documents["doc_id"].map({})
        documents["n_words"] = documents["doc_id"].map({}).fillna(0).astype(int)
        return
    rows: dict[str, list[int]] = {}  # the turns of each document, in order
    for i, doc_id in enumerate(segments["doc_id"].tolist()):
        rows.setdefault(doc_id, []).append(i)
    speakers, texts = segments["speaker"].tolist(), segments["text"].tolist()
    preambles = dict(zip(documents["doc_id"], documents["preamble"]))
    start_char, end_char = segments["start_char"].tolist(), segments["end_char"].tolist()
    rendered: dict[str, str] = {}
    n_words: dict[str, int] = {}
    for doc_id, turns in rows.items():
        text, offsets = render_document(preambles[doc_id], [speakers[i] for i in turns], [texts[i] for i in turns])
        rendered[doc_id] = text
        n_words[doc_id] = sum(len(texts[i].split()) for i in turns if isinstance(texts[i], str))
        for i, (start, end) in zip(turns, offsets):
            start_char[i], end_char[i] = start, end
    segments["start_char"] = pd.Series(start_char, index=segments.index, dtype=segments["start_char"].dtype)
    segments["end_char"] = pd.Series(end_char, index=segments.index, dtype=segments["end_char"].dtype)
    documents["text"] = documents["doc_id"].map(rendered)
    documents["n_words"] = documents["doc_id"].map(n_words).fillna(0).astype(int)


def pseudonymise(documents: pd.DataFrame, segments: pd.DataFrame, names: Iterable[str] = (),
                 key_path: str | Path | None = None, ner: str = "off") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Functional form: pseudonymise raw tables with a key file (created or extended)."""
    with _warnings.catch_warnings():
        return Pseudonymiser(names, key_path, ner).fit_transform(documents, segments)


def names_left(text: str, names: Iterable[str]) -> list[str]:
    """The names of ``names`` still standing in ``text`` as names: the check a researcher runs on
    the outputs. A name that is also a common word used as that word (``Elke week``, ``An
    engineer``) is not one, by the same rule pseudonymisation applies."""
    pattern = _alternation({n: n for n in names if n}, 0)
    if pattern is None or not isinstance(text, str):
        return []
    return [m.group(0) for m in pattern.finditer(text) if not _article(m)]
