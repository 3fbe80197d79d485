"""Benchmark: Play's map sets through the app's chart cache (``dashboard.chart_cache``). Builds
Home's SIPRI map for YEARS years of each of its three measures and Guns vs butter's map for
the same years, then plays them all again; prints the CPU seconds of each pass, the builds of
the replay (0 when the set stays cached), the cache's estimated megabytes and the estimate
for the full sets (Home 3 x 77 years, Guns vs butter 66). Run:
    LABORDASH_HOME=<a pulled home> python bench/bench_play_cache.py [--years 20] [--json]
"""

from __future__ import annotations

import argparse
import json
import time

from dashboard import store
from dashboard.builders.home import MEASURES
from dashboard.views import common


def play(views: list[tuple[str, dict]]) -> float:
    t0 = time.process_time()
    for name, params in views:
        common.built(name, **params)
    return time.process_time() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--years", type=int, default=20)
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args()
    sipri = store.read("sipri_milex", indicator="milex_gdp_share")
    years = sorted(sipri["year"].unique())[-args.years :]
    views = [("milex_map", {"measure": m, "year": int(y)}) for m in MEASURES for y in years]
    views += [("gvb_world_map", {"year": int(y)}) for y in years if y >= 1960]
    first = play(views)
    built_first = common.CACHE.builds
    replay = play(views)
    mb = common.CACHE.total / 2**20
    full = (3 * 77 + 66) * mb / len(views)
    out = {
        "maps": len(views),
        "first_cpu_s": round(first, 2),
        "replay_cpu_s": round(replay, 3),
        "replay_builds": common.CACHE.builds - built_first,
        "cache_mb": round(mb, 1),
        "full_sets_mb_estimate": round(full, 1),
        "budget_mb": round(common.CACHE.limit / 2**20),
    }
    if args.json:
        print(json.dumps(out))
    else:
        for k, v in out.items():
            print(f"{k:>22}: {v}")


if __name__ == "__main__":
    main()
