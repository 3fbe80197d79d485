"""Frames for the Russia page (pure pandas; no Streamlit): budgets by function per head,
single-industry towns, manufacturing's weight in each subject, and the cross-section that
sets manufacturing dependence against social-policy spending.

Per head = mln RUB / thousand persons x 1000 = RUB per person, with Rosstat's annual average
population of the same year (table 1.2) of the territory the budget covers: the Treasury's
regional budgets of Tyumen and Arkhangelsk oblasts exclude their autonomous okrugs (which have
budgets of their own), so they are divided by the population without the okrugs.
"""

from __future__ import annotations

import pandas as pd

from dashboard import crosswalks, store

ARMS_REGIONS = ("RU-UD", "RU-TUL", "RU-VLA", "RU-IVA", "RU-PER", "RU-SVE", "RU-NIZ", "RU-CHE")
FUNCTIONS = {"04": "National economy", "07": "Education", "09": "Health",
             "10": "Social policy"}  # fmt: skip


def population() -> pd.Series:
    """Annual average population, thousand persons, by (geo, year): Rosstat table 1.2 for the
    years it covers (to 2021), then the reg_normalizer series (``ru_population``: the annual
    average, or 1 January where no average is published yet, 2025). Tyumen and Arkhangelsk
    oblasts without their autonomous okrugs (the territory of their budgets)."""
    p = store.read("rosstat_regions", indicator="population")
    s = crosswalks.disjoint_subjects(p).set_index(["geo", "year"])["value"]
    try:
        n = store.read("ru_population", indicator=["population_avg", "population_jan1"])
    except store.StoreMissing:
        return s
    n = crosswalks.disjoint_subjects(n[n["year"] > s.index.get_level_values("year").max()])
    n = n.assign(avg=n["indicator"] == "population_avg").sort_values("avg")
    later = n.drop_duplicates(["geo", "year"], keep="last").set_index(["geo", "year"])["value"]
    return pd.concat([s, later]).sort_index()


def budget(functions=None) -> pd.DataFrame:
    """Treasury spending by function with ``share`` (% of the region's total) and ``per_head``
    (RUB per person): geo, year, function, function_name, value (mln RUB), share, per_head."""
    b = store.read("roskazna_budget")
    total = b[b["function"] == "total"].set_index(["geo", "year"])["value"]
    b = b[b["function"] != "total"] if functions is None else b[b["function"].isin(functions)]
    idx = pd.MultiIndex.from_frame(b[["geo", "year"]])
    share = b["value"].to_numpy() / total.reindex(idx).to_numpy() * 100
    per_head = b["value"].to_numpy() / population().reindex(idx).to_numpy() * 1000
    return b.assign(share=share, per_head=per_head)[
        ["geo", "year", "function", "function_name", "value", "share", "per_head"]
    ]


def shares_agreement() -> dict:
    """How well the researcher's budget shares (``ru_budget_shares``, consolidated) agree with
    our own parse of the Treasury's reports (``roskazna_budget``: section / total x 100) in the
    cells both hold: their number, the years, the share within 0.1 and 0.05 percentage points,
    and the largest gap (pp)."""
    b = budget()
    cons = store.read("ru_budget_shares", indicator="budget_share_consolidated")
    both = b.merge(cons, on=["geo", "year", "function"], suffixes=("", "_theirs"))
    gap = (both["share"] - both["value_theirs"]).abs()
    return {"cells": len(both), "years": sorted(both["year"].unique().tolist()),
            "within_0_1": float((gap <= 0.1).mean()), "within_0_05": float((gap <= 0.05).mean()),
            "max_gap": float(gap.max())}  # fmt: skip


def social_per_head(year: int) -> pd.Series:
    """Social-policy spending (section 10) per head, RUB, by subject."""
    b = budget(["10"])
    b = b[(b["year"] == year) & b["geo"].str.startswith(("RU-", "UA-"))]
    return b.set_index("geo")["per_head"]


def monotowns() -> pd.DataFrame:
    """Per subject: towns in categories 1, 2, 3 and in all."""
    m = store.read("monotowns")
    t = m.pivot_table(index="geo", columns="category", values="town", aggfunc="count",
                      fill_value=0)  # fmt: skip
    t = t.reindex(columns=[1, 2, 3], fill_value=0)
    t.columns = [f"category_{c}" for c in t.columns]
    return t.assign(total=t.sum(axis=1))


def manufacturing_gva(year: int) -> pd.Series:
    """Manufacturing's share of gross value added (%), OKVED2 section C (2016-2022) or OKVED
    section D (2009-2015), by subject (Tyumen and Arkhangelsk without their okrugs)."""
    g = crosswalks.disjoint_subjects(store.read("rosstat_grp_structure", year=year))
    section = "C" if year >= 2016 else "D"
    g = g[(g["industry"] == section) & (g["geo_level"] == "ru_subject")]
    return g.set_index("geo")["value"]


def cross_section(year: int) -> pd.DataFrame:
    """One row per subject: manufacturing's share of GVA and social-policy spending per head
    in ``year`` (both published; NaN rows dropped)."""
    d = pd.DataFrame({"mfg_gva": manufacturing_gva(year), "social_per_head":
                      social_per_head(year)}).dropna()  # fmt: skip
    return d.rename_axis("geo").reset_index().assign(year=year)


def budget_table(regions, names: dict[str, str]) -> pd.DataFrame:
    """The selected regions' budgets by function (FUNCTIONS), one row per region and function:
    % of spending and RUB per person in each Treasury year, rounded to 0.1."""
    bud = budget(list(FUNCTIONS))
    mine = bud[bud["geo"].isin(list(regions))]
    t = mine.assign(region=mine["geo"].map(names.get), function=mine["function"].map(FUNCTIONS))
    t = t.pivot_table(index=["region", "function"], columns="year",
                      values=["share", "per_head"]).round(1)  # fmt: skip
    t.columns = [f"{'% of spending' if a == 'share' else 'RUB per person'} {b}"
                 for a, b in t.columns]  # fmt: skip
    return t.reset_index()


def towns(regions, names: dict[str, str]) -> pd.DataFrame:
    """Single-industry towns in the selected regions: region, town, municipality, category."""
    t = store.read("monotowns")
    t = t[t["geo"].isin(list(regions))]
    return t.assign(region=t["geo"].map(names.get))[["region", "town", "municipality",
                                                     "category"]]  # fmt: skip
