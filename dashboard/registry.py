"""The one chart registry: every chart and model table the pages show, by name (no Streamlit).

A builder is a pure function of keyword parameters (each with a default) that returns a
``Built``: the figure (a ``charts.Chart`` with alt text and the rows plotted) or a table, and
the datasets behind it. The pages, the export buttons under each chart, the data zip and
``labordash export`` all call ``build(name, params)``, so an exported file is the chart on
screen. Builders live in ``dashboard.builders`` (one module per page) and register themselves
with ``@chart(...)`` or ``@table(...)``.
"""

from __future__ import annotations

import inspect
import json
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
class Entry:
    name: str
    kind: str  # "chart" or "table"
    page: str  # a key of sitemap.PAGES
    fn: Callable[..., Built]
    datasets: tuple[str, ...]  # every dataset the builder may plot
    choices: dict[str, Callable[[], list] | list]  # allowed values of parameters, where fixed
    doc: str

    def defaults(self) -> dict[str, Any]:
        return {k: p.default for k, p in inspect.signature(self.fn).parameters.items()}

    def allowed(self, param: str) -> list | None:
        c = self.choices.get(param)
        return list(c() if callable(c) else c) if c is not None else None


REGISTRY: dict[str, Entry] = {}


def _register(kind: str, page: str, datasets: Iterable[str], choices: dict | None = None):
    def wrap(fn: Callable[..., Built]) -> Callable[..., Built]:
        first = (inspect.getdoc(fn) or "").split("\n\n")[0].replace("\n", " ")
        REGISTRY[fn.__name__] = Entry(fn.__name__, kind, page, fn, tuple(datasets),
                                      choices or {}, first)  # fmt: skip
        return fn

    return wrap


def chart(page: str, datasets: Iterable[str], choices: dict | None = None):
    """Register a chart builder shown on ``page``."""
    return _register("chart", page, datasets, choices)


def table(page: str, datasets: Iterable[str], choices: dict | None = None):
    """Register a model table shown on ``page`` (exported as CSV)."""
    return _register("table", page, datasets, choices)


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


def _coerce(value: Any, default: Any, name: str) -> Any:
    """A parameter from a spec or ``--param k=v`` (text) as the type of its default."""
    if isinstance(default, bool):
        if isinstance(value, str):
            return value.strip().lower() in ("1", "true", "yes")
        return bool(value)
    if isinstance(default, int) or (default is None and isinstance(value, int)):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            raise SpecError(f"parameter {name!r} wants a whole number, got {value!r}") from None
    if isinstance(default, (tuple, list)):
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, (list, tuple)):
            raise SpecError(f"parameter {name!r} wants a list, got {value!r}")
        return tuple(str(v).strip() for v in items if str(v).strip())
    if isinstance(value, (list, tuple, dict)):
        raise SpecError(f"parameter {name!r} wants one value, got {value!r}")
    return value if value is None else str(value)


def entry(name: str) -> Entry:
    _load_builders()
    if name not in REGISTRY:
        raise SpecError(f"unknown chart {name!r}; known: {', '.join(sorted(REGISTRY))}")
    return REGISTRY[name]


def resolve(name: str, params: dict) -> dict[str, Any]:
    """Every parameter of chart ``name``: ``params`` (coerced, checked against the allowed
    values) over the defaults. Unknown names, parameters and values are a ``SpecError``."""
    e = entry(name)
    defaults = e.defaults()
    unknown = sorted(set(params) - set(defaults))
    if unknown:
        raise SpecError(f"{name}: unknown parameter(s) {unknown}; allowed: {list(defaults)}")
    out = dict(defaults)
    for k, v in params.items():
        out[k] = _coerce(v, defaults[k], k)
        allowed = e.allowed(k)
        if allowed is not None and out[k] is not None and out[k] not in allowed:
            raise SpecError(f"{name}: {k} {out[k]!r} is not one of {', '.join(map(str, allowed))}")
    return out


def build(name: str, params: dict | None = None) -> Built:
    """Build a chart or table by name; unknown charts, parameters and values are a
    ``SpecError``."""
    full = resolve(name, params or {})
    built = entry(name).fn(**full)
    # a builder may state what a default of None resolved to (the system's default industry)
    built.name, built.params = name, {**full, **built.params}
    return built


def listing() -> list[dict[str, Any]]:
    """Every registered chart and table: name, kind, page, params (name -> default), choices
    (name -> allowed values, where fixed), datasets and a one-line description."""
    _load_builders()
    out = []
    for e in REGISTRY.values():
        defaults = {k: list(v) if isinstance(v, tuple) else v for k, v in e.defaults().items()}
        choices = {k: e.allowed(k) for k in defaults if e.allowed(k) is not None}
        out.append({"name": e.name, "kind": e.kind, "page": e.page, "params": defaults,
                    "choices": choices, "datasets": list(e.datasets),
                    "description": e.doc})  # fmt: skip
    return out


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return json.dumps(str(v), ensure_ascii=False)  # a TOML basic string


def spec_toml(built: Built, fmt: str = "svg", width: int = 1200) -> str:
    """The ``[[chart]]`` entry of a spec file that makes ``labordash export`` render this
    chart (or write this table) again. Parameters left empty take their defaults."""
    lines = ["[[chart]]", f"chart = {_toml_value(built.name)}"]
    if built.chart is not None:
        lines += [f"format = {_toml_value(fmt)}", f"width = {width}"]
    else:
        lines += ['format = "csv"']
    lines.append("[chart.params]")
    lines += [f"{k} = {_toml_value(v)}" for k, v in built.params.items() if v not in (None, ())]
    return "\n".join(lines) + "\n"


def file_stem(built: Built) -> str:
    """A file name for an export: the chart's name and its parameter values."""
    from dashboard.export import safe_name

    vals = [("-".join(map(str, v)) if isinstance(v, tuple) else str(v))
            for v in built.params.values() if v not in (None, (), "")]  # fmt: skip
    return safe_name("_".join([built.name, *vals]), limit=120)


def _load_builders() -> None:
    import dashboard.builders  # noqa: F401  (registers every builder on import)
