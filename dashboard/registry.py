"""The one chart registry: every chart and model table the pages show, by name (no Streamlit).

A builder is a pure function of keyword parameters (each with a default) that returns a
``Built``: the figure (a ``charts.Chart`` with alt text and the rows plotted) or a table, and
the datasets behind it. The pages, the export buttons under each chart, the data zip and
``labordash export`` all call ``build(name, params)``, so an exported file is the chart on
screen. Builders live in ``dashboard.builders`` (one module per page), are declared there with
``@chart(...)`` or ``@table(...)`` (``dashboard.building``) and listed here, in ``BUILDERS``.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dashboard.builders import dependence, guns_vs_butter, home, profile, russia
from dashboard.building import Built, SpecError, versioned

__all__ = ["BUILDERS", "REGISTRY", "Built", "Entry", "SpecError", "build", "entry", "listing",
           "resolve", "versioned"]  # fmt: skip


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

    @classmethod
    def of(cls, fn: Callable[..., Built]) -> Entry:
        d = fn.declared
        first = (inspect.getdoc(fn) or "").split("\n\n")[0].replace("\n", " ")
        return cls(fn.__name__, d.kind, d.page, fn, d.datasets, d.choices, first)


# Every chart and table the pages show, in the order `labordash export --list` gives them
BUILDERS = (
    dependence.dependence_map, dependence.dependence_ranking, dependence.dependence_table,
    dependence.specialization_map, dependence.concentration_table,
    guns_vs_butter.gvb_series, guns_vs_butter.gvb_table, guns_vs_butter.gvb_scatter,
    guns_vs_butter.gvb_world_map, guns_vs_butter.gvb_cofog, guns_vs_butter.gvb_rolling_correlation,
    guns_vs_butter.gvb_granger, guns_vs_butter.gvb_model,
    home.milex_series, home.milex_map, home.milex_table,
    profile.region_mix, profile.specialization_series, profile.shift_share,
    profile.share_change_table,
    profile.social_indicators,
    russia.russia_map, russia.russia_social_map, russia.russia_wages, russia.russia_budget_table,
    russia.russia_towns,
    russia.russia_social_bars,
    russia.russia_social_support, russia.russia_shipments, russia.russia_social_vs_manufacturing,
    russia.russia_arms_measures, russia.russia_wartime_shares, russia.russia_wartime_map,
    russia.russia_national_milex, russia.russia_social_funds,
)  # fmt: skip
REGISTRY: dict[str, Entry] = {fn.__name__: Entry.of(fn) for fn in BUILDERS}


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
    out = []
    for e in REGISTRY.values():
        defaults = {k: list(v) if isinstance(v, tuple) else v for k, v in e.defaults().items()}
        choices = {k: e.allowed(k) for k in defaults if e.allowed(k) is not None}
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
