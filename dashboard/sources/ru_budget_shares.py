"""Spending of the Russian subjects' budgets by budget section, shares, 2017-2023 ->
``ru_budget_shares``.

A researcher's table (devproglab, Regional-Multipliers-RU, ``spendingShares.RDS``, an R data
frame read with pyreadr) built from the Federal Treasury's reports: for each subject, year and
budget section, the section's share of the consolidated budget of the subject (``consShare``)
and of the subject's own budget (``subjectShare``), as fractions. Stored in percent as
indicators ``budget_share_consolidated`` and ``budget_share_subject``, with ``function`` the
two-digit section code as in ``roskazna_budget`` ("02" national defense, "10" social policy)
and ``function_name`` as published. Ten sections; environment, media, debt service and
transfers are not in the table, so a subject's shares add up to about 98%. Medium provenance:
the script that built it is not published; its 2019 and 2021 shares agree with our own
Treasury parse (``roskazna_budget``) to within 0.1 percentage points in all 1,698 cells the two
share (99.9% within 0.05; tests/integration/test_ru_budget_shares.py).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dashboard import crosswalks
from dashboard.catalog import origin
from dashboard.fetch import Resource
from dashboard.schema import tidy
from dashboard.sources.base import ParseError, Source

DATASET = "ru_budget_shares"
SOURCE = "russia"
SECTIONS = {
    "ОБЩЕГОСУДАРСТВЕННЫЕ ВОПРОСЫ": "01",
    "НАЦИОНАЛЬНАЯ ОБОРОНА": "02",
    "НАЦИОНАЛЬНАЯ БЕЗОПАСНОСТЬ И ПРАВООХРАНИТЕЛЬНАЯ ДЕЯТЕЛЬНОСТЬ": "03",
    "НАЦИОНАЛЬНАЯ ЭКОНОМИКА": "04",
    "ЖИЛИЩНО-КОММУНАЛЬНОЕ ХОЗЯЙСТВО": "05",
    "ОБРАЗОВАНИЕ": "07",
    "КУЛЬТУРА, КИНЕМАТОГРАФИЯ": "08",
    "ЗДРАВООХРАНЕНИЕ": "09",
    "СОЦИАЛЬНАЯ ПОЛИТИКА": "10",
    "ФИЗИЧЕСКАЯ КУЛЬТУРА И СПОРТ": "11",
}
COLUMNS = ["region", "name", "year", "subjectShare", "consShare"]
INDICATORS = {"consShare": "budget_share_consolidated", "subjectShare": "budget_share_subject"}


def read_rds(path: Path) -> pd.DataFrame:
    """The data frame in an .RDS file (pyreadr); a file that is not one is a ParseError."""
    import pyreadr

    try:
        found = pyreadr.read_r(str(path))
    except Exception as exc:  # librdata's errors share no base class with pyreadr's own
        raise ParseError(f"{path.name}: not a readable R data file ({exc})") from None
    frame = found.get(None)
    if frame is None:
        raise ParseError(f"{path.name}: holds no data frame")
    return frame


def parse(path: Path) -> pd.DataFrame:
    raw = read_rds(path)
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise ParseError(f"{path.name}: not the spending-shares table, columns missing: {missing}")
    section = raw["name"].astype(str).str.strip().str.upper()
    unknown = sorted(set(section) - set(SECTIONS))
    if unknown:
        raise ParseError(f"{path.name}: budget sections not known: {unknown[:3]}")
    codes = raw["region"].map(lambda n: (crosswalks.match_ru(str(n)) or (None,))[0])
    if codes.isna().any():
        raise ParseError(
            f"{path.name}: regions not in ru_regions.csv: "
            f"{sorted(raw.loc[codes.isna(), 'region'].unique())[:5]}"
        )
    year = pd.to_numeric(raw["year"], errors="coerce")
    if year.isna().any() or not year.between(2000, 2100).all():
        raise ParseError(f"{path.name}: years outside 2000-2100 or missing")
    frames = []
    for col, indicator in INDICATORS.items():
        share = pd.to_numeric(raw[col], errors="coerce")
        if (share.dropna() < 0).any() or (share.dropna() > 1).any():
            raise ParseError(f"{path.name}: {col} is not a fraction between 0 and 1")
        frames.append(
            pd.DataFrame(
                {
                    "dataset": DATASET,
                    "indicator": indicator,
                    "geo": codes,
                    "geo_level": "ru_subject",
                    "year": year.astype(int),
                    "value": share * 100,
                    "unit": "%",
                    "flag": share.isna().map({True: "missing in the source", False: None}),
                    "function": section.map(SECTIONS),
                    "function_name": raw["name"].astype(str),
                    "okato": raw.get("OKATO_id"),
                }
            )
        )
    return tidy(pd.concat(frames, ignore_index=True))


def _downloads() -> list[Resource]:
    return [
        Resource(
            SOURCE,
            "spendingShares.RDS",
            origin(DATASET).download_url,
            "gzip",
            "devproglab_multipliers/spendingShares*.RDS",
        )
    ]


SPEC = Source(
    DATASET,
    SOURCE,
    "devproglab_multipliers/spendingShares*.RDS",
    lambda paths: parse(paths[0]),
    lambda paths, frame: f"devproglab spendingShares, {frame['year'].min()}-{frame['year'].max()}",
    downloads=_downloads,
)
load = SPEC.load
