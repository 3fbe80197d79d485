"""Benchmark the guns-versus-butter path: panel build, one two-way FE fit with clustered errors
on all countries (cold = first call in a fresh process, warm = repeated), and the page's server
time per run under Streamlit's AppTest (first load, then reruns after widget changes).

    LABORDASH_MIRROR=../shared/mirror python bench/bench_guns_vs_butter.py

Builds a store in a temporary LABORDASH_HOME first (not timed here; see bench_pull.py).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COLD = """
import json, time
t0 = time.perf_counter()
from dashboard import analysis
t1 = time.perf_counter(); p = analysis.build_panel(); t2 = time.perf_counter()
r = analysis.tradeoff_model(p, "health_gdp", "milex_gdp", ["gdp_pc_ppp"]); t3 = time.perf_counter()
warm_panel, warm_fit = [], []
for _ in range(5):
    a = time.perf_counter(); p = analysis.build_panel(); b = time.perf_counter()
    analysis.tradeoff_model(p, "health_gdp", "milex_gdp", ["gdp_pc_ppp"]); c = time.perf_counter()
    warm_panel.append(b - a); warm_fit.append(c - b)
print(json.dumps({"import": t1 - t0, "panel_cold": t2 - t1, "fit_cold": t3 - t2,
                  "panel_warm": sorted(warm_panel)[2], "fit_warm": sorted(warm_fit)[2],
                  "rows": len(p), "nobs": r.nobs, "countries": r.n_entities}))
"""


def page_times(home: str) -> dict:
    os.environ["LABORDASH_HOME"] = home
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=300)
    at.run()
    at.switch_page("views/guns_vs_butter.py")
    t0 = time.perf_counter()
    at.run()
    first = time.perf_counter() - t0
    reruns = []
    for group in ["nato", "eu", "brics", "all", "russia_ukraine", "nato", "eu"]:
        at.selectbox[0].set_value(group)
        t = time.perf_counter()
        at.run()
        reruns.append(time.perf_counter() - t)
        assert not at.exception, at.exception
    same = []
    for _ in range(5):
        t = time.perf_counter()
        at.run()
        same.append(time.perf_counter() - t)
    return {
        "first": first,
        "rerun_median": statistics.median(reruns),
        "rerun_max": max(reruns),
        "same_median": statistics.median(same),
    }


def main() -> None:
    mirror = os.environ.get("LABORDASH_MIRROR") or str(ROOT.parent / "shared" / "mirror")
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "LABORDASH_HOME": home, "LABORDASH_MIRROR": mirror}
        subprocess.run(
            [sys.executable, "-m", "dashboard.cli", "pull"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        out = subprocess.run(
            [sys.executable, "-c", COLD], env=env, check=True, capture_output=True, text=True
        ).stdout
        r = json.loads(out.strip().splitlines()[-1])
        print(f"panel: {r['rows']:,} country-years x 16 measures")
        cold, warm = r["panel_cold"] * 1e3, r["panel_warm"] * 1e3
        print(
            f"  build_panel   cold {cold:7.0f} ms   warm {warm:6.0f} ms"
            f"   (cold/warm {cold / warm:.1f}x; imports {r['import']:.2f} s)"
        )
        print(
            f"  two-way FE fit, clustered, {r['countries']} countries, {r['nobs']:,} obs: "
            f"cold {r['fit_cold'] * 1e3:.0f} ms, warm {r['fit_warm'] * 1e3:.0f} ms"
        )
        os.environ["LABORDASH_MIRROR"] = mirror
        p = page_times(home)
        print("guns-vs-butter page, server time per run (AppTest, includes its own overhead):")
        print(f"  first load (cold caches)       {p['first']:6.2f} s")
        print(
            f"  rerun after changing preset    {p['rerun_median']:6.2f} s median, "
            f"{p['rerun_max']:.2f} s max"
        )
        print(
            f"  rerun with nothing changed     {p['same_median']:6.2f} s median "
            f"(first/rerun {p['first'] / p['rerun_median']:.1f}x)"
        )


if __name__ == "__main__":
    main()
