"""The one chart registry: every chart and model table the pages show, by name (no Streamlit).

A builder is a pure function of keyword parameters (each with a default) that returns a
``Built``: the figure (a ``charts.Chart`` with alt text and the rows plotted) or a table, and
the datasets behind it. The pages, the export buttons under each chart, the data zip and
``labordash export`` all call ``build(name, params)``, so an exported file is the chart on
screen. Builders live in ``dashboard.builders`` (one module per page), are declared there with
``@chart(...)`` or ``@table(...)`` (``dashboard.building``: parameters with their labels, URL
keys and allowed values, the page's key) and listed in their module's ``BUILDERS``, which
``BUILDERS`` here joins. ``resolve`` is the one place where parameters are checked.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from dashboard import geo, store
from dashboard.builders import data, dependence, guns_vs_butter, home, profile, russia
from dashboard.building import Built, Param, SpecError, versioned

__all__ = ["BUILDERS", "REGISTRY", "Built", "Entry", "Param", "SpecError", "build", "entry",
           "listing", "make", "on_page", "resolve", "versioned"]  # fmt: skip


@dataclass(frozen=True)
class Entry:
    name: str
    kind: str  # "chart" or "table"
    page: str  # a key of sitemap.PAGES
    fn: Callable[..., Built]
    datasets: tuple[str, ...]  # every dataset the builder may plot
    params: dict[str, Param]  # how each declared parameter is chosen (label, URL key, choices)
    key: str  # the page's Streamlit key of its plot or table
    shown: bool  # drawn in its page's default view
    doc: str

    @property
    def is_map(self) -> bool:
        return self.kind == "chart" and self.name.endswith("map")

    def defaults(self) -> dict[str, Any]:
        return {k: p.default for k, p in inspect.signature(self.fn).parameters.items()}

    def allowed(self, param: str) -> list | None:
        p = self.params.get(param)
        return p.allowed() if p is not None else None

    def param(self, name: str) -> Param:
        """The declared ``Param`` (label and URL key default to the parameter's name)."""
        p = self.params.get(name, Param())
        return replace(p, label=p.label or name.replace("_", " ").capitalize(), url=p.url or name)

    @classmethod
    def of(cls, fn: Callable[..., Built]) -> Entry:
        d = fn.declared
        first = (inspect.getdoc(fn) or "").split("\n\n")[0].replace("\n", " ")
        return cls(fn.__name__, d.kind, d.page, fn, d.datasets, d.params, d.key, d.shown, first)


# Every chart and table the pages show, in the order `labordash export --list` gives them: each
# builder module lists its own in its BUILDERS
BUILDERS = (
    *data.BUILDERS,
    *dependence.BUILDERS,
    *guns_vs_butter.BUILDERS,
    *home.BUILDERS,
    *profile.BUILDERS,
    *russia.BUILDERS,
)
MISSING = (store.StoreError, geo.GeometryMissing)  # what a build may meet before a pull
REGISTRY: dict[str, Entry] = {fn.__name__: Entry.of(fn) for fn in BUILDERS}


def on_page(page: str, *, kind: str | None = None, shown: bool | None = None) -> list[Entry]:
    """The entries of ``page`` (a key of sitemap.PAGES), in registry order; only those of
    ``kind`` and, with ``shown``, only those its default view draws (or does not)."""
    return [
        e
        for e in REGISTRY.values()
        if e.page == page
        and (kind is None or e.kind == kind)
        and (shown is None or e.shown == shown)
    ]


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
    out.update({k: _coerce(v, defaults[k], k) for k, v in params.items()})
    for k in defaults:  # in the signature's order: the system before its industries
        if k in params:
            _check(name, k, e.param(k), out[k], out)
    return out


def _check(name: str, k: str, p: Param, value: Any, params: dict[str, Any]) -> None:
    """A ``SpecError`` when ``value`` (each item of a list) is not among ``p``'s choices (which
    may depend on other ``params``)."""
    if value is None or not p.checked:  # the builder's default (the system's industry, say)
        return
    if p.widget == "years":
        p.years_of(value, **params)
        return
    if p.widget == "year" and value not in (allowed := p.allowed(**params) or [value]):
        raise SpecError(f"{name}: {k} must be a year from {allowed[0]} to {allowed[-1]}")
    allowed = p.allowed(**params)
    if allowed is None:
        return
    what = p.described(**params)
    if isinstance(value, tuple):
        bad = [v for v in value if v not in allowed]
        if bad:
            raise SpecError(f"{name}: not {what or f'allowed values of {k}'}: {', '.join(bad)}")
    elif value not in allowed and what:
        raise SpecError(f"{name}: {k} {value!r} is not in {what}")
    elif value not in allowed:
        listed = ", ".join(map(str, allowed[:12]))
        more = f" and {len(allowed) - 12} more" if len(allowed) > 12 else ""
        raise SpecError(f"{name}: {k} {value!r} is not one of {listed}{more}")


def make(name: str, full: dict[str, Any]) -> Built:
    """Build chart ``name`` from parameters ``resolve`` has already checked (the pages resolve
    once for their cache key and build from that)."""
    e = entry(name)
    full = {k: full[k] for k in e.defaults()}  # the signature's order: file names, specs
    built = e.fn(**full)
    # a builder may state what a default of None resolved to (the system's default industry)
    built.name, built.params = name, {**full, **built.params}
    return built


def build(name: str, params: dict | None = None) -> Built:
    """Build a chart or table by name; unknown charts, parameters and values are a
    ``SpecError``."""
    return make(name, resolve(name, params or {}))


def listing() -> list[dict[str, Any]]:
    """Every registered chart and table: name, kind, page, params (name -> default), choices
    (name -> allowed values, where fixed), datasets and a one-line description."""
    out = []
    for e in REGISTRY.values():
        defaults = {k: list(v) if isinstance(v, tuple) else v for k, v in e.defaults().items()}
        choices = {k: c for k in defaults if (c := _listed_choices(e, k)) is not None}
        out.append(
            {
                "name": e.name,
                "kind": e.kind,
                "page": e.page,
                "params": defaults,
                "choices": choices,
                "datasets": list(e.datasets),
                "description": e.doc,
            }
        )
    return out


def _listed_choices(e: Entry, k: str) -> list | None:
    """The allowed values of ``k``; None when they come from a store that is not there yet
    (``export --list`` works before the first pull)."""
    if e.param(k).given:  # they depend on another parameter (a system's industries)
        return None
    try:
        return e.allowed(k)
    except MISSING:
        return None


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

    vals = [
        ("-".join(map(str, v)) if isinstance(v, tuple) else str(v))
        for v in built.params.values()
        if v not in (None, (), "")
    ]
    return safe_name("_".join([built.name, *vals]), limit=120)
