"""Plotly figure builders in one house style (DESIGN.md, "House style for charts").

Title says what is measured; subtitle gives units, geography and period; a footer line carries
``Source: <producer> (<vintage>) · <licence>``. Colours from :mod:`dashboard.palette` (each
series keeps its colour across charts); lines are named at their ends rather than in a legend
over the title. Every builder also returns alt text describing the chart in words.
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

from dashboard import palette
from dashboard.palette import PALETTE  # 12 colours, each 3:1 on white (see dashboard.palette)

# a legend beside the plot, for charts with more series than can be named at their ends
SIDE_LEGEND = {"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1, "yanchor": "top"}
FONT = "Inter, 'Source Sans 3', 'Helvetica Neue', Arial, sans-serif"
# The house template is plotly's default here: a figure that names its template validates the
# whole template again (about 9 ms a figure, most of a cold chart's build)
pio.templates.default = "plotly_white"


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
            digest = hashlib.blake2b(pio.to_json(cached).encode(), digest_size=8).hexdigest()
            cached["layout"]["datarevision"] = digest
            self.__dict__["_still_dict"] = cached
        return cached


def still(chart: Chart) -> Chart:
    """The chart, its figure made a ``StillFigure`` in place (a copy would validate every trace
    and the template again)."""
    chart.figure.__class__ = StillFigure  # same layout, one method more
    return chart


FOOTER_CHARS = 52  # a footer line fits a 390 px phone (11 px type from the figure's left edge)
# title and subtitle lines that fit a 390 px phone in the app's phone type sizes (PHONE_CSS)
TITLE_CHARS, SUBTITLE_CHARS = 50, 62
# on a phone, plotly's title type (18 px) would run out of the figure: smaller type there
PHONE_CSS = """<style>
@media (max-width: 640px) {
  .js-plotly-plot .gtitle { font-size: 14px !important; }
  .js-plotly-plot .gtitle-subtitle { font-size: 11px !important; }
}
</style>"""


def wrap(text: str, width: int = FOOTER_CHARS) -> str:
    """Break a long footer into lines for plotly, which does not wrap: at '; ' or ' · ' where
    possible, else at spaces."""
    lines, line = [], ""
    for part in text.replace(" · ", " ·\x00").replace("; ", ";\x00").split("\x00"):
        for piece in textwrap.wrap(part, width, break_on_hyphens=False, break_long_words=False) or [
            ""
        ]:
            if line and len(line) + len(piece) + 1 > width:
                lines.append(line)
                line = piece
            else:
                line = f"{line} {piece}" if line else piece
    return "<br>".join([*lines, line])


def house_layout(
    fig: go.Figure, title: str, subtitle: str, source: str, y_title: str, left: int = 70
) -> None:
    """Title, subtitle, legend beside the plot and the source footer, which starts 10 px from
    the figure's left edge (``left`` is the left margin in px) and is wrapped to fit a phone."""
    footer = wrap(source)
    n_lines = footer.count("<br>") + 1
    title = "<br>".join(textwrap.wrap(title, TITLE_CHARS, break_on_hyphens=False)) or title
    subtitle = wrap(subtitle, SUBTITLE_CHARS)
    extra = 24 * title.count("<br>") + 17 * subtitle.count("<br>")  # px for more lines
    fig.update_layout(
        title={"text": title, "subtitle": {"text": subtitle}, "x": 0, "xanchor": "left"},
        font={"family": FONT, "size": 13, "color": "#222"},
        colorway=PALETTE,
        margin={"l": left, "r": 30, "t": 120 + extra, "b": 70 + 16 * n_lines},
        legend={**SIDE_LEGEND, "title": None},  # beside the plot: never over title or subtitle
        hovermode="x unified",
        showlegend=True,  # a one-line chart must still say whose line it is
        yaxis_title=y_title,
    )
    fig.add_annotation(  # below the x tick labels and axis title, whatever the plot height
        text=footer, name="footer", xref="paper", yref="paper", x=0, y=0, yshift=-62,
        xshift=10 - left,
        xanchor="left",
        yanchor="top", align="left", showarrow=False, font={"size": 11, "color": "#555"},
    )  # fmt: skip


def _footer(fig: go.Figure):
    return next(a for a in fig.layout.annotations if a.name == "footer")


def add_annotations(fig: go.Figure, annotations: list[dict]) -> None:
    """Append annotations in one step: ``fig.add_annotation`` copies and checks the whole list
    each time (12 end labels took 54 ms that way, 8 ms this way)."""
    if annotations:
        fig.layout.annotations += tuple(go.layout.Annotation(**a) for a in annotations)


PHONE_PLOT_PX = 330  # the width a 390 px phone gives a figure, less its padding


def legend_below(fig: go.Figure) -> None:
    """A map's legend in rows under the map and the source line under it, so the map has the
    figure's whole width (on a phone a legend beside it left the map a corner): room is kept
    for the rows a phone needs (a desktop shows one row)."""
    labels = [str(t.name) for t in fig.data if t.showlegend is not False and t.name]
    rows, x = 1, 0
    for w in (40 + 7 * len(n) for n in labels):
        if x and x + w > PHONE_PLOT_PX:
            rows, x = rows + 1, 0
        x += w
    room = 21 * rows + 10
    footer = _footer(fig)
    n_lines = str(footer.text).count("<br>") + 1
    footer.update(yshift=-room)
    bottom = room + 16 * n_lines + 16
    grow = bottom - (fig.layout.margin.b or 0)  # the map keeps its size: the figure grows
    fig.update_layout(
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 0, "yanchor": "top"},
        margin={"r": 10, "b": bottom}, height=(fig.layout.height or 540) + max(0, grow),
    )  # fmt: skip


def set_x_title(fig: go.Figure, text: str, width: int = 34) -> None:
    """The x axis title wrapped to ``width`` characters (a phone's plot is narrow); each line
    beyond the first moves house_layout's source line down 16 px."""
    text = wrap(text, width)
    fig.update_xaxes(title_text=text)
    more = 16 * text.count("<br>")
    if more:
        footer = _footer(fig)
        footer.update(yshift=footer.yshift - more)
        fig.update_layout(margin={"b": fig.layout.margin.b + more})


def end_labels(
    ends: list[tuple[str, float, float, str]], y_range: tuple[float, float], gap: float = 0.055
) -> list[tuple[str, float, float, str]]:
    """Direct labels at line ends (name, x, y, colour), moved apart vertically so no two are
    closer than ``gap`` of the y range: sorted by y, each pushed up from the one below, then
    the stack moved down as one if it left the range."""
    lo, hi = y_range
    step = gap * ((hi - lo) or 1.0)
    order = sorted(ends, key=lambda e: e[2])
    ys = [e[2] for e in order]
    for i in range(1, len(ys)):
        ys[i] = max(ys[i], ys[i - 1] + step)
    over = ys[-1] - hi if ys and ys[-1] > hi else 0.0
    ys = [y - over for y in ys]
    for i in range(len(ys) - 2, -1, -1):  # moving down must not push one below the floor
        ys[i] = min(ys[i], ys[i + 1] - step)
    return [(n, x, y, c) for (n, x, _, c), y in zip(order, ys, strict=True)]


MAX_LABELLED = 12  # lines named at their ends; above, a legend at the side
LABEL_PX = 19  # the height of an end label (12 px type) with its padding


def _end_label(name: str, x, y: float, colour: str, axis: str = "") -> dict:
    """A line's name at its end, in its colour; ``axis`` "" for the first panel's axes (x, y),
    "2" for the second's (x2, y2), ..."""
    return {"x": x, "y": y, "text": name, "xanchor": "left", "xshift": 6, "showarrow": False,
            "font": {"size": 12, "color": colour}, "align": "left", "xref": f"x{axis}",
            "yref": f"y{axis}"}  # fmt: skip


TS_HEIGHT = 540  # px: a time series with end labels (12 x 19 px fit beside the plot)


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
    geo keeps its colour (:mod:`dashboard.palette`); up to 12 lines are named at their ends
    (no legend over the title), more get a legend at the side. ``log``: a logarithmic y axis
    (the caller leaves out values <= 0)."""
    fig = go.Figure()
    parts = []
    geos = list(dict.fromkeys(df.sort_values("year")["geo"]))
    colours = palette.assign(geos)
    ends = []
    for geo, g in df.sort_values("year").groupby("geo", sort=False):
        name = names.get(geo, geo)
        est = g["flag"].isin(["estimate", "uncertain"]) if "flag" in g else False
        fig.add_trace(
            go.Scatter(
                x=g["year"], y=g["value"], mode="lines+markers", name=name,
                line={"color": colours[geo]},
                marker={"size": 5, "symbol": ["circle-open" if e else "circle" for e in est]},
                customdata=g["flag"].fillna("") if "flag" in g else None,
                hovertemplate=f"{name}: %{{y:{value_format}}} %{{customdata}}<extra></extra>",
                connectgaps=False,
            )
        )  # fmt: skip
        last = g.dropna(subset=["value"]).tail(1)
        if len(last):
            y, x = float(last["value"].iloc[0]), int(last["year"].iloc[0])
            parts.append(f"{name} {y:{value_format}} in {x}")
            ends.append((name, x, y, colours[geo]))
    house_layout(fig, title, subtitle, source, y_title)
    fig.update_xaxes(showgrid=False)
    values = pd.to_numeric(df["value"], errors="coerce").dropna()
    if log:  # plotly places annotations and ranges of a log axis in log10 units
        fig.update_yaxes(type="log")
        values = np.log10(values[values > 0])
        ends = [(n, x, float(np.log10(y)), c) for n, x, y, c in ends if y > 0]
    if ends and len(ends) <= MAX_LABELLED:
        lo, hi = (float(values.min()), float(values.max())) if len(values) else (0.0, 1.0)
        # room for 12 labels of LABEL_PX each: the plot's height in px sets the gap in data
        pad = 0.05 * ((hi - lo) or 1.0)
        lo, hi = lo - pad, hi + pad  # the axis range is set, so a label's px are known
        fig.update_layout(height=TS_HEIGHT)
        fig.update_yaxes(range=[lo, hi])
        plot_px = TS_HEIGHT - fig.layout.margin.t - fig.layout.margin.b
        add_annotations(fig, [_end_label(*e) for e in end_labels(
            ends, (lo, hi), gap=(LABEL_PX + 1) / plot_px)])  # fmt: skip
        widest = max(len(e[0]) for e in ends)
        fig.update_layout(showlegend=False, margin={"r": min(40 + 7 * widest, 220)})
        # the labels sit in the right margin: keep plotly from widening the axis for them
        years = pd.to_numeric(df["year"], errors="coerce")
        fig.update_xaxes(range=[float(years.min()) - 1, float(years.max()) + 1])
    elif ends:  # house_layout's legend beside the plot names them
        fig.update_layout(margin={"r": 190})
    alt = f"Line chart: {title}. {subtitle}. Latest values: " + (
        "; ".join(parts) if parts else "no data"
    )
    return Chart(fig, alt + ".", df)


def mark_events(chart: Chart, events) -> None:
    """Dotted vertical lines at dated events (``catalog.Event``) within the chart's years, each
    labelled above the plot in a row of its own (ending at its line, so labels of close dates
    do not overlap), its source in the hover (an invisible marker) and in the chart's text."""
    fig = chart.figure
    top = float(pd.to_numeric(chart.data["value"], errors="coerce").max())
    years = pd.to_numeric(chart.data["year"], errors="coerce")
    events = sorted((e for e in events if years.min() <= e.x <= years.max() + 1),
                    key=lambda e: e.x)  # fmt: skip
    labels = []
    for row, e in enumerate(events):
        fig.add_vline(x=e.x, line={"dash": "dot", "color": "#555", "width": 1})
        labels.append({"x": e.x, "y": 1, "yref": "paper", "yanchor": "bottom",
                       "xanchor": "right", "xshift": -2, "yshift": 15 * (len(events) - 1 - row),
                       "text": e.short or e.label, "showarrow": False,
                       "font": {"size": 11, "color": "#555"}})  # fmt: skip
        fig.add_trace(go.Scatter(
            x=[e.x], y=[top], mode="markers", showlegend=False,
            marker={"size": 14, "color": "rgba(0,0,0,0)"}, name=e.label,
            hovertemplate=f"{e.date.isoformat()}: {e.label}<br>Source: {e.source}<br>{e.url}"
            "<extra></extra>",
        ))  # fmt: skip
    add_annotations(fig, labels)
    if len(events) > 2:  # rows above two reach into the subtitle's room: more top margin
        fig.update_layout(margin={"t": fig.layout.margin.t + 15 * (len(events) - 2)})
    if events:
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
    height: int | None = None,
) -> Chart:
    """One panel per measure (``panels`` = [(column, panel title, unit)]), shared years, one line
    per country; with more than ``summarize_above`` countries, the median and 25-75% band, drawn
    only for years where at least a quarter of the countries (and 3) report. ``log``:
    logarithmic y axes (the caller leaves out values <= 0); ``from_zero``: axes that start at
    0, for indices whose small changes must not look large. Up to 12 lines are named at their
    ends in every panel (no legend beside the plot, which left a phone no room); panel titles
    are left-aligned and wrapped, so they stay within the plot's width."""
    from plotly.subplots import make_subplots

    years = pd.to_numeric(df["year"], errors="coerce")
    if years.notna().all():  # years given as text ("2005") would make the x axis categorical
        df = df.assign(year=years)
    spacing = 0.09
    fig = make_subplots(rows=len(panels), cols=1, shared_xaxes=True, vertical_spacing=spacing,
                        subplot_titles=[wrap(t, 44) for _, t, _ in panels])  # fmt: skip
    for a in fig.layout.annotations:  # the panel titles: from the plot's left edge, not centred
        a.update(x=0, xanchor="left", font_size=13)
    geos = list(dict.fromkeys(df["geo"]))
    colours = palette.assign(geos)
    summarize = len(geos) > summarize_above
    alt_parts = []
    ends: dict[int, list] = {}
    for row, (col, _title, _unit) in enumerate(panels, start=1):
        d = df.dropna(subset=[col])
        if summarize:
            n = d.groupby("year")[col].size()
            enough = n[n >= max(3, len(geos) // 4)].index
            d = d[d["year"].isin(enough)]
            q = d.groupby("year")[col].quantile([0.25, 0.5, 0.75]).unstack()
            fig.add_trace(go.Scatter(x=q.index, y=q[0.75], mode="lines", line={"width": 0},
                                     showlegend=False,
                                     hoverinfo="skip"), row=row, col=1)  # fmt: skip
            fig.add_trace(
                go.Scatter(x=q.index, y=q[0.25], fill="tonexty", mode="lines", line={"width": 0},
                           fillcolor="rgba(0,114,178,0.18)", name="25-75% of countries",
                           showlegend=row == 1, hoverinfo="skip"), row=row, col=1,
            )  # fmt: skip
            fig.add_trace(
                go.Scatter(x=q.index, y=q[0.5], name="median", line={"color": PALETTE[0]},
                           customdata=n.reindex(q.index), showlegend=row == 1,
                           hovertemplate="median %{y:.2f} (%{customdata} countries)"
                           "<extra></extra>"),
                row=row, col=1,
            )  # fmt: skip
            if len(q):
                alt_parts.append(
                    f"{panels[row - 1][1]}: median {q[0.5].iloc[-1]:.1f} in {q.index[-1]}"
                )
        else:
            for geo in geos:
                g = d[d["geo"] == geo]
                fig.add_trace(
                    go.Scatter(x=g["year"], y=g[col], mode="lines", name=names.get(geo, geo),
                               legendgroup=geo, showlegend=row == 1,
                               line={"color": colours[geo]},
                               hovertemplate=f"{names.get(geo, geo)}: %{{y:.2f}}<extra></extra>"),
                    row=row, col=1,
                )  # fmt: skip
                if len(g):
                    alt_parts.append(
                        f"{names.get(geo, geo)}, {panels[row - 1][1]}: {g[col].iloc[-1]:.1f} in "
                        f"{g['year'].iloc[-1]}"
                    )
                    y_end = float(g[col].iloc[-1])
                    if not log or y_end > 0:
                        ends.setdefault(row, []).append((
                            names.get(geo, geo), g["year"].iloc[-1],  # a year, or "2016-Q4"
                            float(np.log10(y_end)) if log else y_end, colours[geo],
                        ))  # fmt: skip
    house_layout(fig, title, subtitle, source, "")
    # the first panel's title stands above the plot, in the top margin: room for it there
    fig.update_layout(margin={"t": fig.layout.margin.t + 18})
    for row, (_col, _title, unit) in enumerate(panels, start=1):
        fig.update_yaxes(title_text=unit, row=row, col=1, type="log" if log else None,
                         rangemode="tozero" if from_zero else None)  # fmt: skip
    height = height or 220 * len(panels) + 200
    fig.update_layout(height=height, hovermode="x")
    if ends and max(len(e) for e in ends.values()) <= MAX_LABELLED:
        m = fig.layout.margin
        panel_px = (height - m.t - m.b) * (1 - spacing * (len(panels) - 1)) / len(panels)
        labels = []
        for row, row_ends in ends.items():
            col = panels[row - 1][0]
            vals = pd.to_numeric(df[col], errors="coerce").dropna()
            if log:
                vals = np.log10(vals[vals > 0])
            lo, hi = (float(vals.min()), float(vals.max())) if len(vals) else (0.0, 1.0)
            if from_zero and not log:
                lo = min(lo, 0.0)
            pad = 0.05 * ((hi - lo) or 1.0)
            lo, hi = lo - pad, hi + pad
            fig.update_yaxes(range=[lo, hi], row=row, col=1)
            half = (LABEL_PX / 2) / panel_px * (hi - lo)  # a label stays inside its panel
            gap = (LABEL_PX + 1) / panel_px
            axis = "" if row == 1 else str(row)
            labels += [
                _end_label(*e, axis=axis)
                for e in end_labels(row_ends, (lo + half, hi - half), gap=gap)
            ]
        add_annotations(fig, labels)
        widest = max(len(e[0]) for es in ends.values() for e in es)
        fig.update_layout(showlegend=False, margin={"r": min(40 + 7 * widest, 220)})
        if years.notna().all():  # periods such as "2016-Q4" are categories: plotly's range
            fig.update_xaxes(range=[float(years.min()) - 0.5, float(years.max()) + 0.5])
    alt = f"Line charts: {title}. {subtitle}. " + ("; ".join(alt_parts[:12]) or "no data") + "."
    return Chart(fig, alt, df)


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
    drawn larger and named beside their points (on screen and in exports)."""
    d = df.dropna(subset=[x, y]).sort_values(["geo", "year"])
    fig = go.Figure()
    if band is not None:
        fig.add_trace(go.Scatter(x=band["x"], y=band["high"], mode="lines", line={"width": 0},
                                 showlegend=False, hoverinfo="skip"))  # fmt: skip
        fig.add_trace(
            go.Scatter(x=band["x"], y=band["low"], fill="tonexty", mode="lines", line={"width": 0},
                       fillcolor="rgba(0,0,0,0.10)", name="95% confidence band",
                       hoverinfo="skip")
        )  # fmt: skip
    if trajectories:
        colours = palette.assign(list(dict.fromkeys(d["geo"])))
        for geo, g in d.groupby("geo", sort=False):
            name = names.get(geo, geo)
            n = len(g)
            ends = [str(yr) if i in (0, n - 1) else "" for i, yr in enumerate(g["year"])]
            fig.add_trace(
                go.Scatter(x=g[x], y=g[y], mode="lines+markers+text", name=name,
                           line={"color": colours[geo], "width": 1.5}, text=ends,
                           textposition="top center", textfont={"size": 10,
                                                                "color": colours[geo]},
                           marker={"size": [5] * (n - 1) + [11] if n > 1 else 5,
                                   "symbol": ["circle"] * (n - 1) + ["arrow"] if n > 1
                                   else "circle", "angleref": "previous"},
                           customdata=g["year"],
                           hovertemplate=f"{name} %{{customdata}}: x %{{x:.2f}}, y %{{y:.2f}}"
                           "<extra></extra>")
            )  # fmt: skip
    else:
        fig.add_trace(
            go.Scatter(x=d[x], y=d[y], mode="markers", name=points,
                       marker={"size": 5, "color": PALETTE[0], "opacity": 0.35},
                       text=[f"{names.get(g, g)} {yr}" for g, yr in zip(d["geo"], d["year"],
                                                                          strict=True)],
                       hovertemplate="%{text}: x %{x:.2f}, y %{y:.2f}<extra></extra>")
        )  # fmt: skip
    mark = d[d["geo"].isin(marked)].sort_values("year").groupby("geo").tail(1)
    if len(mark):
        colours = palette.assign(list(marked))
        fig.add_trace(go.Scatter(
            x=mark[x], y=mark[y], mode="markers+text", name="selected",
            text=[names.get(g, g) for g in mark["geo"]], textposition="top center",
            textfont={"size": 12, "color": [colours[g] for g in mark["geo"]]},
            marker={"size": 11, "color": [colours[g] for g in mark["geo"]],
                    "line": {"width": 1, "color": "#fff"}},
            showlegend=False, hovertemplate="%{text}: x %{x:.2f}, y %{y:.2f}<extra></extra>",
        ))  # fmt: skip
    if band is not None:
        a = band.attrs
        fig.add_trace(go.Scatter(
            x=band["x"], y=band["fit"], mode="lines",
            name=f"OLS fit: slope {a['slope']:.3g}, R² {a['r2']:.2f}",
            line={"color": "#000", "dash": "dash"}))  # fmt: skip
    house_layout(fig, title, subtitle, source, y_title)
    set_x_title(fig, x_title)
    fig.update_layout(hovermode="closest")
    fit = ""
    if band is not None:
        a = band.attrs
        fit = f" OLS slope {a['slope']:.2f} (R² {a['r2']:.2f}, n = {a['n']})."
    alt = f"Scatter plot: {title}. {subtitle}. {len(d)} {points}.{fit}"
    return Chart(fig, alt, d)


# --- choropleth drawn as SVG polygons -------------------------------------------------------

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
    if diverging:
        colors = sample_colorscale("RdBu_r", list(np.linspace(0.0, 1.0, len(lows))))
    else:
        colors = sample_colorscale(colorscale, list(np.linspace(0.15, 1.0, len(lows))))

    def label_of(i: int) -> str:
        lo = f"{lows[i]:{value_format}}"
        return f"{lo}+" if i == len(lows) - 1 else f"{lo} to {lows[i + 1]:{value_format}}"

    fig = go.Figure()
    for feat in geojson["features"]:
        code, name = feat["id"], feat["properties"].get("name", feat["id"])
        if code == "ATA":
            continue
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
            fill, label = colors[cls], f"{name}: {float(v):{value_format}} {unit}"
        fig.add_trace(
            # float arrays with NaN gaps validate at once; lists with None element by element
            go.Scatter(x=np.array(xs, dtype=np.float32), y=np.array(ys, dtype=np.float32),
                       fill="toself", fillcolor=fill, mode="lines",
                       line={"color": "#ffffff", "width": 0.4}, hoveron="fills",
                       name=code, text=label, hoverinfo="text", showlegend=False)
        )  # fmt: skip
    for i, color in enumerate([*colors, "#e6e6e6"]):
        fig.add_trace(
            go.Scatter(x=[None], y=[None], mode="markers", hoverinfo="skip",
                       marker={"symbol": "square", "size": 12, "color": color},
                       name=label_of(i) if i < len(lows) else "no data")
        )  # fmt: skip
    house_layout(fig, title, subtitle, source, "", left=10)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1)
    fig.update_layout(hovermode="closest", height=540, plot_bgcolor="#ffffff")
    legend_below(fig)  # after the height: it grows the figure by the legend's room
    top = vals.sort_values(ascending=False).head(3)
    alt = (f"World map: {title}. {subtitle}. {len(vals)} countries with data; highest: "
           + ", ".join(f"{k} {v:{value_format}}" for k, v in top.items()) + ".")  # fmt: skip
    return Chart(fig, alt, vals.rename("value").rename_axis("geo").reset_index())


# --- regional charts -------------------------------------------------------------------------

BAR_LABEL_CHARS = 20  # longer category names are cut on the axis (whole in the hover)


def _bar_axes(fig: go.Figure, labels, title: str, subtitle: str, source: str,
              x_title: str) -> None:  # fmt: skip
    """House layout for horizontal bars: category names cut to BAR_LABEL_CHARS with "…", a
    left margin that fits them (set, not grown by plotly, so the source line starts at the
    figure's edge), x ticks level and few, the x title wrapped: nothing runs out of a phone's
    width or into the source line."""
    names = [str(v) for v in labels]
    short = [n if len(n) <= BAR_LABEL_CHARS else n[: BAR_LABEL_CHARS - 1] + "…" for n in names]
    left = 16 + 7 * max((len(n) for n in short), default=4)
    house_layout(fig, title, subtitle, source, "", left=left)
    fig.update_yaxes(tickmode="array", tickvals=names, ticktext=short, automargin=False)
    fig.update_xaxes(tickangle=0, nticks=5, automargin=False)
    set_x_title(fig, x_title)


def _bars_height(fig: go.Figure, bars: int, px: int) -> int:
    """A bar chart's height: ``px`` per bar (at least 4 bars' worth) plus the margins its
    title, subtitle, x title and source line take (with a two-line title and a three-line
    source they are about 300 px: a fixed 220 px left 4 bars 40 px, their labels overlapping)."""
    m = fig.layout.margin
    return int(m.t + m.b + px * max(bars, 4))


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
        go.Bar(x=s[value], y=s[label], orientation="h", marker_color=PALETTE[0], name=x_title,
               hovertemplate=f"%{{y}}: %{{x:{value_format}}}<extra></extra>")
    )  # fmt: skip
    if reference is not None and reference == reference:
        fig.add_vline(x=reference, line={"color": "#000", "dash": "dash", "width": 1},
                      annotation_text=reference_label, annotation_position="top")  # fmt: skip
    _bar_axes(fig, s[label], title, subtitle, source, x_title)
    fig.update_layout(height=_bars_height(fig, len(s), 26), hovermode="closest",
                      showlegend=False)  # fmt: skip
    first = ", ".join(f"{r[label]} {r[value]:{value_format}}" for _, r in s.iloc[::-1].head(3)
                      .iterrows())  # fmt: skip
    alt = f"Bar chart: {title}. {subtitle}. Top {len(s)} regions; highest: {first}."
    return Chart(fig, alt, s.iloc[::-1][[label, value]].reset_index(drop=True))


def mix_bars(
    d: pd.DataFrame, *, title: str, subtitle: str, source: str, benchmark: str, region: str
) -> Chart:
    """Industry shares of one region (bars) against the benchmark's shares (black ticks);
    ``d`` has label, share, bench_share (%) and lq."""
    s = d.iloc[::-1]
    fig = go.Figure()
    fig.add_trace(go.Bar(
        x=s["share"], y=s["label"], orientation="h", name=region, marker_color=PALETTE[0],
        customdata=np.stack([s["lq"].to_numpy(dtype=float), s["bench_share"].to_numpy(dtype=float)],
                            axis=-1),
        hovertemplate="%{y}: %{x:.1f}% (benchmark %{customdata[1]:.1f}%, LQ %{customdata[0]:.2f})"
                      "<extra></extra>",
    ))  # fmt: skip
    fig.add_trace(go.Scatter(
        x=s["bench_share"], y=s["label"], mode="markers", name=benchmark, hoverinfo="skip",
        marker={"symbol": "line-ns", "size": 18, "line": {"width": 3, "color": "#000"}},
    ))  # fmt: skip
    _bar_axes(fig, s["label"], title, subtitle, source, "% of the total")
    # the bars are the region of the title and the subtitle names the ticks: no legend, whose
    # width a phone cannot spare
    fig.update_xaxes(ticksuffix="%")
    fig.update_layout(showlegend=False)
    fig.update_layout(height=_bars_height(fig, len(s), 30), hovermode="closest")
    big = d.sort_values("share", ascending=False).head(3)
    alt = (f"Bar chart: {title}. {subtitle}. Largest: "
           + ", ".join(f"{r.label} {r.share:.1f}% (benchmark {r.bench_share:.1f}%)"
                       for r in big.itertuples()) + ".")  # fmt: skip
    return Chart(fig, alt, d.reset_index(drop=True))


def waterfall(
    components: pd.Series, *, base: float, final: float, title: str, subtitle: str,
    source: str, unit: str, labels: tuple[str, str],
) -> Chart:  # fmt: skip
    """Base level, the shift-share components (relative), final level."""
    x = [labels[0], *components.index, labels[1]]
    y = [base, *components.to_numpy(dtype=float), final]
    fig = go.Figure(go.Waterfall(
        x=x, y=y, measure=["absolute", *["relative"] * len(components), "total"],
        increasing={"marker": {"color": PALETTE[2]}}, decreasing={"marker": {"color": PALETTE[1]}},
        totals={"marker": {"color": PALETTE[0]}}, connector={"line": {"color": "#999"}},
        text=[f"{base:,.1f}", *[f"{v:+,.1f}" for v in components], f"{final:,.1f}"],
        textposition="outside", name=unit, hovertemplate="%{x}: %{y:,.1f}<extra></extra>",
    ))  # fmt: skip
    house_layout(fig, title, subtitle, source, unit)
    fig.update_layout(hovermode="closest", showlegend=False, height=460)
    alt = (f"Waterfall chart: {title}. {subtitle}. From {base:,.1f} to {final:,.1f} {unit}: "
           + ", ".join(f"{k} {v:+,.1f}" for k, v in components.items()) + ".")  # fmt: skip
    data = pd.DataFrame({"step": x, "value": y})
    return Chart(fig, alt, data)
