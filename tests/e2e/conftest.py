"""The e2e fixtures: one app server on loopback and one Chromium for the whole e2e session."""

import json
import os
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

from dashboard import frontend

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "artifacts" / "e2e"
# a page's plotly charts, without the app's hidden warm-up chart
PLOTS = f".js-plotly-plot:not(.st-key-{frontend.WARM_KEY} *)"
# how long a page may take to answer (ms): a bound, not a speed check (speed is measured in
# bench/). Under `-n 3` on two cores, beside the container build, one page once took over 120 s
# to show its title; alone it takes under 10 s.
WAIT = 300_000
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def app_url(pulled_home):
    port = _free_port()
    env = {**os.environ, "LABORDASH_HOME": str(pulled_home)}
    from dashboard import launch

    cmd = launch.command(port)  # the server labordash run starts, with the shipped settings
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = open(ARTIFACTS / "streamlit.log", "w")  # noqa: SIM115 (closed at teardown)
    proc = launch.spawn(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ARTIFACTS)
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


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("/usr/bin/chromium is missing: .ci/run must install Debian chromium")
        pytest.skip("Debian chromium not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield OneContext(b)
        b.close()


class OneContext:
    """Chromium as the tests use it: each ``new_page`` a tab of one browser context, which
    fetches the app's scripts and styles once and keeps them, as a visitor's browser does (a
    context per page fetched them all for every page); ``new_context`` for a fresh cache or a
    phone."""

    def __init__(self, browser) -> None:
        self._browser, self._context = browser, browser.new_context()

    def new_page(self, viewport: dict | None = None):
        page = self._context.new_page()
        if viewport:
            page.set_viewport_size(viewport)
        return page

    def __getattr__(self, name: str):
        return getattr(self._browser, name)


# the page has its title, no script runs, at least ``n`` charts and every visible one drawn,
# and all that has held for ``quiet`` ms (a rerun the page asks for starts well within it)
SETTLED_JS = f"""([n, quiet]) => {{
  const plots = document.querySelectorAll('{PLOTS}');
  const shown = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .filter(c => c.checkVisibility());
  const ok = !!document.querySelector('[data-testid="stMain"] h1')
    && !document.querySelector('[data-testid="stStatusWidget"]')
    && plots.length >= n && shown.every(c => c.querySelector('.main-svg'));
  if (!ok) {{ window.__ldQuietSince = undefined; return false; }}
  window.__ldQuietSince ??= performance.now();
  return performance.now() - window.__ldQuietSince >= quiet;
}}"""


def settled(page, charts: int = 0, quiet: int = 600) -> None:
    """Wait until the script has finished and ``charts`` plotly charts (at least) are drawn,
    and the page has stayed so for ``quiet`` ms."""
    page.evaluate("window.__ldQuietSince = undefined")
    page.wait_for_function(SETTLED_JS, arg=[charts, quiet], polling=100, timeout=WAIT)


def open_view(browser, url: str, charts: int = 0, width: int = 1440, height: int = 4600):
    """A new page at ``url``, settled; with the page errors and requests to other hosts (no
    CDN font, favicon or script: everything comes from the app) collected in ``errors``."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    host = urlparse(url).netloc

    def outside(request) -> None:
        u = urlparse(request.url)
        if u.scheme in ("http", "https", "ws", "wss") and u.netloc != host:
            errors.append(f"outside request: {request.url}")

    page.on("request", outside)
    page.goto(url)
    settled(page, charts)
    return page, errors


@pytest.fixture(scope="session")
def views(browser, app_url):
    """``view(path, charts, width=1440)``: a settled page kept open for the session, for the
    tests that only read a page or press its download buttons (which do not run the page
    again, ``on_click="ignore"``): one load of each view serves them all."""
    kept: dict[tuple[str, int], tuple] = {}

    def view(path: str, charts: int = 0, width: int = 1440):
        key = ("/" + path.lstrip("/"), width)
        if key not in kept:
            kept[key] = open_view(browser, app_url + key[0], charts, width=width)
        return kept[key]

    yield view
    for page, _ in kept.values():
        page.close()


def coloured_pixels(png: bytes) -> int:
    """Pixels in the map's warm classes (the OrRd scale), not white, grey or text."""
    import io

    import numpy as np
    from PIL import Image

    px = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    r, b = px[..., 0], px[..., 2]
    return int(((r > 180) & (b < 170) & (r - b > 50)).sum())


def painted_pixels(png: bytes) -> int:
    """Pixels of any clear colour (not white, grey or black): a drawn map, whatever its scale."""
    import io

    import numpy as np
    from PIL import Image

    px = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    return int((px.max(axis=2) - px.min(axis=2) > 40).sum())


def open_tall(browser, url: str, plots: int, shot: str):
    """A page with at least ``plots`` plotly charts drawn, screenshot saved."""
    page, errors = open_view(browser, url, plots)
    page.screenshot(path=str(ARTIFACTS / shot))
    assert page.locator('[data-testid="stException"]').count() == 0
    return page, errors


# what a page has loaded (ms since it opened): a blank page shows which request never ended
LOADED_JS = """() => ({
  readyState: document.readyState, root: document.getElementById('root')?.innerHTML.length,
  scripts: [...document.scripts].map(s => s.src).filter(Boolean),
  loaded: performance.getEntriesByType('resource').map(
    e => `${Math.round(e.startTime)}-${Math.round(e.responseEnd)} ${e.name}`)})"""


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed browser test leaves a screenshot, the text and the loaded resources of every
    page still open."""
    report = yield
    browser = item.funcargs.get("browser") if hasattr(item, "funcargs") else None
    if report.failed and call.when == "call" and browser is not None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = item.name.replace("/", "_")[:80]
        for i, page in enumerate(p for c in browser.contexts for p in c.pages):
            try:
                page.screenshot(path=str(ARTIFACTS / f"failed_{name}_{i}.png"))
                text = f"{page.url}\n\n{page.inner_text('body', timeout=5_000)}"
                text += f"\n\n{json.dumps(page.evaluate(LOADED_JS), indent=1)}"
                (ARTIFACTS / f"failed_{name}_{i}.txt").write_text(text)
            except Exception as exc:  # a closed or hung page: say so, go on
                (ARTIFACTS / f"failed_{name}_{i}.txt").write_text(f"no capture: {exc}")
    return report
