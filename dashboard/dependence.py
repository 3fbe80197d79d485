"""Region-by-industry data for the dependence and profile pages (pure pandas; no Streamlit).

A *region system* fixes the dataset, the regions, the industries and the benchmark economy:

- ``nuts2``: Eurostat LFS employment (thousand persons, age 15+) by NUTS 2 region (NUTS 2013 as
  published) and NACE Rev.2 group; total = the published TOTAL (it includes "no response");
  benchmark = the EU-28 aggregate as Eurostat publishes it.
- ``us_county`` / ``us_state``: BLS QCEW employment (persons; a quarter is the mean of its three
  months) of private industries (ownership 5) over total covered employment (all ownerships,
  NAICS 10), as BLS computes its own location quotients. Benchmark = US shares backed out of
  BLS's published LQs: b_i = median over regions of s_ri / LQ_ri (the store has no US totals).
- ``ru_subject``: Rosstat shipped output (mln RUB) of the industrial sections; total = their sum;
  benchmark = the Russian Federation row. An output-based proxy: Rosstat's regional yearbook does
  not publish employment by industry.

Every measure goes through ``dashboard.metrics``: a single industry (or group) is scored as a
two-industry economy, the industry and the rest of the region's total, so share and LQ are
exactly ``metrics.location_quotients`` of that frame.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import pandas as pd

from dashboard import metrics, store
from dashboard.catalog import industry_groups
from dashboard.config import datasets_dir

MEASURES = {
    "share": ("Share of the region's total", "%"),
    "lq": ("Location quotient", "ratio (benchmark = 1)"),
    "value": ("Level", ""),  # unit from the system
}
DEFINITIONS = {
    "share": "industry value / the region's total x 100",
    "lq": "the industry's share in the region / its share in the benchmark economy "
    "(above 1: more concentrated than the benchmark)",
    "value": "the industry's value as published",
}


def measure_title(measure: str, system: System) -> tuple[str, str]:
    """(label, unit) of a measure; a level is labelled and measured in the system's terms."""
    if measure == "value":
        return system.what.capitalize(), system.unit
    return MEASURES[measure]


@dataclass(frozen=True)
class System:
    key: str
    label: str
    dataset: str
    layer: str  # geometry layer (geo.LAYERS)
    unit: str
    what: str  # what the value counts
    benchmark: str
    layer_level: int | None = None
    notes: tuple[str, ...] = ()


SYSTEMS = {
    s.key: s
    for s in [
        System("nuts2", "EU regions (NUTS 2)", "eurostat_lfs_nace", "nuts2021",
               "thousand persons", "employment", "EU-28", 2, (
                   "Eurostat LFS: NACE groups only (manufacturing is inside B-E at this level); "
                   "regions are NUTS 2013 as published, drawn on NUTS 2021 polygons where the "
                   "boundary is unchanged or a union of 2021 regions. Not drawn: Ireland, "
                   "Scotland's and southern Norway's regions (boundaries changed since) and the "
                   "overseas regions; they are in the ranking and the table.",
                   "Cells Eurostat does not publish (low reliability, confidential) are shown as "
                   "suppressed, never as zero.",
               )),
        System("us_county", "US counties", "qcew", "us_counties", "persons", "employment",
               "United States", None, (
                   "BLS QCEW: private-sector employment over total covered employment; cells "
                   "BLS does not disclose are suppressed, never zero.",
                   "The store holds the counties and states the QCEW files in the mirror cover; "
                   "`LABORDASH_QCEW_AREAS` pulls more.",
               )),
        System("us_state", "US states", "qcew", "us_counties", "persons", "employment",
               "United States", None, (
                   "BLS QCEW state files; a state is drawn with its counties' polygons.",
                   "The store holds the states the QCEW files in the mirror cover; "
                   "`LABORDASH_QCEW_AREAS` pulls more.",
               )),
        System("ru_subject", "Russian federal subjects", "rosstat_regions", "ru_subjects",
               "mln RUB", "shipped output", "Russian Federation", None, (
                   "Proxy: Rosstat publishes shipments of goods by industrial section, not "
                   "employment by industry, per region; shares are of industrial shipments "
                   "(mining, manufacturing, utilities, water), not of the whole economy.",
                   "OKVED break: 2005-2016 use OKVED (manufacturing = D, utilities E includes "
                   "water); from 2017 OKVED2 (manufacturing = C, water is its own section E). "
                   "Do not compare levels across the break.",
                   "Crimea and Sevastopol are not in these tables' maps; the four regions "
                   "annexed in 2022 are absent from the sources.",
               )),
        System("ru_employment", "Russian federal subjects (employment)",
               "rosstat_employment_structure", "ru_subjects", "persons", "employment",
               "Russian Federation", None, (
                   "Secondary compilation: the employment structure by OKVED2 aggregate comes "
                   "from a researcher's workbook of Rosstat data; its year is not labelled and "
                   "is inferred as 2023; employment per aggregate = the share x EMISS total "
                   "employment (persons).",
                   "Aggregates: A, B, C (manufacturing), D, E, F, G, H, I, J, L, P, Q and all "
                   "other activities together.",
               )),
    ]
}  # fmt: skip

REST = "__rest_of_total__"  # the residual industry in mix(); never a published code
NACE_PARTITION = ("A", "B-E", "F", "G-I", "J", "K", "L", "M_N", "O-Q", "R-U")
RU_SECTIONS = {
    "mining_shipments": "mining",
    "manufacturing_shipments": "manufacturing",
    "utilities_shipments": "utilities",
    "water_shipments": "water",
}


@dataclass
class Data:
    """A system's cells for all periods. ``cells``: period, region, industry, value (NaN =
    suppressed), for the system's regions and the reference economies; ``totals``: period,
    region, total; ``bench``: period, industry, bench_share (0..1)."""

    system: System
    cells: pd.DataFrame
    totals: pd.DataFrame
    bench: pd.DataFrame
    partition: tuple[str, ...]
    labels: dict[str, str]
    regions: tuple[str, ...]
    periods: tuple[str, ...]
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def label(self, code: str) -> str:
        return self.labels.get(code, code)

    def members(self, industry: str) -> tuple[str, ...]:
        return self.groups.get(industry, (industry,))


@cache
def drawn_as() -> dict[str, tuple[str, ...]]:
    """NUTS 2010/2013 codes -> the NUTS 2021 polygons drawing them (datasets/nuts_drawn_as.csv)."""
    t = pd.read_csv(datasets_dir() / "nuts_drawn_as.csv", dtype=str)
    return {c: tuple(d.split()) for c, d in zip(t["code"], t["drawn_as"], strict=True)}


def _nace_labels() -> dict[str, str]:
    t = pd.read_csv(datasets_dir() / "industries.csv", dtype=str, keep_default_na=False)
    t = t[t["classification"].str.startswith("NACE")]
    return dict(zip(t["code"], t["code"] + " " + t["title"], strict=True))


def _load_nuts2() -> Data:
    d = store.read("eurostat_lfs_nace", age="Y_GE15")
    d = d[d["geo_level"].isin(["nuts2", "nuts0"]) | (d["geo"] == "EU28")]
    d = d.assign(period=d["year"].astype(str), region=d["geo"])
    tot = d[d["industry"] == "TOTAL"].rename(columns={"value": "total"})
    cells = d[d["industry"] != "TOTAL"][["period", "region", "industry", "value"]]
    eu = cells[cells["region"] == "EU28"].merge(tot[["period", "region", "total"]])
    bench = eu.assign(bench_share=eu["value"] / eu["total"])[["period", "industry", "bench_share"]]
    regions = tuple(sorted(d.loc[d["geo_level"] == "nuts2", "geo"].unique()))
    labels = _nace_labels()
    return Data(SYSTEMS["nuts2"], cells.reset_index(drop=True),
                tot[["period", "region", "total"]].reset_index(drop=True), bench,
                NACE_PARTITION, labels, regions,
                tuple(sorted(cells["period"].unique())))  # fmt: skip


def _load_us(key: str) -> Data:
    # counties carry their states' cells too, as the reference of their shift-share
    level = "us_county" if key == "us_county" else "us_state"
    q = store.read("qcew")
    q = q[q["indicator"].isin(["employment", "bls_lq_employment"])]
    q = q.assign(region=q["geo"])
    emp = q[q["indicator"] == "employment"]
    tot = emp[(emp["ownership"] == "0") & (emp["industry"] == "10")]
    tot = tot.rename(columns={"value": "total"})[["period", "region", "total"]]
    # NAICS sector (x4) to 6-digit (x8) rows of private industries; not domains or supersectors
    priv = q[(q["ownership"] == "5") & q["agglvl_code"].str[1].isin(list("45678"))]
    cells = priv[priv["indicator"] == "employment"][["period", "region", "industry", "value"]]
    lq = priv[priv["indicator"] == "bls_lq_employment"][["period", "region", "industry", "value"]]
    back = cells.merge(lq, on=["period", "region", "industry"], suffixes=("", "_lq")).merge(tot)
    back = back[(back["value_lq"] > 0) & (back["total"] > 0)]
    back["bench_share"] = back["value"] / back["total"] / back["value_lq"]
    bench = back.groupby(["period", "industry"])["bench_share"].median().reset_index()
    titles = priv.drop_duplicates("industry").set_index("industry")["industry_title"]
    labels = {k: str(v) for k, v in titles.items()}
    sectors = priv.loc[priv["agglvl_code"].str[1] == "4", "industry"].unique()
    groups = {g.key: g.codes for g in industry_groups().values() if g.classification == "NAICS"}
    labels.update({g.key: g.label for g in industry_groups().values()})
    regions = tuple(sorted(q.loc[q["geo_level"] == level, "region"].unique()))
    periods = tuple(sorted(tot.loc[tot["region"].isin(regions), "period"].unique()))
    return Data(SYSTEMS[key], cells.reset_index(drop=True), tot.reset_index(drop=True), bench,
                tuple(sorted(sectors)), labels, regions, periods, groups)  # fmt: skip


def _load_russia() -> Data:
    r = store.read("rosstat_regions", territory="total")
    r = r[r["indicator"].isin(list(RU_SECTIONS))]
    r = r.assign(period=r["year"].astype(str), region=r["geo"], code=r["industry"],
                 industry=r["indicator"].map(RU_SECTIONS))  # fmt: skip
    r = r[r["geo_level"].isin(["ru_subject", "ru_country"])]
    cells = r[["period", "region", "industry", "value"]]
    # a section Rosstat does not print for a region-year (confidential: Magadan's mining in
    # 2020-2021) is a suppressed cell, and the region's total is then unknown
    grid = (
        cells[["period", "region"]]
        .drop_duplicates()
        .merge(pd.DataFrame({"industry": list(RU_SECTIONS.values())}), how="cross")
    )
    grid = grid[(grid["period"].astype(int) > 2016) | (grid["industry"] != "water")]
    cells = grid.merge(cells, on=["period", "region", "industry"], how="left")
    tot = cells.groupby(["period", "region"])["value"].sum(min_count=1, skipna=False)
    tot = tot.rename("total").reset_index()
    ru = cells[cells["region"] == "RUS"].merge(tot)
    bench = ru.assign(bench_share=ru["value"] / ru["total"])[["period", "industry", "bench_share"]]
    regions = tuple(sorted(r.loc[r["geo_level"] == "ru_subject", "geo"].unique()))
    codes = r.drop_duplicates(["industry", "classification"]).sort_values("year")
    labels = {
        sec: f"{sec.capitalize()} ("
        + ", ".join(f"{c.split(' ')[0]} {k}" for k, c in zip(g["code"], g["classification"],
                                                             strict=True))
        + ")"
        for sec, g in codes.groupby("industry")
    }  # fmt: skip
    return Data(SYSTEMS["ru_subject"], cells, tot, bench, tuple(RU_SECTIONS.values()), labels,
                regions, tuple(sorted(cells["period"].unique())))  # fmt: skip


def _load_ru_employment() -> Data:
    e = store.read("rosstat_employment_structure", indicator="employment", territory="total")
    e = e.assign(period=e["year"].astype(str), region=e["geo"])
    cells = e[["period", "region", "industry", "value"]].reset_index(drop=True)
    tot = cells.groupby(["period", "region"])["value"].sum(min_count=1).rename("total")
    tot = tot.reset_index()
    ru = cells[cells["region"] == "RUS"].merge(tot)
    bench = ru.assign(bench_share=ru["value"] / ru["total"])[["period", "industry", "bench_share"]]
    regions = tuple(sorted(e.loc[e["geo_level"] == "ru_subject", "geo"].unique()))
    t = pd.read_csv(datasets_dir() / "industries.csv", dtype=str, keep_default_na=False)
    t = t[t["classification"] == "OKVED2"]
    labels = {c: f"{c} {n}" for c, n in zip(t["code"], t["title"], strict=True)}
    labels["other"] = "Other activities"
    groups = tuple(dict.fromkeys(cells["industry"]))
    return Data(SYSTEMS["ru_employment"], cells, tot, bench, groups, labels, regions,
                tuple(sorted(cells["period"].unique())))  # fmt: skip


def load(key: str) -> Data:
    """All cells of a region system (raises ``store.StoreMissing`` before a pull)."""
    if key == "nuts2":
        return _load_nuts2()
    if key in ("us_county", "us_state"):
        return _load_us(key)
    if key == "ru_subject":
        return _load_russia()
    if key == "ru_employment":
        return _load_ru_employment()
    raise KeyError(f"unknown region system {key!r}; known: {', '.join(SYSTEMS)}")


def _selected(data: Data, industry: str, period: str) -> pd.DataFrame:
    """Per region of the system: the industry's (or group's) value summed over its disclosed
    members, how many members are suppressed, and the region's total."""
    members = data.members(industry)
    tot = data.totals[(data.totals["period"] == period) & data.totals["region"].isin(data.regions)]
    c = data.cells[(data.cells["period"] == period) & data.cells["industry"].isin(members)]
    c = c.assign(suppressed=c["value"].isna())
    agg = c.groupby("region").agg(value=("value", "sum"), n_suppressed=("suppressed", "sum"),
                                  n_reported=("suppressed", "size"))  # fmt: skip
    out = tot[["region", "total"]].merge(agg.reset_index(), on="region", how="left")
    # no row for an industry in a region: no establishments there (QCEW), not suppression
    out[["n_suppressed", "n_reported"]] = out[["n_suppressed", "n_reported"]].fillna(0).astype(int)
    out["value"] = out["value"].fillna(0.0)
    out.loc[(out["n_reported"] > 0) & (out["n_suppressed"] == out["n_reported"]), "value"] = None
    return out


def benchmark_share(data: Data, industry: str, period: str) -> tuple[float, int]:
    """The benchmark economy's share (0..1) of an industry or group, and how many members have
    no benchmark share (NaN when none has one)."""
    b = data.bench[(data.bench["period"] == period)].set_index("industry")["bench_share"]
    members = data.members(industry)
    known = b.reindex(members).dropna()
    return (float(known.sum()) if len(known) else float("nan")), len(members) - len(known)


def dependence(data: Data, industry: str, period: str) -> pd.DataFrame:
    """One row per region: ``value`` (the system's unit), ``total``, ``share`` (%), ``lq``,
    ``status`` (ok / partly suppressed / suppressed) and the counts behind it.

    share and lq are ``metrics.location_quotients`` of the two-industry economy (industry,
    rest = total - industry) against the benchmark (b, 1 - b).
    """
    sel = _selected(data, industry, period)
    b, _ = benchmark_share(data, industry, period)
    rest = (sel["total"] - sel["value"]).clip(lower=0)
    frame = pd.concat([
        pd.DataFrame({"region": sel["region"], "industry": "selected",
                      "value": sel["value"].where(sel["total"].notna())}),
        pd.DataFrame({"region": sel["region"], "industry": "rest",
                      "value": rest.where(sel["value"].notna())}),
    ], ignore_index=True)  # fmt: skip
    reference = pd.DataFrame({"industry": ["selected", "rest"], "value": [b, 1 - b]})
    if b != b:  # NaN: no benchmark share, LQs undefined
        reference["value"] = 0.0
    lq = metrics.location_quotients(frame, reference)
    lq = lq[lq["industry"] == "selected"][["region", "share", "lq"]]
    out = sel.merge(lq, on="region", how="left")
    out["share"] = out["share"] * 100
    n = out["n_reported"]
    out["status"] = "ok"
    out.loc[out["n_suppressed"] > 0, "status"] = (
        "partly suppressed (" + out["n_suppressed"].astype(str) + " of " + n.astype(str) + ")"
    )
    out.loc[out["value"].isna(), "status"] = "suppressed"
    out.loc[out["total"].isna(), "status"] = "total unknown (a section is suppressed)"
    return out[["region", "value", "total", "share", "lq", "status", "n_suppressed"]]


def rank(table: pd.DataFrame, measure: str) -> pd.Series:
    """1 = the highest value of ``measure``; NaN rows get no rank."""
    return table[measure].rank(ascending=False, method="min").astype("Int64")


def _partition_frame(data: Data, periods=None, regions=None) -> pd.DataFrame:
    c = data.cells[data.cells["industry"].isin(data.partition)]
    c = c[c["region"].isin(data.regions if regions is None else regions)]
    if periods is not None:
        c = c[c["period"].isin(periods)]
    return c[["period", "region", "industry", "value"]]


def concentration(data: Data, periods=None, regions=None) -> pd.DataFrame:
    """``metrics.specialization`` over the system's partition (NACE groups, private NAICS
    sectors, or industrial sections) against the benchmark: one row per period and region,
    with ``excluded`` = suppressed cells left out. Where a quarter or more of the partition is
    suppressed the measures are NaN: they would describe a different economy."""
    c = _partition_frame(data, periods, regions)
    ref = data.bench.rename(columns={"bench_share": "value"})
    ref = ref[ref["industry"].isin(data.partition)].dropna()
    if periods is not None:
        ref = ref[ref["period"].isin(periods)]
    spec = metrics.specialization(c, ref)
    excl = c.assign(x=c["value"].isna()).groupby(["period", "region"])["x"].sum()
    out = spec.merge(excl.rename("excluded").reset_index(), on=["period", "region"], how="left")
    out.loc[out["excluded"] >= len(data.partition) / 4, ["hhi", "krugman", "hoover",
                                                        "entropy"]] = float("nan")  # fmt: skip
    return out


def mix(data: Data, region: str, period: str) -> pd.DataFrame:
    """The region's industry mix: each partition industry's ``value``, ``share`` of the total
    (%), the benchmark's share (%) and the ``lq``, from ``metrics.location_quotients`` of the
    partition plus "other" (the total minus the industries listed: public sector, no response,
    suppressed cells) against the benchmark's shares (plus its own "other"). Where the published
    industries add up to more than the published total (rounding), shares are of their sum."""
    tot = data.totals[(data.totals["period"] == period) & (data.totals["region"] == region)]
    total = float(tot["total"].iloc[0]) if len(tot) else float("nan")
    c = data.cells[(data.cells["period"] == period) & (data.cells["region"] == region)
                   & data.cells["industry"].isin(data.partition)]  # fmt: skip
    d = pd.DataFrame({"industry": list(data.partition)}).merge(
        c[["industry", "value"]], on="industry", how="left")  # fmt: skip
    suppressed = d["industry"].isin(c.loc[c["value"].isna(), "industry"])
    d.loc[~suppressed, "value"] = d.loc[~suppressed, "value"].fillna(0.0)  # absent = none
    other = max(total - d["value"].sum(), 0.0)
    frame = pd.concat([d, pd.DataFrame({"industry": [REST], "value": [other]})])
    b = data.bench[data.bench["period"] == period].set_index("industry")["bench_share"]
    b = b.reindex(list(data.partition))
    ref = pd.DataFrame({"industry": [*b.index, REST],
                        "value": [*b.to_numpy(), max(1 - b.sum(), 0.0)]}).dropna()  # fmt: skip
    lq = metrics.location_quotients(frame.assign(region=region), ref).set_index("industry")
    out = d.assign(share=lq["share"].reindex(d["industry"]).to_numpy() * 100,
                   bench_share=b.reindex(d["industry"]).to_numpy() * 100,
                   lq=lq["lq"].reindex(d["industry"]).to_numpy())  # fmt: skip
    out["label"] = out["industry"].map(data.label)
    out["status"] = ["suppressed" if s else "ok" for s in suppressed]
    if total != total:  # NaN: a section is suppressed, so no share is known
        out[["share", "lq"]] = float("nan")
        out.loc[~suppressed, "status"] = "total unknown"
    return out[["industry", "label", "value", "share", "bench_share", "lq", "status"]]


def national_reference(data: Data, region: str) -> str:
    """The economy a region's shift-share is measured against (its country, state or RUS)."""
    key = data.system.key
    if key == "nuts2":
        return region[:2]
    if key == "us_county":
        return region[:2] + "000"
    if key in ("ru_subject", "ru_employment"):
        return "RUS"
    raise ValueError("shift-share needs national totals, which the store does not hold for "
                     "US states")  # fmt: skip


def shift_share(data: Data, region: str, base: str, final: str) -> metrics.ShiftShare:
    """``metrics.shift_share`` of the region's partition between two periods against its
    national reference (country / state / Russian Federation). Industries suppressed in
    either period are left out (counted in ``attrs["excluded_cells"]``)."""
    if base == final:
        raise ValueError("choose two different periods")
    if data.system.key == "ru_subject" and (int(base) <= 2016) != (int(final) <= 2016):
        raise ValueError("Rosstat's sections changed at the OKVED break (2016 -> 2017): choose "
                         "two years on the same side of it")  # fmt: skip
    ref = national_reference(data, region)
    c = data.cells[data.cells["industry"].isin(data.partition) & data.cells["period"].isin(
        [base, final])]  # fmt: skip

    def wide(code: str) -> pd.DataFrame:
        w = c[c["region"] == code].pivot_table(index="industry", columns="period",
                                               values="value", dropna=False)  # fmt: skip
        return w.reindex(columns=[base, final]).set_axis(["base", "final"], axis=1)

    reg, nat = wide(region), wide(ref)
    if reg.empty:
        raise ValueError(f"no data for {region} in {base} and {final}")
    if nat.dropna().empty:
        raise ValueError(f"no national reference data ({ref}) for {base} and {final}")
    nat = nat.dropna()
    nat = nat[nat["base"] > 0]
    reg = reg[reg.index.isin(nat.index)]
    regional = reg.reset_index().assign(region=region)
    return metrics.shift_share(regional, nat.reset_index())


def polygon_region(system: str, codes) -> Callable[[str], str]:
    """Map a polygon id of the system's layer to the region code it draws: a county polygon to
    its state (``us_state``); a NUTS 2021 polygon to the older code in ``codes`` it stands for
    when the polygon's own code has no data (FRF2 draws FR21 Champagne-Ardenne)."""
    if system == "us_state":
        return lambda fid: fid[:2] + "000"
    if system != "nuts2":
        return lambda fid: fid
    codes = set(codes)
    inv = {p: c for c, ps in drawn_as().items() if c in codes for p in ps}
    return lambda fid: fid if fid in codes else inv.get(fid, fid)


def _series(frame: pd.DataFrame, label: str, unit: str, who: list[str]) -> pd.DataFrame:
    f = frame[frame["geo"].isin(who)]
    return pd.DataFrame({"indicator": label, "unit": unit, "geo": f["geo"],
                         "period": f["period"].astype(str), "value": f["value"]})  # fmt: skip


def social(system: str, region: str) -> pd.DataFrame:
    """Social indicators of a region beside its reference economy, long: indicator, unit,
    geo (the region's or the reference's code), period, value. Empty where the store has none.

    nuts2: GDP per head (EUR; PPS, % of the EU average) and disposable household income per
    head (EUR), against the country. US: average weekly wage = quarterly wages / employment / 13
    (all ownerships, all industries), a county against its state. Russia: average monthly
    wage, unemployment rate, and budget and social-support spending per head (RUB per person
    = mln RUB / thousand persons x 1000), against the Russian Federation.
    """
    parts = []
    try:
        if system == "nuts2":
            who = [region, region[:2]]
            gdp = store.read("eurostat_nuts_gdp")
            parts.append(_series(gdp[gdp["unit_code"] == "EUR_HAB"], "GDP per head", "EUR", who))
            parts.append(_series(gdp[gdp["unit_code"] == "PPS_HAB_EU"], "GDP per head in PPS",
                                 "% of EU average", who))  # fmt: skip
            inc = store.read("eurostat_nuts_income", indicator="B6N", unit_code="EUR_HAB")
            parts.append(_series(inc, "Disposable household income per head", "EUR", who))
        elif system in ("us_county", "us_state"):
            who = [region] + ([region[:2] + "000"] if system == "us_county" else [])
            q = store.read("qcew", ownership="0", industry="10")
            q = q[q["geo"].isin(who)]
            w = q.pivot_table(index=["geo", "period"], columns="indicator", values="value")
            w = w.reset_index()
            w["value"] = w["wages"] / w["employment"] / 13
            parts.append(_series(w[w["period"].str.contains("Q")], "Average weekly wage", "US$",
                                 who))  # fmt: skip
        elif system in ("ru_subject", "ru_employment"):
            who = [region, "RUS"]
            r = store.read("rosstat_regions", territory="total")
            r = r[r["geo"].isin(who)]
            pop = r[r["indicator"] == "population"].set_index(["geo", "year"])["value"]
            for ind, label, unit in [
                ("wage_avg_monthly", "Average monthly wage", "RUB"),
                ("unemployment_rate", "Unemployment rate (ILO)", "%"),
            ]:
                parts.append(_series(r[r["indicator"] == ind], label, unit, who))
            for ind, label in [
                ("budget_expenditure", "Consolidated budget spending per head"),
                ("social_support_expenditure", "Social support spending per head"),
            ]:
                f = r[r["indicator"] == ind].set_index(["geo", "year"])
                per_head = (f["value"] / pop.reindex(f.index) * 1000).rename("value")
                f = f.assign(value=per_head).reset_index()
                parts.append(_series(f, label, "RUB per person", who))
    except store.StoreMissing:
        pass
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=["indicator", "unit", "geo", "period", "value"])
    return pd.concat(parts, ignore_index=True).dropna(subset=["value"])
