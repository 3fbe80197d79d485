"""Regional measures: hand-computed cases and properties (hypothesis)."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard import metrics


def two_by_two(**extra):
    # R1: A 30, B 70; R2: A 10, B 90 -> benchmark A 0.2, B 0.8
    return pd.DataFrame(
        {
            "region": ["R1", "R1", "R2", "R2"],
            "industry": ["A", "B", "A", "B"],
            "value": [30.0, 70.0, 10.0, 90.0],
            **extra,
        }
    )


def one(df, **kw):
    for k, v in kw.items():
        df = df[df[k] == v]
    assert len(df) == 1
    return df.iloc[0]


def test_location_quotients_by_hand():
    lq = metrics.location_quotients(two_by_two())
    assert one(lq, region="R1", industry="A").lq == pytest.approx(1.5)  # 0.3 / 0.2
    assert one(lq, region="R1", industry="B").lq == pytest.approx(0.875)  # 0.7 / 0.8
    assert one(lq, region="R2", industry="A").share == pytest.approx(0.1)
    ref = pd.DataFrame({"industry": ["A", "B"], "value": [1.0, 1.0]})  # benchmark 0.5 / 0.5
    assert one(
        metrics.location_quotients(two_by_two(), ref), region="R1", industry="A"
    ).lq == pytest.approx(0.6)


def test_specialization_by_hand():
    sp = metrics.specialization(two_by_two())
    r1 = one(sp, region="R1")
    assert r1.hhi == pytest.approx(0.58) and r1.krugman == pytest.approx(0.2)
    assert r1.hoover == pytest.approx(0.1) and r1.n_industries == 2
    assert r1.entropy == pytest.approx(-(0.3 * math.log(0.3) + 0.7 * math.log(0.7)))


def test_localization_by_hand():
    loc = metrics.localization(two_by_two())
    a = one(loc, industry="A")
    assert a.hoover_index == pytest.approx(0.25) and a.locational_gini == pytest.approx(0.25)


def test_shift_share_by_hand():
    reg = pd.DataFrame(
        {
            "region": ["R1", "R1"],
            "industry": ["A", "B"],
            "base": [30.0, 70.0],
            "final": [40.0, 60.0],
        }
    )
    nat = pd.DataFrame({"industry": ["A", "B"], "base": [100.0, 100.0], "final": [120.0, 90.0]})
    ss = metrics.shift_share(reg, nat)
    a = one(ss.by_industry, industry="A")
    assert a.national_share == pytest.approx(1.5)  # 30 * 0.05
    assert a.industry_mix == pytest.approx(4.5)  # 30 * (0.2 - 0.05)
    assert a.regional_shift == pytest.approx(4.0)  # 30 * (1/3 - 0.2)
    assert a.allocation == pytest.approx(-20 * (1 / 3 - 0.2))  # (30 - 50)(g_ri - g_i)
    assert a.competitive == pytest.approx(50 * (1 / 3 - 0.2))  # homothetic 100 * 0.5
    r = ss.by_region.iloc[0]
    assert r.total_change == pytest.approx(0.0)


def test_groups_are_carried_through():
    df = pd.concat(
        [two_by_two(year=2020), two_by_two(year=2021).assign(value=lambda d: d.value * 2)]
    )
    lq = metrics.location_quotients(df)
    assert set(lq.year) == {2020, 2021}
    assert one(lq, region="R1", industry="A", year=2021).lq == pytest.approx(1.5)


def test_edge_cases_are_defined():
    df = two_by_two()
    df.loc[len(df)] = ["R3", "A", 0.0]  # a region with a zero total
    df.loc[len(df)] = ["R1", "C", np.nan]  # a suppressed cell
    lq = metrics.location_quotients(df)
    assert lq.attrs["excluded_cells"] == 1
    assert math.isnan(one(lq, region="R3", industry="A").share)
    assert math.isnan(one(metrics.specialization(df), region="R3").hhi)
    ref = pd.DataFrame({"industry": ["A"], "value": [5.0]})  # B absent from the benchmark
    assert math.isnan(
        one(metrics.location_quotients(two_by_two(), ref), region="R1", industry="B").lq
    )
    with pytest.raises(ValueError, match="negative"):
        metrics.location_quotients(two_by_two().assign(value=[-1.0, 1, 1, 1]))
    with pytest.raises(ValueError, match="share a"):
        metrics.location_quotients(pd.concat([two_by_two(), two_by_two()]))
    with pytest.raises(ValueError, match="missing column"):
        metrics.location_quotients(pd.DataFrame({"region": ["x"], "value": [1.0]}))
    with pytest.raises(ValueError, match="national base is 0"):
        metrics.shift_share(
            pd.DataFrame({"region": ["R"], "industry": ["A"], "base": [1.0], "final": [2.0]}),
            pd.DataFrame({"industry": ["A"], "base": [0.0], "final": [1.0]}),
        )


# --- properties ---------------------------------------------------------------------------

cells = st.lists(st.floats(min_value=0.5, max_value=1e6, allow_nan=False), min_size=12, max_size=12)


def frame(values) -> pd.DataFrame:
    regions, industries = ["R1", "R2", "R3", "R4"], ["A", "B", "C"]
    idx = pd.MultiIndex.from_product([regions, industries], names=["region", "industry"])
    return pd.DataFrame({"value": values}, index=idx).reset_index()


@settings(max_examples=60, deadline=None)
@given(cells)
def test_properties_of_shares_and_lq(values):
    df = frame(values)
    lq = metrics.location_quotients(df).merge(df, on=["region", "industry"])
    assert lq.groupby("region")["share"].sum().to_numpy() == pytest.approx(1.0)
    # employment-weighted mean LQ of each industry is 1
    totals = df.groupby("region")["value"].sum() / df["value"].sum()
    weighted = (lq["lq"] * lq["region"].map(totals)).groupby(lq["industry"]).sum()
    assert weighted.to_numpy() == pytest.approx(1.0)
    sp = metrics.specialization(df)
    assert ((sp.krugman >= -1e-12) & (sp.krugman <= 2 + 1e-12)).all()
    assert ((sp.hhi > 0) & (sp.hhi <= 1 + 1e-12)).all()
    # invariance to scaling all values
    scaled = metrics.location_quotients(df.assign(value=df.value * 7.5))
    assert scaled["lq"].to_numpy() == pytest.approx(lq["lq"].to_numpy())


@settings(max_examples=60, deadline=None)
@given(cells, cells)
def test_shift_share_components_add_up(base, final):
    reg = frame(base).rename(columns={"value": "base"}).assign(final=frame(final)["value"])
    nat = reg.groupby("industry")[["base", "final"]].sum().reset_index()
    ss = metrics.shift_share(reg, nat).by_industry
    parts = ss.national_share + ss.industry_mix + ss.regional_shift
    assert parts.to_numpy() == pytest.approx(ss.total_change.to_numpy(), rel=1e-9, abs=1e-6)
    em = ss.competitive + ss.allocation
    assert em.to_numpy() == pytest.approx(ss.regional_shift.to_numpy(), rel=1e-9, abs=1e-6)
    # the regional shifts of all regions add up to zero when they make up the nation
    assert ss.regional_shift.sum() == pytest.approx(0.0, abs=1e-6 * reg.base.sum())


def test_non_numeric_values_are_named():
    with pytest.raises(ValueError, match="non-numeric value"):
        metrics.location_quotients(two_by_two().assign(value=["30", "x", "10", "90"]))


def _gini_by_definition(values: dict[str, float], totals: dict[str, float]) -> float:
    """Lorenz curve over every region (zeros included), sorted by LQ, trapezoids summed."""
    E, V = sum(totals.values()), sum(values.values())
    pts = sorted(
        ((values.get(r, 0) / V) / (t / E), t / E, values.get(r, 0) / V) for r, t in totals.items()
    )
    X = Y = area = 0.0
    for _, x, y in pts:
        area += x * (2 * Y + y)
        X, Y = X + x, Y + y
    return 1 - area


def test_localization_matches_the_definition_on_random_tables():
    rng = np.random.default_rng(7)
    for _ in range(25):
        rows = [
            (f"r{r}", f"i{i}", float(rng.integers(0, 40)))
            for r in range(rng.integers(2, 9))
            for i in range(rng.integers(1, 6))
            if rng.random() > 0.35
        ]
        df = pd.DataFrame(rows, columns=["region", "industry", "value"])
        totals = df.groupby("region")["value"].sum().to_dict()
        if not sum(totals.values()) or min(totals.values()) == 0:
            continue
        out = metrics.localization(df).set_index("industry")
        for ind, g in df.groupby("industry"):
            vals = dict(zip(g["region"], g["value"], strict=True))
            if sum(vals.values()) == 0:
                assert np.isnan(out.loc[ind, "locational_gini"])
                continue
            assert out.loc[ind, "locational_gini"] == pytest.approx(
                _gini_by_definition(vals, totals), abs=1e-12
            )
            E, V = sum(totals.values()), sum(vals.values())
            hoover = 0.5 * sum(abs(vals.get(r, 0) / V - t / E) for r, t in totals.items())
            assert out.loc[ind, "hoover_index"] == pytest.approx(hoover, abs=1e-12)
