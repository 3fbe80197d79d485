"""Bring your own data: the dependence measures on an uploaded region x industry table.

The file stays in this browser session's memory (Streamlit's uploader); nothing is written to
disk or shared with other sessions."""

import pandas as pd
import streamlit as st

from dashboard import registry, uploaded
from dashboard.views import common


@st.cache_data(show_spinner=False, max_entries=4)
def example(version: str) -> tuple[pd.DataFrame, str]:  # the store's version: the cache key
    return uploaded.example()


st.title("Your data")
st.markdown(
    "Upload a table of regions by industries (employment, output, establishments...) and get "
    "the same measures as the dependence page: shares, location quotients, specialization and "
    "localization. One row per region and industry (and year, if you have several), in CSV or "
    f"XLSX, {uploaded.limits()}. The file stays in "
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
    max_upload_size=uploaded.MAX_BYTES // 2**20,
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
            table = uploaded.read_bounded(file.getvalue(), file.name, owner=common.session_id())
            # counted against the session's and the server's budget until the session ends
            table = uploaded.hold(common.session_id(), table)
            st.session_state["byod_read"] = (file.file_id, table)
    except uploaded.UploadError as exc:
        st.session_state["byod_read"] = (file.file_id, exc)
    except uploaded.OverBudget as exc:
        st.session_state["byod_read"] = (file.file_id, uploaded.UploadError(str(exc)))
if not use_example:
    name, raw = file.name, st.session_state["byod_read"][1]
if isinstance(raw, uploaded.UploadError):
    st.error(f"The file cannot be used: {uploaded.inert(str(raw))}")
    st.stop()
enc = raw.attrs.get("encoding")
st.caption(
    uploaded.inert(
        f"{name}: {len(raw):,} rows, {len(raw.columns)} columns"
        + (f", read as {enc} text" if enc else "")
        + "."
    )
)
guess = uploaded.guess_columns(raw)
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
        format_func=lambda c: "(none)" if c is None else uploaded.plain(c),
    )


region_col = pick(m1, "Region column", "region", 0)
industry_col = pick(m2, "Industry column", "industry", 1)
value_col = pick(m3, "Value column", "value", 2)
year_col = pick(m4, "Year column (optional)", "year", None)
try:
    df, lq, spec, loc = uploaded.measures(raw, region_col, industry_col, value_col, year_col)
except (uploaded.UploadError, ValueError) as exc:
    st.error(f"The table cannot be used with these columns: {uploaded.inert(str(exc))}")
    st.stop()
if lq.attrs["excluded_cells"]:
    st.warning(f"{lq.attrs['excluded_cells']} blank or suppressed value(s) were left out.")

years = sorted(df["year"].unique()) if "year" in df else []
c1, c2 = st.columns([3, 1])
industries = sorted(df["industry"].unique())
with c1:
    industry = st.selectbox("Industry", industries, key="byod_industry", format_func=uploaded.plain)
with c2:
    year = st.selectbox("Year", years, index=len(years) - 1, key="byod_year") if years else None
sel = lq[lq["industry"] == industry]
if year is not None:
    sel = sel[sel["year"] == year]
sel = sel.assign(label=sel["region"].map(uploaded.plain), share=sel["share"] * 100)
when = f", {year}" if year is not None else ""
view = {"industry": industry, "year": year}  # the file itself is not in any link or spec

layer, level, matched = uploaded.best_layer(sorted(df["region"].unique()))
if layer:
    mp = uploaded.lq_map(sel, layer, level, industry, when, common.region_names())
    common.figure(mp, key="byod_map")
    common.export_buttons(
        registry.Built(mp, [], name="your_data_lq_map", params=view), key="x_byod_map"
    )
    st.caption(
        uploaded.inert(f"{mp.alt} Region codes matched {uploaded.LAYERS[layer]} ({matched:.0%}).")
    )
else:
    st.caption(
        "No map: the region codes are not NUTS, US county FIPS or Russian ISO codes "
        f"(best match {matched:.0%})."
    )
bars = uploaded.lq_bars(sel, industry, when)
common.figure(bars, key="byod_bars")
common.export_buttons(registry.Built(bars, [], name="your_data_lq", params=view), key="x_byod_bars")
st.caption(uploaded.inert(bars.alt))
shown = sel.drop(columns="label").sort_values("lq", ascending=False)


def table(df, stem: str, title: str, key: str) -> None:
    """One of the file's tables with its downloads: CSV of the rows shown, Markdown and
    LaTeX. Not in the registry: the file lives in this session only, so no link or
    `labordash export` spec can name it."""
    common.dataframe(df, key=key)
    common.download(df, stem, key=f"byod_dl_{key.removeprefix('byod_')}")
    b = registry.Built(None, [], table=df, notes={"title": title}, name=stem, params=view)
    common.table_downloads(b, key=f"x_{key}", notes=[f"From {name}, measured by labordash."])


table(shown, "your_data_lq", f"Location quotients of {industry}{when}", "byod_lq")
st.header("Specialization per region")
table(spec, "your_data_specialization", "Specialization per region", "byod_spec")
st.header("Localization per industry")
table(loc, "your_data_localization", "Localization per industry", "byod_loc")
