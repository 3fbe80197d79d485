"""Spending shares by budget section, 2017-2023 (devproglab's spendingShares.RDS), on the real
file, and how well they agree with our own parse of the Treasury's reports."""

import numpy as np
import pytest

from dashboard import store
from dashboard.sources import ru_budget_shares
from tests.conftest import MIRROR, pick

RDS = MIRROR / "russia" / "devproglab_multipliers" / "spendingShares.RDS"


@pytest.fixture(scope="module")
def shares():
    return ru_budget_shares.parse(RDS)


def test_values_as_in_the_file(shares):
    # Udmurtia 2021, social policy: consShare 0.223185, subjectShare 0.248971 (and the Treasury's
    # 27,185.0 of 121,804.8 mln RUB = 22.3%)
    cons = pick(
        shares, geo="RU-UD", year=2021, function="10", indicator="budget_share_consolidated"
    )
    assert cons.value == pytest.approx(22.3185, abs=1e-4) and cons.unit == "%"
    assert cons.function_name == "СОЦИАЛЬНАЯ ПОЛИТИКА"
    own = pick(shares, geo="RU-UD", year=2021, function="10", indicator="budget_share_subject")
    assert own.value == pytest.approx(24.8971, abs=1e-4)
    assert sorted(shares["year"].unique()) == list(range(2017, 2024))
    assert shares["geo"].nunique() == 85
    assert sorted(shares["function"].unique()) == [
        "01",
        "02",
        "03",
        "04",
        "05",
        "07",
        "08",
        "09",
        "10",
        "11",
    ]


def test_a_subject_s_ten_sections_add_to_about_98_percent(shares):
    cons = shares[shares["indicator"] == "budget_share_consolidated"]
    total = cons.groupby(["geo", "year"])["value"].sum()
    assert 90 < total.median() < 100


def test_regional_national_defense_rose_in_wartime(shares):
    d = shares[(shares["indicator"] == "budget_share_consolidated") & (shares["function"] == "02")]
    by_year = d.groupby("year")["value"]
    assert by_year.median()[2021] == pytest.approx(0.0324, abs=1e-3)  # a median 0.03%
    assert by_year.median()[2022] == pytest.approx(0.0708, abs=1e-3)  # 0.07% in 2022-2023
    assert by_year.median()[2023] == pytest.approx(0.0712, abs=1e-3)
    assert by_year.max()[2023] > 10


def test_the_data_page_s_agreement_figures(store_env):
    from dashboard import russia

    a = russia.shares_agreement()
    assert a["cells"] == 1698 and a["years"] == [2019, 2021]
    assert a["within_0_1"] == 1.0 and a["within_0_05"] > 0.998
    assert a["max_gap"] == pytest.approx(0.0723, abs=1e-3)


def test_agrees_with_our_treasury_parse_for_2019_and_2021(store_env, shares):
    b = store.read("roskazna_budget")
    total = b[b["function"] == "total"].set_index(["geo", "year"])["value"]
    f = b[b["function"] != "total"]
    ours = f.assign(
        share=f["value"].to_numpy()
        / total.reindex(list(zip(f["geo"], f["year"], strict=True))).to_numpy()
        * 100
    )
    cons = shares[shares["indicator"] == "budget_share_consolidated"]
    both = ours.merge(cons, on=["geo", "year", "function"], suffixes=("_ours", ""))
    diff = (both["share"] - both["value"]).abs()
    assert len(both) == 1698 and set(both["year"]) == {2019, 2021}
    assert (diff <= 0.1).all()  # agree to rounding: the largest gap is 0.07 pp (Ulyanovsk 2019)
    assert (diff <= 0.05).mean() > 0.998 and np.median(diff) < 1e-6
