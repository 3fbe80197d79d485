"""Federal Treasury form 0503317 on the real archives in the mirror."""

import io
import tarfile

import pytest

from dashboard.sources import roskazna
from dashboard.sources.base import ParseError
from tests.conftest import MIRROR

ARCHIVES = sorted((MIRROR / "russia" / "roskazna_0503317").glob("reg_*_0503317_xls.tar.xz"))

# «Исполнено», consolidated budget of the subject (column 27 of «стр.3_4»), rubles, read with
# xlrd from files 13 (Udmurtia), 28 (Vladimir), 33 (Ivanovo) and 66 (Tula)
EXPECTED = {
    ("RU-UD", 2019): {"total": 96047203058.87, "07": 35321657870.48, "10": 19666307686.63},
    ("RU-UD", 2021): {"total": 121804813757.53, "09": 14297545312.03, "10": 27185007470.65},
    ("RU-VLA", 2019): {"total": 77963412491.47, "10": 18251383521.33},
    ("RU-VLA", 2021): {"total": 98402474028.59, "07": 27122597798.07},
    ("RU-IVA", 2019): {"total": 49764470409.17, "10": 12467943380.93},
    ("RU-IVA", 2021): {"total": 65848121161.69, "09": 8994607209.96},
    ("RU-TUL", 2019): {"total": 102234406463.33, "07": 28696983457.18},
    ("RU-TUL", 2021): {"total": 126680253404.8, "10": 28413287895.57},
}


@pytest.fixture(scope="module")
def budget(pulled_home):
    """The archives as the pull parsed them into the store (roskazna.parse; 30 s to redo)."""
    import pandas as pd

    return pd.read_parquet(pulled_home / "store" / "roskazna_budget.parquet")


def test_values_looked_up_in_the_files(budget):
    for (geo, year), cells in EXPECTED.items():
        got = budget[(budget["geo"] == geo) & (budget["year"] == year)].set_index("function")
        for function, rubles in cells.items():
            assert got.loc[function, "value"] == pytest.approx(rubles / 1e6, abs=1e-6)
        assert got["unit"].iloc[0] == "mln RUB"
    ud = budget[(budget["geo"] == "RU-UD") & (budget["year"] == 2021)].set_index("function")
    assert ud.loc["10", "function_name"] == "Социальная политика"
    assert ud.loc["10", "value"] / ud.loc["total", "value"] == pytest.approx(0.2232, abs=1e-4)


def test_every_region_once_and_sections_add_up(budget):
    counts = budget[budget["function"] == "total"].groupby("year")["geo"].nunique()
    assert counts.to_dict() == {2019: 86, 2021: 85}  # 85 subjects; 2019 also has all-Russia
    assert "RUS" in set(budget.loc[budget["year"] == 2019, "geo"])
    sections = budget[budget["function"] != "total"].groupby(["geo", "year"])["value"].sum()
    totals = budget[budget["function"] == "total"].set_index(["geo", "year"])["value"]
    assert (sections / totals.reindex(sections.index) - 1).abs().max() < 1e-9
    assert set(budget["function"]) == {f"{i:02d}" for i in range(1, 15)} | {"total"}


def test_agrees_with_rosstat_budget_expenditure(budget, store_env):
    """Rosstat's table 19.2 is the same consolidated spending: within 0.01% for every region
    (2019 exactly; 2021 is the Treasury's monthly report on 1 January 2022, a few thousand
    rubles off the annual one Rosstat uses)."""
    from dashboard import store

    r = store.read("rosstat_regions", indicator="budget_expenditure", territory="total")
    t = budget[budget["function"] == "total"]
    m = t.merge(r[["geo", "year", "value"]], on=["geo", "year"], suffixes=("", "_rosstat"))
    assert len(m) == 171
    gap = (m["value"] / m["value_rosstat"] - 1).abs()
    assert gap.max() < 1e-4
    assert gap[m["year"] == 2019].max() < 1e-6


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("МИНИСТЕРСТВО ФИНАНСОВ УДМУРТСКОЙ РЕСПУБЛИКИ", "RU-UD"),
        ("ДЕПАРТАМЕНТ ФИНАНСОВ ЯМАЛО-НЕНЕЦКОГО АВТОНОМНОГО ОКРУГА", "RU-YAN"),
        ("ДЕПАРТАМЕНТ ФИНАНСОВ И ЭКОНОМИКИ НЕНЕЦКОГО АВТОНОМНОГО ОКРУГА", "RU-NEN"),
        ("МИНИСТЕРСТВО ФИНАНСОВ КАБАРДИНО- БАЛКАРСКОЙ РЕСПУБЛИКИ", "RU-KB"),
        ("КОМИТЕТ ФИНАНСОВ САНКТ-ПЕТЕРБУРГА", "RU-SPE"),
        ("ДЕПАРТАМЕНТ ФИНАНСОВ ГОРОДА МОСКВЫ", "RU-MOW"),
        ("МИНИСТЕРСТВО ФИНАНСОВ МОСКОВСКОЙ ОБЛАСТИ", "RU-MOS"),
        ("МИНИСТЕРСТВО ФИНАНСОВ РЕСПУБЛИКИ СЕВЕРНАЯ ОСЕТИЯ-АЛАНИЯ", "RU-SE"),
        ("ФИНАНСОВОЕ УПРАВЛЕНИЕ ПРАВИТЕЛЬСТВА ЕВРЕЙСКОЙ АВТОНОМНОЙ ОБЛАСТИ", "RU-YEV"),
        ("Министерство финансов Республики Марс", None),
    ],
)
def test_finance_bodies_match_by_genitive_name(body, code):
    assert roskazna.match_body(body) == code


def test_damaged_archives_are_refused(tmp_path):
    cut = tmp_path / "reg_2021_0503317_xls.tar.xz"
    cut.write_bytes(ARCHIVES[-1].read_bytes()[:200_000])
    with pytest.raises(ParseError, match="damaged archive"):
        roskazna.parse([cut])
    fake = tmp_path / "reg_2019_0503317_xls.tar.xz"
    with tarfile.open(fake, "w:xz") as tar:
        data = b"<html>not an xls</html>"
        info = tarfile.TarInfo("01_01.01.2020_0503317.XLS")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    with pytest.raises(ParseError, match="not a readable .xls"):
        roskazna.parse([fake])
