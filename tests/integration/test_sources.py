"""The source contract: one name per source in the code and the catalog, and every raw file
recorded with its producer's URL and checksum, from the mirror as from the network."""

import re

from dashboard import store
from dashboard.catalog import catalog
from dashboard.sources import MODULES
from dashboard.sources.base import Source


def test_the_catalog_agrees_with_the_code():
    assert set(catalog()) == set(MODULES)
    for ds, m in MODULES.items():
        assert catalog()[ds].source == m.SOURCE, ds  # the mirror and cache folder


def test_every_source_but_the_world_bank_follows_the_contract():
    bespoke = {"wdi"}  # an indicator whose bulk zip fails is read from the paged API instead
    for ds, m in MODULES.items():
        spec = getattr(m, "SPEC", None)
        if ds in bespoke:
            continue
        if spec is None:  # table objects build their Source per load
            assert callable(m.load), ds
        else:
            assert isinstance(spec, Source) and spec.dataset == ds, ds


def test_mirror_files_are_recorded_with_the_producer_url_and_checksum(store_env):
    man = store.manifest()
    for ds in MODULES:
        files = man[ds]["source_files"]
        assert files, ds
        for f in files:
            assert f["origin"] == "mirror", (ds, f)
            assert f["url"].startswith("https://"), (ds, f)
            assert re.fullmatch(r"[0-9a-f]{64}", f["sha256"]), (ds, f)
    sipri = man["sipri_milex"]["source_files"][0]
    assert sipri["url"].endswith("/SIPRI-Milex-data-1949-2025_v1.2.xlsx")
    owid = {f["file"]: f["url"] for f in man["owid"]["source_files"]}
    edu = "total-government-expenditure-on-education-gdp"
    assert any(u.startswith(f"https://ourworldindata.org/grapher/{edu}.csv") for u in owid.values())
    from dashboard.sources import rosstat

    books = {f["file"][:3] for f in man["rosstat_regions"]["source_files"]}
    assert books == {t.workbook for t in rosstat.TABLES}  # the workbooks it reads, no others
    assert len(books) == 6
