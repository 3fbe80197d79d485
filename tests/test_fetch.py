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

    monkeypatch.setenv("LABORDASH_SIPRI_URL", f"{http_server}/files/{SIPRI_PATH}")
    loaded = sipri.load()
    assert loaded.files[0].origin == "network"
    assert loaded.files[0].url.endswith(SIPRI_XLSX.name)
    assert loaded.vintage == "SIPRI Milex 1949-2025 v1.2"


def test_default_sipri_url_is_the_current_release(monkeypatch):
    from dashboard.sources import sipri

    monkeypatch.delenv("LABORDASH_SIPRI_URL", raising=False)
    assert sipri.resource().url == (
        "https://www.sipri.org/sites/default/files/SIPRI-Milex-data-1949-2025_v1.2.xlsx"
    )
