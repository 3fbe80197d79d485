"""A chart in the new shape: one builder whose declaration holds its parameters (label, URL key,
choices, how they read, default) and one line on a page. The page's widget, the URL state, the
check of a link's values and the export all come from that declaration; nothing else is
written for it. Synthetic: no store, no mirror."""

import pandas as pd
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import charts, registry
from dashboard.building import Built, Param, chart

KINDS = {"a": "Alpha", "b": "Beta"}
CALLS: list[str] = []


@chart(
    "russia",
    ["sipri_milex"],
    key="toy",
    params={"kind": Param("Kind of toy", "toy_kind", list(KINDS), KINDS)},
)
def toy_chart(kind: str = "a") -> Built:
    """A toy chart: one bar whose height is its kind's position."""
    CALLS.append(kind)
    data = pd.DataFrame({"kind": [kind], "value": [list(KINDS).index(kind) + 1]})
    fig = go.Figure(go.Bar(x=data["kind"], y=data["value"]))
    fig.update_layout(title={"text": f"Toy {KINDS[kind]}"})
    return Built(charts.Chart(fig, f"One bar for {KINDS[kind]}.", data), ["sipri_milex"])


def page() -> None:  # the page's one line (and its URL scope)
    from dashboard.views import common, url_state

    common.chart(url_state.Scope("toy"), "toy_chart")


@pytest.fixture
def registered(monkeypatch):
    """``toy_chart`` in the registry, as its line in a builder module's BUILDERS puts it;
    counts the registry's checks of parameters."""
    from dashboard.views import common

    monkeypatch.setitem(registry.REGISTRY, "toy_chart", registry.Entry.of(toy_chart))
    common.CACHE.clear()  # the pages' shared builds: each test starts without the toy's
    checks: list[str] = []
    resolve = registry.resolve
    monkeypatch.setattr(registry, "resolve", lambda n, p: checks.append(n) or resolve(n, p))
    CALLS.clear()
    return checks


def run(**query) -> AppTest:
    at = AppTest.from_function(page, default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def test_the_widget_and_url_come_from_the_declaration(registered):
    at = run(toy_kind="b")
    assert not at.exception, at.exception
    box = at.selectbox(key="toy:toy_kind")
    assert box.label == "Kind of toy" and box.options == ["Alpha", "Beta"]
    assert box.value == "b" and at.query_params["toy_kind"] == "b"
    assert [c.key for c in at.get("plotly_chart")] == ["toy"]
    assert CALLS == ["b"] and registered == ["toy_chart"]  # checked once, built once
    box.set_value("a").run()
    assert CALLS == ["b", "a"] and "toy_kind" not in at.query_params  # the default: no key
    assert "One bar for Alpha." in " ".join(c.value for c in at.caption)
    assert {b.key for b in at.get("download_button")} >= {"x_toy_csv", "x_toy_zip"}


def test_a_links_unknown_value_is_named_and_the_default_shown(registered):
    at = run(toy_kind="<zz>")
    assert not at.exception, at.exception
    assert any("Unknown kind of toy `<zz>`" in i.value for i in at.info)
    assert at.selectbox(key="toy:toy_kind").value == "a" and CALLS == ["a"]


def test_the_registry_checks_values_and_lists_the_chart(registered):
    with pytest.raises(registry.SpecError, match="kind 'c' is not one of a, b"):
        registry.build("toy_chart", {"kind": "c"})
    assert CALLS == []  # the builder never sees a value outside its choices
    assert registry.build("toy_chart", {"kind": "b"}).params == {"kind": "b"}
    item = next(i for i in registry.listing() if i["name"] == "toy_chart")
    assert item["params"] == {"kind": "a"} and item["choices"] == {"kind": ["a", "b"]}
    assert [e.key for e in registry.on_page("russia", kind="chart") if e.name == "toy_chart"] == [
        "toy"
    ]
