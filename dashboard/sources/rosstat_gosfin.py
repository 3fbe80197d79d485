"""Rosstat's government-finance tables -> ``rosstat_gosfin``: the consolidated budget of 2023 and
the state social funds' receipts and spending, 2005-2023.

- ``gos_fin_byudget.xlsx`` (sheet 1, bn RUB): revenue, spending and the balance of the
  consolidated budget of the Federation and the extra-budgetary funds, the federal budget and
  the subjects' consolidated budgets in 2023 (``government``: consolidated, federal,
  subjects). Its footnote 1, that spending by function "is not subject to publication", is kept
  in ``note`` and in the pull's notes: Rosstat no longer publishes the functional split.
- ``gos_fin_fondy.xls`` (sheets 1-4, mln RUB): receipts and spending of the Pension Fund (to
  2022), the Social Insurance Fund (to 2022), the merged Social Fund (2023) and the Federal
  Compulsory Health Insurance Fund (``government``: pension_fund, social_insurance_fund,
  social_fund, health_insurance_fund). 1995 (in bn old roubles) is left out; years printed
  with footnote markers ("20211)") are read as years.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from dashboard.schema import tidy
from dashboard.sources.base import ParseError, Source

DATASET = "rosstat_gosfin"
SOURCE = "russia"
BUDGET_ROWS = {"Доходы - всего": "revenue_total", "Расходы - всего": "expenditure_total",
               "Дефицит(-)/Профицит": "balance"}  # fmt: skip
BUDGET_COLUMNS = ("consolidated", "federal", "subjects")
FUNDS = {"1": "pension_fund", "2": "social_insurance_fund", "3": "social_fund",
         "4": "health_insurance_fund"}  # fmt: skip
FUND_ROWS = {"Поступление": "fund_receipts", "Расходование": "fund_spending"}
NOT_PUBLISHED = "не подлежит публикации"


def _clean(v) -> str:
    return " ".join(str(v).replace("\xa0", " ").split())


def _number(v) -> float | None:
    if isinstance(v, (int, float)):
        return float(v)
    s = _clean(v).replace(" ", "").replace(",", ".")
    return None if s in ("", "-", "…", "...") else float(s)


def _rows(path: Path, sheet: str) -> list[list]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        return wb.get_sheet_by_name(sheet).to_python()
    except (CalamineError, OSError, ValueError, KeyError) as exc:
        raise ParseError(f"{path.name}: no readable sheet {sheet!r} ({exc})") from None


def parse_budget(path: Path) -> pd.DataFrame:
    rows = _rows(path, "1")
    title = " ".join(_clean(r[0]) for r in rows[:4] if r)
    if "Консолидированный бюджет" not in title:
        raise ParseError(f"{path.name}: sheet 1 is not the consolidated budget table")
    m = re.search(r"в (\d{4}) г", title)
    if not m:
        raise ParseError(f"{path.name}: no year in the title {title[:80]!r}")
    year = int(m.group(1))
    note = next((_clean(r[0]) for r in rows if r and NOT_PUBLISHED in _clean(r[0])), "")
    out = []
    for r in rows:
        label = _clean(r[0]) if r else ""
        key = next((v for k, v in BUDGET_ROWS.items() if label.startswith(k)), None)
        if key is None:
            continue
        for gov, cell in zip(BUDGET_COLUMNS, r[1:4], strict=False):
            try:
                value = _number(cell)
            except ValueError:
                raise ParseError(f"{path.name}: {label}: not a number {cell!r}") from None
            out.append(
                {
                    "indicator": key,
                    "government": gov,
                    "year": year,
                    "value": value,
                    "unit": "bn RUB",
                    "note": note,
                    "file": path.name,
                }
            )
    if {r["indicator"] for r in out} != set(BUDGET_ROWS.values()):
        raise ParseError(
            f"{path.name}: rows missing: "
            f"{sorted(set(BUDGET_ROWS.values()) - {r['indicator'] for r in out})}"
        )
    return pd.DataFrame(out)


def parse_funds(path: Path) -> pd.DataFrame:
    out = []
    for sheet, fund in FUNDS.items():
        rows = _rows(path, sheet)
        head = next(
            (
                i
                for i, r in enumerate(rows)
                if sum(bool(re.match(r"^(19|20)\d\d", _clean(c))) for c in r[1:]) >= 1
            ),
            None,
        )
        if head is None:
            raise ParseError(f"{path.name}: sheet {sheet}: no row of years")
        years = [
            int(m.group(0)[:4]) if (m := re.match(r"^(19|20)\d\d", _clean(c))) else None
            for c in rows[head][1:]
        ]
        found = set()
        for r in rows[head + 1 :]:
            label = _clean(r[0]).rstrip("0123456789)").strip() if r else ""
            key = FUND_ROWS.get(label)
            if key is None or key in found:
                continue
            found.add(key)
            for y, cell in zip(years, r[1:], strict=False):
                if y is None or y < 2005:
                    continue
                try:
                    value = _number(cell)
                except ValueError:
                    raise ParseError(
                        f"{path.name}: sheet {sheet}, {label} {y}: not a number {cell!r}"
                    ) from None
                if value is not None:
                    out.append(
                        {
                            "indicator": key,
                            "government": fund,
                            "year": y,
                            "value": value,
                            "unit": "mln RUB",
                            "note": "",
                            "file": path.name,
                        }
                    )
        if found != set(FUND_ROWS.values()):
            raise ParseError(f"{path.name}: sheet {sheet}: no receipts or spending row")
    return pd.DataFrame(out)


def parse(paths: list[Path]) -> pd.DataFrame:
    parts = []
    for p in paths:
        if "byudget" in p.name:
            parts.append(parse_budget(p))
        elif "fondy" in p.name:
            parts.append(parse_funds(p))
    if len(parts) != 2:
        raise ParseError(
            "rosstat_gosfin: needs gos_fin_byudget.xlsx and gos_fin_fondy.xls, "
            f"found {[p.name for p in paths]}"
        )
    df = pd.concat(parts, ignore_index=True)
    frame = tidy(df.assign(dataset=DATASET, geo="RUS", geo_level="ru_country"))
    notes = sorted({n for n in df["note"] if n})
    frame.attrs["notes"] = [f"Rosstat, consolidated budget 2023, footnote: {n}" for n in notes]
    return frame


def not_published_note(frame: pd.DataFrame) -> str:
    """Rosstat's own footnote that the functional split is not published, as stored."""
    notes = frame.loc[frame["note"].fillna("").str.contains(NOT_PUBLISHED), "note"]
    return notes.iloc[0] if len(notes) else ""


SPEC = Source(
    DATASET,
    SOURCE,
    "rosstat_gosfin/gos_fin_*",
    parse,
    lambda paths, frame: (
        "Rosstat, Государственные финансы: " + ", ".join(sorted(p.name for p in paths))
    ),
    every_match=True,
    no_download="Rosstat publishes these tables on rosstat.gov.ru/folder/10705 without a stable "
    "file URL; save gos_fin_byudget.xlsx and gos_fin_fondy.xls as "
    "<mirror>/russia/rosstat_gosfin/",
)
load = SPEC.load
