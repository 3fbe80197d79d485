"""Trade-off models against hand-computed within OLS and linearmodels, on simulated panels;
build_panel on the real store."""

import numpy as np
import pandas as pd
import pytest
from linearmodels.panel import PanelOLS

from dashboard import analysis, store
from dashboard.analysis import build_panel, granger, rolling_correlation, tradeoff_model

TRUE_EFFECT = -0.5


def simulated(n=30, t=20, frac=0.85, seed=1) -> pd.DataFrame:
    """y = 2 + a_i + 0.1 (t - t0) - 0.5 x + 0.3 z + e, x correlated with a_i; unbalanced."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        a = rng.normal()
        for year in range(2000, 2000 + t):
            x, z = rng.normal() + 0.3 * a, rng.normal()
            y = 2 + a + 0.1 * (year - 2000) + TRUE_EFFECT * x + 0.3 * z + rng.normal(scale=0.5)
            rows.append({"geo": f"C{i:02d}", "year": year, "x": x, "z": z, "y": y})
    df = pd.DataFrame(rows)
    return (
        df.sample(frac=frac, random_state=seed).sort_values(["geo", "year"]).reset_index(drop=True)
    )


def lm_fit(p, time_effects, cov_type="unadjusted", **kw):
    d = p.set_index(["geo", "year"])
    mod = PanelOLS(d["y"], d[["x", "z"]], entity_effects=True, time_effects=time_effects)
    return mod.fit(cov_type=cov_type, debiased=True, **kw)


def test_entity_effects_equal_hand_within_ols():
    p = simulated()
    r = tradeoff_model(p, "y", "x", ["z"], effects="entity", cov="nonrobust")
    cols = ["y", "x", "z"]
    dm = p[cols] - p.groupby("geo")[cols].transform("mean")
    beta, *_ = np.linalg.lstsq(dm[["x", "z"]].to_numpy(), dm["y"].to_numpy(), rcond=None)
    assert r.coef == pytest.approx(beta[0], abs=1e-10)
    assert r.table().set_index("term").loc["z", "coef"] == pytest.approx(beta[1], abs=1e-10)


def test_twoway_effects_equal_hand_within_ols_on_an_unbalanced_panel():
    p = simulated()
    r = tradeoff_model(p, "y", "x", ["z"], effects="twoway", cov="nonrobust")
    years = pd.get_dummies(p["year"], drop_first=True, dtype=float)
    X = pd.concat([p[["x", "z"]], years], axis=1)
    Xd = X - X.groupby(p["geo"]).transform("mean")  # entity-demean, year dummies kept (FWL)
    yd = p["y"] - p.groupby("geo")["y"].transform("mean")
    beta, *_ = np.linalg.lstsq(Xd.to_numpy(), yd.to_numpy(), rcond=None)
    assert r.coef == pytest.approx(beta[0], abs=1e-10)


@pytest.mark.parametrize("effects", ["entity", "twoway"])
def test_coefficients_equal_linearmodels(effects):
    p = simulated()
    r = tradeoff_model(p, "y", "x", ["z"], effects=effects, cov="nonrobust")
    lm = lm_fit(p, time_effects=effects == "twoway")
    assert r.coef == pytest.approx(lm.params["x"], abs=1e-10)
    assert r.se == pytest.approx(lm.std_errors["x"], rel=1e-9)  # both count absorbed effects
    assert r.nobs == lm.nobs


def test_errors_equal_linearmodels_robust_and_clustered():
    p = simulated()
    hc1 = tradeoff_model(p, "y", "x", ["z"], cov="HC1")
    assert hc1.se == pytest.approx(lm_fit(p, True, "robust").std_errors["x"], rel=1e-9)
    cl = tradeoff_model(p, "y", "x", ["z"], cov="cluster")
    lm = lm_fit(p, True, "clustered", cluster_entity=True, group_debias=True)
    assert cl.se == pytest.approx(lm.std_errors["x"], rel=1e-9)
    # cluster p-values use t with G - 1 degrees of freedom
    t = cl.coef / cl.se
    from scipy import stats

    assert cl.pvalue == pytest.approx(2 * stats.t.sf(abs(t), cl.n_entities - 1), rel=1e-9)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_planted_effect_is_recovered(seed):
    r = tradeoff_model(simulated(n=40, seed=seed), "y", "x", ["z"])
    assert r.ci_low < TRUE_EFFECT < r.ci_high
    assert r.ci_high < 0  # and it is distinguishable from zero
    assert 0 < r.r2_within < 1
    assert r.n_entities == 40 and r.n_periods == 20


def test_pooled_ols_is_biased_when_effects_are_ignored():
    # x is correlated with the country effect, so dropping the effects moves the estimate
    p = simulated(n=60)
    pooled = tradeoff_model(p, "y", "x", ["z"], effects="none", cov="HC1")
    fe = tradeoff_model(p, "y", "x", ["z"], effects="twoway")
    assert abs(pooled.coef - TRUE_EFFECT) > abs(fe.coef - TRUE_EFFECT)
    assert "const" in set(pooled.table()["term"]) and "const" not in set(fe.table()["term"])


def test_missing_values_and_singletons_are_dropped_and_reported():
    p = simulated()
    p.loc[[3, 10, 50], "x"] = np.nan
    p.loc[[7], "y"] = np.nan
    lonely = pd.DataFrame([{"geo": "ZZZ", "year": 2001, "x": 1.0, "z": 0.0, "y": 1.0}])
    p = pd.concat([p, lonely], ignore_index=True)
    r = tradeoff_model(p, "y", "x", ["z"])
    assert r.dropped == {
        "missing value": 4,
        "only one year for the country (absorbed by its effect)": 1,
    }
    assert r.nobs == len(p) - 5 and "ZZZ" not in r.geos


def test_logs_and_first_differences():
    p = simulated()
    p["pos_y"] = np.exp(p["y"] / 5)
    p["pos_x"] = np.exp(p["x"])
    p.loc[0, "pos_x"] = 0.0
    r = tradeoff_model(p, "pos_y", "pos_x", transform="logs", effects="entity")
    assert r.dropped["value <= 0 (logs)"] == 1
    assert r.formula.startswith("log(pos_y) ~ log(pos_x)")

    fd = tradeoff_model(p, "y", "x", ["z"], transform="first_difference", effects="time")
    # by hand: differences between consecutive years only
    q = p.sort_values(["geo", "year"]).copy()
    gap = q.groupby("geo")["year"].diff() != 1
    d = q.groupby("geo")[["y", "x", "z"]].diff()[~gap].dropna()
    assert fd.nobs == len(d)
    assert fd.dropped["no previous year (first difference)"] == len(p) - len(d)


def test_lags_add_regressors():
    r = tradeoff_model(simulated(), "y", "x", lags=2)
    assert list(r.table()["term"]) == ["x", "x_lag1", "x_lag2"]
    assert r.dropped["no x value in the 2 year(s) before (lags)"] > 0


def test_bad_arguments_are_clear():
    p = simulated()
    with pytest.raises(ValueError, match="effects must be one of"):
        tradeoff_model(p, "y", "x", effects="random")
    with pytest.raises(ValueError, match="cov must be one of"):
        tradeoff_model(p, "y", "x", cov="HC9")
    with pytest.raises(KeyError, match="no column"):
        tradeoff_model(p, "y", "nope")
    with pytest.raises(ValueError, match="too few observations"):
        tradeoff_model(p.head(3), "y", "x", ["z"], effects="none")


def test_granger_finds_a_planted_lead():
    rng = np.random.default_rng(5)
    x = rng.normal(size=60).cumsum()
    y = np.r_[0, 0, 0.8 * x[:-2]] + rng.normal(scale=0.3, size=60)
    p = pd.DataFrame({"geo": "AAA", "year": range(1960, 2020), "x": x, "y": y})
    lead = granger(p, "AAA", "x", "y", maxlag=3)
    assert lead.pvalue < 0.01 and lead.lag >= 1
    assert granger(p, "AAA", "y", "x", maxlag=3).pvalue > lead.pvalue
    with pytest.raises(ValueError, match="usable years"):
        granger(p[p.year < 1968], "AAA", "x", "y", maxlag=3)


def test_rolling_correlation_counts_calendar_years():
    p = pd.DataFrame(
        {
            "geo": "AAA",
            "year": range(2000, 2012),
            "x": range(12),
            "y": [2 * v + 1 for v in range(12)],
        }
    )
    rc = rolling_correlation(p, "x", "y", window=5)
    assert rc["corr"].round(12).eq(1.0).all() and rc["year"].min() == 2003
    gappy = p[~p.year.isin([2005, 2006])]
    rc2 = rolling_correlation(gappy, "x", "y", window=5, min_periods=4)
    assert 2006 not in set(rc2["year"]) and 2007 not in set(rc2["year"])


def test_ols_band_matches_polyfit():
    x = pd.Series(np.arange(20.0))
    y = 3 - 0.5 * x + np.sin(x)
    band = analysis.ols_band(x, y)
    slope, intercept = np.polyfit(x, y, 1)
    assert band.attrs["slope"] == pytest.approx(slope) and band.attrs["n"] == 20
    assert (band["low"] < band["fit"]).all() and (band["fit"] < band["high"]).all()


# --- on the real store ----------------------------------------------------------------------


def test_build_panel_from_the_store(store_env):
    p = build_panel()
    assert {"geo", "year", "milex_gdp", "health_gdp", "cofog_defence_gdp"} <= set(p.columns)
    assert not p.duplicated(["geo", "year"]).any()
    rus = p[(p.geo == "RUS")].set_index("year")
    assert rus.at[2025, "milex_gdp"] == pytest.approx(7.501484654936362)
    assert rus.at[2022, "health_gdp"] == pytest.approx(4.88805)
    assert rus.at[2024, "milex_gdp_wb"] == pytest.approx(7.05233864500366)
    assert rus.at[2022, "education_gdp"] == pytest.approx(4.0540276)
    assert {"WLD", "EUU", "OWID_WRL", "EU27_2020", "GLOBAL"}.isdisjoint(set(p.geo))
    assert p.attrs["sources"]["health_gdp"]["dataset"] == "who_ghed"
    assert "WHO" in p.attrs["sources"]["health_gdp"]["citation"]
    # COFOG: defence (GF02) as % of GDP for European countries only
    de = p[(p.geo == "DEU") & (p.year == 2020)]
    assert de["cofog_health_gdp"].item() == 8.5
    assert set(p.loc[p.cofog_defence_gdp.notna(), "geo"]) <= set(
        store.read("eurostat_cofog", geo_level="country")["geo"]
    )


def test_build_panel_filters_and_unavailable_datasets(store_env):
    p = build_panel(["milex_gdp", "health_gdp"], geos=["RUS", "UKR"], years=(2010, 2020))
    assert set(p.geo) == {"RUS", "UKR"} and p.year.between(2010, 2020).all()

    def read_without_who(dataset, **filters):
        if dataset == "who_ghed":
            raise store.StoreMissing("who_ghed not pulled")
        return store.read(dataset, **filters)

    q = build_panel(["milex_gdp", "health_gdp"], read=read_without_who)
    assert q.attrs["unavailable"] == ["health_gdp"] and q["health_gdp"].isna().all()
    with pytest.raises(KeyError, match="unknown measure"):
        build_panel(["guns"])


def test_real_tradeoff_model_runs_on_all_countries(store_env):
    p = build_panel()
    r = tradeoff_model(p, "health_gdp", "milex_gdp", ["gdp_pc_ppp"])
    assert r.n_entities > 150 and r.nobs > 3000
    assert r.ci_low < r.coef < r.ci_high
    assert r.dropped["missing value"] > 0


@pytest.mark.parametrize("time_effects", [False, True])
def test_r_squared_equal_linearmodels(time_effects):
    p = simulated()
    d = p.set_index(["geo", "year"])
    lm = PanelOLS(
        d["y"], d[["x", "z"]].assign(const=1.0), entity_effects=True, time_effects=time_effects
    ).fit()
    r = tradeoff_model(
        p, "y", "x", ["z"], effects="twoway" if time_effects else "entity", cov="nonrobust"
    )
    assert r.r2_within == pytest.approx(lm.rsquared_within, rel=1e-9)
    assert r.r2_overall == pytest.approx(lm.rsquared_overall, rel=1e-9)


@pytest.mark.parametrize("effects", ["none", "time"])
def test_no_within_r_squared_without_country_effects(effects):
    import statsmodels.api as sm

    p = simulated()
    r = tradeoff_model(p, "y", "x", ["z"], effects=effects, cov="nonrobust")
    assert np.isnan(r.r2_within)  # before: -10.81 pooled, -10.57 with year effects only
    if effects == "none":
        ols = sm.OLS(p["y"], sm.add_constant(p[["x", "z"]])).fit()
        assert r.r2_overall == pytest.approx(ols.rsquared, rel=1e-9)


def test_lags_are_built_from_the_full_series():
    p = simulated(frac=1.0)
    p.loc[(p.geo == "C00") & (p.year == 2005), "y"] = np.nan  # 2005's x is still there
    r = tradeoff_model(p, "y", "x", lags=1)
    # 2006 keeps its row: it needs x in 2005, not the whole 2005 row
    kept = p.assign(x_lag=p.groupby("geo")["x"].shift(1)).dropna(subset=["y", "x", "x_lag"])
    assert r.nobs == len(kept)  # before: one fewer (2006 of C00 was lost)
    assert r.dropped == {"missing value": 1, "no x value in the 1 year(s) before (lags)": 30}


def test_granger_p_value_takes_the_single_equation_degrees_of_freedom():
    from statsmodels.tsa.stattools import grangercausalitytests

    rng = np.random.default_rng(7)
    x = rng.normal(size=22).cumsum()
    y = np.r_[0, 0.5 * x[:-1]] + rng.normal(scale=0.8, size=22)
    p = pd.DataFrame({"geo": "AAA", "year": range(2000, 2022), "x": x, "y": y})
    r = granger(p, "AAA", "x", "y", maxlag=3)
    d = p[["y", "x"]].diff().dropna()
    f, pvalue, df_denom, df_num = grangercausalitytests(d, maxlag=[r.lag])[r.lag][0]["ssr_ftest"]
    assert r.f_stat == pytest.approx(f, rel=1e-9)
    assert r.pvalue == pytest.approx(pvalue, rel=1e-9)  # before: the VAR's 2x df, smaller
    assert df_denom == r.nobs - 2 * r.lag - 1


def test_granger_on_real_data_germany_health_and_military(store_env):
    from statsmodels.tsa.stattools import grangercausalitytests

    panel = build_panel(["milex_gdp", "health_gdp"], geos=["DEU"])
    r = granger(panel, "DEU", "health_gdp", "milex_gdp", maxlag=2)
    s = panel.dropna(subset=["milex_gdp", "health_gdp"]).sort_values("year")
    s = s[s.year.between(*r.years)]
    d = s[["milex_gdp", "health_gdp"]].diff().dropna()
    expected = grangercausalitytests(d, maxlag=[r.lag])[r.lag][0]["ssr_ftest"][1]
    assert r.pvalue == pytest.approx(expected, rel=1e-9)
