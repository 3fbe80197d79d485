"""The tidy store: pull from the mirror, atomic replacement, read() filters, and the CLI."""

import json
import os

import pytest
from typer.testing import CliRunner

from dashboard import store
from dashboard.cli import app
from dashboard.schema import COLUMNS
from tests.conftest import MIRROR, SIPRI_XLSX, sipri_copy_damaged


def test_pull_builds_every_dataset_with_a_manifest(store_env):
    man = store.manifest()
    assert set(man) == set(store.MODULES)
    for ds, entry in man.items():
        df = store.read(ds)
        assert list(df.columns[: len(COLUMNS)]) == COLUMNS
        small = {"monotowns": 300, "rosstat_gosfin": 100}  # 312 towns; 121 national figures
        assert len(df) == entry["rows"] > small.get(ds, 1000)
        assert entry["source_files"] and all(len(f["sha256"]) == 64 for f in entry["source_files"])
        assert not any("/" in f["file"] for f in entry["source_files"])  # no absolute paths
    sipri = man["sipri_milex"]
    assert sipri["vintage"] == "SIPRI Milex 1949-2025 v1.2"
    assert sipri["source_files"][0]["sha256"].startswith("6cc3a30b1064f9f0")
    assert man["wdi"]["vintage"] == "WDI, updated 2021-12-16 to 2026-07-13"


def test_read_filters(store_env):
    r = store.read("sipri_milex", geo="RUS", indicator="milex_gdp_share")
    assert set(r.geo) == {"RUS"} and set(r.indicator) == {"milex_gdp_share"}
    assert r.loc[r.year == 2025, "value"].item() == pytest.approx(7.501484654936362)
    several = store.read("wdi", geo=["RUS", "UKR"], indicator="SP.POP.TOTL", year=2024)
    assert sorted(several.geo) == ["RUS", "UKR"]
    assert store.read("sipri_milex", geo="NOWHERE").empty
    with pytest.raises(KeyError, match="no column 'colour'"):
        store.read("sipri_milex", colour="red")
    with pytest.raises(KeyError, match="unknown dataset"):
        store.read("nope")


def test_reads_are_cached_and_do_not_leak_mutations(store_env):
    store._read_parquet.cache_clear()
    a = store.read("owid")
    a.loc[:, "value"] = -1.0
    b = store.read("owid")
    assert (b["value"] >= 0).all()
    assert store._read_parquet.cache_info().hits >= 1


def test_missing_dataset_says_how_to_fix(home):
    with pytest.raises(store.StoreMissing, match="labordash pull sipri_milex"):
        store.read("sipri_milex")


@pytest.fixture
def damaged_mirror(tmp_path):
    """A mirror whose newest SIPRI release is damaged; the other sources are the real files."""
    m = tmp_path / "mirror"
    (m / "sipri").mkdir(parents=True)
    os.symlink(SIPRI_XLSX, m / "sipri" / SIPRI_XLSX.name)
    sipri_copy_damaged(m / "sipri" / "SIPRI-Milex-data-1949-2025_v1.3.xlsx")
    for src in ("owid", "who", "worldbank", "cofog"):
        os.symlink(MIRROR / src, m / src)
    return m


def test_failed_source_keeps_previous_version_and_others_still_build(
    home, damaged_mirror, monkeypatch
):
    first = store.pull(["sipri", "owid"])
    assert all(r.ok for r in first)
    before = store.parquet_path("sipri_milex").read_bytes()
    entry_before = store.manifest()["sipri_milex"]
    owid_built = store.manifest()["owid"]["built"]

    monkeypatch.setenv("LABORDASH_MIRROR", str(damaged_mirror))
    results = {r.dataset: r for r in store.pull(["sipri", "owid"])}
    assert not results["sipri_milex"].ok
    assert (
        "SIPRI-Milex-data-1949-2025_v1.3.xlsx: not a readable xlsx" in results["sipri_milex"].error
    )
    assert results["owid"].ok
    assert store.parquet_path("sipri_milex").read_bytes() == before
    assert store.manifest()["sipri_milex"] == entry_before
    assert store.manifest()["owid"]["built"] >= owid_built
    assert len(store.read("sipri_milex")) == entry_before["rows"]
    assert not list(store.parquet_path("sipri_milex").parent.glob("*.tmp"))


def test_bug_in_one_parser_is_reported_not_raised(home, monkeypatch):
    from dashboard.sources import owid

    def boom(**_):
        raise ZeroDivisionError("simulated bug")

    monkeypatch.setattr(owid, "load", boom)
    results = store.pull(["owid", "cofog"])
    assert results[0].ok is False and "unexpected ZeroDivisionError" in results[0].error
    assert results[1].ok is True


runner = CliRunner()


def test_cli_pull_and_sources(home):
    res = runner.invoke(app, ["pull", "--mirror", str(MIRROR), "owid", "who"])
    assert res.exit_code == 0, res.output
    assert "ok owid" in res.output and "ok who_ghed" in res.output
    res = runner.invoke(app, ["sources"])
    assert res.exit_code == 0
    out = " ".join(res.output.split())
    assert "SIPRI Military Expenditure Database 2026" in out  # citations for all, pulled or not
    assert "not pulled" in out and "9,797" in out  # owid rows
    assert "covers: 1870-2024; 27 aggregates, 206 countries from: mirror (2 files)" in out
    assert "CC BY-NC-SA 3.0 IGO" in out


@pytest.mark.slow  # pulls from a damaged mirror (18 s)
def test_cli_errors(home, damaged_mirror):
    res = runner.invoke(app, ["pull", "nonsense"])
    assert res.exit_code == 2 and "unknown source 'nonsense'" in res.output
    res = runner.invoke(app, ["pull", "--mirror", str(damaged_mirror), "sipri"])
    assert res.exit_code == 1
    assert "FAILED sipri_milex" in res.output and "previous versions were kept" in res.output
    res = runner.invoke(app, ["pull", "--mirror", "/no/such/dir"])
    assert res.exit_code == 2


@pytest.mark.parametrize("cmd", [[], ["pull"], ["sources"], ["run"]])
def test_help_texts(cmd):
    res = runner.invoke(app, [*cmd, "--help"])
    assert res.exit_code == 0 and "Usage" in res.output


def test_manifest_is_valid_json(store_env):
    doc = json.loads((store_env / "store" / "manifest.json").read_text())
    assert doc["owid"]["labordash_version"]


def test_a_pull_may_go_without_the_datasets_it_names(home, monkeypatch):
    """An image build fails when a dataset fails, unless --allow-missing names it."""
    from typer.testing import CliRunner

    from dashboard.cli import app

    monkeypatch.delenv("LABORDASH_MIRROR")
    monkeypatch.setenv("LABORDASH_URL_SIPRI_MILEX", "http://127.0.0.1:9/sipri.xlsx")
    monkeypatch.setenv("LABORDASH_DEADLINE", "0.5")  # no retries: nothing listens there
    failed = CliRunner().invoke(app, ["pull", "sipri_milex"])  # and the map geometries
    assert failed.exit_code == 1 and "2 of 2 dataset(s) failed" in failed.output
    some = CliRunner().invoke(app, ["pull", "sipri_milex", "--allow-missing", "sipri_milex"])
    assert some.exit_code == 1 and "1 of 2 dataset(s) failed" in some.output
    both = ["--allow-missing", "sipri_milex,geometries"]
    allowed = CliRunner().invoke(app, ["pull", "sipri_milex", *both])
    assert allowed.exit_code == 0, allowed.output
    assert "allowed to be missing: geometries, sipri_milex" in allowed.output
