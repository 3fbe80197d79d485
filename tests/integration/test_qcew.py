"""BLS QCEW area files (quarterly by-area and annual API layouts) from ../shared/mirror."""

import math

import pytest

from dashboard.sources import qcew
from dashboard.sources.base import ParseError
from tests.conftest import MIRROR, pick

BY_AREA = MIRROR / "qcew" / "by_area_2016_q1-q4"
HAMPDEN = BY_AREA / "2016.q1-q4_25013_Hampden_County_Massachusetts.csv"


@pytest.fixture(scope="module")
def hampden():
    return qcew.parse(HAMPDEN)


def test_small_arms_in_hampden_county(hampden):
    # NAICS 332994, private, 2016 Q1: months 1799, 1795, 1825; LQ 65.12, 64.56, 64.96
    line = dict(geo="25013", industry="332994", ownership="5", period="2016-Q1")
    emp = pick(hampden, indicator="employment", **line)
    assert emp.value == pytest.approx((1799 + 1795 + 1825) / 3)
    assert emp.unit == "persons" and emp.geo_level == "us_county" and emp.agglvl_code == "78"
    assert pick(hampden, indicator="bls_lq_employment", **line).value == pytest.approx(
        (65.12 + 64.56 + 64.96) / 3
    )
    assert pick(hampden, indicator="wages", **line).value == 25729891
    assert pick(hampden, indicator="establishments", **line).value == 5
    assert emp.industry_title == "NAICS 332994 Small arms and ordnance manufacturing"


def test_suppressed_cells_are_nan_not_zero(hampden):
    # state-owned colleges (6112, own 2): disclosure N, BLS prints 0
    line = dict(industry="6112", ownership="2", period="2016-Q1")
    emp = pick(hampden, indicator="employment", **line)
    assert math.isnan(emp.value) and emp.flag == "suppressed"
    assert math.isnan(pick(hampden, indicator="wages", **line).value)
    assert pick(hampden, indicator="establishments", **line).value == 4  # still published
    supp = hampden[hampden.flag == "suppressed"]
    assert supp["value"].isna().all() and len(supp) > 9000
    assert not (
        (hampden.indicator == "employment") & (hampden.value == 0) & (hampden.flag.isna())
    ).any()


def test_county_total_and_state_file(hampden):
    import pandas as pd

    raw = pd.read_csv(HAMPDEN, dtype=str)
    row = raw[(raw.industry_code == "10") & (raw.own_code == "0") & (raw.qtr == "1")].iloc[0]
    months = [int(row[f"month{i}_emplvl"]) for i in (1, 2, 3)]
    assert months[0] == 201717
    total = pick(hampden, indicator="employment", industry="10", ownership="0", period="2016-Q1")
    assert total.value == pytest.approx(sum(months) / 3)
    state = qcew.parse(BY_AREA / "2016.q1-q4_09000_Connecticut_Statewide.csv")
    assert set(state.loc[state.agglvl_code.str.startswith("5"), "geo_level"]) == {"us_state"}
    assert "09000" in set(state.geo)


def test_annual_api_layout():
    df = qcew.parse(MIRROR / "qcew" / "api_area_annual_2020" / "morpc-qcew-2020-a-39049.csv")
    # Franklin County, OH, 2020 annual averages: all industries, all ownerships
    line = dict(geo="39049", industry="10", ownership="0", period="2020")
    assert pick(df, indicator="employment", **line).value == 727016
    assert pick(df, indicator="wages", **line).value == 45718355278
    assert pick(df, indicator="establishments", **line).value == 34674
    assert pick(df, indicator="bls_lq_employment", **line).value == 1.0
    sup = pick(df, indicator="employment", industry="1022", ownership="2", period="2020")
    assert math.isnan(sup.value) and sup.flag == "suppressed"


def test_load_reads_every_area(monkeypatch):
    monkeypatch.setenv("LABORDASH_MIRROR", str(MIRROR))
    loaded = qcew.load()
    assert loaded.frame["geo"].nunique() == 19
    assert loaded.vintage == "QCEW 2016-Q1 to 2020, 19 areas"


def test_not_a_qcew_file(tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(ParseError, match="not a QCEW area file"):
        qcew.parse(bad)
    import pandas as pd

    df = pd.read_csv(HAMPDEN, dtype=str, keep_default_na=False)
    df.loc[0, "month1_emplvl"] = "n/a"
    junk = tmp_path / "y.csv"
    df.to_csv(junk, index=False)
    with pytest.raises(ParseError, match="non-numeric month1_emplvl"):
        qcew.parse(junk)


def test_api_url():
    assert qcew.api_url(2024, "A", "25013") == (
        "https://data.bls.gov/cew/data/api/2024/a/area/25013.csv"
    )
    with pytest.raises(ValueError):
        qcew.api_url(2024, 1, "../x")
    assert qcew.api_industry_url(2023, 1, "31-33") == (
        "https://data.bls.gov/cew/data/api/2023/1/industry/31_33.csv"
    )
    assert qcew.api_industry_url(2023, "a", "332994").endswith("/industry/332994.csv")
    with pytest.raises(ValueError):
        qcew.api_industry_url(2023, 1, "33/../x")


def test_defense_group_codes_are_published_naics_lines(store_env):
    from dashboard import store
    from dashboard.catalog import industry_groups

    group = industry_groups()["defense_related"]
    assert len(group.codes) == len(set(group.codes)) == 9
    q = store.read("qcew", indicator="employment", period="2016-Q1", industry=list(group.codes))
    titles = q.drop_duplicates("industry").set_index("industry")["industry_title"]
    assert set(titles.index) == set(group.codes)  # every code appears in the BLS files
    assert all(t.startswith(f"NAICS {c} ") for c, t in titles.items())
    # the big shipyards are suppressed in their single-yard counties, never zero
    private = q[(q.industry == "336611") & (q.ownership == "5")]
    yards = private[private.geo.isin(["23023", "09011", "51700", "28059"])]
    assert len(yards) and yards["value"].isna().all() and (yards["flag"] == "suppressed").all()


def test_network_area_list(monkeypatch):
    # LABORDASH_QCEW_AREAS restricts the online pull to one area slice per area and period
    monkeypatch.delenv("LABORDASH_URL_QCEW", raising=False)
    monkeypatch.delenv("LABORDASH_QCEW_QTRS", raising=False)
    monkeypatch.setenv("LABORDASH_QCEW_AREAS", "25013, 09011")
    monkeypatch.setenv("LABORDASH_QCEW_YEARS", "2022,2023")
    res = qcew.network_resources()
    assert [r.name for r in res] == [
        "2022.a.25013.csv",
        "2022.a.09011.csv",
        "2023.a.25013.csv",
        "2023.a.09011.csv",
        "industry_titles.csv",
    ]
    assert res[0].url == "https://data.bls.gov/cew/data/api/2022/a/area/25013.csv"
    monkeypatch.setenv("LABORDASH_QCEW_AREAS", "25013,../../x")
    with pytest.raises(ValueError, match="5 characters"):
        qcew.network_resources()
