"""Page performance against a bare Streamlit page (the floor).

For every page with charts, and for a bare page that shows one plotly chart of the same kind
(five lines of 77 points, like the home chart):

- start: a fresh ``streamlit run`` (cold caches) until the first chart is drawn in Chromium;
- rerun: server time of one script run after a widget change (median of 5, under AppTest);
- memory: peak resident memory of the server process after the first chart (VmHWM).

Usage: ``python bench/bench_pages.py`` (needs /usr/bin/chromium and a pulled store; set
``LABORDASH_HOME`` or it pulls into a temporary one from ``LABORDASH_MIRROR``).
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from dashboard import sitemap

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]  # fmt: skip
# every page of the app with a widget to change (sitemap.Page.probe)
PAGES = {k: (p.url_path, *p.probe) for k, p in sitemap.PAGES.items() if p.probe}
FLOOR = """
import numpy as np, pandas as pd, plotly.express as px, streamlit as st
n = st.selectbox("Series", [5, 4, 3], key="floor:n")
rng = np.random.default_rng(n)
df = pd.DataFrame({"year": np.tile(np.arange(1949, 2026), n),
                   "geo": np.repeat(list("ABCDE")[:n], 77), "value": rng.random(77 * n).cumsum()})
st.plotly_chart(px.line(df, x="year", y="value", color="geo"), key="floor_chart")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cold_start(script: Path, path: str, browser) -> tuple[float, float, float]:
    """(seconds to a healthy server, seconds from start to the first chart drawn, peak MB)."""
    port = free_port()
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        while True:
            try:
                if httpx.get(f"{url}/_stcore/health", timeout=1).text == "ok":
                    break
            except httpx.HTTPError:
                time.sleep(0.05)
        healthy = time.perf_counter() - t0
        page = browser.new_page(viewport={"width": 1300, "height": 1600})
        page.goto(f"{url}/{path}")
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=180_000)
        first = time.perf_counter() - t0
        page.close()
        return healthy, first, peak_rss_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(20)


def rerun_seconds(script: Path, page: str | None, key: str, value) -> float:
    """Median server time of a run after changing widget ``key`` (AppTest)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(script), default_timeout=300)
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    box = at.selectbox(key=key)
    options = [value, box.value]
    times = []
    for i in range(6):
        box = at.selectbox(key=key)
        box.set_value(options[i % 2])
        t = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t)
        assert not at.exception, at.exception
    return statistics.median(times[1:])


def main() -> None:
    from playwright.sync_api import sync_playwright

    home = os.environ.get("LABORDASH_HOME")
    if not home:
        home = tempfile.mkdtemp(prefix="labordash-bench-")
        os.environ["LABORDASH_HOME"] = home
        from dashboard import store

        print("pulling the store into", home)
        store.pull()
    floor = Path(tempfile.mkdtemp()) / "floor.py"
    floor.write_text(FLOOR)
    app = ROOT / "dashboard" / "app.py"

    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        rows.append(("floor (bare page)", *cold_start(floor, "", browser),
                     rerun_seconds(floor, None, "floor:n", 4)))  # fmt: skip
        for name, (path, key, value) in PAGES.items():
            rows.append((name, *cold_start(app, path, browser),
                         rerun_seconds(app, sitemap.PAGES[name].script, key, value)))  # fmt: skip
        browser.close()
    base = rows[0]
    print(f"\n{'page':20} {'healthy s':>9} {'1st chart s':>11} {'x floor':>7} {'rerun ms':>9} "
          f"{'x floor':>7} {'peak MB':>8} {'x floor':>7}")  # fmt: skip
    for name, healthy, first, mb, rerun in rows:
        print(
            f"{name:20} {healthy:9.2f} {first:11.2f} {first / base[2]:7.1f} "
            f"{rerun * 1000:9.0f} {rerun / base[4]:7.1f} {mb:8.0f} {mb / base[3]:7.1f}"
        )


if __name__ == "__main__":
    main()
