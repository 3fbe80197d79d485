"""Rosstat "Regions of Russia" workbooks from ../shared/mirror: values, units, region codes and
consistency of the subject rows with district and federation totals."""

import pytest

from dashboard.sources import rosstat
from dashboard.sources.base import ParseError
from tests.conftest import MIRROR, pick

BOOKS = sorted((MIRROR / "russia" / "rosstat_regions_2022").glob("*.xlsx"))


@pytest.fixture(scope="module")
def ros():
    return rosstat.parse(BOOKS)


def test_manufacturing_shipments_okved2_kept_apart_from_okved1(ros):
    vla = ros[(ros.geo == "RU-VLA") & (ros.indicator == "manufacturing_shipments")]
    assert pick(vla, year=2017).value == 406484 and pick(vla, year=2021).value == 744868
    assert set(vla.loc[vla.year >= 2017, "industry"]) == {"C"}  # OKVED2 section C
    assert set(vla.loc[vla.year <= 2016, "industry"]) == {"D"}  # OKVED1 section D
    assert set(vla.classification) == {"OKVED2", "OKVED (2005-2016)"}
    ud = ros[(ros.geo == "RU-UD") & (ros.indicator == "manufacturing_shipments")]
    assert pick(ud, year=2021).value == 389363  # label 'Удмуртская Республика ' has a space


def test_federation_rows_in_other_units_are_converted(ros):
    # 19.2: 'Российская Федерация, млрд руб.' 16885.549581079133 -> mln RUB
    rf = pick(ros, geo="RUS", indicator="budget_expenditure", year=2021)
    assert rf.value == pytest.approx(16885549.581079133) and rf.unit == "mln RUB"
    # 19.3: the whole table is thousand RUB
    assert pick(ros, geo="RUS", indicator="social_support_expenditure", year=2019).value == (
        pytest.approx(1181674.251)
    )
    # Udmurtia's 2021 expenditure equals the Treasury's form 0503317 total (121,804.8 mln RUB)
    ud = pick(ros, geo="RU-UD", indicator="budget_expenditure", year=2021)
    assert ud.value == pytest.approx(121804.8, abs=1)
    grp = pick(ros, geo="RUS", indicator="grp", year=2019)
    assert grp.flag == "sum of subjects"


def test_every_subject_maps_to_one_code(ros):
    subjects = ros[ros.geo_level == "ru_subject"]
    per_name = subjects.groupby("name_ru")["geo"].nunique()
    assert (per_name == 1).all()
    codes = set(subjects.geo)
    assert len(codes) == 85  # 83 + Crimea and Sevastopol
    assert {"RU-UD", "RU-TUL", "RU-IVA", "RU-VLA", "UA-43", "UA-40"} <= codes
    assert set(ros.loc[ros.geo_level == "ru_district", "geo"]) == {
        "RU-CFD",
        "RU-NWFD",
        "RU-SFD",
        "RU-NCFD",
        "RU-VFD",
        "RU-UFD",
        "RU-SIBFD",
        "RU-FEFD",
    }


def test_autonomous_okrugs_are_not_double_counted(ros):
    emp = ros[(ros.indicator == "employment_avg") & (ros.year == 2021)]
    ark = pick(emp, geo="RU-ARK", territory="total").value
    ark_excl = pick(emp, geo="RU-ARK", territory="excl_ao").value
    assert ark == pytest.approx(ark_excl + pick(emp, geo="RU-NEN").value)  # 509.1 = 479.1 + 30
    tyu = pick(emp, geo="RU-TYU", territory="total").value
    parts = sum(pick(emp, geo=g).value for g in ("RU-KHM", "RU-YAN"))
    assert tyu == pytest.approx(pick(emp, geo="RU-TYU", territory="excl_ao").value + parts)


@pytest.mark.parametrize("year", [2015, 2019, 2021])
def test_subjects_add_up_to_districts_and_federation(ros, year):
    emp = ros[(ros.indicator == "employment_avg") & (ros.year == year)]
    subj = emp[
        (emp.geo_level == "ru_subject")
        & (emp.territory == "total")
        & ~emp.geo.isin(rosstat.INSIDE_OTHER_SUBJECT)
    ]
    rf = pick(emp, geo="RUS").value
    assert subj["value"].sum() == pytest.approx(rf, abs=0.5 + 0.05 * len(subj))
    parents = rosstat_parents()
    by_fd = subj.assign(fd=subj.geo.map(parents)).groupby("fd")["value"].sum()
    fds = emp[emp.geo_level == "ru_district"].set_index("geo")["value"]
    for fd, total in fds.items():
        assert by_fd[fd] == pytest.approx(total, abs=0.5), fd


def rosstat_parents() -> dict[str, str]:
    import csv

    from dashboard.config import datasets_dir

    with open(datasets_dir() / "ru_regions.csv", encoding="utf-8") as fh:
        return {r["code"]: r["parent"] for r in csv.DictReader(fh)}


def test_unmatched_names_fail_loudly(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2.3."
    for row in (
        ["t"],
        ["(тысяч человек)"],
        [None, 2020, 2021],
        ["Российская Федерация", 1, 2],
        ["Гиперборейская область", 3, 4],
    ):
        ws.append(row)
    spec = rosstat.TableSpec("02_", "2.3", "employment_avg")
    with pytest.raises(ParseError, match="Гиперборейская область"):
        rosstat.parse_sheet(ws, spec, "02_test.xlsx")


def test_name_normalisation():
    assert rosstat.match("Калинингpадская область") == ("RU-KGD", "ru_subject", "total")  # Latin p
    assert rosstat.match("Сибирский федеральный округ2)")[0] == "RU-SIBFD"
    assert rosstat.match("Центральный         федеральный округ")[0] == "RU-CFD"
    assert rosstat.match("Тюменская область без автономных округов") == (
        "RU-TYU",
        "ru_subject",
        "excl_ao",
    )
    assert rosstat.match("Ханты-Ман\xadсийский автономный округ – Югра")[0] == "RU-KHM"
    assert rosstat.match("в том числе:") is None


# Acceptance grid: five indicators for the four arms-producing regions in 2018 and 2021, read
# from the workbooks cell by cell with openpyxl (19.3 converted from thousand to mln RUB).
GRID = [
    ("RU-UD", "employment_avg", 2018, 700.5), ("RU-UD", "employment_avg", 2021, 693.7),
    ("RU-TUL", "employment_avg", 2018, 715.1), ("RU-TUL", "employment_avg", 2021, 713),
    ("RU-IVA", "employment_avg", 2018, 444.9), ("RU-IVA", "employment_avg", 2021, 443.5),
    ("RU-VLA", "employment_avg", 2018, 628.2), ("RU-VLA", "employment_avg", 2021, 616.1),
    ("RU-UD", "wage_avg_monthly", 2018, 31808), ("RU-UD", "wage_avg_monthly", 2021, 39791),
    ("RU-TUL", "wage_avg_monthly", 2018, 34662), ("RU-TUL", "wage_avg_monthly", 2021, 44726),
    ("RU-IVA", "wage_avg_monthly", 2018, 25729), ("RU-IVA", "wage_avg_monthly", 2021, 32403),
    ("RU-VLA", "wage_avg_monthly", 2018, 30460), ("RU-VLA", "wage_avg_monthly", 2021, 39550),
    ("RU-UD", "budget_expenditure", 2018, 83726.4),
    ("RU-UD", "budget_expenditure", 2021, 121804.32244544),
    ("RU-TUL", "budget_expenditure", 2018, 89149.7),
    ("RU-TUL", "budget_expenditure", 2021, 126680.18714247001),
    ("RU-IVA", "budget_expenditure", 2018, 43861.4),
    ("RU-IVA", "budget_expenditure", 2021, 65848.11624969),
    ("RU-VLA", "budget_expenditure", 2018, 70882.8),
    ("RU-VLA", "budget_expenditure", 2021, 98402.47402858999),
    ("RU-UD", "social_support_expenditure", 2018, 7578.869),
    ("RU-UD", "social_support_expenditure", 2021, 9782.461),
    ("RU-TUL", "social_support_expenditure", 2018, 7087.486),
    ("RU-TUL", "social_support_expenditure", 2021, 10969.474),
    ("RU-IVA", "social_support_expenditure", 2018, 3730.91),
    ("RU-IVA", "social_support_expenditure", 2021, 3919.816),
    ("RU-VLA", "social_support_expenditure", 2018, 7400.955),
    ("RU-VLA", "social_support_expenditure", 2021, 8853.952),
    ("RU-UD", "manufacturing_shipments", 2018, 377641),
    ("RU-UD", "manufacturing_shipments", 2021, 389363),
    ("RU-TUL", "manufacturing_shipments", 2018, 703297),
    ("RU-TUL", "manufacturing_shipments", 2021, 1098492),
    ("RU-IVA", "manufacturing_shipments", 2018, 152792),
    ("RU-IVA", "manufacturing_shipments", 2021, 225177),
    ("RU-VLA", "manufacturing_shipments", 2018, 448428),
    ("RU-VLA", "manufacturing_shipments", 2021, 744868),
]  # fmt: skip


@pytest.mark.parametrize("geo, indicator, year, value", GRID)
def test_acceptance_grid(ros, geo, indicator, year, value):
    r = pick(ros, geo=geo, indicator=indicator, year=year, territory="total")
    assert r.value == pytest.approx(value, rel=1e-9)
