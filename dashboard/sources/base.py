"""What every source module returns, and the error a parser raises on a file it cannot read."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from dashboard.fetch import RawFile


class ParseError(ValueError):
    """A raw file is not laid out as its producer publishes it; the message says where and why."""


@dataclass
class Loaded:
    """A parsed dataset: the tidy frame, the raw files it came from, and its vintage."""

    frame: pd.DataFrame
    files: list[RawFile]
    vintage: str
    notes: list[str] = field(default_factory=list)
