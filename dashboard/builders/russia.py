"""Charts of the Russia's regions page: four maps, wages and unemployment, social-policy
spending per head, manufacturing shipments and the cross-section of social spending against
manufacturing's weight."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard import analysis, charts, crosswalks, dependence, geo, maps, russia, store, transforms
from dashboard.builders import lookups
from dashboard.building import Built, Param, SpecError, chart, table, versioned
from dashboard.provenance import source_line
from dashboard.systems.russia import COUNTRY, OKVED_BREAK, RU_EMPLOYMENT

MAPS = {
    "mfg_gva": "Manufacturing, % of gross value added (2022)",
    "mfg_lq": "Manufacturing employment, location quotient (2023)",
    "monotowns": "Single-industry towns (order 1398-r)",
    "social": "Social-policy spending per head (2021)",
}
MAP_DATASETS = {
    "mfg_gva": ["rosstat_grp_structure"],
    "mfg_lq": ["rosstat_employment_structure"],
    "monotowns": ["monotowns"],
    "social": ["roskazna_budget", "ru_population"],
}
BUDGET_YEARS = (2019, 2021)  # the Treasury files in the store
CREDIT = geo.LAYERS[RU_EMPLOYMENT.layer].credit
LAYER = RU_EMPLOYMENT.layer


@versioned()
def subjects() -> list[str]:
    """Every federal subject in Rosstat's regional tables (shared: do not modify)."""
    return sorted(set(store.read("rosstat_regions", geo_level=RU_EMPLOYMENT.geo_level)["geo"]))


def region_label(code: str) -> str:
    """English and Russian names, code, and the largest towns (typing "Kovrov" finds it)."""
    en, ru = lookups.region_names().get(code, code), lookups.region_names_ru().get(code, "")
    return f"{en} · {ru} ({code}){lookups.town_suffixes().get(code, '')}"


@versioned()
def subject_labels() -> dict[str, str]:
    """Every federal subject as the region chooser shows it (:func:`region_label`)."""
    return {code: region_label(code) for code in subjects()}


# the page's region chooser (?regions=), shared by every chart of the chosen regions
REGIONS = Param(
    "Regions",
    choices=subjects,
    labels=subject_labels,
    widget="multi",
    max_selections=12,
    what="Russian federal subjects in the store",
)


def _regions(regions: tuple[str, ...]) -> tuple[str, ...]:
    """The chosen regions (the registry has checked them against ``subjects``)."""
    if not regions:
        raise SpecError("choose at least one region")
    return tuple(regions)


def _as_reference(fig: go.Figure, name: str) -> None:
    """Draw the trace ``name`` (the Federation, the median subject) as a grey dashed line (its
    legend entry follows)."""
    fig.update_traces(line={"color": "#666", "dash": "dash", "width": 3}, selector={"name": name})


def _names() -> dict[str, str]:
    return {**lookups.region_names(), COUNTRY: "Russian Federation"}


@chart(
    "russia",
    sorted({d for ds in MAP_DATASETS.values() for d in ds}),
    key="map",
    params={"map": Param("Map", choices=list(MAPS), format=MAPS)},
)
def russia_map(map: str = "mfg_lq") -> Built:  # the page's URL parameter
    """One of four maps of the federal subjects: manufacturing's share of GVA, the
    manufacturing employment LQ, single-industry towns, social-policy spending per head."""
    if map == "mfg_gva":
        vals, unit = russia.manufacturing_gva(2022), "% of GVA"
        hover = {}
    elif map == "mfg_lq":
        data = lookups.system_data(RU_EMPLOYMENT.key)
        t = dependence.dependence(data, "C", data.periods[-1]).set_index("region")
        vals, unit = t["lq"], "LQ"
        hover = {k: f"{v:.1f}% of employment" for k, v in t["share"].items()}
    elif map == "monotowns":
        m = russia.monotowns()
        vals, unit = m["total"].reindex(geo.ids(LAYER)).fillna(0), "towns"
        hover = {
            k: f"category 1: {r.category_1}, 2: {r.category_2}, 3: {r.category_3}"
            for k, r in m.iterrows()
        }
    else:
        vals, unit = russia.social_per_head(2021), "RUB per person"
        hover = {}
    breaks = {"mfg_lq": maps.LQ_BREAKS, "monotowns": [0, 1, 3, 6, 10, 20]}.get(map)
    ch = maps.region_map(
        vals,
        LAYER,
        title=MAPS[map],
        subtitle=f"{unit}; Russian federal subjects",
        source=source_line(MAP_DATASETS[map], CREDIT),
        unit=unit,
        names=lookups.region_names(),
        hover=hover,
        breaks=breaks,
        value_format=",.0f" if map in ("social", "monotowns") else ".2f",
    )
    return Built(ch, MAP_DATASETS[map])


@chart("russia", ["roskazna_budget", "ru_population"], {"year": list(BUDGET_YEARS)}, shown=False)
def russia_social_map(year: int = 2021) -> Built:
    """Map of social-policy spending per head in one year of the Treasury files."""
    ch = maps.region_map(
        russia.social_per_head(int(year)),
        LAYER,
        title=f"Social-policy spending per head ({year})",
        subtitle=f"RUB per person ({russia.PER_HEAD}); Russian federal subjects",
        unit="RUB per person",
        source=source_line(["roskazna_budget", "ru_population"], CREDIT),
        names=lookups.region_names(),
        value_format=",.0f",
    )
    return Built(ch, ["roskazna_budget", "ru_population"])


@chart("russia", ["rosstat_regions"], key="wages", params={"regions": REGIONS})
def russia_wages(regions: tuple[str, ...] = russia.ARMS_REGIONS) -> Built:
    """Average monthly wage and unemployment rate of the chosen regions against the Russian
    Federation, in two panels."""
    chosen = _regions(regions)
    r = crosswalks.disjoint_subjects(store.read("rosstat_regions"))
    wanted = ["wage_avg_monthly", "unemployment_rate"]
    sel = r[r["geo"].isin([*chosen, COUNTRY]) & r["indicator"].isin(wanted)]
    wide = sel.pivot_table(index=["geo", "year"], columns="indicator", values="value").reset_index()
    ws = charts.stacked_series(
        wide,
        [
            ("wage_avg_monthly", "Average monthly wage", "RUB"),
            ("unemployment_rate", "Unemployment rate (ILO)", "%"),
        ],
        names=_names(),
        title="Wages and unemployment",
        subtitle=f"RUB a month (top) and % of the labour force (bottom); {len(chosen)} regions and "
        f"the Russian Federation, {int(wide['year'].min())}-{int(wide['year'].max())}",
        source=source_line(["rosstat_regions"]),
        summarize_above=13,
    )
    _as_reference(ws.figure, "Russian Federation")
    return Built(ws, ["rosstat_regions"])


@table("russia", ["monotowns"], key="towns", params={"regions": REGIONS})
def russia_towns(regions: tuple[str, ...] = russia.ARMS_REGIONS) -> Built:
    """The single-industry towns of the chosen regions on the government's list: region,
    town, municipality and category."""
    chosen = _regions(regions)
    names = lookups.region_names()
    return Built(
        None,
        ["monotowns"],
        table=russia.towns(chosen, names),
        notes={
            "title": "Single-industry towns in the chosen regions",
            "columns": {"region": ("Region", None)},  # names here, not codes
            "sample": f"Sample: {', '.join(names.get(g, g) for g in chosen)}.",
            "caption": "Category 1: the most difficult socio-economic situation; 2: risk of "
            "deterioration; 3: stable. Izhevsk, Tula and Kovrov are not single-industry "
            "towns; Votkinsk, Sarapul and Glazov (Udmurtia) are.",
        },
    )


@table(
    "russia", ["roskazna_budget", "ru_population"], key="budget_table", params={"regions": REGIONS}
)
def russia_budget_table(regions: tuple[str, ...] = russia.ARMS_REGIONS) -> Built:
    """The chosen regions' consolidated budgets by function (national economy, education,
    health, social policy): % of executed spending and roubles per person in each Treasury
    year, rounded to 0.1."""
    chosen = _regions(regions)
    names = lookups.region_names()
    t = russia.budget_table(chosen, names)
    years = sorted({c.rsplit(" ", 1)[1] for c in t.columns if c.startswith("% of spending")})
    columns = {c: (c, "%.1f") for c in t.columns if c not in ("region", "function")}
    columns["region"] = ("Region", None)  # names here, not codes
    return Built(
        None,
        ["roskazna_budget", "ru_population"],
        table=t,
        notes={
            "title": f"The chosen regions' budgets by function, {' and '.join(years)}",
            "sample": f"Sample: {', '.join(names.get(g, g) for g in chosen)}.",
            "columns": columns,
            "caption": "Share of the consolidated budget's executed spending, and roubles per "
            "person, for national economy (04), education (07), health (09; most health care is "
            "paid by the health-insurance fund, which is left out) and social policy (10).",
        },
    )


@chart(
    "russia", ["roskazna_budget", "ru_population"], key="social_bars", params={"regions": REGIONS}
)
def russia_social_bars(regions: tuple[str, ...] = russia.ARMS_REGIONS) -> Built:
    """Grouped bars of social-policy spending per head of the chosen regions in 2019 and 2021,
    with all regions' 2019 figure as a line."""
    chosen = _regions(regions)
    names = lookups.region_names()
    bud = russia.budget(["10"])
    mine = bud[bud["geo"].isin(chosen)]
    fig = go.Figure()
    labels = [names.get(g, g) for g in reversed(chosen)]  # the first chosen at the top
    for i, year in enumerate(BUDGET_YEARS):
        y = mine[mine["year"] == year].set_index("geo").reindex(list(reversed(chosen)))
        fig.add_trace(
            go.Bar(
                y=labels,
                x=y["per_head"],
                name=str(year),
                orientation="h",
                marker_color=charts.PALETTE[i],
                hovertemplate="%{y}: %{x:,.0f} RUB per person<extra>" + str(year) + "</extra>",
            )
        )
    ru = bud[(bud["geo"] == COUNTRY) & (bud["year"] == BUDGET_YEARS[0])]
    if len(ru):  # a line in the legend, not a label on the bars
        level = float(ru["per_head"].iloc[0])
        fig.add_trace(
            go.Scatter(
                x=[level, level],
                y=[labels[0], labels[-1]],
                mode="lines",
                name=f"All regions, {BUDGET_YEARS[0]}: {level:,.0f}",
                hoverinfo="skip",
                line={"dash": "dash", "color": "#000", "width": 1.5},
            )
        )
    charts.bar_axes(
        fig,
        labels,
        "Social-policy spending per head",
        "RUB per person, consolidated budget "
        f"of the subject, executed; section 10; {russia.PER_HEAD}",
        source_line(["roskazna_budget", "ru_population"]),
        "RUB per person",
        bar_px=16 * len(BUDGET_YEARS),
    )
    # plotly stacks a group's first bar lowest: the legend lists them as they stand
    fig.update_layout(barmode="group", hovermode="closest", legend_traceorder="reversed")
    per_head = mine[["geo", "year", "per_head"]]
    alt = (
        "Grouped bars of social-policy spending per head (RUB) in 2019 and 2021 for "
        + ", ".join(names.get(g, g) for g in chosen)
        + "."
    )
    data = per_head.assign(region=per_head["geo"].map(names.get))
    return Built(charts.Chart(fig, alt, data), ["roskazna_budget", "ru_population"])


SUPPORT_CATEGORIES = {  # rows of Rosstat's table (as printed) -> names on the chart
    "ветераны боевых действий": "Combat veterans",
    "семьи с детьми": "Families with children",
    "инвалиды": "Disabled people",
    "ветераны труда": "Labour veterans",
}
SUPPORT_YEAR = 2021  # the only year Rosstat published


@chart("russia", ["ru_social_support", "ru_population"], key="support", params={"regions": REGIONS})
def russia_social_support(regions: tuple[str, ...] = russia.ARMS_REGIONS) -> Built:
    """Social support per head by category of recipient, 2021: spending of each chosen
    region's consolidated budget on combat veterans, families with children, disabled people
    and labour veterans (every form of support, Rosstat's Таблица 1) over its population, RUB
    per person, with all regions (the Federation) for comparison."""
    chosen = _regions(regions)
    names = _names()
    s = store.read("ru_social_support", indicator="social_support_by_category", form="total")
    s = crosswalks.disjoint_subjects(s)  # Tyumen and Arkhangelsk without their okrugs
    s = s[s["category"].isin(list(SUPPORT_CATEGORIES))]
    pop = russia.population().xs(SUPPORT_YEAR, level="year")
    rows = [COUNTRY, *chosen]
    s = s[s["geo"].isin(rows)].assign(
        per_head=lambda d: d["value"] / d["geo"].map(pop) * 1000,  # mln RUB / thousand people
        recipient=lambda d: d["category"].map(SUPPORT_CATEGORIES),
        region=lambda d: d["geo"].map(lambda g: names.get(g, g)),
    )
    if s.empty:
        raise SpecError("no social support figures for these regions")
    labels = [names.get(g, g) for g in reversed(rows)]  # the Federation first, at the top
    fig = go.Figure()
    for i, (category, name) in enumerate(SUPPORT_CATEGORIES.items()):
        d = s[s["category"] == category].set_index("region").reindex(labels)
        fig.add_trace(
            go.Bar(
                y=labels,
                x=d["per_head"],
                name=name,
                orientation="h",
                marker_color=charts.PALETTE[i],
                hovertemplate="%{y}: %{x:,.0f} RUB per person<extra>" + name + "</extra>",
            )
        )
    used = ["ru_social_support", "ru_population"]
    charts.bar_axes(
        fig,
        labels,
        f"Social support per head by category of recipient, {SUPPORT_YEAR}",
        f"RUB per person; spending of the subject's consolidated budget on each category, every "
        f"form of support, over its whole population ({russia.PER_HEAD}); {len(chosen)} regions "
        f"and the Russian Federation, {SUPPORT_YEAR} only",
        source_line(used),
        "RUB per person",
        bar_px=10 * len(SUPPORT_CATEGORIES),
    )
    # plotly stacks a group's first bar lowest: the legend lists them as they stand
    fig.update_layout(barmode="group", hovermode="closest", legend_traceorder="reversed")
    top = s.sort_values("per_head", ascending=False).head(3)
    alt = (
        f"Grouped bars of social support per head in {SUPPORT_YEAR} by category of recipient "
        "("
        + ", ".join(SUPPORT_CATEGORIES.values())
        + ") for "
        + ", ".join(labels[::-1])
        + ". Highest: "
        + "; ".join(f"{r.recipient} in {r.region} {r.per_head:,.0f} RUB" for r in top.itertuples())
        + "."
        " One year only, and only what the subjects' own budgets paid: federal payments to the"
        " same people (such as combat veterans' monthly cash payment) are not in this"
        " table."
    )
    data = s[["geo", "region", "recipient", "value", "per_head"]].rename(
        columns={"value": "mln_rub"}
    )
    return Built(charts.Chart(fig, alt, data.reset_index(drop=True)), used)


@chart(
    "russia",
    ["ru_social_support", "ru_population"],
    key="support_map",
    params={
        "recipient": Param("Recipients", "support_of", list(SUPPORT_CATEGORIES), SUPPORT_CATEGORIES)
    },
)
def russia_support_map(recipient: str = "ветераны боевых действий") -> Built:
    """Map of social support per head for one category of recipient, 2021: the spending of
    each subject's consolidated budget on it (every form of support, Rosstat's Таблица 1) over
    the subject's population, RUB per person."""
    name, used = SUPPORT_CATEGORIES[recipient], ["ru_social_support", "ru_population"]
    s = store.read(
        "ru_social_support",
        indicator="social_support_by_category",
        form="total",
        category=recipient,
    )
    s = crosswalks.disjoint_subjects(s)  # Tyumen and Arkhangelsk without their okrugs
    s = s[s["geo_level"] == RU_EMPLOYMENT.geo_level].set_index("geo")["value"]  # no districts
    pop = russia.population().xs(SUPPORT_YEAR, level="year")
    per_head = (s / s.index.map(pop).to_numpy() * 1000).dropna()  # mln RUB / thousand people
    ch = maps.region_map(
        per_head,
        LAYER,
        title=f"Social support of {name.lower()} per head, {SUPPORT_YEAR}",
        subtitle=f"RUB per person; the subject's consolidated budget on {name.lower()}, every "
        f"form of support, over its whole population ({russia.PER_HEAD}); Russian federal "
        "subjects",
        unit="RUB per person",
        source=source_line(used, CREDIT),
        names=lookups.region_names(),
        value_format=",.0f",
    )
    ch.alt += (
        " One year only, and only what the subjects' own budgets paid: federal payments to the "
        "same people are not in this table."
    )
    return Built(ch, used)


@chart("russia", ["rosstat_regions"], key="shipments", params={"regions": REGIONS})
def russia_shipments(regions: tuple[str, ...] = russia.ARMS_REGIONS) -> Built:
    """Manufacturing shipments of the chosen regions over time, with the OKVED break marked."""
    chosen = _regions(regions)
    r = crosswalks.disjoint_subjects(store.read("rosstat_regions"))
    ship = r[r["geo"].isin(chosen) & (r["indicator"] == "manufacturing_shipments")]
    after = int(OKVED_BREAK.last_before) + 1
    ts = charts.time_series(
        ship[["geo", "year", "value", "flag"]],
        names=lookups.region_names(),
        title="Manufacturing shipments",
        subtitle=f"mln RUB, current prices; OKVED section D to {OKVED_BREAK.last_before}, "
        f"OKVED2 section C from {after}",
        source=source_line(["rosstat_regions"]),
        y_title="mln RUB",
        value_format=",.0f",
    )
    ts.figure.add_vline(
        x=OKVED_BREAK.x,
        line={"dash": "dot", "color": "#555"},
        annotation_text=OKVED_BREAK.name,
        annotation_position="top left",
    )
    return Built(ts, ["rosstat_regions"])


@chart(
    "russia",
    ["roskazna_budget", "rosstat_grp_structure", "ru_population"],
    {"year": [2021]},
    key="scatter",
    params={"regions": REGIONS},
)
def russia_social_vs_manufacturing(
    regions: tuple[str, ...] = russia.ARMS_REGIONS, year: int = 2021
) -> Built:
    """Scatter of social-policy spending per head against manufacturing's share of GVA
    across the subjects, with an OLS fit and its 95% band; the chosen regions marked."""
    chosen = _regions(regions)
    names = lookups.region_names()
    cs = russia.cross_section(int(year))
    try:
        band = analysis.ols_band(cs["mfg_gva"], cs["social_per_head"])
    except ValueError as exc:
        raise SpecError(f"no fit for {year}: {exc}") from None
    used = ["roskazna_budget", "rosstat_grp_structure", "ru_population"]
    sc = charts.scatter_fit(
        cs,
        "mfg_gva",
        "social_per_head",
        band,
        names=names,
        x_title="Manufacturing, % of gross value added",
        y_title="RUB per person",
        title="Social-policy spending per head against manufacturing's weight",
        subtitle=f"{len(cs)} federal subjects, {year}; per head of the {russia.PER_HEAD}; "
        "dashed: OLS fit with 95% band",
        source=source_line(used),
        trajectories=False,
        points="regions",
        marked=tuple(chosen),
    )
    return Built(sc, used, notes={"fit": band.attrs})


ARMS_DATASETS = ["rosstat_grp_structure", "rosstat_employment_structure", "ru_budget_shares",
                 "monotowns"]  # fmt: skip


@table("russia", ARMS_DATASETS, key="arms_table", params={"regions": REGIONS})
def russia_arms_measures(regions: tuple[str, ...] = russia.ARMS_REGIONS) -> Built:
    """The measures the data holds for the arms question side by side: manufacturing's share
    of GVA and of employment, the national-defense and social-policy shares of the budget in
    2021 and 2023, and single-industry towns, for the chosen regions and the median subject."""
    chosen = _regions(regions)
    t = russia.arms_measures(chosen)
    labels, n = t.attrs["labels"], t.attrs["n"]
    names = {**lookups.region_names(), "median": "Median subject"}
    t = t.assign(name=t["geo"].map(lambda g: names.get(g, g)))
    t = t[["name", "geo", *labels]].round(2)
    fmt = {"mfg_gva": "%.1f", "mfg_employment": "%.1f", "monotowns": "%.0f"}
    columns = {c: (label, fmt.get(c, "%.2f")) for c, label in labels.items()}
    years = t.attrs["years"]
    short = {
        "mfg_gva": f"Manuf. % GVA {years['mfg_gva']}",
        "mfg_employment": f"Manuf. % jobs {years['mfg_employment']}",
        "defense_2021": "Defense % 2021",
        "defense_2023": "Defense % 2023",
        "social_2021": "Social % 2021",
        "social_2023": "Social % 2023",
        "monotowns": "Mono-towns",
    }
    caption = (
        "Manuf.: manufacturing (section C), % of gross value added and of average annual "
        "employment (Rosstat, compiled by a researcher; the employment year is inferred). "
        "Defense, Social: national defense (section 02) and social policy (10), % of the "
        "subject's consolidated budget. Mono-towns: towns on the government's list of "
        "single-industry towns. The median subject is over the subjects with a figure "
        f"(national defense: {n['defense_2023']}; manufacturing: {n['mfg_gva']})."
    )
    sample = (
        f"Sample: {', '.join(names.get(g, g) for g in chosen)}, and the median of the "
        f"federal subjects with a figure ({n['mfg_gva']}; national defense "
        f"{n['defense_2023']})."
    )
    return Built(
        None,
        ARMS_DATASETS,
        table=t,
        notes={
            "title": "What the data can say about the arms-producing regions",
            "sample": sample,
            "columns": columns,
            "short": short,
            "n": n,
            "caption": caption,
            "box": russia.ARMS_EMPLOYMENT,
        },
    )


# --- wartime budgets, 2017-2023 -------------------------------------------------------------

WARTIME = "ru_budget_shares"
WAR_FUNCTIONS = {"02": "National defense", "10": "Social policy", "09": "Health",
                 "07": "Education"}  # fmt: skip
SECTION_NAMES = {"01": "General public services", "02": "National defense",
                 "03": "National security and law enforcement", "04": "National economy",
                 "05": "Housing and utilities", "07": "Education", "08": "Culture and cinema",
                 "09": "Health", "10": "Social policy", "11": "Sport"}  # fmt: skip
WAR_YEARS = tuple(str(y) for y in range(2017, 2024))  # as the page's year choosers hold them


def _shares() -> pd.DataFrame:
    s = store.read(WARTIME, indicator="budget_share_consolidated")
    return s[s["geo"].str.startswith(("RU-", "UA-"))]


@chart("russia", [WARTIME], key="wartime", params={"regions": REGIONS})
def russia_wartime_shares(regions: tuple[str, ...] = russia.ARMS_REGIONS) -> Built:
    """National defense, social policy, health and education as shares of the chosen regions'
    consolidated budgets, 2017-2023, one panel each, with the median subject."""
    chosen = _regions(regions)
    s = _shares()
    s = s[s["function"].isin(list(WAR_FUNCTIONS))]
    median = s.groupby(["function", "year"], as_index=False)["value"].median().assign(geo="median")
    sel = pd.concat([s[s["geo"].isin(chosen)], median], ignore_index=True)
    wide = sel.pivot_table(index=["geo", "year"], columns="function", values="value")
    wide = wide.reset_index()
    counts = s[s["year"] == s["year"].max()].groupby("function")["geo"].nunique()
    ch = charts.stacked_series(
        wide,
        [
            (code, f"{label} (section {code}); median of {counts.get(code, 0)} subjects", "%")
            for code, label in WAR_FUNCTIONS.items()
        ],
        names={**_names(), "median": "Median subject"},
        title="Regional budgets before and during the war",
        subtitle=f"% of each subject's consolidated budget; {len(chosen)} regions and the median "
        f"subject, {WAR_YEARS[0]}-{WAR_YEARS[-1]}",
        source=source_line([WARTIME]),
        summarize_above=13,
    )
    _as_reference(ch.figure, "Median subject")
    ch.alt += (
        " A share of a budget is not a level: a share can rise while spending falls. "
        "Regional 'national defense' is a small line, new since 2022, whose content the "
        "data does not describe."
    )
    return Built(ch, [WARTIME])


def _section(code: str) -> str:
    return f"{code} {SECTION_NAMES[code]}"


@chart(
    "russia",
    [WARTIME],
    key="war_map",
    params={
        "function": Param("Budget section", "war_fn", list(SECTION_NAMES), _section),
        "base": Param("From", "war_base", list(WAR_YEARS)),
        "final": Param("To", "war_final", list(WAR_YEARS)),
    },
)
def russia_wartime_map(function: str = "02", base: str = "2021", final: str = "2023") -> Built:
    """Map of the change in one budget section's share of each subject's consolidated budget
    between two years (percentage points)."""
    if base >= final:
        raise SpecError(f"choose two years of {WAR_YEARS[0]}-{WAR_YEARS[-1]}, the first earlier")
    s = _shares()
    s = s[s["function"] == function].pivot_table(index="geo", columns="year", values="value")
    change = (s[int(final)] - s[int(base)]).dropna()
    name = SECTION_NAMES[function]
    ch = maps.region_map(
        change,
        LAYER,
        title=f"{name}: change in its share of the budget, {base} to {final}",
        subtitle="percentage points of each subject's consolidated budget; Russian federal "
        "subjects",
        source=source_line([WARTIME], CREDIT),
        unit="pp",
        names=lookups.region_names(),
        breaks=transforms.diverging_breaks(change),
        diverging=True,
        value_format="+.2f",
    )
    return Built(
        ch,
        [WARTIME],
        notes={"change": change},
        params={"function": function, "base": base, "final": final},
    )


@chart("russia", ["sipri_milex"], key="national")
def russia_national_milex() -> Built:
    """Russia's military burden (% of GDP) and military spending as a share of government
    spending, SIPRI, to the latest year."""
    s = store.read("sipri_milex", geo=COUNTRY, indicator=["milex_gdp_share", "milex_gov_share"])
    wide = s.pivot_table(index=["geo", "year"], columns="indicator", values="value").reset_index()
    wide = wide[wide["year"] >= 2000]
    ch = charts.stacked_series(
        wide,
        [
            ("milex_gdp_share", "Military spending, % of GDP", "%"),
            ("milex_gov_share", "Military spending, % of government spending", "%"),
        ],
        names=_names(),
        title="The national picture: Russia's military spending",
        subtitle=f"% of GDP (top) and of general government spending (bottom), "
        f"{int(wide['year'].min())}-{int(wide['year'].max())}",
        source=source_line(["sipri_milex"]),
    )
    ch.figure.update_layout(showlegend=False)  # one country, named in the title
    return Built(ch, ["sipri_milex"])


FUND_NAMES = {"pension_fund": "Pension Fund (to 2022)",
              "social_insurance_fund": "Social Insurance Fund (to 2022)",
              "social_fund": "Social Fund (merged, 2023)",
              "health_insurance_fund": "Compulsory Health Insurance Fund"}  # fmt: skip


@chart("russia", ["rosstat_gosfin"], key="funds")
def russia_social_funds() -> Built:
    """Spending of the state social funds, 2005-2023, trillion RUB in current prices."""
    f = store.read("rosstat_gosfin", indicator="fund_spending")
    df = f.assign(geo=f["government"], value=f["value"] / 1e6)[["geo", "year", "value", "flag"]]
    ch = charts.time_series(
        df,
        names=FUND_NAMES,
        title="The state social funds' spending",
        subtitle=f"trillion RUB, current prices, {int(df['year'].min())}-"
        f"{int(df['year'].max())}; the Pension and Social Insurance Funds merged into the "
        "Social Fund in 2023",
        source=source_line(["rosstat_gosfin"]),
        y_title="trillion RUB",
        value_format=".2f",
    )
    ch.alt += " Current prices: the rise includes inflation."
    return Built(ch, ["rosstat_gosfin"])


# this page's charts and tables, in the order `labordash export --list` gives them
BUILDERS = (
    russia_map,
    russia_social_map,
    russia_wages,
    russia_budget_table,
    russia_towns,
    russia_social_bars,
    russia_social_support,
    russia_support_map,
    russia_shipments,
    russia_social_vs_manufacturing,
    russia_arms_measures,
    russia_wartime_shares,
    russia_wartime_map,
    russia_national_milex,
    russia_social_funds,
)
