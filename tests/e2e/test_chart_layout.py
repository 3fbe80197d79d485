"""Every registered chart laid out by plotly.js on one static page (no app): at the width a
1,440 px window gives a chart (980 px) and at a 390 px phone's (358 px), with its defaults and
with its largest selections (12 series; the longest region names), the plot keeps its room,
the legend names every series it lists within the figure, and no text box lies over another.
Each chart's smallest plot height is written to artifacts/e2e/plot_sizes_{1440,390}.txt."""

import itertools
import json
from pathlib import Path

import plotly
import pytest

from .conftest import ARTIFACTS

pytestmark = pytest.mark.e2e

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
WIDTHS = {1440: 980, 390: 358}  # window -> the chart's width on the page (measured)
MIN_PLOT = {1440: 300, 390: 220}  # px of a plot's height
MIN_PANEL = {1440: 160, 390: 140}  # px of each panel of a stacked chart
TWELVE = ["USA", "RUS", "CHN", "UKR", "DEU", "FRA", "GBR", "IND", "POL", "SAU", "ISR", "JPN"]

MEASURE_JS = """(fig) => {
  const div = document.getElementById('chart');
  div.innerHTML = '';
  return Plotly.newPlot(div, fig.data, fig.layout, {staticPlot: true}).then(() => {
    const box = e => { const r = e.getBoundingClientRect();
                       return {x: r.x, y: r.y, width: r.width, height: r.height}; };
    const outer = box(div.querySelector('.main-svg'));
    // each subplot's axes as plotly laid them out (px), after every automargin
    const plots = Object.values(div._fullLayout._plots || {}).map(
      p => ({width: p.xaxis._length, height: p.yaxis._length}));
    const legend = [...div.querySelectorAll('.legend .traces')].map(t => ({
      name: t.querySelector('.legendtext')?.textContent || '', ...box(t)}));
    const texts = [];
    for (const [n, s] of [['annotation', '.annotation'], ['x title', '.xtitle'],
                          ['y title', '.ytitle'], ['x tick', '.xtick text'],
                          ['legend', '.legend .traces']])
      div.querySelectorAll(s).forEach(e => { const b = box(e);
        if (b.width > 0 && b.height > 0) texts.push([n, e.textContent.slice(0, 40), b]); });
    return {outer, plots, legend, texts};
  });
}"""


def _variants() -> list[tuple[str, dict]]:
    from dashboard import registry
    from dashboard.builders import lookups, russia

    names = lookups.region_names()
    longest = sorted(russia.subjects(), key=lambda c: -len(names.get(c, c)))[:12]
    every = [(n, {}) for n, e in sorted(registry.REGISTRY.items()) if e.kind == "chart"]
    stress = [
        ("milex_series", {"countries": TWELVE}),
        ("milex_series", {"countries": TWELVE, "events": "on"}),
        ("gvb_series", {"group": "custom", "countries": TWELVE[:10]}),
        ("gvb_scatter", {"group": "custom", "countries": TWELVE}),
        ("russia_wages", {"regions": longest}),
        ("russia_wartime_shares", {"regions": longest}),
        ("russia_social_vs_manufacturing", {"regions": longest}),
        ("russia_social_bars", {"regions": longest}),
        ("russia_shipments", {"regions": longest}),
    ]
    return every + [(n, p) for n, p in stress if n in registry.REGISTRY]


def _overlap(a: dict, b: dict) -> bool:
    across = a["x"] < b["x"] + b["width"] - 1 and b["x"] < a["x"] + a["width"] - 1
    return across and a["y"] < b["y"] + b["height"] - 1 and b["y"] < a["y"] + a["height"] - 1


def layout_problems(got: dict, window: int, listed: list[str]) -> list[str]:
    """What plotly.js's layout of one chart (``MEASURE_JS``) gets wrong: a plot too low for
    the window, a phone's plot narrower than 80% of the figure, a legend that does not list
    every series (``listed``) or runs below the figure, two texts over each other."""
    out = []
    low = (MIN_PANEL if len(got["plots"]) > 1 else MIN_PLOT)[window]
    for p in got["plots"]:
        if p["height"] < low - 1:
            out.append(f"plot {p['height']:.0f} px tall < {low}")
    if window == 390 and got["plots"]:
        wide = max(p["width"] for p in got["plots"])
        if wide < 0.8 * got["outer"]["width"] - 1:
            out.append(f"plot {wide:.0f} of {got['outer']['width']:.0f} px")
    shown = [e["name"] for e in got["legend"]]
    if sorted(shown) != sorted(listed):
        out.append(f"legend shows {shown}, lists {listed}")
    bottom = got["outer"]["y"] + got["outer"]["height"]
    out += [
        f"legend entry {e['name']!r} below the figure"
        for e in got["legend"]
        if e["y"] + e["height"] > bottom + 1
    ]
    for (n1, t1, b1), (n2, t2, b2) in itertools.combinations(got["texts"], 2):
        if n1 == n2 == "x tick" or n1 == n2 == "legend":
            continue  # plotly spaces its own ticks and entries
        if _overlap(b1, b2):
            out.append(f"{n1} {t1!r} over {n2} {t2!r}")
    return out


@pytest.mark.parametrize("window", list(WIDTHS))
def test_every_chart_keeps_its_plot_and_names_its_series(browser, store_env, window):
    from dashboard import charts, registry

    width = WIDTHS[window]
    page = browser.new_page(viewport={"width": width + 40, "height": 1200})
    page.set_content(
        f"<body style='margin:0'><div id='chart' style='width:{width}px'></div></body>"
    )
    page.add_script_tag(path=str(PLOTLY_JS))
    problems, sizes = [], []
    for name, params in _variants():
        try:
            b = registry.build(name, params)
        except registry.SpecError:
            continue  # a selection this chart cannot draw (said on the page)
        fig = b.chart.figure
        spec = json.loads(fig.to_json())
        spec["layout"]["width"] = width
        got = page.evaluate(MEASURE_JS, spec)
        label = f"{name} {params or ''}".strip()
        problems += [(label, p) for p in layout_problems(got, window, charts.legend_names(fig))]
        sizes.append((min((p["height"] for p in got["plots"]), default=0), label))
    worst = sorted(sizes)[:5]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"plot_sizes_{window}.txt").write_text(
        "\n".join(f"{h:.0f} px  {label}" for h, label in sorted(sizes))
    )
    page.close()
    assert len(sizes) >= 20 and worst, sizes
    assert not problems, problems
