"""The reader's transforms of a tidy series (one row per ``geo`` and ``year``), as Our World in
Data's grapher offers them: relative change, an index, the change between two years.

Pure functions on pandas frames; the charts draw what they return.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

VALUES = {
    "level": "as published",
    "change": "relative change since the first year (%)",
    "index": "index (base year = 100)",
}
SCALES = {"linear": "linear", "log": "logarithmic"}


def relative_change(df: pd.DataFrame, col: str = "value") -> tuple[pd.DataFrame, dict]:
    """``col`` as the % change from each geo's first year with a figure in ``df``:
    100 * (v_t / v_first - 1). Geos whose first figure is 0 are dropped (no change can be
    computed from 0). Returns the frame and {geo: first year}."""
    d = df.dropna(subset=[col]).sort_values("year")
    first = d.groupby("geo")[[col, "year"]].first()
    first = first[first[col] != 0]
    d = d[d["geo"].isin(first.index)]
    out = d.assign(**{col: 100 * (d[col] / d["geo"].map(first[col]) - 1)})
    return out, first["year"].astype(int).to_dict()


def indexed(df: pd.DataFrame, base: int, col: str = "value") -> tuple[pd.DataFrame, list[str]]:
    """``col`` as an index with ``base`` = 100: 100 * v_t / v_base. Geos without a non-zero
    figure in the base year are dropped; returns the frame and the dropped geos."""
    d = df.dropna(subset=[col])
    at = pd.to_numeric(d[d["year"] == base].set_index("geo")[col], errors="coerce")
    at = at[at.notna() & (at != 0)]
    dropped = sorted(set(d["geo"]) - set(at.index))
    d = d[d["geo"].isin(at.index)]
    # an empty map gives text-typed NaN: divide only what has a base
    scale = d["geo"].map(at).astype(float)
    return d.assign(**{col: 100 * pd.to_numeric(d[col], errors="coerce") / scale}), dropped


def positive(df: pd.DataFrame, col: str = "value") -> tuple[pd.DataFrame, int]:
    """The rows a log scale can draw (``col`` > 0) and how many were left out."""
    keep = pd.to_numeric(df[col], errors="coerce") > 0
    return df[keep], int((~keep & df[col].notna()).sum())


def is_share(unit: str) -> bool:
    """A unit in per cent: its change is told in percentage points, not in per cent."""
    return unit.lstrip().startswith("%")


def change_between(df: pd.DataFrame, y0: int, y1: int, *, relative: bool, col: str = "value"):
    """Per geo, the change of ``col`` from ``y0`` to ``y1`` (both years needed): the
    difference v1 - v0, or with ``relative`` the % change 100 * (v1 / v0 - 1)."""
    d = df.dropna(subset=[col])
    a = d[d["year"] == y0].set_index("geo")[col]
    b = d[d["year"] == y1].set_index("geo")[col]
    a, b = a.align(b, join="inner")
    if relative:
        ok = a != 0
        return (100 * (b[ok] / a[ok] - 1)).rename("change")
    return (b - a).rename("change")


def change_table(df: pd.DataFrame, names: dict[str, str], col: str = "value") -> pd.DataFrame:
    """One row per geo: its first and last year with a figure in ``df``, the figures then, the
    absolute change and the relative change in % (empty when the first figure is 0)."""
    d = df.dropna(subset=[col]).sort_values("year")
    g = d.groupby("geo", sort=False)
    first, last = g[["year", col]].first(), g[["year", col]].last()
    out = pd.DataFrame(
        {
            "country": [names.get(k, k) for k in first.index],
            "from_year": first["year"].astype(int).to_numpy(),
            "from_value": first[col].to_numpy(),
            "to_year": last["year"].astype(int).to_numpy(),
            "to_value": last[col].to_numpy(),
        },
        index=first.index.rename("geo"),
    )
    out["change"] = out["to_value"] - out["from_value"]
    base = out["from_value"].where(out["from_value"] != 0)
    out["relative_change"] = 100 * (out["to_value"] / base - 1)
    return out.reset_index()


def diverging_breaks(vals: pd.Series, classes: int = 3) -> list[float]:
    """Lower class limits for a map of change, 0 always among them so that no class holds both a
    fall and a rise: up to ``classes`` classes of falls at quantiles of the falls, and up to
    ``classes`` of rises (0 and above) at quantiles of the rises, each side following its own
    data (limits rounded to 2 significant digits, at least 3 values a class). The first limit
    is the minimum. Data of one sign gets classes on that side only; 0 stays a limit."""
    v = pd.to_numeric(vals, errors="coerce").dropna()
    if v.empty:
        return [0.0]

    def limits(side: pd.Series) -> list[float]:
        k = max(1, min(classes, len(side) // 3))
        qs = np.quantile(side.abs().to_numpy(), np.linspace(0, 1, k + 1))[1:-1]
        return sorted({float(f"{q:.2g}") for q in qs} - {0.0})

    falls, rises = v[v < 0], v[v > 0]
    lows = []
    if len(falls):
        lowest = float(falls.min())
        lows = [lowest, *(-s for s in reversed(limits(falls)) if -s > lowest)]
    lows.append(0.0)
    if len(rises):
        lows += [s for s in limits(rises) if s < float(rises.max())]
    return lows
