"""The stages, one package each, in the order data flows through them:

files -> :mod:`.ingest` (documents, segments; pseudonymised) -> :mod:`.coding` (codings, coded
segments, review sheets) -> :mod:`.quality` (agreement, evaluation) -> :mod:`.topics` (topics,
segment topics) -> :mod:`.compare` (prevalence, differences, framework matrix) -> :mod:`.report`
(the HTML report); :mod:`.refi` exchanges projects and codebooks with QDA tools.

Stages take and return pandas DataFrames (columns in :mod:`pipeline.schemas`) and never read the
study file or write outputs themselves: :mod:`pipeline.api` does that at the edge.
"""
