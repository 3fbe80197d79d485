"""Random and hostile query parameters on every page (hypothesis + AppTest).

The parameters each page reads are taken from its source (every ``ui.<widget>(key=...)`` call),
so a new widget is fuzzed as soon as it exists. Every page must render without an exception,
show a note when a parameter it reads carries a value it does not know, and never echo markup.
"""

import ast
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard import registry, sitemap

from .test_app import run_app, run_page

VIEWS = Path(__file__).resolve().parents[2] / "dashboard" / "views"
PAGES = list(sitemap.PAGES)
HOSTILE = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "../../etc/passwd",
    "..%2F..%2Fetc%2Fpasswd", "9" * 400, "-1", "1e308", "NaN", "0x7fffffff", "'; DROP TABLE x;--",
    "=HYPERLINK(\"http://x\")", "\u202egnp.exe", "%00", "RU-XX", "ZZZ", "9999-0001", "1990-",
    "{{7*7}}", "$(rm -rf /)", "`code`", "**bold**", "[link](javascript:alert(1))",
    "²", "١٩٩٠", "9" * 5000,  # isdigit() but not int(); int() refuses over 4,300 digits
]  # fmt: skip


VALUE_TOOLS = ["values", "scale", "base"]  # common.value_tools(ui, ...) reads these


def declared(func: str, args: list) -> list[str]:
    """The URL keys a helper draws from a chart's declaration: ``common.control(ui, name,
    param)`` and ``common.check_unshown(ui, name, param)`` one, ``common.controls(ui, name)``
    and ``common.chart(ui, name)`` every labelled parameter, ``common.year_player(ui, name)``
    its ``year`` and ``common.choose_system(ui, name)`` its ``system``."""
    texts = [a.value for a in args if isinstance(a, ast.Constant)]
    if func in ("control", "check_unshown") and len(texts) == 2:
        return [registry.entry(texts[0]).param(texts[1]).url]
    if func in ("controls", "chart") and texts:
        e = registry.entry(texts[0])
        return [e.param(k).url for k, p in e.params.items() if p.label]
    if func in ("year_player", "choose_system") and texts:  # its "year", its "system"
        return [registry.entry(texts[0]).param("year" if func == "year_player" else "system").url]
    return []


def params_read(page: str) -> list[str]:
    """The URL parameters a page reads: ``ui.<widget>(key=...)``, a helper given the page's
    ``ui`` with ``key=``, ``common.value_tools(ui, ...)`` and the
    widgets drawn from a chart's declared parameters (:func:`declared`)."""
    keys = []
    for node in ast.walk(ast.parse((VIEWS / f"{page}.py").read_text("utf-8"))):
        func = getattr(node, "func", None)
        if not isinstance(func, ast.Attribute):
            continue
        gets_ui = any(getattr(a, "id", None) == "ui" for a in node.args)
        if getattr(func.value, "id", None) == "ui" or gets_ui:
            keys += [k.value.value for k in node.keywords if k.arg == "key"]
        if func.attr == "value_tools" and gets_ui:
            keys += VALUE_TOOLS
        if gets_ui:
            keys += declared(func.attr, node.args)
    return keys


def test_the_pages_read_the_parameters_we_expect():
    assert set(params_read("home")) == {
        "countries",
        "measure",
        "events",
        "view",
        "years",
        "mapmode",
        "map_year",
        *VALUE_TOOLS,
    }
    assert {"view", "map_of", "mapmode", "map_year", *VALUE_TOOLS} <= set(
        params_read("guns_vs_butter")
    )
    assert {"group", "years", "military", "civilian", "effects"} <= set(
        params_read("guns_vs_butter")
    )
    assert {"system", "industry", "measure", "period", "spec"} <= set(params_read("dependence"))
    assert {"controls", "effects", "se", "transform", "sample"} <= set(
        params_read("guns_vs_butter")
    )
    assert {"regions", "map", "war_fn", "war_base", "war_final"} <= set(params_read("russia"))


values = st.one_of(st.sampled_from(HOSTILE), st.text(min_size=1, max_size=40))


@pytest.mark.parametrize("page", PAGES)
def test_hostile_links_render_with_a_note(store_env, page):
    keys = params_read(page)

    @settings(
        max_examples=6,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(
        chosen=st.dictionaries(
            st.sampled_from([*keys, "unknown_param"]), values, min_size=1, max_size=4
        )
    )
    def check(chosen):
        # the home page is the default: a link to it is read on the very first run
        at = (
            run_app(**chosen)
            if page == sitemap.DEFAULT
            else run_page(sitemap.PAGES[page].script, **chosen)
        )
        assert not at.exception, (chosen, at.exception)
        shown = " ".join(
            e.value
            for kind in ("markdown", "caption", "info", "warning", "error")
            for e in at.get(kind)
        )
        outside_code = re.sub(r"`[^`]*`", "", shown)  # a code span shows markup as text
        assert "<script" not in outside_code and "<img" not in outside_code, chosen
        read = [k for k in chosen if k in keys and chosen[k].strip()]
        if read:  # a value the page reads and does not know gets a visible note
            assert at.info or at.warning, chosen

    check()


@pytest.mark.parametrize(
    ("page", "params"),
    [
        ("home", {"base": "²"}),
        ("home", {"view": "map", "map_year": "²"}),
        ("home", {"values": "index", "base": "9" * 5000}),
        ("home", {"countries": "UKR", "values": "index"}),  # the slider's 1949: no figure
        ("home", {"countries": "RUS", "values": "index", "base": "1950"}),
        ("guns_vs_butter", {"base": "²"}),
        ("guns_vs_butter", {"years": "1960-2025", "values": "index"}),  # health from 2000
    ],
)
def test_crafted_links_and_index_bases_do_not_break_a_page(store_env, page, params):
    at = (
        run_app(**params)
        if page == sitemap.DEFAULT
        else run_page(sitemap.PAGES[page].script, **params)
    )
    assert not at.exception, (params, at.exception)
    if params.get("values") == "index" and params.get("countries"):
        said = " ".join(c.value for c in at.caption)
        assert "the first year they share" in said, said  # the base year used, and why


def test_an_index_on_a_year_without_figures_falls_back_to_the_first_shared_year(store_env):
    from dashboard import registry

    b = registry.build("milex_series", {"countries": ("UKR",), "values": "index", "base": 1900})
    assert b.params["base"] == 1993 and "No chosen country has a figure for 1900" in b.chart.alt
    g = registry.build("gvb_series", {"years": "1960-2025", "values": "index"})
    assert g.params["base"] == 2000  # health spending (WHO) starts in 2000
    g = registry.build("gvb_series", {"years": "1960-2025", "values": "index", "base": 1970})
    assert g.params["base"] == 2000 and "no figures for 1970" in g.chart.alt
