"""Projections and the regional choropleth builder."""

import numpy as np
import pandas as pd
import pytest

from dashboard import maps


def test_albers_centre_and_equal_area():
    x, y = maps.albers(np.array([10.0]), np.array([52.0]), 10, 43, 62, 52)
    assert x[0] == pytest.approx(0) and y[0] == pytest.approx(0)

    def cell_area(lon, lat):
        ring_lon = np.array([lon, lon + 1, lon + 1, lon, lon])
        ring_lat = np.array([lat, lat, lat + 1, lat + 1, lat])
        px, py = maps.albers(ring_lon, ring_lat, 10, 43, 62, 52)
        return abs(np.dot(px, np.roll(py, 1)) - np.dot(py, np.roll(px, 1))) / 2

    # equal-area: a 1x1 degree cell has the same area at any longitude, and shrinks with cos(lat)
    assert cell_area(-20, 50) == pytest.approx(cell_area(30, 50), rel=1e-3)
    ratio = cell_area(0, 60) / cell_area(0, 40)
    assert ratio == pytest.approx(np.cos(np.radians(60.5)) / np.cos(np.radians(40.5)), rel=0.01)


def test_views_place_insets_and_drop_what_they_cannot_place():
    lon, lat = np.array([-66.0, -65.9, -66.0]), np.array([18.2, 18.3, 18.4])
    x, y = maps._usa("72001", lon, lat)  # Puerto Rico: an inset in the Gulf of Mexico
    florida = maps._usa("12086", np.array([-80.2]), np.array([25.8]))  # Miami-Dade
    texas = maps._usa("48061", np.array([-97.5]), np.array([26.1]))  # Cameron, TX
    orleans = maps._usa("22071", np.array([-90.07]), np.array([29.95]))  # New Orleans
    assert texas[0][0] < x.min() and x.max() < florida[0][0] and y.max() < orleans[1][0]
    assert maps._europe("FRY4", np.array([55.5, 55.6]), np.array([-21.0, -21.1])) is None
    x, _ = maps._russia("RU-CHU", np.array([179.0, -179.0]), np.array([66.0, 66.0]))
    assert x[1] > x[0]  # Chukotka continues east across the antimeridian


def test_region_map_classes_suppression_and_hover(store_env):
    maps.projected.cache_clear()
    vals = pd.Series({"RU-UD": 2.0, "RU-TUL": 1.0, "RU-IVA": 0.2})
    ch = maps.region_map(
        vals,
        "ru_subjects",
        title="t",
        subtitle="s",
        source="src",
        unit="x",
        names={"RU-UD": "Udmurtia"},
        suppressed=["RU-VLA"],
        hover={"RU-UD": "rank 1 of 3"},
        breaks=[0, 0.5, 1.5],
    )
    fills = {t.fillcolor for t in ch.figure.data if t.fill == "toself"}
    assert maps.NO_DATA in fills and maps.SUPPRESSED in fills and len(fills) == 5
    hover = next(t for t in ch.figure.data if t.name == "regions")
    texts = " ".join(hover.text)
    assert "<b>Udmurtia</b> (RU-UD)<br>2.00 x<br>rank 1 of 3" in texts
    assert "suppressed" in texts
    legend = [t.name for t in ch.figure.data if t.showlegend is not False and t.name]
    assert legend[:3] == ["0.00 to 0.50", "0.50 to 1.50", "1.50 or more"]
    assert "3 of 3 regions with data drawn, 1 suppressed" in ch.alt
