"""Readable at any width: on every page, at 1440 px and on a 390 px phone, no chart's title,
subtitle, legend, labels, axis titles or source line overlap or run out of the chart; on Home
with 12 countries the 12 lines have 12 different colours that each pass 3:1 against white.
Screenshots in artifacts/e2e/."""

import io
import itertools
import math

import pytest

from dashboard.palette import contrast_on_white

from .conftest import ARTIFACTS, WAIT, settled

pytestmark = pytest.mark.e2e

TWELVE = ["USA", "RUS", "CHN", "UKR", "DEU", "FRA", "GBR", "IND", "POL", "SAU", "ISR", "JPN"]


def _boxes(page) -> dict[str, list[dict]]:
    """Bounding boxes (x, y, width, height) of the first chart's text parts."""
    chart = page.locator(".js-plotly-plot").first
    found = {}
    for part, sel in {
        "title": ".gtitle",
        "subtitle": ".gtitle-subtitle",
        "legend": ".legend",
        "annotations": ".annotation",
    }.items():
        found[part] = [b for b in (e.bounding_box() for e in chart.locator(sel).all()) if b]
    return found


def _overlap(a: dict, b: dict) -> bool:
    """Two boxes share more than a pixel's edge."""
    across = a["x"] < b["x"] + b["width"] - 1 and b["x"] < a["x"] + a["width"] - 1
    return across and a["y"] < b["y"] + b["height"] - 1 and b["y"] < a["y"] + a["height"] - 1


@pytest.mark.parametrize("width", [1440, 390])
def test_home_with_12_countries_has_no_overlap_and_12_colours(browser, app_url, width):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": 1100})
    link = "&".join(f"countries={c}" for c in TWELVE)
    page.goto(f"{app_url}/?{link}")
    settled(page, 1)
    page.screenshot(path=str(ARTIFACTS / f"home_12_countries_{width}.png"), full_page=True)
    boxes = _boxes(page)
    parts = [("legend", b) for b in boxes["legend"]]
    parts += [(f"annotation {i}", b) for i, b in enumerate(boxes["annotations"])]
    # the title, subtitle and source line are page text; the legend names all 12 lines
    head = page.locator(".st-key-head_milex_chart").inner_text()
    assert head.startswith("Military expenditure") and "% of GDP" in head, head
    names = page.locator(".js-plotly-plot").first.locator(".legendtext").all_text_contents()
    assert len(names) == 12, names
    clashes = [
        (n1, n2) for (n1, b1), (n2, b2) in itertools.combinations(parts, 2) if _overlap(b1, b2)
    ]
    assert not clashes, clashes
    strokes = page.eval_on_selector_all(
        ".js-plotly-plot:first-of-type .scatterlayer .trace path.js-line",
        "els => els.map(e => getComputedStyle(e).stroke)",
    )
    colours = {tuple(int(v) for v in s[s.index("(") + 1 : -1].split(",")[:3]) for s in strokes}
    assert len(strokes) == 12 and len(colours) == 12, strokes
    hexes = ["#{:02X}{:02X}{:02X}".format(*c) for c in colours]
    assert min(contrast_on_white(h) for h in hexes) >= 3.0
    page.close()


TWELVE_LINK = "&".join(f"countries={c}" for c in TWELVE)
PAGES = {
    "home": "/",
    "home_index_log": f"/?{TWELVE_LINK}&values=index&base=2014&scale=log",
    "home_events": f"/?{TWELVE_LINK}&events=on",
    "home_map": "/?view=map",
    "home_change_map": "/?view=map&mapmode=change&years=2014-2024",
    "gvb_12": f"/guns-vs-butter?group=custom&{TWELVE_LINK}",
    "gvb": "/guns-vs-butter",
    "dependence": "/dependence",
    "russia": "/russia",
    "profile": "/region",
}
PARTS_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(p => {
  const box = e => { const r = e.getBoundingClientRect();
                     return {x: r.x, y: r.y, width: r.width, height: r.height}; };
  const parts = [];
  for (const [n, s] of [["title", ".gtitle"], ["subtitle", ".gtitle-subtitle"],
                        ["legend", ".legend"], ["annotation", ".annotation"],
                        ["x title", ".xtitle"], ["y title", ".ytitle"]])
    p.querySelectorAll(s).forEach(e => { const b = box(e);
      if (b.width > 0 && b.height > 0) parts.push([n, e.textContent.slice(0, 40), b]); });
  return {chart: p.closest('[class*="st-key-"]')?.className.match(/st-key-(\\S+)/)?.[1] || '',
          outer: box(p), parts};
})"""


@pytest.mark.parametrize("width", [1440, 390])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_chart_text_overlaps_or_runs_out(views, name, width):
    page, _ = views(PAGES[name], 1, width)  # settled: every chart of the page drawn
    page.screenshot(path=str(ARTIFACTS / f"readable_{name}_{width}.png"))
    charts = page.evaluate(PARTS_JS)
    assert charts
    problems = []
    for c in charts:
        parts, outer = c["parts"], c["outer"]
        for (n1, t1, b1), (n2, t2, b2) in itertools.combinations(parts, 2):
            if _overlap(b1, b2):
                problems.append((c["chart"], f"{n1} {t1!r}", f"{n2} {t2!r}"))
        for n, t, b in parts:
            if b["x"] < outer["x"] - 1 or b["x"] + b["width"] > outer["x"] + outer["width"] + 1:
                problems.append((c["chart"], f"{n} {t!r}", "runs out of the chart"))
    assert not problems, problems


def test_enter_in_the_country_box_adds_one_country(browser, app_url):
    page = browser.new_page(viewport={"width": 1440, "height": 1400})
    page.goto(app_url + "/")
    settled(page, 1)
    page.locator('[data-testid="stMultiSelect"] input').first.click()
    page.keyboard.type("Pol")  # matches Poland, and Portugal by Streamlit's fuzzy filter
    page.get_by_role("option", name="Poland").wait_for(timeout=WAIT)
    page.keyboard.press("Enter")
    page.wait_for_function("location.search.includes('countries=POL')", timeout=WAIT)
    assert "PRT" not in page.url
    page.close()


def _exported_charts() -> list[tuple[str, dict]]:
    from dashboard import registry

    every = [(n, {}) for n, e in sorted(registry.REGISTRY.items()) if e.kind == "chart"]
    return [
        *every,
        ("milex_series", {"countries": TWELVE}),
        ("milex_series", {"countries": TWELVE, "values": "index", "scale": "log"}),
        ("gvb_series", {"group": "custom", "countries": TWELVE[:9]}),
        ("milex_map", {"mapmode": "change", "years": "2014-2024"}),
    ]


def test_exported_svgs_have_no_overlapping_or_cut_text(browser, store_env):
    """Every chart as exported (SVG, 1200 px wide, with the labordash credit): laid out in
    Chromium, no two text parts overlap and none runs out of the image."""
    from dashboard import export, registry

    if not export.available():
        pytest.fail("no Chromium for kaleido: .ci/run must install Debian chromium")
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    problems = []
    with export.one_browser():
        for name, params in _exported_charts():
            b = registry.build(name, params)
            svg = export.image(b.chart.figure, "svg").decode()
            page.set_content(
                f"<body style='margin:0'><div class='js-plotly-plot' "
                f"style='display:inline-block'>{svg}</div></body>"
            )
            for c in page.evaluate(PARTS_JS):
                parts, outer = c["parts"], c["outer"]
                for (n1, t1, b1), (n2, t2, b2) in itertools.combinations(parts, 2):
                    if _overlap(b1, b2):
                        problems.append((name, params, f"{n1} {t1!r}", f"{n2} {t2!r}"))
                for n, t, bx in parts:
                    if (
                        bx["x"] < outer["x"] - 1
                        or bx["x"] + bx["width"] > outer["x"] + outer["width"] + 1
                    ):
                        problems.append((name, params, f"{n} {t!r}", "runs out of the image"))
    page.close()
    assert not problems, problems


def _pdf_runs(pdf: bytes) -> tuple[list[tuple[str, dict]], float, float]:
    """Each text run of a one-page PDF with its approximate box in points (x, y from the
    bottom, length from the font size at 0.5 em a character; vertical text stands up) and the
    page's size."""
    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(pdf)).pages[0]
    runs = []

    def visit(text, cm, tm, font, size):  # pypdf's visitor signature
        if text.strip():
            scale = math.hypot(cm[0], cm[1]) or 1.0
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            h, long = size * scale, 0.5 * size * scale * len(text.strip())
            if abs(cm[1]) > abs(cm[0]):  # set vertically: a y axis title
                runs.append((text.strip(), {"x": x - h, "y": y - long, "width": h, "height": long}))
            else:
                runs.append((text.strip(), {"x": x, "y": y, "width": long, "height": h}))

    page.extract_text(visitor_text=visit)
    return runs, float(page.mediabox.width), float(page.mediabox.height)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("milex_series", {"countries": TWELVE, "events": "on"}),
        ("gvb_cofog", {}),
        ("dependence_map", {}),
        ("region_mix", {}),
        ("russia_wages", {}),
    ],
)
def test_exported_pdf_text_lies_on_the_page_apart(store_env, name, params):
    """The PDF as published: every text run inside the page, the title on top, the source line
    at the bottom, no two runs overlapping."""
    from dashboard import charts, export, registry

    if not export.available():
        pytest.fail("no Chromium for kaleido: .ci/run must install Debian chromium")
    b = registry.build(name, params)
    runs, w, h = _pdf_runs(export.image(b.chart.figure, "pdf"))
    assert runs
    for text, box in runs:
        assert box["x"] >= 0 and box["x"] + box["width"] <= w + 1, (text, box, w)
        assert 0 <= box["y"] <= h, (text, box, h)
    title = b.title.split()[0]
    top = max(runs, key=lambda r: r[1]["y"])[0]
    assert top.startswith(title), (top, title)  # the title is the highest text
    footer = charts.texts(b.chart.figure)["source"]
    lowest = min(runs, key=lambda r: r[1]["y"])[0]
    assert lowest in footer or lowest.startswith("Made with labordash"), lowest
    clashes = [
        (t1, t2) for (t1, b1), (t2, b2) in itertools.combinations(runs, 2) if _overlap(b1, b2)
    ]
    assert not clashes, clashes
