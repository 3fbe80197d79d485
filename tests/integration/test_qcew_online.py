"""QCEW's online default: one open-data slice per industry (every area), against the loopback
server's imitation of BLS built from the mirror's by-area files (tests/bls_imitation.py)."""

import os
from datetime import date

import numpy as np
import pytest

from dashboard import fetch
from dashboard.sources import qcew
from tests.conftest import _Handler, pick

pytestmark = pytest.mark.slow  # BLS's slices at full size

KEY = ["geo", "period", "industry", "ownership", "indicator", "size_code"]
DEFENSE = ["332992", "332993", "332994", "336414", "336415", "336419", "336992", "336611",
           "334511"]  # fmt: skip


ENV = {
    "LABORDASH_URL_QCEW": "{server}/cew/api/{{year}}/{{qtr}}/{{slice}}/{{code}}.csv",
    "LABORDASH_URL_QCEW_TITLES": "{server}/cew/doc/titles/industry/industry_titles.csv",
    "LABORDASH_QCEW_YEARS": "2016",
    "LABORDASH_QCEW_QTRS": "1,2,3,4",
}


def _point_at(mp: pytest.MonkeyPatch, server: str, home) -> None:
    """No mirror; QCEW's URLs pointed at the imitation; the mirror's quarters of 2016."""
    mp.setenv("LABORDASH_HOME", str(home))
    mp.delenv("LABORDASH_MIRROR", raising=False)
    mp.delenv("LABORDASH_QCEW_AREAS", raising=False)
    for k, v in ENV.items():
        mp.setenv(k, v.format(server=server))


@pytest.fixture
def bls(http_server, tmp_path, monkeypatch):
    _point_at(monkeypatch, http_server, tmp_path / "home")
    return http_server


@pytest.fixture(scope="module")
def online(http_server, tmp_path_factory):
    """An online pull of 2016 Q1-Q4 (the tidy frame, the hits it cost the server) and the
    settings it ran with, kept for the tests that use it."""
    with pytest.MonkeyPatch.context() as mp:
        _point_at(mp, http_server, tmp_path_factory.mktemp("online"))
        before = dict(_Handler.hits)
        loaded = qcew.load(retries=0)
        hits = {k: v - before.get(k, 0) for k, v in _Handler.hits.items() if v != before.get(k, 0)}
        yield loaded, hits, dict(os.environ)


def test_latest_published_year_follows_the_bls_calendar():
    assert qcew.latest_published(date(2026, 11, 30)) == 2025  # 2025 averages out in Sept 2026
    assert qcew.latest_published(date(2026, 9, 1)) == 2024
    assert qcew.default_years(2025) == ["2020", "2025"]


def test_default_online_pull_is_one_slice_per_industry_for_two_years(monkeypatch):
    for var in (
        "LABORDASH_QCEW_AREAS",
        "LABORDASH_QCEW_YEARS",
        "LABORDASH_QCEW_QTRS",
        "LABORDASH_URL_QCEW",
        "LABORDASH_URL_QCEW_TITLES",
    ):
        monkeypatch.delenv(var, raising=False)
    res = qcew.network_resources(latest=2025)
    codes = qcew.industry_codes()
    assert codes[:2] == ["10", "11"] and "31-33" in codes and set(DEFENSE) <= set(codes)
    assert len(codes) == 1 + 20 + 9
    assert len(res) == 2 * 30 + 1
    assert res[0].url == "https://data.bls.gov/cew/data/api/2020/a/industry/10.csv"
    assert res[0].name == "2020.a.industry.10.csv"
    by_name = {r.name: r for r in res}
    assert by_name["2025.a.industry.31-33.csv"].url.endswith("/2025/a/industry/31_33.csv")
    assert res[-1].url == qcew.TITLES_URL and res[-1].optional


def test_bad_settings_are_named(monkeypatch):
    monkeypatch.setenv("LABORDASH_QCEW_YEARS", "2023,20x4")
    with pytest.raises(ValueError, match="not a year: '20x4'"):
        qcew.network_resources()
    monkeypatch.setenv("LABORDASH_QCEW_YEARS", "2023")
    monkeypatch.setenv("LABORDASH_QCEW_QTRS", "5")
    with pytest.raises(ValueError, match="quarters are 1-4 or a"):
        qcew.network_resources()
    monkeypatch.delenv("LABORDASH_QCEW_QTRS")
    monkeypatch.delenv("LABORDASH_QCEW_AREAS", raising=False)
    monkeypatch.setenv("LABORDASH_URL_QCEW", "https://example.org/{year}/{qtr}/area/{code}.csv")
    with pytest.raises(ValueError, match=r"must hold \{slice\}"):
        qcew.network_resources()


def test_online_pull_gives_the_mirror_pull_cells(online, pulled_home, monkeypatch):
    from dashboard import store

    loaded, hits, _ = online
    assert len(loaded.files) == 4 * 30 + 1 and {f.origin for f in loaded.files} == {"network"}
    assert sum(hits.values()) == 4 * 30 + 1  # each slice once, no retries
    net = loaded.frame
    monkeypatch.setenv("LABORDASH_HOME", str(pulled_home))
    mirror = store.read("qcew", industry=qcew.industry_codes(), year=2016)
    assert len(net) == len(mirror) > 14_000
    both = mirror.merge(net, on=KEY, suffixes=("_mirror", "_net"), validate="1:1")
    assert len(both) == len(mirror)  # the same cells
    assert np.allclose(both["value_mirror"], both["value_net"], equal_nan=True, rtol=0, atol=0)
    assert (both["flag_mirror"].fillna("") == both["flag_net"].fillna("")).all()
    assert (both["industry_title_mirror"] == both["industry_title_net"]).all()
    assert (both["agglvl_code_mirror"] == both["agglvl_code_net"]).all()
    # Hampden County small arms, private, 2016 Q1: months 1799, 1795, 1825 (by-area file)
    cell = pick(
        net, geo="25013", industry="332994", ownership="5", period="2016-Q1", indicator="employment"
    )
    assert cell.value == pytest.approx((1799 + 1795 + 1825) / 3)
    assert cell.industry_title == "NAICS 332994 Small arms and ordnance manufacturing"


def test_suppressed_cells_stay_missing_with_their_flag(online):
    net = online[0].frame
    emp = net[(net.indicator == "employment") & (net.ownership == "5")]
    yards = emp[(emp.industry == "336611") & emp.geo.isin(["23023", "09011", "51700", "28059"])]
    assert len(yards) == 16  # 4 counties x 4 quarters
    assert yards["value"].isna().all() and (yards["flag"] == "suppressed").all()


def test_a_second_pull_resumes_from_the_cache(online, monkeypatch):
    for k, v in online[2].items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("LABORDASH_MIRROR", raising=False)
    before = sum(_Handler.hits.values())
    again = qcew.load(retries=0)
    assert sum(_Handler.hits.values()) == before  # nothing downloaded again
    assert {f.origin for f in again.files} == {"cache"}
    index = fetch._read_manifest()  # concurrent downloads lost no entry of the cache's index
    assert sum(k.startswith("qcew/") for k in index) == 4 * 30 + 1


def test_annual_industry_slice(bls, monkeypatch):
    # the mirror's annual slice holds Franklin County, Ohio: 727,016 jobs in 2020
    monkeypatch.setenv("LABORDASH_QCEW_YEARS", "2020")
    monkeypatch.setenv("LABORDASH_QCEW_QTRS", "a")
    monkeypatch.setattr(qcew, "industry_codes", lambda: ["10", "31-33"])
    frame = qcew.load(retries=0).frame
    total = pick(frame, geo="39049", industry="10", ownership="0", indicator="employment")
    assert total.value == 727016 and total.period == "2020"
    assert total.industry_title == "10 Total, all industries"


def test_latest_year_not_out_yet_falls_back_a_year(bls, monkeypatch):
    monkeypatch.delenv("LABORDASH_QCEW_YEARS")
    monkeypatch.setenv("LABORDASH_QCEW_QTRS", "1")
    monkeypatch.setattr(qcew, "BASE_YEARS_BACK", 0)
    monkeypatch.setattr(qcew, "latest_published", lambda today=None: 2017)
    monkeypatch.setattr(qcew, "industry_codes", lambda: ["10", "336611"])
    loaded = qcew.load(retries=0)
    assert set(loaded.frame["period"]) == {"2016-Q1"}
    assert loaded.notes[0] == "QCEW annual averages for 2017 are not published yet; pulled 2016"
    assert "QCEW 2017 Q1: not published" in loaded.notes[1] and "HTTP 404" in loaded.notes[1]


def test_unpublished_periods_are_left_out_one_by_one(bls, monkeypatch):
    # 2016 exists by quarter, 2020 as annual averages (Franklin County, Ohio) in the imitation
    monkeypatch.setenv("LABORDASH_QCEW_YEARS", "2016,2020")
    monkeypatch.setenv("LABORDASH_QCEW_QTRS", "1,a")
    monkeypatch.setattr(qcew, "industry_codes", lambda: ["10", "31-33"])
    loaded = qcew.load(retries=0)
    assert set(loaded.frame["period"]) == {"2016-Q1", "2020"}
    gone = [n for n in loaded.notes if "not published" in n]
    assert [n.split(":")[0] for n in gone] == ["QCEW 2016 annual averages", "QCEW 2020 Q1"]
    monkeypatch.setenv("LABORDASH_QCEW_YEARS", "2012")
    with pytest.raises(fetch.FetchError, match="none of the periods asked for is published"):
        qcew.load(retries=0)


def test_an_industry_without_a_slice_is_a_note(bls, monkeypatch):
    monkeypatch.setattr(qcew, "industry_codes", lambda: ["10", "123456"])
    loaded = qcew.load(retries=0)
    assert set(loaded.frame["industry"]) == {"10"}
    missing = [n for n in loaded.notes if n.startswith("2016.1.industry.123456.csv: not available")]
    assert len(missing) == 1 and "industry/123456.csv answered HTTP 404" in missing[0]


def test_a_dead_totals_slice_fails_the_pull_naming_it(bls, monkeypatch):
    monkeypatch.setenv(
        "LABORDASH_URL_QCEW", f"{bls}/status/503/{{year}}/{{qtr}}/{{slice}}/{{code}}"
    )
    with pytest.raises(fetch.FetchError, match=r"status/503/2016/1/industry/10 after 1 attempt"):
        qcew.load(retries=0)


@pytest.fixture(scope="module")
def every_county(tmp_path_factory):
    """A store pulled online from synthetic slices at BLS's size (every county of the Census
    2010 layer, the states, the nation, 400 metropolitan areas) for the totals and the
    defense-related codes, 2020 and 2025; served by a loopback server of its own."""
    import functools
    import http.server
    import random
    import threading

    from dashboard import store
    from tests.bls_imitation import synthetic_slices
    from tests.conftest import MIRROR

    root = tmp_path_factory.mktemp("every_county")
    rels = synthetic_slices(
        root / "www", MIRROR, ["10", *DEFENSE], ["2020", "2025"], random.Random(3)
    )
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=root / "www")
    handler.func.log_message = lambda *a: None
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{srv.server_address[1]}"
    (root / "mirror").mkdir()
    for folder in ("geo", "russia"):  # the map layers from the mirror, QCEW from the server
        (root / "mirror" / folder).symlink_to(MIRROR / folder)
    env = {
        "LABORDASH_HOME": str(root / "home"),
        "LABORDASH_MIRROR": str(root / "mirror"),
        "LABORDASH_QCEW_YEARS": "2020,2025",
        "LABORDASH_QCEW_QTRS": "a",
        "LABORDASH_URL_QCEW": f"{base}/cew/api/{{year}}/{{qtr}}/{{slice}}/{{code}}.csv",
        "LABORDASH_URL_QCEW_TITLES": f"{base}/{rels[-1]}",
    }
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("LABORDASH_QCEW_AREAS", raising=False)
        mp.setattr(qcew, "industry_codes", lambda: ["10", *DEFENSE])
        for k, v in env.items():
            mp.setenv(k, v)
        results = store.pull(["qcew"])
        assert all(r.ok for r in results), [r.error for r in results]
    yield env
    srv.shutdown()


def test_every_county_is_ranked_and_drawn(every_county, monkeypatch):
    from dashboard import geo, registry, systems
    from dashboard.builders import dependence as dep
    from dashboard.builders import lookups

    for k, v in every_county.items():
        monkeypatch.setenv(k, v)
    county = lookups.system_data("us_county")
    layer = {f["id"] for f in geo.layer("us_counties")["features"]}
    assert set(county.regions) == layer and len(layer) == 3221
    assert county.periods == ("2020", "2025") and lookups.default_period(county) == "2025"
    assert len(lookups.system_data("us_state").regions) == 51
    assert not any(
        "The store holds" in n for n in dep.caveats(county, "defense_related", "lq", "2025")
    )
    assert systems.SYSTEMS["us_county"].coverage(len(county.regions)) is None
    table = lookups.dependence_table("us_county", "defense_related", "2025")
    ranked = int(table["lq"].notna().sum())
    assert ranked > 150  # 9 codes x 6% of the counties, less the suppressed
    built = registry.build(
        "dependence_map", {"system": "us_county", "industry": "defense_related", "period": "2025"}
    )
    alt = built.chart.alt
    drawn, shown = (int(x) for x in alt.split(". ")[-1].split(" regions")[0].split(" of "))
    assert drawn == shown == len(built.chart.data) >= ranked, alt


def test_a_failed_industry_slice_fails_the_pull(bls, monkeypatch):
    # only HTTP 404 (no such slice) is a note: a sector's slice that cannot be downloaded (here
    # a 503 after the retries) fails the pull
    monkeypatch.setattr(qcew, "industry_codes", lambda: ["10", "31-33"])
    real = fetch.fetch

    def unavailable_sector(res, **kw):
        if "31-33" in res.name:
            raise fetch.FetchError(f"qcew: {res.url} answered HTTP 503 after 1 attempt(s)")
        return real(res, **kw)

    monkeypatch.setattr(fetch, "fetch", unavailable_sector)
    with pytest.raises(fetch.FetchError, match=r"2016.1.industry.31-33.csv: not available .*503"):
        qcew.load(retries=0)
