"""Series colours: 12 categorical colours, each at least 3:1 against white (WCAG's contrast for
graphics), and a stable colour for every country or region.

The first five are Okabe and Ito's (2008) colour-blind-safe colours that pass 3:1 (their
orange, sky blue and yellow do not); the other seven are darker colours after Paul Tol's muted
scheme. Twelve colours cannot all stay apart for every form of colour blindness: every series
is also named in the chart's legend and in its hover and text alternative, but between a line
and its legend entry colour is the cue, so no two series of a chart share one.

A code's colour is its pinned one (the countries and regions the pages show by default, so they
look the same on every page) or one picked from a CRC-32 of the code; within one chart, a code
whose colour is taken by a code placed before it gets the next free colour, so up to 12 series
never share one.
"""

from __future__ import annotations

import zlib

PALETTE = [
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#000000",  # black
    "#8F6A00",  # ochre
    "#332288",  # indigo
    "#882255",  # wine
    "#117733",  # green
    "#AA4499",  # purple
    "#6B6B6B",  # grey
    "#C4161C",  # red
]

# the default selections keep these colours on every page
PINNED = {
    "USA": 0, "RUS": 1, "CHN": 2, "UKR": 3, "DEU": 4, "FRA": 5, "GBR": 6, "IND": 7,
    "POL": 8, "SAU": 9, "ISR": 10, "JPN": 11,
    "RU-UD": 0, "RU-TUL": 1, "RU-VLA": 2, "RU-IVA": 3, "RUS_MEDIAN": 10,
}  # fmt: skip


def preferred(code: str) -> int:
    """The palette index a code asks for: pinned, else from a CRC-32 of the code."""
    if code in PINNED:
        return PINNED[code]
    return zlib.crc32(str(code).encode()) % len(PALETTE)


def assign(codes: list[str]) -> dict[str, str]:
    """Colours for the series of one chart: each code its preferred colour, unless a code
    earlier in ``codes`` has it; then the next free one. Beyond 12 codes colours repeat."""
    taken: set[int] = set()
    out = {}
    unique = list(dict.fromkeys(codes))
    ordered = sorted(unique, key=lambda c: (c not in PINNED, PINNED.get(c, 0)))  # pinned first
    for code in ordered:
        i = preferred(code)
        if len(taken) < len(PALETTE):
            while i in taken:
                i = (i + 1) % len(PALETTE)
        taken.add(i)
        out[code] = PALETTE[i]
    return {c: out[c] for c in unique}


def contrast_on_white(colour: str) -> float:
    """WCAG 2 contrast ratio of a ``#RRGGBB`` colour against white."""
    rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return 1.05 / (lum + 0.05)
