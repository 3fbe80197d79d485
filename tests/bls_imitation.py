"""The loopback server's imitation of producers' download layouts, built at run time from the
mirror's files: BLS's QCEW open-data slices (for the areas the mirror holds) and Rosstat's
appendix archive.

BLS's CSV data slices (``/cew/data/api/{year}/{qtr}/industry/{code}.csv``) hold one industry for
every area: the columns of the downloadable by-area files without the five title columns, with
``qtrly_estabs`` for ``qtrly_estabs_count`` (and in the ``lq_``/``oty_`` names), codes quoted as
BLS writes them, rows ordered by area. Annual slices come from the mirror's annual area slice.
The titles file is BLS's ``industry_titles.csv`` (industry_code, industry_title), built from the
title columns of the by-area files.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import random
import zipfile
from pathlib import Path

TITLE_COLUMNS = {"area_title", "own_title", "industry_title", "agglvl_title", "size_title"}
QUOTED = {"area_fips", "own_code", "industry_code", "agglvl_code", "size_code", "year", "qtr",
          "disclosure_code", "lq_disclosure_code", "oty_disclosure_code"}  # fmt: skip


def _api_name(column: str) -> str:
    return column.replace("qtrly_estabs_count", "qtrly_estabs")


@functools.cache
def _rows(mirror: Path, year: str) -> tuple[list[str], list[dict]]:
    """Header (API names) and every row of the mirror's QCEW files of ``year``, by area."""
    files = sorted((mirror / "qcew").glob(f"*/*{year}*.csv"))
    files = [f for f in files if "reference" not in f.parts]
    header: list[str] = []
    rows: list[dict] = []
    for f in files:
        with open(f, encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            cols = [_api_name(c) for c in reader.fieldnames or [] if c not in TITLE_COLUMNS]
            header = header or cols
            for r in reader:
                rows.append({_api_name(k): v for k, v in r.items() if k not in TITLE_COLUMNS})
    rows.sort(key=lambda r: r["area_fips"])  # stable: each area keeps BLS's row order
    return header, rows


def industry_slice(mirror: Path, year: str, qtr: str, code: str) -> bytes | None:
    """The slice of one industry (``31_33`` as in the URL) and period, or None (404)."""
    industry = code.replace("_", "-")
    header, rows = _rows(mirror, year)
    want = "A" if qtr.lower() == "a" else qtr
    picked = [r for r in rows if r["qtr"] == want and r["industry_code"] == industry]
    if not picked:
        return None
    header = [c for c in header if c in picked[0]]
    out = io.StringIO()
    out.write(",".join(f'"{c}"' for c in header) + "\n")
    for r in picked:
        out.write(",".join(f'"{r[c]}"' if c in QUOTED else r[c] for c in header) + "\n")
    return out.getvalue().encode("utf-8")


@functools.cache
def industry_titles(mirror: Path) -> bytes:
    """BLS's industry_titles.csv for every code the mirror's by-area files title."""
    seen: dict[str, str] = {}
    for f in sorted((mirror / "qcew").glob("*/*.csv")):
        with open(f, encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                if r.get("industry_title"):
                    seen.setdefault(r["industry_code"], r["industry_title"])
    out = io.StringIO()
    w = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    w.writerow(["industry_code", "industry_title"])
    w.writerows(sorted(seen.items()))
    return out.getvalue().encode("utf-8")


# Rosstat's appendix archive, with the workbooks under Rosstat's own names (PROVENANCE.md lists
# them; the mirror renamed them to ASCII)
ROSSTAT_NAMES = {
    "00": "Содержание.xlsx", "01": "Раздел 1- Население.xlsx", "02": "Раздел 2 - Труд.xlsx",
    "03": "Раздел 3 - Уровень жизни населения.xlsx",
    "08": "Раздел 8 - Валовой региональный продукт.xlsx",
    "11": "Раздел 11 - Предприятия и организации.xlsx",
    "12": "Раздел 12 - Промышленное производство.xlsx", "19": "Раздел 19 - Финансы.xlsx",
}  # fmt: skip


@functools.cache
def rosstat_zip(mirror: Path, edition: str) -> bytes | None:
    """A zip of the mirror's «Regions of Russia» workbooks of ``edition`` under Rosstat's
    names, in a folder as Rosstat packs them; None (404) for an edition the mirror lacks."""
    folder = mirror / "russia" / f"rosstat_regions_{edition}"
    if not folder.is_dir():
        return None
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(folder.glob("*.xlsx")):
            zf.write(f, f"Pril_Region_Pokaz_{edition}/{ROSSTAT_NAMES[f.name[:2]]}")
    return buf.getvalue()


def _renumbered(xlsx: bytes, old: str, new: str) -> bytes:
    """``xlsx`` with sheet ``old`` renamed ``new`` (as a new edition renumbers a table)."""
    src, buf = zipfile.ZipFile(io.BytesIO(xlsx)), io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/workbook.xml":
                data = data.replace(f'name="{old}"'.encode(), f'name="{new}"'.encode())
            zf.writestr(info, data)
    return buf.getvalue()


@functools.cache
def rosstat_rar(mirror: Path, edition: str, renumber: tuple[str, str] | None = None) -> bytes:
    """A RAR of the mirror's 2022 workbooks under Rosstat's names, as the media bank serves
    ``Pril_Region_Pokaz_{edition}.rar``; ``renumber`` = (sheet, new name) imitates a new
    edition's layout."""
    from tests.rar5 import rar5

    files = {}
    for f in sorted((mirror / "russia" / "rosstat_regions_2022").glob("*.xlsx")):
        data = f.read_bytes()
        if renumber and f.name.startswith(renumber[0].split(".")[0].zfill(2) + "_"):
            data = _renumbered(data, *renumber)
        files[f"Pril_Region_Pokaz_{edition}/{ROSSTAT_NAMES[f.name[:2]]}"] = data
    return rar5(files)


# Rosstat's «Regions of Russia» page lists each edition's archive with a media-bank link
# (absolute or relative, with entities); 2024 has no link here and 2023's is dead.
ROSSTAT_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<h1>Регионы России. Социально-экономические показатели</h1>
<div class="document-list">
<a class="btn" href="/rosstat/mediabank/Pril_Region_Pokaz_2025.rar?x=1&amp;y=2">2025 (RAR)</a>
<a href="/rosstat/mediabank/Pril_Region_Pokaz_2023.rar">2023</a>
<a href='../../../mediabank/Pril_Region_Pokaz_2022.rar'>2022</a>
<a href="/rosstat/mediabank/Reg_2022_Pokaz_prezent.pdf">presentation</a>
</div></body></html>"""


# --- synthetic slices at BLS's size (benchmarks and the every-county test) ------------------

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


def areas(mirror: Path) -> list[tuple[str, str]]:
    """(fips, kind) for the nation, the states, every county of the layer and 400 MSAs."""
    doc = json.loads((mirror / "geo" / "geojson-counties-fips.json").read_text())
    counties = sorted(f["id"] for f in doc["features"])
    states = sorted({c[:2] for c in counties if c[:2] != "72"})
    return (
        [("US000", "nation")]
        + [(f"{s}000", "state") for s in states]
        + [(c, "county") for c in counties]
        + [(f"C{1000 + 7 * i:04d}", "msa") for i in range(400)]
    )


AGGLVL = {  # (kind, level of the slice): agglvl_code as BLS numbers it (by ownership sector)
    ("nation", "total"): "11", ("nation", "sector"): "14", ("nation", "6"): "18",
    ("state", "total"): "51", ("state", "sector"): "54", ("state", "6"): "58",
    ("county", "total"): "71", ("county", "sector"): "74", ("county", "6"): "78",
    ("msa", "total"): "41", ("msa", "sector"): "44", ("msa", "6"): "48",
}  # fmt: skip


def synthetic_slices(
    root: Path, mirror: Path, codes: list[str], years: list[str], rng: random.Random
) -> list[str]:
    """Annual industry slices at BLS's size and layout with made-up numbers, and a titles
    file, under ``root`` (as ``cew/api/{year}/a/industry/{code}.csv``); returns their paths.
    Every county of the Census 2010 layer (the mirror's), the states, the nation and 400
    metropolitan areas; the totals slice has every ownership (0, 1, 2, 3, 5; states also 8), a
    sector slice government rows for 30% and private rows for 85% of the counties, a 6-digit
    slice private rows for 6% of them; 1 in 5 cells below the totals suppressed. Shares and
    LQs agree with each other (BLS's LQ = the area's share over the national share)."""
    every = areas(mirror)
    paths = []
    for year in years:
        # an area's total employment, and each code's national share b: the private rows'
        # employment is total x b x U(0, 2.5) and their LQ (emp / total) / b, as BLS computes it
        total = {fips: rng.randint(1_000, 400_000) for fips, _ in every}
        for code in codes:
            level = "total" if code == "10" else "sector" if len(code) <= 5 else "6"
            b = 1 / 21 if level == "sector" else 0.002
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
                    if level == "total":
                        share = 1.0 if own == "0" else rng.uniform(0.05, 0.8)
                    else:
                        share = b * rng.uniform(0, 2.5)
                    emp = round(total[fips] * share)
                    ratio = share if level == "total" else emp / total[fips] / b
                    emp = 0 if supp else emp
                    nums = [rng.randint(1, 9000), emp, emp * rng.randint(30_000, 90_000)]
                    nums += [rng.randint(0, 10**9) for _ in range(4)]
                    lq = ["", "1.0", f"{ratio:.2f}"] + ["1.0"] * 5 + [""]
                    oty = [f"{rng.uniform(-9, 9):.1f}" for _ in range(14)]
                    keys = [fips, own, code, lvl, "0", year, "A", "N" if supp else ""]
                    cells = [
                        *(f'"{k}"' for k in keys),
                        *map(str, nums),
                        f'"{lq[0]}"',
                        *lq[1:8],
                        f'"{lq[8]}"',
                        *oty,
                    ]
                    lines.append(",".join(cells))
            rel = f"cew/api/{year}/a/industry/{code.replace('-', '_')}.csv"
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text("\n".join(lines) + "\n")
            paths.append(rel)
    titles = root / "cew/doc/titles/industry/industry_titles.csv"
    titles.parent.mkdir(parents=True, exist_ok=True)
    titles.write_text(
        '"industry_code","industry_title"\n'
        + "".join(f'"{c}","NAICS {c} (synthetic title)"\n' for c in codes)
    )
    return paths + ["cew/doc/titles/industry/industry_titles.csv"]
