"""Our World in Data grapher CSVs -> ``owid``.

A grapher CSV has ``Entity, Code, Year, <value column>``; the indicator id is the chart's slug
(the file name, e.g. ``total-government-expenditure-on-education-gdp``). OWID aggregates (empty
Code, or ``OWID_*`` such as OWID_WRL) are ``geo_level = "aggregate"``; those without a code get
``OWID_`` plus their name in capitals. The unit comes from the sibling ``.metadata.json`` when
there is one, else from the column title's parentheses.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd

from dashboard.catalog import origin
from dashboard.fetch import Resource, describe, fetch, mirror_files
from dashboard.schema import tidy
from dashboard.sources.base import Loaded, ParseError

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


def parse(path: Path) -> pd.DataFrame:
    try:
        df = pd.read_csv(io.BytesIO(path.read_bytes()), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise ParseError(f"{path.name}: unreadable CSV ({exc})") from None
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
    m = re.search(r"\(([^()]*)\)\s*$", column)
    unit = meta.get("unit") or (m.group(1) if m else column)
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


def load(**fetch_kw) -> Loaded:
    paths = mirror_files(SOURCE, "**/*.csv")
    if paths:
        files = [describe(p, "mirror", "") for p in paths]
    else:
        url = origin(DATASET).url_download
        files = [
            fetch(Resource(SOURCE, f"{slug}.csv", url.format(code=slug), "csv"), **fetch_kw)
            for slug in SLUGS
        ]
        paths = [Path(f.path) for f in files]
    frame = pd.concat([parse(p) for p in paths], ignore_index=True)
    return Loaded(frame, files, "; ".join(vintage_of(p) for p in paths))
