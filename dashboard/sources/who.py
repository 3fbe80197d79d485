"""WHO Global Health Observatory, health financing (GHED) -> ``who_ghed``.

Reads the GHO theme download (``data/GHED_*.csv``, one long CSV per indicator) or, without a
mirror, the GHO OData API (``https://ghoapi.azureedge.net/api/<CODE>``, JSON). ``NumericValue`` is
the full-precision figure (``Value`` is a rounded display string and is not used). Rows for WHO
regions, World Bank income groups and GLOBAL are ``geo_level = "aggregate"``.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd

from dashboard.catalog import origin
from dashboard.fetch import Resource
from dashboard.schema import tidy
from dashboard.sources.base import ParseError, Source, check_complete

DATASET = "who_ghed"
SOURCE = "who"
UNITS = {
    "GHED_GGHE-DGDP_SHA2011": "% of GDP",
    "GHED_GGHE-DGGE_SHA2011": "% of general government expenditure",
    "GHED_CHEGDP_SHA2011": "% of GDP",
    "GHED_GGHE-D_pc_US_SHA2011": "current US$ per capita",
}
# OData JSON field -> theme-download CSV column
_ODATA = {"SpatialDimType": "SpatialDimension", "SpatialDim": "SpatialDimensionValueCode"}
NEED = ["IndicatorCode", "SpatialDimension", "SpatialDimensionValueCode", "TimeDim", "NumericValue"]


def _frame(path: Path) -> pd.DataFrame:
    raw = path.read_bytes()
    if raw.lstrip()[:1] in (b"{", b"["):
        try:
            doc = json.loads(raw)
        except ValueError as exc:
            raise ParseError(f"{path.name}: invalid JSON ({exc})") from None
        df = pd.DataFrame(doc.get("value", []) if isinstance(doc, dict) else doc)
        return df.rename(columns=_ODATA)
    check_complete(raw, path.name)
    try:
        return pd.read_csv(
            io.BytesIO(raw), dtype=str, keep_default_na=False, na_values={"NumericValue": [""]}
        )
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise ParseError(f"{path.name}: unreadable CSV ({exc})") from None


def parse(path: Path) -> pd.DataFrame:
    df = _frame(path)
    missing = [c for c in NEED if c not in df.columns]
    if missing:
        raise ParseError(f"{path.name}: GHO columns missing: {missing}")
    df = df.dropna(subset=["NumericValue"])
    codes = df["IndicatorCode"].unique()
    unknown = [c for c in codes if c not in UNITS]
    if unknown:
        raise ParseError(f"{path.name}: indicator(s) without a known unit: {unknown}")
    values = pd.to_numeric(df["NumericValue"], errors="coerce")
    if values.isna().any():  # a cell that is neither empty nor a number
        raise ParseError(
            f"{path.name}: non-numeric NumericValue, e.g. {df['NumericValue'].iloc[0]!r}"
        )
    out = pd.DataFrame(
        {
            "dataset": DATASET,
            "indicator": df["IndicatorCode"].astype(str),
            "geo": df["SpatialDimensionValueCode"].astype(str),
            "geo_level": df["SpatialDimension"].map(
                lambda d: "country" if d == "COUNTRY" else "aggregate"
            ),
            "year": pd.to_numeric(df["TimeDim"]).astype(int),
            "value": values,
            "unit": df["IndicatorCode"].map(UNITS),
            "flag": None,
            "who_region": df["ParentLocationCode"].replace("", None)
            if "ParentLocationCode" in df
            else None,
            "uploaded": df.get("Date"),
        }
    )
    return tidy(out.sort_values(["indicator", "geo", "year"]))


def _generated(paths: list[Path]) -> str:
    for p in paths:
        readme = p.parent.parent / "README.txt"
        if readme.exists():
            m = re.search(
                r"Date generated:\s*(\d{4}-\d{2}-\d{2})", readme.read_text("utf-8", "replace")
            )
            if m:
                return f"GHO download {m.group(1)}"
    return "GHO API"


SPEC = Source(
    DATASET,
    SOURCE,
    "*/data/GHED_*.csv",
    lambda paths: pd.concat([parse(p) for p in paths], ignore_index=True),
    lambda paths, frame: _generated(paths),
    lambda: [
        Resource(SOURCE, f"{code}.json", origin(DATASET).download_url.format(code=code), "json")
        for code in UNITS
    ],
    every_match=True,
)
load = SPEC.load
