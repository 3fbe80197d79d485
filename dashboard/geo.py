"""Geometries for maps: our own GeoJSON layers, never plotly's CDN-hosted shapes.

Layers (``LAYERS``): countries (Natural Earth 1:110m; ``id`` = ISO3 from ``ISO_A3_EH``, falling
back to ``ADM0_A3``, since Natural Earth writes -99 in ``ISO_A3`` for France and Norway), NUTS
2021 and 2024 (GISCO, ``id`` = NUTS_ID, ``level`` 0-3), US counties (Census 2010, ``id`` = FIPS)
and Russian federal subjects (geoBoundaries, ``id`` = ISO 3166-2; no Crimea or Sevastopol).
Read through the same cache -> mirror -> network path as the data and written into the store by
every full pull (and any pull that finds a layer missing or damaged), with its sha256 in
``geometries.json``; coordinates rounded to 0.01 degrees, properties trimmed to ``name`` (and
``level``), and those properties without coordinates in ``geo_properties.json`` (what region
names are read from, without parsing 5 MB of coordinates). Pages only read the store: a missing
layer is a message, never a download.
``LABORDASH_URL_GEO_<LAYER>`` overrides a layer's URL.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dashboard import config
from dashboard.fetch import FetchError, Resource, fetch, now_iso, sha256, temp_path


@dataclass(frozen=True)
class Layer:
    """One geometry layer: where it comes from and how its features are keyed."""

    key: str
    source: str  # mirror folder
    mirror_glob: str
    url: str
    id_prop: tuple[str, ...]  # properties tried in order for the region code
    name_prop: str
    credit: str
    level_prop: str | None = None
    projection: str = "equal_earth"  # a projection in maps.VIEWS (countries: charts.equal_earth)
    height: int = 640  # px of a map of the whole layer
    line_width: float = 0.5  # polygon outlines, px
    parts: tuple[str, ...] = ()  # built from these layers (the first that has a code wins)

    def resource(self) -> Resource:
        url = os.environ.get(f"LABORDASH_URL_GEO_{self.key.upper()}") or self.url
        return Resource(
            self.source, self.mirror_glob.rsplit("/", 1)[-1], url, "json", self.mirror_glob
        )


GISCO = "https://gisco-services.ec.europa.eu/distribution/v2/nuts/geojson"
LAYERS = {
    layer.key: layer
    for layer in [
        Layer(
            "countries",
            "geo",
            "ne_110m_admin_0_countries.geojson",
            "https://raw.githubusercontent.com/nvkelso/natural-earth-vector/master/geojson/"
            "ne_110m_admin_0_countries.geojson",
            ("ISO_A3_EH", "ISO_A3", "ADM0_A3"),
            "NAME",
            "Boundaries: Natural Earth 1:110m (public domain)",
        ),
        Layer(
            "nuts2021",
            "geo",
            "NUTS_RG_60M_2021_4326.geojson",
            f"{GISCO}/NUTS_RG_60M_2021_4326.geojson",
            ("NUTS_ID",),
            "NAME_LATN",
            "Boundaries: © EuroGeographics, Eurostat GISCO (NUTS 2021)",
            "LEVL_CODE",
            "europe",
            760,
        ),
        Layer(
            "nuts2024",
            "geo",
            "NUTS_RG_20M_2024_4326.geojson",
            f"{GISCO}/NUTS_RG_20M_2024_4326.geojson",
            ("NUTS_ID",),
            "NAME_LATN",
            "Boundaries: © EuroGeographics, Eurostat GISCO (NUTS 2024)",
            "LEVL_CODE",
            "europe",
            760,
        ),
        Layer(
            "nuts",
            "geo",
            "",
            "",
            ("NUTS_ID",),
            "NAME_LATN",
            "Boundaries: © EuroGeographics, Eurostat GISCO (NUTS 2024; NUTS 2021 for codes "
            "no longer in use)",
            "LEVL_CODE",
            "europe",
            760,
            parts=("nuts2024", "nuts2021"),
        ),
        Layer(
            "us_counties",
            "geo",
            "geojson-counties-fips.json",
            "https://raw.githubusercontent.com/plotly/datasets/master/geojson-counties-fips.json",
            ("id",),
            "NAME",
            "Boundaries: U.S. Census Bureau, 2010 counties (public domain)",
            None,
            "usa",
            620,
            0.15,
        ),
        Layer(
            "ru_subjects",
            "russia",
            "geo/russia_federal_subjects_*.geojson",
            "https://github.com/wmgeolab/geoBoundaries/raw/main/releaseData/gbOpen/RUS/ADM1/"
            "geoBoundaries-RUS-ADM1.geojson",
            ("shapeISO",),
            "shapeName",
            "Boundaries: geoBoundaries RUS ADM1 (Runfola et al. 2020); no Crimea or Sevastopol",
            None,
            "russia",
            600,
        ),
    ]
}
CREDIT = LAYERS["countries"].credit


def _round(coords, nd: int = 2):
    if isinstance(coords[0], (int, float)):
        return [round(c, nd) for c in coords]
    return [_round(c, nd) for c in coords]


def _code(feat: dict, lay: Layer) -> str | None:
    for key in lay.id_prop:
        code = feat.get("id") if key == "id" else feat.get("properties", {}).get(key)
        if isinstance(code, str) and code.strip() and code != "-99":
            return code.strip()
    return None


class GeometryMissing(LookupError):
    """A layer is not in the store, or is damaged; the message says to run `labordash pull`."""


def stored_path(key: str = "countries") -> Path:
    return config.store_dir() / f"geo_{key}.geojson"


def checksums_path() -> Path:
    return config.store_dir() / "geometries.json"


def properties_path() -> Path:
    return config.store_dir() / "geo_properties.json"


def _checksums() -> dict:
    return _json_file(checksums_path())


def _properties_doc() -> dict:
    return _json_file(properties_path())


def _json_file(p: Path) -> dict:
    """A JSON object the store keeps beside the layers, read once per version of the file; {}
    when it is missing or damaged (the layers are then checked or read themselves)."""
    try:
        return _read_json(str(p), p.stat().st_mtime_ns)
    except FileNotFoundError:
        return {}


@lru_cache(maxsize=8)  # bounded: every rewrite of a file is a new key
def _read_json(path: str, mtime_ns: int) -> dict:  # cache key
    try:
        doc = json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return doc if isinstance(doc, dict) else {}


def intact() -> bool:
    """Every layer is in the store and matches its recorded sha256."""
    sums = _checksums()
    return all(
        stored_path(k).exists() and sums.get(k, {}).get("sha256") == sha256(stored_path(k))
        for k in LAYERS
    )


def build(**fetch_kw) -> int:
    """Fetch every layer, simplify it and write it into the store (atomically), recording its
    sha256 in ``geometries.json`` right after; return the number of features. Run by ``labordash
    pull`` so maps work offline afterwards. A layer that cannot be had or read is reported after
    the others are built."""
    total, errors, built = 0, [], {}
    sums = dict(_checksums())  # a copy: the cached one belongs to readers
    for key, lay in LAYERS.items():
        if lay.parts:
            continue
        try:
            raw = json.loads(Path(fetch(lay.resource(), **fetch_kw).path).read_text("utf-8"))
            doc = simplify(raw, lay)
        except Exception as exc:  # network, JSON, or a layout simplify() cannot read
            errors.append(
                f"{key}: {exc}"
                if isinstance(exc, (FetchError, ValueError, OSError))
                else f"{key}: not a GeoJSON layer as expected ({type(exc).__name__})"
            )
            continue
        target = stored_path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(target, json.dumps(doc, separators=(",", ":")))
        sums[key] = {"sha256": sha256(target), "features": len(doc["features"]), "built": now_iso()}
        _write_atomic(checksums_path(), json.dumps(sums, indent=1, sort_keys=True))
        total += len(doc["features"])
        built[key] = doc
    for key, lay in LAYERS.items():
        if lay.parts and not any(e.startswith(f"{p}:") for p in lay.parts for e in errors):
            doc = compose(lay)
            target = stored_path(key)
            _write_atomic(target, json.dumps(doc, separators=(",", ":")))
            sums[key] = {
                "sha256": sha256(target),
                "features": len(doc["features"]),
                "built": now_iso(),
            }
            _write_atomic(checksums_path(), json.dumps(sums, indent=1, sort_keys=True))
            total += len(doc["features"])
            built[key] = doc
    _write_properties(built, sums)
    _load.cache_clear()
    if errors:
        raise FetchError("geometries: " + "; ".join(errors))
    return total


def compose(lay: Layer) -> dict:
    """A layer made of the stored ``lay.parts``: every code once, from the first part that has
    it, with ``properties.version`` naming that part (so NUTS 2024 codes are drawn on 2024
    polygons, and codes no longer in use, such as the UK's or NL31, on NUTS 2021's)."""
    feats, seen = [], set()
    for part in lay.parts:
        doc = json.loads(stored_path(part).read_text("utf-8"))
        for f in doc["features"]:
            if f["id"] not in seen:
                seen.add(f["id"])
                feats.append({**f, "properties": {**f["properties"], "version": part}})
    return {"type": "FeatureCollection", "features": feats}


def _write_properties(docs: dict[str, dict], sums: dict) -> None:
    """Record the features' ids and properties of the layers just built, each under the sha256
    of its file (a reader takes them only while that is the layer's recorded checksum)."""
    doc = {k: v for k, v in _properties_doc().items() if k in LAYERS and k not in docs}
    for key, built in docs.items():
        feats = [[f["id"], f["properties"]] for f in built["features"]]
        doc[key] = {"sha256": sums[key]["sha256"], "features": feats}
    _write_atomic(properties_path(), json.dumps(doc, separators=(",", ":"), sort_keys=True))


def properties(key: str) -> list[tuple[str, dict]]:
    """(id, properties) of every feature of a stored layer, read from ``geo_properties.json``
    (30 ms for all layers) when it records the layer's current checksum, else from the layer
    itself (0.6 s for all layers). GeometryMissing when the layer is not in the store."""
    entry = _properties_doc().get(key)
    sha = _checksums().get(key, {}).get("sha256")
    if (
        isinstance(entry, dict)
        and sha
        and entry.get("sha256") == sha
        and isinstance(entry.get("features"), list)
        and stored_path(key).exists()
    ):
        return [(fid, props) for fid, props in entry["features"]]
    return [(f["id"], f["properties"]) for f in layer(key)["features"]]


def _write_atomic(target: Path, text: str) -> None:
    tmp = temp_path(target, ".tmp")
    try:
        tmp.write_text(text, "utf-8")
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)


@lru_cache(maxsize=2 * len(LAYERS))  # bounded: a rebuild adds new keys, the old ones age out
def _load(path: str, mtime_ns: int, expected: str | None) -> dict:
    key = Path(path).stem.removeprefix("geo_")
    if expected and sha256(Path(path)) != expected:
        raise GeometryMissing(
            f"the stored {key} geometries do not match their checksum "
            "(damaged); run `labordash pull` to rebuild them"
        )
    try:
        return json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError):
        raise GeometryMissing(
            f"the stored {key} geometries cannot be read (damaged); run "
            "`labordash pull` to rebuild them"
        ) from None


def version(key: str) -> str:
    """The stored layer's identity (path and modification time): the key of every cache of
    things drawn from it. GeometryMissing when it is not in the store."""
    path = stored_path(key)
    try:
        return f"{path}:{path.stat().st_mtime_ns}"
    except FileNotFoundError:
        raise GeometryMissing(f"no {key} geometries in the store; run `labordash pull`") from None


def layer(key: str) -> dict:
    """A layer as a FeatureCollection with ``id`` = region code, from the store (read and
    checked once per file version). Never downloads: pages must not wait on the network."""
    if key not in LAYERS:
        raise KeyError(f"unknown geometry layer {key!r}; known: {', '.join(LAYERS)}")
    path = stored_path(key)
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise GeometryMissing(f"no {key} geometries in the store; run `labordash pull`") from None
    try:
        return _load(str(path), mtime, _checksums().get(key, {}).get("sha256"))
    except GeometryMissing:  # perhaps caught between a rebuild's layer and its checksum
        time.sleep(0.2)
        return _load(str(path), path.stat().st_mtime_ns, _checksums().get(key, {}).get("sha256"))


layer.cache_clear = _load.cache_clear  # type: ignore[attr-defined]


def countries() -> dict:
    """Natural Earth countries, ``id`` = ISO3."""
    return layer("countries")


def features(key: str, level: int | None = None) -> dict:
    """A layer, optionally only the features of one level (NUTS 0-3)."""
    doc = layer(key)
    if level is None:
        return doc
    feats = [f for f in doc["features"] if f["properties"].get("level") == level]
    return {"type": "FeatureCollection", "features": feats}


def ids(key: str, level: int | None = None) -> list[str]:
    """The feature ids of a stored layer (of one NUTS level), in its order, from
    ``properties``: no coordinates are parsed."""
    return [fid for fid, p in properties(key) if level is None or p.get("level") == level]


def coverage(key: str, codes, level: int | None = None) -> dict:
    """Which ``codes`` have no polygon in the layer, and which polygons have no data."""
    ids_ = set(ids(key, level))
    codes = set(codes)
    return {
        "layer": key,
        "codes": len(codes),
        "polygons": len(ids_),
        "without_polygon": sorted(codes - ids_),
        "without_data": sorted(ids_ - codes),
        "share_drawn": len(codes & ids_) / len(codes) if codes else 1.0,
    }


def simplify(raw: dict, lay: Layer) -> dict:
    """Keep features with a code: ``id`` = code, coordinates rounded to 0.01 degrees,
    properties ``name`` (and ``level`` for NUTS)."""
    feats = []
    for f in raw.get("features", []):
        code = _code(f, lay)
        if code is None or not f.get("geometry"):
            continue
        geom = {"type": f["geometry"]["type"], "coordinates": _round(f["geometry"]["coordinates"])}
        props = {"name": f.get("properties", {}).get(lay.name_prop, code)}
        if lay.level_prop:
            props["level"] = f["properties"].get(lay.level_prop)
        feats.append({"type": "Feature", "id": code, "geometry": geom, "properties": props})
    if not feats:
        raise ValueError(f"{lay.key}: no features with a code in {lay.id_prop}")
    return {"type": "FeatureCollection", "features": feats}
