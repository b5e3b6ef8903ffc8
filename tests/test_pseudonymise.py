"""Pseudonymisation rules on small tables."""
from __future__ import annotations

import pandas as pd

from pipeline.stages.ingest.corpus import render_document
from pipeline.stages.ingest.pseudonymise import Pseudonymiser


def tables(turns, role="mentee", doc_id="d1"):
    text, offsets = render_document("", [s for s, _, _ in turns], [t for _, t, _ in turns])
    segments = pd.DataFrame([
        {"segment_id": f"{doc_id}:{i}", "doc_id": doc_id, "turn": i, "speaker": s, "speaker_role": r, "text": t,
         "start_char": a, "end_char": b, "role": role}
        for i, ((s, t, r), (a, b)) in enumerate(zip(turns, offsets), start=1)])
    documents = pd.DataFrame([{"doc_id": doc_id, "file": f"{doc_id}.txt", "format": "txt", "preamble": "",
                               "text": text, "role": role}])
    return documents, segments


def test_lower_case_surname_is_replaced_but_name_words_only_when_capitalised(tmp_path):
    docs, segs = tables([("Interviewer", "Your name?", "interviewer"),
                         ("Amal Jabouri", "It's jabouri, with one b. I hope Mark calls; he got a good mark.", "respondent")])
    pseudo = Pseudonymiser(names=["Mark"], key_path=tmp_path / "key.csv")
    _, out = pseudo.fit_transform(docs, segs)
    text = out.loc[1, "text"]
    assert "jabouri" not in text.lower()
    assert text == "It's Mentee-01, with one b. I hope Person-01 calls; he got a good mark."


def test_pseudonyms_are_stable_across_runs_and_new_names_extend_the_key(tmp_path):
    key = tmp_path / "key.csv"
    docs, segs = tables([("Interviewer", "Hello", "interviewer"), ("Omar", "Hi, Koen here too.", "respondent")])
    Pseudonymiser(names=["Koen"], key_path=key).fit_transform(docs, segs)
    docs2, segs2 = tables([("Interviewer", "Hello", "interviewer"), ("Lina", "Omar told me about Koen.", "respondent")],
                          doc_id="d0")
    _, out = Pseudonymiser(names=["Koen"], key_path=key).fit_transform(docs2, segs2)
    assert out.loc[1, "speaker"] == "Mentee-02"  # Mentee-01 stays Omar's, from the first run
    # Omar is a speaker of another document: here he is a person mentioned, as everywhere else
    assert out.loc[1, "text"] == "Person-02 told me about Person-01."
    key_rows = pd.read_csv(key)
    assert set(key_rows.columns) == {"scope", "original", "pseudonym", "kind"}
    assert key_rows.query("original == 'Omar' and scope == 'd1'")["pseudonym"].item() == "Mentee-01"


def test_same_first_name_in_two_documents_is_two_people(tmp_path):
    d1, s1 = tables([("Interviewer", "Hello Nadia", "interviewer"), ("Nadia", "Hi.", "respondent")], doc_id="a")
    d2, s2 = tables([("Interviewer", "Hello Nadia", "interviewer"), ("Nadia", "Hey.", "respondent")], doc_id="b")
    docs, segs = pd.concat([d1, d2], ignore_index=True), pd.concat([s1, s2], ignore_index=True)
    _, out = Pseudonymiser(key_path=tmp_path / "k.csv").fit_transform(docs, segs)
    assert out["speaker"].tolist() == ["Interviewer", "Mentee-01", "Interviewer", "Mentee-02"]
    assert out["text"].tolist()[::2] == ["Hello Mentee-01", "Hello Mentee-02"]


def test_role_prefixes_and_generic_labels(tmp_path):
    docs, segs = tables([("Moderator", "Welcome", "interviewer"), ("Bart Peeters", "I mentor.", "respondent"),
                         ("R2", "Me too.", "respondent")], role="mentor")
    _, out = Pseudonymiser(key_path=tmp_path / "k.csv").fit_transform(docs, segs)
    assert out["speaker"].tolist() == ["Moderator", "Mentor-01", "R2"]


def test_ner_is_optional(tmp_path):
    """'auto' uses a trained spaCy pipeline only when one is installed; naming one that is not is an error."""
    import importlib.util

    import pytest

    from pipeline.errors import InputError

    docs, segs = tables([("Interviewer", "Hello", "interviewer"), ("Omar", "I met Katrien there.", "respondent")])
    pseudo = Pseudonymiser(key_path=tmp_path / "k.csv", ner="auto")
    _, out = pseudo.fit_transform(docs, segs)
    if importlib.util.find_spec("en_core_web_sm") is None:
        assert out.loc[1, "text"] == "I met Katrien there."  # no model, no NER: only known names are replaced
        with pytest.raises(InputError, match="en_core_web_sm"):
            Pseudonymiser(key_path=tmp_path / "k2.csv", ner="en_core_web_sm").fit_transform(docs, segs)
    else:  # pragma: no cover - depends on the machine
        assert "Katrien" not in out.loc[1, "text"]


def test_a_fitted_pseudonymiser_transforms_partitions_of_documents_as_the_whole(tmp_path):
    """Fit once, then transform documents in parts (another process, a Dask partition): the same
    rows as transforming them all at once."""
    import pickle

    parts = [tables([("Interviewer", f"Hello {who}, call 0470 12 34 5{n}?", "interviewer"),
                     (who, f"Yes. My mentor {mentor} and Nadia helped.", "respondent")], doc_id=f"d{n}")
             for n, (who, mentor) in enumerate([("Nadia", "Koen"), ("Omar", "Els Peeters"), ("Nadia", "Koen")])]
    docs = pd.concat([d for d, _ in parts], ignore_index=True)
    segs = pd.concat([s for _, s in parts], ignore_index=True)
    fitted = Pseudonymiser(names=["Koen"], key_path=tmp_path / "k.csv").fit(docs, segs)
    whole_docs, whole_segs = fitted.transform(docs, segs)
    shipped = pickle.loads(pickle.dumps(fitted))
    pieces = [shipped.transform(docs[docs["doc_id"].isin(ids)], segs[segs["doc_id"].isin(ids)])
              for ids in (["d0", "d2"], ["d1"])]
    pd.testing.assert_frame_equal(pd.concat([p[0] for p in pieces]).loc[whole_docs.index], whole_docs)
    pd.testing.assert_frame_equal(pd.concat([p[1] for p in pieces]).loc[whole_segs.index], whole_segs)
    assert whole_segs["speaker"].tolist()[1::2] == ["Mentee-01", "Mentee-02", "Mentee-03"]
    assert "Nadia" not in " ".join(whole_segs["text"]) and "0470" not in " ".join(whole_segs["text"])
