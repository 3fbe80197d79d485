"""Social support by category of citizens, 2021 (Rosstat's socpod_2021.xlsx), on the real file:
each sheet's three tables (all forms, in kind, cash) read with their own columns."""

import pytest

from dashboard.sources import ru_social_support
from tests.conftest import MIRROR

XLSX = MIRROR / "russia" / "rosstat_gosfin" / "socpod_2021.xlsx"


@pytest.fixture(scope="module")
def support():
    return ru_social_support.parse(XLSX)


def _cell(support, geo, indicator, category, form):
    found = support[
        (support["geo"] == geo)
        & (support["indicator"] == indicator)
        & (support["category"] == category)
        & (support["form"] == form)
    ]
    assert len(found) == 1, (geo, indicator, category, form, found)
    return found["value"].item()


def test_table_1_every_form_in_mln_rub(support):
    ind = "social_support_by_category"
    # RF «Всего»: 1,468,709,237 and cash payments 737,711,591 thousand RUB
    assert _cell(support, "RUS", ind, "Всего", "total") == pytest.approx(1468709.237)
    assert _cell(support, "RUS", ind, "Всего", "cash_payment") == pytest.approx(737711.591)
    assert _cell(support, "RU-UD", ind, "Всего", "total") == pytest.approx(9782.461)
    veterans = _cell(support, "RUS", ind, "ветераны боевых действий", "total")
    assert veterans == pytest.approx(1583.322)  # 1,583,322 thousand RUB
    assert set(support["unit"]) == {"mln RUB"} and set(support["year"]) == {2021}


def test_table_2_in_kind_has_its_own_columns(support):
    ind = "social_support_in_kind"
    # RF Таблица 2 «Всего»: 458,116,720; housing and utilities 24,791,866 (it was stored one
    # column to the left, as a cash payment); other measures 18,356,474
    assert _cell(support, "RUS", ind, "Всего", "total") == pytest.approx(458116.720)
    assert _cell(support, "RUS", ind, "Всего", "housing_utilities") == pytest.approx(24791.866)
    assert _cell(support, "RUS", ind, "Всего", "other") == pytest.approx(18356.474)
    assert _cell(support, "RUS", ind, "ветераны боевых действий", "total") == pytest.approx(621.542)
    kind = support[support["indicator"] == ind]
    assert "cash_payment" not in set(kind["form"])  # in kind: no cash column


def test_table_3_cash(support):
    ind = "social_support_cash"
    assert _cell(support, "RUS", ind, "Всего", "total") == pytest.approx(1010592.517)
    assert _cell(support, "RUS", ind, "Всего", "cash_payment") == pytest.approx(737711.591)
    assert _cell(support, "RUS", ind, "Всего", "other") == pytest.approx(15956.684)


def test_no_column_number_rows_and_every_sheet_a_region(support):
    assert not support["category"].isin(["1", "1.0"]).any()  # the tables' column numbers
    assert set(support["indicator"]) == set(ru_social_support.TABLES.values())
    assert support["geo"].nunique() == 94  # the Federation, 8 districts, 85 subjects
    tyu = support[
        (support["geo"] == "RU-TYU")
        & (support["category"] == "Всего")
        & (support["form"] == "total")
        & (support["indicator"] == "social_support_by_category")
    ]
    assert set(tyu["territory"]) == {"total", "excl_ao"}  # the whole oblast and without okrugs
