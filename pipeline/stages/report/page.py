"""The top of the report and its appendix, in the report's language (:mod:`pipeline.stages.report.texts`):
title and lead, key findings (:mod:`pipeline.stages.report.keyfindings`), the comparison picture,
the recommendations (:mod:`pipeline.stages.report.suggestions`), methods and limits in plain words,
and provenance as a table of relative paths and short hashes.
"""
from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

import pandas as pd

from pipeline.stages.report.charts import prevalence_chart
from pipeline.stages.report.keyfindings import EVERYONE, key_findings, label
from pipeline.stages.report.suggestions import recommendations
from pipeline.stages.report.summary import Phrases, primary_attribute
from pipeline.stages.report.texts import Texts, capital, texts

HASH_CHARS = 12


def title_of(settings, description: str = "", name: str = "", language: str | Texts = "en") -> str:
    """``report.title``, else the study description's first sentence, else its name, with "what
    participants said" (in the study's words: "what the passages say")."""
    if settings.title:
        return settings.title
    head = (description or "").strip().split(". ")[0].strip().rstrip(".")
    subject = head if head and len(head) <= 110 else (name or "the study").replace("_", " ")
    tail = (language if isinstance(language, Texts) else texts(language))["title_tail"]
    return f"{subject[:1].upper()}{subject[1:]}: {tail}"


def _groups(comparison, attribute: str) -> list[str]:
    prev = comparison.prevalence
    main = prev[(prev["attribute"] == attribute) & (prev["stratum"] == "all")]
    groups = sorted(main["group"].unique())
    if len(groups) == 2:
        ref = comparison.settings.reference.get(attribute)
        ref = ref if ref in groups else groups[0]
        groups = [g for g in groups if g != ref] + [ref]
    return groups


def picture(comparison, codebook, settings, t: Texts, words: Phrases) -> dict:
    """Themes and each theme's most mentioned code by group, one chart with intervals and n."""
    attribute = primary_attribute(comparison, settings)
    prev = comparison.prevalence
    compared = attribute != EVERYONE and (prev["attribute"] == attribute).any() and \
        len(_groups(comparison, attribute)) > 1
    attr = attribute if compared else EVERYONE
    groups = _groups(comparison, attr)
    main = prev[(prev["attribute"] == attr) & (prev["stratum"] == "all")]
    overall = prev[prev["attribute"] == EVERYONE]
    keep = []
    for theme in codebook.theme_ids:
        row = overall[(overall["level"] == "theme") & (overall["code"] == theme)]
        if not len(row) or int(row.iloc[0]["respondents_mentioning"]) == 0:
            continue
        codes = overall[(overall["level"] == "code") & (overall["theme"] == theme)].sort_values(
            "respondents_mentioning", ascending=False, kind="mergesort")
        keep.append(("theme", theme))
        if len(codes) and int(codes.iloc[0]["respondents_mentioning"]) > 0:
            keep.append(("code", codes.iloc[0]["code"]))
    parts = []
    for level, code in keep:
        rows = main[(main["level"] == level) & (main["code"] == code)].copy()
        name = label(codebook, code, settings.language)
        rows["label"] = t["theme_row"].format(label=name) if level == "theme" else f"\u2013 {name}"
        rows["bold"] = level == "theme"
        parts.append(rows)
    if not parts:
        return {"available": False}
    rows = pd.concat(parts, ignore_index=True)
    labels = {g: (t["everyone"] if g == "all" else words.label(attr, g)) for g in groups}
    title = t["comparison_picture" if compared else "description_picture"]
    uri, alt = prevalence_chart(rows, groups, attr, title, comparison.settings.ci, labels=labels, texts=t)
    head = t["alt"].split("{title}")[0] + title + "."  # "Bar chart: <title>." said better by picture_alt
    alt = t["picture_alt"] + "." + (alt[len(head):] if alt.startswith(head) else " " + alt)
    return {"available": True, "chart": uri, "alt": alt.replace("\u2013 ", ""),
            "caption": t["picture_caption"].format(ci=f"{comparison.settings.ci:.0%}"), "compared": compared}


def short_path(path: str, root: str | None) -> str:
    """A path relative to the study folder (``root``), else its last two parts; never absolute."""
    p = PurePosixPath(str(path).replace("\\", "/"))
    if root:
        try:
            return str(p.relative_to(PurePosixPath(str(root).replace("\\", "/"))))
        except ValueError:
            pass
    return str(PurePosixPath(*p.parts[-2:])) if p.is_absolute() else str(p)


def _is_hash(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)


def provenance_rows(provenance: dict | None, root: str | None = None, t: Texts | None = None) -> dict[str, list]:
    """``{"files": [(path, short hash)], "items": [(words, value, key)]}``: every file hash of the
    record under its path relative to the study (first 12 hex digits), and the date, study,
    codebook, seeds and package versions as items: the key path in the words of ``t``'s language
    beside the key as provenance.json spells it. Settings are left out (they are in provenance.json)."""
    names = (t or texts("en"))["prov_words"]
    files: dict[str, str] = {}
    items: list[tuple[str, str]] = []

    def walk(data: Any, keys: tuple[str, ...]) -> None:
        if isinstance(data, dict):
            for key, value in data.items():
                walk(value, (*keys, str(key)))
            return
        last = keys[-1] if keys else ""
        if _is_hash(data):
            name = last.split("/", 1)[1] if last.startswith("human_codings/") else last
            files.setdefault(short_path(name, root), data[:HASH_CHARS])
        elif "settings" not in keys and (keys[:1] in (("packages",), ("versions",), ("seeds",)) or last in
                                         ("date", "seed", "study", "name", "version", "content_version", "coder")):
            words = [names.get(k, k.replace("_", " ")) for k in keys]
            items.append((capital(" › ".join(words)), str(data), " › ".join(keys)))

    walk(provenance or {}, ())
    return {"files": sorted(files.items()), "items": items}


def methods_plain(comparison, codebook, segments, t: Texts) -> list[str]:
    corpus = comparison.corpus
    total = corpus[corpus["attribute"] == EVERYONE].iloc[0]
    prev = comparison.prevalence
    n_cases = int(prev[prev["attribute"] == EVERYONE]["n_docs"].max()) if len(prev) else int(total["n_docs"])
    coding = t["coding_rule"]
    if segments is not None and "coded_by" in segments.columns:
        resp = segments[segments["speaker_role"] == "respondent"]["coded_by"].fillna("").astype(str)
        human = int(resp.str.startswith("human").sum())
        if human:
            coding = t["coding_human"].format(human=human, machine=int(((resp != "") & ~resp.str.startswith("human")).sum()))
    fields = {"n_docs": int(total["n_docs"]), "n_cases": n_cases, "n_resp": int(total["n_respondents"]),
              "codebook": f"{codebook.name} {codebook.version}", "n_codes": len(codebook.code_ids),
              "n_themes": len(codebook.theme_ids), "coding": coding}
    return [s.format(**fields) for s in t["methods_plain"]]


def top_context(comparison, codebook, settings, t: Texts, segments=None, provenance=None,
                study_text: dict | None = None) -> dict:
    words = Phrases(settings.phrases, texts(settings))
    study_text = study_text or {}
    rec = recommendations(segments, comparison, codebook, settings, t)
    findings = key_findings(comparison, codebook, settings, t, words, rec)
    pic = picture(comparison, codebook, settings, t, words)
    prev = comparison.prevalence
    total = comparison.corpus[comparison.corpus["attribute"] == EVERYONE].iloc[0]
    n_cases = int(prev[prev["attribute"] == EVERYONE]["n_docs"].max()) if len(prev) else int(total["n_docs"])
    attribute = primary_attribute(comparison, settings)
    compared = pic.get("compared", False)
    versus = t.join([words.group(attribute, g) for g in _groups(comparison, attribute)]) if compared else ""
    lead = t["lead_compare" if compared else "lead_describe"].format(
        n_resp=int(total["n_respondents"]), n_cases=n_cases, n_docs=int(total["n_docs"]), versus=versus)
    return {"title": title_of(settings, study_text.get("description", ""), study_text.get("name", ""), t),
            "lead": lead, "key_findings": findings, "picture": pic, "recommendations": rec, "t": t, "texts": t,
            "compared": compared,
            "methods_plain": methods_plain(comparison, codebook, segments, t) + ([] if rec["available"] else [rec["note"]]),
            "provenance_table": provenance_rows(provenance, study_text.get("root"), t)}


__all__ = ["by_whom", "methods_plain", "picture", "provenance_rows", "short_path", "title_of", "top_context"]


def by_whom(comparison, codebook, settings, t: Texts, theme: str) -> dict:
    """``{"who": sentence, "rare": [flags]}`` of one theme: respondents raising it per group of the
    first ``within`` attribute (else of the compared attribute), and its rare codes."""
    from pipeline.stages.report.keyfindings import rare_codes

    words = Phrases(settings.phrases, texts(settings))
    prev = comparison.prevalence
    attribute = (comparison.settings.within or [primary_attribute(comparison, settings)])[0]
    rows = prev[(prev["attribute"] == attribute) & (prev["stratum"] == "all") & (prev["level"] == "theme")
                & (prev["code"] == theme) & (prev["n_respondents"] > 0)]
    parts = [t["by_whom_part"].format(x=int(r["respondents_mentioning"]), n=int(r["n_respondents"]),
                                      count_of=words.count_of(attribute, r["group"]),
                                      group=words.group(attribute, r["group"]))
             for _, r in rows.sort_values("n_respondents", ascending=False, kind="mergesort").iterrows()]
    rare = [t["rare_flag"].format(x=n, **t.plural(n)) + f" \u2013 \u2018{label(codebook, c, settings.language)}\u2019"
            for c, n in rare_codes(comparison, codebook, settings) if codebook.theme_of(c) == theme]
    return {"who": t["by_whom"].format(parts=t.join(parts)) if len(parts) > 1 else "", "rare": rare}
