"""End-to-end: the app on the mirror, in Debian's Chromium driven by Playwright.

Screenshots land in artifacts/e2e/. Without /usr/bin/chromium the tests are skipped locally and
fail under CI=true (where .ci/run installs it).
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "artifacts" / "e2e"
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(pulled_home):
    port = _free_port()
    env = {**os.environ, "LABORDASH_HOME": str(pulled_home)}
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"),
           "--server.port", str(port), "--server.address", "127.0.0.1",
           "--server.headless", "true", "--browser.gatherUsageStats", "false"]  # fmt: skip
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = open(ARTIFACTS / "streamlit.log", "w")  # noqa: SIM115 (closed at teardown)
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(f"{url}/_stcore/health", timeout=2).text == "ok":
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}; see {log.name}")
        time.sleep(0.5)
    else:
        proc.kill()
        raise RuntimeError("streamlit did not become healthy in 60 s")
    yield url
    proc.terminate()
    proc.wait(10)
    log.close()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("/usr/bin/chromium is missing: .ci/run must install Debian chromium")
        pytest.skip("Debian chromium not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield b
        b.close()


def open_page(browser, url: str, shot: str):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_selector(".js-plotly-plot .scatterlayer .trace", timeout=60_000)
    page.wait_for_timeout(800)  # let the rerun settle before the screenshot
    page.screenshot(path=str(ARTIFACTS / shot), full_page=True)
    return page, errors


def test_home_draws_the_chart(browser, app_url):
    page, errors = open_page(browser, app_url, "home.png")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator(".js-plotly-plot .scatterlayer .trace").count() == 5
    legend = page.locator(".js-plotly-plot .legendtext").all_text_contents()
    assert "Russia" in legend and "Ukraine" in legend
    body = page.inner_text("body")
    assert "Military expenditure as a share of GDP" in body
    assert "Source: Stockholm International Peace Research Institute (SIPRI)" in body
    assert "Datasets" in body
    assert not errors, errors
    page.close()


def test_shared_link_reproduces_the_view(browser, app_url):
    page, errors = open_page(
        browser, f"{app_url}/?countries=RUS&countries=XXX&measure=milex_gov_share", "link.png"
    )
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator(".js-plotly-plot .legendtext").all_text_contents() == ["Russia"]
    assert "as a share of government spending" in page.inner_text("body")
    assert "Ignored countries in the link" in page.inner_text("body")
    assert "XXX" not in page.url  # the unknown code is dropped from the link
    assert not errors, errors
    page.close()


def coloured_pixels(png: bytes) -> int:
    """Pixels in the map's warm classes (the OrRd scale), not white, grey or text."""
    import io

    from PIL import Image

    im = Image.open(io.BytesIO(png)).convert("RGB")
    return sum(1 for r, g, b in im.getdata() if r > 180 and b < 170 and r - b > 50)


def test_guns_vs_butter_draws_map_and_model(browser, app_url):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1300, "height": 4600})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{app_url}/guns-vs-butter?group=nato&civilian=education_gdp")
    page.wait_for_selector('[data-testid="stMetric"]', timeout=90_000)
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 4",
                           timeout=60_000)  # fmt: skip
    page.wait_for_timeout(500)
    page.wait_for_timeout(1500)
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
