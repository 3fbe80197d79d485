"""SIPRI workbook parser, on the real file in ../shared/mirror."""

import math
import os

import pandas as pd
import pytest

from dashboard.sources import sipri
from dashboard.sources.base import ParseError
from tests.conftest import MIRROR, SIPRI_XLSX, sipri_copy_damaged


@pytest.fixture(scope="module")
def milex() -> pd.DataFrame:
    return sipri.parse(SIPRI_XLSX)


def one(df, geo, indicator, year):
    row = df[(df.geo == geo) & (df.indicator == indicator) & (df.year == year)]
    assert len(row) == 1, (geo, indicator, year, len(row))
    return row.iloc[0]


def test_russia_share_of_gdp_is_percent_and_flagged_estimate(milex):
    # file: 'Share of GDP', Russia, 2025 = 0.07501484654936362 in blue font
    r = one(milex, "RUS", "milex_gdp_share", 2025)
    assert r.value == pytest.approx(7.501484654936362)
    assert r.unit == "% of GDP"
    assert r.flag == "estimate"
    assert one(milex, "RUS", "milex_gdp_share", 1992).value == pytest.approx(4.427032321253673)


def test_share_of_government_spending_and_per_capita(milex):
    assert one(milex, "RUS", "milex_gov_share", 2025).value == pytest.approx(19.826605, abs=1e-6)
    assert one(milex, "UKR", "milex_gdp_share", 2024).value == pytest.approx(33.95604459750722)
    us = one(milex, "USA", "milex_constant_usd", 1949)
    assert us.value == pytest.approx(181095.54595961623)
    assert us.unit == "US$ m, constant 2024 prices"
    assert one(milex, "USA", "milex_per_capita", 1988).value == pytest.approx(1252.3177319228205)


def test_missing_markers_keep_did_not_exist_apart_from_unavailable(milex):
    ukr = one(milex, "UKR", "milex_gdp_share", 1991)  # 'xxx'
    assert math.isnan(ukr.value) and ukr.flag == "not_independent"
    ussr = one(milex, "SUN", "milex_gdp_share", 1990)  # '...'
    assert math.isnan(ussr.value) and ussr.flag == "unavailable"
    # the single Unicode ellipsis appears in the constant-price sheet; no value may be 0 instead
    assert not (milex["value"] == 0).any() or milex.loc[milex["value"] == 0, "flag"].isna().all()
    assert set(milex["flag"].dropna()) == {
        "estimate",
        "uncertain",
        "unavailable",
        "not_independent",
    }


def test_font_colours_become_flags(milex):
    # Algeria 1990 constant US$ is blue (estimate); Algeria 2017 is red (highly uncertain)
    assert one(milex, "DZA", "milex_constant_usd", 1990).flag == "estimate"
    alg = one(milex, "DZA", "milex_constant_usd", 2017)
    assert alg.value == pytest.approx(12094.810557680297) and alg.flag == "uncertain"
    # Egypt 2010 per capita is red through an RGB colour rather than the legacy palette
    assert one(milex, "EGY", "milex_per_capita", 2010).flag == "uncertain"
    # a black figure has no flag
    assert pd.isna(one(milex, "USA", "milex_constant_usd", 1949).flag)


def test_headings_are_not_countries_and_names_map_to_iso3(milex):
    names = set(milex["country_name"])
    for heading in ("Africa", "North Africa", "East Asia", "Central Asia", "Western Europe"):
        assert heading not in names
    codes = dict(zip(milex["country_name"], milex["geo"], strict=False))
    assert codes["Russia"] == "RUS"
    assert codes["USSR"] == "SUN"
    assert codes["Czechoslovakia"] == "CSK"
    assert codes["German Democratic Republic"] == "DDR"
    assert codes["Yugoslavia"] == "YUG"
    assert codes["Korea, South"] == "KOR"
    assert codes["Türkiye"] == "TUR"
    assert set(milex.loc[milex.geo == "EUU", "geo_level"]) == {"aggregate"}
    # PROVENANCE.md: the 2026 release covers 173 countries (plus the European Union)
    assert milex.loc[milex.geo_level == "country", "geo"].nunique() == 173
    # every sheet has the same countries: no row is lost to a shifted header
    per_sheet = milex.groupby("indicator")["geo"].nunique()
    assert per_sheet.min() == per_sheet.max() == 174


def test_newest_release_is_chosen(tmp_path, monkeypatch):
    d = tmp_path / "sipri"
    d.mkdir()
    os.symlink(SIPRI_XLSX, d / "SIPRI-Milex-data-1949-2025_v1.10.xlsx")
    (d / "SIPRI-Milex-data-1949-2025_v1.9.xlsx").write_bytes(b"older release")
    (d / "SIPRI-Milex-data-1949-2024.xlsx").write_bytes(b"older release")
    monkeypatch.setenv("LABORDASH_MIRROR", str(tmp_path))
    monkeypatch.setenv("LABORDASH_HOME", str(tmp_path / "home"))
    loaded = sipri.load()
    assert loaded.files[0].path.endswith("_v1.10.xlsx")
    assert loaded.vintage == "SIPRI Milex 1949-2025 v1.10"
    assert len(loaded.frame) > 50_000


def test_damaged_workbooks_fail_with_a_clear_message(tmp_path):
    with pytest.raises(ParseError, match="not a readable xlsx"):
        sipri.parse(sipri_copy_damaged(tmp_path / "SIPRI-Milex-data-1949-2025_v1.2.xlsx"))
    html = tmp_path / "SIPRI-Milex-data-x.xlsx"
    html.write_text("<!DOCTYPE html><html>error</html>")
    with pytest.raises(ParseError, match="not a readable xlsx"):
        sipri.parse(html)


def test_workbook_without_the_expected_sheets(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Share of GDP"
    wb.active.append(["Country", "Notes", 2020])
    wb.active.append(["Russia", None, 0.04])
    path = tmp_path / "SIPRI-Milex-data-test.xlsx"
    wb.save(path)
    with pytest.raises(ParseError, match="sheets for milex_constant_usd"):
        sipri.parse(path)


def test_unknown_country_with_figures_is_an_error(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Share of GDP"
    ws.append(["Country", "Notes", 2020])
    ws.append(["Atlantis", None, 0.04])
    path = tmp_path / "SIPRI-Milex-data-test.xlsx"
    wb.save(path)
    with pytest.raises(ParseError, match="Atlantis"):
        sipri.parse(path)


def test_mirror_is_the_shared_one():
    assert (MIRROR / "PROVENANCE.md").exists()
