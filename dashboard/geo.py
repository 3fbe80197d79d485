"""Country geometries for maps: our own GeoJSON, never plotly's CDN-hosted shapes.

Natural Earth 1:110m admin-0 countries (public domain), read through the same cache -> mirror
-> network path as the data. Each feature's ``id`` is its ISO3 code (``ISO_A3_EH``, falling back
to ``ADM0_A3``: Natural Earth writes -99 in ``ISO_A3`` for France and Norway), coordinates are
rounded to 0.01 degrees and properties trimmed to ``name`` to keep the page light.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

from dashboard import config
from dashboard.fetch import FetchError, Resource, fetch

SOURCE = "geo"
NE_FILE = "ne_110m_admin_0_countries.geojson"
NE_URL = f"https://raw.githubusercontent.com/nvkelso/natural-earth-vector/master/geojson/{NE_FILE}"


def resource() -> Resource:
    """Natural Earth admin-0; the URL can be overridden with LABORDASH_URL_GEOMETRIES."""
    return Resource(SOURCE, NE_FILE, os.environ.get("LABORDASH_URL_GEOMETRIES") or NE_URL, "json",
                    NE_FILE)  # fmt: skip


CREDIT = "Boundaries: Natural Earth 1:110m (public domain)"


def _round(coords, nd: int = 2):
    if isinstance(coords[0], (int, float)):
        return [round(c, nd) for c in coords]
    return [_round(c, nd) for c in coords]


def _iso3(props: dict) -> str | None:
    for key in ("ISO_A3_EH", "ISO_A3", "ADM0_A3"):
        code = props.get(key)
        if isinstance(code, str) and len(code) == 3 and code != "-99":
            return code
    return None


class GeometryMissing(LookupError):
    """No country geometries in the store and none could be fetched."""


def stored_path() -> Path:
    return config.store_dir() / "geo_countries.geojson"


def build(**fetch_kw) -> int:
    """Fetch Natural Earth, simplify it and write it into the store (atomically); return the
    number of countries. Run by every ``labordash pull`` so maps work offline afterwards."""
    raw = json.loads(Path(fetch(resource(), **fetch_kw).path).read_text("utf-8"))
    doc = simplify(raw)
    target = stored_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(json.dumps(doc, separators=(",", ":")), "utf-8")
    tmp.replace(target)
    countries.cache_clear()
    return len(doc["features"])


@cache
def countries() -> dict:
    """FeatureCollection of countries with ``id`` = ISO3, from the store (cached per process)."""
    path = stored_path()
    if path.exists():
        return json.loads(path.read_text("utf-8"))
    try:
        return simplify(json.loads(Path(fetch(resource()).path).read_text("utf-8")))
    except (FetchError, ValueError, OSError) as exc:
        raise GeometryMissing(
            f"no country geometries in the store and none could be fetched ({exc}); "
            "run `labordash pull`"
        ) from None


def simplify(raw: dict) -> dict:
    """Keep countries with an ISO3 code, ``id`` = ISO3, rounded coordinates, ``name`` only."""
    feats = []
    for f in raw.get("features", []):
        code = _iso3(f.get("properties", {}))
        if code is None or not f.get("geometry"):
            continue
        geom = {"type": f["geometry"]["type"], "coordinates": _round(f["geometry"]["coordinates"])}
        feats.append({"type": "Feature", "id": code, "geometry": geom,
                      "properties": {"name": f["properties"].get("NAME", code)}})  # fmt: skip
    if not feats:
        raise ValueError(f"{NE_FILE}: no country features with ISO3 codes")
    return {"type": "FeatureCollection", "features": feats}
