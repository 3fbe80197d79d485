"""Region systems, one module per family (EU NUTS, US, Russia), registered in ``SYSTEMS``.

Pages, chart builders and the CLI receive a ``System`` from here; nothing outside this package
branches on a system's key. A new system is one ``System`` record in its family's module (or a
new module listed below), with a loader, and one geometry layer record in ``geo.LAYERS``.
"""

from __future__ import annotations

from dashboard.systems import eu, russia, us
from dashboard.systems.base import Break, Data, System

SYSTEMS: dict[str, System] = {s.key: s for m in (eu, us, russia) for s in m.SYSTEMS}
DEFAULT = eu.NUTS2.key


def get(key: str) -> System:
    """The system with this key; a KeyError naming the known ones otherwise."""
    try:
        return SYSTEMS[key]
    except KeyError:
        raise KeyError(f"unknown region system {key!r}; known: {', '.join(SYSTEMS)}") from None


__all__ = ["SYSTEMS", "DEFAULT", "Break", "Data", "System", "get"]
