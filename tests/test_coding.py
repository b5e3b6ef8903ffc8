"""The coding stage: which turns are coded, human codings win, settings, determinism."""
import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from pipeline.codebook import codebook_from_dict
from pipeline.stages.coding.code import CodingSettings, code, codebook_version
from pipeline.errors import ConfigError, InputError

BOOK = {
    "name": "stage_book", "version": "2.0", "languages": ["en", "nl"],
    "themes": [
        {"id": "motives", "label": {"en": "Motives"}, "codes": [
            {"id": "motives.network", "label": {"en": "Network"},
             "cues": {"en": ["network*", "meet people"], "nl": ["netwerk*"]}},
            {"id": "motives.find_job", "label": {"en": "Job"}, "cues": {"en": ["job"], "nl": ["baan", "job"]}},
        ]},
        {"id": "process", "label": {"en": "Process"}, "codes": [
            {"id": "process.stalled", "label": {"en": "Stalled"}, "cues": {"en": ["meet"], "nl": ["afgesproken"]}},
        ]},
        {"id": "benefits", "label": {"en": "Benefits"}, "codes": [
            {"id": "benefits.application_advice", "label": {"en": "CV"}, "cues": {"en": ["cv"], "nl": ["cv"]}},
        ]},
    ],
}

PHRASES = {
    "motives.network": ["I wanted a professional network here", "ik wilde een netwerk opbouwen"],
    "motives.find_job": ["I was looking for a job at my level", "ik zocht een baan op mijn niveau"],
    "benefits.application_advice": ["she improved my CV", "ze verbeterde mijn cv"],
    "process.stalled": ["we never managed to meet", "we hebben nooit afgesproken"],
}


@pytest.fixture(scope="module")
def book():
    return codebook_from_dict(BOOK)


def interviews(n_docs=12, turns=12, seed=1):
    """Interviews alternating interviewer and respondent turns, half English, half Dutch."""
    rng = np.random.default_rng(seed)
    rows, codings = [], []
    for d in range(n_docs):
        lang = ["en", "nl"][d % 2]
        for t in range(1, turns + 1):
            sid = f"doc{d:02d}:{t}"
            base = {"segment_id": sid, "doc_id": f"doc{d:02d}", "turn": t, "language": lang,
                    "role": "mentee", "pilot": "p1"}
            if t % 2:
                rows.append({**base, "speaker": "Interviewer", "speaker_role": "interviewer",
                             "text": "Did the mentor help you find a job or build a network?"})
                continue
            codes = [c for c in PHRASES if rng.random() < 0.3]
            parts = [PHRASES[c][d % 2] for c in codes] + ["that was it" if lang == "en" else "dat was het"]
            rows.append({**base, "speaker": f"Mentee-{d:02d}", "speaker_role": "respondent",
                         "text": ". ".join(parts) + "."})
            codings += [{"segment_id": sid, "code": c, "coder": "ann"} for c in codes]
    return pd.DataFrame(rows), pd.DataFrame(codings)


def test_interviewer_turns_are_context_not_coded(book):
    seg, _ = interviews(n_docs=2)
    res = code(seg, book, CodingSettings(coder="rule"))
    interviewer = set(seg.loc[seg["speaker_role"] == "interviewer", "segment_id"])
    assert not set(res.codings["segment_id"]) & interviewer
    cs = res.coded_segments.set_index("segment_id")
    assert (cs.loc[sorted(interviewer), "codes"] == "").all()
    assert cs.loc[sorted(interviewer), "score_motives.network"].isna().all()
    assert (cs.loc[sorted(interviewer), "coded_by"] == "").all()
    both = code(seg, book, CodingSettings(coder="rule", code_interviewer_turns=True))
    assert set(both.codings["segment_id"]) & interviewer  # "job", "network" are in the question


def test_coded_segments_columns(book):
    seg, _ = interviews(n_docs=2)
    res = code(seg, book, CodingSettings(coder="rule"))
    cs = res.coded_segments
    assert list(cs.columns[:len(seg.columns)]) == list(seg.columns)
    assert {"codes", "themes", "coded_by"} <= set(cs.columns)
    assert [c for c in cs.columns if c.startswith("score_")] == [f"score_{c}" for c in book.code_ids]
    for _, row in cs.iterrows():
        mine = sorted(res.codings.loc[res.codings["segment_id"] == row["segment_id"], "code"])
        assert row["codes"] == ";".join(mine)
        assert row["themes"] == ";".join(sorted({book.theme_of(c) for c in mine}))
    assert (res.codings["codebook_version"] == codebook_version(book)).all()
    assert (res.codings["coder"] == "rule@0.1.0").all()
    assert res.codings["final"].all()


def test_human_codings_always_win(book):
    seg, cod = interviews()
    human = cod[cod["segment_id"].str.startswith("doc00:")]
    # the human also says a turn without cues carries a code, and leaves out a code the cues find
    extra = pd.DataFrame({"segment_id": ["doc00:2"], "code": ["process.stalled"], "coder": ["bob"]})
    human = pd.concat([human[human["segment_id"] != "doc00:2"], extra], ignore_index=True)
    res = code(seg, book, CodingSettings(coder="rule"), human_codings=human)
    rows = res.codings[res.codings["doc_id"] == "doc00"]
    final = rows[rows["final"]]
    assert set(final["source"]) == {"human"}
    assert set(map(tuple, final[["segment_id", "code"]].to_numpy())) == \
        set(map(tuple, human[["segment_id", "code"]].to_numpy()))
    suggestions = rows[~rows["final"]]
    assert len(suggestions) and set(suggestions["source"]) == {"rule"}
    cs = res.coded_segments.set_index("segment_id")
    assert cs.loc["doc00:2", "codes"] == "process.stalled"
    assert cs.loc["doc00:2", "coded_by"] == "human:ann,bob"
    # a respondent turn of a human-coded document without a human row has no code
    uncoded = set(seg.loc[(seg["doc_id"] == "doc00") & (seg["speaker_role"] == "respondent"), "segment_id"]) \
        - set(human["segment_id"])
    assert uncoded and (cs.loc[sorted(uncoded), "codes"] == "").all()
    # other documents keep the machine's codes
    assert res.codings.loc[res.codings["doc_id"] != "doc00", "final"].all()


def test_review_decisions_decide_one_segment_and_code(book):
    seg, _ = interviews(n_docs=2)
    machine = code(seg, book, CodingSettings(coder="rule")).codings
    first = machine.iloc[0]  # a machine code the reviewer will reject
    human = pd.DataFrame({"segment_id": [first["segment_id"], "doc00:4"],
                          "code": [first["code"], "motives.network"],
                          "coder": "rev", "decision": ["reject", "accept"]})
    res = code(seg, book, CodingSettings(coder="rule"), human_codings=human)
    rows = res.codings.set_index(["segment_id", "code", "source"])
    assert not rows.loc[(first["segment_id"], first["code"], "rule"), "final"]
    assert rows.loc[("doc00:4", "motives.network", "human"), "final"]
    assert (first["segment_id"], first["code"], "human") not in rows.index  # a rejection is no code
    # every other machine code of the document stays final: review rows do not cover a document
    others = res.codings[(res.codings["source"] == "rule")
                         & ~((res.codings["segment_id"] == first["segment_id"]) & (res.codings["code"] == first["code"]))
                         & ~((res.codings["segment_id"] == "doc00:4") & (res.codings["code"] == "motives.network"))]
    assert len(others) and others["final"].all()
    cs = res.coded_segments.set_index("segment_id")
    assert first["code"] not in cs.loc[first["segment_id"], "codes"].split(";")
    assert "motives.network" in cs.loc["doc00:4", "codes"].split(";")
    assert cs.loc["doc00:4", "coded_by"] == "rule@0.1.0+review:rev"
    with pytest.raises(InputError, match="unknown decision 'maybe'"):
        code(seg, book, CodingSettings(coder="rule"), human_codings=human.assign(decision="maybe"))


def test_combined_falls_back_to_rules_without_human_codings(book):
    seg, _ = interviews(n_docs=2)
    res = code(seg, book, CodingSettings())
    assert res.coder == "rule@0.1.0" and res.code_status is None
    assert any("no" in n and "rule" in n for n in res.notes)


def test_combined_coder_trains_on_human_codings_and_is_deterministic(book):
    seg, cod = interviews()
    settings = CodingSettings(coder="combined", min_positives=5, negation_exempt=["process.stalled"],
                              model_must_beat_rules=False)
    first = code(seg, book, settings, human_codings=cod)
    second = code(seg, book, settings, human_codings=cod)
    pd.testing.assert_frame_equal(first.codings, second.codings)
    pd.testing.assert_frame_equal(first.coded_segments, second.coded_segments)
    assert first.coder == "combined@0.1.0"
    status = first.code_status.set_index("code")
    assert (status["mode"] == "combined").all()
    assert (status["cv_f1"] > 0.8).all()
    machine = first.codings[first.codings["source"] != "human"]
    assert not machine["final"].any()  # every document is human-coded: machine rows are suggestions
    other_seed = code(seg, book, settings.model_copy(update={"seed": 7}), human_codings=cod)
    assert set(other_seed.codings["code"]) == set(first.codings["code"])


def test_model_is_kept_only_where_it_beats_the_rules(book):
    seg, cod = interviews()  # the phrases hold the cues: the rules are perfect here
    res = code(seg, book, CodingSettings(coder="combined", min_positives=5,
                                         negation_exempt=["process.stalled"]), human_codings=cod)
    status = res.code_status.set_index("code")
    assert (status["mode"] == "rule").all()
    assert (status["rule_f1"] == 1.0).all()
    assert status["reason"].str.contains("not above the rules").all()
    assert set(res.codings.loc[res.codings["source"] != "human", "source"]) == {"rule"}


def test_training_codings_separate_from_final_human_codes(book):
    seg, cod = interviews()
    train_docs = {f"doc{d:02d}" for d in range(8)}
    training = cod[cod["segment_id"].str[:5].isin(train_docs)]
    res = code(seg, book, CodingSettings(coder="model", min_positives=4, model_must_beat_rules=False),
               training=training)
    assert res.coder == "model@0.1.0"
    assert set(res.codings["source"]) <= {"model", "rule"} and res.codings["final"].all()
    new = res.codings[~res.codings["doc_id"].isin(train_docs)]
    truth = cod[~cod["segment_id"].str[:5].isin(train_docs)]
    got = set(map(tuple, new[["segment_id", "code"]].to_numpy()))
    want = set(map(tuple, truth[["segment_id", "code"]].to_numpy()))
    assert len(got & want) / len(got | want) > 0.8
    # a (segments, codings) pair from another corpus works too
    other = code(seg[seg["doc_id"].isin(train_docs)].reset_index(drop=True), book,
                 CodingSettings(coder="model", min_positives=4), training=(seg, cod))
    assert other.coder == "model@0.1.0"


def test_bad_human_codings_name_the_segment(book):
    seg, _ = interviews(n_docs=2)
    with pytest.raises(InputError, match="doc99:1"):
        code(seg, book, CodingSettings(coder="rule"),
             human_codings=pd.DataFrame({"segment_id": ["doc99:1"], "code": ["motives.network"], "coder": "a"}))
    with pytest.raises(InputError, match="motives"):
        code(seg, book, CodingSettings(coder="rule"),
             human_codings=pd.DataFrame({"segment_id": ["doc00:2"], "code": ["motives"], "coder": "a"}))


def test_settings_are_validated(book):
    with pytest.raises(ValidationError):
        CodingSettings(coder="magic")
    with pytest.raises(ValidationError):
        CodingSettings(windw=3)
    seg, _ = interviews(n_docs=2)
    with pytest.raises(ConfigError, match="thresholds.motives.nope"):
        code(seg, book, CodingSettings(coder="rule", thresholds={"motives.nope": 0.5}))
    with pytest.raises(ConfigError, match="negation_exempt"):
        code(seg, book, CodingSettings(coder="rule", negation_exempt=["nope"]))


def test_rule_threshold_setting(book):
    seg = pd.DataFrame({"segment_id": ["d:1", "d:2"], "doc_id": "d", "text": ["A network.", "A network, to meet people."],
                        "speaker_role": "respondent", "language": "en"})
    strict = code(seg, book, CodingSettings(coder="rule", rule_threshold=0.75))
    assert list(strict.codings.query("code == 'motives.network'")["segment_id"]) == ["d:2"]
    per_code = code(seg, book, CodingSettings(coder="rule", thresholds={"motives.network": 0.75}))
    assert list(per_code.codings.query("code == 'motives.network'")["segment_id"]) == ["d:2"]
    assert "process.stalled" in set(per_code.codings["code"])  # "meet" (0.5) still counts there


def _integer_ids(seg: pd.DataFrame, cod: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The same tables as a user's spreadsheet gives them: doc ids and segment ids as numbers."""
    number = {s: 100 * (2000 + int(s[3:5])) + int(s.split(":")[1]) for s in seg["segment_id"]}
    seg = seg.assign(segment_id=seg["segment_id"].map(number), doc_id=seg["doc_id"].str[3:].astype(int) + 2000)
    return seg, cod.assign(segment_id=cod["segment_id"].map(number))


@pytest.mark.parametrize("coder", ["rule", "combined", "stacked"])
def test_integer_ids_code_as_their_text(book, coder):
    """A user's tables with integer doc_ids / segment_ids (as pandas reads a CSV of numbers) are
    coded exactly as the same tables with the ids as text: same codings, same coded segments, ids text."""
    seg, cod = interviews()
    full = cod[cod["segment_id"].str[:5] < "doc06"]  # six documents coded whole, plus review decisions
    review = cod[cod["segment_id"].str[:5] >= "doc09"].head(6).assign(decision=["accept", "reject"] * 3)
    human = pd.concat([full, review], ignore_index=True)
    int_seg, int_human = _integer_ids(seg, human)
    assert int_seg["segment_id"].dtype.kind == "i" and int_seg["doc_id"].dtype.kind == "i"
    text_seg, text_human = (t.assign(**{c: t[c].astype(str) for c in ("segment_id", "doc_id") if c in t})
                            for t in (int_seg, int_human))
    settings = CodingSettings(coder=coder, min_positives=4, negation_exempt=["process.stalled"])
    as_numbers = code(int_seg, book, settings, human_codings=int_human)
    as_text = code(text_seg, book, settings, human_codings=text_human)
    pd.testing.assert_frame_equal(as_numbers.codings, as_text.codings)
    pd.testing.assert_frame_equal(as_numbers.coded_segments, as_text.coded_segments)
    assert as_numbers.coder == as_text.coder and as_numbers.notes == as_text.notes
    assert set(as_numbers.codings["segment_id"]) <= set(text_seg["segment_id"])
    assert (as_numbers.codings["source"] == "human").any() and (~as_numbers.codings["final"]).any()


def test_a_coder_fitted_on_integer_ids_predicts_as_on_text(book):
    """The coders' own fit/predict take a user's DataFrame with integer ids too."""
    from pipeline.stages.coding.coders import LearnedCoder, add_context

    seg, cod = interviews()
    int_seg, int_cod = _integer_ids(seg, cod)
    text_seg, text_cod = int_seg.astype({"segment_id": str, "doc_id": str}), int_cod.astype({"segment_id": str})
    fitted = [LearnedCoder(book, min_positives=4, must_beat_rule=False).fit(add_context(s), c)
              for s, c in ((int_seg, int_cod), (text_seg, text_cod))]
    pd.testing.assert_frame_equal(fitted[0].code_status_, fitted[1].code_status_)
    pd.testing.assert_frame_equal(fitted[0].predict(add_context(int_seg)), fitted[1].predict(add_context(text_seg)))
    pd.testing.assert_frame_equal(fitted[0].predict_proba(int_seg), fitted[1].predict_proba(text_seg))
