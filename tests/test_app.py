"""Every page under Streamlit's AppTest: default state, real selections, odd query parameters."""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import store

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")


def run_app(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def traces(at: AppTest) -> list[str]:
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    return [t["name"] for t in spec["data"]]


def test_home_default(store_env):
    at = run_app()
    assert not at.exception
    assert at.multiselect[0].value == ["RUS", "UKR", "USA", "CHN", "DEU"]
    assert at.selectbox[0].value == "milex_gdp_share"
    assert sorted(traces(at)) == sorted(
        ["Russia", "Ukraine", "United States of America", "China", "Germany"]
    )
    captions = " ".join(c.value for c in at.caption)
    assert "Source: Stockholm International Peace Research Institute (SIPRI)" in captions
    assert "Russia 7.5 in 2025" in captions  # alt text carries the latest values
    datasets = at.dataframe[-1].value
    assert set(datasets["dataset"]) == set(store.MODULES)
    assert not at.info


def test_home_from_a_shared_link(store_env):
    at = run_app(countries=["FRA", "RUS"], measure="milex_gov_share")
    assert not at.exception
    assert at.multiselect[0].value == ["FRA", "RUS"]
    assert at.selectbox[0].value == "milex_gov_share"
    assert sorted(traces(at)) == ["France", "Russia"]
    # changing the selection writes it back to the URL
    at.multiselect[0].set_value(["UKR"]).run()
    assert at.query_params["countries"] in ("UKR", ["UKR"])


@pytest.mark.parametrize(
    "params",
    [
        {"countries": ["XXX", "<script>alert(1)</script>", "RUS"], "measure": "bogus"},
        {"countries": ["../../etc/passwd"], "measure": "9" * 400},
        {"countries": [""], "measure": ""},
        {"countries": ["RUS"] * 40 + [c for c in "ABCDEFGHIJKLMNOP"]},
    ],
)
def test_home_odd_query_parameters(store_env, params):
    at = run_app(**params)
    assert not at.exception
    assert at.selectbox[0].value == "milex_gdp_share"
    sel = at.multiselect[0].value
    assert sel and len(sel) <= 12
    notes = " ".join(i.value for i in at.info)
    for bad in params["countries"]:
        if bad and bad != "RUS" and len(bad) > 1:
            assert bad.replace("`", "")[:24] in notes
    assert "<script>" not in "".join(m.value for m in at.markdown)


def test_home_too_many_countries_are_cut(store_env):
    codes = ["RUS", "UKR", "USA", "CHN", "DEU", "FRA", "GBR", "IND", "JPN", "KOR", "POL", "TUR",
             "ISR"]  # fmt: skip
    at = run_app(countries=codes)
    assert not at.exception
    assert at.multiselect[0].value == codes[:12]
    assert any("showing the first 12" in i.value for i in at.info)


def test_home_without_sipri_shows_an_error_not_a_traceback(home):
    assert all(r.ok for r in store.pull(["owid"]))
    at = run_app()
    assert not at.exception
    assert any("SIPRI dataset is not available" in e.value for e in at.error)
    assert not at.get("plotly_chart")


def test_first_run_builds_the_store(home):
    at = run_app()
    assert not at.exception
    assert set(store.available()) == set(store.MODULES)
    assert len(at.get("plotly_chart")) == 1
