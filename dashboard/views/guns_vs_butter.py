"""Guns versus butter: military against civilian spending across countries, with panel models."""

import contextlib

import pandas as pd
import streamlit as st

from dashboard import analysis, charts, geo, store
from dashboard.catalog import country_groups, origin
from dashboard.views import common, url_state

ui = url_state.Scope("gvb")
MILITARY = ["milex_gdp", "milex_gov", "milex_const_usd", "milex_gdp_wb"]
CIVILIAN = ["health_gdp", "health_gov", "education_gdp", "education_gov", "gov_consumption_gdp"]
CONTROLS = analysis.measures("control")
COFOG = {
    "cofog_defence_gdp": "Defence",
    "cofog_health_gdp": "Health",
    "cofog_education_gdp": "Education",
    "cofog_social_gdp": "Social protection",
}
EFFECTS = {
    "twoway": "country and year fixed effects",
    "entity": "country fixed effects",
    "time": "year fixed effects",
    "none": "none (pooled OLS)",
}
COVS = {"cluster": "clustered by country", "HC1": "robust (HC1)", "nonrobust": "classic"}
TRANSFORMS = {
    "levels": "levels",
    "logs": "logs (elasticity)",
    "first_difference": "first differences",
}
MAP_BREAKS = {"milex_gdp": [0, 1, 2, 3, 5, 10], "milex_gdp_wb": [0, 1, 2, 3, 5, 10],
              "milex_gov": [0, 2.5, 5, 7.5, 10, 15, 20]}  # fmt: skip


def decap(text: str) -> str:
    """Lower-case the first letter for use mid-sentence, but keep acronyms (WHO, SIPRI)."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def label(key: str) -> str:
    m = analysis.MEASURES[key]
    return f"{m.label}, {m.unit}"


@st.cache_data(show_spinner="Building the country-year panel...")
def load_panel(version: str) -> pd.DataFrame:
    return analysis.build_panel()


@st.cache_resource(show_spinner=False, max_entries=2)
def country_names(version: str) -> dict[str, str]:
    names: dict[str, str] = {}
    for ds, col in (("wdi", "country_name"), ("sipri_milex", "country_name")):
        try:
            d = store.read(ds, geo_level="country")
            names.update(d.drop_duplicates("geo").set_index("geo")[col].to_dict())
        except store.StoreMissing:
            pass
    with contextlib.suppress(geo.GeometryMissing):  # then names come from the datasets only
        names.update({f["id"]: f["properties"]["name"] for f in geo.countries()["features"]})
    return names


@st.cache_data(show_spinner="Fitting the model...")
def fit_model(version, outcome, treatment, controls, effects, cov, transform, lags, geos, years):
    panel = load_panel(version)
    panel = panel[panel["year"].between(*years)]
    if geos:
        panel = panel[panel["geo"].isin(geos)]
    return analysis.tradeoff_model(
        panel, outcome, treatment, list(controls), effects=effects, cov=cov,
        transform=transform, lags=lags,
    )  # fmt: skip


# Figures are cached on their inputs: building them (the map alone has 177 country traces)
# costs more than everything else in a rerun. cache_resource, not cache_data: unpickling a
# plotly figure re-validates every trace, which is what the cache is meant to avoid. The
# figures are shared between sessions and never modified.


@st.cache_resource(show_spinner=False, max_entries=64)
def series_chart(version, geos, mil, civ, y0, y1) -> charts.Chart:
    panel = load_panel(version)
    sel = panel[panel["geo"].isin(geos) & panel["year"].between(y0, y1)]
    m_mil, m_civ = analysis.MEASURES[mil], analysis.MEASURES[civ]
    return charts.stacked_series(
        sel, [(mil, m_mil.label, m_mil.unit), (civ, m_civ.label, m_civ.unit)],
        names=country_names(version), title=f"{m_mil.label} and {decap(m_civ.label)}",
        subtitle=f"{m_mil.unit} (top) and {m_civ.unit} (bottom); "
        f"{sel['geo'].nunique()} countries, {y0}-{y1}",
        source=sources_line([mil, civ]),
    )  # fmt: skip


@st.cache_resource(show_spinner=False, max_entries=64)
def scatter_chart(version, geos, mil, civ, y0, y1) -> charts.Chart:
    panel = load_panel(version)
    sel = panel[panel["geo"].isin(geos) & panel["year"].between(y0, y1)]
    both = sel.dropna(subset=[mil, civ])
    m_mil, m_civ = analysis.MEASURES[mil], analysis.MEASURES[civ]
    try:
        band = analysis.ols_band(both[mil], both[civ])
    except ValueError:
        band = None
    return charts.scatter_fit(
        both, mil, civ, band, names=country_names(version), x_title=f"Military, {m_mil.unit}",
        y_title=f"Civilian, {m_civ.unit}",
        title=f"{m_civ.label} against {decap(m_mil.label)}",
        subtitle=f"Each point a country-year; {sel['geo'].nunique()} countries, {y0}-{y1}; "
        "dashed: pooled OLS with 95% band",
        source=sources_line([mil, civ]), trajectories=both["geo"].nunique() <= 10,
    )  # fmt: skip


@st.cache_resource(show_spinner=False, max_entries=64)
def map_chart(version, mil, year) -> charts.Chart:
    panel = load_panel(version)
    values = panel.loc[panel["year"] == year].set_index("geo")[mil].dropna()
    m = analysis.MEASURES[mil]
    return charts.choropleth(
        values, geo.countries(), title=f"{m.label}, {year}", subtitle=m.unit,
        source=f"{sources_line([mil])} · {geo.CREDIT}", unit=m.unit,
        breaks=MAP_BREAKS.get(mil), value_format=".1f" if "usd" not in mil else ",.0f",
    )  # fmt: skip


@st.cache_resource(show_spinner=False, max_entries=64)
def cofog_chart(version, geos) -> charts.Chart:
    """Defence, health, education and social protection (% of GDP) for the European countries
    among ``geos``, or for the EU-27 aggregate when there are none."""
    panel = load_panel(version)
    names = country_names(version)
    eu = sorted(set(geos) & set(panel.loc[panel["cofog_defence_gdp"].notna(), "geo"]))
    if eu:
        cof = panel[panel["geo"].isin(eu)][["geo", "year", *COFOG]]
        who = f"{len(eu)} European countries"
    else:
        agg = store.read("eurostat_cofog", geo="EU27_2020", unit="% of GDP")
        codes = {"GF02": "cofog_defence_gdp", "GF07": "cofog_health_gdp",
                 "GF09": "cofog_education_gdp", "GF10": "cofog_social_gdp"}  # fmt: skip
        agg = agg[agg["function"].isin(list(codes))]
        cof = agg.pivot_table(index=["geo", "year"], columns="function", values="value")
        cof = cof.rename(columns=codes).reset_index()
        names = {**names, "EU27_2020": "EU-27"}
        who = "the EU-27 as a whole (no European country in the selection)"
    cof = cof.dropna(subset=list(COFOG), how="all")
    return charts.stacked_series(
        cof, [(k, v, "% of GDP") for k, v in COFOG.items()], names=names,
        title="General government spending by function",
        subtitle=f"% of GDP; {who}; {int(cof['year'].min())}-{int(cof['year'].max())}",
        source=origin("eurostat_cofog").source_line(
            store.manifest().get("eurostat_cofog", {}).get("vintage")
        ),
    )  # fmt: skip


@st.cache_data(show_spinner=False, max_entries=64)
def dynamics(version, geos, mil, civ, y0, y1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Granger tests (military -> civilian, first differences, lag by AIC up to 2) and 10-year
    rolling correlations for each country."""
    panel = load_panel(version)
    panel = panel[panel["year"].between(y0, y1) & panel["geo"].isin(geos)]
    tests = analysis.granger_table(panel, geos, mil, civ, maxlag=2)
    roll = analysis.rolling_correlation(panel, mil, civ, window=10)
    return tests, roll


def sources_line(keys: list[str]) -> str:
    man = store.manifest()
    seen, parts = set(), []
    for k in keys:
        ds = analysis.MEASURES[k].dataset
        if ds not in seen:
            seen.add(ds)
            o = origin(ds)
            parts.append(o.source_line(man.get(ds, {}).get("vintage")).removeprefix("Source: "))
    return "Sources: " + "; ".join(parts)


def reading(r: analysis.TradeoffResult, mil: str, civ: str) -> str:
    m, c = analysis.MEASURES[mil], analysis.MEASURES[civ]
    direction = "lower" if r.coef < 0 else "higher"
    if r.transform == "logs":
        size = (f"a 1% higher {decap(m.label)} goes with a {abs(r.coef):.2f}% {direction} "
                f"{decap(c.label)}")  # fmt: skip
    elif r.transform == "first_difference":
        size = (f"a year-on-year rise of 1 ({m.unit}) in {decap(m.label)} goes with a change "
                f"of {r.coef:+.2f} ({c.unit}) in {decap(c.label)}")  # fmt: skip
    else:
        size = (f"1 more unit ({m.unit}) of {decap(m.label)} goes with {abs(r.coef):.2f} "
                f"{direction} {decap(c.label)} ({c.unit})")  # fmt: skip
    within = {
        "twoway": "within the same country, after removing shocks common to all countries in a "
        "year",
        "entity": "within the same country over time",
        "time": "across countries, after removing year-wide shocks",
        "none": "pooling all countries and years",
    }[r.effects]
    sig = (
        "The 95% interval excludes zero."
        if r.ci_low > 0 or r.ci_high < 0
        else "The 95% interval includes zero: the data cannot tell this from no association."
    )
    return (
        f"Across {r.n_entities} countries and the years {r.years[0]}-{r.years[1]} "
        f"({r.nobs:,} country-years), {size}, {within} (95% interval {r.ci_low:.2f} to "
        f"{r.ci_high:.2f}; p = {r.pvalue:.3f}). {sig}"
    )


CAVEATS = """
**Read with care.**
- This is an **association, not a causal effect**: wars, recessions and elections move both
  budgets at once, and the fixed effects only remove what is constant within a country or common
  to a year.
- **Shares of GDP share a denominator**: when GDP falls, both shares rise together, which can
  create a positive association by itself. Try the constant-US$ measure with logs.
- **Sources measure differently**: SIPRI's military expenditure follows NATO-like definitions,
  while national budgets may classify differently. WHO health spending follows SHA 2011, and
  education spending comes from UNESCO via OWID or the World Bank. Vintages differ.
- **SIPRI marks many recent figures as estimates** (Russia 2022-2025 among them).
- **Few clusters make clustered errors unreliable**: use at least 20-30 countries.
"""

# ---------------------------------------------------------------------------------------------

st.title("Guns versus butter")
st.markdown(
    "When a state spends more on its military, what happens to health, education and other "
    "civilian spending? Compare countries over time, see the cross-country pattern, and fit "
    "panel models with country and year fixed effects."
)

try:
    version = common.store_version()
    panel = load_panel(version)
except store.StoreMissing as exc:
    st.error(f"The data for this page is not available: {exc}")
    st.stop()
missing_sets = panel.attrs.get("unavailable", [])
if missing_sets:
    st.warning("Not in the store (run `labordash pull`): " + ", ".join(missing_sets))
names = country_names(version)
all_geos = sorted(set(panel.loc[panel[MILITARY[0]].notna(), "geo"]))
groups = country_groups()

c1, c2 = st.columns([1, 2])
with c1:
    preset = ui.selectbox(
        "Countries", [*groups, "custom"], "russia_ukraine", key="group",
        format_func=lambda k: groups[k].label if k in groups else "Choose countries...",
    )  # fmt: skip
with c2:
    if preset == "custom":
        chosen = ui.multiselect(
            "Custom selection", all_geos, ["RUS", "UKR", "POL", "DEU"], key="countries",
            format_func=lambda g: names.get(g, g), max_selections=60,
        )  # fmt: skip
    else:
        group = groups[preset]
        chosen = list(group.members) or all_geos
        shown = ", ".join(names.get(g, g) for g in chosen[:12])
        more = f" and {len(chosen) - 12} more" if len(chosen) > 12 else ""
        st.caption(f"{len(chosen)} countries: {shown}{more}. {group.note}")

c3, c4, c5 = st.columns([2, 2, 2])
with c3:
    mil = ui.selectbox("Military measure", MILITARY, "milex_gdp", key="military", format_func=label)
with c4:
    civ = ui.selectbox(
        "Civilian measure", CIVILIAN, "health_gdp", key="civilian", format_func=label
    )
with c5:
    y0, y1 = ui.year_range("Years", 1960, 2025, (2000, 2025), key="years")

sel = panel[panel["geo"].isin(chosen) & panel["year"].between(y0, y1)]
if sel[[mil, civ]].notna().sum().sum() == 0:
    st.info("No data for this selection: widen the years or choose other countries.")
    st.stop()
m_mil = analysis.MEASURES[mil]
src = sources_line([mil, civ])

st.header("Over time")
ts = series_chart(version, tuple(chosen), mil, civ, y0, y1)
st.plotly_chart(ts.figure, width="stretch", key="ts")
view = {"group": preset, "countries": chosen, "military": mil, "civilian": civ,
        "years": f"{y0}-{y1}"}  # fmt: skip
used = list(dict.fromkeys(analysis.MEASURES[k].dataset for k in (mil, civ)))
common.export_buttons(ts, f"guns_butter_series_{mil}_{civ}_{y0}_{y1}", used, view, key="x_ts")
st.caption(ts.alt + " Two panels with their own axes, not a dual-axis chart.")

st.header("Civilian against military spending")
sc = scatter_chart(version, tuple(chosen), mil, civ, y0, y1)
st.plotly_chart(sc.figure, width="stretch", key="scatter")
common.export_buttons(sc, f"guns_butter_scatter_{mil}_{civ}_{y0}_{y1}", used, view,
                      key="x_scatter")  # fmt: skip
st.caption(
    sc.alt + " The pooled fit mixes differences between countries with changes within them; "
    "the model below separates them."
)

st.header("Military burden around the world")
map_src = panel.dropna(subset=[mil])
map_hi = int(min(y1, map_src["year"].max())) if len(map_src) else y1
map_lo = min(max(y0, int(map_src["year"].min())) if len(map_src) else y0, map_hi)
map_year = ui.year("Map year", map_lo, map_hi, map_hi, key="map_year")
try:
    mp = map_chart(version, mil, map_year)
except geo.GeometryMissing as exc:
    st.warning(f"The map cannot be drawn: {exc}")
else:
    st.plotly_chart(mp.figure, width="stretch", key="map")
    st.caption(mp.alt)
    common.export_buttons(mp, f"military_burden_map_{mil}_{map_year}",
                          [analysis.MEASURES[mil].dataset], {"military": mil, "year": map_year},
                          key="x_map")  # fmt: skip

st.header("Model: does civilian spending fall when military spending rises?")
m1, m2, m3, m4 = st.columns(4)
with m1:
    controls = ui.multiselect(
        "Controls", CONTROLS, ["gdp_pc_ppp"], key="controls", format_func=label
    )
with m2:
    effects = ui.selectbox(
        "Fixed effects", list(EFFECTS), "twoway", key="effects", format_func=EFFECTS.get
    )
with m3:
    cov = ui.selectbox("Standard errors", list(COVS), "cluster", key="se", format_func=COVS.get)
with m4:
    transform = ui.selectbox(
        "Transform", list(TRANSFORMS), "levels", key="transform", format_func=TRANSFORMS.get
    )
sample = ui.selectbox(
    "Estimate on", ["all", "selected"], "all", key="sample",
    format_func=lambda s: "all countries" if s == "all" else "the selected countries only",
)  # fmt: skip
geos = tuple(sorted(chosen)) if sample == "selected" else ()
try:
    res = fit_model(version, civ, mil, tuple(controls), effects, cov, transform, 0, geos, (y0, y1))
except (ValueError, KeyError) as exc:
    st.warning(f"The model cannot be fitted on this sample: {exc}")
else:
    k1, k2, k3, k4 = st.columns(4)
    k1.metric("Coefficient on military", f"{res.coef:.3f}")
    k2.metric("95% interval", f"{res.ci_low:.2f} to {res.ci_high:.2f}")
    k3.metric("Countries / years", f"{res.n_entities} / {res.n_periods}")
    k4.metric("Within R²", f"{res.r2_within:.2f}")
    st.markdown(reading(res, mil, civ))
    if cov == "cluster" and res.n_entities < 20:
        st.warning(
            f"Only {res.n_entities} clusters: clustered errors are unreliable with so few "
            "countries. Estimate on all countries, or read the interval as indicative."
        )
    table = res.table()
    for col in ("coef", "se", "ci_low", "ci_high"):
        table[col] = table[col].map(lambda v: f"{v:.4g}")  # GDP per head has tiny coefficients
    table["t"] = table["t"].map(lambda v: f"{v:.2f}")
    table["pvalue"] = table["pvalue"].map(lambda v: f"{v:.3f}" if v >= 0.001 else "<0.001")
    table["term"] = table["term"].map(lambda t: label(t) if t in analysis.MEASURES else t)
    st.dataframe(table, hide_index=True, width="stretch")
    st.caption(f"Model: `{res.formula}`. {res.nobs:,} observations.")
    with st.expander("Sample used and rows dropped"):
        st.markdown(
            f"**{res.n_entities} countries**, years {res.years[0]}-{res.years[1]}: "
            + ", ".join(names.get(g, g) for g in res.geos[:40])
            + (f" and {len(res.geos) - 40} more." if len(res.geos) > 40 else ".")
        )
        dropped = pd.DataFrame(
            [{"reason": k, "rows": v} for k, v in res.dropped.items()], columns=["reason", "rows"]
        )
        st.dataframe(dropped, hide_index=True)
    st.markdown(CAVEATS)

with st.expander("Per-country dynamics: Granger tests and rolling correlations"):
    few = list(chosen)[:15]
    if len(chosen) > 15:
        st.caption(f"Shown for the first 15 of the {len(chosen)} selected countries.")
    tests, roll = dynamics(version, tuple(few), mil, civ, y0, y1)
    if "pvalue" in tests:
        tests = tests.assign(country=tests["geo"].map(lambda g: names.get(g, g)))
        st.dataframe(
            tests[["country", "lag", "F", "pvalue", "nobs", "years", "note"]].round(3),
            hide_index=True, width="stretch",
        )  # fmt: skip
    else:
        st.info("Too few consecutive years for a Granger test in this selection.")
    st.caption(
        "Does this year's change in military spending help predict next year's change in "
        "civilian spending, beyond civilian spending's own past (a VAR in first differences, "
        "lag chosen by AIC)? A small p-value says it does. Granger causality is about "
        "prediction, not cause, and a country has only a few dozen years."
    )
    if len(roll):
        rc = charts.time_series(
            roll.rename(columns={"corr": "value"}).assign(flag=None), names=names,
            title="10-year rolling correlation", subtitle=f"{label(mil)} with {label(civ)}",
            source=src, y_title="Pearson correlation",
        )  # fmt: skip
        st.plotly_chart(rc.figure, width="stretch", key="rolling")
        common.export_buttons(rc, f"rolling_correlation_{mil}_{civ}_{y0}_{y1}", used, view,
                              key="x_roll")  # fmt: skip
        st.caption(rc.alt)

st.header("Europe: defence against civilian functions (COFOG)")
if "cofog_defence_gdp" in missing_sets:
    st.info("Eurostat COFOG is not in the store (run `labordash pull cofog`).")
else:
    cf = cofog_chart(version, tuple(chosen))
    st.plotly_chart(cf.figure, width="stretch", key="cofog")
    common.export_buttons(cf, "cofog_defence_vs_civilian", ["eurostat_cofog"],
                          {"countries": chosen}, key="x_cofog")  # fmt: skip
    st.caption(cf.alt + " COFOG covers 2012-2020 in this release.")

with st.expander("Data behind these charts"):
    cols = ["geo", "year", mil, civ]
    st.dataframe(sel[cols].dropna(subset=[mil, civ], how="all"), hide_index=True)
    st.caption(src)
