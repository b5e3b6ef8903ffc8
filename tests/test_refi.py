"""REFI-QDA exchange: .qdc codebooks and .qdpx projects, valid, stable, lossless where it can be."""
import uuid
from pathlib import Path
import zipfile

import pandas as pd
import pytest
from lxml import etree

from pipeline.codebook import codebook_from_dict, load_codebook
from pipeline.errors import ConfigError, InputError
from pipeline.stages.ingest.corpus import render_document
from pipeline.stages.refi._common import QUALPIPE_NS
from pipeline.stages.refi import (code_guid, export_refi, import_refi, infer_variable, read_qdc, write_import,
                           write_qdc)

xmlschema = pytest.importorskip("xmlschema")

#: the REFI-QDA schemas, vendored (MIT): tests/fixtures/refi/README.md
XSD = Path(__file__).parent / "fixtures" / "refi"
NS = {"q": "urn:QDA-XML:project:1.0"}
CREATED = "2024-03-01T09:30:00Z"

BOOK = {
    "name": "exchange_book", "version": "1.2.0", "languages": ["en", "nl"],
    "description": {"en": "A small codebook."},
    "themes": [
        {"id": "motives", "label": {"en": "Motives", "nl": "Motieven"},
         "definition": {"en": "Why they joined.", "nl": "Waarom ze deelnamen."},
         "codes": [
             {"id": "motives.network", "label": {"en": "Build a network", "nl": "Netwerk uitbouwen"},
              "definition": {"en": "Joined to meet people in their field.", "nl": "Om mensen te leren kennen."},
              "when_to_use": {"en": "A reason at the start ('I wanted...')."},
              "when_not_to_use": {"en": "Contacts actually made: benefits.cv."},
              "examples": {"en": ["I wanted a “network” here.", "To meet café owners."]},
              "counter_examples": {"en": ["He introduced me to two people."]},
              "cues": {"en": ["network*"], "nl": ["netwerk*"]}},
             {"id": "motives.find_job", "label": {"en": "Find a job", "nl": "Werk vinden"},
              "definition": {"en": "Joined to find work at their level."}},
         ]},
        {"id": "benefits", "label": {"en": "Benefits", "nl": "Meerwaarde"}, "codes": [
            {"id": "benefits.cv", "label": {"en": "Help with the CV"},
             "definition": {"en": "The mentor improved the CV or letters."}, "applies_to": ["mentee"]},
        ]},
        {"id": "overall", "label": {"en": "Overall judgement", "nl": "Algemeen oordeel"},
         "definition": {"en": "A judgement of the whole programme, naïve or not."}},
    ],
}

TURNS = {
    "en-01": [("Interviewer", "Why did you join the programme?"),
              ("Mentee-01", "I wanted to build a “network” here — my café friends weren't enough."),
              ("Interviewer", "And did it help?"),
              ("Mentee-01", "Yes. My mentor rewrote my CV and the cover letter.\nIt was ‘really’ good.")],
    "nl-01": [("Interviewer", "Waarom deed je mee?"),
              ("Mentee-02", "Ik wilde mijn netwerk uitbreiden, dat was de reden. Ideeën genoeg, maar geen contacten."),
              ("Interviewer", "En de coördinatie?"),
              ("Mentee-02", "Naïef misschien, maar ik zocht gewoon werk op mijn niveau.")],
    "nl-02": [("Moderator", "Hoe kijken jullie terug op het project?"),
              ("Mentor-01", "Over het geheel was het een succes, zeker voor de mentees."),
              ("Mentor-02", "Ik heb één cv helemaal herschreven, met “échte” resultaten.")],
}
ATTRS = {
    "en-01": {"pilot": "ef-vdab", "model": "dual", "role": "mentee", "language": "en", "date": "2023-05-04",
              "sessions": "6", "satisfaction": "4.5"},
    "nl-01": {"pilot": "limburg", "model": "centralised", "role": "mentee", "language": "nl",
              "date": "2023-06-12", "sessions": "11", "satisfaction": "3"},
    "nl-02": {"pilot": "limburg", "model": "centralised", "role": "mentor", "language": "nl",
              "date": "2023-06-20", "sessions": "", "satisfaction": "4.25"},
}


def make_study():
    """Documents and segments as ingest makes them (text rendered by render_document)."""
    docs, segs = [], []
    for doc_id, turns in TURNS.items():
        text, offsets = render_document("", [s for s, _ in turns], [t for _, t in turns])
        docs.append({"doc_id": doc_id, "file": f"{doc_id}-Real Name.docx", "sha256": "0" * 64,
                     "n_turns": len(turns), "n_words": 0, "text": text, **ATTRS[doc_id]})
        for n, ((speaker, said), (start, end)) in enumerate(zip(turns, offsets), start=1):
            role = "interviewer" if speaker in ("Interviewer", "Moderator") else "respondent"
            segs.append({"segment_id": f"{doc_id}:{n}", "doc_id": doc_id, "turn": n, "speaker": speaker,
                         "speaker_role": role, "text": said, "start_char": start, "end_char": end,
                         "start_time": 12.5 if n == 1 else float("nan"), "end_time": float("nan"),
                         **ATTRS[doc_id]})
    return pd.DataFrame(docs), pd.DataFrame(segs)


def make_codings():
    rows = [
        ("en-01:2", "motives.network", "human", 1.0, "", "coder-a", True),
        ("en-01:4", "benefits.cv", "human", 1.0, "", "coder-a", True),
        ("en-01:4", "overall", "rule", 0.5, "good@70-74", "rule@0.1.0", False),  # overridden by coder-a
        ("nl-01:2", "motives.network", "rule", 0.75, "netwerk@13-20", "rule@0.1.0", True),
        ("nl-01:4", "motives.find_job", "rule", 0.5, "werk@48-52", "rule@0.1.0", True),
        ("nl-02:2", "overall", "model", 0.83, "succes (0.41)", "combined@0.1.0", True),
        ("nl-02:3", "benefits.cv", "model", 0.91, "cv (0.62)", "combined@0.1.0", True),
        ("nl-02:3", "benefits.cv", "human", 1.0, "", "coder-b", True),
    ]
    frame = pd.DataFrame(rows, columns=["segment_id", "code", "source", "score", "evidence", "coder", "final"])
    frame["codebook_version"] = "exchange_book@1.2.0#abcd1234"
    return frame


@pytest.fixture(scope="module")
def book():
    return codebook_from_dict(BOOK)


@pytest.fixture(scope="module")
def study():
    return make_study()


@pytest.fixture()
def exported(tmp_path, book, study):
    documents, segments = study
    path = tmp_path / "study.qdpx"
    summary = export_refi(documents, segments, make_codings(), book, path, "exchange study", created=CREATED)
    return path, summary


def qde(path):
    with zipfile.ZipFile(path) as archive:
        return archive.read("project.qde")


def tree(path):
    return etree.fromstring(qde(path))


# -- codebooks -------------------------------------------------------------------------------------

def test_qdc_is_valid_and_round_trips(tmp_path, book):
    path = tmp_path / "book.qdc"
    summary = write_qdc(book, path)
    xmlschema.XMLSchema(str(XSD / "Codebook.xsd")).validate(str(path))
    root = etree.parse(str(path)).getroot()
    codes = {c.get("name"): c for c in root.iter("{urn:QDA-XML:codebook:1.0}Code")}
    assert codes["Motives"].get("isCodable") == "false"  # a theme with codes is a folder
    assert codes["Build a network"].get("isCodable") == "true"
    assert codes["Overall judgement"].get("isCodable") == "true"  # a theme without codes is applied itself
    assert codes["Motives"].get("color") == codes["Find a job"].get("color") != codes["Benefits"].get("color")
    assert codes["Build a network"].get("guid") == code_guid("exchange_book", "motives.network")
    back = read_qdc(path)
    assert (back.name, back.version, back.languages) == ("exchange_book", "1.2.0", ["en"])
    assert [(c.id, d, p) for c, d, p in back.walk()] == [(c.id, d, p) for c, d, p in book.walk()]
    for code, _, _ in book.walk():
        again = back.code(code.id)
        for field in ("label", "definition", "when_to_use", "when_not_to_use"):
            assert again.text(field, "en") == code.text(field, "en"), (code.id, field)
        assert again.examples.get("en", []) == code.examples.get("en", [])
        assert again.counter_examples.get("en", []) == code.counter_examples.get("en", [])
    text = summary.to_text()
    assert "cues" in text and "nl" in text and "applies_to" in text  # the user is told what was dropped
    assert load_codebook(path).code_ids == book.code_ids  # load_codebook reads .qdc too


def test_qdc_is_byte_stable_and_in_the_chosen_language(tmp_path, book):
    one, two = tmp_path / "a.qdc", tmp_path / "b.qdc"
    write_qdc(book, one)
    write_qdc(book, two)
    assert one.read_bytes() == two.read_bytes()
    dutch = tmp_path / "nl.qdc"
    write_qdc(book, dutch, language="nl")
    back = read_qdc(dutch)
    assert back.languages == ["nl"]
    assert back.code("motives.network").text("label", "nl") == "Netwerk uitbouwen"
    assert back.code("motives").text("definition", "nl") == "Waarom ze deelnamen."
    with pytest.raises(ConfigError, match="qdc"):
        write_qdc(book, tmp_path / "book.xml")


def test_qdc_from_another_tool_gets_ids_from_names(tmp_path):
    path = tmp_path / "Other Tool Codes.qdc"
    path.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="SomeQDA 3">
 <Codes>
  <Code guid="{5215CC69-B628-4E02-AFB9-9BEEAEE55808}" name="Topics" isCodable="false">
   <Code guid="{d7aa29da-519b-4946-9b90-253b6db8fd0a}" name="Economy" isCodable="true" color="#ffff00">
    <Description>Anything about jobs or taxes</Description>
   </Code>
   <Code guid="0dcef2f5-e55c-49da-8c33-9b0803c7aeb4" name="Économie (old)" isCodable="true"/>
   <Code guid="1dcef2f5-e55c-49da-8c33-9b0803c7aeb4" name="Economy" isCodable="true"/>
  </Code>
  <Code guid="9fa9bcb7-5b59-47a9-8c3e-f65cffdc7520" name="Health care" isCodable="true"/>
 </Codes>
</CodeBook>""", encoding="utf-8")
    book = read_qdc(path)
    assert book.name == "other_tool_codes"
    ids = [c.id for c, _, _ in book.walk()]
    assert ids == ["topics", "topics.economy", "topics.economie_old", "topics.economy_2", "health_care"]
    assert book.code("topics.economie_old").text("label", "en") == "Économie (old)"
    assert book.code("topics.economy").text("definition", "en") == "Anything about jobs or taxes"
    assert book.code("health_care").definition == {}


# -- export ----------------------------------------------------------------------------------------

def test_project_is_valid_and_texts_and_offsets_are_exact(exported, study):
    path, _ = exported
    xmlschema.XMLSchema(str(XSD / "Project.xsd")).validate(etree.fromstring(qde(path)))
    documents, segments = study
    root = tree(path)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert names == sorted(names) and names[0] == "project.qde"
        for source in root.iterfind(".//q:TextSource", namespaces=NS):
            reference = source.get("plainTextPath")
            assert reference.startswith("internal://") and reference.endswith(".txt")
            text = archive.read("sources/" + reference[len("internal://"):]).decode("utf-8")
            doc_id = source.get("name")
            assert text == documents.set_index("doc_id").loc[doc_id, "text"]
            for selection in source.iterfind("q:PlainTextSelection", namespaces=NS):
                seg = segments.set_index("segment_id").loc[selection.get("name")]
                start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
                assert (start, end) == (seg["start_char"], seg["end_char"])
                assert text[start:end] == seg["text"]  # code points, curly quotes and é included
    assert "Real Name" not in qde(path).decode("utf-8")  # file names are not exported


def test_export_is_byte_identical_and_guids_stable(tmp_path, book, study):
    documents, segments = study
    one, two = tmp_path / "one.qdpx", tmp_path / "sub" / "two.qdpx"
    export_refi(documents, segments, make_codings(), book, one, "exchange study", created=CREATED)
    export_refi(documents, segments, make_codings(), book, two, "exchange study", created=CREATED)
    assert one.read_bytes() == two.read_bytes()
    with zipfile.ZipFile(one) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2024, 3, 1, 9, 30, 0)}
    other = tmp_path / "other.qdpx"
    export_refi(documents, segments, make_codings(), book, other, "another study", created=CREATED)
    guids = lambda p, tag: {e.get("guid") for e in tree(p).iterfind(f".//q:{tag}", namespaces=NS)}  # noqa: E731
    assert guids(one, "TextSource").isdisjoint(guids(other, "TextSource"))
    assert guids(one, "Code") == guids(other, "Code")  # codes are keyed by codebook, not study
    assert tree(one).get("creationDateTime") == CREATED
    source = tree(one).find(".//q:TextSource", NS)  # uuid5 over the study name and the object's key
    assert source.get("guid") == str(uuid.uuid5(QUALPIPE_NS, "exchange study\x1fsource\x1fen-01"))


def test_machine_coders_are_separate_users(exported):
    path, summary = exported
    root = tree(path)
    users = {u.get("name"): u.get("guid") for u in root.iterfind(".//q:User", namespaces=NS)}
    assert {"coder-a", "coder-b", "qualpipe rule coder 0.1.0", "qualpipe combined coder 0.1.0"} <= set(users)
    by_user = {}
    for selection in root.iterfind(".//q:PlainTextSelection", namespaces=NS):
        for coding in selection.iterfind("q:Coding", namespaces=NS):
            by_user.setdefault(coding.get("creatingUser"), set()).add(selection.get("name"))
    assert by_user[users["coder-a"]] == {"en-01:2", "en-01:4"}
    assert by_user[users["qualpipe rule coder 0.1.0"]] == {"nl-01:2", "nl-01:4"}
    assert by_user[users["coder-b"]] == {"nl-02:3"} and "nl-02:3" in by_user[users["qualpipe combined coder 0.1.0"]]
    assert "qualpipe rule coder 0.1.0" in summary.users


def test_only_final_codings_by_default(tmp_path, exported, book, study):
    path, summary = exported
    assert summary.n_codings == 7
    codes_on = lambda p: [(s.get("name"), c.find("q:CodeRef", NS).get("targetGUID"))  # noqa: E731
                          for s in tree(p).iterfind(".//q:PlainTextSelection", namespaces=NS)
                          for c in s.iterfind("q:Coding", namespaces=NS)]
    overall = code_guid("exchange_book", "overall")
    assert ("en-01:4", overall) not in codes_on(path)
    assert "overridden by human coders" in summary.to_text() and "not exported" in summary.to_text()
    everything = tmp_path / "all.qdpx"
    documents, segments = study
    summary_all = export_refi(documents, segments, make_codings(), book, everything, "exchange study",
                              created=CREATED, include_all=True)
    assert summary_all.n_codings == 8 and ("en-01:4", overall) in codes_on(everything)
    as_text = make_codings().astype({"final": str})  # "True"/"False" as read from a CSV without types
    again = export_refi(documents, segments, as_text, book, tmp_path / "text.qdpx", "exchange study", created=CREATED)
    assert again.n_codings == 7


def test_summary_and_notes_carry_scores_and_evidence(exported):
    path, summary = exported
    text = summary.to_text()
    assert "scores and evidence" in text and "Note" in text
    dropped = text.split("Dropped or not exported:")[1]
    assert "turn start/end times (3): dropped" in dropped and "cues" in dropped
    root = tree(path)
    notes = {n.get("guid"): n.findtext("q:PlainTextContent", namespaces=NS)
             for n in root.iterfind(".//q:Notes/q:Note", namespaces=NS)}
    selection = next(s for s in root.iterfind(".//q:PlainTextSelection", namespaces=NS) if s.get("name") == "nl-01:2")
    note_ref = selection.find("q:Coding/q:NoteRef", NS).get("targetGUID")
    assert "score 0.750" in notes[note_ref] and "netwerk@13-20" in notes[note_ref]
    project_note = root.find("q:NoteRef", NS).get("targetGUID")
    assert "scores and evidence" in notes[project_note]  # the evaluator in NVivo sees it too
    human = next(s for s in root.iterfind(".//q:PlainTextSelection", namespaces=NS) if s.get("name") == "en-01:2")
    assert human.find("q:Coding/q:NoteRef", NS) is None  # nothing to say about a human coding


def test_variables_are_typed_and_cases_hold_them(exported, tmp_path, book, study):
    path, _ = exported
    root = tree(path)
    kinds = {v.get("name"): v.get("typeOfVariable") for v in root.iterfind(".//q:Variable", namespaces=NS)}
    assert kinds == {"pilot": "Text", "model": "Text", "role": "Text", "language": "Text", "date": "Date",
                     "sessions": "Integer", "satisfaction": "Float"}
    cases = root.findall(".//q:Case", NS)
    assert [c.get("name") for c in cases] == ["en-01", "nl-01", "nl-02"]
    nl02 = cases[2]
    assert nl02.find("q:SourceRef", NS) is not None
    assert len(nl02.findall("q:VariableValue", NS)) == 6  # 'sessions' is blank: no empty element
    assert nl02.find("q:VariableValue/q:TextValue", NS).text == "limburg"
    assert infer_variable([True, False, None])[0] == "Boolean"
    assert infer_variable(["007", "12"])[0] == "Text"  # leading zeros are codes, not numbers
    assert infer_variable([1e-7, 2.5]) == ("Float", ["0.0000001", "2.5"])
    assert infer_variable(["2023-05-04T10:00:00Z"])[0] == "DateTime"
    documents, segments = study
    by_pilot = tmp_path / "cases.qdpx"
    export_refi(documents, segments, make_codings(), book, by_pilot, "exchange study", created=CREATED,
                case_attribute="pilot")
    cases = tree(by_pilot).findall(".//q:Case", NS)
    assert sorted(c.get("name") for c in cases) == ["ef-vdab", "limburg"]
    limburg = next(c for c in cases if c.get("name") == "limburg")
    assert len(limburg.findall("q:SourceRef", NS)) == 2
    with pytest.raises(ConfigError, match="case_attribute"):
        export_refi(documents, segments, None, book, tmp_path / "x.qdpx", "s", created=CREATED, case_attribute="nope")


def test_bad_codings_are_refused(tmp_path, book, study):
    documents, segments = study
    codings = make_codings()
    codings.loc[0, "code"] = "motives.unknown"
    with pytest.raises(InputError, match="motives.unknown"):
        export_refi(documents, segments, codings, book, tmp_path / "x.qdpx", "s", created=CREATED)
    moved = segments.copy()
    moved.loc[1, "start_char"] += 1
    with pytest.raises(InputError, match="en-01:2"):
        export_refi(documents, moved, make_codings(), book, tmp_path / "x.qdpx", "s", created=CREATED)
    with pytest.raises(ConfigError, match="qdpx"):
        export_refi(documents, segments, None, book, tmp_path / "x.zip", "s", created=CREATED)


# -- import ----------------------------------------------------------------------------------------

def test_round_trip(exported, book, study, tmp_path):
    path, _ = exported
    documents, segments = study
    result = import_refi(path)
    assert [p for p in result.problems if p.severity == "error"] == []
    back = result.codebook
    assert (back.name, back.version) == (book.name, book.version)
    assert [(c.id, d, p) for c, d, p in back.walk()] == [(c.id, d, p) for c, d, p in book.walk()]
    for code, _, _ in book.walk():
        assert back.code(code.id).text("label", "en") == code.text("label", "en")
        assert back.code(code.id).text("definition", "en") == code.text("definition", "en")
    docs = result.documents.set_index("doc_id")
    assert list(docs.index) == list(documents["doc_id"])
    for row in documents.to_dict("records"):
        assert docs.loc[row["doc_id"], "text"] == row["text"]
        for column, value in ATTRS[row["doc_id"]].items():
            got = docs.loc[row["doc_id"], column]
            if value == "":
                assert pd.isna(got), (row["doc_id"], column)
            elif column in ("sessions", "satisfaction"):  # typed Integer and Float
                assert float(got) == float(value), (row["doc_id"], column)
            else:
                assert got == value, (row["doc_id"], column)
    assert str(docs["sessions"].dtype) == "Int64"
    columns = ["segment_id", "doc_id", "turn", "speaker", "speaker_role", "text", "start_char", "end_char"]
    pd.testing.assert_frame_equal(result.segments[columns].astype(str), segments[columns].astype(str))
    final = make_codings().query("final")
    expected = set(zip(final["segment_id"], final["code"], final["coder"]))
    assert set(zip(result.codings["segment_id"], result.codings["code"], result.codings["coder"])) == expected
    human = result.human_codings
    assert list(human.columns) == ["segment_id", "code", "coder"]
    assert set(human["coder"]) == {"coder-a", "coder-b"}
    assert set(result.codings.loc[result.codings["source"] != "human", "source"]) == {"rule", "combined"}
    note = result.codings.set_index(["segment_id", "coder"]).loc[("nl-01:2", "rule@0.1.0"), "note"]
    assert "score 0.750" in note
    written = write_import(result, tmp_path / "imported")
    assert {p.name for p in written} >= {"documents.csv", "segments.parquet", "human_codings.csv", "codebook.yaml"}
    assert load_codebook(tmp_path / "imported" / "codebook.yaml").code_ids == book.code_ids


def test_atlas_samples_import(shared):
    samples = shared / "refi" / "samples"
    blank = import_refi(samples / "blank-atlas-project.qdpx")
    assert blank.documents.empty and blank.segments.empty and blank.human_codings.empty
    assert blank.codebook is None and blank.problems == []
    target = import_refi(samples / "target-atlas-project.qdpx")
    assert target.documents.empty
    themes = target.codebook.themes
    assert [t.text("label", "en") for t in themes] == ["Commits"]
    assert [c.text("label", "en") for c in themes[0].codes] == ["2022-05-10T02:05:59Z 19e4dce",
                                                                 "2022-02-11T10:39:25Z cdbfd92"]
    assert target.codebook.code_ids == ["commits.2022_05_10t02_05_59z_19e4dce", "commits.2022_02_11t10_39_25z_cdbfd92"]


FOREIGN_QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Foreign project" origin="OtherQDA 9">
  <Users><User guid="{AD68FBE7-E1EE-4A82-A279-23CC698C89EB}" name="Ann Analyst"/></Users>
  <CodeBook><Codes>
    <Code guid="A182CD3A-D83C-4D8C-BC80-26D9103EC6D6" name="Feelings" isCodable="true">
      <Code guid="2D2466F0-D77F-4F8C-BDF9-628966B6B74D" name="Joy" isCodable="true"/>
    </Code>
    <Code guid="086AC733-7B1C-4749-A138-D7182F63A5C9" name="Food" isCodable="true"><Description>Any food</Description></Code>
  </Codes></CodeBook>
  <Variables><Variable guid="11111111-2222-3333-4444-555555555555" name="Age Group" typeOfVariable="Integer"/></Variables>
  <Cases><Case guid="11111111-2222-3333-4444-666666666666" name="Person A">
    <VariableValue><VariableRef targetGUID="11111111-2222-3333-4444-555555555555"/><IntegerValue>3</IntegerValue></VariableValue>
    <SourceRef targetGUID="69A4332D-5B31-4915-B520-5275CFC21B40"/>
  </Case></Cases>
  <Sources>
    <TextSource guid="69A4332D-5B31-4915-B520-5275CFC21B40" name="Interview Amal.docx" plainTextPath="internal://01106019-2518-43DD-BBD1-8F0252BACB30.txt">
      <PlainTextSelection guid="4191294A-E287-4510-95B0-69BCE4638E56" startPosition="{s1}" endPosition="{e1}" creatingUser="AD68FBE7-E1EE-4A82-A279-23CC698C89EB">
        <Coding guid="445A6AEC-1400-4502-919D-0867832FF211" creatingUser="AD68FBE7-E1EE-4A82-A279-23CC698C89EB"><CodeRef targetGUID="2D2466F0-D77F-4F8C-BDF9-628966B6B74D"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="5191294A-E287-4510-95B0-69BCE4638E56" startPosition="{s2}" endPosition="{e2}">
        <Coding guid="545A6AEC-1400-4502-919D-0867832FF211" creatingUser="AD68FBE7-E1EE-4A82-A279-23CC698C89EB"><CodeRef targetGUID="086AC733-7B1C-4749-A138-D7182F63A5C9"/></Coding>
        <Coding guid="645A6AEC-1400-4502-919D-0867832FF211" creatingUser="AD68FBE7-E1EE-4A82-A279-23CC698C89EB"><CodeRef targetGUID="A182CD3A-D83C-4D8C-BC80-26D9103EC6D6"/></Coding>
      </PlainTextSelection>
    </TextSource>
    <TextSource guid="79A4332D-5B31-4915-B520-5275CFC21B40" name="Field notes">
      <PlainTextContent>First paragraph about breakfast.

Second paragraph, about coffee and joy.</PlainTextContent>
      <PlainTextSelection guid="6191294A-E287-4510-95B0-69BCE4638E56" startPosition="40" endPosition="70">
        <Coding guid="745A6AEC-1400-4502-919D-0867832FF211"><CodeRef targetGUID="2D2466F0-D77F-4F8C-BDF9-628966B6B74D"/></Coding>
      </PlainTextSelection>
    </TextSource>
    <PictureSource guid="89A4332D-5B31-4915-B520-5275CFC21B40" name="photo.jpg" path="internal://x.jpg"/>
  </Sources>
</Project>"""

def qde_text(**positions):
    text = FOREIGN_QDE
    for name, value in positions.items():
        text = text.replace("{%s}" % name, str(value))
    return text


AMAL = ("Interview with Amal, 3 May\r\n\r\nQ: How was breakfast?\r\nAmal: Lovely, I felt such joy.\r\n"
        "It was the coffee, I think.\r\nQ: And lunch?\r\nAmal: Bread with cheese.\r\n")


def test_import_from_another_tool_is_lenient(tmp_path):
    s1 = AMAL.index("such joy")
    s2 = AMAL.index("coffee")  # runs from Amal's first turn into the interviewer's question
    e2 = AMAL.index("And lunch") + 3
    path = tmp_path / "foreign.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Foreign Project.qde", qde_text(s1=s1, e1=s1 + 8, s2=s2, e2=e2))
        archive.writestr("Sources/01106019-2518-43DD-BBD1-8F0252BACB30.txt", b"\xef\xbb\xbf" + AMAL.encode("utf-8"))
    result = import_refi(path)
    docs = result.documents.set_index("doc_id")
    assert list(docs.index) == ["Interview-Amal", "Field-notes"]
    assert docs.loc["Interview-Amal", "age_group"] == 3 and docs.loc["Interview-Amal", "case"] == "Person A"
    segs = result.segments.set_index("segment_id")
    assert list(segs.loc[segs["doc_id"] == "Interview-Amal", "speaker"]) == ["Q", "Amal", "Q", "Amal"]
    assert segs.loc["Interview-Amal:1", "speaker_role"] == "interviewer"
    assert docs.loc["Interview-Amal", "preamble"] == "Interview with Amal, 3 May"
    for seg in result.segments.itertuples():  # offsets point into the normalised text
        assert docs.loc[seg.doc_id, "text"][seg.start_char:seg.end_char] == seg.text
    assert list(segs.loc[segs["doc_id"] == "Field-notes", "speaker"]) == ["Respondent", "Respondent"]
    got = set(zip(result.human_codings["segment_id"], result.human_codings["code"], result.human_codings["coder"]))
    assert got == {("Interview-Amal:2", "feelings.joy", "Ann Analyst"),
                   ("Interview-Amal:2", "food", "Ann Analyst"), ("Interview-Amal:3", "food", "Ann Analyst"),
                   ("Interview-Amal:2", "feelings.general", "Ann Analyst"),
                   ("Interview-Amal:3", "feelings.general", "Ann Analyst"),
                   ("Field-notes:2", "feelings.joy", "unknown")}
    assert "feelings.general" in result.codebook.code_ids  # a coded parent gets a leaf of its own
    messages = " ".join(str(p) for p in result.problems)
    assert "spans 2 turns (Interview-Amal:2, Interview-Amal:3)" in messages
    assert "PictureSource not imported" in messages and "not pseudonymised" in messages
    assert "feelings.general" in messages


def test_malformed_projects_name_the_file_and_the_fix(tmp_path):
    not_zip = tmp_path / "broken.qdpx"
    not_zip.write_text("this is not a zip")
    with pytest.raises(InputError, match="broken.qdpx.*not a zip.*Fix: Export the project again"):
        import_refi(not_zip)
    empty = tmp_path / "empty.qdpx"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("sources/a.txt", "text")
    with pytest.raises(InputError, match="empty.qdpx.*no .qde file.*Fix:"):
        import_refi(empty)
    bad_xml = tmp_path / "bad.qdpx"
    with zipfile.ZipFile(bad_xml, "w") as archive:
        archive.writestr("project.qde", "<Project name='x'><Users></Project>")
    with pytest.raises(InputError, match=r"bad.qdpx!project.qde.*not well-formed XML.*line 1.*Fix:"):
        import_refi(bad_xml)
    with pytest.raises(InputError, match="does not exist"):
        import_refi(tmp_path / "missing.qdpx")
