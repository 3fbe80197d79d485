"""Country geometries: our own GeoJSON in the store, and the SVG choropleth built from it."""

import json
import shutil

import numpy as np
import pandas as pd
import pytest

from dashboard import charts, geo, reference, store


def test_geometries_are_in_the_store_after_a_pull(store_env):
    geo.layer.cache_clear()
    doc = geo.countries()
    assert geo.stored_path().exists()
    ids = {f["id"] for f in doc["features"]}
    assert len(ids) == len(doc["features"]) == 177
    # Natural Earth writes -99 in ISO_A3 for France and Norway; ISO_A3_EH has the codes
    assert {"FRA", "NOR", "RUS", "UKR", "USA", "CHN"} <= ids
    assert "-99" not in ids
    russia = next(f for f in doc["features"] if f["id"] == "RUS")
    assert russia["properties"] == {"name": "Russia"}
    assert russia["geometry"]["type"] == "MultiPolygon"


def test_missing_geometries_give_a_clear_error(home, monkeypatch):
    monkeypatch.delenv("LABORDASH_MIRROR")
    monkeypatch.setenv("LABORDASH_URL_GEO_COUNTRIES", "http://127.0.0.1:9/none.geojson")
    geo.layer.cache_clear()
    with pytest.raises(geo.GeometryMissing, match="run `labordash pull`"):
        geo.countries()
    geo.layer.cache_clear()


def test_equal_earth_projection_reference_points():
    x, y = charts.equal_earth(np.array([0.0, 180.0, 0.0]), np.array([0.0, 0.0, 90.0]))
    assert x[0] == 0 and y[0] == 0
    # Equal Earth on the unit sphere: equator half-width 2.7066, pole height 1.3173
    assert x[1] == pytest.approx(2.7066, abs=1e-3)
    assert y[2] == pytest.approx(1.3173, abs=1e-3)


def test_choropleth_colours_by_class_and_marks_missing(store_env):
    vals = pd.Series({"RUS": 7.5, "UKR": 34.0, "DEU": 2.4})
    c = charts.choropleth(
        vals,
        geo.countries(),
        title="t",
        subtitle="s",
        source="src",
        unit="% of GDP",
        breaks=[0, 1, 2, 3, 5, 10],
    )
    fills = {t.name: t.fillcolor for t in c.figure.data if t.fill == "toself"}
    assert fills["RUS"] != fills["UKR"] != fills["DEU"]
    assert fills["FRA"] == "#e6e6e6"  # no data
    assert "ATA" not in fills  # Antarctica left out
    legend = [t.name for t in c.figure.data if t.showlegend is not False and t.fill != "toself"]
    assert legend == [
        "0.0 to 1.0",
        "1.0 to 2.0",
        "2.0 to 3.0",
        "3.0 to 5.0",
        "5.0 to 10.0",
        "10.0 or more",
        "no data",
    ]
    assert "UKR 34.0" in c.alt
    # every polygon is drawn from our geometries: nothing for plotly to fetch
    assert not any(t.type in ("choropleth", "choroplethmap", "scattergeo") for t in c.figure.data)


def test_class_breaks_are_quantiles():
    vals = pd.Series(np.arange(1.0, 101.0))
    b = charts.class_breaks(vals, classes=4)
    assert b == [1.0, 26.0, 50.0, 75.0]


def test_geometries_json_is_compact(store_env):
    assert geo.stored_path().stat().st_size < 400_000
    json.loads(geo.stored_path().read_text())
    assert store.available()


def test_feature_properties_are_read_without_the_coordinates(store_env, monkeypatch):
    geo.layer.cache_clear()
    layers = {k: [(f["id"], f["properties"]) for f in geo.layer(k)["features"]] for k in geo.LAYERS}
    assert set(json.loads(geo.properties_path().read_text())) == set(geo.LAYERS)

    def no_layers(key):
        raise AssertionError(f"{key} parsed with its coordinates")

    monkeypatch.setattr(geo, "layer", no_layers)
    assert {k: geo.properties(k) for k in geo.LAYERS} == layers
    assert dict(geo.properties("ru_subjects"))["RU-UD"] == {"name": "Udmurtia"}
    assert dict(geo.properties("nuts"))["UKC1"] == {
        "level": 2,
        "name": "Tees Valley and Durham",
        "version": "nuts2021",
    }
    names = reference.regions().set_index("code")["name_en"]  # every layer's names, no parse
    assert names["06037"] == "Los Angeles, CA" and names["DE11"] == "Stuttgart"
    # ids (of one NUTS level) in the layer's order, also without the coordinates
    assert geo.ids("ru_subjects") == [fid for fid, _ in layers["ru_subjects"]]
    v2024 = geo.ids("nuts2024", 2)
    assert v2024 == [fid for fid, p in layers["nuts2024"] if p["level"] == 2]
    assert "DE11" in v2024 and "DE1" not in v2024 and "UKC1" not in v2024


def test_stale_or_damaged_properties_are_read_from_the_layer(store_env, tmp_path, monkeypatch):
    shutil.copytree(store_env / "store", tmp_path / "store")
    monkeypatch.setenv("LABORDASH_HOME", str(tmp_path))
    geo.layer.cache_clear()
    doc = json.loads(geo.properties_path().read_text())
    # a layer rebuilt after the file was written: its entry names another sha256
    doc["ru_subjects"]["sha256"] = "0" * 64
    doc["ru_subjects"]["features"][0][1]["name"] = "stale"
    geo.properties_path().write_text(json.dumps(doc))
    assert "stale" not in {p["name"] for _, p in geo.properties("ru_subjects")}
    assert dict(geo.properties("ru_subjects"))["RU-TUL"] == {"name": "Tula Oblast"}
    geo.properties_path().write_text("{not json")
    assert dict(geo.properties("countries"))["RUS"] == {"name": "Russia"}
    geo.stored_path("ru_subjects").unlink()
    with pytest.raises(geo.GeometryMissing, match="labordash pull"):
        geo.properties("ru_subjects")
    geo.layer.cache_clear()


# --- coverage: which codes in the data have a polygon, per layer --------------------------


def test_layers_are_stored_with_their_codes(store_env):
    geo.layer.cache_clear()
    n = {k: len(geo.layer(k)["features"]) for k in geo.LAYERS}
    assert n == {
        "countries": 177,
        "nuts2021": 2010,
        "nuts2024": 1798,
        "nuts": 2088,
        "us_counties": 3221,
        "ru_subjects": 83,
    }
    # the NUTS layer: 2024 polygons, and 2021's for codes no longer in use (UK, NL31, NL33)
    nuts = {f["id"]: f["properties"]["version"] for f in geo.features("nuts", level=2)["features"]}
    assert len(nuts) == 299 + 46 and nuts["NL35"] == nuts["DE11"] == "nuts2024"
    assert nuts["NL31"] == nuts["UKC1"] == "nuts2021"
    assert len(geo.features("nuts2021", level=2)["features"]) == 334
    assert "DE11" in {f["id"] for f in geo.features("nuts2021", level=2)["features"]}
    assert "25013" in {f["id"] for f in geo.layer("us_counties")["features"]}


def test_coverage_countries_vs_sipri(store_env):
    codes = set(store.read("sipri_milex", geo_level="country").dropna(subset=["value"]).geo)
    cov = geo.coverage("countries", codes)
    # 1:110m has no shapes for small states and historic ones (SUN, YUG, ...)
    assert cov["share_drawn"] >= 0.87, cov["without_polygon"]
    assert {"SUN", "YUG", "CSK", "DDR", "MLT", "SGP", "BHR"} <= set(cov["without_polygon"])
    assert "RUS" not in cov["without_polygon"] and "FRA" not in cov["without_polygon"]


def test_coverage_russian_subjects(store_env):
    codes = set(store.read("rosstat_regions", geo_level="ru_subject").geo)
    cov = geo.coverage("ru_subjects", codes)
    assert cov["without_polygon"] == ["UA-40", "UA-43"]  # Sevastopol, Crimea: not in the layer
    assert cov["without_data"] == []


def test_coverage_us_counties(store_env):
    counties = set(store.read("qcew", geo_level="us_county").geo)
    cov = geo.coverage("us_counties", counties)
    assert cov["without_polygon"] == []  # 2010 geography still has 09011 New London
    assert cov["polygons"] == 3221


def test_coverage_nuts2_lfs_vs_2021_boundaries(store_env):
    codes = set(store.read("eurostat_lfs_nace", geo_level="nuts2").geo)
    cov = geo.coverage("nuts2021", codes, level=2)
    # the LFS file uses NUTS 2013 codes: regions recoded since then have no 2021 polygon
    assert cov["share_drawn"] >= 0.80, (cov["share_drawn"], cov["without_polygon"][:20])
