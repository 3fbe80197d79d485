"""Benchmark: `labordash export` of 20 charts in one run (one Chromium) against 20 separate
single-chart runs (a process and a Chromium each). Prints wall times and the ratio. Run:
    LABORDASH_HOME=<a pulled home> python bench/bench_export.py
Needs Chromium (Debian's /usr/bin/chromium or BROWSER_PATH) and a store with the regional data.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHARTS = (
    [
        {"chart": "dependence_map", "params": {"system": "nuts2", "industry": i, "period": "2015"}}
        for i in ("A", "B-E", "F", "G-I", "J", "K")
    ]
    + [
        {
            "chart": "dependence_ranking",
            "params": {"system": "nuts2", "industry": i, "period": "2015"},
        }
        for i in ("B-E", "O-Q")
    ]
    + [
        {
            "chart": "dependence_map",
            "params": {"system": "ru_subject", "industry": i, "period": "2021"},
        }
        for i in ("mining", "manufacturing", "utilities", "water")
    ]
    + [
        {"chart": "region_mix", "params": {"system": "ru_subject", "region": r, "period": "2021"}}
        for r in ("RU-UD", "RU-TUL", "RU-VLA", "RU-IVA")
    ]
    + [{"chart": "russia_social_map", "params": {"year": y}} for y in (2019, 2021)]
    + [
        {
            "chart": "dependence_map",
            "params": {"system": "us_county", "industry": "31-33", "period": "2016-Q1"},
        },
        {
            "chart": "dependence_ranking",
            "params": {"system": "us_county", "industry": "31-33", "period": "2016-Q1"},
        },
    ]
)


def run(args: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "dashboard.cli", "export", *args], check=True, capture_output=True
    )
    return time.perf_counter() - t0


def main() -> None:
    assert len(CHARTS) == 20
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "charts.json"
        spec.write_text(json.dumps([{**c, "format": "svg"} for c in CHARTS]))
        batch = run([str(spec), "--out", f"{tmp}/batch"])
        single = 0.0
        for c in CHARTS:
            params = [a for k, v in c["params"].items() for a in ("--param", f"{k}={v}")]
            single += run(
                ["--chart", c["chart"], *params, "--format", "svg", "--out", f"{tmp}/single"]
            )
        files = len(list(Path(tmp, "batch").iterdir()))
    print(
        f"20 SVG charts: one run {batch:.1f} s ({files} files), 20 single runs {single:.1f} s; "
        f"the batch takes {batch / single:.2f} of the time ({single / batch:.1f}x faster)"
    )


if __name__ == "__main__":
    main()
