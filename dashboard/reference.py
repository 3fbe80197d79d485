"""Reference tables: every region and industry code the store uses, with names and parents.

``regions()``: code, name_en, name_ru, level, parent for countries (ISO3), NUTS regions (from
the NUTS 2021 and 2024 layers; parent = the code without its last character), US states and
counties (FIPS as BLS writes them) and Russia (``datasets/ru_regions.csv``); the polygons of
any other layer in ``geo.LAYERS`` add their own names (level = the layer's key).
``industries()``: code, classification, title, title_ru, parent for the NACE Rev.2 groups of the
LFS tables, OKVED2 and OKVED sections (``datasets/industries.csv``) and NAICS as titled in QCEW
(parent = the longest shorter code present).
"""

from __future__ import annotations

import pandas as pd
import pycountry

from dashboard import crosswalks, geo, store
from dashboard.sources.eurostat_cofog import geo_iso3

COLUMNS = ["code", "name_en", "name_ru", "level", "parent"]


def _countries() -> pd.DataFrame:
    rows = []
    for fid, props in geo.properties("countries"):
        c = pycountry.countries.get(alpha_3=fid)
        rows.append({"code": fid, "name_en": c.name if c else props["name"], "level": "country"})
    return pd.DataFrame(rows)


def _nuts() -> pd.DataFrame:
    rows = {}
    for key in ("nuts2024", "nuts2021"):  # 2024 names win where both have the code
        for code, props in geo.properties(key):
            level = props.get("level")
            if code in rows:
                continue
            parent = geo_iso3(code)[0] if level == 0 else code[:-1]
            name = props["name"]  # GISCO's: in the national language
            if level == 0:  # a country in English ("Germany", not "Deutschland")
                c = pycountry.countries.get(alpha_3=parent)
                name = getattr(c, "common_name", None) or (c.name if c else name)
            rows[code] = {"code": code, "name_en": name, "level": f"nuts{level}", "parent": parent}
    return pd.DataFrame(list(rows.values()))


def _us() -> pd.DataFrame:
    states = crosswalks.us_states()
    by_fips = dict(zip(states["fips"], states["usps"], strict=True))
    rows = [{"code": "US000", "name_en": "United States", "level": "us_nation"}]
    rows += [
        {"code": f + "000", "name_en": n, "level": "us_state", "parent": "US000"}
        for n, f in zip(states["name"], states["fips"], strict=True)
    ]
    for fid, props in geo.properties("us_counties"):
        st = fid[:2]
        name = f"{props['name']}, {by_fips.get(st, st)}"
        rows.append({"code": fid, "name_en": name, "level": "us_county", "parent": st + "000"})
    return pd.DataFrame(rows)


def _russia() -> pd.DataFrame:
    ru = crosswalks.ru_regions()
    return ru[["code", "name_en", "name_ru", "level", "parent", "note"]]


def regions() -> pd.DataFrame:
    """All region codes with names, level and parent (raises GeometryMissing before a pull)."""
    frames = [_countries(), _nuts(), _us(), _russia()]
    out = pd.concat(frames, ignore_index=True)
    # any other layer (a new region system's) names its own polygons
    known = set(out["code"])
    for key in geo.LAYERS:
        extra = [
            {"code": fid, "name_en": props.get("name", fid), "level": key}
            for fid, props in geo.properties(key)
            if fid not in known
        ]
        if extra:
            out = pd.concat([out, pd.DataFrame(extra)], ignore_index=True)
            known |= {e["code"] for e in extra}
    for col in COLUMNS:
        if col not in out:
            out[col] = None
    return out[[*COLUMNS, "note"]]


def industries() -> pd.DataFrame:
    """Industry codes: NACE LFS groups and OKVED sections (authored), NAICS from QCEW."""
    authored = crosswalks.industries()
    try:
        q = store.read("qcew", indicator="employment")[["industry", "industry_title"]]
    except store.StoreMissing:
        q = pd.DataFrame(columns=["industry", "industry_title"])
    naics = q.drop_duplicates("industry").rename(
        columns={"industry": "code", "industry_title": "title"}
    )
    codes = set(naics["code"])

    def parent(code: str) -> str:
        for n in range(len(code) - 1, 1, -1):
            if code[:n] in codes:
                return code[:n]
        return "10" if code != "10" else ""

    naics = naics.assign(classification="NAICS", title_ru="", parent=naics["code"].map(parent))
    return pd.concat([authored, naics], ignore_index=True)
