"""Benchmark: dashboard.metrics on a synthetic panel shaped like full QCEW county data, against
a plain DuckDB GROUP BY over the same frame as the floor; then the dependence page's own
recomputation on the real store.

Each case runs in a fresh child process; "peak" is the child's max RSS above its RSS once the
panel is built. Run (about 3 minutes and 8 GB at full size):
    python bench/bench_metrics.py                    # 3,200 x 1,000 x 10, dense
    python bench/bench_metrics.py --regions 500      # smaller
Needs duckdb (`pip install -e '.[bench]'`). The real-data part uses LABORDASH_HOME's store, or
pulls one from LABORDASH_MIRROR (default ../shared/mirror) into a temporary directory.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, resource, sys, time
import numpy as np, pandas as pd
case = sys.argv[1]
n_r, n_i, n_y = (int(a) for a in sys.argv[2:5])
density = float(sys.argv[5])
rng = np.random.default_rng(0)
cells = n_r * n_i
keep = np.flatnonzero(rng.random(cells) < density) if density < 1 else np.arange(cells)
region = np.repeat((keep // n_i).astype(np.int32)[None, :], n_y, axis=0).ravel()
industry = np.repeat((keep % n_i).astype(np.int32)[None, :], n_y, axis=0).ravel()
year = np.repeat(np.arange(2015, 2015 + n_y, dtype=np.int16), len(keep))
value = np.round(rng.lognormal(3.0, 1.5, len(region)), 1)
value[rng.random(len(region)) < 0.05] = np.nan  # suppressed cells
df = pd.DataFrame({"year": year, "region": region, "industry": industry, "value": value})
del region, industry, year, value
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t0 = time.perf_counter()
if case.startswith("duckdb"):
    import duckdb
    con = duckdb.connect()
    con.register("t", df)
    if case == "duckdb_groupby":
        out = con.sql("SELECT year, region, sum(value) AS total FROM t GROUP BY ALL").df()
    else:
        out = con.sql('''
            WITH r AS (SELECT year, region, sum(value) AS tot FROM t GROUP BY ALL),
                 i AS (SELECT year, industry, sum(value) AS v FROM t GROUP BY ALL),
                 g AS (SELECT year, sum(value) AS e FROM t GROUP BY ALL)
            SELECT t.year, t.region, t.industry, t.value / r.tot AS share,
                   (t.value / r.tot) / (i.v / g.e) AS lq
            FROM t JOIN r USING (year, region) JOIN i USING (year, industry) JOIN g USING (year)
            WHERE t.value IS NOT NULL''').df()
else:
    from dashboard import metrics
    out = getattr(metrics, case)(df)
secs = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"rows_in": len(df), "rows_out": len(out), "secs": secs, "peak_mb": peak - base,
                  "base_mb": base, "input_mb": df.memory_usage().sum() / 2**20}))
"""

REAL = r"""
import json, time
from dashboard import dependence
out = {}
for key, ind in [("nuts2", "B-E"), ("us_county", "defense_related"), ("us_state", "31-33"),
                 ("ru_subject", "manufacturing")]:
    t0 = time.perf_counter(); data = dependence.load(key); load = time.perf_counter() - t0
    period = data.periods[-1] if key != "us_county" else "2016-Q4"
    t0 = time.perf_counter()
    dependence.dependence(data, ind, period)
    dependence.concentration(data, [period])
    recompute = time.perf_counter() - t0
    t0 = time.perf_counter()
    dependence.mix(data, data.regions[0], period)
    dependence.concentration(data, regions=[data.regions[0]])
    profile = time.perf_counter() - t0
    out[key] = {"cells": len(data.cells), "load": load, "recompute": recompute, "profile": profile}
print(json.dumps(out))
"""


def run_child(code: str, *args: str, env: dict | None = None) -> dict:
    res = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=env or os.environ,
        cwd=ROOT,
    )
    if res.returncode:
        raise SystemExit(f"child failed: {res.stderr[-2000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def synthetic(n_r: int, n_i: int, n_y: int, density: float) -> None:
    print(
        f"synthetic panel: {n_r:,} regions x {n_i:,} industries x {n_y} years, density "
        f"{density:.0%}, 5% suppressed cells"
    )
    results = {}
    for case in [
        "duckdb_groupby",
        "duckdb_lq",
        "location_quotients",
        "specialization",
        "localization",
    ]:
        r = run_child(CHILD, case, str(n_r), str(n_i), str(n_y), str(density))
        results[case] = r
        print(
            f"  {case:<20} {r['secs']:7.2f} s  peak +{r['peak_mb']:7.0f} MB  "
            f"({r['rows_in']:,} rows in, {r['rows_out']:,} out)",
            flush=True,
        )
    floor, lq_sql = results["duckdb_groupby"], results["duckdb_lq"]
    size = floor["input_mb"]
    print(
        f"  input frame {size:.0f} MB. Time against the DuckDB GROUP BY (the floor) and the "
        "DuckDB LQ query (same output as location_quotients); peak memory as multiples of "
        "the input frame:"
    )
    for case in ["duckdb_lq", "location_quotients", "specialization", "localization"]:
        r = results[case]
        print(
            f"  {case:<20} x{r['secs'] / floor['secs']:6.1f} the GROUP BY, "
            f"x{r['secs'] / lq_sql['secs']:4.1f} the LQ query; peak {r['peak_mb'] / size:4.1f}x "
            "the input"
        )


def real() -> None:
    env = dict(os.environ)
    tmp = None
    if not (Path(env.get("LABORDASH_HOME", "")) / "store" / "manifest.json").exists():
        tmp = tempfile.TemporaryDirectory()
        env["LABORDASH_HOME"] = tmp.name
        env.setdefault("LABORDASH_MIRROR", str(ROOT.parent / "shared" / "mirror"))
        subprocess.run(
            [sys.executable, "-m", "dashboard.cli", "pull", "eurostat", "qcew", "russia"],
            env=env,
            check=True,
            capture_output=True,
        )
    r = run_child(REAL, env=env)
    print("dependence page on the real store (per selection; load = once per server):")
    for key, v in r.items():
        print(
            f"  {key:<11} {v['cells']:>7,} cells  load {v['load']:.2f} s  map+ranking+"
            f"concentration {v['recompute'] * 1000:6.0f} ms  profile {v['profile'] * 1000:6.0f} ms"
        )
    if tmp:
        tmp.cleanup()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--regions", type=int, default=3200)
    ap.add_argument("--industries", type=int, default=1000)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument(
        "--density",
        type=float,
        default=1.0,
        help="share of region x industry cells present (real county files are sparse)",
    )
    ap.add_argument("--skip-real", action="store_true")
    a = ap.parse_args()
    synthetic(a.regions, a.industries, a.years, a.density)
    if not a.skip_real:
        real()


if __name__ == "__main__":
    main()
