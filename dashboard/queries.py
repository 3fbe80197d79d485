"""What the pages look up besides the registry's charts: the choices their widgets offer, names
of regions and countries, defaults, the store's version and manifest, citations. Pages import
this module, the registry, ``sitemap`` and ``views.*`` (``tests/unit/test_imports.py``), never
the store, the sources, the builders or the analysis directly. No Streamlit."""

from __future__ import annotations

from dashboard import dependence, export, geo, russia, store, systems
from dashboard.analysis import MEASURES as PANEL_MEASURES
from dashboard.analysis import TradeoffResult
from dashboard.builders import lookups
from dashboard.builders.dependence import caveats
from dashboard.builders.guns_vs_butter import (
    COVS,
    CUSTOM,
    DEFAULT_CUSTOM,
    DEFAULT_YEARS,
    EFFECTS,
    GRANGER_MAX,
    MAP_OF,
    MIN_MODEL_COUNTRIES,
    TRANSFORMS,
    all_geos,
    chosen,
    datasets_of,
    decap,
    map_years,
    readable_formula,
    sample_of,
    year_span,
)
from dashboard.builders.guns_vs_butter import YEARS as PANEL_YEARS
from dashboard.builders.guns_vs_butter import label as measure_label
from dashboard.builders.home import COUNTRIES as SIPRI_COUNTRIES
from dashboard.builders.home import countries as sipri_countries
from dashboard.builders.home import span as sipri_span
from dashboard.builders.home import year_bounds as sipri_years
from dashboard.catalog import catalog, country_groups
from dashboard.charts import MAX_LABELLED
from dashboard.provenance import source_line, vintages
from dashboard.sources import rosstat_gosfin
from dashboard.systems import Data

__all__ = [
    # Guns vs butter: selections, measures, years, model options
    "COVS", "CUSTOM", "DEFAULT_CUSTOM", "DEFAULT_YEARS", "EFFECTS", "GRANGER_MAX", "MAP_OF",
    "MIN_MODEL_COUNTRIES", "PANEL_MEASURES", "PANEL_YEARS", "TRANSFORMS", "TradeoffResult",
    "all_geos", "chosen", "datasets_of", "decap", "map_years", "measure_label", "panel",
    "readable_formula", "sample_of", "year_span", "country_names", "country_groups",
    # Home: SIPRI's countries and years
    "SIPRI_COUNTRIES", "sipri_countries", "sipri_span", "sipri_years",
    # region systems, industries, regions
    "DEFAULT_SYSTEM", "Data", "caveats", "dependence_table", "DEPENDENCE_DEFINITIONS",
    "industry_options", "measure_title",
    "region_names", "system_data", "systems_list",
    # the store, the catalog, citations
    "MISSING", "StoreDamaged", "StoreMissing", "budget_not_published", "catalog",
    "citation", "dataset_bytes", "dataset_package", "file_stem", "manifest",
    "shares_agreement", "source_line", "version", "vintages",
    # chart limits
    "MAX_LABELLED",
]  # fmt: skip

MISSING = (store.StoreError, geo.GeometryMissing)  # what a page says instead of a chart
StoreMissing, StoreDamaged = store.StoreMissing, store.StoreDamaged

version = store.version  # changes whenever a dataset or the geometries are rebuilt
manifest = store.manifest


def dataset_package(dataset: str) -> bytes:
    """A zip of ``dataset``'s tidy table as stored: data.csv (text cells spreadsheet-safe),
    metadata.json and a README with the citation."""
    o, entry = catalog()[dataset], store.manifest().get(dataset, {})
    return export.data_package(
        store.read(dataset),
        title=o.title,
        datasets=[dataset],
        filters={},
        vintages={dataset: entry.get("vintage")},
        xlsx=False,
    )


def citation() -> tuple[str, str]:
    """How to cite labordash today: plain text and BibTeX."""
    return export.citation([], "Regional labor economics dashboard", export.today())


file_stem = export.safe_name  # a download's file name from a dataset's id


def dataset_bytes(dataset: str) -> bytes:
    """The stored Parquet file of ``dataset``."""
    return store.parquet_path(dataset).read_bytes()


systems_list = systems.SYSTEMS  # key -> System: the region systems a page offers
DEFAULT_SYSTEM = systems.DEFAULT
system_data = lookups.system_data  # shared between sessions, never modified
region_names = lookups.region_names  # code -> English name; shared and read-only
country_names = lookups.country_names
industry_options = lookups.industry_options
dependence_table = lookups.dependence_table
panel = lookups.panel
measure_title = dependence.measure_title
DEPENDENCE_DEFINITIONS = dependence.DEFINITIONS
shares_agreement = russia.shares_agreement


def budget_not_published() -> tuple[int, float, str] | None:
    """Rosstat's government-finance table of the latest year: (year, total spending in bn RUB,
    its footnote that the functional split is not published), or None when the store lacks
    the footnote or the total."""
    gosfin = store.read("rosstat_gosfin")
    spent = gosfin[
        (gosfin["indicator"] == "expenditure_total") & (gosfin["government"] == "consolidated")
    ]
    footnote = rosstat_gosfin.not_published_note(gosfin)
    if not footnote or spent.empty:
        return None
    return int(spent["year"].iloc[0]), float(spent["value"].iloc[0]), footnote
