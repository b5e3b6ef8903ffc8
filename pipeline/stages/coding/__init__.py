"""Coding: segments -> codings, against a codebook (human codings always win).

- :mod:`.code`: ``code(segments, codebook, settings, human_codings=...)``, the choice of coder;
- :mod:`.coders`: the rule, learned, combined and stacked coders (scikit-learn style);
- :mod:`.review`: human codings files, review sheets of machine suggestions and their import.
"""
