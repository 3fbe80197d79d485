"""The Data page's table: the catalog of every dataset labordash reads, with what this install
holds of each."""

from __future__ import annotations

import pandas as pd

from dashboard import coverage, store
from dashboard.building import Built, table
from dashboard.catalog import catalog

DATASETS = tuple(catalog())


@table("data", DATASETS, key="catalog")
def data_catalog() -> Built:
    """Every dataset labordash reads, one row each: its title, the years and places this install
    holds and where their files came from, the producer, the vintage, the licence, the rows
    stored, when it was pulled, the producer's page and the citation."""
    man = store.manifest()
    rows = [
        {
            "dataset": ds,
            "title": o.title,
            **coverage.describe(man.get(ds, {})),  # what this install holds, before the details
            "producer": o.producer,
            "vintage": man.get(ds, {}).get("vintage", "not pulled"),
            "licence": o.licence_short,
            "rows": man.get(ds, {}).get("rows"),
            "last pulled": man.get(ds, {}).get("built"),
            "source": o.url_main,
            "citation": o.citation,
        }
        for ds, o in catalog().items()
    ]
    return Built(
        None,
        list(DATASETS),
        table=pd.DataFrame(rows),
        notes={
            "title": "Datasets",
            "sample": f"Sample: the {len(rows)} datasets labordash reads, in this install.",
            "links": ["source"],
            "columns": {"rows": ("rows", "%d")},
        },
    )


# this page's tables, in the order `labordash export --list` gives them
BUILDERS = (data_catalog,)
