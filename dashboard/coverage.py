"""What a stored dataset covers: its years, its regions or countries per geography level, and
where its raw files came from (mirror, cache, network). Recorded in the store's manifest at each
pull; shown by the Data page and ``labordash sources``."""

from __future__ import annotations

from collections import Counter

import pandas as pd

# geo_level -> how a reader counts it (one, many)
NOUNS = {
    "country": ("country", "countries"), "aggregate": ("aggregate", "aggregates"),
    "nuts0": ("NUTS 0 region", "NUTS 0 regions"), "nuts1": ("NUTS 1 region", "NUTS 1 regions"),
    "nuts2": ("NUTS 2 region", "NUTS 2 regions"), "nuts3": ("NUTS 3 region", "NUTS 3 regions"),
    "us_state": ("US state", "US states"), "us_county": ("US county", "US counties"),
    "ru_district": ("federal district", "federal districts"),
    "ru_subject": ("Russian region", "Russian regions"),
}  # fmt: skip
NATIONS = ("us_nation", "ru_country")  # the country itself: not counted


def measure(frame: pd.DataFrame, origins: list[str]) -> dict:
    """``{"years": [first, last], "areas": {geo_level: n}, "origins": {origin: files}}``."""
    years = pd.to_numeric(frame["year"], errors="coerce").dropna()
    areas = frame.groupby("geo_level", observed=True)["geo"].nunique()
    return {
        "years": [int(years.min()), int(years.max())] if len(years) else [],
        "areas": {str(k): int(v) for k, v in areas.items() if k},
        "origins": dict(Counter(origins)),
    }


def describe(entry: dict) -> dict[str, str]:
    """The manifest entry's coverage as three short texts (years, places, from); "-" before a
    pull recorded it."""
    cov = entry.get("coverage")
    if not cov:
        return {"years": "-", "places": "-", "from": "-"}
    y = cov["years"]
    years = "-" if not y else str(y[0]) if y[0] == y[1] else f"{y[0]}-{y[1]}"
    places = ", ".join(
        f"{n:,} {NOUNS.get(level, (level, level))[n != 1]}"
        for level, n in cov["areas"].items()
        if level not in NATIONS
    )
    origin = ", ".join(
        f"{k} ({n} file{'s' if n != 1 else ''})" for k, n in sorted(cov["origins"].items())
    )
    return {"years": years, "places": places or "-", "from": origin or "-"}
