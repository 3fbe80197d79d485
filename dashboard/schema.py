"""The tidy schema every stored dataset follows (DESIGN.md, "Tidy schema")."""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

GEO_LEVELS = [
    "country", "aggregate", "nuts0", "nuts1", "nuts2", "nuts3",
    "us_nation", "us_state", "us_county", "ru_country", "ru_district", "ru_subject",
]  # fmt: skip
COLUMNS = [
    "dataset", "indicator", "geo", "geo_level", "year", "period",
    "industry", "value", "unit", "flag",
]  # fmt: skip
KEY = ["dataset", "indicator", "geo", "period", "industry", "unit"]
# extra columns that are part of a row's identity in the datasets that have them
KEY_EXTRAS = (
    "function",
    "age",
    "ownership",
    "sex",
    "territory",
    "line",
    "government",
    "town",
    "municipality",
    "form",
)


@cache
def schema():
    """The pandera schema (pandera is imported for pulls only: it costs a server 0.3 s)."""
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "dataset": pa.Column(str, pa.Check.str_length(min_value=1)),
            "indicator": pa.Column(str, pa.Check.str_length(min_value=1)),
            "geo": pa.Column(str, pa.Check.str_length(min_value=1)),
            "geo_level": pa.Column(str, pa.Check.isin(GEO_LEVELS)),
            "year": pa.Column("int64", pa.Check.in_range(1800, 2100)),
            "period": pa.Column(str, pa.Check.str_matches(r"^\d{4}(-Q[1-4])?$")),
            "industry": pa.Column(str, nullable=True),
            "value": pa.Column(
                "float64", pa.Check(lambda s: ~np.isinf(s), element_wise=False), nullable=True
            ),
            "unit": pa.Column(str, pa.Check.str_length(min_value=1)),
            "flag": pa.Column(str, nullable=True),
        },
        strict=False,
        ordered=False,
    )


class SchemaViolation(ValueError):
    """A parsed frame does not follow the tidy schema; nothing is stored."""


def tidy(df: pd.DataFrame) -> pd.DataFrame:
    """Order the schema columns first (extras after) and give each its schema dtype.

    ``period`` defaults to the year as text when a source is annual.
    """
    df = df.copy()
    if "period" not in df:
        df["period"] = df["year"].astype("int64").astype(str)
    for col in ("industry", "flag"):
        if col not in df:
            df[col] = None
        df[col] = df[col].astype("str").where(df[col].notna(), None).astype("str")
    df["year"] = df["year"].astype("int64")
    df["value"] = pd.to_numeric(df["value"], errors="raise").astype("float64")
    for col in ("dataset", "indicator", "geo", "geo_level", "period", "unit"):
        df[col] = df[col].astype("str")
    extras = [c for c in df.columns if c not in COLUMNS]
    return df[COLUMNS + extras].reset_index(drop=True)


def validate(df: pd.DataFrame, dataset: str) -> pd.DataFrame:
    """Check ``df`` against the schema and key uniqueness; raise SchemaViolation if not."""
    import pandera.errors

    try:
        schema().validate(df, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases[["column", "check", "failure_case"]].head(5)
        raise SchemaViolation(
            f"{dataset}: {len(exc.failure_cases)} schema failure(s), first: "
            + "; ".join(f"{r.column}: {r.check} ({r.failure_case!r})" for r in cases.itertuples())
        ) from None
    if (df["dataset"] != dataset).any():
        raise SchemaViolation(f"{dataset}: rows carry another dataset id")
    key = KEY + [c for c in KEY_EXTRAS if c in df.columns]
    dup = df.duplicated(key, keep=False)
    if dup.any():
        first = df.loc[dup, key].head(3).to_dict("records")
        raise SchemaViolation(f"{dataset}: {int(dup.sum())} rows share a key, e.g. {first}")
    return df
