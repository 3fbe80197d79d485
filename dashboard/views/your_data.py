"""Bring your own data: the dependence measures on an uploaded region x industry table.

The file stays in this browser session's memory (Streamlit's uploader); nothing is written to
disk or shared with other sessions."""

import pandas as pd
import streamlit as st

from dashboard import charts, geo, maps, metrics, registry, store, upload, upload_budget
from dashboard.provenance import source_line
from dashboard.views import common

# without the store: real NUTS 2 codes (Austria's nine Bundeslaender), illustrative numbers
FALLBACK = pd.DataFrame(
    {
        "region": [
            r
            for r in ("AT11", "AT12", "AT13", "AT21", "AT22", "AT31", "AT32", "AT33", "AT34")
            for _ in range(3)
        ],
        "industry": ["manufacturing", "services", "agriculture"] * 9,
        "employment": [
            20,
            100,
            10,
            180,
            620,
            40,
            60,
            900,
            2,
            45,
            210,
            12,
            110,
            460,
            30,
            140,
            520,
            35,
            45,
            230,
            12,
            70,
            300,
            18,
            60,
            150,
            4,
        ],
    }
)
EXAMPLE_COUNTRY = "CZ"  # Czechia's eight NUTS 2 regions


@st.cache_data(show_spinner=False, max_entries=4)
def example(version: str) -> tuple[pd.DataFrame, str]:  # cache key
    """The example table: employment by NACE section in Czechia's NUTS 2 regions in the latest
    year of Eurostat's table in the store (thousand persons, age 15+), or, before a pull,
    ``FALLBACK``. Returns the table and a line saying what it is."""
    try:
        d = store.read("eurostat_lfs_nace", age="Y_GE15")
    except store.StoreMissing:
        return FALLBACK, "Austria's nine NUTS 2 regions with illustrative numbers."
    nuts2 = d["geo"].str.len() == 4  # a NUTS 2 code: the country's two letters and two more
    d = d[nuts2 & d["geo"].str.startswith(EXAMPLE_COUNTRY) & d["value"].notna()]
    if d.empty:
        return FALLBACK, "Austria's nine NUTS 2 regions with illustrative numbers."
    d = d[d["year"] == d["year"].max()]
    t = d.rename(columns={"geo": "region", "value": "employment"})
    line = (
        f"Employment (thousand persons, age 15+) by NACE section in Czechia's "
        f"{t['region'].nunique()} NUTS 2 regions, {int(t['year'].iloc[0])}. "
        f"{source_line(['eurostat_lfs_nace'])}."
    )
    return t[["region", "industry", "employment"]].reset_index(drop=True), line


LAYERS = {"nuts2021": "NUTS regions", "us_counties": "US counties (FIPS)",
          "ru_subjects": "Russian subjects (ISO 3166-2)"}  # fmt: skip


def best_layer(codes: list[str]) -> tuple[str | None, int | None, float]:
    """The geometry layer (and NUTS level) whose polygon ids match most of ``codes``; no layer
    below half."""
    best: tuple[str | None, int | None, float] = (None, None, 0.0)
    for key in LAYERS:
        level = None
        if key == "nuts2021":  # NUTS 0-3 codes have 2-5 characters
            level = max(0, min(3, pd.Series(codes).str.len().mode().iloc[0] - 2))
        try:
            share = geo.coverage(key, codes, level)["share_drawn"]
        except geo.GeometryMissing:
            continue
        if share > best[2]:
            best = (key, level, share)
    return best if best[2] >= 0.5 else (None, None, best[2])


st.title("Your data")
st.markdown(
    "Upload a table of regions by industries (employment, output, establishments...) and get "
    "the same measures as the dependence page: shares, location quotients, specialization and "
    "localization. One row per region and industry (and year, if you have several), in CSV or "
    f"XLSX, {upload.limits()}. The file stays in "
    "this session only; closing the tab discards it. The benchmark is the sum over all regions "
    "in the file."
)
EXAMPLE, EXAMPLE_SAYS = example(common.store_version())
e1, e2 = st.columns([1, 2])
e1.button(
    "Use the example",
    icon=":material/science:",
    key="byod_example",
    on_click=lambda: st.session_state.update(byod_use_example=True),
    help="Try the page on a real table before uploading your own",
)
e2.download_button(
    "Download the example CSV",
    EXAMPLE.to_csv(index=False).encode(),
    "labordash_example.csv",
    "text/csv",
    icon=":material/download:",
    on_click="ignore",
)
file = st.file_uploader(
    "Your table (CSV or XLSX)",
    type=["csv", "tsv", "txt", "xlsx"],
    max_upload_size=upload.MAX_BYTES // 2**20,
    key="byod_file",
)
use_example = file is None and st.session_state.get("byod_use_example", False)
if file is None and not use_example:
    st.info("No file yet: upload one, or use the example above.")
    st.stop()

if use_example:
    st.caption(f"The example: {EXAMPLE_SAYS} Upload a file to use your own.")
    name = "labordash_example.csv"
    raw = EXAMPLE
# read once per uploaded file (in a bounded child process), not on every rerun
elif st.session_state.get("byod_read", (None,))[0] != file.file_id:
    st.session_state.pop("byod_read", None)  # the earlier file's table is freed first
    try:
        with st.spinner("Reading the file..."):
            table = upload.read_bounded(file.getvalue(), file.name, owner=common.session_id())
            # counted against the session's and the server's budget until the session ends
            table = upload_budget.hold(common.session_id(), table)
            st.session_state["byod_read"] = (file.file_id, table)
    except upload.UploadError as exc:
        st.session_state["byod_read"] = (file.file_id, exc)
    except upload_budget.OverBudget as exc:
        st.session_state["byod_read"] = (file.file_id, upload.UploadError(str(exc)))
if not use_example:
    name, raw = file.name, st.session_state["byod_read"][1]
if isinstance(raw, upload.UploadError):
    st.error(f"The file cannot be used: {upload.inert(str(raw))}")
    st.stop()
enc = raw.attrs.get("encoding")
st.caption(
    upload.inert(
        f"{name}: {len(raw):,} rows, {len(raw.columns)} columns"
        + (f", read as {enc} text" if enc else "")
        + "."
    )
)
guess = upload.guess_columns(raw)
cols = list(raw.columns)
m1, m2, m3, m4 = st.columns(4)


def pick(container, label: str, role: str, fallback: int | None):
    """A column chooser seeded with the guessed column (``fallback`` = position if no guess;
    None makes the role optional)."""
    options = [None, *cols] if fallback is None else cols
    g = guess[role]
    index = options.index(g) if g in options else min(fallback or 0, len(options) - 1)
    return container.selectbox(
        label,
        options,
        index=index,
        key=f"byod_col_{role}",
        format_func=lambda c: "(none)" if c is None else upload.plain(c),
    )


region_col = pick(m1, "Region column", "region", 0)
industry_col = pick(m2, "Industry column", "industry", 1)
value_col = pick(m3, "Value column", "value", 2)
year_col = pick(m4, "Year column (optional)", "year", None)
try:
    df = upload.prepare(raw, region_col, industry_col, value_col, year_col)
    lq = metrics.location_quotients(df)
    spec = metrics.specialization(df)
    loc = metrics.localization(df)
except (upload.UploadError, ValueError) as exc:
    st.error(f"The table cannot be used with these columns: {upload.inert(str(exc))}")
    st.stop()
if lq.attrs["excluded_cells"]:
    st.warning(f"{lq.attrs['excluded_cells']} blank or suppressed value(s) were left out.")

years = sorted(df["year"].unique()) if "year" in df else []
c1, c2 = st.columns([3, 1])
industries = sorted(df["industry"].unique())
with c1:
    industry = st.selectbox("Industry", industries, key="byod_industry", format_func=upload.plain)
with c2:
    year = st.selectbox("Year", years, index=len(years) - 1, key="byod_year") if years else None
sel = lq[lq["industry"] == industry]
if year is not None:
    sel = sel[sel["year"] == year]
sel = sel.assign(label=sel["region"].map(upload.plain), share=sel["share"] * 100)
when = f", {year}" if year is not None else ""
view = {"industry": industry, "year": year}  # the file itself is not in any link or spec

layer, level, matched = best_layer(sorted(df["region"].unique()))
if layer:
    mp = maps.region_map(
        sel.set_index("region")["lq"],
        layer,
        level=level,
        breaks=maps.LQ_BREAKS,
        zoom=True,
        title=f"Location quotient: {upload.plain(industry)}",
        subtitle=f"ratio (all regions in the file = 1){when}",
        source=f"Your data · {geo.LAYERS[layer].credit}",
        unit="",
        names=common.region_names(),
    )
    common.figure(mp, key="byod_map")
    common.export_buttons(
        registry.Built(mp, [], name="your_data_lq_map", params=view), key="x_byod_map"
    )
    st.caption(upload.inert(f"{mp.alt} Region codes matched {LAYERS[layer]} ({matched:.0%})."))
else:
    st.caption(
        "No map: the region codes are not NUTS, US county FIPS or Russian ISO codes "
        f"(best match {matched:.0%})."
    )
bars = charts.ranked_bars(
    sel,
    label="label",
    value="lq",
    title=f"Location quotient: {upload.plain(industry)}",
    subtitle=f"ratio (all regions in the file = 1){when}",
    source="Your data",
    x_title="Location quotient",
    reference=1.0,
    reference_label="= 1",
)
common.figure(bars, key="byod_bars")
common.export_buttons(registry.Built(bars, [], name="your_data_lq", params=view), key="x_byod_bars")
st.caption(upload.inert(bars.alt))
shown = sel.drop(columns="label").sort_values("lq", ascending=False)
common.dataframe(shown, key="byod_lq")
common.download(shown, "your_data_lq", key="byod_dl_lq")

st.header("Specialization per region")
common.dataframe(spec, key="byod_spec")
common.download(spec, "your_data_specialization", key="byod_dl_spec")
st.header("Localization per industry")
common.dataframe(loc, key="byod_loc")
common.download(loc, "your_data_localization", key="byod_dl_loc")
