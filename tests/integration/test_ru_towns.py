"""Russia's towns with their regions (ru-cities towns.csv in ../shared/mirror): the parse,
the romanisation, and the region choosers that find a region by its towns."""

import pytest

from dashboard.sources import ru_towns
from tests.conftest import MIRROR, pick

TOWNS = MIRROR / "russia" / "crosswalk" / "ru_cities_towns.csv"


@pytest.fixture(scope="module")
def towns():
    return ru_towns.parse(TOWNS)


def test_towns_and_their_regions(towns):
    assert len(towns) == 1117 and towns["geo"].nunique() == 84
    izhevsk = pick(towns, town="Ижевск")
    assert (izhevsk.geo, izhevsk.value, izhevsk.town_en) == ("RU-UD", 648.1, "Izhevsk")
    kovrov = pick(towns, town="Ковров")
    assert (kovrov.geo, kovrov.value, kovrov.unit) == ("RU-VLA", 135.7, "thousand persons")
    assert pick(towns, town="Алушта").geo == "UA-43"  # Crimea keeps its ISO code


@pytest.mark.parametrize(
    ("ru", "en"),
    [
        ("Ижевск", "Izhevsk"),
        ("Воткинск", "Votkinsk"),
        ("Ярославль", "Yaroslavl"),
        ("Елабуга", "Yelabuga"),
        ("Щёлково", "Shchelkovo"),
        ("Усолье-Сибирское", "Usolye-Sibirskoye"),
        ("Подъёмный", "Podyemnyy"),
    ],
)
def test_one_romanisation(ru, en):
    assert ru_towns.romanise(ru) == en


def test_an_unknown_region_code_fails_the_parse(tmp_path):
    bad = tmp_path / "towns.csv"
    bad.write_text("city,population,region_iso_code,okato\nИжевск,648.1,RU-XX,94401000000\n")
    with pytest.raises(ru_towns.ParseError, match=r"not in ru_regions.csv: \['RU-XX'\]"):
        ru_towns.parse(bad)


def test_choosers_find_a_region_by_its_towns(store_env):
    from dashboard.builders import lookups
    from tests.integration.test_app import run_page

    suffixes = lookups.town_suffixes()  # what the choosers read once per rerun
    assert suffixes["RU-UD"] == " · Izhevsk, Votkinsk, Sarapul, Glazov"
    assert suffixes["RU-VLA"] == " · Kovrov, Murom, Aleksandrov"  # Vladimir: in its name
    assert "RU-MOW" not in suffixes  # a federal city: the region is the city
    at = run_page("views/russia.py")
    assert not at.exception
    options = at.multiselect(key="ru:regions").options
    assert any("Izhevsk" in o and "Udmurt" in o for o in options)
    assert any("Kovrov" in o and "(RU-VLA)" in o for o in options)
    at = run_page("views/profile.py", system="ru_subject")
    assert not at.exception
    assert any(
        "Votkinsk" in o and "(RU-UD)" in o for o in at.selectbox(key="profile:region").options
    )
