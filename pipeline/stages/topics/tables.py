"""Topics against the codebook: :func:`topic_code_table`.

A topic *matches a theme* when at most ``max_uncoded_share`` (default 0.5) of its turns carry
no code and at least ``min_theme_share`` (default 0.5) of its coded turns carry its most
frequent theme; otherwise it is *emergent* (mostly uncoded, or spread over themes): a
candidate for a new code. Topic -1 is flagged ``outliers``.
"""
from __future__ import annotations

import pandas as pd

from pipeline.errors import InputError, Problem

UNCODED = "(uncoded)"


def _segment_topics(segment_topics: pd.DataFrame) -> pd.DataFrame:
    column = "segment_topic" if "segment_topic" in segment_topics.columns else "topic"
    missing = [c for c in ("segment_id", column) if c not in segment_topics.columns]
    if missing:
        raise InputError(Problem("segment_topics", f"missing column(s) {', '.join(missing)}.",
                                 "Pass TopicResult.segment_topics."))
    frame = segment_topics
    if "fitted" in frame.columns:  # segments with no modelled unit are not in any topic
        fitted = frame.groupby("segment_id")["fitted"].any()
        frame = frame[frame["segment_id"].map(fitted)]
    frame = frame.drop_duplicates("segment_id")[["segment_id", column]]
    return frame.rename(columns={column: "topic"}).astype({"topic": int})


def topic_code_table(segment_topics: pd.DataFrame, codings: pd.DataFrame, codebook,
                     min_theme_share: float = 0.5, max_uncoded_share: float = 0.5
                     ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """How many of each topic's turns carry each theme and each code.

    ``segment_topics``: ``segment_id`` and ``segment_topic`` (or ``topic``), e.g.
    ``TopicResult.segment_topics``. ``codings``: ``segment_id, code`` (``decision == "reject"``
    rows are ignored; codings of segments that were not topic-modelled, e.g. interviewer turns,
    are not counted). ``codebook``: a :class:`~pipeline.codebook.Codebook`.

    Returns ``(themes, codes, flags)``: ``themes`` and ``codes`` have one row per topic with
    ``topic, n_turns``, one column per theme (resp. code, codebook order) counting distinct
    turns, and ``(uncoded)``; ``flags`` has ``topic, n_turns, n_coded, uncoded_share,
    top_theme, top_theme_share`` (among coded turns), ``status`` (``matches_theme``,
    ``emergent`` or ``outliers``) and ``theme`` (the matched theme, else empty).
    """
    seg = _segment_topics(segment_topics)
    coded = _kept_codings(codings, codebook)
    coded = coded.merge(seg, on="segment_id", how="inner")
    code_order = [c.id for c, _, _ in codebook.walk() if not c.codes or c.id in set(coded["code"])]
    theme_order = list(codebook.theme_ids)
    topics = sorted(seg["topic"].unique().tolist())
    n_turns = seg.groupby("topic")["segment_id"].nunique().reindex(topics, fill_value=0)
    n_coded = coded.groupby("topic")["segment_id"].nunique().reindex(topics, fill_value=0)
    themes = _wide(coded, "theme", theme_order, topics, n_turns, n_coded)
    codes = _wide(coded, "code", code_order, topics, n_turns, n_coded)
    flags = _topic_flags(themes, theme_order, topics, n_turns, n_coded, min_theme_share, max_uncoded_share)
    return themes, codes, flags


def _kept_codings(codings: pd.DataFrame, codebook) -> pd.DataFrame:
    """The distinct (segment_id, code) pairs not rejected, with their theme; unknown codes are an error."""
    missing = [c for c in ("segment_id", "code") if c not in codings.columns]
    if missing:
        raise InputError(Problem("codings", f"missing column(s) {', '.join(missing)}.",
                                 "Pass the codings table (segment_id, code, ...)."))
    coded = codings
    if "decision" in coded.columns:
        coded = coded[coded["decision"].fillna("").astype(str).str.lower() != "reject"]
    known = {code.id for code, _, _ in codebook.walk()}
    unknown = sorted(set(coded["code"]) - known)
    if unknown:
        raise InputError(Problem("codings[code]", f"code(s) not in codebook {codebook.name!r}: "
                                 f"{', '.join(map(str, unknown[:5]))}.",
                                 "Use the codebook the codings were made with."))
    coded = coded[["segment_id", "code"]].drop_duplicates()
    return coded.assign(theme=coded["code"].map(codebook.theme_of))


def _wide(coded: pd.DataFrame, column: str, order: list[str], topics: list,
          n_turns: pd.Series, n_coded: pd.Series) -> pd.DataFrame:
    """One row per topic: its turn count, distinct turns per ``column`` value (in ``order``) and uncoded turns."""
    counts = (coded.drop_duplicates(["segment_id", column])
              .groupby(["topic", column])["segment_id"].nunique()
              .unstack(fill_value=0).reindex(index=topics, columns=order, fill_value=0))
    table = counts.astype(int)
    table.insert(0, "n_turns", n_turns.astype(int))
    table[UNCODED] = (n_turns - n_coded).astype(int)
    table.columns.name = None
    return table.rename_axis("topic").reset_index()


def _topic_flags(themes: pd.DataFrame, theme_order: list[str], topics: list, n_turns: pd.Series,
                 n_coded: pd.Series, min_theme_share: float, max_uncoded_share: float) -> pd.DataFrame:
    """Per topic its top theme and whether it matches that theme, is emergent or holds the outliers."""
    rows = []
    for t in topics:
        counts = themes.set_index("topic").loc[t, theme_order]
        coded_n = int(n_coded[t])
        top = str(counts.idxmax()) if coded_n and counts.max() > 0 else ""
        top_share = float(counts.max()) / coded_n if coded_n else 0.0
        uncoded_share = 1 - coded_n / int(n_turns[t]) if n_turns[t] else 1.0
        if t == -1:
            status = "outliers"
        elif coded_n and uncoded_share <= max_uncoded_share and top_share >= min_theme_share:
            status = "matches_theme"
        else:
            status = "emergent"
        rows.append({"topic": t, "n_turns": int(n_turns[t]), "n_coded": coded_n,
                     "uncoded_share": round(uncoded_share, 6), "top_theme": top,
                     "top_theme_share": round(top_share, 6), "status": status,
                     "theme": top if status == "matches_theme" else ""})
    return pd.DataFrame(rows)
