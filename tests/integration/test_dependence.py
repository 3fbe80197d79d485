"""Region systems on the real store: values checked by hand against the mirror files."""

import numpy as np
import pandas as pd
import pytest

from dashboard import dependence, maps, metrics

# lfst_r_lfe2en2.tsv.gz, THS, Y_GE15, 2015: DE11 B-E 639.9 of TOTAL 2122.1; EU28 38052.3 of 220890.1
DE11_SHARE = 639.9 / 2122.1 * 100
DE11_LQ = (639.9 / 2122.1) / (38052.3 / 220890.1)
# Rosstat tables 12.2.2/4/6/7, Udmurtia 2021 shipments, mln RUB
UD_2021 = {"mining": 332674.0, "manufacturing": 389363.0, "utilities": 42072.0, "water": 16787.0}


@pytest.fixture(scope="module")
def systems(pulled_home):
    import os

    old = os.environ.get("LABORDASH_HOME")
    os.environ["LABORDASH_HOME"] = str(pulled_home)
    try:
        yield {k: dependence.load(k) for k in dependence.SYSTEMS}
    finally:
        if old is None:
            os.environ.pop("LABORDASH_HOME")
        else:
            os.environ["LABORDASH_HOME"] = old


def row(table: pd.DataFrame, region: str) -> pd.Series:
    return table.set_index("region").loc[region]


def test_eu_share_and_lq_match_the_file(systems):
    t = dependence.dependence(systems["nuts2"], "B-E", "2015")
    r = row(t, "DE11")
    assert r["value"] == pytest.approx(639.9)
    assert r["total"] == pytest.approx(2122.1)
    assert r["share"] == pytest.approx(DE11_SHARE)
    assert r["lq"] == pytest.approx(DE11_LQ)
    # 293 regions of the 28 member states the EU-28 benchmark covers (not Turkey's or Norway's)
    assert 265 < t["lq"].notna().sum() <= len(systems["nuts2"].regions) == 293
    # unpublished cells are suppressed, never zero
    assert set(t.loc[t["status"] == "suppressed", "value"].isna()) == {True}


def test_us_single_industry_lq_reproduces_bls(systems):
    # Hampden County MA, NAICS 332994, 2016-Q1: 1,806.33 jobs (mean of the months), BLS LQ 64.88
    t = dependence.dependence(systems["us_county"], "332994", "2016-Q1")
    r = row(t, "25013")
    assert r["value"] == pytest.approx(1806.333, abs=0.01)
    assert r["share"] == pytest.approx(1806.333 / 202966.0 * 100, rel=1e-4)
    assert r["lq"] == pytest.approx(64.88, rel=0.01)  # benchmark backed out of BLS's own LQs


def test_defense_group_shows_suppression_not_zero(systems):
    t = dependence.dependence(systems["us_county"], "defense_related", "2016-Q1")
    # the private shipyards (Bath, Groton, Newport News' neighbour Pascagoula) are undisclosed
    for county in ("23023", "09011", "28059"):
        assert row(t, county)["status"] == "suppressed"
        assert np.isnan(row(t, county)["value"])
    assert row(t, "25013")["status"] == "ok"
    members = systems["us_county"].members("defense_related")
    assert len(members) == 9 and "336611" in members


def test_russia_output_proxy(systems):
    t = dependence.dependence(systems["ru_subject"], "manufacturing", "2021")
    r = row(t, "RU-UD")
    assert r["value"] == UD_2021["manufacturing"]
    assert r["total"] == pytest.approx(sum(UD_2021.values()))
    assert r["share"] == pytest.approx(389363 / 780896 * 100)
    ru = dependence.benchmark_share(systems["ru_subject"], "manufacturing", "2021")[0]
    assert r["lq"] == pytest.approx(r["share"] / 100 / ru)


def test_a_suppressed_section_leaves_the_total_unknown(systems):
    # Rosstat prints no mining or water shipments for Magadan in 2021 (confidential)
    data = systems["ru_subject"]
    r = row(dependence.dependence(data, "manufacturing", "2021"), "RU-MAG")
    assert r["value"] > 0 and np.isnan(r["total"]) and np.isnan(r["share"])
    assert r["status"].startswith("total unknown")
    mix = dependence.mix(data, "RU-MAG", "2021").set_index("industry")
    assert mix["share"].isna().all() and mix.loc["mining", "status"] == "suppressed"
    conc = row(dependence.concentration(data, ["2021"]), "RU-MAG")
    assert conc["excluded"] == 2 and np.isnan(conc["hhi"])


def test_dependence_is_metrics_location_quotients(systems):
    """The page's two-industry frame gives the same LQ as metrics on the full NACE table."""
    data = systems["nuts2"]
    c = data.cells[(data.cells["period"] == "2015") & data.cells["region"].isin(["DE11", "EU28"])]
    full = pd.concat(
        [
            c,
            pd.DataFrame(
                {"period": "2015", "region": "DE11", "industry": "residual", "value": [0.0]}
            ),
        ]
    )
    ref = c[c["region"] == "EU28"].drop(columns=["region", "period"])
    lq = metrics.location_quotients(full[full["region"] == "DE11"].drop(columns="period"), ref)
    direct = lq.set_index("industry").loc["B-E"]
    # metrics shares are of the sum of the groups (no-response included); the page's of TOTAL
    ours = row(dependence.dependence(data, "B-E", "2015"), "DE11")
    total_groups = c[(c["region"] == "DE11")]["value"].sum()
    assert direct["share"] * 100 == pytest.approx(639.9 / total_groups * 100)
    assert ours["share"] == pytest.approx(DE11_SHARE)


def test_concentration_per_region(systems):
    conc = dependence.concentration(systems["nuts2"], ["2015"])
    de = row(conc, "DE11")
    assert 0 < de["hhi"] <= 1 and 0 <= de["krugman"] <= 2
    assert de["hoover"] == pytest.approx(de["krugman"] / 2)
    assert de["n_industries"] == 10
    us = dependence.concentration(systems["us_county"], ["2016-Q1"])
    assert us["excluded"].sum() > 0  # suppressed sectors are counted, not zeroed


def test_mix_shares_and_benchmark(systems):
    mix = dependence.mix(systems["nuts2"], "DE11", "2015").set_index("industry")
    # DE11's published groups add up to 2122.2 > TOTAL 2122.1 (rounding): shares of their sum
    assert mix.loc["B-E", "share"] == pytest.approx(639.9 / 2122.2 * 100)
    assert mix.loc["B-E", "bench_share"] == pytest.approx(38052.3 / 220890.1 * 100)
    assert mix["share"].sum() == pytest.approx(100, abs=0.1)  # published rounding


def test_shift_share_components_add_up(systems):
    ss = dependence.shift_share(systems["nuts2"], "DE11", "2008", "2015")
    r = ss.by_region.iloc[0]
    parts = r["national_share"] + r["industry_mix"] + r["competitive"] + r["allocation"]
    assert parts == pytest.approx(r["final"] - r["base"])
    assert r["base"] == pytest.approx(ss.by_industry["base"].sum())
    with pytest.raises(ValueError, match="OKVED break"):
        dependence.shift_share(systems["ru_subject"], "RU-UD", "2016", "2017")
    with pytest.raises(ValueError, match="national totals"):
        dependence.shift_share(systems["us_state"], "51000", "2016-Q1", "2016-Q4")
    ud = dependence.shift_share(systems["ru_subject"], "RU-UD", "2017", "2021").by_region
    assert ud.iloc[0]["final"] == pytest.approx(sum(UD_2021.values()))


def test_polygon_region_draws_old_nuts_codes():
    f = dependence.polygon_region("nuts2", ["FR21", "EL51", "PL12"])
    assert f("FRF2") == "FR21"  # Champagne-Ardenne, recoded in NUTS 2016
    assert f("EL51") == "EL51"  # the polygon's own code wins when it has data
    assert f("PL91") == f("PL92") == "PL12"  # Mazowieckie = the union of two 2021 regions
    assert dependence.polygon_region("us_state", [])("25013") == "25000"


def test_maps_draw_most_regions(systems):
    """Every system's map draws its regions from our own layers; the gaps are named."""
    cases = {
        "nuts2": ("B-E", "2015"),
        "us_county": ("31-33", "2016-Q1"),
        "ru_subject": ("manufacturing", "2021"),
    }
    for key, (ind, per) in cases.items():
        data = systems[key]
        t = dependence.dependence(data, ind, per)
        codes = t["region"].tolist()  # with data or suppressed: both are drawn
        f = dependence.polygon_region(key, codes)
        shapes = maps.projected(data.system.layer, data.system.layer_level)
        drawn = {f(fid) for fid in shapes} & set(codes)
        missing = sorted(set(codes) - drawn)
        if key == "ru_subject":
            assert missing == ["UA-40", "UA-43"]  # geoBoundaries has no Crimea or Sevastopol
        elif key == "nuts2":
            # boundaries changed after NUTS 2013 (Ireland, Scotland), and the overseas regions
            # outside the European frame
            assert len(drawn) >= 260 and set(missing) <= {
                "IE01",
                "IE02",
                "UKM2",
                "UKM3",
                "FRA1",
                "FRA2",
                "FRA3",
                "FRA4",
                "FRA5",
            }
        else:
            assert missing == []


def test_social_indicators(systems):
    ru = dependence.social("ru_subject", "RU-UD")
    wage = ru[(ru["indicator"] == "Average monthly wage") & (ru["period"] == "2021")]
    assert set(wage["geo"]) == {"RU-UD", "RUS"}
    ud = wage.set_index("geo")["value"]
    assert ud["RU-UD"] < ud["RUS"]
    us = dependence.social("us_county", "09011")
    w = us[(us["geo"] == "09011") & (us["period"] == "2016-Q1")]["value"].iloc[0]
    assert 500 < w < 2500  # US$ a week
    assert set(us["geo"]) == {"09011", "09000"}
