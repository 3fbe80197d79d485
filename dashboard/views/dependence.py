"""Industrial dependence: which regions depend most on one industry (share, LQ, level), and
how concentrated or specialised each region's economy is."""

import streamlit as st

from dashboard import queries
from dashboard.views import common, url_state

ui = url_state.Scope("dep")

st.title("Industrial dependence")
st.markdown(
    "How dependent is a region on one industry? Choose a set of regions, an industry (or a "
    "group such as defense-related manufacturing) and a measure. The location quotient compares "
    "the industry's share in the region with its share in the benchmark economy."
)

c1, c2, c3, c4 = st.columns([2, 3, 2, 1.3])
with c1:
    data = common.choose_system(ui, "dependence_map")
sysm, system = data.system, data.system.key
options = queries.industry_options(data)
if not data.regions or not options:
    st.info(f"The store has no {sysm.label.lower()} with industry data: run `labordash pull`.")
    st.stop()
with c2:
    industry = common.control(ui, "dependence_map", "industry", system=system)
with c3:
    measure = common.control(ui, "dependence_map", "measure", system=system)
with c4:
    period = common.control(ui, "dependence_map", "period", system=system)

view = {"system": system, "industry": industry, "measure": measure, "period": period}
table = queries.dependence_table(system, industry, period)
title, unit = queries.measure_title(measure, sysm)

with st.container(border=True):  # what the data cannot say, next to the charts
    st.markdown(
        "**What the data cannot say**\n\n"
        + "\n".join(f"- {n}" for n in queries.caveats(data, industry, measure, period))
    )
members = data.members(industry)
if len(members) > 1:
    with st.expander(f"The {len(members)} codes in {data.label(industry)}"):
        common.registered_table(
            "industry_group_table", heading=False, system=system, industry=industry, period=period
        )

if table[measure].notna().sum() == 0:
    st.info("No region has a value for this selection: choose another period or industry.")
    st.stop()

common.show(
    "dependence_map",
    key="map",
    export_key="x_map",
    note=f"{title}: {queries.DEPENDENCE_DEFINITIONS[measure]}.",
    **view,
)
common.show("dependence_ranking", key="bars", export_key="x_bars", **view)

common.registered_table("dependence_table", key="table", export_key="x_table", **view)

st.header("Concentration and specialization")
st.markdown(
    f"How concentrated is each region's economy across {sysm.partition_wording}, and how "
    f"different from the {sysm.benchmark}?"
)


@st.fragment
def specialization() -> None:
    """The measure chooser, its map and the sorted table rerun on their own."""
    metric = common.control(ui, "specialization_map", "metric")
    common.show(
        "specialization_map",
        key="spec_map",
        export_key="x_spec",
        system=system,
        metric=metric,
        period=period,
    )
    common.registered_table(
        "concentration_table",
        key="spec_table",
        export_key="x_spec_table",
        system=system,
        metric=metric,
        period=period,
    )


specialization()
st.caption(
    f"{queries.source_line([sysm.dataset])}. Formulas on the Methods page and in "
    "`dashboard.metrics`."
)
