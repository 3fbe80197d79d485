"""SIPRI Military Expenditure Database workbook (``SIPRI-Milex-data-*.xlsx``) -> ``sipri_milex``.

Per-country sheets, their indicator ids and units (shares are fractions in the file, percent here):

- ``Constant (YYYY) US$`` -> milex_constant_usd, US$ m at constant YYYY prices
- ``Current US$`` -> milex_current_usd, US$ m at current prices
- ``Share of GDP`` -> milex_gdp_share, % of GDP (file value x 100)
- ``Per capita`` -> milex_per_capita, current US$ per person
- ``Share of Govt. spending`` -> milex_gov_share, % of general government expenditure (x 100)

Missing-value markers become NaN with a flag: ``xxx`` -> ``not_independent`` (the country did not
exist or was not independent), ``...``, ``. .``, ``…`` and blanks -> ``unavailable``. SIPRI prints
estimates in blue and highly uncertain figures in red; those font colours become the flags
``estimate`` and ``uncertain``.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pandas as pd
import pycountry
from openpyxl.styles.colors import COLOR_INDEX

from dashboard import crosswalks
from dashboard.catalog import origin
from dashboard.fetch import Resource
from dashboard.schema import tidy
from dashboard.sources.base import ParseError, Source

DATASET = "sipri_milex"
SOURCE = "sipri"
MIRROR_GLOB = "SIPRI-Milex-data-*.xlsx"

# sheet-name pattern -> (indicator, unit, factor); the constant-price base year comes from the name
SHEETS: list[tuple[re.Pattern, str, str, float]] = [
    (re.compile(r"^Constant \((\d{4})\) US\$$"), "milex_constant_usd",
     "US$ m, constant {base} prices", 1.0),
    (re.compile(r"^Current US\$$"), "milex_current_usd", "US$ m, current prices", 1.0),
    (re.compile(r"^Share of GDP$"), "milex_gdp_share", "% of GDP", 100.0),
    (re.compile(r"^Per capita$"), "milex_per_capita", "current US$ per person", 1.0),
    (re.compile(r"^Share of Govt\. spending$"), "milex_gov_share",
     "% of general government expenditure", 100.0),
]  # fmt: skip
UNAVAILABLE = {"...", ". .", "…", "..", "", "-"}
NOT_INDEPENDENT = {"xxx"}


def resource() -> Resource:
    url = origin(DATASET).download_url
    return Resource(SOURCE, url.rsplit("/", 1)[-1] or "sipri.xlsx", url, "xlsx", MIRROR_GLOB)


crosswalk = crosswalks.sipri_countries


def _geo_for(name: str) -> tuple[str, str] | None:
    if name in crosswalk():
        return crosswalk()[name]
    try:
        return pycountry.countries.lookup(name).alpha_3, "country"
    except LookupError:
        return None


def _font_flag(cell, palette: list[str]) -> str | None:
    """Blue font -> estimate, red font -> uncertain (SIPRI's colour code), else None."""
    color = cell.font.color if cell.font is not None else None
    if color is None:
        return None
    if color.type == "indexed" and isinstance(color.indexed, int):
        idx = color.indexed
        rgb = palette[idx] if idx < len(palette) else None
    elif color.type == "rgb" and isinstance(color.rgb, str):
        rgb = color.rgb
    else:  # theme colours 0/1 are the default text colours
        return None
    if not rgb or len(rgb) < 6:
        return None
    r, g, b = (int(rgb[-6:][i : i + 2], 16) for i in (0, 2, 4))
    if b >= 0x80 and r < 0x60 and g < 0x60:
        return "estimate"
    if r >= 0x80 and g < 0x60 and b < 0x60:
        return "uncertain"
    return None


def _header(ws) -> tuple[int, dict[int, int], dict[str, int]]:
    """Locate the header row (first cell 'Country'); return its row, year columns, label columns."""
    for row in ws.iter_rows(min_row=1, max_row=20):
        if row[0].value is not None and str(row[0].value).strip() == "Country":
            years: dict[int, int] = {}
            labels: dict[str, int] = {}
            for cell in row:
                v = cell.value
                if isinstance(v, (int, float)) and 1900 <= v <= 2100:
                    years[cell.column - 1] = int(v)
                elif isinstance(v, str) and v.strip().isdigit() and 1900 <= int(v) <= 2100:
                    years[cell.column - 1] = int(v.strip())
                elif isinstance(v, str) and v.strip():
                    labels[v.strip()] = cell.column - 1
            if not years:
                raise ParseError(f"sheet {ws.title!r}: header row {row[0].row} has no year columns")
            return row[0].row, years, labels
    raise ParseError(f"sheet {ws.title!r}: no header row starting with 'Country' in rows 1-20")


def _cell_value(cell, factor: float, palette: list[str], where: str) -> tuple[float, str | None]:
    """A figure times ``factor`` with its flag (an estimate or uncertain figure, by its font
    colour), or NaN with "not_independent" / "unavailable" for SIPRI's markers."""
    v = cell.value if cell is not None else None
    if isinstance(v, bool):
        raise ParseError(f"{where}: unexpected value {v!r}")
    if isinstance(v, (int, float)):
        return float(v) * factor, _font_flag(cell, palette)
    s = "" if v is None else str(v).strip()
    if s in NOT_INDEPENDENT:
        return float("nan"), "not_independent"
    if s in UNAVAILABLE:
        return float("nan"), "unavailable"
    try:
        return float(s) * factor, None
    except ValueError:
        raise ParseError(f"{where}: unexpected marker {s!r}") from None


def _parse_sheet(ws, indicator: str, unit: str, factor: float, palette: list[str]) -> list[dict]:
    hrow, years, labels = _header(ws)
    notes_col = labels.get("Notes")
    out: list[dict] = []
    unknown: list[str] = []
    for row in ws.iter_rows(min_row=hrow + 1):
        name = row[0].value
        if name is None or not str(name).strip():
            continue
        name = str(name).strip()
        geo = _geo_for(name)
        has_number = any(isinstance(row[c].value, (int, float)) for c in years if c < len(row))
        if geo is None:
            if has_number:
                unknown.append(name)
            continue  # a heading or note row without figures
        code, level = geo
        if level == "heading":
            continue
        note = row[notes_col].value if notes_col is not None and notes_col < len(row) else None
        for col, year in years.items():
            cell = row[col] if col < len(row) else None
            where = f"sheet {ws.title!r} {name} {year}"
            value, flag = _cell_value(cell, factor, palette, where)
            out.append(
                {
                    "indicator": indicator,
                    "geo": code,
                    "geo_level": level,
                    "year": year,
                    "value": value,
                    "unit": unit,
                    "flag": flag,
                    "country_name": name,
                    "sipri_notes": None if note in (None, "") else str(note),
                }
            )
    if unknown:
        raise ParseError(
            f"sheet {ws.title!r}: {len(unknown)} country name(s) with figures not in "
            f"datasets/sipri_countries.csv: {', '.join(unknown[:10])}"
        )
    return out


def parse(path: Path) -> pd.DataFrame:
    """Parse every per-country sheet of the SIPRI workbook into the tidy schema."""
    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise ParseError(f"{path.name}: not a readable xlsx workbook ({exc})") from None
    palette = list(wb._colors) if getattr(wb, "_colors", None) else list(COLOR_INDEX)
    rows: list[dict] = []
    found: list[str] = []
    for ws in wb.worksheets:
        for pattern, indicator, unit, factor in SHEETS:
            m = pattern.match(ws.title.strip())
            if m:
                u = unit.format(base=m.group(1)) if m.groups() else unit
                try:
                    rows += _parse_sheet(ws, indicator, u, factor, palette)
                except ParseError as exc:
                    raise ParseError(f"{path.name}: {exc}") from None
                found.append(indicator)
    missing = [s[1] for s in SHEETS if s[1] not in found]
    if missing:
        raise ParseError(
            f"{path.name}: sheets for {', '.join(missing)} not found "
            f"(sheets present: {', '.join(wb.sheetnames)})"
        )
    df = pd.DataFrame(rows)
    df.insert(0, "dataset", DATASET)
    return tidy(df)


def vintage(path: Path) -> str:
    """Release from the file name, e.g. ``1949-2025 v1.2``."""
    m = re.search(r"SIPRI-Milex-data-([\d-]+)(?:_v(\d+(?:\.\d+)*))?", path.name)
    if not m:
        return path.stem
    return f"SIPRI Milex {m.group(1)}" + (f" v{m.group(2)}" if m.group(2) else "")


SPEC = Source(
    DATASET,
    SOURCE,
    MIRROR_GLOB,
    lambda paths: parse(paths[0]),
    lambda paths, frame: vintage(paths[0]),
    lambda: [resource()],
)
load = SPEC.load
