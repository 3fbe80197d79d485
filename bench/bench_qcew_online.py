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
MIRROR = Path(os.environ.get("LABORDASH_MIRROR", ROOT.parent / "shared" / "mirror"))
YEARS = ["2020", "2025"]
ANNUAL = [
    "area_fips", "own_code", "industry_code", "agglvl_code", "size_code", "year", "qtr",
    "disclosure_code", "annual_avg_estabs", "annual_avg_emplvl", "total_annual_wages",
    "taxable_annual_wages", "annual_contributions", "annual_avg_wkly_wage", "avg_annual_pay",
    "lq_disclosure_code", "lq_annual_avg_estabs", "lq_annual_avg_emplvl",
    "lq_total_annual_wages", "lq_taxable_annual_wages", "lq_annual_contributions",
    "lq_annual_avg_wkly_wage", "lq_avg_annual_pay", "oty_disclosure_code",
    "oty_annual_avg_estabs_chg", "oty_annual_avg_estabs_pct_chg", "oty_annual_avg_emplvl_chg",
    "oty_annual_avg_emplvl_pct_chg", "oty_total_annual_wages_chg",
    "oty_total_annual_wages_pct_chg", "oty_taxable_annual_wages_chg",
    "oty_taxable_annual_wages_pct_chg", "oty_annual_contributions_chg",
    "oty_annual_contributions_pct_chg", "oty_annual_avg_wkly_wage_chg",
    "oty_annual_avg_wkly_wage_pct_chg", "oty_avg_annual_pay_chg", "oty_avg_annual_pay_pct_chg",
]  # fmt: skip

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


def areas() -> list[tuple[str, str]]:
    """(fips, kind) for the nation, the states, every county of the layer and 400 MSAs."""
    doc = json.loads((MIRROR / "geo" / "geojson-counties-fips.json").read_text())
    counties = sorted(f["id"] for f in doc["features"])
    states = sorted({c[:2] for c in counties if c[:2] != "72"})
    return ([("US000", "nation")] + [(f"{s}000", "state") for s in states]
            + [(c, "county") for c in counties]
            + [(f"C{1000 + 7 * i:04d}", "msa") for i in range(400)])  # fmt: skip


AGGLVL = {  # (kind, level of the slice): agglvl_code as BLS numbers it (by ownership sector)
    ("nation", "total"): "11", ("nation", "sector"): "14", ("nation", "6"): "18",
    ("state", "total"): "51", ("state", "sector"): "54", ("state", "6"): "58",
    ("county", "total"): "71", ("county", "sector"): "74", ("county", "6"): "78",
    ("msa", "total"): "41", ("msa", "sector"): "44", ("msa", "6"): "48",
}  # fmt: skip


def write_slices(root: Path, rng: random.Random) -> list[str]:
    """The slices and the titles file under ``root``; returns their URL paths."""
    from dashboard.sources import qcew

    every = areas()
    paths = []
    for year in YEARS:
        for code in qcew.industry_codes():
            level = "total" if code == "10" else "sector" if len(code) <= 5 else "6"
            lines = [",".join(f'"{c}"' for c in ANNUAL)]
            for fips, kind in every:
                if level == "total":
                    owns = ["0", "1", "2", "3", "5"] + (["8"] if kind == "state" else [])
                elif level == "sector":
                    owns = [o for o in ("1", "2", "3") if rng.random() < 0.3]
                    owns += ["5"] if kind != "county" or rng.random() < 0.85 else []
                else:
                    owns = ["5"] if kind != "county" or rng.random() < 0.06 else []
                for own in owns:
                    lvl = AGGLVL[(kind, level)]
                    lvl = lvl[0] + "0" if own == "0" else lvl
                    supp = level != "total" and rng.random() < 0.2
                    emp = 0 if supp else rng.randint(1, 400_000)
                    nums = [rng.randint(1, 9000), emp, emp * rng.randint(30_000, 90_000)]
                    nums += [rng.randint(0, 10**9) for _ in range(4)]
                    lq = ["", "1.0", f"{rng.uniform(0, 5):.2f}"] + ["1.0"] * 5 + [""]
                    oty = [f"{rng.uniform(-9, 9):.1f}" for _ in range(14)]
                    keys = [fips, own, code, lvl, "0", year, "A", "N" if supp else ""]
                    cells = [*(f'"{k}"' for k in keys), *map(str, nums), f'"{lq[0]}"', *lq[1:8],
                             f'"{lq[8]}"', *oty]  # fmt: skip
                    lines.append(",".join(cells))
            rel = f"cew/api/{year}/a/industry/{code.replace('-', '_')}.csv"
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text("\n".join(lines) + "\n")
            paths.append(rel)
    titles = root / "cew/doc/titles/industry/industry_titles.csv"
    titles.parent.mkdir(parents=True, exist_ok=True)
    titles.write_text('"industry_code","industry_title"\n' + "".join(
        f'"{c}","NAICS {c} (synthetic title)"\n' for c in qcew.industry_codes()))  # fmt: skip
    return paths + ["cew/doc/titles/industry/industry_titles.csv"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        rels = write_slices(tmp / "www", random.Random(17))
        mb = sum((tmp / "www" / r).stat().st_size for r in rels) / 2**20
        srv = subprocess.Popen([sys.executable, "-c", SERVE, str(tmp / "www")],
                               stdout=subprocess.PIPE, text=True)  # fmt: skip
        try:
            base = f"http://127.0.0.1:{srv.stdout.readline().strip()}"
            # a mirror with the map layers only: QCEW comes from the loopback server
            (tmp / "mirror").mkdir()
            for folder in ("geo", "russia"):
                (tmp / "mirror" / folder).symlink_to(MIRROR.resolve() / folder)
            env = dict(os.environ, LABORDASH_MIRROR=str(tmp / "mirror"))
            env.update({
                "LABORDASH_HOME": str(tmp / "home"), "LABORDASH_QCEW_YEARS": ",".join(YEARS),
                "LABORDASH_URL_QCEW": f"{base}/cew/api/{{year}}/{{qtr}}/{{slice}}/{{code}}.csv",
                "LABORDASH_URL_QCEW_TITLES": f"{base}/{rels[-1]}",
            })  # fmt: skip
            env.pop("LABORDASH_QCEW_AREAS", None)
            floor = json.loads(subprocess.run(
                [sys.executable, "-c", FLOOR, *[f"{base}/{r}" for r in rels]],
                capture_output=True, text=True, check=True).stdout)  # fmt: skip
            pull = json.loads(subprocess.run([sys.executable, "-c", PULL], env=env, cwd=ROOT,
                                             capture_output=True, text=True,
                                             check=True).stdout.splitlines()[-1])  # fmt: skip
        finally:
            srv.terminate()
    out = {
        "files": len(rels), "download_mb": round(mb, 1), "rows": pull["rows"],
        "counties": pull["areas"].get("us_county", 0), "states": pull["areas"].get("us_state", 0),
        "pull_s": round(pull["wall_s"], 2), "floor_download_s": round(floor["wall_s"], 2),
        "x_floor_time": round(pull["wall_s"] / floor["wall_s"], 2),
        "pull_peak_mb": round(pull["rss_mb"]), "floor_peak_mb": round(floor["rss_mb"]),
        "x_floor_memory": round(pull["rss_mb"] / floor["rss_mb"], 2),
    }  # fmt: skip
    if args.json:
        print(json.dumps(out))
        return
    print(f"{out['files']} files, {out['download_mb']} MB; stored {out['rows']:,} rows for "
          f"{out['counties']:,} counties and {out['states']} states")  # fmt: skip
    print(f"pull {out['pull_s']} s ({out['x_floor_time']}x a bare download of the same files, "
          f"{out['floor_download_s']} s); peak {out['pull_peak_mb']} MB ({out['x_floor_memory']}x "
          f"the bare download's {out['floor_peak_mb']} MB)")  # fmt: skip


if __name__ == "__main__":
    main()
