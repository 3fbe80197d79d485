"""Every page under Streamlit's AppTest: default state, real selections, odd query parameters."""

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import registry, store, systems
from dashboard.builders import guns_vs_butter as gvb
from tests.conftest import page_charts

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


def run_app(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def traces(at: AppTest) -> list[str]:
    spec = json.loads(page_charts(at)[0].proto.spec)
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
    assert not at.info
    assert [b.key for b in at.get("download_button")][:3] == [
        "x_milex_png",
        "x_milex_svg",
        "x_milex_pdf",
    ]


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
    codes = [
        "RUS",
        "UKR",
        "USA",
        "CHN",
        "DEU",
        "FRA",
        "GBR",
        "IND",
        "JPN",
        "KOR",
        "POL",
        "TUR",
        "ISR",
    ]
    at = run_app(countries=codes)
    assert not at.exception
    assert at.multiselect[0].value == codes[:12]
    assert any("showing the first 12" in i.value for i in at.info)


def test_home_without_sipri_shows_an_error_not_a_traceback(home):
    assert all(r.ok for r in store.pull(["owid"]))
    at = run_app()
    assert not at.exception
    assert any("SIPRI dataset is not available" in e.value for e in at.error)
    assert not any(str(home) in e.value for e in at.error)  # no server paths on a page
    assert not page_charts(at)


@pytest.mark.slow  # a full first-run pull (23 s)
def test_first_run_builds_the_store(home):
    from dashboard import first_run

    at = run_app()
    assert not at.exception
    # the build runs in the background; meanwhile the visitor sees its progress
    assert any("First run: building the data store" in i.value for i in at.info)
    first_run._thread.join(600)
    at.run()
    assert not at.exception
    assert set(store.available()) == set(store.MODULES)
    assert len(page_charts(at)) == 1


# --- Guns vs butter -------------------------------------------------------------------------

GVB = "views/guns_vs_butter.py"


def run_gvb(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()  # registers the st.navigation pages, then the page itself runs with the link
    at.switch_page(GVB)
    return at.run()


def chart_keys(at: AppTest) -> list[str]:
    return [c.key for c in page_charts(at)]


def draws_its_registered_charts(at: AppTest, page: str) -> bool:
    """The page draws every chart the registry says its default view shows, and nothing that
    is not a registered chart of the page (a chart in a closed expander is drawn too)."""
    drawn = set(chart_keys(at))
    shown = {e.key for e in registry.on_page(page, kind="chart", shown=True)}
    every = {e.key for e in registry.on_page(page, kind="chart")}
    assert shown <= drawn <= every, (page, sorted(drawn), sorted(shown), sorted(every))
    return True


def chart_spec(at: AppTest, key: str) -> dict:
    return json.loads(next(c for c in page_charts(at) if c.key == key).proto.spec)


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@pytest.mark.parametrize("preset", ["russia_ukraine", "nato", "brics", "eu", "all", "custom"])
def test_gvb_every_preset(store_env, preset):
    at = run_gvb(group=preset)
    assert not at.exception, at.exception
    assert at.selectbox[0].value == preset
    assert draws_its_registered_charts(at, "guns_vs_butter")
    # the default model: health (% GDP) on military burden (% GDP), two-way FE, on the selected
    # countries when there are 10 or more, else on all countries
    members = gvb.chosen(preset, tuple(gvb.DEFAULT_CUSTOM) if preset == "custom" else ())
    text = " ".join(m.value for m in at.markdown)
    n = int(metric(at, "Countries / years").split(" / ")[0])
    if len(members) >= gvb.MIN_MODEL_COUNTRIES and preset != "all":
        assert 10 <= n <= len(members) < 158 and f"Across {n} countries" in text
        assert at.selectbox(key="gvb:sample").options[0].startswith("the selected countries (")
    else:
        assert float(metric(at, "Coefficient on military")) == pytest.approx(0.119, abs=0.001)
        assert n == 158 and metric(at, "Countries / years") == "158 / 23"
        assert "Across 158 countries" in text
    assert "association, not a causal effect" in text
    table = at.dataframe[0].value
    assert table["term"].iloc[0] == "Military expenditure (SIPRI), % of GDP"


def test_gvb_small_group_series_and_cofog(store_env):
    at = run_gvb(group="custom", countries=["RUS", "DEU", "FRA"], years="1995-2020")
    assert not at.exception
    names = {t["name"] for t in chart_spec(at, "ts")["data"]}
    assert {"Russia", "Germany", "France"} <= names
    cofog = chart_spec(at, "cofog")
    assert {t["name"] for t in cofog["data"]} == {"Germany", "France"}  # Russia is not in COFOG
    # Granger tests for each selected country, rolling correlations drawn per country
    tests = next(d.value for d in at.dataframe if "lag" in d.value.columns)
    assert set(tests["country"]) == {"Russia", "Germany", "France"}
    assert {t["name"] for t in chart_spec(at, "rolling")["data"]} <= {"Russia", "Germany", "France"}


def test_gvb_model_options(store_env):
    at = run_gvb(transform="logs", effects="entity", se="HC1", controls=["gdp_pc_ppp", "pop_65"])
    assert not at.exception
    assert "log(health_gdp) ~ log(milex_gdp)" in " ".join(c.value for c in at.caption)
    table = next(d.value for d in at.dataframe if "term" in d.value.columns)
    assert all(isinstance(p, str) and p != "0.000" for p in table["pvalue"])  # "<0.001", not 0
    config = json.loads(next(d for d in at.dataframe if "term" in d.value.columns).proto.columns)
    assert config["pvalue"]["label"] == "p-value" and config["ci_low"]["label"] == "95% CI, low"
    # the rows it left out: the registry's table, the model's own counts (logs drop zeros)
    left = next(d.value for d in at.dataframe if "reason" in d.value.columns)
    assert left.set_index("reason")["rows"].get("value <= 0 (logs)", 0) > 0
    at = run_gvb(group="russia_ukraine", sample="selected")
    assert not at.exception
    assert any("Only 2 clusters" in w.value for w in at.warning)


@pytest.mark.parametrize(
    "params",
    [
        {"group": "<b>x</b>", "military": "nukes", "civilian": "", "years": "3000-1"},
        {"group": "custom", "countries": ["ZZZ", "../etc"], "map_year": "1800", "se": "x"},
        {"years": "2030-2040", "transform": "sqrt", "controls": ["nope"]},
    ],
)
def test_gvb_odd_query_parameters(store_env, params):
    at = run_gvb(**params)
    assert not at.exception, at.exception
    assert at.info  # each bad value is named in a note
    assert "<b>" not in "".join(m.value for m in at.markdown)


def test_gvb_without_geometries_warns_instead_of_failing(store_env, tmp_path, monkeypatch):
    import shutil

    from dashboard import geo

    home = tmp_path / "copy"
    shutil.copytree(store_env, home)
    (home / "store" / "geo_countries.geojson").unlink()
    monkeypatch.setenv("LABORDASH_HOME", str(home))
    monkeypatch.delenv("LABORDASH_MIRROR")
    monkeypatch.setenv("LABORDASH_URL_GEO_COUNTRIES", "http://127.0.0.1:9/none.geojson")
    geo.layer.cache_clear()
    try:
        at = run_gvb()
    finally:
        geo.layer.cache_clear()
    assert not at.exception
    assert any("map cannot be drawn" in w.value for w in at.warning)
    assert "map" not in chart_keys(at) and "scatter" in chart_keys(at)


# --- Industrial dependence, region profile, your data ---------------------------------------


def run_page(page: str, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page(page)
    return at.run()


def table_with(at: AppTest, column: str):
    """The first table on the page with ``column`` (AppTest does not expose dataframe keys)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def table_row(at: AppTest, column: str, region: str):
    return table_with(at, column).set_index("region").loc[region]


DEP = "views/dependence.py"


@pytest.mark.parametrize("system", list(systems.SYSTEMS))
def test_dependence_every_system(store_env, system):
    at = run_page(DEP, system=system)
    assert not at.exception, at.exception
    assert draws_its_registered_charts(at, "dependence")
    assert "What the data cannot say" in " ".join(m.value for m in at.markdown)
    assert any("regions with data drawn" in c.value for c in at.caption)


def test_dependence_page_shows_the_functions_numbers(store_env):
    """Hampden County's small-arms LQ, checked by hand in test_dependence, on the page."""
    at = run_page(DEP, system="us_county", industry="332994", period="2016-Q1")
    assert not at.exception
    r = table_row(at, "rank", "25013")
    assert r["lq"] == pytest.approx(64.88, rel=0.01)
    assert r["rank"] == 1 and r["name"] == "Hampden, MA"
    at = run_page(DEP, system="nuts2", industry="B-E", period="2015", measure="share")
    assert table_row(at, "rank", "DE11")["share"] == pytest.approx(639.9 / 2122.1 * 100)
    # the specialization table holds the metrics for the same region
    spec = table_row(at, "krugman", "DE11")
    assert 0 < spec["krugman"] <= 2


def test_dependence_defense_group_notes_suppression(store_env):
    at = run_page(DEP, system="us_county", industry="defense_related", period="2016-Q1")
    assert not at.exception
    notes = " ".join(m.value for m in at.markdown)
    assert "entirely suppressed" in notes
    assert table_row(at, "rank", "23023")["status"] == "suppressed"
    codes = next(d.value for d in at.dataframe if "code" in d.value.columns)
    assert len(codes) == 9  # the page shows which codes it used


def test_dependence_switching_system_resets_the_industry(store_env):
    at = run_page(DEP)
    assert at.selectbox[1].value == "B-E"
    at.selectbox[0].set_value("ru_subject").run()
    assert not at.exception
    assert at.selectbox[1].value == "manufacturing"
    assert at.query_params["system"] in ("ru_subject", ["ru_subject"])
    assert not at.info  # no "unknown industry" note for the old system's code


def test_switching_system_starts_from_the_new_systems_period(store_env):
    # the EU's last period (2015) is also a Russian one, but not the Russian default (2021)
    at = run_page(DEP)
    assert at.selectbox(key="dep:period").value == "2015"
    at.selectbox(key="dep:system").set_value("ru_subject").run()
    assert not at.exception
    assert at.selectbox(key="dep:period").value == "2021"
    at = run_page(PROFILE, system="ru_subject", period="2010")  # a link keeps its period
    assert at.selectbox(key="profile:period").value == "2010"


@pytest.mark.parametrize(
    "params",
    [
        {"system": "mars", "industry": "<script>x</script>", "measure": "9" * 300},
        {"system": "us_county", "period": "../../etc", "spec": "gini"},
        {"system": "ru_subject", "industry": "B-E", "period": "1800"},
    ],
)
def test_dependence_odd_query_parameters(store_env, params):
    at = run_page(DEP, **params)
    assert not at.exception, at.exception
    assert at.info
    assert "<script>" not in "".join(m.value for m in at.markdown)
    assert len(page_charts(at)) == 3


PROFILE = "views/profile.py"


@pytest.mark.parametrize("system", list(systems.SYSTEMS))
def test_profile_every_system(store_env, system):
    s = systems.SYSTEMS[system]
    region = s.default_region
    # a shift-share needs a reference economy (no US totals for a state) and two periods (the
    # Russian employment structure has one year)
    several = len(s.load().periods) > 1  # one period: no specialization over time either
    shift = s.reference_of is not None and several
    charts = ["mix", *(["spec"] if several else []), *(["waterfall"] if shift else []), "social"]
    at = run_page(PROFILE, system=system, region=region)
    assert not at.exception, at.exception
    assert chart_keys(at) == charts
    assert at.selectbox[1].value == region


def test_profile_numbers_and_shift_share(store_env):
    at = run_page(PROFILE, system="ru_subject", region="RU-UD", period="2021", base="2017")
    mix = table_with(at, "bench_share").set_index("industry")
    assert mix.loc["manufacturing", "share"] == pytest.approx(389363 / 780896 * 100)
    assert mix.loc["manufacturing", "value"] == 389363
    wf = chart_spec(at, "waterfall")["data"][0]
    assert wf["x"][0] == "2017" and wf["x"][-1] == "2021"
    assert wf["y"][0] + sum(wf["y"][1:-1]) == pytest.approx(wf["y"][-1])
    at = run_page(PROFILE, system="ru_subject", region="RU-UD", base="2010", final="2020")
    assert any("OKVED break" in i.value for i in at.info)
    assert "waterfall" not in chart_keys(at)


@pytest.mark.parametrize(
    "params",
    [
        {"system": "nuts2", "region": "XX99"},
        {"region": "<img src=x>", "base": "-1"},
        {"system": "us_county", "period": "2016-Q9", "final": "2999"},
    ],
)
def test_profile_odd_query_parameters(store_env, params):
    at = run_page(PROFILE, **params)
    assert not at.exception, at.exception
    assert at.info and "mix" in chart_keys(at)


def test_your_data_without_a_file(store_env):
    at = run_page("views/your_data.py")
    assert not at.exception
    assert any("No file yet" in i.value for i in at.info)
    assert "20 MB" in " ".join(m.value for m in at.markdown)


RUSSIA = "views/russia.py"


def test_russia_default_and_udmurtia_matches_the_store(store_env):
    at = run_page(RUSSIA)
    assert not at.exception, at.exception
    assert draws_its_registered_charts(at, "russia")
    assert at.multiselect[0].value[:4] == ["RU-UD", "RU-TUL", "RU-VLA", "RU-IVA"]
    table = table_with(at, "% of spending 2021").set_index(["region", "function"])
    b = store.read("roskazna_budget", geo="RU-UD", year=2021).set_index("function")["value"]
    pop = store.read(
        "ru_population", geo="RU-UD", indicator="population_avg", year=2021, territory="total"
    )["value"].iloc[0]
    row = table.loc[("Udmurt Republic", "Social policy")]
    assert row["% of spending 2021"] == round(b["10"] / b["total"] * 100, 1) == 22.3
    assert row["RUB per person 2021"] == pytest.approx(b["10"] / pop * 1000, abs=0.06)
    assert "What these numbers cannot say" in " ".join(m.value for m in at.markdown)
    # a download is not a selection: no button runs the page again (a rerun under a later
    # click could swallow that click's download)
    buttons = at.get("download_button")
    assert len(buttons) > 40 and all(b.proto.ignore_rerun for b in buttons)


@pytest.mark.parametrize("which", ["mfg_gva", "mfg_lq", "monotowns", "social"])
def test_russia_every_map(store_env, which):
    at = run_page(RUSSIA, map=which, regions=["RU-TUL", "RU-KEM"])
    assert not at.exception, at.exception
    assert at.multiselect[0].value == ["RU-TUL", "RU-KEM"]
    assert "map" in chart_keys(at)
    assert (which == "monotowns") == any("Weak provenance" in w.value for w in at.warning)


def test_russia_wartime_section(store_env):
    at = run_page(RUSSIA, war_fn="10", war_base="2019", war_final="2023")
    assert not at.exception, at.exception
    spec = json.loads(
        next(
            c for c in page_charts(at) if c.proto.id.endswith("war_map") or "war_map" in c.proto.id
        ).proto.spec
    )
    title = spec["layout"]["meta"]["title"]  # page text above the figure
    assert title == "Social policy: change in its share of the budget, 2019 to 2023"
    shares = store.read(
        "ru_budget_shares", indicator="budget_share_consolidated", function="10", geo="RU-UD"
    )
    ud = shares.set_index("year")["value"]
    from dashboard import registry

    fig = registry.build("russia_wartime_shares", {}).chart.figure  # what the page draws
    social = [t for t in fig.data if t.name == "Udmurt Republic" and t.yaxis == "y2"]
    assert list(social[0].y) == pytest.approx(list(ud.sort_index()), abs=1e-9)
    text = " ".join(i.value for i in at.info)
    assert "не подлежит публикации" in text and "Source: Rosstat" in text
    bad = run_page(RUSSIA, war_fn="99", war_base="2023", war_final="2017")
    assert not bad.exception and bad.info  # unknown section named; reversed years explained


def test_russia_odd_query_parameters(store_env):
    at = run_page(RUSSIA, regions=["<script>", "RU-XX"], map="../x")
    assert not at.exception
    assert len(at.info) >= 2  # unknown regions and unknown map, each named
    assert at.multiselect[0].value[:1] == ["RU-UD"]


# --- Methods and Data ----------------------------------------------------------------------


def test_methods_page_names_every_measure_with_its_formula_and_code(store_env):
    at = run_page("views/methods.py")
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    for measure in (
        "Location quotient",
        "Herfindahl",
        "Krugman",
        "Hoover",
        "entropy",
        "Locational Gini",
        "Dunn",
        "Esteban-Marquillas",
        "Fixed effects",
        "Clustered standard errors",
        "Granger",
        "Rolling correlation",
    ):
        assert measure in text, measure
    assert r"LQ_{ri} = \frac{s_{ri}}{b_i}" in text
    # every output column of the metrics functions is documented under its code name
    from dashboard import metrics

    cells = pd.DataFrame(
        {
            "region": ["a", "a", "b", "b"],
            "industry": ["x", "y", "x", "y"],
            "value": [1.0, 2.0, 3.0, 4.0],
        }
    )
    documented = {*metrics.specialization(cells).columns, *metrics.localization(cells).columns}
    for col in documented - {"region", "industry", "n_industries"}:
        assert f"`{col}`" in text, col
    for fn in (
        "metrics.location_quotients",
        "metrics.shift_share",
        "analysis.tradeoff_model",
        "analysis.granger",
        "analysis.rolling_correlation",
        "transforms.relative_change",
        "transforms.indexed",
        "transforms.change_between",
    ):
        assert fn in text, fn


def test_data_page_lists_the_catalog_and_withholds_sipri(store_env):
    at = run_page("views/data.py")
    assert not at.exception
    cat = table_with(at, "licence")
    assert set(cat["dataset"]) == set(store.MODULES)
    wdi = cat.set_index("dataset").loc["wdi"]
    assert wdi["rows"] == store.manifest()["wdi"]["rows"] and wdi["licence"] == "CC BY 4.0"
    # what this install covers: the mirror's QCEW files are 15 counties and 4 states
    q = cat.set_index("dataset").loc["qcew"]
    assert (q["years"], q["places"], q["from"]) == (
        "2016-2020",
        "15 US counties, 4 US states",
        "mirror (19 files)",
    )
    thin = " ".join(w.value for w in at.warning)
    assert (
        "US counties** (qcew): 15 of 3,143 counties (50 states and DC): run `labordash "
        "pull qcew` with internet for all"
        in thin
        and "US states** (qcew): 4 of 51" in thin
    )
    assert "Russian" not in thin and "NUTS" not in thin
    keys = {b.key for b in at.get("download_button")}
    assert {"dl_wdi_zip", "dl_wdi_parquet", "dl_qcew_zip"} <= keys
    assert not any(k.startswith("dl_sipri") for k in keys)
    text = " ".join(m.value for m in at.markdown)
    assert (
        "do not allow bulk redistribution" in text
        and "https://www.sipri.org/databases/milex" in text
    )
    cite = [c.value for c in at.code]
    assert any(c.startswith("@misc{labordash") for c in cite)
    assert any("labordash" in c and "accessed" in c for c in cite)


def test_arms_measures_side_by_side_with_the_median_subject(store_env):
    from dashboard import registry

    b = registry.build("russia_arms_measures", {"regions": ("RU-UD", "RU-IVA")})
    t = b.table.set_index("geo")
    assert list(t.index) == ["RU-UD", "RU-IVA", "median"]
    assert t.loc["median", "name"] == "Median subject"
    # manufacturing (section C): Udmurtia 18.3% of GVA in 2022, 21.2% of employment in 2023
    gva = store.read("rosstat_grp_structure", geo="RU-UD", industry="C", year=2022)
    assert t.loc["RU-UD", "mfg_gva"] == gva["value"].item() == 18.3
    emp = store.read(
        "rosstat_employment_structure", geo="RU-UD", industry="C", indicator="employment_share"
    )
    assert t.loc["RU-UD", "mfg_employment"] == emp["value"].item() == 21.2
    shares = store.read("ru_budget_shares", indicator="budget_share_consolidated", function="02")
    iva = shares[(shares["geo"] == "RU-IVA") & (shares["year"] == 2023)]["value"].item()
    assert t.loc["RU-IVA", "defense_2023"] == pytest.approx(iva, abs=0.005)  # 0.87
    subjects = shares[
        (shares["year"] == 2023)
        & shares["geo"].str.match(r"(RU|UA)-[A-Z0-9]+$")
        & ~shares["geo"].str.endswith("FD")
    ]
    assert b.notes["n"]["defense_2023"] == subjects["geo"].nunique() == 84  # no Sevastopol 02
    assert t.loc["median", "defense_2023"] == pytest.approx(subjects["value"].median(), abs=0.005)
    towns = store.read("monotowns", geo="RU-UD")
    assert t.loc["RU-UD", "monotowns"] == len(towns) == 3  # Votkinsk, Sarapul, Glazov
    assert b.notes["columns"]["mfg_gva"] == ("Manufacturing, % of GVA (2022)", "%.1f")
    assert "84" in b.notes["caption"] and "25.4" in b.notes["box"] and "30.4" in b.notes["box"]
    assert b.notes["sample"].startswith("Sample: Udmurt Republic, Ivanovo Oblast, and the median")


def test_arms_box_on_the_russia_page_and_a_russian_profile(store_env):
    at = run_page(RUSSIA, regions=["RU-TUL"])
    assert not at.exception, at.exception
    assert any("OKVED2: 25.4" in i.value for i in at.info)
    rows = table_with(at, "defense_2023")
    assert list(rows["name"]) == ["Tula Oblast", "Median subject"]
    keys = {b.key for b in at.get("download_button")}
    assert {"x_arms_csv", "x_arms_table_md", "x_arms_table_tex", "x_arms_zip"} <= keys
    at = run_page(PROFILE, system="ru_subject", region="RU-VLA")
    assert not at.exception, at.exception
    assert list(table_with(at, "defense_2023")["name"]) == ["Vladimir Oblast", "Median subject"]
    assert any("30.3" in i.value for i in at.info)
    at = run_page(PROFILE, system="nuts2", region="FR10")
    assert not any("OKVED2: 25.4" in i.value for i in at.info)


def test_russia_social_support_per_head_by_recipient(store_env):
    from dashboard import charts, registry, russia

    b = registry.build("russia_social_support", {})
    d = b.chart.data.set_index(["geo", "recipient"])["per_head"]
    sup = store.read(
        "ru_social_support", geo="RU-UD", indicator="social_support_by_category", form="total"
    )
    families = sup[sup["category"] == "семьи с детьми"]["value"].item()  # mln RUB
    pop = store.read(
        "ru_population", geo="RU-UD", indicator="population_avg", year=2021, territory="total"
    )["value"].iloc[0]
    assert pop == 1454.945  # revised after the 2021 census, as every per-head figure
    assert d[("RU-UD", "Families with children")] == pytest.approx(families / pop * 1000)
    assert set(d.index.get_level_values("geo")) == {"RUS", *russia.ARMS_REGIONS}
    named = ["Combat veterans", "Families with children", "Disabled people", "Labour veterans"]
    assert charts.legend_names(b.chart.figure) == named
    assert "federal payments" in b.chart.alt and "One year only" in b.chart.alt


def test_russia_support_map_per_head_of_one_recipient(store_env):
    from dashboard import registry

    b = registry.build("russia_support_map", {"recipient": "семьи с детьми"})
    d = b.chart.data.set_index("region")["value"]
    pop = store.read(
        "ru_population", geo="RU-UD", indicator="population_avg", year=2021, territory="total"
    )["value"].iloc[0]
    sup = store.read(
        "ru_social_support", geo="RU-UD", indicator="social_support_by_category", form="total"
    )
    families = sup[sup["category"] == "семьи с детьми"]["value"].item()  # mln RUB
    assert d["RU-UD"] == pytest.approx(families / pop * 1000)
    assert not d.index.isin(["RUS", "RU-CFD", "RU-VFD"]).any()  # subjects, no aggregates
    veterans = registry.build("russia_support_map").chart.data.set_index("region")["value"]
    top = veterans.idxmax()
    assert top == "RU-YAN" and veterans[top] == pytest.approx(230, abs=1)  # RUB per person
    with pytest.raises(registry.SpecError, match="recipient 'x' is not one of"):
        registry.build("russia_support_map", {"recipient": "x"})
    at = run_page(RUSSIA, support_of="инвалиды")
    assert not at.exception, at.exception
    assert at.selectbox(key="ru:support_of").value == "инвалиды"
    assert "support_map" in chart_keys(at)
