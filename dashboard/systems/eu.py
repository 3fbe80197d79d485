"""EU regions: Eurostat LFS employment by NUTS 2 region and NACE Rev.2 group.

Employment in thousand persons, age 15+; regions as published (NUTS 2010 to 2024, one version
per period); total = the published TOTAL (it includes "no response"); benchmark = the EU-28
aggregate as Eurostat publishes it (the EU-27 (2020) total for periods without one), and the
system holds only the regions of the 28 member states it covers.
A region's reference economy is its country (the NUTS 0 code).
"""

from __future__ import annotations

import pandas as pd

from dashboard import crosswalks, store
from dashboard.systems.base import Data, System, from_benchmark_row, series

NACE_PARTITION = ("A", "B-E", "F", "G-I", "J", "K", "L", "M_N", "O-Q", "R-U")
BENCHMARK_CODE = "EU28"
# the member states the EU-28 aggregate covers, as Eurostat codes them (EL Greece, UK); the
# table also holds candidate and EFTA countries' regions, which the benchmark does not cover
EU28 = frozenset(
    [
        "BE",
        "BG",
        "CZ",
        "DK",
        "DE",
        "EE",
        "IE",
        "EL",
        "ES",
        "FR",
        "HR",
        "IT",
        "CY",
        "LV",
        "LT",
        "LU",
        "HU",
        "MT",
        "NL",
        "AT",
        "PL",
        "PT",
        "RO",
        "SI",
        "SK",
        "FI",
        "SE",
        "UK",
    ]
)


NUTS_VERSIONS = (2010, 2013, 2016, 2021, 2024)
FALLBACK_BENCHMARK = "EU27_2020"  # Eurostat's total after the UK left (no EU-28 after 2019)


def validity(codes) -> dict[str, tuple[int, int]]:
    """NUTS 2 code -> (first, last) NUTS version it is valid in, as far as labordash knows:
    codes in ``nuts_drawn_as.csv`` end at their ``until`` version and the codes replacing them
    begin in the next; codes in the NUTS 2021 but not the 2024 polygons end in 2021; codes in
    the 2024 but not the 2021 polygons begin in 2024. Unknown ends are open (0, 9999)."""
    from dashboard import geo

    until, drawn = crosswalks.nuts_until(), crosswalks.nuts_drawn_as()
    first: dict[str, int] = {}
    for old, new in drawn.items():
        for c in new:
            first[c] = NUTS_VERSIONS[NUTS_VERSIONS.index(until[old]) + 1]
    try:
        v2021, v2024 = set(geo.ids("nuts2021", 2)), set(geo.ids("nuts2024", 2))
    except geo.GeometryMissing:
        v2021 = v2024 = set()
    out = {}
    for c in codes:
        last = until.get(c, 2021 if (c in v2021 and c not in v2024) else 9999)
        start = first.get(c, 2024 if (c in v2024 and c not in v2021) else 0)
        out[c] = (start, last)
    return out


def one_version(cells: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """Each period's regions in one NUTS version: where a period holds codes of two versions
    (Eurostat's tables recode old years only partly), the newest version present is kept and
    the codes not valid in it are left out, with a note for that period."""
    valid = validity(cells["region"].unique())
    keep = pd.Series(True, index=cells.index)
    notes: dict[str, list[str]] = {}
    # a period's distinct codes (a few hundred), not its rows (every industry's cells)
    for period, codes in cells.groupby("period")["region"].unique().items():
        v = max(valid[c][0] for c in codes)
        out = sorted(c for c in codes if not valid[c][0] <= v <= valid[c][1])
        if out:
            keep &= ~((cells["period"] == period) & cells["region"].isin(out))
            notes[str(period)] = [
                f"In {period} Eurostat's table mixes NUTS versions: the ranking uses the NUTS "
                f"{v} codes and leaves out {len(out)} code(s) of older versions ({', '.join(out)})."
            ]
    return cells[keep], notes


def load(system: System) -> Data:
    d = store.read(system.dataset, age="Y_GE15")
    aggregates = [BENCHMARK_CODE, FALLBACK_BENCHMARK]
    d = d[d["geo_level"].isin([system.geo_level, "nuts0"]) | d["geo"].isin(aggregates)]
    d = d.assign(period=d["year"].astype(str), region=d["geo"])
    nuts2 = d["geo_level"] == system.geo_level
    kept, period_notes = one_version(d[nuts2])
    d = pd.concat([d[~nuts2], kept])
    tot = d[d["industry"] == "TOTAL"].rename(columns={"value": "total"})
    tot = tot[["period", "region", "total"]].reset_index(drop=True)
    cells = d[d["industry"] != "TOTAL"][["period", "region", "industry", "value"]]
    cells = cells.reset_index(drop=True)
    # only regions the benchmark covers are compared with it (no Turkish or Norwegian region
    # ranked against the EU-28)
    regions = tuple(
        sorted(
            g for g in d.loc[d["geo_level"] == system.geo_level, "geo"].unique() if g[:2] in EU28
        )
    )
    bench = from_benchmark_row(cells, tot, BENCHMARK_CODE)
    later = sorted(set(cells["period"]) - set(bench["period"]))
    if later:  # no EU-28 total published: Eurostat's EU-27 (2020) instead
        fallback = from_benchmark_row(cells, tot, FALLBACK_BENCHMARK)
        fallback = fallback[fallback["period"].isin(later)]
        bench = pd.concat([bench, fallback], ignore_index=True)
        for p in sorted(set(fallback["period"])):
            period_notes.setdefault(p, []).append(
                f"In {p} the benchmark is the EU-27 (2020) total: Eurostat publishes no EU-28 "
                "total for it."
            )
    return Data(
        system,
        cells,
        tot,
        bench,
        NACE_PARTITION,
        crosswalks.industry_labels("NACE"),
        regions,
        tuple(sorted(cells["period"].unique())),
        period_notes=period_notes,
    )


def polygons(system: System, codes: frozenset[str]):
    """A polygon of the NUTS layer (2024, and 2021 for codes no longer in use) draws its own
    code when that has data, else the older code that ``nuts_drawn_as.csv`` says it stands for
    (FRF2 draws FR21 Champagne-Ardenne)."""
    inv = {p: c for c, ps in crosswalks.nuts_drawn_as().items() if c in codes for p in ps}
    return lambda fid: fid if fid in codes else inv.get(fid, fid)


def social(system: System, region: str) -> pd.DataFrame:
    """GDP per head (EUR; PPS, % of the EU average) and disposable household income per head
    (EUR), against the country."""
    who = [region, region[:2]]
    gdp = store.read("eurostat_nuts_gdp")
    inc = store.read("eurostat_nuts_income", indicator="B6N", unit_code="EUR_HAB")
    return pd.concat(
        [
            series(gdp[gdp["unit_code"] == "EUR_HAB"], "GDP per head", "EUR", who),
            series(
                gdp[gdp["unit_code"] == "PPS_HAB_EU"], "GDP per head in PPS", "% of EU average", who
            ),
            series(inc, "Disposable household income per head", "EUR", who),
        ],
        ignore_index=True,
    )


NUTS2 = System(
    key="nuts2",
    label="EU regions (NUTS 2)",
    datasets=("eurostat_lfs_nace",),
    geo_level="nuts2",
    layer="nuts",
    layer_level=2,
    unit="thousand persons",
    what="employment",
    benchmark="EU-28",
    partition_wording="the 10 NACE groups",
    default_industry="B-E",
    default_region="DE11",
    loader=load,
    reference_of=lambda region: region[:2],
    social_of=social,
    social_datasets=("eurostat_nuts_gdp", "eurostat_nuts_income"),
    polygon_of=polygons,
    notes=(
        "Eurostat LFS: NACE groups only (manufacturing is inside B-E at this level); regions "
        "as published. NUTS 2016, 2021 and 2024 codes are drawn on their own polygons (NUTS "
        "2024, or 2021 for codes no longer in use); NUTS 2010 and 2013 codes on the 2021 "
        "polygons where the boundary is unchanged or a union of 2021 regions. Not drawn: "
        "Ireland's and Scotland's 2013 regions (boundaries changed since) and the overseas "
        "regions; they are in the ranking and the table. A year's ranking never mixes two "
        "NUTS versions.",
        "Regions of the 28 member states only: the benchmark is Eurostat's EU-28 aggregate, "
        "which does not cover the Norwegian, Swiss, Icelandic, Turkish and other candidate "
        "countries' regions the table also holds, so they are not ranked against it.",
        "Cells Eurostat does not publish (low reliability, confidential, or a bare ':') are "
        "shown as suppressed, never as zero.",
    ),
)

SYSTEMS = (NUTS2,)
