"""Country geometries: our own GeoJSON in the store, and the SVG choropleth built from it."""

import json

import numpy as np
import pandas as pd
import pytest

from dashboard import charts, geo, store


def test_geometries_are_in_the_store_after_a_pull(store_env):
    geo.countries.cache_clear()
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
    monkeypatch.setenv("LABORDASH_URL_GEOMETRIES", "http://127.0.0.1:9/none.geojson")
    geo.countries.cache_clear()
    with pytest.raises(geo.GeometryMissing, match="run `labordash pull`"):
        geo.countries()
    geo.countries.cache_clear()


def test_equal_earth_projection_reference_points():
    x, y = charts.equal_earth(np.array([0.0, 180.0, 0.0]), np.array([0.0, 0.0, 90.0]))
    assert x[0] == 0 and y[0] == 0
    # Equal Earth on the unit sphere: equator half-width 2.7066, pole height 1.3173
    assert x[1] == pytest.approx(2.7066, abs=1e-3)
    assert y[2] == pytest.approx(1.3173, abs=1e-3)


def test_choropleth_colours_by_class_and_marks_missing(store_env):
    vals = pd.Series({"RUS": 7.5, "UKR": 34.0, "DEU": 2.4})
    c = charts.choropleth(vals, geo.countries(), title="t", subtitle="s", source="src",
                          unit="% of GDP", breaks=[0, 1, 2, 3, 5, 10])  # fmt: skip
    fills = {t.name: t.fillcolor for t in c.figure.data if t.fill == "toself"}
    assert fills["RUS"] != fills["UKR"] != fills["DEU"]
    assert fills["FRA"] == "#e6e6e6"  # no data
    assert "ATA" not in fills  # Antarctica left out
    legend = [t.name for t in c.figure.data if t.showlegend is not False and t.fill != "toself"]
    assert legend == ["0.0 to 1.0", "1.0 to 2.0", "2.0 to 3.0", "3.0 to 5.0", "5.0 to 10.0",
                      "10.0+", "no data"]  # fmt: skip
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
