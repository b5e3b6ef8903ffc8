"""The study file: one YAML document that describes a study and the settings of every stage.

Paths in the file are relative to the file itself. Loading validates everything; an unknown
key or a bad value raises :class:`~pipeline.errors.ConfigError` naming the key and the file.

Example (the bundled sample study is ``study.yaml`` at the repository root)::

    name: mentoring_to_work_sample
    transcripts: data/sample/transcripts
    manifest: data/sample/manifest.csv
    codebook: codebooks/mentoring_to_work.yaml
    output: reports/mentoring_to_work_sample     # default: reports/<name>/
    languages: [en, nl]
    attributes:
      model: [dual, centralised]
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, ValidationError, field_validator, model_validator

from pipeline.errors import ConfigError, Problem
from pipeline.settings.base import StrictModel, read_utf8
from pipeline.settings.compute import ComputeSettings
from pipeline.settings.stages import (AgreementSettings, CodingSettings, CompareSettings, IngestSettings,
                                      PseudonymiseSettings, RefiSettings, ReportSettings, ReviewSettings)
from pipeline.settings.topics import TopicsSettings

#: Speaker labels taken to be the interviewer or moderator when a study names none
#: (compared case-insensitively, ignoring a trailing number: "Interviewer 2" matches).
DEFAULT_INTERVIEWER_LABELS = (
    "interviewer", "int", "i", "q", "question", "moderator", "mod", "facilitator", "researcher",
    "onderzoeker", "interviewster", "gespreksleider", "begeleider", "vraag", "v", "moderatrice",
)


class TrainingSource(StrictModel):
    """Human-coded segments of another study: its ``segments`` table (CSV or Parquet, as written
    by ``qualpipe ingest``) and one or more codings files (``segment_id, code, coder``)."""

    segments: Path
    codings: list[Path]


class Study(StrictModel):
    """A validated study file. ``root`` is the folder of the YAML file; paths are absolute."""

    name: str = Field(description="short name of the study; used for the default output folder")
    description: str = ""
    transcripts: Path
    manifest: Path
    codebook: Path
    output: Path | None = None
    languages: list[str] = Field(default_factory=lambda: ["en", "nl"])
    interviewer_labels: list[str] = Field(default_factory=lambda: list(DEFAULT_INTERVIEWER_LABELS))
    attributes: dict[str, list[str]] = Field(
        default_factory=dict,
        description="allowed values per document attribute (manifest column)",
    )
    human_codings: list[Path] = Field(default_factory=list,
                                      description="CSV or xlsx files of human codings (segment_id, code, coder)")
    training_data: list[TrainingSource] = Field(
        default_factory=list,
        description="human-coded segments of another study (e.g. the last wave) to train the model on too")
    seed: int = 42
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    pseudonymise: PseudonymiseSettings = Field(default_factory=PseudonymiseSettings)
    coding: CodingSettings = Field(default_factory=CodingSettings)
    review: ReviewSettings = Field(default_factory=ReviewSettings)
    agreement: AgreementSettings = Field(default_factory=AgreementSettings)
    topics: TopicsSettings = Field(default_factory=TopicsSettings)
    compare: CompareSettings = Field(default_factory=CompareSettings)
    report: ReportSettings = Field(default_factory=ReportSettings)
    refi: RefiSettings = Field(default_factory=RefiSettings)
    compute: ComputeSettings = Field(default_factory=ComputeSettings,
                                     description="where ingest and coding run (this process, or a Dask cluster)")

    # set by load_study; not a key of the file
    root: Path = Field(default=Path("."), exclude=True)
    source: Path | None = Field(default=None, exclude=True)

    @field_validator("name")
    @classmethod
    def _name_is_slug(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", value):
            raise ValueError(
                "must be a short name of letters, digits, '_', '-' or '.', e.g. 'mentoring_wave1'"
            )
        return value

    @field_validator("attributes", mode="before")
    @classmethod
    def _numbers_as_text(cls, value: Any) -> Any:
        """A manifest cell is text: a year or a number written bare in YAML (``2005``) means the
        same text. A bare yes/no/true/false is refused: YAML reads it as a truth value."""
        if not isinstance(value, dict):
            return value
        out = {}
        for key, values in value.items():
            if isinstance(values, list):
                for item in values:
                    if isinstance(item, bool):
                        raise ValueError(f"attribute {key!r}: the value {item!r} is read by YAML as a truth value, "
                                         f"not as the text of a manifest cell; put it in quotes (\"yes\", \"no\")")
                values = [str(item) if isinstance(item, (int, float)) else item for item in values]
            out[key] = values
        return out

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: list[str]) -> list[str]:
        for lang in value:
            if not re.fullmatch(r"[a-z]{2,3}", lang):
                raise ValueError(f"{lang!r} is not an ISO 639 language code such as 'en' or 'nl'")
        return value

    @model_validator(mode="after")
    def _default_output(self) -> "Study":
        if self.output is None:
            object.__setattr__(self, "output", Path("reports") / self.name)
        return self

    def resolve(self, path: str | Path) -> Path:
        """An absolute path for ``path`` given relative to the study file."""
        path = Path(path)
        return path if path.is_absolute() else (self.root / path).resolve()

    @property
    def output_dir(self) -> Path:
        return self.resolve(self.output)

    @property
    def transcripts_dir(self) -> Path:
        return self.resolve(self.transcripts)

    @property
    def manifest_path(self) -> Path:
        return self.resolve(self.manifest)

    @property
    def codebook_path(self) -> Path:
        return self.resolve(self.codebook)

    @property
    def private_dir(self) -> Path:
        """Where the pseudonym key lives: never inside the output folder, git-ignored."""
        return self.resolve(self.pseudonymise.key_dir)

    def where(self, key: str) -> str:
        return f"{self.source or 'study'}[{key}]"


def _loc(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


def _problems_from_pydantic(error: ValidationError, source: str) -> list[Problem]:
    problems = []
    for item in error.errors():
        key = _loc(item["loc"])
        kind = item["type"]
        if kind == "extra_forbidden":
            message = f"unknown key '{key}'."
            fix = "Remove it or check its spelling; `qualpipe validate --help` lists the keys."
        elif kind == "missing":
            message = f"required key '{key}' is missing."
            fix = f"Add '{key}:' to the file."
        else:
            message = f"bad value for '{key}': {item['msg']} (got {item.get('input')!r})."
            fix = "Correct the value."
        problems.append(Problem(where=f"{source}[{key}]", message=message, fix=fix))
    return problems


def study_from_dict(data: dict[str, Any], root: Path | str = ".", source: str = "study") -> Study:
    """Validate a study given as a dictionary (paths relative to ``root``)."""
    if not isinstance(data, dict):
        raise ConfigError(Problem(source, "the study file must be a YAML mapping of keys.",
                                  "Start from the bundled study.yaml."))
    try:
        study = Study.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_problems_from_pydantic(exc, source)) from None
    object.__setattr__(study, "root", Path(root).resolve())
    object.__setattr__(study, "source", Path(source))
    from pipeline.api.files import study_path_problems

    problems = study_path_problems(study)  # outputs among the transcripts, a key beside shared data
    if problems:
        raise ConfigError(problems)
    return study


def load_study(path: str | Path = "study.yaml") -> Study:
    """Read and validate a study file."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(Problem(str(path), "the study file does not exist." if not path.exists() else
                                  "this is a folder, not a study file.",
                                  "Pass --study PATH, or run from the folder that holds study.yaml."))
    try:
        data = yaml.safe_load(read_utf8(path, "study file"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise ConfigError(Problem(f"{path}{line}", f"not valid YAML ({exc}).",
                                  "Check indentation and quoting on that line.")) from None
    return study_from_dict(data or {}, root=path.parent, source=str(path))
