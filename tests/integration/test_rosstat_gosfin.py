"""Rosstat's government-finance tables: the 2023 consolidated budget (with its footnote that the
functional split is not published) and the social funds, on the real files."""

import pytest

from dashboard.sources import rosstat_gosfin
from tests.conftest import MIRROR, pick

DIR = MIRROR / "russia" / "rosstat_gosfin"


@pytest.fixture(scope="module")
def gosfin():
    return rosstat_gosfin.parse(sorted(DIR.glob("gos_fin_*")))


def value(df, **kw) -> float:
    return float(pick(df, **kw)["value"])


def test_the_2023_consolidated_budget(gosfin):
    # bn RUB, as printed: spending 62,983.6 / 32,353.8 / 22,525.1; deficit -3,910.2
    assert value(
        gosfin, indicator="expenditure_total", government="consolidated", year=2023
    ) == pytest.approx(62983.647230318)
    assert value(
        gosfin, indicator="revenue_total", government="subjects", year=2023
    ) == pytest.approx(22325.0384116995)
    assert value(gosfin, indicator="balance", government="federal", year=2023) == pytest.approx(
        -3229.79726779476
    )
    note = rosstat_gosfin.not_published_note(gosfin)
    assert "Информация по направлениям расходов не подлежит публикации" in note
    assert any("не подлежит публикации" in n for n in gosfin.attrs["notes"])


def test_the_social_funds(gosfin):
    # mln RUB: Social Fund 2023 receipts 13,264,889 and spending 13,858,334; FFOMS receipts
    # 2021-2023 2,631,385 / 2,919,414 / 3,290,686; Pension Fund receipts 2022 (printed "20221)")
    assert value(gosfin, indicator="fund_receipts", government="social_fund", year=2023) == 13264889
    assert value(gosfin, indicator="fund_spending", government="social_fund", year=2023) == 13858334
    ffoms = [
        value(gosfin, indicator="fund_receipts", government="health_insurance_fund", year=y)
        for y in (2021, 2022, 2023)
    ]
    assert ffoms == [2631385, 2919414, 3290686]
    assert (
        value(gosfin, indicator="fund_receipts", government="pension_fund", year=2022) == 12477818
    )
    assert gosfin.loc[gosfin["indicator"].str.startswith("fund"), "year"].min() == 2005
