"""Russia's regions: the arms-producing regions against the rest, on manufacturing dependence,
wages, unemployment, budgets by function and single-industry towns."""

import streamlit as st

from dashboard import queries
from dashboard.views import common, url_state

ui = url_state.Scope("ru")
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
  report on 1 January 2022. Per head uses one population series for every year, the annual
  average as revised after the 2021 census (Rosstat's yearbook table 1.2 holds the earlier
  estimates, 3% higher or lower in some subjects), of the territory the budget covers (Tyumen
  and Arkhangelsk without their okrugs).
- **Wartime shares** (2017-2023) come from a researcher's table built from the Treasury's
  reports (medium provenance; the script is not published). They are shares, not levels, and
  Rosstat has stopped publishing the national budget's functional split from 2023.
"""

st.title("Russia's regions")
st.markdown(
    "Which Russian regions depend most on manufacturing, and how do they fare on wages, "
    "unemployment and budgets? The default selection holds the regions of the big arms "
    "makers: Udmurtia (Izhevsk, Votkinsk), Tula, Vladimir (Kovrov) and Ivanovo, then Perm, "
    "Sverdlovsk, Nizhny Novgorod and Chelyabinsk. Official numbers from Rosstat and the Federal "
    "Treasury; search regions in Russian or English."
)
try:
    regions = common.control(ui, "russia_wages", "regions")  # every chart's regions
except common.MISSING as exc:
    st.error(f"The data for this page is not available: {exc}")
    st.stop()
if not regions:
    st.info("Choose at least one region.")
    st.stop()

st.header("The arms question")
common.registered_table("russia_arms_measures", export_key="x_arms", regions=regions)

st.header("Maps")


@st.fragment
def russia_map() -> None:
    """The map and its chooser rerun on their own."""
    which = common.controls(ui, "russia_map")
    common.show("russia_map", export_key="x_map", **which)
    if which["map"] == "monotowns":
        st.warning(
            "Weak provenance: this list of single-industry towns is a secondary CSV of "
            "Government order 1398-r (312 towns) that does not say which amendment it "
            "reflects; the official list has had about 313-321 entries. Check counts against "
            "the official text."
        )


russia_map()

st.header("Wages and unemployment against the Russian average")
common.show(
    "russia_wages",
    regions=regions,
    note="Nominal roubles: wages are not adjusted for prices.",
)

st.header("Budgets by function, 2019 and 2021")
if (
    common.show("russia_social_bars", export_key="x_social", regions=regions) is not None
):  # the Treasury's data is there: its table and Rosstat's social support
    common.registered_table("russia_budget_table", export_key="x_budget", regions=regions)
    common.show(
        "russia_social_support",
        regions=regions,
        note="Rosstat published this table for 2021 only, and it covers the subjects' own "
        "budgets: it cannot show a change since the war began, nor the federal payments to the "
        "same people.",
    )
    common.chart(ui, "russia_support_map")

st.header("Budgets in wartime, 2017-2023")
st.markdown(
    "How did the regions' budgets change after 2021? Shares of each subject's consolidated "
    "budget by section, from a researcher's table built from the Federal Treasury's reports "
    "(it agrees with our own reading of the Treasury files for 2019 and 2021 to within 0.1 "
    "percentage points). Regional spending under *national defense* was a median 0.03% of a "
    "budget in 2021 and 0.07% in 2022-2023, above 10% in one subject in 2023."
)
common.show(
    "russia_wartime_shares",
    regions=regions,
    # the chart's own text says that a share is not a level and what national defense is: the
    # note adds what the page knows beyond it, once
    note="The budgets' totals themselves moved with inflation; the national defense line may "
    "hold mobilisation payments or territorial defense, which the data does not itemise.",
)


@st.fragment
def wartime_map() -> None:
    """The change map and its choosers rerun on their own."""
    common.chart(ui, "russia_wartime_map", widths=[2, 1, 1])


wartime_map()
st.subheader("The national picture")
common.show(
    "russia_national_milex",
    note="SIPRI's estimates, in current prices as a share of GDP and of general government "
    "spending.",
)
common.show(
    "russia_social_funds",
    note="Nominal roubles: the rise includes inflation.",
)
try:
    unpublished = queries.budget_not_published()
except queries.MISSING as exc:
    st.warning(f"Rosstat's government-finance tables are not in the store: {exc}")
else:
    if unpublished is not None:
        year, total, footnote = unpublished
        st.info(
            "Rosstat no longer publishes the functional split of the budget: its table of the "
            "consolidated budget of the Russian Federation and the extra-budgetary funds for "
            f"{year} gives revenue, total spending ({total:,.1f} bn RUB) and the balance, with "
            f'the footnote "{footnote.removeprefix("1) ")}" (information on spending by '
            "function is not subject to publication). Source: Rosstat, Государственные "
            "финансы, gos_fin_byudget.xlsx, footnote 1.",
            icon=":material/visibility_off:",
        )

st.header("Manufacturing shipments")
common.show(
    "russia_shipments",
    export_key="x_ship",
    regions=regions,
    note="The dotted line marks the classification break: do not read the step across it as "
    "growth or decline.",
)

st.header("Manufacturing dependence and social spending")
sc = common.show("russia_social_vs_manufacturing", regions=regions)
if sc is not None:
    st.caption(
        f"Each point is a region in 2021. A slope of {sc.notes['fit']['slope']:,.0f} roubles per "
        "percentage point says that regions where manufacturing weighs more spend less per "
        "head on social policy, across regions. It is not the effect of manufacturing, or of "
        "arms production, on budgets: the northern and resource regions (high prices, high "
        "revenues, little manufacturing) pull the line, per-head spending is not adjusted for "
        "regional price levels, and a cross-section of one year says nothing about change."
    )

with st.expander("Single-industry towns in the selected regions"):
    common.registered_table("russia_towns", regions=regions)
st.markdown(CAVEATS)
