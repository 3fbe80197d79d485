"""Eurostat regional tables (bulk TSV, both layouts, or SDMX-CSV) -> four datasets.

- ``eurostat_lfs_nace`` (lfst_r_lfe2en2): employment, thousand persons, by NUTS region and
  NACE Rev.2 group (``industry``), with the ``age`` class kept.
- ``eurostat_lfs_sex_age`` (lfst_r_lfe2emp): employment, thousand persons, by ``sex`` and ``age``
  (the denominator for regional shares).
- ``eurostat_nuts_gdp`` (nama_10r_2gdp): regional GDP; indicator ``gdp``, one unit per row.
- ``eurostat_nuts_income`` (nama_10r_2hhinc): household income; indicator = ``na_item`` as
  published (B5N primary income, B6N disposable income).

TSV: the first column joins the dimension codes with commas and ends ``geo\\time`` (old bulk
files) or ``geo\\TIME_PERIOD`` (current API, which starts with ``freq``); one column per period.
A cell is a number and optional flag letters (``250.8 b``); ``:`` is missing. Missing cells
with a flag (``: c``, confidential) are kept as NaN with the flag; bare ``:`` cells are kept as
NaN flagged "not published" where the region publishes something that period (unknown, never
zero), and left out where it publishes nothing (a NUTS code not in use then). NUTS level from
the code length (AT nuts0, AT1 nuts1, AT11 nuts2, AT111 nuts3); EU/EA totals are aggregates.
"""

from __future__ import annotations

import gzip
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dashboard.catalog import origin
from dashboard.fetch import Resource
from dashboard.schema import tidy
from dashboard.sources.base import Loaded, ParseError, Source

SOURCE = "eurostat"
FLAGS = {
    "b": "break", "c": "confidential", "d": "definition differs", "e": "estimate",
    "f": "forecast", "n": "not significant", "p": "provisional", "r": "revised",
    "s": "Eurostat estimate", "u": "low reliability", "z": "not applicable",
}  # fmt: skip
UNITS = {
    "THS": "thousand persons", "THS_PER": "thousand persons", "PC": "%",
    "MIO_EUR": "mln EUR", "EUR_HAB": "EUR per inhabitant", "MIO_NAC": "mln national currency",
    "MIO_PPS": "mln PPS", "PPS_HAB": "PPS per inhabitant",
    "PPS_HAB_EU": "PPS per inhabitant, % of EU average",
    "PPS_EU27_2020_HAB": "PPS per inhabitant, % of EU-27 average",
    "EUR_HAB_EU": "EUR per inhabitant, % of EU average",
    "EUR_EU27_2020_HAB": "EUR per inhabitant, % of EU-27 average",
    "MIO_PPCS": "mln PPCS", "PPCS_HAB": "PPCS per inhabitant",
    "PPCS_HAB_EU": "PPCS per inhabitant, % of EU average",
    "PPCS_EU27_2020_HAB": "PPCS per inhabitant, % of EU-27 average",
}  # fmt: skip
TOTAL_CODES = {"sex": "T"}  # a dimension's code for "all"
_CELL = re.compile(r"^\s*(:|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*([a-z]*)\s*$")


def flag_words(letters: str | None) -> str | None:
    """'bu' -> 'break,low reliability'; unknown letters are kept as they are."""
    if not letters:
        return None
    return ",".join(FLAGS.get(ch, ch) for ch in letters)


def nuts_level(code: str) -> str:
    """NUTS level from the code, or ``aggregate`` for EU/EA totals."""
    if not re.fullmatch(r"[A-Z]{2}[0-9A-Z]{0,3}", code) or re.match(r"E[AU]\d", code):
        return "aggregate"
    return f"nuts{len(code) - 2}"


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise ParseError(f"{path.name}: damaged gzip ({exc})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(f"{path.name}: not UTF-8 text ({exc})") from None


def parse_tsv(text: str, name: str) -> pd.DataFrame:
    """Bulk TSV (either layout) -> long frame with the dimension columns, period, value, flag."""
    lines = text.splitlines()
    if not lines or "\t" not in lines[0]:
        raise ParseError(f"{name}: not a Eurostat TSV (no tab-separated header)")
    head = lines[0].split("\t")
    m = re.fullmatch(r"(.+)\\(time|TIME_PERIOD)", head[0].strip())
    if not m:
        raise ParseError(f"{name}: first header cell {head[0]!r} does not end in geo\\time")
    dims = m.group(1).split(",")
    periods = [h.strip() for h in head[1:]]
    bad = [p for p in periods if not re.fullmatch(r"\d{4}(-Q[1-4]|-\d{2})?", p)]
    if bad:
        raise ParseError(f"{name}: unexpected period columns {bad[:3]}")
    df = pd.read_csv(io.StringIO(text), sep="\t", dtype=str, keep_default_na=False)
    df.columns = ["key", *periods]
    keys = df["key"].str.split(",", expand=True)
    if keys.shape[1] != len(dims):
        raise ParseError(f"{name}: row keys do not have the {len(dims)} dimensions {dims}")
    keys.columns = dims
    long = pd.concat([keys, df[periods]], axis=1).melt(
        id_vars=dims, var_name="period", value_name="cell"
    )
    parts = long["cell"].str.extract(_CELL)
    unreadable = parts[0].isna()
    if unreadable.any():
        sample = long.loc[unreadable, "cell"].head(3).tolist()
        raise ParseError(f"{name}: {int(unreadable.sum())} unreadable cells, e.g. {sample}")
    long["value"] = pd.to_numeric(parts[0].where(parts[0] != ":"), errors="coerce")
    long["flag"] = parts[1].map(lambda s: flag_words(s) if s else None)
    return _unpublished(long.drop(columns="cell"))


NOT_PUBLISHED = "not published"


def _unpublished(long: pd.DataFrame) -> pd.DataFrame:
    """Rows with a value or a flag, and bare ``:`` cells of a region-period the table publishes
    something for, kept as NaN flagged "not published": unknown, never zero. A region-period
    with nothing published (a code not yet or no longer in use) is left out."""
    bare = long["value"].isna() & long["flag"].isna()
    published = long.loc[long["value"].notna(), ["geo", "period"]].drop_duplicates()
    inside = long[["geo", "period"]].merge(published, how="left", indicator=True)["_merge"]
    keep_bare = bare & (inside == "both").to_numpy()
    long.loc[keep_bare, "flag"] = NOT_PUBLISHED
    return long.loc[~bare | keep_bare].reset_index(drop=True)


def parse_sdmx_csv(text: str, name: str) -> pd.DataFrame:
    """SDMX-CSV (DATAFLOW, LAST UPDATE, dims..., TIME_PERIOD, OBS_VALUE, OBS_FLAG) -> long."""
    df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    need = {"TIME_PERIOD", "OBS_VALUE", "geo"}
    if not need <= set(df.columns):
        raise ParseError(f"{name}: SDMX-CSV columns missing: {sorted(need - set(df.columns))}")
    values = pd.to_numeric(df["OBS_VALUE"].replace("", None), errors="coerce")
    bad = values.isna() & (df["OBS_VALUE"] != "")
    if bad.any():
        raise ParseError(f"{name}: {int(bad.sum())} non-numeric OBS_VALUE cells")
    flags = df.get("OBS_FLAG", pd.Series("", index=df.index)).map(flag_words)
    meta = {"DATAFLOW", "LAST UPDATE", "TIME_PERIOD", "OBS_VALUE", "OBS_FLAG", "CONF_STATUS"}
    dims = [c for c in df.columns if c not in meta]
    out = df[dims].assign(period=df["TIME_PERIOD"], value=values, flag=flags)
    return _unpublished(out)


def read_table(path: Path) -> pd.DataFrame:
    text = _read_text(path)
    first = text.split("\n", 1)[0]
    if first.startswith("DATAFLOW") or "OBS_VALUE" in first:
        return parse_sdmx_csv(text, path.name)
    return parse_tsv(text, path.name)


@dataclass(frozen=True)
class Table:
    """One Eurostat table stored as one dataset."""

    DATASET: str
    table: str
    indicator: str | None  # fixed indicator id, or None to take it from ``indicator_dim``
    indicator_dim: str | None = None
    industry_dim: str | None = None
    extra_dims: tuple[str, ...] = field(default_factory=tuple)
    totals_of: tuple[str, ...] = ()  # dimensions the dataset does not keep: only their total
    SOURCE: str = SOURCE

    def parse(self, path: Path) -> pd.DataFrame:
        long = read_table(path)
        if "unit" not in long or "geo" not in long:
            raise ParseError(f"{path.name}: no unit or geo dimension")
        for dim in self.totals_of:  # the current layout adds sex (T, M, F) to lfst_r_lfe2en2
            if dim in long:
                long = long[long[dim] == TOTAL_CODES[dim]].reset_index(drop=True)
        for dim in (self.indicator_dim, self.industry_dim, *self.extra_dims):
            if dim and dim not in long:
                raise ParseError(f"{path.name}: dimension {dim!r} missing for {self.DATASET}")
        units = long["unit"].map(lambda u: UNITS.get(u, u))
        out = pd.DataFrame(
            {
                "dataset": self.DATASET,
                "indicator": long[self.indicator_dim] if self.indicator_dim else self.indicator,
                "geo": long["geo"],
                "geo_level": long["geo"].map(nuts_level),
                "year": long["period"].str[:4].astype(int),
                "period": long["period"],
                "industry": long[self.industry_dim] if self.industry_dim else None,
                "value": long["value"],
                "unit": units,
                "flag": long["flag"],
                "unit_code": long["unit"],
                **{d: long[d] for d in self.extra_dims},
            }
        )
        return tidy(out)

    def vintage(self, paths: list[Path], frame: pd.DataFrame) -> str:
        years = frame["year"]
        return f"{self.table}, {years.min()}-{years.max()}" if len(frame) else self.table

    def load(self, **fetch_kw) -> Loaded:
        url = origin(self.DATASET).download_url
        return Source(
            self.DATASET,
            SOURCE,
            f"{self.table}*",
            lambda paths: self.parse(paths[0]),
            self.vintage,
            lambda: [Resource(SOURCE, f"{self.table}.tsv.gz", url, "gzip")],
        ).load(**fetch_kw)


TABLES = [
    Table("eurostat_lfs_nace", "lfst_r_lfe2en2", "employment", industry_dim="nace_r2",
          extra_dims=("age",), totals_of=("sex",)),
    Table("eurostat_lfs_sex_age", "lfst_r_lfe2emp", "employment", extra_dims=("sex", "age")),
    Table("eurostat_nuts_gdp", "nama_10r_2gdp", "gdp"),
    Table("eurostat_nuts_income", "nama_10r_2hhinc", None, indicator_dim="na_item"),
]  # fmt: skip
