"""Every page in Chromium: drawn, accessible (axe-core), its exports downloadable, its state in
the URL across navigation, usable by keyboard. Screenshots of every page go to artifacts/e2e/."""

import io
import zipfile
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from dashboard import registry, sitemap

from .conftest import ARTIFACTS, WAIT, open_view, painted_pixels, settled

pytestmark = pytest.mark.e2e

QUERY = {"profile": "?system=ru_subject&region=RU-UD"}  # views other than the default


def drawn(page: str) -> list[registry.Entry]:
    """The registry's charts that ``page`` draws in its default view."""
    return registry.on_page(page, kind="chart", shown=True)


# every page of the app's navigation: path, charts drawn, keys of the maps on it
PAGES = {
    k: (p.url_path + QUERY.get(k, ""), len(drawn(k)), [e.key for e in drawn(k) if e.is_map])
    for k, p in sitemap.PAGES.items()
}
CHART_PAGES = [k for k in sitemap.PAGES if drawn(k)]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
MAGIC = {".png": b"\x89PNG", ".svg": b"<svg", ".pdf": b"%PDF", ".zip": b"PK",
         ".parquet": b"PAR1"}  # fmt: skip


@pytest.mark.parametrize("name", list(PAGES))
def test_page_draws_and_passes_axe(views, name):
    path, charts, maps = PAGES[name]
    page, errors = views(path, charts)
    page.screenshot(path=str(ARTIFACTS / f"page_{name}.png"))
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Page not found" not in page.inner_text("body")
    assert page.get_by_text("Deploy", exact=True).count() == 0  # visitors get no developer menu
    for key in maps:  # polygons really painted, not an empty frame
        the_map = page.locator(f".st-key-{key} .js-plotly-plot")
        assert the_map.locator("path.js-fill").count() >= 3, key
        assert painted_pixels(the_map.screenshot()) > 5_000, key
    # every visible chart is followed by its text alternative (a caption naming what it shows)
    alts = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
          .filter(ch => ch.checkVisibility()).map(ch => {
            let sib = ch.closest('.stElementContainer').nextElementSibling;
            for (let i = 0; i < 4 && sib; i++, sib = sib.nextElementSibling) {
              const cap = sib.querySelector('[data-testid="stCaptionContainer"]');
              if (cap) return cap.innerText; }
            return ''; })"""
    )
    assert len(alts) >= charts and all(len(a) > 40 for a in alts), alts
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    found = result.response["violations"]
    bad = [
        (v["id"], v["impact"], v["nodes"][0]["html"][:120])
        for v in found
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, bad
    assert not errors, errors


def downloads(page, one_of_each: bool = False) -> list[tuple[str, bytes]]:
    """Press every visible download button, or with ``one_of_each`` the first of each kind (the
    end of its widget key: png, svg, pdf, csv, zip, md, tex); (file name, bytes) of each file."""
    out, kinds = [], set()
    buttons = page.locator('[data-testid="stDownloadButton"] button')
    for i in range(buttons.count()):
        button = buttons.nth(i)
        if not button.is_visible() or button.is_disabled():
            continue
        if one_of_each:
            key = button.evaluate(
                "b => [...b.closest('[class*=\"st-key-\"]').classList]"
                ".find(c => c.startsWith('st-key-'))"
            )
            if (kind := key.rsplit("_", 1)[-1]) in kinds:
                continue
            kinds.add(kind)
        # 240 s: under a full CI run one map's PDF once took over 120 s on 2 busy cores
        with page.expect_download(timeout=240_000) as dl:
            button.click()
        out.append((dl.value.suggested_filename, Path(dl.value.path()).read_bytes()))
    return out


def check_file(name: str, body: bytes) -> None:
    suffix = Path(name).suffix
    assert body, name
    if suffix == ".csv":
        assert b"," in body.splitlines()[0], name
    elif suffix == ".md":  # a table for a paper, with its sample stated
        assert b"|---" in body.replace(b":", b"") and b"Sample:" in body, name
    elif suffix == ".tex":
        assert b"\\begin{tabular}" in body and b"\\toprule" in body, name
    elif suffix == ".svg":
        assert b"<svg" in body[:2000] and b"labordash" in body, name
    else:
        assert body.startswith(MAGIC[suffix]), name
    if suffix == ".zip":
        names = zipfile.ZipFile(io.BytesIO(body)).namelist()
        assert {"data.csv", "metadata.json", "README.md"} <= set(names), (name, names)


@pytest.mark.parametrize("name", CHART_PAGES)
def test_each_kind_of_export_button_gives_a_file(views, name):
    """Every chart has its export buttons, and one button of each kind is pressed: the files
    themselves are checked for every chart without the app (every chart's SVG in
    test_readable, the formats and the data package in tests/integration/test_export.py)."""
    path, charts, _ = PAGES[name]
    page, _ = views(path, charts)
    buttons = page.locator('[data-testid="stDownloadButton"] button')
    shown = [b for b in buttons.all() if b.is_visible() and b.is_enabled()]
    assert len(shown) >= 5 * charts - 5, len(shown)  # PNG, SVG, PDF, CSV, zip for each chart
    files = downloads(page, one_of_each=True)
    for fname, body in files:
        check_file(fname, body)
    kinds = [Path(n).suffix for n, _ in files]
    assert {".png", ".svg", ".pdf", ".csv", ".zip"} <= set(kinds)
    assert set(kinds) <= {".png", ".svg", ".pdf", ".csv", ".zip", ".md", ".tex"}
    if name == "guns_vs_butter":  # the model and Granger tables for a paper
        assert {".md", ".tex"} <= set(kinds)


def test_data_page_downloads(views):
    page, _ = views("data")
    page.wait_for_selector(".st-key-dl_qcew_parquet button", timeout=WAIT)  # the last ones
    files = downloads(page)
    for fname, body in files:
        check_file(fname, body)
    names = {n for n, _ in files}
    assert {"wdi.zip", "wdi.parquet", "qcew.parquet"} <= names
    assert not any(n.startswith("sipri") for n in names)  # its terms forbid bulk copies


def test_navigation_keeps_the_state_in_the_url(browser, app_url):
    page, _ = open_view(browser, f"{app_url}/dependence?system=ru_subject&measure=share", 3)
    page.get_by_role("link", name="Russia's regions").click()
    page.wait_for_url("**/russia**", timeout=WAIT)
    settled(page, 5)
    page.get_by_role("link", name="Industrial dependence").click()
    page.wait_for_url("**/dependence**", timeout=WAIT)
    settled(page, 3)
    page.wait_for_function("location.search.includes('system=ru_subject')", timeout=WAIT)
    assert "measure=share" in page.url
    head = page.locator(".st-key-head_map").inner_text()  # the map's title, as page text
    assert "Share of the region's total: Manufacturing" in head
    page.close()


def test_usable_by_keyboard(browser, app_url):
    """Tab to the measure selector on the home page, change it with the arrow keys, and the
    chart and the URL follow."""
    page, _ = open_view(browser, app_url, 1)
    box = page.locator(".st-key-home-measure input")
    for _ in range(40):
        page.keyboard.press("Tab")
        if box.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the measure selector cannot be reached with Tab")
    page.keyboard.press("ArrowDown")  # opens the list on the next option
    page.keyboard.press("Enter")
    page.wait_for_function("location.search.includes('measure=milex_gov_share')", timeout=WAIT)
    settled(page, 1)
    title = page.locator(".st-key-head_milex_chart").inner_text()  # page text above it
    assert title.startswith("Military expenditure as a share of government spending"), title
    page.close()
