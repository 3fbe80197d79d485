"""Plotly figure builders in one house style (DESIGN.md, "House style for charts").

Title says what is measured; subtitle gives units, geography and period; a footer line carries
``Source: <producer> (<vintage>) · <licence>``. Okabe-Ito colours (safe for the common forms of
colour blindness). Every builder also returns alt text describing the chart in words.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

# Okabe & Ito (2008), "Color Universal Design"; black moved last
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
FONT = "Inter, 'Source Sans 3', 'Helvetica Neue', Arial, sans-serif"


@dataclass
class Chart:
    figure: go.Figure
    alt: str
    data: pd.DataFrame


def house_layout(fig: go.Figure, title: str, subtitle: str, source: str, y_title: str) -> None:
    fig.update_layout(
        title={"text": title, "subtitle": {"text": subtitle}, "x": 0, "xanchor": "left"},
        font={"family": FONT, "size": 13, "color": "#222"},
        colorway=PALETTE,
        template="plotly_white",
        margin={"l": 70, "r": 30, "t": 120, "b": 70},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "title": None},
        hovermode="x unified",
        showlegend=True,  # a one-line chart must still say whose line it is
        yaxis_title=y_title,
    )
    fig.add_annotation(
        text=source, xref="paper", yref="paper", x=0, y=-0.1, xanchor="left", yanchor="top",
        showarrow=False, font={"size": 11, "color": "#555"},
    )  # fmt: skip


def time_series(
    df: pd.DataFrame,
    *,
    names: dict[str, str],
    title: str,
    subtitle: str,
    source: str,
    y_title: str,
    value_format: str = ".1f",
) -> Chart:
    """One line per ``geo`` over ``year``; estimates (flag) are marked with hollow markers."""
    fig = go.Figure()
    parts = []
    for geo, g in df.sort_values("year").groupby("geo", sort=False):
        name = names.get(geo, geo)
        est = g["flag"].isin(["estimate", "uncertain"]) if "flag" in g else False
        fig.add_trace(
            go.Scatter(
                x=g["year"], y=g["value"], mode="lines+markers", name=name,
                marker={"size": 5, "symbol": ["circle-open" if e else "circle" for e in est]},
                customdata=g["flag"].fillna("") if "flag" in g else None,
                hovertemplate=f"{name}: %{{y:{value_format}}} %{{customdata}}<extra></extra>",
                connectgaps=False,
            )
        )  # fmt: skip
        last = g.dropna(subset=["value"]).tail(1)
        if len(last):
            parts.append(
                f"{name} {last['value'].iloc[0]:{value_format}} in {int(last['year'].iloc[0])}"
            )
    house_layout(fig, title, subtitle, source, y_title)
    fig.update_xaxes(showgrid=False)
    alt = f"Line chart: {title}. {subtitle}. Latest values: " + (
        "; ".join(parts) if parts else "no data"
    )
    return Chart(fig, alt + ".", df)
