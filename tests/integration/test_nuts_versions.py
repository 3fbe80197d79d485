"""Eurostat's current lfst_r_lfe2en2 layout end to end: codes of NUTS 2013, 2016, 2021 and 2024
in one table, each drawn on its own polygons, one NUTS version per year's ranking, the EU-27
total where no EU-28 total is published, and the newest year offered first.

The fixture is written here (a few regions, made-up numbers) in the layout of Eurostat's
current TSV download: ``freq,nace_r2,sex,age,unit,geo\\TIME_PERIOD``, ``:`` for no value."""

import gzip

import pytest

from dashboard import maps, store
from dashboard.builders import dependence as dep
from dashboard.builders import lookups
from dashboard.sources.eurostat import TABLES
from tests.conftest import MIRROR

YEARS = ["2019", "2020", "2021", "2023", "2024"]
# region -> the years it is published (NUTS version: FR21 2013, HR04 2016, FRF2 2016+, HR02/05/06
# 2021+, NL31/NL33 2021 (not 2024), NL35/NL36 2024, UKC1 until the UK left)
PUBLISHED = {
    "EU28": ["2019"], "EU27_2020": YEARS, "DE11": YEARS, "FRF2": YEARS, "FR21": ["2019"],
    "HR04": ["2019", "2020"], "HR02": YEARS[1:], "HR05": YEARS[1:], "HR06": YEARS[1:],
    "NL31": YEARS, "NL33": YEARS[:4], "NL35": ["2024"], "NL36": ["2024"], "UKC1": ["2019"],
}  # fmt: skip


def _tsv() -> bytes:
    lines = ["freq,nace_r2,sex,age,unit,geo\\TIME_PERIOD\t" + "\t".join(f"{y} " for y in YEARS)]
    for i, (geo, years) in enumerate(PUBLISHED.items()):
        for nace, share in (("TOTAL", 1.0), ("B-E", 0.1 + 0.02 * i), ("G-I", 0.3)):
            total = 1000.0 * (i + 1)
            for sex, part in (("T", 1.0), ("M", 0.52), ("F", 0.48)):
                cells = [f"{total * share * part:.1f} " if y in years else ": " for y in YEARS]
                lines.append(f"A,{nace},{sex},Y_GE15,THS_PER,{geo}\t" + "\t".join(cells))
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture(scope="module")
def current_home(tmp_path_factory):
    """A store pulled from a mirror whose lfst_r_lfe2en2 is the fixture (real geometries)."""
    root = tmp_path_factory.mktemp("nuts_versions")
    (root / "mirror" / "eurostat").mkdir(parents=True)
    (root / "mirror" / "geo").symlink_to(MIRROR / "geo")
    (root / "mirror" / "russia").symlink_to(MIRROR / "russia")  # its geometries
    (root / "mirror" / "eurostat" / "lfst_r_lfe2en2.tsv.gz").write_bytes(gzip.compress(_tsv()))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LABORDASH_HOME", str(root / "home"))
        mp.setenv("LABORDASH_MIRROR", str(root / "mirror"))
        results = store.pull(["eurostat_lfs_nace"])
        assert all(r.ok for r in results), [r.error for r in results]
    return root


@pytest.fixture
def current(current_home, monkeypatch):
    monkeypatch.setenv("LABORDASH_HOME", str(current_home / "home"))
    monkeypatch.setenv("LABORDASH_MIRROR", str(current_home / "mirror"))
    return lookups.system_data("nuts2")


def test_the_current_layout_parses_once_per_cell(tmp_path):
    table = next(t for t in TABLES if t.DATASET == "eurostat_lfs_nace")
    path = tmp_path / "lfst_r_lfe2en2.tsv.gz"
    path.write_bytes(gzip.compress(_tsv()))
    frame = table.parse(path)
    de = frame[(frame.geo == "DE11") & (frame.industry == "TOTAL") & (frame.period == "2024")]
    assert de["value"].tolist() == [3000.0]  # sex T only: M and F are not added to it
    assert set(frame["period"]) == set(YEARS) and de["unit"].item() == "thousand persons"
    assert frame.duplicated(["geo", "period", "industry", "age"]).sum() == 0


def test_each_year_ranks_one_nuts_version(current):
    data = current
    by_period = data.cells.groupby("period")["region"].agg(set)
    assert "FR21" not in by_period["2019"] and {"FRF2", "HR04", "UKC1"} <= by_period["2019"]
    assert "HR04" not in by_period["2020"] and {"HR02", "NL31"} <= by_period["2020"]
    assert "NL31" not in by_period["2024"] and {"NL35", "NL36", "HR02"} <= by_period["2024"]
    assert by_period["2023"] >= {"NL31", "NL33", "HR02"}  # 2021 codes, nothing to drop
    assert data.period_notes["2019"][0] == (
        "In 2019 Eurostat's table mixes NUTS versions: the ranking uses the NUTS 2016 codes and "
        "leaves out 1 code(s) of older versions (FR21)."
    )
    assert (
        "NUTS 2024 codes" in data.period_notes["2024"][0]
        and "(NL31)" in data.period_notes["2024"][0]
    )
    assert "2023" not in data.period_notes or "mixes" not in " ".join(data.period_notes["2023"])


def test_newest_year_first_and_the_eu27_benchmark(current):
    data = current
    assert data.periods[-1] == "2024" and lookups.default_period(data) == "2024"
    bench = data.bench.set_index(["period", "industry"])["bench_share"]
    # EU28 (first row of the fixture, i=0) in 2019; EU27_2020 (i=1) afterwards
    assert bench[("2019", "B-E")] == pytest.approx(0.1)
    assert bench[("2024", "B-E")] == pytest.approx(0.12)
    notes = dep.caveats(data, "B-E", "lq", "2024")
    assert any("the benchmark is the EU-27 (2020) total" in n for n in notes)
    table = dep.lookups.dependence_table("nuts2", "B-E", "2024")
    assert table["lq"].notna().sum() >= 5


def test_every_code_is_drawn_on_its_own_polygons(current):
    data = current
    s = data.system
    for period in ("2019", "2024"):
        codes = set(data.cells.loc[data.cells["period"] == period, "region"])
        drawn = {s.polygon_region(codes)(fid) for fid in maps.projected(s.layer, 2)}
        assert codes - {"EU28", "EU27_2020", "DE", "FR", "HR", "NL", "UK"} <= drawn, period
