"""Region profile: one region's industry mix against the benchmark, its specialization over
time, a shift-share decomposition between two periods, and its social indicators."""

import streamlit as st

from dashboard import queries, registry
from dashboard.views import common, url_state

ui = url_state.Scope("profile")

st.title("Region profile")
st.markdown(
    "One region's economy: its industry mix against the benchmark, how specialised it is over "
    "time, where its growth came from (shift-share), and how it fares on wages, income and "
    "budgets."
)

c1, c2, c3 = st.columns([2, 3, 1])
with c1:
    data = common.choose_system(ui, "region_mix")
sysm, system = data.system, data.system.key
names = queries.region_names()
if not data.regions:
    st.info(f"The store has no {sysm.label.lower()}: run `labordash pull`.")
    st.stop()
with c2:
    region = common.control(ui, "region_mix", "region", system=system)
with c3:
    period = common.control(ui, "region_mix", "period", system=system, region=region)
name = names.get(region, region)
view = {"system": system, "region": region}

st.header(f"Industry mix of {name}, {period}")
common.show("region_mix", **view, period=period)
common.registered_table("region_mix_table", **view, period=period)

st.header("Specialization over time")
common.show("specialization_series", key="spec", export_key="x_spec", **view)
for b in sysm.breaks:
    st.caption(
        f"The {b.name} break between {b.last_before} and {int(b.last_before) + 1} "
        "changes the industries: read the two sides of it as separate series."
    )

st.header("Where did the change come from? Shift-share")
s1, s2 = st.columns(2)
with s1:
    base = common.control(ui, "shift_share", "base", system=system, region=region)
with s2:
    final = common.control(ui, "shift_share", "final", system=system, region=region)
try:
    wf = common.built("shift_share", **view, base=base, final=final)
except registry.SpecError as exc:
    st.info(f"No shift-share for this choice: {exc}.")
else:
    common.show("shift_share", key="waterfall", export_key="x_wf", **view, base=base, final=final)
    row = wf.notes["row"]
    st.markdown(
        f"**Reading it:** had every industry in {name} grown at the reference economy's overall "
        f"rate, it would have changed by {row['national_share']:+,.1f}; its mix of industries "
        f"adds {row['industry_mix']:+,.1f}; the rest ({row['regional_shift']:+,.1f}) is the "
        "regional shift: industries growing faster or slower here than in the reference "
        "(competitive) and the region being specialised in them (allocation)."
    )
    common.registered_table("shift_share_table", **view, base=base, final=final)
    if sysm.nominal:
        st.warning(
            f"These levels are {sysm.unit} in current prices: between {base} and {final} prices "
            'rose as well, so most of the "national growth" component is inflation, not real '
            "growth, and the other components are in roubles of mixed years. The shares below "
            "do not depend on the price level: each industry's share of the region and of the "
            "reference economy in both periods, and the change in percentage points."
        )
        common.registered_table(
            "share_change_table",
            key="ss_shares",
            export_key="x_ss_shares",
            **view,
            base=base,
            final=final,
        )

st.header("Social indicators")
try:
    common.built("social_indicators", **view)
except registry.SpecError:
    st.info("The store has no social indicators for this region.")
else:
    common.show("social_indicators", key="social", export_key="x_social", **view)

if region.startswith(("RU-", "UA-")):  # a Russian federal subject
    st.header("The arms question")
    common.registered_table(
        "russia_arms_measures", key="arms_table", export_key="x_arms", regions=(region,)
    )
