"""Region profile: one region's industry mix against the benchmark, its specialization over
time, a shift-share decomposition between two periods, and its social indicators."""

import pandas as pd
import streamlit as st

from dashboard import charts, dependence
from dashboard.views import common, url_state

ui = url_state.Scope("profile")
DEFAULT_REGION = {"nuts2": "DE11", "us_county": "09011", "us_state": "51000",
                  "ru_subject": "RU-UD", "ru_employment": "RU-UD"}  # fmt: skip
COMPONENTS = {
    "national_share": "National growth",
    "industry_mix": "Industry mix",
    "competitive": "Competitive effect",
    "allocation": "Allocation effect",
}

st.title("Region profile")
st.markdown(
    "One region's economy: its industry mix against the benchmark, how specialised it is over "
    "time, where its growth came from (shift-share), and how it fares on wages, income and "
    "budgets."
)

version = common.store_version()
c1, c2, c3 = st.columns([2, 3, 1])
with c1:
    data = common.choose_system(ui)
sysm, system = data.system, data.system.key
names = common.region_names(version)


def region_label(code: str) -> str:
    return f"{names.get(code, code)} ({code})"


if not data.regions:
    st.info(f"The store has no {sysm.label.lower()}: run `labordash pull`.")
    st.stop()
default_region = DEFAULT_REGION[system]
with c2:
    region = ui.selectbox(
        "Region", list(data.regions),
        default_region if default_region in data.regions else data.regions[0], key="region",
        format_func=region_label,
    )  # fmt: skip
have = data.totals.loc[data.totals["region"] == region, "period"].tolist()
periods = [p for p in data.periods if p in have] or list(data.periods)
with c3:
    default = common.default_period(data)
    period = ui.selectbox("Period", periods, default if default in periods else periods[-1],
                          key="period")  # fmt: skip
name = names.get(region, region)
src = common.source_line(sysm.dataset)

st.header(f"Industry mix of {name}, {period}")
mix = dependence.mix(data, region, period)
mc = charts.mix_bars(
    mix, title=f"Industry mix of {name} against the {sysm.benchmark}",
    subtitle=f"% of the region's total {sysm.what}; {period}; black ticks: {sysm.benchmark}",
    source=src, benchmark=sysm.benchmark, region=name,
)  # fmt: skip
st.plotly_chart(mc.figure, width="stretch", key="mix")
st.caption(mc.alt)
view = {"system": system, "region": region, "period": period}
common.export_buttons(mc, f"mix_{region}_{period}", [sysm.dataset], view, key="x_mix")
st.dataframe(
    mix, hide_index=True, width="stretch", key="mix_table",
    column_config={"share": st.column_config.NumberColumn("share (%)", format="%.2f"),
                   "bench_share": st.column_config.NumberColumn(f"{sysm.benchmark} (%)",
                                                                format="%.2f"),
                   "lq": st.column_config.NumberColumn("LQ", format="%.2f")},
)  # fmt: skip
if (mix["status"] != "ok").any():
    st.caption("Suppressed industries have no share; the bars show the disclosed ones only.")
common.download(mix, f"mix_{region}_{period}", key="dl_mix")

st.header("Specialization over time")
conc = dependence.concentration(data, regions=[region]).sort_values("period")
if len(conc) >= 1:
    sc = charts.stacked_series(
        conc.assign(geo=region, year=conc["period"]),
        [("hhi", "Herfindahl index (1 = one industry)", "0..1"),
         ("krugman", f"Krugman index against the {sysm.benchmark} (0 = same mix)", "0..2")],
        names={region: name}, title=f"How specialised is {name}?",
        subtitle=f"Over the {len(data.partition)} industries of the partition; "
        f"{conc['period'].iloc[0]}-{conc['period'].iloc[-1]}", source=src,
    )  # fmt: skip
    st.plotly_chart(sc.figure, width="stretch", key="spec")
    st.caption(sc.alt)
    common.export_buttons(sc, f"specialization_{region}", [sysm.dataset], view, key="x_spec")
if system == "ru_subject":
    st.caption("The OKVED break between 2016 and 2017 changes the sections: read the two "
               "sides of it as separate series.")  # fmt: skip

st.header("Where did the change come from? Shift-share")
s1, s2 = st.columns(2)
default_base = {"ru_subject": "2017"}.get(system, periods[0])
with s1:
    base = ui.selectbox("From", periods, default_base if default_base in periods else periods[0],
                        key="base")  # fmt: skip
with s2:
    final = ui.selectbox("To", periods, periods[-1], key="final")
try:
    ss = dependence.shift_share(data, region, base, final)
    ref = dependence.national_reference(data, region)
except ValueError as exc:
    st.info(f"No shift-share for this choice: {exc}.")
else:
    row = ss.by_region.iloc[0]
    wf = charts.waterfall(
        pd.Series({v: row[k] for k, v in COMPONENTS.items()}), base=row["base"],
        final=row["final"], title=f"{name}: change in {sysm.what}, {base} to {final}",
        subtitle=f"{sysm.unit}; against {names.get(ref, ref)}; Dunn shift-share with the "
        "Esteban-Marquillas split of the regional shift", source=src, unit=sysm.unit,
        labels=(base, final),
    )  # fmt: skip
    st.plotly_chart(wf.figure, width="stretch", key="waterfall")
    st.caption(wf.alt)
    common.export_buttons(wf, f"shift_share_{region}_{base}_{final}", [sysm.dataset],
                          {**view, "base": base, "final": final}, key="x_wf")  # fmt: skip
    st.markdown(
        f"**Reading it:** had every industry in {name} grown at the reference economy's overall "
        f"rate, it would have changed by {row['national_share']:+,.1f}; its mix of industries "
        f"adds {row['industry_mix']:+,.1f}; the rest ({row['regional_shift']:+,.1f}) is the "
        "regional shift: industries growing faster or slower here than in the reference "
        "(competitive) and the region being specialised in them (allocation)."
    )
    by_ind = ss.by_industry.assign(label=ss.by_industry["industry"].map(data.label))
    st.dataframe(by_ind.drop(columns=["region"]), hide_index=True, width="stretch",
                 key="ss_table")  # fmt: skip
    if ss.by_industry.attrs.get("excluded_cells"):
        st.caption(f"{ss.by_industry.attrs['excluded_cells']} suppressed cells left out.")

st.header("Social indicators")
soc = dependence.social(system, region)
if soc.empty:
    st.info("The store has no social indicators for this region.")
else:
    soc = soc.sort_values("period")
    wide = soc.pivot_table(index=["geo", "period"], columns="indicator", values="value")
    wide = wide.reset_index().rename(columns={"period": "year"})
    units = soc.drop_duplicates("indicator").set_index("indicator")["unit"]
    others = [names.get(g, g) for g in wide["geo"].unique() if g != region]
    social_ds = {"nuts2": "eurostat_nuts_gdp", "us_county": "qcew",
                 "us_state": "qcew"}.get(system, "rosstat_regions")  # fmt: skip
    ch = charts.stacked_series(
        wide, [(k, k, units[k]) for k in units.index], names=names,
        title=f"{name}: social indicators",
        subtitle=f"{soc['period'].min()}-{soc['period'].max()}"
        + (f"; against {', '.join(others)}" if others else ""),
        source=common.source_line(social_ds),
    )  # fmt: skip
    st.plotly_chart(ch.figure, width="stretch", key="social")
    common.export_buttons(ch, f"social_{region}", [social_ds], view, key="x_social")
    st.caption(ch.alt)
