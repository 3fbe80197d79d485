"""US counties and states: BLS QCEW employment by NAICS industry.

Employment in persons (a quarter is the mean of its three months) of private industries
(ownership 5) over total covered employment (all ownerships, NAICS 10), as BLS computes its
own location quotients. Benchmark = US shares backed out of BLS's published LQs:
b_i = median over regions of s_ri / LQ_ri (the store has no US totals). Counties carry their
states' cells too, as the reference of their shift-share.
"""

from __future__ import annotations

import pandas as pd

from dashboard import store
from dashboard.catalog import industry_groups
from dashboard.systems.base import Data, System, series


def _state_of(code: str) -> str:
    return code[:2] + "000"


def load(system: System) -> Data:
    q = store.read(system.dataset)
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
    regions = tuple(sorted(q.loc[q["geo_level"] == system.geo_level, "region"].unique()))
    periods = tuple(sorted(tot.loc[tot["region"].isin(regions), "period"].unique()))
    return Data(
        system,
        cells.reset_index(drop=True),
        tot.reset_index(drop=True),
        bench,
        tuple(sorted(sectors)),
        labels,
        regions,
        periods,
        groups,
    )


def social(system: System, region: str) -> pd.DataFrame:
    """Average weekly wage = quarterly wages / employment / 13 (all ownerships, all
    industries); a county against its state."""
    who = [region] + ([_state_of(region)] if system.reference_of else [])
    q = store.read(system.dataset, ownership="0", industry="10")
    q = q[q["geo"].isin(who)]
    w = q.pivot_table(index=["geo", "period"], columns="indicator", values="value")
    w = w.reset_index()
    w["value"] = w["wages"] / w["employment"] / 13
    return series(w[w["period"].str.contains("Q")], "Average weekly wage", "US$", who)


def _state_polygons(system: System, codes: frozenset[str]):
    return lambda fid: _state_of(fid)


_FULLER = "run `labordash pull qcew` with internet for all (see docs/data.md)"
_COMMON = dict(
    datasets=("qcew",),
    layer="us_counties",
    unit="persons",
    what="employment",
    benchmark="United States",
    partition_wording="the private NAICS sectors",
    loader=load,
    social_of=social,
    social_datasets=("qcew",),
)

US_COUNTY = System(
    key="us_county",
    label="US counties",
    default_industry="defense_related",
    default_region="09011",
    geo_level="us_county",
    reference_of=_state_of,
    **_COMMON,
    universe=3143,
    universe_noun="counties (50 states and DC)",
    fuller=_FULLER,
    notes=(
        "BLS QCEW: private-sector employment over total covered employment; cells BLS does "
        "not disclose are suppressed, never zero.",
    ),
)

US_STATE = System(
    key="us_state",
    label="US states",
    default_industry="31-33",
    default_region="51000",
    geo_level="us_state",
    no_reference="shift-share needs national totals, which the store does not hold for US states",
    polygon_of=_state_polygons,
    **_COMMON,
    universe=51,
    universe_noun="states (with DC)",
    fuller=_FULLER,
    notes=("BLS QCEW state files; a state is drawn with its counties' polygons.",),
)

SYSTEMS = (US_COUNTY, US_STATE)
