"""Russia's regions: the arms-producing regions against the rest, on manufacturing dependence,
wages, unemployment, budgets by function and single-industry towns."""

import plotly.graph_objects as go
import streamlit as st

from dashboard import analysis, charts, dependence, geo, maps, reference, russia, store
from dashboard.catalog import origin
from dashboard.views import common, url_state

ui = url_state.Scope("ru")
MAPS = {
    "mfg_gva": "Manufacturing, % of gross value added (2022)",
    "mfg_lq": "Manufacturing employment, location quotient (2023)",
    "monotowns": "Single-industry towns (order 1398-r)",
    "social": "Social-policy spending per head (2021)",
}
MAP_DATASETS = {
    "mfg_gva": ["rosstat_grp_structure"],
    "mfg_lq": ["rosstat_employment_structure"],
    "monotowns": ["monotowns"],
    "social": ["roskazna_budget", "rosstat_regions"],
}
SIDE_LEGEND = {"orientation": "v", "x": 1.02, "y": 1, "xanchor": "left", "yanchor": "top"}
CAVEATS = """
**What these numbers cannot say**
- **Method changes**: industrial shipments switch from OKVED (manufacturing = D) to OKVED2
  (C) in 2017, and GRP structure in 2016; the two sides of a break are different series.
- **Crimea and Sevastopol** are in Rosstat's and the Treasury's tables under their ISO codes
  (UA-43, UA-40), but not on the map layer; the **four regions annexed in 2022** are in none
  of these sources.
- **Secondary compilations**: the GRP and employment structures come from a researcher's
  copies of Rosstat data (the employment structure's year is inferred as 2023); the list of
  single-industry towns is a secondary CSV of order 1398-r whose amendment is not stated.
- **No employment by industry** in Rosstat's regional yearbook: the Industrial dependence page
  uses shipments as an output proxy; the employment LQ here uses the compiled structure.
- **Budgets**: the Treasury's consolidated budget of the subject, executed, without the
  territorial health-insurance fund (so health spending looks small); 2021 is the monthly
  report on 1 January 2022. Per head uses Rosstat's population of the same year.
"""


@st.cache_resource(show_spinner=False, max_entries=2)
def names_ru(version: str) -> dict[str, str]:
    r = reference.regions()
    return dict(zip(r["code"], r["name_ru"].fillna(""), strict=True))


@st.cache_resource(show_spinner=False, max_entries=16)
def map_chart(version: str, which: str) -> charts.Chart:
    names = common.region_names(version)
    credit = geo.LAYERS["ru_subjects"].credit
    if which == "mfg_gva":
        vals, unit, src = russia.manufacturing_gva(2022), "% of GVA", "rosstat_grp_structure"
        hover = {}
    elif which == "mfg_lq":
        data = common.system_data(version, "ru_employment")
        t = dependence.dependence(data, "C", data.periods[-1]).set_index("region")
        vals, unit, src = t["lq"], "LQ", "rosstat_employment_structure"
        hover = {k: f"{v:.1f}% of employment" for k, v in t["share"].items()}
    elif which == "monotowns":
        m = russia.monotowns()
        subjects = [f["id"] for f in geo.features("ru_subjects")["features"]]
        vals = m["total"].reindex(subjects).fillna(0)
        unit, src = "towns", "monotowns"
        hover = {k: f"category 1: {r.category_1}, 2: {r.category_2}, 3: {r.category_3}"
                 for k, r in m.iterrows()}  # fmt: skip
    else:
        vals, unit, src = russia.social_per_head(2021), "RUB per person", "roskazna_budget"
        hover = {}
    breaks = {"mfg_lq": maps.LQ_BREAKS, "monotowns": [0, 1, 3, 6, 10, 20]}.get(which)
    return maps.region_map(
        vals, "ru_subjects", title=MAPS[which], subtitle=f"{unit}; Russian federal subjects",
        source=common.source_line(src, credit), unit=unit, names=names, hover=hover,
        breaks=breaks, value_format=",.0f" if which in ("social", "monotowns") else ".2f",
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------

st.title("Russia's regions")
st.markdown(
    "Which Russian regions depend most on manufacturing, and how do they fare on wages, "
    "unemployment and budgets? The default selection holds the regions of the big arms "
    "makers: Udmurtia (Izhevsk, Votkinsk), Tula, Vladimir (Kovrov) and Ivanovo, then Perm, "
    "Sverdlovsk, Nizhny Novgorod and Chelyabinsk. Official numbers from Rosstat and the Federal "
    "Treasury; search regions in Russian or English."
)
version = common.store_version()
try:
    subjects = sorted(set(store.read("rosstat_regions", geo_level="ru_subject")["geo"]))
    names = common.region_names(version)
    ru_names = names_ru(version)
except common.MISSING as exc:
    st.error(f"The data for this page is not available: {exc}")
    st.stop()


# built once per selection: rebuilding these figures costs more than the rest of a rerun
@st.cache_resource(show_spinner=False, max_entries=32)
def wages_chart(version: str, chosen: tuple[str, ...]) -> charts.Chart:
    names = common.region_names(version)
    r = store.read("rosstat_regions", territory="total")
    wanted = ["wage_avg_monthly", "unemployment_rate"]
    sel = r[r["geo"].isin([*chosen, "RUS"]) & r["indicator"].isin(wanted)]
    wide = sel.pivot_table(index=["geo", "year"], columns="indicator", values="value").reset_index()
    ws = charts.stacked_series(
        wide, [("wage_avg_monthly", "Average monthly wage", "RUB"),
               ("unemployment_rate", "Unemployment rate (ILO)", "%")],
        names={**names, "RUS": "Russian Federation"}, title="Wages and unemployment",
        subtitle=f"RUB a month (top) and % of the labour force (bottom); {len(chosen)} regions and "
        f"the Russian Federation, {int(wide['year'].min())}-{int(wide['year'].max())}",
        source=common.source_line("rosstat_regions"), summarize_above=13,
    )  # fmt: skip
    ws.figure.update_layout(legend=SIDE_LEGEND, margin={"r": 190})
    ws.figure.update_traces(line={"color": "#666", "dash": "dash", "width": 3},
                            selector={"name": "Russian Federation"})  # fmt: skip
    return ws


@st.cache_resource(show_spinner=False, max_entries=32)
def shipments_chart(version: str, chosen: tuple[str, ...]) -> charts.Chart:
    names = common.region_names(version)
    r = store.read("rosstat_regions", territory="total")
    ship = r[r["geo"].isin(chosen) & (r["indicator"] == "manufacturing_shipments")]
    ts = charts.time_series(
        ship[["geo", "year", "value", "flag"]], names=names, title="Manufacturing shipments",
        subtitle="mln RUB, current prices; OKVED section D to 2016, OKVED2 section C from 2017",
        source=common.source_line("rosstat_regions"), y_title="mln RUB", value_format=",.0f",
    )  # fmt: skip
    ts.figure.add_vline(x=2016.5, line={"dash": "dot", "color": "#555"},
                        annotation_text="OKVED -> OKVED2",
                        annotation_position="top left")  # fmt: skip
    ts.figure.update_layout(legend=SIDE_LEGEND, margin={"r": 190})
    return ts


def both(code: str) -> str:
    return f"{names.get(code, code)} · {ru_names.get(code, '')} ({code})"


chosen = ui.multiselect("Regions", subjects, list(russia.ARMS_REGIONS), key="regions",
                        format_func=both, max_selections=12)  # fmt: skip
if not chosen:
    st.info("Choose at least one region.")
    st.stop()

st.header("Maps")
which = ui.selectbox("Map", list(MAPS), "mfg_lq", key="map", format_func=MAPS.get)
try:
    mp = map_chart(version, which)
except (store.StoreMissing, geo.GeometryMissing) as exc:
    st.warning(f"The map cannot be drawn: {exc}")
else:
    st.plotly_chart(mp.figure, width="stretch", key="map")
    st.caption(mp.alt)
    common.export_buttons(mp, f"russia_map_{which}", MAP_DATASETS[which], {"map": which},
                          key="x_map")  # fmt: skip
if which == "monotowns":
    st.warning(
        "Weak provenance: this list of single-industry towns is a secondary CSV of Government "
        "order 1398-r (312 towns) that does not say which amendment it reflects; the official "
        "list has had about 313-321 entries. Check counts against the official text."
    )

st.header("Wages and unemployment against the Russian average")
ws = wages_chart(version, tuple(chosen))
st.plotly_chart(ws.figure, width="stretch", key="wages")
common.export_buttons(ws, "russia_wages_unemployment", ["rosstat_regions"], {"regions": chosen},
                      key="x_wages")  # fmt: skip
st.caption(ws.alt + " Nominal roubles: wages are not adjusted for prices.")

st.header("Budgets by function, 2019 and 2021")
try:
    bud = russia.budget()
except store.StoreMissing as exc:
    st.warning(f"No Treasury data: {exc}")
else:
    mine = bud[bud["geo"].isin(chosen) & bud["function"].isin(list(russia.FUNCTIONS))]
    fig = go.Figure()
    for i, year in enumerate((2019, 2021)):
        y = mine[(mine["function"] == "10") & (mine["year"] == year)].set_index("geo")
        y = y.reindex(chosen)
        fig.add_trace(go.Bar(x=[names.get(g, g) for g in chosen], y=y["per_head"], name=str(year),
                             marker_color=charts.PALETTE[i],
                             hovertemplate="%{x}: %{y:,.0f} RUB per person<extra>" + str(year)
                             + "</extra>"))  # fmt: skip
    ru = bud[(bud["geo"] == "RUS") & (bud["function"] == "10") & (bud["year"] == 2019)]
    if len(ru):
        fig.add_hline(y=float(ru["per_head"].iloc[0]), line={"dash": "dash", "color": "#000"},
                      annotation_text="all regions, 2019")  # fmt: skip
    charts.house_layout(
        fig, "Social-policy spending per head", "RUB per person, consolidated budget of the "
        "subject, executed; section 10", common.source_line("roskazna_budget"), "RUB per person",
    )  # fmt: skip
    fig.update_layout(barmode="group", hovermode="closest")
    per_head = mine[mine["function"] == "10"][["geo", "year", "per_head"]]
    bars = charts.Chart(fig, "Grouped bars of social-policy spending per head (RUB) in 2019 "
                        "and 2021 for " + ", ".join(names.get(g, g) for g in chosen) + ".",
                        per_head.assign(region=per_head["geo"].map(names.get)))  # fmt: skip
    st.plotly_chart(fig, width="stretch", key="social_bars")
    st.caption(bars.alt)
    common.export_buttons(bars, "russia_social_policy_per_head", ["roskazna_budget",
                          "rosstat_regions"], {"regions": chosen}, key="x_social")  # fmt: skip
    table = mine.assign(region=mine["geo"].map(names.get), function=mine["function"].map(
        russia.FUNCTIONS))  # fmt: skip
    table = table.pivot_table(index=["region", "function"], columns="year",
                              values=["share", "per_head"]).round(1)  # fmt: skip
    table.columns = [f"{'% of spending' if a == 'share' else 'RUB per person'} {b}"
                     for a, b in table.columns]  # fmt: skip
    st.dataframe(table.reset_index(), hide_index=True, width="stretch", key="budget_table")
    common.download(table.reset_index(), "russia_budgets_by_function", key="dl_budget")
    st.caption(
        "Share of the consolidated budget's executed spending, and roubles per person, for "
        "national economy (04), education (07), health (09; most health care is paid by the "
        "health-insurance fund, which is left out) and social policy (10)."
    )

st.header("Manufacturing shipments")
ts = shipments_chart(version, tuple(chosen))
st.plotly_chart(ts.figure, width="stretch", key="shipments")
common.export_buttons(
    ts, "russia_manufacturing_shipments", ["rosstat_regions"], {"regions": chosen}, key="x_ship"
)
st.caption(ts.alt + " The dotted line marks the classification break: do not read the step "
           "across it as growth or decline.")  # fmt: skip

st.header("Manufacturing dependence and social spending")
try:
    cs = russia.cross_section(2021)
    band = analysis.ols_band(cs["mfg_gva"], cs["social_per_head"])
except (store.StoreMissing, ValueError) as exc:
    st.warning(f"The comparison cannot be drawn: {exc}")
else:
    sc = charts.scatter_fit(
        cs, "mfg_gva", "social_per_head", band, names=names,
        x_title="Manufacturing, % of gross value added", y_title="RUB per person",
        title="Social-policy spending per head against manufacturing's weight",
        subtitle=f"{len(cs)} federal subjects, 2021; dashed: OLS fit with 95% band",
        source=common.source_line("roskazna_budget") + " · "
        + origin("rosstat_grp_structure").source_line().removeprefix("Source: "),
        trajectories=False, points="regions",
    )  # fmt: skip
    mark = cs[cs["geo"].isin(chosen)]
    sc.figure.add_trace(go.Scatter(
        x=mark["mfg_gva"], y=mark["social_per_head"], mode="markers", name="selected regions",
        text=[names.get(g, g) for g in mark["geo"]],
        marker={"size": 10, "color": charts.PALETTE[1]},
        hovertemplate="%{text}: %{x:.1f}% of GVA, %{y:,.0f} RUB per person<extra></extra>",
    ))  # fmt: skip
    st.plotly_chart(sc.figure, width="stretch", key="scatter")
    common.export_buttons(sc, "russia_social_vs_manufacturing_2021",
                          ["roskazna_budget", "rosstat_grp_structure", "rosstat_regions"],
                          {"regions": chosen, "year": 2021}, key="x_scatter")  # fmt: skip
    a = band.attrs
    st.caption(
        f"{sc.alt} Each point is a region in 2021. A slope of {a['slope']:,.0f} roubles per "
        "percentage point says that regions where manufacturing weighs more spend less per "
        "head on social policy, across regions. It is not the effect of manufacturing, or of "
        "arms production, on budgets: the northern and resource regions (high prices, high "
        "revenues, little manufacturing) pull the line, per-head spending is not adjusted for "
        "regional price levels, and a cross-section of one year says nothing about change."
    )

with st.expander("Single-industry towns in the selected regions"):
    towns = store.read("monotowns")
    towns = towns[towns["geo"].isin(chosen)]
    towns = towns.assign(region=towns["geo"].map(names.get))
    st.dataframe(towns[["region", "town", "municipality", "category"]], hide_index=True,
                 width="stretch")  # fmt: skip
    st.caption("Category 1: the most difficult socio-economic situation; 2: risk of "
               "deterioration; 3: stable. Izhevsk, Tula and Kovrov are not single-industry "
               "towns; Votkinsk, Sarapul and Glazov (Udmurtia) are.")  # fmt: skip
st.markdown(CAVEATS)
