"""Stage 2: pseudonymisation of documents and segments.

Replaces personal names, e-mail addresses and phone numbers with stable pseudonyms, the same in
every document:

- speaker labels that are names become ``<Role>-NN`` by the speaker's role (``Mentee-07``,
  ``Mentor-02``, ``Coordinator-01``, ``Participant-03`` in a mixed group) or ``Interviewer-NN``;
  a speaker is one person within one document (the same first name in two interviews is two
  people); the name and its parts (first name, surname) become that pseudonym in the speaker's
  own document and a ``Person-NN`` elsewhere;
- names in the study's list of known names (``pseudonymise.names``, ``pseudonymise.names_files``)
  become ``Person-NN``;
- names found by a trained spaCy NER pipeline, when one is installed and ``ner`` allows it;
- e-mail addresses become ``[EMAIL]``, phone numbers ``[PHONE]``.

The key (original -> pseudonym) is kept in a private CSV file, by default
``.private/<study>.pseudonym_key.csv`` next to the study file: git-ignored, never in the output
folder, and read back on the next run so that pseudonyms never change. Offsets are recomputed, so
``documents.text[start_char:end_char] == segments.text`` still holds.
"""
from __future__ import annotations

import re
import warnings as _warnings
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

import pandas as pd

from pipeline.errors import InputError, Problem
from pipeline.stages.ingest.document import render_document
from pipeline.settings import PseudonymiseSettings  # noqa: F401  (re-exported)

if TYPE_CHECKING:  # pragma: no cover
    from pipeline.settings import Study

EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
PHONE = re.compile(
    r"(?<![\w+])(?:\+|00)\d{2,3}[\s./-]?\(?0?\)?\d{1,3}(?:[\s./-]?\d{2,4}){2,4}(?!\w)"
    r"|(?<![\w+])0\d{2,3}(?:[\s./-]?\d{2,3}){3}(?!\w)"
)
#: labels that are roles or ids, not names
GENERIC_LABEL = re.compile(
    r"^(?:interviewer|interviewster|int|i|q|r|a|v|moderator|moderatrice|mod|facilitator|researcher|onderzoeker|"
    r"gespreksleider|begeleider|respondent|participant|deelnemer|speaker|spreker|unknown speaker|"
    r"mentee|mentor|coordinator|coördinator|person|persoon|[a-z]{0,3}\d+)(?:[\s-]*\d+)?$",
    re.IGNORECASE,
)
ROLE_PREFIX = {"mentee": "Mentee", "mentor": "Mentor", "coordinator": "Coordinator"}


class Pseudonymiser:
    """Fitted pseudonymiser. ``fit`` learns the mapping, ``transform`` applies it."""

    def __init__(self, names: Iterable[str] = (), key_path: str | Path | None = None,
                 ner: str = "off", min_name_part: int = 3):
        self.names = [n.strip() for n in names if n and n.strip()]
        self.key_path = Path(key_path) if key_path else None
        self.ner = ner
        self.min_name_part = min_name_part

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
        key = key_dir / f"{study.name}.pseudonym_key.csv" if settings.enabled else None
        ner = settings.ner if settings.enabled else "off"
        self = cls(names if settings.enabled else [], key, ner, settings.min_name_part)
        self.enabled = settings.enabled
        return self

    enabled = True

    # -- fitting -------------------------------------------------------------------------------
    # The key maps (scope, original) to (pseudonym, kind). A speaker is scoped to its document
    # (two mentees called Nadia in two interviews are two people); names in running text are
    # study-wide (scope ""), so a coordinator who mentions "Nadia" gets the same Person-NN in
    # every document.
    def _load_key(self) -> dict[tuple[str, str], tuple[str, str]]:
        if self.key_path is None or not self.key_path.exists():
            return {}
        frame = pd.read_csv(self.key_path, dtype=str, keep_default_na=False)
        if "scope" not in frame:
            raise InputError(Problem(str(self.key_path), "the pseudonym key has no 'scope' column.",
                                     "It was written by an older version: move it away and ingest again."))
        return {(r.scope, r.original): (r.pseudonym, r.kind) for r in frame.itertuples(index=False)}

    def _assign(self, scope: str, original: str, prefix: str, kind: str) -> str:
        if (scope, original) in self.key_:
            return self.key_[(scope, original)][0]
        used = {p for p, _ in self.key_.values() if p.startswith(prefix + "-")}
        number = len(used) + 1
        while f"{prefix}-{number:02d}" in used:
            number += 1
        pseudonym = f"{prefix}-{number:02d}"
        self.key_[(scope, original)] = (pseudonym, kind)
        return pseudonym

    def fit(self, documents: pd.DataFrame, segments: pd.DataFrame) -> "Pseudonymiser":
        self.key_ = self._load_key()
        self.warnings_: list[Problem] = []
        if not self.enabled:
            self.patterns_ = {}
            return self
        roles = dict(zip(documents["doc_id"], documents.get("role", pd.Series(dtype=str))))
        tables = set(documents.loc[documents["format"].isin(["csv", "tsv", "xlsx"]), "doc_id"]) \
            if "format" in documents else set()
        speakers = []
        for seg in segments.itertuples(index=False):  # document order: first seen, first numbered
            label = seg.speaker
            if seg.doc_id in tables or GENERIC_LABEL.match(label.strip()):
                continue
            if seg.speaker_role == "interviewer":
                prefix = "Interviewer"
            else:
                role = getattr(seg, "role", None) or roles.get(seg.doc_id, "")
                prefix = ROLE_PREFIX.get(str(role), "Participant")
            self._assign(seg.doc_id, label, prefix, "speaker")
            speakers.append(label)
        # the study's list first, in its order; then speakers' names (mentioned elsewhere); then NER finds
        ordered = list(dict.fromkeys(self.names + speakers + self._ner_names(documents, segments)))
        for name in ordered:
            if name:
                self._assign("", name, "Person", "name")
        self._build_patterns(documents["doc_id"].tolist())
        return self

    def _ner_names(self, documents: pd.DataFrame, segments: pd.DataFrame) -> list[str]:
        if self.ner == "off":
            return []
        import importlib.util

        wanted = {"en": "en_core_web_sm", "nl": "nl_core_news_sm"} if self.ner == "auto" else \
            {str(i): n for i, n in enumerate(self.ner.split(","))}
        found: set[str] = set()
        for lang, model in wanted.items():
            if importlib.util.find_spec(model) is None:
                if self.ner != "auto":
                    raise InputError(Problem("study[pseudonymise.ner]", f"spaCy pipeline {model!r} is not installed.",
                                             "pip install it from the registry, or set ner: auto/off."))
                continue
            import spacy

            nlp = spacy.load(model, disable=["parser", "lemmatizer", "tagger", "attribute_ruler"])
            rows = segments if self.ner != "auto" else segments[segments.get("language", lang) == lang]
            for doc in nlp.pipe(rows["text"].tolist(), batch_size=64):
                found |= {e.text.strip() for e in doc.ents if e.label_ in ("PERSON", "PER")}
        return sorted(n for n in found if len(n) >= self.min_name_part and not GENERIC_LABEL.match(n))

    def _replacements(self, scope: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for (where, original), (pseudonym, _) in self.key_.items():
            if where == scope:
                out[original] = pseudonym
        for (where, original), (pseudonym, _) in self.key_.items():  # name parts: "Amal" of "Amal Haddad"
            if where != scope:
                continue
            for part in re.split(r"[\s-]+", original):
                if len(part) >= self.min_name_part and part[0].isupper() and part not in out:
                    out[part] = pseudonym
        return out

    def _build_patterns(self, doc_ids: list[str]) -> None:
        """One replacement table per document: its own speakers first, then study-wide names."""
        study_wide = self._replacements("")
        self.patterns_: dict[str, tuple] = {}
        for doc_id in doc_ids:
            table = {**study_wide, **self._replacements(doc_id)}
            # names that are no word of English or Dutch are also replaced in lower case
            # ("jabouri"); names that are words too (Hope, Mark, Els) only when capitalised
            folded = {k.casefold(): v for k, v in table.items() if not _is_word(k)}
            self.patterns_[doc_id] = (table, _alternation(table, 0), folded, _alternation(folded, re.IGNORECASE))
        table = study_wide
        folded = {k.casefold(): v for k, v in table.items() if not _is_word(k)}
        self.patterns_[""] = (table, _alternation(table, 0), folded, _alternation(folded, re.IGNORECASE))

    # -- applying ------------------------------------------------------------------------------
    def pseudonymise_text(self, text: str, doc_id: str = "") -> str:
        """Replace e-mails, phone numbers and names in one text of document ``doc_id``."""
        if not self.enabled or not isinstance(text, str):
            return text
        text = EMAIL.sub("[EMAIL]", text)
        text = PHONE.sub("[PHONE]", text)
        table, pattern, folded, folded_pattern = self.patterns_.get(doc_id) or self.patterns_[""]
        if pattern is not None:
            text = pattern.sub(lambda m: table[m.group(0)], text)
        if folded_pattern is not None:
            text = folded_pattern.sub(lambda m: folded[m.group(0).casefold()], text)
        return text

    def speaker(self, label: str, doc_id: str = "") -> str:
        if (doc_id, label) in self.key_:
            return self.key_[(doc_id, label)][0]
        return self.pseudonymise_text(label, doc_id)

    def transform(self, documents: pd.DataFrame, segments: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        documents = documents.copy()
        segments = segments.copy()
        segments["speaker"] = [self.speaker(s, d) for s, d in zip(segments["speaker"], segments["doc_id"])]
        segments["text"] = [self.pseudonymise_text(t, d) for t, d in zip(segments["text"], segments["doc_id"])]
        documents["preamble"] = [self.pseudonymise_text(t, d) for t, d in zip(documents["preamble"], documents["doc_id"])]
        documents["file"] = [self.pseudonymise_text(t, d) for t, d in zip(documents["file"], documents["doc_id"])]
        texts: dict[str, str] = {}
        preambles = dict(zip(documents["doc_id"], documents["preamble"]))
        start_char = segments["start_char"].copy()
        end_char = segments["end_char"].copy()
        for doc_id, part in segments.groupby("doc_id", sort=False):
            text, offsets = render_document(preambles[doc_id], part["speaker"].tolist(), part["text"].tolist())
            texts[doc_id] = text
            start_char.loc[part.index] = [a for a, _ in offsets]
            end_char.loc[part.index] = [b for _, b in offsets]
        segments["start_char"] = start_char
        segments["end_char"] = end_char
        documents["text"] = documents["doc_id"].map(texts)
        documents["n_words"] = documents["doc_id"].map(
            segments.assign(n=segments["text"].str.split().str.len()).groupby("doc_id")["n"].sum()).fillna(0).astype(int)
        self._save_key()
        return documents, segments

    def fit_transform(self, documents, segments):
        return self.fit(documents, segments).transform(documents, segments)

    def _save_key(self) -> None:
        if self.key_path is None or not self.enabled:
            return
        self.key_path.parent.mkdir(parents=True, exist_ok=True)
        gitignore = self.key_path.parent / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text("# pseudonym keys are personal data\n*\n", encoding="utf-8")
        frame = pd.DataFrame([(scope, o, p, k) for (scope, o), (p, k) in self.key_.items()],
                             columns=["scope", "original", "pseudonym", "kind"])
        from pipeline.api.files import atomic_path, merged_extra_columns

        # a person's own columns in the key are kept; a killed run leaves the old key or the new one
        frame = merged_extra_columns(frame, self.key_path, key=["scope", "original"], escaped=False)
        with atomic_path(self.key_path) as tmp:
            frame.to_csv(tmp, index=False, lineterminator="\n")


def _is_word(name: str) -> bool:
    """True if every part of ``name`` is a known English or Dutch word (simplemma's lexicons)."""
    import simplemma

    return all(simplemma.is_known(p.lower(), lang="en") or simplemma.is_known(p.lower(), lang="nl")
               for p in re.split(r"[\s-]+", name) if p)


def _alternation(replacements: dict[str, str], flags: int) -> re.Pattern | None:
    if not replacements:
        return None
    alternatives = sorted(replacements, key=lambda s: (-len(s), s))
    return re.compile(r"(?<![\w@])(?:" + "|".join(map(re.escape, alternatives)) + r")(?![\w@])", flags)


def pseudonymise(documents: pd.DataFrame, segments: pd.DataFrame, names: Iterable[str] = (),
                 key_path: str | Path | None = None, ner: str = "off") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Functional form: pseudonymise raw tables with a key file (created or extended)."""
    with _warnings.catch_warnings():
        return Pseudonymiser(names, key_path, ner).fit_transform(documents, segments)
