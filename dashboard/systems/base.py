"""What a region system is: the ``System`` record every layer receives, and its loaded ``Data``.

A region system fixes the dataset, the regions, the industries, the benchmark economy, the map
layer, the reference economy of a region and its social indicators. Everything that differs
between systems is a field or a method here, filled in by one module per family
(``systems.eu``, ``systems.us``, ``systems.russia``); the measures in ``dashboard.dependence``
work on any system.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

SOCIAL_COLUMNS = ["indicator", "unit", "geo", "period", "value"]


@dataclass(frozen=True)
class Break:
    """A classification break: periods on its two sides measure different things."""

    name: str  # "OKVED -> OKVED2"
    last_before: str  # the last period before the break ("2016")
    what: str  # one sentence for the reader

    def splits(self, a: str, b: str) -> bool:
        """True when periods ``a`` and ``b`` lie on different sides of the break."""
        return (str(a)[:4] <= self.last_before) != (str(b)[:4] <= self.last_before)

    @property
    def x(self) -> float:
        """Where to draw it on a yearly axis: halfway between the two sides."""
        return int(self.last_before) + 0.5


@dataclass(frozen=True)
class System:
    """One region system. ``datasets[0]`` holds its region-by-industry cells; ``social_datasets``
    hold its social indicators. Behaviour comes from the family module's functions."""

    key: str
    label: str
    datasets: tuple[str, ...]
    layer: str  # geometry layer (geo.LAYERS), which carries its projection and height
    unit: str
    what: str  # what the value counts
    benchmark: str
    partition_wording: str  # "the 10 NACE groups": what HHI and Krugman are computed over
    default_industry: str
    default_region: str
    loader: Callable[[System], Data]
    reference_of: Callable[[str], str] | None = None  # region -> its national/state reference
    no_reference: str = ""  # why there is no reference economy, when reference_of is None
    social_of: Callable[[System, str], pd.DataFrame] | None = None
    social_datasets: tuple[str, ...] = ()
    polygon_of: Callable[[System, frozenset[str]], Callable[[str], str]] | None = None
    geo_level: str = ""  # the regions' geo_level in the store (tidy schema)
    layer_level: int | None = None
    breaks: tuple[Break, ...] = ()
    notes: tuple[str, ...] = ()
    nominal: bool = False  # levels are money in current prices (shift-share growth = inflation)
    universe: int = 0  # how many regions the system has (e.g. 3,143 US counties), 0: unknown
    universe_noun: str = "regions"
    fuller: str = ""  # how to get the rest, when the store holds only some of them

    def coverage(self, held: int) -> str | None:
        """A sentence for a thin store ("15 of 3,143 counties: ..."), None when it holds at
        least 90% of the system's regions."""
        if not self.universe or held >= 0.9 * self.universe:
            return None
        return f"{held:,} of {self.universe:,} {self.universe_noun}" + (
            f": {self.fuller}" if self.fuller else ""
        )

    @property
    def dataset(self) -> str:
        return self.datasets[0]

    def load(self) -> Data:
        """All cells of the system (raises ``store.StoreMissing`` before a pull)."""
        return self.loader(self)

    def national_reference(self, region: str) -> str:
        """The economy a region's shift-share is measured against (country, state or RUS)."""
        if self.reference_of is None:
            raise ValueError(self.no_reference or f"{self.label} have no reference economy")
        return self.reference_of(region)

    def comparable(self, base: str, final: str) -> str | None:
        """None when two periods can be compared, else the reason they cannot."""
        for b in self.breaks:
            if b.splits(base, final):
                return (
                    f"{b.what} ({b.last_before} -> {int(b.last_before) + 1}): choose two "
                    "years on the same side of it"
                )
        return None

    def default_base(self, periods: list[str]) -> str:
        """The first period after the latest break (else the first period)."""
        after = [p for p in periods if all(str(p)[:4] > b.last_before for b in self.breaks)]
        return (after or list(periods))[0]

    def polygon_region(self, codes) -> Callable[[str], str]:
        """Map a polygon id of the system's layer to the region code it draws (a county
        polygon to its state; a NUTS 2021 polygon to the older code in ``codes`` it stands
        for)."""
        if self.polygon_of is None:
            return lambda fid: fid
        return self.polygon_of(self, frozenset(codes))

    def social(self, region: str) -> pd.DataFrame:
        """Social indicators of a region beside its reference economy, long: indicator, unit,
        geo, period, value. Empty where the store has none."""
        from dashboard import store

        parts: list[pd.DataFrame] = []
        if self.social_of is not None:
            try:
                parts = [self.social_of(self, region)]
            except store.StoreMissing:
                parts = []
        parts = [p for p in parts if len(p)]
        if not parts:
            return pd.DataFrame(columns=SOCIAL_COLUMNS)
        return pd.concat(parts, ignore_index=True).dropna(subset=["value"])


def series(frame: pd.DataFrame, label: str, unit: str, who: list[str]) -> pd.DataFrame:
    """Rows of ``frame`` for the regions ``who`` as social-indicator rows."""
    f = frame[frame["geo"].isin(who)]
    return pd.DataFrame(
        {
            "indicator": label,
            "unit": unit,
            "geo": f["geo"],
            "period": f["period"].astype(str),
            "value": f["value"],
        }
    )


def from_benchmark_row(cells: pd.DataFrame, totals: pd.DataFrame, code: str) -> pd.DataFrame:
    """Benchmark shares (period, industry, bench_share 0..1) from one region row of the data
    (the EU-28 or the Russian Federation as published)."""
    ref = cells[cells["region"] == code].merge(totals)
    return ref.assign(bench_share=ref["value"] / ref["total"])[
        ["period", "industry", "bench_share"]
    ]


@dataclass
class Data:
    """A system's cells for all periods. ``cells``: period, region, industry, value (NaN =
    suppressed), for the system's regions and the reference economies; ``totals``: period,
    region, total; ``bench``: period, industry, bench_share (0..1)."""

    system: System
    cells: pd.DataFrame
    totals: pd.DataFrame
    bench: pd.DataFrame
    partition: tuple[str, ...]
    labels: dict[str, str]
    regions: tuple[str, ...]
    periods: tuple[str, ...]
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    period_notes: dict[str, list[str]] = field(default_factory=dict)  # what a period lacks

    def label(self, code: str) -> str:
        return self.labels.get(code, code)

    def members(self, industry: str) -> tuple[str, ...]:
        return self.groups.get(industry, (industry,))

    @cached_property
    def periods_without_data(self) -> tuple[str, ...]:
        """Periods in which none of the system's regions has a total (computed once: a page
        asks on every rerun)."""
        have = set(self.totals.loc[self.totals["region"].isin(self.regions), "period"].unique())
        return tuple(sorted(set(self.periods) - have))
