"""The coders are scikit-learn estimators: explicit parameters stored unchanged, validation in fit,
``clone`` works, the rule coder given is cloned (not fitted in place), predict writes no state."""
from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import BaseEstimator, clone

from pipeline.stages.coding.coders import CombinedCoder, LearnedCoder, RuleCoder, StackedCoder
from pipeline.errors import ConfigError
from tests.test_coders import BOOK, corpus
from pipeline.codebook import codebook_from_dict

CLASSES = [RuleCoder, LearnedCoder, CombinedCoder, StackedCoder]


@pytest.fixture(scope="module")
def book():
    return codebook_from_dict(BOOK)


@pytest.fixture(scope="module")
def data():
    return corpus(n_docs=8, turns=8)


def state(coder) -> dict:  # noqa: ANN001
    """Attribute names and a fingerprint of their values (pickled bytes)."""
    return {k: pickle.dumps(v) for k, v in vars(coder).items()}


@pytest.mark.parametrize("cls", CLASSES)
def test_parameters_are_stored_unchanged_and_clone_works(cls, book):
    assert issubclass(cls, BaseEstimator)
    rule = RuleCoder(book, window=3)
    kwargs = {} if cls is RuleCoder else {"rule_coder": rule, "thresholds": {"motives.network": 0.4}}
    coder = cls(book, **kwargs)
    params = coder.get_params(deep=False)
    assert params["codebook"] is book
    for key, value in kwargs.items():
        assert params[key] is value
    copy = clone(coder)
    assert type(copy) is cls and copy is not coder
    assert copy.get_params(deep=False).keys() == params.keys()
    if cls is not RuleCoder:
        assert copy.rule_coder is not rule and copy.rule_coder.window == 3
        assert coder.get_params(deep=True)["rule_coder__window"] == 3
    copy.set_params(seed=7) if "seed" in params else copy.set_params(window=5)
    assert coder.get_params(deep=False) == params  # the original is untouched


def test_bad_parameters_are_accepted_by_init_and_refused_by_fit(book, data):
    seg, cod = data
    for coder in (CombinedCoder(book, rule_weight=1.5), StackedCoder(book, conversation="maybe"),
                  StackedCoder(book, examples_weight=-1), RuleCoder(book, window=-1)):
        with pytest.raises(ConfigError):
            coder.fit(seg, cod)


@pytest.mark.parametrize("cls", [LearnedCoder, StackedCoder])
def test_fit_leaves_the_given_rule_coder_alone_and_predict_writes_no_state(cls, book, data):
    seg, cod = data
    rule = RuleCoder(book)
    before_rule = state(rule)
    coder = cls(book, rule_coder=rule, **({"char_ngrams": None} if cls is StackedCoder else {})).fit(seg, cod)
    assert state(rule) == before_rule and not hasattr(rule, "index_")
    fitted = state(coder)
    first = coder.predict_proba(seg)
    coder.predict(seg)
    coder.predict_scored(seg)
    assert state(coder) == fitted
    np.testing.assert_array_equal(coder.predict_proba(seg).to_numpy(), first.to_numpy())


def test_an_unfitted_rule_coder_predicts_without_becoming_fitted(book, data):
    seg, _ = data
    rule = RuleCoder(book)
    out = rule.predict(seg)
    assert len(out) and not hasattr(rule, "index_")
    fitted = RuleCoder(book).fit()
    before = state(fitted)
    assert fitted.predict(seg).equals(out)
    assert state(fitted) == before
