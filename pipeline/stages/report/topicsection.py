"""The report's topics section and the topic model's tables, in the report's language: emergent
topics (candidate new themes) with quotes, topics matching the codebook (theme labels, not ids),
the shares of each group's text pieces per topic, stability refits and the model's counts.

What the topic model counts is a *text piece* (``{@piece}``, ``{@pieces}``): a turn, or a window of
whole sentences of a long one (:mod:`pipeline.stages.topics.units`); :func:`pieces_text` says how
turns became pieces, so that no table calls windows "passages".
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from pipeline.schemas import parse_top_words, split_codes
from pipeline.stages.report.charts import pct
from pipeline.stages.report.findings import value_text
from pipeline.stages.report.summary import Phrases, primary_attribute
from pipeline.stages.report.texts import texts

_REPRESENTATIVES = ("representatives", "representative_ids", "representative_segments")


def _top_words(value: Any, n: int = 8) -> str:
    return ", ".join(word for word, _ in parse_top_words(value)[:n])


def _items(topics: pd.DataFrame, flags, segments, settings, codebook) -> tuple[list[dict], list[dict]]:  # noqa: ANN001
    """``(emergent, others)``: the topics (0 and up) with their label, size, words, up to two quotes,
    status and theme (its label in the report's language)."""
    from pipeline.stages.compare.tables import trim_quote

    text = {} if segments is None else dict(zip(segments["segment_id"], segments["text"]))
    rep_col = next((c for c in _REPRESENTATIVES if c in topics.columns), None)
    merged = topics.copy()
    if flags is not None and len(flags):
        keep = [c for c in ("topic", "status", "theme", "top_theme") if c in flags.columns]
        merged = merged.merge(flags[keep], on="topic", how="left")
    else:
        merged["status"], merged["theme"] = texts(settings)["not_compared"], ""

    def item(r) -> dict:  # noqa: ANN001
        ids = split_codes(r[rep_col]) if rep_col else []
        quotes = [{"quote": trim_quote(text[s]), "segment_id": s} for s in ids if s in text][:2]
        return {"topic": int(r["topic"]), "label": str(r.get("label", "")), "size": int(r["size"]),
                "top_words": _top_words(r.get("top_words")), "quotes": quotes,
                "theme": "" if pd.isna(r.get("theme")) else str(r.get("theme")),
                "top_theme": "" if pd.isna(r.get("top_theme", np.nan)) else str(r.get("top_theme"))}

    emergent = [item(r) for _, r in merged[merged["status"] == "emergent"].iterrows()]
    others = [item(r) | {"status": status_text(r["status"], settings.language)}
              for _, r in merged[merged["status"] != "emergent"].iterrows()]
    return emergent, [o | {"theme": _theme_label(o["theme"], codebook, settings.language)} for o in others]


def _theme_label(theme: str, codebook, language: str) -> str:  # noqa: ANN001
    try:
        return codebook.code(theme).text("label", language) if codebook is not None and theme else theme
    except KeyError:
        return theme


def _stability(stability) -> tuple[float | None, list[dict]]:  # noqa: ANN001
    """``(mean adjusted Rand index, runs)`` of ``{"mean_ari": ..., "runs": DataFrame}`` or a runs table."""
    if isinstance(stability, pd.DataFrame):
        return (float(stability["ari"].mean()) if "ari" in stability else None), stability.to_dict("records")
    if isinstance(stability, dict):
        runs = stability.get("runs")
        return stability.get("mean_ari"), runs.to_dict("records") if isinstance(runs, pd.DataFrame) else list(runs or [])
    return None, []


def _shares(comparison, settings, t) -> tuple[list[dict], list[str]]:  # noqa: ANN001
    """The rows of the shares table (per topic, a cell per group) and the groups' names."""
    shares = comparison.topic_shares
    attribute = primary_attribute(comparison, settings)
    rows = []
    if shares is not None and len(shares):
        for topic, sub in shares[shares["attribute"] == attribute].groupby("topic", sort=True):
            rows.append({"topic": int(topic), "groups": list(sub["group"]), "cells": [
                t["share_cell"].format(share=pct(s), n=n, g=g)
                for s, n, g in zip(sub["share"], sub["n_units"], sub["n_group_units"])]})
    words = Phrases(settings.phrases, t)
    return rows, [words.label(attribute, g) for g in rows[0]["groups"]] if rows else []


def topics_context(topics, flags, info, stability, segments, comparison, settings,  # noqa: ANN001
                   codebook=None) -> dict[str, Any]:
    """The topics section and the topic model's tables (``codebook``: theme labels in the report's
    language instead of theme ids)."""
    if topics is None or not len(topics):
        return {"available": False}
    t = texts(settings)
    emergent, others = _items(topics[topics["topic"] >= 0], flags, segments, settings, codebook)
    mean_ari, runs = _stability(stability)
    share_rows, share_groups = _shares(comparison, settings, t)
    pieces = pieces_text(info, t)
    info = {k: v for k, v in (info or {}).items() if k not in ("settings", "versions")}
    heads = t["refits_cols"]
    return {"available": True, "emergent": emergent, "others": others, "pieces": pieces,
            "mean_ari": None if mean_ari is None else f"{mean_ari:.2f}",
            "runs_head": [heads.get(str(k), str(k)) for k in (runs[0] if runs else {})],
            "runs": [[value_text(v, t) for v in r.values()] for r in runs],
            "info": [(t["topic_info_words"].get(k, k), value_text(v, t), k) for k, v in sorted(
                (str(k), v) for k, v in info.items())], "shares": share_rows, "share_groups": share_groups}


def pieces_text(info: dict | None, t) -> str:  # noqa: ANN001
    """What the topic model counts, from its info (:func:`pipeline.stages.topics.model`): how turns
    became text pieces, how many, and those too short to model ("" without the counts)."""
    info = info or {}
    if not {"n_segments", "n_units"} <= set(info):
        return ""
    model = info.get("settings") or {}
    n_short, min_words = int(info.get("n_not_fitted", 0)), model.get("min_words")
    short = "" if not n_short or min_words is None else t["topic_short_one" if n_short == 1 else "topic_short"].format(
        n=t.count(n_short), m=min_words)
    counts = {"n_turns": t.count(info["n_segments"]), "n_pieces": t.count(info["n_units"]), "short": short}
    if model.get("unit", "window") != "window":
        return t["topic_pieces_whole"].format(**counts)
    by = model.get("window_by", "words")
    size = model.get("window_words" if by == "words" else "window_sentences")
    if size is None:
        return t["topic_pieces_whole"].format(**counts) if info["n_segments"] == info["n_units"] else ""
    return t["topic_pieces"].format(size=t[f"size_{by}"].format(n=size), **counts)


def status_text(status: Any, language: str = "en") -> str:
    from pipeline.stages.report.texts_nl import STATUS_NL

    return STATUS_NL.get(str(status), str(status)) if language == "nl" else str(status)


__all__ = ["pieces_text", "status_text", "topics_context"]
