"""Plain-language findings and the report's context, generated from the compare tables by rules.

Nothing here is hard-coded to a study: sentences are built from the ``differences`` and
``prevalence`` tables of :class:`pipeline.compare.Comparison`, with group names from the data
(or the plain words of ``ReportSettings.phrases``). Used by :func:`pipeline.report.render_report`.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from pipeline.figures import interval, pct, prevalence_chart


def _p(value: float) -> str:
    if pd.isna(value):
        return "not tested"
    return "< 0.001" if value < 0.001 else f"{value:.2f}" if value >= 0.01 else f"{value:.3f}"


def _pts(value: float) -> str:
    return f"{100 * value:+.0f}"


TEST_WORDS = {"fisher": "Fisher's exact test on documents", "permutation": "permutation test of documents"}


class Phrases:
    def __init__(self, settings) -> None:
        self.words = settings.phrases

    def group(self, attribute: str, value: str) -> str:
        return self.words.get(f"{attribute}={value}") or f"the \u2018{value}\u2019 group"

    def stratum(self, stratum: str) -> str:
        if stratum == "all":
            return "Across all respondents"
        if stratum in self.words:
            return f"Among {self.words[stratum]}"
        attribute, _, value = stratum.partition("=")
        return f"Among respondents with {attribute} \u2018{value}\u2019"

    def population(self, attribute: str, value: str) -> str:
        return self.words.get(f"{attribute}={value}") or f"{attribute} \u2018{value}\u2019"


def _label(codebook, code_id: str, language: str) -> str:
    try:
        return codebook.code(code_id).text("label", language)
    except KeyError:
        return code_id


def primary_attribute(comparison, settings) -> str:
    return settings.attribute or (comparison.settings.by[0] if comparison.settings.by else "(all)")


def _ci_of(prev: pd.DataFrame, attribute: str, stratum: str, group: str, code: str, level: str) -> str:
    row = prev[(prev["attribute"] == attribute) & (prev["stratum"] == stratum) & (prev["group"] == group)
               & (prev["code"] == code)]
    if not len(row) or "respondents_low" not in row.columns:
        return "no interval"
    if row["n_docs"].iloc[0] < 2:
        return "one document, so no interval"
    return f"{level} CI " + interval(row["respondents_low"].iloc[0], row["respondents_high"].iloc[0])


def finding_sentences(comparison, codebook, settings) -> list[str]:
    """The summary's findings: the largest or clearest differences between the groups of the
    primary attribute, each with counts, shares, intervals and a verdict on chance."""
    diffs, prev = comparison.differences, comparison.prevalence
    attribute = primary_attribute(comparison, settings)
    level = f"{comparison.settings.ci:.0%}"
    words = Phrases(settings)
    cand = diffs[(diffs["attribute"] == attribute) & diffs["p_value"].notna()].copy()
    if not len(cand):
        return []
    cand["_abs"] = cand["difference"].abs()
    cand = cand[cand["significant"] | (cand["_abs"] >= settings.min_difference)]
    cand = cand.assign(_ns=~cand["significant"].astype(bool), _theme=(cand["level"] != "theme"))
    cand = cand.sort_values(["_ns", "p_adjusted", "_abs", "_theme", "stratum", "code"],
                            ascending=[True, True, False, True, True, True], kind="mergesort")
    out, seen = [], set()
    for _, r in cand.iterrows():
        key = (r["stratum"], r["theme"], r["respondents_mentioning_a"], r["n_respondents_a"],
               r["respondents_mentioning_b"], r["n_respondents_b"])
        if key in seen or len(out) >= settings.max_findings:  # a code saying what its theme says
            continue
        seen.add(key)
        label = _label(codebook, r["code"], settings.language)
        if r["level"] == "theme":
            label = f"anything on \u2018{label}\u2019"
        else:
            label = f"\u2018{label}\u2019"
        ga, gb = r["group_a"], r["group_b"]
        text = (f"{words.stratum(r['stratum'])}, {r['respondents_mentioning_a']} of {r['n_respondents_a']} "
                f"respondents in {words.group(attribute, ga)} mentioned {label} ({pct(r['share_a'])}, "
                f"{_ci_of(prev, attribute, r['stratum'], ga, r['code'], level)}), against {r['respondents_mentioning_b']} of "
                f"{r['n_respondents_b']} in {words.group(attribute, gb)} ({pct(r['share_b'])}, "
                f"{_ci_of(prev, attribute, r['stratum'], gb, r['code'], level)}).")
        if r["contrast"] == "highest - lowest":
            text += f" This compares the highest and the lowest of {len(r['groups'].split(', '))} groups."
        if r["significant"]:
            text += (f" The difference ({_pts(r['difference'])} percentage points) is unlikely to be chance alone "
                     f"(adjusted p = {_p(r['p_adjusted'])}), but the sample is small and not representative.")
        else:
            text += (f" With this few documents ({r['n_docs_a']} and {r['n_docs_b']}) the difference could be "
                     f"chance (adjusted p = {_p(r['p_adjusted'])}).")
        out.append(text)
    return out


def test_overview(comparison, settings) -> str:
    diffs = comparison.differences
    attribute = primary_attribute(comparison, settings)
    tested = diffs[(diffs["attribute"] == attribute) & diffs["p_value"].notna()]
    n_sig = int(tested["significant"].sum())
    test = TEST_WORDS.get(comparison.settings.test, comparison.settings.test)
    return (f"{len(tested)} comparisons of {attribute} groups were tested ({test}, "
            f"Benjamini-Hochberg correction over codes and over themes); {n_sig} "
            f"{'was' if n_sig == 1 else 'were'} significant at the adjusted {comparison.settings.alpha:g} level.")


def most_mentioned(comparison, codebook, settings) -> list[dict]:
    """Per group of each ``within`` attribute (e.g. role): the most mentioned codes."""
    prev = comparison.prevalence
    words = Phrases(settings)
    order = {c: i for i, c in enumerate(codebook.code_ids)}
    out = []
    for attribute in comparison.settings.within:
        rows = prev[(prev["attribute"] == attribute) & (prev["stratum"] == "all") & (prev["level"] == "code")]
        for group in sorted(rows["group"].unique()):
            sub = rows[rows["group"] == group].assign(_o=lambda f: f["code"].map(order))
            sub = sub[sub["respondents_mentioning"] > 0].sort_values(
                ["share_respondents", "respondents_mentioning", "_o"], ascending=[False, False, True])
            first = rows[rows["group"] == group].iloc[0]
            out.append({
                "heading": f"{words.population(attribute, group)} ({first['n_respondents']} respondents in "
                           f"{first['n_docs']} documents)",
                "items": [f"{_label(codebook, r['code'], settings.language)}: {r['respondents_mentioning']} of "
                          f"{r['n_respondents']} ({pct(r['share_respondents'])})"
                          for _, r in sub.head(settings.top_codes).iterrows()] or ["no code was applied"]})
    return out


def _doc_groups(comparison, segments, attribute) -> dict[str, str]:
    fm = comparison.framework_matrix
    if attribute in fm.columns:
        return dict(zip(fm["doc_id"], fm[attribute].astype(str)))
    if segments is not None and attribute in segments.columns:
        resp = segments[segments["speaker_role"] == "respondent"]
        return resp.groupby("doc_id")[attribute].agg(lambda s: ", ".join(sorted(set(map(str, s))))).to_dict()
    return {}


def theme_quotes(comparison, theme: str, groups: list[str], doc_group: dict, max_quotes: int) -> list[dict]:
    fm = comparison.framework_matrix
    rows = fm[fm["theme"] == theme].copy()
    rows["_group"] = rows["doc_id"].map(doc_group)
    rows["_human"] = (rows["source"] == "human").astype(int)
    rows["_score"] = pd.to_numeric(rows["score"], errors="coerce").fillna(-1.0)
    rows = rows.sort_values(["rank", "_human", "_score", "doc_id", "segment_id"],
                            ascending=[True, False, False, True, True], kind="mergesort")
    out = []
    for group in groups:
        sub = rows[rows["_group"] == group]
        first = sub.drop_duplicates("doc_id")  # one quote per document first, then the rest
        picked = pd.concat([first, sub.drop(first.index)]).head(max_quotes)
        out.append({"group": group, "quotes": [
            {"quote": r["quote"], "segment_id": r["segment_id"], "speaker": r["speaker"]}
            for _, r in picked.iterrows()]})
    return out


def build_context(comparison, codebook, settings, segments=None) -> dict[str, Any]:
    prev, diffs = comparison.prevalence, comparison.differences
    attribute = primary_attribute(comparison, settings)
    ci = comparison.settings.ci
    main = prev[(prev["attribute"] == attribute) & (prev["stratum"] == "all")]
    groups = sorted(main["group"].unique())
    if len(groups) == 2:  # as in the differences: the other group first, the reference last
        ref = comparison.settings.reference.get(attribute)
        ref = ref if ref in groups else groups[0]
        groups = [g for g in groups if g != ref] + [ref]
    doc_group = _doc_groups(comparison, segments, attribute)
    themes = []
    for theme in codebook.themes:
        rows = main[main["theme"] == theme.id].copy()
        theme_label = theme.text("label", settings.language)
        rows["label"] = [f"Any code of \u2018{theme_label}\u2019" if lvl == "theme" else
                         _label(codebook, c, settings.language) for lvl, c in zip(rows["level"], rows["code"])]
        uri, alt = prevalence_chart(rows, groups, attribute, f"{theme_label}: share of respondents by {attribute}", ci)
        d = diffs[(diffs["attribute"] == attribute) & (diffs["theme"] == theme.id)]
        numbers = [{"item": _label(codebook, r["code"], settings.language) + (" (theme)" if r["level"] == "theme" else ""),
                    "stratum": r["stratum"], "a": f"{r['group_a']}: {r['respondents_mentioning_a']}/{r['n_respondents_a']} ({pct(r['share_a'])})",
                    "b": f"{r['group_b']}: {r['respondents_mentioning_b']}/{r['n_respondents_b']} ({pct(r['share_b'])})",
                    "difference": f"{_pts(r['difference'])} pts" + (
                        f" ({_pts(r['diff_low'])} to {_pts(r['diff_high'])})" if not pd.isna(r["diff_low"]) else ""),
                    "p": _p(r["p_adjusted"]), "caution": r["caution"] or "\u2013"} for _, r in d.iterrows()]
        themes.append({"id": theme.id, "label": theme_label, "definition": theme.text("definition", settings.language),
                       "chart": uri, "alt": alt, "numbers": numbers,
                       "quotes": theme_quotes(comparison, theme.id, groups, doc_group, settings.max_quotes)})
    framework = None
    if settings.include_framework_matrix:
        from pipeline.compare_tables import framework_wide

        attrs = [a for a in comparison.settings.case_attributes if a in comparison.framework_matrix.columns]
        wide = framework_wide(comparison.framework_matrix, codebook, segments, attrs)
        fm = comparison.framework_matrix
        framework = {"attributes": [a for a in attrs if a in wide.columns],
                     "themes": [t.text("label", settings.language) for t in codebook.themes],
                     "rows": [{"doc_id": r["doc_id"], "attributes": [r[a] for a in attrs if a in wide.columns],
                               "cells": [[{"quote": q["quote"], "segment_id": q["segment_id"]} for _, q in
                                          fm[(fm["doc_id"] == r["doc_id"]) & (fm["theme"] == t)].sort_values("rank").iterrows()]
                                         for t in codebook.theme_ids]} for _, r in wide.iterrows()]}
    corpus = comparison.corpus
    return {"title": settings.title, "attribute": attribute, "groups": groups,
            "findings": finding_sentences(comparison, codebook, settings),
            "overview": test_overview(comparison, settings),
            "most_mentioned": most_mentioned(comparison, codebook, settings),
            "themes": themes, "framework": framework, "notes": list(comparison.notes),
            "corpus": [{k: str(v) for k, v in r.items()} for r in corpus.to_dict("records")],
            "ci_level": f"{ci:.0%}"}


def _top_words(value: Any, n: int = 8) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    words = [w.split(":")[0].strip() for w in str(value).split(";") if w.strip()]
    return ", ".join(words[:n])


def topics_context(topics, flags, info, stability, segments, comparison, settings) -> dict[str, Any]:
    if topics is None or not len(topics):
        return {"available": False}
    from pipeline.compare_tables import trim_quote

    topics = topics[topics["topic"] >= 0]
    text = {} if segments is None else dict(zip(segments["segment_id"], segments["text"]))
    rep_col = next((c for c in ("representatives", "representative_ids", "representative_segments")
                    if c in topics.columns), None)
    merged = topics.copy()
    if flags is not None and len(flags):
        keep = [c for c in ("topic", "status", "theme") if c in flags.columns]
        merged = merged.merge(flags[keep], on="topic", how="left")
    else:
        merged["status"], merged["theme"] = "not compared with the codebook", ""

    def item(r) -> dict:
        ids = [s for s in str(r[rep_col]).split(";") if s] if rep_col and not pd.isna(r[rep_col]) else []
        quotes = [{"quote": trim_quote(text[s]), "segment_id": s} for s in ids if s in text][:2]
        return {"topic": int(r["topic"]), "label": str(r.get("label", "")), "size": int(r["size"]),
                "top_words": _top_words(r.get("top_words")), "quotes": quotes,
                "theme": "" if pd.isna(r.get("theme")) else str(r.get("theme"))}

    emergent = [item(r) for _, r in merged[merged["status"] == "emergent"].iterrows()]
    others = [item(r) | {"status": str(r["status"])} for _, r in merged[merged["status"] != "emergent"].iterrows()]
    mean_ari, runs = None, []
    if isinstance(stability, pd.DataFrame):
        runs, mean_ari = stability.to_dict("records"), float(stability["ari"].mean()) if "ari" in stability else None
    elif isinstance(stability, dict):
        mean_ari = stability.get("mean_ari")
        runs_value = stability.get("runs")
        runs = runs_value.to_dict("records") if isinstance(runs_value, pd.DataFrame) else list(runs_value or [])
    shares = comparison.topic_shares
    attribute = primary_attribute(comparison, settings)
    share_rows = []
    if shares is not None and len(shares):
        sub = shares[(shares["attribute"] == attribute)]
        for topic, t in sub.groupby("topic", sort=True):
            share_rows.append({"topic": int(topic), "cells": [f"{pct(s)} ({n} of {g})" for s, n, g in
                                                             zip(t["share"], t["n_units"], t["n_group_units"])],
                               "groups": list(t["group"])})
    info = {k: v for k, v in (info or {}).items() if k not in ("settings", "versions")}
    return {"available": True, "emergent": emergent, "others": others,
            "mean_ari": None if mean_ari is None else f"{mean_ari:.2f}",
            "runs": [{k: str(v) for k, v in r.items()} for r in runs],
            "info": sorted((str(k), str(v)) for k, v in info.items()), "shares": share_rows,
            "share_groups": share_rows[0]["groups"] if share_rows else []}


def quality_context(agreement, evaluation, segments, notes) -> dict[str, Any]:
    out: dict[str, Any] = {"notes": list(notes or []), "agreement": [], "evaluation": [], "coded_by": [],
                           "headline": None}
    if segments is not None and "coded_by" in segments.columns:
        resp = segments[segments["speaker_role"] == "respondent"]
        kind = resp["coded_by"].fillna("").map(lambda s: "human" if str(s).startswith("human")
                                               else ("not coded" if s == "" else str(s)))
        out["coded_by"] = [(k, int(v)) for k, v in kind.value_counts().sort_index().items()]
    if agreement is not None and len(agreement):
        rows = agreement[agreement["level"].isin(["overall", "theme"])] if "level" in agreement else agreement
        out["agreement"] = [{c: _cell(r.get(c)) for c in ("level", "code", "coders", "n_units", "percent_agreement",
                                                          "cohen_kappa", "krippendorff_alpha")} for _, r in rows.iterrows()]
    if evaluation is not None and len(evaluation):
        rows = evaluation[evaluation["level"].isin(["micro", "macro", "theme"])] if "level" in evaluation else evaluation
        out["evaluation"] = [{c: _cell(r.get(c)) for c in ("level", "code", "n_units", "support", "precision",
                                                           "recall", "f1", "kappa")} for _, r in rows.iterrows()]
        micro = evaluation[evaluation.get("level", evaluation.get("code")) == "micro"]
        if len(micro):
            m = micro.iloc[0]
            out["headline"] = (f"against human coding, the machine's codes had micro-averaged F1 {_cell(m.get('f1'))}, "
                               f"precision {_cell(m.get('precision'))} and recall {_cell(m.get('recall'))} "
                               f"(support {_cell(m.get('support'))} coded turns of {_cell(m.get('n_units'))} units)")
    return out


def _cell(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "\u2013"
    if isinstance(value, (float, np.floating)):
        return f"{value:.2f}"
    return str(value)


def caveats(comparison, quality, settings) -> list[str]:
    corpus = comparison.corpus
    attribute = primary_attribute(comparison, settings)
    rows = corpus[corpus["attribute"] == attribute]
    sizes = ", ".join(f"{r['group']}: {r['n_docs']} documents, {r['n_respondents']} respondents"
                      for _, r in rows.iterrows())
    out = [
        f"The material is a small, purposive qualitative sample ({sizes}). Shares describe what these "
        "people said; they are not estimates for all participants of the programme.",
        "Not mentioning a topic is not the same as disagreeing with it: interviews followed a guide, "
        "but not every question was asked of everyone in the same way.",
        "A focus group is one document; each participant counts once as a respondent. Intervals come from "
        "resampling whole documents, so they are wide when there are few documents.",
        f"Differences are tested on documents ({TEST_WORDS.get(comparison.settings.test)}) and corrected for the number of codes "
        "compared; with this few documents only large differences can be told apart from chance, and a "
        "difference that is not significant is not evidence that the groups are alike.",
    ]
    if quality.get("headline"):
        out.append(f"Coding was machine-assisted: {quality['headline']}.")
    else:
        out.append("Coding was machine-assisted; no agreement figures between machine and human coders were "
                   "supplied, so the accuracy of the coding is not shown in this report.")
    return out
