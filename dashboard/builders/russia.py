"""Charts of the Russia's regions page: four maps, wages and unemployment, social-policy
spending per head, manufacturing shipments and the cross-section of social spending against
manufacturing's weight."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard import analysis, charts, crosswalks, dependence, geo, maps, russia, store
from dashboard.builders import lookups
from dashboard.provenance import source_line
from dashboard.registry import Built, SpecError, chart
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
    "social": ["roskazna_budget", "rosstat_regions"],
}
BUDGET_YEARS = (2019, 2021)  # the Treasury files in the store
SIDE_LEGEND = {"orientation": "v", "x": 1.02, "y": 1, "xanchor": "left", "yanchor": "top"}
CREDIT = geo.LAYERS[RU_EMPLOYMENT.layer].credit
LAYER = RU_EMPLOYMENT.layer


def subjects() -> list[str]:
    """Every federal subject in Rosstat's regional tables."""
    return sorted(set(store.read("rosstat_regions", geo_level=RU_EMPLOYMENT.geo_level)["geo"]))


def _regions(regions: tuple[str, ...]) -> tuple[str, ...]:
    if not regions:
        raise SpecError("choose at least one region")
    known = set(subjects())
    bad = [r for r in regions if r not in known]
    if bad:
        raise SpecError(f"not Russian federal subjects in the store: {', '.join(bad)}")
    return tuple(regions)


def _names() -> dict[str, str]:
    return {**lookups.region_names(), COUNTRY: "Russian Federation"}


@chart("russia", sorted({d for ds in MAP_DATASETS.values() for d in ds}), {"map": list(MAPS)})
def russia_map(map: str = "mfg_lq") -> Built:  # noqa: A002  (the page's URL parameter)
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
        layer_ids = [f["id"] for f in geo.features(LAYER)["features"]]
        vals, unit = m["total"].reindex(layer_ids).fillna(0), "towns"
        hover = {k: f"category 1: {r.category_1}, 2: {r.category_2}, 3: {r.category_3}"
                 for k, r in m.iterrows()}  # fmt: skip
    else:
        vals, unit = russia.social_per_head(2021), "RUB per person"
        hover = {}
    breaks = {"mfg_lq": maps.LQ_BREAKS, "monotowns": [0, 1, 3, 6, 10, 20]}.get(map)
    ch = maps.region_map(
        vals, LAYER, title=MAPS[map], subtitle=f"{unit}; Russian federal subjects",
        source=source_line(MAP_DATASETS[map], CREDIT), unit=unit, names=lookups.region_names(),
        hover=hover, breaks=breaks,
        value_format=",.0f" if map in ("social", "monotowns") else ".2f",
    )  # fmt: skip
    return Built(ch, MAP_DATASETS[map])


@chart("russia", ["roskazna_budget", "rosstat_regions"], {"year": list(BUDGET_YEARS)})
def russia_social_map(year: int = 2021) -> Built:
    """Map of social-policy spending per head in one year of the Treasury files."""
    if int(year) not in BUDGET_YEARS:
        raise SpecError("year must be 2019 or 2021 (the Treasury files in the store)")
    ch = maps.region_map(
        russia.social_per_head(int(year)), LAYER,
        title=f"Social-policy spending per head ({year})",
        subtitle="RUB per person; Russian federal subjects", unit="RUB per person",
        source=source_line(["roskazna_budget", "rosstat_regions"], CREDIT),
        names=lookups.region_names(), value_format=",.0f",
    )  # fmt: skip
    return Built(ch, ["roskazna_budget", "rosstat_regions"])


@chart("russia", ["rosstat_regions"])
def russia_wages(regions: tuple[str, ...] = russia.ARMS_REGIONS) -> Built:
    """Average monthly wage and unemployment rate of the chosen regions against the Russian
    Federation, in two panels."""
    chosen = _regions(regions)
    r = crosswalks.disjoint_subjects(store.read("rosstat_regions"))
    wanted = ["wage_avg_monthly", "unemployment_rate"]
    sel = r[r["geo"].isin([*chosen, COUNTRY]) & r["indicator"].isin(wanted)]
    wide = sel.pivot_table(index=["geo", "year"], columns="indicator", values="value").reset_index()
    ws = charts.stacked_series(
        wide, [("wage_avg_monthly", "Average monthly wage", "RUB"),
               ("unemployment_rate", "Unemployment rate (ILO)", "%")],
        names=_names(), title="Wages and unemployment",
        subtitle=f"RUB a month (top) and % of the labour force (bottom); {len(chosen)} regions and "
        f"the Russian Federation, {int(wide['year'].min())}-{int(wide['year'].max())}",
        source=source_line(["rosstat_regions"]), summarize_above=13,
    )  # fmt: skip
    ws.figure.update_layout(legend=SIDE_LEGEND, margin={"r": 190})
    ws.figure.update_traces(line={"color": "#666", "dash": "dash", "width": 3},
                            selector={"name": "Russian Federation"})  # fmt: skip
    return Built(ws, ["rosstat_regions"])


@chart("russia", ["roskazna_budget", "rosstat_regions"])
def russia_social_bars(regions: tuple[str, ...] = russia.ARMS_REGIONS) -> Built:
    """Grouped bars of social-policy spending per head of the chosen regions in 2019 and 2021,
    with all regions' 2019 figure as a line."""
    chosen = _regions(regions)
    names = lookups.region_names()
    bud = russia.budget(["10"])
    mine = bud[bud["geo"].isin(chosen)]
    fig = go.Figure()
    for i, year in enumerate(BUDGET_YEARS):
        y = mine[mine["year"] == year].set_index("geo").reindex(list(chosen))
        fig.add_trace(go.Bar(x=[names.get(g, g) for g in chosen], y=y["per_head"], name=str(year),
                             marker_color=charts.PALETTE[i],
                             hovertemplate="%{x}: %{y:,.0f} RUB per person<extra>" + str(year)
                             + "</extra>"))  # fmt: skip
    ru = bud[(bud["geo"] == COUNTRY) & (bud["year"] == BUDGET_YEARS[0])]
    if len(ru):
        fig.add_hline(y=float(ru["per_head"].iloc[0]), line={"dash": "dash", "color": "#000"},
                      annotation_text=f"all regions, {BUDGET_YEARS[0]}")  # fmt: skip
    charts.house_layout(
        fig, "Social-policy spending per head", "RUB per person, consolidated budget of the "
        "subject, executed; section 10", source_line(["roskazna_budget", "rosstat_regions"]),
        "RUB per person",
    )  # fmt: skip
    fig.update_layout(barmode="group", hovermode="closest")
    per_head = mine[["geo", "year", "per_head"]]
    alt = ("Grouped bars of social-policy spending per head (RUB) in 2019 and 2021 for "
           + ", ".join(names.get(g, g) for g in chosen) + ".")  # fmt: skip
    data = per_head.assign(region=per_head["geo"].map(names.get))
    return Built(charts.Chart(fig, alt, data), ["roskazna_budget", "rosstat_regions"])


@chart("russia", ["rosstat_regions"])
def russia_shipments(regions: tuple[str, ...] = russia.ARMS_REGIONS) -> Built:
    """Manufacturing shipments of the chosen regions over time, with the OKVED break marked."""
    chosen = _regions(regions)
    r = crosswalks.disjoint_subjects(store.read("rosstat_regions"))
    ship = r[r["geo"].isin(chosen) & (r["indicator"] == "manufacturing_shipments")]
    after = int(OKVED_BREAK.last_before) + 1
    ts = charts.time_series(
        ship[["geo", "year", "value", "flag"]], names=lookups.region_names(),
        title="Manufacturing shipments",
        subtitle=f"mln RUB, current prices; OKVED section D to {OKVED_BREAK.last_before}, "
        f"OKVED2 section C from {after}",
        source=source_line(["rosstat_regions"]), y_title="mln RUB", value_format=",.0f",
    )  # fmt: skip
    ts.figure.add_vline(x=OKVED_BREAK.x, line={"dash": "dot", "color": "#555"},
                        annotation_text=OKVED_BREAK.name,
                        annotation_position="top left")  # fmt: skip
    ts.figure.update_layout(legend=SIDE_LEGEND, margin={"r": 190})
    return Built(ts, ["rosstat_regions"])


@chart("russia", ["roskazna_budget", "rosstat_grp_structure", "rosstat_regions"],
       {"year": [2021]})  # fmt: skip
def russia_social_vs_manufacturing(regions: tuple[str, ...] = russia.ARMS_REGIONS,
                                   year: int = 2021) -> Built:  # fmt: skip
    """Scatter of social-policy spending per head against manufacturing's share of GVA
    across the subjects, with an OLS fit and its 95% band; the chosen regions marked."""
    chosen = _regions(regions)
    names = lookups.region_names()
    cs = russia.cross_section(int(year))
    try:
        band = analysis.ols_band(cs["mfg_gva"], cs["social_per_head"])
    except ValueError as exc:
        raise SpecError(f"no fit for {year}: {exc}") from None
    used = ["roskazna_budget", "rosstat_grp_structure", "rosstat_regions"]
    sc = charts.scatter_fit(
        cs, "mfg_gva", "social_per_head", band, names=names,
        x_title="Manufacturing, % of gross value added", y_title="RUB per person",
        title="Social-policy spending per head against manufacturing's weight",
        subtitle=f"{len(cs)} federal subjects, {year}; dashed: OLS fit with 95% band",
        source=source_line(used), trajectories=False, points="regions",
    )  # fmt: skip
    mark = cs[cs["geo"].isin(chosen)]
    sc.figure.add_trace(go.Scatter(
        x=mark["mfg_gva"], y=mark["social_per_head"], mode="markers", name="selected regions",
        text=[names.get(g, g) for g in mark["geo"]],
        marker={"size": 10, "color": charts.PALETTE[1]},
        hovertemplate="%{text}: %{x:.1f}% of GVA, %{y:,.0f} RUB per person<extra></extra>",
    ))  # fmt: skip
    return Built(sc, used, notes={"fit": band.attrs})
