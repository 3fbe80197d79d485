"""End-to-end: the app on the mirror, in Debian's Chromium driven by Playwright.

Screenshots land in artifacts/e2e/. Without /usr/bin/chromium the tests are skipped locally and
fail under CI=true (where .ci/run installs it).
"""

from pathlib import Path

import pytest

from dashboard import frontend

from .conftest import ARTIFACTS, WAIT, coloured_pixels, open_tall, open_view, settled

pytestmark = pytest.mark.e2e


def test_home_draws_the_chart(views):
    page, errors = views("", 1)
    page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator(".js-plotly-plot .scatterlayer .trace").count() == 5
    labels = page.locator(".js-plotly-plot .legendtext").all_text_contents()
    assert "Russia" in labels and "Ukraine" in labels  # named in the legend below the plot
    body = page.inner_text("body")
    assert "Military expenditure as a share of GDP" in body
    assert "Source: Stockholm International Peace Research Institute (SIPRI)" in body
    assert "Sources and methods" in body
    assert not errors, errors


def test_plotly_is_loaded_once_and_the_preloads_take_no_room(browser, app_url):
    ctx = browser.new_context()  # an empty cache: every request is seen
    page = ctx.new_page()
    chunks: list[str] = []
    page.on("request", lambda r: chunks.append(r.url) if "/PlotlyChart." in r.url else None)
    page.goto(app_url)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=WAIT)
    # the preload and the frontend's own import are one module: one request, from the app
    assert len(chunks) == 1 and chunks[0].startswith(f"{app_url}/static/js/"), chunks
    holder = page.locator('[data-testid="stElementContainer"]:has(script[data-preload])')
    # not displayed (a displayed element of no height would still add the gap between elements)
    assert holder.count() == 1 and holder.evaluate("e => getComputedStyle(e).display") == "none"
    # the warm-up chart: drawn (it readied the chart component), not displayed, last of the
    # page's charts, so that a page's first chart is still the first one in it
    warm = page.locator(f".st-key-{frontend.WARM_KEY}")
    warm.locator(".main-svg").first.wait_for(state="attached", timeout=WAIT)
    assert warm.evaluate("e => getComputedStyle(e).display") == "none"
    keys = page.evaluate(
        "[...document.querySelectorAll('.js-plotly-plot')].map("
        "p => p.closest('[class*=st-key-]').className.match(/st-key-(\\S+)/)[1])"
    )
    assert keys[-1] == frontend.WARM_KEY and len(keys) > 1, keys
    ctx.close()


def test_shared_link_reproduces_the_view(browser, app_url):
    page, errors = open_view(
        browser, f"{app_url}/?countries=RUS&countries=XXX&measure=milex_gov_share", 1
    )
    page.screenshot(path=str(ARTIFACTS / "link.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0
    labels = page.locator(".js-plotly-plot .legendtext").all_text_contents()
    assert "Russia" in labels and "Ukraine" not in labels
    assert "as a share of government spending" in page.inner_text("body")
    assert "Ignored countries in the link" in page.inner_text("body")
    assert "XXX" not in page.url  # the unknown code is dropped from the link
    assert not errors, errors
    page.close()


def test_guns_vs_butter_draws_map_and_model(browser, app_url):
    url = f"{app_url}/guns-vs-butter?group=nato&civilian=education_gdp"
    page, errors = open_view(browser, url, 4)
    page.screenshot(path=str(ARTIFACTS / "guns_vs_butter.png"))
    assert page.locator('[data-testid="stException"]').count() == 0
    the_map = page.locator(".st-key-map .js-plotly-plot")
    # polygons drawn: one filled path per country, and real colour in the picture
    assert the_map.locator("path.js-fill").count() > 150
    assert coloured_pixels(the_map.screenshot()) > 20_000
    body = page.inner_text("body")
    assert "Coefficient on military" in body and "95% interval" in body
    assert page.locator('[data-testid="stDataFrame"]').count() >= 1  # regression table
    assert "Page not found" not in body, "Streamlit could not resolve the deep link"
    assert "association, not a causal effect" in body
    assert not errors, errors
    page.close()


@pytest.mark.parametrize(
    ("query", "shot", "min_pixels"),
    [
        ("", "dependence_eu.png", 20_000),
        ("?system=us_county&industry=31-33&period=2016-Q1", "dependence_us.png", 150),
        ("?system=us_state", "dependence_us_states.png", 5_000),
        ("?system=ru_subject", "dependence_ru.png", 20_000),
    ],
)
def test_dependence_maps_draw_polygons(views, query, shot, min_pixels):
    page, errors = views(f"dependence{query}", 3)
    page.screenshot(path=str(ARTIFACTS / shot))
    the_map = page.locator(".st-key-map .js-plotly-plot")
    assert the_map.locator("path.js-fill").count() >= 3  # one filled trace per colour class
    assert coloured_pixels(the_map.screenshot()) > min_pixels
    body = page.inner_text("body")
    assert "What the data cannot say" in body and "Page not found" not in body
    assert page.locator('[data-testid="stException"]').count() == 0
    assert not errors, errors


def test_region_profile_draws(browser, app_url):
    page, errors = open_tall(
        browser, f"{app_url}/region?system=ru_subject&region=RU-TUL", 4, "profile_ru.png"
    )
    body = page.inner_text("body")
    assert "Industry mix of Tula" in body and "Shift-share" in body
    assert page.locator(".st-key-waterfall .js-plotly-plot .bars path").count() >= 5
    assert not errors, errors
    page.close()


def test_upload_your_own_table(browser, app_url):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1300, "height": 3000})
    page.goto(f"{app_url}/your-data")
    page.wait_for_selector("text=No file yet", timeout=WAIT)
    rows = ["region,industry,employment"] + [
        f"{r},{i},{v}"
        for r, vals in {"DE11": (500, 900), "DE12": (100, 600), "FR10": (200, 3000)}.items()
        for i, v in zip(("mfg", "services"), vals, strict=True)
    ]
    page.locator('input[type="file"]').set_input_files(
        files=[{"name": "mine.csv", "mimeType": "text/csv", "buffer": "\n".join(rows).encode()}]
    )
    page.wait_for_selector(".st-key-byod_bars .js-plotly-plot", timeout=WAIT)
    settled(page)
    page.screenshot(path=str(ARTIFACTS / "your_data.png"))
    assert page.locator('[data-testid="stException"]').count() == 0
    body = page.inner_text("body")
    assert "Region codes matched NUTS regions (100%)" in body
    assert coloured_pixels(page.locator(".st-key-byod_map .js-plotly-plot").screenshot()) > 300
    # a damaged file is refused with a message, not a traceback
    page.locator('input[type="file"]').set_input_files(
        files=[
            {
                "name": "bad.csv",
                "mimeType": "text/csv",
                "buffer": b"region,industry,employment\nDE11,mfg,lots\n",
            }
        ]
    )
    page.wait_for_selector("text=not numbers", timeout=WAIT)
    assert page.locator('[data-testid="stException"]').count() == 0
    # labels from a file are text: a Markdown image in one is shown, never fetched
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if "203.0.113.7" in r.url else None)
    label = "![x](http://203.0.113.7/pixel.png)"
    rows = [
        "region,industry,employment",
        f"DE11,{label},5",
        "DE11,b,9",
        f"DE12,{label},7",
        "DE12,b,3",
    ]
    page.locator('input[type="file"]').set_input_files(
        files=[{"name": "md.csv", "mimeType": "text/csv", "buffer": "\n".join(rows).encode()}]
    )
    page.wait_for_selector(".st-key-byod_bars .js-plotly-plot", timeout=WAIT)
    settled(page)
    assert page.locator('[data-testid="stCaptionContainer"] img').count() == 0
    assert label in page.inner_text("body") and not fetched, fetched
    page.close()


def test_russia_page_draws_its_map(browser, app_url):
    page, errors = open_tall(browser, f"{app_url}/russia?map=social", 5, "russia.png")
    the_map = page.locator(".st-key-map .js-plotly-plot")
    assert the_map.locator("path.js-fill").count() >= 3
    assert coloured_pixels(the_map.screenshot()) > 20_000
    body = page.inner_text("body")
    assert "Social-policy spending per head" in body and "Udmurt Republic" in body
    assert not errors, errors
    page.close()


def test_chart_exports_download(views):
    page, _ = views("dependence?system=ru_subject", 3)
    with page.expect_download(timeout=WAIT) as dl:
        page.locator(".st-key-x_map_svg button").click()
    svg = Path(dl.value.path()).read_text("utf-8")
    # the name labordash export gives the same chart: chart name and parameter values
    assert dl.value.suggested_filename == "dependence_map_ru_subject_manufacturing_lq_2021.svg"
    assert svg.lstrip().startswith("<svg") and "Location quotient" in svg and "Rosstat" in svg
    with page.expect_download(timeout=WAIT) as dl:
        page.locator(".st-key-x_map_zip button").click()
    import zipfile

    names = zipfile.ZipFile(dl.value.path()).namelist()
    assert sorted(names) == ["README.md", "data.csv", "data.xlsx", "metadata.json"]


def test_changed_selection_lives_in_a_shareable_url(browser, app_url):
    page = browser.new_page(viewport={"width": 1300, "height": 2000})
    page.goto(f"{app_url}/dependence")
    page.wait_for_selector(".st-key-map .js-plotly-plot", timeout=WAIT)
    page.locator(".st-key-dep-system input").first.click()
    page.get_by_role("option", name="Russian federal subjects", exact=True).click()
    page.wait_for_function("location.search.includes('system=ru_subject')", timeout=WAIT)
    settled(page)  # the rerun settles and writes the rest of the state
    link = page.url
    page.close()
    fresh = browser.new_page(viewport={"width": 1300, "height": 2000})
    fresh.goto(link)
    fresh.wait_for_selector(".st-key-map .js-plotly-plot", timeout=WAIT)
    # the Russian system's map and notes, not the default EU one
    # the map's title: page text above the figure
    assert "Location quotient: Manufacturing" in fresh.locator(".st-key-head_map").inner_text()
    assert "Proxy: Rosstat publishes shipments" in fresh.inner_text("body")
    fresh.goto(f"{app_url}/dependence?system=mars&measure=<b>x</b>")
    fresh.wait_for_selector(".st-key-map .js-plotly-plot", timeout=WAIT)
    body = fresh.inner_text("body")
    assert "Unknown regions `mars`" in body or "Unknown regions mars" in body
    assert "B-E Industry" in fresh.locator(".st-key-head_map").inner_text()  # fell back to EU
    fresh.close()


def test_the_links_copy_button_shows_without_hover(browser, app_url):
    """A phone has no hover: the Link popover's copy button is shown, not revealed on hover."""
    ctx = browser.new_context(
        viewport={"width": 390, "height": 1400}, has_touch=True, is_mobile=True
    )
    page = ctx.new_page()
    page.goto(app_url)
    page.wait_for_selector(".js-plotly-plot .scatterlayer .trace", timeout=WAIT)
    page.get_by_role("button", name="Link").first.click()
    button = page.locator("[data-testid=stCode] button[aria-label='Copy to clipboard']").first
    button.wait_for(state="attached", timeout=WAIT)
    hidden = button.evaluate("""b => { for (let e = b; e && e.dataset.testid !== 'stCode';
                                        e = e.parentElement) {
                                    const s = getComputedStyle(e);
                                    if (s.opacity === '0' || s.visibility === 'hidden') return true;
                                  } return false; }""")
    assert not hidden
    ctx.close()
