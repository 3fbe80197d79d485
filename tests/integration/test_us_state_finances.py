"""US Census of Governments Table 1 (17slsstab1a/b) from ../shared/mirror."""

import csv

import pytest

from dashboard.sources import us_state_finances
from dashboard.sources.base import ParseError
from tests.conftest import MIRROR, pick

PART_A = MIRROR / "usstates" / "17slsstab1a.csv"


@pytest.fixture(scope="module")
def fin(tmp_path_factory):
    import os

    os.environ["LABORDASH_MIRROR"] = str(MIRROR)
    try:
        return us_state_finances.load().frame
    finally:
        os.environ.pop("LABORDASH_MIRROR", None)


def raw_line(line: str) -> list[str]:
    with open(PART_A, encoding="utf-8-sig") as fh:
        return next(r for r in csv.reader(fh) if r and r[0] == line)


def test_values_as_published(fin):
    # line 1 'Revenue1': US total C1-C3, Alabama C4-C6
    raw = raw_line("1")
    assert raw[2] == "3,918,842,777" and raw[5] == "49,899,502"
    r = pick(fin, geo="US000", line="1", government="state_local")
    assert r.value == 3_918_842_777 and r.description == "Revenue" and r.unit == "thousand US$"
    assert pick(fin, geo="01000", line="1", government="state_local").value == 49_899_502
    assert pick(fin, geo="01000", line="1", government="state").value == 33_248_412
    assert pick(fin, geo="01000", line="1", government="local").value == 22_815_241
    # a part-b state: Missouri education (line 69)
    mo = pick(fin, geo="29000", line="69", government="state_local")
    assert mo.description == "Education" and mo.value == 15_327_826  # 17slsstab1b line 69


def test_states_and_levels(fin):
    assert fin.geo.nunique() == 52  # 50 states, DC and the US total
    assert set(fin.loc[fin.geo == "US000", "geo_level"]) == {"us_nation"}
    assert set(fin.loc[fin.geo == "11000", "geo_level"]) == {"us_state"}  # DC
    assert not fin.duplicated(["geo", "line", "government"]).any()  # US total is in both parts
    assert fin.year.unique().tolist() == [2017]


def test_unknown_state_is_refused(tmp_path):
    bad = tmp_path / "17slsstab1x.csv"
    bad.write_text(PART_A.read_text("utf-8-sig").replace("Alabama", "Atlantis", 1))
    with pytest.raises(ParseError, match="unknown state 'Atlantis'"):
        us_state_finances.parse(bad, 2017)
