"""What a chart or table builder returns (``Built``) and how it is declared (``@chart``,
``@table``): the declaration is kept on the function, and ``dashboard.registry`` lists the
builders explicitly. No Streamlit; builders import this module, never the registry."""

from __future__ import annotations

import inspect
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
class Param:
    """How a builder's parameter is chosen on its page: the widget's ``label``, its ``url`` key
    (``?url=``; the parameter's name when empty), the allowed ``choices`` (a list, or a function
    of the store that returns one; None: any value the builder accepts), ``format`` (choice ->
    what the reader sees), ``widget`` and its ``help``. Widgets: "select", "radio", "multi"
    (several of ``choices``), "year" (a slider, a whole year) and "years" (a range slider, the
    value "first-last"; empty for every year where that is the builder's default); the years
    lie within ``bounds`` (first, last), or a function of ``given`` that returns them. The
    default is the builder's own default (``default`` where that is None or empty); the registry
    checks every value against ``choices`` or ``bounds`` once, so a builder need not check them
    again."""

    label: str = ""
    url: str = ""
    choices: Callable[..., list] | list | tuple | None = None
    format: Callable[..., str] | dict | None = None
    # every choice's text at once (a dict per store version), for long lists: a widget asks
    # for each option's text on every rerun, and thousands of calls of ``format`` add up
    labels: Callable[..., dict] | None = None
    widget: str = "select"
    help: str | None = None
    max_selections: int | None = None  # "multi": at most this many values
    # the allowed values in words, for messages ("Russian federal subjects"; a function of
    # ``given`` such as the system's key, where the list is too long to print)
    what: str | Callable[..., str] = ""
    # the other parameters that the choices, the format and the default depend on (the region
    # system's industries): those callables take them as keywords
    given: tuple[str, ...] = ()
    default: Callable[..., Any] | None = None  # where the builder's default is None or empty
    bounds: Callable[..., tuple[int, int]] | tuple[int, int] | None = None  # "year", "years"
    # False: the builder takes any value and says what it used instead (a base year without
    # figures); the widget still offers only the allowed values
    checked: bool = True

    def context(self, params: dict[str, Any]) -> dict[str, Any]:
        """The values of ``given`` in ``params`` (every parameter of a view or a spec; one
        that a view leaves out takes the function's own default)."""
        return {k: params[k] for k in self.given if k in params}

    def span(self, **params) -> tuple[int, int]:
        """The first and last year a "year" or "years" widget offers."""
        b = self.bounds
        lo, hi = b(**self.context(params)) if callable(b) else b
        return int(lo), int(hi)

    def years_of(self, value: str, **params) -> tuple[int, int]:
        """A "years" value ("first-last", empty for every year) as two years within
        ``span``; a ``SpecError`` naming the parameter when it is not."""
        lo, hi = self.span(**params)
        if not value:
            return lo, hi
        try:
            y0, y1 = (int(y) for y in str(value).split("-"))
        except ValueError:
            raise SpecError(
                f"{self.url} must be first-last, e.g. {max(lo, hi - 25)}-{hi}; got {value!r}"
            ) from None
        if not lo <= y0 <= y1 <= hi:
            raise SpecError(f"{self.url} must lie within {lo}-{hi}, first before last")
        return y0, y1

    def described(self, **params) -> str:
        """``what`` for these parameters ("" when not declared)."""
        return self.what(**self.context(params)) if callable(self.what) else self.what

    def allowed(self, **params) -> list | None:
        """The allowed values; ``params`` must hold those named in ``given``."""
        c = self.choices
        if c is None and self.widget == "year" and self.bounds is not None:
            lo, hi = self.span(**params)
            return list(range(lo, hi + 1))
        if c is None:
            return None
        return list(c(**self.context(params)) if callable(c) else c)

    def shown(self, value: Any, **params) -> str:
        """``value`` as the reader sees it in the widget."""
        return self.formatter(**params)(value)

    def formatter(self, **params) -> Callable[[Any], str]:
        """The widget's text of each option: from ``labels`` (one call), else ``format``."""
        f = self.format
        if self.labels is not None:
            f = self.labels(**self.context(params))
        if f is None:
            return str
        if isinstance(f, dict):
            return lambda v: f.get(v, str(v))
        return lambda v: f(v, **self.context(params))


@dataclass(frozen=True)
class Declared:
    """A builder's declaration: a chart or a model table, the page that shows it, every dataset
    it may draw on, its parameters (``Param``: label, URL key, allowed values) and where the page
    draws it: the Streamlit ``key`` of its plot or table, and whether the page's default view
    ``shown`` draws it visibly (not in a closed expander or another view: the browser and
    AppTest suites count and name charts from this)."""

    kind: str  # "chart" or "table"
    page: str  # a key of sitemap.PAGES
    datasets: tuple[str, ...]
    params: dict[str, Param]
    key: str = ""  # the page's widget key of the plot or table ("" for the builder's name)
    shown: bool = True


def _declare(kind, page, datasets, choices=None, *, params=None, key="", shown=True):
    if set(choices or {}) & set(params or {}):
        raise TypeError("a parameter is declared both in choices and in params")
    params = dict(params or {})
    for name, allowed in (choices or {}).items():  # shorthand: only the allowed values
        params[name] = allowed if isinstance(allowed, Param) else Param(choices=allowed)

    def wrap(fn: Callable[..., Built]) -> Callable[..., Built]:
        missing = set(params) - set(inspect.signature(fn).parameters)
        if missing:
            raise TypeError(f"{fn.__name__} declares parameters it does not take: {missing}")
        fn.declared = Declared(kind, page, tuple(datasets), params, key or fn.__name__, shown)
        return fn

    return wrap


def chart(page: str, datasets: Iterable[str], choices: dict | None = None, **kw):
    """Declare a chart builder shown on ``page`` (listed in its module's ``BUILDERS``).
    ``choices`` maps a parameter to its allowed values; ``params`` declares a parameter in full
    (``Param``); ``key`` and ``shown`` say where the page draws it."""
    return _declare("chart", page, datasets, choices, **kw)


def table(page: str, datasets: Iterable[str], choices: dict | None = None, **kw):
    """Declare a model table shown on ``page`` (exported as CSV, Markdown and LaTeX)."""
    return _declare("table", page, datasets, choices, **kw)


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
