"""World Bank WDI bulk CSV (``API_<CODE>_DS2_*.csv`` or the zip around it) -> ``wdi``.

The bulk CSV is UTF-8 with a BOM, four preamble lines ("Data Source", "Last Updated Date"), then
``Country Name, Country Code, Indicator Name, Indicator Code, 1960 ... YYYY`` and a trailing empty
column. ``Metadata_Country_*.csv`` gives Region and IncomeGroup; aggregates (WLD, EUU, HIC...)
have no Region and are stored with ``geo_level = "aggregate"``. Empty cells carry no information
and are not stored. Every indicator found in the mirror is loaded; when the mirror holds several
vintages of one indicator, the one with the newest "Last Updated Date" wins.

Without a mirror the bulk zip is downloaded per indicator; if that fails, the paged API v2 JSON
(``/v2/country/all/indicator/<CODE>?format=json``) is read instead.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
import pycountry

from dashboard import config
from dashboard.catalog import origin
from dashboard.fetch import (
    FetchError,
    RawFile,
    Resource,
    describe,
    fetch,
    get_json,
    mirror_files,
    public_url,
)
from dashboard.schema import tidy
from dashboard.sources.base import Loaded, ParseError, check_complete, unparsed

DATASET = "wdi"
SOURCE = "worldbank"
# what a pull without a mirror downloads
DEFAULT_CODES = [
    "MS.MIL.XPND.GD.ZS", "MS.MIL.XPND.CD", "SE.XPD.TOTL.GB.ZS", "SP.POP.TOTL",
    "SP.POP.65UP.TO.ZS", "SL.UEM.TOTL.ZS", "NE.CON.GOVT.ZS", "NV.IND.TOTL.ZS",
    "NY.GDP.PCAP.PP.KD", "SL.IND.EMPL.ZS",
]  # fmt: skip
UNITS = {"SP.POP.TOTL": "persons"}
_CODE = re.compile(r"^API_(.+?)_DS2_")


@dataclass
class BulkFile:
    """One bulk download: the data CSV text and, when present, its Metadata_Country CSV text."""

    code: str
    data: str
    meta: str | None
    path: Path

    @property
    def updated(self) -> str:
        m = re.search(r'"Last Updated Date","(\d{4}-\d{2}-\d{2})"', self.data[:400])
        return m.group(1) if m else ""


def _decode(raw: bytes, name: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(f"{name}: not UTF-8 text ({exc})") from None


def read_bulk(path: Path) -> BulkFile:
    """Open a bulk download: the zip from the API, or the extracted ``API_*.csv``."""
    m = _CODE.match(path.name)
    if path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as zf:
                names = zf.namelist()
                data = [n for n in names if n.startswith("API_")]
                meta = [n for n in names if n.startswith("Metadata_Country_")]
                if not data:
                    raise ParseError(f"{path.name}: zip holds no API_*.csv (members: {names})")
                text = _decode(zf.read(data[0]), data[0])
                meta_text = _decode(zf.read(meta[0]), meta[0]) if meta else None
                m = _CODE.match(data[0])
        except zipfile.BadZipFile as exc:
            raise ParseError(f"{path.name}: damaged zip ({exc})") from None
    else:
        text = _decode(path.read_bytes(), path.name)
        check_complete(text, path.name)
        sib = path.with_name("Metadata_Country_" + path.name)
        meta_text = _decode(sib.read_bytes(), sib.name) if sib.exists() else None
    code = m.group(1) if m else _code_from_text(text, path.name)
    return BulkFile(code, text, meta_text, path)


def _code_from_text(text: str, name: str) -> str:
    m = re.search(r'\n"[^"]*","[A-Z0-9]{3}","[^"]*","([A-Z0-9.]+)"', text)
    if not m:
        raise ParseError(f"{name}: no indicator code found")
    return m.group(1)


def parse_meta(text: str, name: str = "Metadata_Country") -> pd.DataFrame:
    """Country Code -> Region, IncomeGroup (blank Region = aggregate)."""
    df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    need = {"Country Code", "Region", "IncomeGroup"}
    if not need <= set(df.columns):
        raise ParseError(f"{name}: expected columns {sorted(need)}, got {list(df.columns)[:6]}")
    return df[["Country Code", "Region", "IncomeGroup"]].set_index("Country Code")


def _geo_level(code: str, meta: pd.DataFrame) -> str:
    if code in meta.index:
        return "country" if meta.at[code, "Region"].strip() else "aggregate"
    return "country" if pycountry.countries.get(alpha_3=code) else "aggregate"


def _unit(code: str, name: str) -> str:
    if code in UNITS:
        return UNITS[code]
    groups = [g for g in re.findall(r"\(([^()]*)\)", name) if "estimate" not in g.lower()]
    return groups[-1] if groups else name


def parse(bulk: BulkFile, meta: pd.DataFrame) -> pd.DataFrame:
    """Tidy one bulk CSV; ``meta`` is the merged Metadata_Country table."""
    name = bulk.path.name
    lines = bulk.data.splitlines()
    if not lines or "Data Source" not in lines[0]:
        raise ParseError(f"{name}: first line is not the WDI preamble ('Data Source', ...)")
    if not bulk.updated:
        raise ParseError(f"{name}: no 'Last Updated Date' in the preamble")
    try:
        # only "" means missing in WDI files: anything else that is not a number is an error
        df = pd.read_csv(
            io.StringIO(bulk.data), skiprows=4, dtype=str, keep_default_na=False, na_values=[""]
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise ParseError(f"{name}: unreadable CSV after the preamble ({exc})") from None
    need = ["Country Name", "Country Code", "Indicator Name", "Indicator Code"]
    if list(df.columns[:4]) != need:
        raise ParseError(f"{name}: header should start {need}, got {list(df.columns[:4])}")
    years = [c for c in df.columns if re.fullmatch(r"\d{4}", str(c))]
    if not years:
        raise ParseError(f"{name}: no year columns in the header")
    long = df.melt(id_vars=need, value_vars=years, var_name="year", value_name="value")
    long = long.dropna(subset=["value"])
    bad = pd.to_numeric(long["value"], errors="coerce").isna()
    if bad.any():
        sample = long.loc[bad, ["Country Code", "year", "value"]].head(3).to_dict("records")
        raise ParseError(f"{name}: {int(bad.sum())} non-numeric values, e.g. {sample}")
    ind_name = str(df["Indicator Name"].iloc[0]) if len(df) else bulk.code
    out = pd.DataFrame(
        {
            "dataset": DATASET,
            "indicator": long["Indicator Code"].astype(str),
            "geo": long["Country Code"].astype(str),
            "year": long["year"].astype(int),
            "value": pd.to_numeric(long["value"]),
            "unit": _unit(bulk.code, ind_name),
            "flag": None,
            "country_name": long["Country Name"].astype(str),
            "indicator_name": long["Indicator Name"].astype(str),
            "vintage": bulk.updated,
        }
    )
    codes = out["geo"].unique()
    out["geo_level"] = out["geo"].map({g: _geo_level(g, meta) for g in codes})
    for col, src in (("region", "Region"), ("income_group", "IncomeGroup")):
        out[col] = out["geo"].map({g: meta[src].get(g) or None for g in codes})
    return tidy(out)


# --- API v2 JSON ----------------------------------------------------------------------------


def api_base() -> str:
    """The API v2 host: the same as the bulk download's (https://api.worldbank.org)."""
    u = urlsplit(origin(DATASET).download_url)
    return f"{u.scheme}://{u.netloc}"


def read_api(code: str, base: str | None = None, per_page: int = 20000, **fetch_kw) -> pd.DataFrame:
    """Read one indicator from the paged API v2 JSON into the tidy schema.

    Aggregates are told from countries by ``/v2/country`` (region "Aggregates").
    """
    base = base or api_base()
    countries = _api_pages(f"{base}/v2/country", {"format": "json", "per_page": 1000}, fetch_kw)
    agg = {c["id"] for c in countries if (c.get("region") or {}).get("value") == "Aggregates"}
    rows = _api_pages(
        f"{base}/v2/country/all/indicator/{code}",
        {"format": "json", "per_page": per_page},
        fetch_kw,
    )
    recs = [
        {
            "geo": r.get("countryiso3code") or (r.get("country") or {}).get("id"),
            "year": int(r["date"]),
            "value": r["value"],
            "country_name": (r.get("country") or {}).get("value"),
            "indicator_name": (r.get("indicator") or {}).get("value", code),
        }
        for r in rows
        if r.get("value") is not None and str(r.get("date", "")).isdigit()
    ]
    if not recs:
        raise FetchError(f"{SOURCE}: API returned no values for indicator {code}")
    df = pd.DataFrame(recs)
    df = df[df["geo"].notna() & (df["geo"] != "")]
    name = str(df["indicator_name"].iloc[0])
    df = df.assign(
        dataset=DATASET,
        indicator=code,
        unit=_unit(code, name),
        flag=None,
        geo_level=df["geo"].map(lambda g: "aggregate" if g in agg else "country"),
        vintage="API",
    )
    return tidy(df)


def _api_pages(url: str, params: dict, fetch_kw: dict) -> list[dict]:
    out: list[dict] = []
    page, pages = 1, 1
    while page <= pages:
        kw = {k: v for k, v in fetch_kw.items() if k in ("timeout", "retries")}
        doc = get_json(url, source=SOURCE, params={**params, "page": page}, **kw)
        if not isinstance(doc, list) or len(doc) < 2 or not isinstance(doc[0], dict):
            msg = doc[0].get("message") if isinstance(doc, list) and doc else doc
            raise FetchError(f"{SOURCE}: {public_url(url)} answered an error: {msg}")
        pages = int(doc[0].get("pages") or 1)
        out.extend(doc[1] or [])
        page += 1
    return out


# --- load -----------------------------------------------------------------------------------


def _mirror_bulk() -> list[Path]:
    return mirror_files(SOURCE, "API_*_DS2_*.csv") + mirror_files(SOURCE, "API_*_DS2_*.zip")


def newest_by_code(bulks: list[BulkFile]) -> dict[str, BulkFile]:
    """Keep one bulk file per indicator code: the newest 'Last Updated Date'."""
    best: dict[str, BulkFile] = {}
    for b in bulks:
        if b.code not in best or b.updated > best[b.code].updated:
            best[b.code] = b
    return best


def merged_meta(bulks: list[BulkFile]) -> pd.DataFrame:
    """One Metadata_Country table from all files, newest vintage first (files without one share)."""
    parts = [
        parse_meta(b.meta, b.path.name)
        for b in sorted(bulks, key=lambda b: b.updated, reverse=True)
        if b.meta
    ]
    if not parts:
        return pd.DataFrame(columns=["Region", "IncomeGroup"])
    meta = pd.concat(parts)
    return meta[~meta.index.duplicated(keep="first")]


def load(**fetch_kw) -> Loaded:
    files: list[RawFile] = []
    bulks: list[BulkFile] = []
    frames: list[pd.DataFrame] = []
    notes: list[str] = []
    paths = _mirror_bulk()
    url = origin(DATASET).download_url
    # not Source.load: an indicator whose bulk zip fails is read from the paged API instead
    if paths:
        for p in paths:
            bulks.append(read_bulk(p))
            files.append(describe(p, "mirror", url.format(code=bulks[-1].code)))
    else:
        for code in DEFAULT_CODES:
            res = Resource(SOURCE, f"API_{code}_DS2_en_csv_v2.zip", url.format(code=code), "zip")
            try:
                raw = fetch(res, **fetch_kw)
            except FetchError as exc:
                if config.mirror() is not None:
                    raise
                notes.append(f"{code}: bulk download failed ({exc}); read the API instead")
                frames.append(read_api(code, **fetch_kw))
                continue
            files.append(raw)
            try:
                bulks.append(read_bulk(Path(raw.path)))
            except ParseError as exc:
                raise unparsed(exc, [raw], DATASET) from None
    chosen = newest_by_code(bulks)
    dropped = [b.path.name for b in bulks if chosen[b.code] is not b]
    if dropped:
        notes.append(f"older vintages not used: {', '.join(dropped)}")
    meta = merged_meta(bulks)
    frames += [parse(b, meta) for b in chosen.values()]
    if not frames:
        raise ParseError(f"{SOURCE}: no World Bank bulk files found")
    used = {str(b.path) for b in chosen.values()}
    files = [f for f in files if f.path in used or f.origin != "mirror"]
    dates = sorted(b.updated for b in chosen.values())
    vintage = f"WDI, updated {dates[0]} to {dates[-1]}" if dates else "WDI API"
    return Loaded(pd.concat(frames, ignore_index=True), files, vintage, notes)
