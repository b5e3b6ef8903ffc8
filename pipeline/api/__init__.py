"""The study-level API: each function runs one stage for a study file, reading its inputs and
writing its outputs in the study's output folder (the edge of the package: stages under
:mod:`pipeline.stages` never touch files). The CLI and the notebooks call these functions.

- :mod:`.stages`: ingest, code, topics, compare; :mod:`.quality`: evaluate, agreement; :mod:`.reporting`: report, run;
- :mod:`.exchange`: validate, review sheets, REFI-QDA export;
- :mod:`.inputs`: reading a study's input files; :mod:`.io`: writing tables and provenance;
- :mod:`.cache`: content-hash caching of stages; :mod:`.session`: sharing results within a run;
- :mod:`.results`: what the functions return.
"""
from typing import TYPE_CHECKING

# light (settings only) and named like its module, so imported now: a lazy ``session`` would be
# shadowed by the submodule ``pipeline.api.session`` once anything imports that
from pipeline.api.session import as_study, session
from pipeline.lazy import lazy_getattr

#: public name -> module; imported when first used (PEP 562), so importing one stage's module
#: (or the CLI) does not import pandas and every stage
_LAZY = {"export_refi": "exchange", "import_review": "exchange", "review_sheet": "exchange",
         "validate_study": "exchange", "agreement": "quality",
         "code": "stages", "compare": "stages", "evaluate": "quality", "ingest": "stages", "report": "reporting",
         "run": "reporting", "topics": "stages"}

__all__ = ["agreement", "as_study", "code", "compare", "evaluate", "export_refi", "import_review", "ingest",
           "report", "review_sheet", "run", "session", "topics", "validate_study"]


__getattr__ = lazy_getattr(__name__, {name: f"{__name__}.{module}" for name, module in _LAZY.items()})


if TYPE_CHECKING:  # pragma: no cover
    from pipeline.api.exchange import export_refi, import_review, review_sheet, validate_study
    from pipeline.api.reporting import report, run
    from pipeline.api.quality import agreement, evaluate
    from pipeline.api.stages import code, compare, ingest, topics
