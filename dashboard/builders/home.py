"""The Home page's chart: military burden over time (SIPRI)."""

from __future__ import annotations

import pandas as pd

from dashboard import catalog, charts, indicators, store, transforms
from dashboard.builders.world import MAP_MODE, SCALE, VALUES, world_map
from dashboard.building import Built, Param, SpecError, chart, table, versioned
from dashboard.provenance import source_line

# SIPRI's three series: (title, unit, format) from datasets/indicators.toml
MEASURES = {
    ind: (m.title, m.unit, m.value_format)
    for ind in ("milex_gdp_share", "milex_gov_share", "milex_constant_usd")
    for m in [indicators.get("sipri_milex", ind)]
}
COUNTRIES = ("RUS", "UKR", "USA", "CHN", "DEU")
MAP_BREAKS = {
    ind: list(m.breaks) for ind in MEASURES if (m := indicators.get("sipri_milex", ind)).breaks
}
MEASURE = Param("Measure", choices=list(MEASURES), format=lambda m: MEASURES[m][1])
EVENTS = Param(
    "Events on the timeline",
    choices=["off", "on"],
    format={"on": "shown (with sources)", "off": "not shown"},
)
COUNTRY = Param(
    "Countries",
    choices=lambda: countries()[1],
    labels=lambda: countries()[0],
    widget="multi",
    max_selections=12,
    what="SIPRI's countries with figures",
)
YEARS = Param("Years", url="years", widget="years", bounds=lambda: year_bounds())
BASE = Param(
    "Base year (= 100)",
    widget="year",
    bounds=lambda years="": YEARS.years_of(years),
    given=("years",),
    default=lambda years="": YEARS.years_of(years)[0],
    checked=False,  # a year without figures: the first year the countries share, said
)
MAP_YEAR = Param(
    "Map year",
    url="map_year",
    widget="year",
    bounds=lambda years="": YEARS.years_of(years),
    given=("years",),
    default=lambda years="": YEARS.years_of(years)[1],
)
READER = {"measure": MEASURE, "values": VALUES, "scale": SCALE}
SELECTED = {"countries": COUNTRY, "measure": MEASURE, "years": YEARS}


@versioned()
def countries() -> tuple[dict[str, str], tuple[str, ...]]:
    """SIPRI's country names (ISO3 -> name, sorted by name) and the countries with figures;
    per store version (every rerun of Home asked for them: 30-40 ms of its 70-100 ms)."""
    milex = store.read("sipri_milex", geo_level="country")
    names = milex.drop_duplicates("geo").set_index("geo")["country_name"].sort_values().to_dict()
    with_data = set(milex.loc[milex["value"].notna(), "geo"])
    return names, tuple(g for g in names if g in with_data)


@versioned()
def year_bounds() -> tuple[int, int]:
    """The first and last year with any SIPRI figure: what the Years slider offers."""
    years = store.read("sipri_milex", geo_level="country").dropna(subset=["value"])["year"]
    return int(years.min()), int(years.max())


def span(years: str) -> tuple[int, int]:
    """``years`` ("first-last", empty for every year) as two years within ``year_bounds``."""
    return YEARS.years_of(years)


def selected(countries: tuple[str, ...], measure: str, years: str) -> tuple[pd.DataFrame, dict]:
    """The chosen countries' figures of ``measure`` in ``years`` and SIPRI's names."""
    if not countries:
        raise SpecError("choose at least one country")
    milex = store.read("sipri_milex", geo_level="country")
    names = milex.drop_duplicates("geo").set_index("geo")["country_name"].to_dict()
    y0, y1 = span(years)
    data = milex[
        (milex["indicator"] == measure)
        & milex["geo"].isin(countries)
        & milex["year"].between(y0, y1)
    ]
    data = data.dropna(subset=["value"])
    if data.empty:
        raise SpecError("SIPRI has no figures for this selection")
    return data, names


def default_base(data: pd.DataFrame) -> int:
    """The first year in which every country in ``data`` has a figure (else its first year)."""
    per_year = data.groupby("year")["geo"].nunique()
    full = per_year[per_year == data["geo"].nunique()]
    return int(full.index.min() if len(full) else per_year.index.min())


def _as_index(data: pd.DataFrame, base: int | None, names: dict, notes: list[str]):
    """Each country's series as an index, 100 * v / v_base, and the base year used: ``base``
    where a chosen country has a figure for it, else the first year every country has one
    (said in ``notes``, as are the countries without a figure in the base year)."""
    first_shared = default_base(data)
    asked = int(base) if base is not None else first_shared
    years_with = set(data.dropna(subset=["value"])["year"].astype(int))
    base = asked if asked in years_with else first_shared
    if base != asked:
        notes.append(
            f"No chosen country has a figure for {asked}: the index is based on "
            f"{base}, the first year they share"
        )
    data, dropped = transforms.indexed(data, base)
    if data.empty:
        raise SpecError(f"no chosen country has a figure for the base year {base}")
    if dropped:
        notes.append(
            f"Not drawn (no figure in {base}): {', '.join(names.get(g, g) for g in dropped)}"
        )
    return data, base


@chart(
    "home",
    ["sipri_milex"],
    {**SELECTED, **READER, "events": EVENTS, "base": BASE},
    key="milex_chart",
)
def milex_series(
    countries: tuple[str, ...] = COUNTRIES,
    measure: str = "milex_gdp_share",
    events: str = "off",
    years: str = "",
    values: str = "level",
    base: int | None = None,
    scale: str = "linear",
) -> Built:
    """Military burden over time for up to 12 countries (SIPRI); hollow markers are estimates.
    ``years`` "first-last" (default: every year). ``values``: as published, ``change`` (% change
    from each country's first year shown, 100 * (v / v_first - 1)) or ``index`` (``base`` = 100,
    default the first year every country has a figure). ``scale="log"``: a log y axis.
    ``events="on"`` marks the dated events of ``datasets/events.toml`` that concern a chosen
    country, each with its source in the hover and in the chart's text."""
    data, names = selected(countries, measure, years)
    title, _, fmt = MEASURES[measure]
    data = data[["geo", "country_name", "year", "value", "unit", "flag"]]
    unit = data["unit"].iloc[0]
    y_title, notes, params = unit, [], {}
    if values == "change":
        data, firsts = transforms.relative_change(data)
        starts = sorted(set(firsts.values()))
        since = str(starts[0]) if len(starts) == 1 else "each country's first year shown"
        title, unit, y_title, fmt = (
            f"{title}: relative change",
            f"% change since {since}",
            (f"% change since {since}"),
            "+.0f",
        )
    elif values == "index":
        data, base = _as_index(data, base, names, notes)
        title, unit, y_title, fmt = (
            f"{title}, index",
            f"index, {base} = 100",
            f"{base} = 100",
            ".0f",
        )
        params["base"] = base
    if scale == "log":
        data, left_out = transforms.positive(data)
        if data.empty:
            raise SpecError("a log scale needs values above zero; relative changes can be negative")
        y_title += " (log scale)"
        if left_out:
            notes.append(f"{left_out} values at or below zero cannot be drawn on a log scale")
    period = f"{data['year'].min()}-{data['year'].max()}"
    n = f"{len(countries)} {'country' if len(countries) == 1 else 'countries'}"
    ch = charts.time_series(
        data,
        names=names,
        title=title,
        subtitle=f"{unit}; {n}; {period}",
        source=source_line(["sipri_milex"]),
        y_title=y_title,
        value_format=fmt,
        log=scale == "log",
    )
    if notes:
        ch.alt += " " + ". ".join(notes) + "."
    if events == "on":
        charts.mark_events(ch, [e for e in catalog.events() if set(e.countries) & set(countries)])
    return Built(ch, ["sipri_milex"], params=params)


@chart(
    "home",
    ["sipri_milex"],
    {"measure": MEASURE, "year": MAP_YEAR, "mapmode": MAP_MODE, "years": YEARS},
    key="milex_map",
    shown=False,
)
def milex_map(
    measure: str = "milex_gdp_share",
    year: int | None = None,
    mapmode: str = "year",
    years: str = "",
) -> Built:
    """World map of a SIPRI measure in ``year`` (default: the latest), or with
    ``mapmode="change"`` of its change from the first to the last of ``years`` (percentage
    points for shares, % for US dollars)."""
    milex = store.read("sipri_milex", geo_level="country")
    data = milex[milex["indicator"] == measure].dropna(subset=["value"])
    y0, y1 = span(years)
    year = int(year) if year is not None else int(data["year"].max())
    title, unit, fmt = MEASURES[measure]
    breaks = MAP_BREAKS.get(measure) or charts.class_breaks(data["value"])
    ch = world_map(
        data[["geo", "year", "value"]],
        label=title,
        unit=unit,
        datasets=["sipri_milex"],
        mode=mapmode,
        year=year,
        y0=y0,
        y1=y1,
        breaks=breaks,
        value_format=fmt,
    )
    return Built(ch, ["sipri_milex"], params={"year": year})


@table("home", ["sipri_milex"], SELECTED, shown=False)
def milex_table(
    countries: tuple[str, ...] = COUNTRIES, measure: str = "milex_gdp_share", years: str = ""
) -> Built:
    """The chosen countries' first and last figure in ``years``, with the absolute and the
    relative change (%), as Our World in Data's table view shows them."""
    data, names = selected(countries, measure, years)
    title, unit, _ = MEASURES[measure]
    t = transforms.change_table(data, names)
    order = {g: i for i, g in enumerate(countries)}
    t = t.sort_values("geo", key=lambda s: s.map(order))
    return Built(None, ["sipri_milex"], table=t, notes={"title": f"{title} ({unit})", "unit": unit})


# this page's charts and tables, in the order `labordash export --list` gives them
BUILDERS = (
    milex_series,
    milex_map,
    milex_table,
)
