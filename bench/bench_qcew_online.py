"""Benchmark: QCEW's default online pull (one open-data slice per industry, every area, two
years) against a loopback server, at the size BLS publishes.

The mirror holds BLS files for 19 areas only, so this run writes synthetic annual slices in
BLS's layout (columns and order of ``/cew/data/api/{year}/a/industry/{code}.csv``) for every
county of the Census 2010 layer (3,221, Puerto Rico included), the 51 states, the nation and
400 metropolitan areas (which the parser leaves out), with made-up numbers: the totals slice has
every ownership (0, 1, 2, 3, 5; states also 8), a sector slice private and government rows for
most counties, a 6-digit slice private rows for 6% of them, 1 in 5 suppressed. It serves them
on 127.0.0.1 and times ``store.pull(["qcew"])`` in a child process (as ``labordash pull qcew``
does: download with 4 at a time, ``LABORDASH_DOWNLOAD_WORKERS``, parse, validate, store).

Floor, in the same run: a child process that only downloads the same files with httpx, one at
a time, and keeps nothing. Prints MB downloaded, rows stored, counties and states, wall time
and peak memory (max RSS) with ratios to the floor. ``--json`` prints one JSON object.

Usage: ``python bench/bench_qcew_online.py [--json]`` (needs ``../shared/mirror/geo`` for the
county codes, or ``LABORDASH_MIRROR``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from dashboard.sources import qcew  # noqa: E402
from tests.bls_imitation import synthetic_slices  # noqa: E402

MIRROR = Path(os.environ.get("LABORDASH_MIRROR", ROOT.parent / "shared" / "mirror"))
YEARS = ["2020", "2025"]
SERVE = """
import functools, http.server, sys
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
handler.func.log_message = lambda *a: None
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
print(srv.server_address[1], flush=True)
srv.serve_forever()
"""
PULL = """
import json, resource, time
from dashboard import geo, store
geo.build()  # the map layers from the mirror first: not part of the measure
t0 = time.perf_counter()
res = store.pull(["qcew"])[0]
wall = time.perf_counter() - t0
assert res.ok, res.error
q = store.read("qcew", indicator="employment", industry="10", ownership="0")
areas = q.groupby("geo_level")["geo"].nunique().to_dict()
print(json.dumps({"wall_s": wall, "rows": res.rows, "areas": areas,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""
FLOOR = """
import json, resource, sys, time, httpx
t0 = time.perf_counter()
n = 0
with httpx.Client() as c:
    for url in sys.argv[1:]:
        n += len(c.get(url).content)
print(json.dumps({"wall_s": time.perf_counter() - t0, "bytes": n,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        rels = synthetic_slices(
            tmp / "www", MIRROR, qcew.industry_codes(), YEARS, random.Random(17)
        )
        mb = sum((tmp / "www" / r).stat().st_size for r in rels) / 2**20
        srv = subprocess.Popen(
            [sys.executable, "-c", SERVE, str(tmp / "www")], stdout=subprocess.PIPE, text=True
        )
        try:
            base = f"http://127.0.0.1:{srv.stdout.readline().strip()}"
            # a mirror with the map layers only: QCEW comes from the loopback server
            (tmp / "mirror").mkdir()
            for folder in ("geo", "russia"):
                (tmp / "mirror" / folder).symlink_to(MIRROR.resolve() / folder)
            env = dict(os.environ, LABORDASH_MIRROR=str(tmp / "mirror"))
            env.update(
                {
                    "LABORDASH_HOME": str(tmp / "home"),
                    "LABORDASH_QCEW_YEARS": ",".join(YEARS),
                    "LABORDASH_URL_QCEW": f"{base}/cew/api/{{year}}/{{qtr}}/{{slice}}/{{code}}.csv",
                    "LABORDASH_URL_QCEW_TITLES": f"{base}/{rels[-1]}",
                }
            )
            env.pop("LABORDASH_QCEW_AREAS", None)
            floor = json.loads(
                subprocess.run(
                    [sys.executable, "-c", FLOOR, *[f"{base}/{r}" for r in rels]],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
            )
            pull = json.loads(
                subprocess.run(
                    [sys.executable, "-c", PULL],
                    env=env,
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout.splitlines()[-1]
            )
        finally:
            srv.terminate()
    out = {
        "files": len(rels),
        "download_mb": round(mb, 1),
        "rows": pull["rows"],
        "counties": pull["areas"].get("us_county", 0),
        "states": pull["areas"].get("us_state", 0),
        "pull_s": round(pull["wall_s"], 2),
        "floor_download_s": round(floor["wall_s"], 2),
        "x_floor_time": round(pull["wall_s"] / floor["wall_s"], 2),
        "pull_peak_mb": round(pull["rss_mb"]),
        "floor_peak_mb": round(floor["rss_mb"]),
        "x_floor_memory": round(pull["rss_mb"] / floor["rss_mb"], 2),
    }
    if args.json:
        print(json.dumps(out))
        return
    print(
        f"{out['files']} files, {out['download_mb']} MB; stored {out['rows']:,} rows for "
        f"{out['counties']:,} counties and {out['states']} states"
    )
    print(
        f"pull {out['pull_s']} s ({out['x_floor_time']}x a bare download of the same files, "
        f"{out['floor_download_s']} s); peak {out['pull_peak_mb']} MB ({out['x_floor_memory']}x "
        f"the bare download's {out['floor_peak_mb']} MB)"
    )


if __name__ == "__main__":
    main()
