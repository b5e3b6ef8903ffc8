"""Colours shared by the report's charts and the REFI-QDA export: the Okabe-Ito palette, which stays
distinguishable for colour-blind readers, plus black and grey. One definition, two orderings."""
from __future__ import annotations

OKABE_ITO = {
    "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7", "black": "#000000",
    "grey": "#999999",
}

#: bars of groups in charts: the darkest colours first, so two groups differ in grey-scale print too
CHART_COLOURS = [OKABE_ITO[n] for n in ("blue", "vermillion", "bluish_green", "reddish_purple", "orange",
                                        "sky_blue", "black", "yellow")]
#: themes in an exported codebook, in the palette's own order
CODE_COLOURS = tuple(OKABE_ITO[n] for n in ("orange", "sky_blue", "bluish_green", "yellow", "blue",
                                            "vermillion", "reddish_purple", "grey"))
