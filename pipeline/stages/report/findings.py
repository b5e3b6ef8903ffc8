"""The report's context, generated from the compare tables by rules.

Nothing here is hard-coded to a study: the summary's sentences come from :mod:`pipeline.stages.report.summary`
(overall picture, differences where groups are large enough), the theme sections from the
``prevalence``, ``differences`` and ``framework_matrix`` tables of
:class:`pipeline.stages.compare.differences.Comparison`, with group names from the data or the plain words of
``ReportSettings.phrases``. Used by :func:`pipeline.stages.report.render.render_report`.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from pipeline.stages.report.charts import pct, prevalence_chart
from pipeline.stages.report.notes import say, say_all
from pipeline.stages.report.summary import (Phrases, _label, capital, key_differences, other_differences, overall_picture,
                              _pts, p_text, points, primary_attribute)
from pipeline.stages.report.texts import Texts, texts

TEST_WORDS = {"fisher": "Fisher's exact test on documents", "permutation": "permutation test of documents"}


def test_words(test: str, language="en") -> str | None:  # noqa: ANN001
    """The test in words (``language``: a language, report settings or a :class:`Texts`)."""
    t = language if isinstance(language, Texts) else texts(language)
    return t[f"test_{test}"] if test in TEST_WORDS else None


def test_overview(comparison, settings) -> str:
    diffs = comparison.differences
    t = texts(settings)
    attribute = primary_attribute(comparison, settings)
    if attribute == "(all)":  # nothing was tested (the summary says so)
        return ""
    tested = diffs[(diffs["attribute"] == attribute) & diffs["p_value"].notna()]
    n_sig = int(tested["significant"].sum())
    test = test_words(comparison.settings.test, settings) or comparison.settings.test
    alpha = f"{comparison.settings.alpha:g}"
    return t["overview"].format(n=len(tested), attribute=attribute, test=test, k=n_sig,
                                verb=t["was" if n_sig == 1 else "were"],
                                alpha=alpha.replace(".", ",") if t.language == "nl" else alpha)


def _doc_groups(comparison, segments, attribute) -> dict[str, str]:
    fm = comparison.framework_matrix
    if attribute == "(all)":  # nothing compared: every document is in the one group
        docs = fm["doc_id"] if segments is None else pd.concat([fm["doc_id"], segments["doc_id"]])
        return dict.fromkeys(docs, "all")
    if attribute in fm.columns:
        return dict(zip(fm["doc_id"], fm[attribute].astype(str)))
    if segments is not None and attribute in segments.columns:
        resp = segments[segments["speaker_role"] == "respondent"]
        return resp.groupby("doc_id")[attribute].agg(lambda s: ", ".join(sorted(set(map(str, s))))).to_dict()
    return {}


def theme_quotes(comparison, theme: str, groups: list[str], doc_group: dict, max_quotes: int,
                 spread_by: list[str] | tuple[str, ...] = ()) -> list[dict]:
    """Per group, ``max_quotes`` quotes of the theme from the framework matrix: human-coded turns
    first, then turns whose quote is anchored on evidence or cue words, then the machine's score;
    spread over documents, speakers and the ``spread_by`` attributes (:func:`pipeline.text.quotes.spread`)."""
    from pipeline.text.quotes import spread

    fm = comparison.framework_matrix
    rows = fm[fm["theme"] == theme].copy()
    rows["_group"] = rows["doc_id"].map(doc_group)
    rows["_human"] = (rows["source"] == "human").astype(int)
    rows["_anchored"] = rows["anchored"].astype(bool).astype(int) if "anchored" in rows.columns else 0
    rows["_score"] = pd.to_numeric(rows["score"], errors="coerce").fillna(-1.0)
    rows = rows.sort_values(["_human", "_anchored", "_score", "rank", "doc_id", "segment_id"],
                            ascending=[False, False, False, True, True, True], kind="mergesort")
    out = []
    for group in groups:
        # a new document is a new speaker too (labels are scoped to their document: two tables'
        # 'R01' are two people), so the speaker is no key of its own here
        picked = spread(rows[rows["_group"] == group], max_quotes, ["doc_id", *spread_by])
        out.append({"group": group, "quotes": [
            {"quote": r["quote"], "segment_id": r["segment_id"], "speaker": r["speaker"]}
            for _, r in picked.iterrows()]})
    return out


def _order_groups(comparison, attribute: str, groups: list[str]) -> list[str]:
    if len(groups) == 2:  # as in the differences: the other group first, the reference last
        ref = comparison.settings.reference.get(attribute)
        ref = ref if ref in groups else groups[0]
        groups = [g for g in groups if g != ref] + [ref]
    return groups


def build_context(comparison, codebook, settings, segments=None) -> dict[str, Any]:
    prev, diffs = comparison.prevalence, comparison.differences
    attribute = primary_attribute(comparison, settings)
    words, t, lang = Phrases(settings.phrases, texts(settings)), texts(settings), settings.language
    ci = comparison.settings.ci
    main = prev[(prev["attribute"] == attribute) & (prev["stratum"] == "all")]
    groups = _order_groups(comparison, attribute, sorted(main["group"].unique()))
    labels = {g: words.label(attribute, g) for g in groups}
    vs = words.groups(attribute, groups)
    doc_group = _doc_groups(comparison, segments, attribute)
    themes = []
    for theme in codebook.themes:
        rows = main[main["theme"] == theme.id].copy()
        theme_label = theme.text("label", settings.language)
        rows["label"] = [t["any_code_of"].format(label=theme_label) if lvl == "theme" else
                         _label(codebook, c, lang) for lvl, c in zip(rows["level"], rows["code"])]
        uri, alt = prevalence_chart(rows, groups, attribute, t["theme_chart"].format(label=theme_label, versus=vs),
                                    ci, labels=labels, texts=t, legend="legend_docs")
        d = diffs[(diffs["attribute"] == attribute) & (diffs["theme"] == theme.id)]
        numbers = [_number_row(r, codebook, words, labels, t, lang) for _, r in d.iterrows()]
        themes.append({"id": theme.id, "label": theme_label, "definition": theme.text("definition", settings.language),
                       "chart": uri, "alt": alt, "numbers": numbers,
                       "quotes": [q | {"label": labels.get(q["group"], q["group"])} for q in
                                  theme_quotes(comparison, theme.id, groups, doc_group, settings.max_quotes,
                                               settings.spread_quotes_by)]})
    framework = None
    if settings.include_framework_matrix:
        from pipeline.stages.compare.tables import framework_wide

        attrs = [a for a in comparison.settings.case_attributes if a in comparison.framework_matrix.columns]
        wide = framework_wide(comparison.framework_matrix, codebook, segments, attrs)
        fm = comparison.framework_matrix
        cells = {key: [{"quote": q["quote"], "segment_id": q["segment_id"]} for _, q in group.sort_values("rank").iterrows()]
                 for key, group in fm.groupby(["doc_id", "theme"], sort=False)}
        framework = {"attributes": [a for a in attrs if a in wide.columns],
                     "themes": [t.text("label", settings.language) for t in codebook.themes],
                     "rows": [{"doc_id": r["doc_id"], "attributes": [r[a] for a in attrs if a in wide.columns],
                               "cells": [cells.get((r["doc_id"], t), []) for t in codebook.theme_ids]}
                              for _, r in wide.iterrows()]}
    corpus = comparison.corpus
    return {"title": settings.title, "attribute": attribute, "groups": groups, "group_labels": labels,
            "versus": vs, "overall": overall_picture(comparison, codebook, settings),
            "differences": key_differences(comparison, codebook, settings),
            "other_differences": other_differences(comparison, codebook, settings),
            "overview": test_overview(comparison, settings),
            "themes": themes, "framework": framework, "notes": say_all(comparison.notes, t, words),
            "corpus": corpus_rows(corpus, words, t),
            "ci_level": f"{ci:.0%}", "min_group_docs": comparison.settings.min_group_docs}


def corpus_rows(corpus: pd.DataFrame, words: Phrases, t) -> list[dict]:  # noqa: ANN001
    """The material table: groups in plain words, counts grouped by thousands in the report's language."""
    out = []
    for r in corpus.to_dict("records"):
        everyone = r["attribute"] == "(all)"
        row = {k: t.count(v) if k.startswith("n_") and not pd.isna(v) else str(v) for k, v in r.items()}
        row["attribute"] = t["all_documents"] if everyone else str(r["attribute"])
        row["group"] = "\u2013" if everyone else words.label(r["attribute"], r["group"])
        out.append(row)
    return out


def _number_row(r: pd.Series, codebook, words: Phrases, labels: dict, t, lang: str) -> dict:  # noqa: ANN001
    """One row of a theme's table of numbers and tests."""
    def side(s: str) -> str:
        return t["group_count"].format(group=labels.get(r[f"group_{s}"], r[f"group_{s}"]),
                                       x=r[f"respondents_mentioning_{s}"], n=r[f"n_respondents_{s}"],
                                       share=pct(r[f"share_{s}"]))
    span = "" if pd.isna(r["diff_low"]) else t["pts_span"].format(low=points(r["diff_low"]), high=points(r["diff_high"]))
    caution = r["caution"] or "\u2013"
    return {"item": _label(codebook, r["code"], lang) + (t["theme_suffix"] if r["level"] == "theme" else ""),
            "stratum": capital(words.stratum(r["stratum"])), "a": side("a"), "b": side("b"),
            "difference": t["pts"].format(**_pts(r["difference"])) + span, "p": p_text(r["p_adjusted"], t.language),
            "caution": t.caution(caution, labels if t.language == "nl" else None)}


def value_text(value: Any, t) -> str:  # noqa: ANN001
    """A value of a settings or counts table in the report's language: 2 decimals (a decimal comma
    in Dutch), yes/no, a mapping as "key: value" pairs."""
    if isinstance(value, (bool, np.bool_)):
        return t["yes" if value else "no"]
    if isinstance(value, (float, np.floating)):
        return "\u2013" if np.isnan(value) else t.cell(f"{value:.2f}" if value != int(value) else str(int(value)))
    if isinstance(value, dict):
        return ", ".join(f"{k}: {value_text(v, t)}" for k, v in value.items())
    if isinstance(value, str):
        return t["auto"] if value == "auto" else t.cell(value)
    return str(value)


def settings_rows(settings: dict, t) -> list[tuple[str, str, str]]:  # noqa: ANN001
    """``(plain words, value, key)`` per setting of the comparison: the words a reader reads, the
    key an analyst looks up in the study file (``compare.<key>``)."""
    names = t["setting_words"]
    rows = []
    for key, value in settings.items():
        if isinstance(value, dict):  # reference: {attribute: group}
            rows += [(f"{names.get(key, key)} ({k})", value_text(v, t), f"compare.{key}.{k}") for k, v in value.items()]
            continue
        text = ", ".join(map(str, value)) if isinstance(value, list) else value_text(value, t)
        if key == "test":  # the test in words, as the methods name it
            text = test_words(str(value), t) or text
        elif key == "cases" and value == "documents":  # every document one case: the study's word
            text = t.w["documents"]
        rows.append((names.get(key, key), text or "\u2013", f"compare.{key}"))
    return rows


def quality_context(agreement, evaluation, segments, notes, language: str = "en", codebook=None) -> dict[str, Any]:
    """Coding, agreement and evaluation for the methods section: who coded how many turns, the
    agreement table (overall and per theme; % agreement as a percentage), the evaluation table
    (per coder setting) and the headline figures of the first (default) coder. ``language``: a
    language or the report settings (their words)."""
    t = texts(language)
    language = t.language
    out: dict[str, Any] = {"agreement": [], "evaluation": [], "coded_by": [], "headline": None}
    out.update(_notes_by_part(notes, t))
    if segments is not None and "coded_by" in segments.columns:
        resp = segments[segments["speaker_role"] == "respondent"]
        kind = resp["coded_by"].fillna("").map(lambda s: t["human"] if str(s).startswith("human")
                                               else (t["not_coded"] if s == "" else t["machine"].format(name=s)))
        out["coded_by"] = [(capital(k), int(v)) for k, v in kind.value_counts().sort_index().items()]

    def row(r: pd.Series, columns: tuple[str, ...]) -> dict:
        cells = {c: _level(t.cell(_cell(r.get(c))), c, t) for c in columns}
        if "code" in cells and codebook is not None and r.get("level") in ("theme", "code"):
            cells["code"] = _label(codebook, str(r.get("code")), language)
        if "percent_agreement" in cells and not pd.isna(r.get("percent_agreement", np.nan)):
            cells["percent_agreement"] = pct(r["percent_agreement"])
        if "setting" in cells:
            cells["setting"] = setting_text(cells["setting"], language)
        return cells

    if agreement is not None and len(agreement):
        rows = agreement[agreement["level"].isin(["overall", "theme"])] if "level" in agreement else agreement
        out["agreement"] = [row(r, ("level", "code", "coders", "n_units", "percent_agreement", "cohen_kappa",
                                    "krippendorff_alpha")) for _, r in rows.iterrows()]
    if evaluation is not None and len(evaluation):
        rows = evaluation[evaluation["level"].isin(["micro", "macro", "theme"])] if "level" in evaluation else evaluation
        out["evaluation"] = [row(r, ("setting", "level", "code", "n_units", "support", "precision", "recall", "f1",
                                     "kappa")) for _, r in rows.iterrows()]
        micro = evaluation[evaluation.get("level", evaluation.get("code")) == "micro"]
        if len(micro):
            m = micro.iloc[0]
            out["headline"] = t["headline"].format(**{k: t.cell(_cell(m.get(k))) for k in (
                "f1", "precision", "recall", "support")}, n=_cell(m.get("n_units")))
    return out


#: where a note is said: beside the part it explains (by its key), else under coding
_PARTS = (("agreement", "agreement_notes"), ("evaluation", "evaluation_notes"), ("topics", "topic_notes"))


def _notes_by_part(notes, t) -> dict[str, list[str]]:  # noqa: ANN001
    """The notes in words, each under the part it explains: why agreement, evaluation or the topic
    model are missing in place of the plain "none was supplied", the coding notes under coding."""
    out: dict[str, list[str]] = {"notes": [], **{name: [] for _, name in _PARTS}}
    for note in notes or []:
        key = getattr(note, "key", "")
        part = next((name for word, name in _PARTS if word in key), "notes")
        out[part].append(say(note, t))
    return out


def setting_text(text: str, language: str) -> str:
    """The evaluation's coder setting ("stacked, 28 training documents", "stacked, cross-validated",
    "rule (no training)") in words."""
    import re

    if language != "nl":
        return text
    text = re.sub(r"\b1 training document$", "1 trainingsdocument", text)
    text = re.sub(r"(\d+) training documents$", r"\1 trainingsdocumenten", text)
    text = re.sub(r", cross-validated$", ", kruisgevalideerd", text)
    return text.replace("rule (no training)", "regels (zonder training)")


def _level(text: str, column: str, t) -> str:  # noqa: ANN001
    """The ``level`` column of a quality table in the report's language."""
    from pipeline.stages.report.texts_nl import LEVEL_NL

    return LEVEL_NL.get(text, text) if column in ("level", "code") and t.language == "nl" else text


def _cell(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "\u2013"
    if isinstance(value, (float, np.floating)):
        return f"{value:.2f}"
    return str(value)


def caveats(comparison, quality, settings, found=None) -> list[str]:  # noqa: ANN001
    """The limits of what the report can say, each only where the material has it (``found``: a
    :class:`pipeline.stages.report.words.Material`): the interview guide where an interviewer
    asked, focus groups where a document holds several respondents."""
    from pipeline.stages.report.words import Material

    found = found or Material()
    corpus = comparison.corpus
    attribute = primary_attribute(comparison, settings)
    rows = corpus[corpus["attribute"] == attribute]
    words, t = Phrases(settings.phrases, texts(settings)), texts(settings)
    sizes = "; ".join(t["caveat_size"].format(d=r["n_docs"], n=r["n_respondents"], group=words.group(attribute, r["group"]),
                                              document_n=t.plural(r["n_docs"])["document_n"],
                                              unit_n=t.plural(r["n_respondents"])["unit_n"]) for _, r in rows.iterrows())
    silence = t["caveat_silence"] if found.interviewer and t.people else t["caveat_silence_plain"]
    intervals = t["caveat_intervals"]
    if found.groups and t.people:
        intervals = t["caveat_focus"] + " " + intervals
    out = [t["caveat_sample"].format(sizes=sizes), silence, intervals,
           t["caveat_tests"].format(test=test_words(comparison.settings.test, t))]
    if quality.get("headline"):
        out.append(t["caveat_coding"].format(headline=quality["headline"]))
    else:
        out.append(t["caveat_no_coding"])
    return out
