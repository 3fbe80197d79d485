"""Our World in Data grapher CSVs -> ``owid``.

A grapher CSV has ``Entity, Code, Year, <value column>``; the indicator id is the chart's slug
(the file name, e.g. ``total-government-expenditure-on-education-gdp``). OWID aggregates (empty
Code, or ``OWID_*`` such as OWID_WRL) are ``geo_level = "aggregate"``; those without a code get
``OWID_`` plus their name in capitals. The unit comes from the sibling ``.metadata.json`` when
there is one, else from the column title's parentheses.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from dashboard.catalog import origin
from dashboard.fetch import Resource
from dashboard.schema import tidy
from dashboard.sources.base import ParseError, Source, read_csv_text

DATASET = "owid"
SOURCE = "owid"
SLUGS = ["total-government-expenditure-on-education-gdp", "total-gov-expenditure-gdp-wdi"]


def _metadata(path: Path) -> dict:
    meta = path.with_name(path.stem + ".metadata.json")
    if not meta.exists():
        return {}
    try:
        doc = json.loads(meta.read_text("utf-8"))
    except ValueError as exc:
        raise ParseError(f"{meta.name}: invalid JSON ({exc})") from None
    cols = list((doc.get("columns") or {}).values())
    return {**(cols[0] if cols else {}), "dateDownloaded": doc.get("dateDownloaded")}


def _aggregate_code(entity: str) -> str:
    return "OWID_" + re.sub(r"[^A-Z0-9]+", "_", entity.upper()).strip("_")


def _unit_from_title(column: str) -> str:
    """'Expense (% of GDP)' -> '% of GDP'; a title without a unit-like parenthesis is kept whole."""
    groups = [g for g in re.findall(r"\(([^()]*)\)", column) if re.search(r"%|\$|per |US", g)]
    return groups[-1] if groups else column


def parse(path: Path) -> pd.DataFrame:
    df = read_csv_text(path, "OWID grapher CSV")
    if list(df.columns[:3]) != ["Entity", "Code", "Year"] or len(df.columns) != 4:
        raise ParseError(
            f"{path.name}: expected columns Entity, Code, Year, <value>; got {list(df.columns)}"
        )
    column = df.columns[3]
    values = pd.to_numeric(df[column], errors="coerce")
    bad = values.isna() & (df[column].str.strip() != "")
    if bad.any():
        raise ParseError(f"{path.name}: {int(bad.sum())} non-numeric values in {column!r}")
    meta = _metadata(path)
    unit = meta.get("unit") or _unit_from_title(column)
    code = df["Code"].str.strip()
    agg = (code == "") | code.str.startswith("OWID_")
    out = pd.DataFrame(
        {
            "dataset": DATASET,
            "indicator": path.stem,
            "geo": code.where(code != "", df["Entity"].map(_aggregate_code)),
            "geo_level": agg.map({True: "aggregate", False: "country"}),
            "year": pd.to_numeric(df["Year"]).astype(int),
            "value": values,
            "unit": unit,
            "flag": None,
            "entity": df["Entity"].astype(str),
            "column": column,
        }
    )
    return tidy(out.dropna(subset=["value"]))


def vintage_of(path: Path) -> str:
    meta = _metadata(path)
    if meta.get("lastUpdated"):
        return (
            f"{path.stem}: updated {meta['lastUpdated']}, downloaded {meta.get('dateDownloaded')}"
        )
    return f"{path.stem}: date not recorded"


def downloads() -> list[Resource]:
    """Each grapher CSV and its metadata.json (optional: without it the unit comes from the
    column title)."""
    out = []
    for slug in SLUGS:
        csv_url = origin(DATASET).download_url.format(code=slug)
        meta_url = csv_url.split("?")[0].removesuffix(".csv") + ".metadata.json"
        out.append(Resource(SOURCE, f"{slug}.csv", csv_url, "csv"))
        out.append(Resource(SOURCE, f"{slug}.metadata.json", meta_url, "json", optional=True))
    return out


def _csvs(paths: list[Path]) -> list[Path]:
    return [p for p in paths if p.suffix == ".csv"]


SPEC = Source(
    DATASET,
    SOURCE,
    "**/*.csv",
    lambda paths: pd.concat([parse(p) for p in _csvs(paths)], ignore_index=True),
    lambda paths, frame: "; ".join(vintage_of(p) for p in _csvs(paths)),
    downloads,
    every_match=True,
)
load = SPEC.load
