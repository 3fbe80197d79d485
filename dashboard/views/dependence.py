"""Industrial dependence: which regions depend most on one industry (share, LQ, level), and
how concentrated or specialised each region's economy is."""

import pandas as pd
import streamlit as st

from dashboard import chart_specs, charts, dependence, geo, maps
from dashboard.catalog import origin
from dashboard.views import common, url_state

ui = url_state.Scope("dep")
SPEC = {
    "hhi": ("Herfindahl index (HHI)", "sum of squared industry shares; 1 = one industry"),
    "krugman": ("Krugman specialization index", "sum of |regional - benchmark share|, 0..2"),
    "entropy": ("Shannon entropy", "-sum s ln s; higher = more diversified"),
}


@st.cache_resource(show_spinner=False, max_entries=32)
def map_chart(version, system, industry, measure, period) -> charts.Chart:
    data = common.system_data(version, system)
    names = common.region_names(version)
    return chart_specs.dependence_map_chart(data, industry, measure, period, names)


@st.cache_resource(show_spinner=False, max_entries=32)
def spec_map(version, system, metric, period) -> charts.Chart:
    data = common.system_data(version, system)
    conc = dependence.concentration(data, [period])
    sysm = data.system
    codes = conc.dropna(subset=[metric])["region"].tolist()
    return maps.region_map(
        conc.set_index("region")[metric], sysm.layer, level=sysm.layer_level,
        title=f"{SPEC[metric][0]}, {sysm.label}", subtitle=f"{SPEC[metric][1]}; {period}",
        source=common.source_line(sysm.dataset, geo.LAYERS[sysm.layer].credit), unit="",
        names=common.region_names(version), region_of=dependence.polygon_region(system, codes),
        colorscale="Blues",
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------

st.title("Industrial dependence")
st.markdown(
    "How dependent is a region on one industry? Choose a set of regions, an industry (or a "
    "group such as defense-related manufacturing) and a measure. The location quotient compares "
    "the industry's share in the region with its share in the benchmark economy."
)

version = common.store_version()
names = common.region_names(version)
c1, c2, c3, c4 = st.columns([2, 3, 2, 1.3])
with c1:
    data = common.choose_system(ui)
sysm, system = data.system, data.system.key
options = common.industry_options(data)
if not data.regions or not options:
    st.info(f"The store has no {sysm.label.lower()} with industry data: run `labordash pull`.")
    st.stop()
default_industry = common.DEFAULT_INDUSTRY[system]
with c2:
    industry = ui.selectbox(
        "Industry", options, default_industry if default_industry in options else options[0],
        key="industry", format_func=data.label,
    )  # fmt: skip
with c3:
    measure = ui.selectbox(
        "Measure", list(dependence.MEASURES), "lq", key="measure",
        format_func=lambda m: dependence.measure_title(m, sysm)[0]
        + (f" ({sysm.unit})" if m == "value" else ""),
    )  # fmt: skip
with c4:
    period = ui.selectbox("Period", list(data.periods), common.default_period(data), key="period")

table = dependence.dependence(data, industry, period)
view = {"system": system, "industry": industry, "measure": measure, "period": period}
table.insert(1, "name", table["region"].map(lambda c: names.get(c, c)))
title, unit = dependence.measure_title(measure, sysm)

# what the data cannot say, next to the charts
notes = list(sysm.notes)
members = data.members(industry)
b, unknown = dependence.benchmark_share(data, industry, period)
n_supp = int((table["status"] == "suppressed").sum())
n_total = int(table["status"].str.startswith("total unknown").sum())
n_part = int(table["status"].str.startswith("partly").sum())
if n_supp or n_part:
    notes.append(
        f"In {period}, {n_supp} region(s) have this industry entirely suppressed (grey on the "
        f"map, left out of the ranking) and {n_part} partly suppressed (their value is a lower "
        "bound)."
    )
if n_total:
    notes.append(
        f"{n_total} region(s) have another section suppressed, so their total and shares are "
        "unknown (grey on the map)."
    )
if unknown and measure == "lq":
    notes.append(
        f"The benchmark share is unknown for {unknown} of the {len(members)} codes (suppressed "
        "in every region loaded), so the benchmark is too small and the LQs too high where "
        "a region has employment in those codes."
    )
if b != b:
    notes.append("No benchmark share for this industry in this period: LQs cannot be computed.")
missing = sorted(set(data.periods) - set(data.totals.loc[
    data.totals["region"].isin(data.regions), "period"]))  # fmt: skip
if missing:
    notes.append(f"No data for {', '.join(missing)}.")
with st.container(border=True):
    st.markdown("**What the data cannot say**\n\n" + "\n".join(f"- {n}" for n in notes))
if len(members) > 1:
    with st.expander(f"The {len(members)} codes in {data.label(industry)}"):
        g = data.cells[(data.cells["period"] == period) & data.cells["industry"].isin(members)]
        per = (
            g.assign(s=g["value"].isna())
            .groupby("industry")
            .agg(regions=("s", "size"), suppressed=("s", "sum"), total=("value", "sum"))
        )
        codes = pd.DataFrame({"code": members, "title": [data.label(m) for m in members]})
        st.dataframe(codes.merge(per.reset_index(), left_on="code", right_on="industry",
                                 how="left").drop(columns="industry"),
                     hide_index=True, width="stretch")  # fmt: skip
        group = common.group_note(industry)
        if group:
            st.caption(group)

if table[measure].notna().sum() == 0:
    st.info("No region has a value for this selection: choose another period or industry.")
    st.stop()

try:
    mp = map_chart(version, system, industry, measure, period)
except geo.GeometryMissing as exc:
    st.warning(f"The map cannot be drawn: {exc}")
else:
    st.plotly_chart(mp.figure, width="stretch", key="map")
    st.caption(f"{mp.alt} {title}: {dependence.DEFINITIONS[measure]}.")
    common.export_buttons(mp, f"map_{system}_{industry}_{measure}_{period}", [sysm.dataset],
                          view, key="x_map")  # fmt: skip

ref = {"lq": (1.0, "benchmark = 1"), "share": (b * 100, sysm.benchmark)}.get(measure)
bars = charts.ranked_bars(
    table.assign(label=table["name"]), label="label", value=measure,
    title=f"Most dependent regions: {data.label(industry)}",
    subtitle=f"{title}, {unit}; {sysm.label}, {period}", x_title=f"{title} ({unit})",
    source=common.source_line(sysm.dataset), reference=ref[0] if ref else None,
    reference_label=ref[1] if ref else "",
    value_format=",.0f" if measure == "value" and sysm.unit == "persons" else ".2f",
)  # fmt: skip
st.plotly_chart(bars.figure, width="stretch", key="bars")
st.caption(bars.alt)
common.export_buttons(bars, f"ranking_{system}_{industry}_{measure}_{period}", [sysm.dataset],
                      view, key="x_bars")  # fmt: skip

shown = table.assign(rank=dependence.rank(table, measure)).sort_values(["rank", "region"])
st.dataframe(
    shown, hide_index=True, width="stretch", key="table",
    column_config={
        "value": st.column_config.NumberColumn(f"{sysm.what} ({sysm.unit})", format="%.1f"),
        "total": st.column_config.NumberColumn(f"total ({sysm.unit})", format="%.1f"),
        "share": st.column_config.NumberColumn("share (%)", format="%.3f"),
        "lq": st.column_config.NumberColumn("LQ", format="%.2f"),
    },
)  # fmt: skip
common.download(shown, f"dependence_{system}_{industry}_{period}", key="dl_table")

st.header("Concentration and specialization")
st.markdown(
    "How concentrated is each region's economy across "
    + {"nuts2": "the 10 NACE groups", "us_county": "the private NAICS sectors",
       "us_state": "the private NAICS sectors",
       "ru_subject": "the industrial sections (shipments)",
       "ru_employment": "the 14 OKVED2 aggregates of employment"}[system]
    + f", and how different from the {sysm.benchmark}?"
)  # fmt: skip
conc = dependence.concentration(data, [period])
conc.insert(2, "name", conc["region"].map(lambda c: names.get(c, c)))
metric = ui.selectbox("Map", list(SPEC), "krugman", key="spec",
                      format_func=lambda k: SPEC[k][0])  # fmt: skip
try:
    sm = spec_map(version, system, metric, period)
except geo.GeometryMissing as exc:
    st.warning(f"The map cannot be drawn: {exc}")
else:
    st.plotly_chart(sm.figure, width="stretch", key="spec_map")
    st.caption(sm.alt)
    common.export_buttons(sm, f"specialization_{system}_{metric}_{period}", [sysm.dataset],
                          {**view, "map": metric}, key="x_spec")  # fmt: skip
st.dataframe(conc.drop(columns="period").sort_values(metric, ascending=metric == "entropy"),
             hide_index=True, width="stretch", key="spec_table")  # fmt: skip
if conc["excluded"].sum():
    st.caption(
        f"{int(conc['excluded'].sum())} suppressed cells were left out; the measures use the "
        "disclosed industries only."
    )
st.caption(
    f"Source: {origin(sysm.dataset).source_line(None).removeprefix('Source: ')}. Formulas on "
    "the Methods section of the README and in `dashboard.metrics`."
)
