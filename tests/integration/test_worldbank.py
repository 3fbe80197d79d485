"""World Bank WDI bulk files, on the real files in ../shared/mirror."""

import os
import zipfile

import pandas as pd
import pytest

from dashboard.sources import worldbank
from dashboard.sources.base import ParseError
from tests.conftest import MIRROR, WB


@pytest.fixture(scope="module")
def wdi() -> pd.DataFrame:
    os.environ["LABORDASH_MIRROR"] = str(MIRROR)
    try:
        return worldbank.load().frame
    finally:
        os.environ.pop("LABORDASH_MIRROR", None)


def value(df, code, geo, year):
    row = df[(df.indicator == code) & (df.geo == geo) & (df.year == year)]
    assert len(row) == 1, (code, geo, year)
    return row.iloc[0]


def test_every_indicator_in_the_mirror_is_loaded(wdi):
    assert set(wdi.indicator) == {
        "MS.MIL.XPND.GD.ZS",
        "MS.MIL.XPND.CD",
        "SE.XPD.TOTL.GB.ZS",
        "SP.POP.TOTL",
        "SP.POP.65UP.TO.ZS",
        "SL.UEM.TOTL.ZS",
        "NE.CON.GOVT.ZS",
        "NV.IND.TOTL.ZS",
        "NY.GDP.PCAP.PP.KD",
        "SL.IND.EMPL.ZS",
    }


def test_values_from_zip_and_csv(wdi):
    # MS.MIL.XPND.GD.ZS comes from inside the zip
    r = value(wdi, "MS.MIL.XPND.GD.ZS", "RUS", 2024)
    assert r.value == pytest.approx(7.05233864500366) and r.unit == "% of GDP"
    assert r.vintage == "2026-02-24"
    assert value(wdi, "MS.MIL.XPND.GD.ZS", "UKR", 2024).value == pytest.approx(34.4815297701892)
    assert value(wdi, "SP.POP.TOTL", "RUS", 2000).value == 146596869
    assert value(wdi, "SP.POP.TOTL", "DEU", 2024).value == 83516593
    assert value(wdi, "SP.POP.TOTL", "DEU", 2024).unit == "persons"
    assert value(wdi, "SE.XPD.TOTL.GB.ZS", "RUS", 2018).value == pytest.approx(10.0498723983765)
    assert value(wdi, "SL.UEM.TOTL.ZS", "USA", 2020).unit == "% of total labor force"
    assert value(wdi, "MS.MIL.XPND.CD", "USA", 2022).value == 876943200000


def test_empty_cells_are_not_stored(wdi):
    # RUS 2025 is an empty string in the military-burden file
    assert wdi[
        (wdi.indicator == "MS.MIL.XPND.GD.ZS") & (wdi.geo == "RUS") & (wdi.year == 2025)
    ].empty
    assert wdi["value"].notna().all()


def test_countries_versus_aggregates(wdi):
    levels = wdi.drop_duplicates("geo").set_index("geo")["geo_level"]
    for agg in ("WLD", "EUU", "HIC", "ARB", "AFE"):
        assert levels[agg] == "aggregate"
    for country in ("RUS", "USA", "UKR", "ABW"):
        assert levels[country] == "country"
    # SL.IND.EMPL.ZS ships without Metadata_Country: the other files' metadata classify it
    empl = wdi[wdi.indicator == "SL.IND.EMPL.ZS"].drop_duplicates("geo").set_index("geo")
    assert empl.at["WLD", "geo_level"] == "aggregate" and empl.at["RUS", "geo_level"] == "country"
    pop = wdi[(wdi.indicator == "SP.POP.TOTL") & (wdi.year == 2024)]
    assert pop.geo_level.value_counts()["aggregate"] == 47  # PROVENANCE: 47 aggregates
    assert value(wdi, "SP.POP.TOTL", "RUS", 2024).region == "Europe & Central Asia"


def test_newest_vintage_wins_whatever_the_file_name(tmp_path, monkeypatch):
    src = next(WB.glob("API_SP.POP.TOTL_DS2_*.csv"))
    d = tmp_path / "worldbank"
    d.mkdir()
    os.symlink(src, d / src.name)  # 2026-07-13
    older = (
        src.read_text("utf-8-sig").replace("2026-07-13", "2019-01-01").replace('"143669648"', '"1"')
    )
    (d / "API_SP.POP.TOTL_DS2_en_csv_v2_99999999.csv").write_text(older, "utf-8-sig")
    monkeypatch.setenv("LABORDASH_MIRROR", str(tmp_path))
    loaded = worldbank.load()
    rus = loaded.frame[(loaded.frame.geo == "RUS") & (loaded.frame.year == 2024)]
    assert rus.value.tolist() == [143669648]
    assert any("older vintages not used" in n and "99999999" in n for n in loaded.notes)
    assert [os.path.basename(f.path) for f in loaded.files] == [src.name]


def test_broken_bulk_files_are_refused(tmp_path):
    src = next(WB.glob("API_SP.POP.TOTL_DS2_*.csv"))
    no_preamble = tmp_path / "API_SP.POP.TOTL_DS2_x.csv"
    no_preamble.write_text("\n".join(src.read_text("utf-8-sig").splitlines()[4:]))
    with pytest.raises(ParseError, match="preamble"):
        worldbank.parse(worldbank.read_bulk(no_preamble), worldbank.merged_meta([]))
    garbage = tmp_path / "API_SP.POP.TOTL_DS2_y.csv"
    garbage.write_text(src.read_text("utf-8-sig").replace('"143669648"', '"n/a"'))
    with pytest.raises(ParseError, match="non-numeric"):
        worldbank.parse(worldbank.read_bulk(garbage), worldbank.merged_meta([]))
    empty_zip = tmp_path / "API_X_DS2_z.zip"
    with zipfile.ZipFile(empty_zip, "w") as zf:
        zf.writestr("readme.txt", "nothing")
    with pytest.raises(ParseError, match="no API_"):
        worldbank.read_bulk(empty_zip)


def test_api_v2_json_matches_the_bulk_file(http_server, wdi):
    api = worldbank.read_api("SP.POP.TOTL", base=http_server, per_page=5000)  # 4 pages
    bulk = wdi[wdi.indicator == "SP.POP.TOTL"]
    merged = bulk.merge(api, on=["geo", "year"], suffixes=("_bulk", "_api"))
    assert len(merged) == len(bulk) == len(api)
    assert (merged.value_bulk == merged.value_api).all()
    assert (merged.geo_level_bulk == merged.geo_level_api).all()


def test_api_error_message_is_reported(http_server):
    from dashboard.fetch import FetchError

    with pytest.raises(FetchError, match="worldbank: .* answered an error"):
        worldbank.read_api("NOT.A.CODE", base=http_server)
