"""EU regions: Eurostat LFS employment by NUTS 2 region and NACE Rev.2 group.

Employment in thousand persons, age 15+; regions NUTS 2013 as published; total = the published
TOTAL (it includes "no response"); benchmark = the EU-28 aggregate as Eurostat publishes it,
and the system holds only the regions of the 28 member states it covers.
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
EU28 = frozenset(["BE", "BG", "CZ", "DK", "DE", "EE", "IE", "EL", "ES", "FR", "HR", "IT", "CY",
                  "LV", "LT", "LU", "HU", "MT", "NL", "AT", "PL", "PT", "RO", "SI", "SK", "FI",
                  "SE", "UK"])  # fmt: skip


def load(system: System) -> Data:
    d = store.read(system.dataset, age="Y_GE15")
    d = d[d["geo_level"].isin([system.geo_level, "nuts0"]) | (d["geo"] == BENCHMARK_CODE)]
    d = d.assign(period=d["year"].astype(str), region=d["geo"])
    tot = d[d["industry"] == "TOTAL"].rename(columns={"value": "total"})
    tot = tot[["period", "region", "total"]].reset_index(drop=True)
    cells = d[d["industry"] != "TOTAL"][["period", "region", "industry", "value"]]
    cells = cells.reset_index(drop=True)
    # only regions the benchmark covers are compared with it (no Turkish or Norwegian region
    # ranked against the EU-28)
    regions = tuple(sorted(g for g in d.loc[d["geo_level"] == system.geo_level, "geo"].unique()
                           if g[:2] in EU28))  # fmt: skip
    return Data(system, cells, tot, from_benchmark_row(cells, tot, BENCHMARK_CODE),
                NACE_PARTITION, crosswalks.industry_labels("NACE"), regions,
                tuple(sorted(cells["period"].unique())))  # fmt: skip


def polygons(system: System, codes: frozenset[str]):
    """A NUTS 2021 polygon draws its own code when that has data, else the older code that
    ``nuts_drawn_as.csv`` says it stands for (FRF2 draws FR21 Champagne-Ardenne)."""
    inv = {p: c for c, ps in crosswalks.nuts_drawn_as().items() if c in codes for p in ps}
    return lambda fid: fid if fid in codes else inv.get(fid, fid)


def social(system: System, region: str) -> pd.DataFrame:
    """GDP per head (EUR; PPS, % of the EU average) and disposable household income per head
    (EUR), against the country."""
    who = [region, region[:2]]
    gdp = store.read("eurostat_nuts_gdp")
    inc = store.read("eurostat_nuts_income", indicator="B6N", unit_code="EUR_HAB")
    return pd.concat([
        series(gdp[gdp["unit_code"] == "EUR_HAB"], "GDP per head", "EUR", who),
        series(gdp[gdp["unit_code"] == "PPS_HAB_EU"], "GDP per head in PPS", "% of EU average",
               who),
        series(inc, "Disposable household income per head", "EUR", who),
    ], ignore_index=True)  # fmt: skip


NUTS2 = System(
    key="nuts2", label="EU regions (NUTS 2)", datasets=("eurostat_lfs_nace",),
    geo_level="nuts2", layer="nuts2021", layer_level=2, unit="thousand persons",
    what="employment",
    benchmark="EU-28", partition_wording="the 10 NACE groups", default_industry="B-E",
    default_region="DE11", loader=load, reference_of=lambda region: region[:2],
    social_of=social, social_datasets=("eurostat_nuts_gdp", "eurostat_nuts_income"),
    polygon_of=polygons,
    notes=(
        "Eurostat LFS: NACE groups only (manufacturing is inside B-E at this level); regions "
        "are NUTS 2013 as published, drawn on NUTS 2021 polygons where the boundary is "
        "unchanged or a union of 2021 regions. Not drawn: Ireland's and Scotland's regions "
        "(boundaries changed since) and the overseas regions; they are in the ranking and the "
        "table.",
        "Regions of the 28 member states only: the benchmark is Eurostat's EU-28 aggregate, "
        "which does not cover the Norwegian, Swiss, Icelandic, Turkish and other candidate "
        "countries' regions the table also holds, so they are not ranked against it.",
        "Cells Eurostat does not publish (low reliability, confidential, or a bare ':') are "
        "shown as suppressed, never as zero.",
    ),
)  # fmt: skip

SYSTEMS = (NUTS2,)
