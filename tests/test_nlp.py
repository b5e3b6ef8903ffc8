"""Tokens, lemmas, offsets and sentences from pipeline.text.nlp."""
import pandas as pd
import pytest

from pipeline.errors import InputError
from pipeline.text.nlp import get_nlp, lemmatize_word, split_word, tokenize


def test_english_lemmas_are_lower_case_and_inflections_reduced():
    (tokens,) = tokenize(["My Networks grew and he opened doors."], "en")
    lemmas = {t.text: t.lemma for t in tokens}
    assert lemmas["Networks"] == "network"
    assert lemmas["opened"] == "open"
    assert lemmas["doors"] == "door"
    assert lemmas["My"] == "my"
    assert all(t.lower == t.text.lower() for t in tokens)


def test_dutch_lemmas():
    (tokens,) = tokenize(["Ik werkte en heb netwerken gevonden."], "nl")
    lemmas = {t.text: t.lemma for t in tokens}
    assert lemmas["werkte"] == "werken"
    assert lemmas["netwerken"] == "netwerk"
    assert lemmas["gevonden"] == "vinden"


def test_offsets_point_into_the_text_and_spaces_are_dropped():
    text = "He didn't  help.\n\nI found   a job, finally!"
    (tokens,) = tokenize([text], "en")
    assert all(text[t.start_char:t.end_char] == t.text for t in tokens)
    assert not any(t.text.isspace() for t in tokens)
    assert "n't" in [t.text for t in tokens]
    assert [t.lemma for t in tokens if t.text == "n't"] == ["not"]


def test_sentences_are_numbered():
    (tokens,) = tokenize(["I met him. He helped me! Did it work? Yes"], "en")
    sent = {t.text: t.sent_id for t in tokens}
    assert sent["I"] == sent["him"] == 0
    assert sent["He"] == 1
    assert sent["Did"] == 2
    assert sent["Yes"] == 3


def test_one_result_per_text_in_order_including_empty():
    out = tokenize(["first text", "", "third"], "en")
    assert [[t.text for t in toks] for toks in out] == [["first", "text"], [], ["third"]]


def test_pipeline_is_built_once_per_language():
    assert get_nlp("en") is get_nlp("en")
    assert get_nlp("en") is not get_nlp("nl")
    assert get_nlp("nl").pipe_names == ["sentencizer", "qualpipe_lemmatizer"]


def test_word_helpers():
    assert lemmatize_word("Werkte", "nl") == "werken"
    assert split_word("e-mail", "en") == ["e", "-", "mail"]


def test_unknown_language_is_a_clear_error():
    with pytest.raises(InputError, match="language 'zz'"):
        tokenize(["hello"], "zz")


# -- words an export glued together ------------------------------------------------------------
def test_glued_english_words_come_out_as_pieces_that_are_slices_of_the_text():
    text = "Funeral guests consider themselves to befastingas long as offastingis observed."
    (tokens,) = tokenize([text], "en")
    words = [t.text for t in tokens]
    assert words[4:8] == ["to", "be", "fasting", "as"]
    assert ["of", "fasting", "is"] == words[10:13]
    assert all(text[t.start_char:t.end_char] == t.text for t in tokens)
    assert [t.lemma for t in tokens if t.text == "fasting"] == ["fast", "fast"]


def test_names_foreign_and_known_words_stay_whole():
    from pipeline.text.glued import split_points

    # capitalised words (names) are never cut; neither are known words or Dutch compounds
    (tokens,) = tokenize(["Ashanti Ramandafast sublimated grandmother understand"], "en")
    assert [t.text for t in tokens] == ["Ashanti", "Ramandafast", "sublimated", "grandmother", "understand"]
    (nl,) = tokenize(["werkervaring kantoor thefasting"], "nl")
    assert [t.text for t in nl] == ["werkervaring", "kantoor", "thefasting"]
    # lower-case words that do not split into common English words stay whole
    assert split_points("ayibuadie") == ()
    assert split_points("manitou") == ()
    assert split_points("thefasting") == (3,)
    assert split_points("afastday") == (1, 5)


def test_a_cue_matches_inside_a_glued_word():
    from pipeline.codebook import codebook_from_dict
    from pipeline.stages.coding.coders import RuleCoder

    book = codebook_from_dict({"name": "b", "version": "1", "languages": ["en"], "themes": [
        {"id": "t", "label": "T", "codes": [{"id": "t.fast", "label": "Fast", "cues": ["he fast*"]}]}]})
    segments = pd.DataFrame({"segment_id": ["d:1", "d:2"], "doc_id": "d", "language": "en",
                             "text": ["Each spring hefasted for four days.", "She ate well."]})
    out = RuleCoder(book).predict(segments)
    assert list(out["segment_id"]) == ["d:1"]
