"""Data: the catalog, per-dataset downloads where the licence allows, and how to cite."""

import streamlit as st

from dashboard import queries
from dashboard.views import common

st.title("Data")
st.markdown(
    "Every dataset labordash reads, as its producer publishes it, parsed into one tidy table "
    "(`dataset, geo, year, indicator, value, unit, flag` plus keys). The vintage is the "
    "producer's release; *pulled* is when this server built it (`labordash pull`)."
)

try:
    man = queries.manifest()
except queries.StoreDamaged as exc:
    st.error(f"The data store cannot be listed: {exc}.")
    st.stop()
common.registered_table("data_catalog", heading=False)

thin = []
for sysm in queries.systems_list.values():
    held = man.get(sysm.dataset, {}).get("coverage", {}).get("areas", {}).get(sysm.geo_level)
    line = sysm.coverage(held) if held else None
    if line:
        thin.append(f"- **{sysm.label}** ({sysm.dataset}): {line}.")
st.caption(
    "*years*, *places* and *from* describe this install: the years and the regions or "
    "countries each dataset holds, and whether its files came from a local mirror, the "
    "download cache or the network. A dataset pulled by an older labordash shows - until it "
    "is pulled again."
)
if thin:
    st.warning("This install holds only part of some region systems:\n" + "\n".join(thin))

st.header("Downloads")
st.caption(
    "The tidy table of a dataset as stored: a zip with data.csv, metadata.json and a README "
    "with the citation (its text cells spreadsheet-safe), or the stored Parquet file."
)


@st.cache_data(show_spinner="Packing the dataset...", max_entries=4)
def package(dataset: str, built: str | None) -> bytes:  # built: the cache key
    return queries.dataset_package(dataset)


def parquet(dataset: str) -> bytes:
    return queries.dataset_bytes(dataset)


def cross_check(ds: str) -> str:
    """A line on how a dataset of medium provenance agrees with our own parse (from the store)."""
    if ds != "ru_budget_shares" or not {"ru_budget_shares", "roskazna_budget"} <= set(man):
        return ""
    a = queries.shares_agreement()
    return (
        f"Checked against our own parse of the Treasury's reports (`roskazna_budget`) in the "
        f"{a['cells']:,} cells both hold ({', '.join(map(str, a['years']))}): "
        f"{a['within_0_1']:.1%} agree within 0.1 percentage points, {a['within_0_05']:.1%} "
        f"within 0.05; the largest gap is {a['max_gap']:.2f} pp."
    )


for ds, o in queries.catalog().items():
    entry = man.get(ds)
    with st.container(border=True, key=f"ds-{ds}"):
        left, right = st.columns([3, 2])
        left.markdown(
            f"**{o.title}** (`{ds}`)  \n{o.producer}. Licence: [{o.licence}]({o.licence_url})."
        )
        if o.notes:
            left.markdown(o.notes)
        if check := cross_check(ds):
            left.caption(check)
        if not o.redistribute:
            right.markdown(
                f"Its terms do not allow bulk redistribution, so labordash offers no copy: "
                f"download it from the producer at [{o.url_main}]({o.url_main})."
            )
        elif entry is None:
            right.info("Not in this server's store yet: run `labordash pull`.")
        else:
            a, b = right.columns(2)
            a.download_button(
                "CSV (zip)",
                data=lambda d=ds, e=entry: package(d, e.get("built")),
                file_name=f"{queries.file_stem(ds)}.zip",
                mime="application/zip",
                key=f"dl_{ds}_zip",
                on_click="ignore",
                icon=":material/folder_zip:",
            )
            b.download_button(
                "Parquet",
                data=lambda d=ds: parquet(d),
                file_name=f"{queries.file_stem(ds)}.parquet",
                mime="application/vnd.apache.parquet",
                key=f"dl_{ds}_parquet",
                on_click="ignore",
                icon=":material/table:",
            )
            right.caption(f"{entry.get('rows'):,} rows; vintage {entry.get('vintage')}")

st.header("How to cite labordash")
plain, bib = queries.citation()
st.markdown(
    "Cite the data's producers (above, and in every export's README) and labordash with the "
    "version you used:"
)
st.code(plain, language=None, wrap_lines=True)
st.code(bib, language="bibtex", wrap_lines=True)
