"""Indicator metadata in one declared table (``datasets/indicators.toml``), keyed by (dataset,
indicator): title, label, unit, short unit, decimals, a map's class limits and plausible bounds.
The measures (``analysis.MEASURES``), the Home builders, the tables and the pull's check
(:func:`check_bounds`) read it; nothing else writes these words or numbers again."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from dashboard.config import datasets_dir


@dataclass(frozen=True)
class Indicator:
    dataset: str
    indicator: str
    title: str
    label: str
    unit: str
    short_unit: str
    decimals: int
    breaks: tuple[float, ...] | None = None
    bounds: tuple[float, float] | None = None

    @property
    def value_format(self) -> str:
        """A format spec for its values: thousands separated when it has no decimals."""
        return ",.0f" if self.decimals == 0 else f".{self.decimals}f"


@lru_cache(maxsize=1)
def table() -> dict[tuple[str, str], Indicator]:
    with open(datasets_dir() / "indicators.toml", "rb") as fh:
        raw = tomllib.load(fh)
    out = {}
    for e in raw["indicator"]:
        breaks, bounds = e.get("breaks"), e.get("bounds")
        out[(e["dataset"], e["indicator"])] = Indicator(
            dataset=e["dataset"],
            indicator=e["indicator"],
            title=e["title"],
            label=e["label"],
            unit=e["unit"],
            short_unit=e["short_unit"],
            decimals=int(e["decimals"]),
            breaks=tuple(float(b) for b in breaks) if breaks else None,
            bounds=(float(bounds[0]), float(bounds[1])) if bounds else None,
        )
    return out


def get(dataset: str, indicator: str) -> Indicator:
    """The metadata of ``indicator`` in ``dataset``; KeyError naming both if undeclared."""
    try:
        return table()[(dataset, indicator)]
    except KeyError:
        raise KeyError(
            f"{dataset}/{indicator} is not declared in datasets/indicators.toml"
        ) from None


class OutOfBounds(ValueError):
    """A pulled value outside its indicator's plausible bounds."""


def check_bounds(frame: pd.DataFrame, dataset: str) -> None:
    """Raise :class:`OutOfBounds` naming the first cell (geo, year, value) of ``frame`` whose
    value lies outside its declared indicator's bounds, and how many cells do."""
    for (ds, ind), meta in table().items():
        if ds != dataset or meta.bounds is None:
            continue
        rows = frame[frame["indicator"] == ind]
        values = pd.to_numeric(rows["value"], errors="coerce")
        lo, hi = meta.bounds
        out = (values < lo) | (values > hi)
        bad = rows[out]
        if len(bad):
            first, value = bad.iloc[0], float(values[out].iloc[0])
            raise OutOfBounds(
                f"{dataset}: {len(bad)} value(s) of {ind} outside its plausible range {lo:g} to "
                f"{hi:g} ({meta.unit}), first {first['geo']} {first['year']}: {value:g}; "
                "the stored table is kept"
            )
