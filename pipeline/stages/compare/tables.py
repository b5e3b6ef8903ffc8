"""Descriptive tables of the compare stage: topic shares, code co-occurrence, the framework
matrix of quotes and the corpus summary. Column lists are in :mod:`pipeline.stages.compare.differences`'s docstring;
:mod:`pipeline.stages.compare.differences` re-exports every public function here.
"""
from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from pipeline.codebook import Codebook
from pipeline.errors import InputError, Problem
from pipeline.schemas import join_codes, split_codes


def _check(frame: pd.DataFrame, columns: tuple[str, ...], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(Problem(f"{name}[columns]", f"missing column(s) {missing}.",
                                 f"Give {name} as the earlier stage wrote it (its columns are "
                                 f"{list(frame.columns)[:12]} ...)."))


def _attr(frame: pd.DataFrame, attribute: str, name: str = "coded_segments") -> pd.Series:
    if attribute not in frame.columns:
        raise InputError(Problem(f"compare.by/within[{attribute}]", f"{name} has no attribute '{attribute}'.",
                                 "Use a manifest column (e.g. model, role, pilot) or remove it from the settings."))
    return frame[attribute].map(lambda v: "(missing)" if pd.isna(v) or v == "" else str(v))


def _respondents(segments: pd.DataFrame) -> pd.DataFrame:
    _check(segments, ("segment_id", "doc_id", "speaker_role"), "coded_segments")
    return segments[segments["speaker_role"] == "respondent"]


def trim_quote(text: str, limit: int = 240) -> str:
    """``text`` on one line, cut at the last word boundary before ``limit`` characters, with an
    ellipsis when it was cut."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    head = text[: limit + 1]
    cut = head.rsplit(" ", 1)[0] if " " in head[: limit] else text[:limit]
    return cut.rstrip(" ,;:-") + "\u2026"


def topic_shares(segment_topics: pd.DataFrame, segments: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Share of the (fitted) respondent units of each group in each topic, every group x topic
    pair listed (zeros included); topic -1 is the outliers."""
    _check(segment_topics, ("segment_id", "topic"), "segment_topics")
    units = segment_topics
    if "fitted" in units.columns:
        units = units[units["fitted"].astype(bool)]
    resp = _respondents(segments)
    units = units.drop(columns=[c for c in units.columns if c in resp.columns and c != "segment_id"])
    units = units.merge(resp, on="segment_id", how="inner")
    columns = ["attribute", "group", "topic", "n_units", "n_group_units", "share", "n_docs"]
    rows = []
    topics = sorted(int(t) for t in units["topic"].unique())
    for attribute in by:
        values = _attr(units, attribute, "segments")
        for group in sorted(values.unique()):
            sub = units[(values == group).to_numpy()]
            for topic in topics:
                in_topic = sub[sub["topic"] == topic]
                rows.append({"attribute": attribute, "group": group, "topic": topic,
                             "n_units": len(in_topic), "n_group_units": len(sub),
                             "share": len(in_topic) / len(sub) if len(sub) else np.nan,
                             "n_docs": in_topic["doc_id"].nunique()})
    return pd.DataFrame(rows, columns=columns)


def cooccurrence(coded_segments: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Pairs of codes on the same respondent turn: ``code_a, code_b`` (codebook order),
    ``n_turns`` carrying both, ``n_a, n_b`` and ``jaccard = n_turns / (n_a + n_b - n_turns)``."""
    resp = _respondents(coded_segments)
    order = {c: i for i, c in enumerate(codebook.code_ids)}
    single: dict[str, int] = {}
    pairs: dict[tuple[str, str], int] = {}
    for value in resp["codes"]:
        codes = sorted(set(split_codes(value)), key=lambda c: order.get(c, len(order)))
        for c in codes:
            single[c] = single.get(c, 0) + 1
        for pair in combinations(codes, 2):
            pairs[pair] = pairs.get(pair, 0) + 1
    rows = [{"code_a": a, "code_b": b, "n_turns": n, "n_a": single[a], "n_b": single[b],
             "jaccard": n / (single[a] + single[b] - n)} for (a, b), n in pairs.items()]
    frame = pd.DataFrame(rows, columns=["code_a", "code_b", "n_turns", "n_a", "n_b", "jaccard"])
    key = frame["code_a"].map(order).astype(int) * (len(order) + 1) + frame["code_b"].map(order).astype(int)
    return frame.iloc[np.argsort(key.to_numpy(), kind="stable")].reset_index(drop=True)


def _case_table(segments: pd.DataFrame, attributes: list[str]) -> pd.DataFrame:
    present = [a for a in attributes if a in segments.columns]
    resp = _respondents(segments)
    rows = []
    for doc_id, sub in resp.groupby("doc_id", sort=True):
        row = {"doc_id": doc_id}
        for a in present:  # speaker-level values (a mixed focus group's roles) are listed together
            row[a] = ", ".join(sorted({str(v) for v in sub[a] if not pd.isna(v) and v != ""}))
        rows.append(row)
    return pd.DataFrame(rows, columns=["doc_id", *present])


def framework_matrix(coded_segments: pd.DataFrame, codings: pd.DataFrame | None, codebook: Codebook,
                     quotes_per_cell: int = 2, quote_chars: int = 240,
                     attributes: list[str] | tuple[str, ...] = ("pilot", "model", "method", "role")) -> pd.DataFrame:
    """Cases (documents) x themes, long form: for each cell the ``quotes_per_cell`` respondent
    turns that best show the theme, among those carrying a final code of it. Ranked: turns a
    human coded with the theme first, then turns where the theme's cues are found, then the
    machine's highest score for the theme's codes (``score``; from ``codings`` or the
    ``score_<code>`` columns), then the earlier turn; a second quote of a cell comes from another
    speaker where there is one. The quote is the sentence window of the turn that carries the
    code (:func:`pipeline.text.quotes.quote_window`: coder evidence, else the theme's cue words), at
    most about ``quote_chars`` characters, with ``quote_start, quote_end`` its offsets in the
    turn's text and ``anchored`` True when evidence or cue words placed it. Quotes come from the
    turn's ``text`` only (pseudonymised upstream)."""
    resp = _respondents(coded_segments)
    _check(resp, ("text", "speaker", "codes", "turn"), "coded_segments")
    human, scores, evidence = _coding_lookups(codings, codebook)
    rows = _framework_rows(resp, codebook, human, scores, evidence, quote_chars)
    columns = ["doc_id", "theme", "rank", "segment_id", "speaker", "quote", "quote_start", "quote_end", "anchored",
               "codes", "source", "score"]
    cases = _case_table(coded_segments, list(attributes))
    if not rows:
        return pd.DataFrame(columns=columns + [c for c in cases.columns if c != "doc_id"])
    frame = _rank_quotes(pd.DataFrame(rows), codebook, quotes_per_cell)
    frame = frame[columns].merge(cases, on="doc_id", how="left")
    return frame.reset_index(drop=True)


def _coding_lookups(codings: pd.DataFrame | None, codebook: Codebook
                    ) -> tuple[set[tuple[str, str]], dict[tuple[str, str], float], dict[tuple[str, str], list[str]]]:
    """The (turn, theme) pairs a human coded finally, and the machine's best score and evidence per (turn, code)."""
    human: set[tuple[str, str]] = set()
    scores: dict[tuple[str, str], float] = {}
    evidence: dict[tuple[str, str], list[str]] = {}
    if codings is not None and len(codings):
        _check(codings, ("segment_id", "code", "source", "score"), "codings")
        final = (codings["final"].astype(bool).to_numpy() if "final" in codings.columns
                 else np.ones(len(codings), bool))
        ev = codings["evidence"] if "evidence" in codings.columns else pd.Series([None] * len(codings))
        for sid, code, source, score, is_final, value in zip(codings["segment_id"], codings["code"], codings["source"],
                                                             codings["score"], final, ev):
            if code not in codebook.code_ids:
                continue
            if source == "human":
                if is_final:
                    human.add((sid, codebook.theme_of(code)))
                continue
            # per code, so that only the turn's final codes place its quote (a machine code a
            # reviewer rejected must not)
            key = (sid, code)
            if not pd.isna(value) and str(value).strip():
                evidence.setdefault(key, []).append(str(value))
            if not pd.isna(score):
                scores[key] = max(scores.get(key, 0.0), float(score))
    return human, scores, evidence


def _framework_rows(resp: pd.DataFrame, codebook: Codebook, human: set[tuple[str, str]],
                    scores: dict[tuple[str, str], float], evidence: dict[tuple[str, str], list[str]],
                    quote_chars: int) -> list[dict]:
    """One candidate quote row per (respondent turn, theme of its final codes), unranked."""
    from pipeline.text.quotes import cue_pattern, cue_spans, evidence_spans, quote_window

    score_codes = [c for c in codebook.code_ids if f"score_{c}" in resp.columns]
    score_table = (resp[[f"score_{c}" for c in score_codes]].apply(pd.to_numeric, errors="coerce")
                   .to_numpy(dtype=float) if score_codes else np.zeros((len(resp), 0)))
    patterns: dict[tuple[str, ...], object] = {}
    rows = []
    for i, (sid, doc, turn, speaker, text, value) in enumerate(zip(
            resp["segment_id"], resp["doc_id"], resp["turn"], resp["speaker"], resp["text"], resp["codes"])):
        codes = [c for c in split_codes(value) if c in codebook.code_ids]
        by_theme: dict[str, list[str]] = {}
        for c in codes:
            by_theme.setdefault(codebook.theme_of(c), []).append(c)
        text = "" if pd.isna(text) else str(text)
        for theme, theme_codes in by_theme.items():
            known = [scores[(sid, c)] for c in theme_codes if (sid, c) in scores]
            score = max(known) if known else None
            if score is None:
                own = [score_table[i, j] for j, c in enumerate(score_codes) if c in theme_codes]
                own = [v for v in own if not np.isnan(v)]
                score = max(own) if own else np.nan
            spans = evidence_spans([e for c in theme_codes for e in evidence.get((sid, c), [])], text)
            if not spans:
                key = tuple(theme_codes)
                if key not in patterns:
                    patterns[key] = cue_pattern(cue for c in theme_codes for cues in codebook.code(c).cues.values()
                                                for cue in cues)
                spans = cue_spans(text, patterns[key])
            quote, q_start, q_end = quote_window(text, spans, quote_chars)
            rows.append({"doc_id": doc, "theme": theme, "segment_id": sid, "turn": int(turn),
                         "speaker": speaker, "quote": quote, "quote_start": q_start, "quote_end": q_end,
                         "codes": join_codes(theme_codes, sort=False),
                         "source": "human" if (sid, theme) in human else "machine", "score": score,
                         "anchored": bool(spans)})
    return rows


def _rank_quotes(frame: pd.DataFrame, codebook: Codebook, quotes_per_cell: int) -> pd.DataFrame:
    """Sort each (case, theme) cell's candidates best first, keep ``quotes_per_cell`` spread over speakers, rank them."""
    from pipeline.text.quotes import spread

    frame["_human"] = (frame["source"] == "human").astype(int)
    frame["_score"] = frame["score"].fillna(-1.0)
    theme_order = {t: i for i, t in enumerate(codebook.theme_ids)}
    frame["_theme"] = frame["theme"].map(theme_order)
    frame["_anchored"] = frame["anchored"].astype(int)
    frame = frame.sort_values(["doc_id", "_theme", "_human", "_anchored", "_score", "turn"],
                              ascending=[True, True, False, False, False, True], kind="mergesort")
    frame = pd.concat([spread(cell, quotes_per_cell, ["speaker"])
                       for _, cell in frame.groupby(["doc_id", "_theme"], sort=False)])
    frame["rank"] = frame.groupby(["doc_id", "theme"], sort=False).cumcount() + 1
    return frame


def framework_wide(long: pd.DataFrame, codebook: Codebook, coded_segments: pd.DataFrame | None = None,
                   attributes: list[str] | tuple[str, ...] = ("pilot", "model", "method", "role")) -> pd.DataFrame:
    """One row per case, one column per theme; a cell lists its quotes as ``"quote" [segment_id]``
    (one per line). With ``coded_segments``, cases without any quote are listed too."""
    present = [a for a in attributes if a in long.columns]
    if coded_segments is not None:
        cases = _case_table(coded_segments, list(attributes))
    else:
        cases = long[["doc_id", *present]].drop_duplicates("doc_id").sort_values("doc_id")
    out = cases.reset_index(drop=True).copy()
    for theme in codebook.theme_ids:
        cells = (long[long["theme"] == theme].sort_values(["doc_id", "rank"])
                 .assign(cell=lambda f: "\u201c" + f["quote"] + "\u201d [" + f["segment_id"] + "]")
                 .groupby("doc_id")["cell"].agg("\n".join))
        out[theme] = out["doc_id"].map(cells).fillna("")
    return out


def corpus_summary(coded_segments: pd.DataFrame, attributes: list[str]) -> pd.DataFrame:
    """Documents, turns, respondent turns, respondents and words (all turns) per group of each
    attribute, and for the whole corpus (``attribute == "(all)"``)."""
    _check(coded_segments, ("doc_id", "speaker", "speaker_role", "text"), "coded_segments")
    seg = coded_segments
    words = seg["text"].fillna("").astype(str).str.split().str.len()
    rows = []
    for attribute in ["(all)", *attributes]:
        values = pd.Series("all", index=seg.index) if attribute == "(all)" else _attr(seg, attribute)
        for group in sorted(values.unique()):
            mask = (values == group).to_numpy()
            sub = seg[mask]
            resp = sub[sub["speaker_role"] == "respondent"]
            rows.append({"attribute": attribute, "group": group, "n_docs": resp["doc_id"].nunique(),
                         "n_turns": len(sub), "n_respondent_turns": len(resp),
                         "n_respondents": len(resp[["doc_id", "speaker"]].drop_duplicates()),
                         "n_words": int(words[mask].sum())})
    return pd.DataFrame(rows)
