"""The attack and fault run, one reproduction per defect it found (numbered as in the issue).

Each test failed against the code before the fix: the files, links, servers and stores here are
the attacks themselves, on loopback and in temporary homes.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import threading
import time
import tracemalloc
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from dashboard import export, fetch, first_run, geo, store, upload
from dashboard.cli import app
from dashboard.fetch import FetchError, Resource
from dashboard.sources.base import ParseError
from tests.conftest import MIRROR

from .test_app import run_app, run_page

ROOT = Path(__file__).resolve().parents[2]
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
HEADER = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>region</t></is></c><c r="B1" '
    't="inlineStr"><is><t>industry</t></is></c><c r="C1" t="inlineStr"><is><t>value</t>'
    "</is></c></row>"
)
QCEW_CSV = "qcew/by_area_2016_q1-q4/2016.q1-q4_01000_Alabama_Statewide.csv"


def xlsx(rows_xml: str, dimension: str | None = None) -> bytes:
    """A minimal workbook whose one sheet holds ``rows_xml`` (and declares ``dimension``)."""
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006"
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            f'<Types xmlns="{pkg}/content-types"><Default '
            f'Extension="rels" ContentType="{pkg[:-5]}/2006/relationships+xml"/><Override '
            f'PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/><Override '
            f'PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
            "</Types>",
        )
        z.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{pkg}/relationships"><Relationship '
            f'Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        z.writestr(
            "xl/workbook.xml",
            f'<workbook {NS} xmlns:r="{rel}"><sheets><sheet name="S" '
            'sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{pkg}/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>',
        )
        z.writestr(
            "xl/worksheets/sheet1.xml",
            f"<worksheet {NS}>{dim}<sheetData>{rows_xml}</sheetData></worksheet>",
        )
    return buf.getvalue()


# --- 1. a 1.6 KB XLSX took the server down ---------------------------------------------------

FAR_RIGHT = HEADER + '<row r="8000"><c r="XFD8000"><v>1</v></c></row>'
FAR_DOWN = HEADER + '<row r="1500000"><c r="A1500000"><v>1</v></c></row>'


@pytest.mark.parametrize(
    ("rows", "dimension", "message"),
    [
        (FAR_RIGHT, "A1:XFD8000", "has 16,384 columns; the limit is 200"),
        (FAR_RIGHT, None, "has 16,384 columns; the limit is 200"),
        (FAR_DOWN, "A1:C1500000", "declared with more than 1,000,000 rows"),
    ],
)
def test_a_tiny_xlsx_bomb_is_refused_before_any_grid_is_built(rows, dimension, message):
    book = xlsx(rows, dimension)
    assert len(book) < 2000  # the attack's size
    tracemalloc.start()
    try:
        with pytest.raises(upload.UploadError, match=message):
            upload.read_table(book, "bomb.xlsx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 30 * 2**20  # before: 3.36 GB for the column bomb


def test_a_converted_sheet_declaring_a_large_grid_is_read():
    # files converted from .xls declare A1:IV65536 whatever they hold; styled empty cells too
    rows = (
        HEADER + '<row r="2"><c r="A2" t="inlineStr"><is><t>A</t></is></c><c r="B2" '
        't="inlineStr"><is><t>x</t></is></c><c r="C2"><v>5</v></c><c r="D2" s="1"/></row>'
    )
    df = upload.read_table(xlsx(rows, "A1:IV65536"), "converted.xlsx")
    assert df.to_dict("records") == [{"region": "A", "industry": "x", "value": "5"}]


def test_csv_line_endings_and_the_exact_row_limit(monkeypatch):
    mac = upload.read_table(b"region,industry,value\rA,x,1\rB,y,2\r", "mac.csv")
    assert mac["region"].tolist() == ["A", "B"]  # Excel's "CSV (Macintosh)": CR only
    monkeypatch.setattr(upload, "MAX_ROWS", 3)
    exact = b"r,i,v\n" + b"A,x,1\n" * 3
    assert len(upload.read_table(exact, "three.csv")) == 3  # a trailing newline is no row
    with pytest.raises(upload.UploadError, match="more than 3 rows"):
        upload.read_table(exact + b"A,x,1\n", "four.csv")


def test_rows_are_counted_while_streaming_when_the_sheet_hides_its_size(monkeypatch):
    monkeypatch.setattr(upload, "MAX_ROWS", 1000)
    with pytest.raises(upload.UploadError, match="more than 1,000 rows"):
        upload.read_table(xlsx(FAR_DOWN), "long.xlsx")  # no <dimension>: counted, not trusted


def test_an_upload_is_read_in_a_bounded_child_process():
    good = b"region,industry,value\nA,x,1\nB,x,2\n"
    df = upload.read_bounded(good, "ok.csv")
    assert df["value"].tolist() == ["1", "2"] and df.attrs["encoding"] == "utf-8"
    with pytest.raises(upload.UploadError, match="took longer than 0.05 s"):
        upload.read_bounded(good, "ok.csv", seconds=0.05)  # the interpreter alone takes longer
    wide = ("region,industry,value\n" + "A,x,1\n" * 900_000).encode()
    with pytest.raises(upload.UploadError, match="needs more than 30 MB of memory"):
        upload.read_bounded(wide, "wide.csv", memory_mb=30)
    with pytest.raises(upload.UploadError, match="16,384 columns"):  # errors come back as such
        upload.read_bounded(xlsx(FAR_RIGHT), "bomb.xlsx")


def with_shared_strings(book: bytes, count: int, entries: int) -> bytes:
    """``book`` with a shared-strings part declaring ``count`` strings and holding ``entries``."""
    buf = io.BytesIO(book)
    with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "xl/sharedStrings.xml",
            f'<sst {NS} count="{count}" uniqueCount="{count}">'
            + "<si><t>a</t></si>" * entries
            + "</sst>",
        )
    return buf.getvalue()


@pytest.mark.parametrize(
    ("count", "entries", "message"),
    [
        (11_000_000, 10, "declares 11,000,000 distinct strings; the limit is 2,000,000"),
        (1_000, 2_000_000, r"unpacks to \d[\d,]* times its size"),
    ],
)
def test_a_shared_strings_bomb_is_refused_before_a_reader_starts(count, entries, message):
    """Two 0.4 MB workbooks declaring 11 M shared strings held both readers for 60 s and 1 GB
    each; now refused in the app process from the zip directory and the part's first bytes."""
    book = with_shared_strings(xlsx(HEADER), count, entries)
    assert len(book) < 400_000
    t0 = time.perf_counter()
    with pytest.raises(upload.UploadError, match=message):
        upload.read_bounded(book, "strings.xlsx")
    assert time.perf_counter() - t0 < 1.0


@pytest.mark.slow  # reads in child processes, with waits (8 s)
def test_one_visitor_holds_one_reader_and_a_small_file_never_waits_behind_large_ones():
    """Visitor a sends two large files and c one; b's small file is read at once on the small
    lane, and a's second waits for a's first (before: a held both readers and b waited)."""
    from dashboard import bounded

    t0, done = time.monotonic(), {}

    def read(name: str, owner: str, secs: float, small: bool) -> None:
        bounded.call(time.sleep, secs, seconds=60, memory_mb=256, owner=owner, small=small)
        done[name] = time.monotonic() - t0

    jobs = [
        ("a1", "a", 4, False),
        ("a2", "a", 4, False),
        ("c1", "c", 4, False),
        ("b", "b", 0, True),
    ]
    threads = []
    for job in jobs:
        threads.append(threading.Thread(target=read, args=job))
        threads[-1].start()
        time.sleep(0.3)
    for t in threads:
        t.join()
    print("seconds to done:", {k: round(v, 1) for k, v in sorted(done.items())})
    # one interpreter start, no wait for a large file: done before either large file that
    # started before it (a fixed 3.5 s failed once on the loaded 2-core CI machine at 4.2 s,
    # while the large files took 4.3 s and more)
    assert done["b"] < min(done["a1"], done["c1"]), done
    assert done["a2"] > done["a1"] + 3, done  # a's second file after a's first
    assert done["c1"] < done["a2"], done  # c was not kept waiting by a's second file


def test_a_worker_that_fails_is_not_called_out_of_memory():
    from dashboard import bounded

    with pytest.raises(RuntimeError, match="worker process failed"):
        bounded.call(os._exit, 3, seconds=60, memory_mb=100)


def test_a_damaged_workbook_is_a_message_not_a_traceback():
    broken = xlsx(HEADER + '<row r="2"><c r="A2"><v>1</v></row>')  # a cell never closed
    with pytest.raises(upload.UploadError, match="damaged or not what its name says"):
        upload.read_bounded(broken, "broken.xlsx")


def test_a_csv_with_a_million_columns_is_refused_before_parsing():
    row = ",".join(["x"] * 1_000_000)
    with pytest.raises(upload.UploadError, match="1,000,000 columns; the limit is 200"):
        upload.read_table(f"{row}\n{row}\n".encode(), "wide.csv")


# --- 2. tracebacks with server paths reached visitors ---------------------------------------


def test_streamlit_never_shows_error_details():
    import tomllib

    shipped = tomllib.loads((ROOT / "dashboard" / "streamlit.toml").read_text("utf-8"))
    assert shipped["client"]["showErrorDetails"] == "none"


def damage_stored(home: Path, dataset: str) -> Path:
    """Scramble 4,000 bytes in the middle of a stored table (as the attack run did)."""
    path = home / "store" / f"{dataset}.parquet"
    data = bytearray(path.read_bytes())
    mid = len(data) // 2
    data[mid : mid + 4000] = os.urandom(4000)
    path.write_bytes(bytes(data))
    return path


@pytest.fixture
def damaged_home(store_env, tmp_path, monkeypatch):
    """A copy of the pulled store; the test damages what it needs."""
    home = tmp_path / "damaged"
    shutil.copytree(store_env / "store", home / "store")
    monkeypatch.setenv("LABORDASH_HOME", str(home))
    monkeypatch.delenv("LABORDASH_DEBUG", raising=False)  # the visitor's view
    return home


def visible_text(at) -> str:
    return " ".join(
        str(e.value)
        for kind in ("markdown", "caption", "info", "warning", "error", "exception", "text", "code")
        for e in at.get(kind)
    )


@pytest.mark.parametrize(
    ("page", "dataset"),
    [
        ("home", "sipri_milex"),
        ("guns_vs_butter", "sipri_milex"),
        ("russia", "rosstat_regions"),
        ("dependence", "eurostat_lfs_nace"),
        ("profile", "eurostat_lfs_nace"),
    ],
)
def test_a_damaged_store_file_is_a_plain_message(damaged_home, page, dataset):
    from dashboard import sitemap

    damage_stored(damaged_home, dataset)
    at = run_app() if page == "home" else run_page(sitemap.PAGES[page].script)
    text = visible_text(at)
    assert not at.exception
    assert f"labordash pull --force {dataset}" in text  # what to do
    for leak in (str(damaged_home), str(ROOT), "site-packages", "Traceback", sys.executable):
        assert leak not in text


def test_readiness_sees_a_damaged_store(damaged_home):
    """`/_stcore/health` said "ok" while every data page reported a damaged store; the probe
    command does not."""
    ok = CliRunner().invoke(app, ["check"])
    assert ok.exit_code == 0 and "store ok: 21 datasets" in ok.output, ok.output
    damage_stored(damaged_home, "sipri_milex")
    bad = CliRunner().invoke(app, ["check"])
    assert bad.exit_code == 1
    assert "sipri_milex: its stored table does not match its checksum" in bad.output
    (damaged_home / "store" / "manifest.json").write_text("{not json")
    bad = CliRunner().invoke(app, ["check"])
    assert bad.exit_code == 1 and "manifest is damaged" in bad.output


def test_an_unexpected_error_is_logged_not_shown(store_env, monkeypatch, caplog):
    from dashboard import registry

    def boom(*_a, **_k):
        raise RuntimeError(f"bug near {ROOT}/dashboard/secret.py")

    monkeypatch.delenv("LABORDASH_DEBUG", raising=False)
    monkeypatch.setattr(registry, "make", boom)  # what the pages build with, once resolved
    from dashboard.views import common

    common.CACHE.clear()
    at = run_app()
    text = visible_text(at)
    assert not at.exception and "details were written to the server log" in text
    assert str(ROOT) not in text
    assert "bug near" in caplog.text  # the details are in the log


# --- 3. pages downloaded a missing layer on every render, and showed the token ------------


def test_pages_never_download_and_urls_lose_their_secrets(
    store_env, tmp_path, monkeypatch, http_server
):
    from tests.conftest import _Handler

    home = tmp_path / "nolayer"
    shutil.copytree(store_env / "store", home / "store")
    for layer in ("nuts", "nuts2021"):  # the EU map's layer and one it is built from
        (home / "store" / f"geo_{layer}.geojson").unlink()
    monkeypatch.setenv("LABORDASH_HOME", str(home))
    monkeypatch.setenv(
        "LABORDASH_URL_GEO_NUTS2021", f"{http_server}/hang/x.geojson?s=5&access_token=SECRET42"
    )
    geo.layer.cache_clear()
    before = _Handler.hits.get("/hang/x.geojson", 0)
    at = run_page("views/dependence.py")
    assert not at.exception
    assert _Handler.hits.get("/hang/x.geojson", 0) == before  # no request at all
    text = visible_text(at)
    assert "run `labordash pull`" in text and "SECRET42" not in text


def test_public_url_drops_credentials_query_and_fragment():
    assert (
        fetch.public_url("https://user:pw@example.org:8443/a/b.csv?token=x&k=1#frag")
        == "https://example.org:8443/a/b.csv"
    )


def test_download_errors_and_records_never_carry_the_query(home, http_server):
    url = f"{http_server}/status/404?api_key=SECRET42"
    with pytest.raises(FetchError) as err:
        fetch.download(url, home / "x.csv", source="t", kind="csv", retries=0)
    assert "SECRET42" not in str(err.value) and "/status/404" in str(err.value)
    rec = fetch.fetch(Resource("t", "a.csv", f"{http_server}/files/{QCEW_CSV}?key=SECRET42", "csv"))
    assert "SECRET42" not in rec.url
    assert "SECRET42" not in fetch.manifest_path().read_text()


# --- 4. an empty or unwritable store was pulled again on every page run --------------------


@pytest.fixture
def unwritable_home(tmp_path, monkeypatch):
    """A home where the store cannot be created (a file stands where its directory should)."""
    blocker = tmp_path / "home"
    blocker.write_text("a file where the store's directory should be")
    monkeypatch.setenv("LABORDASH_HOME", str(blocker))
    monkeypatch.setenv("LABORDASH_MIRROR", str(MIRROR))
    monkeypatch.setattr(first_run, "_outcome", None)
    monkeypatch.setattr(first_run, "_thread", None)
    calls = []
    real = store.pull
    monkeypatch.setattr(store, "pull", lambda **kw: calls.append(1) or real(**kw))
    return calls


def test_the_first_run_builds_once_and_says_what_failed(unwritable_home):
    first_run.start(wait=30)
    out = first_run.outcome()
    first_run.start(wait=30)  # a later visitor
    assert len(unwritable_home) == 1 and first_run.outcome() is out
    assert out.state == "failed" and "ready" not in out.label
    assert "could not be built (Not a directory)" in out.label and "labordash pull" in out.label
    assert str(MIRROR.parent) not in out.label and "/home" not in out.label  # no server path


def test_a_partial_first_run_is_not_called_ready():
    ok, bad = store.PullResult("owid", True, 10), store.PullResult("wdi", False, error="x")
    assert first_run.summary([ok, ok]).label == "Data store ready"
    gaps = first_run.summary([ok, bad])
    assert gaps.state == "failed" and "1 of 2 steps failed" in gaps.label
    assert "all 2 steps failed" in first_run.summary([bad, bad]).label


def test_the_app_on_an_unwritable_store_says_so_once(unwritable_home):
    at = run_app()
    at.run()  # a second run of the same session, then a new visitor
    run_app()
    assert len(unwritable_home) == 1
    text = visible_text(at) + " ".join(e.label for e in at.expander)
    assert "could not be built" in text and "Data store ready" not in text


def test_the_first_run_survives_its_visitor_and_a_later_pull_clears_its_outcome(home, monkeypatch):
    monkeypatch.setattr(first_run, "_outcome", None)
    monkeypatch.setattr(first_run, "_thread", None)
    real = store.pull
    monkeypatch.setattr(store, "pull", lambda **kw: real(["owid"], **kw))  # a short build
    first_run.start()
    assert first_run.running()  # in its own thread: no visitor's rerun can stop it
    first_run._thread.join(120)
    assert first_run.outcome().state == "done" and store.available() == ["owid"]
    monkeypatch.setattr(first_run, "_outcome", first_run.Outcome("failed", "x", version="old"))
    assert first_run.outcome() is None  # the store changed since: the failure is not shown


# --- 5. downloads were unbounded ------------------------------------------------------------


def test_a_gzip_bomb_on_the_wire_is_stopped(home, http_server):
    dest = home / "bomb.csv"
    with pytest.raises(FetchError, match="compression bomb"):
        fetch.download(f"{http_server}/bomb", dest, source="t", kind="csv", retries=3)
    assert not dest.exists() and not list(home.glob("*.part"))


def test_a_body_over_the_cap_is_cut_off_and_nothing_is_kept(home, http_server, monkeypatch):
    monkeypatch.setenv("LABORDASH_MAX_DOWNLOAD_MB_T", "2")
    dest = home / "big.csv"
    with pytest.raises(FetchError, match="more than 2 MB, the limit for t"):
        fetch.download(f"{http_server}/big?mb=300", dest, source="t", kind="csv")
    with pytest.raises(FetchError, match="is 300 MB; the limit for t is 2 MB"):  # declared
        fetch.download(f"{http_server}/big?mb=300&declare=1", dest, source="t", kind="csv")
    assert not dest.exists() and not list(home.glob(".*.part"))


def test_a_json_page_is_capped(home, http_server, monkeypatch):
    monkeypatch.setattr(fetch, "JSON_MAX_MB", 1)
    with pytest.raises(FetchError, match="more than 1 MB"):
        fetch.get_json(f"{http_server}/big?mb=50", source="t", retries=0)


def test_a_server_sending_a_byte_at_a_time_hits_the_deadline(home, http_server, monkeypatch):
    monkeypatch.setenv("LABORDASH_DEADLINE", "1.5")
    t0 = time.monotonic()
    with pytest.raises(FetchError, match="took longer than 1.5 s"):
        fetch.download(f"{http_server}/drip?n=40&s=0.5", home / "d.csv", source="t", kind="csv")
    assert time.monotonic() - t0 < 12  # the whole body would take 20 s


def test_a_zip_that_unpacks_to_a_bomb_is_refused(home):
    path = home / "bomb.zip"
    home.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("data.csv", bytes(300 << 20))
    with pytest.raises(FetchError, match="zip bomb"):
        fetch.check_content(path, "zip", "t", "http://x/bomb.zip")


# --- 6. valid gzip downloads were rejected ----------------------------------------------------


def test_a_gzip_encoded_download_is_accepted(home, http_server):
    dest = home / "qcew.csv"
    fetch.download(f"{http_server}/gzipped/{QCEW_CSV}", dest, source="t", kind="csv", retries=0)
    assert dest.read_bytes() == (MIRROR / QCEW_CSV).read_bytes()


# --- 7. two pulls at once corrupted each other ------------------------------------------------


@pytest.mark.slow  # two pulls at once (7 s)
def test_two_pulls_at_once_both_succeed(home, tmp_path):
    env = {**os.environ, "LABORDASH_HOME": str(home), "LABORDASH_MIRROR": str(MIRROR)}
    cmd = [sys.executable, "-m", "dashboard.cli", "pull", "owid", "cofog", "who"]
    procs = [
        subprocess.Popen(
            cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp_path
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=300)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert not any("Errno" in o or "FAILED" in o for o in outs), outs
    assert any("waiting for" in o for o in outs), outs  # the second one waited, and said so
    assert {"owid", "eurostat_cofog", "who_ghed"} <= set(store.manifest())
    assert not list((home / "store").glob("*.tmp")) and not list((home / "store").glob(".*.tmp"))


def test_a_pull_that_cannot_wait_names_the_holder(home):
    with store.lock(command="labordash pull test"):
        seen = []
        t = threading.Thread(target=lambda: seen.append(_try_pull()))
        t.start()
        t.join(30)
    assert "being written by labordash pull test (pid" in seen[0]


def _try_pull() -> str:
    try:
        store.pull(["owid"], wait=0)
    except store.StoreBusy as exc:
        return str(exc)
    return "pulled"


def test_temporary_names_are_unique():
    a, b = fetch.temp_path(Path("/s/x.parquet"), ".tmp"), fetch.temp_path(Path("/s/x.parquet"))
    assert a != b and a.parent == b.parent == Path("/s") and a.name.startswith(".x.parquet.")


# --- 8. the manifest was fragile --------------------------------------------------------------


@pytest.fixture
def small_home(home):
    assert all(r.ok for r in store.pull(["owid", "cofog"]))
    return home


def test_a_damaged_manifest_is_an_error_with_a_repair_command(small_home):
    before = {p.name: p.read_bytes() for p in (small_home / "store").glob("*.parquet")}
    store.manifest_path().write_text("{not json")
    with pytest.raises(store.StoreDamaged, match="labordash repair"):
        store.pull(["owid"])
    res = CliRunner().invoke(app, ["pull", "owid"])
    assert res.exit_code == 1 and "labordash repair" in said(res)
    assert {p.name: p.read_bytes() for p in (small_home / "store").glob("*.parquet")} == before
    res = CliRunner().invoke(app, ["repair"])
    assert res.exit_code == 0 and "eurostat_cofog, owid" in said(res)
    man = store.manifest()
    assert man["owid"]["rows"] == len(store.read("owid"))
    assert (small_home / "store" / "manifest.json.damaged").read_text() == "{not json"


def test_a_lost_manifest_keeps_the_shrink_guard(small_home, tmp_path, monkeypatch):
    rows = store.manifest()["owid"]["rows"]
    store.manifest_path().unlink()
    src = next((MIRROR / "owid").glob("total-gov-expenditure-gdp-wdi.csv"))
    lines = src.read_text("utf-8").splitlines(keepends=True)
    mirror = tmp_path / "mirror" / "owid"
    mirror.mkdir(parents=True)
    (mirror / src.name).write_text("".join(lines[:600]), "utf-8")
    for other in (MIRROR / "owid").iterdir():
        if other.name != src.name:
            os.symlink(other, mirror / other.name)
    monkeypatch.setenv("LABORDASH_MIRROR", str(tmp_path / "mirror"))
    res = store.pull(["owid"])[0]
    assert not res.ok and f"where the stored one has {rows:,}" in res.error


def test_a_file_and_its_manifest_entry_change_together(small_home, monkeypatch):
    path = store.parquet_path("owid")
    before, entry = path.read_bytes(), store.manifest()["owid"]
    real = os.replace

    def full_disk(src, dst):
        if Path(dst).name == "manifest.json":
            raise OSError(28, "No space left on device")
        return real(src, dst)

    src = store.MODULES["owid"]

    class Changed:  # a new vintage: one value differs, so the new file differs from the old
        DATASET, SOURCE = src.DATASET, src.SOURCE

        def load(self, **kw):
            loaded = src.load(**kw)
            loaded.frame.loc[0, "value"] += 1.0
            return loaded

    monkeypatch.setitem(store.MODULES, "owid", Changed())
    monkeypatch.setattr(os, "replace", full_disk)
    res = store.pull(["owid"], force=True)[0]
    monkeypatch.setattr(os, "replace", real)
    assert not res.ok and "No space left" in res.error
    assert path.read_bytes() == before and store.manifest()["owid"] == entry
    assert len(store.read("owid")) == entry["rows"]


# --- 9. corruption passed silently ----------------------------------------------------------


def test_a_scrambled_table_is_refused_on_read(damaged_home):
    damage_stored(damaged_home, "sipri_milex")
    store._read_parquet.cache_clear()
    with pytest.raises(store.StoreDamaged, match="does not match its checksum"):
        store.read("sipri_milex")


@pytest.mark.slow  # a full pull (47 s)
def test_a_damaged_map_layer_is_refused_and_rebuilt_by_a_full_pull(small_home):
    assert geo.intact()  # the first pull into an empty store built the map layers
    path = geo.stored_path("countries")
    data = bytearray(path.read_bytes())
    data[1000:1004] = b"9999"  # still valid JSON: only the checksum can tell
    path.write_bytes(bytes(data))
    geo.layer.cache_clear()
    assert not geo.intact()
    with pytest.raises(geo.GeometryMissing, match="do not match their checksum"):
        geo.countries()
    store.pull(["owid"])  # even a partial pull repairs a damaged layer
    assert geo.intact() and len(geo.countries()["features"]) == 177
    before = geo.stored_path("countries").stat().st_mtime_ns
    res = CliRunner().invoke(app, ["pull"])  # a full pull from the command line rebuilds them
    assert res.exit_code == 0 and "geometries" in res.output
    assert geo.stored_path("countries").stat().st_mtime_ns > before


def said(res) -> str:
    """A CLI result's output with rich's line wrapping undone."""
    return " ".join(res.output.split())


# --- 12. export reported ok for bad files ---------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--width", "40000"], "between 100 and 5000 px, got 40000"),
        (["--width", "0"], "between 100 and 5000 px, got 0"),
        (["--width", "-5"], "between 100 and 5000 px, got -5"),
        (["--height", "20000"], "between 100 and 5000 px, got 20000"),
    ],
)
def test_export_refuses_impossible_sizes(store_env, tmp_path, args, message):
    cmd = ["export", "--chart", "milex_series", "--out", str(tmp_path), *args]
    res = CliRunner().invoke(app, cmd)
    assert res.exit_code == 2 and message in said(res)
    assert not list(tmp_path.iterdir())


def test_export_spec_errors_are_messages(store_env, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_bytes('[[chart]]\nchart = "milex_series"\nfile = "\xe9"\n'.encode("latin-1"))
    res = CliRunner().invoke(app, ["export", str(bad), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and "not UTF-8" in said(res) and "Traceback" not in res.output
    five = tmp_path / "five.toml"
    five.write_text('[[chart]]\nchart = "milex_series"\nparams = 5\n')
    res = CliRunner().invoke(app, ["export", str(five), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and "params must be a table" in said(res)
    sizes = tmp_path / "sizes.toml"
    sizes.write_text('[[chart]]\nchart = "milex_series"\nwidth = "wide"\n')
    res = CliRunner().invoke(app, ["export", str(sizes), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and "whole number of pixels, got 'wide'" in said(res)
    a_file = tmp_path / "exists.txt"
    a_file.write_text("x")
    res = CliRunner().invoke(app, ["export", "--chart", "gvb_granger", "--out", str(a_file)])
    assert res.exit_code == 2 and "is a file, not a directory" in said(res)


def test_export_never_overwrites_within_a_run(store_env, tmp_path):
    spec = tmp_path / "s.toml"
    entries = [
        ("gvb_granger", "a/b"),
        ("gvb_granger", "a_b"),
        ("gvb_granger", "Граница военных"),
        ("gvb_model", "Граница военных"),
    ]
    spec.write_text(
        "\n".join(f'[[chart]]\nchart = "{c}"\nfile = "{f}"\n' for c, f in entries), "utf-8"
    )
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["export", str(spec), "--out", str(out)])
    assert res.exit_code == 0, res.output
    names = sorted(p.name for p in out.iterdir())
    assert names == ["a_b.csv", "a_b_2.csv", "Граница_военных.csv", "Граница_военных_2.csv"]
    assert "a_b.csv is already the file of gvb_granger; writing a_b_2.csv" in said(res)
    again = CliRunner().invoke(app, ["export", str(spec), "--out", str(out)])
    assert "replaced the file that was there" in said(again)


def test_export_on_a_damaged_store_is_a_failed_chart_not_a_traceback(damaged_home, tmp_path):
    damage_stored(damaged_home, "sipri_milex")
    store._read_parquet.cache_clear()
    res = CliRunner().invoke(app, ["export", "--chart", "gvb_granger", "--out", str(tmp_path)])
    assert res.exit_code == 1 and "FAILED" in res.output and "pull --force" in said(res)
    assert res.exception is None or isinstance(res.exception, SystemExit)


def test_an_image_that_is_not_one_is_a_failure():
    with pytest.raises(export.ExportError, match="3 bytes that are not a PNG"):
        export.check_image(b"\x00\x01\x02", "png")
    assert export.check_image(b"\x89PNG\r\n\x1a\nrest", "png")
    assert export.check_image(b'<?xml version="1.0"?><svg/>', "svg")


# --- 13. a bad download stuck in the raw cache ------------------------------------------------


def test_an_error_page_behind_a_bom_and_a_comment_is_refused(home, http_server):
    with pytest.raises(FetchError, match="HTML/XML page"):
        fetch.download(f"{http_server}/bomhtml", home / "x.csv", source="t", kind="csv")
    assert not (home / "x.csv").exists()


def test_a_bad_cached_file_is_downloaded_again(home, http_server):
    res = Resource("t", "q.csv", f"{http_server}/files/{QCEW_CSV}", "csv")
    cached = fetch.config.cache_dir() / "t" / "q.csv"
    cached.parent.mkdir(parents=True)
    cached.write_bytes("\ufeff<!-- x --><html>error</html>".encode())  # cached by an old version
    fetch._write_manifest(
        {
            "t/q.csv": {
                "path": str(cached),
                "origin": "network",
                "url": res.url,
                "size": 1,
                "sha256": fetch.sha256(cached),
                "retrieved": "2026-01-01",
            }
        }
    )
    rec = fetch.fetch(res)
    assert rec.origin == "network" and cached.read_bytes() == (MIRROR / QCEW_CSV).read_bytes()


def test_a_download_that_fails_to_parse_is_not_kept(home, http_server):
    from dashboard.sources.base import Source

    src = Source(
        "qcew",
        "nowhere",
        "nothing*",
        parse=_refuse,
        vintage=lambda p, f: "",
        downloads=lambda: [Resource("t", "bad.csv", f"{http_server}/files/{QCEW_CSV}", "csv")],
    )
    with pytest.raises(ParseError, match=r"was not kept; `labordash pull --refresh qcew`"):
        src.load()
    assert not (fetch.config.cache_dir() / "t" / "bad.csv").exists()
    assert "t/bad.csv" not in fetch._read_manifest()


def _refuse(paths):
    raise ParseError(f"{paths[0].name}: not laid out as expected")


# --- 14. Markdown in upload labels was rendered -----------------------------------------------


def test_labels_from_a_file_are_inert_markdown():
    shown = upload.inert("![x](http://203.0.113.1/p.png) [link](http://e.org) **b** :red[x]")
    assert "![" not in shown and "](" not in shown and "**" not in shown and ":red[" not in shown
    view = (ROOT / "dashboard" / "views" / "your_data.py").read_text("utf-8")
    # every caption and message on the page built from the file goes through inert()
    assert "st.caption(uploaded.inert(" in view and "st.caption(bars.alt)" not in view


# --- 15. encodings ---------------------------------------------------------------------------

RU = "регион,отрасль,занятые\nУдмуртская Республика,обрабатывающие производства,120\n"
ENCODED = {  # as a spreadsheet or a statistics office would save them
    "excel_unicode_text": ("region\tindustry\tvalue\nZürich\tBäckerei\t12\n", "utf-16", "utf-16"),
    "french": (
        "region;industry;value\nFR10;Chaussée légère;12\nFR21;Équipements;3\n",
        "cp1252",
        "cp1252",
    ),
    "german": (
        "region,industry,value\nDE14,Tübingen,1\nDE11,Straßenbau Württemberg,3\n",
        "cp1252",
        "cp1252",
    ),
    "spanish": ("region,industry,value\nES24,Aragón,1\nES61,Andalucía,2\n", "cp1252", "cp1252"),
    "one_accent": ("r,i,v\nA,Café,1\nB,x,2\n", "cp1252", "cp1252"),
    "polish": (
        "region,industry,value\nPL21,Małopolskie przemysł,1\nPL22,Śląskie górnictwo,2\n",
        "cp1250",
        "cp1250",
    ),
    "russian_1251_short": ("RU-MOW;C;1234;Москва\n", "cp1251", "cp1251"),
    "russian_1251": (RU * 3, "cp1251", "cp1251"),
    "russian_koi8": (RU, "koi8_r", "koi8_r"),
    "japanese": ("地域,産業,雇用\n東京,製造業,120\n大阪,サービス業,300\n", "shift_jis", "cp932"),
    "greek": ("περιοχή,κλάδος,αξία\nΑττική,μεταποίηση,12\n", "cp1253", "cp1253"),
}


@pytest.mark.parametrize("name", list(ENCODED))
def test_encodings_are_detected_and_named(name):
    text, codec, named = ENCODED[name]
    got, encoding = upload.decode(text.encode(codec), f"{name}.csv")
    assert got == text and encoding == named  # before: KOI8-R and Shift-JIS read as cp1252


def test_a_table_is_read_with_its_encoding_named():
    df = upload.read_table(ENCODED["excel_unicode_text"][0].encode("utf-16"), "t.txt")
    assert df.attrs["encoding"] == "utf-16" and df.iloc[0, 0] == "Zürich"


def test_bytes_no_encoding_reads_as_words_are_refused_with_advice():
    with pytest.raises(upload.UploadError, match="no text encoding reads it as words.*UTF-8"):
        upload.read_table(b"r,i,v\n" + bytes(range(128, 256)) * 3 + b",x,1\n", "t.csv")


def test_pipes_and_full_width_equals_are_neutralised():
    out = export.spreadsheet_safe(pd.DataFrame({"a": ["|calc", "\uff1dSUM(A1)", "\uff20x", "ok"]}))
    assert out["a"].tolist() == ["'|calc", "'\uff1dSUM(A1)", "'\uff20x", "ok"]


# --- 10. processes left behind ---------------------------------------------------------------


def test_an_upload_reader_dies_with_its_server(tmp_path):
    """A server killed while reading an upload takes the reader along (no orphan holding
    memory); `labordash run` and `serve` are covered in tests/integration/test_serve.py."""
    script = (
        "import time; from dashboard import bounded; "
        "bounded.call(time.sleep, 120, seconds=300, memory_mb=100)"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    child = None
    for _ in range(100):  # the reader starts within a few seconds
        time.sleep(0.1)
        kids = Path(f"/proc/{parent.pid}/task/{parent.pid}/children").read_text().split()
        if kids:
            child = int(kids[0])
            break
    assert child, "no reader process started"
    parent.kill()
    parent.wait()
    for _ in range(50):
        if not Path(f"/proc/{child}").exists() or "Z" in _state(child):
            break
        time.sleep(0.1)
    assert not Path(f"/proc/{child}").exists() or "Z" in _state(child)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[1].split()[0]
    except (OSError, IndexError):
        return "Z"
