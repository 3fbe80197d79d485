"""Eurostat regional tables on the real bulk files in ../shared/mirror."""

import gzip
import math

import pandas as pd
import pytest

from dashboard.sources import eurostat
from dashboard.sources.base import ParseError
from tests.conftest import MIRROR, pick

EST = MIRROR / "eurostat"
NACE, SEX_AGE, GDP, INCOME = eurostat.TABLES


@pytest.fixture(scope="module")
def nace():
    return NACE.parse(EST / "lfst_r_lfe2en2.tsv.gz")


def test_nuts2_industry_employment(nace):
    # 'THS,B-E,Y15-64,DE11  629.6 ...' (Stuttgart, industry excluding construction, 2015)
    r = pick(nace, geo="DE11", industry="B-E", age="Y15-64", year=2015)
    assert r.value == pytest.approx(629.6) and r.unit == "thousand persons"
    assert r.geo_level == "nuts2" and r.indicator == "employment" and pd.isna(r.flag)
    assert pick(nace, geo="DE11", industry="TOTAL", age="Y15-64", year=2015).value == 2049.0
    # 2011: '585.6 b' (break in series)
    assert pick(nace, geo="DE11", industry="B-E", age="Y15-64", year=2011).flag == "break"


def test_flags_and_missing_cells(nace):
    r = pick(nace, geo="AT1", industry="A", age="Y15-24", year=2008)  # '4.0 bu'
    assert r.value == 4.0 and r.flag == "break,low reliability"
    conf = pick(nace, geo="AT13", industry="A", age="Y15-24", year=2010)  # ': c'
    assert math.isnan(conf.value) and conf.flag == "confidential"
    # a bare ':' (BE1 2014 in the same line) is unknown, never zero: NaN, "not published"
    bare = pick(nace, geo="BE1", industry="A", age="Y15-24", year=2014)
    assert math.isnan(bare.value) and bare.flag == "not published"


def test_nuts_levels_and_aggregates(nace):
    levels = dict(zip(nace["geo"], nace["geo_level"], strict=False))
    assert levels["AT"] == "nuts0" and levels["AT1"] == "nuts1" and levels["AT13"] == "nuts2"
    assert levels["EU28"] == "aggregate"
    assert eurostat.nuts_level("AT111") == "nuts3" and eurostat.nuts_level("EU27_2020") == (
        "aggregate"
    )


def test_gdp_income_and_sex_age_tables():
    gdp = GDP.parse(EST / "nama_10r_2gdp.tsv.gz")
    assert pick(gdp, geo="AT", unit_code="EUR_HAB", year=2014).value == 38500
    assert pick(gdp, geo="DE11", unit_code="MIO_EUR", year=2014).value == 184808
    assert pick(gdp, geo="DE11", unit_code="MIO_EUR", year=2014).unit == "mln EUR"
    assert pick(gdp, geo="FI", unit_code="EUR_HAB", year=2013).flag == "estimate"  # '37400 e'
    inc = INCOME.parse(EST / "nama_10r_2hhinc.tsv.gz")
    r = pick(inc, geo="ITC4", indicator="B6N", unit_code="EUR_HAB", year=2014)
    assert r.value == 20200.0 and r.unit == "EUR per inhabitant"
    at_2014 = inc[(inc.geo == "AT") & (inc.indicator == "B6N") & (inc.year == 2014)]
    assert "EUR_HAB" not in set(at_2014.unit_code)  # ':' in the file
    emp = SEX_AGE.parse(EST / "lfst_r_lfe2emp.tsv.gz")
    assert pick(emp, geo="PL21", sex="T", age="Y15-64", year=2015).value == 1243.3
    assert pick(emp, geo="PL21", sex="T", age="Y15-64", year=2010).flag == "break"


def test_current_tsv_layout_and_sdmx_csv(tmp_path):
    # today's API TSV starts with freq and ends geo\TIME_PERIOD: rewrite real lines that way
    lines = gzip.decompress((EST / "nama_10r_2gdp.tsv.gz").read_bytes()).decode().splitlines()
    head = lines[0].replace("unit,geo\\time", "freq,unit,geo\\TIME_PERIOD")
    body = ["A," + ln for ln in lines[1:50]]
    new = tmp_path / "nama_10r_2gdp.tsv"
    new.write_text("\n".join([head, *body]) + "\n")
    df = GDP.parse(new)
    assert pick(df, geo="AT", unit_code="EUR_HAB", year=2014).value == 38500
    # SDMX-CSV, the third format the dissemination API serves
    sdmx = tmp_path / "nama_10r_2gdp.csv"
    sdmx.write_text(
        "DATAFLOW,LAST UPDATE,freq,unit,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG\n"
        "ESTAT:NAMA_10R_2GDP(1.0),01/01/26 11:00:00,A,EUR_HAB,AT,2014,38500,\n"
        "ESTAT:NAMA_10R_2GDP(1.0),01/01/26 11:00:00,A,EUR_HAB,FI,2013,37400,e\n"
    )
    s = GDP.parse(sdmx)
    assert pick(s, geo="FI").flag == "estimate" and pick(s, geo="AT").value == 38500


def test_damaged_files_are_refused(tmp_path):
    bad = tmp_path / "lfst_r_lfe2en2.tsv.gz"
    data = (EST / "lfst_r_lfe2en2.tsv.gz").read_bytes()
    bad.write_bytes(data[: len(data) // 3])
    with pytest.raises(ParseError, match="damaged gzip"):
        NACE.parse(bad)
    junk = tmp_path / "x.tsv"
    junk.write_text("unit,geo\\time\t2014 \nEUR_HAB,AT\tlots \n")
    with pytest.raises(ParseError, match="unreadable cells"):
        GDP.parse(junk)
    html = tmp_path / "y.tsv"
    html.write_text("<html>maintenance</html>")
    with pytest.raises(ParseError, match="not a Eurostat TSV"):
        GDP.parse(html)
