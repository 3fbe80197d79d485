"""How long Chromium takes to draw every chart of a page, against a bare page with as many charts.

For each page that draws charts (the registry's shown charts, ``sitemap.PAGES``) and, as the
floor, a bare Streamlit page with the same number of plotly line charts (five lines of 77
points, as in ``bench_pages``), both on servers started as ``labordash run`` starts them and
visited once before (warm caches):

- ``paint_s``: from navigation until every chart's svg is in the page and the script has
  finished (Playwright polling);
- ``style_s`` and ``layout_s``: Chromium's own style-recalculation and layout time over the
  visit (the DevTools ``Performance`` metrics ``RecalcStyleDuration`` and ``LayoutDuration``).
  A CSS rule such as ``div:has(...)`` makes every text plotly measures recalculate the style of
  the whole page: on the Russia page that was 13.8 of 20 s before it was removed;
- ``ratio``: ``paint_s`` over the floor's, measured in the same round.

Usage: ``python bench/bench_paint.py [--json] [--rounds 3]`` (needs /usr/bin/chromium and a
pulled store in ``LABORDASH_HOME``). ``--json`` prints one JSON object: per page the medians
of ``paint_s``, ``style_s``, ``layout_s``, ``floor_paint_s`` and ``ratio``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from bench_pages import ARGS, free_port

from dashboard import frontend, launch, registry, sitemap

FLOOR = """
import pandas as pd
import plotly.express as px
import streamlit as st

n = int(st.query_params.get("charts", "1"))
df = pd.DataFrame([{"geo": g, "year": 1949 + i, "value": (i * 7 + k) % 40}
                   for k, g in enumerate("ABCDE") for i in range(77)])
for i in range(n):
    st.subheader(f"Chart {i + 1}")
    st.plotly_chart(px.line(df, x="year", y="value", color="geo"), key=f"floor_{i}")
    st.caption("A bare chart.")
"""
# charts drawn (a plot with its svg; plotly draws 2-3 svgs a chart), the app's hidden warm-up
# chart left out, and the script finished
DONE_JS = f"""(n) => [...document.querySelectorAll('.js-plotly-plot')]
    .filter(p => p.querySelector('.main-svg') && !p.closest('.st-key-{frontend.WARM_KEY}'))
    .length >= n && !document.querySelector('[data-testid="stStatusWidget"]')"""


def serve(script: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    cmd = launch.command(port, script=script)
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            if httpx.get(f"{url}/_stcore/health", timeout=2).text == "ok":
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.kill()
    raise RuntimeError(f"{script} did not start")


def visit(browser, url: str, charts: int) -> dict:
    """One visit at 1,440 px: seconds until every chart is drawn, and Chromium's style and
    layout seconds meanwhile."""
    page = browser.new_page(viewport={"width": 1440, "height": 4000})
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    t = time.perf_counter()
    page.goto(url)
    page.wait_for_function(DONE_JS, arg=charts, timeout=300_000, polling=100)
    paint = time.perf_counter() - t
    m = {x["name"]: x["value"] for x in cdp.send("Performance.getMetrics")["metrics"]}
    page.close()
    return {"paint_s": paint, "style_s": m["RecalcStyleDuration"], "layout_s": m["LayoutDuration"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--rounds", type=int, default=3, help="visits per page (medians)")
    args = ap.parse_args()
    if not os.environ.get("LABORDASH_HOME"):
        sys.exit("set LABORDASH_HOME to a pulled store (labordash pull)")
    from playwright.sync_api import sync_playwright

    pages = {k: len(registry.on_page(k, kind="chart", shown=True)) for k in sitemap.PAGES}
    pages = {k: n for k, n in pages.items() if n}
    floor_script = Path(tempfile.mkdtemp()) / "floor.py"
    floor_script.write_text(FLOOR)
    app, app_url = serve(launch.APP)
    bare, bare_url = serve(floor_script)
    out: dict[str, dict] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            for name, n in pages.items():
                url = f"{app_url}/{sitemap.PAGES[name].url_path}"
                floor_url = f"{bare_url}/?charts={n}"
                visit(browser, url, n)  # warm both servers' caches
                visit(browser, floor_url, n)
                runs, floors = [], []
                for _ in range(args.rounds):  # interleaved: the machine is shared and noisy
                    runs.append(visit(browser, url, n))
                    floors.append(visit(browser, floor_url, n))
                row = {k: round(statistics.median(r[k] for r in runs), 2) for k in runs[0]}
                row["charts"] = n
                row["floor_paint_s"] = round(statistics.median(f["paint_s"] for f in floors), 2)
                ratios = [r["paint_s"] / f["paint_s"] for r, f in zip(runs, floors, strict=True)]
                row["ratio"] = round(statistics.median(ratios), 2)
                out[name] = row
                if not args.json:
                    print(f"{name:16} {json.dumps(row)}", flush=True)
            browser.close()
    finally:
        for proc in (app, bare):
            proc.terminate()
            proc.wait(10)
    if args.json:
        print(json.dumps({"pages": out, "rounds": args.rounds}))


if __name__ == "__main__":
    main()
