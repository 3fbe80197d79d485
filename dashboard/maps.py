"""Regional choropleths drawn from our own GeoJSON as filled SVG polygons (no tiles, no CDN).

Each layer has its own equal-area projection (Albers conic): Europe centred on 10°E (overseas
regions beyond 32°W-45°E or south of 27°N are left out), the USA with Alaska and Hawaii as
insets (Puerto Rico left out), Russia centred on 100°E with Chukotka unwrapped across the
antimeridian. Polygons are grouped into one trace per colour class, which keeps 3,000 county
polygons fast; hover comes from one invisible marker per region at its largest ring's centre.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely

from dashboard import geo
from dashboard.charts import Chart, _rings, class_breaks, fit_height, house_layout, map_classes

LQ_BREAKS = [0, 0.5, 0.8, 1.25, 2, 5]  # below / near / above the benchmark, then clusters
NO_DATA = "#e6e6e6"
SUPPRESSED = "#b3b3b3"


def albers(lon, lat, lon0: float, lat1: float, lat2: float, lat0: float):
    """Albers equal-area conic on the unit sphere (Snyder 1987, eq. 14-1 to 14-4)."""
    p1, p2, p0 = np.radians(lat1), np.radians(lat2), np.radians(lat0)
    n = (np.sin(p1) + np.sin(p2)) / 2
    c = np.cos(p1) ** 2 + 2 * n * np.sin(p1)
    rho0 = np.sqrt(c - 2 * n * np.sin(p0)) / n
    rho = np.sqrt(c - 2 * n * np.sin(np.radians(lat))) / n
    theta = n * np.radians(np.asarray(lon) - lon0)
    return rho * np.sin(theta), rho0 - rho * np.cos(theta)


@dataclass(frozen=True)
class View:
    project: Callable[[str, np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray] | None]
    markers: bool  # draw visible centroid markers (small regions would vanish otherwise)
    tolerance: float = 3e-4  # unit sphere, ~2 km: under half a pixel of Europe 1,100 px wide


def _europe(fid, lon, lat):
    if not (-32 <= lon.mean() <= 45 and lat.mean() >= 27):
        return None
    return albers(lon, lat, 10, 43, 62, 52)


_CONUS = albers(
    np.array([-125.0, -67.0, -96.0]), np.array([24.0, 24.0, 49.5]), -96, 29.5, 45.5, 37.5
)
_W = _CONUS[0][1] - _CONUS[0][0]


def _usa(fid, lon, lat):
    if fid.startswith("72"):  # Puerto Rico: 1.5x scale, in the Gulf of Mexico's corner
        x, y = albers(lon, lat, -66.5, 17, 19, 18)
        return 1.5 * x + _CONUS[0][0] + 0.58 * _W, 1.5 * y + _CONUS[1].min() - 0.005 * _W
    if fid.startswith("02"):  # Alaska: own projection, 35% scale, lower left
        lon = np.where(lon > 0, lon - 360, lon)
        x, y = albers(lon, lat, -154, 55, 65, 58)
        return 0.35 * x + _CONUS[0][0] + 0.12 * _W, 0.35 * y + _CONUS[1].min() - 0.02 * _W
    if fid.startswith("15"):  # Hawaii
        x, y = albers(lon, lat, -157, 8, 18, 20)
        return x + _CONUS[0][0] + 0.32 * _W, y + _CONUS[1].min() - 0.02 * _W
    return albers(lon, lat, -96, 29.5, 45.5, 37.5)


def _russia(fid, lon, lat):
    return albers(np.where(lon < 0, lon + 360, lon), lat, 100, 52, 64, 60)


VIEWS = {  # by the projection named in a geo.LAYERS record
    "europe": View(_europe, False),
    "usa": View(_usa, True),
    # Russia is 1.26 units wide: half a pixel of it drawn 1,100 px wide is 5.7e-4 (3e-4 left
    # 24,000 vertices, 300 KB a map; 5.5e-4 leaves 14,700, 196 KB)
    "russia": View(_russia, False, tolerance=5.5e-4),
}


MAX_DOTS = 300  # regions with a visible dot at most (see region_map)


def _simplified(px: np.ndarray, py: np.ndarray, tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """A projected ring without the vertices no one can see (Douglas-Peucker at the view's
    tolerance, coordinates rounded to 1e-4): a third of the bytes for the page and the exports."""
    if len(px) > 8:
        ring = shapely.simplify(
            shapely.LinearRing(np.c_[px, py]), tolerance, preserve_topology=True
        )
        if not ring.is_empty and len(ring.coords) >= 4:
            px, py = np.asarray(ring.coords).T
    return np.round(px, 4), np.round(py, 4)


def projected(layer: str, level: int | None = None) -> dict[str, tuple[list, list, tuple, str]]:
    """Feature id -> (xs, ys with None between rings, centre of the largest ring, name); cached
    per version of the stored layer, so a new pull's geometries are drawn without a restart."""
    return _projected(layer, level, geo.version(layer))


@lru_cache(maxsize=16)
def _projected(layer: str, level: int | None, version: str) -> dict:  # cache key
    out = {}
    view = VIEWS[geo.LAYERS[layer].projection]
    for f in geo.features(layer, level)["features"]:
        xs, ys, best = [], [], (0.0, None)
        for ring in _rings(f["geometry"]):
            arr = np.asarray(ring, dtype=float)
            p = view.project(f["id"], arr[:, 0], arr[:, 1])
            if p is None:
                continue
            px, py = p
            rx, ry = _simplified(px, py, view.tolerance)
            xs += [*rx, None]
            ys += [*ry, None]
            area = abs(np.dot(px, np.roll(py, 1)) - np.dot(py, np.roll(px, 1))) / 2
            if area > best[0]:
                best = (area, (float(px.mean()), float(py.mean())))
        if xs:
            out[f["id"]] = (xs, ys, best[1], f["properties"].get("name", f["id"]))
    return out


projected.cache_clear = _projected.cache_clear  # type: ignore[attr-defined]


def _group_polygons(shapes: dict, region_of, colour, framed: set[str]):
    """The layer's rings grouped by fill colour (one trace each), the centres of every polygon
    of each region in ``framed`` (those with data or suppressed) and their bounding box."""
    groups: dict[str, tuple[list, list]] = {}
    centres: dict[str, list] = {}
    extent = None
    for fid, (xs, ys, centre, _name) in shapes.items():
        code = region_of(fid)
        gx, gy = groups.setdefault(colour(code), ([], []))
        gx += xs
        gy += ys
        if centre is not None and code in framed:
            centres.setdefault(code, []).append(centre)
            pts = [(x, y) for x, y in zip(xs, ys, strict=True) if x is not None]
            box = (
                min(p[0] for p in pts),
                min(p[1] for p in pts),
                max(p[0] for p in pts),
                max(p[1] for p in pts),
            )
            extent = (
                box
                if extent is None
                else (*map(min, extent[:2], box[:2]), *map(max, extent[2:], box[2:]))
            )
    return groups, centres, extent


def _polygons(gx: list, gy: list, color: str, line_width: float) -> go.Scatter:
    return go.Scatter(
        # float32 arrays with NaN between rings, not lists with None: plotly validates a list
        # element by element (most of a map's build) and copies an array at once; 4 bytes hold
        # a coordinate rounded to 1e-4 on the unit sphere
        x=np.array(gx, dtype=np.float32),
        y=np.array(gy, dtype=np.float32),
        fill="toself",
        fillcolor=color,
        mode="lines",
        hoverinfo="skip",
        line={"color": "#ffffff", "width": line_width},
        showlegend=False,
    )


def _region_dots(centres: dict[str, list], text, colour) -> go.Scatter:
    """One hover point at the mean centre of each region's polygons, visible in the region's
    colour where ``colour`` is given, else transparent (the polygons carry the colour)."""
    codes = list(centres)
    visible = colour is not None
    return go.Scatter(
        x=[np.mean([c[0] for c in centres[k]]) for k in codes],
        y=[np.mean([c[1] for c in centres[k]]) for k in codes],
        mode="markers",
        hoverinfo="text",
        text=[text(k) for k in codes],
        showlegend=False,
        name="regions",
        marker={
            "size": 8 if visible else 10,
            "color": [colour(k) for k in codes] if visible else "rgba(0,0,0,0)",
            "line": {"width": 1 if visible else 0, "color": "#333"},
        },
    )


def region_map(
    values: pd.Series,
    layer: str,
    *,
    title: str,
    subtitle: str,
    source: str,
    unit: str,
    names: dict[str, str],
    hover: dict[str, str] | None = None,
    suppressed: list[str] = (),
    region_of: Callable[[str], str] = lambda fid: fid,
    level: int | None = None,
    breaks: list[float] | None = None,
    value_format: str = ".2f",
    colorscale: str = "OrRd",
    height: int | None = None,
    zoom: bool = False,
    diverging: bool = False,
) -> Chart:
    """Choropleth of ``values`` (index: region codes) on a stored layer. ``region_of`` maps a
    polygon id to the region code it draws (a county to its state, a NUTS 2021 polygon to the
    NUTS 2013 code); ``suppressed`` regions get their own grey; ``hover`` adds a line per region.
    Colours are quantile classes unless ``breaks`` (lower limits) are given; ``zoom`` frames the
    regions with data instead of the whole layer; ``diverging``: a map of change, falls blue and
    rises red (``charts.map_classes``, limits from ``transforms.diverging_breaks``)."""
    vals = values.dropna()
    lows = breaks if breaks is not None else (class_breaks(vals) if len(vals) else [0.0])
    lows, colors, labels, note = map_classes(vals, lows, value_format, colorscale, diverging)
    subtitle = f"{subtitle}; {note}" if note else subtitle
    hover = hover or {}
    shapes = projected(layer, level)
    supp = set(suppressed)

    def cls(v) -> int:
        return max(0, int(np.searchsorted(lows, float(v), side="right")) - 1)

    def colour(code: str) -> str:
        v = vals.get(code)
        return colors[cls(v)] if v is not None else SUPPRESSED if code in supp else NO_DATA

    groups, centres, extent = _group_polygons(shapes, region_of, colour, set(vals.index) | supp)
    fig = go.Figure()
    line_width = geo.LAYERS[layer].line_width
    for color in [NO_DATA, SUPPRESSED, *colors]:
        if color in groups:
            fig.add_trace(_polygons(*groups[color], color, line_width))

    def text(code: str) -> str:
        v = vals.get(code)
        shown = f"{float(v):{value_format}} {unit}" if v is not None else "suppressed"
        extra = f"<br>{hover[code]}" if code in hover else ""
        return f"<b>{names.get(code, code)}</b> ({code})<br>{shown}{extra}"

    # a dot marks each region where polygons are small (US counties), while there are few: at
    # full coverage (3,000 counties) the polygons carry the colour and the dots only hover
    visible = VIEWS[geo.LAYERS[layer].projection].markers and len(centres) <= MAX_DOTS
    fig.add_trace(_region_dots(centres, text, colour if visible else None))
    _legend_keys(fig, colors, labels[: len(lows)], bool(supp))
    house_layout(fig, title, subtitle, source, "", left=10)
    _frame(fig, extent if zoom else None)
    # the map keeps the height its layer had with the title inside the figure (100 px of it)
    fit_height(fig, (height or geo.LAYERS[layer].height) - 100, ticks=0)  # the key below
    drawn = sum(1 for k in vals.index if k in centres)
    top = vals.sort_values(ascending=False).head(3)
    highest = ", ".join(f"{names.get(k, k)} {v:{value_format}}" for k, v in top.items())
    alt = (
        f"Map: {title}. {subtitle}. {drawn} of {len(vals)} regions with data drawn"
        + (f", {len(supp)} suppressed" if supp else "")
        + f"; highest: {highest}."
    )
    data = vals.rename("value").rename_axis("region").reset_index()
    return Chart(fig, alt, data)


def _legend_keys(fig: go.Figure, colors: list[str], labels: list[str], suppressed: bool) -> None:
    """A legend entry (a square) per class, then "suppressed" (when any is) and "no data"."""
    keys = [*zip(labels, colors, strict=True), ("no data", NO_DATA)]
    if suppressed:
        keys.insert(len(labels), ("suppressed", SUPPRESSED))
    for name, color in keys:
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                hoverinfo="skip",
                name=name,
                marker={"symbol": "square", "size": 12, "color": color},
            )
        )


def _frame(fig: go.Figure, extent: tuple[float, float, float, float] | None) -> None:
    """Axes hidden, one unit as long on both, framed on ``extent`` (padded 15%) when given."""
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1)
    if extent is not None:
        pad = 0.15 * max(extent[2] - extent[0], extent[3] - extent[1], 0.02)
        fig.update_xaxes(range=[extent[0] - pad, extent[2] + pad])
        fig.update_yaxes(range=[extent[1] - pad, extent[3] + pad])
    fig.update_layout(
        hovermode="closest", plot_bgcolor="#ffffff", margin={"l": 10, "r": 10, "t": 10}
    )
