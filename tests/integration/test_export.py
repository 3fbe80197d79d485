"""Chart and data exports: images rendered by kaleido with Debian's Chromium, data packages."""

import io
import json
import os
import xml.etree.ElementTree as ET
import zipfile

import pandas as pd
import pytest

from dashboard import charts, export

TITLE = "Most dependent regions: Manufacturing"
SOURCE = "Source: Test Producer (2024) · CC BY 4.0"


@pytest.fixture(scope="module")
def chart():
    d = pd.DataFrame({"label": ["Tula", '=HYPERLINK("x")', "Izhevsk"], "lq": [1.6, 0.9, 1.5]})
    return charts.ranked_bars(
        d,
        label="label",
        value="lq",
        title=TITLE,
        subtitle="ratio (benchmark = 1); 2023",
        source=SOURCE,
        x_title="Location quotient",
        reference=1.0,
    )


@pytest.fixture(scope="module")
def chromium():
    if not export.available():
        if os.environ.get("CI"):
            pytest.fail("no Chromium for kaleido: .ci/run must install Debian chromium")
        pytest.skip("Debian chromium not installed")


def test_svg_keeps_title_source_and_credit(chart, chromium):
    svg = export.image(chart.figure, "svg", width=900, height=500)
    root = ET.fromstring(svg)
    texts = " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text") or t.text)
    assert TITLE in texts and "Test Producer (2024)" in texts and "labordash" in texts
    assert root.get("width") == "900" and root.get("height") == "500"
    assert "Arial" in svg.decode()  # the font is stated, not left to the viewer


def test_pdf_text_and_png_size(chart, chromium):
    from PIL import Image
    from pypdf import PdfReader

    text = (
        PdfReader(io.BytesIO(export.image(chart.figure, "pdf", width=900, height=500)))
        .pages[0]
        .extract_text()
    )
    assert TITLE in text and "Test Producer" in text
    png = Image.open(io.BytesIO(export.image(chart.figure, "png", width=640, height=400)))
    assert png.size == (1280, 800)  # 2x by default


VIEW = "http://127.0.0.1:8501/dependence?system=us_county&industry=defense_related&period=2016-Q4"


def test_files_carry_the_title_and_the_view_with_its_selections(chart, chromium):
    from PIL import Image
    from pypdf import PdfReader

    meta = PdfReader(io.BytesIO(export.image(chart.figure, "pdf", url=VIEW))).metadata
    assert meta.title == TITLE and meta.subject == VIEW  # not kaleido's "Kaleido-fier"
    assert meta.creator.startswith("labordash ")
    root = ET.fromstring(export.image(chart.figure, "svg", url=VIEW))
    ns = "{http://www.w3.org/2000/svg}"
    assert root.find(f"{ns}title").text == TITLE and root.find(f"{ns}metadata").text == VIEW
    png = Image.open(io.BytesIO(export.image(chart.figure, "png", width=640, height=400, url=VIEW)))
    assert png.text["Title"] == TITLE and png.text["Source"] == VIEW


def test_view_link_keeps_every_selection():
    pairs = [("countries", "RUS"), ("countries", "UKR"), ("measure", "milex_gdp_share")]
    assert export.view_link("https://x.org/home?old=1", pairs) == (
        "https://x.org/home?countries=RUS&countries=UKR&measure=milex_gdp_share"
    )
    assert export.view_link("https://x.org/dependence", []) == "https://x.org/dependence"


def test_unknown_format():
    with pytest.raises(export.ExportError, match="unknown image format"):
        export.image(None, "gif")


def test_data_package_holds_data_metadata_and_citation(chart):
    blob = export.data_package(
        chart.data,
        title=TITLE,
        datasets=["qcew", "rosstat_regions"],
        filters={"system": "us_county", "industry": "332994"},
        vintages={"qcew": "QCEW 2016"},
        url="http://x/dependence?a=1",
    )
    zf = zipfile.ZipFile(io.BytesIO(blob))
    assert sorted(zf.namelist()) == ["README.md", "data.csv", "data.xlsx", "metadata.json"]
    csv = pd.read_csv(io.BytesIO(zf.read("data.csv")))
    assert '\'=HYPERLINK("x")' in csv["label"].tolist()  # formula neutralised
    meta = json.loads(zf.read("metadata.json"))
    assert meta["filters"]["industry"] == "332994" and meta["rows"] == 3
    assert [d["id"] for d in meta["datasets"]] == ["qcew", "rosstat_regions"]
    assert meta["datasets"][0]["vintage"] == "QCEW 2016" and meta["datasets"][0]["licence"]
    readme = zf.read("README.md").decode()
    assert "## How to cite" in readme and "@misc{" in readme
    assert "U.S. Bureau of Labor Statistics" in readme and "http://x/dependence?a=1" in readme
    xl = pd.read_excel(io.BytesIO(zf.read("data.xlsx")))
    assert xl["lq"].tolist() == chart.data["lq"].tolist()
    # a map's zip cites what its source line credits beyond the datasets (the boundaries)
    line = "Source: Rosstat (2022) · Boundaries: geoBoundaries RUS ADM1 (Runfola et al. 2020)"
    zf = zipfile.ZipFile(
        io.BytesIO(
            export.data_package(
                chart.data,
                title=TITLE,
                datasets=["rosstat_regions"],
                filters={},
                vintages={},
                source=line,
            )
        )
    )
    assert json.loads(zf.read("metadata.json"))["source_line"] == line
    assert "## Sources, as on the chart\n\n" + line in zf.read("README.md").decode()


@pytest.mark.parametrize(
    ("name", "safe"),
    [("../../etc/passwd", "etc_passwd"), ("map RU-UD 2021", "map_RU-UD_2021"), ("", "chart")],
)
def test_file_names_cannot_escape(name, safe):
    assert export.safe_name(name) == safe


def test_batch_export_cli(store_env, chromium, tmp_path):
    from typer.testing import CliRunner

    from dashboard.cli import app

    spec = tmp_path / "charts.json"
    spec.write_text(
        json.dumps(
            [
                {
                    "chart": "dependence_map",
                    "params": {
                        "system": "ru_subject",
                        "industry": "manufacturing",
                        "period": "2021",
                    },
                },
                {
                    "chart": "region_mix",
                    "params": {"system": "nuts2", "region": "DE11"},
                    "format": "png",
                    "width": 600,
                    "height": 400,
                    "file": "../../mix",
                },
            ]
        )
    )
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["export", str(spec), "--out", str(out)])
    assert res.exit_code == 0, res.output
    svg = (out / "dependence_map_ru_subject_manufacturing_2021.svg").read_text("utf-8")
    assert "Location quotient: Manufacturing" in svg and "Rosstat" in svg
    from PIL import Image

    assert Image.open(out / "mix.png").size == (1200, 800)  # the name cannot leave out/
    bad = CliRunner().invoke(app, ["export", "--chart", "pie_chart"])
    assert bad.exit_code == 2 and "unknown chart 'pie_chart'" in bad.output
    bad = CliRunner().invoke(app, ["export", "--chart", "region_mix", "--param", "colour=red"])
    assert bad.exit_code == 2 and "unknown parameter(s) ['colour']" in bad.output
    bad = CliRunner().invoke(
        app, ["export", "--chart", "region_mix", "--param", "region=XX", "--out", str(out)]
    )
    assert bad.exit_code == 1 and "region 'XX' is not in nuts2" in bad.output


def test_markup_in_user_text_is_printed_as_written(store_env, tmp_path):
    """``[/x]`` in a chart name, a parameter value or a pull source is text, not Rich markup
    (before: a MarkupError traceback, exit 1, and the spec's next chart never rendered)."""
    from typer.testing import CliRunner

    from dashboard.cli import app

    bad = CliRunner().invoke(app, ["export", "--chart", "x[/x]"])
    assert bad.exit_code == 2 and "unknown chart 'x[/x]'" in bad.output, bad.output
    spec = tmp_path / "charts.json"
    spec.write_text(
        json.dumps(
            [
                {"chart": "region_mix", "params": {"system": "nuts2", "region": "[/red]"}},
                {
                    "chart": "russia_arms_measures",
                    "params": {"regions": ["RU-UD"]},
                    "file": "[b]arms",
                },
            ]
        )
    )
    res = CliRunner().invoke(app, ["export", str(spec), "--out", str(tmp_path / "out")])
    assert res.exit_code == 1 and res.exception is None or isinstance(res.exception, SystemExit)
    assert "region '[/red]' is not in nuts2" in res.output, res.output
    # the next chart of the spec is rendered, and its file named as the spec says
    assert (tmp_path / "out" / f"{export.safe_name('[b]arms')}.csv").exists(), res.output
    pulled = CliRunner().invoke(app, ["pull", "x[/x]"])
    assert pulled.exit_code == 2 and "x[/x]" in pulled.output, pulled.output


def test_a_renderer_error_is_tried_once_more_and_a_timeout_is_not(chart, monkeypatch):
    calls = []

    def flaky(*args, **kwargs):
        calls.append(kwargs["format"])
        if len(calls) == 1:  # as kaleido's tab did once before its scripts had loaded
            raise RuntimeError("ReferenceError: kaleido_scopes is not defined")
        return b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

    monkeypatch.setattr(export.pio, "to_image", flaky)
    monkeypatch.setattr(export, "describe_file", lambda data, *a, **k: data)
    assert export.image(chart.figure, "png").startswith(b"\x89PNG")
    assert calls == ["png", "png"]

    def hangs(*args, **kwargs):
        calls.append("timeout")
        raise TimeoutError

    calls.clear()
    monkeypatch.setattr(export.pio, "to_image", hangs)
    with pytest.raises(export.ExportError, match="PNG could not be rendered: timed out"):
        export.image(chart.figure, "png")
    assert calls == ["timeout"]
