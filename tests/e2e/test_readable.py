"""Readable at any width: on Home with 12 countries, at 1440 px and on a 390 px phone, the
chart's title, subtitle, line labels, legend and source line do not overlap, and the 12 lines
have 12 different colours that each pass 3:1 against white. Screenshots in artifacts/e2e/."""

import itertools

import pytest

from dashboard.palette import contrast_on_white

from .conftest import ARTIFACTS

pytestmark = pytest.mark.e2e

TWELVE = ["USA", "RUS", "CHN", "UKR", "DEU", "FRA", "GBR", "IND", "POL", "SAU", "ISR", "JPN"]


def _boxes(page) -> dict[str, list[dict]]:
    """Bounding boxes (x, y, width, height) of the first chart's text parts."""
    chart = page.locator(".js-plotly-plot").first
    found = {}
    for part, sel in {"title": ".gtitle", "subtitle": ".gtitle-subtitle",
                      "legend": ".legend", "annotations": ".annotation"}.items():  # fmt: skip
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
    page.wait_for_selector(".js-plotly-plot .scatterlayer .trace", timeout=60_000)
    page.wait_for_timeout(1000)
    page.screenshot(path=str(ARTIFACTS / f"home_12_countries_{width}.png"), full_page=True)
    boxes = _boxes(page)
    parts = [("title", b) for b in boxes["title"]] + [("subtitle", b) for b in boxes["subtitle"]]
    parts += [("legend", b) for b in boxes["legend"]]
    parts += [(f"annotation {i}", b) for i, b in enumerate(boxes["annotations"])]
    assert boxes["title"] and boxes["subtitle"] and len(boxes["annotations"]) >= 13  # 12 + source
    clashes = [(n1, n2) for (n1, b1), (n2, b2) in itertools.combinations(parts, 2)
               if _overlap(b1, b2)]  # fmt: skip
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
