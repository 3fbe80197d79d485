"""Publication exports of a chart (no Streamlit): PNG/SVG/PDF rendered on the server by kaleido
with the system Chromium, and a data package (CSV, XLSX, metadata.json, README with a ready
citation).

Images carry the chart's title, subtitle and source line, which the page shows as text, set
into the image at its size and wrapped by the font's measured widths, and a "labordash" credit.
Text is set in Arial/Helvetica (stated in metadata.json):
fonts every system has, so an SVG opened in another program keeps its metrics. Every text cell
of an exported table is spreadsheet-safe (a leading =, +, -, @, |, tab, CR, LF or a full-width
=, +, -, @ gets an apostrophe).
"""

from __future__ import annotations

import io
import json
import os
import re
import warnings
import zipfile
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from dashboard import __version__, charts
from dashboard.catalog import origin

FONT = "Arial, Helvetica, sans-serif"
FORMATS = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
CHROMIUM = Path("/usr/bin/chromium")
URL = "https://github.com/labordash/labordash"


def available() -> bool:
    """Whether a Chromium for kaleido is at hand (``BROWSER_PATH`` or Debian's)."""
    return bool(os.environ.get("BROWSER_PATH")) or CHROMIUM.exists()


class ExportError(RuntimeError):
    """An image could not be rendered (no Chromium, kaleido failed); the message says why."""


# a spreadsheet runs a cell starting with these as a formula or a DDE command; Excel also
# reads the full-width forms (U+FF1D =, U+FF0B +, U+FF0D -, U+FF20 @) as their ASCII twins
FORMULA_STARTS = frozenset("=+-@|\t\r\n\uff1d\uff0b\uff0d\uff20")


def spreadsheet_safe(df: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells a spreadsheet would run as a formula (=, +, -, @, |, tab, CR, LF and
    the full-width =, +, -, @) with an apostrophe (OWASP "CSV injection")."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(
                lambda v: "'" + v if isinstance(v, str) and v[:1] in FORMULA_STARTS else v
            )
    return out


def safe_name(name: str, limit: int = 80) -> str:
    """A file name that cannot leave its directory: letters and digits of any script, '-' and
    '_' only (a Cyrillic title keeps its words)."""
    return re.sub(r"[^\w-]+", "_", str(name)).strip("_")[:limit] or "chart"


MIN_PX, MAX_PX = 100, 5000  # image width and height (CSS px; a PNG is rendered at 2x)
RENDER_SECONDS = 60.0  # one image, then kaleido gives up
SIGNATURES = {"png": (b"\x89PNG\r\n\x1a\n",), "pdf": (b"%PDF-",), "svg": (b"<svg", b"<?xml")}


def check_size(value, what: str) -> int:
    """A width or height as an int within MIN_PX..MAX_PX, else ExportError naming it."""
    try:
        px = int(value)
        if px != float(value):
            raise ValueError
    except (TypeError, ValueError):
        raise ExportError(f"{what} must be a whole number of pixels, got {value!r}") from None
    if not MIN_PX <= px <= MAX_PX:
        raise ExportError(f"{what} must be between {MIN_PX} and {MAX_PX} px, got {px}")
    return px


def check_image(data: bytes, fmt: str) -> bytes:
    """``data`` if it starts as a ``fmt`` file does, else ExportError (a renderer that failed
    quietly returns a few bytes that are not an image)."""
    if not data.lstrip()[:64].startswith(SIGNATURES[fmt]):
        raise ExportError(
            f"the renderer returned {len(data)} bytes that are not a {fmt.upper()} file"
        )
    return data


def publication_figure(
    fig: go.Figure, width: int = 1200, height: int | None = None
) -> tuple[go.Figure, int]:
    """A copy of ``fig`` as published at ``width`` px: its title, subtitle and source line set
    into the image with a "labordash" credit under them (``charts.compose``), in the export
    font. Returns the figure and the image's height."""
    out, height = charts.compose(fig, width, height, credit=f"Made with labordash {__version__}")
    out.update_layout(font_family=FONT, title_font_family=FONT)
    return out, height


def _browser() -> None:
    if not os.environ.get("BROWSER_PATH") and CHROMIUM.exists():
        os.environ["BROWSER_PATH"] = str(CHROMIUM)  # kaleido finds Chrome through it


@contextmanager
def one_browser():
    """Keep one Chromium running for every ``image`` call inside the block (batch export)."""
    import kaleido

    _browser()
    kaleido.start_sync_server(n=1, timeout=RENDER_SECONDS, silence_warnings=True)
    try:
        with warnings.catch_warnings():  # plotly notes that kopts go unused with a server
            warnings.filterwarnings("ignore", message="The kopts argument is ignored")
            yield
    finally:
        kaleido.stop_sync_server(silence_warnings=True)


def image(
    fig: go.Figure,
    fmt: str,
    width: int = 1200,
    height: int | None = None,
    scale: float | None = None,
    *,
    url: str = "",
) -> bytes:
    """The figure as PNG (2x by default), SVG or PDF bytes; sizes in MIN_PX..MAX_PX, the bytes
    checked to be what ``fmt`` says, and the chart's title and ``url`` (the view with every
    selection) in the file's own metadata (:func:`describe_file`)."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown image format {fmt!r}; use one of {', '.join(FORMATS)}")
    _browser()
    width = check_size(width, "width")
    if height is not None:
        height = check_size(height, "height")
    published, height = publication_figure(fig, width, height)
    height = check_size(height, "height")
    scale = scale if scale is not None else (2 if fmt == "png" else 1)
    for attempt in (1, 2):
        try:
            data = pio.to_image(published, format=fmt, width=width, height=height, scale=scale)
            break
        except Exception as exc:  # kaleido raises several kinds; all mean "no image"
            # once more after an error other than a timeout: on a loaded machine kaleido's tab
            # was seen to run the figure before its own scripts had loaded ("kaleido_scopes is
            # not defined"); an error that is the figure's comes back the second time
            if isinstance(exc, TimeoutError) or attempt == 2:
                reason = "timed out" if isinstance(exc, TimeoutError) else str(exc)
                raise ExportError(f"the {fmt.upper()} could not be rendered: {reason}") from None
    title = charts.texts(fig)["title"]
    return describe_file(check_image(data, fmt), fmt, title, url)


def describe_file(data: bytes, fmt: str, title: str, url: str = "") -> bytes:
    """Title, view URL and creator written into the file: PDF document info (pypdf; kaleido
    leaves "Kaleido-fier"), SVG ``<title>`` and ``<metadata>``, PNG text chunks."""
    creator = f"labordash {__version__}"
    if fmt == "pdf":
        from pypdf import PdfReader, PdfWriter

        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
        writer.add_metadata(
            {"/Title": title, "/Subject": url, "/Creator": creator, "/Producer": creator}
        )
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    if fmt == "svg":
        from xml.sax.saxutils import escape

        text = data.decode("utf-8")
        head = text.index(">", text.index("<svg")) + 1
        meta = f"<title>{escape(title)}</title><metadata>{escape(url or creator)}</metadata>"
        return (text[:head] + meta + text[head:]).encode("utf-8")
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    for k, v in (("Title", title), ("Source", url), ("Software", creator)):
        if v:
            info.add_itxt(k, v)
    out = io.BytesIO()
    Image.open(io.BytesIO(data)).save(out, format="png", pnginfo=info)
    return out.getvalue()


def view_link(base: str, pairs: list[tuple[str, str]]) -> str:
    """The view's URL with every selection: the page URL (without its query) and the query
    parameters, repeated keys kept (``countries=RUS&countries=UKR``)."""
    from urllib.parse import urlencode

    base = str(base).split("?", 1)[0]
    return base + (f"?{urlencode(pairs)}" if pairs else "")


_TEX = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
        "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
        "<": "$<$", ">": "$>$", "×": r"$\times$", "Δ": r"$\Delta$"}  # fmt: skip
_SUPERSCRIPTS = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")


def _md_cell(value):
    """A Markdown table cell: "|" escaped, line breaks as spaces; numbers as they are."""
    if not isinstance(value, str):
        return value
    return value.replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _tex(text) -> str:
    """Text made safe for LaTeX (its special characters escaped; <, >, × and Δ in math mode;
    an exponent written 10⁻⁶ set as 10\textsuperscript{-6})."""
    out = "".join(_TEX.get(ch, ch) for ch in str(text))
    return re.sub(
        "[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+",
        lambda m: r"\textsuperscript{" + m.group().translate(_SUPERSCRIPTS) + "}",
        out,
    )


TABLE_FORMATS = {"md": ("Markdown", "text/markdown"), "tex": ("LaTeX", "application/x-tex")}


def table_text(
    df: pd.DataFrame,
    fmt: str,
    *,
    title: str,
    labels: dict[str, str],
    formats: dict[str, str],
    notes: list[str],
) -> str:
    """A results table for a paper: ``fmt`` "md" (a Markdown table) or "tex" (a LaTeX
    ``table`` with booktabs rules and the notes under it). Columns are renamed by ``labels``
    and numbers written with ``formats`` (Python format specs by column); ``notes`` are the
    sample, the specification and the source."""
    shown = pd.DataFrame(
        {
            labels.get(c, c): [
                v
                if isinstance(v, str)
                or not pd.api.types.is_scalar(v)
                or pd.isna(v)
                or c not in formats
                else format(v, formats[c])
                for v in df[c]
            ]
            for c in df
        }
    )
    shown = shown.fillna("")
    if fmt == "md":  # a "|" or a line break in a cell (an uploaded file's text) ends its row
        shown = shown.map(_md_cell).rename(columns=_md_cell)
        return (
            "\n".join(
                [f"**{title}**", "", shown.to_markdown(index=False), "", *[f"{n}  " for n in notes]]
            )
            + "\n"
        )
    if fmt == "tex":
        cells = shown.map(_tex).rename(columns=_tex)
        tab = cells.to_latex(
            index=False, escape=False, column_format="l" + "r" * (len(cells.columns) - 1)
        )
        foot = "\n".join(f"\\par {_tex(n)}" for n in notes)
        return (
            "% needs \\usepackage{booktabs}\n\\begin{table}[htbp]\n\\centering\n"
            f"\\caption{{{_tex(title)}}}\n{tab}\\begin{{minipage}}{{\\linewidth}}\\footnotesize\n"
            f"{foot}\n\\end{{minipage}}\n\\end{{table}}\n"
        )
    raise ValueError(f"unknown table format {fmt!r}; known: {', '.join(TABLE_FORMATS)}")


def citation(datasets: list[str], title: str, accessed: str) -> tuple[str, str]:
    """(plain text, BibTeX) citing labordash and every dataset behind a chart."""
    parts = [f"labordash {__version__} ({accessed[:4]}). {title}. {URL}, accessed {accessed}."]
    parts += [f"Data: {origin(d).citation}" for d in datasets]
    key = f"labordash{accessed[:4]}{safe_name(title)[:20].lower()}"
    data = "; data: " + "; ".join(origin(d).producer for d in datasets) if datasets else ""
    bib = (
        f"@misc{{{key},\n  title = {{{title}}},\n  author = {{{{labordash}}}},\n"
        f"  year = {{{accessed[:4]}}},\n  howpublished = {{\\url{{{URL}}}}},\n"
        f"  note = {{labordash {__version__}{data}; accessed {accessed}}}\n}}\n"
    )
    return "\n\n".join(parts), bib


def today() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d")


def data_package(
    data: pd.DataFrame,
    *,
    title: str,
    datasets: list[str],
    filters: dict,
    vintages: dict[str, str | None],
    url: str = "",
    xlsx: bool = True,
    source: str = "",
) -> bytes:
    """A zip with data.csv and data.xlsx (the rows plotted; no XLSX with ``xlsx=False`` or
    beyond Excel's 1,048,575 rows), metadata.json and README.md. ``source``: the chart's
    source line, which also credits what is not a dataset (a map's boundaries)."""
    accessed = today()
    xlsx = xlsx and len(data) < 1_048_576
    plain, bib = citation(datasets, title, accessed)
    safe = spreadsheet_safe(data)
    meta = {
        "title": title,
        "labordash_version": __version__,
        "exported": accessed,
        "view_url": url,
        "filters": filters,
        "rows": len(data),
        "columns": list(data.columns),
        "font": FONT,
        "source_line": source,
        "datasets": [
            {
                "id": d,
                "producer": origin(d).producer,
                "title": origin(d).title,
                "vintage": vintages.get(d),
                "licence": origin(d).licence,
                "licence_url": origin(d).licence_url,
                "citation": origin(d).citation,
                "url": origin(d).url_main,
            }
            for d in datasets
        ],
    }
    readme = (
        f"# {title}\n\nExported from labordash {__version__} on {accessed}."
        + (f"\nView: {url}" if url else "")
        + "\n\nFiles: data.csv"
        + (" and data.xlsx" if xlsx else "")
        + " (the rows), metadata.json (filters, "
        "datasets, vintages, licences).\n\n"
        + (f"## Sources, as on the chart\n\n{source}\n\n" if source else "")
        + "## How to cite\n\n"
        + plain
        + "\n\n```bibtex\n"
        + bib
        + "```\n\n## Licences\n\n"
        + "\n".join(f"- {d}: {origin(d).licence}" for d in datasets)
        + "\n"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("data.csv", safe.to_csv(index=False))
        if xlsx:
            book = io.BytesIO()
            safe.to_excel(book, index=False)
            zf.writestr("data.xlsx", book.getvalue())
        zf.writestr("metadata.json", json.dumps(meta, indent=2, ensure_ascii=False, default=str))
        zf.writestr("README.md", readme)
    return buf.getvalue()
