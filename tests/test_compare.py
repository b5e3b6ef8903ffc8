"""The compare stage: shares, cluster bootstrap, tests and tables against hand-computed values."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pipeline.stages.compare import differences as cmp
from pipeline.stages.compare import stats as cs
from pipeline.codebook import codebook_from_dict
from pipeline.errors import InputError

BOOK = codebook_from_dict({"name": "mini", "version": "1.0", "languages": ["en"], "themes": [
    {"id": "motives", "label": "Motives", "definition": "Why people joined.", "codes": [
        {"id": "motives.network", "label": "Build a network"},
        {"id": "motives.find_job", "label": "Find a job"}]},
    {"id": "evaluation", "label": "Evaluation", "codes": [
        {"id": "evaluation.positive", "label": "Positive"},
        {"id": "evaluation.network_disappointment", "label": "Network disappointment"}]}]})


def seg(doc, turn, speaker, codes, model, role, method="interview", text=None, **extra):
    return {"segment_id": f"{doc}:{turn}", "doc_id": doc, "turn": turn, "speaker": speaker,
            "speaker_role": "interviewer" if speaker == "Interviewer" else "respondent",
            "text": text or f"{speaker} says something in turn {turn} of {doc}", "codes": codes,
            "model": model, "role": role, "method": method, "pilot": f"p-{model}", **extra}


def small() -> pd.DataFrame:
    """d1, d2 dual (d2 a focus group: two mentees and a mentor); d3, d4 centralised."""
    rows = [
        seg("d1", 1, "Interviewer", "motives.network", "dual", "mentee"),  # must not count
        seg("d1", 2, "Mentee-01", "motives.network", "dual", "mentee"),
        seg("d1", 3, "Interviewer", "", "dual", "mentee"),
        seg("d1", 4, "Mentee-01", "", "dual", "mentee"),
        seg("d1", 5, "Mentee-01", "motives.network;evaluation.positive", "dual", "mentee"),
        seg("d2", 1, "Mentee-02", "motives.network", "dual", "mentee", "focus_group"),
        seg("d2", 2, "Mentee-02", "motives.network", "dual", "mentee", "focus_group"),
        seg("d2", 3, "Mentor-01", "", "dual", "mentor", "focus_group"),
        seg("d2", 4, "Mentee-03", "evaluation.positive", "dual", "mentee", "focus_group"),
        seg("d3", 1, "Mentee-04", "motives.find_job", "centralised", "mentee"),
        seg("d3", 2, "Mentee-04", "", "centralised", "mentee"),
        seg("d4", 1, "Mentor-02", "motives.network", "centralised", "mentor"),
    ]
    return pd.DataFrame(rows)


def separated(n: int = 6) -> pd.DataFrame:
    """n dual interviews that all mention network disappointment, n centralised that never do."""
    rows = []
    for i in range(n):
        for model, codes in (("dual", "evaluation.network_disappointment"), ("centralised", "evaluation.positive")):
            doc = f"{model[:3]}{i}"
            rows.append(seg(doc, 1, "Interviewer", "", model, "mentee"))
            rows.append(seg(doc, 2, f"Mentee-{doc}", codes, model, "mentee",
                            text=f"Respondent {doc}: my mentor never opened any doors for me, honestly."))
    return pd.DataFrame(rows)


FAST = cmp.CompareSettings(n_boot=400, n_perm=400)


def row(frame, **where):
    mask = np.ones(len(frame), bool)
    for key, value in where.items():
        mask &= (frame[key] == value).to_numpy()
    assert mask.sum() == 1, where
    return frame[mask].iloc[0]


def test_prevalence_counts_respondents_once_and_ignores_interviewer():
    prev = cmp.prevalence(small(), BOOK, settings=FAST)
    dual = row(prev, attribute="model", stratum="all", group="dual", code="motives.network")
    # respondents: Mentee-01 (d1), Mentee-02, Mentor-01, Mentee-03 (d2); Mentee-02 speaks twice but counts once
    assert (dual["n_docs"], dual["docs_mentioning"]) == (2, 2)
    assert (dual["n_respondents"], dual["respondents_mentioning"], dual["share_respondents"]) == (4, 2, 0.5)
    # respondent turns: 3 in d1 + 4 in d2; the interviewer's coded turn d1:1 is not one of them
    assert (dual["n_turns"], dual["turns_with"]) == (7, 4)
    assert dual["share_turns"] == pytest.approx(4 / 7)
    cen = row(prev, attribute="model", stratum="all", group="centralised", code="motives.network")
    assert (cen["n_docs"], cen["docs_mentioning"], cen["n_respondents"], cen["respondents_mentioning"]) == (2, 1, 2, 1)
    theme = row(prev, attribute="model", stratum="all", group="dual", code="evaluation", level="theme")
    assert (theme["respondents_mentioning"], theme["share_docs"]) == (2, 1.0)
    # strata: speaker-level role splits the focus group d2 between mentees and the mentor
    mentees = row(prev, attribute="model", stratum="role=mentee", group="dual", code="motives.network")
    assert (mentees["n_docs"], mentees["n_respondents"], mentees["respondents_mentioning"]) == (2, 3, 2)
    mentors = row(prev, attribute="role", stratum="all", group="mentor", code="motives.network")
    assert (mentors["n_docs"], mentors["n_respondents"], mentors["respondents_mentioning"]) == (2, 2, 1)
    overall = row(prev, attribute="(all)", group="all", code="motives.network")
    assert (overall["n_respondents"], overall["respondents_mentioning"]) == (6, 3)


def test_cluster_bootstrap_is_seeded_contains_estimate_and_resamples_documents():
    first = cmp.bootstrap_ci(small(), BOOK, settings=FAST)
    again = cmp.bootstrap_ci(small(), BOOK, settings=FAST)
    pd.testing.assert_frame_equal(first, again)
    other = cmp.bootstrap_ci(small(), BOOK, settings=FAST.model_copy(update={"seed": 7}))
    assert not np.allclose(first["turns_low"], other["turns_low"]) or not np.allclose(
        first["turns_high"], other["turns_high"])
    for name, share in (("respondents", "share_respondents"), ("turns", "share_turns"), ("docs", "share_docs")):
        assert (first[f"{name}_low"] <= first[share] + 1e-12).all()
        assert (first[share] <= first[f"{name}_high"] + 1e-12).all()
    # dual, network: d1 gives 1 of 1 respondents, d2 1 of 3. Resampling documents can only give
    # d1+d1 = 1, d2+d2 = 1/3 or d1+d2 = 2/4; each extreme has probability 1/4, so the 95%
    # percentile interval is exactly [1/3, 1]. Resampling respondents would give 0 too.
    turns = cmp._respondent_turns(small(), BOOK)
    mask = (turns.frame["model"] == "dual").to_numpy()
    samples = cmp._boot_samples(cmp._clusters(turns, mask), FAST, "model", "all", "dual")["respondents"]
    network = list(turns.items["code"]).index("motives.network")
    low, high = cs.percentile_interval(samples, 0.95)
    assert (low[network], high[network]) == (pytest.approx(1 / 3), pytest.approx(1.0))
    # the report takes the wider of that and the Wilson interval of 2 of 4 with n = 2 documents:
    # (0.5 + 0.9604 - 1.96 * sqrt(0.125 + 0.2401)) / (1 + 1.9208) = 0.0945; Wilson's high (0.9055)
    # is inside the bootstrap's 1.
    dual = row(first, attribute="model", stratum="all", group="dual", code="motives.network")
    assert dual["respondents_low"] == pytest.approx(0.0945312, abs=1e-6)
    assert dual["respondents_high"] == pytest.approx(1.0)


def test_wilson_and_newcombe_intervals_by_hand():
    z = 1.959964
    # 0 of 4 documents: low 0, high z^2 / (4 + z^2) = 0.48995 (the bootstrap would say 0-0%)
    low, high = cs.wilson_interval(np.array([0.0, 1.0, 0.6]), np.array([4, 3, 5]), 0.95)
    assert low[0] == 0.0 and high[0] == pytest.approx(z * z / (4 + z * z), abs=1e-6)
    # 3 of 3: low 3 / (3 + z^2) = 0.43850, high 1
    assert low[1] == pytest.approx(3 / (3 + z * z), abs=1e-6) and high[1] == 1.0
    # 3 of 5: (0.6 + 0.38415 -/+ 1.96 sqrt(0.048 + 0.038415)) / 1.76831 = 0.23072, 0.88238
    assert (low[2], high[2]) == (pytest.approx(0.230724, abs=1e-5), pytest.approx(0.882381, abs=1e-5))
    assert np.isnan(cs.wilson_interval(np.array([np.nan]), np.array([0]), 0.95)[0][0])
    # Newcombe: 3 of 5 vs 0 of 5 -> 0.6 - sqrt((0.6 - 0.23072)^2 + 0.43449^2), 0.6 + sqrt(0.28238^2 + 0)
    d_low, d_high = cs.newcombe_interval(0.6, 5, 0.0, 5, 0.95)
    assert d_low == pytest.approx(0.6 - math.hypot(0.6 - 0.230724, z * z / (5 + z * z)), abs=1e-5)
    assert d_high == pytest.approx(0.6 + (0.882381 - 0.6), abs=1e-5)
    assert cs.widen(np.array([0.2, np.nan]), np.array([0.5, 0.4]), np.array([0.1, 0.3]), np.array([0.4, 0.6])
                    ) == (pytest.approx([0.1, 0.3]), pytest.approx([0.5, 0.6]))


def test_no_zero_width_interval_when_every_document_agrees():
    prev = cmp.bootstrap_ci(separated(3), BOOK, settings=FAST)
    theirs = row(prev, attribute="model", stratum="all", group="centralised",
                 code="evaluation.network_disappointment")
    mine = row(prev, attribute="model", stratum="all", group="dual", code="evaluation.network_disappointment")
    z2 = 1.959964 ** 2
    assert (theirs["respondents_low"], theirs["respondents_high"]) == (0.0, pytest.approx(z2 / (3 + z2), abs=1e-6))
    assert (mine["respondents_low"], mine["respondents_high"]) == (pytest.approx(3 / (3 + z2), abs=1e-6), 1.0)
    ivl = prev.dropna(subset=["respondents_low"])
    assert ((ivl["respondents_high"] - ivl["respondents_low"]) > 0.1).all()
    diff = row(cmp.test_differences(separated(3), BOOK, FAST), stratum="all", code="evaluation.network_disappointment")
    assert diff["difference"] == 1.0 and diff["diff_low"] < 0.6 and diff["diff_high"] == pytest.approx(1.0)


def test_fisher_p_matches_hand_computed_hypergeometric():
    def hand(a, b, c, d):
        n1, n2, k = a + b, c + d, a + c
        prob = lambda x: math.comb(n1, x) * math.comb(n2, k - x) / math.comb(n1 + n2, k)  # noqa: E731
        observed = prob(a)
        return sum(prob(x) for x in range(max(0, k - n2), min(k, n1) + 1) if prob(x) <= observed * (1 + 1e-9))

    assert cs.fisher_p(8, 10, 1, 6) == pytest.approx(hand(8, 2, 1, 5))
    assert cs.fisher_p(8, 10, 1, 6) == pytest.approx(0.034965, abs=1e-6)
    assert cs.fisher_p(6, 6, 0, 6) == pytest.approx(2 / math.comb(12, 6))


def test_benjamini_hochberg_by_hand():
    # sorted 0.005, 0.01, 0.03, 0.04 -> p*m/i = 0.02, 0.02, 0.04, 0.04 (then running minimum from the top)
    assert cs.bh_adjust(np.array([0.01, 0.04, 0.03, 0.005])) == pytest.approx([0.02, 0.04, 0.04, 0.02])
    out = cs.bh_adjust(np.array([np.nan, 0.01, 0.04]))  # a test not made does not count: m = 2
    assert np.isnan(out[0]) and out[1:] == pytest.approx([0.02, 0.04])


def test_differences_fisher_effect_and_adjustment():
    diff = cmp.test_differences(small(), BOOK, FAST)
    ev = row(diff, stratum="all", code="evaluation")
    assert (ev["group_a"], ev["group_b"], ev["contrast"]) == ("dual", "centralised", "dual - centralised")
    # documents mentioning evaluation: dual 2 of 2, centralised 0 of 2 -> Fisher p = 1/6 + 1/6
    assert ev["p_value"] == pytest.approx(1 / 3)
    assert ev["p_adjusted"] == pytest.approx(1 / 3)  # the only testable theme
    assert ev["difference"] == pytest.approx(0.5)  # 2 of 4 respondents vs 0 of 2
    assert ev["diff_low"] <= ev["difference"] <= ev["diff_high"]
    assert "dual: only 2 document(s)" in ev["caution"] and "centralised: share rests on 2 respondent(s)" in ev["caution"]
    assert not ev["significant"]
    # every document mentions 'motives', none mentions disappointment: not tested, outside the correction
    motives = row(diff, stratum="all", code="motives")
    assert np.isnan(motives["p_value"]) and "every document mentions it" in motives["caution"]
    assert np.isnan(row(diff, stratum="all", code="evaluation.network_disappointment")["p_adjusted"])
    # codes: p = 1, 1, 1/3 over m = 3 tests -> BH gives 1, 1, 1
    positive = row(diff, stratum="all", code="evaluation.positive")
    assert positive["p_value"] == pytest.approx(1 / 3) and positive["p_adjusted"] == pytest.approx(1.0)
    flipped = cmp.test_differences(small(), BOOK, FAST.model_copy(update={"reference": {"model": "dual"}}))
    assert row(flipped, stratum="all", code="evaluation")["difference"] == pytest.approx(-0.5)


def test_clear_difference_is_significant_with_both_tests():
    frame = separated(6)
    fisher = row(cmp.test_differences(frame, BOOK, FAST), stratum="all", code="evaluation.network_disappointment")
    assert fisher["p_value"] == pytest.approx(2 / math.comb(12, 6))
    assert fisher["significant"] and fisher["difference"] == pytest.approx(1.0)
    assert fisher["caution"] == ""
    perm = cmp.test_differences(frame, BOOK, FAST.model_copy(update={"test": "permutation", "n_perm": 1000}))
    p = row(perm, stratum="all", code="evaluation.network_disappointment")
    assert p["p_value"] < 0.02 and p["test"].startswith("permutation")
    again = cmp.test_differences(frame, BOOK, FAST.model_copy(update={"test": "permutation", "n_perm": 1000}))
    pd.testing.assert_frame_equal(perm, again)


def test_more_than_two_groups_use_permutation_chi_square():
    frame = separated(4)
    frame["pilot"] = frame["doc_id"].map(lambda d: {"0": "a", "1": "b", "2": "c", "3": "c"}[d[-1]])
    settings = FAST.model_copy(update={"by": ["pilot"], "within": []})
    diff = cmp.test_differences(frame, BOOK, settings)
    r = row(diff, stratum="all", code="evaluation.network_disappointment")
    # every pilot has one dual (mentioning) and one or two centralised documents: shares 1/2, 1/2, 2/4
    assert r["groups"] == "a, b, c" and r["test"].startswith("permutation chi-square")
    assert r["difference"] == pytest.approx(0.0) and r["p_value"] > 0.5
    assert np.isnan(row(diff, stratum="all", code="motives")["p_value"])


def test_cooccurrence_and_topic_shares():
    co = cmp.cooccurrence(small(), BOOK)
    assert co.to_dict("records") == [{"code_a": "motives.network", "code_b": "evaluation.positive", "n_turns": 1,
                                      "n_a": 5, "n_b": 2, "jaccard": pytest.approx(1 / 6)}]
    st = pd.DataFrame({"segment_id": ["d1:2", "d1:4", "d2:1", "d3:1", "d4:1", "d1:1"],
                       "unit_id": ["u1", "u2", "u3", "u4", "u5", "u6"], "topic": [0, 0, 1, -1, 0, 1],
                       "probability": [0.9] * 6})
    shares = cmp.topic_shares(st, small(), ["model"])
    dual0 = row(shares, group="dual", topic=0)
    assert (dual0["n_units"], dual0["n_group_units"], dual0["share"]) == (2, 3, pytest.approx(2 / 3))
    cen = shares[shares["group"] == "centralised"]
    assert cen["share"].sum() == pytest.approx(1.0) and row(shares, group="centralised", topic=1)["n_units"] == 0


def test_framework_matrix_ranks_human_then_score_and_trims_quotes():
    frame = small()
    long_text = "word " * 80 + "end"
    frame.loc[frame["segment_id"] == "d2:2", "text"] = long_text
    frame["secret_note"] = "Johanna Verbeke"  # a column that is not text must never reach a quote
    codings = pd.DataFrame({
        "segment_id": ["d2:1", "d2:2", "d1:2", "d1:5", "d1:5"],
        "code": ["motives.network", "motives.network", "motives.network", "motives.network", "evaluation.positive"],
        "source": ["model", "model", "human", "model", "model"], "score": [0.9, 0.4, np.nan, 0.99, 0.7],
        "final": [True, True, True, True, True]})
    fm = cmp.framework_matrix(frame, codings, BOOK, quotes_per_cell=1)
    assert row(fm, doc_id="d1", theme="motives")["segment_id"] == "d1:2"  # human-coded beats a 0.99 score
    assert row(fm, doc_id="d2", theme="motives")["segment_id"] == "d2:1"  # higher score wins
    assert set(fm["rank"]) == {1}
    assert row(fm, doc_id="d2", theme="motives")["role"] == "mentee, mentor"
    two = cmp.framework_matrix(frame, codings, BOOK, quotes_per_cell=2)
    quote = row(two, doc_id="d2", theme="motives", rank=2)["quote"]
    assert quote.endswith("\u2026") and len(quote) <= 241 and quote[:-1].split()[-1] == "word"
    assert not any("Johanna" in q for q in two["quote"])
    wide = cmp.framework_wide(two, BOOK, frame)
    assert list(wide["doc_id"]) == ["d1", "d2", "d3", "d4"] and wide.loc[2, "evaluation"] == ""
    assert "[d1:2]" in wide.loc[0, "motives"]
    assert cmp.trim_quote("  short   text ") == "short text"


def test_compare_tables_and_errors():
    result = cmp.compare(small(), None, BOOK, FAST, segment_topics=None)
    assert set(result.tables()) == {"prevalence", "differences", "cooccurrence", "framework_matrix", "corpus"}
    assert result.notes == []  # mentees and mentors are found in both models
    extra = pd.concat([small(), pd.DataFrame([seg("d5", 1, "Coord-01", "evaluation.positive", "dual", "coordinator")])])
    notes = cmp.compare(extra, None, BOOK, FAST).notes
    assert notes == ["model within role=coordinator: only the group 'dual' is present; nothing to compare."]
    corpus = row(result.corpus, attribute="model", group="dual")
    assert (corpus["n_docs"], corpus["n_turns"], corpus["n_respondent_turns"], corpus["n_respondents"]) == (2, 9, 7, 4)
    bad = small()
    bad.loc[1, "codes"] = "motives.nonsense"
    with pytest.raises(InputError, match=r"d1:2.*motives.nonsense"):
        cmp.compare(bad, None, BOOK, FAST)
    with pytest.raises(InputError, match="no attribute 'region'"):
        cmp.prevalence(small(), BOOK, by=["region"], settings=FAST)
    with pytest.raises(InputError, match=r"missing column\(s\) \['codes'\]"):
        cmp.prevalence(small().drop(columns="codes"), BOOK, settings=FAST)


INTRO = ("Okay, I start. I am Mentee-19, I am from Syria, from Aleppo. I am mechanical engineer, I worked eight "
         "years in maintenance in a cement factory, the big machines. I am two years in Belgium now. ")
NETWORK = "The most important for me was the network, because here I know nobody in the sector."
TAIL = (" Also we talked about the weather, about football, about his children and his holidays in Spain. "
        "And then the programme ended in June, with a small party at the office.")


def test_quote_window_shows_the_sentence_that_carries_the_code():
    from pipeline.text.quotes import evidence_spans, quote_window, sentences

    text = INTRO + NETWORK + TAIL
    start = text.index("network")
    spans = evidence_spans([f"network@{start}-{start + 7}; terms: know nobody, sector"], text)
    assert (start, start + 7) in spans and (text.index("know nobody"), text.index("know nobody") + 11) in spans
    quote, s, e = quote_window(text, spans, 160)
    assert quote.startswith("\u2026") and NETWORK in quote and quote.endswith("\u2026")
    assert "Okay, I start" not in quote and len(quote) <= 162 and text[s:e].strip() in text
    plain = "One. Two? Three\u2026 four"
    assert [plain[a:b] for a, b in sentences(plain)] == ["One.", "Two?", "Three\u2026 four"]
    plain = "My Dutch is... also not perfect. [laughs] So we spoke with our hands."
    assert [plain[a:b] for a, b in sentences(plain)] == ["My Dutch is... also not perfect.",
                                                         "[laughs] So we spoke with our hands."]
    # short turns are quoted whole, without ellipsis; offsets outside the text are ignored
    assert quote_window("  Short   answer. ", evidence_spans(["x@400-405", None], "Short answer."), 240)[0] == \
        "Short answer."
    # one long sentence: cut at word boundaries around the span, ellipsis on both cut sides
    long = "We met " + "and talked " * 40 + "about the network he had " + "and more " * 40 + "in the end."
    at = long.index("network")
    quote, s, e = quote_window(long, [(at, at + 7)], 120)
    assert quote.startswith("\u2026") and quote.endswith("\u2026") and "network" in quote and len(quote) <= 122
    assert long[s - 1] == " " and long[e] == " "  # whole words
    # no span: the start of the turn, cut with an ellipsis at the end only
    quote, s, _ = quote_window(text, [], 120)
    assert s == 0 and quote.startswith("Okay, I start.") and quote.endswith("\u2026")


def test_framework_quotes_show_the_theme_from_evidence_or_cues_and_spread_speakers():
    book = codebook_from_dict({"name": "cues", "version": "1.0", "languages": ["en"], "themes": [
        {"id": "motives", "label": "Motives", "codes": [
            {"id": "motives.network", "label": "Build a network", "cues": {"en": ["network*", "know nobody"]}}]},
        {"id": "evaluation", "label": "Evaluation", "codes": [
            {"id": "evaluation.positive", "label": "Positive", "cues": {"en": ["recommend"]}}]}]})
    long_eval = INTRO + "I would recommend it to every friend of mine, really, without a doubt." + TAIL
    rows = [seg("f1", 1, "Mentee-01", "motives.network", "dual", "mentee", text=INTRO + NETWORK + TAIL),
            seg("f1", 2, "Mentee-02", "motives.network", "dual", "mentee", text="Network, yes. " * 3),
            seg("f1", 3, "Mentee-01", "motives.network", "dual", "mentee", text="For the network, also." * 2),
            seg("f1", 4, "Mentee-01", "evaluation.positive", "dual", "mentee", text=long_eval)]
    frame = pd.DataFrame(rows)
    at = frame.loc[0, "text"].index("network")
    codings = pd.DataFrame({"segment_id": ["f1:1", "f1:1", "f1:2", "f1:3", "f1:4"],
                            "code": ["motives.network"] * 4 + ["evaluation.positive"],
                            "source": ["human", "rule", "model", "model", "human"], "score": [1.0, 0.6, 0.3, 0.9, 1.0],
                            "evidence": [None, f"network@{at}-{at + 7}", "", "", None],
                            "final": [True, False, True, True, True]})
    fm = cmp.framework_matrix(frame, codings, book, quotes_per_cell=2, quote_chars=150)
    motives = fm[fm["theme"] == "motives"].sort_values("rank")
    # the human-coded turn first, quoted at its evidence; the second quote from another speaker
    # although Mentee-01's f1:3 has the higher score
    assert list(motives["segment_id"]) == ["f1:1", "f1:2"] and list(motives["speaker"]) == ["Mentee-01", "Mentee-02"]
    first = motives.iloc[0]
    assert NETWORK in first["quote"] and first["quote"].startswith("\u2026") and bool(first["anchored"])
    assert NETWORK in frame.loc[0, "text"][first["quote_start"]:first["quote_end"]]
    assert "Okay, I start" not in first["quote"] and len(first["quote"]) <= 152
    # a human-coded turn without any coder evidence: the sentence with the theme's cue words
    evaluation = row(fm, theme="evaluation")
    assert "I would recommend it to every friend" in evaluation["quote"] and "Okay" not in evaluation["quote"]
    assert evaluation["quote"].startswith("\u2026") and bool(evaluation["anchored"])
    wide = cmp.framework_wide(fm, book, frame)
    assert "[f1:1]" in wide.loc[0, "motives"] and "[f1:2]" in wide.loc[0, "motives"]


def test_spread_prefers_new_documents_speakers_and_attributes():
    from pipeline.text.quotes import spread

    frame = pd.DataFrame({"doc_id": ["a", "a", "b", "c", "d"], "speaker": ["S1", "S2", "S3", "S1", "S4"],
                          "pilot": ["p", "p", "p", "q", "q"]})
    # all new first (d has a new speaker and pilot), then a new document and speaker (b)
    assert list(spread(frame, 3, ["doc_id", "speaker", "pilot"]).index) == [0, 4, 2]
    # new document and speaker (b, d), then a new document (c, speaker S1 again), then the rest
    assert list(spread(frame, 5, ["doc_id", "speaker"]).index) == [0, 2, 4, 3, 1]
    assert list(spread(frame, 2, ["doc_id", "missing"]).index) == [0, 2]


def test_open_answers_are_one_case_per_respondent():
    """A table of independent answers (no interviewer, one turn each) is not one cluster."""
    rows = [seg("q1", i, f"R{i:02d}", "evaluation.positive" if i <= 2 else "", "dual", "mentee", "open_answers")
            for i in range(1, 5)]
    rows += [seg("d9", 1, "Interviewer", "", "dual", "mentee"), seg("d9", 2, "Mentee-09", "", "dual", "mentee"),
             seg("d9", 3, "Interviewer", "", "dual", "mentee"), seg("d9", 4, "Mentee-09", "", "dual", "mentee")]
    prev = cmp.prevalence(pd.DataFrame(rows), BOOK, settings=FAST)
    dual = row(prev, attribute="model", stratum="all", group="dual", code="evaluation.positive")
    assert (dual["n_docs"], dual["docs_mentioning"]) == (5, 2)  # 4 answers + 1 interview
    assert (dual["n_respondents"], dual["respondents_mentioning"]) == (5, 2)
