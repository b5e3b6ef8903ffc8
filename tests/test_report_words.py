"""The report speaks of any study's material in its own words (issues 11 and 13): what is counted
(respondents in cases, passages of documents, or the study's own words), limits only where the
material has them, the note on more than two groups beside the numbers, settings in plain words."""
from __future__ import annotations

import base64
import re
from pathlib import Path

import lxml.html
import pandas as pd
import pytest
import yaml

from pipeline.errors import ConfigError
from pipeline.settings import ReportWords, load_study
from pipeline.stages.compare import differences as cmp
from pipeline.stages.report.render import ReportSettings, render_report
from pipeline.stages.report.texts import Texts
from pipeline.stages.report.words import Material, material, resolve
from test_compare import BOOK, seg
from test_report import PROVENANCE, corpus

#: the words of interviews, which a table of excerpts or passages must not be called by
INTERVIEW_WORDS = {
    "en": re.compile(r"\b(respondents?|participants?|interview(s|er)?|focus groups?|cases?|speakers?|turns?|"
                     r"said|spoke)\b", re.I),
    "nl": re.compile(r"\b(respondent(en)?|deelnemers?|interview(s|er)?|focusgroep(en)?|gesprek(ken)?|sprekers?|"
                     r"spreekbeurt(en)?|zeiden)\b", re.I),
}
CODES = {"a": ["motives.network", "motives.network;evaluation.positive", "motives.find_job", "", "motives.network",
               "evaluation.network_disappointment"],
         "b": ["", "motives.find_job", "", "evaluation.positive", "", "motives.find_job"],
         "c": ["evaluation.positive", "", "", "motives.find_job", "evaluation.network_disappointment", ""]}


def excerpts() -> pd.DataFrame:
    """Tables of excerpts: 2 documents (cultures) in each of 3 groups, 6 excerpts each, every
    excerpt one turn of its own id, no interviewer."""
    rows = []
    for group, codes in CODES.items():
        for k in range(2):
            doc = f"{group}{k}"
            for i, code in enumerate(codes, start=1):
                rows.append({"segment_id": f"{doc}:{i}", "doc_id": doc, "turn": i, "speaker": f"{doc}-{i}",
                             "speaker_role": "respondent", "text": f"Excerpt {i} of {doc}: the fast lasted days.",
                             "codes": code, "kind": group, "coded_by": "rule@0.1.0"})
    return pd.DataFrame(rows)


EXCERPT_SETTINGS = cmp.CompareSettings(by=["kind"], within=[], min_group_docs=2, n_boot=300, n_perm=300,
                                       case_attributes=["kind"])


@pytest.fixture(scope="module")
def tables():
    frame = excerpts()
    return frame, cmp.compare(frame, None, BOOK, EXCERPT_SETTINGS)


def _visible(html: str) -> str:
    """What a reader reads, quotes aside: the text, alt texts and the charts' text (SVG)."""
    doc = lxml.html.fromstring(html)
    charts = [base64.b64decode(src.split(",", 1)[1]).decode("utf-8") for src in doc.xpath("//img/@src")]
    alts = doc.xpath("//img/@alt")
    for node in doc.xpath("//blockquote|//span[@class='sid']|//td[@class='key']"):
        node.drop_tree()
    svg_text = [" ".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg)) for svg in charts]
    return " ".join(" ".join([doc.text_content(), *alts, *svg_text]).split())


def _render(tables, **settings) -> str:
    frame, comparison = tables
    return render_report(comparison, BOOK, ReportSettings(**settings), segments=frame, provenance=PROVENANCE)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_tables_of_units_are_passages_of_documents_not_respondents_in_cases(tables, language):
    text = _visible(_render(tables, language=language))
    found = sorted({m.group(0).lower() for m in INTERVIEW_WORDS[language].finditer(text)})
    assert not found, found
    passages, documents = ("passages", "documents") if language == "en" else ("fragmenten", "documenten")
    assert f"36 {passages} from 6 {documents}" in text if language == "en" else f"36 {passages} uit 6 {documents}" in text
    assert ("Found in 14 of 36 passages" if language == "en" else "Komt voor in 14 van de 36 fragmenten") in text
    # every unit is its own case here: the counts are said once, not "12 of 36 passages in 12 of 36 passages"
    assert not re.search(r"(\d+) of (\d+) passages \w+ \1 of \2 passages", text)


def test_the_study_words_are_used_in_both_languages(tables):
    words = {"unit": "excerpt", "units": "excerpts", "document": "culture", "documents": "cultures"}
    dutch = {"unit": "fragment", "units": "fragmenten", "document": "cultuur", "documents": "culturen"}
    html = _render(tables, words=words, words_by_language={"nl": dutch}, extra_languages=["nl"])
    text = _visible(html)
    assert "What 36 excerpts from 6 cultures say" in text and "Found in 14 of 36 excerpts" in text
    assert "Cultures, excerpts and words per group" in text and "One row per culture" in text
    assert "share of excerpts that mention" in text  # chart axis, alt text and caption
    assert not re.search(r"\bpassages?\b|\bdocuments?\b", text, re.I), re.findall(r".{40}\bpassages?\b.{20}", text)
    frame, comparison = tables
    nl = ReportSettings(words=words, words_by_language={"nl": dutch}, extra_languages=["nl"]).for_language("nl")
    dutch_text = _visible(render_report(comparison, BOOK, nl, segments=frame))
    assert "Wat 36 fragmenten uit 6 culturen zeggen" in dutch_text and "Culturen, fragmenten en woorden" in dutch_text
    assert "excerpt" not in dutch_text  # the English words stay in the English report
    # an extra language without words of its own takes the defaults of its language, not the English words
    plain_nl = ReportSettings(words=words, extra_languages=["nl"]).for_language("nl")
    assert "Wat 36 fragmenten uit 6 documenten zeggen" in _visible(render_report(comparison, BOOK, plain_nl,
                                                                                 segments=frame))


def test_words_fit_the_material():
    assert material(corpus()) == Material(units_only=False, interviewer=True, groups=True, one_case=False)
    assert material(excerpts()) == Material(units_only=True, interviewer=False, groups=False, one_case=False)
    interviews = resolve(None, "en", Material())
    assert (interviews.units, interviews.cases, interviews.documents, interviews.participants, interviews.people) \
        == ("respondents", "cases", "documents", "participants", True)
    # a table whose units are tested per document (the passages of one article): cases are documents
    articles = resolve(ReportWords(document="article", documents="articles"), "en", Material(units_only=True))
    assert (articles.units, articles.cases, articles.participants, articles.people) == (
        "passages", "articles", "passages", False)
    assert Texts("en", articles)["evidence"].startswith("Found in {x} of {n} passages (") and \
        Texts("en", articles)["evidence"].endswith("from {d} of {D} articles.")
    assert resolve(None, "nl", Material(units_only=True, one_case=True)).cases == "fragmenten"
    # the study's words win, and 'people' can be said either way
    answers = resolve(ReportWords(unit="answer", units="answers", people=True), "en", Material(units_only=True))
    assert (answers.units, answers.participants, answers.people) == ("answers", "answers", True)
    assert Texts("en", {"unit": "excerpt", "units": "excerpts"})["coding_intro"].startswith("Every excerpt turn")
    assert "an excerpt" in Texts("en", {"unit": "excerpt", "units": "excerpts", "people": False})["coding_intro"]


def test_one_narrator_per_interview_says_each_count_once():
    rows = []
    for k in range(6):
        doc = f"oh{k}"
        rows += [seg(doc, 1, "Interviewer", "", "dual" if k < 3 else "centralised", "mentee"),
                 seg(doc, 2, "Narrator", "motives.network" if k % 2 else "motives.find_job",
                     "dual" if k < 3 else "centralised", "mentee")]
    frame = pd.DataFrame(rows)
    comparison = cmp.compare(frame, None, BOOK, cmp.CompareSettings(within=[], min_group_docs=2, n_boot=300,
                                                                    n_perm=300))
    text = _visible(render_report(comparison, BOOK, ReportSettings(), segments=frame))
    assert "What 6 respondents said, and whether" in text
    assert re.search(r"Raised by \d of 6 respondents \(\d+%; 95% interval \d+\u2013\d+%\)\. ", text)
    assert not re.search(r"\bcases?\b", text), re.findall(r".{40}\bcases?\b.{20}", text)
    # an interviewer asked, so the guide is a limit; nobody spoke in a group, so focus groups are not
    assert "interviews followed a guide" in text and "focus group" not in text


def test_limits_only_where_the_material_has_them(tables):
    sample_like = _visible(render_report(cmp.compare(corpus(), None, BOOK, cmp.CompareSettings(n_boot=300,
                                                                                               n_perm=300)),
                                         BOOK, ReportSettings(), segments=corpus()))
    assert "A focus group is one document; each participant counts once as a respondent. Intervals come from " \
           "resampling whole documents" in sample_like
    assert "interviews followed a guide" in sample_like
    limits = lxml.html.fromstring(_render(tables)).xpath("//div[@role='note']")[0].text_content()
    assert "focus group" not in limits and "guide" not in limits and "interview" not in limits
    assert "Passages that do not mention a theme are no evidence against it" in limits
    assert "Intervals come from resampling passages" in limits
    assert "1 documents" not in limits and "2 documents with 12 passages" in limits


def test_more_than_two_groups_are_named_beside_their_numbers(tables):
    doc = lxml.html.fromstring(_render(tables))
    finding = doc.xpath("//ol[@class='key-findings']/li[@data-kind='groups']/p[@class='statement']")[0].text_content()
    numbers = re.search(r"against \d+ of \d+ in [^(]+\(\d+%\)(, the highest and the lowest of 3 groups); "
                        r"(unlikely|could be)", finding)
    assert numbers, finding
    assert not finding.endswith("groups.")  # not after the caveat, as it was
    nl = lxml.html.fromstring(_render(tables, language="nl"))
    dutch = nl.xpath("//ol[@class='key-findings']/li[@data-kind='groups']/p[@class='statement']")[0].text_content()
    assert re.search(r"\(\d+%\), de hoogste en de laagste van 3 groepen[;)]", dutch), dutch


@pytest.mark.parametrize("language, row", [
    ("en", ("Fewest cases per group for a difference in the summary", "compare.min_group_docs")),
    ("nl", ("Minimum aantal gesprekken per groep voor een verschil in de samenvatting", "compare.min_group_docs"))])
def test_settings_tables_in_plain_words_with_the_key_beside(language, row):
    frame = corpus()
    comparison = cmp.compare(frame, None, BOOK, cmp.CompareSettings(n_boot=300, n_perm=300))
    html = render_report(comparison, BOOK, ReportSettings(language=language), segments=frame,
                         topics=pd.DataFrame({"topic": [0], "size": [4], "label": ["network"], "top_words": ["n:1"]}),
                         topic_info={"n_topics": 1, "min_cluster_size": 5, "embedding": "lsa"})
    doc = lxml.html.fromstring(html)
    tables = [t for t in doc.xpath("//table") if t.xpath(".//td[@class='key']")]
    assert len(tables) == 2  # the comparison's settings and the topic model's
    settings = {tr.xpath("./th")[0].text_content(): tr.xpath("./td[@class='key']/code")[0].text_content()
                for tr in tables[0].xpath(".//tbody/tr")}
    assert settings[row[0]] == row[1]
    assert all("_" not in name for name in settings) and all(k.startswith("compare.") for k in settings.values())
    topic_rows = [[c.text_content() for c in tr] for tr in tables[1].xpath(".//tbody/tr")]
    assert ["Topics found" if language == "en" else "Gevonden onderwerpen", "1", "n_topics"] in topic_rows
    assert "[&#34;" not in html and '["' not in _visible(html)  # lists as words, not JSON


def _study_file(tmp_path: Path, report: dict) -> Path:
    (tmp_path / "t").mkdir()
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump({"name": "s", "transcripts": "t", "manifest": "m.csv", "codebook": "c.yaml",
                                    "report": report}), encoding="utf-8")
    return path


@pytest.mark.parametrize("report, says", [
    ({"words": {"unit": "excerpt", "units": "excerpts", "singular": "x"}}, "unknown key 'report.words.singular'"),
    ({"words": {"unit": "excerpt"}}, "'unit' is given without 'units'"),
    ({"words_by_language": {"nl": {"document": "cultuur", "documents": "culturen", "plural": "x"}}},
     "unknown key 'report.words_by_language.nl.plural'"),
    ({"words_by_language": {"de": {"unit": "Auszug", "units": "Auszüge"}}}, "'de', which is not a report language"),
    ({"words": {"unit": "{x}", "units": "xs"}}, "no braces")])
def test_bad_words_are_clear_errors_naming_key_and_file(tmp_path, report, says):
    path = _study_file(tmp_path, report)
    with pytest.raises(ConfigError) as error:
        load_study(path)
    message = str(error.value)
    assert says in message and str(path) in message and "report" in message, message


def test_passages_tested_per_document_are_counted_in_documents(monkeypatch):
    """A table whose passages belong together (the passages of one article: the compare stage's
    cases are then the documents) says each count in passages and in documents."""
    frame = excerpts()
    monkeypatch.setattr(cmp, "_cases", lambda segments, respondent, *args: respondent["doc_id"].astype(str))
    comparison = cmp.compare(frame, None, BOOK, EXCERPT_SETTINGS)
    words = {"document": "article", "documents": "articles"}
    text = _visible(render_report(comparison, BOOK, ReportSettings(words=words), segments=frame))
    assert re.search(r"Found in 14 of 36 passages \(39%; 95% interval \d+\u2013\d+%\) from \d of 6 articles\.", text)
    assert "Intervals and tests count articles: the passages of one article are resampled together." in text
    assert "Fewest articles per group for a difference in the summary" in text
    assert not INTERVIEW_WORDS["en"].search(text), INTERVIEW_WORDS["en"].search(text).group(0)


@pytest.mark.parametrize("people, one_case", [(True, False), (True, True), (False, False), (False, True)])
def test_every_sentence_has_its_words_and_the_same_fields_in_both_languages(people, one_case):
    """Each sentence of each material resolves every word, and the Dutch one fills the same fields as
    the English one (a field the code does not pass would fail only on that material's report)."""
    import string

    from pipeline.stages.report.texts_en import EN

    words = {"people": people} | ({"case": "excerpt", "cases": "excerpts", "unit": "excerpt", "units": "excerpts"}
                                  if one_case else {})
    en, nl = Texts("en", words), Texts("nl", words | ({"unit": "fragment", "units": "fragmenten", "case": "fragment",
                                                                "cases": "fragmenten"} if one_case else {}))
    assert (en.people, en.one_case) == (people, one_case)

    def fields(value) -> set:
        values = value if isinstance(value, list) else list(value.values()) if isinstance(value, dict) else [value]
        return {f for v in values for _, f, _, _ in string.Formatter().parse(v) if f}

    for key in EN:
        english, dutch = en[key], nl[key]
        assert "{@" not in str(english) and "{@" not in str(dutch), key
        grammar = {"en", "den", "zei", "unit_n", "case_n", "document_n"}  # plural forms (Texts.plural) go to both
        grammar.add("message")  # a stage's error message is English: the Dutch sentence names where and the command
        assert fields(english) - grammar == fields(dutch) - grammar, key
