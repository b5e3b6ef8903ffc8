"""The study file and the settings of every stage: a leaf of the package (it imports no stage).

- :mod:`pipeline.settings.base`: :class:`StrictModel`, the base of every settings block;
- :mod:`pipeline.settings.study`: :class:`Study` (the whole study file) and :func:`load_study`;
- :mod:`pipeline.settings.stages`: one ``*Settings`` class per stage key of the file;
- :mod:`pipeline.settings.topics`: the topics stage's settings;
- :mod:`pipeline.settings.compute`: where the per-document stages run (this process or Dask).
"""
from pipeline.settings.base import StrictModel
from pipeline.settings.compute import ComputeSettings
from pipeline.settings.stages import (CASE_ATTRIBUTES, AgreementSettings, CodingSettings, CompareSettings,
                                      IngestSettings, PseudonymiseSettings, RefiSettings, ReportSettings,
                                      ReportWords, ReviewSettings)
from pipeline.settings.study import (DEFAULT_INTERVIEWER_LABELS, Study, TrainingSource, load_study,
                                     study_from_dict)
from pipeline.settings.topics import DEFAULT_FILLERS, TopicsSettings

__all__ = ["CASE_ATTRIBUTES", "DEFAULT_FILLERS", "DEFAULT_INTERVIEWER_LABELS", "AgreementSettings",
           "CodingSettings", "CompareSettings", "ComputeSettings", "IngestSettings", "PseudonymiseSettings",
           "RefiSettings", "ReportSettings", "ReportWords", "ReviewSettings", "StrictModel", "Study", "TopicsSettings",
           "TrainingSource",
           "load_study", "study_from_dict"]
