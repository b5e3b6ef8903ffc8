"""The HTML report: findings from the tables, self-contained, accessible, deterministic."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import lxml.html
import numpy as np
import pandas as pd
import pytest

from pipeline.stages.compare import differences as cmp
from pipeline.stages.report.render import ReportSettings, render_report
from test_compare import BOOK, separated, small

FAST = cmp.CompareSettings(n_boot=300, n_perm=300)
PROVENANCE = {
    "date": "2018-06-30",
    "codebook": {"name": "mini", "version": "1.0"},
    "inputs": {"manifest.csv": "3f2a" + "0" * 60, "transcripts/d1.txt": "9be1" + "1" * 60},
    "seeds": {"compare": 42},
    "versions": {"pandas": "3.0.0", "scipy": "1.17.1"},
}


def corpus() -> pd.DataFrame:
    frame = pd.concat([separated(6), small()], ignore_index=True)
    frame["secret_note"] = "Johanna Verbeke"  # not text, not speaker: must never appear in the report
    frame["coded_by"] = np.where(frame["speaker_role"] == "respondent", "rule@0.1.0", "")
    return frame


def render(**kwargs) -> str:
    frame = corpus()
    comparison = cmp.compare(frame, None, BOOK, FAST)
    settings = kwargs.pop("settings", ReportSettings(title="Mentoring: dual and centralised pilots"))
    return render_report(comparison, BOOK, settings, segments=frame, provenance=PROVENANCE, **kwargs)


@pytest.fixture(scope="module")
def html() -> str:
    return render()


def test_summary_states_finding_with_numbers_and_uncertainty(html):
    doc = lxml.html.fromstring(html)
    summary = doc.xpath("//section[@aria-labelledby='summary']")[0]
    # first the overall picture: what all respondents, then the largest role group, said most
    picture = [li.text_content() for li in summary.xpath(".//ul[@class='picture']/li")]
    assert picture[0].startswith("All respondents (18 respondents in 16 cases): the codes mentioned most often "
                                 "were \u2018Positive\u2019 (8 of 18, 44%; 95% CI")
    assert picture[2].startswith("Respondents in the mentee group, the largest group (16 respondents in 15 cases)")
    # then the differences, largest first, in populations where both groups have >= 5 documents
    findings = [li.text_content() for li in doc.xpath("//ul[@class='findings']/li")]
    top = findings[0]
    # 6 dual + 2 dual respondents of small() -> the disappointment code: 6 of 10 dual respondents vs 0 of 8
    assert top.startswith("\u2018Network disappointment\u2019: 6 of 10 respondents in the dual group (60%; 95% CI")
    assert "against 0 of 8 in the centralised group (0%; 95% CI 0\u201332%)" in top  # Wilson, not 0-0%
    assert "Difference +60 percentage points, 95% CI" in top
    assert "Unlikely to be chance alone (adjusted p = " in top
    assert any("This could be chance" in f for f in findings[1:])
    headings = [h.text_content() for h in summary.xpath(".//h4")]
    assert headings[:2] == ["All respondents: 10 in the dual group (8 cases), 8 in the centralised group "
                            "(8 cases)", "Respondents in the mentee group: 9 in the dual group (8 cases), "
                            "7 in the centralised group (7 cases)"]
    # mentors (1 document per group) only in the collapsed block, with the reason
    smaller = summary.xpath(".//details[@class='smaller']")[0].text_content()
    assert "Respondents in the mentor group: 1 in the dual group (1 case)" in smaller
    assert "too few to tell a difference from chance" in smaller
    assert not any("mentor" in f for f in findings)
    assert "0\u20130%" not in html and "100\u2013100%" not in html
    assert "Limits: what this comparison can and cannot say" in html
    assert "no agreement figures between machine and human coders were supplied" in html


def test_phrases_name_the_groups():
    settings = ReportSettings(phrases={"model=dual": "dual pilots", "model=centralised": "centralised pilots",
                                       "role=mentee": "mentees", "role=mentor": "mentors"})
    doc = lxml.html.fromstring(render(settings=settings))
    summary = doc.xpath("//section[@aria-labelledby='summary']")[0].text_content()
    assert "16 documents with 18 respondents (16 mentees, 2 mentors)" in summary
    assert "Differences between dual pilots and centralised pilots" in summary
    assert "Mentees: 9 in dual pilots (8 cases), 7 in centralised pilots (7 cases)" in summary
    assert "6 of 9 mentees in dual pilots (67%" in summary
    assert "group" not in " ".join(doc.xpath("//ul[@class='findings']/li/text()"))
    assert "Network disappointment: Dual pilots 60% (6 of 10" in doc.xpath("//section[@aria-labelledby='themes']//img")[1].get("alt")


def test_self_contained_and_accessible(html):
    doc = lxml.html.fromstring(html)
    assert doc.get("lang") == "en"
    assert len(doc.xpath("//h1")) == 1
    levels = [int(h.tag[1]) for h in doc.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels
    assert len(doc.xpath("//img")) == len(BOOK.themes) + 1  # the comparison picture, then one per theme
    assert doc.xpath("//section[@aria-labelledby='picture']//figure/img")
    images = doc.xpath("//section[@aria-labelledby='themes']//img")
    for img in images:
        assert img.get("alt", "").strip(), "every figure needs alt text"
        assert img.get("src").startswith("data:image/svg+xml;base64,")
    assert "Network disappointment: Dual 60% (6 of 10, 95% CI" in images[1].get("alt")  # a group value as a label
    refs = [el.get(a) for el in doc.iter() for a in ("src", "href") if el.get(a) is not None]
    refs += re.findall(r"url\(\s*['\"]?([^)'\"]*)", html)
    for ref in refs:
        assert not re.match(r"\s*(https?:|//|ftp:)", ref, re.I), ref
        assert ref.startswith(("#", "data:image/")), ref
    assert not doc.xpath("//link|//script")
    assert all(th.get("scope") in ("col", "row") for th in doc.xpath("//th"))
    assert doc.xpath("//a[@class='skip'][@href='#main']") and doc.xpath("//main[@id='main']")
    assert "@media print" in html


def test_quotes_are_the_text_only_and_provenance_is_listed(html):
    assert "Johanna" not in html
    assert "my mentor never opened any doors for me, honestly." in html
    assert "dua0:2" in html  # quotes carry their segment id
    section = lxml.html.fromstring(html).xpath("//section[@aria-labelledby='provenance']")[0].text_content()
    for text in ("3f2a00000000", "9be111111111", "scipy", "1.17.1", "2018-06-30", "manifest.csv", "transcripts/d1.txt"):
        assert text in section
    assert "3f2a" + "0" * 60 not in section  # hashes shortened; the full ones stay in provenance.json


def test_deterministic_bytes(html):
    assert render() == html


def test_missing_parts_are_sentences_and_present_parts_render():
    bare = render()
    assert "No topic model was fitted for this report" in bare
    assert "No agreement figures between coders were supplied" in bare
    topics = pd.DataFrame({"topic": [-1, 0, 1], "size": [3, 4, 2],
                           "label": ["outliers", "childcare, train", "network, doors"],
                           "top_words": ["x:0.1", "childcare:0.3; train:0.2; crèche:0.1", "network:0.4"],
                           "representatives": ["", "d1:2;d2:4", "dua0:2"]})
    flags = pd.DataFrame({"topic": [0, 1], "status": ["emergent", "matches_theme"], "theme": ["", "evaluation"]})
    agreement = pd.DataFrame([{"level": "overall", "code": "(pooled)", "theme": "", "coders": "ann, bob",
                               "n_units": 40, "percent_agreement": 0.9, "cohen_kappa": 0.71,
                               "krippendorff_alpha": 0.70}])
    evaluation = pd.DataFrame([{"level": "micro", "code": "(micro)", "n_units": 40, "support": 25,
                                "precision": 0.8, "recall": 0.6, "f1": 0.686, "kappa": 0.6}])
    full = render(topics=topics, topic_flags=flags, topic_info={"n_topics": 2, "embedding": "lsa"},
                  stability={"mean_ari": 0.83, "runs": pd.DataFrame({"seed": [1, 2], "ari": [0.8, 0.86]})},
                  agreement=agreement, evaluation=evaluation)
    doc = lxml.html.fromstring(full)
    topic_section = doc.xpath("//section[@aria-labelledby='topics']")[0].text_content()
    assert "Candidate theme: childcare, train" in topic_section and "childcare, train, crèche" in topic_section
    assert "Mentee-01 says something in turn 2 of d1" in topic_section
    assert "mean adjusted Rand index of 0.83" in full
    assert "micro-averaged F1 0.69" in full and "0.71" in full
    agreement_row = doc.xpath("//h3[@id='agreement']/following-sibling::table[1]//tbody/tr")[0]
    assert [c.text_content() for c in agreement_row] == ["overall", "(pooled)", "ann, bob", "40", "90%", "0.71",
                                                         "0.70"]  # % agreement as a percentage, not 0.90


def test_chromium_renders_the_report(tmp_path):
    chromium = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if Path(p).exists()), None)
    if chromium is None:
        pytest.skip("chromium is not installed (/usr/bin/chromium); apt-get install -y chromium")
    page = tmp_path / "index.html"
    page.write_text(render(), encoding="utf-8")
    flags = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]
    shot = tmp_path / "shot.png"
    subprocess.run(flags + [f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri()],
                   capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 20_000
    dom = subprocess.run(flags + ["--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert '<h2 id="summary">The numbers in detail</h2>' in dom.stdout
    assert '<h2 id="key-findings">Key findings</h2>' in dom.stdout
    assert shutil.which(chromium)


# -- summary rules on a small synthetic set of tables ---------------------------------------------
def synthetic(strata: dict, min_group_docs: int = 5) -> cmp.Comparison:
    """A Comparison made by hand: ``strata`` maps a stratum of ``model`` (groups dual, centralised)
    to ``(docs_dual, docs_centralised, resp_dual, resp_centralised, {code: (m_dual, m_cen, p_adj)})``."""
    prev, diffs = [], []
    for stratum, (da, db, ra, rb, codes) in strata.items():
        for code, (ma, mb, p) in codes.items():
            level = "theme" if "." not in code else "code"
            for group, d, n, m in (("dual", da, ra, ma), ("centralised", db, rb, mb)):
                prev.append({"attribute": "model", "stratum": stratum, "group": group, "level": level, "code": code,
                             "theme": code.split(".")[0], "n_docs": d, "n_respondents": n,
                             "respondents_mentioning": m, "share_respondents": m / n,
                             "respondents_low": max(0, m / n - 0.2), "respondents_high": min(1, m / n + 0.2)})
            diffs.append({"attribute": "model", "stratum": stratum, "level": level, "code": code,
                          "theme": code.split(".")[0], "groups": "dual, centralised", "contrast": "dual - centralised",
                          "group_a": "dual", "group_b": "centralised", "n_docs_a": da, "n_docs_b": db,
                          "respondents_mentioning_a": ma, "respondents_mentioning_b": mb, "n_respondents_a": ra,
                          "n_respondents_b": rb, "share_a": ma / ra, "share_b": mb / rb,
                          "difference": ma / ra - mb / rb, "diff_low": ma / ra - mb / rb - 0.3,
                          "diff_high": ma / ra - mb / rb + 0.3, "p_value": p, "p_adjusted": p,
                          "significant": bool(p < 0.05), "caution": ""})
    everyone = [{"attribute": "(all)", "stratum": "all", "group": "all", "level": "code", "code": c,
                 "theme": c.split(".")[0], "n_docs": 30, "n_respondents": 60, "respondents_mentioning": m,
                 "share_respondents": m / 60, "respondents_low": m / 60 - 0.1, "respondents_high": m / 60 + 0.1}
                for c, m in (("motives.network", 40), ("motives.find_job", 12), ("evaluation.positive", 20))]
    corpus = pd.DataFrame([{"attribute": "(all)", "group": "all", "n_docs": 30, "n_respondents": 60}])
    return cmp.Comparison(prevalence=pd.DataFrame(prev + everyone), differences=pd.DataFrame(diffs),
                          cooccurrence=pd.DataFrame(), framework_matrix=pd.DataFrame(), corpus=corpus,
                          settings=cmp.CompareSettings(within=[], min_group_docs=min_group_docs))


def test_summary_rules_on_synthetic_tables():
    from pipeline.stages.report import summary

    comparison = synthetic({
        "all": (12, 10, 30, 30, {"motives.network": (20, 14, 0.40), "motives.find_job": (3, 9, 0.30),
                                  "evaluation.positive": (10, 10, 1.0), "evaluation": (10, 10, 1.0)}),
        "role=mentee": (8, 6, 25, 20, {"motives.network": (20, 4, 0.01), "motives.find_job": (5, 5, np.nan)}),
        "role=mentor": (3, 2, 3, 2, {"motives.network": (3, 0, 0.9)}),          # too few documents
        "role=coordinator": (5, 5, 5, 5, {"motives.network": (1, 4, 0.5)}),    # enough, but smaller
    })
    settings = ReportSettings(phrases={"model=dual": "dual pilots", "role=mentee": "mentees"}, max_findings=2)
    pops = summary.populations(comparison, "model")
    assert list(pops["stratum"]) == ["all", "role=mentee", "role=coordinator", "role=mentor"]
    assert list(pops["qualifies"]) == [True, True, True, False]
    key = summary.key_differences(comparison, BOOK, settings)
    assert key["title"] == "Differences between dual pilots and the centralised group"
    assert [b["stratum"] for b in key["blocks"]] == ["all", "role=mentee"]  # the 2 largest that qualify
    assert "1 of the 5 differences tested is statistically significant" in key["lead"]
    everyone, mentees = key["blocks"]
    # biggest absolute difference first (network +20 pts, find_job -20 pts: the lower p first); a zero
    # difference is not a finding; two per population
    assert [s.split(":")[0] for s in everyone["sentences"]] == ["\u2018Find a job\u2019", "\u2018Build a network\u2019"]
    assert everyone["sentences"][0].startswith("\u2018Find a job\u2019: 3 of 30 respondents in dual pilots (10%; 95% CI "
                                               "0\u201330%) against 9 of 30 in the centralised group (30%")
    assert "Difference \u221220 percentage points, 95% CI \u221250 to +10. This could be chance (adjusted p = 0.30; " \
           "12 and 10 cases)." in everyone["sentences"][0]
    assert mentees["sentences"] == [
        "\u2018Build a network\u2019: 20 of 25 mentees in dual pilots (80%; 95% CI 60\u2013100%) against 4 of 20 in the "
        "centralised group (20%; 95% CI 0\u201340%). Difference +60 percentage points, 95% CI +30 to +90. Unlikely to "
        "be chance alone (adjusted p = 0.01), but the sample is small and not representative (8 and 6 cases)."]
    other = summary.other_differences(comparison, BOOK, settings)
    assert [b["stratum"] for b in other["blocks"]] == ["role=coordinator", "role=mentor"]
    assert other["blocks"][0]["note"] == "" and "Fewer than 5 cases" in other["blocks"][1]["note"]
    # no population with enough documents: the summary says so and lists no difference
    none = summary.key_differences(synthetic({"all": (3, 4, 5, 6, {"motives.network": (5, 0, 0.2)})}), BOOK, settings)
    assert none["blocks"] == [] and "No comparison of model groups has at least 5 cases" in none["lead"]
    # the overall picture: most mentioned codes of everyone, with "most" only above half
    picture = summary.overall_picture(comparison, BOOK, ReportSettings(top_codes=2))
    assert picture["items"][0] == ("All respondents (60 respondents in 30 cases): most (40 of 60, 67%; 95% CI "
                                   "57\u201377%) mentioned \u2018Build a network\u2019, followed by \u2018Positive\u2019 "
                                   "(20 of 60, 33%; 95% CI 23\u201343%).")
    words = summary.Phrases({"role=mentee": "mentees"})
    assert (words.group("model", "dual"), words.people("role", "focus_group"), words.stratum("role=mentee")) == (
        "the dual group", "respondents in the focus group group", "mentees")


def test_overall_picture_groups_ties_and_keeps_labels_whole():
    from pipeline.stages.report import summary

    comparison = synthetic({"all": (6, 6, 10, 10, {"motives.network": (5, 5, 1.0)})})
    everyone = comparison.prevalence
    rows = everyone["attribute"] == "(all)"
    everyone.loc[rows, "respondents_mentioning"] = [60, 60, 30]  # network and find_job: all 60
    everyone.loc[rows, "share_respondents"] = everyone.loc[rows, "respondents_mentioning"] / 60
    everyone.loc[rows, "respondents_low"] = everyone.loc[rows, "share_respondents"] - 0.1
    everyone.loc[rows, "respondents_high"] = (everyone.loc[rows, "share_respondents"] + 0.1).clip(upper=1)
    book = BOOK.model_copy(deep=True)
    book.themes[0].codes[1].label = {"en": "Find a job (any job)"}
    sentence = summary.overall_picture(comparison, book, ReportSettings(top_codes=3))["items"][0]
    assert sentence.startswith("All respondents (60 respondents in 30 cases): all (60 of 60, 100%; 95% CI ")
    assert "mentioned \u2018Build a network\u2019 and \u2018Find a job (any job)\u2019, followed by \u2018Positive\u2019 " \
           "(30 of 60, 50%; 95% CI 40\u201360%)." in sentence


#: English sentence stems that used to appear in the Dutch report, and their Dutch counterparts
ENGLISH_STEMS = {
    "could be chance": "kan toeval zijn",
    "Numbers and tests behind": "Cijfers en toetsen bij",
    "respondents in": "respondenten in",
    "The material is a small": "Het materiaal is een kleine",
    "A topic model grouped": "Een onderwerpmodel groepeerde",
    "adjusted p": "gecorrigeerde p",
    "What respondents said most": "Wat respondenten het vaakst zeiden",
    "Not mentioning a topic": "Een onderwerp niet aanhalen",
    "Shares count respondents (each speaker": "Aandelen tellen respondenten: elke spreker telt",
    "Agreement between coders": "Overeenstemming tussen codeerders",
    "Documents, turns, respondents and words per group": "Documenten, spreekbeurten, respondenten en woorden",
    "share of respondents who mentioned each code in": "aandeel respondenten dat elke code noemde, in",
    "Every respondent turn was coded against the codebook": "Elke spreekbeurt van een respondent werd gecodeerd",
}


@pytest.fixture(scope="module")
def html_nl() -> str:
    return render(settings=ReportSettings(title="Mentoring", language="nl"))


def _text(html: str) -> str:
    doc = lxml.html.fromstring(html)
    for quote in doc.xpath("//blockquote"):  # participants' own words stay as they were said
        quote.drop_tree()
    return " ".join(doc.text_content().split())


def test_dutch_report_has_no_english_sentences(html_nl, html):
    dutch, english = _text(html_nl), _text(html)
    for stem, dutch_stem in ENGLISH_STEMS.items():
        assert stem not in dutch, stem
        assert dutch_stem in dutch, dutch_stem
        assert stem in english, stem
    assert "95%-interval" in dutch and "95% CI" not in dutch
    # alt texts of the charts too
    alts = " ".join(lxml.html.fromstring(html_nl).xpath("//img/@alt"))
    assert "Bar chart" not in alts and "Staafdiagram" in alts


def test_dutch_cautions_and_numbers():
    from pipeline.stages.report.texts import texts

    # no 'geen enkel'/'elk' before a word the study may set: its gender is unknown ('elke passage')
    assert texts("nl").caution("not tested: no document mentions it; dual: only 3 document(s)",
                               {"dual": "Duale pilots"}) == "niet getoetst: geen document noemt het; Duale pilots: " \
                                                            "slechts 3 documenten"
    assert texts("nl").caution("mentor: only 1 document(s); not tested: every document mentions it") == \
        "mentor: slechts 1 document; niet getoetst: alle documenten noemen het"
    assert texts("en").caution("dual: share rests on 2 respondent(s)") == "dual: share rests on 2 respondent(s)"
    assert texts("nl").cell("0.71") == "0,71" and texts("en").cell("0.71") == "0.71"
    assert texts("nl").cell("coder_a") == "coder_a"
    assert (texts("nl").count(81809), texts("en").count(81809), texts("nl").count(1661)) == ("81.809", "81,809", "1661")


#: wording a Flemish reader found odd in the Dutch report, and what replaced it
FLEMISH = {"Raamwerkmatrix": "Frameworkmatrix", "zeldzame stem": "weinig gehoord", "Ondersteuning": "Menselijke codes",
           "andere seeds": "andere startwaarden (seeds)", "deden suggesties": "stelden veranderingen voor"}


def test_dutch_wording_as_a_flemish_reader_reads_it():
    frame = corpus()
    comparison = cmp.compare(frame, None, BOOK, FAST)
    settings = ReportSettings(language="nl", recommendation_codes=["evaluation.network_disappointment"], rare_max=8,
                              contrary={"evaluation.positive": ["evaluation.network_disappointment"]})
    evaluation = pd.DataFrame([{"level": "micro", "code": "(micro)", "n_units": 40, "support": 25, "precision": 0.8,
                                "recall": 0.6, "f1": 0.686, "kappa": 0.6, "setting": "stacked, 28 training documents"}])
    stability = {"mean_ari": 0.83, "runs": pd.DataFrame({"seed": [1, 2], "ari": [0.80123, 0.86]})}
    topics = pd.DataFrame({"topic": [0], "size": [4], "label": ["network"], "top_words": ["network:0.4"]})
    html = render_report(comparison, BOOK, settings, segments=frame, provenance=PROVENANCE, evaluation=evaluation,
                         stability=stability, topics=topics)
    text = _text(html)
    for odd, better in FLEMISH.items():
        assert odd not in text, odd
        assert better in text, better
    assert "hadden het over \u2018Network disappointment\u2019" in text and "zeiden: \u2018" not in text
    assert "stacked, 28 trainingsdocumenten" in text and "0,80 " in text and "0.80123" not in text


# -- key findings and suggestions ------------------------------------------------------------------


def _suggestion_segments() -> pd.DataFrame:
    from test_compare import seg

    rows = [  # a suggestion beside a positive judgement (same theme) and a motive (other theme) ...
        seg("d1", 1, "Mentee-01", "evaluation.positive;evaluation.network_disappointment;motives.network", "dual",
            "mentee", text="Good programme, but they should open the network sooner."),
        seg("d2", 1, "Mentee-02", "evaluation.network_disappointment;motives.network", "dual", "mentee"),
        seg("d3", 1, "Mentee-03", "evaluation.network_disappointment;motives.find_job", "centralised", "mentee"),
        seg("d4", 1, "Mentee-04", "evaluation.network_disappointment", "centralised", "mentee"),  # about nothing else
        seg("d5", 1, "Mentee-05", "evaluation.positive", "centralised", "mentee"),
        seg("d6", 1, "Mentee-06", "motives.network", "dual", "mentee"),
    ]
    return pd.DataFrame(rows)


def test_suggestions_are_grouped_by_other_themes_and_answer_second():
    from pipeline.stages.report.keyfindings import key_findings
    from pipeline.stages.report.suggestions import recommendations
    from pipeline.stages.report.summary import Phrases
    from pipeline.stages.report.texts import texts

    frame = _suggestion_segments()
    comparison = cmp.compare(frame, None, BOOK, FAST)
    settings = ReportSettings(recommendation_codes=["evaluation.network_disappointment"])
    rec = recommendations(frame, comparison, BOOK, settings, texts("en"))
    # grouped by what they are about: the other theme's codes, never the positive judgement beside them
    assert [g["count"] for g in rec["groups"]] == ["Build a network: 2 respondents in 2 cases",
                                                   "Find a job: 1 respondent in 1 case",
                                                   "Other suggestions: 1 respondent in 1 case"]
    assert rec["statement"] == ("4 of 6 respondents in 4 of 6 cases suggested changes, most often about "
                                "\u2018Build a network\u2019 (2) and \u2018Find a job\u2019 (1).")
    assert rec["groups"][0]["quotes"][0]["quote"] == "Good programme, but they should open the network sooner."
    findings = key_findings(comparison, BOOK, settings, texts("en"), Phrases(), rec)
    assert [f["kind"] for f in findings][:3] == ["theme", "suggestions", "groups"]
    assert findings[1]["statement"] == rec["statement"] and findings[1]["link"] == "recommendations"
    # two recommendation codes: a suggestion about nothing else is grouped under its own code
    both = settings.model_copy(update={"recommendation_codes": ["evaluation"]})
    labels = [g["label"] for g in recommendations(frame, comparison, BOOK, both, texts("en"))["groups"]]
    assert labels == ["Build a network", "Network disappointment", "Positive", "Find a job"]  # ties: by code id


def test_no_recommendation_codes_no_section_and_the_methods_say_why(html):
    doc = lxml.html.fromstring(html)
    assert not doc.xpath("//section[@aria-labelledby='recommendations']")
    assert "suggestions" not in doc.xpath("//ol[@class='key-findings']/li/@data-kind")
    methods = doc.xpath("//section[@aria-labelledby='methods']")[0].text_content()
    assert "No code is marked as a suggestion or recommendation (report.recommendation_codes" in methods


def test_one_group_reads_as_a_description_with_quotes():
    frame = corpus()
    comparison = cmp.compare(frame, None, BOOK, FAST.model_copy(update={"by": [], "within": []}))
    doc = lxml.html.fromstring(render_report(comparison, BOOK, ReportSettings(), segments=frame))
    text = _text(lxml.html.tostring(doc, encoding="unicode"))
    assert text.count("This study has one group") == 2  # the lead and the differences subsection, no key finding
    assert "groups" not in doc.xpath("//ol[@class='key-findings']/li/@data-kind")
    assert "(all)" not in text and "the all group" not in text
    assert "share of respondents who mentioned each code in the whole material" in text
    themes = doc.xpath("//section[@aria-labelledby='themes']")[0]
    assert themes.xpath(".//div[@class='quotes']//blockquote"), "quotes of every document in a one-group study"
    assert [p.text_content() for p in themes.xpath(".//div[@class='quotes']/div/p/strong")][:1] == ["All respondents"]


def test_all_respondents_is_said_as_all():
    from pipeline.stages.report.keyfindings import strength
    from pipeline.stages.report.texts import texts

    assert [strength(texts("en"), s) for s in (1.0, 0.97, 0.6, 0.1)] == [
        "all respondents", "nearly all respondents", "most respondents", "a few respondents"]


def test_p_values_read_as_sentences_say_them():
    """'adjusted p < 0.001', never 'adjusted p = < 0.001'; Dutch with a decimal comma."""
    from pipeline.stages.report.texts import texts

    en, nl = texts("en"), texts("nl")
    assert en.p_is(0.0004) == "< 0.001" and en.p_is(0.034) == "= 0.03" and en.p_is(0.0042) == "= 0.004"
    assert nl.p_is(0.25) == "= 0,25" and nl.p_is(0.00001) == "< 0,001"
    for t in (en, nl):
        for key in ("diff_unlikely", "diff_chance"):
            sentence = t[key].format(p=t.p_is(0.0001), docs="")
            assert "p < 0" in sentence and "= <" not in sentence
