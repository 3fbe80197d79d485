"""Federal Treasury form 0503317 -> ``roskazna_budget``: each region's consolidated budget,
executed spending by function (budget section 01..14) and in total.

One BIFF ``.xls`` per region and year, as the Treasury exports them (Oracle BI Publisher), packed
per year into ``reg_<year>_0503317_xls.tar.xz``. Files are numbered in the Treasury's own order,
not by region, and the OKTMO typed into their headers is often wrong, so a region is found by
its finance body's name («Министерство финансов Удмуртской Республики»): the names in
``datasets/ru_regions.csv`` are put in the genitive case and the longest one inside the finance
body's name wins; an unmatched or twice-matched region fails the parse.

Sheet ``стр.3_4`` holds expenditure by budget classification; a section's total row has
subsection ``XX00``, target article ``0000000000`` and expenditure type ``000``; the first row
(line 200) is the total. The value kept is the "Исполнено" (executed) column of the
consolidated budget of the subject without its territorial health-insurance fund (TGVF),
the third column of the executed block, checked by its header. Rubles, stored as mln RUB.
File 95 (2019 only) is the all-Russia report: the consolidated budgets of all subjects, "RUS".
"""

from __future__ import annotations

import io
import os
import re
import tarfile
from datetime import date
from functools import cache
from pathlib import Path

import pandas as pd
from python_calamine import CalamineWorkbook

from dashboard import crosswalks
from dashboard.catalog import edition_info
from dashboard.fetch import FetchError, RawFile, Resource, fetch, mirror_files
from dashboard.schema import tidy
from dashboard.sources.base import ParseError, Source

DATASET = "roskazna_budget"
SOURCE = "russia"
INDICATOR = "budget_expenditure_by_function"
ALL_RUSSIA = "межрегиональное операционное управление федерального казначейства"

# nominative -> genitive, word by word (adjectives and the nouns used in subject names)
_NOUNS = {"область": "области", "край": "края", "округ": "округа", "республика": "республики",
          "москва": "москвы", "санкт-петербург": "санкт-петербурга",
          "севастополь": "севастополя", "г.": "города", "югра": "югры"}  # fmt: skip
_ADJ = [("ская", "ской"), ("цкая", "цкой"), ("ная", "ной"), ("ский", "ского"),
        ("цкий", "цкого"), ("ный", "ного")]  # fmt: skip


def _genitive_word(word: str) -> str:
    if word in _NOUNS:
        return _NOUNS[word]
    parts = word.split("-")  # кабардино-балкарская: only the last part declines
    for nom, gen in _ADJ:
        if parts[-1].endswith(nom):
            parts[-1] = parts[-1][: -len(nom)] + gen
            return "-".join(parts)
    return word


def genitive(name: str) -> str:
    """«Удмуртская Республика» -> «удмуртской республики»; after a leading «Республика» the
    name stays as it is («республики северная осетия-алания»)."""
    words = crosswalks.ru_name_key(name).replace("-", " - ").split()
    if words[:1] == ["республика"]:
        out = ["республики", *words[1:]]
    else:
        out = [_genitive_word(w) for w in words]
    return " ".join(out).replace(" - ", "-")


@cache
def genitive_names() -> dict[str, str]:
    """Genitive name (normalised) -> ISO code, for every subject in ``ru_regions.csv``."""
    out: dict[str, str] = {}
    ru = crosswalks.ru_regions()
    for r in ru[ru["level"] == "ru_subject"].itertuples():
        for name in [r.name_ru, *filter(None, r.aliases.split("|"))]:
            g = genitive(name)
            out[g] = r.code
            if g.startswith("города "):  # «Комитет финансов Санкт-Петербурга»
                out[g.removeprefix("города ")] = r.code
    return out


def match_body(body: str) -> str | None:
    """ISO code of the region whose genitive name is the longest found in ``body``."""
    text = crosswalks.ru_name_key(body)
    if ALL_RUSSIA in text:
        return "RUS"
    hits = [(len(g), code) for g, code in genitive_names().items() if g in text]
    if not hits:
        return None
    best = max(hits)[0]
    codes = {c for n, c in hits if n == best}
    return codes.pop() if len(codes) == 1 else None


def _number(v) -> float:
    """A cell as float: numbers as stored, or text like «15 731 868 682 625,38»; empty = 0."""
    if isinstance(v, (int, float)):
        return float(v)
    s = str(v).replace("\xa0", "").replace(" ", "").replace(",", ".")
    return float(s) if s else 0.0


def _header(sheet: list[list], name: str) -> tuple[str, str]:
    body = budget = ""
    for row in sheet[:14]:
        label = str(row[0] if row else "").strip().lower()
        rest = [str(v).strip() for v in row[1:] if str(v).strip()]
        if label.startswith("наименование финансового органа") and rest:
            body = rest[0]
        elif label.startswith("наименование бюджета") and rest:
            budget = rest[0]
    if not body:
        raise ParseError(f"{name}: no «Наименование финансового органа» in the header")
    return body, budget


def _sheets(content: bytes, name: str) -> tuple[list[list], list[list]]:
    """The title sheet «стр.1_2» and the expenditure sheet «стр.3_4» of a report, as rows."""
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(content))
        if "стр.3_4" not in wb.sheet_names:
            raise ParseError(f"{name}: no expenditure sheet «стр.3_4» (sheets {wb.sheet_names})")
        if "стр.1_2" not in wb.sheet_names:
            raise ParseError(f"{name}: no title sheet «стр.1_2» (sheets {wb.sheet_names})")
        return wb.get_sheet_by_name("стр.1_2").to_python(), wb.get_sheet_by_name(
            "стр.3_4"
        ).to_python()
    except ParseError:
        raise
    except Exception as exc:  # calamine raises several kinds; all mean "not a workbook"
        raise ParseError(f"{name}: not a readable .xls workbook ({exc})") from None


def _executed_column(ws: list[list], name: str) -> int:
    """The executed block starts at «Исполнено»; its third column is the consolidated budget
    of the subject without the TGVF, which the row under it must name."""
    for r, row in enumerate(ws[:8]):
        for c, v in enumerate(row):
            if str(v).strip().lower().startswith("исполнено"):
                col = c + 2
                head = str(
                    ws[r + 1][col] if r + 1 < len(ws) and col < len(ws[r + 1]) else ""
                ).lower()
                if not head.startswith("консолидированный бюджет субъекта") or "тгвф" in head:
                    raise ParseError(
                        f"{name}: column {col} is «{head[:60]}», not the "
                        "consolidated budget of the subject"
                    )
                return col
    raise ParseError(f"{name}: no «Исполнено» column in «стр.3_4»")


def _section_rows(ws: list[list], col: int, name: str) -> list[tuple[str, str, float]]:
    """(function, label, RUB) of the total (line 200) and of every section (its code ``NN00``
    with no target item and no expense type)."""
    rows, total = [], None
    for v in ws:
        if len(v) <= col:
            continue
        label = str(v[0]).strip()
        if str(v[1]).strip() in ("200", "200.0") and label.lower().startswith("расходы бюджета"):
            total = _number(v[col])
            rows.append(("total", "Расходы бюджета - всего", total))
            continue
        sec, csr, vr = (str(x).strip() for x in v[3:6])
        if re.fullmatch(r"\d\d00", sec) and csr == "0000000000" and vr == "000":
            rows.append((sec[:2], label, _number(v[col])))
    if total is None:
        raise ParseError(f"{name}: no total row (line 200) in «стр.3_4»")
    if len(rows) < 10:
        raise ParseError(f"{name}: only {len(rows) - 1} budget sections found in «стр.3_4»")
    return rows


def parse_book(content: bytes, name: str, year: int) -> tuple[list[dict], str, str]:
    """Rows of one region's report, its finance body and its region code."""
    header, ws = _sheets(content, name)
    body, budget = _header(header, name)
    code = match_body(body) or match_body(budget)
    if code is None:
        raise ParseError(f"{name}: finance body «{body}» matches no region in ru_regions.csv")
    rows = _section_rows(ws, _executed_column(ws, name), name)
    level = "ru_country" if code == "RUS" else "ru_subject"
    out = [
        {
            "indicator": INDICATOR,
            "geo": code,
            "geo_level": level,
            "year": year,
            "period": str(year),
            "function": f,
            "function_name": n,
            "value": val / 1e6,
            "unit": "mln RUB",
            "file": name,
            "fin_body": body,
        }
        for f, n, val in rows
    ]
    return out, body, code


def parse(archives: list[Path]) -> pd.DataFrame:
    """Every report in every archive, one .xls at a time (calamine reads one in about 10 ms,
    so a year takes a few seconds in one process, holding one report in memory)."""
    rows: list[dict] = []
    for archive in archives:
        m = re.search(r"reg_(\d{4})_0503317", archive.name)
        if not m:
            raise ParseError(f"{archive.name}: not a reg_<year>_0503317 archive")
        year = int(m.group(1))
        seen: dict[str, str] = {}
        try:
            with tarfile.open(archive, "r:*") as tar:
                members = sorted(
                    (t for t in tar.getmembers() if t.isfile() and t.name.upper().endswith(".XLS")),
                    key=lambda t: t.name,
                )
                if not members:
                    raise ParseError(f"{archive.name}: no .XLS reports in the archive")
                for t in members:
                    name = Path(t.name).name
                    book, body, code = parse_book(tar.extractfile(t).read(), name, year)
                    if code in seen:
                        raise ParseError(
                            f"{archive.name}: {name} («{body}») and {seen[code]} are both {code}"
                        )
                    seen[code] = name
                    rows += book
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise ParseError(f"{archive.name}: damaged archive ({exc})") from None
    df = pd.DataFrame(rows)
    df.insert(0, "dataset", DATASET)
    return tidy(df)


def latest_year(today: date | None = None) -> int:
    """The newest year with an annual form 0503317: the Treasury publishes year Y's annual
    reports in the spring of Y+1 (from April)."""
    today = today or date.today()
    return today.year - 1 if today.month >= 4 else today.year - 2


class _Roskazna(Source):
    def download_years(self, **fetch_kw) -> tuple[list[RawFile], list[str]]:
        """Without a mirror: every year from the first known to :func:`latest_year`, one
        archive each from ``LABORDASH_URL_ROSKAZNA_BUDGET`` ({year}); a year that cannot be
        had is left out with a note."""
        template = os.environ.get("LABORDASH_URL_ROSKAZNA_BUDGET", "")
        info = edition_info(DATASET)
        if not template:
            raise ParseError(
                f"{DATASET}: {self.no_download}; or set "
                "LABORDASH_URL_ROSKAZNA_BUDGET to the URL of a year's archive, "
                f"with {{year}} (the Treasury's page: {info['page']})"
            )
        files, notes = [], []
        for year in range(int(info["first_year"]), latest_year() + 1):
            name = f"reg_{year}_0503317_xls.tar.xz"
            try:
                files.append(
                    fetch(Resource(SOURCE, name, template.format(year=year), "tar"), **fetch_kw)
                )
            except FetchError as exc:
                notes.append(f"form 0503317 {year}: not available ({exc}); left out")
        if not files:
            raise ParseError(f"{DATASET}: no year could be downloaded: {'; '.join(notes)}")
        return files, notes

    def files(self, **fetch_kw):
        if mirror_files(self.folder, self.mirror_glob):
            return super().files(**fetch_kw)
        return self.download_years(**fetch_kw)


SPEC = _Roskazna(
    DATASET,
    SOURCE,
    "roskazna_0503317/reg_*_0503317_xls.tar.xz",
    parse,
    lambda paths, frame: f"form 0503317, {', '.join(map(str, sorted(frame['year'].unique())))}",
    no_download="no form 0503317 archives in the mirror; the Treasury publishes one .xls per "
    "region (roskazna.gov.ru, «Исполнение бюджетов»): pack a year's files into "
    "<mirror>/russia/roskazna_0503317/reg_<year>_0503317_xls.tar.xz",
    every_match=True,
)
load = SPEC.load
