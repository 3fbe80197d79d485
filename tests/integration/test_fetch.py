"""The network path, for real, against a loopback HTTP server serving the mirror's files."""

import json
import time

import pytest

from dashboard import fetch
from dashboard.fetch import FetchError, Resource
from tests.conftest import SIPRI_XLSX, _Handler

SIPRI_PATH = "sipri/" + SIPRI_XLSX.name
WB_ZIP = "worldbank/API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.zip"


@pytest.fixture
def net_home(tmp_path, monkeypatch):
    """No mirror: every fetch goes to the network (the loopback server)."""
    monkeypatch.setenv("LABORDASH_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("LABORDASH_MIRROR", raising=False)
    return tmp_path / "home"


def res(url, kind="xlsx", name="SIPRI-Milex-data-test.xlsx"):
    return Resource("sipri", name, url, kind)


def test_download_records_url_size_sha256_and_then_hits_the_cache(http_server, net_home):
    url = f"{http_server}/files/{SIPRI_PATH}"
    rec = fetch.fetch(res(url))
    assert rec.origin == "network" and rec.url == url
    assert rec.size == 922_552
    assert rec.sha256 == "6cc3a30b1064f9f02e60236667eef82e08cad42910ce630909d004ad2c398a9d"
    manifest = json.loads((net_home / "raw" / "manifest.json").read_text())
    assert manifest["sipri/SIPRI-Milex-data-test.xlsx"]["sha256"] == rec.sha256
    hits = _Handler.hits.get(f"/files/{SIPRI_PATH}", 0)
    again = fetch.fetch(res(url))
    assert again.origin == "cache" and again.sha256 == rec.sha256
    assert _Handler.hits.get(f"/files/{SIPRI_PATH}", 0) == hits  # no second request


def test_server_error_is_retried_then_reported(http_server, net_home):
    _Handler.hits.pop("/status/500", None)
    with pytest.raises(FetchError, match=r"sipri: could not download .*/status/500.*HTTP 500"):
        fetch.fetch(res(f"{http_server}/status/500"), retries=2)
    assert _Handler.hits["/status/500"] == 3
    assert not list((net_home / "raw" / "sipri").glob("*"))  # no partial file left


def test_not_found_is_not_retried(http_server, net_home):
    _Handler.hits.pop("/status/404", None)
    with pytest.raises(FetchError, match="HTTP 404 .not retried"):
        fetch.fetch(res(f"{http_server}/status/404"), retries=3)
    assert _Handler.hits["/status/404"] == 1


def test_transient_error_recovers(http_server, net_home):
    url = f"{http_server}/flaky/{WB_ZIP}"
    _Handler.hits.pop(f"/flaky/{WB_ZIP}", None)
    rec = fetch.fetch(Resource("worldbank", "x.zip", url, "zip"), retries=2)
    assert rec.origin == "network" and rec.size == 105_126


def test_hang_times_out(http_server, net_home):
    t0 = time.perf_counter()
    with pytest.raises(FetchError, match="timed out"):
        fetch.fetch(res(f"{http_server}/hang?s=5"), timeout=0.5, retries=1)
    assert time.perf_counter() - t0 < 4


def test_truncated_body_is_refused(http_server, net_home):
    with pytest.raises(FetchError, match="truncated"):
        fetch.fetch(res(f"{http_server}/truncated/{SIPRI_PATH}"), retries=1)
    assert not (net_home / "raw" / "sipri" / "SIPRI-Milex-data-test.xlsx").exists()


def test_html_error_page_where_xlsx_expected(http_server, net_home):
    with pytest.raises(FetchError, match="HTML/XML page where a xlsx file was expected"):
        fetch.fetch(res(f"{http_server}/html/sipri.xlsx"))


def test_damaged_zip_is_refused(http_server, net_home):
    with pytest.raises(FetchError, match="not a valid zip|damaged zip"):
        fetch.fetch(Resource("worldbank", "x.zip", f"{http_server}/badzip/{WB_ZIP}", "zip"))


def test_failed_refresh_keeps_the_good_cached_file(http_server, net_home):
    good = fetch.fetch(res(f"{http_server}/files/{SIPRI_PATH}"))
    broken = res(f"{http_server}/html/sipri.xlsx")
    with pytest.raises(FetchError):
        fetch.fetch(broken, refresh=True)
    assert fetch.sha256(net_home / "raw" / "sipri" / "SIPRI-Milex-data-test.xlsx") == good.sha256


def test_sipri_url_is_configurable(http_server, net_home, monkeypatch):
    from dashboard.sources import sipri

    monkeypatch.setenv("LABORDASH_URL_SIPRI_MILEX", f"{http_server}/files/{SIPRI_PATH}")
    loaded = sipri.load()
    assert loaded.files[0].origin == "network"
    assert loaded.files[0].url.endswith(SIPRI_XLSX.name)
    assert loaded.vintage == "SIPRI Milex 1949-2025 v1.2"


def test_default_sipri_url_is_the_current_release(monkeypatch):
    from dashboard.sources import sipri

    monkeypatch.delenv("LABORDASH_URL_SIPRI_MILEX", raising=False)
    assert sipri.resource().url == (
        "https://www.sipri.org/sites/default/files/SIPRI-Milex-data-1949-2025_v1.2.xlsx"
    )


@pytest.fixture
def producer_urls(http_server, monkeypatch):
    """Every dataset's download URL pointed at the loopback server's imitation of its producer."""
    urls = {
        "SIPRI_MILEX": f"{http_server}/files/{SIPRI_PATH}",
        "WDI": f"{http_server}/v2/en/indicator/{{code}}?downloadformat=csv",
        "WHO_GHED": f"{http_server}/gho/api/{{code}}",
        "OWID": f"{http_server}/owid/grapher/{{code}}.csv?v=1&csvType=full",
        "EUROSTAT_COFOG": f"{http_server}/eurostat/gov_10a_exp?format=SDMX-CSV",
        "GEO_COUNTRIES": f"{http_server}/files/geo/ne_110m_admin_0_countries.geojson",
        "GEO_NUTS2021": f"{http_server}/files/geo/NUTS_RG_60M_2021_4326.geojson",
        "GEO_NUTS2024": f"{http_server}/files/geo/NUTS_RG_20M_2024_4326.geojson",
        "GEO_US_COUNTIES": f"{http_server}/files/geo/geojson-counties-fips.json",
        "GEO_RU_SUBJECTS": f"{http_server}/files/russia/geo/"
        "russia_federal_subjects_geoboundaries_simplified.geojson",
        "EUROSTAT_LFS_NACE": f"{http_server}/files/eurostat/lfst_r_lfe2en2.tsv.gz",
        "EUROSTAT_LFS_SEX_AGE": f"{http_server}/files/eurostat/lfst_r_lfe2emp.tsv.gz",
        "EUROSTAT_NUTS_GDP": f"{http_server}/files/eurostat/nama_10r_2gdp.tsv.gz",
        "EUROSTAT_NUTS_INCOME": f"{http_server}/files/eurostat/nama_10r_2hhinc.tsv.gz",
        "QCEW": f"{http_server}/cew/api/{{year}}/{{qtr}}/{{slice}}/{{code}}.csv",
        "QCEW_TITLES": f"{http_server}/cew/doc/titles/industry/industry_titles.csv",
        "ROSSTAT_REGIONS": f"{http_server}/rosstat/Pril_Region_Pokaz_{{edition}}.zip",
        "ROSKAZNA_BUDGET": f"{http_server}/files/russia/roskazna_0503317/"
        "reg_{year}_0503317_xls.tar.xz",
        "RU_BUDGET_SHARES": f"{http_server}/files/russia/devproglab_multipliers/spendingShares.RDS",
        "RU_POPULATION": f"{http_server}/files/russia/tochno/normalizers_final_v20260518.csv",
        "RU_TOWNS": f"{http_server}/files/russia/crosswalk/ru_cities_towns.csv",
    }
    # QCEW's default online pull (one slice per industry, every area) for the periods the
    # imitation holds: 2016 by quarter (18 areas) and 2020 annual averages (Franklin County)
    monkeypatch.delenv("LABORDASH_QCEW_AREAS", raising=False)
    monkeypatch.setenv("LABORDASH_QCEW_YEARS", "2016,2020")
    monkeypatch.setenv("LABORDASH_QCEW_QTRS", "1,2,3,4,a")
    for k, v in urls.items():
        monkeypatch.setenv(f"LABORDASH_URL_{k}", v)
    return urls


@pytest.mark.slow  # every dataset over loopback HTTP (44 s)
def test_pull_over_the_network_matches_the_mirror(net_home, producer_urls, pulled_home):
    from dashboard import store

    seen: list[str] = []
    results = store.pull(retries=0, on_progress=lambda name, done, total: seen.append(name))
    failed = {r.dataset: r.error for r in results if not r.ok}
    # no network path: Census publishes Table 1 as xlsx while the parser reads its CSV export,
    # and Rosstat's government-finance workbooks, the monotowns list and the researchers'
    # compilations have no stable file URL
    offline = [
        "rosstat_gosfin",
        "ru_social_support",
        "monotowns",
        "rosstat_grp_structure",
        "rosstat_employment_structure",
        "us_state_finances",
    ]
    assert list(failed) == offline, failed.get("qcew")
    assert "is not in the mirror" in failed["rosstat_grp_structure"]
    assert "no Census Table 1" in failed["us_state_finances"]
    assert "without a stable file URL" in failed["rosstat_gosfin"]
    net = store.manifest()
    for ds in net:
        assert all(f["origin"] == "network" for f in net[ds]["source_files"])
    assert "SIPRI-Milex-data-1949-2025_v1.2.xlsx" in seen  # byte progress was reported
    mirror_manifest = json.loads((pulled_home / "store" / "manifest.json").read_text())
    for ds, entry in mirror_manifest.items():
        if ds not in ("qcew", *offline):  # qcew: the slices of the default industries only
            assert net[ds]["rows"] == entry["rows"], ds
    franklin = store.read("qcew", geo="39049", industry="10", ownership="0", indicator="employment")
    assert franklin["value"].tolist() == [727016]
    # every county and state of the mirror, in both years, and each drawn on the county map
    qcew_net = store.read("qcew", indicator="employment", industry="10", ownership="0")
    assert qcew_net.groupby("year")["geo"].nunique().to_dict() == {2016: 18, 2020: 1}
    assert any("QCEW 2016 annual averages: not published" in n for n in net["qcew"]["notes"])
    assert results[-1].dataset == "geometries" and results[-1].rows == (
        177 + 2010 + 1798 + 2088 + 3221 + 83
    )
    # WHO arrived as OData JSON, OWID with its metadata.json: same numbers and units
    assert store.read("who_ghed", geo="RUS", year=2022, indicator="GHED_GGHE-DGDP_SHA2011")[
        "value"
    ].item() == pytest.approx(4.88805)
    edu = store.read("owid", geo="RUS", year=2022)
    assert edu["unit"].tolist() == ["% of GDP"]


def test_network_failure_keeps_the_previous_store(
    net_home, producer_urls, http_server, monkeypatch
):
    from dashboard import store

    assert store.pull(["sipri"], retries=0)[0].ok
    before = store.parquet_path("sipri_milex").read_bytes()
    monkeypatch.setenv("LABORDASH_URL_SIPRI_MILEX", f"{http_server}/html/SIPRI-Milex-new.xlsx")
    res = store.pull(["sipri"], retries=0)[0]
    assert not res.ok and "sipri: " in res.error and "HTML" in res.error
    assert store.parquet_path("sipri_milex").read_bytes() == before


@pytest.mark.slow  # a pull through the API's pages (8 s)
def test_world_bank_falls_back_to_the_api(net_home, producer_urls, http_server, monkeypatch):
    from dashboard import store

    monkeypatch.setenv(
        "LABORDASH_URL_WDI", f"{http_server}/v2/en/indicator/{{code}}?downloadformat=csv&fail=1"
    )
    res = store.pull(["wdi"], retries=0)[0]
    assert res.ok, res.error
    assert len(res.notes) == 10 and all("read the API instead" in n for n in res.notes)
    pop = store.read("wdi", geo="RUS", indicator="SP.POP.TOTL", year=2024)
    assert pop["value"].item() == 143669648
    assert store.read("wdi", geo="WLD").geo_level.unique().tolist() == ["aggregate"]


def test_corrupted_cache_is_downloaded_again(http_server, net_home):
    url = f"{http_server}/files/{SIPRI_PATH}"
    good = fetch.fetch(res(url))
    cached = net_home / "raw" / "sipri" / "SIPRI-Milex-data-test.xlsx"
    cached.write_bytes(b"bit rot")
    again = fetch.fetch(res(url))
    assert again.origin == "network" and fetch.sha256(cached) == good.sha256
