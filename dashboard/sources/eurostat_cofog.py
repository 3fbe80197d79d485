"""Eurostat gov_10a_exp (COFOG) SDMX-CSV -> ``eurostat_cofog``.

Header: ``DATAFLOW, LAST UPDATE, freq, unit, sector, cofog99, na_item, geo, TIME_PERIOD,
OBS_VALUE, OBS_FLAG``. Indicator ``gov_expenditure`` (na_item TE, sector S13) with the COFOG code
as published in a ``function`` column (GF01..GF10, groups such as GF0201). Units: MIO_EUR ->
"mln EUR", PC_GDP -> "% of GDP". Countries get ISO3 codes (Eurostat's EL is Greece, UK the United
Kingdom) and keep the Eurostat code in ``geo_eurostat``; EU27_2020, EA19... are aggregates. An
empty OBS_VALUE is kept as NaN with its flag (z = not applicable).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pycountry

from dashboard.catalog import origin
from dashboard.fetch import Resource
from dashboard.schema import tidy
from dashboard.sources.base import ParseError, Source, read_csv_text
from dashboard.sources.eurostat import flag_words

DATASET = "eurostat_cofog"
SOURCE = "cofog"
UNITS = {"MIO_EUR": "mln EUR", "PC_GDP": "% of GDP", "PC_TOT": "% of total expenditure"}
EUROSTAT_ISO2 = {"EL": "GR", "UK": "GB"}
NEED = ["unit", "cofog99", "geo", "TIME_PERIOD", "OBS_VALUE"]


def geo_iso3(code: str) -> tuple[str, str]:
    """Eurostat country code -> (ISO3, "country"); anything else -> (code, "aggregate")."""
    if len(code) == 2:
        c = pycountry.countries.get(alpha_2=EUROSTAT_ISO2.get(code, code))
        if c:
            return c.alpha_3, "country"
    return code, "aggregate"


def parse(path: Path) -> pd.DataFrame:
    df = read_csv_text(path, "gov_10a_exp SDMX-CSV", NEED)
    unknown = sorted(set(df["unit"]) - set(UNITS))
    if unknown:
        raise ParseError(f"{path.name}: unknown unit code(s) {unknown}")
    values = pd.to_numeric(df["OBS_VALUE"].replace("", None), errors="coerce")
    bad = values.isna() & (df["OBS_VALUE"] != "")
    if bad.any():
        raise ParseError(f"{path.name}: {int(bad.sum())} non-numeric OBS_VALUE cells")
    geos = {g: geo_iso3(g) for g in df["geo"].unique()}
    out = pd.DataFrame(
        {
            "dataset": DATASET,
            "indicator": "gov_expenditure",
            "geo": df["geo"].map(lambda g: geos[g][0]),
            "geo_level": df["geo"].map(lambda g: geos[g][1]),
            "year": pd.to_numeric(df["TIME_PERIOD"]).astype(int),
            "value": values,
            "unit": df["unit"].map(UNITS),
            "flag": df["OBS_FLAG"].str.strip().map(flag_words) if "OBS_FLAG" in df else None,
            "function": df["cofog99"],
            "sector": df.get("sector"),
            "geo_eurostat": df["geo"],
        }
    )
    return tidy(out)


def vintage(paths: list[Path], frame: pd.DataFrame) -> str:
    head = pd.read_csv(paths[0], nrows=1, dtype=str)
    updated = head["LAST UPDATE"].iloc[0] if "LAST UPDATE" in head else "unknown"
    return f"gov_10a_exp, last update {updated}"


SPEC = Source(
    DATASET,
    SOURCE,
    "gov_10a_exp*.csv",
    lambda paths: parse(paths[0]),
    vintage,
    lambda: [Resource(SOURCE, "gov_10a_exp.csv", origin(DATASET).download_url, "csv")],
)
load = SPEC.load
