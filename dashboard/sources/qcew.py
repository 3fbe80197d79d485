"""BLS Quarterly Census of Employment and Wages (QCEW) -> ``qcew``.

Two layouts, both as BLS publishes them:
- quarterly by-area CSV (``YYYY.q1-q4 FIPS Name.csv`` inside the by-area zip, or the open-data
  API ``/cew/data/api/{year}/{qtr}/area/{fips}.csv``): ``month1..3_emplvl``,
  ``total_qtrly_wages``, ``qtrly_estabs_count``, ``lq_month1..3_emplvl``;
- annual averages (API ``/{year}/a/area/{fips}.csv``): ``annual_avg_emplvl``,
  ``total_annual_wages``, ``annual_avg_estabs``, ``lq_annual_avg_emplvl``.

Indicators: ``employment`` (persons; a quarter is the mean of its three monthly levels),
``wages`` (US$, total for the period), ``establishments`` (count), ``bls_lq_employment`` (BLS's
employment location quotient against the US, all industries and ownerships; a quarter is the
mean of the three monthly LQs). ``ownership`` holds ``own_code`` (0 total, 1 federal, 2 state, 3
local, 5 private, 8 total government: the sum of 1-3 BLS prints for the nation and each state,
agglvl 95/96, kept as published), ``agglvl_code`` the aggregation level (so pages can pick 2- to
6-digit NAICS). Disclosure code ``N``: BLS writes 0 for employment and wages; they become NaN
with flag ``suppressed`` (establishment counts stay, they are published). Code ``-``: a
placeholder for an industry with no establishments, stored as published with flag ``no
establishments``."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.catalog import origin
from dashboard.fetch import Resource
from dashboard.schema import tidy
from dashboard.sources.base import ParseError, Source, read_csv_text

DATASET = "qcew"
SOURCE = "qcew"
QUARTERLY = [
    "month1_emplvl", "month2_emplvl", "month3_emplvl", "total_qtrly_wages",
    "qtrly_estabs_count", "lq_month1_emplvl", "lq_month2_emplvl", "lq_month3_emplvl",
]  # fmt: skip
ANNUAL = ["annual_avg_emplvl", "total_annual_wages", "annual_avg_estabs", "lq_annual_avg_emplvl"]
KEYS = ["area_fips", "own_code", "industry_code", "agglvl_code", "size_code", "year", "qtr",
        "disclosure_code"]  # fmt: skip


def geo_level(agglvl: pd.Series) -> pd.Series:
    """BLS aggregation level -> nation (10-29; 95 total government), state (50-58; 96 total
    government), county (70-78); else MSA etc. (not in the region scheme)."""
    lvl = pd.to_numeric(agglvl, errors="coerce")
    out = np.select(
        [
            lvl.between(10, 29) | (lvl == 95),
            lvl.between(50, 58) | (lvl == 96),
            lvl.between(70, 78),
        ],  # fmt: skip
        ["us_nation", "us_state", "us_county"],
        default="",
    )
    return pd.Series(out, index=agglvl.index)


def parse(path: Path) -> pd.DataFrame:
    """One QCEW area CSV (quarterly or annual layout) -> tidy rows, 4 indicators per line."""
    df = read_csv_text(path, "QCEW area file", KEYS)
    if set(QUARTERLY) <= set(df.columns):
        layout = "quarterly"
    elif set(ANNUAL) <= set(df.columns):
        layout = "annual"
    else:
        raise ParseError(f"{path.name}: neither the quarterly nor the annual QCEW layout")
    cols = QUARTERLY if layout == "quarterly" else ANNUAL
    num = df[cols].apply(pd.to_numeric, errors="coerce")
    bad = num.isna() & (df[cols] != "")
    if bad.any().any():
        col = bad.any().idxmax()
        raise ParseError(f"{path.name}: non-numeric {col}, e.g. {df.loc[bad[col], col].iloc[0]!r}")
    level = geo_level(df["agglvl_code"])
    keep = level != ""  # MSAs and CSAs (agglvl 30-48) are not in the region scheme
    df, num, level = df[keep], num[keep], level[keep]
    if layout == "quarterly":
        if not df["qtr"].isin(["1", "2", "3", "4"]).all():
            raise ParseError(f"{path.name}: quarterly file with qtr values {set(df['qtr'])}")
        period = df["year"] + "-Q" + df["qtr"]
        values = {
            "employment": num[["month1_emplvl", "month2_emplvl", "month3_emplvl"]].mean(axis=1),
            "wages": num["total_qtrly_wages"],
            "establishments": num["qtrly_estabs_count"],
            "bls_lq_employment": num[
                ["lq_month1_emplvl", "lq_month2_emplvl", "lq_month3_emplvl"]
            ].mean(axis=1),
        }
    else:
        period = df["year"]
        values = {
            "employment": num["annual_avg_emplvl"],
            "wages": num["total_annual_wages"],
            "establishments": num["annual_avg_estabs"],
            "bls_lq_employment": num["lq_annual_avg_emplvl"],
        }
    units = {"employment": "persons", "wages": "US$", "establishments": "count",
             "bls_lq_employment": "ratio (US = 1)"}  # fmt: skip
    suppressed = df["disclosure_code"] == "N"
    lq_col = "lq_disclosure_code" if "lq_disclosure_code" in df else "disclosure_code"
    lq_suppressed = df[lq_col] == "N"
    empty = df["disclosure_code"] == "-"
    frames = []
    for ind, v in values.items():
        hide = lq_suppressed if ind == "bls_lq_employment" else suppressed
        if ind == "establishments":
            hide = pd.Series(False, index=df.index)
        flag = np.where(hide, "suppressed", np.where(empty, "no establishments", None))
        frames.append(
            pd.DataFrame(
                {
                    "dataset": DATASET, "indicator": ind, "geo": df["area_fips"],
                    "geo_level": level, "year": df["year"].astype(int), "period": period,
                    "industry": df["industry_code"], "value": v.where(~hide),
                    "unit": units[ind], "flag": flag, "ownership": df["own_code"],
                    "agglvl_code": df["agglvl_code"], "size_code": df["size_code"],
                    "industry_title": df.get("industry_title"),
                }
            )
        )  # fmt: skip
    return tidy(pd.concat(frames, ignore_index=True))


# Without a mirror, annual averages for these areas are downloaded (LABORDASH_QCEW_AREAS and
# LABORDASH_QCEW_YEARS override): the nation and counties and states with defense plants.
DEFAULT_AREAS = [
    "US000", "01000", "01089", "04019", "09000", "09011", "23023", "25013", "28000", "28059",
    "29095", "33019", "39003", "48439", "51000", "51700",
]  # fmt: skip
DEFAULT_YEARS = ["2023"]


def network_resources() -> list[Resource]:
    """One open-data API slice per (year, area): annual averages."""
    areas = os.environ.get("LABORDASH_QCEW_AREAS", ",".join(DEFAULT_AREAS)).split(",")
    years = os.environ.get("LABORDASH_QCEW_YEARS", ",".join(DEFAULT_YEARS)).split(",")
    template = origin(DATASET).download_url
    out = []
    for year in (y.strip() for y in years if y.strip()):
        for area in (a.strip() for a in areas if a.strip()):
            api_url(int(year), "a", area)  # validates the area code
            url = template.format(year=year, qtr="a", code=area)
            out.append(Resource(SOURCE, f"{year}.a.{area}.csv", url, "csv"))
    return out


def parse_all(paths: list[Path]) -> pd.DataFrame:
    """Every file, in either layout; the same area in both layouts or twice is kept once
    (named in ``attrs["notes"]``)."""
    frame = pd.concat([parse(p) for p in paths], ignore_index=True)
    key = ["geo", "period", "industry", "ownership", "indicator", "size_code"]
    dup = frame.duplicated(key)
    frame = frame[~dup].reset_index(drop=True)
    if dup.any():
        frame.attrs["notes"] = [f"{int(dup.sum())} duplicate rows across files dropped"]
    return frame


def vintage(paths: list[Path], frame: pd.DataFrame) -> str:
    periods = sorted(frame["period"].unique())
    return f"QCEW {periods[0]} to {periods[-1]}, {frame['geo'].nunique()} areas"


SPEC = Source(DATASET, SOURCE, "**/*.csv", parse_all, vintage, network_resources,
              every_match=True, wanted=lambda p: "reference" not in p.parts)  # fmt: skip
load = SPEC.load


def api_industry_url(year: int, qtr: str, naics: str) -> str:
    """Open-data API slice for one industry across all areas; hyphens become underscores
    (31-33 -> 31_33)."""
    code = str(naics).replace("-", "_")
    if not re.fullmatch(r"[0-9_]{2,6}|10", code):
        raise ValueError(f"not a NAICS code for the QCEW API: {naics!r}")
    return f"https://data.bls.gov/cew/data/api/{year}/{str(qtr).lower()}/industry/{code}.csv"


def api_url(year: int, qtr: str, area: str) -> str:
    """Open-data API slice: qtr is 1-4 or 'a'; hyphens in codes become underscores."""
    if not re.fullmatch(r"[0-9A-Z]{5}", area):
        raise ValueError(f"QCEW area code must be 5 characters (e.g. 25013, US000), not {area!r}")
    return f"https://data.bls.gov/cew/data/api/{year}/{str(qtr).lower()}/area/{area}.csv"
