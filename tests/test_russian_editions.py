"""Russian sources without a mirror: the newest known edition of «Regions of Russia» first and
the Treasury's form 0503317 for every year from 2019, each falling back with a message, against
the loopback server (the mirror's 2022 edition under Rosstat's own workbook names, the mirror's
2019 and 2021 Treasury archives)."""

from datetime import date

import pytest

from dashboard import catalog
from dashboard.sources import roskazna, rosstat
from dashboard.sources.base import ParseError
from tests.conftest import pick


@pytest.fixture
def offline_home(tmp_path, monkeypatch):
    monkeypatch.setenv("LABORDASH_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("LABORDASH_MIRROR", raising=False)
    for var in ("LABORDASH_URL_ROSSTAT_REGIONS", "LABORDASH_URL_ROSKAZNA_BUDGET"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path / "home"


def test_sections_by_either_name():
    assert rosstat.section("02_trud_labour.xlsx") == 2
    assert rosstat.section("Раздел 1- Население.xlsx") == 1
    assert rosstat.section("Раздел 19 - Финансы.xlsx") == 19
    assert rosstat.section("Содержание.xlsx") is None


def test_editions_newest_first_with_their_pages(monkeypatch):
    monkeypatch.delenv("LABORDASH_URL_ROSSTAT_REGIONS", raising=False)
    eds = catalog.editions("rosstat_regions")
    assert [e.edition for e in eds] == ["2025", "2024", "2023", "2022"]
    assert eds[0].page == "https://rosstat.gov.ru/folder/210/document/47652"
    assert [e.edition for e in eds if e.checked] == ["2022"]
    monkeypatch.setenv("LABORDASH_URL_ROSSTAT_REGIONS", "http://x/{edition}.zip")
    assert catalog.editions("rosstat_regions")[1].url == "http://x/2024.zip"


def test_newest_edition_that_can_be_had(offline_home, http_server, monkeypatch, store_env):
    from dashboard import store

    mirror_rows = store.read("rosstat_regions")
    monkeypatch.setenv("LABORDASH_HOME", str(offline_home))
    monkeypatch.delenv("LABORDASH_MIRROR")
    monkeypatch.setenv("LABORDASH_URL_ROSSTAT_REGIONS",
                       f"{http_server}/rosstat/Pril_Region_Pokaz_{{edition}}.zip")  # fmt: skip
    loaded = rosstat.load(retries=0)
    assert loaded.vintage == "Regions of Russia 2022 (data to 2021)"
    assert [n.split(":")[0] for n in loaded.notes] == [
        "Regions of Russia 2025",
        "Regions of Russia 2024",
        "Regions of Russia 2023",
    ]
    assert all("answered HTTP 404" in n for n in loaded.notes)
    assert len(loaded.frame) == len(mirror_rows)
    # Udmurtia, average annual employment 2021, as in the mirror's 02_trud_labour.xlsx
    a = pick(loaded.frame, geo="RU-UD", indicator="employment_avg", year=2021)
    b = pick(mirror_rows, geo="RU-UD", indicator="employment_avg", year=2021)
    assert a.value == b.value and a.unit == b.unit


def test_no_edition_names_every_attempt(offline_home):
    with pytest.raises(ParseError) as err:
        rosstat.load(retries=0)
    msg = str(err.value)
    assert (
        "Regions of Russia 2025: no file URL known (see https://rosstat.gov.ru/folder/210/"
        "document/47652)"
        in msg
        and "LABORDASH_URL_ROSSTAT_REGIONS" in msg
    )


def test_treasury_years_one_by_one(offline_home, http_server, monkeypatch):
    monkeypatch.setenv("LABORDASH_URL_ROSKAZNA_BUDGET", f"{http_server}/files/russia/"
                       "roskazna_0503317/reg_{year}_0503317_xls.tar.xz")  # fmt: skip
    monkeypatch.setattr(roskazna, "latest_year", lambda today=None: 2022)
    loaded = roskazna.load(retries=0)
    assert loaded.vintage == "form 0503317, 2019, 2021"
    assert [n.split(":")[0] for n in loaded.notes] == ["form 0503317 2020", "form 0503317 2022"]
    assert all("HTTP 404" in n and n.endswith("left out") for n in loaded.notes)
    assert {f.origin for f in loaded.files} == {"network"}
    assert loaded.frame.groupby("year")["geo"].nunique().to_dict() == {2019: 86, 2021: 85}


def test_treasury_without_a_url_says_how(offline_home):
    with pytest.raises(ParseError, match="set LABORDASH_URL_ROSKAZNA_BUDGET"):
        roskazna.load(retries=0)
    assert roskazna.latest_year(date(2026, 11, 30)) == 2025
    assert roskazna.latest_year(date(2026, 3, 1)) == 2024
