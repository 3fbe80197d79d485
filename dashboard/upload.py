"""Bring your own data: read an uploaded CSV/XLSX and check it before any measure is computed
(pure; no Streamlit). Every cell is read as text first, so nothing in the file is interpreted
or executed; every problem raises ``UploadError`` with a message naming it. Pages call
:func:`read_bounded`, which reads in a separate process with a deadline and a memory cap."""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib

import pandas as pd

MAX_BYTES = 20 * 1024 * 1024  # also server.maxUploadSize (MB) in dashboard/streamlit.toml
MAX_ROWS = 1_000_000
MAX_COLUMNS = 200
MAX_CELLS = 10_000_000  # rows x columns of the text table
MAX_UNZIPPED = 200 * 1024 * 1024  # an XLSX's XML, as its zip directory declares it
MAX_RATIO = 100  # an XLSX's XML beyond 20 MB at most this many times its file's size
MAX_SHARED = 2_000_000  # distinct strings an XLSX declares (sharedStrings uniqueCount)
SMALL = 10 * 1024 * 1024  # text (a CSV, an XLSX's XML) this size reads in a few seconds
SECONDS = 60.0  # to read one file, in a separate process (dashboard.bounded)
MEMORY_MB = 1024  # that process's memory beyond the interpreter's own
ROLES = {
    "region": ("region", "geo", "area", "area_fips", "fips", "nuts", "nuts_id", "code"),
    "industry": ("industry", "industry_code", "sector", "naics", "nace", "nace_r2", "okved"),
    "value": ("value", "employment", "emp", "jobs", "persons", "output", "obs_value"),
    "year": ("year", "period", "time", "time_period"),
}


class UploadError(ValueError):
    """The uploaded file cannot be used; the message says why."""


def limits() -> str:
    """The limits in words, for the page and the docs."""
    return (
        f"up to {MAX_BYTES // 2**20} MB, {MAX_ROWS:,} rows, {MAX_COLUMNS} columns and "
        f"{MAX_CELLS:,} cells"
    )


def precheck(content: bytes, filename: str) -> int:
    """Refuse, in well under a second and before any reader starts, a file whose size its
    own directory gives away: over MAX_BYTES; an XLSX whose XML unpacks to over MAX_UNZIPPED,
    or beyond 20 MB to over MAX_RATIO times the file, or that declares over MAX_SHARED
    distinct strings. Returns the bytes of text a reader will parse."""
    if len(content) > MAX_BYTES:
        raise UploadError(
            f"{filename} is {len(content) / 2**20:.1f} MB; the limit is {MAX_BYTES // 2**20} MB"
        )
    if not filename.lower().endswith((".xlsx", ".xlsm")):
        return len(content)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            unzipped = sum(i.file_size for i in zf.infolist())
            shared = next((n for n in zf.namelist() if n.lower() == "xl/sharedstrings.xml"), "")
            head = zf.open(shared).read(4096).decode("utf-8", "replace") if shared else ""
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
        raise UploadError(f"{filename} is not a readable XLSX workbook ({exc})") from None
    if unzipped > MAX_UNZIPPED:
        raise UploadError(
            f"{filename} unpacks to {unzipped / 2**20:,.0f} MB of XML; the limit "
            f"is {MAX_UNZIPPED // 2**20} MB"
        )
    if unzipped > 20 * 2**20 and unzipped > MAX_RATIO * len(content):
        raise UploadError(
            f"{filename} unpacks to {unzipped / len(content):,.0f} times its size "
            f"({unzipped / 2**20:,.0f} MB of XML); a workbook of data is rarely "
            f"over {MAX_RATIO} times: save it as CSV"
        )
    m = re.search(r'uniqueCount="(\d+)"', head) or re.search(r'\bcount="(\d+)"', head)
    if m and int(m.group(1)) > MAX_SHARED:
        raise UploadError(
            f"{filename} declares {int(m.group(1)):,} distinct strings; the limit is {MAX_SHARED:,}"
        )
    return unzipped


def read_bounded(
    content: bytes,
    filename: str,
    *,
    seconds: float = SECONDS,
    memory_mb: int = MEMORY_MB,
    owner: str = "",
) -> pd.DataFrame:
    """:func:`read_table` in a child process with a deadline and a memory cap, so that a
    hostile file costs its visitor an error message and nobody else anything: checked first
    (:func:`precheck`); one file of an ``owner`` (a session) at a time; a small one
    (under SMALL bytes of text) never waits behind two large ones."""
    from dashboard import bounded

    text = precheck(content, filename)
    try:
        return bounded.call(
            read_table,
            content,
            filename,
            seconds=seconds,
            memory_mb=memory_mb,
            owner=owner,
            small=text < SMALL,
        )
    except bounded.TooSlow:
        raise UploadError(
            f"{filename} took longer than {seconds:g} s to read; split it or save it as CSV"
        ) from None
    except bounded.TooBig:
        raise UploadError(
            f"{filename} needs more than {memory_mb:,} MB of memory to read; "
            "split it into smaller files"
        ) from None
    except UploadError:
        raise
    except Exception as exc:  # a reader's own error on a damaged file (XML syntax, ...)
        raise UploadError(
            f"{filename} could not be read: it is damaged or not what its name "
            f"says ({type(exc).__name__})"
        ) from None


def read_table(content: bytes, filename: str) -> pd.DataFrame:
    """The first sheet (XLSX) or the table (CSV/TSV, delimiter sniffed, encoding detected) as
    text columns; ``attrs["encoding"]`` says how a text file was decoded. Sizes are checked
    before any frame is built: bytes, then the declared sheet dimensions, then rows and columns
    while streaming."""
    if len(content) > MAX_BYTES:
        raise UploadError(
            f"{filename} is {len(content) / 2**20:.1f} MB; the limit is {MAX_BYTES // 2**20} MB"
        )
    if not content.strip():
        raise UploadError(f"{filename} is empty")
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    encoding = None
    if suffix in ("xlsx", "xlsm"):
        rows = _xlsx_rows(content, filename)
    elif suffix in ("csv", "tsv", "txt"):
        text, encoding = decode(content, filename)
        rows = _csv_rows(text, filename)
    else:
        raise UploadError(f"{filename}: only .csv, .tsv, .txt and .xlsx files are accepted")
    width = max((len(r) for r in rows), default=0)
    df = pd.DataFrame([list(r) + [""] * (width - len(r)) for r in rows], dtype=str)
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
    df.attrs["encoding"] = encoding
    return df


def _check_shape(filename: str, rows: int, columns: int, what: str = "") -> None:
    if columns > MAX_COLUMNS:
        raise UploadError(f"{filename} has {what}{columns:,} columns; the limit is {MAX_COLUMNS}")
    if rows > MAX_ROWS + 1:  # + the header
        raise UploadError(
            f"{filename} has {what}more than {MAX_ROWS:,} rows; the limit is {MAX_ROWS:,}"
        )
    if rows * columns > MAX_CELLS:
        raise UploadError(
            f"{filename} has {what}{rows:,} rows x {columns:,} columns; the limit "
            f"is {MAX_CELLS:,} cells"
        )


def _xlsx_rows(content: bytes, filename: str) -> list[tuple]:
    """Rows of the first sheet as text, streamed (read-only): a cell far to the right or below
    costs one row, never a padded grid."""
    unreadable = f"{filename} is not a readable XLSX workbook"
    wb = _open_xlsx(content, filename, unreadable)
    try:
        rows = _sheet_rows(wb.worksheets[0], filename)
    except (KeyError, ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        if isinstance(exc, UploadError):
            raise
        raise UploadError(f"{unreadable} ({type(exc).__name__}: {exc})") from None
    finally:
        wb.close()
    while rows and not any(rows[-1]):
        rows.pop()
    return rows


def _open_xlsx(content: bytes, filename: str, unreadable: str):
    """The workbook, read-only, after its unzipped size is checked against MAX_UNZIPPED."""
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            unzipped = sum(i.file_size for i in zf.infolist())
        if unzipped > MAX_UNZIPPED:
            raise UploadError(
                f"{filename} unpacks to {unzipped / 2**20:,.0f} MB of XML; the "
                f"limit is {MAX_UNZIPPED // 2**20} MB"
            )
        return openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as exc:
        if isinstance(exc, UploadError):
            raise
        raise UploadError(f"{unreadable} ({exc})") from None


def _sheet_rows(ws, filename: str) -> list[tuple]:
    """A sheet's rows as text, each without its trailing empty cells, within the limits."""
    # the declared <dimension> refuses a sheet claiming more rows than the limit at once;
    # its columns are not trusted (files converted from .xls declare A1:IV65536)
    if ws.max_row and ws.max_row > MAX_ROWS + 1:
        _check_shape(filename, ws.max_row, 1, "a sheet declared with ")
    ws.reset_dimensions()  # never trust it for padding: rows are as long as their cells
    rows, width = [], 0
    for row in ws.iter_rows(values_only=True):
        while row and row[-1] is None:  # empty styled cells at the end of a row
            row = row[:-1]
        width = max(width, len(row))
        if width > MAX_COLUMNS or len(rows) > MAX_ROWS or (len(rows) + 1) * width > MAX_CELLS:
            _check_shape(filename, len(rows) + 1, width)
        rows.append(tuple("" if v is None else str(v) for v in row))
    return rows


def _csv_rows(text: str, filename: str) -> list[list[str]]:
    if "\x00" in text[:4096]:
        raise UploadError(f"{filename} looks like a binary file, not CSV text")
    if "\r" in text:  # Windows (CR LF) and classic Mac (CR only, Excel's "CSV (Macintosh)")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        sep = csv.Sniffer().sniff(text[:65536], delimiters=",;\t|").delimiter
    except csv.Error:
        sep = ","
    first = text.split("\n", 1)[0]
    _check_shape(filename, text.rstrip("\n").count("\n") + 1, first.count(sep) + 1)
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=sep, skipinitialspace=True))
    except csv.Error as exc:
        raise UploadError(f"{filename} could not be read as CSV: {exc}") from None
    rows = [r for r in rows if r]  # blank lines
    width = max((len(r) for r in rows), default=0)
    _check_shape(filename, len(rows), width)
    if rows and width > len(rows[0]):  # short rows are padded with blanks, long ones refused
        bad = next(i for i, r in enumerate(rows[1:], 2) if len(r) > len(rows[0]))
        raise UploadError(
            f"{filename} could not be read as CSV: row {bad} has "
            f"{len(rows[bad - 1])} fields where the header has {len(rows[0])}"
        )
    return rows


# --- text encodings -------------------------------------------------------------------------

_BOMS = [(b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"),
         (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"),
         (b"\xfe\xff", "utf-16")]  # fmt: skip


# the legacy encodings a table from a spreadsheet or a statistics office is likely to be in
CANDIDATES = ["cp1252", "cp1250", "cp1251", "koi8_r", "cp1253", "cp1254", "cp1257",
              "iso8859_15", "mac_roman", "shift_jis", "cp932", "gb18030", "big5", "euc_kr",
              "euc_jp"]  # fmt: skip


def _plausible_latin(text: str) -> bool:
    """Every non-ASCII character is a Latin letter, and no word has three of them in a row
    (Cyrillic or Greek bytes read as Windows-1252 give "Ìîñêâà"; Polish ł gives "³")."""
    import unicodedata

    extra = [c for c in text if ord(c) > 127]
    if any(not c.isalpha() or "LATIN" not in unicodedata.name(c, "") for c in extra):
        return False
    return not re.search(r"[^\x00-\x7f]{3,}", text)


def _one_script(text: str) -> bool:
    """The non-ASCII letters are all of one script, and Latin ones read as words."""
    import unicodedata

    scripts = {unicodedata.name(c, "?").split(" ")[0] for c in text if ord(c) > 127 and c.isalpha()}
    return len(scripts) <= 1 and (scripts != {"LATIN"} or _plausible_latin(text))


def _lower_share(text: str) -> float:
    """Share of lower-case among the non-ASCII letters: ordinary text is mostly lower case,
    which tells Windows-1251 from KOI8-R (their cases sit in swapped halves)."""
    letters = [c for c in text if ord(c) > 127 and c.isalpha()]
    return sum(c.islower() for c in letters) / len(letters) if letters else 0.0


def decode(content: bytes, filename: str) -> tuple[str, str]:
    """(text, encoding). A byte-order mark or valid UTF-8 decides; UTF-16 without a mark is
    seen by its zero bytes. Otherwise Windows-1252 (Excel's "CSV" on Western systems) when it
    reads the file as Latin words; else the most plausible of charset-normalizer's readings in
    ``CANDIDATES`` (letters of one script first, then coherence - chaos, then lower-case share);
    a file no reading makes sense of is refused with the advice to save it as UTF-8."""
    for bom, enc in _BOMS:
        if content.startswith(bom):
            return _strict(content, enc, filename), enc
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    head = content[:4096]
    for enc, zeros in (("utf-16-le", head[1::2]), ("utf-16-be", head[0::2])):
        if len(content) % 2 == 0 and zeros.count(0) > 0.9 * len(zeros):
            return _strict(content, enc, filename), enc
    try:
        western = content.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    readings = _readings(content)
    if western is not None and _plausible_latin(western):
        rival = max(((sc, t, e) for t, (sc, e) in readings.items() if t != western), default=None)
        mine = readings.get(western, (0.0, ""))[0]
        if rival is None or rival[0] < mine + 0.2:
            return western, "cp1252"
    ranked = sorted(
        readings.items(),
        reverse=True,
        key=lambda kv: (_one_script(kv[0]), kv[1][0], _lower_share(kv[0])),
    )
    ranked = [r for r in ranked if "\x00" not in r[0][:4096]]
    if not ranked:
        raise UploadError(
            f"{filename} is not UTF-8 and no text encoding reads it as words; save "
            "it as UTF-8 (CSV UTF-8 in Excel) and upload again"
        )
    return ranked[0][0], ranked[0][1][1]


def _readings(content: bytes) -> dict[str, tuple[float, str]]:
    """Decoded text -> (coherence - chaos, encoding) of charset-normalizer's readings in
    ``CANDIDATES`` with chaos up to 0.2, the best score kept where two read alike."""
    from charset_normalizer import from_bytes

    readings: dict[str, tuple[float, str]] = {}
    for m in from_bytes(content[:200_000], cp_isolation=CANDIDATES):
        try:
            text = content.decode(m.encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        score = m.coherence - m.chaos
        if m.chaos <= 0.2 and (text not in readings or score > readings[text][0]):
            readings[text] = (score, m.encoding)
    return readings


def _strict(content: bytes, enc: str, filename: str) -> str:
    try:
        return content.decode(enc)
    except UnicodeDecodeError as exc:
        raise UploadError(
            f"{filename} starts like {enc} text but is not ({exc.reason} at byte {exc.start})"
        ) from None


def guess_columns(df: pd.DataFrame) -> dict[str, str | None]:
    """A first guess at which column plays which role, by name."""
    lower = {c.lower().strip(): c for c in df.columns}
    return {
        role: next((lower[n] for n in names if n in lower), None) for role, names in ROLES.items()
    }


def _examples(df: pd.DataFrame, mask: pd.Series, cols: list[str]) -> str:
    rows = df.loc[mask, cols].head(3)
    return "; ".join(
        f"row {i + 2}: " + ", ".join(f"{c}={str(v)[:30]!r}" for c, v in r.items())
        for i, r in rows.iterrows()
    )


def _values(text: pd.Series, df: pd.DataFrame, value: str) -> pd.Series:
    """The value column as numbers: spaces and thousands separators (1,234.5) dropped, blanks
    and the producers' no-figure marks NaN; text or negative values raise ``UploadError``."""
    raw = text.str.replace(r"[\s\u00a0]", "", regex=True)
    raw = raw.where(~raw.str.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?"), raw.str.replace(",", ""))
    blank = raw.isin(["", "nan", "NaN", "NA", "..", ":", "(D)", "-"])
    num = pd.to_numeric(raw.where(~blank), errors="coerce")
    bad = num.isna() & ~blank
    if bad.any():
        raise UploadError(
            f"{int(bad.sum())} value(s) are not numbers: " + _examples(df, bad, [value])
        )
    if (num < 0).any():
        raise UploadError(
            f"{int((num < 0).sum())} value(s) are negative: " + _examples(df, num < 0, [value])
        )
    return num.astype(float)


def prepare(
    df: pd.DataFrame, region: str, industry: str, value: str, year: str | None = None
) -> pd.DataFrame:
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
            raise UploadError(
                f"{int(blank.sum())} row(s) have no {key} code: "
                + _examples(df, blank, [chosen[key]])
            )
    out["value"] = _values(out["value"], df, value)
    if year:
        y = pd.to_numeric(out["year"].str.extract(r"^(\d{4})", expand=False), errors="coerce")
        if y.isna().any():
            raise UploadError(
                f"{int(y.isna().sum())} year(s) are not years: " + _examples(df, y.isna(), [year])
            )
        out["year"] = y.astype(int)
    keys = ["region", "industry", *(["year"] if year else [])]
    dup = out.duplicated(keys, keep=False)
    if dup.any():
        raise UploadError(
            f"{int(dup.sum())} rows repeat a (region, industry"
            + (", year" if year else "")
            + ") key: "
            + _examples(df, dup, [chosen[k] for k in keys])
        )
    return out


_TAG = re.compile(r"[<>&]")


def plain(text: str, limit: int = 60) -> str:
    """A user-supplied label made inert for plotly (which renders a subset of HTML in text)."""
    return _TAG.sub(lambda m: {"<": "‹", ">": "›", "&": "+"}[m.group()], str(text))[:limit]


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>:$=])")


def inert(text: str) -> str:
    """Text from a file made inert for Streamlit's Markdown (captions, messages): every
    character Markdown or its extensions act on is escaped, so an image or a link in a label is
    shown as typed and nothing is fetched."""
    return _MARKDOWN.sub(r"\\\1", str(text))
