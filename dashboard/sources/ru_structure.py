"""Secondary compilations of Rosstat data on the structure of Russia's regional economies.

- ``rosstat_grp_structure``: Rosstat's «Отраслевая структура валовой добавленной стоимости
  субъектов РФ» (``VRP_OKVED2_s2016.xlsx``, as edited by the devproglab repository): % of gross
  value added by section, per subject, 2009-2015 in OKVED (manufacturing = D) and 2016-2022 in
  OKVED2 (manufacturing = C). The sheets ``2023`` and ``2024`` are copies of 2022 and are
  skipped.
- ``rosstat_employment_structure``: the researcher workbook ``explanatory.xlsx``: average
  annual employment by OKVED2 aggregate (% of the total) for one unlabelled year, inferred as
  2023 (the national row equals EMISS 58994 for 2023), and EMISS 58994 total employment
  (persons), from which employment per aggregate is derived (flag ``derived``).

Region names go through ``datasets/ru_regions.csv``; a row with numbers whose name does not
match fails the parse. Rows printed without the autonomous okrugs get ``territory = "excl_ao"``.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pandas as pd

from dashboard import crosswalks
from dashboard.schema import tidy
from dashboard.sources.base import Loaded, ParseError, Source

SOURCE = "russia"
_LOOKALIKE = str.maketrans("АВСЕНКМОРТХ", "ABCEHKMOPTX")
# columns of ЗАНЯТОСТЬСТРУКТ after the two name columns (OKVED2 sections and "other")
EMPLOYMENT_GROUPS = ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "L", "P", "Q", "other"]


def _clean(label: str) -> str:
    s = re.sub(r"^\s*(в т\.ч\.|в том числе:?)\s*", "", str(label))
    s = re.sub(r"^\s*г\.\s*", "г. ", s)
    s = s.replace("авт.округа", "автономного округа").replace("авт.округ", "автономный округ")
    return s.strip(" .")


def _region(label, previous: str | None, where: str) -> tuple[str, str] | None:
    """(code, territory) for a row label; None for headings and footnotes; a standalone
    «без автономного округа» row belongs to the region above it."""
    if label is None or not str(label).strip():
        return None
    text = _clean(label)
    low = text.lower()
    if re.match(r"^\d\)", low) or low in ("", "в том числе", "name", "#n/a"):
        return None
    if low.startswith("без автономн"):
        if previous is None:
            raise ParseError(f"{where}: «{text}» with no region above it")
        return previous, "excl_ao"
    excl = re.match(r"(.+?)\s*\((без|кроме) [^)]*автономн[^)]*\)$", text)
    if excl:  # «Тюменская область (без Ханты-Мансийского ... округа)»
        m = crosswalks.match_ru(excl.group(1))
        if m is not None:
            return m[0], "excl_ao"
    m = crosswalks.match_ru(text) or crosswalks.match_ru(
        re.sub(r"\s*\([^)]*\)$", "", text)
    )  # «(Татарстан)», «(с 2018)»
    if m is None:
        raise ParseError(f"{where}: region «{text}» is not in ru_regions.csv")
    return m[0], m[2]


def _level(code: str) -> str:
    return (
        "ru_country" if code == "RUS" else ("ru_district" if code.endswith("FD") else "ru_subject")
    )


def _region_rows(rows, name_of, where: str):
    """Each row naming a region (``name_of(row)``), with (code, territory): an okrug's row
    follows the total of its oblast, which ``_region`` needs to tell the two apart."""
    previous = None
    for r in rows:
        got = _region(name_of(r), previous, where)
        if got is None:
            continue
        if got[1] == "total":
            previous = got[0]
        yield r, got


def parse_grp(path: Path) -> pd.DataFrame:
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # damaged or not an xlsx
        raise ParseError(f"{path.name}: not a readable xlsx workbook ({exc})") from None
    years = [s for s in wb.sheetnames if s.isdigit() and 2009 <= int(s) <= 2022]
    if not years:
        raise ParseError(f"{path.name}: no year sheets (2009-2022) in {wb.sheetnames}")
    rows = [
        row
        for sheet in years
        for row in _grp_sheet(
            list(wb[sheet].iter_rows(values_only=True)), int(sheet), f"{path.name}, sheet {sheet}"
        )
    ]
    df = pd.DataFrame(rows)
    dup = df.duplicated(["geo", "year", "industry", "territory"])
    df = df[~dup]  # the GRP sheets repeat a few okrug rows under their oblast
    df.insert(0, "dataset", "rosstat_grp_structure")
    return tidy(df)


def _grp_sheet(data: list[tuple], year: int, where: str) -> list[dict]:
    """One year's sheet: each region's share (%) of gross value added by OKVED section."""
    head = next(
        (i for i, r in enumerate(data[:10]) if any(str(c).startswith("Раздел") for c in r if c)),
        None,
    )
    if head is None:
        raise ParseError(f"{where}: no «Раздел X» header row")
    cols = {
        j: str(c).split()[-1].translate(_LOOKALIKE)
        for j, c in enumerate(data[head])
        if c and str(c).startswith("Раздел")
    }
    classification = "OKVED2" if year >= 2016 else "OKVED"
    kept = (r for r in data[head + 1 :] if len(r) >= 3 and isinstance(r[2], (int, float)))
    return [
        {
            "indicator": "gva_share",
            "geo": code,
            "geo_level": _level(code),
            "year": year,
            "industry": letter,
            "value": float(r[j]),
            "unit": "% of gross value added",
            "territory": territory,
            "classification": classification,
        }
        for r, (code, territory) in _region_rows(kept, lambda r: r[1], where)
        for j, letter in cols.items()
        if j < len(r) and isinstance(r[j], (int, float))
    ]


def parse_employment(path: Path) -> pd.DataFrame:
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise ParseError(f"{path.name}: not a readable xlsx workbook ({exc})") from None
    for sheet in ("ЗАНЯТОСТЬСТРУКТ", "ЗАНЯТОСТЬ"):
        if sheet not in wb.sheetnames:
            raise ParseError(f"{path.name}: sheet «{sheet}» is missing")
    share = _employment_shares(wb["ЗАНЯТОСТЬСТРУКТ"], f"{path.name}, sheet ЗАНЯТОСТЬСТРУКТ")
    total = _employment_totals(wb["ЗАНЯТОСТЬ"], f"{path.name}, sheet ЗАНЯТОСТЬ")
    share["total"] = [
        total.get((g, t)) for g, t in zip(share["geo"], share["territory"], strict=True)
    ]
    derived = share.dropna(subset=["total"]).assign(
        indicator="employment",
        value=lambda d: d["value"] / 100 * d["total"],
        unit="persons",
        flag="derived",
    )
    df = pd.concat([share.assign(flag="inferred year"), derived], ignore_index=True)
    df = df.drop(columns="total").assign(year=2023, geo_level=df["geo"].map(_level))
    df.insert(0, "dataset", "rosstat_employment_structure")
    return tidy(df)


def _employment_shares(ws, where: str) -> pd.DataFrame:
    """Each region's share (%) of average annual employment by group of sections."""
    kept = (
        r
        for r in ws.iter_rows(min_row=4, values_only=True)
        if len(r) >= 16 and isinstance(r[4], (int, float))
    )
    share = pd.DataFrame(
        [
            {
                "indicator": "employment_share",
                "geo": code,
                "territory": territory,
                "industry": group,
                "value": float(r[j]),
                "unit": "% of average annual employment",
            }
            for r, (code, territory) in _region_rows(kept, lambda r: r[1] or r[0], where)
            for j, group in enumerate(EMPLOYMENT_GROUPS, start=2)
            if isinstance(r[j], (int, float))
        ]
    )
    if share.empty or "RUS" not in set(share["geo"]):
        raise ParseError(f"{where}: no Russian Federation row")
    return share


def _employment_totals(ws, where: str) -> dict[tuple[str, str], float]:
    """EMISS 58994: total employment (persons) in 2023 by (code, territory); names indented."""
    data = list(ws.iter_rows(values_only=True))
    head = next((i for i, r in enumerate(data[:10]) if 2023 in [_int(c) for c in r]), None)
    if head is None:
        raise ParseError(f"{where}: no year 2023 in the header")
    col = [_int(c) for c in data[head]].index(2023)
    kept = (r for r in data[head + 1 :] if len(r) > col and isinstance(r[col], (int, float)))
    return {got: float(r[col]) for r, got in _region_rows(kept, lambda r: r[0], where)}


def _int(v) -> int | None:
    try:
        return int(float(str(v).strip()))
    except ValueError:
        return None


class Table:
    """One dataset from one workbook of the devproglab repository's copy of Rosstat data."""

    def __init__(self, dataset: str, pattern: str, parser, vintage: str):
        self.DATASET, self.SOURCE = dataset, SOURCE
        self.pattern, self.parser, self.vintage = pattern, parser, vintage

    def load(self, **fetch_kw) -> Loaded:
        return Source(
            self.DATASET,
            SOURCE,
            self.pattern,
            lambda paths: self.parser(paths[0]),
            lambda paths, frame: self.vintage,
            no_download=f"{self.pattern} is not in the mirror; it is a researcher's compilation "
            "(github.com/devproglab/Regional-Multipliers-RU, Data/) with no producer URL",
        ).load(**fetch_kw)


GRP = Table(
    "rosstat_grp_structure",
    "devproglab_multipliers/VRP_OKVED2_s2016.xlsx",
    parse_grp,
    "Rosstat GVA structure 2009-2022, devproglab edit of 2025-01-09",
)
EMPLOYMENT = Table(
    "rosstat_employment_structure",
    "devproglab_multipliers/explanatory.xlsx",
    parse_employment,
    "employment structure, year inferred as 2023",
)
TABLES = [GRP, EMPLOYMENT]
