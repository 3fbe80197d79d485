"""Every region system, from its one record in ``dashboard.systems``: it loads, ranks, maps,
profiles its default region and exports, on the real store."""

import ast
from pathlib import Path

import pytest

from dashboard import dependence, geo, maps, registry, systems
from dashboard.builders import lookups

ROOT = Path(__file__).resolve().parents[2] / "dashboard"


@pytest.fixture(scope="module")
def loaded(pulled_home):
    import os

    old = os.environ.get("LABORDASH_HOME")
    os.environ["LABORDASH_HOME"] = str(pulled_home)
    try:
        yield {k: s.load() for k, s in systems.SYSTEMS.items()}
    finally:
        os.environ.pop("LABORDASH_HOME") if old is None else os.environ.update(LABORDASH_HOME=old)


@pytest.mark.parametrize("key", list(systems.SYSTEMS))
def test_every_system_loads_ranks_and_maps(loaded, key):
    s = systems.SYSTEMS[key]
    data = loaded[key]
    assert data.system is s and len(data.regions) >= 4 and data.periods
    assert s.default_region in data.regions
    assert s.dataset in s.datasets and s.layer in geo.LAYERS
    period = lookups.default_period(data)
    table = dependence.dependence(data, s.default_industry, period)
    ranked = table.assign(rank=dependence.rank(table, "lq")).dropna(subset=["rank"])
    # the defense-related group is disclosed in 4 of the mirror's 15 counties
    assert len(ranked) >= 4 and ranked["lq"].gt(0).all() and ranked["rank"].min() == 1
    drawn = {
        s.polygon_region(table["region"])(fid) for fid in maps.projected(s.layer, s.layer_level)
    }
    assert len(drawn & set(ranked["region"])) >= 0.8 * len(ranked)
    mix = dependence.mix(data, s.default_region, period)
    assert set(mix["industry"]) == set(data.partition)


@pytest.mark.parametrize("key", list(systems.SYSTEMS))
def test_every_system_profiles_a_region_and_exports(store_env, key):
    s = systems.SYSTEMS[key]
    soc = s.social(s.default_region)
    assert not soc.empty and s.default_region in set(soc["geo"])
    names = [
        "dependence_map",
        "dependence_ranking",
        "specialization_map",
        "region_mix",
        "social_indicators",
    ]
    if len(s.load().periods) > 1:
        names.append("specialization_series")
    else:  # one point is no line: the reader gets the values in words
        with pytest.raises(registry.SpecError, match="one period"):
            registry.build("specialization_series", {"system": key})
    for name in names:
        b = registry.build(name, {"system": key})
        assert b.params["system"] == key and b.chart.alt
        assert set(b.datasets) <= {*s.datasets, *s.social_datasets}


def test_reference_economies_and_breaks():
    nuts2, county, state = (systems.SYSTEMS[k] for k in ("nuts2", "us_county", "us_state"))
    assert nuts2.national_reference("DE11") == "DE"
    assert county.national_reference("09011") == "09000"
    with pytest.raises(ValueError, match="national totals"):
        state.national_reference("51000")
    ru = systems.SYSTEMS["ru_subject"]
    assert ru.national_reference("RU-UD") == "RUS"
    assert "OKVED break" in ru.comparable("2016", "2017")
    assert ru.comparable("2017", "2021") is None and ru.comparable("2005", "2016") is None
    assert ru.default_base(["2015", "2016", "2017", "2021"]) == "2017"
    assert nuts2.default_base(["2008", "2015"]) == "2008"


def _string_constants(path: Path) -> set[str]:
    return {
        n.value
        for n in ast.walk(ast.parse(path.read_text("utf-8")))
        if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


def test_no_system_key_outside_the_systems_package():
    """Pages, builders, the CLI and the measures receive a System; none names one."""
    keys = set(systems.SYSTEMS)
    files = [*ROOT.glob("views/*.py"), *ROOT.glob("builders/*.py")]
    files += [
        ROOT / f
        for f in ("cli.py", "dependence.py", "charts.py", "maps.py", "registry.py", "app.py")
    ]
    found = {f.name: sorted(_string_constants(f) & keys) for f in files}
    assert not {k: v for k, v in found.items() if v}


def test_a_thin_store_says_so_next_to_the_chart(loaded, store_env):
    from dashboard.builders import dependence as dep

    county, nuts2 = loaded["us_county"], loaded["nuts2"]
    notes = dep.caveats(county, "defense_related", "lq", "2016-Q1")
    assert notes[0] == (
        "The store holds 15 of 3,143 counties (50 states and DC): run `labordash pull qcew` "
        "with internet for all (see docs/data.md)."
    )
    assert systems.SYSTEMS["us_county"].coverage(3000) is None  # 95%: nothing to say
    assert not any("The store holds" in n for n in dep.caveats(nuts2, "C", "lq", "2015"))
