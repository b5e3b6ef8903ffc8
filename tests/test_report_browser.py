"""The report looked at, not only parsed: headless Chromium at 1280 and 390 px, and the PDF.
Skipped when Chromium is not installed (apt-get install -y chromium)."""
from __future__ import annotations

import importlib

import pytest

import browser
from pipeline.stages.report.render import ReportSettings, render_report
from test_compare import BOOK
from test_report import FAST, PROVENANCE, corpus

cmp = importlib.import_module("pipeline.stages.compare.differences")
pytestmark = pytest.mark.skipif(browser.chromium() is None,
                                reason="chromium is not installed (apt-get install -y chromium)")


@pytest.fixture(scope="module", params=["en", "nl"])
def page(request) -> str:
    frame = corpus()
    comparison = cmp.compare(frame, None, BOOK, FAST)
    settings = ReportSettings(title="Mentoring: dual and centralised pilots", language=request.param,
                              recommendation_codes=["evaluation"])
    return render_report(comparison, BOOK, settings, segments=frame, provenance=PROVENANCE)


@pytest.mark.parametrize("width,height", [(1280, 800), (390, 844)])
def test_no_overflow_figures_described_and_first_screen(page, width, height, tmp_path):
    found = browser.layout(page, width, height, tmp_path)
    assert found["overflow"] == [], found["overflow"][:5]
    assert found["scroll_width"] <= width
    assert found["figures"] and all(f["alt"] > 20 and f["caption"] for f in found["figures"])
    first = found["first_screen"]
    assert first["title"] < first["heading"] < first["finding"] <= first["height"]


def test_pdf_is_printed(page, tmp_path):
    from pipeline.stages.report.pdf import html_to_pdf

    html = tmp_path / "index.html"
    html.write_text(page, encoding="utf-8")
    pdf = html_to_pdf(html)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 20_000
    assert data.count(b"/Type /Page") - data.count(b"/Type /Pages") >= 2
