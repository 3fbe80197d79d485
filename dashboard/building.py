"""What a chart or table builder returns (``Built``) and how it is declared (``@chart``,
``@table``): the declaration is kept on the function, and ``dashboard.registry`` lists the
builders explicitly. No Streamlit; builders import this module, never the registry."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache, wraps
from typing import Any

import pandas as pd

from dashboard import charts, store


class SpecError(ValueError):
    """An export spec names an unknown chart or parameter, or a value the data does not have."""


@dataclass
class Built:
    """What a builder returns. ``chart`` for charts, ``table`` for model tables; ``name`` and
    ``params`` (every parameter, defaults filled in) are set by ``build``."""

    chart: charts.Chart | None
    datasets: list[str]
    table: pd.DataFrame | None = None
    notes: dict[str, Any] = field(default_factory=dict)  # figures the page writes beside it
    name: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:
        if self.chart is not None:
            return charts.texts(self.chart.figure)["title"] or self.name
        return str(self.notes.get("title", self.name))

    @property
    def rows(self) -> pd.DataFrame:
        """The data behind it: the rows plotted, or the table."""
        return self.chart.data if self.chart is not None else self.table


@dataclass(frozen=True)
class Declared:
    """A builder's declaration: a chart or a model table, the page that shows it, every dataset
    it may draw on, and the allowed values of parameters where they are fixed (a list, or a
    function of the store that returns one)."""

    kind: str  # "chart" or "table"
    page: str  # a key of sitemap.PAGES
    datasets: tuple[str, ...]
    choices: dict[str, Callable[[], list] | list]


def _declare(kind: str, page: str, datasets: Iterable[str], choices: dict | None = None):
    def wrap(fn: Callable[..., Built]) -> Callable[..., Built]:
        fn.declared = Declared(kind, page, tuple(datasets), choices or {})
        return fn

    return wrap


def chart(page: str, datasets: Iterable[str], choices: dict | None = None):
    """Declare a chart builder shown on ``page`` (listed in ``registry.BUILDERS``)."""
    return _declare("chart", page, datasets, choices)


def table(page: str, datasets: Iterable[str], choices: dict | None = None):
    """Declare a model table shown on ``page`` (exported as CSV, Markdown and LaTeX)."""
    return _declare("table", page, datasets, choices)


def versioned(maxsize: int = 16):
    """Cache a pure function of the store per store version (a new pull invalidates it).
    Results are shared: callers must not modify them."""

    def deco(fn):
        cached = lru_cache(maxsize=maxsize)(lambda version, *args: fn(*args))

        @wraps(fn)
        def inner(*args):
            return cached(store.version(), *args)

        inner.cache_clear = cached.cache_clear
        return inner

    return deco
