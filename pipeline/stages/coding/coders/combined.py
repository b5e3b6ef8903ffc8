"""CombinedCoder: the learned model where it has enough training data, blended with the rules.

For a code the model could be trained on (``min_positives`` positive segments in at least
``min_documents`` documents), the score is the weighted mean
``(1 - rule_weight) * model probability + rule_weight * rule score``, and its threshold is the
one that maximises F1 of that blended score on the out-of-fold (by-document) predictions. For
every other code the rule coder decides alone. ``rule_weight`` 0 gives the model alone, 1 the
rules alone (with thresholds still tuned on the human codings).

Rows of blended codes carry source "model" and coder ``combined@<version>``; rows of rule
codes carry source "rule" and coder ``rule@<version>``.
"""
from __future__ import annotations

from pipeline.codebook import Codebook
from pipeline.stages.coding.coders.learned import LearnedCoder
from pipeline.stages.coding.coders.rule import RuleCoder
from pipeline.errors import ConfigError, Problem


class CombinedCoder(LearnedCoder):
    """:class:`LearnedCoder` whose scores blend in the rule scores (default weight 0.3)."""

    name = "combined"

    def __init__(self, codebook: Codebook, rule_coder: RuleCoder | None = None, rule_weight: float = 0.3,
                 min_positives: int = 8, min_documents: int = 2, cv_folds: int = 5, C: float = 1.0,
                 max_ngram: int = 2, max_features: int = 20000, rule_features: bool = True,
                 thresholds: dict[str, float] | None = None, min_threshold: float = 0.2,
                 must_beat_rule: bool = True, seed: int = 42, n_terms: int = 3):
        super().__init__(codebook, rule_coder=rule_coder, min_positives=min_positives,
                         min_documents=min_documents, cv_folds=cv_folds, C=C, max_ngram=max_ngram,
                         max_features=max_features, rule_features=rule_features, rule_weight=rule_weight,
                         thresholds=thresholds, min_threshold=min_threshold, must_beat_rule=must_beat_rule,
                         seed=seed, n_terms=n_terms)

    def fit(self, segments, codings) -> "CombinedCoder":  # noqa: ANN001
        """Check ``rule_weight`` (in [0, 1]), then fit as :class:`LearnedCoder`."""
        if not 0.0 <= self.rule_weight <= 1.0:
            raise ConfigError(Problem("coding[rule_weight]", f"must lie in [0, 1], got {self.rule_weight}.",
                                      "Set e.g. 'rule_weight: 0.3'."))
        return super().fit(segments, codings)
