"""One module (or table object) per dataset; each has DATASET, SOURCE and ``load(**fetch_kw)``."""

from __future__ import annotations

from dashboard.sources import (
    eurostat,
    eurostat_cofog,
    monotowns,
    owid,
    qcew,
    roskazna,
    rosstat,
    rosstat_gosfin,
    ru_budget_shares,
    ru_population,
    ru_social_support,
    ru_structure,
    ru_towns,
    sipri,
    us_state_finances,
    who,
    worldbank,
)

MODULES = {
    m.DATASET: m
    for m in (
        sipri,
        worldbank,
        who,
        owid,
        eurostat_cofog,
        *eurostat.TABLES,
        qcew,
        rosstat,
        roskazna,
        ru_budget_shares,
        ru_population,
        rosstat_gosfin,
        ru_social_support,
        monotowns,
        ru_towns,
        *ru_structure.TABLES,
        us_state_finances,
    )
}


def resolve(names: list[str] | None) -> list[str]:
    """Dataset ids for names given as dataset ids (``wdi``) or source names (``worldbank``,
    ``eurostat``: all of that source's datasets)."""
    if not names:
        return list(MODULES)
    by_source: dict[str, list[str]] = {}
    for ds, m in MODULES.items():
        by_source.setdefault(m.SOURCE, []).append(ds)
    out: list[str] = []
    for name in names:
        found = [name] if name in MODULES else by_source.get(name, [])
        if not found:
            known = sorted(set(MODULES) | set(by_source))
            raise KeyError(f"unknown source {name!r}; known: {', '.join(known)}")
        out += [d for d in found if d not in out]
    return out
