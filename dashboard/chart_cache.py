"""A cache of built charts and tables shared by every session of a process, bounded by bytes
(not by entries: Play's maps are many and alike, 77 years x 3 measures on Home alone, and a
256-entry cache evicted them while they played). Least recently used first out (the builds of
an older store version are never asked for again and leave first); one build per key when many
sessions ask at once. The budget is ``LABORDASH_CHART_CACHE_MB`` (default 256 MB of
estimated size, :func:`size_of`)."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

DEFAULT_MB = 256
OVERHEAD = 3  # a figure's Python objects take about 3 times its JSON (measured on the maps)


def budget() -> int:
    """The cache's size in bytes (``LABORDASH_CHART_CACHE_MB``)."""
    return int(float(os.environ.get("LABORDASH_CHART_CACHE_MB", DEFAULT_MB)) * 2**20)


def size_of(built: Any) -> int:
    """Estimated bytes of a ``registry.Built``: OVERHEAD x its figure's JSON, plus the rows'
    memory."""
    from dashboard import charts

    size = 0
    if built.chart is not None:
        fig = built.chart.figure
        size += OVERHEAD * (fig.json_bytes() if isinstance(fig, charts.StillFigure) else 0)
    rows = built.rows
    if rows is not None:
        size += int(rows.memory_usage(deep=True).sum())
    return size


class ByteLRU:
    """``get(version, key, build)``: the value built once per (version, key) and kept while the
    sizes of the kept values (``measure``) stay within ``limit`` bytes."""

    def __init__(self, limit: int, measure: Callable[[Any], int]) -> None:
        self.limit, self.measure = limit, measure
        self.items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self.total = 0
        self.builds = 0  # how many values were built (the tests and benchmarks read it)
        self._lock = threading.Lock()
        self._pending: dict[Hashable, threading.Event] = {}

    def get(self, version: Hashable, key: Hashable, build: Callable[[], Any]) -> Any:
        key = (version, key)
        with self._lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key][0]
            waiting = self._pending.get(key)
            if waiting is None:
                self._pending[key] = threading.Event()
        if waiting is not None:  # another session builds it: wait, then take it
            waiting.wait()
            with self._lock:
                if key in self.items:
                    self.items.move_to_end(key)
                    return self.items[key][0]
            return build()  # its build failed: fail (or succeed) on our own
        try:
            value = build()
            size = self.measure(value)
            with self._lock:
                self.builds += 1
                self.items[key] = (value, size)
                self.total += size
                while self.total > self.limit and len(self.items) > 1:
                    _, (_, gone) = self.items.popitem(last=False)
                    self.total -= gone
            return value
        finally:
            with self._lock:
                self._pending.pop(key).set()

    def clear(self) -> None:
        with self._lock:
            self.items.clear()
            self.total = 0
