"""BLS Quarterly Census of Employment and Wages (QCEW) -> ``qcew``.

Two layouts, both as BLS publishes them:
- quarterly: the by-area CSV (``YYYY.q1-q4 FIPS Name.csv`` inside the by-area zip, with title
  columns) or an open-data slice (``/cew/data/api/{year}/{qtr}/{area|industry}/{code}.csv``,
  codes only, ``qtrly_estabs`` for ``qtrly_estabs_count``): ``month1..3_emplvl``,
  ``total_qtrly_wages``, ``qtrly_estabs_count``, ``lq_month1..3_emplvl``;
- annual averages (slices ``/{year}/a/...``): ``annual_avg_emplvl``, ``total_annual_wages``,
  ``annual_avg_estabs``, ``lq_annual_avg_emplvl``.

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
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.catalog import origin
from dashboard.fetch import FetchError, Resource, fetch_all
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
        ],
        ["us_nation", "us_state", "us_county"],
        default="",
    )
    return pd.Series(out, index=agglvl.index)


def parse(path: Path) -> pd.DataFrame:
    """One QCEW area CSV (quarterly or annual layout) -> tidy rows, 4 indicators per line."""
    df = read_csv_text(path, "QCEW area file", KEYS)
    # the open-data slices name the quarterly establishment counts without "_count"
    df = df.rename(columns={"qtrly_estabs": "qtrly_estabs_count"})
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
    units = {
        "employment": "persons",
        "wages": "US$",
        "establishments": "count",
        "bls_lq_employment": "ratio (US = 1)",
    }
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
                    "dataset": DATASET,
                    "indicator": ind,
                    "geo": df["area_fips"],
                    "geo_level": level,
                    "year": df["year"].astype(int),
                    "period": period,
                    "industry": df["industry_code"],
                    "value": v.where(~hide),
                    "unit": units[ind],
                    "flag": flag,
                    "ownership": df["own_code"],
                    "agglvl_code": df["agglvl_code"],
                    "size_code": df["size_code"],
                    "industry_title": df.get("industry_title"),
                }
            )
        )
    return tidy(pd.concat(frames, ignore_index=True))


# Without a mirror: BLS's open-data slices. By default one slice per industry, each holding
# every county, state and the nation, for the latest published year and a base year five years
# earlier (shift-share): the totals (NAICS 10), the private NAICS sectors and the codes of every
# NAICS industry group. LABORDASH_QCEW_AREAS restricts the pull to one slice per area (all of
# its industries); LABORDASH_QCEW_YEARS and LABORDASH_QCEW_QTRS choose the periods.
TOTAL = "10"
SECTORS = [
    "11", "21", "22", "23", "31-33", "42", "44-45", "48-49", "51", "52", "53", "54", "55", "56",
    "61", "62", "71", "72", "81", "99",
]  # fmt: skip
BASE_YEARS_BACK = 5
TITLES_URL = "https://data.bls.gov/cew/doc/titles/industry/industry_titles.csv"
TITLES = "industry_titles.csv"


def latest_published(today: date | None = None) -> int:
    """The newest year of annual averages BLS has published: year Y comes out in early
    September of Y+1 (the 2025 averages in September 2026)."""
    today = today or date.today()
    return today.year - 1 if (today.month, today.day) >= (9, 15) else today.year - 2


def default_years(latest: int | None = None) -> list[str]:
    latest = latest or latest_published()
    return sorted({str(latest - BASE_YEARS_BACK), str(latest)})


def industry_codes() -> list[str]:
    """The industry slices of the default pull: totals, private sectors, group members."""
    from dashboard.catalog import industry_groups

    codes = [TOTAL, *SECTORS]
    for g in industry_groups().values():
        if g.classification == "NAICS":
            codes += [c for c in g.codes if c not in codes]
    return codes


def _env_list(name: str) -> list[str]:
    return [v.strip() for v in os.environ.get(name, "").split(",") if v.strip()]


def network_resources(latest: int | None = None) -> list[Resource]:
    """The open-data slices to download: per (year, quarter), one per area when
    ``LABORDASH_QCEW_AREAS`` is set, else one per industry (:func:`industry_codes`); plus
    BLS's industry titles (the slices carry codes only). ``latest`` moves the default years."""
    years = _env_list("LABORDASH_QCEW_YEARS") or default_years(latest)
    qtrs = [q.lower() for q in _env_list("LABORDASH_QCEW_QTRS")] or ["a"]
    areas = _env_list("LABORDASH_QCEW_AREAS")
    for y in years:
        if not re.fullmatch(r"(19|20)\d\d", y):
            raise ValueError(f"LABORDASH_QCEW_YEARS: not a year: {y!r}")
    for q in qtrs:
        if q not in ("1", "2", "3", "4", "a"):
            raise ValueError(f"LABORDASH_QCEW_QTRS: quarters are 1-4 or a (annual), not {q!r}")
    template = origin(DATASET).download_url
    kind, codes = ("area", areas) if areas else ("industry", industry_codes())
    if "{slice}" not in template and f"/{kind}/" not in template:
        raise ValueError(
            f"LABORDASH_URL_QCEW must hold {{slice}} (area or industry) to pull {kind} slices: "
            f"{template}"
        )
    out = []
    for year in years:
        for qtr in qtrs:
            for code in codes:
                check = api_url if kind == "area" else api_industry_url
                check(int(year), qtr, code)  # validates the code
                url = template.format(year=year, qtr=qtr, slice=kind, code=code.replace("-", "_"))
                name = (
                    f"{year}.{qtr}.{code}.csv"
                    if kind == "area"
                    else (f"{year}.{qtr}.industry.{code}.csv")
                )
                # an industry with no cells in a period has no slice (HTTP 404): a note
                optional = kind == "industry" and code != TOTAL
                out.append(Resource(SOURCE, name, url, "csv", optional=optional))
    titles = os.environ.get("LABORDASH_URL_QCEW_TITLES") or TITLES_URL
    out.append(Resource(SOURCE, TITLES, titles, "csv", optional=True))
    return out


def titles(paths: list[Path]) -> dict[str, str]:
    """BLS's ``industry_titles.csv`` (industry_code, industry_title) among ``paths``, as a dict."""
    found = [p for p in paths if p.name == TITLES]
    if not found:
        return {}
    df = read_csv_text(found[0], "QCEW industry titles file", ["industry_code", "industry_title"])
    return dict(zip(df["industry_code"], df["industry_title"], strict=True))


def parse_all(paths: list[Path]) -> pd.DataFrame:
    """Every file, in either layout; the same area in both layouts or twice is kept once
    (named in ``attrs["notes"]``). Open-data slices carry no titles: they come from BLS's
    industry titles file when it was downloaded."""
    named = titles(paths)
    frame = pd.concat([parse(p) for p in paths if p.name != TITLES], ignore_index=True)
    if named:
        missing = frame["industry_title"].isna()
        frame.loc[missing, "industry_title"] = frame.loc[missing, "industry"].map(named)
    key = ["geo", "period", "industry", "ownership", "indicator", "size_code"]
    dup = frame.duplicated(key)
    frame = frame[~dup].reset_index(drop=True)
    if dup.any():
        frame.attrs["notes"] = [f"{int(dup.sum())} duplicate rows across files dropped"]
    return frame


def vintage(paths: list[Path], frame: pd.DataFrame) -> str:
    periods = sorted(frame["period"].unique())
    return f"QCEW {periods[0]} to {periods[-1]}, {frame['geo'].nunique()} areas"


def _period(res: Resource) -> str:
    """``2016.a`` or ``2016.1`` from a slice's cache name."""
    return ".".join(res.name.split(".")[:2])


def _describe(period: str) -> str:
    year, qtr = period.split(".")
    return f"{year} annual averages" if qtr == "a" else f"{year} Q{qtr}"


class _Qcew(Source):
    def download(self, resources: list[Resource], **fetch_kw):
        """As :meth:`Source.download`, period by period for industry slices: the totals slice
        of each period is fetched first, and a period BLS has not published (HTTP 404) is left
        out with a note. When the default latest year is not out yet, the default years move
        one back."""
        if not any(".industry." in r.name for r in resources):
            return super().download(resources, **fetch_kw)
        got, missing, notes = self._totals(resources, **fetch_kw)
        latest = latest_published()
        if not _env_list("LABORDASH_QCEW_YEARS") and any(
            p.startswith(f"{latest}.") for p in missing
        ):
            resources = network_resources(latest - 1)
            got, missing, more = self._totals(resources, **fetch_kw)
            years = " and ".join(default_years(latest - 1))
            notes = [
                f"QCEW annual averages for {latest} are not published yet; pulled {years}",
                *notes,
                *more,
            ]
        keep = [r for r in resources if _period(r) not in missing]
        if not got:
            raise FetchError(
                f"qcew: none of the periods asked for is published: {'; '.join(notes)}"
            )
        rest, more = super().download([r for r in keep if r.name not in got], **fetch_kw)
        broken = [n for n in more if ".industry." in n.split(":")[0] and "HTTP 404" not in n]
        if broken:  # only "no such slice" is a note; a failed download fails the pull
            raise FetchError(f"qcew: {broken[0]}")
        by_name = {**got, **{Path(f.path).name: f for f in rest}}
        files = [by_name[r.name] for r in keep if r.name in by_name]
        return files, notes + more

    def _totals(self, resources: list[Resource], **fetch_kw):
        """Fetch the totals slice of every period first: the files by name, the periods whose
        totals answer HTTP 404 (not published) and a note for each; other failures raise."""
        totals = [r for r in resources if r.name.endswith(f".industry.{TOTAL}.csv")]
        got, missing, notes = {}, set(), []
        for res, out in zip(
            totals,
            fetch_all(totals, label="qcew totals", cancel_on_failure=False, **fetch_kw),
            strict=True,
        ):
            if not isinstance(out, FetchError):
                got[res.name] = out
            elif "HTTP 404" in str(out):
                missing.add(_period(res))
                notes.append(f"QCEW {_describe(_period(res))}: not published ({out}); left out")
            else:
                raise out
        return got, missing, notes


SPEC = _Qcew(
    DATASET,
    SOURCE,
    "**/*.csv",
    parse_all,
    vintage,
    network_resources,
    every_match=True,
    wanted=lambda p: "reference" not in p.parts,
)
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
