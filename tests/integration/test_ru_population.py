"""Population of the Russian subjects 2000-2025 and the budget expenditure index (reg_normalizer),
on the real file, and the per-head series that use it."""

import pytest

from dashboard import russia, store
from dashboard.sources import ru_population
from tests.conftest import MIRROR, pick

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


def test_per_head_population_is_one_series_without_a_census_jump(store_env):
    """One series for every year (before: Rosstat's table 1.2 to 2021, estimated before the
    2021 census, joined to the revised series at 2021/2022: Tyumen without its okrugs
    1,547.8 -> 1,605.6 thousand, +3.7%; Moscow +3.3%; Udmurtia -2.9%)."""
    p = russia.population()
    assert not p.index.duplicated().any() and (p > 0).all()
    # reg_normalizer's annual averages: Udmurtia 2021 1,454,945; Tyumen without the okrugs
    assert p[("RU-UD", 2021)] == 1454.945
    assert p[("RU-TYU", 2021)] == pytest.approx(1596.039)
    assert p[("RU-TYU", 2024)] == pytest.approx(1621.132)
    assert p[("RU-TYU", 2025)] == pytest.approx(1626.809)  # 1 January: no average yet
    for geo, bound in (("RU-TYU", 0.7), ("RU-MOW", 0.5), ("RU-UD", 0.7)):
        change = (p[(geo, 2022)] / p[(geo, 2021)] - 1) * 100
        assert abs(change) < bound, (geo, change)
    # before 2012 the okrugs' own rows give Tyumen and Arkhangelsk without them: total minus
    # okrugs, which equals the published figure to 0.001 thousand where both exist
    pop = store.read("ru_population", indicator="population_avg")
    total = pop[pop["territory"] == "total"].set_index(["geo", "year"])["value"]
    tyu_2011 = total[("RU-TYU", 2011)] - total[("RU-KHM", 2011)] - total[("RU-YAN", 2011)]
    assert p[("RU-TYU", 2011)] == pytest.approx(tyu_2011, abs=1e-3)
    assert p[("RU-ARK", 2000)] == pytest.approx(
        total[("RU-ARK", 2000)] - total[("RU-NEN", 2000)], abs=1e-3
    )
    assert p[("RU-TYU", 2012)] == pytest.approx(1380.02, abs=1e-3)  # published: 1,380.020
    assert ("UA-43", 2013) not in p.index  # Crimea: 0 in the file before 2014
    # no join of two estimates to mark; 2025's 1 January figures are another measure
    assert p.attrs["breaks"] == [2025] and "revised after the 2021 census" in p.attrs["notes"][0]
