"""What the app sends before any page: the plotly preload names the chunk Streamlit's frontend
imports, takes no room; the warm-up chart is hidden and last; and every figure the pages share
carries a digest for Plotly.react."""

import json
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
import streamlit
from streamlit.testing.v1 import AppTest

from dashboard import charts, frontend

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
JS = Path(streamlit.__file__).parent / "static" / "static" / "js"


def test_the_preload_imports_the_chunk_the_frontend_imports():
    chunk = frontend.plotly_chunk()
    assert chunk and chunk.startswith("PlotlyChart.") and (JS / chunk).exists()
    # the frontend's bundle imports it by this name, relative to itself: the same module
    assert any(f"./{chunk}" in p.read_text("utf-8", errors="ignore") for p in JS.glob("index.*.js"))
    html = frontend.preload_html()
    assert f"'{chunk}'" in html and "import(new URL(" in html
    assert "script[data-preload]) {display: none}" in html  # its element takes no room


def test_the_preload_is_the_apps_first_element(store_env):
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert not at.exception
    first = at.main.children[0].proto
    assert first.unsafe_allow_javascript and frontend.plotly_chunk() in first.body


def _revision(fig: go.Figure) -> str:
    chart = charts.still(charts.Chart(fig, "", None))
    return json.loads(pio.to_json(chart.figure, validate=False))["layout"]["datarevision"]


def test_shared_figures_carry_a_digest_that_changes_with_them():
    a = _revision(go.Figure(go.Scatter(x=[1, 2], y=[3, 4])))
    assert a == _revision(go.Figure(go.Scatter(x=[1, 2], y=[3, 4])))  # the same figure
    assert a != _revision(go.Figure(go.Scatter(x=[1, 2], y=[3, 5])))  # new data
    assert a != _revision(go.Figure(go.Scatter(x=[1, 2], y=[3, 4]), layout={"title": "t"}))


def test_every_page_carries_the_warm_up_chart_hidden_and_last(store_env):
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert not at.exception
    plots = at.get("plotly_chart")
    assert len(plots) > 1 and plots[-1].key == frontend.WARM_KEY  # after the page's charts
    spec = json.loads(plots[-1].proto.spec)
    assert [t["visible"] for t in spec["data"]] == [False]  # draws no trace element
    assert any(
        f".st-key-{frontend.WARM_KEY} {{display: none}}" in h.proto.body for h in at.get("html")
    )
    # shared, and small: Streamlit sends an element this size again on every rerun
    assert frontend.warm_figure() is frontend.warm_figure()
    assert len(plots[-1].proto.spec) < 500
