"""Spending of the subjects' consolidated budgets on social support by category of citizen,
January-December 2021 -> ``ru_social_support``.

Rosstat's workbook ``socpod_2021.xlsx`` (one sheet per subject, federal district and the
Federation, "Таблица 1"; thousand RUB as published, stored in mln RUB like the other Russian
datasets): rows are categories of citizens (war invalids, combat veterans, families of fallen
servicemen, labour veterans, the poor, ...), columns forms of support (total, cash payments,
housing and utilities, housing, fuel, telephone, transport, long-distance travel, medicines,
food, sanatoria, other). Indicator ``social_support_by_category``; ``category`` as printed,
``line`` its row in the table (the same words appear under federal and regional competence),
``form`` the form of support. Sheet names are cut to 31 characters, so subjects are named from
the workbook's contents sheet, in the same order. A pre-war baseline: the only year published.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dashboard.schema import tidy
from dashboard.sources.base import ParseError, Source
from dashboard.sources.ru_population import code_of

DATASET = "ru_social_support"
SOURCE = "russia"
FORMS = ["total", "cash_payment", "housing_utilities", "housing", "fuel", "telephone",
         "urban_transport", "long_distance_travel", "medicines", "food", "sanatorium",
         "other"]  # fmt: skip


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
        raise ParseError(f"{path.name}: the contents list {len(names)} regions for "
                         f"{len(wb.sheet_names) - 1} sheets")  # fmt: skip
    return names


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
        head = next((i for i, r in enumerate(rows) if r and _clean(r[0]) in ("1", "1.0")), None)
        if head is None or "тысяча рублей" not in " ".join(_clean(c) for r in rows[:head]
                                                           for c in r):  # fmt: skip
            raise ParseError(f"{path.name}: sheet {sheet!r} is not Таблица 1 in thousand RUB")
        for line, r in enumerate(rows[head + 1 :], start=1):
            label = _clean(r[0]) if r else ""
            cells = list(r[1 : 1 + len(FORMS)])
            if not label or all(_clean(c) == "" for c in cells):
                continue
            for form, cell in zip(FORMS, cells, strict=False):
                text = _clean(cell).replace(" ", "")
                if text in ("", "-"):
                    continue
                try:
                    value = float(text) / 1000  # thousand RUB -> mln RUB
                except ValueError:
                    raise ParseError(f"{path.name}: {sheet}, {label}: not a number "
                                     f"{cell!r}") from None  # fmt: skip
                out.append({"geo": code, "geo_level": level, "territory": territory,
                            "category": label, "line": line, "form": form,
                            "value": value})  # fmt: skip
    if not out:
        raise ParseError(f"{path.name}: no figures")
    df = pd.DataFrame(out).assign(dataset=DATASET, indicator="social_support_by_category",
                                  year=2021, unit="mln RUB")  # fmt: skip
    return tidy(df)


SPEC = Source(
    DATASET, SOURCE, "rosstat_gosfin/socpod_*.xlsx", lambda paths: parse(paths[0]),
    lambda paths, frame: "Rosstat, social support by category of citizens, January-December 2021",
    no_download="Rosstat publishes this workbook without a stable file URL (Уровень жизни -> "
    "социальная поддержка); save it as <mirror>/russia/rosstat_gosfin/socpod_2021.xlsx",
)  # fmt: skip
load = SPEC.load
