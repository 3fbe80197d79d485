"""Single-industry towns (monotowns), Government order 1398-r of 29.07.2014 -> ``monotowns``.

One row per town: ``town`` (the administrative centre without its type prefix, or the
municipality where the list gives none), ``municipality`` as worded in the act, ``category``
(1 = most difficult socio-economic situation, 2 = risk of deterioration, 3 = stable) and
``geo``, the subject's ISO code (names matched through ``datasets/ru_regions.csv``; an unknown
name fails). Weak provenance: a secondary CSV of the list (312 rows), amendment not stated.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dashboard import crosswalks
from dashboard.schema import tidy
from dashboard.sources.base import ParseError, Source, read_csv_text

DATASET = "monotowns"
SOURCE = "russia"
COLUMNS = ["category", "mo_name_1398", "admin_center", "region"]


def parse(path: Path) -> pd.DataFrame:
    raw = read_csv_text(path, "monotowns list (1398-r)", COLUMNS)
    if raw.empty:
        raise ParseError(f"{path.name}: no towns in the list")
    cat = pd.to_numeric(raw["category"], errors="coerce")
    bad = ~cat.isin([1, 2, 3])
    if bad.any():
        rows = (raw.index[bad] + 2).tolist()[:5]
        raise ParseError(
            f"{path.name}: category must be 1, 2 or 3; rows {rows} have "
            f"{raw.loc[bad, 'category'].tolist()[:5]}"
        )
    codes = raw["region"].map(lambda n: (crosswalks.match_ru(n) or (None,))[0])
    if codes.isna().any():
        raise ParseError(
            f"{path.name}: regions not in ru_regions.csv: "
            f"{sorted(raw.loc[codes.isna(), 'region'].unique())[:5]}"
        )
    centre = raw["admin_center"].str.strip()
    town = centre.str.replace(r"^(г|пгт|п|с|рп|ст)\.\s*", "", regex=True)
    town = town.where(~centre.isin(["", "—", "-"]), raw["mo_name_1398"].str.strip())
    df = pd.DataFrame(
        {
            "dataset": DATASET,
            "indicator": "monotown",
            "geo": codes,
            "geo_level": "ru_subject",
            "year": 2014,
            "period": "2014",
            "value": cat.astype(float),
            "unit": "category (1-3)",
            "category": cat.astype(int),
            "town": town,
            "municipality": raw["mo_name_1398"].str.strip(),
            "admin_center": centre,
            "region_name_ru": raw["region"].str.strip(),
        }
    )
    return tidy(df)


SPEC = Source(
    DATASET,
    SOURCE,
    "monotowns/monotowns_*.csv",
    lambda paths: parse(paths[0]),
    lambda paths, frame: f"order 1398-r, {len(frame)} towns",
    no_download="no list in the mirror; the official list is Government order 1398-r "
    "(government.ru, docs), to be saved as <mirror>/russia/monotowns/monotowns_1398r.csv",
)
load = SPEC.load
