"""Readable charts on synthetic frames and the real store: series colours (dashboard.palette), end
labels, named scatter points, fit and trajectories, and events on the timeline."""

import zlib

import pandas as pd
import pytest

from dashboard import charts, palette, registry


def test_twelve_distinct_colours_that_read_on_white():
    assert len(set(palette.PALETTE)) == 12
    assert min(palette.contrast_on_white(c) for c in palette.PALETTE) >= 3.0
    assert palette.contrast_on_white("#F0E442") < 3.0  # the yellow the old palette had


def test_a_country_keeps_its_colour_and_a_chart_never_repeats_one():
    preset = palette.assign(["USA", "RUS", "CHN", "UKR", "GBR"])
    custom = palette.assign(["POL", "RUS", "EST", "LVA"])
    assert preset["RUS"] == custom["RUS"] == palette.PALETTE[palette.PINNED["RUS"]]
    codes = ["AUT", "BEL", "CZE", "DNK", "EST", "FIN", "GRC", "HUN", "IRL", "LTU", "LVA", "NLD"]
    got = palette.assign(codes)
    assert list(got) == codes and len(set(got.values())) == 12
    # alone, or where no earlier code takes it, a code has its own colour
    assert palette.assign(["AUT"])["AUT"] == palette.PALETTE[palette.preferred("AUT")]
    assert palette.preferred("AUT") == zlib.crc32(b"AUT") % 12  # stable across processes


def _frame(n: int) -> pd.DataFrame:
    geos = [f"C{i:02d}" for i in range(n)]
    return pd.DataFrame(
        [
            {"geo": g, "year": y, "value": i + y / 1000, "flag": None}
            for i, g in enumerate(geos)
            for y in (2020, 2021)
        ]
    )


def test_every_line_is_named_in_a_legend_below_the_plot():
    for n in (1, 12, 13):
        ch = charts.time_series(
            _frame(n), names={}, title="t", subtitle="s", source="src", y_title="y"
        )
        fig = ch.figure
        # every line, in the order the lines end (highest first)
        assert charts.legend_names(fig) == [f"C{i:02d}" for i in reversed(range(n))]
        assert fig.layout.legend.orientation == "h" and fig.layout.legend.y < 0  # below
        assert len({t.line.color for t in fig.data}) == min(n, 12)
        # the plot keeps PLOT_PX; the figure grows by the rows a phone's legend needs
        m = fig.layout.margin
        assert fig.layout.height - m.t - m.b == charts.PLOT_PX
        rows = charts.legend_rows(charts.legend_names(fig))
        assert m.b >= charts.TICKS_PX + charts.LEGEND_ROW_PX * rows
    assert charts.legend_rows([f"Country {i}" for i in range(12)]) > 2  # a phone: rows
    assert charts.legend_rows([f"Country {i}" for i in range(12)], 1100) <= 2


def test_stacked_panels_keep_their_height_and_name_each_series_once():
    df = _frame(9).assign(a=lambda d: d["value"], b=lambda d: -d["value"])
    ch = charts.stacked_series(
        df,
        [("a", "Alpha", "%"), ("b", "Beta", "%")],
        names={},
        title="t",
        subtitle="s",
        source="src",
    )
    fig = ch.figure
    assert charts.legend_names(fig) == [f"C{i:02d}" for i in range(9)]
    assert len(fig.data) == 18  # every line drawn, each named once (legend groups)
    m = fig.layout.margin
    assert list(ch.data.columns) == ["geo", "name", "year", "a", "b"]  # what is plotted
    # the text alternative gives every series of every panel (it gave the first 12 in all)
    assert all(f"C{i:02d} " in part for i in range(9) for part in ch.alt.split("Beta:"))
    domains = [fig.layout[f"yaxis{'' if i == 1 else i}"].domain for i in (1, 2)]
    plot = fig.layout.height - m.t - m.b
    assert all((hi - lo) * plot >= charts.PANEL_PX - 1 for lo, hi in domains)


def test_scatters_name_their_points_fit_and_years():
    from dashboard import analysis

    geos, years = ["AAA", "BBB", "CCC"], (2000, 2001, 2002)
    df = pd.DataFrame(
        [
            {"geo": g, "year": y, "x": i + y / 10, "y": 2 * i + y / 5}
            for i, g in enumerate(geos)
            for y in years
        ]
    )
    band = analysis.ols_band(df["x"], df["y"])
    ch = charts.scatter_fit(
        df,
        "x",
        "y",
        band,
        names={"BBB": "Bee"},
        x_title="x",
        y_title="y",
        title="t",
        subtitle="s",
        source="src",
        trajectories=True,
        marked=("BBB",),
    )
    fit = next(t for t in ch.figure.data if (t.name or "").startswith("OLS fit"))
    assert fit.name == f"OLS fit: slope {band.attrs['slope']:.3g}, R² {band.attrs['r2']:.2f}"
    bee = next(t for t in ch.figure.data if t.name == "Bee")
    assert list(bee.text) == ["2000", "", "2002"]  # first and last year at the ends
    assert list(bee.marker.symbol) == ["circle", "circle", "arrow"]  # the direction
    named = next(t for t in ch.figure.data if t.name == "selected")
    assert list(named.text) == ["1"] and list(named.x) == [1 + 2002 / 10]  # numbered
    assert "1 Bee" in charts.legend_names(ch.figure)  # and keyed in the legend


def test_events_on_the_timeline_carry_their_source(store_env):
    from dashboard import catalog, registry

    ev = {e.label: e for e in catalog.events()}
    assert ev["Full-scale invasion of Ukraine"].url == "https://undocs.org/A/RES/ES-11/1"
    assert all(e.url.startswith("https://") and e.source for e in ev.values())
    off = registry.build("milex_series", {"countries": ("RUS", "UKR")})
    on = registry.build("milex_series", {"countries": ("RUS", "UKR"), "events": "on"})
    assert len(on.chart.figure.layout.shapes) == len(off.chart.figure.layout.shapes) + 2
    hover = [t.hovertemplate for t in on.chart.figure.data if t.name in ev]
    assert len(hover) == 2 and "Source: UN General Assembly resolution 68/262" in hover[0]
    assert "2022-02-24 Full-scale invasion of Ukraine (source: UN General Assembly" in on.chart.alt
    usa = registry.build("milex_series", {"countries": ("USA",), "events": "on"})
    assert not usa.chart.figure.layout.shapes  # no event concerns the USA


def test_a_regions_specialization_is_drawn_on_a_year_axis(store_env):
    # the periods are text ("2005"): drawn as text, plotly made the x axis categorical and the
    # numeric range left the lines outside the plot (an empty chart on the Region profile)
    b = registry.build("specialization_series", {"system": "ru_subject", "region": "RU-UD"})
    fig = b.chart.figure
    lo, hi = fig.layout.xaxis.range
    for t in fig.data:
        xs = pd.Series(list(t.x))
        assert pd.api.types.is_numeric_dtype(xs) and lo < xs.min() and xs.max() < hi
    hhi = dict(zip(fig.data[0].x, fig.data[0].y, strict=True))
    assert hhi[2005] == pytest.approx(0.4308, abs=1e-4)
    assert hhi[2021] == pytest.approx(0.4335, abs=1e-4)
