"""The crosswalks this project authors in ``datasets/``, each read once per process, and the
matching of Russian region names against them.

Every reader of these tables goes through here: the region systems, ``reference`` and the
pages; none keeps its own copy.
"""

from __future__ import annotations

import re
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
    """NUTS 2010/2013/2016 codes -> the NUTS 2021 polygons drawing them (``nuts_drawn_as.csv``)."""
    t = pd.read_csv(datasets_dir() / "nuts_drawn_as.csv", dtype=str)
    return {c: tuple(d.split()) for c, d in zip(t["code"], t["drawn_as"], strict=True)}


@cache
def nuts_until() -> dict[str, int]:
    """NUTS codes no longer in use -> the last NUTS version that has them (``until`` column of
    ``nuts_drawn_as.csv``: 2010, 2013 or 2016); the codes they map to begin in the next one."""
    t = pd.read_csv(datasets_dir() / "nuts_drawn_as.csv", dtype=str)
    return {c: int(u) for c, u in zip(t["code"], t["until"], strict=True)}


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


_LATIN = str.maketrans("pPaAeEoOcCxXyBHKMT", "рРаАеЕоОсСхХуВНКМТ")


def ru_name_key(label: str) -> str:
    """Normalise a Russian region label (Rosstat, the Treasury) for matching: Cyrillic
    letters, no footnotes or spacing noise."""
    s = label.translate(_LATIN).lower().replace("ё", "е").replace("\xad", "")  # soft hyphens
    s = re.sub(r"\d+\)|[¹²³⁴⁵⁾]+", " ", s)
    s = re.sub(r",\s*(млрд|тыс\.|трлн)\s*руб\.?", " ", s)
    s = s.replace("–", "-").replace("—", "-")
    s = re.sub(r"\s*-\s*", "-", s)
    return re.sub(r"\s+", " ", s).strip(" .")


@cache
def ru_names() -> dict[str, tuple[str, str]]:
    """Normalised Russian name -> (code, level), from ``datasets/ru_regions.csv``."""
    out: dict[str, tuple[str, str]] = {}
    for r in ru_regions().itertuples():
        for name in [r.name_ru, *filter(None, r.aliases.split("|"))]:
            out[ru_name_key(name)] = (r.code, r.level)
    return out


def disjoint_subjects(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of a Russian table with no subject counted twice: where the table also prints an
    oblast without its autonomous okrugs (Tyumen without Khanty-Mansi and Yamalo-Nenets,
    Arkhangelsk without Nenets; ``territory`` "excl_ao"), that row replaces the oblast's total
    for the same indicator, industry and year, so the oblast and its okrugs never overlap in a
    ranking, a sum or a per-head ratio."""
    if "territory" not in frame:
        return frame
    keys = [c for c in ("indicator", "geo", "year", "period", "industry") if c in frame]
    ex = frame[frame["territory"] == "excl_ao"]
    tot = frame[frame["territory"] != "excl_ao"]
    covered = tot[keys].merge(ex[keys].drop_duplicates(), how="left", indicator=True)["_merge"]
    return pd.concat([tot[(covered != "both").to_numpy()], ex], ignore_index=True)


def match_ru(label: str) -> tuple[str, str, str] | None:
    """(code, level, territory) for a Russian row label (``territory`` "excl_ao" for an oblast
    printed without its autonomous okrugs); None for a label that is not a region."""
    k = ru_name_key(label)
    territory = "total"
    m = re.match(r"(.*?)\s*\(?без автономн\w* округ\w*\)?$", k)
    if m:
        k, territory = m.group(1).strip(), "excl_ao"
    if k in ru_names():
        code, level = ru_names()[k]
        return code, level, territory
    return None
