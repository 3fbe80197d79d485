"""US Census of Governments, Table 1 "State and Local Government Finances by Level of Government
and by State" (17slsstab1a/b) -> ``us_state_finances``.

Each part of the table has the states across (three columns each: state and local, state, local
government), the finance lines down (``Line``, ``Description``). Amounts are thousand US$ as
published. Stored with indicator ``amount``, the line number and description (footnote digits
removed, indentation kept as ``depth``) and ``government`` (state_local, state, local). States
are ``SS000`` as BLS writes them, the US total ``US000``.
"""

from __future__ import annotations

import csv
import io
import re
from functools import cache
from itertools import pairwise
from pathlib import Path

import pandas as pd

from dashboard import crosswalks
from dashboard.schema import tidy
from dashboard.sources.base import ParseError, Source, check_complete

DATASET = "us_state_finances"
SOURCE = "usstates"
GOVERNMENTS = ["state_local", "state", "local"]


@cache
def state_fips() -> dict[str, str]:
    t = crosswalks.us_states()
    return dict(zip(t["name"], t["fips"], strict=True))


def _areas(head: list[str], file: str) -> dict[int, tuple[str, str]]:
    """Header column -> (geo, level): the United States total and each state by name."""
    areas = {}
    for col, name in enumerate(head):
        name = name.strip()
        if col >= 2 and name:
            if name == "United States Total":
                areas[col] = ("US000", "us_nation")
            elif name in state_fips():
                areas[col] = (state_fips()[name] + "000", "us_state")
            else:
                raise ParseError(f"{file}: unknown state {name!r} in the header")
    return areas


def _amount(cell: str, where: str) -> tuple[float, str | None]:
    """A cell's amount (thousand US$, thousands separators dropped), or NaN "not applicable"
    for the Census's "-", "(X)" and "X"."""
    text = cell.replace(",", "")
    if text in ("-", "(X)", "X"):
        return float("nan"), "not applicable"
    try:
        return float(text), None
    except ValueError:
        raise ParseError(f"{where}: {cell!r}") from None


def parse(path: Path, year: int) -> pd.DataFrame:
    try:
        text = path.read_text("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(f"{path.name}: not UTF-8 text ({exc})") from None
    check_complete(text, path.name)
    rows = list(csv.reader(io.StringIO(text)))
    head = next((r for r in rows if len(r) > 2 and r[1].strip() == "Description" and r[2]), None)
    start = next((i for i, r in enumerate(rows) if r and r[0].strip() == "Line"), None)
    if head is None or start is None:
        raise ParseError(f"{path.name}: no 'Description' header with states, or no 'Line' row")
    areas = _areas(head, path.name)
    numbered = [int(r[0]) for r in rows if r and r[0].strip().isdigit()]
    early = any(r and r[0].strip().isdigit() for r in rows[:start])
    if early or any(a >= b for a, b in pairwise(numbered)):
        raise ParseError(
            f"{path.name}: the table's line numbers do not rise in order below the 'Line' "
            "header (rows repeated or out of order)"
        )
    out = []
    for r in rows[start + 1 :]:
        if not r or not r[0].strip().isdigit():
            continue
        line, raw_desc = int(r[0]), r[1]
        desc = re.sub(r"\d+$", "", raw_desc.strip())
        depth = (len(raw_desc) - len(raw_desc.lstrip(" "))) // 5
        for col, (geo, level) in areas.items():
            for k, gov in enumerate(GOVERNMENTS):
                cell = r[col + k].strip() if col + k < len(r) else ""
                if not cell.replace(",", ""):  # no figure
                    continue
                value, flag = _amount(cell, f"{path.name}: line {line} {geo}")
                out.append(
                    {
                        "geo": geo,
                        "geo_level": level,
                        "line": str(line),
                        "description": desc,
                        "depth": depth,
                        "government": gov,
                        "value": value,
                        "flag": flag,
                    }
                )
    if not out:
        raise ParseError(f"{path.name}: no data lines")
    df = pd.DataFrame(out).assign(
        dataset=DATASET, indicator="amount", year=year, unit="thousand US$"
    )
    return tidy(df)


def parse_all(paths: list[Path]) -> pd.DataFrame:
    """Both parts of Table 1 (the year from the file name, ``17slsstab1a`` = 2017)."""
    frames = []
    for p in paths:
        m = re.match(r"(\d{2})slsstab", p.name)
        frames.append(parse(p, 2000 + int(m.group(1)) if m else 0))
    frame = pd.concat(frames, ignore_index=True)
    frame = frame[~frame.duplicated(["geo", "line", "government"])]  # US total in both parts
    return frame.reset_index(drop=True)


SPEC = Source(
    DATASET,
    SOURCE,
    "*slsstab1*.csv",
    parse_all,
    lambda paths, frame: f"Census of Governments {frame.year.max()}",
    no_download="no Census Table 1 (17slsstab1a/b) in the mirror; the Census publishes it as "
    "xlsx at www2.census.gov/programs-surveys/gov-finances/tables/",
    every_match=True,
)
load = SPEC.load
