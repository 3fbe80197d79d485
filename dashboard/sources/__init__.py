"""One module per public source; each has DATASET, SOURCE, ``parse`` and ``load(**fetch_kw)``."""

from __future__ import annotations

from types import ModuleType

from dashboard.sources import eurostat_cofog, owid, sipri, who, worldbank

MODULES: dict[str, ModuleType] = {
    m.DATASET: m for m in (sipri, worldbank, who, owid, eurostat_cofog)
}


def resolve(names: list[str] | None) -> list[str]:
    """Dataset ids for names given as dataset ids (``wdi``) or source names (``worldbank``)."""
    if not names:
        return list(MODULES)
    by_source = {m.SOURCE: ds for ds, m in MODULES.items()}
    out: list[str] = []
    for name in names:
        ds = name if name in MODULES else by_source.get(name)
        if ds is None:
            known = ", ".join(sorted(set(MODULES) | set(by_source)))
            raise KeyError(f"unknown source {name!r}; known: {known}")
        if ds not in out:
            out.append(ds)
    return out
