"""Charts of the report (matplotlib), returned as ``data:`` URIs of SVG with alt text.

Output is deterministic: a fixed ``svg.hashsalt``, no date or creator in the metadata, text drawn
as paths (no font files needed by the reader). Colours are the Okabe-Ito colour-blind-safe
palette, with hatching so groups stay apart in black-and-white print.
"""
from __future__ import annotations

import base64
import io
import textwrap

import numpy as np
import pandas as pd

#: Okabe & Ito (2008), ordered for contrast on white
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
HATCHES = ["", "//", "..", "xx", "\\\\", "oo", "--", "++"]
RC = {"svg.hashsalt": "qualpipe", "svg.fonttype": "path", "font.family": "DejaVu Sans", "font.size": 9,
      "axes.spines.top": False, "axes.spines.right": False, "hatch.linewidth": 0.6}


def pct(value: float) -> str:
    return "n/a" if value is None or pd.isna(value) else f"{100 * value:.0f}%"


def interval(low: float, high: float) -> str:
    if pd.isna(low) or pd.isna(high):
        return "no interval"
    return f"{100 * low:.0f}\u2013{100 * high:.0f}%"


def svg_uri(fig) -> str:
    """The figure as a ``data:image/svg+xml;base64`` URI (deterministic bytes)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def prevalence_chart(rows: pd.DataFrame, groups: list[str], attribute: str, title: str,
                     ci: float = 0.95, labels: dict[str, str] | None = None, texts=None) -> tuple[str, str]:
    """Horizontal bars: share of respondents mentioning each item (rows of the prevalence table
    for one attribute and stratum, with ``label``), one bar per group (named by ``labels``, default
    the group value), the share's interval as error bars, n in the legend. Returns
    ``(data_uri, alt_text)``; the alt text names the item with the largest gap between groups,
    then every bar's share, count and interval."""
    labels = {g: (labels or {}).get(g, g) for g in groups}
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    items = list(dict.fromkeys(rows["label"]))
    n_items, n_groups = len(items), max(len(groups), 1)
    height = 0.8 / n_groups
    alt_parts = []
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(7.5, 0.45 + n_items * (0.22 + 0.2 * n_groups)))
        for g, group in enumerate(groups):
            sub = rows[rows["group"] == group].set_index("label").reindex(items)
            share = sub["share_respondents"].to_numpy(float)
            low = np.nan_to_num(share - sub["respondents_low"].to_numpy(float))
            high = np.nan_to_num(sub["respondents_high"].to_numpy(float) - share)
            y = np.arange(n_items) + (g - (n_groups - 1) / 2) * height
            n_resp = int(sub["n_respondents"].max()) if len(sub) else 0
            n_docs = int(sub["n_docs"].max()) if len(sub) else 0
            ax.barh(y, np.nan_to_num(share), height=height * 0.92, color=PALETTE[g % len(PALETTE)],
                    hatch=HATCHES[g % len(HATCHES)], edgecolor="white", linewidth=0.4,
                    label=(f"{labels[group]} (n = {n_resp} respondents, {n_docs} documents)" if texts is None
                           else texts["legend"].format(group=labels[group], n=n_resp, d=n_docs)))
            ax.errorbar(np.nan_to_num(share), y, xerr=[np.clip(low, 0, None), np.clip(high, 0, None)],
                        fmt="none", ecolor="#333333", elinewidth=0.9, capsize=2)
        ax.set_yticks(np.arange(n_items))
        ax.set_yticklabels(["\n".join(textwrap.wrap(i, 34)) for i in items])
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
        ax.set_xlabel(f"share of respondents who mentioned it (lines: {ci:.0%} interval)" if texts is None
                      else texts["x_label"].format(ci=f"{ci:.0%}"))
        rows_of_legend = -(-n_groups // 2)
        ax.set_title("\n".join(textwrap.wrap(title, 90)), loc="left", fontsize=10,
                     pad=6 + 13 * rows_of_legend)
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=min(n_groups, 2), frameon=False,
                  fontsize=8, borderaxespad=0.2)
        uri = svg_uri(fig)
        plt.close(fig)
    for item in items:
        sub = rows[rows["label"] == item].set_index("group")
        parts = []
        for group in groups:
            if group in sub.index:
                r = sub.loc[group]
                parts.append(f"{labels[group]} {pct(r['share_respondents'])} ({int(r['respondents_mentioning'])} of "
                             f"{int(r['n_respondents'])}, {ci:.0%} CI {interval(r['respondents_low'], r['respondents_high'])})")
        alt_parts.append(f"{item}: " + ", ".join(parts))
    gap = ""
    if len(groups) > 1 and len(rows):
        wide = rows.pivot_table(index="label", columns="group", values="share_respondents", aggfunc="first")
        wide = wide.reindex(index=items, columns=[g for g in groups if g in wide.columns])
        spread = (wide.max(axis=1) - wide.min(axis=1)).dropna()
        if len(spread) and spread.max() > 0:
            item = spread.idxmax()
            gap = (f" The largest gap between the groups is for {item}: "
                   + " against ".join(f"{labels[g]} {pct(wide.at[item, g])}" for g in wide.columns) + ".")
    alt = (f"Bar chart: {title}.{gap} Share of respondents who mentioned each item: "
           + "; ".join(alt_parts) + ".")
    return uri, alt
