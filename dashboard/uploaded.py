"""The reader's own table on the Your data page: the example to try, reading it (bounded, in
a child process) and holding it against the session's memory budget, its dependence measures,
the geometry layer its region codes match, and its map and ranked bars. No Streamlit; the
file is never written to disk or stored."""

from __future__ import annotations

import pandas as pd

from dashboard import charts, geo, maps, metrics, store
from dashboard.provenance import source_line
from dashboard.upload import (
    MAX_BYTES,
    UploadError,
    guess_columns,
    inert,
    limits,
    plain,
    prepare,
    read_bounded,
)
from dashboard.upload_budget import OverBudget, hold

__all__ = ["LAYERS", "MAX_BYTES", "OverBudget", "UploadError", "best_layer", "example",
           "guess_columns", "hold", "inert", "limits", "lq_bars", "lq_map", "measures", "plain",
           "prepare", "read_bounded"]  # fmt: skip

# without the store: real NUTS 2 codes (Austria's nine Bundeslaender), illustrative numbers
FALLBACK = pd.DataFrame(
    {
        "region": [
            r
            for r in ("AT11", "AT12", "AT13", "AT21", "AT22", "AT31", "AT32", "AT33", "AT34")
            for _ in range(3)
        ],
        "industry": ["manufacturing", "services", "agriculture"] * 9,
        "employment": [
            20,
            100,
            10,
            180,
            620,
            40,
            60,
            900,
            2,
            45,
            210,
            12,
            110,
            460,
            30,
            140,
            520,
            35,
            45,
            230,
            12,
            70,
            300,
            18,
            60,
            150,
            4,
        ],
    }
)
EXAMPLE_COUNTRY = "CZ"  # Czechia's eight NUTS 2 regions


def example() -> tuple[pd.DataFrame, str]:
    """The example table: employment by NACE section in Czechia's NUTS 2 regions in the latest
    year of Eurostat's table in the store (thousand persons, age 15+), or, before a pull,
    ``FALLBACK``. Returns the table and a line saying what it is."""
    try:
        d = store.read("eurostat_lfs_nace", age="Y_GE15")
    except store.StoreMissing:
        return FALLBACK, "Austria's nine NUTS 2 regions with illustrative numbers."
    nuts2 = d["geo"].str.len() == 4  # a NUTS 2 code: the country's two letters and two more
    d = d[nuts2 & d["geo"].str.startswith(EXAMPLE_COUNTRY) & d["value"].notna()]
    if d.empty:
        return FALLBACK, "Austria's nine NUTS 2 regions with illustrative numbers."
    d = d[d["year"] == d["year"].max()]
    t = d.rename(columns={"geo": "region", "value": "employment"})
    line = (
        f"Employment (thousand persons, age 15+) by NACE section in Czechia's "
        f"{t['region'].nunique()} NUTS 2 regions, {int(t['year'].iloc[0])}. "
        f"{source_line(['eurostat_lfs_nace'])}."
    )
    return t[["region", "industry", "employment"]].reset_index(drop=True), line


LAYERS = {"nuts2021": "NUTS regions", "us_counties": "US counties (FIPS)",
          "ru_subjects": "Russian subjects (ISO 3166-2)"}  # fmt: skip


def best_layer(codes: list[str]) -> tuple[str | None, int | None, float]:
    """The geometry layer (and NUTS level) whose polygon ids match most of ``codes``; no layer
    below half."""
    best: tuple[str | None, int | None, float] = (None, None, 0.0)
    for key in LAYERS:
        level = None
        if key == "nuts2021":  # NUTS 0-3 codes have 2-5 characters
            level = max(0, min(3, pd.Series(codes).str.len().mode().iloc[0] - 2))
        try:
            share = geo.coverage(key, codes, level)["share_drawn"]
        except geo.GeometryMissing:
            continue
        if share > best[2]:
            best = (key, level, share)
    return best if best[2] >= 0.5 else (None, None, best[2])


def measures(raw: pd.DataFrame, region: str, industry: str, value: str, year: str | None):
    """The table in the columns chosen, its location quotients, specialization per region and
    localization per industry (``metrics``); ``UploadError`` or ``ValueError`` naming what
    does not fit."""
    df = prepare(raw, region, industry, value, year)
    return df, metrics.location_quotients(df), metrics.specialization(df), metrics.localization(df)


def lq_map(sel: pd.DataFrame, layer: str, level: int | None, industry: str, when: str, names):
    """The location quotients of ``sel`` (one industry) on ``layer``'s polygons."""
    return maps.region_map(
        sel.set_index("region")["lq"],
        layer,
        level=level,
        breaks=maps.LQ_BREAKS,
        zoom=True,
        title=f"Location quotient: {plain(industry)}",
        subtitle=f"ratio (all regions in the file = 1){when}",
        source=f"Your data · {geo.LAYERS[layer].credit}",
        unit="",
        names=names,
    )


def lq_bars(sel: pd.DataFrame, industry: str, when: str) -> charts.Chart:
    """The location quotients of ``sel`` (one industry) as ranked bars, 1 marked."""
    return charts.ranked_bars(
        sel,
        label="label",
        value="lq",
        title=f"Location quotient: {plain(industry)}",
        subtitle=f"ratio (all regions in the file = 1){when}",
        source="Your data",
        x_title="Location quotient",
        reference=1.0,
        reference_label="= 1",
    )
