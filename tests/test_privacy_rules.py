"""Privacy rules on small inputs: detectors, name units, labels, the key, NER warning, attributes."""
from __future__ import annotations

import pandas as pd
import pytest

from pipeline.errors import InputError
from pipeline.stages.ingest.detectors import belgian_nn_valid, mask_identifiers
from pipeline.stages.ingest.document import render_document
from pipeline.stages.ingest.pseudokey import load_key, save_key
from pipeline.stages.ingest.pseudonymise import Pseudonymiser


def tables(turns, role="mentee", doc_id="d1", **attrs):
    text, offsets = render_document("", [s for s, _, _ in turns], [t for _, t, _ in turns])
    segments = pd.DataFrame([
        {"segment_id": f"{doc_id}:{i}", "doc_id": doc_id, "turn": i, "speaker": s, "speaker_role": r, "text": t,
         "start_char": a, "end_char": b, "role": role, **attrs}
        for i, ((s, t, r), (a, b)) in enumerate(zip(turns, offsets), start=1)])
    documents = pd.DataFrame([{"doc_id": doc_id, "file": f"{doc_id}.txt", "format": "txt", "preamble": "",
                               "text": text, "role": role, **attrs}])
    return documents, segments


def one_turn(text, tmp_path, names=(), speaker="Respondent", **kwargs):
    docs, segs = tables([("Interviewer", "Hello", "interviewer"), (speaker, text, "respondent")])
    _, out = Pseudonymiser(names=names, key_path=tmp_path / "key.csv", **kwargs).fit_transform(docs, segs)
    return out.loc[1, "text"], out


@pytest.mark.parametrize("text, placeholder", [
    ("mail me at a.b-c@example.co.uk now", "[EMAIL]"), ("jan [at] example [dot] org", "[EMAIL]"),
    ("bel 09 234 56 71", "[PHONE]"), ("gsm +32 470 12 34 56", "[PHONE]"), ("0470/12.34.56", "[PHONE]"),
    ("03/234.56.78", "[PHONE]"), ("06-12345678", "[PHONE]"), ("+31 6 1234 5678", "[PHONE]"),
    ("020 123 4567", "[PHONE]"), ("+44 20 7946 0958", "[PHONE]"), ("321-584-0624", "[PHONE]"),
    ("(212) 555-0187", "[PHONE]"), ("0032 9 264 31 11", "[PHONE]"),
    ("nr 85.07.30-033.61", "[NATIONAL_ID]"), ("nr 85073003361", "[NATIONAL_ID]"),
    ("nr 850730 033 28", "[NATIONAL_ID]"), ("BSN van mijn zus is 123456782", "[NATIONAL_ID]"),
    ("BE71 0961 2345 6769", "[IBAN]"), ("NL91ABNA0417164300", "[IBAN]"), ("DE89 3704 0044 0532 0130 00", "[IBAN]"),
    ("passport EH123456", "[ID]"), ("paspoort NW3K8P2L5", "[ID]"), ("card 592-3456789-12", "[ID]"),
    ("rijbewijs nr. 1234567890", "[ID]"),
    ("born on 14 March 1987", "[DATE_OF_BIRTH]"), ("geboren op 3 februari 1990", "[DATE_OF_BIRTH]"),
    ("date of birth: 12/05/1979", "[DATE_OF_BIRTH]"), ("De geboortedatum van mijn man is 07-11-1985",
                                                       "[DATE_OF_BIRTH]"),
    ("Kerkstraat 12, 9000 Gent", "[ADDRESS]"), ("Frankrijklei 115 bus 3, 2000 Antwerpen", "[ADDRESS]"),
    ("Prinsengracht 263-267, 1016 GV Amsterdam", "[ADDRESS]"), ("42 Oak Avenue, Springfield", "[ADDRESS]"),
    ("10 Downing Street, London SW1A 2AA", "[ADDRESS]"),
])
def test_each_identifier_is_masked_whole(text, placeholder):
    masked = mask_identifiers(text)
    assert placeholder in masked
    assert not any(ch.isdigit() for ch in masked.split(placeholder)[0][-3:]), masked
    if placeholder == "[ADDRESS]":
        assert masked == "[ADDRESS]"


@pytest.mark.parametrize("text", [
    "In 2017 we had 1.500 euro at 09:30, 3 of 4 days.", "Between 2019 and 2021 about 450 or 1500 mentees.",
    "Article 27, page 12, 12.5%, COVID19, ISO 9001, the A4 sheet, 0,5 FTE, 25-30 years.",
    "The interview was on 2017-11-14 and lasted 45 minutes.", "We met on 3 March 2018 in the office.",
    "Ik werk 38 uur per week, sinds 2015, in team 4.", "A T-shirt, an MBA and the B2 level.",
])
def test_ordinary_numbers_and_dates_are_kept(text):
    assert mask_identifiers(text) == text


def test_belgian_national_number_checksum():
    assert belgian_nn_valid("85073003328") and belgian_nn_valid("01091528755")
    assert not belgian_nn_valid("85073003361")  # the form quoted in issue 17: masked by its shape, not its sum


def test_full_name_is_one_pseudonym_not_two_peoples_parts(tmp_path):
    text, _ = one_turn("Amal Haddad came, Amal Jabouri did not.", tmp_path, names=["Amal Jabouri", "Omar Haddad"])
    first, second = text.split(" came, ")
    assert first.startswith("Person-") and " " not in first
    assert second == "Person-01 did not."
    assert first not in ("Person-01", "Person-02")


def test_particle_surname_is_one_unit_and_particles_alone_are_kept(tmp_path):
    text, _ = one_turn("Mevrouw Van den Broeck zei: Van harte. Van de mentee hoorde ik niets.", tmp_path,
                       names=["Sofie Van den Broeck"])
    assert text == "Mevrouw Person-01 zei: Van harte. Van de mentee hoorde ik niets."


def test_relative_with_the_speakers_surname_is_not_the_speaker(tmp_path):
    text, out = one_turn("My mother Fatima El Amrani and I.", tmp_path, speaker="Nadia El Amrani")
    speaker = out.loc[1, "speaker"]
    assert speaker == "Mentee-01"
    assert "Amrani" not in text and speaker not in text and text.startswith("My mother Person-")


def test_one_letter_and_role_labels_are_labels_not_names(tmp_path):
    docs, segs = tables([("I", "Welkom.", "interviewer"), ("T", "Ik droeg een T-shirt. O zo warm.", "respondent"),
                         ("Interviewee", "The Participant said so.", "respondent")])
    _, out = Pseudonymiser(key_path=tmp_path / "k.csv").fit_transform(docs, segs)
    assert out["speaker"].tolist() == ["I", "T", "Interviewee"]
    assert out["text"].tolist()[1:] == ["Ik droeg een T-shirt. O zo warm.", "The Participant said so."]


def test_the_article_an_is_not_a_name_but_an_the_person_is(tmp_path):
    text, _ = one_turn("An interesting idea. I met An yesterday. An said hi. An explained it.", tmp_path, names=["An"])
    assert text == "An interesting idea. I met Person-01 yesterday. Person-01 said hi. Person-01 explained it."


def test_strict_mode_masks_detected_names_and_review_list_keeps_them(tmp_path):
    text, _ = one_turn("Yesterday I met Pieter van der Berg and my mentor Griet.", tmp_path, mode="strict")
    assert text == "Yesterday I met Person-01 and my mentor Person-02."
    text, _ = one_turn("Yesterday I met Pieter van der Berg and my mentor Griet.", tmp_path / "s")
    assert "Pieter van der Berg" in text  # default mode: listed for review, not masked in text


def test_rejected_words_are_never_masked(tmp_path):
    text, _ = one_turn("We used Kompasnet with Pieter Claesens.", tmp_path, mode="strict", not_names=["Kompasnet"])
    assert text.startswith("We used Kompasnet with Person-")


def test_unpublished_attributes_are_pseudonymised_published_kept(tmp_path):
    docs, segs = tables([("Interviewer", "Hi", "interviewer"), ("Respondent", "Hi", "respondent")],
                        notes="contact Jan Peeters <jan.peeters@example.org>", site="Kerkstraat 12")
    pseudo = Pseudonymiser(key_path=tmp_path / "k.csv", publish=["site"])
    out_docs, out_segs = pseudo.fit_transform(docs, segs)
    for frame in (out_docs, out_segs):
        assert frame["notes"].iloc[0].startswith("contact Person-") and "[EMAIL]" in frame["notes"].iloc[0]
        assert frame["site"].iloc[0] == "Kerkstraat 12"


def test_cut_key_is_refused_naming_the_file_and_the_backup(tmp_path):
    key = tmp_path / "key.csv"
    one_turn("Hi from Koen.", tmp_path, names=["Koen", "Lies"], speaker="Omar")
    one_turn("Hi from Koen and Mieke.", tmp_path, names=["Koen", "Lies", "Mieke"], speaker="Omar")
    assert (tmp_path / "key.csv.bak").exists()
    data = key.read_bytes()
    key.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError) as caught:
        load_key(key)
    problem = caught.value.problems[0]
    assert problem.where == str(key) and "key.csv.bak" in problem.fix
    key.write_bytes(data.replace(b"Person-02", b"Person-09", 1))
    with pytest.raises(InputError):
        load_key(key)  # edited: no longer matches its seal


def test_key_keeps_extra_columns_and_reads_an_unsealed_older_key(tmp_path):
    key = tmp_path / "key.csv"
    key.write_text("scope,original,pseudonym,kind,note\n,Koen,Person-01,name,my colleague\n", encoding="utf-8")
    mapping, extra = load_key(key)
    assert mapping == {("", "Koen"): ("Person-01", "name")}
    save_key(key, {**mapping, ("", "Lies"): ("Person-02", "name")}, extra)
    again, extra = load_key(key)
    assert len(again) == 2 and extra.set_index("original").loc["Koen", "note"] == "my colleague"


def test_ner_auto_warns_when_no_pipeline_is_installed(tmp_path, monkeypatch):
    import pipeline.stages.ingest.ner as ner

    monkeypatch.setattr(ner, "_installed", lambda name: False)
    docs, segs = tables([("Interviewer", "Hi", "interviewer"), ("Respondent", "Hi", "respondent")], language="en")
    pseudo = Pseudonymiser(key_path=tmp_path / "k.csv", ner="auto").fit(docs, segs)
    assert any("no NER pipeline is installed for en" in w.message for w in pseudo.warnings_)
    with pytest.raises(InputError, match="not installed"):
        Pseudonymiser(key_path=tmp_path / "k.csv", ner="xx_missing_model").fit(docs, segs)


def test_console_warning_names_lines_not_speakers(tmp_path):
    from pipeline.stages.ingest.corpus import ingest
    from pipeline.settings import study_from_dict

    folder = tmp_path / "t"
    folder.mkdir()
    turns = ["Nadia Haddad: Hallo, hoe gaat het?", "Karim Benali: Goed, dank je.", "Nadia Haddad: Vertel eens.",
             "Karim Benali: Ik werk nu.", "Nadia Haddad: Waar?", "Karim Benali: In Gent."]
    (folder / "a.txt").write_text("\n\n".join(turns) + "\n", encoding="utf-8")
    (tmp_path / "m.csv").write_text("doc_id,file,pilot,model,method,role,language\n"
                                    "a,a.txt,p,dual,interview,mentee,nl\n", encoding="utf-8")
    study = study_from_dict({"name": "s", "transcripts": "t", "manifest": "m.csv", "codebook": "c.yaml",
                             "pseudonymise": {"key_dir": "private"}}, root=tmp_path)
    corpus = ingest(study)
    messages = " ".join(f"{w.where} {w.message} {w.fix}" for w in corpus.warnings)
    assert "no interviewer turns" in messages
    assert not any(name in messages for name in ("Nadia", "Haddad", "Karim", "Benali"))
