"""Guns versus butter: country-year panels and trade-off models (statsmodels). No Streamlit.

``build_panel`` joins military, civilian and control measures from the store into one wide
country-year frame; ``tradeoff_model`` fits a (two-way) fixed-effects regression of a civilian
measure on a military one; ``granger`` and ``rolling_correlation`` look at single countries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dashboard import indicators, store
from dashboard.catalog import origin


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    unit: str
    dataset: str
    indicator: str
    role: str  # military | civilian | control
    filters: tuple[tuple[str, str], ...] = ()


def _m(key, dataset, indicator, role, /, label: str | None = None, **filters) -> Measure:
    """A measure: its unit (and, unless given, its label) from ``datasets/indicators.toml``."""
    meta = indicators.get(dataset, indicator)
    return Measure(
        key, label or meta.label, meta.unit, dataset, indicator, role, tuple(filters.items())
    )


MEASURES: dict[str, Measure] = {
    m.key: m
    for m in [
        _m("milex_gdp", "sipri_milex", "milex_gdp_share", "military"),
        _m("milex_gov", "sipri_milex", "milex_gov_share", "military"),
        _m("milex_const_usd", "sipri_milex", "milex_constant_usd", "military"),
        _m("milex_gdp_wb", "wdi", "MS.MIL.XPND.GD.ZS", "military"),
        _m("health_gdp", "who_ghed", "GHED_GGHE-DGDP_SHA2011", "civilian"),
        _m("health_gov", "who_ghed", "GHED_GGHE-DGGE_SHA2011", "civilian"),
        _m("education_gdp", "owid", "total-government-expenditure-on-education-gdp", "civilian"),
        _m("education_gov", "wdi", "SE.XPD.TOTL.GB.ZS", "civilian"),
        _m("gov_consumption_gdp", "wdi", "NE.CON.GOVT.ZS", "civilian"),
        _m(
            "cofog_defence_gdp",
            "eurostat_cofog",
            "gov_expenditure",
            "military",
            label="Defence, COFOG (Eurostat)",
            function="GF02",
            unit="% of GDP",
        ),
        _m(
            "cofog_health_gdp",
            "eurostat_cofog",
            "gov_expenditure",
            "civilian",
            label="Health, COFOG (Eurostat)",
            function="GF07",
            unit="% of GDP",
        ),
        _m(
            "cofog_education_gdp",
            "eurostat_cofog",
            "gov_expenditure",
            "civilian",
            label="Education, COFOG (Eurostat)",
            function="GF09",
            unit="% of GDP",
        ),
        _m(
            "cofog_social_gdp",
            "eurostat_cofog",
            "gov_expenditure",
            "civilian",
            label="Social protection, COFOG (Eurostat)",
            function="GF10",
            unit="% of GDP",
        ),
        _m("gdp_pc_ppp", "wdi", "NY.GDP.PCAP.PP.KD", "control"),
        _m("pop_65", "wdi", "SP.POP.65UP.TO.ZS", "control"),
        _m("unemployment", "wdi", "SL.UEM.TOTL.ZS", "control"),
    ]
}


def measures(role: str) -> list[str]:
    return [k for k, m in MEASURES.items() if m.role == role]


def build_panel(
    keys: Iterable[str] | None = None,
    *,
    geos: Sequence[str] | None = None,
    years: tuple[int, int] | None = None,
    read: Callable[..., pd.DataFrame] = store.read,
) -> pd.DataFrame:
    """Wide country-year panel: columns ``geo`` (ISO3), ``year`` and one per measure key.

    Countries only (``geo_level == "country"``); an outer join, so a country-year appears when
    any measure has it. ``panel.attrs["sources"]`` maps each column to its dataset, indicator,
    unit and citation; ``panel.attrs["unavailable"]`` lists measures whose dataset is not in
    the store (their columns are all NaN).
    """
    keys = list(keys) if keys is not None else list(MEASURES)
    unknown = [k for k in keys if k not in MEASURES]
    if unknown:
        raise KeyError(f"unknown measure(s) {unknown}; known: {', '.join(MEASURES)}")
    frames, sources, unavailable = [], {}, []
    for key in keys:
        m = MEASURES[key]
        filters = {"indicator": m.indicator, "geo_level": "country", **dict(m.filters)}
        if geos is not None:
            filters["geo"] = list(geos)
        try:
            df = read(m.dataset, **filters)
        except store.StoreMissing:
            unavailable.append(key)
            continue
        if years is not None:
            df = df[df["year"].between(*years)]
        s = df.dropna(subset=["value"]).groupby(["geo", "year"])["value"].mean().rename(key)
        frames.append(s)
        o = origin(m.dataset)
        sources[key] = {
            "label": m.label,
            "unit": m.unit,
            "dataset": m.dataset,
            "indicator": m.indicator,
            "filters": dict(m.filters),
            "producer": o.producer,
            "citation": o.citation,
            "licence": o.licence_short,
        }
    if frames:
        panel = pd.concat(frames, axis=1, join="outer").reset_index()
    else:
        panel = pd.DataFrame(columns=["geo", "year"])
    for key in unavailable:
        panel[key] = np.nan
    panel = panel[["geo", "year", *keys]].sort_values(["geo", "year"]).reset_index(drop=True)
    panel["year"] = panel["year"].astype("int64")
    panel.attrs["sources"] = sources
    panel.attrs["unavailable"] = unavailable
    return panel


# --- the trade-off model --------------------------------------------------------------------

EFFECTS = ("none", "entity", "time", "twoway")
COVS = ("nonrobust", "HC1", "cluster")
TRANSFORMS = ("levels", "logs", "first_difference")


@dataclass
class TradeoffResult:
    outcome: str
    treatment: str
    coef: float
    se: float
    pvalue: float
    ci_low: float
    ci_high: float
    nobs: int
    n_entities: int
    n_periods: int
    r2_within: float  # NaN without country effects: there is no within variation to explain
    r2_overall: float
    formula: str
    effects: str
    cov: str
    transform: str
    geos: list[str]
    years: tuple[int, int]
    dropped: dict[str, int]
    params: pd.DataFrame = field(repr=False)

    def table(self) -> pd.DataFrame:
        """Every coefficient except the fixed-effect dummies: term, coef, se, t, pvalue, CI."""
        return self.params.reset_index(names="term")


def _r_squared(
    df: pd.DataFrame, y: pd.Series, x: pd.DataFrame, b: pd.Series, effects: str
) -> tuple[float, float]:
    """(within, overall) R² as linearmodels' PanelOLS defines them, from the slopes ``b``:
    within = 1 - SS(ỹ - x̃b) / SS(ỹ) with y and x demeaned by country (only with country
    effects, else NaN); overall = 1 - SS(y - a - xb) / SS(y - ȳ), a = ȳ - x̄b."""
    e = y - x @ b
    overall = 1 - float(((e - e.mean()) ** 2).sum()) / float(((y - y.mean()) ** 2).sum())
    if effects not in ("entity", "twoway"):
        return float("nan"), overall
    wy = y - y.groupby(df["geo"]).transform("mean")
    wx = x - x.groupby(df["geo"]).transform("mean")
    sst = float((wy**2).sum())
    within = 1 - float(((wy - wx @ b) ** 2).sum()) / sst if sst > 0 else float("nan")
    return within, overall


def _consecutive_shift(df: pd.DataFrame, col: str, k: int) -> pd.Series:
    """Value of ``col`` k years earlier in the same country (NaN when that year is missing)."""
    prev = df[["geo", "year", col]].assign(year=df["year"] + k)
    return df[["geo", "year"]].merge(prev, on=["geo", "year"], how="left")[col].to_numpy()


def tradeoff_model(
    panel: pd.DataFrame,
    outcome: str,
    treatment: str,
    controls: Sequence[str] = (),
    effects: str = "twoway",
    cov: str = "cluster",
    transform: str = "levels",
    lags: int = 0,
    alpha: float = 0.05,
) -> TradeoffResult:
    """Regress ``outcome`` on ``treatment`` (plus lags and controls) in a country-year panel.

    y_it = b * x_it + sum_k b_k * x_i,t-k + g' z_it + a_i + l_t + e_it

    - Fixed effects are estimated as dummy variables (least-squares dummy variables): one per
      country (``a_i``, effects "entity"/"twoway") and one per year (``l_t``, "time"/"twoway"),
      so the coefficients equal the within (demeaned) estimator, also on unbalanced panels,
      and the residual degrees of freedom count the absorbed effects.
    - ``cov="cluster"``: cluster-robust (sandwich) errors by country, statsmodels' default
      small-sample correction G/(G-1) * (N-1)/(N-K) (K counts the dummies, as Stata's ``areg``)
      and t(G-1) p-values and intervals. With two-way effects these errors equal linearmodels'
      PanelOLS(debiased=True, group_debias=True); with country effects only, linearmodels does not
      count effects nested in the clusters (Stata's ``xtreg``), so its errors are slightly
      smaller.
    - ``cov="HC1"``: heteroskedasticity-robust, N/(N-K), t(N-K). ``nonrobust``: classic OLS
      errors, t(N-K). Both equal linearmodels' PanelOLS(debiased=True).
    - ``transform``: "levels"; "logs" (natural log of every variable; rows with a value <= 0
      are dropped); "first_difference" (x_it - x_i,t-1, consecutive years only).
    - ``lags``: adds x_i,t-1 ... x_i,t-L (consecutive years) as regressors.

    Differences and lags are built from each variable's full series, then rows are dropped for
    missing values, non-positive values under logs, no previous year (differences), no
    treatment in the years the lags need, and countries left with a single year under entity
    effects; the counts are in ``result.dropped``. ``r2_within`` and ``r2_overall`` are defined
    as linearmodels defines them (see ``_r_squared``); the within R² only with country effects.
    """
    _check_arguments(panel, [outcome, treatment, *controls], effects, cov, transform, lags)
    df, lag_cols, dropped = _prepare(panel, outcome, treatment, controls, effects, transform, lags)
    regressors = [treatment, *lag_cols, *controls]
    if len(df) <= len(regressors) + 1:
        raise ValueError(
            f"too few observations ({len(df)}) for {len(regressors)} regressors after dropping "
            f"{sum(dropped.values())} rows ({dropped})"
        )
    fit, X, y = _fit(df, outcome, regressors, effects, cov)
    return _result(
        fit, df, X, y, outcome, treatment, regressors, effects, cov, transform, alpha, dropped
    )


def _check_arguments(panel, cols, effects, cov, transform, lags) -> None:
    """Every choice one of the allowed ones; the variables distinct columns of ``panel``."""
    if effects not in EFFECTS:
        raise ValueError(f"effects must be one of {EFFECTS}, not {effects!r}")
    if cov not in COVS:
        raise ValueError(f"cov must be one of {COVS}, not {cov!r}")
    if transform not in TRANSFORMS:
        raise ValueError(f"transform must be one of {TRANSFORMS}, not {transform!r}")
    if not 0 <= int(lags) <= 5:
        raise ValueError("lags must be between 0 and 5")
    if len(set(cols)) != len(cols):
        raise ValueError(f"outcome, treatment and controls must differ: {cols}")
    missing = [c for c in ["geo", "year", *cols] if c not in panel.columns]
    if missing:
        raise KeyError(f"panel has no column(s) {missing}")


def _prepare(panel, outcome, treatment, controls, effects, transform, lags):
    """The estimation sample: transforms and lags computed on the full series first (a lag
    needs the treatment a year earlier, not the whole row), then rows dropped, each for its
    first reason. Returns the rows, the lag columns and the counts dropped by reason."""
    cols = [outcome, treatment, *controls]
    df = panel[["geo", "year", *cols]].sort_values(["geo", "year"]).reset_index(drop=True)
    gone = df[cols].isna().any(axis=1).to_numpy().copy()
    reasons = [("missing value", gone.copy())]
    if transform == "logs":
        bad = (df[cols] <= 0).any(axis=1).to_numpy() & ~gone
        reasons.append(("value <= 0 (logs)", bad))
        gone |= bad
        df[cols] = np.log(df[cols].astype(float).where(df[cols] > 0))
    if transform == "first_difference":
        prev = {c: _consecutive_shift(df, c, 1) for c in cols}
        for c in cols:
            df[c] = df[c] - prev[c]
        bad = df[cols].isna().any(axis=1).to_numpy() & ~gone
        reasons.append(("no previous year (first difference)", bad))
        gone |= bad
    lag_cols = []
    for k in range(1, int(lags) + 1):
        name = f"{treatment}_lag{k}"
        df[name] = _consecutive_shift(df, treatment, k)
        lag_cols.append(name)
    if lag_cols:
        bad = df[lag_cols].isna().any(axis=1).to_numpy() & ~gone
        reasons.append((f"no {treatment} value in the {int(lags)} year(s) before (lags)", bad))
        gone |= bad
    dropped = {reason: int(mask.sum()) for reason, mask in reasons if mask.any()}
    df = df[~gone].reset_index(drop=True)
    if effects in ("entity", "twoway"):
        single = (df["geo"].map(df["geo"].value_counts()) < 2).to_numpy()
        if single.any():
            reason = "only one year for the country (absorbed by its effect)"
            dropped[reason] = dropped.get(reason, 0) + int(single.sum())
            df = df[~single].reset_index(drop=True)
    return df, lag_cols, dropped


def _fit(df, outcome, regressors, effects, cov):
    """OLS with the fixed effects as dummies and the chosen errors; the fit, X and y."""
    # here, not at the top, and not statsmodels.api (which loads every model and distribution:
    # 0.4 s more): a 0.4 s import only models need
    from statsmodels.regression.linear_model import OLS
    from statsmodels.tools.tools import add_constant

    X = df[regressors].astype(float)
    fe_terms = []
    if effects in ("entity", "twoway"):
        fe_terms.append(pd.get_dummies(df["geo"], prefix="geo", drop_first=True, dtype=float))
    if effects in ("time", "twoway"):
        fe_terms.append(pd.get_dummies(df["year"], prefix="year", drop_first=True, dtype=float))
    X = add_constant(pd.concat([X, *fe_terms], axis=1), has_constant="add")
    y = df[outcome].astype(float)
    model = OLS(y, X)
    if cov == "cluster":
        groups = pd.factorize(df["geo"])[0]
        return model.fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True), X, y
    if cov == "HC1":
        return model.fit(cov_type="HC1", use_t=True), X, y
    return model.fit(), X, y


FE_TEXT = {"none": "", "entity": " + country FE", "time": " + year FE",
           "twoway": " + country FE + year FE"}  # fmt: skip
WRAP = {"levels": "{}", "logs": "log({})", "first_difference": "Δ{}"}


def _result(
    fit, df, X, y, outcome, treatment, regressors, effects, cov, transform, alpha, dropped
) -> TradeoffResult:
    """The treatment's coefficient, errors and interval, every regressor's row, R², sample."""
    ci = fit.conf_int(alpha)
    keep = ["const", *regressors] if effects == "none" else regressors
    params = pd.DataFrame(
        {
            "coef": fit.params[keep],
            "se": fit.bse[keep],
            "t": fit.tvalues[keep],
            "pvalue": fit.pvalues[keep],
            "ci_low": ci.loc[keep, 0],
            "ci_high": ci.loc[keep, 1],
        }
    )
    r2_within, r2_overall = _r_squared(df, y, X[regressors], fit.params[regressors], effects)
    wrap = WRAP[transform]
    formula = f"{wrap.format(outcome)} ~ " + " + ".join(wrap.format(r) for r in regressors)
    t = params.loc[treatment]
    return TradeoffResult(
        outcome=outcome,
        treatment=treatment,
        coef=float(t.coef),
        se=float(t.se),
        pvalue=float(t.pvalue),
        ci_low=float(t.ci_low),
        ci_high=float(t.ci_high),
        nobs=int(fit.nobs),
        n_entities=int(df["geo"].nunique()),
        n_periods=int(df["year"].nunique()),
        r2_within=r2_within,
        r2_overall=r2_overall,
        formula=formula + FE_TEXT[effects] + f"  [{cov} errors]",
        effects=effects,
        cov=cov,
        transform=transform,
        geos=sorted(df["geo"].unique()),
        years=(int(df["year"].min()), int(df["year"].max())),
        dropped=dropped,
        params=params,
    )


# --- single-country dynamics ----------------------------------------------------------------


@dataclass
class GrangerResult:
    geo: str
    cause: str
    effect: str
    lag: int
    f_stat: float
    pvalue: float
    nobs: int
    years: tuple[int, int]


def _longest_run(s: pd.DataFrame) -> pd.DataFrame:
    """The longest stretch of consecutive years (VARs need an unbroken series)."""
    brk = (s["year"].diff() != 1).cumsum()
    longest = brk.value_counts().idxmax()
    return s[brk == longest]


def granger(
    panel: pd.DataFrame,
    geo: str,
    cause: str,
    effect: str,
    maxlag: int = 3,
    ic: str = "aic",
    difference: bool = True,
) -> GrangerResult:
    """Does ``cause`` Granger-cause ``effect`` in one country?

    A VAR on the longest unbroken run of years (first differences by default, since spending
    shares trend), lag order chosen by ``ic`` (aic, bic, hqic, fpe) up to ``maxlag`` (at least
    1), then the F test that all lags of ``cause`` are zero in the ``effect`` equation, with
    that equation's degrees of freedom (lag, nobs - 2 lag - 1).
    """
    from scipy import stats
    from statsmodels.tsa.api import VAR  # here, not at the top: a 1.1 s import only models need

    s = panel.loc[panel["geo"] == geo, ["year", cause, effect]].dropna().sort_values("year")
    if s.empty:
        raise ValueError(f"{geo}: no years with both {cause} and {effect}")
    s = _longest_run(s)
    data = s[[cause, effect]].astype(float)
    if difference:
        data = data.diff().dropna()
    need = 3 * maxlag + 4
    if len(data) < need:
        raise ValueError(
            f"{geo}: {len(data)} usable years, a {maxlag}-lag test needs at least {need}"
        )
    var = VAR(data.reset_index(drop=True))
    lag = max(1, int(var.select_order(maxlag).selected_orders[ic]))
    res = var.fit(lag)
    test = res.test_causality(effect, [cause], kind="f")
    # the F statistic is the single-equation test's; its p-value takes that equation's
    # denominator degrees of freedom (nobs - 2 * lag - 1, as statsmodels' grangercausalitytests
    # ssr F test), not the VAR system's (twice as many with two equations)
    f_stat = float(test.test_statistic)
    df_denom = int(res.nobs) - 2 * lag - 1
    pvalue = float(stats.f.sf(f_stat, lag, df_denom))
    return GrangerResult(
        geo,
        cause,
        effect,
        lag,
        f_stat,
        pvalue,
        int(res.nobs),
        (int(s["year"].min()), int(s["year"].max())),
    )


def granger_table(panel: pd.DataFrame, geos: Iterable[str], cause: str, effect: str, **kw):
    """``granger`` for each country; countries that cannot be tested get the reason."""
    rows = []
    for geo in geos:
        try:
            r = granger(panel, geo, cause, effect, **kw)
            years = f"{r.years[0]}-{r.years[1]}"
            rows.append(
                {
                    "geo": geo,
                    "lag": r.lag,
                    "F": r.f_stat,
                    "pvalue": r.pvalue,
                    "nobs": r.nobs,
                    "years": years,
                    "note": "",
                }
            )
        except (ValueError, np.linalg.LinAlgError) as exc:
            rows.append({"geo": geo, "note": str(exc)})
    return pd.DataFrame(rows)


def rolling_correlation(
    panel: pd.DataFrame, x: str, y: str, window: int = 10, min_periods: int | None = None
) -> pd.DataFrame:
    """Pearson correlation of ``x`` and ``y`` over a trailing ``window`` of calendar years, per
    country (gaps count as missing years). Columns: geo, year, corr, n."""
    min_periods = min_periods or max(3, int(window * 0.8))
    out = []
    for geo, g in panel[["geo", "year", x, y]].groupby("geo"):
        full = g.set_index("year").reindex(range(g["year"].min(), g["year"].max() + 1))
        corr = full[x].rolling(window, min_periods=min_periods).corr(full[y])
        n = (full[[x, y]].notna().all(axis=1)).rolling(window, min_periods=1).sum()
        out.append(
            pd.DataFrame(
                {"geo": geo, "year": full.index, "corr": corr.to_numpy(), "n": n.to_numpy()}
            )
        )
    res = pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=["geo", "year"])
    return res.dropna(subset=["corr"]).reset_index(drop=True)


def ols_band(x: pd.Series, y: pd.Series, alpha: float = 0.05, points: int = 50) -> pd.DataFrame:
    """Pooled OLS line of y on x with its (1 - alpha) confidence band for the mean.

    Returns columns x, fit, low, high, and ``attrs`` slope, intercept, r2, n.
    """
    from statsmodels.regression.linear_model import OLS  # here: see tradeoff_model
    from statsmodels.tools.tools import add_constant

    d = pd.DataFrame({"x": x, "y": y}).dropna()
    if len(d) < 3 or d["x"].nunique() < 2:
        raise ValueError("an OLS fit needs at least 3 points with different x")
    fit = OLS(d["y"], add_constant(d["x"])).fit()
    grid = np.linspace(d["x"].min(), d["x"].max(), points)
    pred = fit.get_prediction(add_constant(pd.Series(grid, name="x"), has_constant="add"))
    frame = pred.summary_frame(alpha=alpha)
    out = pd.DataFrame(
        {
            "x": grid,
            "fit": frame["mean"].to_numpy(),
            "low": frame["mean_ci_lower"].to_numpy(),
            "high": frame["mean_ci_upper"].to_numpy(),
        }
    )
    out.attrs.update(
        slope=float(fit.params["x"]),
        intercept=float(fit.params["const"]),
        r2=float(fit.rsquared),
        n=int(fit.nobs),
        pvalue=float(fit.pvalues["x"]),
    )
    return out
