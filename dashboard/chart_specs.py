"""Charts that can be built without a browser session, by name and parameters (no Streamlit):
what ``labordash export`` renders. Each builder takes keyword parameters (all with defaults)
and returns a ``charts.Chart`` with the datasets behind it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import pandas as pd

from dashboard import charts, dependence, geo, maps, reference, russia, store
from dashboard.catalog import origin


@dataclass
class Built:
    chart: charts.Chart
    datasets: list[str]


class SpecError(ValueError):
    """An export spec names an unknown chart or parameter, or a value the data does not have."""


@cache
def _names() -> dict[str, str]:
    r = reference.regions()
    return dict(zip(r["code"], r["name_en"].fillna(r["code"]), strict=True))


@cache
def _system(key: str) -> dependence.Data:
    if key not in dependence.SYSTEMS:
        raise SpecError(f"unknown system {key!r}; known: {', '.join(dependence.SYSTEMS)}")
    return dependence.load(key)


def source_line(dataset: str, *extra: str) -> str:
    """House-style source line with the dataset's stored vintage, plus any credits."""
    vintage = store.manifest().get(dataset, {}).get("vintage")
    return " · ".join([origin(dataset).source_line(vintage), *extra])


def _check(data: dependence.Data, industry: str | None = None, period: str | None = None,
           region: str | None = None) -> None:  # fmt: skip
    if industry is not None and industry not in set(data.cells["industry"]) | set(data.groups):
        raise SpecError(f"industry {industry!r} is not in {data.system.key}")
    if period is not None and period not in data.periods:
        raise SpecError(f"period {period!r} not in {data.system.key}: {', '.join(data.periods)}")
    if region is not None and region not in data.regions:
        raise SpecError(f"region {region!r} is not in {data.system.key}")


def dependence_map_chart(data: dependence.Data, industry: str, measure: str, period: str,
                         names: dict[str, str]) -> charts.Chart:  # fmt: skip
    """The dependence page's map: values, suppressed regions in grey, hover with the rank and
    the measure's definition, LQs in fixed classes."""
    table = dependence.dependence(data, industry, period)
    s = data.system
    title, unit = dependence.measure_title(measure, s)
    r = dependence.rank(table, measure)
    n = int(table[measure].notna().sum())
    define = f"{title} = {dependence.DEFINITIONS[measure]}".replace(" (", "<br>(")
    hover = {
        row.region: f"rank {r[i]} of {n}"
        + ("" if row.status == "ok" else f"; {row.status}")
        + f"<br><i>{define}</i>"
        for i, row in table.iterrows()
        if r[i] is not pd.NA
    }
    grey = table.loc[table[measure].isna() & (table["status"] != "ok"), "region"].tolist()
    codes = table.dropna(subset=[measure])["region"].tolist() + grey
    return maps.region_map(
        table.set_index("region")[measure], s.layer, level=s.layer_level,
        title=f"{title}: {data.label(industry)}", subtitle=f"{unit}; {s.label}, {period}",
        source=source_line(s.dataset, geo.LAYERS[s.layer].credit), unit=unit, names=names,
        hover=hover, suppressed=grey, region_of=dependence.polygon_region(s.key, codes),
        value_format=",.0f" if measure == "value" and s.unit == "persons" else ".2f",
        breaks=maps.LQ_BREAKS if measure == "lq" else None,
    )  # fmt: skip


def dependence_map(system: str = "nuts2", industry: str = "B-E", measure: str = "lq",
                   period: str = "2015") -> Built:  # fmt: skip
    data = _system(system)
    _check(data, industry, period)
    if measure not in dependence.MEASURES:
        raise SpecError(f"measure {measure!r}; known: {', '.join(dependence.MEASURES)}")
    return Built(dependence_map_chart(data, industry, measure, period, _names()),
                 [data.system.dataset])  # fmt: skip


def dependence_ranking(system: str = "nuts2", industry: str = "B-E", measure: str = "lq",
                       period: str = "2015", top: int = 20) -> Built:  # fmt: skip
    data = _system(system)
    _check(data, industry, period)
    t = dependence.dependence(data, industry, period)
    t = t.assign(label=t["region"].map(lambda c: _names().get(c, c)))
    label, unit = dependence.MEASURES.get(measure, (None, None))
    if label is None:
        raise SpecError(f"measure {measure!r}; known: {', '.join(dependence.MEASURES)}")
    chart = charts.ranked_bars(
        t, label="label", value=measure, title=f"Most dependent regions: {data.label(industry)}",
        subtitle=f"{label}; {data.system.label}, {period}", source=source_line(data.system.dataset),
        x_title=f"{label} ({unit or data.system.unit})", top=int(top),
        reference=1.0 if measure == "lq" else None, reference_label="benchmark = 1",
    )  # fmt: skip
    return Built(chart, [data.system.dataset])


def region_mix(system: str = "nuts2", region: str = "DE11", period: str = "2015") -> Built:
    data = _system(system)
    _check(data, period=period, region=region)
    name = _names().get(region, region)
    chart = charts.mix_bars(
        dependence.mix(data, region, period), title=f"Industry mix of {name} against the "
        f"{data.system.benchmark}", subtitle=f"% of the total {data.system.what}; {period}",
        source=source_line(data.system.dataset), benchmark=data.system.benchmark, region=name,
    )  # fmt: skip
    return Built(chart, [data.system.dataset])


def russia_social_map(year: int = 2021) -> Built:
    if int(year) not in (2019, 2021):
        raise SpecError("year must be 2019 or 2021 (the Treasury files in the store)")
    vals = russia.social_per_head(int(year))
    chart = maps.region_map(
        vals, "ru_subjects", title=f"Social-policy spending per head ({year})",
        subtitle="RUB per person; Russian federal subjects", unit="RUB per person",
        source=source_line("roskazna_budget", geo.LAYERS["ru_subjects"].credit), names=_names(),
        value_format=",.0f",
    )  # fmt: skip
    return Built(chart, ["roskazna_budget", "rosstat_regions"])


CHARTS: dict[str, Callable[..., Built]] = {
    "dependence_map": dependence_map,
    "dependence_ranking": dependence_ranking,
    "region_mix": region_mix,
    "russia_social_map": russia_social_map,
}


def build(name: str, params: dict) -> Built:
    """Build a chart by name; unknown charts and parameters are a ``SpecError``."""
    if name not in CHARTS:
        raise SpecError(f"unknown chart {name!r}; known: {', '.join(CHARTS)}")
    fn = CHARTS[name]
    allowed = list(inspect.signature(fn).parameters)
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise SpecError(f"{name}: unknown parameter(s) {unknown}; allowed: {allowed}")
    return fn(**params)
