"""The chart registry: every chart the pages draw builds by name with its defaults, cites its
datasets, round-trips through an export spec, and is the chart on screen."""

import json
import re
import tomllib
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from dashboard import charts, registry, sitemap, store
from dashboard.catalog import catalog
from dashboard.cli import app

VIEWS = Path(__file__).resolve().parents[2] / "dashboard" / "views"


def footer_of(fig) -> str:
    """The house-style source line (page text below the figure, composed into exports)."""
    from dashboard import charts

    source = charts.texts(fig)["source"]
    return source if source.startswith(("Source: ", "Sources: ")) else ""


def test_every_chart_builds_with_its_defaults(store_env):
    listing = registry.listing()
    assert len(listing) >= 20
    for item in listing:
        b = registry.build(item["name"])
        assert b.datasets and set(b.datasets) <= set(item["datasets"]), item["name"]
        assert set(b.datasets) <= set(store.available()), item["name"]
        assert item["page"] in sitemap.PAGES
        if item["kind"] == "table":
            assert len(b.table) and b.title
            continue
        fig = b.chart.figure
        footer = footer_of(fig)
        texts = charts.texts(fig)
        assert texts["title"] and texts["subtitle"], item["name"]
        assert footer, item["name"]
        for ds in b.datasets:  # every dataset plotted is cited with its producer
            from dashboard.catalog import origin

            assert origin(ds).producer in footer, (item["name"], ds)
        assert len(b.chart.alt) > 40 and len(b.chart.data), item["name"]


def test_every_chart_a_page_draws_is_registered():
    pages: dict[str, set[str]] = {}  # entry -> the pages that show it
    for p in sitemap.PAGES.values():
        text = (VIEWS / f"{p.key}.py").read_text("utf-8")
        calls = "show|built|change_table|registered_table|chart|controls|control"
        pattern = rf'common\.(?:{calls})\(\s*(?:ui,\s*)?"(\w+)"'
        for n in set(re.findall(pattern, text)):
            pages.setdefault(n, set()).add(p.key)
        assert "go.Figure" not in text and "pivot" not in text, p.key  # pages are layout
    # each entry is shown on the page it is registered to (and may be on others: the arms
    # measures are on the Russia page and the profile of a Russian region)
    assert all(registry.entry(n).page in on for n, on in pages.items()), pages
    assert pages["russia_arms_measures"] == {"russia", "profile"}
    registered = {i["name"] for i in registry.listing()}
    assert set(pages) == registered - {"russia_social_map"}  # kept for earlier spec files


def test_social_chart_cites_household_income(store_env):
    b = registry.build("social_indicators", {"system": "nuts2", "region": "DE11"})
    footer = footer_of(b.chart.figure)
    assert b.datasets == ["eurostat_nuts_gdp", "eurostat_nuts_income"]
    assert "nama_10r_2hhinc" in footer and "nama_10r_2gdp" in footer


def test_export_spec_round_trips(store_env):
    b = registry.build(
        "gvb_series", {"group": "custom", "countries": "RUS,UKR", "years": "2010-2024"}
    )
    spec = tomllib.loads(registry.spec_toml(b))["chart"][0]
    assert spec["chart"] == "gvb_series" and spec["params"]["countries"] == ["RUS", "UKR"]
    again = registry.build(spec["chart"], spec["params"])
    assert again.title == b.title and again.chart.data.equals(b.chart.data)
    # a default of None is written as what it resolved to
    d = registry.build("dependence_map", {"system": "us_county"})
    params = tomllib.loads(registry.spec_toml(d))["chart"][0]["params"]
    assert params["industry"] == "defense_related" and params["period"] == "2016-Q4"


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("pie", {}, "unknown chart 'pie'"),
        ("region_mix", {"colour": "red"}, "unknown parameter(s) ['colour']"),
        ("region_mix", {"system": "jp_prefecture"}, "is not one of"),
        ("dependence_ranking", {"top": "many"}, "wants a whole number"),
        ("gvb_series", {"years": "2030-2040"}, "years must lie within"),
        ("milex_series", {"years": "1990"}, "years must be first-last"),
        ("milex_series", {"countries": "RUS,XYZ"}, "not SIPRI's countries with figures: XYZ"),
        ("gvb_cofog", {"group": "custom", "countries": "XYZ"}, "with a military measure: XYZ"),
        # a year outside the years chosen (the page's slider offers only those)
        ("gvb_world_map", {"years": "2000-2010", "year": 2015}, "year from 2000 to 2010"),
        ("gvb_series", {"values": "index", "base": 1990}, "base must be a year from 2000"),
        ("gvb_model", {"sample": "some"}, "sample 'some' is not one of auto"),
        ("russia_wages", {"regions": "RU-XX"}, "not Russian federal subjects"),
        # the industries are the chosen system's: Rosstat's partition, not OKVED letters
        ("dependence_map", {"system": "ru_subject", "industry": "C"}, "'C' is not in ru_subject"),
        ("dependence_map", {"system": "us_state", "period": "1999"}, "period '1999' is not one"),
    ],
)
def test_bad_specs_are_named(store_env, name, params, message):
    with pytest.raises(registry.SpecError) as err:
        registry.build(name, params)
    assert message in str(err.value)


def test_export_list_json_names_every_chart(store_env):
    res = CliRunner().invoke(app, ["export", "--list", "--json"])
    assert res.exit_code == 0, res.output
    items = json.loads(res.output)
    by_name = {i["name"]: i for i in items}
    assert {
        "milex_series",
        "gvb_series",
        "gvb_scatter",
        "gvb_world_map",
        "gvb_cofog",
        "gvb_rolling_correlation",
        "russia_wages",
        "russia_map",
    } <= set(by_name)
    assert by_name["dependence_ranking"]["params"]["top"] == 20
    assert by_name["milex_series"]["page"] == "home"
    assert by_name["gvb_model"]["kind"] == "table"
    assert by_name["russia_map"]["datasets"]
    text = CliRunner().invoke(app, ["export", "--list"])
    assert text.exit_code == 0 and "gvb_world_map" in text.output


def test_export_writes_a_model_table_as_csv(store_env, tmp_path):
    res = CliRunner().invoke(
        app, ["export", "--chart", "gvb_model", "--param", "sample=all", "--out", str(tmp_path)]
    )
    assert res.exit_code == 0, res.output
    csv = next(tmp_path.glob("gvb_model*.csv")).read_text("utf-8")
    assert csv.startswith("term,") and "Military expenditure (SIPRI), % of GDP" in csv
    bad = CliRunner().invoke(app, ["export", "--chart", "gvb_model", "--format", "png"])
    assert bad.exit_code == 2 and "csv (a table)" in bad.output


def test_the_rows_the_model_left_out_are_a_registered_table(store_env, tmp_path):
    """The model's "rows dropped" counts, once page-only: the same fit as the model table,
    written by `labordash export` as CSV."""
    spec = {"sample": "all", "transform": "first_difference"}
    model = registry.build("gvb_model", spec).notes["result"]
    left = registry.build("gvb_model_sample", spec)
    assert dict(zip(left.table["reason"], left.table["rows"], strict=True)) == model.dropped
    assert model.dropped["no previous year (first difference)"] > 0
    assert left.notes["sample"].startswith(f"Sample: {model.n_entities} countries, 2001-2022, ")
    argv = ["export", "--chart", "gvb_model_sample", "--out", str(tmp_path)]
    for k, v in spec.items():
        argv += ["--param", f"{k}={v}"]
    res = CliRunner().invoke(app, argv)
    assert res.exit_code == 0, res.output
    csv = next(tmp_path.glob("gvb_model_sample*.csv")).read_text("utf-8")
    assert csv.startswith("reason,rows") and "no previous year (first difference)," in csv


def test_the_group_codes_and_the_catalog_are_exported_like_the_page_shows_them(store_env, tmp_path):
    """The two tables that were page-only: an industry group's codes (Dependence's expander)
    and the Data page's catalog, from `labordash export` as CSV."""
    group = ["system=us_county", "industry=defense_related", "period=2016-Q1"]
    args = [a for p in group for a in ("--param", p)]
    res = CliRunner().invoke(
        app, ["export", "--chart", "industry_group_table", *args, "--out", str(tmp_path)]
    )
    assert res.exit_code == 0, res.output
    got = next(tmp_path.glob("industry_group_table*.csv"))
    codes = pd.read_csv(got, dtype={"code": str})
    assert len(codes) == 9 and "336414" in set(codes["code"])  # guided missiles and space vehicles
    res = CliRunner().invoke(app, ["export", "--chart", "data_catalog", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    cat = pd.read_csv(next(tmp_path.glob("data_catalog*.csv")))
    assert len(cat) == len(catalog()) and "sipri_milex" in set(cat["dataset"])
    sipri = cat.set_index("dataset").loc["sipri_milex"]
    assert sipri["producer"].startswith("Stockholm International Peace Research Institute")


@pytest.mark.parametrize(
    ("page", "params", "key", "name", "spec"),
    [
        (
            "dependence",
            {"system": "ru_subject", "measure": "share"},
            "bars",
            "dependence_ranking",
            {"system": "ru_subject", "measure": "share"},
        ),
        (
            "profile",
            {"system": "nuts2", "region": "FR10"},
            "mix",
            "region_mix",
            {"system": "nuts2", "region": "FR10"},
        ),
        ("guns_vs_butter", {"group": "nato"}, "map", "gvb_world_map", {}),
    ],
)
def test_the_export_is_the_chart_on_screen(store_env, page, params, key, name, spec):
    """What ``labordash export`` renders has the page's title, subtitle, axis titles and
    source line (the page and the CLI call the same builder)."""
    from .test_app import chart_spec, run_page

    at = run_page(sitemap.PAGES[page].script, **params)
    assert not at.exception, at.exception
    screen = chart_spec(at, key)["layout"]
    built = registry.build(name, spec).chart.figure.to_plotly_json()["layout"]
    assert screen["meta"] == built["meta"]  # title, subtitle and source line
    for axis in ("xaxis", "yaxis"):
        assert screen.get(axis, {}).get("title") == built.get(axis, {}).get("title")
    assert [a["text"] for a in screen.get("annotations", [])] == [
        a["text"] for a in built.get("annotations", [])
    ]
    assert screen.get("shapes") == built.get("shapes")  # reference lines


def test_parameters_keep_their_types_through_a_second_resolve(store_env):
    """The page cache resolves parameters that were resolved already (warm-up and pages share
    keys): numbers stay numbers, lists stay tuples, text from a spec becomes the default's type
    (checked against the store's countries and years)."""
    once = registry.resolve("dependence_ranking", {"top": "5", "system": "nuts2"})
    assert once["top"] == 5 and registry.resolve("dependence_ranking", once) == once
    years = registry.resolve("gvb_world_map", {"year": 2020})
    assert years["year"] == 2020 and registry.resolve("gvb_world_map", years) == years
    c = registry.resolve("gvb_series", {"countries": "RUS, UKR"})
    assert c["countries"] == ("RUS", "UKR") and registry.resolve("gvb_series", c) == c


def test_every_registered_table_writes_markdown_and_latex(store_env):
    """The page's Markdown and LaTeX buttons of every table, with its defaults (a nullable
    integer column's empty cell once made them fail: pd.NA has no truth value)."""
    from dashboard.views.common import table_text

    tables = [e.name for e in registry.REGISTRY.values() if e.kind == "table"]
    assert {"dependence_table", "concentration_table", "russia_budget_table"} <= set(tables)
    for name in tables:
        b = registry.build(name)
        md = table_text(b, "md", notes=["Sample: the defaults."])
        tex = table_text(b, "tex", notes=["Sample: the defaults."])
        assert md.startswith(f"**{b.title}**") and "|---" in md.replace(":", ""), name
        assert "\\begin{tabular}" in tex and "Sample: the defaults." in tex, name
