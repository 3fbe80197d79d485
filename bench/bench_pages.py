"""Page performance on a live server against a bare Streamlit page (the floor).

For every page with charts (``sitemap.PAGES`` with a probe widget), and for a bare page that
shows one plotly chart of the same kind (five lines of 77 points, like the home chart), each on
a fresh server started as ``labordash run`` starts it (the shipped settings):

- first chart: seconds from the server's start to the frame in which Chromium first shows a
  chart (a plot's svg visible, stamped by the page's own clock in a requestAnimationFrame
  loop); ``first_chart_seen_s`` is when Playwright's polling saw it, which on a page still
  drawing its other charts waits for the busy main thread (0.3 s on the floor, 2.0-2.4 s on
  the Russia page);
- rerun: server round trip of a script run after a widget change (the page's probe widget set
  to another value and back, 12 times) over Streamlit's websocket, as a browser sends it; p50
  and p95; and the first change alone (``first_change_ms``: the new value's charts are built,
  while the later reruns find them in the shared cache);
- KB per rerun: bytes the server sent for those reruns (the client keeps Streamlit's message
  cache, as a browser does, so unchanged elements are not sent again);
- memory: peak resident memory of the server process (VmHWM).

The package is byte-compiled first, as ``pip install`` does (an editable checkout under
PYTHONDONTWRITEBYTECODE would otherwise be compiled again by every server).

With ``--rounds N`` the floor and the pages are measured N times, interleaved, and medians are
reported (the first chart against the floor of the same round).

Usage: ``python bench/bench_pages.py [--json] [--reruns 12] [--rounds 1]`` (needs
/usr/bin/chromium and a pulled store; set ``LABORDASH_HOME`` or it pulls into a temporary one
from ``LABORDASH_MIRROR``). ``--json`` prints one JSON object: per page ``rerun_p95_ms``,
``floor_rerun_p95_ms``, ``first_chart_s``, ``floor_first_chart_s``, ``kb_per_rerun``.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from wsclient import Client

from dashboard import launch, sitemap

ROOT = Path(__file__).resolve().parents[1]
# stamps the first frame with a visible chart (wall clock, ms), from the page's own thread
FIRST_CHART_JS = """(() => {
  const opts = {checkOpacity: true, checkVisibilityCSS: true, opacityProperty: true,
                visibilityProperty: true};
  const look = () => {
    const svgs = document.querySelectorAll('.js-plotly-plot .main-svg');
    if ([...svgs].some(s => s.checkVisibility(opts))) {
      window.__firstChart = performance.timeOrigin + performance.now();
    } else requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
})();"""
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]  # fmt: skip
FLOOR = """
import numpy as np, pandas as pd, plotly.express as px, streamlit as st
n = st.selectbox("Series", ["5", "4", "3"], key="floor:n")
rng = np.random.default_rng(int(n))
df = pd.DataFrame({"year": np.tile(np.arange(1949, 2026), int(n)),
                   "geo": np.repeat(list("ABCDE")[:int(n)], 77),
                   "value": rng.random(77 * int(n)).cumsum()})
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


def p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


async def reruns(url: str, page: str, key: str, value: str, n: int) -> tuple[list[float], float]:
    """Seconds per rerun after setting ``key`` to ``value`` and back, and KB sent per rerun."""
    c = Client(url, page, random.Random(0))
    conn = await c.open()
    wid = next(w for w in c.boxes if w.endswith(key))
    first = c.states[wid].string_value
    for i in range(n):
        c.set_box(key, value if i % 2 == 0 else first)
        await c.run_once(conn)
    await conn.close()
    if c.errors:
        raise RuntimeError(f"{page}: {c.errors[:3]}")
    return c.latencies, statistics.mean(c.received) / 1024


def measure(script: Path, path: str, key: str, value: str, browser, n: int) -> dict:
    port = free_port()
    t0, wall0 = time.perf_counter(), time.time()
    proc = launch.spawn(
        launch.command(port, script=script),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=tempfile.gettempdir(),
    )
    try:
        url = f"http://127.0.0.1:{port}"
        while True:
            try:
                if httpx.get(f"{url}/_stcore/health", timeout=1).text == "ok":
                    break
            except httpx.HTTPError:
                time.sleep(0.05)
        page = browser.new_page(viewport={"width": 1300, "height": 1600})
        page.add_init_script(FIRST_CHART_JS)
        page.goto(f"{url}/{path}")
        page.wait_for_selector(".js-plotly-plot .main-svg >> visible=true", timeout=180_000)
        seen = time.perf_counter() - t0
        drawn = page.wait_for_function("window.__firstChart", timeout=10_000).json_value()
        first = drawn / 1000 - wall0
        page.close()
        # in a thread of its own: Playwright's sync API keeps an event loop in this one
        with ThreadPoolExecutor(1) as pool:
            lat, kb = pool.submit(asyncio.run, reruns(url, path, key, value, n)).result()
        return {"first": first, "seen": seen, "lat": lat, "kb": kb, "peak": peak_rss_mb(proc.pid)}
    finally:
        proc.terminate()
        proc.wait(20)


def combine(runs: list[dict], floors: list[dict]) -> dict:
    """A page's figures over ``runs`` (one per round, each on a fresh server): the median first
    chart and, against the floor of the same round, the median ratio; the medians of each
    round's rerun p50 and p95 (each round's reruns begin with a first change) and first change."""
    ratios = [r["first"] / f["first"] for r, f in zip(runs, floors, strict=True)]
    p50s = [statistics.median(r["lat"]) for r in runs]
    return {
        "first_chart_s": round(statistics.median(r["first"] for r in runs), 2),
        "first_chart_ratio": round(statistics.median(ratios), 2),
        "first_chart_runs_s": [round(r["first"], 2) for r in runs],
        "first_chart_seen_s": round(statistics.median(r["seen"] for r in runs), 2),
        "rerun_p50_ms": round(statistics.median(p50s) * 1000),
        "rerun_p95_ms": round(statistics.median(p95(r["lat"]) for r in runs) * 1000),
        "kb_per_rerun": round(statistics.mean(r["kb"] for r in runs), 1),
        "first_change_ms": round(statistics.median(r["lat"][0] for r in runs) * 1000),
        "peak_mb": round(max(r["peak"] for r in runs)),
    }


def main() -> None:
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--reruns", type=int, default=12)
    ap.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="measure the floor and every page this many times (a fresh server "
        "each), interleaved; report medians",
    )
    args = ap.parse_args()
    # the package's bytecode, as `pip install` writes it: where PYTHONDONTWRITEBYTECODE is set
    # (this machine, many containers) an editable checkout is otherwise compiled again by
    # every server, 0.5 s of its first page
    compileall.compile_dir(ROOT / "dashboard", quiet=1)
    if not os.environ.get("LABORDASH_HOME"):
        os.environ["LABORDASH_HOME"] = tempfile.mkdtemp(prefix="labordash-bench-")
        from dashboard import store

        print("pulling the store into", os.environ["LABORDASH_HOME"], file=sys.stderr)
        store.pull()
    floor_script = Path(tempfile.mkdtemp()) / "floor.py"
    floor_script.write_text(FLOOR)
    pages = {name: page for name, page in sitemap.PAGES.items() if page.probe}
    raw: dict[str, list[dict]] = {"floor": [], **{name: [] for name in pages}}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for _ in range(args.rounds):  # interleaved: drift on the machine reaches all alike
            raw["floor"].append(measure(floor_script, "", "floor:n", "4", browser, args.reruns))
            for name, page in pages.items():
                raw[name].append(
                    measure(launch.APP, page.url_path, *page.probe, browser, args.reruns)
                )
        browser.close()
    floor = combine(raw["floor"], raw["floor"])
    out: dict = {"rounds": args.rounds, "pages": {}}
    for name in pages:
        row = out["pages"][name] = combine(raw[name], raw["floor"])
        row["floor_rerun_p95_ms"] = floor["rerun_p95_ms"]
        row["floor_first_chart_s"] = floor["first_chart_s"]
        row["floor_first_chart_seen_s"] = floor["first_chart_seen_s"]
        row["rerun_ratio"] = round(row["rerun_p95_ms"] / max(floor["rerun_p95_ms"], 1), 2)
    out["floor"] = floor
    if args.json:
        print(json.dumps(out))
        return
    print(
        f"{'page':16} {'1st chart s':>11} {'x floor':>7} {'seen s':>6} {'rerun p50':>9} "
        f"{'p95 ms':>7} {'x floor':>7} {'1st change':>10} {'KB/rerun':>8} "
        f"{'peak MB':>8}"
    )
    for name, r in [
        ("floor", {**floor, "rerun_ratio": 1.0, "first_chart_ratio": 1.0}),
        *out["pages"].items(),
    ]:
        print(
            f"{name:16} {r['first_chart_s']:11.2f} {r['first_chart_ratio']:7.2f} "
            f"{r['first_chart_seen_s']:6.2f} {r['rerun_p50_ms']:9.0f} {r['rerun_p95_ms']:7.0f} "
            f"{r['rerun_ratio']:7.2f} {r['first_change_ms']:10.0f} "
            f"{r['kb_per_rerun']:8.1f} {r['peak_mb']:8.0f}"
        )


if __name__ == "__main__":
    main()
