"""An agreement table with nothing to compare (one coder, or no two coders on a common
document): written with its header only, with a warning and a note for the report."""
from __future__ import annotations

import warnings

import pandas as pd

from pipeline.errors import QualpipeWarning

#: columns of agreement.csv (also written, header only, when there is nothing to compare)
AGREEMENT_COLUMNS = ["level", "code", "theme", "coders", "n_coders", "n_units", "n_positive", "n_positive_by_coder",
                     "percent_agreement", "cohen_kappa", "krippendorff_alpha", "note"]


def explain_empty(table: pd.DataFrame, codings: pd.DataFrame, where: str, note: str | None = None) -> pd.DataFrame:
    """``table`` (with the columns of agreement.csv when it has none); when empty, a note in
    ``table.attrs["note"]`` (``note`` when given), the coders found in ``table.attrs["coders"]`` and a
    warning naming ``where`` and the fix."""
    if not len(table.columns):
        table = pd.DataFrame(columns=AGREEMENT_COLUMNS)
    if not len(table):
        found = sorted(codings["coder"].unique())  # ids are text (pipeline.schemas)
        table.attrs.setdefault("coders", found)  # the fact the report words (the note is English)
        table.attrs["note"] = note or (
            f"no two coders coded a document in common (coders: {', '.join(found) or 'none'}), "
            "so there is no agreement to compute; agreement.csv holds its header only")
        warnings.warn(f"{where}: {table.attrs['note']}. Fix: have a second coder code some of the same documents "
                      "and add the file under 'human_codings:'.", QualpipeWarning, stacklevel=2)
    return table


__all__ = ["AGREEMENT_COLUMNS", "explain_empty"]
