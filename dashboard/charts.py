"""Plotly figure builders in one house style (DESIGN.md, "House style for charts").

Title says what is measured; subtitle gives units, geography and period; a footer line carries
``Source: <producer> (<vintage>) · <licence>``. On screen these three are page text; the figure
holds the plot, its axes and a legend below it that names every series, and exports compose
the texts around it (:func:`compose`). Colours from :mod:`dashboard.palette` (each series keeps
its colour across charts). Every builder also returns alt text describing the chart in words.
"""

from __future__ import annotations

import hashlib
import textwrap
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.colors import sample_colorscale

from dashboard import palette, textfit
from dashboard.palette import PALETTE  # 12 colours, each 3:1 on white (see dashboard.palette)

FONT = "Inter, 'Source Sans 3', 'Helvetica Neue', Arial, sans-serif"
# The house template is plotly's default here: a figure that names its template validates the
# whole template again (about 9 ms a figure, most of a cold chart's build)
pio.templates.default = "plotly_white"

# Heights in px of the parts of a figure, from the top: the unit of the y axis, the plot, the x
# tick labels, the x title and the legend
PLOT_PX = 320  # a plot's height: 300 px or more at any width (issue 27)
PANEL_PX = 180  # each panel of a stacked chart
TOP_PX = 30  # above the plot: the unit of the y axis, one line of 12 px type
TICKS_PX = 26  # x tick labels
LINE_PX = 18  # one line of an x title
LEGEND_ROW_PX = 22  # one row of a legend below the plot
PHONE_LEGEND_PX = 300  # the width a 390 px phone gives a plot, and so a legend's rows
MAX_LABELLED = 12  # series drawn one by one (Guns vs butter's rolling correlations: the first 12)


@dataclass
class Chart:
    figure: go.Figure
    alt: str
    data: pd.DataFrame


class StillFigure(go.Figure):
    """A figure that is no longer changed (one the app's cache shares between sessions): its
    ``to_dict``, which Streamlit calls on every rerun and which base64-encodes every array, is
    computed once, with ``layout.datarevision`` set to a digest of the figure. Copies
    (``go.Figure(fig)``) are ordinary figures.

    Why the digest: Streamlit's frontend draws a chart two or three times as it settles, each
    time with the spec parsed again into new arrays, which ``Plotly.react`` takes for new data
    unless the layout's ``datarevision`` is given and unchanged. With it, only the first draw
    does the work; a changed figure has another digest and is drawn again."""

    def to_dict(self):
        cached = self.__dict__.get("_still_dict")
        if cached is None:
            cached = super().to_dict()
            cached.setdefault("layout", {}).pop("datarevision", None)
            text = pio.to_json(cached).encode()
            cached["layout"]["datarevision"] = hashlib.blake2b(text, digest_size=8).hexdigest()
            self.__dict__["_still_dict"] = cached
            self.__dict__["_still_bytes"] = len(text)
        return cached

    def json_bytes(self) -> int:
        """The length of the figure's JSON (the app's chart cache sizes entries by it)."""
        self.to_dict()
        return self.__dict__["_still_bytes"]


def still(chart: Chart) -> Chart:
    """The chart, its figure made a ``StillFigure`` in place (a copy would validate every trace
    and the template again)."""
    chart.figure.__class__ = StillFigure  # same layout, one method more
    return chart


def texts(fig: go.Figure) -> dict[str, str]:
    """The title, subtitle and source line that :func:`house_layout` gave ``fig``."""
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    return {k: str(meta.get(k) or "") for k in ("title", "subtitle", "source")}


def wrap(text: str, width: int = 40) -> str:
    """Break a short label (an x axis title, a panel title) into lines for plotly, which does
    not wrap: at spaces, ``width`` characters a line."""
    return "<br>".join(textwrap.wrap(text, width, break_on_hyphens=False)) or text


def house_layout(
    fig: go.Figure, title: str, subtitle: str, source: str, y_title: str, left: int = 10
) -> None:
    """The house style: ``title``, ``subtitle`` and ``source`` kept in ``layout.meta`` (page
    text on screen, composed into exports); the y axis's unit written above the axis, level
    (a rotated title took 40 px of a phone's width); a legend in rows below the plot, never
    beside it. ``left`` is the left margin in px (the y tick labels widen it as they need)."""
    fig.update_layout(
        meta={"title": title, "subtitle": subtitle, "source": source},
        font={"family": FONT, "size": 13, "color": "#222"},
        colorway=PALETTE,
        margin={"l": left, "r": 20, "t": TOP_PX, "b": TICKS_PX},
        legend={
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 0,
            "yanchor": "top",
            "title": None,
            "font": {"size": 12},
            "traceorder": "normal",
        },
        hovermode="x unified",
        # a one-line chart must still say whose line it is; a builder may have said no before
        showlegend=fig.layout.showlegend is not False,
    )
    fig.update_xaxes(automargin=False, tickangle=0)
    fig.update_yaxes(automargin=True)
    if y_title:
        add_annotations(fig, [unit_label(y_title)])


TITLE_PX, SUBTITLE_PX, SOURCE_PX = 20, 14, 11  # an export's type sizes
PAD_PX = 24  # an export's margin around its texts
TICK_ROOM_PX = 70  # y tick labels may widen the left margin by this much (plotly's automargin)


def compose(
    fig: go.Figure, width: int, height: int | None = None, *, credit: str = ""
) -> tuple[go.Figure, int]:
    """A copy of ``fig`` for an image ``width`` px wide, with its title, subtitle and source
    line (and ``credit`` under it) set into the image, wrapped by measured width
    (:mod:`dashboard.textfit`: the export's font) between the plot's left edge and a right
    margin of ``PAD_PX``. Returns the figure and the image's height: ``height``, or the
    figure's own plus the texts' (the plot keeps its size)."""
    t = texts(fig)
    m = fig.layout.margin
    left = max(m.l or 0, PAD_PX)
    axes = any(a.visible is not False for a in fig.select_yaxes())
    room = width - PAD_PX - left - (TICK_ROOM_PX if axes else 0)
    title = textfit.wrap(t["title"], room, TITLE_PX, bold=True)
    sub = textfit.wrap(t["subtitle"], room, SUBTITLE_PX)
    foot = [*textfit.wrap(t["source"], room, SOURCE_PX), *([credit] if credit else [])]
    head_px = int(PAD_PX + 1.3 * TITLE_PX * len(title) + 1.45 * SUBTITLE_PX * len(sub) + 8)
    foot_px = int(1.5 * SOURCE_PX * len(foot) + PAD_PX)
    # the legend's rows at this width, not a phone's: the room a phone needed is given back
    names = legend_names(fig)
    plot_w = width - left - max(m.r or 0, PAD_PX) - (TICK_ROOM_PX if axes else 0)
    spare = LEGEND_ROW_PX * max(0, legend_rows(names) - legend_rows(names, plot_w))
    bottom = (m.b or 0) - spare
    height = height or int((fig.layout.height or 500) - spare + head_px + foot_px)
    out = go.Figure(fig)
    out.update_layout(
        title={
            "text": "<br>".join(title),
            "x": 0,
            "xref": "paper",
            "xanchor": "left",
            "y": 1 - PAD_PX / height,
            "yref": "container",
            "yanchor": "top",
            "font": {"size": TITLE_PX, "weight": "bold", "color": "#111"},
            "subtitle": {"text": "<br>".join(sub), "font": {"size": SUBTITLE_PX, "color": "#444"}},
        },
        margin={
            "t": (m.t or 0) + head_px,
            "b": bottom + foot_px,
            "l": left,
            "r": max(m.r or 0, PAD_PX),
        },
    )
    out.add_annotation(
        text="<br>".join(foot),
        name="footer",
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-bottom - 8,
        xanchor="left",
        yanchor="top",
        align="left",
        showarrow=False,
        font={"size": SOURCE_PX, "color": "#444"},
    )
    return out, height


def unit_label(text: str, axis: str = "", yshift: int = 6) -> dict:
    """The unit of a y axis, level above its plot's left edge (``axis`` "" for the first
    panel's, "2" for the second's, ...)."""
    return {
        "text": text,
        "name": "unit",
        "xref": f"x{axis} domain",
        "yref": f"y{axis} domain",
        "x": 0,
        "y": 1,
        "xanchor": "left",
        "yanchor": "bottom",
        "yshift": yshift,
        "showarrow": False,
        "font": {"size": 12, "color": "#555"},
        "align": "left",
    }


def add_annotations(fig: go.Figure, annotations: list[dict]) -> None:
    """Append annotations in one step: ``fig.add_annotation`` copies and checks the whole list
    each time (12 annotations took 54 ms that way, 8 ms this way)."""
    if annotations:
        fig.layout.annotations += tuple(go.layout.Annotation(**a) for a in annotations)


def legend_names(fig: go.Figure) -> list[str]:
    """The names the legend shows (a legend group once)."""
    if fig.layout.showlegend is False:
        return []
    seen, names = set(), []
    for t in fig.data:
        if t.showlegend is False or not t.name:
            continue
        group = t.legendgroup or t.name
        if group not in seen:
            seen.add(group)
            names.append(str(t.name))
    return names


def legend_rows(names: list[str], width_px: float = PHONE_LEGEND_PX) -> int:
    """Rows a horizontal legend of ``names`` takes in ``width_px`` (the plot's width), as
    plotly.js lays it out: one row when every entry fits side by side, else columns as wide as
    the widest entry (its 40 px symbol, the name and a gap). Names are measured at 13 px for
    the 12 px type, since the browser may set a wider font than the export's (the safe side)."""
    if not names:
        return 0
    widths = [50 + textfit.text_width(n, 13) for n in names]
    if sum(widths) <= width_px:
        return 1
    columns = max(1, int(width_px // max(widths)))
    return -(-len(names) // columns)


def set_x_title(fig: go.Figure, text: str, width: int = 40) -> None:
    """The x axis title, wrapped to ``width`` characters (a phone's plot is narrow)."""
    fig.update_xaxes(title_text=wrap(text, width), title_standoff=4)


def _x_title_lines(fig: go.Figure) -> int:
    titles = [a.title.text for a in fig.select_xaxes() if a.title and a.title.text]
    return max((str(t).count("<br>") + 1 for t in titles), default=0)


def fit_height(fig: go.Figure, plot_px: int = PLOT_PX, *, ticks: int = 1) -> None:
    """The figure's height from its plot's: the top margin, ``plot_px``, then below the plot
    ``ticks`` lines of x tick labels, the x title and the legend's rows as a 390 px phone lays
    them out (a desktop needs fewer: the plot keeps its size at any width, the figure grows)."""
    below = (TICKS_PX + 15 * (ticks - 1) if ticks else 4) + LINE_PX * _x_title_lines(fig)
    rows = legend_rows(legend_names(fig))
    bottom = below + LEGEND_ROW_PX * rows + (8 if rows else 0)
    top = fig.layout.margin.t if fig.layout.margin.t is not None else TOP_PX
    fig.update_layout(
        height=int(top + plot_px + bottom),
        margin={"b": int(bottom)},
        legend={"y": -below / plot_px, "yanchor": "top"},
    )


def time_series(
    df: pd.DataFrame,
    *,
    names: dict[str, str],
    title: str,
    subtitle: str,
    source: str,
    y_title: str,
    value_format: str = ".1f",
    log: bool = False,
) -> Chart:
    """One line per ``geo`` over ``year``; estimates (flag) are marked with hollow markers. Each
    geo keeps its colour (:mod:`dashboard.palette`) and is named in the legend below the plot.
    ``log``: a logarithmic y axis (the caller leaves out values <= 0)."""
    fig = go.Figure()
    parts = []
    geos = list(dict.fromkeys(df.sort_values("year")["geo"]))
    colours = palette.assign(geos)
    # the legend lists the lines as they end, highest first
    ending = df.dropna(subset=["value"]).sort_values("year").groupby("geo")["value"].last()
    order = sorted(geos, key=lambda g: -float(ending.get(g, float("-inf"))))
    by_geo = dict(tuple(df.sort_values("year").groupby("geo", sort=False)))
    for geo, g in ((k, by_geo[k]) for k in order):
        name = names.get(geo, geo)
        est = g["flag"].isin(["estimate", "uncertain"]) if "flag" in g else False
        fig.add_trace(
            go.Scatter(
                x=g["year"],
                y=g["value"],
                mode="lines+markers",
                name=name,
                line={"color": colours[geo]},
                marker={"size": 5, "symbol": ["circle-open" if e else "circle" for e in est]},
                customdata=g["flag"].fillna("") if "flag" in g else None,
                hovertemplate=f"{name}: %{{y:{value_format}}} %{{customdata}}<extra></extra>",
                connectgaps=False,
            )
        )
        last = g.dropna(subset=["value"]).tail(1)
        if len(last):
            y, x = float(last["value"].iloc[0]), int(last["year"].iloc[0])
            parts.append(f"{name} {y:{value_format}} in {x}")
    house_layout(fig, title, subtitle, source, y_title)
    fig.update_xaxes(showgrid=False, nticks=8)
    if log:
        values = pd.to_numeric(df["value"], errors="coerce")
        fig.update_yaxes(type="log", **log_ticks(values[values > 0]))
    fit_height(fig)
    alt = f"Line chart: {title}. {subtitle}. Latest values: " + (
        "; ".join(parts) if parts else "no data"
    )
    return Chart(fig, alt + ".", df)


def log_ticks(values: pd.Series) -> dict:
    """Tick labels of a log axis: powers of ten where the values span two decades or more,
    else 1, 2 and 5 of each decade (plotly's default labels every digit 2-9, which crowd)."""
    v = values.dropna()
    span = float(np.log10(v.max() / v.min())) if len(v) and v.min() > 0 else 0.0
    return {"dtick": 1, "minor": {"showgrid": False}} if span >= 2 else {"dtick": "D2"}


def mark_events(chart: Chart, events) -> None:
    """Dotted vertical lines at dated events (``catalog.Event``) within the chart's years, each
    labelled above the plot in a row of its own (ending at its line, so labels of close dates
    do not overlap; the unit label moves above them), its source in the hover (an invisible
    marker) and in the chart's text."""
    fig = chart.figure
    top = float(pd.to_numeric(chart.data["value"], errors="coerce").max())
    years = pd.to_numeric(chart.data["year"], errors="coerce")
    events = sorted((e for e in events if years.min() <= e.x <= years.max() + 1), key=lambda e: e.x)
    labels = []
    for row, e in enumerate(events):
        fig.add_vline(x=e.x, line={"dash": "dot", "color": "#555", "width": 1})
        labels.append(
            {
                "x": e.x,
                "y": 1,
                "yref": "paper",
                "yanchor": "bottom",
                "xanchor": "right",
                "xshift": -2,
                "yshift": 15 * (len(events) - 1 - row),
                "text": e.short or e.label,
                "showarrow": False,
                "font": {"size": 11, "color": "#555"},
            }
        )
        fig.add_trace(
            go.Scatter(
                x=[e.x],
                y=[top],
                mode="markers",
                showlegend=False,
                marker={"size": 14, "color": "rgba(0,0,0,0)"},
                name=e.label,
                hovertemplate=f"{e.date.isoformat()}: {e.label}<br>Source: {e.source}<br>{e.url}"
                "<extra></extra>",
            )
        )
    add_annotations(fig, labels)
    if events:
        more = 15 * len(events)
        fig.update_annotations(selector={"name": "unit"}, yshift=6 + more)
        fig.update_layout(margin={"t": fig.layout.margin.t + more}, height=fig.layout.height + more)
        chart.alt += (
            " Events marked: "
            + "; ".join(
                f"{e.date.isoformat()} {e.label} (source: {e.source}, {e.url})" for e in events
            )
            + "."
        )


# --- small multiples and scatter ------------------------------------------------------------


def stacked_series(
    df: pd.DataFrame,
    panels: list[tuple[str, str, str]],
    *,
    names: dict[str, str],
    title: str,
    subtitle: str,
    source: str,
    summarize_above: int = 10,
    log: bool = False,
    from_zero: bool = False,
) -> Chart:
    """One panel per measure (``panels`` = [(column, panel title, unit)]), shared years, one line
    per country; with more than ``summarize_above`` countries, the median and 25-75% band, drawn
    only for years where at least a quarter of the countries (and 3) report. ``log``:
    logarithmic y axes (the caller leaves out values <= 0); ``from_zero``: axes that start at
    0, for indices whose small changes must not look large. Each country is named once in the
    legend below the panels (its lines in every panel share its colour); each panel's title
    and unit stand above it, left-aligned and wrapped within the plot's width."""
    from plotly.subplots import make_subplots

    years = pd.to_numeric(df["year"], errors="coerce")
    if years.notna().all():  # years given as text ("2005") would make the x axis categorical
        df = df.assign(year=years)
    gap_px = 54  # between panels: the next panel's title and unit
    plot_px = PANEL_PX * len(panels) + gap_px * (len(panels) - 1)
    fig = make_subplots(
        rows=len(panels),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=gap_px / plot_px if len(panels) > 1 else 0.0,
        subplot_titles=[wrap(f"{t}, {u}" if u else t, 44) for _, t, u in panels],
    )
    for a in fig.layout.annotations:  # the panel titles: from the plot's left edge, not centred
        a.update(x=0, xanchor="left", align="left", font_size=13, yshift=4)
    geos = list(dict.fromkeys(df["geo"]))
    colours = palette.assign(geos)
    summarize = len(geos) > summarize_above
    alt_parts = []
    for row, (col, panel_title, _unit) in enumerate(panels, start=1):
        d = df.dropna(subset=[col])
        if summarize:
            said = _band_and_median(fig, d, col, row, len(geos))
        else:
            said = _named_lines(fig, d, col, row, geos, names, colours)
        if said:  # every series of the panel, once
            alt_parts.append(f"{panel_title}: {said}")
    house_layout(fig, title, subtitle, source, "")
    # the first panel's title stands above the plot, in the top margin
    title_lines = str(fig.layout.annotations[0].text).count("<br>") + 1
    fig.update_layout(margin={"t": 12 + 17 * title_lines}, hovermode="x")
    _panel_axes(fig, df, [c for c, _t, _u in panels], log, from_zero)
    if years.notna().all():  # periods such as "2016-Q4" are categories: plotly's range
        fig.update_xaxes(range=[float(years.min()) - 0.5, float(years.max()) + 0.5])
    fit_height(fig, plot_px)
    alt = f"Line charts: {title}. {subtitle}. " + ("; ".join(alt_parts) or "no data") + "."
    # the rows behind it: what the panels plot, no more (a panel frame carried 18 columns)
    cols = [c for c, _t, _u in panels]
    data = df[["geo", "year", *cols]].assign(name=df["geo"].map(lambda g: names.get(g, g)))
    return Chart(fig, alt, data[["geo", "name", "year", *cols]].reset_index(drop=True))


def _band_and_median(fig: go.Figure, d: pd.DataFrame, col: str, row: int, n_geos: int) -> str:
    """The 25-75% band and the median of ``col`` in panel ``row``, for the years where at least
    a quarter of the ``n_geos`` countries (and 3) report; the median's last value, as text."""
    n = d.groupby("year")[col].size()
    enough = n[n >= max(3, n_geos // 4)].index
    d = d[d["year"].isin(enough)]
    q = d.groupby("year")[col].quantile([0.25, 0.5, 0.75]).unstack()
    edge = {"mode": "lines", "line": {"width": 0}, "hoverinfo": "skip"}
    fig.add_trace(go.Scatter(x=q.index, y=q[0.75], showlegend=False, **edge), row=row, col=1)
    fig.add_trace(
        go.Scatter(
            x=q.index,
            y=q[0.25],
            fill="tonexty",
            fillcolor="rgba(0,114,178,0.18)",
            name="25-75% of countries",
            legendgroup="band",
            showlegend=row == 1,
            **edge,
        ),
        row=row,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=q.index,
            y=q[0.5],
            name="median",
            line={"color": PALETTE[0]},
            customdata=n.reindex(q.index),
            showlegend=row == 1,
            legendgroup="median",
            hovertemplate="median %{y:.2f} (%{customdata} countries)<extra></extra>",
        ),
        row=row,
        col=1,
    )
    return f"median {q[0.5].iloc[-1]:.1f} in {q.index[-1]}" if len(q) else ""


def _named_lines(
    fig: go.Figure,
    d: pd.DataFrame,
    col: str,
    row: int,
    geos: list[str],
    names: dict[str, str],
    colours: dict[str, str],
) -> str:
    """One line per country in panel ``row`` (named in the legend once, from the first panel);
    each country's last value, as text."""
    ends = []
    for geo in geos:
        g = d[d["geo"] == geo]
        fig.add_trace(
            go.Scatter(
                x=g["year"],
                y=g[col],
                mode="lines",
                name=names.get(geo, geo),
                legendgroup=geo,
                showlegend=row == 1,
                line={"color": colours[geo]},
                hovertemplate=f"{names.get(geo, geo)}: %{{y:.2f}}<extra></extra>",
            ),
            row=row,
            col=1,
        )
        if len(g):
            ends.append(f"{names.get(geo, geo)} {g[col].iloc[-1]:.1f} in {g['year'].iloc[-1]}")
    return ", ".join(ends)


def _panel_axes(
    fig: go.Figure, df: pd.DataFrame, cols: list[str], log: bool, from_zero: bool
) -> None:
    """Each panel's y axis: logarithmic with readable ticks, or from zero; 8 x ticks."""
    for row, col in enumerate(cols, start=1):
        fig.update_yaxes(
            row=row, col=1, type="log" if log else None, rangemode="tozero" if from_zero else None
        )
        if log:
            vals = pd.to_numeric(df[col], errors="coerce")
            fig.update_yaxes(row=row, col=1, **log_ticks(vals[vals > 0]))
    fig.update_xaxes(nticks=8)


def scatter_fit(
    df: pd.DataFrame,
    x: str,
    y: str,
    band: pd.DataFrame | None,
    *,
    names: dict[str, str],
    x_title: str,
    y_title: str,
    title: str,
    subtitle: str,
    source: str,
    trajectories: bool,
    points: str = "country-years",
    marked: tuple[str, ...] = (),
) -> Chart:
    """y against x per country-year; trajectories (lines through the years, their first and
    last year written at their ends and an arrowhead on the last) for few countries, and the
    pooled OLS fit with its confidence band, its slope and R² in its name. ``marked`` geos are
    drawn larger and numbered (1, 2, ... on the points), each named with its number in the
    legend: names written beside close points printed over each other."""
    d = df.dropna(subset=[x, y]).sort_values(["geo", "year"])
    fig = go.Figure()
    if band is not None:
        _confidence_band(fig, band)
    if trajectories:
        _trajectories(fig, d, x, y, names)
    else:
        fig.add_trace(
            go.Scatter(
                x=d[x],
                y=d[y],
                mode="markers",
                name=points,
                marker={"size": 5, "color": PALETTE[0], "opacity": 0.35},
                text=[f"{names.get(g, g)} {yr}" for g, yr in zip(d["geo"], d["year"], strict=True)],
                hovertemplate="%{text}: x %{x:.2f}, y %{y:.2f}<extra></extra>",
            )
        )
    order = _numbered(fig, d, x, y, marked, names)
    if band is not None:
        a = band.attrs
        fig.add_trace(
            go.Scatter(
                x=band["x"],
                y=band["fit"],
                mode="lines",
                name=f"OLS fit: slope {a['slope']:.3g}, R² {a['r2']:.2f}",
                line={"color": "#000", "dash": "dash"},
            )
        )
    house_layout(fig, title, subtitle, source, y_title)
    set_x_title(fig, x_title)
    fig.update_layout(hovermode="closest")
    fit_height(fig)
    fit = ""
    if band is not None:
        a = band.attrs
        fit = f" OLS slope {a['slope']:.2f} (R² {a['r2']:.2f}, n = {a['n']})."
    alt = f"Scatter plot: {title}. {subtitle}. {len(d)} {points}.{fit}"
    if order:
        alt += (
            " Numbered: "
            + "; ".join(f"{i} {names.get(g, g)}" for i, g in enumerate(order, start=1))
            + "."
        )
    return Chart(fig, alt, d)


def _confidence_band(fig: go.Figure, band: pd.DataFrame) -> None:
    """The fit's confidence band: its upper edge, then the lower one filled up to it."""
    edge = {"mode": "lines", "line": {"width": 0}, "hoverinfo": "skip"}
    fig.add_trace(go.Scatter(x=band["x"], y=band["high"], showlegend=False, **edge))
    fig.add_trace(
        go.Scatter(
            x=band["x"],
            y=band["low"],
            fill="tonexty",
            fillcolor="rgba(0,0,0,0.10)",
            name="95% confidence band",
            **edge,
        )
    )


def _trajectories(fig: go.Figure, d: pd.DataFrame, x: str, y: str, names: dict) -> None:
    """One line per country through its years, the first and last year written at its ends and
    an arrowhead on the last point."""
    colours = palette.assign(list(dict.fromkeys(d["geo"])))
    for geo, g in d.groupby("geo", sort=False):
        name = names.get(geo, geo)
        n = len(g)
        ends = [str(yr) if i in (0, n - 1) else "" for i, yr in enumerate(g["year"])]
        fig.add_trace(
            go.Scatter(
                x=g[x],
                y=g[y],
                mode="lines+markers+text",
                name=name,
                line={"color": colours[geo], "width": 1.5},
                text=ends,
                textposition="top center",
                textfont={"size": 10, "color": colours[geo]},
                marker={
                    "size": [5] * (n - 1) + [11] if n > 1 else 5,
                    "symbol": ["circle"] * (n - 1) + ["arrow"] if n > 1 else "circle",
                    "angleref": "previous",
                },
                customdata=g["year"],
                hovertemplate=f"{name} %{{customdata}}: x %{{x:.2f}}, y %{{y:.2f}}<extra></extra>",
            )
        )


def _numbered(fig: go.Figure, d: pd.DataFrame, x: str, y: str, marked, names: dict) -> list:
    """The ``marked`` geos' latest points drawn larger and numbered 1, 2, ..., and a key of
    each number with its name; the geos numbered, in order."""
    mark = d[d["geo"].isin(marked)].sort_values("year").groupby("geo").tail(1)
    if not len(mark):
        return []
    colours = palette.assign(list(marked))
    order = [g for g in marked if g in set(mark["geo"])]
    rows = mark.set_index("geo").loc[order]
    fig.add_trace(
        go.Scatter(
            x=rows[x],
            y=rows[y],
            mode="markers+text",
            name="selected",
            showlegend=False,
            text=[str(i) for i in range(1, len(order) + 1)],
            textposition="middle center",
            textfont={"size": 10, "color": "#fff"},
            customdata=[names.get(g, g) for g in order],
            marker={
                "size": 17,
                "color": [colours[g] for g in order],
                "line": {"width": 1, "color": "#fff"},
            },
            hovertemplate="%{customdata}: x %{x:.2f}, y %{y:.2f}<extra></extra>",
        )
    )
    for i, g in enumerate(order, start=1):  # the key: each number with its name
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=f"{i} {names.get(g, g)}",
                marker={"size": 11, "color": colours[g]},
                hoverinfo="skip",
            )
        )
    return order


_EE = (1.340264, -0.081106, 0.000893, 0.003796)


def equal_earth(lon, lat):
    """Equal Earth projection (Savric, Patterson & Jenny 2018) of degrees -> plane units."""
    a1, a2, a3, a4 = _EE
    lam, phi = np.radians(lon), np.radians(lat)
    theta = np.arcsin(np.sqrt(3) / 2 * np.sin(phi))
    t2 = theta**2
    t6 = t2**3
    x = (
        2
        * np.sqrt(3)
        * lam
        * np.cos(theta)
        / (3 * (9 * a4 * t6 * t2 + 7 * a3 * t6 + 3 * a2 * t2 + a1))
    )
    y = theta * (a4 * t6 * t2 + a3 * t6 + a2 * t2 + a1)
    return x, y


def _rings(geometry: dict):
    if geometry["type"] == "Polygon":
        yield from geometry["coordinates"]
    elif geometry["type"] == "MultiPolygon":
        for poly in geometry["coordinates"]:
            yield from poly


def class_breaks(vals: pd.Series, classes: int = 6) -> list[float]:
    """Quantile class limits rounded to 2 significant digits (the first is the minimum); fewer
    classes for few values (at least 3 values per class)."""
    classes = max(1, min(classes, len(vals) // 3))
    qs = np.unique(np.quantile(vals, np.linspace(0, 1, classes + 1)))
    rounded = [float(f"{q:.2g}") for q in qs[1:-1]]
    return [float(qs[0]), *sorted(set(rounded))]


def map_classes(
    vals: pd.Series, lows: list[float], value_format: str, colorscale: str, diverging: bool
) -> tuple[list[float], list[str], list[str], str]:
    """A choropleth's classes: (lower limits, colours, legend labels, note). Sequential maps
    sample ``colorscale``. Maps of change (``diverging``, limits with 0 among them:
    ``transforms.diverging_breaks``) colour falls in blues and rises (and no change) in reds,
    darker further from 0, so no colour stands for both; a class of rises that no value
    reaches is left out, and data of one sign gets the note that its scale is one-sided."""
    note = ""
    if diverging:
        if len(vals) and float(vals.max()) < 0 and len(lows) > 1 and lows[-1] == 0.0:
            lows = lows[:-1]  # nothing rose: no class of rises
        falls = sum(1 for lo in lows if lo < 0)
        rises = len(lows) - falls
        colors = [
            *(sample_colorscale("Blues", list(np.linspace(0.9, 0.4, falls))) if falls else []),
            *(sample_colorscale("Reds", list(np.linspace(0.3, 0.9, rises))) if rises else []),
        ]
        if len(vals) and float(vals.min()) >= 0:
            note = "every value is a rise or no change: a one-sided scale"
        elif len(vals) and float(vals.max()) <= 0:
            note = "every value is a fall or no change: a one-sided scale"
    else:
        colors = sample_colorscale(colorscale, list(np.linspace(0.15, 1.0, len(lows))))

    small = min((abs(v) for v in lows if v), default=1.0)
    if diverging and f"{small:{value_format}}".strip("+-0.") == "":  # "-0.00": more decimals
        value_format = f"+.{max(0, -int(np.floor(np.log10(small)))) + 1}f"

    def fmt(v: float) -> str:
        return "0" if diverging and v == 0 else f"{v:{value_format}}"  # 0 is neither sign

    labels = [
        f"{fmt(lo)} to {fmt(lows[i + 1])}"
        if i + 1 < len(lows)
        else f"{fmt(lo)} to 0"
        if diverging and lo < 0
        else f"{fmt(lo)} or more"
        for i, lo in enumerate(lows)
    ]
    return lows, colors, labels, note


MAP_PX = 440  # a world map's height


def _country(feat: dict, vals: pd.Series, lows: list, colors: list, shown: str) -> go.Scatter:
    """One country's polygons in the Equal Earth projection, filled with its value's class
    colour (grey without a value) and hovered as "name: value unit" (``shown`` formats it)."""
    code, name = feat["id"], feat["properties"].get("name", feat["id"])
    xs, ys = [], []
    for ring in _rings(feat["geometry"]):
        arr = np.asarray(ring, dtype=float)
        px, py = equal_earth(arr[:, 0], arr[:, 1])
        xs += [*px.round(4), None]
        ys += [*py.round(4), None]
    v = vals.get(code)
    if v is None:
        fill, label = "#e6e6e6", f"{name}: no data"
    else:
        cls = max(0, int(np.searchsorted(lows, float(v), side="right")) - 1)
        fill, label = colors[cls], f"{name}: {shown.format(float(v))}"
    # float arrays with NaN gaps validate at once; lists with None element by element
    return go.Scatter(
        x=np.array(xs, dtype=np.float32),
        y=np.array(ys, dtype=np.float32),
        fill="toself",
        fillcolor=fill,
        mode="lines",
        line={"color": "#ffffff", "width": 0.4},
        hoveron="fills",
        name=code,
        text=label,
        hoverinfo="text",
        showlegend=False,
    )


def choropleth(
    values: pd.Series,
    geojson: dict,
    *,
    title: str,
    subtitle: str,
    source: str,
    unit: str,
    breaks: list[float] | None = None,
    colorscale: str = "OrRd",
    value_format: str = ".1f",
    diverging: bool = False,
) -> Chart:
    """A world choropleth of ``values`` (index: ISO3 = feature ids) drawn as filled SVG polygons
    in the Equal Earth projection: no map tiles, no CDN geometry, no WebGL.

    Colours are classes: ``breaks`` are the lower limits (default: quantiles), so one extreme
    country cannot wash out the rest of the map. ``diverging``: a map of change, blue below
    and red above 0 (breaks symmetric around 0, ``transforms.diverging_breaks``).
    """

    vals = values.dropna()
    lows = breaks if breaks is not None else (class_breaks(vals) if len(vals) else [0.0])
    lows, colors, labels, note = map_classes(vals, lows, value_format, colorscale, diverging)
    subtitle = f"{subtitle}; {note}" if note else subtitle

    fig = go.Figure()
    for feat in geojson["features"]:
        if feat["id"] != "ATA":
            fig.add_trace(_country(feat, vals, lows, colors, f"{{:{value_format}}} {unit}"))
    for i, color in enumerate([*colors, "#e6e6e6"]):
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                hoverinfo="skip",
                marker={"symbol": "square", "size": 12, "color": color},
                name=labels[i] if i < len(lows) else "no data",
            )
        )
    house_layout(fig, title, subtitle, source, "", left=10)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1)
    fig.update_layout(hovermode="closest", plot_bgcolor="#ffffff", margin={"t": 10, "r": 10})
    fit_height(fig, MAP_PX, ticks=0)  # the key in rows below the map
    top = vals.sort_values(ascending=False).head(3)
    alt = (
        f"World map: {title}. {subtitle}. {len(vals)} countries with data; highest: "
        + ", ".join(f"{k} {v:{value_format}}" for k, v in top.items())
        + "."
    )
    return Chart(fig, alt, vals.rename("value").rename_axis("geo").reset_index())


# --- regional charts -------------------------------------------------------------------------

BAR_LABEL_CHARS = 44  # longer category names are cut (whole in the hover)
BAR_NAME_PX = 16  # a category's name, written above its bars
BAR_GAP_PX = 8  # between one category's bars and the next one's name


def bar_axes(
    fig: go.Figure,
    labels,
    title: str,
    subtitle: str,
    source: str,
    x_title: str,
    *,
    bar_px: int = 22,
) -> None:
    """House layout for horizontal bars: each category's name written above its bars at the
    plot's left edge (names beside the bars took half a phone's width), ``bar_px`` px of bars
    a category and room for the name; x ticks level and few, the x title wrapped."""
    names = [str(v) for v in labels]
    short = [n if len(n) <= BAR_LABEL_CHARS else n[: BAR_LABEL_CHARS - 1] + "…" for n in names]
    house_layout(fig, title, subtitle, source, "", left=10)
    band = bar_px + BAR_NAME_PX + BAR_GAP_PX
    fig.update_yaxes(
        tickmode="array",
        tickvals=names,
        showticklabels=False,
        automargin=False,
        range=[-0.5, len(names) - 0.5],
    )
    fig.update_xaxes(tickangle=0, nticks=5, automargin=False)
    fig.update_layout(margin={"t": 8}, bargap=(BAR_NAME_PX + BAR_GAP_PX) / band)
    add_annotations(
        fig,
        [
            {
                "text": s,
                "name": "category",
                "x": 0,
                "xref": "paper",
                "xanchor": "left",
                "y": n,
                "yref": "y",
                "yanchor": "bottom",
                "yshift": bar_px / 2,
                "showarrow": False,
                "font": {"size": 12, "color": "#333"},
                "align": "left",
            }
            for n, s in zip(names, short, strict=True)
        ],
    )
    set_x_title(fig, x_title)
    fit_height(fig, band * max(len(names), 3))


def ranked_bars(
    d: pd.DataFrame,
    *,
    label: str,
    value: str,
    title: str,
    subtitle: str,
    source: str,
    x_title: str,
    reference: float | None = None,
    reference_label: str = "",
    top: int = 20,
    value_format: str = ".2f",
) -> Chart:
    """Horizontal bars of the ``top`` rows by ``value`` (largest at the top), with an optional
    reference line (LQ = 1, the benchmark share)."""
    s = d.dropna(subset=[value]).sort_values(value, ascending=False).head(top)
    s = s.iloc[::-1]
    fig = go.Figure(
        go.Bar(
            x=s[value],
            y=s[label],
            orientation="h",
            marker_color=PALETTE[0],
            name=x_title,
            hovertemplate=f"%{{y}}: %{{x:{value_format}}}<extra></extra>",
        )
    )
    if reference is not None and reference == reference:
        fig.add_vline(
            x=reference,
            line={"color": "#000", "dash": "dash", "width": 1},
            annotation_text=reference_label,
            annotation_position="top",
        )
    fig.update_layout(hovermode="closest", showlegend=False)  # one measure, named on its axis
    bar_axes(fig, s[label], title, subtitle, source, x_title)
    first = ", ".join(
        f"{r[label]} {r[value]:{value_format}}" for _, r in s.iloc[::-1].head(3).iterrows()
    )
    alt = f"Bar chart: {title}. {subtitle}. Top {len(s)} regions; highest: {first}."
    return Chart(fig, alt, s.iloc[::-1][[label, value]].reset_index(drop=True))


def mix_bars(
    d: pd.DataFrame, *, title: str, subtitle: str, source: str, benchmark: str, region: str
) -> Chart:
    """Industry shares of one region (bars) against the benchmark's shares (black ticks);
    ``d`` has label, share, bench_share (%) and lq."""
    s = d.iloc[::-1]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=s["share"],
            y=s["label"],
            orientation="h",
            name=region,
            marker_color=PALETTE[0],
            customdata=np.stack(
                [s["lq"].to_numpy(dtype=float), s["bench_share"].to_numpy(dtype=float)], axis=-1
            ),
            hovertemplate="%{y}: %{x:.1f}% (benchmark %{customdata[1]:.1f}%, "
            "LQ %{customdata[0]:.2f})<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=s["bench_share"],
            y=s["label"],
            mode="markers",
            name=benchmark,
            hoverinfo="skip",
            marker={"symbol": "line-ns", "size": 18, "line": {"width": 3, "color": "#000"}},
        )
    )
    fig.update_layout(showlegend=False, hovermode="closest")
    bar_axes(fig, s["label"], title, subtitle, source, "% of the total")
    # the bars are the region of the title and the subtitle names the ticks: no legend, whose
    # width a phone cannot spare
    fig.update_xaxes(ticksuffix="%")
    big = d.sort_values("share", ascending=False).head(3)
    alt = (
        f"Bar chart: {title}. {subtitle}. Largest: "
        + ", ".join(
            f"{r.label} {r.share:.1f}% (benchmark {r.bench_share:.1f}%)" for r in big.itertuples()
        )
        + "."
    )
    return Chart(fig, alt, d.reset_index(drop=True))


def waterfall(
    components: pd.Series,
    *,
    base: float,
    final: float,
    title: str,
    subtitle: str,
    source: str,
    unit: str,
    labels: tuple[str, str],
) -> Chart:
    """Base level, the shift-share components (relative), final level."""
    x = [labels[0], *components.index, labels[1]]
    y = [base, *components.to_numpy(dtype=float), final]
    fig = go.Figure(
        go.Waterfall(
            x=x,
            y=y,
            measure=["absolute", *["relative"] * len(components), "total"],
            increasing={"marker": {"color": PALETTE[2]}},
            decreasing={"marker": {"color": PALETTE[1]}},
            totals={"marker": {"color": PALETTE[0]}},
            connector={"line": {"color": "#999"}},
            text=[f"{base:,.1f}", *[f"{v:+,.1f}" for v in components], f"{final:,.1f}"],
            textposition="outside",
            name=unit,
            hovertemplate="%{x}: %{y:,.1f}<extra></extra>",
        )
    )
    house_layout(fig, title, subtitle, source, unit)
    fig.update_layout(hovermode="closest", showlegend=False)  # the steps are named on the axis
    steps = [wrap(str(v), 12) for v in x]  # level and wrapped: a phone has ~45 px a step
    fig.update_xaxes(tickmode="array", tickvals=x, ticktext=steps, tickfont={"size": 11})
    fit_height(fig, ticks=max(t.count("<br>") + 1 for t in steps))
    alt = (
        f"Waterfall chart: {title}. {subtitle}. From {base:,.1f} to {final:,.1f} {unit}: "
        + ", ".join(f"{k} {v:+,.1f}" for k, v in components.items())
        + "."
    )
    data = pd.DataFrame({"step": x, "value": y})
    return Chart(fig, alt, data)
