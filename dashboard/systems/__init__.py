"""Region systems, one module per family (EU NUTS, US, Russia), registered in ``SYSTEMS``.

Pages, chart builders and the CLI receive a ``System`` from here; nothing outside this package
branches on a system's key. A new system is one ``System`` record in its family's module (or a
new module here with a ``SYSTEMS`` tuple, listed in ``FAMILIES``), with a loader, and one
geometry layer record in ``geo.LAYERS``.
"""

from __future__ import annotations

from dashboard.systems import eu, russia, us
from dashboard.systems.base import Break, Data, System

FAMILIES = (eu, us, russia)  # every family module, in the order pages list their systems
SYSTEMS: dict[str, System] = {s.key: s for family in FAMILIES for s in family.SYSTEMS}
DEFAULT = next(iter(SYSTEMS))


def get(key: str) -> System:
    """The system with this key; a KeyError naming the known ones otherwise."""
    try:
        return SYSTEMS[key]
    except KeyError:
        raise KeyError(f"unknown region system {key!r}; known: {', '.join(SYSTEMS)}") from None


__all__ = ["SYSTEMS", "DEFAULT", "Break", "Data", "System", "get"]
