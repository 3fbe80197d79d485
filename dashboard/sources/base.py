"""What every source module returns, and the error a parser raises on a file it cannot read."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dashboard.fetch import RawFile


class ParseError(ValueError):
    """A raw file is not laid out as its producer publishes it; the message says where and why."""


def check_complete(raw: bytes | str, name: str) -> None:
    """A producer's CSV ends with a whole row; one that stops mid-row was cut short (an
    interrupted download or copy): its last line has fewer fields than the widest of the first
    50 lines. A file ending in a newline passes. A cut inside the last field cannot be seen (no
    producer publishes checksums); cuts at a row boundary are caught by the checks on content."""
    text = raw.decode("utf-8-sig", errors="replace") if isinstance(raw, bytes) else raw
    if not text or text.endswith("\n"):
        return
    lines = text.splitlines()
    width = max(len(r) for r in csv.reader(lines[:50]))
    last = next(csv.reader([lines[-1]]), [])
    if len(last) < width:
        raise ParseError(
            f"{name}: ends mid-row (its last line has {len(last)} of {width} fields): the file "
            "was cut short, download it again"
        )


def read_csv_text(path: Path, what: str, required: list[str] | None = None) -> pd.DataFrame:
    """Read a producer's CSV as text cells (only empty cells are missing, nothing else is
    guessed) and check the columns; any failure is a ParseError naming the file."""
    raw = path.read_bytes()
    check_complete(raw, path.name)
    try:
        df = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise ParseError(f"{path.name}: unreadable {what} ({exc})") from None
    missing = [c for c in required or [] if c not in df.columns]
    if missing:
        raise ParseError(f"{path.name}: not a {what}, columns missing: {missing}")
    return df


@dataclass
class Loaded:
    """A parsed dataset: the tidy frame, the raw files it came from, and its vintage."""

    frame: pd.DataFrame
    files: list[RawFile]
    vintage: str
    notes: list[str] = field(default_factory=list)
