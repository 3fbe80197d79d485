"""Secondary compilations for the Russia page, on the real mirror files: GRP structure,
employment structure, single-industry towns."""

import pytest

from dashboard.sources import monotowns, ru_structure
from dashboard.sources.base import ParseError
from tests.conftest import MIRROR

DEVPROG = MIRROR / "russia" / "devproglab_multipliers"


@pytest.fixture(scope="module")
def grp():
    return ru_structure.parse_grp(DEVPROG / "VRP_OKVED2_s2016.xlsx")


@pytest.fixture(scope="module")
def employment():
    return ru_structure.parse_employment(DEVPROG / "explanatory.xlsx")


def cell(df, **kw):
    for k, v in kw.items():
        df = df[df[k] == v]
    assert len(df) == 1, kw
    return df["value"].iloc[0]


def test_grp_structure_values_from_the_sheets(grp):
    # sheet 2021, Удмуртская Республика: B mining 30.3, C manufacturing 16.5
    assert cell(grp, geo="RU-UD", year=2021, industry="B", territory="total") == 30.3
    assert cell(grp, geo="RU-UD", year=2021, industry="C", territory="total") == 16.5
    # sheet 2012 is OKVED: C is mining (25.6), D manufacturing (17.5)
    d = grp[(grp["geo"] == "RU-UD") & (grp["year"] == 2012) & (grp["industry"] == "D")]
    assert d["value"].iloc[0] == 17.5 and d["classification"].iloc[0] == "OKVED"
    assert cell(grp, geo="RUS", year=2016, industry="C", territory="total") == 15.9
    assert grp["year"].max() == 2022  # the 2023 and 2024 sheets are copies of 2022
    sums = grp[grp["territory"] == "total"].groupby(["geo", "year"])["value"].sum()
    assert sums.between(99.5, 100.5).all()
    assert {"RU-TYU"} <= set(grp.loc[grp["territory"] == "excl_ao", "geo"])


def test_employment_structure_and_derived_levels(employment):
    share = employment[employment["indicator"] == "employment_share"]
    assert cell(share, geo="RUS", industry="C", territory="total") == 14.2
    assert cell(share, geo="RU-VLA", industry="C", territory="total") == 24.0
    assert cell(share, geo="RU-IVA", industry="C", territory="total") == 21.9
    # EMISS 58994, Владимирская область 2023: 638,970 persons
    emp = employment[employment["indicator"] == "employment"]
    assert cell(emp, geo="RU-VLA", industry="C", territory="total") == pytest.approx(0.24 * 638970)
    assert set(share["flag"]) == {"inferred year"} and set(emp["flag"]) == {"derived"}
    assert share[share["territory"] == "total"]["geo"].nunique() == 86  # RF and 85 subjects


def test_monotowns():
    m = monotowns.parse(MIRROR / "russia" / "monotowns" / "monotowns_1398r_full.csv")
    assert len(m) == 312
    assert m["category"].value_counts().to_dict() == {2: 148, 3: 89, 1: 75}
    ud = m[m["geo"] == "RU-UD"].set_index("town")["category"].to_dict()
    assert ud == {"Воткинск": 2, "Сарапул": 2, "Глазов": 3}
    assert not m["town"].isin(["Ижевск", "Тула", "Ковров"]).any()


def test_unknown_region_fails(tmp_path):
    bad = tmp_path / "monotowns_x.csv"
    bad.write_text("category,mo_name_1398,admin_center,region\n1.0,Город N,г. N,Атлантида\n")
    with pytest.raises(ParseError, match="not in ru_regions.csv"):
        monotowns.parse(bad)
    bad.write_text("category,mo_name_1398,admin_center,region\n7,Город N,г. N,Тульская область\n")
    with pytest.raises(ParseError, match="category must be 1, 2 or 3"):
        monotowns.parse(bad)
