"""The topic figures as SVG written directly: :func:`svg_topic_sizes`, :func:`svg_topic_shares`.

No plotting library: a few milliseconds a figure (matplotlib took about 2 s for the four figures
of the sample, half a cold topics stage's drawing and saving), the same bytes for the same
tables, and the text kept as text (searchable, selectable, readable by a screen reader; the
figure's ``<title>`` says what it shows). :mod:`pipeline.stages.topics.plots` still draws them
with matplotlib, as PNG (``topics.figures: [svg, png]``).
"""
from __future__ import annotations

import pandas as pd

FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
CHAR = 5.6  # mean width of a character at 10 px, for laying out labels
#: matplotlib's 'Blues' colour map at nine stops (light to dark)
BLUES = ("#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b")
TOPIC, OUTLIER = "#3b6ea8", "#9e9e9e"


def _esc(text) -> str:
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def _label(row) -> str:
    text = row["label"] if len(row["label"]) <= 45 else row["label"][:44] + "…"
    return f"{row['topic']}: {text}"


def _blue(value: float) -> str:
    """The colour of ``value`` (0..1) on the Blues scale, interpolated between its stops."""
    value = min(max(float(value), 0.0), 1.0) * (len(BLUES) - 1)
    low = min(int(value), len(BLUES) - 2)
    frac = value - low
    a, b = BLUES[low], BLUES[low + 1]
    mix = [round(int(a[i:i + 2], 16) * (1 - frac) + int(b[i:i + 2], 16) * frac) for i in (1, 3, 5)]
    return "#" + "".join(f"{c:02x}" for c in mix)


def _svg(width: float, height: float, title: str, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" font-family="{FONT}" font-size="10">'
            f'<title>{_esc(title)}</title><rect width="100%" height="100%" fill="white"/>'
            + "".join(body) + "</svg>\n")


def svg_topic_sizes(topics: pd.DataFrame, n_units: int | None = None) -> str:
    """Horizontal bars: units per topic (outliers in grey), each labelled with its count."""
    topics = topics.sort_values("topic", kind="mergesort")
    labels = [_label(r) for r in topics.to_dict("records")]
    left = 12 + CHAR * max((len(s) for s in labels), default=10)
    plot, row = 360.0, 20
    top = 34
    height = top + row * len(labels) + 40
    largest = max(int(topics["size"].max()) if len(topics) else 1, 1)
    total = n_units if n_units is not None else int(topics["size"].sum())
    title = f"Topics ({total} units)"
    body = [f'<text x="{(left + plot / 2):.1f}" y="18" text-anchor="middle" font-size="12">{_esc(title)}</text>']
    for i, (label, (topic, size)) in enumerate(zip(labels, zip(topics["topic"], topics["size"]))):
        y = top + i * row
        width = plot * int(size) / largest
        body.append(f'<text x="{left - 6:.1f}" y="{y + 13}" text-anchor="end">{_esc(label)}</text>'
                    f'<rect x="{left:.1f}" y="{y + 3}" width="{width:.1f}" height="{row - 6}" '
                    f'fill="{OUTLIER if topic == -1 else TOPIC}"/>'
                    f'<text x="{left + width + 4:.1f}" y="{y + 13}" font-size="9">{int(size)}</text>')
    axis = top + row * len(labels) + 4
    body.append(f'<line x1="{left:.1f}" y1="{axis}" x2="{left + plot:.1f}" y2="{axis}" stroke="#333"/>'
                f'<text x="{(left + plot / 2):.1f}" y="{axis + 24}" text-anchor="middle">'
                "units (respondent turns or windows)</text>")
    return _svg(left + plot + 40, height, f"{title}: units per topic, outliers in grey", body)


def svg_topic_shares(topics: pd.DataFrame, shares: pd.DataFrame, attribute: str) -> str:
    """Heat map: the share of each value's units in each topic (each column sums to 100%)."""
    rows = shares[shares["attribute"] == attribute]
    table = rows.pivot(index="topic", columns="value", values="share").sort_index()
    names = [_label(r) for r in topics.set_index("topic").loc[table.index].reset_index().to_dict("records")]
    values = [str(c) for c in table.columns]
    left = 12 + CHAR * max((len(n) for n in names), default=10)
    cell_w = max(56.0, 12 + CHAR * max((len(v) for v in values), default=4))
    cell_h, top = 20, 34
    grid = table.to_numpy(dtype=float)
    peak = max(float(grid.max()) if grid.size else 0.0, 1e-9)
    title = f"Topic shares by {attribute}"
    width = left + cell_w * len(values) + 20
    body = [f'<text x="{width / 2:.1f}" y="18" text-anchor="middle" font-size="12">{_esc(title)}</text>']
    for i, name in enumerate(names):
        y = top + i * cell_h
        body.append(f'<text x="{left - 6:.1f}" y="{y + 14}" text-anchor="end">{_esc(name)}</text>')
        for j, value in enumerate(grid[i]):
            x = left + j * cell_w
            ink = "white" if value > 0.6 * peak else "black"
            body.append(f'<rect x="{x:.1f}" y="{y}" width="{cell_w:.1f}" height="{cell_h}" fill="{_blue(value / peak)}"/>'
                        f'<text x="{x + cell_w / 2:.1f}" y="{y + 14}" text-anchor="middle" font-size="9" '
                        f'fill="{ink}">{100 * value:.0f}%</text>')
    base = top + cell_h * len(names)
    for j, value in enumerate(values):
        body.append(f'<text x="{left + (j + 0.5) * cell_w:.1f}" y="{base + 14}" text-anchor="middle">{_esc(value)}</text>')
    body.append(f'<text x="{left + cell_w * len(values) / 2:.1f}" y="{base + 32}" text-anchor="middle">'
                f"{_esc(attribute)} (share of its units per topic; darker is larger)</text>")
    return _svg(width, base + 44, f"{title}: the share of each value's units in each topic", body)
