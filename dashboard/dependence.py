"""Measures that work on any region system (pure pandas; no Streamlit): a region's dependence
on one industry or group (share, LQ, level), its industry mix, the concentration and
specialization of its economy, a shift-share between two periods, and ranks.

What differs between systems (dataset, benchmark, reference economy, map polygons, breaks,
social indicators) lives with the system in ``dashboard.systems``. Every measure goes through
``dashboard.metrics``: a single industry (or group) is scored as a two-industry economy, the
industry and the rest of the region's total, so share and LQ are exactly
``metrics.location_quotients`` of that frame.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from dashboard import metrics, systems
from dashboard.systems import SYSTEMS, Data, System

__all__ = ["SYSTEMS", "Data", "System"]  # re-exported: the systems' home is dashboard.systems

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


REST = "__rest_of_total__"  # the residual industry in mix(); never a published code


def _system(system: System | str) -> System:
    return system if isinstance(system, System) else systems.get(system)


def load(system: System | str) -> Data:
    """All cells of a region system (raises ``store.StoreMissing`` before a pull)."""
    return _system(system).load()


def _selected(data: Data, industry: str, period: str) -> pd.DataFrame:
    """Per region of the system: the industry's (or group's) value summed over its disclosed
    members, how many members are suppressed, and the region's total."""
    members = data.members(industry)
    tot = data.totals[(data.totals["period"] == period) & data.totals["region"].isin(data.regions)]
    c = data.cells[(data.cells["period"] == period) & data.cells["industry"].isin(members)]
    c = c.assign(suppressed=c["value"].isna())
    agg = c.groupby("region").agg(
        value=("value", "sum"),
        n_suppressed=("suppressed", "sum"),
        n_reported=("suppressed", "size"),
    )
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
    frame = pd.concat(
        [
            pd.DataFrame(
                {
                    "region": sel["region"],
                    "industry": "selected",
                    "value": sel["value"].where(sel["total"].notna()),
                }
            ),
            pd.DataFrame(
                {
                    "region": sel["region"],
                    "industry": "rest",
                    "value": rest.where(sel["value"].notna()),
                }
            ),
        ],
        ignore_index=True,
    )
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
    out.loc[out["excluded"] >= len(data.partition) / 4, ["hhi", "krugman", "hoover", "entropy"]] = (
        float("nan")
    )
    return out


def mix(data: Data, region: str, period: str) -> pd.DataFrame:
    """The region's industry mix: each partition industry's ``value``, ``share`` of the total
    (%), the benchmark's share (%) and the ``lq``, from ``metrics.location_quotients`` of the
    partition plus "other" (the total minus the industries listed: public sector, no response,
    suppressed cells) against the benchmark's shares (plus its own "other"). Where the published
    industries add up to more than the published total (rounding), shares are of their sum."""
    tot = data.totals[(data.totals["period"] == period) & (data.totals["region"] == region)]
    total = float(tot["total"].iloc[0]) if len(tot) else float("nan")
    c = data.cells[
        (data.cells["period"] == period)
        & (data.cells["region"] == region)
        & data.cells["industry"].isin(data.partition)
    ]
    d = pd.DataFrame({"industry": list(data.partition)}).merge(
        c[["industry", "value"]], on="industry", how="left"
    )
    suppressed = d["industry"].isin(c.loc[c["value"].isna(), "industry"])
    d.loc[~suppressed, "value"] = d.loc[~suppressed, "value"].fillna(0.0)  # absent = none
    other = max(total - d["value"].sum(), 0.0)
    frame = pd.concat([d, pd.DataFrame({"industry": [REST], "value": [other]})])
    b = data.bench[data.bench["period"] == period].set_index("industry")["bench_share"]
    b = b.reindex(list(data.partition))
    ref = pd.DataFrame(
        {"industry": [*b.index, REST], "value": [*b.to_numpy(), max(1 - b.sum(), 0.0)]}
    ).dropna()
    lq = metrics.location_quotients(frame.assign(region=region), ref).set_index("industry")
    out = d.assign(
        share=lq["share"].reindex(d["industry"]).to_numpy() * 100,
        bench_share=b.reindex(d["industry"]).to_numpy() * 100,
        lq=lq["lq"].reindex(d["industry"]).to_numpy(),
    )
    out["label"] = out["industry"].map(data.label)
    out["status"] = ["suppressed" if s else "ok" for s in suppressed]
    if total != total:  # NaN: a section is suppressed, so no share is known
        out[["share", "lq"]] = float("nan")
        out.loc[~suppressed, "status"] = "total unknown"
    return out[["industry", "label", "value", "share", "bench_share", "lq", "status"]]


def national_reference(data: Data, region: str) -> str:
    """The economy a region's shift-share is measured against (its country, state or RUS)."""
    return data.system.national_reference(region)


def share_change(data: Data, region: str, base: str, final: str) -> pd.DataFrame:
    """Each industry's share (%) of the region's and of its reference economy's partition in
    two periods and the change in percentage points: a comparison that does not depend on the
    price level (use it where levels are nominal money). Suppressed cells give NaN."""
    ref = national_reference(data, region)
    c = data.cells[
        data.cells["industry"].isin(data.partition)
        & data.cells["period"].isin([base, final])
        & data.cells["region"].isin([region, ref])
    ]
    w = c.pivot_table(index="industry", columns=["region", "period"], values="value", dropna=False)
    out = pd.DataFrame(index=pd.Index(data.partition, name="industry"))
    for code, who in ((region, "region"), (ref, "reference")):
        for per, when in ((base, "base"), (final, "final")):
            col = w.get((code, per), pd.Series(dtype=float)).reindex(out.index)
            out[f"{who}_share_{when}"] = (
                col / col.sum(min_count=1) * 100 if col.notna().all() else col * float("nan")
            )
        out[f"{who}_change_pp"] = out[f"{who}_share_final"] - out[f"{who}_share_base"]
    return out.reset_index().assign(label=lambda d: d["industry"].map(data.label))


def shift_share(data: Data, region: str, base: str, final: str) -> metrics.ShiftShare:
    """``metrics.shift_share`` of the region's partition between two periods against its
    national reference (country / state / Russian Federation). Industries suppressed in
    either period are left out (counted in ``attrs["excluded_cells"]``)."""
    if base == final:
        raise ValueError("choose two different periods")
    why = data.system.comparable(base, final)
    if why:
        raise ValueError(why)
    ref = national_reference(data, region)
    c = data.cells[
        data.cells["industry"].isin(data.partition) & data.cells["period"].isin([base, final])
    ]

    def wide(code: str) -> pd.DataFrame:
        w = c[c["region"] == code].pivot_table(
            index="industry", columns="period", values="value", dropna=False
        )
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


def polygon_region(system: System | str, codes) -> Callable[[str], str]:
    """Map a polygon id of the system's layer to the region code it draws
    (``System.polygon_region``)."""
    return _system(system).polygon_region(codes)


def social(system: System | str, region: str) -> pd.DataFrame:
    """Social indicators of a region beside its reference economy (``System.social``)."""
    return _system(system).social(region)
