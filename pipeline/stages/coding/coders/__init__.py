"""The coders: rule-based, learned and combined (see each module).

- :class:`RuleCoder` (:mod:`pipeline.stages.coding.coders.rule`): cue matching on lemmas, negation-aware.
- :class:`LearnedCoder` (:mod:`pipeline.stages.coding.coders.learned`): multi-label linear model trained on
  human-coded segments, calibrated, thresholds chosen by cross-validation by document.
- :class:`CombinedCoder` (:mod:`pipeline.stages.coding.coders.combined`): model and rule scores blended.
- :class:`StackedCoder` (:mod:`pipeline.stages.coding.coders.stacked`): per-code and per-theme models, neighbours,
  cues and the preceding interviewer question, weighed by one meta-model (for small training sets);
  its parts: :mod:`~pipeline.stages.coding.coders.features` (level-1 inputs and feature matrices),
  :mod:`~pipeline.stages.coding.coders.level1` (the per-code models), :mod:`~pipeline.stages.coding.coders.meta`
  (the meta-model's features), :mod:`~pipeline.stages.coding.coders.decision` (thresholds) and
  :mod:`~pipeline.stages.coding.coders.selection` (the per-code choice of rules or model).

All share the scikit-learn interface ``fit(segments, codings)``, ``predict_proba(segments)``
(index ``segment_id``, one column per leaf code) and ``predict(segments)`` (long codings:
``segment_id, code, theme, source, score, evidence, coder, codebook_version``);
``predict_scored(segments)`` returns both from one scoring pass (the coding stage needs both).
"""
from typing import TYPE_CHECKING

from pipeline.lazy import lazy_getattr
from pipeline.stages.coding.coders._common import CODER_VERSION, CODING_COLUMNS, add_context, codebook_version

#: the coders, imported when first used (PEP 562): reading a cached coding result needs
#: ``_common`` only, not scikit-learn (about 2.5 s to import)
_LAZY = {"CombinedCoder": "combined", "LearnedCoder": "learned", "DEFAULT_NEGATORS": "rule", "RuleCoder": "rule",
         "StackedCoder": "stacked", "codebook_examples": "stacked"}


__getattr__ = lazy_getattr(__name__, {name: f"{__name__}.{module}" for name, module in _LAZY.items()})


if TYPE_CHECKING:  # pragma: no cover
    from pipeline.stages.coding.coders.combined import CombinedCoder
    from pipeline.stages.coding.coders.learned import LearnedCoder
    from pipeline.stages.coding.coders.rule import DEFAULT_NEGATORS, RuleCoder
    from pipeline.stages.coding.coders.stacked import StackedCoder, codebook_examples

__all__ = ["CODER_VERSION", "CODING_COLUMNS", "DEFAULT_NEGATORS", "CombinedCoder", "LearnedCoder",
           "RuleCoder", "StackedCoder", "add_context", "codebook_examples", "codebook_version"]
