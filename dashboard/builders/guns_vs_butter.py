"""Charts and model tables of the Guns vs butter page.

Country selections are the page's: a preset ``group`` (``datasets/country_groups.toml``) or
``group="custom"`` with ``countries``; ``years`` is "first-last" as in the page's URL.
"""

from __future__ import annotations

import re

import pandas as pd

from dashboard import analysis, charts, indicators, store, transforms
from dashboard.builders import lookups
from dashboard.builders.world import MAP_MODE, SCALE, VALUES, world_map
from dashboard.building import Built, Param, SpecError, chart, table, versioned
from dashboard.catalog import country_groups
from dashboard.provenance import source_line

MILITARY = ["milex_gdp", "milex_gov", "milex_const_usd", "milex_gdp_wb"]
CIVILIAN = ["health_gdp", "health_gov", "education_gdp", "education_gov", "gov_consumption_gdp"]
CONTROLS = analysis.measures("control")
COFOG = {
    "cofog_defence_gdp": "Defence",
    "cofog_health_gdp": "Health",
    "cofog_education_gdp": "Education",
    "cofog_social_gdp": "Social protection",
}
COFOG_CODES = {"GF02": "cofog_defence_gdp", "GF07": "cofog_health_gdp",
               "GF09": "cofog_education_gdp", "GF10": "cofog_social_gdp"}  # fmt: skip
EU_AGGREGATE = "EU27_2020"
MAP_BREAKS = {  # from datasets/indicators.toml
    k: list(meta.breaks)
    for k, m in analysis.MEASURES.items()
    if (meta := indicators.get(m.dataset, m.indicator)).breaks
}
CUSTOM = "custom"
DEFAULT_GROUP = "russia_ukraine"
DEFAULT_CUSTOM = ("RUS", "UKR", "POL", "DEU")
YEARS = (1960, 2025)  # what the year slider offers
DEFAULT_YEARS = "2000-2025"
GRANGER_MAX = 15  # countries tested per view
EFFECTS = {
    "twoway": "country and year fixed effects",
    "entity": "country fixed effects",
    "time": "year fixed effects",
    "none": "none (pooled OLS)",
}
COVS = {"cluster": "clustered by country", "HC1": "robust (HC1)", "nonrobust": "classic"}
TRANSFORMS = {"levels": "levels", "logs": "logs (elasticity)",
              "first_difference": "first differences"}  # fmt: skip
MEASURE_DATASETS = sorted({m.dataset for m in analysis.MEASURES.values()})


def decap(text: str) -> str:
    """Lower-case the first letter for use mid-sentence, but keep acronyms (WHO, SIPRI)."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def label(key: str) -> str:
    m = analysis.MEASURES[key]
    return f"{m.label}, {m.unit}"


def readable_formula(formula: str) -> str:
    """A model's formula in words: each measure's code replaced by its name, "~" by "on" and
    "+" by commas ("health_gdp ~ milex_gdp + country FE" -> "Government health spending ... on
    Military expenditure ..., country FE")."""
    for key in sorted(analysis.MEASURES, key=len, reverse=True):
        formula = re.sub(rf"\b{re.escape(key)}\b", analysis.MEASURES[key].label, formula)
    return formula.replace(" ~ ", " on ").replace(" + ", ", ")


def all_geos() -> list[str]:
    """Countries with the first military measure: what "all countries" means."""
    return list(_all_geos())


@versioned(maxsize=1)  # every rerun of the page asks (20-25 ms from the panel)
def _all_geos() -> tuple[str, ...]:
    p = lookups.panel()
    return tuple(sorted(set(p.loc[p[MILITARY[0]].notna(), "geo"])))


def chosen(group: str, countries: tuple[str, ...]) -> list[str]:
    """The countries of a preset group (all countries for an empty group) or the custom list."""
    if group == CUSTOM:  # without countries: the page's default custom selection
        return list(countries or DEFAULT_CUSTOM)
    return list(country_groups()[group].members) or all_geos()


YEAR_RANGE = Param("Years", url="years", widget="years", bounds=YEARS)


def year_span(years: str) -> tuple[int, int]:
    """``years`` ("first-last") as two years within ``YEARS``."""
    return YEAR_RANGE.years_of(years)


def datasets_of(*keys: str) -> list[str]:
    return list(dict.fromkeys(analysis.MEASURES[k].dataset for k in keys))


def selection(group, countries, years) -> tuple[list[str], int, int, pd.DataFrame]:
    geos = chosen(group, countries)
    y0, y1 = year_span(years)
    p = lookups.panel()
    return geos, y0, y1, p[p["geo"].isin(geos) & p["year"].between(y0, y1)]


def group_label(key: str) -> str:
    groups = country_groups()
    return groups[key].label if key in groups else "Choose countries..."


GROUP = Param("Countries", choices=lambda: [*country_groups(), CUSTOM], format=group_label)
CUSTOM_COUNTRIES = Param(  # with group="custom"
    "Custom selection",
    choices=all_geos,
    labels=lambda: lookups.country_names(),
    widget="multi",
    max_selections=60,
    what="countries with a military measure",
    default=lambda: DEFAULT_CUSTOM,
)
# the page's country group, measures and years, shared by every chart of the selection
SELECTION = {
    "group": GROUP,
    "countries": CUSTOM_COUNTRIES,
    "military": Param("Military measure", choices=MILITARY, format=label),
    "civilian": Param("Civilian measure", choices=CIVILIAN, format=label),
    "years": YEAR_RANGE,
}
BASE = Param(
    "Base year (= 100)",
    widget="year",
    bounds=lambda years=DEFAULT_YEARS: year_span(years),
    given=("years",),
    default=lambda years=DEFAULT_YEARS: year_span(years)[0],
)


def reader_values(
    sel: pd.DataFrame, cols: list[str], values: str, base: int | None, scale: str
) -> tuple[pd.DataFrame, str | None, list[str]]:
    """``sel``'s ``cols`` as the reader asked: as published, % change from each country's first
    year (``change``) or an index with ``base`` = 100, then only values > 0 for a log scale.
    Returns the frame, the unit that replaces the measures' own (None: theirs) and notes."""
    unit, notes = None, []
    if values in ("change", "index"):
        parts = []
        for col in cols:
            one = sel[["geo", "year", col]]
            if values == "change":
                one, _ = transforms.relative_change(one, col)
            else:
                one, dropped = transforms.indexed(one, base, col)
                if dropped:
                    notes.append(
                        f"{len(dropped)} countries without {label(col)} in {base} "
                        "are left out of its panel"
                    )
            parts.append(one.set_index(["geo", "year"]))
        sel = pd.concat(parts, axis=1).reset_index()
        unit = "% change since the first year" if values == "change" else f"index, {base} = 100"
    if scale == "log":
        for col in cols:
            bad = sel[col] <= 0
            if bad.any():
                notes.append(
                    f"{int(bad.sum())} values of {label(col)} at or below zero are not "
                    "drawn on the log scale"
                )
            sel = sel.assign(**{col: sel[col].where(~bad)})
    return sel, unit, notes


@chart(
    "guns_vs_butter",
    MEASURE_DATASETS,
    {**SELECTION, "values": VALUES, "scale": SCALE, "base": BASE},
    key="ts",
)
def gvb_series(
    group: str = DEFAULT_GROUP,
    countries: tuple[str, ...] = (),
    military: str = "milex_gdp",
    civilian: str = "health_gdp",
    years: str = DEFAULT_YEARS,
    values: str = "level",
    base: int | None = None,
    scale: str = "linear",
) -> Built:
    """The military and the civilian measure over time in two panels with their own axes (a
    median and interquartile band for groups larger than 10). ``values``: as published,
    ``change`` (% change from each country's first year shown) or ``index`` (``base`` = 100,
    default the first year); ``scale="log"``: log y axes."""
    _, y0, y1, sel = selection(group, countries, years)
    m_mil, m_civ = analysis.MEASURES[military], analysis.MEASURES[civilian]
    params, said = {}, []
    if values == "index":
        asked = int(base) if base is not None else None  # within y0-y1: the registry checks
        # the first year in which both measures have a figure: an index needs one in each panel
        firsts = [sel.dropna(subset=[c])["year"].min() for c in (military, civilian)]
        shared = int(max(firsts)) if all(pd.notna(f) for f in firsts) else y0
        has = [set(sel.dropna(subset=[c])["year"].astype(int)) for c in (military, civilian)]
        base = asked if asked is not None and all(asked in h for h in has) else shared
        if asked is not None and base != asked:
            said.append(
                f"the measures have no figures for {asked}: the index is based on "
                f"{base}, the first year both have"
            )
        params["base"] = base
    sel, unit, notes = reader_values(sel, [military, civilian], values, base, scale)
    notes = said + notes
    if sel[[military, civilian]].notna().sum().sum() == 0:
        raise SpecError("no figures to draw with these values and this scale")
    u_mil, u_civ = (unit, unit) if unit else (m_mil.unit, m_civ.unit)
    log = "; log scale" if scale == "log" else ""
    ch = charts.stacked_series(
        sel,
        [(military, m_mil.label, u_mil), (civilian, m_civ.label, u_civ)],
        names=lookups.country_names(),
        title=f"{m_mil.label} and {decap(m_civ.label)}",
        subtitle=(f"{unit} (both)" if unit else f"{u_mil} (top) and {u_civ} (bottom)")
        + f"; {sel['geo'].nunique()} countries, {y0}-{y1}{log}",
        source=source_line(datasets_of(military, civilian)),
        log=scale == "log",
    )
    if notes:
        ch.alt += " " + "; ".join(notes) + "."
    return Built(ch, datasets_of(military, civilian), params=params)


@table("guns_vs_butter", MEASURE_DATASETS, SELECTION, shown=False)
def gvb_table(
    group: str = DEFAULT_GROUP,
    countries: tuple[str, ...] = (),
    military: str = "milex_gdp",
    civilian: str = "health_gdp",
    years: str = DEFAULT_YEARS,
) -> Built:
    """Each country's first and last figure of both measures in ``years``, with the absolute
    and relative change (%), as Our World in Data's table view shows them."""
    geos, y0, y1, sel = selection(group, countries, years)
    names = lookups.country_names()
    order = {g: i for i, g in enumerate(geos)}
    parts = []
    for col in (military, civilian):
        t = transforms.change_table(sel[["geo", "year", col]], names, col=col)
        parts.append(t.assign(measure=label(col), order=t["geo"].map(order)))
    t = pd.concat(parts).sort_values(["order", "measure"], kind="stable").drop(columns="order")
    if t.empty:
        raise SpecError("no figures for this selection")
    t = t[["country", "geo", "measure", *[c for c in t if c not in ("country", "geo", "measure")]]]
    title = f"{label(military)} and {label(civilian)}, {y0}-{y1}"
    return Built(None, datasets_of(military, civilian), table=t, notes={"title": title})


@table("guns_vs_butter", MEASURE_DATASETS, SELECTION, key="data", shown=False)
def gvb_data(
    group: str = DEFAULT_GROUP,
    countries: tuple[str, ...] = (),
    military: str = "milex_gdp",
    civilian: str = "health_gdp",
    years: str = DEFAULT_YEARS,
) -> Built:
    """The figures behind the page's charts: every country and year in ``years`` with either
    measure, as its producer publishes it."""
    geos, y0, y1, sel = selection(group, countries, years)
    t = sel[["geo", "year", military, civilian]].dropna(subset=[military, civilian], how="all")
    if t.empty:
        raise SpecError("no figures for this selection")
    names = lookups.country_names()
    t = t.assign(country=t["geo"].map(lambda g: names.get(g, g)))
    t = t[["country", "geo", "year", military, civilian]].reset_index(drop=True)
    who = "chosen" if group == CUSTOM else group_label(group)
    return Built(
        None,
        datasets_of(military, civilian),
        table=t,
        notes={
            "title": f"{label(military)} and {label(civilian)}, {y0}-{y1}: the figures",
            "sample": f"Sample: {len(geos)} countries ({who}), {y0}-{y1}.",
            "columns": {military: (label(military), "%.2f"), civilian: (label(civilian), "%.2f")},
        },
    )


@chart("guns_vs_butter", MEASURE_DATASETS, SELECTION, key="scatter")
def gvb_scatter(
    group: str = DEFAULT_GROUP,
    countries: tuple[str, ...] = (),
    military: str = "milex_gdp",
    civilian: str = "health_gdp",
    years: str = DEFAULT_YEARS,
) -> Built:
    """Civilian against military spending, each point a country-year, with each country's
    trajectory (up to 10 countries) and a pooled OLS fit with its 95% band."""
    _, y0, y1, sel = selection(group, countries, years)
    both = sel.dropna(subset=[military, civilian])
    m_mil, m_civ = analysis.MEASURES[military], analysis.MEASURES[civilian]
    try:
        band = analysis.ols_band(both[military], both[civilian])
    except ValueError:
        band = None
    ch = charts.scatter_fit(
        both,
        military,
        civilian,
        band,
        names=lookups.country_names(),
        x_title=f"Military, {m_mil.unit}",
        y_title=f"Civilian, {m_civ.unit}",
        title=f"{m_civ.label} against {decap(m_mil.label)}",
        subtitle=f"Each point a country-year; {sel['geo'].nunique()} countries, {y0}-{y1}; "
        "dashed: pooled OLS with 95% band",
        source=source_line(datasets_of(military, civilian)),
        trajectories=both["geo"].nunique() <= 10,
    )
    return Built(ch, datasets_of(military, civilian))


def map_years(military: str, y0: int, y1: int) -> tuple[int, int]:
    """The years the world map can show within y0-y1 (the measure's published years)."""
    published = _published_years(military)
    hi = min(y1, published[1]) if published else y1
    lo = min(max(y0, published[0]) if published else y0, hi)
    return lo, hi


@versioned(maxsize=16)
def _published_years(measure: str) -> tuple[int, int] | None:
    """The first and last year with a value of ``measure`` in the panel."""
    years = lookups.panel().dropna(subset=[measure])["year"]
    return (int(years.min()), int(years.max())) if len(years) else None


MAP_OF = {"military": "the military measure", "civilian": "the civilian measure"}


def _mapped(map_of: str, military: str = "milex_gdp", civilian: str = "health_gdp") -> str:
    """The measure the world map shows."""
    return military if map_of == "military" else civilian


def _map_span(
    military: str = "milex_gdp",
    civilian: str = "health_gdp",
    map_of: str = "military",
    years: str = DEFAULT_YEARS,
) -> tuple[int, int]:
    """The years the world map offers: the mapped measure's within ``years``."""
    return map_years(_mapped(map_of, military, civilian), *year_span(years))


MAP_PARAMS = {
    "map_of": Param(
        "Map of",
        choices=list(MAP_OF),
        format=lambda k, military="milex_gdp", civilian="health_gdp": label(
            _mapped(k, military, civilian)
        ),
        given=("military", "civilian"),
    ),
    "year": Param(
        "Map year",
        url="map_year",
        widget="year",
        bounds=_map_span,
        given=("military", "civilian", "map_of", "years"),
        default=lambda **kw: _map_span(**kw)[1],
    ),
}


@chart(
    "guns_vs_butter",
    MEASURE_DATASETS,
    {
        "military": SELECTION["military"],
        "civilian": SELECTION["civilian"],
        **MAP_PARAMS,
        "mapmode": MAP_MODE,
        "years": YEAR_RANGE,
    },
    key="map",
)
def gvb_world_map(
    military: str = "milex_gdp",
    year: int | None = None,
    civilian: str = "health_gdp",
    map_of: str = "military",
    mapmode: str = "year",
    years: str = DEFAULT_YEARS,
) -> Built:
    """World map of the military (or, ``map_of="civilian"``, the civilian) measure in one year
    (default: the latest published), or with ``mapmode="change"`` its change from the first to
    the last of ``years`` that it has; drawn from our own Natural Earth geometries."""
    key = _mapped(map_of, military, civilian)
    year = int(year) if year is not None else map_years(key, *year_span(DEFAULT_YEARS))[1]
    y0, y1 = map_years(key, *year_span(years))  # the measure's first and last year in ``years``
    m = analysis.MEASURES[key]
    p = lookups.panel()
    ch = world_map(
        p[["geo", "year", key]].rename(columns={key: "value"}),
        label=m.label,
        unit=m.unit,
        datasets=[m.dataset],
        mode=mapmode,
        year=year,
        y0=y0,
        y1=y1,
        breaks=MAP_BREAKS.get(key),
        value_format=indicators.get(m.dataset, m.indicator).value_format,
    )
    return Built(ch, [m.dataset], params={"year": year})


@chart(
    "guns_vs_butter",
    ["eurostat_cofog"],
    {"group": GROUP, "countries": CUSTOM_COUNTRIES},
    key="cofog",
)
def gvb_cofog(group: str = DEFAULT_GROUP, countries: tuple[str, ...] = ()) -> Built:
    """Defence, health, education and social protection (% of GDP, COFOG) for the European
    countries in the selection, or for the EU-27 when there are none."""
    geos = chosen(group, countries)
    p = lookups.panel()
    names = lookups.country_names()
    eu = sorted(set(geos) & set(p.loc[p["cofog_defence_gdp"].notna(), "geo"]))
    if eu:
        cof = p[p["geo"].isin(eu)][["geo", "year", *COFOG]]
        who = f"{len(eu)} European countries"
    else:
        agg = store.read("eurostat_cofog", geo=EU_AGGREGATE, unit="% of GDP")
        agg = agg[agg["function"].isin(list(COFOG_CODES))]
        cof = agg.pivot_table(index=["geo", "year"], columns="function", values="value")
        cof = cof.rename(columns=COFOG_CODES).reset_index()
        names = {**names, EU_AGGREGATE: "EU-27"}
        who = "the EU-27 as a whole (no European country in the selection)"
    cof = cof.dropna(subset=list(COFOG), how="all")
    ch = charts.stacked_series(
        cof,
        [(k, v, "% of GDP") for k, v in COFOG.items()],
        names=names,
        title="General government spending by function",
        subtitle=f"% of GDP; {who}; {int(cof['year'].min())}-{int(cof['year'].max())}",
        source=source_line(["eurostat_cofog"]),
    )
    return Built(ch, ["eurostat_cofog"])


# in the page's closed "Per-country dynamics" expander: not shown until it is opened
@chart("guns_vs_butter", MEASURE_DATASETS, SELECTION, key="rolling", shown=False)
def gvb_rolling_correlation(
    group: str = DEFAULT_GROUP,
    countries: tuple[str, ...] = (),
    military: str = "milex_gdp",
    civilian: str = "health_gdp",
    years: str = DEFAULT_YEARS,
) -> Built:
    """10-year rolling correlation of the two measures for each of the first 12 countries (as
    many lines as the palette keeps apart)."""
    geos, y0, y1, sel = selection(group, countries, years)
    roll = analysis.rolling_correlation(
        sel[sel["geo"].isin(geos[: charts.MAX_LABELLED])], military, civilian, window=10
    )
    if roll.empty:
        raise SpecError("too few years for a 10-year rolling correlation in this selection")
    ch = charts.time_series(
        roll.rename(columns={"corr": "value"}).assign(flag=None),
        names=lookups.country_names(),
        title="10-year rolling correlation",
        subtitle=f"{label(military)} with {label(civilian)}",
        source=source_line(datasets_of(military, civilian)),
        y_title="Pearson correlation",
    )
    return Built(ch, datasets_of(military, civilian))


@table("guns_vs_butter", MEASURE_DATASETS, SELECTION)
def gvb_granger(
    group: str = DEFAULT_GROUP,
    countries: tuple[str, ...] = (),
    military: str = "milex_gdp",
    civilian: str = "health_gdp",
    years: str = DEFAULT_YEARS,
) -> Built:
    """Granger tests, military -> civilian, first differences, lag by AIC up to 2, for each of
    the first 15 countries."""
    geos, _, _, sel = selection(group, countries, years)
    tests = analysis.granger_table(sel, geos[:GRANGER_MAX], military, civilian, maxlag=2)
    names = lookups.country_names()
    if "pvalue" in tests:
        tests = tests.assign(country=tests["geo"].map(lambda g: names.get(g, g)))
        tests = tests[["country", "lag", "F", "pvalue", "nobs", "years", "note"]].round(3)
    return Built(
        None,
        datasets_of(military, civilian),
        table=tests,
        notes={"title": f"Granger tests: {label(military)} -> {label(civilian)}"},
    )


MIN_MODEL_COUNTRIES = 10  # a selection this large is the model's sample by default


def sample_of(sample: str, geos) -> str:
    """ "selected" or "all": ``auto`` (the default) is the reader's selection when it has at
    least MIN_MODEL_COUNTRIES countries, else all countries (two countries make no panel)."""
    if sample != "auto":
        return sample
    return "selected" if len(geos) >= MIN_MODEL_COUNTRIES else "all"


def sample_label(sample: str, group: str = DEFAULT_GROUP, countries: tuple = ()) -> str:
    """What the "Estimate on" choice ``sample`` means for the selection."""
    n = len(chosen(group, countries))
    return {
        "auto": f"the selected countries ({n})"
        if n >= MIN_MODEL_COUNTRIES
        else f"all countries (the selection has {n}, too few for a panel)",
        "selected": f"the selected countries only ({n})",
        "all": "all countries",
    }[sample]


@versioned(maxsize=32)  # the model table and its rows-dropped table share one fit
def fit(
    group, countries, military, civilian, years, controls, effects, se, transform, sample
) -> analysis.TradeoffResult:
    """The page's panel model; ValueError or KeyError when the sample cannot be fitted."""
    geos, y0, y1, _ = selection(group, countries, years)
    p = lookups.panel()
    p = p[p["year"].between(y0, y1)]
    if sample_of(sample, geos) == "selected":
        p = p[p["geo"].isin(geos)]
    return analysis.tradeoff_model(
        p, civilian, military, list(controls), effects=effects, cov=se, transform=transform, lags=0
    )


def fitted(*args) -> analysis.TradeoffResult:
    """``fit`` (the same arguments), or a ``SpecError`` saying why the sample cannot be fitted:
    what the model table and its rows-dropped table report."""
    try:
        return fit(*args)
    except (ValueError, KeyError) as exc:
        raise SpecError(f"the model cannot be fitted on this sample: {exc}") from None


MODEL = {
    **SELECTION,
    "controls": Param(
        "Controls", choices=CONTROLS, format=label, widget="multi", what="known controls"
    ),
    "effects": Param("Fixed effects", choices=list(EFFECTS), format=EFFECTS),
    "se": Param("Standard errors", choices=list(COVS), format=COVS),
    "transform": Param("Transform", choices=list(TRANSFORMS), format=TRANSFORMS),
    "sample": Param(
        "Estimate on",
        choices=["auto", "selected", "all"],
        format=sample_label,
        given=("group", "countries"),
    ),
}


@table("guns_vs_butter", MEASURE_DATASETS, MODEL)
def gvb_model(
    group: str = DEFAULT_GROUP,
    countries: tuple[str, ...] = (),
    military: str = "milex_gdp",
    civilian: str = "health_gdp",
    years: str = DEFAULT_YEARS,
    controls: tuple[str, ...] = ("gdp_pc_ppp",),
    effects: str = "twoway",
    se: str = "cluster",
    transform: str = "levels",
    sample: str = "auto",
) -> Built:
    """The panel model's coefficients: the civilian measure on the military one with
    controls, fixed effects, standard errors and transform as chosen, on the selected
    countries (``sample_of``: by default when there are 10 or more) or all countries."""
    res = fitted(
        group, countries, military, civilian, years, controls, effects, se, transform, sample
    )
    t = res.table()
    t["term"] = t["term"].map(lambda k: label(k) if k in analysis.MEASURES else k)
    return Built(
        None,
        datasets_of(military, civilian, *controls),
        table=t,
        notes={"title": f"Model: {readable_formula(res.formula)}", "result": res},
    )


@table("guns_vs_butter", MEASURE_DATASETS, MODEL, key="dropped", shown=False)
def gvb_model_sample(
    group: str = DEFAULT_GROUP,
    countries: tuple[str, ...] = (),
    military: str = "milex_gdp",
    civilian: str = "health_gdp",
    years: str = DEFAULT_YEARS,
    controls: tuple[str, ...] = ("gdp_pc_ppp",),
    effects: str = "twoway",
    se: str = "cluster",
    transform: str = "levels",
    sample: str = "auto",
) -> Built:
    """The country-years the panel model (``gvb_model``, same parameters) left out, by reason
    (each row counted once, for its first reason), beside its sample's countries and years."""
    res = fitted(
        group, countries, military, civilian, years, controls, effects, se, transform, sample
    )
    names = lookups.country_names()
    shown = ", ".join(names.get(g, g) for g in res.geos)
    t = pd.DataFrame(list(res.dropped.items()), columns=["reason", "rows"])
    return Built(
        None,
        datasets_of(military, civilian, *controls),
        table=t,
        notes={
            "title": "Rows the model left out",
            "columns": {"rows": ("Country-years left out", "%d")},
            "short": {"rows": "Rows"},
            "sample": f"Sample: {res.n_entities} countries, {res.years[0]}-{res.years[1]}, "
            f"{res.nobs:,} country-years: {shown}.",
        },
    )


# this page's charts and tables, in the order `labordash export --list` gives them
BUILDERS = (
    gvb_series,
    gvb_table,
    gvb_data,
    gvb_scatter,
    gvb_world_map,
    gvb_cofog,
    gvb_rolling_correlation,
    gvb_granger,
    gvb_model,
    gvb_model_sample,
)
