"""What every source module returns, and the error a parser raises on a file it cannot read."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dashboard.fetch import RawFile


class ParseError(ValueError):
    """A raw file is not laid out as its producer publishes it; the message says where and why."""


def read_csv_text(path: Path, what: str, required: list[str] | None = None) -> pd.DataFrame:
    """Read a producer's CSV as text cells (only empty cells are missing, nothing else is
    guessed) and check the columns; any failure is a ParseError naming the file."""
    try:
        df = pd.read_csv(io.BytesIO(path.read_bytes()), dtype=str, keep_default_na=False)
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
