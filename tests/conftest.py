"""Shared fixtures: the real mirror (../shared/mirror), isolated LABORDASH_HOME, a pulled store,
and a loopback HTTP server that serves mirror files plus fault cases."""

from __future__ import annotations

import contextlib
import csv
import functools
import gzip
import importlib.util
import io
import json
import os
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tests import bls_imitation

ROOT = Path(__file__).resolve().parents[1]
MIRROR = Path(os.environ.get("LABORDASH_TEST_MIRROR", ROOT.parent / "shared" / "mirror")).resolve()
SIPRI_XLSX = MIRROR / "sipri" / "SIPRI-Milex-data-1949-2025_v1.2.xlsx"
WB = MIRROR / "worldbank"


TESTS = Path(__file__).resolve().parent


def pytest_configure(config):
    # the app shows a plain message for an error no page handles; under test it is raised too
    # (AppTest's exception list), except where a test unsets this to see the visitor's view
    os.environ.setdefault("LABORDASH_DEBUG", "1")
    # a test that pulls Rosstat without a mirror never asks rosstat.gov.ru for its edition pages
    os.environ.setdefault("LABORDASH_PAGE_ROSSTAT_REGIONS", "http://127.0.0.1:9/{edition}")


def pytest_collection_modifyitems(config, items):
    """Tiers by folder: tests/unit (synthetic data, no mirror, no browser), tests/integration
    (the mirror) and tests/e2e (Chromium, the mirror), marked ``unit``, ``integration`` and
    ``e2e``. Without the mirror only the unit tier runs; the others are skipped, saying why.
    The longest groups run first (the container stack, then the browser suite's parts), so
    that under pytest-xdist the other tests fill the remaining workers meanwhile."""
    for item in items:
        tier = Path(str(item.path)).relative_to(TESTS).parts[0]
        if tier in ("unit", "integration"):
            item.add_marker(getattr(pytest.mark, tier))
        if tier != "unit" and not MIRROR.is_dir():
            item.add_marker(pytest.mark.skip(reason=f"the shared mirror is missing at {MIRROR}"))
    rank = {g: i for i, g in enumerate(FIRST)}
    items.sort(key=lambda i: rank.get(_group_of(i.nodeid), len(FIRST)))  # stable within


# pytest-xdist: what one worker runs as a whole, by node id: one built stack for the
# containers; the browser suite in three parts, each with its own Chromium (the pages at
# 1,440 px, which share their loads, with an app server; the phone's pages with another; the
# charts laid out without the app); otherwise a module, its fixtures made once
FIRST = ("containers", "e2e", "e2e-phone", "e2e-static")
STATIC = ("tests/e2e/test_chart_layout.py", "tests/e2e/test_readable.py::test_exported_")


def _group_of(nodeid: str) -> str:
    if nodeid.startswith("tests/integration/test_containers.py"):
        return "containers"
    if nodeid.startswith(STATIC):
        return "e2e-static"
    if nodeid.startswith("tests/e2e/test_readable.py") and nodeid.endswith("390]"):
        return "e2e-phone"
    if nodeid.startswith("tests/e2e/"):
        return "e2e"
    return nodeid.split("::", 1)[0]  # the module


_yielded: list[bool] = []


def pytest_runtest_setup(item):
    """Under pytest-xdist the browser suite keeps the CPU: a worker lowers its own priority
    (nice 10, and so for the servers, builds and browsers it starts) before its first test
    outside the browser suite. On two cores a browser page, its app server and Chromium
    starved by the other workers once took over 300 s to draw."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker and not _yielded and not _group_of(item.nodeid).startswith("e2e"):
        os.nice(10)
        _yielded.append(True)


if importlib.util.find_spec("xdist") is not None:

    def pytest_xdist_make_scheduler(config, log):
        """Whole groups to one worker (``_group_of``), in collection order. xdist's own
        ``--dist loadgroup`` marks them by renaming node ids, which pytest 9 no longer
        allows."""
        from xdist.scheduler import LoadScopeScheduling

        class ByGroup(LoadScopeScheduling):
            def _split_scope(self, nodeid: str) -> str:
                return _group_of(nodeid)

        config.option.loadscopereorder = False  # the order of the collection, longest first
        return ByGroup(config, log)


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An empty LABORDASH_HOME with the real mirror."""
    from dashboard import first_run

    h = tmp_path / "home"
    monkeypatch.setenv("LABORDASH_HOME", str(h))
    monkeypatch.setenv("LABORDASH_MIRROR", str(MIRROR))
    monkeypatch.setattr(first_run, "_outcome", None)  # the app's first build is per process
    monkeypatch.setattr(first_run, "_thread", None)
    return h


@pytest.fixture(scope="session")
def pulled_home(tmp_path_factory):
    """A LABORDASH_HOME with every dataset pulled once from the mirror (shared, read-only).

    Under pytest-xdist the workers share one pull: the first to take the lock pulls into the
    run's common temporary folder, the others wait for it and read the same store."""
    from filelock import FileLock

    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's folder, above each worker's own
    h = base / "pulled"
    with FileLock(str(base / "pulled.lock")):
        if not (h / "pulled.ok").exists():
            h.mkdir(exist_ok=True)
            _pull_into(h)
            (h / "pulled.ok").write_text("")
    return h


def _pull_into(h: Path) -> None:
    from dashboard import store

    old = {k: os.environ.get(k) for k in ("LABORDASH_HOME", "LABORDASH_MIRROR")}
    os.environ["LABORDASH_HOME"] = str(h)
    os.environ["LABORDASH_MIRROR"] = str(MIRROR)
    try:
        results = store.pull()
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    failed = [r.error for r in results if not r.ok]
    assert not failed, failed


@pytest.fixture
def store_env(pulled_home, monkeypatch):
    monkeypatch.setenv("LABORDASH_HOME", str(pulled_home))
    monkeypatch.setenv("LABORDASH_MIRROR", str(MIRROR))
    return pulled_home


# --- loopback server ------------------------------------------------------------------------


def wb_bulk(code: str) -> dict[str, bytes] | None:
    """The files of the World Bank bulk zip for ``code``, from the mirror (zip or loose CSVs)."""
    for z in WB.glob(f"API_{code}_DS2_*.zip"):
        with zipfile.ZipFile(z) as zf:
            return {n: zf.read(n) for n in zf.namelist()}
    for p in WB.glob(f"API_{code}_DS2_*.csv"):
        out = {p.name: p.read_bytes()}
        for kind in ("Metadata_Country_", "Metadata_Indicator_"):
            sib = p.with_name(kind + p.name)
            if sib.exists():
                out[sib.name] = sib.read_bytes()
        return out
    return None


def _wb_csv_rows(code: str) -> tuple[list[dict], list[dict]]:
    """World Bank API v2 pages synthesised from the mirror's bulk CSV (values as published)."""
    files = wb_bulk(code)
    data_name = next(n for n in files if n.startswith("API_"))
    rows = list(csv.reader(io.StringIO(files[data_name].decode("utf-8-sig"))))
    header = rows[4]
    meta_name = next((n for n in files if n.startswith("Metadata_Country_")), None)
    meta = (
        list(csv.DictReader(io.StringIO(files[meta_name].decode("utf-8-sig")))) if meta_name else []
    )
    countries = [
        {
            "id": m["Country Code"],
            "name": m["TableName"],
            "region": {"value": m["Region"] or "Aggregates"},
        }
        for m in meta
    ]
    data = []
    for r in rows[5:]:
        for i, col in enumerate(header):
            if col.isdigit():
                val = r[i] if i < len(r) else ""
                data.append(
                    {
                        "indicator": {"id": r[3], "value": r[2]},
                        "country": {"id": r[1], "value": r[0]},
                        "countryiso3code": r[1],
                        "date": col,
                        "value": float(val) if val else None,
                    }
                )
    return countries, data


class _Handler(BaseHTTPRequestHandler):
    hits: dict[str, int] = {}

    def log_message(self, *args):  # keep test output clean
        pass

    def _send(
        self,
        code: int,
        body: bytes,
        ctype: str,
        length: int | None = None,
        headers: dict | None = None,
    ):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)  # the client may have given up (timeout tests)

    def _stream(self, size: int, declared: bool):
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        if declared:
            self.send_header("Content-Length", str(size))
        self.end_headers()
        line = b"a,b,c\n" * 10922  # 64 KB
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            for _ in range(size // len(line)):
                self.wfile.write(line)
        self.close_connection = True

    def _drip(self, n: int, every: float):
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(n))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            for _ in range(n):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(every)

    def do_GET(self):  # http.server API
        url = urlparse(self.path)
        q = parse_qs(url.query)
        _Handler.hits[url.path] = _Handler.hits.get(url.path, 0) + 1
        parts = url.path.strip("/").split("/")
        fault = getattr(self, f"_fault_{parts[0]}", None)  # /files/..., /status/503, ...
        if fault is not None:
            return fault(parts, q, url.path)
        for prefix, producer in (
            (["v2", "en", "indicator"], self._world_bank_bulk),
            (["gho", "api"], self._who),
            (["owid", "grapher"], self._owid),
            (["cew"], self._bls),
            (["rosstat"], self._rosstat),
            (["eurostat", "gov_10a_exp"], self._eurostat),
            (["v2", "country"], self._world_bank_api),
        ):
            if parts[: len(prefix)] == prefix:
                return producer(parts, q)
        return self._not_found()

    def _not_found(self):
        return self._send(404, b"not found", "text/plain")

    # --- faults: /<fault>/<mirror path> or /<fault>?parameters -----------------------------
    def _fault_files(self, parts, q, path):
        found = MIRROR.joinpath(*parts[1:])
        if not found.is_file():
            return self._not_found()
        return self._send(200, found.read_bytes(), "application/octet-stream")

    def _fault_status(self, parts, q, path):
        return self._send(int(parts[1]), b"server error", "text/plain")

    def _fault_flaky(self, parts, q, path):  # 503 on the first request, then the file
        if _Handler.hits[path] == 1:
            return self._send(503, b"busy", "text/plain")
        return self._send(200, MIRROR.joinpath(*parts[1:]).read_bytes(), "application/zip")

    def _fault_hang(self, parts, q, path):
        time.sleep(float(q.get("s", ["5"])[0]))
        return self._send(200, b"late", "text/plain")

    def _fault_truncated(self, parts, q, path):
        body = MIRROR.joinpath(*parts[1:]).read_bytes()
        return self._send(200, body[: len(body) // 3], "application/octet-stream", len(body))

    def _fault_html(self, parts, q, path):
        page = b"<!DOCTYPE html><html><body><h1>Service unavailable</h1></body></html>"
        return self._send(200, page, "text/html")

    def _fault_badzip(self, parts, q, path):
        body = MIRROR.joinpath(*parts[1:]).read_bytes()
        return self._send(200, body[:2000], "application/zip")

    def _fault_gzipped(self, parts, q, path):  # a mirror file sent with Content-Encoding: gzip
        body = gzip.compress(MIRROR.joinpath(*parts[1:]).read_bytes())
        return self._send(200, body, "text/csv", headers={"Content-Encoding": "gzip"})

    def _fault_bomb(self, parts, q, path):  # 1 GiB of zeros, gzip-encoded (about 1 MB)
        return self._send(200, _gzip_bomb(), "text/csv", headers={"Content-Encoding": "gzip"})

    def _fault_big(self, parts, q, path):  # ?mb=N of CSV-like text, with or without a length
        mb = int(q.get("mb", ["300"])[0])
        return self._stream(mb << 20, q.get("declare", ["0"])[0] == "1")

    def _fault_drip(self, parts, q, path):  # ?n= bytes, one every ?s= seconds
        return self._drip(int(q.get("n", ["20"])[0]), float(q.get("s", ["0.5"])[0]))

    def _fault_bomhtml(self, parts, q, path):  # an error page behind a byte-order mark
        page = "\ufeff<!-- generated -->\n<!DOCTYPE html><html><body>Error</body></html>"
        return self._send(200, page.encode("utf-8"), "text/csv")

    # --- imitations of the producers, built from the mirror --------------------------------
    def _world_bank_bulk(self, parts, q):  # World Bank bulk download
        files = wb_bulk(parts[3])
        if q.get("fail") or files is None:
            return self._send(500 if q.get("fail") else 404, b"error", "text/plain")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in files.items():
                zf.writestr(name, data)
        return self._send(200, buf.getvalue(), "application/zip")

    def _who(self, parts, q):  # WHO GHO OData, from the theme-download CSV
        src = MIRROR / "who" / "gho_health_financing_2025-05-20" / "data" / f"{parts[2]}.csv"
        if not src.exists():
            return self._send(404, b"{}", "application/json")
        recs = [
            {
                "IndicatorCode": r["IndicatorCode"],
                "SpatialDimType": r["SpatialDimension"],
                "SpatialDim": r["SpatialDimensionValueCode"],
                "TimeDim": int(r["TimeDim"]),
                "ParentLocationCode": r["ParentLocationCode"] or None,
                "Value": r["Value"],
                "NumericValue": float(r["NumericValue"]) if r["NumericValue"] else None,
                "Date": r["Date"],
            }
            for r in csv.DictReader(io.StringIO(src.read_text("utf-8")))
        ]
        body = json.dumps({"@odata.context": "x", "value": recs}).encode()
        return self._send(200, body, "application/json")

    def _owid(self, parts, q):  # OWID grapher CSV and metadata.json
        found = [f for f in (MIRROR / "owid").rglob(parts[2]) if f.is_file()]
        if not found:
            return self._not_found()
        return self._send(200, found[0].read_bytes(), "text/csv")

    def _bls(self, parts, q):
        if parts[:2] == ["cew", "api"] and parts[4:5] == ["industry"]:  # one industry, all areas
            body = bls_imitation.industry_slice(MIRROR, parts[2], parts[3], parts[5][:-4])
            if body is None:
                return self._not_found()
            return self._send(200, body, "text/csv")
        if parts[:4] == ["cew", "doc", "titles", "industry"]:
            return self._send(200, bls_imitation.industry_titles(MIRROR), "text/csv")
        if parts[:2] == ["cew", "api"]:  # BLS open data: /cew/api/{year}/{qtr}/area/{fips}.csv
            year, fips = parts[2], parts[5].removesuffix(".csv")
            found = [f for f in (MIRROR / "qcew").rglob(f"*{year}*{fips}*.csv")]
            if not found:
                return self._not_found()
            return self._send(200, found[0].read_bytes(), "text/csv")
        return self._not_found()

    def _rosstat(self, parts, q):
        if parts[:2] == ["rosstat", "folder"]:  # an edition page
            return self._send(200, bls_imitation.ROSSTAT_PAGE.encode(), "text/html; charset=utf-8")
        if parts[:2] == ["rosstat", "mediabank"]:  # 2025: table 19.3 renumbered 19.4
            edition = parts[2].removesuffix(".rar").rsplit("_", 1)[-1]
            if edition not in ("2022", "2025"):
                return self._not_found()
            renumber = ("19.3.", "19.4.") if edition == "2025" else None
            body = bls_imitation.rosstat_rar(MIRROR, edition, renumber)
            return self._send(200, body, "application/x-rar-compressed")
        # /rosstat/Pril_Region_Pokaz_{edition}.zip
        edition = parts[1].removesuffix(".zip").rsplit("_", 1)[-1]
        body = bls_imitation.rosstat_zip(MIRROR, edition)
        if body is None:
            return self._not_found()
        return self._send(200, body, "application/zip")

    def _eurostat(self, parts, q):
        src = next((MIRROR / "cofog").glob("gov_10a_exp*.csv"))
        return self._send(200, src.read_bytes(), "text/csv")

    def _world_bank_api(self, parts, q):
        page = int(q.get("page", ["1"])[0])
        per = int(q.get("per_page", ["50"])[0])
        if len(parts) == 2:
            countries, _ = _wb_csv_rows("SP.POP.TOTL")
            items = countries
        else:
            code = parts[4]
            if wb_bulk(code) is None:
                msg = [{"message": [{"id": "120", "key": "Invalid value"}]}]
                return self._send(200, json.dumps(msg).encode(), "application/json")
            _, items = _wb_csv_rows(code)
        pages = max(1, -(-len(items) // per))
        chunk = items[(page - 1) * per : page * per]
        doc = [{"page": page, "pages": pages, "per_page": per, "total": len(items)}, chunk]
        return self._send(200, json.dumps(doc).encode(), "application/json")


@functools.cache
def _gzip_bomb() -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9) as gz:
        block = bytes(1 << 20)
        for _ in range(1024):
            gz.write(block)
    return buf.getvalue()


@pytest.fixture(scope="session")
def http_server():
    """Base URL of a loopback server; see _Handler for the routes."""
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.daemon_threads = True
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()


def sipri_copy_damaged(dest: Path) -> Path:
    """A truncated copy of the SIPRI workbook (test-local, in tmp)."""
    data = SIPRI_XLSX.read_bytes()
    dest.write_bytes(data[: len(data) // 2])
    return dest


def zip_members(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        return zf.namelist()


def pick(df, **kw):
    """The one row of ``df`` matching every column=value in ``kw`` (fails if not exactly one)."""
    for k, v in kw.items():
        df = df[df[k] == v]
    assert len(df) == 1, (kw, len(df))
    return df.iloc[0]


def page_charts(at) -> list:
    """The page's plotly charts in an ``AppTest``, without the app's hidden warm-up chart
    (``frontend.WARM_KEY``), which every page carries."""
    from dashboard import frontend

    return [c for c in at.get("plotly_chart") if c.key != frontend.WARM_KEY]
