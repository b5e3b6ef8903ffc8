"""The study-level API: each function runs one stage for a study file, reading its inputs and
writing its outputs in the study's output folder (the edge of the package: stages under
:mod:`pipeline.stages` never touch files). The CLI and the notebooks call these functions.

- :mod:`.stages`: ingest, code, evaluate, agreement, topics, compare; :mod:`.report`: report, run;
- :mod:`.exchange`: validate, review sheets, REFI-QDA export;
- :mod:`.inputs`: reading a study's input files; :mod:`.io`: writing tables and provenance;
- :mod:`.cache`: content-hash caching of stages; :mod:`.session`: sharing results within a run;
- :mod:`.results`: what the functions return.
"""
from pipeline.api.exchange import export_refi, import_review, review_sheet, validate_study
from pipeline.api.session import as_study, session
from pipeline.api.report import report, run
from pipeline.api.stages import agreement, code, compare, evaluate, ingest, topics

__all__ = ["agreement", "as_study", "code", "compare", "evaluate", "export_refi", "import_review", "ingest",
           "report", "review_sheet", "run", "session", "topics", "validate_study"]
