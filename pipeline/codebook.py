"""Codebooks: schema, loading, and a flat table view.

A codebook is a YAML file with a ``name``, a ``version`` and a list of ``themes``. A theme is a
code at the top of the tree; every code may hold ``codes`` of its own, to any depth. A code
entry follows MacQueen et al. (1998): label, definition, when to use, when not to use,
examples and counter-examples, plus ``cues`` for the rule coder. Text fields are given per
language (``{en: ..., nl: ...}``) or as a plain string (taken as the codebook's first language).

Cue grammar (used by :mod:`pipeline.stages.coding.coders`):

- words are separated by spaces; each word matches a token whose lemma or lower-cased form is
  that word;
- a word ending in ``*`` matches any lemma or form that starts with the rest (``sollicit*``);
- a cue of several words matches them in order, with at most two other tokens between
  consecutive words, inside one sentence.

Example::

    name: mentoring_to_work
    version: "1.0.0"
    languages: [en, nl]
    themes:
      - id: motives
        label: {en: Motives, nl: Motieven}
        codes:
          - id: motives.network
            label: {en: Build a network, nl: Netwerk uitbouwen}
            definition: {en: "...", nl: "..."}
            cues: {en: [network, "meet people"], nl: ["netwerk*", "mensen leren kennen"]}
"""
from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any, Iterator

import pandas as pd
import yaml
from pydantic import Field, ValidationError, field_validator, model_validator

from pipeline.errors import ConfigError, Problem
from pipeline.registry import registry
from pipeline.settings.base import StrictModel, read_utf8

#: The code of a human-codings row that records "this unit was coded and no code applies"
#: (the unit, and so its document, counts as human-coded; the row carries no code).
NO_CODE = "-"

#: A text given per language, e.g. ``{"en": "Motives", "nl": "Motieven"}``.
Localised = dict[str, str]
#: A list of texts per language.
LocalisedList = dict[str, list[str]]

_ID = re.compile(r"^[a-z0-9][a-z0-9_]*(\.[a-z0-9][a-z0-9_]*)*$")


class Code(StrictModel):
    """One code (or theme, at the top level) of a codebook."""

    id: str
    label: Localised
    definition: Localised = Field(default_factory=dict)
    when_to_use: Localised = Field(default_factory=dict)
    when_not_to_use: Localised = Field(default_factory=dict)
    examples: LocalisedList = Field(default_factory=dict)
    counter_examples: LocalisedList = Field(default_factory=dict)
    cues: LocalisedList = Field(default_factory=dict)
    #: cues that must NOT be present for the rule coder to fire (e.g. a competing sense)
    exclude_cues: LocalisedList = Field(default_factory=dict)
    applies_to: list[str] = Field(
        default_factory=list,
        description="roles this code is meant for (e.g. [mentor]); empty means everyone",
    )
    codes: list["Code"] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _id_form(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(
                f"{value!r} is not a code id: use lower snake case, parts joined by '.', "
                "e.g. 'motives.find_job'"
            )
        return value

    @field_validator("label", "definition", "when_to_use", "when_not_to_use", mode="before")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        return {"_": value} if isinstance(value, str) else value

    @field_validator("examples", "counter_examples", "cues", "exclude_cues", mode="before")
    @classmethod
    def _plain_list(cls, value: Any) -> Any:
        return {"_": value} if isinstance(value, list) else value

    def walk(self, depth: int = 0, parent: str | None = None) -> Iterator[tuple["Code", int, str | None]]:
        yield self, depth, parent
        for child in self.codes:
            yield from child.walk(depth + 1, self.id)

    def text(self, field: str, language: str, fallback: str = "en") -> str:
        """A localised text field in ``language``, else ``fallback``, else any language."""
        values: dict = getattr(self, field)
        for lang in (language, fallback, *values.keys()):
            if values.get(lang):
                return values[lang]
        return ""


class Codebook(StrictModel):
    """A validated codebook."""

    name: str
    version: str
    description: Localised = Field(default_factory=dict)
    languages: list[str] = Field(default_factory=lambda: ["en"])
    themes: list[Code]
    source: str | None = Field(default=None, exclude=True)

    @field_validator("description", mode="before")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        return {"_": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _check_tree(self) -> "Codebook":
        if not self.themes:
            raise ValueError("a codebook needs at least one theme under 'themes:' (each with an id, a label "
                             "and optionally codes)")
        seen: set[str] = set()
        for code, _, _ in self.walk():
            for field in ("cues", "exclude_cues"):
                for lang, cues in getattr(code, field).items():
                    if any(not str(cue).strip() for cue in cues):
                        raise ValueError(f"code {code.id!r} has an empty cue in {field}[{lang}]; remove it")
            if code.id in seen:
                raise ValueError(f"code id {code.id!r} is used twice; every id must be unique")
            seen.add(code.id)
        first = self.languages[0] if self.languages else "en"
        for code, _, _ in self.walk():  # plain strings belong to the first language
            for field in ("label", "definition", "when_to_use", "when_not_to_use", "examples",
                          "counter_examples", "cues", "exclude_cues", ):
                values = getattr(code, field)
                if "_" in values:
                    values[first] = values.pop("_")
        if "_" in self.description:
            self.description[first] = self.description.pop("_")
        return self

    # -- navigation -------------------------------------------------------------------
    def walk(self) -> Iterator[tuple[Code, int, str | None]]:
        """Every code, depth first, as ``(code, depth, parent_id)``; themes have depth 0."""
        for theme in self.themes:
            yield from theme.walk(0, None)

    def code(self, code_id: str) -> Code:
        for code, _, _ in self.walk():
            if code.id == code_id:
                return code
        raise KeyError(code_id)

    @property
    def theme_ids(self) -> list[str]:
        return [t.id for t in self.themes]

    @property
    def code_ids(self) -> list[str]:
        """The ids of every code that can be applied to a segment: the leaves of the tree
        (a theme without codes is itself a leaf)."""
        return [c.id for c, _, _ in self.walk() if not c.codes]

    def theme_of(self, code_id: str) -> str:
        """The id of the theme (top-level ancestor) a code belongs to."""
        for theme in self.themes:
            for code, _, _ in theme.walk():
                if code.id == code_id:
                    return theme.id
        raise KeyError(code_id)

    def to_frame(self, language: str | None = None) -> pd.DataFrame:
        """One row per code: ``code_id, parent_id, theme_id, depth, is_leaf, label,
        definition, n_cues`` in ``language`` (default: the codebook's first)."""
        language = language or self.languages[0]
        rows = []
        for code, depth, parent in self.walk():
            rows.append({
                "code_id": code.id,
                "parent_id": parent,
                "theme_id": self.theme_of(code.id),
                "depth": depth,
                "is_leaf": not code.codes,
                "label": code.text("label", language),
                "definition": code.text("definition", language),
                "n_cues": sum(len(v) for v in code.cues.values()),
            })
        return pd.DataFrame(rows)


def codebook_from_dict(data: dict[str, Any], source: str = "codebook") -> Codebook:
    """Validate a codebook given as a dictionary."""
    try:
        book = Codebook.model_validate(data)
    except ValidationError as exc:
        problems = []
        for item in exc.errors():
            loc = _describe_loc(data, item["loc"])
            if item["type"] == "extra_forbidden":
                msg, fix = f"unknown field {loc}.", "Remove it or check its spelling."
            elif item["type"] == "missing":
                msg, fix = f"required field {loc} is missing.", "Add it."
            else:
                msg, fix = f"bad value at {loc}: {item['msg']}.", "Correct the value."
            problems.append(Problem(source, msg, fix))
        raise ConfigError(problems) from None
    object.__setattr__(book, "source", source)
    return book


def _describe_loc(data: Any, loc: tuple[Any, ...]) -> str:
    """Turn a pydantic location into words naming the code: ``code 'motives.x' field 'label'``."""
    node, code_id, rest = data, None, []
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            rest.append(str(part))
            continue
        if isinstance(node, dict) and "id" in node and isinstance(node.get("id"), str):
            code_id, rest = node["id"], []
        elif not isinstance(part, int):
            rest.append(str(part))
    field = ".".join(rest) or "(entry)"
    return f"code '{code_id}' field '{field}'" if code_id else f"'{field}'"


def load_codebook(path: str | Path) -> Codebook:
    """Read and validate a YAML codebook (or a REFI-QDA ``.qdc`` file).

    The result is kept in memory while the file is unchanged (same size and modification time).
    """
    path = Path(path)
    if not path.exists():
        raise ConfigError(Problem(str(path), "the codebook file does not exist.",
                                  "Check the 'codebook:' path in the study file."))
    stat = path.stat()
    return _load_codebook(path.resolve(), stat.st_mtime_ns, stat.st_size).model_copy(deep=True)


@functools.lru_cache(maxsize=8)
def _load_codebook(path: Path, mtime_ns: int, size: int) -> Codebook:
    if not path.exists():
        raise ConfigError(Problem(str(path), "the codebook file does not exist.",
                                  "Check the 'codebook:' path in the study file."))
    if path.suffix.lower() == ".qdc":
        return registry("codebook.readers").get(".qdc")(path)
    try:
        data = yaml.load(read_utf8(path, "codebook"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise ConfigError(Problem(f"{path}{line}", f"not valid YAML ({exc}).",
                                  "Check indentation and quoting on that line.")) from None
    if not isinstance(data, dict):
        raise ConfigError(Problem(str(path), "a codebook must be a YAML mapping.",
                                  "Start from codebooks/mentoring_to_work.yaml."))
    return codebook_from_dict(data, source=str(path))
