"""Social support by category of citizens, 2021 (Rosstat's socpod_2021.xlsx), on the real file."""

import pytest

from dashboard.sources import ru_social_support

from .conftest import MIRROR

XLSX = MIRROR / "russia" / "rosstat_gosfin" / "socpod_2021.xlsx"


@pytest.fixture(scope="module")
def support():
    return ru_social_support.parse(XLSX)


def test_values_as_in_the_file_in_mln_rub(support):
    rf = support[(support["geo"] == "RUS") & (support["line"] == 1)].set_index("form")["value"]
    # RF «Всего»: 1,468,709,237 and cash payments 737,711,591 thousand RUB
    assert rf["total"] == pytest.approx(1468709.237) and rf["cash_payment"] == pytest.approx(
        737711.591)  # fmt: skip
    ud = support[
        (support["geo"] == "RU-UD") & (support["line"] == 1) & (support["form"] == "total")
    ]
    assert ud["value"].item() == pytest.approx(9782.461)  # Udmurtia «Всего» 9,782,461
    veterans = support[(support["geo"] == "RUS") & (support["form"] == "total")
                       & (support["category"] == "ветераны боевых действий")]  # fmt: skip
    assert veterans["value"].iloc[0] == pytest.approx(1583.322)  # 1,583,322 thousand RUB
    assert set(support["unit"]) == {"mln RUB"} and set(support["year"]) == {2021}


def test_every_sheet_is_a_region_and_okrugs_are_not_counted_twice(support):
    assert support["geo"].nunique() == 94  # the Federation, 8 districts, 85 subjects
    tyu = support[(support["geo"] == "RU-TYU") & (support["line"] == 1)
                  & (support["form"] == "total")]  # fmt: skip
    assert set(tyu["territory"]) == {"total", "excl_ao"}  # the whole oblast and without okrugs
