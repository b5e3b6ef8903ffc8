"""Quality: how far codings can be trusted.

- :mod:`.agreement`: agreement between coders (percent, Cohen's kappa, Krippendorff's alpha) and
  the machine coder's precision, recall, F1 and kappa (held-out or cross-validated by document);
- :mod:`.design`: which comparisons to make (held-out runs, coder pairs).
"""
