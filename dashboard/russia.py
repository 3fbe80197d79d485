"""Frames for the Russia page (pure pandas; no Streamlit): budgets by function per head,
single-industry towns, manufacturing's weight in each subject, and the cross-section that
sets manufacturing dependence against social-policy spending.

Per head = mln RUB / thousand persons x 1000 = RUB per person, with the annual average
population of the same year (:func:`population`: one series, Rosstat's estimates as revised
after the 2021 census) of the territory the budget covers: the Treasury's regional budgets of
Tyumen and Arkhangelsk oblasts exclude their autonomous okrugs (which have budgets of their
own), so they are divided by the population without the okrugs.
"""

from __future__ import annotations

import pandas as pd

from dashboard import crosswalks, store

ARMS_REGIONS = ("RU-UD", "RU-TUL", "RU-VLA", "RU-IVA", "RU-PER", "RU-SVE", "RU-NIZ", "RU-CHE")
FUNCTIONS = {"04": "National economy", "07": "Education", "09": "Health",
             "10": "Social policy"}  # fmt: skip


OKRUGS = {"RU-TYU": ("RU-KHM", "RU-YAN"), "RU-ARK": ("RU-NEN",)}  # oblast -> okrugs inside it
PER_HEAD = "annual average population as revised after the 2021 census"  # per-head captions


def population() -> pd.Series:
    """Population, thousand persons, by (geo, year): one series for every year, Rosstat's
    estimates as revised after the 2021 census (``ru_population``, annual average 2000-2024,
    1 January 2025 where no average is published yet). Tyumen and Arkhangelsk oblasts without
    their autonomous okrugs (the territory of their budgets): published from 2012, before that
    the oblast's total minus its okrugs (the same to 0.001 thousand where both exist). Table
    1.2 of «Regions of Russia» (estimated before the census, 3.7% lower for Tyumen in 2021)
    is used only when ``ru_population`` is not in the store, then for every year."""
    try:
        n = store.read("ru_population", indicator=["population_avg", "population_jan1"])
    except store.StoreMissing:
        p = store.read("rosstat_regions", indicator="population")
        return crosswalks.disjoint_subjects(p).set_index(["geo", "year"])["value"].sort_index()
    n = n[n["value"] > 0]  # Crimea and Sevastopol are 0 before 2014
    n = n.assign(avg=n["indicator"] == "population_avg").sort_values("avg")
    n = n.drop_duplicates(["geo", "territory", "year"], keep="last")
    total = n[n["territory"] == "total"].set_index(["geo", "year"])["value"]
    excl = n[n["territory"] == "excl_ao"].set_index(["geo", "year"])["value"]
    for oblast, okrugs in OKRUGS.items():
        rest = total.xs(oblast, level="geo")
        for okrug in okrugs:
            rest = rest - total.xs(okrug, level="geo").reindex(rest.index)
        derived = pd.concat({oblast: rest.dropna()}, names=["geo", "year"])
        excl = excl.combine_first(derived.round(3))
    out = excl.combine_first(total[~total.index.isin(excl.index)]).sort_index()
    subjects = ~n["avg"] & ~n["geo"].str.endswith("FD")
    jan1 = sorted(int(y) for y in n.loc[subjects, "year"].unique())
    out.attrs["notes"] = [
        "One series for every year: Rosstat's annual average population as revised after the "
        "2021 census (reg_normalizer); no join to the estimates made before it."
    ] + [
        f"{y}: population on 1 January (no annual average yet); a per-head figure for {y} "
        "is not comparable with earlier years."
        for y in jan1
    ]
    out.attrs["breaks"] = jan1  # years of another measure (1 January)
    return out


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
    return {
        "cells": len(both),
        "years": sorted(both["year"].unique().tolist()),
        "within_0_1": float((gap <= 0.1).mean()),
        "within_0_05": float((gap <= 0.05).mean()),
        "max_gap": float(gap.max()),
    }


def social_per_head(year: int) -> pd.Series:
    """Social-policy spending (section 10) per head, RUB, by subject."""
    b = budget(["10"])
    b = b[(b["year"] == year) & b["geo"].str.startswith(("RU-", "UA-"))]
    return b.set_index("geo")["per_head"]


def monotowns() -> pd.DataFrame:
    """Per subject: towns in categories 1, 2, 3 and in all."""
    m = store.read("monotowns")
    t = m.pivot_table(index="geo", columns="category", values="town", aggfunc="count", fill_value=0)
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
    d = pd.DataFrame(
        {"mfg_gva": manufacturing_gva(year), "social_per_head": social_per_head(year)}
    ).dropna()
    return d.rename_axis("geo").reset_index().assign(year=year)


def budget_table(regions, names: dict[str, str]) -> pd.DataFrame:
    """The selected regions' budgets by function (FUNCTIONS), one row per region and function:
    % of spending and RUB per person in each Treasury year, rounded to 0.1."""
    bud = budget(list(FUNCTIONS))
    mine = bud[bud["geo"].isin(list(regions))]
    t = mine.assign(region=mine["geo"].map(names.get), function=mine["function"].map(FUNCTIONS))
    t = t.pivot_table(
        index=["region", "function"], columns="year", values=["share", "per_head"]
    ).round(1)
    t.columns = [
        f"{'% of spending' if a == 'share' else 'RUB per person'} {b}" for a, b in t.columns
    ]
    return t.reset_index()


def towns(regions, names: dict[str, str]) -> pd.DataFrame:
    """Single-industry towns in the selected regions: region, town, municipality, category."""
    t = store.read("monotowns")
    t = t[t["geo"].isin(list(regions))]
    return t.assign(region=t["geo"].map(names.get))[["region", "town", "municipality", "category"]]


ARMS_EMPLOYMENT = (
    "**Why there is no arms-industry employment here.** Arms production sits in three classes "
    "of Russia's classification of activities, OKVED2: 25.4 (weapons and ammunition), 30.3 "
    "(aircraft and spacecraft) and 30.4 (military fighting vehicles). Rosstat's regional tables "
    "stop at the section (C, manufacturing) or the division (25, fabricated metal products; 30, "
    "other transport equipment): in a region where one or two plants make up a class, its "
    "figure would disclose a single firm, which the law on official statistics (282-FZ, "
    "article 9) forbids, and much of the industry's data is classified. The classes are inside "
    "manufacturing's totals, so manufacturing's share is an upper bound that also holds "
    "tractors, food and chemicals, not a measure of arms production."
)


def _subjects(frame: pd.DataFrame) -> pd.DataFrame:
    """Federal subjects only (no districts, no Federation), none counted twice."""
    frame = crosswalks.disjoint_subjects(frame)
    return frame[frame["geo"].str.startswith(("RU-", "UA-")) & ~frame["geo"].str.endswith("FD")]


def arms_measures(regions) -> pd.DataFrame:
    """What the data can say about the arms-producing regions, one row per chosen region and a
    last row for the median subject (``n``: the subjects each median is over): manufacturing's
    share of GVA (%, latest year) and of employment (%, 2023, year inferred), the national
    defense (section 02) and social policy (10) shares of the consolidated budget (%, 2021 and
    2023) and single-industry towns (count). Columns: geo, measure keys; ``attrs["labels"]``
    names each column with its year, ``attrs["years"]`` the manufacturing shares' years."""
    gva = _subjects(store.read("rosstat_grp_structure"))
    gva_year = int(gva["year"].max())
    section = "C" if gva_year >= 2016 else "D"
    gva = gva[(gva["year"] == gva_year) & (gva["industry"] == section)].set_index("geo")["value"]
    emp = _subjects(store.read("rosstat_employment_structure", indicator="employment_share"))
    emp_year = int(emp["year"].max())
    emp = emp[(emp["year"] == emp_year) & (emp["industry"] == "C")].set_index("geo")["value"]
    shares = _subjects(store.read("ru_budget_shares", indicator="budget_share_consolidated"))
    cols = {"mfg_gva": gva, "mfg_employment": emp}
    labels = {
        "mfg_gva": f"Manufacturing, % of GVA ({gva_year})",
        "mfg_employment": f"Manufacturing, % of employment ({emp_year})",
    }
    for code, what in (("02", "defense"), ("10", "social")):
        for year in (2021, 2023):
            sel = shares[(shares["function"] == code) & (shares["year"] == year)]
            cols[f"{what}_{year}"] = sel.set_index("geo")["value"]
            name = "National defense" if code == "02" else "Social policy"
            labels[f"{what}_{year}"] = f"{name}, % of budget ({year})"
    every = sorted(set(gva.index) | set(emp.index))
    cols["monotowns"] = monotowns()["total"].reindex(every, fill_value=0)
    labels["monotowns"] = "Single-industry towns"
    wide = pd.DataFrame(cols)
    median = wide.median().to_frame().T.assign(geo="median")
    n = wide.notna().sum().astype(int)
    mine = wide.reindex(list(regions)).rename_axis("geo").reset_index()
    out = pd.concat([mine, median], ignore_index=True)[["geo", *cols]]
    out.attrs.update(
        labels=labels,
        n={k: int(v) for k, v in n.items()},
        years={"mfg_gva": gva_year, "mfg_employment": emp_year},
    )
    return out
