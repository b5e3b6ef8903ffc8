"""The report looked at, not only parsed: headless Chromium at 1280 and 390 px, and the PDF.
Skipped when Chromium is not installed (apt-get install -y chromium).

The page is rendered from a study of the sample's shape and size (five themes, quotes of the
length the compare stage keeps, contrary voices, suggestions, two groups and three roles), so
that what fits on a screen here fits on the real report's screen too. A *screen* is the viewport
height: 800 px at 1280 px wide, 844 px on a 390 px phone."""
from __future__ import annotations

import importlib

import numpy as np
import pandas as pd
import pytest

import browser
from pipeline.codebook import codebook_from_dict
from pipeline.stages.report.render import ReportSettings, render_report
from test_report import PROVENANCE

cmp = importlib.import_module("pipeline.stages.compare.differences")
pytestmark = pytest.mark.skipif(browser.chromium() is None,
                                reason="chromium is not installed (apt-get install -y chromium)")

THEMES = {  # theme: (English, Dutch), codes: (English, Dutch, share of respondent turns carrying it)
    ("motives", "Motives", "Motieven"): [("network", "Build a network", "Netwerk uitbouwen", .18),
                                        ("find_job", "Find a job", "Werk vinden", .12),
                                        ("language", "Learn Dutch", "Nederlands leren", .06)],
    ("process", "Mentoring process", "Verloop van de mentoring"): [
        ("matching", "Matching", "Matching", .2), ("follow_up", "Follow-up by the organisation",
                                                   "Opvolging door de organisatie", .12),
        ("contact", "Frequency of contact", "Frequentie van contact", .1)],
    ("benefits", "Benefits", "Meerwaarde"): [("network_access", "Access to the mentor's network",
                                              "Toegang tot het netwerk van de mentor", .15),
                                             ("employment", "Employment outcome", "Resultaat op de arbeidsmarkt", .13),
                                             ("confidence", "Confidence regained", "Zelfvertrouwen gewonnen", .08)],
    ("prerequisites", "Prerequisites for success", "Voorwaarden voor succes"): [
        ("sector_match", "Same-sector match", "Match in dezelfde sector", .14),
        ("clear_guidelines", "Clear guidelines and expectations", "Duidelijke richtlijnen en verwachtingen", .12),
        ("trust", "Trust and a personal click", "Vertrouwen en een persoonlijke klik", .07)],
    ("evaluation", "Overall evaluation", "Algemene evaluatie"): [
        ("positive", "Positive overall judgement", "Positief algemeen oordeel", .2),
        ("recommend", "Would (not) recommend", "Zou het (niet) aanraden", .16),
        ("limited_value", "Limited value", "Weinig meerwaarde", .09),
        ("suggestion", "Suggestion for improvement", "Suggestie ter verbetering", .16)],
}
BOOK = codebook_from_dict({"name": "policy", "version": "1.0", "languages": ["en", "nl"], "themes": [
    {"id": theme, "label": {"en": en, "nl": nl}, "definition": {"en": f"What respondents said on {en.lower()}.",
                                                               "nl": f"Wat respondenten zeiden over {nl.lower()}."},
     "codes": [{"id": f"{theme}.{code}", "label": {"en": cen, "nl": cnl}} for code, cen, cnl, _ in codes]}
    for (theme, en, nl), codes in THEMES.items()]})
WORDS = ("the first months were hard because nobody in my field knew me and my diploma was not recognised so "
         "my mentor helped me to write a new letter and we met every two weeks in a cafe near the station to talk "
         "about the sector, the people and the way companies here hire somebody who comes from abroad").split()


def policy_corpus(n_docs: int = 30, turns: int = 8, seed: int = 7) -> pd.DataFrame:
    """``n_docs`` interviews (two thirds mentees, one third mentors; half dual, half centralised
    pilots), each an interviewer and one respondent taking ``turns`` turns of 30 to 45 words,
    coded at random with the shares of ``THEMES`` (seeded)."""
    rng = np.random.default_rng(seed)
    codes = [(f"{theme}.{code}", share) for (theme, _, _), items in THEMES.items() for code, _, _, share in items]
    rows = []
    for d in range(n_docs):
        model, role = ("dual", "centralised")[d % 2], ("mentee", "mentee", "mentor")[d % 3]
        doc, speaker = f"{model[:3]}-{role}-{d:02d}", f"{role.capitalize()}-{d:02d}"
        for k in range(turns):
            start = int(rng.integers(0, len(WORDS) - 45))
            text = " ".join(WORDS[start:start + int(rng.integers(30, 46))]).capitalize() + "."
            given = ";".join(c for c, share in codes if rng.random() < share)
            for turn, who, words, coded in ((2 * k + 1, "Interviewer", "And how was that for you?", ""),
                                            (2 * k + 2, speaker, text, given)):
                rows.append({"segment_id": f"{doc}:{turn}", "doc_id": doc, "turn": turn, "speaker": who,
                             "speaker_role": "interviewer" if who == "Interviewer" else "respondent",
                             "text": words, "codes": coded, "model": model, "role": role, "method": "interview",
                             "pilot": f"{model}-{d % 4}", "coded_by": "" if who == "Interviewer" else "rule@0.1.0"})
    return pd.DataFrame(rows)


PHRASES = {"en": {"model=dual": "dual pilots", "model=centralised": "centralised pilots", "role=mentee": "mentees",
                  "role=mentor": "mentors"},
           "nl": {"model=dual": "duale pilots", "model=centralised": "gecentraliseerde pilots",
                  "role=mentee": "mentees", "role=mentor": "mentoren"}}


@pytest.fixture(scope="module", params=["en", "nl"])
def page(request) -> str:
    frame = policy_corpus()
    comparison = cmp.compare(frame, None, BOOK, cmp.CompareSettings(n_boot=200, n_perm=200))
    settings = ReportSettings(title="Comparison of implementation models: what participants say",
                              language=request.param, recommendation_codes=["evaluation.suggestion"],
                              contrary={"evaluation.positive": ["evaluation.limited_value"]},
                              phrases=PHRASES[request.param])
    return render_report(comparison, BOOK, settings, segments=frame, provenance=PROVENANCE)


def test_the_page_is_of_the_sample_reports_shape(page):
    import lxml.html

    doc = lxml.html.fromstring(page)
    kinds = doc.xpath("//ol[@class='key-findings']/li/@data-kind")
    assert kinds[:3] == ["theme", "suggestions", "groups"] and kinds.count("theme") == 4, kinds
    first = doc.xpath("//ol[@class='key-findings']/li")[0]
    assert len(first.xpath(".//blockquote")) == 2 and first.xpath(".//p[@class='contrary']")
    assert min(len(q.text_content()) for q in first.xpath(".//blockquote/p")) > 150


@pytest.mark.parametrize("width,height", [(1280, 800), (390, 844)])
def test_no_overflow_figures_described_and_first_two_screens(page, width, height, tmp_path):
    found = browser.layout(page, width, height, tmp_path)
    assert found["overflow"] == [], found["overflow"][:5]
    assert found["scroll_width"] <= width
    assert found["figures"] and all(f["alt"] > 20 and f["caption"] for f in found["figures"])
    first = found["first_screen"]
    assert first["title"] < first["heading"] < first["finding"] <= first["height"]
    # "what should we change?" is answered within the first two screens, phone included
    assert first["suggestions"] <= 2 * first["height"], first


def test_printed_pages_hold_every_element(page, tmp_path):
    """The page with its print style and every block open, at the width of an A4 page: nothing
    wider than the paper (a scrolling box would be cut off on paper, so it counts too)."""
    found = browser.layout(browser.as_printed(page), browser.PRINT_WIDTH, 1000, tmp_path)
    assert found["overflow"] == [], found["overflow"][:5]


def test_pdf_is_printed(page, tmp_path):
    from pipeline.stages.report.pdf import html_to_pdf

    html = tmp_path / "index.html"
    html.write_text(page, encoding="utf-8")
    pdf = html_to_pdf(html)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 20_000
    assert data.count(b"/Type /Page") - data.count(b"/Type /Pages") >= 2
