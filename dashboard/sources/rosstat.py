"""Rosstat "Regions of Russia. Socio-economic indicators" Excel appendix -> ``rosstat_regions``.

One workbook per section (``02_trud_labour.xlsx`` ...), one sheet per table (``2.3.``). Each
table: a title block with the unit in parentheses, a header row of years (some with footnote
markers, ``'20202)'``), then rows for the Russian Federation, each federal district and its
subjects. Traps handled here: footnote digits and runs of spaces in names, Latin look-alike
letters (``Калинингpадская``), a row-level unit that differs from the table's (``Российская
Федерация, млрд руб.``), ``…`` and ``-`` as missing, footnotes under a ``____`` line, and
GRP's first row, the sum over subjects, stored as RUS with flag "sum of subjects"; and
oblasts printed both with and without their autonomous okrugs: the latter rows are kept with
``territory = "excl_ao"`` (the full oblast has ``territory = "total"``), so summing subjects
with territory "total" and leaving out the okrugs that lie inside another subject (RU-NEN,
RU-KHM, RU-YAN) counts nobody twice. Every name must match ``datasets/ru_regions.csv``; an
unmatched name fails the parse.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import openpyxl
import pandas as pd

from dashboard import archives, crosswalks
from dashboard.catalog import Edition, editions
from dashboard.fetch import (
    FetchError,
    RawFile,
    Resource,
    describe,
    fetch,
    forget,
    get_page,
    max_bytes,
    mirror_files,
    natural_key,
)
from dashboard.schema import tidy
from dashboard.sources.base import Loaded, ParseError, Source

DATASET = "rosstat_regions"
SOURCE = "russia"
INSIDE_OTHER_SUBJECT = {"RU-NEN", "RU-KHM", "RU-YAN"}


@dataclass(frozen=True)
class TableSpec:
    workbook: str  # file name prefix in the mirror
    sheet: str  # table number
    indicator: str
    industry: str | None = None  # OKVED section for shipments
    classification: str | None = None


TABLES = [
    TableSpec("01_", "1.2", "population"),
    TableSpec("02_", "2.3", "employment_avg"),
    TableSpec("02_", "2.10.1", "unemployment_rate"),
    TableSpec("02_", "2.10.3", "registered_unemployment_rate"),
    TableSpec("03_", "3.4", "wage_avg_monthly"),
    TableSpec("08_", "8.1", "grp"),
    TableSpec("08_", "8.2", "grp_per_capita"),
    TableSpec("12_", "12.2.1", "mining_shipments", "C", "OKVED (2005-2016)"),
    TableSpec("12_", "12.2.2", "mining_shipments", "B", "OKVED2"),
    TableSpec("12_", "12.2.3", "manufacturing_shipments", "D", "OKVED (2005-2016)"),
    TableSpec("12_", "12.2.4", "manufacturing_shipments", "C", "OKVED2"),
    TableSpec("12_", "12.2.5", "utilities_shipments", "E", "OKVED (2005-2016)"),
    TableSpec("12_", "12.2.6", "utilities_shipments", "D", "OKVED2"),
    TableSpec("12_", "12.2.7", "water_shipments", "E", "OKVED2"),
    TableSpec("19_", "19.1", "budget_revenue"),
    TableSpec("19_", "19.2", "budget_expenditure"),
    TableSpec("19_", "19.3", "social_support_expenditure"),
]

# unit text (lower case, inside the title block's parentheses) -> (stored unit, factor)
UNITS = [
    ("миллиардов рублей", "mln RUB", 1000.0),
    ("миллионов рублей", "mln RUB", 1.0),
    ("тысяч рублей", "mln RUB", 0.001),
    ("рублей", "RUB", 1.0),
    ("тысяч человек", "thousand persons", 1.0),
    ("в процентах", "%", 1.0),
]
ROW_UNITS = {"млрд руб": 1000.0, "тыс. руб": 0.001, "трлн руб": 1_000_000.0}
# Russian region names are matched in the crosswalk's module (the Treasury and monotowns
# parsers use the same matching)
name_key, match = crosswalks.ru_name_key, crosswalks.match_ru


def _unit(rows: list[tuple], name: str) -> tuple[str, float]:
    for r in rows:
        text = str(r[0] or "").lower()
        if text.strip().startswith("("):
            for needle, unit, factor in UNITS:
                if needle in text:
                    return unit, factor
    raise ParseError(f"{name}: no known unit in the title block")


def _years(row: tuple) -> dict[int, int]:
    years = {}
    for i, v in enumerate(row):
        m = re.match(r"^\s*(\d{4})", str(v)) if v is not None else None
        if i > 0 and m and 1990 <= int(m.group(1)) <= 2100:
            years[i] = int(m.group(1))
    return years


def _region_of(label: str) -> tuple[tuple[str, str, str] | None, str | None]:
    """(code, level, territory) of a row's region name, and its flag: table 8.1's first row
    names no region, it is the sum of the subjects."""
    where = match(label)
    if where is None and name_key(label).startswith("валовой региональный продукт по субъектам"):
        return ("RUS", "ru_country", "total"), "sum of subjects"
    return where, None


def _row_factor(label: str, factor: float, unit: str) -> float:
    """The sheet's factor, or a row's own where its label states another unit (ROW_UNITS;
    NaN unless the sheet is in mln RUB)."""
    for marker, f in ROW_UNITS.items():
        if marker in label:
            factor = f * (1.0 if unit == "mln RUB" else float("nan"))
    return factor


def _figure(v, where: str) -> float | None:
    """A cell's number (a footnote marker such as '2)' dropped, a decimal comma read), or None
    for Rosstat's no-figure marks ("…", "-", "–", empty)."""
    if isinstance(v, str):
        v = re.sub(r"(\d+\))+$", "", v.strip()).strip()  # footnote marker: '…2)'
    if v is None or v in ("…", "...", "-", "–", ""):
        return None
    if isinstance(v, str):
        try:
            return float(v.replace(",", ".").replace(" ", ""))
        except ValueError:
            raise ParseError(f"{where}: unexpected {v!r}") from None
    return v


def parse_sheet(ws, spec: TableSpec, book: str) -> list[dict]:
    name = f"{book} sheet {ws.title!r}"
    rows = list(ws.iter_rows(values_only=True))
    header = next((i for i, r in enumerate(rows[:15]) if r and r[0] is None and _years(r)), None)
    if header is None:
        raise ParseError(f"{name}: no header row of years in the first 15 rows")
    years = _years(rows[header])
    unit, factor = _unit(rows[:header], name)
    out, unknown = [], []
    for r in rows[header + 1 :]:
        label = r[0] if r else None
        if not isinstance(label, str) or not label.strip():
            continue
        if label.strip().startswith(("_", "¾")) or label.strip()[0].isdigit():
            break  # footnotes follow
        if "том числе" in label:
            continue
        where, flag = _region_of(label)
        if where is None:
            unknown.append(label.strip())
            continue
        code, level, territory = where
        row_factor = _row_factor(label, factor, unit)
        for col, year in years.items():
            v = _figure(r[col] if col < len(r) else None, f"{name}: {label.strip()} {year}")
            if v is None:
                continue
            out.append(
                {
                    "indicator": spec.indicator,
                    "geo": code,
                    "geo_level": level,
                    "year": year,
                    "value": float(v) * row_factor,
                    "unit": unit,
                    "industry": spec.industry,
                    "classification": spec.classification,
                    "territory": territory,
                    "table": ws.title.strip(),
                    "flag": flag,
                    "name_ru": re.sub(r"\s+", " ", label).strip(),
                }
            )
    if unknown:
        raise ParseError(
            f"{name}: {len(unknown)} region name(s) not in datasets/ru_regions.csv: "
            + ", ".join(repr(u) for u in unknown[:8])
        )
    return out


def _sheet(wb, number: str):
    for ws in wb.worksheets:
        if ws.title.strip().rstrip(".") == number:
            return ws
    return None


def section(name: str) -> int | None:
    """The Rosstat section number of a workbook: ``02_trud_labour.xlsx`` (the mirror's ASCII
    names) or ``Раздел 2 - Труд.xlsx`` (Rosstat's own, in the 2022 to 2025 archives)."""
    m = re.match(r"(\d{1,2})_", name) or re.search(r"Раздел\s*(\d{1,2})\b", name)
    return int(m.group(1)) if m else None


def _workbook(name: str) -> bool:
    return section(name) is not None and name.lower().endswith(".xlsx")


def _workbooks(paths: list[Path]) -> dict[int, tuple[str, object]]:
    """Section number -> (name, xlsx path or bytes) from workbooks and zip or RAR archives of
    them (Rosstat packs the editions from 2022 on as RAR)."""
    out: dict[int, tuple[str, object]] = {}
    for p in paths:
        with open(p, "rb") as fh:
            head = fh.read(8)
        if archives.is_rar(head):
            try:
                found = archives.rar_members(p, _workbook, max_bytes(SOURCE))
            except archives.ArchiveError as exc:
                raise ParseError(f"{p.name}: {exc}") from None
            for name, data in sorted(found.items()):
                out.setdefault(section(name), (name, data))
        elif p.suffix.lower() == ".zip":
            try:
                with zipfile.ZipFile(p) as zf:
                    for info in zf.infolist():
                        name = Path(info.filename).name
                        if _workbook(name):
                            out.setdefault(section(name), (name, zf.read(info)))
            except (zipfile.BadZipFile, OSError) as exc:
                raise ParseError(f"{p.name}: damaged zip archive ({exc})") from None
        elif section(p.name) is not None:
            out.setdefault(section(p.name), (p.name, p))
    return out


def parse(paths: list[Path]) -> pd.DataFrame:
    books_by_section = _workbooks(paths)
    rows: list[dict] = []
    books: dict[str, openpyxl.Workbook] = {}
    for spec in TABLES:
        found = books_by_section.get(int(spec.workbook[:2]))
        if found is None:
            n = int(spec.workbook[:2])
            raise ParseError(
                f"rosstat: the workbook of section {n} ({spec.workbook}*.xlsx or "
                f"«Раздел {n} - ...xlsx») is missing"
            )
        name, src = found
        if name not in books:
            try:
                data = io.BytesIO(src) if isinstance(src, bytes) else src
                books[name] = openpyxl.load_workbook(data, read_only=True, data_only=True)
            except Exception as exc:  # damaged or not an xlsx
                raise ParseError(f"{name}: not a readable xlsx workbook ({exc})") from None
        ws = _sheet(books[name], spec.sheet)
        if ws is None:
            raise ParseError(f"{name}: table {spec.sheet} not found")
        rows += parse_sheet(ws, spec, name)
    df = pd.DataFrame(rows)
    df.insert(0, "dataset", DATASET)
    return tidy(df)


def _edition(paths: list[Path], frame: pd.DataFrame) -> str:
    """From the mirror folder (``rosstat_regions_2022``) or the downloaded archive's name."""
    p = paths[0]
    edition = (p.stem if p.suffix.lower() in (".zip", ".rar") else p.parent.name).rsplit("_", 1)[-1]
    return f"Regions of Russia {edition} (data to {frame['year'].max()})"


HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


def page_of(ed: Edition) -> str:
    """The edition's page: ``LABORDASH_PAGE_ROSSTAT_REGIONS`` ({edition}) when set."""
    template = os.environ.get("LABORDASH_PAGE_ROSSTAT_REGIONS", "")
    return template.format(edition=ed.edition) if template else ed.page


def archive_link(html: str, base: str, file: str) -> str | None:
    """The first link on an edition page to a .rar or .zip whose file name starts with
    ``file`` (``Pril_Region_Pokaz_2024``; case ignored), made absolute against ``base``."""
    stem = file.lower().removesuffix(".rar").removesuffix(".zip")
    for href in HREF.findall(html):
        url = urljoin(base, unescape(href))
        name = unquote(urlsplit(url).path.rsplit("/", 1)[-1]).lower()
        if name.startswith(stem) and name.endswith((".rar", ".zip")):
            return url
    return None


class _Rosstat(Source):
    def edition_file(self, ed: Edition, **fetch_kw) -> RawFile:
        """Download one edition's archive: its known URL, else the link on its page."""
        url = ed.url
        if not url:
            if not ed.file:
                raise FetchError(f"no file URL known (see {ed.page})")
            page = page_of(ed)
            kw = {k: v for k, v in fetch_kw.items() if k in ("timeout", "retries")}
            url = archive_link(get_page(page, source=SOURCE, **kw), page, ed.file)
            if url is None:
                raise FetchError(f"no link to {ed.file}.rar or .zip on {page}")
        kind = "rar" if url.lower().split("?")[0].endswith(".rar") else "zip"
        res = Resource(SOURCE, f"rosstat_regions_{ed.edition}.{kind}", url, kind)
        return fetch(res, **fetch_kw)

    def load(self, **fetch_kw) -> Loaded:
        """The mirror's newest edition folder; without one, the newest edition that downloads
        and parses, each newer one passed over with the reason (a table renumbered in a new
        layout names the table)."""
        found = [p for p in mirror_files(self.folder, self.mirror_glob) if self.wanted(p)]
        if found:
            return super().load(**fetch_kw)
        notes = []
        for ed in editions(DATASET):
            what = f"Regions of Russia {ed.edition}"
            try:
                got = self.edition_file(ed, **fetch_kw)
            except FetchError as exc:
                notes.append(f"{what}: {str(exc).removeprefix(f'{SOURCE}: ')}")
                continue
            try:
                frame = self.parse([Path(got.path)])
            except ParseError as exc:
                forget([got])  # never reused: the next pull downloads it again
                notes.append(f"{what}: {exc}")
                continue
            vintage = self.vintage([Path(got.path)], frame)
            return Loaded(frame, [got], vintage, notes + frame.attrs.pop("notes", []))
        raise ParseError(f"{DATASET}: {self.no_download}; tried: {'; '.join(notes)}")

    def files(self, **fetch_kw):
        """The mirror's newest edition folder (:meth:`load` downloads without a mirror)."""
        found = [p for p in mirror_files(self.folder, self.mirror_glob) if self.wanted(p)]
        newest = max({p.parent for p in found}, key=lambda d: natural_key(d))
        return [
            describe(p, "mirror", self.producer_url(p)) for p in found if p.parent == newest
        ], []


SPEC = _Rosstat(
    DATASET,
    SOURCE,
    "rosstat_regions_*/*.xlsx",
    parse,
    _edition,
    no_download="no 'Regions of Russia' workbooks in the mirror and no edition could be "
    "downloaded from its page (rosstat.gov.ru/folder/210/document/13204); unpack an edition's "
    "archive into <mirror>/russia/rosstat_regions_<edition>/, or set "
    "LABORDASH_URL_ROSSTAT_REGIONS to a RAR or zip of the workbooks ({edition} in the URL)",
    every_match=True,
    wanted=lambda p: section(p.name) in {int(t.workbook[:2]) for t in TABLES},
)
load = SPEC.load
