"""Helpers shared by the pages: the region-system chooser, the registry's charts drawn with
their export row, CSV downloads. Everything a page shows comes from ``dashboard.registry``."""

from __future__ import annotations

import time

import pandas as pd
import streamlit as st

from dashboard import chart_cache, charts, export, queries, registry
from dashboard.queries import Data
from dashboard.views import url_state

MISSING = queries.MISSING
region_names = queries.region_names  # code -> English name; shared and read-only


def store_version() -> str:
    """Changes whenever a dataset or the geometries are rebuilt; the cache key for the pages."""
    return queries.version()


def choose_system(ui, name: str) -> Data:
    """The region-system selectbox of chart ``name``'s parameter ``system`` (``?system=``) and
    its data; stops the page with a message when the store lacks it."""
    key = control(ui, name, "system")
    ui.forget_on_change("system", key, ["period", "base", "final"])
    try:
        with st.spinner("Loading the regional data..."):
            return queries.system_data(key)  # shared between sessions, never modified
    except MISSING as exc:
        st.error(f"The data for this page is not available: {exc}")
        st.stop()


def session_id() -> str:
    """This browser session's id ("" outside a Streamlit run)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else ""


def _frozen(params: dict) -> tuple:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))


def _build(name: str, params: tuple) -> registry.Built:
    b = registry.make(name, dict(params))  # resolved by ``built``: checked once
    if b.chart is not None:
        b.chart = charts.still(b.chart)
    return b


# shared between sessions and never modified: 30 students on one view cost one build, and the
# figure is serialised for Streamlit once, not on every rerun; bounded by bytes (chart_cache)
CACHE = chart_cache.ByteLRU(chart_cache.budget(), chart_cache.size_of)


def built(name: str, **params) -> registry.Built:
    """The registry's chart or table ``name`` for these parameters, cached per store version
    (keyed by every parameter, defaults filled in, so equal views share one build)."""
    key = (name, _frozen(registry.resolve(name, params)))
    return CACHE.get(store_version(), key, lambda: _build(*key))


def _built_or_say(name: str, what: str, **params) -> registry.Built | None:
    """:func:`built`, or None after a message naming ``what`` ("chart", "map", "table") and
    why it cannot be drawn (the selection, or the store lacks its data)."""
    try:
        return built(name, **params)
    except registry.SpecError as exc:
        st.info(
            f"This {what if what == 'table' else 'chart'} cannot be drawn for this "
            f"selection: {exc}."
        )
    except MISSING as exc:
        st.warning(f"The {what} cannot be drawn: {exc}")
    return None


def show(name: str, *, key: str = "", export_key: str = "", note: str = "", **params):
    """Draw the registry's chart ``name`` (under its entry's key, or ``key``) with its alt text
    (and ``note``) below it and its export row (``export_key``, by default "x_" and the key).
    Returns the ``Built``, or None with a message when it cannot be drawn."""
    b = _built_or_say(name, "map" if registry.entry(name).is_map else "chart", **params)
    if b is None:
        return None
    key = key or registry.entry(name).key
    figure(b.chart, key=key)
    st.caption(" ".join(filter(None, [b.chart.alt, note])))
    export_buttons(b, key=export_key or f"x_{key}")
    return b


def control(ui, name: str, param: str, **given):
    """The widget of chart ``name``'s parameter ``param`` as its entry declares it (label,
    choices, how they read, URL key ``?url=``, default), bound to the URL by ``ui``; ``given``:
    the values of the parameters its choices depend on (``Param.given``)."""
    e = registry.entry(name)
    p, default = e.param(param), e.defaults()[param]
    if p.widget == "years":
        lo, hi = p.span(**given)
        a, b = ui.year_range(p.label, lo, hi, p.years_of(default, **given), key=p.url)
        return "" if not default and (a, b) == (lo, hi) else f"{a}-{b}"
    if default in (None, ()) and p.default is not None:
        default = p.default(**p.context(given))
    if p.widget == "year":
        lo, hi = p.span(**given)
        return ui.year(p.label, lo, hi, default, key=p.url)
    options = p.allowed(**given)
    shown = p.formatter(**given)

    if p.widget == "multi":
        chosen = ui.multiselect(
            p.label,
            options,
            [d for d in default if d in options],
            key=p.url,
            format_func=shown,
            max_selections=p.max_selections,
        )
        return tuple(chosen)
    return ui.selectbox(
        p.label,
        options,
        default,
        key=p.url,
        format_func=shown,
        radio=p.widget == "radio",
        help=p.help,
    )


def check_unshown(ui, name: str, param: str, **given) -> None:
    """A link's value of chart ``name``'s ``param`` when this view does not draw its widget:
    an unknown one is named (``Scope.check_unshown``), as the declaration allows (``given``:
    the parameters its choices or years depend on)."""
    p = registry.entry(name).param(param)
    label = p.label.split(" (")[0]  # "Base year (= 100)": "Unknown base year ... in the link"
    if p.widget == "year":
        ui.check_unshown(p.url, label, is_year_in(*p.span(**given)))
    else:
        ui.check_unshown(p.url, label, lambda v: v in (p.allowed(**given) or [v]))


def controls(
    ui, name: str, *, widths: list[float] | None = None, skip: tuple[str, ...] = (), **fixed
) -> dict:
    """The widgets of every parameter chart ``name`` declares with a label, except those
    ``fixed`` by the page and those it draws elsewhere (``skip``), side by side in columns of
    ``widths`` when given; returns every parameter for :func:`show` (the chosen and the
    fixed)."""
    e = registry.entry(name)
    drawn = [k for k, p in e.params.items() if p.label and k not in fixed and k not in skip]
    cols = st.columns(widths) if widths else [st.container()] * len(drawn)
    chosen = {}
    for k, col in zip(drawn, cols, strict=True):
        with col:
            chosen[k] = control(ui, name, k, **fixed)
    return {**chosen, **fixed}


def chart(ui, name: str, *, widths: list[float] | None = None, note: str = "", **fixed):
    """A registered chart with its own widgets (:func:`controls`) above it: what a page
    writes to show a chart, one line."""
    return show(name, note=note, **controls(ui, name, widths=widths, **fixed))


_MARKDOWN = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#|~$"})


def plain(text: str) -> str:
    """``text`` shown as written by Streamlit's Markdown (no emphasis, links, HTML or LaTeX)."""
    return str(text).translate(_MARKDOWN)


def figure(chart: charts.Chart, *, key: str, ui=st) -> None:
    """A chart as the page shows it: its title and subtitle as page text above the figure and
    its source line below, wrapped by the browser at any width (the figure holds the plot,
    its axes and its legend)."""
    t = charts.texts(chart.figure)
    box = ui.container(key=f"head_{key}")
    if t["title"]:
        box.markdown(f"**{plain(t['title'])}**")
    if t["subtitle"]:
        box.caption(plain(t["subtitle"]))
    ui.plotly_chart(chart.figure, width="stretch", key=key)
    if t["source"]:
        ui.caption(plain(t["source"]))


PLAY_SECONDS = 0.8  # between the years of a playing map


def _play_from(w: str, lo: int, hi: int) -> None:
    """The Play button's callback (it runs before the script, so it may move the slider):
    remember where to start (the slider's year, or the first when it is at the end) and
    leave the slider on the last year, where the play ends."""
    year = st.session_state.get(w, hi)
    st.session_state[f"_play:{w}"] = year if year < hi else lo
    st.session_state[w] = hi


def year_player(ui, name: str, given: dict | None = None, **params) -> int:
    """The year slider of chart ``name``'s parameter ``year`` as its entry declares it (label,
    ``?url=``, years, default; ``given``: what they depend on besides ``params``) with a Play
    button beside it. Playing draws the chart for each year from the slider's to the last
    (``PLAY_SECONDS`` apart, each figure built once for all sessions) above a progress bar;
    the slider is then on the last year.
    Returns the slider's year, which the caller draws with its export row."""
    p = registry.entry(name).param("year")
    given = {**params, **(given or {})}
    lo, hi = p.span(**given)
    w = ui.w(p.url)
    c1, c2 = st.columns([6, 1], vertical_alignment="bottom")
    with c2:
        st.button(
            "Play",
            key=f"{w}:play",
            icon=":material/play_arrow:",
            disabled=lo >= hi,
            on_click=_play_from,
            args=(w, lo, hi),
            help=f"Show every year from the slider's to {hi}, then stay on {hi}",
        )
    with c1:
        year = control(ui, name, "year", **given)
    start = st.session_state.pop(f"_play:{w}", None)
    if start is not None and lo <= start < hi:
        slot, bar = st.empty(), st.progress(0.0)
        for i, y in enumerate(range(start, hi)):
            bar.progress(i / (hi - start), text=f"Playing: {y}")
            try:
                b = built(name, **params, year=y)
            except (registry.SpecError, *MISSING):
                continue  # a year without figures: the next one
            figure(b.chart, key=f"{w}:frame:{y}", ui=slot.container())
            time.sleep(PLAY_SECONDS)
        slot.empty()
        bar.empty()
    return year


def value_tools(ui, name: str, columns, y0: int, y1: int) -> dict:
    """The reader's Values and Scale widgets of chart ``name`` (as it declares them) and, for an
    index, a Base year, in three ``columns`` (``?values=``, ``?scale=``, ``?base=``); returns
    them as chart parameters."""
    with columns[0]:
        values = control(ui, name, "values")
    with columns[1]:
        scale = control(ui, name, "scale")
    base = None
    if values == "index":
        with columns[2]:
            base = control(ui, name, "base", years=f"{y0}-{y1}")
    else:
        check_unshown(ui, name, "base", years=f"{y0}-{y1}")
    return {"values": values, "scale": scale, "base": base}


def is_year_in(lo: int, hi: int):
    """A check for ``Scope.check_unshown``: the text is a year from lo to hi."""
    return lambda raw: url_state.year_in(raw, lo, hi)


def check_value_tools(ui, name: str, y0: int, y1: int) -> None:
    """``value_tools``' parameters of chart ``name`` in a link to a view that does not draw
    them."""
    check_unshown(ui, name, "values")
    check_unshown(ui, name, "scale")
    check_unshown(ui, name, "base", years=f"{y0}-{y1}")


def change_table(name: str, *, key: str, datasets: list[str], **params) -> None:
    """The table view of the registry's table ``name`` (first and last figures, change and
    relative change) with its caption and export row, or a message why it cannot be drawn."""
    try:
        b = built(name, **params)
    except registry.SpecError as exc:
        st.info(f"This table cannot be drawn for this selection: {exc}.")
        return
    st.subheader(b.title)
    readable(b.table, column_config={"geo": None})
    st.caption(
        "Each country's first and last year with a figure in the years chosen; relative "
        f"change = 100 x (last / first - 1). {queries.source_line(datasets)}."
    )
    export_buttons(b, key=key)


def registered_table(
    name: str, *, key: str = "", export_key: str = "", heading: bool = True, **params
) -> registry.Built | None:
    """The registry's table ``name`` under its title (``heading``; an expander's label may say
    it already; the exports keep it): columns labelled as ``notes["short"]``
    (the full label of ``notes["columns"]``, name -> (label, format), as the column's help and in
    the Markdown and LaTeX exports), the region pinned, ``notes["caption"]`` under it, the
    export row (the Markdown and LaTeX under ``notes["sample"]``, the caption and the source)
    and ``notes["box"]``; a message when it cannot be drawn."""
    b = _built_or_say(name, "table", **params)
    if b is None:
        return None
    key = key or registry.entry(name).key
    export_key = export_key or f"x_{key}"
    if heading:
        st.subheader(b.title)
    short = b.notes.get("short", {})
    config = {
        c: st.column_config.NumberColumn(short.get(c, label), format=fmt, help=label)
        for c, (label, fmt) in b.notes.get("columns", {}).items()
    }
    config |= {c: st.column_config.LinkColumn(c) for c in b.notes.get("links", [])}
    region = "name" if "name" in b.table else "region"  # the region's name, not its code
    if region in b.table:
        config[region] = st.column_config.TextColumn("Region", pinned=True)
    dataframe(b.table, key=key, column_config={"geo": None, **config})
    if b.notes.get("caption"):
        st.caption(b.notes["caption"])
    notes = [b.notes.get("sample", ""), b.notes.get("caption", ""), queries.source_line(b.datasets)]
    export_buttons(b, key=export_key, table_notes=[n for n in notes if n])
    if b.notes.get("box"):
        st.info(b.notes["box"], icon=":material/help:")
    return b


# machine column names -> what a reader sees, and how numbers are shown (Streamlit formats)
COLUMNS = {
    "term": ("Term", None), "coef": ("Coefficient", "%.4g"), "se": ("Std. error", "%.4g"),
    "t": ("t", "%.2f"), "pvalue": ("p-value", None), "ci_low": ("95% CI, low", "%.4g"),
    "ci_high": ("95% CI, high", "%.4g"), "country": ("Country", None), "lag": ("Lags", "%d"),
    "F": ("F", "%.2f"), "nobs": ("Observations", "%d"), "years": ("Years", None),
    "note": ("Note", None), "reason": ("Reason", None), "total_change": ("Total change", "%,.1f"),
    "industry": ("Code", None), "label": ("Industry", None),
    "base": ("Base period", "%,.1f"), "final": ("Final period", "%,.1f"),
    "national_share": ("National growth", "%,.1f"), "industry_mix": ("Industry mix", "%,.1f"),
    "regional_shift": ("Regional shift", "%,.1f"), "competitive": ("Competitive", "%,.1f"),
    "allocation": ("Allocation", "%,.1f"), "homothetic": ("Homothetic", "%,.1f"),
    "measure": ("Measure", None), "geo": ("Code", None),
    "from_year": ("From", "%d"), "from_value": ("First figure", "%,.2f"),
    "to_year": ("To", "%d"), "to_value": ("Last figure", "%,.2f"),
    "change": ("Change (last - first, in the measure's unit)", "%,.2f"),
    "relative_change": ("Relative change, %", "%,.1f"),
    "region": ("Region code", None), "name": ("Region", None), "hhi": ("HHI", "%.3f"),
    "krugman": ("Krugman index", "%.3f"), "hoover": ("Hoover index", "%.3f"),
    "entropy": ("Entropy", "%.3f"), "n_industries": ("Industries", "%d"),
    "excluded": ("Industries left out", "%d"), "locational_gini": ("Locational Gini", "%.3f"),
    "hoover_index": ("Hoover index", "%.3f"), "n_suppressed": ("Suppressed cells", "%d"),
    "share": ("Share, %", "%.2f"), "lq": ("Location quotient", "%.2f"),
    "status": ("Status", None), "rank": ("Rank", "%d"), "year": ("Year", None),
    "function": ("Budget function", None),
}  # fmt: skip


def p_value(p: float) -> str:
    """ "<0.001" below 0.001 (never "0"), else three decimals."""
    return "" if p != p else "<0.001" if p < 0.001 else f"{p:.3f}"


NA = "–"  # an empty cell (suppressed or not published); Streamlit would write "None"
SIGNIFICANT_ROWS = 50  # model tables: up to here "%.4g" columns are written as text


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def significant(v: float, digits: int = 4) -> str:
    """``v`` to ``digits`` significant digits as a reader writes it: 0.1235, 1,234, and for very
    small or large numbers 2.017 × 10⁻⁶ (not 2.017e-06)."""
    if v != v:
        return NA
    if v == 0 or 1e-3 <= abs(v) < 1e6:
        text = f"{v:,.{digits}g}"
        return text if "e" not in text else f"{v:,.0f}"
    exp = int(f"{v:e}".split("e")[1])
    return f"{v / 10**exp:.{digits - 1}f} × 10{str(exp).translate(_SUPERSCRIPT)}"


def dataframe(
    df: pd.DataFrame, *, columns: dict[str, tuple[str, str | None]] | None = None, **kw
) -> None:
    """``st.dataframe`` with human column names and printf number formats (``columns``: name
    -> (label, format)), applied by the browser; empty cells read "–", not "None"
    (Streamlit's ``placeholder``). In tables up to ``SIGNIFICANT_ROWS`` rows (model terms),
    "%.4g" columns are written here as text that reads 2.017 × 10⁻⁶, not 2.017e-06 (right
    aligned, sorted as text); the other numbers stay numbers for sorting. A pandas Styler did
    this before and cost 7 ms a table and 30-40 ms for the dependence table on every rerun."""
    columns = {**COLUMNS, **(columns or {})}  # a table's own labels first
    numeric = list(df.select_dtypes("number"))
    fmts = {c: columns[c][1] for c in numeric if columns.get(c, ("", None))[1]}
    as_text = [c for c, f in fmts.items() if f == "%.4g"] if len(df) <= SIGNIFICANT_ROWS else []
    config = {
        c: (
            st.column_config.TextColumn(label, alignment="right")
            if c in as_text
            else st.column_config.NumberColumn(label, format=fmt)
            if fmt
            else st.column_config.Column(label)
        )
        for c, (label, fmt) in columns.items()
        if c in df
    }
    shown = df.assign(**{c: df[c].map(significant) for c in as_text}) if as_text else df
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        placeholder=NA,
        column_config={**config, **kw.pop("column_config", {})},
        **kw,
    )


def readable(df: pd.DataFrame, **kw) -> None:
    """``st.dataframe`` with human column names and number formats (``COLUMNS``) and p-values
    as text ("<0.001"); the data itself (and its downloads) keep their names."""
    shown = df.assign(pvalue=df["pvalue"].map(p_value)) if "pvalue" in df else df
    dataframe(shown, **kw)


def table_text(b: registry.Built, fmt: str, notes: list[str]) -> str:
    """The table as Markdown ("md") or LaTeX ("tex") for a paper, as the page shows it: human
    column names, the page's number formats, "%.4g" numbers written 2.017 × 10⁻⁶ (not
    2.017e-06), p-values as "<0.001", and ``notes`` under it."""
    df = b.table.assign(pvalue=b.table["pvalue"].map(p_value)) if "pvalue" in b.table else b.table
    columns = {**COLUMNS, **b.notes.get("columns", {})}  # a table's own labels first
    labels = {c: label for c, (label, _) in columns.items()}
    formats = {c: fmt.lstrip("%") for c, (_, fmt) in columns.items() if fmt}
    tiny = [c for c in df if formats.get(c) == ".4g" and pd.api.types.is_numeric_dtype(df[c])]
    df = df.assign(**{c: df[c].map(significant) for c in tiny})
    return export.table_text(df, fmt, title=b.title, labels=labels, formats=formats, notes=notes)


def table_downloads(b: registry.Built, *, key: str, notes: list[str]) -> None:
    """The table as Markdown and as LaTeX (:func:`table_text`) with ``notes`` (sample,
    specification, source, link) under it."""
    cols = st.columns(len(export.TABLE_FORMATS) + 1)
    for col, (fmt, (name, mime)) in zip(cols, export.TABLE_FORMATS.items(), strict=False):
        col.download_button(
            f"{name} table",
            data=lambda f=fmt: table_text(b, f, notes),
            file_name=f"{registry.file_stem(b)}.{fmt}",
            mime=mime,
            key=f"{key}_{fmt}",
            on_click="ignore",
            icon=":material/article:",
        )


def download(df: pd.DataFrame, name: str, *, key: str) -> None:
    """A CSV download of exactly the rows shown, written when the button is pressed."""
    safe = export.safe_name(name)
    st.download_button(
        "Download these rows (CSV)",
        lambda: export.spreadsheet_safe(df).to_csv(index=False).encode("utf-8"),
        file_name=f"{safe}.csv",
        mime="text/csv",
        key=key,
        icon=":material/download:",
        on_click="ignore",  # a download is not a selection: the page does not run again
    )


def page_link() -> str:
    """This view's URL with every selection (the page's address and its query string)."""
    return export.view_link(
        str(getattr(st.context, "url", "") or ""),
        [(k, v) for k in st.query_params for v in st.query_params.get_all(k)],
    )


def export_buttons(b: registry.Built, *, key: str, table_notes: list[str] | None = None) -> None:
    """PNG (2x), SVG and PDF of the chart as published (title, units, source, licence and a
    labordash credit), the rows plotted as CSV, a zip with the data, metadata.json and a README
    with the citation, and the export spec that makes ``labordash export`` render it again;
    for a table with ``table_notes``, Markdown and LaTeX of it (:func:`table_text`) in the
    same row. Each file is made only when its button is pressed."""
    base = registry.file_stem(b)
    url = page_link()
    filters = {k: list(v) if isinstance(v, tuple) else v for k, v in b.params.items()}
    images = list(export.FORMATS) if b.chart is not None else []
    texts = list(export.TABLE_FORMATS) if table_notes is not None else []
    widths = [1] * len(images) + [1] + [1.4] * len(texts) + [2, 1.4, 1.1]
    cols = iter(st.columns(widths))
    can_render = export.available()
    for fmt in images:
        next(cols).download_button(
            fmt.upper(),
            data=lambda f=fmt: export.image(b.chart.figure, f, url=url),
            file_name=f"{base}.{fmt}",
            mime=export.FORMATS[fmt],
            key=f"{key}_{fmt}",
            on_click="ignore",
            disabled=not can_render,
            icon=":material/image:",
            help=None if can_render else "Needs Chromium on the server (see docs/deploying.md)",
        )
    next(cols).download_button(
        "CSV",
        data=lambda: export.spreadsheet_safe(b.rows).to_csv(index=False),
        file_name=f"{base}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
        icon=":material/table:",
    )
    for fmt in texts:
        name, mime = export.TABLE_FORMATS[fmt]
        next(cols).download_button(
            name,
            data=lambda f=fmt: table_text(b, f, table_notes),
            file_name=f"{base}.{fmt}",
            mime=mime,
            key=f"{key}_table_{fmt}",
            on_click="ignore",
            icon=":material/article:",
        )
    next(cols).download_button(
        "Data, metadata and citation (zip)",
        data=lambda: export.data_package(
            b.rows,
            title=b.title,
            datasets=b.datasets,
            filters=filters,
            vintages=queries.vintages(b.datasets),
            url=url,
            source=charts.texts(b.chart.figure)["source"] if b.chart is not None else "",
        ),
        file_name=f"{base}.zip",
        mime="application/zip",
        key=f"{key}_zip",
        on_click="ignore",
        icon=":material/folder_zip:",
    )
    spec_col, link_col = next(cols), next(cols)
    with link_col.popover("Link", icon=":material/link:", help="Copy the link to this view"):
        st.caption("This view with every choice (copy with the button at the right):")
        st.code(url, language=None, wrap_lines=True)
    if b.name not in registry.REGISTRY:  # a chart of an uploaded file: nothing to re-render
        return
    with spec_col.popover("Export spec", icon=":material/code:"):
        st.caption("Add to a TOML file and run `labordash export FILE` to render this again:")
        st.code(registry.spec_toml(b), language="toml")
