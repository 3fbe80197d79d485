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
