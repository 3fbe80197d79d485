"""Charts of the Region profile page: the industry mix, specialization over time, the
shift-share waterfall and the social indicators."""

from __future__ import annotations

import pandas as pd

from dashboard import charts, dependence, metrics, systems
from dashboard.builders import lookups
from dashboard.builders.dependence import ALL_SYSTEM_DATASETS, SYSTEM
from dashboard.building import Built, Param, SpecError, chart, table, versioned
from dashboard.provenance import source_line
from dashboard.systems import Data

COMPONENTS = {
    "national_share": "National growth",
    "industry_mix": "Industry mix",
    "competitive": "Competitive effect",
    "allocation": "Allocation effect",
}
ALL_SOCIAL_DATASETS = tuple(
    dict.fromkeys(d for s in systems.SYSTEMS.values() for d in s.social_datasets)
)


def region_periods(data: Data, region: str) -> list[str]:
    """The periods with a total for the region (all periods if none)."""
    have = set(data.totals.loc[data.totals["region"] == region, "period"])
    return [p for p in data.periods if p in have] or list(data.periods)


def selection(system: str, region: str | None, period: str | None = None):
    """The system's data, the region (default: the system's) and a period it has."""
    data = lookups.system_data(lookups.system(system).key)
    region = region or lookups.default_region(data)
    lookups.check(data, region=region)
    if period is None:
        periods = region_periods(data, region)
        default = lookups.default_period(data)
        period = default if default in periods else periods[-1]
    lookups.check(data, period=period)
    return data, region, period


def name_of(code: str) -> str:
    return lookups.region_names().get(code, code)


def _data(system: str) -> Data:
    return lookups.system_data(lookups.system(system).key)


def _periods(system: str, region: str | None) -> list[str]:
    return region_periods(_data(system), region)


def _period(system: str, region: str | None) -> str:
    periods, default = _periods(system, region), lookups.default_period(_data(system))
    return default if default in periods else periods[-1]


def region_label(code: str) -> str:
    """Name and code, and for a Russian region its largest towns (typing "Izhevsk" finds it)."""
    return f"{name_of(code)} ({code}){lookups.town_suffixes().get(code, '')}"


# the page's region and periods (?region=, ?period=, ?base=, ?final=): the chosen system's
# regions, and the periods with a total for the region; the defaults where the builder's are None
@versioned(maxsize=8)
def region_labels(system: str) -> dict[str, str]:
    """Every region of ``system`` as the region chooser shows it (:func:`region_label`)."""
    return {code: region_label(code) for code in _data(system).regions}


REGION = Param(
    "Region",
    choices=lambda system: list(_data(system).regions),
    labels=lambda system: region_labels(system),
    given=("system",),
    what=lambda system: system,
    default=lambda system: lookups.default_region(_data(system)),
)
PERIOD = Param("Period", choices=_periods, given=("system", "region"), default=_period)
BASE = Param(
    "From",
    choices=_periods,
    given=("system", "region"),
    default=lambda system, region: _data(system).system.default_base(_periods(system, region)),
)
FINAL = Param(
    "To",
    choices=_periods,
    given=("system", "region"),
    default=lambda system, region: _periods(system, region)[-1],
)
REGIONAL = {"system": SYSTEM, "region": REGION}


@chart("profile", ALL_SYSTEM_DATASETS, {**REGIONAL, "period": PERIOD}, key="mix")
def region_mix(
    system: str = systems.DEFAULT, region: str | None = None, period: str | None = None
) -> Built:
    """A region's industry mix against the benchmark: bars of its shares with the
    benchmark's as ticks."""
    data, region, period = selection(system, region, period)
    s, name = data.system, name_of(region)
    ch = charts.mix_bars(
        dependence.mix(data, region, period),
        title=f"Industry mix of {name} against the {s.benchmark}",
        subtitle=f"% of the region's total {s.what}; {period}; black ticks: {s.benchmark}",
        source=source_line([s.dataset]),
        benchmark=s.benchmark,
        region=name,
    )
    return Built(ch, [s.dataset], params={"region": region, "period": period})


@table("profile", ALL_SYSTEM_DATASETS, {**REGIONAL, "period": PERIOD}, key="mix_table")
def region_mix_table(
    system: str = systems.DEFAULT, region: str | None = None, period: str | None = None
) -> Built:
    """A region's industry mix as a table: each industry's level, its share of the region (%),
    the benchmark's share (%) and the location quotient (suppressed cells empty)."""
    data, region, period = selection(system, region, period)
    s, name = data.system, name_of(region)
    mix = dependence.mix(data, region, period)
    hidden = int((mix["status"] != "ok").sum())
    return Built(
        None,
        [s.dataset],
        table=mix,
        params={"region": region, "period": period},
        notes={
            "title": f"{name}: industry shares and location quotients, {period}",
            "sample": f"Sample: {name} and the {s.benchmark}, {period}.",
            "columns": {
                "value": (f"level ({s.unit})", "%,.0f"),
                "share": ("share (%)", "%.2f"),
                "bench_share": (f"{s.benchmark} (%)", "%.2f"),
                "lq": ("LQ", "%.2f"),
            },
            "caption": (
                f"{hidden} suppressed industries have no share; the bars show the disclosed "
                "ones only."
                if hidden
                else ""
            ),
        },
    )


@chart("profile", ALL_SYSTEM_DATASETS, REGIONAL, key="spec")
def specialization_series(system: str = systems.DEFAULT, region: str | None = None) -> Built:
    """A region's Herfindahl and Krugman indexes over time."""
    data, region, _ = selection(system, region)
    s, name = data.system, name_of(region)
    conc = lookups.concentration_table(s.key)
    conc = conc[conc["region"] == region].sort_values("period")
    if conc.empty:
        raise SpecError(f"no periods with a partition for {region} in {s.key}")
    if len(conc) == 1:  # one point is no line: say the values instead
        r = conc.iloc[0]
        raise SpecError(
            f"{s.label} have one period ({r['period']}): there is no change over "
            f"time to draw; in {r['period']} {name}'s Herfindahl index is "
            f"{r['hhi']:.3f} and its Krugman index {r['krugman']:.3f}"
        )
    ch = charts.stacked_series(
        conc.assign(geo=region, year=conc["period"]),
        [
            ("hhi", "Herfindahl index (1 = one industry)", "index, 0 to 1"),
            ("krugman", f"Krugman index against the {s.benchmark} (0 = same mix)", "index, 0 to 2"),
        ],
        names={region: name},
        title=f"How specialised is {name}?",
        subtitle=f"Over the {len(data.partition)} industries of the partition; "
        f"{conc['period'].iloc[0]}-{conc['period'].iloc[-1]}",
        source=source_line([s.dataset]),
        from_zero=True,  # a change of 0.19 to 0.198 is small: the axes say so
    )
    return Built(ch, [s.dataset], params={"region": region})


def shift_share_of(data: Data, region: str, base: str | None, final: str | None):
    """(base, final, the shift-share, the reference economy's code); defaults: the first
    period after the system's latest break, and the last period. ValueError when the two
    periods cannot be compared."""
    periods = region_periods(data, region)
    base = base or data.system.default_base(periods)
    final = final or periods[-1]
    lookups.check(data, period=base)
    lookups.check(data, period=final)
    ss: metrics.ShiftShare = dependence.shift_share(data, region, base, final)
    return base, final, ss, dependence.national_reference(data, region)


@table("profile", ALL_SYSTEM_DATASETS, {**REGIONAL, "base": BASE, "final": FINAL}, key="ss_shares")
def share_change_table(
    system: str = systems.DEFAULT,
    region: str | None = None,
    base: str | None = None,
    final: str | None = None,
) -> Built:
    """Each industry's share (%) of the region and of its reference economy in two periods, and
    the change in percentage points: a comparison that does not depend on the price level
    (suppressed cells empty). Defaults as the shift-share's."""
    data, region, _ = selection(system, region)
    periods = region_periods(data, region)
    base = base or data.system.default_base(periods)
    final = final or periods[-1]
    lookups.check(data, period=base)
    lookups.check(data, period=final)
    ref = dependence.national_reference(data, region)
    t = dependence.share_change(data, region, base, final).round(2)
    columns = {
        f"{who}_{what}": (f"{label}, {text}", "%.2f")
        for who, label in (("region", name_of(region)), ("reference", name_of(ref)))
        for what, text in (
            ("share_base", f"% in {base}"),
            ("share_final", f"% in {final}"),
            ("change_pp", "change (pp)"),
        )
    }
    return Built(
        None,
        [data.system.dataset],
        table=t,
        params={"region": region, "base": base, "final": final},
        notes={
            "title": f"{name_of(region)}: each industry's share, {base} and {final}",
            "sample": f"Sample: {name_of(region)} and {name_of(ref)}, {base} and {final}.",
            "columns": columns,
        },
    )


@table("profile", ALL_SYSTEM_DATASETS, {**REGIONAL, "base": BASE, "final": FINAL}, key="ss_table")
def shift_share_table(
    system: str = systems.DEFAULT,
    region: str | None = None,
    base: str | None = None,
    final: str | None = None,
) -> Built:
    """The shift-share by industry: each industry's base and final levels, its total change
    and Dunn's components (national growth, industry mix, regional shift) with the
    Esteban-Marquillas split (competitive, allocation), in the system's unit."""
    data, region, _ = selection(system, region)
    try:
        base, final, ss, ref = shift_share_of(data, region, base, final)
    except ValueError as exc:
        raise SpecError(str(exc)) from None
    t = ss.by_industry.assign(label=ss.by_industry["industry"].map(data.label))
    t = t[["industry", "label", *(c for c in t if c not in ("industry", "label"))]]
    left_out = ss.by_industry.attrs.get("excluded_cells", 0)
    return Built(
        None,
        [data.system.dataset],
        table=t.drop(columns=["region"]).reset_index(drop=True),
        params={"region": region, "base": base, "final": final},
        notes={
            "title": f"{name_of(region)}: shift-share by industry, {base} to {final}",
            "sample": f"Sample: {name_of(region)} against {name_of(ref)}, {base} and "
            f"{final}; {data.system.unit}.",
            "caption": f"{left_out} suppressed cells left out." if left_out else "",
        },
    )


@chart("profile", ALL_SYSTEM_DATASETS, {**REGIONAL, "base": BASE, "final": FINAL}, key="waterfall")
def shift_share(
    system: str = systems.DEFAULT,
    region: str | None = None,
    base: str | None = None,
    final: str | None = None,
) -> Built:
    """Waterfall of a region's change between two periods: Dunn's national growth, industry
    mix and regional shift, the shift split after Esteban-Marquillas."""
    data, region, _ = selection(system, region)
    try:
        base, final, ss, ref = shift_share_of(data, region, base, final)
    except ValueError as exc:
        raise SpecError(str(exc)) from None
    s, name = data.system, name_of(region)
    row = ss.by_region.iloc[0]
    ch = charts.waterfall(
        pd.Series({v: row[k] for k, v in COMPONENTS.items()}),
        base=row["base"],
        final=row["final"],
        title=f"{name}: change in {s.what}, {base} to {final}",
        subtitle=f"{s.unit}; against {name_of(ref)}; Dunn shift-share with the "
        "Esteban-Marquillas split of the regional shift",
        source=source_line([s.dataset]),
        unit=s.unit,
        labels=(base, final),
    )
    return Built(
        ch,
        [s.dataset],
        notes={"shift_share": ss, "reference": ref, "row": row},
        params={"region": region, "base": base, "final": final},
    )


@chart("profile", ALL_SOCIAL_DATASETS, REGIONAL, key="social")
def social_indicators(system: str = systems.DEFAULT, region: str | None = None) -> Built:
    """A region's social indicators (income, GDP, wages, budgets per head) against its
    country, state or the Russian Federation."""
    data, region, _ = selection(system, region)
    s, name = data.system, name_of(region)
    soc = s.social(region)
    if soc.empty:
        raise SpecError(f"the store has no social indicators for {region}")
    soc = soc.sort_values("period")
    wide = soc.pivot_table(index=["geo", "period"], columns="indicator", values="value")
    wide = wide.reset_index().rename(columns={"period": "year"})
    units = soc.drop_duplicates("indicator").set_index("indicator")["unit"]
    others = [name_of(g) for g in wide["geo"].unique() if g != region]
    ch = charts.stacked_series(
        wide,
        [(k, k, units[k]) for k in units.index],
        names=lookups.region_names(),
        title=f"{name}: social indicators",
        subtitle=f"{soc['period'].min()}-{soc['period'].max()}"
        + (f"; against {', '.join(others)}" if others else ""),
        source=source_line(s.social_datasets),
    )
    return Built(ch, list(s.social_datasets), params={"region": region})


# this page's charts and tables, in the order `labordash export --list` gives them
BUILDERS = (
    region_mix,
    region_mix_table,
    specialization_series,
    shift_share,
    shift_share_table,
    share_change_table,
    social_indicators,
)
