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

from pipeline import compare as cmp
from pipeline.report import ReportSettings, render_report
from test_compare import BOOK, seg, separated, small

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
    findings = [li.text_content() for li in doc.xpath("//ul[@class='findings']/li")]
    top = findings[0]
    # 6 dual + 2 dual respondents of small() -> the disappointment code: 6 of 10 dual respondents vs 0 of 8
    assert "6 of 10 respondents in the \u2018dual\u2019 group mentioned \u2018Network disappointment\u2019 (60%, 95% CI" in top
    assert "against 0 of 8 in the \u2018centralised\u2019 group (0%" in top
    assert "unlikely to be chance alone (adjusted p = " in top
    assert any("could be chance" in f for f in findings[1:]) or len(findings) == 1
    assert "What this comparison can and cannot say" in html
    assert "no agreement figures between machine and human coders were supplied" in html


def test_self_contained_and_accessible(html):
    doc = lxml.html.fromstring(html)
    assert doc.get("lang") == "en"
    assert len(doc.xpath("//h1")) == 1
    levels = [int(h.tag[1]) for h in doc.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels
    images = doc.xpath("//img")
    assert len(images) == len(BOOK.themes)
    for img in images:
        assert img.get("alt", "").strip(), "every figure needs alt text"
        assert img.get("src").startswith("data:image/svg+xml;base64,")
    assert "Network disappointment: dual 60% (6 of 10, 95% CI" in images[1].get("alt")
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
    for text in ("3f2a" + "0" * 60, "9be1" + "1" * 60, "scipy", "1.17.1", "2018-06-30", "compare42", "manifest.csv"):
        assert text in section


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
    assert '<h2 id="summary">Summary</h2>' in dom.stdout
    assert shutil.which(chromium)
