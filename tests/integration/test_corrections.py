"""The corrections an independent audit of every stored number found, each on the real data
(the statistical ones, Granger degrees of freedom, R² and lags, are in test_analysis.py)."""

import numpy as np
import pandas as pd
import pytest

from dashboard import crosswalks, dependence, russia, store


def test_tyumen_and_arkhangelsk_per_head_use_the_population_their_budgets_cover(store_env):
    per_head = russia.social_per_head(2021)
    # Treasury 0503317, section 10, 2021: Tyumen 45,860.0 mln RUB; annual average population
    # without the okrugs 1,596.039 thousand (revised after the 2021 census; Rosstat's table 1.2,
    # estimated before it, has 1,547.8, which gave 29,629 RUB)
    assert per_head["RU-TYU"] == pytest.approx(45860.027296 / 1596.039 * 1000, rel=1e-6)
    assert per_head["RU-TYU"] == pytest.approx(28734, abs=1)  # before the okrugs: 12,093
    assert per_head["RU-ARK"] == pytest.approx(29656.237354 / 985.162 * 1000, rel=1e-6)
    # every other subject is divided by its whole population
    pop = store.read("ru_population", indicator="population_avg", territory="total", year=2021)
    pop = pop.set_index("geo")["value"]
    b = store.read("roskazna_budget", function="10", year=2021).set_index("geo")["value"]
    assert per_head["RU-UD"] == pytest.approx(b["RU-UD"] / pop["RU-UD"] * 1000, rel=1e-9)
    for year in (2019, 2021):  # per head stays consistent across the two Treasury years
        ph = russia.social_per_head(year)
        assert ph.notna().sum() >= 85 and (ph.drop(["RU-TYU", "RU-ARK"]) > 5000).all()


def test_no_subject_is_counted_twice_beside_its_okrugs(store_env):
    data = dependence.load("ru_subject")
    t = dependence.dependence(data, "manufacturing", "2021").set_index("region")
    raw = store.read("rosstat_regions", indicator="manufacturing_shipments", year=2021)
    excl = raw[(raw["geo"] == "RU-TYU") & (raw["territory"] == "excl_ao")]["value"].item()
    total = raw[(raw["geo"] == "RU-TYU") & (raw["territory"] == "total")]["value"].item()
    okrugs = raw[raw["geo"].isin(["RU-KHM", "RU-YAN"]) & (raw["territory"] == "total")]
    assert t.loc["RU-TYU", "value"] == excl  # before: the total, which holds both okrugs
    assert excl + okrugs["value"].sum() == pytest.approx(total, rel=1e-3)
    frame = crosswalks.disjoint_subjects(raw)
    assert not frame.duplicated(["geo", "indicator", "year"]).any()


def test_the_cross_section_with_corrected_per_head(store_env):
    import statsmodels.api as sm

    cs = russia.cross_section(2021)
    fit = sm.OLS(cs["social_per_head"], sm.add_constant(cs["mfg_gva"])).fit()
    assert len(cs) == 85
    # README and Methods state these (per head of Rosstat's pre-census estimates: -476, R² 0.188;
    # before the okrugs were left out: -471, R² 0.18)
    assert fit.params["mfg_gva"] == pytest.approx(-501.4, abs=0.5)
    assert fit.rsquared == pytest.approx(0.1835, abs=0.0005)


def test_unpublished_eurostat_cells_are_unknown_not_zero(store_env):
    cell = store.read("eurostat_lfs_nace", geo="ES64", industry="A", age="Y_GE15", year=2015)
    assert len(cell) == 1 and np.isnan(cell["value"].item())
    assert cell["flag"].item() == "not published"  # a bare ':' in the file
    data = dependence.load("nuts2")
    melilla = dependence.dependence(data, "A", "2015").set_index("region").loc["ES64"]
    assert np.isnan(melilla["value"]) and np.isnan(melilla["lq"])  # before: 0 and LQ 0
    assert melilla["status"] == "suppressed"
    mix = dependence.mix(data, "ES64", "2015").set_index("industry")
    assert mix.loc["A", "status"] == "suppressed" and np.isnan(mix.loc["A", "value"])


def test_eu_regions_are_only_those_the_eu28_benchmark_covers(store_env):
    data = dependence.load("nuts2")
    countries = {r[:2] for r in data.regions}
    assert not countries & {"TR", "NO", "CH", "IS", "MK", "RS", "ME", "LI"}
    assert len(countries) == 28
    t = dependence.dependence(data, "B-E", "2015")
    assert not t["region"].str.startswith("TR").any()  # before: TR21 Tekirdağ in the top 20
    assert dependence.dependence(data, "B-E", "2015")["region"].isin(data.regions).all()


def test_russian_shift_share_offers_shares_that_do_not_depend_on_prices(store_env):
    data = dependence.load("ru_subject")
    assert data.system.nominal
    s = dependence.share_change(data, "RU-UD", "2017", "2021").set_index("industry")
    assert s["region_share_base"].sum() == pytest.approx(100)
    raw = store.read("rosstat_regions", geo="RU-UD", year=2021, territory="total")
    ship = raw[raw["indicator"].str.endswith("_shipments")].set_index("indicator")["value"]
    assert s.loc["manufacturing", "region_share_final"] == pytest.approx(
        ship["manufacturing_shipments"] / ship.sum() * 100
    )
    assert s.loc["manufacturing", "region_change_pp"] == pytest.approx(
        s.loc["manufacturing", "region_share_final"] - s.loc["manufacturing", "region_share_base"]
    )


def test_qcew_total_government_rows_are_kept(store_env):
    gov = store.read(
        "qcew", geo="01000", ownership="8", indicator="employment", industry="10", period="2016-Q1"
    )
    # Alabama, Total Government, 2016 Q1: 356,282, 358,431 and 359,739 in the three months
    assert gov["value"].item() == pytest.approx((356282 + 358431 + 359739) / 3)
    assert gov["geo_level"].item() == "us_state"


def test_disjoint_subjects_keeps_whole_subjects_where_no_split_is_printed():
    f = pd.DataFrame(
        {
            "geo": ["RU-TYU", "RU-TYU", "RU-TYU", "RU-UD"],
            "year": [2021] * 4,
            "indicator": ["a", "a", "b", "a"],
            "value": [10.0, 4.0, 7.0, 3.0],
            "territory": ["total", "excl_ao", "total", "total"],
        }
    )
    out = crosswalks.disjoint_subjects(f).set_index(["geo", "indicator"])["value"]
    assert out.to_dict() == {("RU-TYU", "a"): 4.0, ("RU-TYU", "b"): 7.0, ("RU-UD", "a"): 3.0}


def test_lags_and_r_squared_on_the_real_panel(store_env):
    from linearmodels.panel import PanelOLS

    from dashboard.analysis import build_panel, tradeoff_model

    p = build_panel(["milex_gdp", "health_gdp", "gdp_pc_ppp"])
    cols = ["health_gdp", "milex_gdp", "gdp_pc_ppp"]
    r = tradeoff_model(p, "health_gdp", "milex_gdp", ["gdp_pc_ppp"], lags=1)
    # a lag needs military spending a year earlier, not the whole earlier row
    q = p.sort_values(["geo", "year"])
    prev = q.assign(year=q["year"] + 1)[["geo", "year", "milex_gdp"]]
    q = q.merge(prev, on=["geo", "year"], how="left", suffixes=("", "_lag"))
    usable = q.dropna(subset=[*cols, "milex_gdp_lag"])
    usable = usable[usable["geo"].map(usable["geo"].value_counts()) > 1]
    assert r.nobs == len(usable) == 3361  # before: 3,225
    # within and overall R² as linearmodels computes them, on the same rows
    two = tradeoff_model(p, "health_gdp", "milex_gdp", ["gdp_pc_ppp"], effects="twoway")
    d = p.dropna(subset=cols)
    d = d[d["geo"].map(d["geo"].value_counts()) > 1].set_index(["geo", "year"])
    lm = PanelOLS(
        d["health_gdp"],
        d[["milex_gdp", "gdp_pc_ppp"]].assign(const=1.0),
        entity_effects=True,
        time_effects=True,
    ).fit()
    assert two.r2_within == pytest.approx(lm.rsquared_within, rel=1e-6)
    assert two.r2_overall == pytest.approx(lm.rsquared_overall, rel=1e-6)
    pooled = tradeoff_model(p, "health_gdp", "milex_gdp", ["gdp_pc_ppp"], effects="none")
    assert np.isnan(pooled.r2_within)  # before: a negative "within R²" (-10.81 in the audit)
