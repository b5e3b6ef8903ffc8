"""Key findings: 5 to 8 plain-language statements generated from the compare tables by rules.

Nothing is invented beyond the tables. The rules (the order on the page is the order of the
questions a reader brings: what was said most, what should change, whether the set-up matters,
then the rest; see :func:`key_findings`):

1. **Themes** raised by most respondents (``prevalence`` of the whole corpus, theme level, largest
   share first; ``report.key_themes`` of them): "Most respondents spoke of <theme>, chiefly <its
   two most mentioned codes>", the evidence in words and numbers (x of n respondents, share and
   interval, d of D cases), one or two pseudonymised quotes of the theme's top code from the
   framework matrix (human-coded first, from different cases), and the **contrary voices**: codes
   the study names as contrary to one of the theme's codes (``report.contrary``) that someone
   raised, with their counts.
2. **Suggestions**: when the study marks recommendation codes (``report.recommendation_codes``),
   how many raised one and what the suggestions were most often about (the other codes on the
   same passages).
3. **Groups**: one sentence on the largest difference between the compared groups in the largest
   population where every group has ``compare.min_group_docs`` cases, with its adjusted p-value
   and the caveat; or that there is one group, so nothing is compared.
4. **Rare voices**: codes raised by at most ``report.rare_max`` respondents (but by someone).

Each finding is ``{"statement", "evidence", "quotes": [{"quote", "segment_id", "speaker"}],
"contrary": [str], "link", "kind"}``; ``kind`` is ``theme``, ``suggestions``, ``groups`` or ``rare``.
"""
from __future__ import annotations

import pandas as pd

from pipeline.schemas import split_codes
from pipeline.stages.report.texts import Texts

EVERYONE = "(all)"


def label(codebook, code_id: str, language: str) -> str:
    try:
        return codebook.code(code_id).text("label", language)
    except KeyError:
        return code_id


def strength(t: Texts, share: float) -> str:
    """Words for a share of respondents: all (100%), nearly all (>= 90%), most (>= 60%), many
    (>= 40%), some (>= 20%), a few."""
    for bound, key in ((1.0, "all"), (0.9, "nearly_all"), (0.6, "most"), (0.4, "many"), (0.2, "some")):
        if share >= bound:
            return t[f"strength_{key}"]
    return t["strength_few"]


def everyone(prevalence: pd.DataFrame) -> pd.DataFrame:
    return prevalence[prevalence["attribute"] == EVERYONE]


def _sorted(rows: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    rank = {c: i for i, c in enumerate(order)}
    rows = rows.assign(_o=rows["code"].map(rank).fillna(len(rank)))
    return rows.sort_values(["respondents_mentioning", "_o"], ascending=[False, True], kind="mergesort")


def evidence(t: Texts, row: pd.Series, ci: float) -> str:
    low = row.get("respondents_low", float("nan"))
    high = row.get("respondents_high", float("nan"))
    return t["evidence"].format(x=int(row["respondents_mentioning"]), n=int(row["n_respondents"]),
                                share=t.pct(row["share_respondents"]), ci=f"{ci:.0%}",
                                low=t.pct(low).rstrip("%"), high=t.pct(high), d=int(row["docs_mentioning"]),
                                D=int(row["n_docs"]))


def quotes_for(framework: pd.DataFrame, code: str, theme: str, n: int = 2) -> list[dict]:
    """Up to ``n`` quotes of passages carrying ``code`` (else the theme), human-coded first, then
    anchored, then by score, one per case."""
    rows = framework[framework["theme"] == theme]
    if not len(rows):
        return []
    has = split_codes(rows["codes"]).map(lambda codes: code in codes)
    rows = rows.assign(_has=has.astype(int), _human=(rows["source"] == "human").astype(int),
                       _anch=rows.get("anchored", pd.Series(False, index=rows.index)).astype(bool).astype(int),
                       _score=pd.to_numeric(rows["score"], errors="coerce").fillna(-1.0))
    rows = rows.sort_values(["_has", "_human", "_anch", "_score", "segment_id"],
                            ascending=[False, False, False, False, True], kind="mergesort")
    rows = rows.drop_duplicates("doc_id").head(n)
    return [{"quote": r["quote"], "segment_id": r["segment_id"], "speaker": r["speaker"]}
            for _, r in rows.iterrows()]


def contrary_voices(t: Texts, prev: pd.DataFrame, codebook, codes: list[str], contrary: dict[str, list[str]],
                    language: str) -> list[str]:
    out = []
    for code in codes:
        for other in contrary.get(code, []):
            row = prev[(prev["level"] == "code") & (prev["code"] == other)]
            if len(row) and int(row.iloc[0]["respondents_mentioning"]) > 0:
                r = row.iloc[0]
                x, d = int(r["respondents_mentioning"]), int(r["docs_mentioning"])
                words = t.counts(x, d)
                out.append(t["contrary"].format(x=x, d=d, label=f"\u2018{label(codebook, other, language)}\u2019",
                                                **words))
    return list(dict.fromkeys(out))


def theme_findings(comparison, codebook, settings, t: Texts) -> list[dict]:
    prev = everyone(comparison.prevalence)
    ci = comparison.settings.ci
    language = settings.language
    contrary = _symmetric(settings.contrary)
    themes = _sorted(prev[(prev["level"] == "theme") & (prev["respondents_mentioning"] > 0)], codebook.theme_ids)
    rec = set(recommendation_codes(codebook, settings))
    out = []
    for _, theme in themes.head(settings.key_themes).iterrows():
        codes = _sorted(prev[(prev["level"] == "code") & (prev["theme"] == theme["code"])
                             & (prev["respondents_mentioning"] > 0) & ~prev["code"].isin(rec)], codebook.code_ids)
        top = list(codes["code"].head(2))
        names = [f"\u2018{label(codebook, c, language)}\u2019 ({int(r['respondents_mentioning'])})"
                 for c, (_, r) in zip(top, codes.head(2).iterrows())]
        fields = {"Strength": _cap(strength(t, theme["share_respondents"])),
                  "theme": f"\u2018{label(codebook, theme['code'], language)}\u2019", "codes": t.join(names) if names else ""}
        statement = t["theme_statement" if names else "theme_statement_one"].format(**fields)
        # contrary voices of the codes stated, leaving out the codes the statement names itself
        contra = {c: [o for o in contrary.get(c, []) if o not in top] for c in top}
        out.append({"statement": statement, "evidence": evidence(t, theme, ci),
                    "quotes": quotes_for(comparison.framework_matrix, top[0] if top else theme["code"],
                                         theme["code"], settings.key_quotes),
                    "contrary": contrary_voices(t, prev, codebook, top, contra, language),
                    "link": f"theme-{theme['code']}", "more": label(codebook, theme["code"], language), "kind": "theme"})
    return out


def _symmetric(contrary: dict[str, list[str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for code, others in contrary.items():
        for other in others:
            out.setdefault(code, []).append(other)
            out.setdefault(other, []).append(code)
    return {k: list(dict.fromkeys(v)) for k, v in out.items()}


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def recommendation_codes(codebook, settings) -> list[str]:
    """Leaf codes the study marks as recommendations (a theme or parent stands for its codes)."""
    out = []
    for code_id in settings.recommendation_codes:
        try:
            node = codebook.code(code_id)
        except KeyError:
            continue
        out += [c.id for c, _, _ in node.walk() if not c.codes]
    return list(dict.fromkeys(out))


def _plain_finding(statement: str, kind: str, link: str = "", more: str = "") -> dict:
    return {"statement": statement, "evidence": "", "quotes": [], "contrary": [], "link": link, "more": more,
            "kind": kind}


def group_finding(comparison, codebook, settings, t: Texts, words) -> dict | None:
    """One sentence on whether the compared groups differ (rule 3 of the module docstring)."""
    from pipeline.stages.report.summary import _biggest, populations, primary_attribute

    attribute = primary_attribute(comparison, settings)
    diffs = comparison.differences
    if attribute == EVERYONE:  # one group: the lead says so, and no finding repeats it
        return None
    if not len(diffs) or not (diffs["attribute"] == attribute).any():
        return _plain_finding(t["diff_untested"].format(groups=attribute, m=comparison.settings.min_group_docs),
                              "groups", "differences", t["summary_details"])
    pops = populations(comparison, attribute)
    groups = pops["groups"].iloc[0] if len(pops) else []
    names = t.join([words.group(attribute, g) for g in groups]) if groups else attribute
    untested = _plain_finding(t["diff_untested"].format(groups=names, m=comparison.settings.min_group_docs),
                              "groups", "differences", t["summary_details"])
    chosen = pops[pops["qualifies"].astype(bool)]
    if not len(chosen):
        return untested
    top = _biggest(comparison, attribute, chosen.iloc[0]["stratum"], 1)
    if not len(top):
        return untested
    r = top.iloc[0]
    item = f"\u2018{label(codebook, r['code'], settings.language)}\u2019"
    cases = ("n_cases_a", "n_cases_b") if "n_cases_a" in r.index else ("n_docs_a", "n_docs_b")
    fields = {"groups": names, "item": item, "Item": _cap(item), "sa": t.pct(r["share_a"]), "sb": t.pct(r["share_b"]),
              "p": t.p_is(r["p_adjusted"]), "da": int(r[cases[0]]), "db": int(r[cases[1]]),
              "xa": int(r["respondents_mentioning_a"]), "na": int(r["n_respondents_a"]),
              "xb": int(r["respondents_mentioning_b"]), "nb": int(r["n_respondents_b"]),
              "ga": words.group(attribute, r["group_a"]), "gb": words.group(attribute, r["group_b"])}
    # more than two groups: say which two the numbers are, beside them
    fields["extremes"] = t["extremes"].format(n=len(groups)) if r.get("contrast") == "highest - lowest" else ""
    text = t["diff_sig" if r["significant"] else "diff_none"].format(**fields)
    return _plain_finding(text, "groups", "differences", t["summary_details"])


def rare_codes(comparison, codebook, settings) -> list[tuple[str, int]]:
    """``(code, respondents)`` of codes raised by at least one and at most ``report.rare_max``
    respondents, in codebook order."""
    prev = everyone(comparison.prevalence)
    rows = prev[(prev["level"] == "code") & (prev["respondents_mentioning"] > 0)
                & (prev["respondents_mentioning"] <= settings.rare_max)]
    order = {c: i for i, c in enumerate(codebook.code_ids)}
    rows = rows.assign(_o=rows["code"].map(order)).sort_values("_o")
    return [(c, int(n)) for c, n in zip(rows["code"], rows["respondents_mentioning"])]


def rare_finding(comparison, codebook, settings, t: Texts) -> dict | None:
    rare = rare_codes(comparison, codebook, settings)
    if not rare:
        return None
    items = [f"\u2018{label(codebook, c, settings.language)}\u2019 ({n})" for c, n in rare[:4]]
    return _plain_finding(t["rare"].format(items=t.join(items)), "rare", "themes", t["themes"])


def key_findings(comparison, codebook, settings, t: Texts, words, recommendation: dict | None) -> list[dict]:
    """5 to 8 findings (fewer only when the material has fewer themes), at most
    ``report.max_key_findings``, in the order of a reader's questions: the theme raised by most
    respondents (does it work?), the suggestions (what should change?), the groups (does the
    set-up matter?), the other themes, the rare voices. So the answer to "what should we change?"
    stands second, on the first screen or the next one, however long the first finding is."""
    themes = theme_findings(comparison, codebook, settings, t)
    out = themes[:1]
    if recommendation and recommendation.get("finding"):
        out.append(recommendation["finding"])
    groups = group_finding(comparison, codebook, settings, t, words)
    out += ([groups] if groups else []) + themes[1:]
    rare = rare_finding(comparison, codebook, settings, t)
    if rare is not None:
        out.append(rare)
    return out[: settings.max_key_findings]


__all__ = ["contrary_voices", "evidence", "group_finding", "key_findings", "quotes_for", "rare_codes",
           "recommendation_codes", "strength", "theme_findings"]
