"""Home: what the dashboard answers, military burden over time, links to Data and Methods."""

import streamlit as st

from dashboard import charts, store
from dashboard.catalog import catalog, origin
from dashboard.views import common, url_state

ui = url_state.Scope("home")
DEFAULT_COUNTRIES = ["RUS", "UKR", "USA", "CHN", "DEU"]
MEASURES = {
    "milex_gdp_share": ("Military expenditure as a share of GDP", "% of GDP", ".1f"),
    "milex_gov_share": (
        "Military expenditure as a share of government spending",
        "% of general government expenditure",
        ".1f",
    ),
    "milex_constant_usd": (
        "Military expenditure in constant US dollars",
        "US$ m, constant prices",
        ",.0f",
    ),
}


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
    milex = store.read("sipri_milex", geo_level="country")
except store.StoreMissing as exc:
    st.error(f"The SIPRI dataset is not available: {exc}")
    milex = None

if milex is not None:
    names = milex.drop_duplicates("geo").set_index("geo")["country_name"].sort_values().to_dict()
    with_data = set(milex.loc[milex["value"].notna(), "geo"])
    options = [g for g in names if g in with_data]

    st.header("Military burden over time")
    left, right = st.columns([3, 1])
    with right:
        measure = ui.selectbox(
            "Measure", list(MEASURES), "milex_gdp_share", key="measure",
            format_func=lambda m: MEASURES[m][1],
        )  # fmt: skip
    with left:
        selected = ui.multiselect(
            "Countries", options, [c for c in DEFAULT_COUNTRIES if c in options],
            key="countries", format_func=lambda g: names.get(g, g), max_selections=12,
        )  # fmt: skip

    title, unit, fmt = MEASURES[measure]
    data = milex[(milex["indicator"] == measure) & milex["geo"].isin(selected)]
    if not selected:
        st.info("Choose at least one country to draw the chart.")
    elif data["value"].notna().sum() == 0:
        st.info("SIPRI has no figures for this selection.")
    else:
        meta = store.manifest().get("sipri_milex", {})
        o = origin("sipri_milex")
        data = data.dropna(subset=["value"])
        period = f"{data['year'].min()}-{data['year'].max()}"
        unit_label = data["unit"].iloc[0]
        n = f"{len(selected)} {'country' if len(selected) == 1 else 'countries'}"
        chart = charts.time_series(
            data, names=names, title=title,
            subtitle=f"{unit_label}; {n}; {period}",
            source=o.source_line(meta.get("vintage")), y_title=unit_label, value_format=fmt,
        )  # fmt: skip
        st.plotly_chart(chart.figure, width="stretch", key="milex_chart")
        common.export_buttons(chart, f"military_burden_{measure}_{'_'.join(selected)}",
                              ["sipri_milex"], {"countries": selected, "measure": measure},
                              key="x_milex")  # fmt: skip
        st.caption(
            f"{o.source_line(meta.get('vintage'))}. Hollow markers: SIPRI estimates or highly "
            "uncertain figures. " + chart.alt
        )
        with st.expander("Data behind this chart"):
            st.dataframe(
                data[["geo", "country_name", "year", "value", "unit", "flag"]],
                hide_index=True, width="stretch",
            )  # fmt: skip

st.header("Sources and methods")
st.markdown(
    f"{len(catalog())} public datasets from SIPRI, the World Bank, WHO, Our World in Data, "
    "Eurostat, the US Bureau of Labor Statistics and Census Bureau, Rosstat and Russia's "
    "Federal Treasury. Every chart names its source, vintage and licence."
)
st.page_link("views/data.py", label="Data: the catalog, downloads and how to cite",
             icon=":material/database:")  # fmt: skip
st.page_link("views/methods.py", label="Methods: every measure's formula and references",
             icon=":material/functions:")  # fmt: skip
