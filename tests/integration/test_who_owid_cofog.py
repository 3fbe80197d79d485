"""WHO GHED, OWID grapher and Eurostat COFOG parsers, on the real files in ../shared/mirror."""

import math

import pytest

from dashboard.sources import eurostat_cofog, owid, who
from dashboard.sources.base import ParseError
from tests.conftest import MIRROR, pick

GHED = MIRROR / "who" / "gho_health_financing_2025-05-20" / "data"
EDU = MIRROR / "owid/total-government-expenditure-on-education-gdp"
COFOG = MIRROR / "cofog" / "gov_10a_exp__custom_4083116_linear.csv"


def test_who_uses_full_precision_numeric_value():
    df = who.parse(GHED / "GHED_GGHE-DGDP_SHA2011.csv")
    r = pick(df, geo="RUS", year=2022)
    assert r.value == pytest.approx(4.88805)  # Value column shows the rounded 4.89
    assert r.unit == "% of GDP" and r.geo_level == "country" and r.who_region == "EUR"
    gge = who.parse(GHED / "GHED_GGHE-DGGE_SHA2011.csv")
    assert pick(gge, geo="USA", year=2021).value == pytest.approx(21.36965)
    che = who.parse(GHED / "GHED_CHEGDP_SHA2011.csv")
    glob = pick(che, geo="GLOBAL", year=2020)
    assert glob.value == pytest.approx(7.15795) and glob.geo_level == "aggregate"
    assert set(df.loc[df.geo.isin(["AFR", "WB_HI"]), "geo_level"]) == {"aggregate"}
    assert df.loc[df.geo_level == "country", "geo"].nunique() == 194  # WHO member states


def test_who_refuses_a_file_without_gho_columns(tmp_path):
    bad = tmp_path / "GHED_X.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(ParseError, match="GHO columns missing"):
        who.parse(bad)


def test_owid_education_and_expense():
    edu = owid.parse(EDU / "total-government-expenditure-on-education-gdp.csv")
    r = pick(edu, geo="RUS", year=2022)
    assert r.value == pytest.approx(4.0540276)
    assert r.unit == "% of GDP"  # from the metadata.json
    assert r.indicator == "total-government-expenditure-on-education-gdp"
    assert (edu.geo_level == "country").all()  # no aggregates in this file
    exp = owid.parse(MIRROR / "owid" / "total-gov-expenditure-gdp-wdi.csv")  # CRLF file
    assert pick(exp, geo="RUS", year=2015).value == pytest.approx(30.6476505158828)
    world = pick(exp, geo="OWID_WRL", year=2015)
    assert world.geo_level == "aggregate" and world.value == pytest.approx(28.5694106050709)
    hic = pick(exp, entity="High income", year=2015)
    assert hic.geo == "OWID_HIGH_INCOME" and hic.geo_level == "aggregate"
    assert exp.loc[exp.geo_level == "aggregate", "entity"].nunique() == 27  # 26 WB + World


def test_owid_refuses_other_layouts(tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_text("Country,Year,Value\nRussia,2020,1\n")
    with pytest.raises(ParseError, match="expected columns Entity, Code, Year"):
        owid.parse(bad)


def test_cofog_values_units_flags_and_geo():
    df = eurostat_cofog.parse(COFOG)
    assert len(df) == 46_080  # every data row of the file
    gr = pick(df, geo="GRC", function="GF0201", year=2019, unit="mln EUR")
    assert gr.value == 3630.0 and gr.geo_eurostat == "EL" and gr.geo_level == "country"
    de = pick(df, geo="DEU", function="GF07", year=2020, unit="% of GDP")
    assert de.value == 8.5 and de.flag == "provisional"
    assert pick(df, geo="FRA", function="GF10", year=2020, unit="mln EUR").value == 627916.0
    eu = pick(df, geo="EU27_2020", function="GF0201", year=2020, unit="mln EUR")
    assert eu.value == 160508.2 and eu.geo_level == "aggregate"
    z = pick(df, geo="BGR", function="GF0105", year=2012, unit="mln EUR")
    assert math.isnan(z.value) and z.flag == "not applicable"
    assert (df.flag == "not applicable").sum() == 358
    assert df.indicator.unique().tolist() == ["gov_expenditure"]


def test_cofog_refuses_unknown_units(tmp_path):
    text = COFOG.read_text().replace("MIO_EUR", "MIO_XXX", 1)
    bad = tmp_path / "gov_10a_exp.csv"
    bad.write_text(text)
    with pytest.raises(ParseError, match="unknown unit"):
        eurostat_cofog.parse(bad)
