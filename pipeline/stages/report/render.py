"""Stage: report. One self-contained, accessible HTML page for readers who never open the code.

``render_report(comparison, codebook, settings=None, *, segments=None, topics=None,
topic_flags=None, topic_info=None, stability=None, agreement=None, evaluation=None,
provenance=None, coding_notes=None) -> str``

The page: a plain-language summary whose sentences are generated from the tables by rules
(:mod:`pipeline.stages.report.summary`: what respondents said most, then differences between groups only where
each group has enough documents, smaller comparisons collapsed), a box on what the comparison can and cannot say, one section per
theme (chart of prevalence by group with intervals, quotes from each group), emergent topics,
the framework matrix, methods and quality (corpus, codebook, coding, agreement, topic model) and
provenance. CSS and charts are inline (SVG as ``data:`` URIs); nothing is loaded from elsewhere.
The same inputs give the same bytes. Missing parts (no topics, no agreement figures) are said so
in a sentence. Templates (Jinja2, autoescaped) are in ``pipeline/stages/report/templates/``.
"""
from __future__ import annotations

import json
from typing import Any

import pandas as pd

from pipeline.settings import ReportSettings  # noqa: F401  (re-exported)


def _env():
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("pipeline.stages.report", "templates"),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    return env


def _records(frame: pd.DataFrame | None, columns: list[str]) -> list[dict]:
    if frame is None or not len(frame):
        return []
    present = [c for c in columns if c in frame.columns]
    return [{c: _fmt(r[c]) for c in present} for _, r in frame[present].iterrows()]


def _fmt(value: Any) -> str:
    if value is None or (not isinstance(value, (list, dict, str)) and pd.isna(value)):
        return "\u2013"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, (list, dict)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def _flatten(data: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(data, dict):
        out: list[tuple[str, str]] = []
        for key, value in data.items():
            out += _flatten(value, f"{prefix}.{key}" if prefix else str(key))
        return out
    return [(prefix, _fmt(data))]


def _provenance(provenance: dict | None) -> list[dict]:
    if not provenance:
        return []
    sections, plain = [], []
    for key, value in provenance.items():
        if isinstance(value, dict):
            sections.append({"title": str(key), "rows": _flatten(value)})
        else:
            plain.append((str(key), _fmt(value)))
    if plain:
        sections.insert(0, {"title": "run", "rows": plain})
    return sections


def _plain(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    """``frame`` with its string columns as Python objects: the same values, and the many small
    selections a report makes run about twice as fast as on Arrow-backed strings."""
    if frame is None:
        return None
    strings = [c for c, dtype in frame.dtypes.items() if isinstance(dtype, pd.StringDtype)]
    return frame.astype({c: object for c in strings}) if strings else frame


def _plain_comparison(comparison):
    import dataclasses

    if not dataclasses.is_dataclass(comparison):
        return comparison
    frames = {f.name: _plain(getattr(comparison, f.name)) for f in dataclasses.fields(comparison)
              if isinstance(getattr(comparison, f.name), pd.DataFrame)}
    return dataclasses.replace(comparison, **frames)


def render_report(comparison, codebook, settings: ReportSettings | None = None, *,
                  segments: pd.DataFrame | None = None, topics: pd.DataFrame | None = None,
                  topic_flags: pd.DataFrame | None = None, topic_info: dict | None = None,
                  stability: dict | pd.DataFrame | None = None, agreement: pd.DataFrame | None = None,
                  evaluation: pd.DataFrame | None = None, provenance: dict | None = None,
                  coding_notes: list[str] | None = None, study: dict | None = None) -> str:
    """The report as one HTML string (see the module docstring).

    ``comparison``: a :class:`pipeline.stages.compare.differences.Comparison`. ``segments``: coded segments (for the
    quotes of emergent topics and coding counts). ``topics``/``topic_flags``/``topic_info``:
    tables and info of the topics stage; ``stability``: ``{"mean_ari": ..., "runs": DataFrame}`` or
    the runs table. ``agreement``/``evaluation``: tables of :mod:`pipeline.stages.quality.agreement`.
    ``provenance``: input hashes, codebook version, settings, seeds, versions, date. ``study``:
    ``{"name", "description", "root"}`` of the study (for the default title and relative paths).
    """
    from pipeline.stages.report import findings
    from pipeline.stages.report.page import by_whom, top_context
    from pipeline.stages.report.texts import texts
    from pipeline.stages.report.topicsection import topics_context
    from pipeline.stages.report.words import fitted

    if segments is not None:  # the machine's per-code scores are not shown: leave them out (speed)
        segments = _plain(segments[[c for c in segments.columns if not str(c).startswith("score_")]])
    comparison = _plain_comparison(comparison)
    # the words for what is counted (respondents in cases, passages of documents ...), fitted to the material
    settings, found = fitted(settings or ReportSettings(), segments, comparison)
    t = texts(settings)
    ctx = findings.build_context(comparison, codebook, settings, segments=segments)
    ctx["topics"] = topics_context(topics, topic_flags, topic_info, stability, segments, comparison, settings,
                                   codebook)
    ctx["quality"] = findings.quality_context(agreement, evaluation, segments, coding_notes,
                                            settings, codebook)
    ctx["caveats"] = findings.caveats(comparison, ctx["quality"], settings, found)
    ctx["codebook_rows"] = [
        {"id": code.id, "depth": depth, "label": code.text("label", settings.language),
         "definition": code.text("definition", settings.language), "theme": depth == 0}
        for code, depth, _ in codebook.walk()]
    ctx["codebook_name"] = f"{codebook.name} {codebook.version}"
    ctx["provenance"] = _provenance(provenance)
    ctx["settings"] = settings
    ctx["compare_settings"] = findings.settings_rows(comparison.settings.model_dump(mode="json"), t)
    ctx["corpus_columns"] = (["n_docs", "n_turns", "n_respondent_turns", "n_respondents", "n_words"] if t.people
                             else ["n_docs", "n_respondents", "n_words"])
    ctx["compare_quotes"] = comparison.settings.quotes_per_cell
    ctx["records"] = _records
    ctx.update(top_context(comparison, codebook, settings, t, segments=segments, provenance=provenance,
                           study_text=study))
    for theme in ctx["themes"]:
        theme.update(by_whom(comparison, codebook, settings, t, theme["id"]))
    return _env().get_template("report.html.j2").render(**ctx)


__all__ = ["ReportSettings", "render_report"]
