"""The crosswalks this project authors in ``datasets/``, each read once per process.

Every reader of these tables goes through here: the region systems, ``reference`` and the
pages; none keeps its own copy.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from dashboard.config import datasets_dir


@cache
def industries() -> pd.DataFrame:
    """``industries.csv``: code, classification (NACE Rev.2 LFS, OKVED, OKVED2), title,
    title_ru, parent. Shared: do not modify the frame."""
    return pd.read_csv(datasets_dir() / "industries.csv", dtype=str, keep_default_na=False)


def industry_labels(prefix: str) -> dict[str, str]:
    """Code -> "code title" for the classifications whose name starts with ``prefix``."""
    t = industries()
    t = t[t["classification"].str.startswith(prefix)]
    return dict(zip(t["code"], t["code"] + " " + t["title"], strict=True))


@cache
def nuts_drawn_as() -> dict[str, tuple[str, ...]]:
    """NUTS 2010/2013 codes -> the NUTS 2021 polygons drawing them (``nuts_drawn_as.csv``)."""
    t = pd.read_csv(datasets_dir() / "nuts_drawn_as.csv", dtype=str)
    return {c: tuple(d.split()) for c, d in zip(t["code"], t["drawn_as"], strict=True)}


@cache
def us_states() -> pd.DataFrame:
    """``us_states.csv``: name, usps, fips (two digits). Shared: do not modify the frame."""
    return pd.read_csv(datasets_dir() / "us_states.csv", dtype=str)


@cache
def ru_regions() -> pd.DataFrame:
    """``ru_regions.csv``: code (ISO 3166-2), name_en, name_ru, level, parent, note and the
    spellings the producers use. Shared: do not modify the frame."""
    return pd.read_csv(datasets_dir() / "ru_regions.csv", dtype=str, keep_default_na=False)


@cache
def sipri_countries() -> dict[str, tuple[str, str]]:
    """``sipri_countries.csv``: SIPRI's country name -> (geo, geo_level); headings map to
    ("", "heading")."""
    t = pd.read_csv(datasets_dir() / "sipri_countries.csv", dtype=str, keep_default_na=False)
    return {n: (g, lv) for n, g, lv in zip(t["sipri_name"], t["geo"], t["geo_level"], strict=True)}
