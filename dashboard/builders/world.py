"""World maps of one country indicator, as the reader asks for them: its value in one year, or
its change between two years (Home and Guns vs butter)."""

from __future__ import annotations

import pandas as pd

from dashboard import charts, geo, transforms
from dashboard.building import Param, SpecError
from dashboard.provenance import source_line

# what a map of an indicator shows, as the map's "Map shows" choice labels it (?mapmode=)
MAP_MODES = {"year": "One year", "change": "Change over the years chosen"}
MAP_MODE = Param("Map shows", choices=list(MAP_MODES), format=MAP_MODES, widget="radio")
# the reader's tools of a time series (?values=, ?scale=; Home and Guns vs butter)
VALUES = Param("Values", choices=list(transforms.VALUES), format=transforms.VALUES)
SCALE = Param("Scale", choices=list(transforms.SCALES), format=transforms.SCALES)


def world_map(
    frame: pd.DataFrame,
    *,
    label: str,
    unit: str,
    datasets: list[str],
    mode: str,
    year: int,
    y0: int,
    y1: int,
    breaks: list[float] | None = None,
    value_format: str = ".1f",
) -> charts.Chart:
    """``frame`` (geo, year, value) mapped for ``year``, or with ``mode="change"`` as the change
    from ``y0`` to ``y1``: in percentage points for a unit in %, else in % of the ``y0`` value
    (blue: fell, red: rose)."""
    source = source_line(datasets, geo.CREDIT)
    if mode == "change":
        if y0 == y1:
            raise SpecError("a map of change needs two different years")
        relative = not transforms.is_share(unit)
        vals = transforms.change_between(frame, y0, y1, relative=relative)
        if vals.empty:
            raise SpecError(f"no country has {label.lower()} in both {y0} and {y1}")
        how = (
            f"% change from {y0} to {y1}"
            if relative
            else (f"change from {y0} to {y1} in percentage points {unit.lstrip('%').strip()}")
        )
        return charts.choropleth(
            vals,
            geo.countries(),
            title=f"{label}: change {y0}-{y1}",
            subtitle=how,
            source=source,
            unit="%" if relative else "pp",
            breaks=transforms.diverging_breaks(vals),
            value_format="+.0f" if relative else "+.1f",
            diverging=True,
        )
    vals = frame.loc[frame["year"] == int(year)].set_index("geo")["value"].dropna()
    if vals.empty:
        raise SpecError(f"no country has {label.lower()} in {year}")
    return charts.choropleth(
        vals,
        geo.countries(),
        title=f"{label}, {year}",
        subtitle=unit,
        source=source,
        unit=unit,
        breaks=breaks,
        value_format=value_format,
    )
