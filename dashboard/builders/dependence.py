"""Charts of the Industrial dependence page: the dependence map, the ranking of the most
dependent regions and the specialization map."""

from __future__ import annotations

import pandas as pd

from dashboard import catalog, charts, dependence, geo, maps, systems
from dashboard.builders import lookups
from dashboard.building import Built, Param, SpecError, chart, table, versioned
from dashboard.provenance import source_line
from dashboard.systems import Data

ALL_SYSTEM_DATASETS = tuple(dict.fromkeys(d for s in systems.SYSTEMS.values() for d in s.datasets))
SYSTEM = Param(  # the page's region system (?system=)
    "Regions", choices=list(systems.SYSTEMS), format=lambda k: systems.SYSTEMS[k].label
)
SPEC = {
    "hhi": ("Herfindahl index (HHI)", "sum of squared industry shares; 1 = one industry"),
    "krugman": ("Krugman specialization index", "sum of |regional - benchmark share|, 0..2"),
    "entropy": ("Shannon entropy", "-sum s ln s; higher = more diversified"),
}
METRIC = Param("Map", "spec", list(SPEC), lambda k: SPEC[k][0])  # the page's ?spec=


def _data(system: str) -> Data:
    return lookups.system_data(lookups.system(system).key)


def _measure_label(measure: str, system: str) -> str:
    s = lookups.system(system)
    return dependence.measure_title(measure, s)[0] + (f" ({s.unit})" if measure == "value" else "")


# the page's industry, measure and period (?industry=, ?measure=, ?period=): a region system's
# own industries and periods, its defaults where the builder's are None
@versioned(maxsize=8)
def industry_labels(system: str) -> dict[str, str]:
    """Every industry option's name in ``system`` (2,169 NAICS codes for the US)."""
    data = _data(system)
    return {code: data.label(code) for code in lookups.industry_options(data)}


INDUSTRY = Param(
    "Industry",
    choices=lambda system: lookups.industry_options(_data(system)),
    labels=lambda system: industry_labels(system),
    given=("system",),
    what=lambda system: system,
    default=lambda system: lookups.default_industry(_data(system)),
)
MEASURE = Param(
    "Measure", choices=list(dependence.MEASURES), format=_measure_label, given=("system",)
)
PERIOD = Param(
    "Period",
    choices=lambda system: list(_data(system).periods),
    given=("system",),
    default=lambda system: lookups.default_period(_data(system)),
)
SELECTED = {"system": SYSTEM, "industry": INDUSTRY, "measure": MEASURE, "period": PERIOD}


def selection(system: str, industry: str | None, period: str | None) -> tuple[Data, str, str]:
    """The system's data and the industry and period, defaults filled in and checked."""
    data = lookups.system_data(lookups.system(system).key)
    industry = industry or lookups.default_industry(data)
    period = period or lookups.default_period(data)
    lookups.check(data, industry, period)
    return data, industry, period


def period_concentration(data: Data, period: str) -> pd.DataFrame:
    """Concentration and specialization of every region in one period (a copy)."""
    c = lookups.concentration_table(data.system.key)
    return c[c["period"] == period].reset_index(drop=True)


def value_format(measure: str, data: Data) -> str:
    return ",.0f" if measure == "value" and data.system.unit == "persons" else ".2f"


@chart(
    "dependence",
    ALL_SYSTEM_DATASETS,
    SELECTED,
    key="map",
)
def dependence_map(
    system: str = systems.DEFAULT,
    industry: str | None = None,
    measure: str = "lq",
    period: str | None = None,
) -> Built:
    """Map of one industry's weight in every region: values, suppressed regions in grey,
    hover with the rank and the measure's definition, LQs in fixed classes. industry and
    period default to the system's."""
    data, industry, period = selection(system, industry, period)
    table = lookups.dependence_table(data.system.key, industry, period)
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
    ch = maps.region_map(
        table.set_index("region")[measure],
        s.layer,
        level=s.layer_level,
        title=f"{title}: {data.label(industry)}",
        subtitle=f"{unit}; {s.label}, {period}",
        source=source_line([s.dataset], geo.LAYERS[s.layer].credit),
        unit=unit,
        names=lookups.region_names(),
        hover=hover,
        suppressed=grey,
        region_of=s.polygon_region(codes),
        value_format=value_format(measure, data),
        breaks=maps.LQ_BREAKS if measure == "lq" else None,
    )
    return Built(ch, [s.dataset], params={"industry": industry, "period": period})


@chart(
    "dependence",
    ALL_SYSTEM_DATASETS,
    SELECTED,
    key="bars",
)
def dependence_ranking(
    system: str = systems.DEFAULT,
    industry: str | None = None,
    measure: str = "lq",
    period: str | None = None,
    top: int = 20,
) -> Built:
    """Bars of the ``top`` most dependent regions, with the benchmark as a reference line (1
    for LQs, the benchmark's share for shares)."""
    data, industry, period = selection(system, industry, period)
    if top < 1:
        raise SpecError("top must be 1 or more")
    s = data.system
    names = lookups.region_names()
    t = lookups.dependence_table(s.key, industry, period)
    t = t.assign(label=t["region"].map(lambda c: names.get(c, c)))
    title, unit = dependence.measure_title(measure, s)
    b, _ = dependence.benchmark_share(data, industry, period)
    ref = {"lq": (1.0, "benchmark = 1"), "share": (b * 100, s.benchmark)}.get(measure)
    ch = charts.ranked_bars(
        t,
        label="label",
        value=measure,
        title=f"Most dependent regions: {data.label(industry)}",
        subtitle=f"{title}, {unit}; {s.label}, {period}",
        x_title=f"{title} ({unit})",
        source=source_line([s.dataset]),
        reference=ref[0] if ref else None,
        reference_label=ref[1] if ref else "",
        value_format=value_format(measure, data),
        top=int(top),
    )
    return Built(ch, [s.dataset], params={"industry": industry, "period": period})


@table(
    "dependence",
    ALL_SYSTEM_DATASETS,
    SELECTED,
    key="table",
)
def dependence_table(
    system: str = systems.DEFAULT,
    industry: str | None = None,
    measure: str = "lq",
    period: str | None = None,
) -> Built:
    """Every region ranked by ``measure`` (ties share a rank; regions without a value last):
    the industry's value and the region's total in the system's unit, its share (%), location
    quotient and the producer's status."""
    data, industry, period = selection(system, industry, period)
    s = data.system
    names = lookups.region_names()
    t = lookups.dependence_table(s.key, industry, period).copy()
    t.insert(1, "name", t["region"].map(lambda c: names.get(c, c)))
    t = t.assign(rank=dependence.rank(t, measure)).sort_values(["rank", "region"])
    suppressed = t["status"].ne("ok").any()
    measure_name = dependence.measure_title(measure, s)[0]
    return Built(
        None,
        [s.dataset],
        table=t,
        params={"industry": industry, "period": period},
        notes={
            "title": f"Every region ranked: {data.label(industry)}, {period}",
            "sample": f"Sample: {s.label}, {period}; ranked by {measure_name}.",
            "columns": {
                "value": (f"{s.what} ({s.unit})", "%.1f"),
                "total": (f"total ({s.unit})", "%.1f"),
                "share": ("share (%)", "%.3f"),
                "lq": ("LQ", "%.2f"),
                "rank": ("Rank", "%d"),
            },
            "caption": "–: suppressed by the producer (see the status column)."
            if suppressed
            else "",
        },
    )


@table(
    "dependence",
    ALL_SYSTEM_DATASETS,
    {"system": SYSTEM, "industry": INDUSTRY, "period": PERIOD},
    key="members",
    shown=False,  # in a closed expander, and only for an industry group
)
def industry_group_table(
    system: str = systems.DEFAULT, industry: str | None = None, period: str | None = None
) -> Built:
    """The codes an industry adds up (one row for a single code): per code its title, the
    regions with a row for it in ``period``, how many of those the producer suppressed, and
    their total in the system's unit."""
    data, industry, period = selection(system, industry, period)
    s = data.system
    t = group_members(data, industry, period)
    g = catalog.industry_groups().get(industry)
    return Built(
        None,
        [s.dataset],
        table=t,
        params={"industry": industry, "period": period},
        notes={
            "title": f"The {len(t)} codes in {data.label(industry)}",
            "sample": f"Sample: {s.label}, {period}.",
            "columns": {
                "regions": ("regions with a row", "%d"),
                "suppressed": ("suppressed by the producer", "%d"),
                "total": (f"total ({s.unit})", "%.1f"),
            },
            "caption": f"{g.label}: {g.why}" if g else "",
        },
    )


@table(
    "dependence",
    ALL_SYSTEM_DATASETS,
    {"system": SYSTEM, "metric": METRIC, "period": PERIOD},
    key="spec_table",
)
def concentration_table(
    system: str = systems.DEFAULT, metric: str = "krugman", period: str | None = None
) -> Built:
    """Each region's concentration and specialization over the system's industries in one
    period (HHI, Krugman index, entropy, industries counted and left out), sorted by
    ``metric`` (entropy ascending: the least diversified first)."""
    data, _, period = selection(system, None, period)
    s = data.system
    names = lookups.region_names()
    conc = period_concentration(data, period)
    conc.insert(2, "name", conc["region"].map(lambda c: names.get(c, c)))
    conc = conc.drop(columns="period").sort_values(metric, ascending=metric == "entropy")
    excluded = int(conc["excluded"].sum())
    return Built(
        None,
        [s.dataset],
        table=conc,
        params={"period": period},
        notes={
            "title": f"Concentration and specialization, {s.label}, {period}",
            "sample": f"Sample: {s.label}, {period}; sorted by {SPEC[metric][0]}.",
            "caption": f"{excluded} suppressed cells were left out; the measures use the "
            "disclosed industries only."
            if excluded
            else "",
        },
    )


@chart(
    "dependence",
    ALL_SYSTEM_DATASETS,
    {"system": SYSTEM, "metric": METRIC, "period": PERIOD},
    key="spec_map",
)
def specialization_map(
    system: str = systems.DEFAULT, metric: str = "krugman", period: str | None = None
) -> Built:
    """Map of each region's concentration or specialization (HHI, Krugman, entropy) over the
    system's industries, against its benchmark."""
    data, _, period = selection(system, None, period)
    s = data.system
    conc = period_concentration(data, period)
    codes = conc.dropna(subset=[metric])["region"].tolist()
    ch = maps.region_map(
        conc.set_index("region")[metric],
        s.layer,
        level=s.layer_level,
        title=f"{SPEC[metric][0]}, {s.label}",
        subtitle=f"{SPEC[metric][1]}; {period}",
        source=source_line([s.dataset], geo.LAYERS[s.layer].credit),
        unit="",
        names=lookups.region_names(),
        region_of=s.polygon_region(codes),
        colorscale="Blues",
    )
    return Built(ch, [s.dataset], params={"period": period})


def caveats(data: Data, industry: str, measure: str, period: str) -> list[str]:
    """What the data cannot say about this view: the system's notes, then suppression, unknown
    totals and benchmark shares, and periods without data."""
    notes = list(data.system.notes)
    thin = data.system.coverage(len(data.regions))
    if thin:
        notes.insert(0, f"The store holds {thin}.")
    notes += data.period_notes.get(period, [])
    table = lookups.dependence_table(data.system.key, industry, period)
    members = data.members(industry)
    b, unknown = dependence.benchmark_share(data, industry, period)
    n_supp = int((table["status"] == "suppressed").sum())
    n_total = int(table["status"].str.startswith("total unknown").sum())
    n_part = int(table["status"].str.startswith("partly").sum())
    if n_supp or n_part:
        notes.append(
            f"In {period}, {n_supp} region(s) have this industry entirely suppressed (grey on "
            f"the map, left out of the ranking) and {n_part} partly suppressed (their value is "
            "a lower bound)."
        )
    if n_total:
        notes.append(
            f"{n_total} region(s) have another section suppressed, so their total and shares "
            "are unknown (grey on the map)."
        )
    if unknown and measure == "lq":
        notes.append(
            f"The benchmark share is unknown for {unknown} of the {len(members)} codes "
            "(suppressed in every region loaded), so the benchmark is too small and the LQs "
            "too high where a region has employment in those codes."
        )
    if b != b:
        notes.append("No benchmark share for this industry in this period: LQs cannot be computed.")
    if data.periods_without_data:
        notes.append(f"No data for {', '.join(data.periods_without_data)}.")
    return notes


def group_members(data: Data, industry: str, period: str) -> pd.DataFrame:
    """The codes of an industry group with, per code, the regions reporting it, how many are
    suppressed and their total."""
    members = data.members(industry)
    g = data.cells[(data.cells["period"] == period) & data.cells["industry"].isin(members)]
    per = (
        g.assign(s=g["value"].isna())
        .groupby("industry")
        .agg(regions=("s", "size"), suppressed=("s", "sum"), total=("value", "sum"))
    )
    codes = pd.DataFrame({"code": members, "title": [data.label(m) for m in members]})
    return codes.merge(per.reset_index(), left_on="code", right_on="industry", how="left").drop(
        columns="industry"
    )


# this page's charts and tables, in the order `labordash export --list` gives them
BUILDERS = (
    dependence_map,
    dependence_ranking,
    dependence_table,
    industry_group_table,
    specialization_map,
    concentration_table,
)
