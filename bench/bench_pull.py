"""Benchmark: full `labordash pull` from the mirror, then cold and warm `store.read` per dataset.

Prints wall time and peak memory (max RSS of the child process), and ratios. Run:
    LABORDASH_MIRROR=../shared/mirror python bench/bench_pull.py
Uses a temporary LABORDASH_HOME; nothing outside it is touched.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REGIONAL = ["eurostat", "qcew", "russia", "usstates"]
READ_ONE = """
import json, resource, sys, time
t0 = time.perf_counter()
from dashboard import store
t_import = time.perf_counter() - t0
t1 = time.perf_counter(); df = store.read(sys.argv[1]); cold = time.perf_counter() - t1
t2 = time.perf_counter(); store.read(sys.argv[1]); warm = time.perf_counter() - t2
t3 = time.perf_counter(); store.read(sys.argv[1], geo="RUS"); filt = time.perf_counter() - t3
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"rows": len(df), "cold": cold, "warm": warm, "filtered": filt,
                  "import": t_import, "rss_mb": rss}))
"""


def child_peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    mirror = os.environ.get("LABORDASH_MIRROR") or str(ROOT.parent / "shared" / "mirror")

    steps: dict[str, float] = {}

    def pull(home: str, *sources: str) -> float:
        env = {**os.environ, "LABORDASH_HOME": home, "LABORDASH_MIRROR": mirror, "COLUMNS": "200"}
        t0 = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-m", "dashboard.cli", "pull", *sources],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        for m in re.finditer(r"ok (\S+): [\d,]+ rows, ([\d.]+)s", out.stdout + out.stderr):
            steps[m.group(1)] = float(m.group(2))
        return time.perf_counter() - t0

    # the regional pull first: RUSAGE_CHILDREN reports the peak over all finished children
    with tempfile.TemporaryDirectory() as regional_home:
        regional_s = pull(regional_home, *REGIONAL)
        regional_mb = child_peak_mb()
        man = json.loads((Path(regional_home) / "store" / "manifest.json").read_text())
        print(
            f"regional sources ({', '.join(REGIONAL)}) and map layers: {regional_s:.2f} s wall, "
            f"peak RSS {regional_mb:.0f} MB, {sum(e['rows'] for e in man.values()):,} rows"
        )
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "LABORDASH_HOME": home, "LABORDASH_MIRROR": mirror}
        pull_s = pull(home)
        pull_mb = child_peak_mb()
        manifest = json.loads((Path(home) / "store" / "manifest.json").read_text())
        total_rows = sum(e["rows"] for e in manifest.values())
        store_mb = sum(p.stat().st_size for p in (Path(home) / "store").glob("*.parquet")) / 2**20
        print(
            f"full pull from mirror: {pull_s:.2f} s wall, peak RSS {pull_mb:.0f} MB, "
            f"{total_rows:,} rows, store {store_mb:.1f} MB on disk "
            f"({total_rows / pull_s:,.0f} rows/s)"
        )
        slow = sorted(steps.items(), key=lambda kv: -kv[1])[:5]
        print("slowest steps: " + ", ".join(f"{k} {v:.1f} s" for k, v in slow))
        print(
            f"{'dataset':22} {'rows':>8} {'cold ms':>8} {'warm ms':>8} {'RUS ms':>7} "
            f"{'cold/warm':>9} {'RSS MB':>7}"
        )
        for ds in manifest:
            out = subprocess.run(
                [sys.executable, "-c", READ_ONE, ds],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            r = json.loads(out.strip().splitlines()[-1])
            ratio = r["cold"] / r["warm"] if r["warm"] else float("inf")
            print(
                f"{ds:22} {r['rows']:>8,} {r['cold'] * 1e3:>8.1f} {r['warm'] * 1e3:>8.2f} "
                f"{r['filtered'] * 1e3:>7.2f} {ratio:>9.0f} {r['rss_mb']:>7.0f}"
            )


if __name__ == "__main__":
    main()
