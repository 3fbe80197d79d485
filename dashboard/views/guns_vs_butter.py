"""Guns versus butter: military against civilian spending across countries, with panel models."""

import streamlit as st

from dashboard import queries, registry
from dashboard.views import common, url_state

ui = url_state.Scope("gvb")
label, decap = queries.measure_label, queries.decap


def reading(r: queries.TradeoffResult, mil: str, civ: str) -> str:
    m, c = queries.PANEL_MEASURES[mil], queries.PANEL_MEASURES[civ]
    direction = "lower" if r.coef < 0 else "higher"
    if r.transform == "logs":
        size = (
            f"a 1% higher {decap(m.label)} goes with a {abs(r.coef):.2f}% {direction} "
            f"{decap(c.label)}"
        )
    elif r.transform == "first_difference":
        size = (
            f"a year-on-year rise of 1 ({m.unit}) in {decap(m.label)} goes with a change "
            f"of {r.coef:+.2f} ({c.unit}) in {decap(c.label)}"
        )
    else:
        size = (
            f"1 more unit ({m.unit}) of {decap(m.label)} goes with {abs(r.coef):.2f} "
            f"{direction} {decap(c.label)} ({c.unit})"
        )
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
    panel = queries.panel()
except queries.StoreMissing as exc:
    st.error(f"The data for this page is not available: {exc}")
    st.stop()
missing_sets = panel.attrs.get("unavailable", [])
if missing_sets:
    st.warning("Not in the store (run `labordash pull`): " + ", ".join(missing_sets))
names = queries.country_names()
groups = queries.country_groups()

c1, c2 = st.columns([1, 2])
with c1:
    preset = common.control(ui, "gvb_series", "group")
with c2:
    if preset == queries.CUSTOM:
        custom = list(common.control(ui, "gvb_series", "countries"))
    else:
        custom = []
        group = groups[preset]
        members = queries.chosen(preset, ())
        shown = ", ".join(names.get(g, g) for g in members[:12])
        more = f" and {len(members) - 12} more" if len(members) > 12 else ""
        st.caption(f"{len(members)} countries: {shown}{more}. {group.note}")
chosen = queries.chosen(preset, tuple(custom)) if preset != queries.CUSTOM or custom else []

c3, c4, c5 = st.columns([2, 2, 2])
with c3:
    mil = common.control(ui, "gvb_series", "military")
with c4:
    civ = common.control(ui, "gvb_series", "civilian")
with c5:
    years = common.control(ui, "gvb_series", "years")
y0, y1 = queries.year_span(years)

sel = panel[panel["geo"].isin(chosen) & panel["year"].between(y0, y1)]
if sel[[mil, civ]].notna().sum().sum() == 0:
    st.info("No data for this selection: widen the years or choose other countries.")
    st.stop()
view = {
    "group": preset,
    "countries": tuple(custom),
    "military": mil,
    "civilian": civ,
    "years": years,
}

st.header("Over time")
t1, t2, t3, t4 = st.columns([1.2, 1.4, 1, 1.2])
with t1:
    shown_as = ui.selectbox(
        "View",
        ["chart", "table"],
        "chart",
        key="view",
        radio=True,
        format_func=lambda v: v.title(),
        help="The map of both measures is further down.",
    )
if shown_as == "table":
    common.check_value_tools(ui, "gvb_series", y0, y1)
    common.change_table("gvb_table", key="x_table", datasets=queries.datasets_of(mil, civ), **view)
else:
    tools = common.value_tools(ui, "gvb_series", [t2, t3, t4], y0, y1)
    common.show(
        "gvb_series",
        note="Two panels with their own axes, not a dual-axis chart.",
        **view,
        **tools,
    )

st.header("Civilian against military spending")
common.show(
    "gvb_scatter",
    note="The pooled fit mixes differences between countries with changes within them; the "
    "model below separates them.",
    **view,
)

st.header("Military and civilian spending around the world")


@st.fragment
def world_map() -> None:
    """The map and its own widgets (measure, mode, year, Play) rerun on their own: moving the
    year redraws only the map."""
    a, b = st.columns(2)
    with a:
        map_of = common.control(ui, "gvb_world_map", "map_of", military=mil, civilian=civ)
    with b:
        mode = common.control(ui, "gvb_world_map", "mapmode")
    key = mil if map_of == "military" else civ
    # the civilian measure only when mapped: one cached map per military measure otherwise
    spec = {"military": mil, "map_of": map_of, **({"civilian": civ} if key == civ else {})}
    first, last = queries.map_years(key, y0, y1)
    if mode == "change":
        common.show(
            "gvb_world_map",
            **spec,
            mapmode="change",
            years=years,
            note=f"Change from {first} to {last}, the first and last "
            "year of the years chosen with figures. Blue: fell, red: rose.",
        )
        return
    # the years chosen bound the map's year: they are part of its parameters here
    map_year = common.year_player(ui, "gvb_world_map", given={"civilian": civ}, **spec, years=years)
    common.show("gvb_world_map", **spec, years=years, year=map_year)


world_map()
st.header("Model: does civilian spending fall when military spending rises?")


def model_figures(res: queries.TradeoffResult, cov: str) -> None:
    """The coefficient, its interval, the sample's size, the R² and what they say."""
    k1, k2, k3, k4 = st.columns(4)
    k1.metric("Coefficient on military", f"{res.coef:.3f}")
    k2.metric("95% interval", f"{res.ci_low:.2f} to {res.ci_high:.2f}")
    k3.metric("Countries / years", f"{res.n_entities} / {res.n_periods}")
    within = "n/a" if res.r2_within != res.r2_within else f"{res.r2_within:.2f}"  # NaN
    k4.metric(
        "R², within · overall",
        f"{within} · {res.r2_overall:.2f}",
        help="Within: the share of the variation inside each country the model "
        "explains (only with country effects). Overall: the share of all variation, "
        "from the slopes and one constant. Both as linearmodels defines "
        "them.",
    )
    st.markdown(reading(res, mil, civ))
    if cov == "cluster" and res.n_entities < 20:
        st.warning(
            f"Only {res.n_entities} clusters: clustered errors are unreliable with so few "
            "countries. Estimate on all countries, or read the interval as indicative."
        )


def model_exports(model: registry.Built, opts: dict) -> None:
    """The model table's export row, and its Markdown and LaTeX with the sample, the
    specification, the sources and the link under it."""
    res: queries.TradeoffResult = model.notes["result"]
    common.export_buttons(model, key="x_model")
    used = "the selected" if queries.sample_of(opts["sample"], chosen) == "selected" else "all"
    common.table_downloads(
        model,
        key="x_model_text",
        notes=[
            f"Sample: {res.n_entities} countries, {res.years[0]}-{res.years[1]}, "
            f"{res.nobs:,} country-years ({used} countries).",
            f"Specification: {queries.readable_formula(res.formula)}; "
            f"{queries.EFFECTS[opts['effects']]}; "
            f"standard errors {queries.COVS[opts['se']]}; "
            f"{queries.TRANSFORMS[opts['transform']]}.",
            f"{queries.source_line(queries.datasets_of(mil, civ, *opts['controls']))}.",
            f"Made with labordash: {common.page_link()}",
        ],
    )


def model_sample(res: queries.TradeoffResult, opts: dict) -> None:
    """The countries and years the model used, and the rows it dropped and why (the
    registry's ``gvb_model_sample``, with its export row)."""
    with st.expander("Sample used and rows dropped"):
        st.markdown(
            f"**{res.n_entities} countries**, years {res.years[0]}-{res.years[1]}: "
            + ", ".join(names.get(g, g) for g in res.geos[:40])
            + (f" and {len(res.geos) - 40} more." if len(res.geos) > 40 else ".")
        )
        common.registered_table("gvb_model_sample", heading=False, **opts)


@st.fragment
def model() -> None:
    """The model's options rerun only the model."""
    opts = common.controls(ui, "gvb_model", widths=[1, 1, 1, 1], skip=("sample",), **view)
    opts["sample"] = common.control(ui, "gvb_model", "sample", **view)
    opts["controls"] = tuple(opts["controls"])
    try:
        model = common.built("gvb_model", **opts)
    except registry.SpecError as exc:
        st.warning(f"{str(exc)[:1].upper()}{str(exc)[1:]}")
        return
    res: queries.TradeoffResult = model.notes["result"]
    model_figures(res, opts["se"])
    common.readable(model.table)  # 4 significant digits: GDP per head has tiny coefficients
    st.caption(
        f"Model: {common.plain(queries.readable_formula(res.formula))} (in code: "
        f"`{res.formula}`). {res.nobs:,} observations."
    )
    model_exports(model, opts)
    model_sample(res, opts)
    st.markdown(CAVEATS)


model()

with st.expander("Per-country dynamics: Granger tests and rolling correlations"):
    if len(chosen) > queries.MAX_LABELLED:
        st.caption(
            f"Tests for the first {min(len(chosen), queries.GRANGER_MAX)} and correlations for the "
            f"first {queries.MAX_LABELLED} of the {len(chosen)} selected countries."
        )
    tests = common.built("gvb_granger", **view)
    if "pvalue" in tests.table:
        common.readable(tests.table)
        common.export_buttons(tests, key="x_granger")
        common.table_downloads(
            tests,
            key="x_granger_text",
            notes=[
                "Does this year's change in the military measure help predict next year's change "
                "in the civilian one (a VAR in first differences, lag by AIC up to 2)?",
                f"Sample: {', '.join(names.get(g, g) for g in chosen[: queries.GRANGER_MAX])}; "
                f"years {y0}-{y1}.",
                f"{queries.source_line(queries.datasets_of(mil, civ))}.",
                f"Made with labordash: {common.page_link()}",
            ],
        )
    else:
        st.info("Too few consecutive years for a Granger test in this selection.")
    st.caption(
        "Does this year's change in military spending help predict next year's change in "
        "civilian spending, beyond civilian spending's own past (a VAR in first differences, "
        "lag chosen by AIC)? A small p-value says it does. Granger causality is about "
        "prediction, not cause, and a country has only a few dozen years."
    )
    try:
        common.built("gvb_rolling_correlation", **view)
    except registry.SpecError:
        pass  # too few years: nothing to draw
    else:
        common.show("gvb_rolling_correlation", export_key="x_roll", **view)

st.header("Europe: defence against civilian functions (COFOG)")
if "cofog_defence_gdp" in missing_sets:
    st.info("Eurostat COFOG is not in the store (run `labordash pull cofog`).")
else:
    common.show(
        "gvb_cofog",
        note="COFOG covers 2012-2020 in this release.",
        group=preset,
        countries=view["countries"],
    )

with st.expander("Data behind these charts"):
    common.registered_table("gvb_data", heading=False, **view)
    st.caption(queries.source_line(queries.datasets_of(mil, civ)))
