"""RuleCoder, LearnedCoder and CombinedCoder on small hand-made segments (English and Dutch)."""
import re

import numpy as np
import pandas as pd
import pytest

from pipeline.codebook import codebook_from_dict
from pipeline.stages.coding.coders import CombinedCoder, LearnedCoder, RuleCoder, codebook_version
from pipeline.stages.coding.coders._common import best_threshold
from pipeline.errors import ConfigError, InputError

BOOK = {
    "name": "test_book", "version": "1.0", "languages": ["en", "nl"],
    "themes": [
        {"id": "motives", "label": {"en": "Motives"}, "codes": [
            {"id": "motives.network", "label": {"en": "Network"},
             "cues": {"en": ["network", "meet people"], "nl": ["netwerk", "mensen leren kennen"]},
             "exclude_cues": {"en": ["social media"]}},
            {"id": "motives.find_job", "label": {"en": "Find a job"},
             "cues": {"en": ["find job", "employment"], "nl": ["werken", "baan"]}},
        ]},
        {"id": "process", "label": {"en": "Process"}, "codes": [
            {"id": "process.stalled", "label": {"en": "Stalled"},
             "cues": {"en": ["meet", "contact"], "nl": ["afspreken"]}},
            {"id": "process.meeting_mode", "label": {"en": "Mode"}, "cues": {"en": ["e-mail", "phone"]}},
        ]},
        {"id": "benefits", "label": {"en": "Benefits"}, "codes": [
            {"id": "benefits.network_access", "label": {"en": "Access"},
             "cues": {"en": ["open door", "introduce*"], "nl": ["voorgesteld", "deur* open"]}},
            {"id": "benefits.application_advice", "label": {"en": "Applications"},
             "cues": {"en": ["cv", "cover letter"], "nl": ["sollicit*", "cv"]}},
            {"id": "benefits.mentor_gain", "label": {"en": "Mentor gain"}, "applies_to": ["mentor"],
             "cues": {"en": ["satisfaction"]}},
        ]},
    ],
}


@pytest.fixture(scope="module")
def book():
    return codebook_from_dict(BOOK)


def segs(*texts, language="en", role=None):
    rows = {"segment_id": [f"d1:{i + 1}" for i in range(len(texts))], "doc_id": "d1",
            "text": list(texts), "language": language}
    if role is not None:
        rows["role"] = role
    return pd.DataFrame(rows)


def fired(coder, *texts, **kw):
    """The set of codes per text."""
    out = coder.predict(segs(*texts, **kw))
    return [set(out.loc[out["segment_id"] == f"d1:{i + 1}", "code"]) for i in range(len(texts))]


# -- RuleCoder --------------------------------------------------------------------------------
def test_lemma_and_lower_case_matching(book):
    rc = RuleCoder(book)
    en, = fired(rc, "My NETWORKS back home were gone.")
    assert "motives.network" in en
    nl = fired(rc, "Ik heb netwerken opgebouwd.", "Vroeger werkte ik als ingenieur.", language="nl")
    assert "motives.network" in nl[0]
    assert "motives.find_job" in nl[1]


def test_prefix_cue(book):
    rc = RuleCoder(book)
    en, = fired(rc, "She introduced me to her colleagues.")
    assert "benefits.network_access" in en
    nl, = fired(rc, "Ik solliciteerde elke week.", language="nl")
    assert "benefits.application_advice" in nl


def test_compiled_cues_are_shared_by_content_and_never_stale(book):
    import copy

    first, second = RuleCoder(book).fit(), RuleCoder(book).fit()
    assert first.index_["en"] is second.index_["en"]  # compiled once, reused by a refit
    assert RuleCoder(book, window=0).fit().index_["en"] is not first.index_["en"]
    edited = copy.deepcopy(BOOK)
    edited["themes"][2]["codes"][0]["cues"]["en"] = ["open door", "presented*"]
    other = RuleCoder(codebook_from_dict(edited)).fit()
    assert other.index_["en"] is not first.index_["en"]
    assert fired(other, "She presented me to her colleagues.") == [{"benefits.network_access"}]
    assert fired(first, "She presented me to her colleagues.") == [set()]
    # a prefix cue matches the lemma or the written form, at any length after the prefix
    assert fired(first, "The introducers were there.", "He did introduce me.") == [{"benefits.network_access"}] * 2
    assert fired(first, "The introduction was short.") == [set()]


def test_multi_word_cue_window_order_and_sentence(book):
    rc = RuleCoder(book)
    out = fired(rc,
                "I wanted to meet some new people.",        # 2 tokens between: fires
                "I wanted to meet a lot of new people.",     # 4 between: no
                "People I wanted to meet.",                  # wrong order: no
                "I wanted to meet. People said hi.")         # across sentences: no
    assert "motives.network" in out[0]
    assert [("motives.network" in o) for o in out[1:]] == [False, False, False]
    wide = RuleCoder(book, window=4)
    assert "motives.network" in fired(wide, "I wanted to meet a lot of new people.")[0]


def test_written_word_split_by_tokenizer_still_matches(book):
    assert "process.meeting_mode" in fired(RuleCoder(book), "We mostly sent an e-mail.")[0]


def test_negation_in_clause(book):
    rc = RuleCoder(book)
    out = fired(rc,
                "He never opened doors for me.",
                "I did not find a job.",
                "I didn't find a job.",
                "He never called, but he opened doors for me.",
                "He opened doors for me.")
    assert "benefits.network_access" not in out[0]
    assert "motives.find_job" not in out[1]
    assert "motives.find_job" not in out[2]
    assert "benefits.network_access" in out[3]  # the negation sits in another clause
    assert "benefits.network_access" in out[4]
    nl = fired(rc, "Hij heeft me nooit voorgesteld.", "Hij heeft me voorgesteld.", language="nl")
    assert "benefits.network_access" not in nl[0]
    assert "benefits.network_access" in nl[1]
    off = RuleCoder(book, negation=False)
    assert "benefits.network_access" in fired(off, "He never opened doors for me.")[0]


def test_negator_inside_a_cue_or_between_its_words():
    local = codebook_from_dict({"name": "n", "version": "1", "themes": [{"id": "evaluation", "label": "E", "codes": [
        {"id": "evaluation.network_disappointment", "label": "D", "cues": ["not introduce"]},
        {"id": "evaluation.access", "label": "A", "cues": ["open door"]}]}]})
    out = fired(RuleCoder(local), "He did not introduce me to anyone.", "He didn't introduce me.",
                "He opened no doors.", "He opened the doors.")
    assert "evaluation.network_disappointment" in out[0] and "evaluation.network_disappointment" in out[1]
    assert "evaluation.access" not in out[2] and "evaluation.access" in out[3]


def test_negation_exempt_code_counts_negated_cues(book):
    text = "We never had contact after the first month."
    assert "process.stalled" not in fired(RuleCoder(book), text)[0]
    assert "process.stalled" in fired(RuleCoder(book, negation_exempt=["process.stalled"]), text)[0]
    # a theme id stands for all its codes
    assert "process.stalled" in fired(RuleCoder(book, negation_exempt=["process"]), text)[0]
    with pytest.raises(ConfigError, match="process.nope"):
        RuleCoder(book, negation_exempt=["process.nope"]).fit()


def test_exclude_cue_suppresses_code(book):
    out = fired(RuleCoder(book), "My network on social media is big.", "My network is big.")
    assert "motives.network" not in out[0]
    assert "motives.network" in out[1]


def test_applies_to_restricts_by_document_role(book):
    rc = RuleCoder(book)
    text = "Mentoring gave me a lot of satisfaction."
    out = fired(rc, text, text, text, text, role=["mentee", "mentor", "mixed", None])
    assert ["benefits.mentor_gain" in o for o in out] == [False, True, True, True]
    assert "benefits.mentor_gain" in fired(rc, text)[0]  # no role column: every code applies


def test_evidence_offsets_point_at_the_matched_words(book):
    text = "Honestly, I came to meet new people and to grow my network, and for a better CV."
    out = RuleCoder(book).predict(segs(text))
    ev = out.set_index("code")["evidence"]
    spans = re.findall(r"([^;@]+)@(\d+)-(\d+)", ev["motives.network"])
    assert [s[0].strip() for s in spans] == ["meet new people", "network"]
    for word, start, end in spans:
        assert text[int(start):int(end)] == word.strip()
    assert ev["benefits.application_advice"] == f"CV@{text.index('CV')}-{text.index('CV') + 2}"


def test_scores_and_long_form(book):
    rc = RuleCoder(book)
    s = segs("My network.", "My network and I wanted to meet people.", "Nothing here.")
    proba = rc.predict_proba(s)
    assert list(proba.columns) == book.code_ids
    assert list(proba.index) == ["d1:1", "d1:2", "d1:3"] and proba.index.name == "segment_id"
    assert ((proba >= 0) & (proba <= 1)).all().all()
    net = proba["motives.network"]
    assert net["d1:1"] == 0.5 and net["d1:2"] > net["d1:1"] and net["d1:3"] == 0
    out = rc.predict(s)
    assert list(out.columns) == ["segment_id", "code", "theme", "source", "score", "evidence",
                                 "coder", "codebook_version"]
    assert set(out["source"]) == {"rule"} and set(out["coder"]) == {"rule@0.1.0"}
    assert set(out["codebook_version"]) == {codebook_version(book)}
    assert list(out["theme"]) == [book.theme_of(c) for c in out["code"]]
    assert "d1:3" not in set(out["segment_id"])


def test_language_fallback_and_unknown_language(book):
    text = "We belden via de phone."  # meeting_mode has English cues only
    assert "process.meeting_mode" in fired(RuleCoder(book), text, language="nl")[0]
    assert "process.meeting_mode" not in fired(RuleCoder(book, fallback_languages=False), text,
                                               language="nl")[0]
    with pytest.raises(InputError, match="'fr'"):
        RuleCoder(book).predict(segs("Bonjour", language="fr"))


def test_bad_segments_are_clear_errors(book):
    with pytest.raises(InputError, match="text"):
        RuleCoder(book).predict(pd.DataFrame({"segment_id": ["a:1"]}))
    with pytest.raises(InputError, match="more than once"):
        RuleCoder(book).predict(pd.DataFrame({"segment_id": ["a:1", "a:1"], "text": ["x", "y"]}))


def test_codebook_version_follows_content(book):
    data = {**BOOK, "themes": [dict(BOOK["themes"][0], label={"en": "Changed"})] + BOOK["themes"][1:]}
    assert codebook_version(book).startswith("test_book@1.0#")
    assert codebook_version(codebook_from_dict(data)) != codebook_version(book)
    assert codebook_version(codebook_from_dict(BOOK)) == codebook_version(book)


# -- LearnedCoder -----------------------------------------------------------------------------
# phrases WITHOUT cues of the codebook, so only a trained model can code them
PHRASES = {
    "motives.network": ["I wanted contacts in my profession", "knowing colleagues in the sector was why I came"],
    "benefits.network_access": ["through her I got to know a recruiter", "he brought me to his company's recruiter"],
    "benefits.application_advice": ["we rehearsed the questions recruiters ask", "she rewrote my resume"],
}
FILLER = ["the weather was bad that winter", "my children go to school here", "I think so, yes",
          "it was a long year for all of us"]


def corpus(n_docs=24, turns=16, seed=0):
    """Documents of respondent turns mixing code phrases and filler; returns segments, codings."""
    rng = np.random.default_rng(seed)
    rows, codings = [], []
    for d in range(n_docs):
        for t in range(1, turns + 1):
            codes = [c for c in PHRASES if rng.random() < 0.25]
            parts = [str(rng.choice(PHRASES[c])) for c in codes] + [str(rng.choice(FILLER))]
            rng.shuffle(parts)
            sid = f"doc{d:02d}:{t}"
            rows.append({"segment_id": sid, "doc_id": f"doc{d:02d}", "text": ". ".join(parts) + ".",
                         "language": "en"})
            codings += [{"segment_id": sid, "code": c, "coder": "ann"} for c in codes]
    return pd.DataFrame(rows), pd.DataFrame(codings, columns=["segment_id", "code", "coder"])


def f1(pred: set, truth: set) -> float:
    tp = len(pred & truth)
    return 2 * tp / (len(pred) + len(truth)) if pred or truth else 1.0


def test_learned_coder_learns_codes_the_cues_miss(book):
    seg, cod = corpus()
    train_docs = {f"doc{d:02d}" for d in range(18)}
    train = seg[seg["doc_id"].isin(train_docs)]
    test = seg[~seg["doc_id"].isin(train_docs)]
    lc = LearnedCoder(book, min_positives=8).fit(train, cod[cod["segment_id"].isin(train["segment_id"])])
    out = lc.predict(test)
    truth = cod[cod["segment_id"].isin(test["segment_id"])]
    for code_id in PHRASES:
        pred = set(out.loc[out["code"] == code_id, "segment_id"])
        real = set(truth.loc[truth["code"] == code_id, "segment_id"])
        assert f1(pred, real) > 0.85, code_id
        assert set(out.loc[out["code"] == code_id, "source"]) == {"model"}
    rule_pred = set(RuleCoder(book).predict(test).query("code == 'motives.network'")["segment_id"])
    assert f1(rule_pred, set(truth.query("code == 'motives.network'")["segment_id"])) < 0.5
    proba = lc.predict_proba(test)
    assert list(proba.columns) == book.code_ids and ((proba >= 0) & (proba <= 1)).all().all()
    status = lc.code_status_.set_index("code")
    assert status.loc["motives.network", "mode"] == "model"
    assert status.loc["motives.network", "cv_f1"] > 0.85


def test_codes_with_few_positives_fall_back_to_rules(book):
    seg, cod = corpus(n_docs=10, turns=10)
    lc = LearnedCoder(book, min_positives=8).fit(seg, cod)
    status = lc.code_status_.set_index("code")
    assert status.loc["motives.find_job", "mode"] == "rule"  # no human codings at all
    assert "min_positives" in status.loc["motives.find_job", "reason"]
    extra = segs("I hope to find a job soon.")
    out = lc.predict(extra)
    row = out[out["code"] == "motives.find_job"]
    assert list(row["source"]) == ["rule"] and list(row["coder"]) == ["rule@0.1.0"]
    assert lc.predict_proba(extra).loc["d1:1", "motives.find_job"] == 0.75  # a two-word cue


def test_cross_validation_never_splits_a_document(book):
    seg, cod = corpus(n_docs=12, turns=12)
    lc = LearnedCoder(book, cv_folds=4).fit(seg, cod)
    held_out = [set(fold) for fold in lc.cv_folds_]
    assert len(held_out) == 4
    assert set().union(*held_out) == set(seg["doc_id"])
    assert sum(len(f) for f in held_out) == seg["doc_id"].nunique()  # each document in one fold


def test_cross_validation_scores_do_not_leak_within_documents(book):
    # The label depends only on the document, and every turn carries a word unique to its
    # document. Split by turn, the model would learn the words and score near 1; split by
    # document, it has never seen a held-out document's word and cannot beat guessing.
    seg, _ = corpus(n_docs=20, turns=10)
    seg["text"] = [f"zq{int(d[3:])}x said that {FILLER[i % len(FILLER)]}."
                   for i, d in enumerate(seg["doc_id"])]
    positive_docs = {f"doc{d:02d}" for d in range(0, 20, 2)}
    cod = pd.DataFrame({"segment_id": seg.loc[seg["doc_id"].isin(positive_docs), "segment_id"],
                        "code": "motives.network", "coder": "ann"})
    lc = LearnedCoder(book, rule_features=False).fit(seg, cod)
    status = lc.code_status_.set_index("code")
    assert status.loc["motives.network", "mode"] == "model"
    assert status.loc["motives.network", "cv_f1"] < 0.75


def test_learned_coder_is_deterministic(book):
    seg, cod = corpus(n_docs=12, turns=12)
    a = LearnedCoder(book, seed=3).fit(seg, cod)
    b = LearnedCoder(book, seed=3).fit(seg, cod)
    pd.testing.assert_frame_equal(a.predict_proba(seg), b.predict_proba(seg))
    pd.testing.assert_frame_equal(a.predict(seg), b.predict(seg))


def test_learned_coder_input_errors(book):
    seg, cod = corpus(n_docs=4, turns=4)
    with pytest.raises(InputError, match="motives.unknown"):
        LearnedCoder(book).fit(seg, pd.DataFrame({"segment_id": ["doc00:1"], "code": ["motives.unknown"]}))
    with pytest.raises(InputError, match="zz:9"):
        LearnedCoder(book).fit(seg, pd.DataFrame({"segment_id": ["zz:9"], "code": ["motives.network"]}))
    from sklearn.exceptions import NotFittedError
    with pytest.raises(NotFittedError):
        LearnedCoder(book).predict(seg)


def test_review_decisions_are_partial_labels(book):
    seg, cod = corpus(n_docs=12, turns=12)
    # documents 0-5 coded whole; in documents 6-11 a reviewer only decided motives.network
    full = cod[cod["segment_id"] < "doc06"]
    rest = seg[seg["segment_id"] >= "doc06"]
    net = set(cod.loc[cod["code"] == "motives.network", "segment_id"])
    review = pd.DataFrame({"segment_id": rest["segment_id"], "code": "motives.network", "coder": "rev",
                           "decision": ["accept" if s in net else "reject" for s in rest["segment_id"]]})
    lc = LearnedCoder(book).fit(seg, pd.concat([full, review], ignore_index=True))
    status = lc.code_status_.set_index("code")
    n_full = (cod["segment_id"] < "doc06")
    assert status.loc["motives.network", "n_positive"] == (cod["code"] == "motives.network").sum()
    for other in ("benefits.network_access", "benefits.application_advice"):
        # the reviewed documents say nothing about the other codes: only the coded ones count
        assert status.loc[other, "n_positive"] == (n_full & (cod["code"] == other)).sum()
    assert lc.label_mask_[:, book.code_ids.index("benefits.network_access")].sum() == 6 * 12


# -- CombinedCoder ----------------------------------------------------------------------------
def test_combined_blends_rule_and_model_scores(book):
    seg, cod = corpus(n_docs=12, turns=12)
    model = LearnedCoder(book).fit(seg, cod)
    half = CombinedCoder(book, rule_weight=0.5).fit(seg, cod)
    rules = RuleCoder(book).predict_proba(seg)
    code_id = "benefits.application_advice"
    expected = 0.5 * model.predict_proba(seg)[code_id] + 0.5 * rules[code_id]
    np.testing.assert_allclose(half.predict_proba(seg)[code_id], expected)
    out = half.predict(seg)
    assert set(out.loc[out["code"] == code_id, "coder"]) == {"combined@0.1.0"}
    with pytest.raises(ConfigError, match="rule_weight"):
        CombinedCoder(book, rule_weight=1.5).fit(seg, cod)  # validated in fit, as scikit-learn does


def test_best_threshold_maximises_f1_above_a_floor():
    y = np.array([1, 1, 0, 1, 0, 0, 0, 0], dtype=bool)
    score = np.array([0.9, 0.8, 0.7, 0.6, 0.3, 0.2, 0.1, 0.05])
    thr, f1_, p, r = best_threshold(y, score)
    assert 0.3 < thr <= 0.6 and f1_ == pytest.approx(6 / 7) and r == 1.0
    # a rare code whose F1 is best when predicting (almost) everything: the floor stops that
    y2 = np.array([0, 0, 0, 0, 0, 0, 1, 1], dtype=bool)
    s2 = np.linspace(0.4, 0.05, 8)
    assert best_threshold(y2, s2)[0] < 0.2
    thr2, *_ = best_threshold(y2, s2, floor=0.2)
    assert thr2 >= 0.2
