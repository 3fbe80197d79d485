"""Helpers shared by the pages: the store's cache key, cached loads, names, sources, downloads."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from dashboard import chart_specs, charts, config, dependence, export, geo, reference, store
from dashboard.catalog import industry_groups

MISSING = (store.StoreMissing, geo.GeometryMissing)
DEFAULT_INDUSTRY = {
    "nuts2": "B-E",
    "us_county": "defense_related",
    "us_state": "31-33",
    "ru_subject": "manufacturing",
    "ru_employment": "C",
}


def store_version() -> str:
    """Changes whenever a dataset or the geometries are rebuilt; the cache key for the pages."""
    built = {k: v.get("built") for k, v in store.manifest().items()}
    shapes = geo.stored_path()
    built["geometries"] = shapes.stat().st_mtime_ns if shapes.exists() else None
    built["home"] = str(config.store_dir())
    return json.dumps(built, sort_keys=True)


@st.cache_resource(show_spinner="Loading the regional data...", max_entries=8)
def system_data(version: str, system: str) -> dependence.Data:
    """A region system's cells (shared between sessions, never modified)."""
    return dependence.load(system)


@st.cache_resource(show_spinner=False, max_entries=2)
def region_names(version: str) -> dict[str, str]:
    """Region code -> English name; shared and read-only (cache_resource: no copy per call)."""
    try:
        r = reference.regions()
    except MISSING:
        return {}
    return dict(zip(r["code"], r["name_en"].fillna(r["code"]), strict=True))


def choose_system(ui) -> dependence.Data:
    """The region-system selectbox (``?system=``) and its data; stops the page with a message
    when the store lacks it."""
    system = ui.selectbox("Regions", list(dependence.SYSTEMS), "nuts2", key="system",
                          format_func=lambda k: dependence.SYSTEMS[k].label)  # fmt: skip
    try:
        return system_data(store_version(), system)
    except MISSING as exc:
        st.error(f"The data for this page is not available: {exc}")
        st.stop()


def industry_options(data: dependence.Data) -> list[str]:
    """Groups first, then the partition's industries, then every other code (sorted)."""
    present = set(data.cells["industry"])
    groups = [g for g in data.groups if set(data.groups[g]) & present]
    rest = sorted(present - set(data.partition) - set(groups))
    return [*groups, *[p for p in data.partition if p in present], *rest]


def default_period(data: dependence.Data) -> str:
    """The latest period in which at least half of the regions have data."""
    tot = data.totals[data.totals["region"].isin(data.regions)]
    n = tot.groupby("period")["region"].nunique()
    good = n[n >= n.max() / 2].index
    return str(max(good)) if len(good) else data.periods[-1]


def group_note(key: str) -> str:
    g = industry_groups().get(key)
    return f"{g.label}: {g.why}" if g else ""


def source_line(dataset: str, *extra: str) -> str:
    return chart_specs.source_line(dataset, *extra)


def download(df: pd.DataFrame, name: str, *, key: str) -> None:
    """A CSV download of exactly the rows shown."""
    safe = export.safe_name(name)
    st.download_button(
        "Download these rows (CSV)",
        export.spreadsheet_safe(df).to_csv(index=False).encode("utf-8"),
        file_name=f"{safe}.csv", mime="text/csv", key=key, icon=":material/download:",
    )  # fmt: skip


def export_buttons(chart: charts.Chart, name: str, datasets: list[str], filters: dict, *,
                   key: str) -> None:  # fmt: skip
    """PNG (2x), SVG and PDF of the chart as published (title, units, source, licence and a
    labordash credit), the rows plotted as CSV, and a zip with the data, metadata.json and a
    README with the citation. Each file is made only when its button is pressed."""
    base = export.safe_name(name)
    title = str(chart.figure.layout.title.text or name)
    vintages = {d: store.manifest().get(d, {}).get("vintage") for d in datasets}
    url = str(getattr(st.context, "url", "") or "")
    cols = st.columns([1, 1, 1, 1, 2])
    can_render = export.available()
    for col, fmt in zip(cols, export.FORMATS, strict=False):
        col.download_button(
            fmt.upper(), data=lambda f=fmt: export.image(chart.figure, f),
            file_name=f"{base}.{fmt}", mime=export.FORMATS[fmt], key=f"{key}_{fmt}",
            on_click="ignore", disabled=not can_render, icon=":material/image:",
            help=None if can_render else "Needs Chromium on the server (see README)",
        )  # fmt: skip
    cols[3].download_button(
        "CSV", data=lambda: export.spreadsheet_safe(chart.data).to_csv(index=False),
        file_name=f"{base}.csv", mime="text/csv", key=f"{key}_csv", on_click="ignore",
        icon=":material/table:",
    )  # fmt: skip
    cols[4].download_button(
        "Data, metadata and citation (zip)",
        data=lambda: export.data_package(chart.data, title=title, datasets=datasets,
                                         filters=filters, vintages=vintages, url=url),
        file_name=f"{base}.zip", mime="application/zip", key=f"{key}_zip", on_click="ignore",
        icon=":material/folder_zip:",
    )  # fmt: skip
