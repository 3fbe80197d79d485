"""Inputs the builders share, cached per store version: region systems' data, names, the
country-year panel. Shared between callers (and Streamlit sessions): never modify them."""

from __future__ import annotations

import contextlib

import pandas as pd

from dashboard import analysis, dependence, geo, reference, store, systems
from dashboard.building import SpecError, versioned
from dashboard.systems import Data, System


@versioned(maxsize=8)
def system_data(key: str) -> Data:
    """A region system's cells (raises ``store.StoreMissing`` before a pull)."""
    return system(key).load()


def system(key: str) -> System:
    try:
        return systems.get(key)
    except KeyError as exc:
        raise SpecError(exc.args[0]) from None


@versioned(maxsize=2)
def _regions() -> pd.DataFrame:
    return reference.regions()


@versioned(maxsize=4)
def _names(column: str) -> dict[str, str]:
    try:
        r = _regions()
    except (store.StoreMissing, geo.GeometryMissing):
        return {}
    missing = r["code"] if column == "name_en" else ""
    return dict(zip(r["code"], r[column].fillna(missing), strict=True))


def region_names() -> dict[str, str]:
    """Region code -> English name (empty before the geometries are pulled)."""
    return _names("name_en")


def region_names_ru() -> dict[str, str]:
    """Region code -> Russian name ("" where there is none)."""
    return _names("name_ru")


TOWNS_SHOWN = 4
FEDERAL_CITIES = {"RU-MOW", "RU-SPE", "UA-40"}


@versioned(maxsize=2)
def region_towns() -> dict[str, tuple[str, ...]]:
    """Russian region code -> its largest towns (up to 4, by population in 2020), in English;
    empty before ``ru_towns`` is pulled."""
    try:
        t = store.read("ru_towns")
    except store.StoreMissing:
        return {}
    t = t.sort_values(["geo", "value"], ascending=[True, False])
    return {g: tuple(d["town_en"].head(TOWNS_SHOWN)) for g, d in t.groupby("geo")}


@versioned(maxsize=2)
def town_suffixes() -> dict[str, str]:
    """Russian region code -> " · Izhevsk, Votkinsk, ..." for its chooser label: its largest
    towns, except one its name already says, and none for a federal city (the region is the
    city): typing a town finds its region. One lookup per rerun, not per option: a chooser
    formats every option on every rerun."""
    names = region_names()
    out = {}
    for code, towns in region_towns().items():
        name = names.get(code, code).lower()
        near = [t for t in towns if t.lower() not in name]
        if near and code not in FEDERAL_CITIES:
            out[code] = f" · {', '.join(near)}"
    return out


@versioned(maxsize=2)
def panel() -> pd.DataFrame:
    """The country-year panel of ``analysis.build_panel``."""
    return analysis.build_panel()


@versioned(maxsize=2)
def country_names() -> dict[str, str]:
    """ISO3 -> country name, from the World Bank, SIPRI and the map layer."""
    names: dict[str, str] = {}
    for ds in ("wdi", "sipri_milex"):
        with contextlib.suppress(store.StoreMissing):
            d = store.read(ds, geo_level="country")
            names.update(d.drop_duplicates("geo").set_index("geo")["country_name"].to_dict())
    with contextlib.suppress(geo.GeometryMissing):  # then names come from the datasets only
        names.update({fid: props["name"] for fid, props in geo.properties("countries")})
    return names


def check(
    data: Data, industry: str | None = None, period: str | None = None, region: str | None = None
) -> None:
    """A ``SpecError`` for an industry, period or region the system does not have."""
    key = data.system.key
    if industry is not None and industry not in set(data.cells["industry"]) | set(data.groups):
        raise SpecError(f"industry {industry!r} is not in {key}")
    if period is not None and period not in data.periods:
        raise SpecError(f"period {period!r} not in {key}: {', '.join(data.periods)}")
    if region is not None and region not in data.regions:
        raise SpecError(f"region {region!r} is not in {key}")


@versioned(maxsize=16)
def _defaults(key: str) -> tuple[str, tuple[str, ...]]:
    data = system_data(key)
    tot = data.totals[data.totals["region"].isin(data.regions)]
    n = tot.groupby("period")["region"].nunique()
    good = n[n >= n.max() / 2].index
    period = str(max(good)) if len(good) else data.periods[-1]
    present = set(data.cells["industry"])
    groups = [g for g in data.groups if set(data.groups[g]) & present]
    rest = sorted(present - set(data.partition) - set(groups))
    return period, (*groups, *[p for p in data.partition if p in present], *rest)


def default_period(data: Data) -> str:
    """The latest period in which at least half of the regions have data."""
    return _defaults(data.system.key)[0]


def industry_options(data: Data) -> list[str]:
    """Groups first, then the partition's industries, then every other code (sorted)."""
    return list(_defaults(data.system.key)[1])


def default_industry(data: Data) -> str:
    opts = industry_options(data)
    d = data.system.default_industry
    return d if d in opts or not opts else opts[0]


def default_region(data: Data) -> str:
    d = data.system.default_region
    return d if d in data.regions or not data.regions else data.regions[0]


@versioned(maxsize=64)
def dependence_table(key: str, industry: str, period: str) -> pd.DataFrame:
    """``dependence.dependence`` of a system's industry in a period. Shared: copy to modify."""
    return dependence.dependence(system_data(key), industry, period)


@versioned(maxsize=8)
def concentration_table(key: str) -> pd.DataFrame:
    """``dependence.concentration`` of every region of a system in every period. Shared."""
    return dependence.concentration(system_data(key))
