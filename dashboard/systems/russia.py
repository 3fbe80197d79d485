"""Russian federal subjects: Rosstat shipped output by industrial section (``ru_subject``) and
the employment structure by OKVED2 aggregate (``ru_employment``).

``ru_subject``: shipped output (mln RUB) of mining, manufacturing, utilities and water; total =
their sum; benchmark = the Russian Federation row. An output-based proxy: Rosstat's regional
yearbook does not publish employment by industry. ``ru_employment``: the share of each OKVED2
aggregate x EMISS total employment (persons). A region's reference economy is the Russian
Federation ("RUS").
"""

from __future__ import annotations

import pandas as pd

from dashboard import crosswalks, store
from dashboard.systems.base import Break, Data, System, from_benchmark_row, series

COUNTRY = "RUS"
OKVED_BREAK = Break("OKVED -> OKVED2", "2016", "Rosstat's sections changed at the OKVED break")
SECTIONS = {
    "mining_shipments": "mining",
    "manufacturing_shipments": "manufacturing",
    "utilities_shipments": "utilities",
    "water_shipments": "water",
}
WATER_FROM = OKVED_BREAK  # water is its own section only after the break


def _reference(region: str) -> str:
    return COUNTRY


def load_shipments(system: System) -> Data:
    r = crosswalks.disjoint_subjects(store.read(system.dataset))
    r = r[r["indicator"].isin(list(SECTIONS))]
    r = r.assign(
        period=r["year"].astype(str),
        region=r["geo"],
        code=r["industry"],
        industry=r["indicator"].map(SECTIONS),
    )
    r = r[r["geo_level"].isin([system.geo_level, "ru_country"])]
    cells = r[["period", "region", "industry", "value"]]
    # a section Rosstat does not print for a region-year (confidential: Magadan's mining in
    # 2020-2021) is a suppressed cell, and the region's total is then unknown
    grid = (
        cells[["period", "region"]]
        .drop_duplicates()
        .merge(pd.DataFrame({"industry": list(SECTIONS.values())}), how="cross")
    )
    grid = grid[(grid["period"] > WATER_FROM.last_before) | (grid["industry"] != "water")]
    cells = grid.merge(cells, on=["period", "region", "industry"], how="left")
    tot = cells.groupby(["period", "region"])["value"].sum(min_count=1, skipna=False)
    tot = tot.rename("total").reset_index()
    regions = tuple(sorted(r.loc[r["geo_level"] == system.geo_level, "geo"].unique()))
    codes = r.drop_duplicates(["industry", "classification"]).sort_values("year")
    labels = {
        sec: f"{sec.capitalize()} ("
        + ", ".join(
            f"{c.split(' ')[0]} {k}" for k, c in zip(g["code"], g["classification"], strict=True)
        )
        + ")"
        for sec, g in codes.groupby("industry")
    }
    return Data(
        system,
        cells,
        tot,
        from_benchmark_row(cells, tot, COUNTRY),
        tuple(SECTIONS.values()),
        labels,
        regions,
        tuple(sorted(cells["period"].unique())),
    )


def load_employment(system: System) -> Data:
    e = crosswalks.disjoint_subjects(store.read(system.dataset, indicator="employment"))
    e = e.assign(period=e["year"].astype(str), region=e["geo"])
    cells = e[["period", "region", "industry", "value"]].reset_index(drop=True)
    tot = cells.groupby(["period", "region"])["value"].sum(min_count=1).rename("total")
    tot = tot.reset_index()
    regions = tuple(sorted(e.loc[e["geo_level"] == system.geo_level, "geo"].unique()))
    labels = {**crosswalks.industry_labels("OKVED2"), "other": "Other activities"}
    groups = tuple(dict.fromkeys(cells["industry"]))
    return Data(
        system,
        cells,
        tot,
        from_benchmark_row(cells, tot, COUNTRY),
        groups,
        labels,
        regions,
        tuple(sorted(cells["period"].unique())),
    )


def social(system: System, region: str) -> pd.DataFrame:
    """Average monthly wage, unemployment rate, and budget and social-support spending per
    head (RUB per person = mln RUB / thousand persons x 1000, Rosstat's annual average
    population of the same territory), against the Russian Federation; Tyumen and Arkhangelsk
    without their autonomous okrugs where the table prints them so."""
    who = [region, COUNTRY]
    r = store.read("rosstat_regions")
    r = r[r["geo"].isin(who)]
    # per head divides by the population of the same territory (an oblast with or without its
    # okrugs), then the oblast without them is shown where the table prints it
    pop = r[r["indicator"] == "population"].set_index(["geo", "year", "territory"])["value"]
    whole = crosswalks.disjoint_subjects(r)
    parts = [
        series(whole[whole["indicator"] == ind], label, unit, who)
        for ind, label, unit in [
            ("wage_avg_monthly", "Average monthly wage", "RUB"),
            ("unemployment_rate", "Unemployment rate (ILO)", "%"),
        ]
    ]
    for ind, label in [
        ("budget_expenditure", "Consolidated budget spending per head"),
        ("social_support_expenditure", "Social support spending per head"),
    ]:
        f = r[r["indicator"] == ind].set_index(["geo", "year", "territory"])
        per_head = (f["value"] / pop.reindex(f.index) * 1000).rename("value")
        f = crosswalks.disjoint_subjects(f.assign(value=per_head).reset_index())
        parts.append(series(f, label, "RUB per person", who))
    return pd.concat(parts, ignore_index=True)


_COMMON = dict(
    geo_level="ru_subject",
    layer="ru_subjects",
    benchmark="Russian Federation",
    default_region="RU-UD",
    reference_of=_reference,
    social_of=social,
    social_datasets=("rosstat_regions",),
)

RU_SUBJECT = System(
    key="ru_subject",
    label="Russian federal subjects",
    datasets=("rosstat_regions",),
    unit="mln RUB",
    what="shipped output",
    partition_wording="the industrial sections (shipments)",
    default_industry="manufacturing",
    loader=load_shipments,
    breaks=(OKVED_BREAK,),
    **_COMMON,
    nominal=True,
    notes=(
        "Proxy: Rosstat publishes shipments of goods by industrial section, not employment by "
        "industry, per region; shares are of industrial shipments (mining, manufacturing, "
        "utilities, water), not of the whole economy.",
        "OKVED break: 2005-2016 use OKVED (manufacturing = D, utilities E includes water); from "
        "2017 OKVED2 (manufacturing = C, water is its own section E). Do not compare levels "
        "across the break.",
        "Crimea and Sevastopol are not in these tables' maps; the four regions annexed in 2022 "
        "are absent from the sources.",
    ),
)

RU_EMPLOYMENT = System(
    key="ru_employment",
    label="Russian federal subjects (employment)",
    datasets=("rosstat_employment_structure",),
    unit="persons",
    what="employment",
    partition_wording="the 14 OKVED2 aggregates of employment",
    default_industry="C",
    loader=load_employment,
    **_COMMON,
    notes=(
        "Secondary compilation: the employment structure by OKVED2 aggregate comes from a "
        "researcher's workbook of Rosstat data; its year is not labelled and is inferred as "
        "2023; employment per aggregate = the share x EMISS total employment (persons).",
        "Aggregates: A, B, C (manufacturing), D, E, F, G, H, I, J, L, P, Q and all other "
        "activities together.",
    ),
)

SYSTEMS = (RU_SUBJECT, RU_EMPLOYMENT)
