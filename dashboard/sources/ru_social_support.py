"""Spending of the subjects' consolidated budgets on social support by category of citizen,
January-December 2021 -> ``ru_social_support``.

Rosstat's workbook ``socpod_2021.xlsx`` has one sheet per subject, federal district and the
Federation (thousand RUB as published, stored in mln RUB like the other Russian datasets). Each
sheet holds three tables with the same rows, categories of citizens (war invalids, combat
veterans, families of fallen servicemen, labour veterans, the poor, ...):

- Таблица 1, every form of support -> indicator ``social_support_by_category``: total, cash
  payment, housing and utilities, housing, fuel, telephone, urban and long-distance transport,
  medicines, food, sanatoria, other;
- Таблица 2, support in kind -> ``social_support_in_kind``: the same columns without cash;
- Таблица 3, cash support -> ``social_support_cash``: the columns of Таблица 1.

Each table's columns are read from its own header row (Таблица 2 has one column fewer), and
the row of column numbers (1, 2, 3, ...) under the header is not data. ``category`` as
printed, ``line`` its row in its table, ``form`` the form of support. Sheet names are cut to
31 characters, so subjects are named from the workbook's contents sheet, in the same order. A
pre-war baseline: the only year published.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dashboard.schema import tidy
from dashboard.sources.base import ParseError, Source
from dashboard.sources.ru_population import code_of

DATASET = "ru_social_support"
SOURCE = "russia"
# a column header's words (hyphens and spaces removed) -> the form of support
FORMS = {"денежнаявыплата": "cash_payment", "оплатажилогопомещ": "housing_utilities",
         "жилымипомещ": "housing", "топлив": "fuel", "телефон": "telephone",
         "городским": "urban_transport", "междугород": "long_distance_travel",
         "лекарствен": "medicines", "питани": "food", "санаторно": "sanatorium",
         "другиемеры": "other"}  # fmt: skip
TABLES = {"1": "social_support_by_category", "2": "social_support_in_kind",
          "3": "social_support_cash"}  # fmt: skip


def _clean(v) -> str:
    return " ".join(str(v).replace("\xa0", " ").split())


def _names(wb, path: Path) -> list[str]:
    """Subject names from the contents sheet, in sheet order (sheet names are cut short)."""
    rows = [_clean(r[0]) for r in wb.get_sheet_by_name(wb.sheet_names[0]).to_python() if r]
    start = next((i for i, n in enumerate(rows) if n == "Российская Федерация"), None)
    if start is None:
        raise ParseError(f"{path.name}: no contents sheet listing the regions")
    names = [n for n in rows[start:] if n][: len(wb.sheet_names) - 1]
    if len(names) != len(wb.sheet_names) - 1:
        raise ParseError(
            f"{path.name}: the contents list {len(names)} regions for "
            f"{len(wb.sheet_names) - 1} sheets"
        )
    return names


def _tables(rows: list[list]) -> dict[str, list[list]]:
    """The sheet's rows split at each "Таблица N" line: {"1": rows, "2": rows, ...}."""
    tables: dict[str, list[list]] = {}
    current = None
    for r in rows:
        first = _clean(r[0]) if r else ""
        if first.startswith("Таблица "):
            current = first.split()[1]
            tables[current] = []
        elif current is not None:
            tables[current].append(r)
    return tables


def _form(header: str) -> str | None:
    key = _clean(header).replace("-", "").replace(" ", "").lower()
    return next((form for words, form in FORMS.items() if words in key), None)


def _columns(header: list, file: str, where: str) -> dict[int, str]:
    """Column index -> form of support, from a table's header row (column 1: the total)."""
    columns = {1: "total"}
    for j, cell in enumerate(header[2:], start=2):
        if _clean(cell):
            form = _form(str(cell))
            if form is None:
                raise ParseError(f"{file}: {where}: unknown column {_clean(cell)!r}")
            columns[j] = form
    return columns


def _table(rows: list[list], file: str, where: str) -> list[dict]:
    """One table's figures: its columns named from its own header row, the row of column
    numbers under it skipped, values in mln RUB."""
    numbers = next((i for i, r in enumerate(rows) if r and _clean(r[0]) in ("1", "1.0")), None)
    if numbers is None or numbers < 2:
        raise ParseError(f"{file}: {where} has no row of column numbers under its header")
    if "тысяча рублей" not in " ".join(_clean(c) for r in rows[:numbers] for c in r):
        raise ParseError(f"{file}: {where} is not in thousand RUB")
    columns = _columns(rows[numbers - 1], file, where)
    out = []
    for line, r in enumerate(rows[numbers + 1 :], start=1):
        label = _clean(r[0]) if r else ""
        if not label or label.startswith("*"):
            continue
        for j, form in columns.items():
            text = _clean(r[j]).replace(" ", "") if j < len(r) else ""
            if text in ("", "-"):
                continue
            try:
                value = float(text) / 1000  # thousand RUB -> mln RUB
            except ValueError:
                raise ParseError(f"{file}: {where}, {label}: not a number {r[j]!r}") from None
            out.append({"category": label, "line": line, "form": form, "value": value})
    return out


def parse(path: Path) -> pd.DataFrame:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as exc:
        raise ParseError(f"{path.name}: not a readable workbook ({exc})") from None
    out = []
    for sheet, name in zip(wb.sheet_names[1:], _names(wb, path), strict=True):
        found = code_of(name)
        if found is None:
            raise ParseError(f"{path.name}: region {name!r} not in ru_regions.csv")
        code, level, territory = found
        rows = wb.get_sheet_by_name(sheet).to_python()
        tables = _tables(rows)
        if sorted(tables) != sorted(TABLES):
            raise ParseError(
                f"{path.name}: sheet {sheet!r} holds tables {sorted(tables)}, not "
                "Таблица 1, 2 and 3"
            )
        for number, block in tables.items():
            for rec in _table(block, path.name, f"{sheet}, Таблица {number}"):
                out.append(
                    {
                        "geo": code,
                        "geo_level": level,
                        "territory": territory,
                        "indicator": TABLES[number],
                        **rec,
                    }
                )
    if not out:
        raise ParseError(f"{path.name}: no figures")
    df = pd.DataFrame(out).assign(dataset=DATASET, year=2021, unit="mln RUB")
    return tidy(df)


SPEC = Source(
    DATASET,
    SOURCE,
    "rosstat_gosfin/socpod_*.xlsx",
    lambda paths: parse(paths[0]),
    lambda paths, frame: "Rosstat, social support by category of citizens, January-December 2021",
    no_download="Rosstat publishes this workbook without a stable file URL (Уровень жизни -> "
    "социальная поддержка); save it as <mirror>/russia/rosstat_gosfin/socpod_2021.xlsx",
)
load = SPEC.load
