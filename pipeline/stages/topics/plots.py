"""Figures of a topic model drawn with matplotlib: sizes, and shares per attribute value. Each is
written as PNG and SVG (or the ``formats`` asked for) next to ``path_stem`` (deterministic bytes:
fixed SVG hash salt, no dates in metadata). The topics stage writes its SVG figures with
:mod:`pipeline.stages.topics.svg` (no plotting library) and uses these for PNG only."""
from __future__ import annotations

import io
from pathlib import Path

from pipeline.api.files import write_bytes

_RC = {"svg.hashsalt": "qualpipe", "svg.fonttype": "path", "font.size": 9}
_SVG_META = {"Date": None, "Creator": "qualpipe"}
_PNG_META = {"Software": "qualpipe"}


def _label(row) -> str:
    text = row["label"] if len(row["label"]) <= 45 else row["label"][:44] + "…"
    return f"{row['topic']}: {text}"


_OPTIONS = {"png": {"format": "png", "dpi": 150, "metadata": _PNG_META},
            "svg": {"format": "svg", "metadata": _SVG_META}}


def _save(fig, path_stem: str | Path, formats: tuple[str, ...] = ("png", "svg")) -> list[Path]:
    stem = Path(path_stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        path = stem.with_name(f"{stem.name}.{fmt}")
        buffer = io.BytesIO()
        fig.savefig(buffer, **_OPTIONS[fmt])
        write_bytes(path, buffer.getvalue())  # whole or not at all: a killed run leaves no half figure
        written.append(path)
    return written


def plot_topic_sizes(result, path_stem: str | Path, formats: tuple[str, ...] = ("png", "svg")) -> list[Path]:
    """Horizontal bars: units per topic (outliers in grey). Returns the paths written (PNG and
    SVG, or ``formats``)."""
    import matplotlib
    from matplotlib.figure import Figure

    topics = result.topics.sort_values("topic", kind="mergesort")
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(7.5, 0.9 + 0.3 * len(topics)), layout="constrained")
        ax = fig.add_subplot()
        labels = [_label(r) for r in topics.to_dict("records")]
        colours = ["#9e9e9e" if t == -1 else "#3b6ea8" for t in topics["topic"]]
        ax.barh(range(len(topics)), topics["size"], color=colours)
        ax.set_yticks(range(len(topics)), labels)
        ax.invert_yaxis()
        ax.set_xlabel("units (respondent turns or windows)")
        ax.set_title(f"Topics ({result.info.get('n_fitted', int(topics['size'].sum()))} units)")
        for i, size in enumerate(topics["size"]):
            ax.text(size, i, f" {size}", va="center", fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
        return _save(fig, path_stem, formats)


def plot_topic_shares(result, attribute: str, path_stem: str | Path,
                      formats: tuple[str, ...] = ("png", "svg")) -> list[Path]:
    """Heat map: share of each value's units per topic (columns sum to 1) for ``attribute``
    (one of ``settings.share_attributes``). Returns the paths written (PNG and SVG, or
    ``formats``)."""
    import matplotlib
    import numpy as np
    from matplotlib.figure import Figure

    from pipeline.errors import InputError, Problem

    shares = result.shares[result.shares["attribute"] == attribute]
    if shares.empty:
        raise InputError(Problem(f"topics.share_attributes[{attribute}]",
                                 f"no shares were computed for {attribute!r}.",
                                 f"Add it to topics.share_attributes (now "
                                 f"{result.settings.share_attributes})."))
    table = shares.pivot(index="topic", columns="value", values="share").sort_index()
    labels = result.topics.set_index("topic").loc[table.index].reset_index()
    names = [_label(r) for r in labels.to_dict("records")]
    # room for the longest topic label (about 0.065 in a character at 9 pt) and the colour bar,
    # so that two or three columns still get a visible heat map
    width = 1.8 + 0.065 * max((len(n) for n in names), default=10) + 0.9 * table.shape[1]
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(width, 0.9 + 0.32 * table.shape[0]), layout="constrained")
        ax = fig.add_subplot()
        image = ax.imshow(table.to_numpy(), aspect="auto", cmap="Blues", vmin=0,
                          vmax=max(float(np.nanmax(table.to_numpy())), 1e-9))
        ax.set_xticks(range(table.shape[1]), [str(c) for c in table.columns])
        ax.set_yticks(range(table.shape[0]), names)
        for (i, j), value in np.ndenumerate(table.to_numpy()):
            ax.text(j, i, f"{value:.0%}", ha="center", va="center", fontsize=7,
                    color="white" if value > 0.6 * table.to_numpy().max() else "black")
        ax.set_xlabel(attribute)
        ax.set_title(f"Topic shares by {attribute}")
        fig.colorbar(image, ax=ax, label="share of units")
        return _save(fig, path_stem, formats)
