"""The Home page's chart: military burden over time (SIPRI)."""

from __future__ import annotations

from dashboard import catalog, charts, store
from dashboard.provenance import source_line
from dashboard.registry import Built, SpecError, chart

MEASURES = {
    "milex_gdp_share": ("Military expenditure as a share of GDP", "% of GDP", ".1f"),
    "milex_gov_share": ("Military expenditure as a share of government spending",
                        "% of general government expenditure", ".1f"),
    "milex_constant_usd": ("Military expenditure in constant US dollars",
                           "US$ m, constant prices", ",.0f"),
}  # fmt: skip
COUNTRIES = ("RUS", "UKR", "USA", "CHN", "DEU")


def countries() -> tuple[dict[str, str], list[str]]:
    """SIPRI's country names (ISO3 -> name, sorted by name) and the countries with figures."""
    milex = store.read("sipri_milex", geo_level="country")
    names = milex.drop_duplicates("geo").set_index("geo")["country_name"].sort_values().to_dict()
    with_data = set(milex.loc[milex["value"].notna(), "geo"])
    return names, [g for g in names if g in with_data]


@chart("home", ["sipri_milex"], {"measure": list(MEASURES), "events": ["off", "on"]})
def milex_series(countries: tuple[str, ...] = COUNTRIES, measure: str = "milex_gdp_share",
                 events: str = "off") -> Built:  # fmt: skip
    """Military burden over time for up to 12 countries (SIPRI); hollow markers are estimates.
    ``events="on"`` marks the dated events of ``datasets/events.toml`` that concern a chosen
    country, each with its source in the hover and in the chart's text."""
    if not countries:
        raise SpecError("choose at least one country")
    milex = store.read("sipri_milex", geo_level="country")
    names = milex.drop_duplicates("geo").set_index("geo")["country_name"].to_dict()
    data = milex[(milex["indicator"] == measure) & milex["geo"].isin(countries)]
    data = data.dropna(subset=["value"])
    if data.empty:
        raise SpecError("SIPRI has no figures for this selection")
    title, _, fmt = MEASURES[measure]
    period = f"{data['year'].min()}-{data['year'].max()}"
    unit = data["unit"].iloc[0]
    n = f"{len(countries)} {'country' if len(countries) == 1 else 'countries'}"
    ch = charts.time_series(
        data[["geo", "country_name", "year", "value", "unit", "flag"]], names=names, title=title,
        subtitle=f"{unit}; {n}; {period}", source=source_line(["sipri_milex"]), y_title=unit,
        value_format=fmt,
    )  # fmt: skip
    if events == "on":
        charts.mark_events(ch, [e for e in catalog.events() if set(e.countries) & set(countries)])
    return Built(ch, ["sipri_milex"])
