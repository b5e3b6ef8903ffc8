"""Compare: coded segments -> groups compared on every theme and code.

- :mod:`.differences`: ``compare(...)``, prevalence by group and tested differences;
- :mod:`.stats`: intervals (Wilson, Newcombe), exact and permutation tests, multiplicity;
- :mod:`.tables`: co-occurrence, the framework matrix (cases x themes with quotes), corpus sizes.
"""
