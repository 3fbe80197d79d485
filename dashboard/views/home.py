"""Home: what the dashboard answers, military burden over time, links to Data and Methods."""

import streamlit as st

from dashboard import queries
from dashboard.sitemap import PAGES
from dashboard.views import common, url_state

ui = url_state.Scope("home")
VIEWS = {"chart": "Chart", "map": "Map", "table": "Table"}


@st.fragment
def world_map(measure: str, years: str, y0: int, y1: int) -> None:
    """The map view; its own widgets (what it shows, the year, Play) rerun only the map."""
    mode = common.control(ui, "milex_map", "mapmode")
    if mode == "change":
        common.show(
            "milex_map",
            measure=measure,
            mapmode="change",
            years=f"{y0}-{y1}",
            note="Blue: fell, red: rose. Shares change in percentage points, US dollars "
            "in per cent.",
        )
        return
    year = common.year_player(ui, "milex_map", given={"years": f"{y0}-{y1}"}, measure=measure)
    common.show("milex_map", measure=measure, year=year)


st.title("labordash")
st.markdown(
    "Regional labor economics from official statistics. The dashboard answers three questions:\n"
    "1. **Industrial dependence**: how dependent is a region on one industry?\n"
    "2. **Guns versus butter**: when a state spends more on its military, what happens to "
    "health, education and other civilian spending?\n"
    "3. **Russia's regions**: how does the arms build-up sit beside regional wages, "
    "unemployment and social spending?"
)

try:
    queries.sipri_countries()
    have_sipri = True
except queries.StoreMissing as exc:
    st.error(f"The SIPRI dataset is not available: {exc}")
    have_sipri = False

if have_sipri:
    st.header("Military burden over time")
    left, right = st.columns([3, 1])
    with right:
        measure = common.control(ui, "milex_series", "measure")
        events = common.control(ui, "milex_series", "events")
    with left:
        selected = common.control(ui, "milex_series", "countries")

    t1, t2 = st.columns([1, 2])
    with t1:
        view = ui.selectbox(
            "View", list(VIEWS), "chart", key="view", format_func=VIEWS.get, radio=True
        )
    with t2:
        years = common.control(ui, "milex_series", "years")
    y0, y1 = queries.sipri_span(years)
    note = (
        "Hollow markers: SIPRI estimates or highly uncertain figures. "
        f"{queries.source_line(['sipri_milex'])}."
    )

    if view != "map":  # the map's own parameters, in a link to another view
        common.check_unshown(ui, "milex_map", "mapmode")
        common.check_unshown(ui, "milex_map", "year")  # any year SIPRI has
    if view != "chart":
        common.check_value_tools(ui, "milex_series", y0, y1)
    if view == "map":
        world_map(measure, years, y0, y1)
    elif not selected:
        st.info("Choose at least one country to draw the chart.")
    elif view == "table":
        common.change_table(
            "milex_table",
            key="x_milex_table",
            datasets=["sipri_milex"],
            countries=selected,
            measure=measure,
            years=years,
        )
    else:
        tools = common.value_tools(ui, "milex_series", st.columns(3), y0, y1)
        chart = common.show(
            "milex_series",
            export_key="x_milex",
            note=note,
            countries=selected,
            measure=measure,
            events=events,
            years=years,
            **tools,
        )
        if chart is not None:
            with st.expander("Data behind this chart"):
                st.dataframe(chart.rows, hide_index=True, width="stretch")

st.header("Sources and methods")
st.markdown(
    f"{len(queries.catalog())} public datasets from SIPRI, the World Bank, WHO, Our World in Data, "
    "Eurostat, the US Bureau of Labor Statistics and Census Bureau, Rosstat and Russia's "
    "Federal Treasury. Every chart names its source, vintage and licence."
)
st.page_link(
    PAGES["data"].script,
    label="Data: the catalog, downloads and how to cite",
    icon=PAGES["data"].icon,
)
st.page_link(
    PAGES["methods"].script,
    label="Methods: every measure's formula and references",
    icon=PAGES["methods"].icon,
)
