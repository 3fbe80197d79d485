"""Population of the Russian subjects, 2000-2025, and Minfin's budget expenditure index ->
``ru_population``.

"Если быть точным" (tochno-st/reg_normalizer, ``normalizers_final_v*.csv``, ``;``-separated):
Rosstat/EMISS population estimates per subject, federal district and the Federation, with the
Ministry of Finance's budget expenditure index (индекс бюджетных расходов, the cost of public
services in a region against the average) in the same rows. Indicators: ``population_avg``
(annual average, thousand persons; to 2024), ``population_jan1`` (1 January, thousand
persons; to 2025) and ``budget_expenditure_index`` (ratio, Russia = 1). Tyumen and Arkhangelsk
appear whole (``territory`` "total") and without their autonomous okrugs ("excl_ao"). Subjects
merged before 2008 and the Crimean federal district of 2014-2016 are left out (named in the
notes). Licence CC BY-NC-SA 4.0: non-commercial, shown wherever the data is used.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd

from dashboard import crosswalks
from dashboard.catalog import origin
from dashboard.fetch import Resource
from dashboard.schema import tidy
from dashboard.sources.base import ParseError, Source, check_complete

DATASET = "ru_population"
SOURCE = "russia"
COLUMNS = ["object_name", "object_level", "year", "pop_total", "pop_total_avg", "ibr"]
# subjects merged into others in 2005-2008, and the federal district Crimea had in 2014-2016
HISTORICAL = frozenset(
    {
        "Агинский Бурятский автономный округ",
        "Коми-Пермяцкий автономный округ",
        "Корякский автономный округ",
        "Таймырский (Долгано-Ненецкий) автономный округ",
        "Усть-Ордынский Бурятский автономный округ",
        "Эвенкийский автономный округ",
        "Читинская область",
        "Пермская область",
        "Камчатская область",
        "Крымский федеральный округ",
    }
)


ABBREVIATIONS = [(r"\bавт\.\s*", "автономный "), (r"\bобл\.\s*", "область "),
                 (r"\bРесп\.\s*", "Республика "), (r"\bфед\.\s*", "федеральный "),
                 (r"\bокр$", "округ"), (r"\bавт\.округов", "автономных округов"),
                 (r"ская АО$", "ская автономная область"),
                 (r"ский АО$", "ский автономный округ")]  # fmt: skip


def code_of(name: str) -> tuple[str, str, str] | None:
    """(code, level, territory) for a name as Rosstat's and reg_normalizer's tables write it:
    federal cities without their "г." (Москва), republics with their second name in brackets,
    abbreviated words (авт., обл., Респ., фед.)."""
    name = " ".join(name.split())
    for pattern, full in ABBREVIATIONS:
        name = re.sub(pattern, full, name).strip()
    without = re.match(r"(.+?)\s*\(\s*(?:без|кроме)\s.*автономн.*\)$", name)
    if without:  # an oblast without its okrugs, however the table words it
        found = code_of(without.group(1))
        return (found[0], found[1], "excl_ao") if found else None
    for cand in (name, re.sub(r"\s*\([^)]*\)$", "", name), f"г. {name.removeprefix('г.').strip()}"):
        found = crosswalks.match_ru(cand)
        if found:
            return found
    return None


def _number(col: pd.Series) -> pd.Series:
    return pd.to_numeric(col.str.replace(",", ".").str.strip().replace("", None), errors="coerce")


def parse(path: Path) -> pd.DataFrame:
    data = path.read_bytes()
    check_complete(data, path.name)
    try:
        raw = pd.read_csv(io.BytesIO(data), sep=";", dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ParseError(f"{path.name}: unreadable population table ({exc})") from None
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise ParseError(f"{path.name}: not the reg_normalizer table, columns missing: {missing}")
    raw = raw[~raw["object_name"].str.strip().isin(HISTORICAL)]
    found = raw["object_name"].map(code_of)
    if found.isna().any():
        unknown = sorted(raw.loc[found.isna(), "object_name"].unique())[:5]
        raise ParseError(f"{path.name}: regions not in ru_regions.csv: {unknown}")
    year = pd.to_numeric(raw["year"], errors="coerce")
    if year.isna().any():
        raise ParseError(f"{path.name}: rows without a year")
    geo = found.map(lambda f: f[0])
    level = found.map(lambda f: f[1])
    territory = found.map(lambda f: f[2])
    frames = []
    for col, indicator, unit, scale in [
        ("pop_total_avg", "population_avg", "thousand persons", 1e-3),
        ("pop_total", "population_jan1", "thousand persons", 1e-3),
        ("ibr", "budget_expenditure_index", "ratio (Russia = 1)", 1.0),
    ]:
        v = _number(raw[col])
        keep = v.notna()
        frames.append(
            pd.DataFrame(
                {
                    "dataset": DATASET,
                    "indicator": indicator,
                    "geo": geo[keep],
                    "geo_level": level[keep],
                    "year": year[keep].astype(int),
                    "value": v[keep] * scale,
                    "unit": unit,
                    "territory": territory[keep],
                    "name_ru": raw.loc[keep, "object_name"].str.strip(),
                }
            )
        )
    out = tidy(pd.concat(frames, ignore_index=True))
    if out.empty:
        raise ParseError(f"{path.name}: no population figures")
    out.attrs["notes"] = [
        f"left out (merged before 2008, or Crimea's 2014-2016 federal "
        f"district): {', '.join(sorted(HISTORICAL))}"
    ]
    return out


def _downloads() -> list[Resource]:
    return [
        Resource(
            SOURCE,
            "normalizers_final.csv",
            origin(DATASET).download_url,
            "csv",
            "tochno/normalizers_final_v*.csv",
        )
    ]


SPEC = Source(
    DATASET,
    SOURCE,
    "tochno/normalizers_final_v*.csv",
    lambda paths: parse(paths[0]),
    lambda paths, frame: (
        f"reg_normalizer {paths[0].stem.rsplit('_', 1)[-1]}, "
        f"{frame['year'].min()}-{frame['year'].max()}"
    ),
    downloads=_downloads,
)
load = SPEC.load
