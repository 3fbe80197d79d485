"""Our World in Data's reader tools on Home and Guns vs butter: chart, map and table views, a
log scale, relative change and an index, a map of change between two years, a map year slider
that plays. Pure transforms on small synthetic frames; the pages under AppTest on the store."""

import json
import math
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import charts, registry, transforms
from tests.conftest import page_charts

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
GVB = "views/guns_vs_butter.py"

FRAME = pd.DataFrame(
    {
        "geo": ["A", "A", "A", "B", "B", "C", "C"],
        "year": [2000, 2001, 2002, 2001, 2002, 2000, 2002],
        "value": [2.0, 3.0, 4.0, 10.0, 5.0, 0.0, 1.0],
    }
)


# --- transforms -----------------------------------------------------------------------------


def test_relative_change_is_from_each_series_first_year():
    out, firsts = transforms.relative_change(FRAME)
    got = out.set_index(["geo", "year"])["value"]
    assert got[("A", 2000)] == 0 and got[("A", 2002)] == pytest.approx(100.0)
    assert got[("B", 2002)] == pytest.approx(-50.0)  # B starts in 2001
    assert firsts == {"A": 2000, "B": 2001}  # C starts at 0: no change can be computed
    assert "C" not in set(out["geo"])


def test_index_sets_the_base_year_to_100_and_names_who_lacks_it():
    out, dropped = transforms.indexed(FRAME, 2001)
    got = out.set_index(["geo", "year"])["value"]
    assert got[("A", 2001)] == 100 and got[("A", 2000)] == pytest.approx(200 / 3)
    assert got[("B", 2002)] == pytest.approx(50.0)
    assert dropped == ["C"]


def test_change_between_two_years_in_points_or_per_cent():
    pts = transforms.change_between(FRAME, 2000, 2002, relative=False)
    assert pts.to_dict() == {"A": 2.0, "C": 1.0}  # B has no 2000 figure
    pct = transforms.change_between(FRAME, 2000, 2002, relative=True)
    assert pct.to_dict() == {"A": 100.0}  # C from 0: undefined
    assert transforms.is_share("% of GDP") and not transforms.is_share("US$ m")


def test_change_table_has_first_and_last_figures():
    t = transforms.change_table(FRAME, {"A": "Alpha"}).set_index("geo")
    assert t.loc["A", "country"] == "Alpha" and t.loc["B", "country"] == "B"
    assert (t.loc["B", "from_year"], t.loc["B", "to_year"]) == (2001, 2002)
    assert t.loc["B", "change"] == -5 and t.loc["B", "relative_change"] == pytest.approx(-50)
    assert math.isnan(t.loc["C", "relative_change"])


def _classes(vals: pd.Series, lows: list[float]) -> list[pd.Series]:
    bounds = [*lows[1:], float("inf")]
    return [
        vals[(vals >= lo if i else vals >= -float("inf")) & (vals < hi)]
        for i, (lo, hi) in enumerate(zip(lows, bounds, strict=True))
    ]


def test_no_class_of_a_map_of_change_holds_a_fall_and_a_rise():
    # mostly rises (the wartime defense map): the falls get their own class, however small
    vals = pd.Series([-0.01, 0.02, 0.05, 0.08, 0.1, 0.12, 0.2, 0.3, 0.4, 0.5, 0.9, 1.3])
    lows = transforms.diverging_breaks(vals)
    assert lows[0] == -0.01 and 0.0 in lows
    for cls in _classes(vals, lows):
        assert not ((cls < 0).any() and (cls > 0).any()), (lows, list(cls))
    # each side's classes follow that side's data: three classes of rises, one of falls
    assert len([lo for lo in lows if lo >= 0]) == 3 and len([lo for lo in lows if lo < 0]) == 1
    lopsided = pd.Series([-7.0, -3.0, -1.0, 0.5, 2.0, 4.0, 9.0, 12.0, 30.0, 31.0])
    lows = transforms.diverging_breaks(lopsided)
    assert all(not ((c < 0).any() and (c > 0).any()) for c in _classes(lopsided, lows))


def test_map_of_change_colours_falls_blue_and_rises_red():
    from dashboard import charts

    vals = pd.Series([-0.01, 0.02, 0.05, 0.08, 0.1, 0.12, 0.2, 0.3, 0.4, 0.5, 0.9, 1.3])
    lows, colours, labels, note = charts.map_classes(
        vals, transforms.diverging_breaks(vals), "+.2f", "OrRd", diverging=True
    )
    rgb = [tuple(int(v) for v in c[c.index("(") + 1 : -1].split(",")) for c in colours]
    for lo, (r, _g, b) in zip(lows, rgb, strict=True):
        assert (b > r) if lo < 0 else (r > b), (lo, r, b)  # blue for falls, red for rises
    assert labels[0] == "-0.01 to 0" and labels[-1].endswith("or more") and not note
    ups = pd.Series([0.1, 0.2, 0.3, 0.5, 0.8, 1.0])
    lows, colours, labels, note = charts.map_classes(
        ups, transforms.diverging_breaks(ups), "+.1f", "OrRd", diverging=True
    )
    assert lows[0] == 0.0 and "one-sided" in note
    downs = -ups
    lows, colours, labels, note = charts.map_classes(
        downs, transforms.diverging_breaks(downs), "+.1f", "OrRd", diverging=True
    )
    assert max(lows) < 0 and labels[-1].endswith("to 0") and "one-sided" in note


def test_log_axis_labels_decades_not_every_digit():
    df = pd.DataFrame(
        {
            "geo": ["A"] * 3 + ["B"] * 3,
            "year": [1, 2, 3] * 2,
            "value": [1.0, 10.0, 100.0, 5.0, 50.0, 1000.0],
            "flag": None,
        }
    )
    fig = charts.time_series(
        df, names={}, title="t", subtitle="s", source="src", y_title="y", log=True
    ).figure
    assert fig.layout.yaxis.type == "log" and fig.layout.yaxis.dtick == 1  # 1, 10, 100, 1000
    assert charts.legend_names(fig) == ["B", "A"]  # B ends higher
    narrow = df.assign(value=df["value"] / 10 + 100)  # 100.1 to 200: less than a decade
    fig = charts.time_series(
        narrow, names={}, title="t", subtitle="s", source="src", y_title="y", log=True
    ).figure
    assert fig.layout.yaxis.dtick == "D2"  # 1, 2 and 5 of the decade, not 2 3 4 ... 9


# --- builders on the store ------------------------------------------------------------------


def test_home_change_and_index_use_sipri_figures(store_env):
    b = registry.build(
        "milex_series", {"countries": ["RUS"], "years": "2000-2025", "values": "change"}
    )
    rows = b.rows.set_index("year")["value"]
    # SIPRI: Russia 3.31% of GDP in 2000, 7.50% in 2025
    assert rows[2000] == 0 and rows[2025] == pytest.approx(126.8, abs=0.1)
    assert "relative change" in b.title and "% change since 2000" in b.chart.alt
    b = registry.build(
        "milex_series",
        {"countries": ["RUS", "UKR"], "values": "index", "base": 2014, "scale": "log"},
    )
    assert b.params["base"] == 2014
    assert b.rows.loc[b.rows["year"] == 2014, "value"].tolist() == pytest.approx([100.0] * 2)
    assert b.chart.figure.layout.yaxis.type == "log"


def test_home_log_scale_refuses_negative_changes(store_env):
    with pytest.raises(registry.SpecError, match="log scale"):
        registry.build(
            "milex_series",
            {"countries": ["USA"], "years": "2010-2015", "values": "change", "scale": "log"},
        )


def test_home_map_of_change_in_points(store_env):
    b = registry.build("milex_map", {"mapmode": "change", "years": "2014-2024"})
    got = b.rows.set_index("geo")["value"]
    assert got["UKR"] == pytest.approx(31.0, abs=0.05)  # SIPRI: Ukraine 3.3% -> 34.3%
    assert "percentage points of GDP" in b.chart.alt
    usd = registry.build(
        "milex_map", {"mapmode": "change", "years": "2014-2024", "measure": "milex_constant_usd"}
    )
    assert "% change from 2014 to 2024" in usd.chart.alt


def test_home_table_is_first_and_last_year(store_env):
    t = registry.build("milex_table", {"countries": ["RUS"], "years": "2000-2025"}).table
    row = t.iloc[0]
    assert (row["from_year"], row["to_year"]) == (2000, 2025)
    assert row["from_value"] == pytest.approx(3.307, abs=0.001)
    assert row["relative_change"] == pytest.approx(126.8, abs=0.1)


def test_guns_vs_butter_index_and_maps_of_either_measure(store_env):
    b = registry.build("gvb_series", {"values": "index", "base": 2010})
    at_base = b.rows.loc[b.rows["year"] == 2010, "milex_gdp"].dropna().tolist()
    assert at_base == pytest.approx([100.0] * 2)
    civ = registry.build(
        "gvb_world_map", {"map_of": "civilian", "civilian": "health_gdp", "mapmode": "change"}
    )
    assert civ.title.startswith("Government health spending (WHO): change 2000-")
    t = registry.build("gvb_table", {}).table
    assert set(t["geo"]) == {"RUS", "UKR"} and t["measure"].nunique() == 2


# --- the pages ------------------------------------------------------------------------------


def run(page: str | None = None, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    if page:
        at.run()
    for k, v in params.items():
        at.query_params[k] = v
    if page:
        at.switch_page(page)
    return at.run()


def titles(at: AppTest) -> list[str]:
    """The charts' titles (page text above each figure, kept in its layout's meta)."""
    return [json.loads(c.proto.spec)["layout"]["meta"]["title"] for c in page_charts(at)]


def test_home_views_live_in_the_url(store_env):
    at = run(view="map", mapmode="change", years="2014-2024")
    assert not at.exception
    assert titles(at) == ["Military expenditure as a share of GDP: change 2014-2024"]
    at = run(view="table", years="2000-2025")
    assert not page_charts(at)
    table = next(d.value for d in at.dataframe if "relative_change" in d.value.columns)
    assert list(table["geo"]) == ["RUS", "UKR", "USA", "CHN", "DEU"]
    at = run(values="index", base="2014", scale="log")
    assert titles(at) == ["Military expenditure as a share of GDP, index"]
    at.radio(key="home:view").set_value("map").run()
    assert at.query_params["view"] in ("map", ["map"])
    assert titles(at) == ["Military expenditure as a share of GDP, 2025"]


@pytest.mark.parametrize(
    "params",
    [
        {"view": "globe", "values": "log", "scale": "cubic", "mapmode": "x"},
        {"view": "map", "map_year": "1800", "years": "2030-1900"},
        {"values": "index", "base": "abc"},
    ],
)
def test_home_reader_tools_with_odd_links(store_env, params):
    at = run(**params)
    assert not at.exception
    assert page_charts(at)
    assert at.info  # each unknown value is named


def test_the_map_plays_to_the_last_year(store_env, monkeypatch):
    from dashboard.views import common

    monkeypatch.setattr(common, "PLAY_SECONDS", 0)
    real, built = registry.make, []

    def counting(name, full):  # the pages build with make, once resolve has checked
        if name == "milex_map":
            built.append(full.get("year"))
        return real(name, full)

    monkeypatch.setattr(registry, "make", counting)
    at = run(view="map", years="2019-2025", map_year="2021")
    assert titles(at) == ["Military expenditure as a share of GDP, 2021"]
    at.button(key="home:map_year:play").click().run()
    assert not at.exception
    assert at.slider(key="home:map_year").value == 2025
    assert titles(at) == ["Military expenditure as a share of GDP, 2025"]
    assert {2022, 2023, 2024} <= set(built)  # each year played was drawn
    # a second visitor playing the same years builds nothing again: one build for all sessions
    built.clear()
    again = run(view="map", years="2019-2025", map_year="2021")
    again.button(key="home:map_year:play").click().run()
    assert again.slider(key="home:map_year").value == 2025 and built == []


def test_guns_vs_butter_reader_tools(store_env, monkeypatch):
    from dashboard.views import common

    monkeypatch.setattr(common, "PLAY_SECONDS", 0)
    at = run(GVB, values="change", scale="log", map_of="civilian", mapmode="change")
    assert not at.exception
    ts = next(json.loads(c.proto.spec) for c in page_charts(at) if c.key == "ts")
    assert "% change since the first year" in ts["layout"]["meta"]["subtitle"]
    assert ts["layout"]["yaxis"]["type"] == "log"
    assert "Government health spending (WHO): change 2000-" in " ".join(titles(at))
    at = run(GVB, view="table", map_year="2015")
    assert "ts" not in [c.key for c in page_charts(at)]
    assert any("relative_change" in d.value.columns for d in at.dataframe)
    at.button(key="gvb:map_year:play").click().run()
    assert not at.exception and at.slider(key="gvb:map_year").value == 2025
    # the civilian measure's map in one year: its slider offers that measure's years
    at = run(GVB, map_of="civilian", years="2000-2010", map_year="2005")
    assert not at.exception and at.slider(key="gvb:map_year").value == 2005
    assert at.slider(key="gvb:map_year").max == 2010
    assert "Government health spending (WHO)" in " ".join(titles(at))


def test_moving_the_first_year_keeps_the_map_year(store_env):
    # the map year's slider starts at the first year chosen: a new range is a new widget to
    # Streamlit, which put the map on that first year
    at = run(GVB, years="2000-2025")
    assert at.slider(key="gvb:map_year").value == 2025
    at.slider(key="gvb:years").set_value((2001, 2025)).run()
    assert not at.exception and at.slider(key="gvb:map_year").value == 2025


# --- tables a reader and a researcher can use -----------------------------------------------


def _page_with_gaps():
    import pandas as pd

    from dashboard.views import common

    frame = pd.DataFrame({"lq": [1.234, None], "n": [3, 4], "status": ["ok", "suppressed"]})
    common.dataframe(frame, columns={"lq": ("LQ", "%.2f")})


def _page_with_small_numbers():
    import pandas as pd

    from dashboard.views import common

    frame = pd.DataFrame({"pvalue": [2.017e-06, None], "coef": [1234.5678, 0.5]})
    common.dataframe(frame, columns={"pvalue": ("p", "%.4g"), "coef": ("b", "%.4g")})


def test_empty_cells_read_as_a_dash_not_none():
    at = AppTest.from_function(_page_with_gaps).run()
    d = at.dataframe[0]
    assert d.proto.placeholder == "–"  # what the browser writes in every empty cell
    # formatted by the browser: no Styler formatting every cell in Python on every rerun
    assert json.loads(d.proto.columns)["lq"]["type_config"]["format"] == "%.2f"
    assert not d.proto.arrow_data.styler.display_values
    assert d.value["lq"].iloc[0] == 1.234  # the data stay numbers (sorting, downloads)
    # "%.4g" has no browser format that writes 10⁻⁶: a model table's cells are written here
    at = AppTest.from_function(_page_with_small_numbers).run()
    d = at.dataframe[0]
    assert list(d.value["pvalue"]) == ["2.017 × 10⁻⁶", "–"]
    assert list(d.value["coef"]) == ["1,235", "0.5"]
    cols = json.loads(d.proto.columns)
    assert cols["coef"]["label"] == "b" and cols["coef"]["alignment"] == "right"


def test_model_table_exports_as_markdown_and_latex(store_env):
    from dashboard import export
    from dashboard.views.common import COLUMNS, p_value

    b = registry.build("gvb_model", {"sample": "all"})
    res = b.notes["result"]
    df = b.table.assign(pvalue=b.table["pvalue"].map(p_value))
    labels = {c: lab for c, (lab, _) in COLUMNS.items()}
    formats = {c: f.lstrip("%") for c, (_, f) in COLUMNS.items() if f}
    notes = [f"Sample: {res.n_entities} countries, {res.nobs:,} country-years."]
    md = export.table_text(df, "md", title=b.title, labels=labels, formats=formats, notes=notes)
    first = df.iloc[0]
    assert f"| {first['term']}" in md and format(first["coef"], ".4g") in md
    header = md.splitlines()[2]
    assert "Coefficient" in header and "p-value" in header and "coef" not in header
    assert f"Sample: {res.n_entities} countries" in md
    tex = export.table_text(df, "tex", title=b.title, labels=labels, formats=formats, notes=notes)
    assert "\\begin{tabular}" in tex and "\\toprule" in tex and "\\caption{Model:" in tex
    assert "% of GDP" not in tex.replace("\\%", "")  # every % escaped
    if (df["pvalue"] == "<0.001").any():
        assert "$<$0.001" in tex


def test_model_table_files_read_as_the_page_does(store_env):
    from dashboard.views.common import table_text

    b = registry.build("gvb_model", {"sample": "all"})  # GDP per head: a tiny coefficient
    md = table_text(b, "md", notes=["Sources: SIPRI."])
    tex = table_text(b, "tex", notes=["Sources: SIPRI."])
    assert "× 10⁻" in md and "e-0" not in md
    assert "\\textsuperscript{-" in tex and "e-0" not in tex and "$\\times$" in tex
    # the title names the measures, not their codes
    assert md.startswith("**Model: Government health") and "health_gdp" not in md
    assert "health\\_gdp" not in tex and "textasciitilde" not in tex.split("\\caption")[1][:200]


def test_your_data_example_is_real_and_mapped(store_env):
    at = run("views/your_data.py")
    assert any("use the example" in i.value for i in at.info)
    at.button(key="byod_example").click().run()
    assert not at.exception
    said = " ".join(c.value for c in at.caption)
    assert "Czechia's 8 NUTS 2 regions, 2015" in said and "lfst_r_lfe2en2" in said
    lq = next(d.value for d in at.dataframe if len(d.value) == 8)
    assert set(lq.iloc[:, 0]) == {f"CZ0{i}" for i in range(1, 9)}
    assert "8 of 8 regions with data drawn" in said  # the map's alt text
    # each of the file's three tables: CSV of the rows shown, Markdown and LaTeX
    keys = {b.key for b in at.get("download_button")}
    for t in ("byod_lq", "byod_spec", "byod_loc"):
        assert {f"x_{t}_md", f"x_{t}_tex", f"byod_dl_{t.removeprefix('byod_')}"} <= keys


def test_names_follow_one_standard(store_env):
    from dashboard import reference

    names = reference.regions().set_index("code")["name_en"]
    assert names["RU-YAR"] == "Yaroslavl Oblast" and names["RU-SPE"] == "Saint Petersburg"
    assert names["RU-VOR"] == "Voronezh Oblast" and names["RU-UD"] == "Udmurt Republic"
    assert names["DE"] == "Germany" and names["EL"] == "Greece"  # not Deutschland, Elláda
    b = registry.build("shift_share", {"system": "nuts2", "region": "DE11"})
    assert "against Germany" in charts.texts(b.chart.figure)["subtitle"]


def test_numbers_read_as_people_write_them(store_env):
    from dashboard.views.common import significant

    assert significant(2.017e-06) == "2.017 × 10⁻⁶" and significant(-0.12345678) == "-0.1235"
    assert significant(1234.5678) == "1,235" and significant(float("nan")) == "–"
    at = run(GVB)
    model = next(d for d in at.dataframe if "coef" in d.value.columns)
    cells = [str(v) for row in model.value[["coef", "se", "ci_low", "ci_high"]].values for v in row]
    assert not [c for c in cells if "e-0" in c or "e+0" in c], cells
    assert any("× 10" in c for c in cells)  # GDP per head's coefficient is tiny


def test_events_stay_within_the_years_and_apart(store_env):
    b = registry.build(
        "milex_series", {"countries": ["RUS", "UKR"], "events": "on", "years": "2016-2025"}
    )
    texts = [a.text for a in b.chart.figure.layout.annotations]
    assert "Full-scale invasion" in texts and "Crimea annexed" not in texts  # 2014: not shown
    assert "2022-02-24 Full-scale invasion of Ukraine (source:" in b.chart.alt
    both = registry.build("milex_series", {"countries": ["RUS", "UKR"], "events": "on"})
    shifts = [
        a.yshift or 0
        for a in both.chart.figure.layout.annotations
        if a.text in ("Crimea annexed", "Full-scale invasion")
    ]
    assert sorted(shifts) == [0, 15]  # one row each: close dates do not overlap
