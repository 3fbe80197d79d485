"""Region systems, one module per family (EU NUTS, US, Russia), registered in ``SYSTEMS``.

Pages, chart builders and the CLI receive a ``System`` from here; nothing outside this package
branches on a system's key. A new system is one ``System`` record in its family's module (or a
new module here with a ``SYSTEMS`` tuple: it is found on import), with a loader, and one
geometry layer record in ``geo.LAYERS``.
"""

from __future__ import annotations

import importlib
import pkgutil

from dashboard.systems.base import Break, Data, System

FAMILIES = ["eu", "us", "russia"]  # listed first, in this order; any other module follows
FAMILIES += sorted(m.name for m in pkgutil.iter_modules(__path__)
                   if m.name not in {*FAMILIES, "base"})  # fmt: skip
SYSTEMS: dict[str, System] = {
    s.key: s for name in FAMILIES for s in importlib.import_module(f"{__name__}.{name}").SYSTEMS
}
DEFAULT = next(iter(SYSTEMS))


def get(key: str) -> System:
    """The system with this key; a KeyError naming the known ones otherwise."""
    try:
        return SYSTEMS[key]
    except KeyError:
        raise KeyError(f"unknown region system {key!r}; known: {', '.join(SYSTEMS)}") from None


__all__ = ["SYSTEMS", "DEFAULT", "Break", "Data", "System", "get"]
