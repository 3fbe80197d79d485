"""Bring your own data: read an uploaded CSV/XLSX and check it before any measure is computed
(pure; no Streamlit). Every cell is read as text first, so nothing in the file is interpreted
or executed; every problem raises ``UploadError`` with a message naming it."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pandas as pd

MAX_BYTES = 20 * 1024 * 1024  # also server.maxUploadSize (MB) in .streamlit/config.toml
MAX_ROWS = 1_000_000
ROLES = {
    "region": ("region", "geo", "area", "area_fips", "fips", "nuts", "nuts_id", "code"),
    "industry": ("industry", "industry_code", "sector", "naics", "nace", "nace_r2", "okved"),
    "value": ("value", "employment", "emp", "jobs", "persons", "output", "obs_value"),
    "year": ("year", "period", "time", "time_period"),
}


class UploadError(ValueError):
    """The uploaded file cannot be used; the message says why."""


def read_table(content: bytes, filename: str) -> pd.DataFrame:
    """The first sheet (XLSX) or the table (CSV/TSV, delimiter sniffed; UTF-8, else Windows-1252)
    as text columns."""
    if len(content) > MAX_BYTES:
        raise UploadError(f"{filename} is {len(content) / 2**20:.1f} MB; the limit is "
                          f"{MAX_BYTES // 2**20} MB")  # fmt: skip
    if not content.strip():
        raise UploadError(f"{filename} is empty")
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if suffix in ("xlsx", "xlsm"):
        try:
            df = pd.read_excel(io.BytesIO(content), sheet_name=0, dtype=str, engine="openpyxl",
                               header=None)  # fmt: skip
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise UploadError(f"{filename} is not a readable XLSX workbook ({exc})") from None
    elif suffix in ("csv", "tsv", "txt"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("cp1252", errors="replace")
        if "\x00" in text[:4096]:
            raise UploadError(f"{filename} looks like a binary file, not CSV text")
        try:
            dialect = csv.Sniffer().sniff(text[:65536], delimiters=",;\t|")
            sep = dialect.delimiter
        except csv.Error:
            sep = ","
        try:
            df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                             skipinitialspace=True, header=None)  # fmt: skip
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise UploadError(f"{filename} could not be read as CSV: {exc}") from None
    else:
        raise UploadError(f"{filename}: only .csv, .tsv, .txt and .xlsx files are accepted")
    # the header is read as a row so that repeated names are seen, not silently renamed
    header = [str(c).strip() for c in df.iloc[0]] if len(df) else []
    df = df.iloc[1:].reset_index(drop=True)
    if len(set(header)) < len(header):
        raise UploadError(f"{filename} has repeated column names")
    df.columns = header
    if df.empty or len(df.columns) < 3:
        raise UploadError(
            f"{filename} has {len(df)} rows and {len(df.columns)} columns; at least region, "
            "industry and value columns are needed"
        )
    if len(df) > MAX_ROWS:
        raise UploadError(f"{filename} has {len(df):,} rows; the limit is {MAX_ROWS:,}")
    return df


def guess_columns(df: pd.DataFrame) -> dict[str, str | None]:
    """A first guess at which column plays which role, by name."""
    lower = {c.lower().strip(): c for c in df.columns}
    return {role: next((lower[n] for n in names if n in lower), None)
            for role, names in ROLES.items()}  # fmt: skip


def _examples(df: pd.DataFrame, mask: pd.Series, cols: list[str]) -> str:
    rows = df.loc[mask, cols].head(3)
    return "; ".join(f"row {i + 2}: " + ", ".join(f"{c}={str(v)[:30]!r}" for c, v in r.items())
                     for i, r in rows.iterrows())  # fmt: skip


def prepare(df: pd.DataFrame, region: str, industry: str, value: str,
            year: str | None = None) -> pd.DataFrame:  # fmt: skip
    """Long frame ``region, industry, value[, year]`` for ``dashboard.metrics``. Blank values
    become NaN (treated like suppressed cells); text values, negatives, blank codes, bad years
    and duplicate keys raise ``UploadError`` naming the rows (row numbers as in the file)."""
    chosen = {"region": region, "industry": industry, "value": value}
    if year:
        chosen["year"] = year
    missing = [f"{k} ({v!r})" for k, v in chosen.items() if v not in df.columns]
    if missing:
        raise UploadError("column(s) not in the file: " + ", ".join(missing))
    if len(set(chosen.values())) < len(chosen):
        raise UploadError("one column is mapped to two roles; choose a different column for each")
    out = pd.DataFrame({k: df[v].astype(str).str.strip() for k, v in chosen.items()})
    for key in ("region", "industry"):
        blank = out[key].isin(["", "nan", "None"])
        if blank.any():
            raise UploadError(f"{int(blank.sum())} row(s) have no {key} code: "
                              + _examples(df, blank, [chosen[key]]))  # fmt: skip
    raw = out["value"].str.replace(r"[\s\u00a0]", "", regex=True)
    raw = raw.where(~raw.str.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?"), raw.str.replace(",", ""))
    blank = raw.isin(["", "nan", "NaN", "NA", "..", ":", "(D)", "-"])
    num = pd.to_numeric(raw.where(~blank), errors="coerce")
    bad = num.isna() & ~blank
    if bad.any():
        raise UploadError(f"{int(bad.sum())} value(s) are not numbers: "
                          + _examples(df, bad, [value]))  # fmt: skip
    if (num < 0).any():
        raise UploadError(f"{int((num < 0).sum())} value(s) are negative: "
                          + _examples(df, num < 0, [value]))  # fmt: skip
    out["value"] = num.astype(float)
    if year:
        y = pd.to_numeric(out["year"].str.extract(r"^(\d{4})", expand=False), errors="coerce")
        if y.isna().any():
            raise UploadError(f"{int(y.isna().sum())} year(s) are not years: "
                              + _examples(df, y.isna(), [year]))  # fmt: skip
        out["year"] = y.astype(int)
    keys = ["region", "industry", *(["year"] if year else [])]
    dup = out.duplicated(keys, keep=False)
    if dup.any():
        raise UploadError(f"{int(dup.sum())} rows repeat a (region, industry"
                          + (", year" if year else "") + ") key: "
                          + _examples(df, dup, [chosen[k] for k in keys]))  # fmt: skip
    return out


_TAG = re.compile(r"[<>&]")


def plain(text: str, limit: int = 60) -> str:
    """A user-supplied label made inert for plotly (which renders a subset of HTML in text)."""
    return _TAG.sub(lambda m: {"<": "‹", ">": "›", "&": "+"}[m.group()], str(text))[:limit]
