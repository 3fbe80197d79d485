"""The source line of a chart, built from the datasets it plots (house style, DESIGN.md).

One dataset: ``Source: <producer> (<vintage>) · <licence>``; several: ``Sources: <producer>
(<vintage>) · <licence>; ...``; then any credits (map boundaries) after `` · ``. The vintage is
the one recorded in the store's manifest when the dataset was pulled.
"""

from __future__ import annotations

from collections.abc import Iterable

from dashboard import store
from dashboard.catalog import origin


def vintages(datasets: Iterable[str]) -> dict[str, str | None]:
    """Dataset -> its stored vintage (None before a pull)."""
    man = store.manifest()
    return {d: man.get(d, {}).get("vintage") for d in dict.fromkeys(datasets)}


def source_line(datasets: Iterable[str], *credits: str) -> str:
    """The footer naming every dataset plotted, with vintage and licence, then ``credits``."""
    parts = [
        origin(d).source_line(v).removeprefix("Source: ") for d, v in vintages(datasets).items()
    ]
    head = ("Source: " if len(parts) == 1 else "Sources: ") + "; ".join(parts)
    return " · ".join([head, *filter(None, credits)])
