"""Russia's towns and cities with their region -> ``ru_towns``: so a reader can find a region by
the town the pages name (Izhevsk is in Udmurtia, Kovrov in Vladimir Oblast).

Rosstat's list of 1,117 towns with their population at 1 January 2020 (thousand people), as
compiled by the ru-cities project (towns.csv: city, population, region_iso_code, okato ...).
One row per town: ``geo`` the region's ISO 3166-2 code (checked against
``datasets/ru_regions.csv``), ``town`` as Rosstat writes it (ё as е), ``town_en`` in the
simplified BGN/PCGN romanisation labordash uses for English names (:func:`romanise`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dashboard import crosswalks
from dashboard.catalog import origin
from dashboard.fetch import Resource
from dashboard.schema import tidy
from dashboard.sources.base import ParseError, Source, read_csv_text

DATASET = "ru_towns"
SOURCE = "russia"
COLUMNS = ["city", "population", "region_iso_code", "okato"]

# BGN/PCGN (1947) for Russian, simplified as English-language sources write place names: no
# diacritics (ё as e), е/ё as "ye" at the start of a word and after a vowel or a sign, the hard
# and soft signs dropped
_BGN = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "",
            "y",
            "",
            "e",
            "yu",
            "ya",
        ],
        strict=True,
    )
)


def romanise(name: str) -> str:
    """«Ижевск» -> "Izhevsk", «Ярославль» -> "Yaroslavl", «Елабуга» -> "Yelabuga", «Усолье-
    Сибирское» -> "Usolye-Sibirskoye"."""
    out, prev = [], " "
    for ch in name:
        low = ch.lower()
        lat = _BGN.get(low, ch)
        if low in "её" and (not prev.isalpha() or prev.lower() in "аеёиоуыэюяъь"):
            lat = "ye"
        out.append(lat.capitalize() if ch.isupper() else lat)
        prev = ch
    return "".join(out)


def parse(path: Path) -> pd.DataFrame:
    raw = read_csv_text(path, "towns list (ru-cities towns.csv)", COLUMNS)
    pop = pd.to_numeric(raw["population"], errors="coerce")
    if pop.isna().any():
        raise ParseError(
            f"{path.name}: non-numeric population for {raw.loc[pop.isna(), 'city'].tolist()[:3]}"
        )
    known = set(crosswalks.ru_regions()["code"])
    bad = sorted(set(raw["region_iso_code"]) - known)
    if bad:
        raise ParseError(f"{path.name}: region codes not in ru_regions.csv: {bad[:5]}")
    df = pd.DataFrame(
        {
            "dataset": DATASET,
            "indicator": "population",
            "geo": raw["region_iso_code"],
            "geo_level": "ru_subject",
            "year": 2020,
            "period": "2020",
            "value": pop,
            "unit": "thousand persons",
            "town": raw["city"].str.strip(),
            "town_en": raw["city"].str.strip().map(romanise),
            "okato": raw["okato"],
        }
    )
    return tidy(df)


SPEC = Source(
    DATASET,
    SOURCE,
    "crosswalk/ru_cities_towns.csv",
    lambda paths: parse(paths[0]),
    lambda paths, frame: f"Rosstat towns at 1 January 2020, {len(frame):,} towns",
    lambda: [Resource(SOURCE, "ru_cities_towns.csv", origin(DATASET).download_url, "csv")],
)
load = SPEC.load
