"""Charts of the report, returned as ``data:`` URIs of SVG with alt text.

The bar charts are SVG written directly (no plotting library: a few milliseconds each, the same
bytes for the same tables, text kept as text). Colours are the Okabe-Ito colour-blind-safe palette,
with a hatch per group so groups stay apart in black-and-white print. ``svg_uri`` turns a
matplotlib figure into such a URI for other figures.
"""
from __future__ import annotations

import base64
import io
import textwrap

import numpy as np
import pandas as pd

from pipeline.style import CHART_COLOURS

#: Okabe & Ito (2008), ordered for contrast on white
PALETTE = CHART_COLOURS
HATCHES = ["", "//", "..", "xx", "\\\\", "oo", "--", "++"]
RC = {"svg.hashsalt": "qualpipe", "svg.fonttype": "path", "font.family": "DejaVu Sans", "font.size": 9,
      "axes.spines.top": False, "axes.spines.right": False, "hatch.linewidth": 0.6}


def pct(value: float) -> str:
    """A share as a percentage; a missing one as a dash, which reads the same in every language."""
    return "\u2013" if value is None or pd.isna(value) else f"{100 * value:.0f}%"


def interval(low: float, high: float) -> str:
    if pd.isna(low) or pd.isna(high):
        return "\u2013"
    return f"{100 * low:.0f}\u2013{100 * high:.0f}%"


def svg_uri(fig) -> str:
    """The figure as a ``data:image/svg+xml;base64`` URI (deterministic bytes)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _esc(text: str) -> str:
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;"))


def _patterns(n: int) -> str:
    """SVG fills per group: an Okabe-Ito colour and a hatch (none, lines, dots, cross ...)."""
    marks = ['', '<path d="M0,6 L6,0" stroke="white" stroke-width="1.6"/>',
             '<circle cx="3" cy="3" r="1.3" fill="white"/>',
             '<path d="M0,0 L6,6 M0,6 L6,0" stroke="white" stroke-width="1.2"/>',
             '<path d="M0,3 L6,3" stroke="white" stroke-width="1.6"/>',
             '<path d="M3,0 L3,6" stroke="white" stroke-width="1.6"/>']
    out = []
    for g in range(n):
        colour = PALETTE[g % len(PALETTE)]
        out.append(f'<pattern id="g{g}" width="6" height="6" patternUnits="userSpaceOnUse">'
                   f'<rect width="6" height="6" fill="{colour}"/>{marks[g % len(marks)]}</pattern>')
    return "<defs>" + "".join(out) + "</defs>"


def _svg_bars(items: list[str], groups: list[str], data: dict, legend: list[str], title: str,
              xlabel: str) -> str:
    """A horizontal grouped bar chart with interval whiskers as SVG text (deterministic, fast;
    text stays text, so it scales, prints and can be read by screen readers)."""
    left, plot, bar = 250, 430, 11
    top = 26 + 16 * len(legend)
    row = 8 + bar * max(len(groups), 1)
    lines_of = {item: textwrap.wrap(item, 36) or [""] for item in items}
    heights = [max(row, 14 * len(lines_of[i]) + 4) for i in items]
    height = top + sum(heights) + 44
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {left + plot + 30} {height}" '
           f'width="{left + plot + 30}" height="{height}" font-family="DejaVu Sans, Arial, sans-serif" '
           f'font-size="12" role="img">', _patterns(len(groups)),
           f'<text x="0" y="14" font-size="13" font-weight="bold">{_esc(title)}</text>']
    for g, text in enumerate(legend):
        y = 24 + 16 * g
        out.append(f'<rect x="0" y="{y}" width="14" height="11" fill="url(#g{g})" stroke="#333" stroke-width="0.5"/>'
                   f'<text x="20" y="{y + 10}">{_esc(text)}</text>')
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        x = left + tick * plot
        out.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 36}" stroke="#ddd"/>'
                   f'<text x="{x:.1f}" y="{height - 22}" text-anchor="middle">{tick:.0%}</text>')
    y0 = top
    for item, h in zip(items, heights):
        lines = lines_of[item]
        bold = ' font-weight="bold"' if data.get(("bold", item)) else ""
        for k, line in enumerate(lines):
            out.append(f'<text x="{left - 8}" y="{y0 + h / 2 + 4 + 14 * (k - (len(lines) - 1) / 2):.1f}" '
                       f'text-anchor="end"{bold}>{_esc(line)}</text>')
        for g, group in enumerate(groups):
            share, low, high = data.get((item, group), (np.nan, np.nan, np.nan))
            y = y0 + (h - bar * len(groups)) / 2 + g * bar
            if not np.isnan(share):
                out.append(f'<rect x="{left}" y="{y:.1f}" width="{share * plot:.1f}" height="{bar - 1}" '
                           f'fill="url(#g{g})" stroke="#333" stroke-width="0.4"/>')
            if not (np.isnan(low) or np.isnan(high)):
                cy = y + (bar - 1) / 2
                whisker = (f'd="M{left + low * plot:.1f},{cy:.1f} H{left + high * plot:.1f} '
                           f'M{left + low * plot:.1f},{cy - 3:.1f} v6 M{left + high * plot:.1f},{cy - 3:.1f} v6"')
                # a white halo under the black line keeps the interval visible on a dark bar, also in grey print
                out.append(f'<path {whisker} stroke="white" stroke-width="3" fill="none"/>'
                           f'<path {whisker} stroke="#111" stroke-width="1.1" fill="none"/>')
        y0 += h
    out.append(f'<text x="{left + plot / 2:.1f}" y="{height - 6}" text-anchor="middle">{_esc(xlabel)}</text></svg>')
    return "".join(out)


def prevalence_chart(rows: pd.DataFrame, groups: list[str], attribute: str, title: str,
                     ci: float = 0.95, labels: dict[str, str] | None = None, texts=None,
                     legend: str = "legend") -> tuple[str, str]:
    """Horizontal bars: share of respondents mentioning each item (rows of the prevalence table
    for one attribute and stratum, with ``label``), one bar per group (named by ``labels``, default
    the group value; colour and hatch per group, so it reads in grey-scale print and for colour-blind
    readers), the share's interval as whiskers, n in the legend. Rows with a true ``bold`` column
    are drawn in bold (themes). Returns ``(data_uri, alt_text)``; the alt text names the item with
    the largest gap between groups, then every bar's share, count and interval. ``texts``: the
    wording (:mod:`pipeline.stages.report.texts`), ``legend`` its key for the legend entries."""
    from pipeline.stages.report.texts import Texts

    words = texts or Texts("en")
    labels = {g: (labels or {}).get(g, g) for g in groups}
    items = list(dict.fromkeys(rows["label"]))
    data: dict = {}
    entries = []
    for group in groups:
        sub = rows[rows["group"] == group]
        for r in sub.itertuples(index=False):
            data[(r.label, group)] = (float(r.share_respondents), float(getattr(r, "respondents_low", np.nan)),
                                      float(getattr(r, "respondents_high", np.nan)))
        n_resp = int(sub["n_respondents"].max()) if len(sub) else 0
        n_docs = int(sub["n_docs"].max()) if len(sub) else 0
        entries.append(words[legend].format(group=labels[group], n=n_resp, d=n_docs))
    if "bold" in rows.columns:
        data.update({("bold", lab): True for lab, b in zip(rows["label"], rows["bold"]) if b})
    xlabel = words["x_label"].format(ci=f"{ci:.0%}")
    svg = _svg_bars(items, groups, data, entries, title, xlabel)
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    alt_parts = []
    for item in items:
        sub = rows[rows["label"] == item].set_index("group")
        parts = []
        for group in groups:
            if group in sub.index:
                r = sub.loc[group]
                parts.append(words["alt_bar"].format(
                    group=labels[group], share=pct(r["share_respondents"]), x=int(r["respondents_mentioning"]),
                    n=int(r["n_respondents"]), ci=f"{ci:.0%}", range=interval(r["respondents_low"], r["respondents_high"])))
        alt_parts.append(f"{item}: " + ", ".join(parts))
    gap = ""
    if len(groups) > 1 and len(rows):
        wide = rows.pivot_table(index="label", columns="group", values="share_respondents", aggfunc="first")
        wide = wide.reindex(index=items, columns=[g for g in groups if g in wide.columns])
        spread = (wide.max(axis=1) - wide.min(axis=1)).dropna()
        if len(spread) and spread.max() > 0:
            item = spread.idxmax()
            gap = (words["alt_gap"].format(item=item)
                   + words["against"].join(f"{labels[g]} {pct(wide.at[item, g])}" for g in wide.columns) + ".")
    alt = words["alt"].format(title=title, gap=gap) + "; ".join(alt_parts) + "."
    return uri, alt
