"""Population of the Russian subjects 2000-2025 and the budget expenditure index (reg_normalizer),
on the real file, and the per-head series that use it."""

import pytest

from dashboard import russia, store
from dashboard.sources import ru_population

from .conftest import MIRROR, pick

CSV = MIRROR / "russia" / "tochno" / "normalizers_final_v20260518.csv"


@pytest.fixture(scope="module")
def pop():
    return ru_population.parse(CSV)


def test_values_as_in_the_file(pop):
    # Udmurtia 2021: pop_total_avg 1,454,945, pop_total (1 January) 1,460,944, ibr 0.934
    assert pick(pop, geo="RU-UD", year=2021, indicator="population_avg").value == 1454.945
    assert pick(pop, geo="RU-UD", year=2021, indicator="population_jan1").value == 1460.944
    assert pick(pop, geo="RU-UD", year=2021, indicator="budget_expenditure_index").value == 0.934
    # Tyumen without its okrugs, 1 January 2025: 1,626,809; Moscow is written without "г."
    tyu = pick(pop, geo="RU-TYU", year=2025, indicator="population_jan1", territory="excl_ao")
    assert tyu.value == 1626.809
    assert pick(pop, geo="RU-MOW", year=2025, indicator="population_jan1").value == 13274.285
    assert pick(pop, geo="RUS", year=2024, indicator="population_avg").value == 146135.358
    assert pop["year"].max() == 2025 and pop["year"].min() == 2000
    assert not pop["name_ru"].isin(ru_population.HISTORICAL).any()


def test_per_head_population_stays_rosstat_to_2021_and_extends_to_2025(store_env):
    p = russia.population()
    rosstat = store.read("rosstat_regions", indicator="population", territory="total")
    ud = rosstat.set_index(["geo", "year"])["value"]
    for year in (2019, 2021):  # per head for the Treasury years is unchanged
        assert p[("RU-UD", year)] == ud[("RU-UD", year)]
    assert p[("RU-TYU", 2021)] == 1547.8  # Rosstat, without the okrugs
    assert p[("RU-TYU", 2024)] == pytest.approx(1621.132)  # reg_normalizer, annual average
    assert p[("RU-TYU", 2025)] == pytest.approx(1626.809)  # 1 January: no average yet
    assert not p.index.duplicated().any()
