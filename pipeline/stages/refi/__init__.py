"""REFI-QDA exchange (QDA-XML 1.0): codebooks (``.qdc``) and projects (``.qdpx``) to and from
NVivo, ATLAS.ti, MAXQDA, QualCoder and any other tool that follows the standard.

- :func:`write_qdc` / :func:`read_qdc`: codebooks (see :mod:`pipeline.stages.refi.codebook` for the
  mapping of themes, codes, definitions and ids);
- :func:`export_refi`: a coded study as a ``.qdpx`` with an :class:`ExportSummary` of
  everything the standard cannot carry (see :mod:`pipeline.stages.refi.export`);
- :func:`import_refi`: a project from another tool as documents, segments, codebook and human
  codings (see :mod:`pipeline.stages.refi.importer`); :func:`write_import` writes them as files.

Settings: :class:`RefiSettings` (key ``refi`` of the study file).
"""
from pipeline.stages.refi._common import Carried, ExportSummary, RefiSettings, code_guid
from pipeline.stages.refi.codebook import (codebook_from_refi, codebook_to_refi, read_qdc, write_codebook_yaml,
                                    write_qdc)
from pipeline.stages.refi.export import export_refi, infer_variable, machine_user_name
from pipeline.stages.refi.importer import ImportResult, import_refi, write_import

__all__ = ["Carried", "ExportSummary", "ImportResult", "RefiSettings", "code_guid", "codebook_from_refi",
           "codebook_to_refi", "export_refi", "import_refi", "infer_variable", "machine_user_name",
           "read_qdc", "write_codebook_yaml", "write_import", "write_qdc"]
