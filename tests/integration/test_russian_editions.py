"""Russian sources without a mirror: the newest known edition of «Regions of Russia» first and
the Treasury's form 0503317 for every year from 2019, each falling back with a message, against
the loopback server (the mirror's 2022 edition under Rosstat's own workbook names, the mirror's
2019 and 2021 Treasury archives)."""

from datetime import date
from pathlib import Path

import pytest

from dashboard import archives, catalog
from dashboard.sources import roskazna, rosstat
from dashboard.sources.base import ParseError
from tests.bls_imitation import ROSSTAT_PAGE
from tests.conftest import pick
from tests.rar5 import rar5


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


@pytest.fixture
def mirror_rows(store_env, offline_home, monkeypatch):
    """The mirror's rosstat_regions as stored; then the test runs without the mirror."""
    from dashboard import store

    monkeypatch.setenv("LABORDASH_HOME", str(store_env))  # offline_home switched it away
    rows = store.read("rosstat_regions")
    monkeypatch.setenv("LABORDASH_HOME", str(offline_home))
    monkeypatch.delenv("LABORDASH_MIRROR", raising=False)
    return rows


def same_as_mirror(frame, mirror_rows) -> None:
    assert len(frame) == len(mirror_rows)
    # Udmurtia, average annual employment 2021, as in the mirror's 02_trud_labour.xlsx
    a = pick(frame, geo="RU-UD", indicator="employment_avg", year=2021)
    b = pick(mirror_rows, geo="RU-UD", indicator="employment_avg", year=2021)
    assert a.value == b.value and a.unit == b.unit


def test_newest_edition_that_can_be_had(mirror_rows, http_server, monkeypatch):
    monkeypatch.setenv(
        "LABORDASH_URL_ROSSTAT_REGIONS", f"{http_server}/rosstat/Pril_Region_Pokaz_{{edition}}.zip"
    )
    loaded = rosstat.load(retries=0)
    assert loaded.vintage == "Regions of Russia 2022 (data to 2021)"
    assert [n.split(":")[0] for n in loaded.notes] == [
        "Regions of Russia 2025",
        "Regions of Russia 2024",
        "Regions of Russia 2023",
    ]
    assert all("answered HTTP 404" in n for n in loaded.notes)
    same_as_mirror(loaded.frame, mirror_rows)


def test_no_edition_names_every_attempt(offline_home, http_server, monkeypatch):
    monkeypatch.setenv("LABORDASH_PAGE_ROSSTAT_REGIONS", f"{http_server}/status/404")
    with pytest.raises(ParseError) as err:
        rosstat.load(retries=0)
    msg = str(err.value)
    assert "Regions of Russia 2025: " in msg and "answered HTTP 404" in msg
    assert msg.count("answered HTTP 404") == 4  # every edition's page was asked
    assert "LABORDASH_URL_ROSSTAT_REGIONS" in msg


def test_archive_links_found_on_an_edition_page():
    page = ROSSTAT_PAGE
    base = "https://rosstat.gov.ru/folder/210/document/13204"
    assert rosstat.archive_link(page, base, "Pril_Region_Pokaz_2025.rar") == (
        "https://rosstat.gov.ru/rosstat/mediabank/Pril_Region_Pokaz_2025.rar?x=1&y=2"
    )
    assert rosstat.archive_link(page, base, "Pril_Region_Pokaz_2022") == (
        "https://rosstat.gov.ru/mediabank/Pril_Region_Pokaz_2022.rar"
    )
    assert rosstat.archive_link(page, base, "Pril_Region_Pokaz_2024") is None


def test_newest_editions_read_from_rar_found_on_their_page(
    mirror_rows, offline_home, http_server, monkeypatch
):
    """2025's archive has table 19.3 renumbered (refused, naming the table), 2024 has no
    link, 2023's link is dead: the 2022 RAR is read, equal to the mirror's workbooks."""
    monkeypatch.setenv(
        "LABORDASH_PAGE_ROSSTAT_REGIONS", f"{http_server}/rosstat/folder/210/document/13204"
    )
    loaded = rosstat.load(retries=0)
    assert loaded.vintage == "Regions of Russia 2022 (data to 2021)"
    notes = dict(n.split(": ", 1) for n in loaded.notes)
    assert list(notes) == [f"Regions of Russia {e}" for e in ("2025", "2024", "2023")]
    assert "table 19.3 not found" in notes["Regions of Russia 2025"]
    assert notes["Regions of Russia 2024"].startswith("no link to Pril_Region_Pokaz_2024")
    assert "answered HTTP 404" in notes["Regions of Russia 2023"]
    assert [Path(f.path).name for f in loaded.files] == ["rosstat_regions_2022.rar"]
    assert loaded.files[0].url.endswith("/mediabank/Pril_Region_Pokaz_2022.rar")
    same_as_mirror(loaded.frame, mirror_rows)
    # the refused 2025 archive is not kept in the cache
    assert not list(offline_home.rglob("rosstat_regions_2025.rar"))


def test_rar_members_in_memory_bounded(tmp_path):
    path = tmp_path / "a.rar"
    path.write_bytes(rar5({"x/Раздел 2 - Труд.xlsx": b"PK" + b"0" * 98, "notes.txt": b"hi"}))
    got = archives.rar_members(path, lambda n: n.endswith(".xlsx"), limit=1000)
    assert got == {"Раздел 2 - Труд.xlsx": b"PK" + b"0" * 98}
    with pytest.raises(archives.ArchiveError, match="unpacks to more than"):
        archives.rar_members(path, lambda n: True, limit=50)
    path.write_bytes(b"PK\x03\x04 not a rar")
    with pytest.raises(archives.ArchiveError, match="not a RAR archive"):
        archives.rar_members(path, lambda n: True, limit=1000)
    path.write_bytes(rar5({"a.xlsx": b"x" * 100})[:60])  # cut short
    with pytest.raises(archives.ArchiveError, match="damaged or unsupported RAR"):
        archives.rar_members(path, lambda n: True, limit=1000)


@pytest.mark.slow  # a pull of each yearly archive (7 s)
def test_treasury_years_one_by_one(offline_home, http_server, monkeypatch):
    monkeypatch.setenv(
        "LABORDASH_URL_ROSKAZNA_BUDGET",
        f"{http_server}/files/russia/roskazna_0503317/reg_{{year}}_0503317_xls.tar.xz",
    )
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
