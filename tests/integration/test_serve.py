"""`labordash run` as a server: no prompt, no terminal, standard input closed, started from any
directory with the shipped settings, and gone (with its Streamlit child) on SIGTERM."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from dashboard import launch

pytestmark = pytest.mark.slow  # every test starts servers

LABORDASH = Path(sys.executable).with_name("labordash")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return (
        Path(f"/proc/{pid}/status").exists()
        and "zombie" not in Path(f"/proc/{pid}/status").read_text()
    )


def test_shipped_settings_reach_streamlit():
    cmd = launch.command(8600)
    opts = dict(zip(cmd[5::2], cmd[6::2], strict=True))
    assert opts["--server.headless"] == "true" and opts["--server.address"] == "127.0.0.1"
    assert opts["--client.toolbarMode"] == "viewer" and opts["--server.maxUploadSize"] == "20"
    assert opts["--browser.gatherUsageStats"] == "false"
    assert opts["--client.showErrorDetails"] == "none"
    shown = launch.command(8600, open_browser=True)
    assert dict(zip(shown[5::2], shown[6::2], strict=True))["--server.headless"] == "false"


def test_run_serves_without_a_terminal_and_stops_on_sigterm(store_env, tmp_path):
    """The README's command as a service manager runs it: stdin closed, no controlling
    terminal, another working directory."""
    port = free_port()
    log = open(tmp_path / "run.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [str(LABORDASH), "run", "--port", str(port)],
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=tmp_path,
        start_new_session=True,
        env={**os.environ, "LABORDASH_HOME": str(store_env)},
    )
    try:
        ok = launch.healthy(port, 90, [proc])
        assert ok, (tmp_path / "run.log").read_text()
        kids = children(proc.pid)
        assert kids, "no Streamlit child"
        cmdline = Path(f"/proc/{kids[0]}/cmdline").read_bytes().split(b"\0")
        assert b"--client.toolbarMode" in cmdline and b"viewer" in cmdline
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0 or proc.returncode in (-15, 143)
        time.sleep(1)
        assert not [k for k in kids if alive(k)], "Streamlit kept serving after SIGTERM"
    finally:
        if proc.poll() is None:
            proc.kill()
        log.close()


def test_a_killed_parent_takes_its_server_along(store_env, tmp_path):
    port = free_port()
    proc = subprocess.Popen(
        [str(LABORDASH), "run", "--port", str(port)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=tmp_path,
        start_new_session=True,
        env={**os.environ, "LABORDASH_HOME": str(store_env)},
    )
    try:
        assert launch.healthy(port, 90, [proc])
        kids = children(proc.pid)
        proc.kill()  # SIGKILL: no handler runs
        proc.wait(10)
        deadline = time.time() + 15
        while time.time() < deadline and [k for k in kids if alive(k)]:
            time.sleep(0.3)
        assert not [k for k in kids if alive(k)]
    finally:
        if proc.poll() is None:
            proc.kill()


def test_serve_runs_replicas_behind_haproxy_and_stops_them_all(store_env, tmp_path):
    import shutil

    import pytest

    if shutil.which("haproxy") is None:
        if os.environ.get("CI"):
            pytest.fail(".ci/run must install Debian haproxy")
        pytest.skip("Debian haproxy not installed")
    port = free_port()
    proc = subprocess.Popen(
        [str(LABORDASH), "serve", "--replicas", "2", "--port", str(port)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=tmp_path,
        start_new_session=True,
        env={**os.environ, "LABORDASH_HOME": str(store_env)},
    )
    try:
        url = f"http://127.0.0.1:{port}"
        # ready when it says so: HAProxy answers before every replica is up
        said = ""
        while "replicas behind HAProxy" not in said and proc.poll() is None:
            said += proc.stdout.readline()
        assert "replicas behind HAProxy" in said, said
        assert launch.healthy(port, 30, [proc])
        deadline = time.time() + 60
        while time.time() < deadline and len(children(proc.pid)) < 3:
            time.sleep(0.5)
        kids = children(proc.pid)
        assert len(kids) == 3  # two app processes and HAProxy
        first = httpx.get(url + "/")
        cookie = first.cookies.get("LABORDASH_SRV")
        assert first.status_code == 200 and cookie in ("app1", "app2")
        # a browser that carries the cookie stays on its replica
        again = httpx.get(url + "/", cookies={"LABORDASH_SRV": cookie})
        assert again.status_code == 200 and "LABORDASH_SRV" not in again.cookies
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(60) == 0
        time.sleep(1)
        assert not [k for k in kids if alive(k)]
        work = Path(said.split("(logs in ", 1)[1].split(" while", 1)[0])
        assert work.name.startswith("labordash-serve-") and not work.exists()  # cleaned up
    finally:
        if proc.poll() is None:
            proc.kill()


def needs_haproxy():
    import shutil

    import pytest

    if shutil.which("haproxy") is None:
        if os.environ.get("CI"):
            pytest.fail(".ci/run must install Debian haproxy")
        pytest.skip("Debian haproxy not installed")


def start_serve(store_env, tmp_path, port: int, replicas: int = 2) -> subprocess.Popen:
    (tmp_path / "tmp").mkdir(exist_ok=True)
    return subprocess.Popen(
        [str(LABORDASH), "serve", "--replicas", str(replicas), "--port", str(port)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=tmp_path,
        start_new_session=True,
        env={**os.environ, "LABORDASH_HOME": str(store_env), "TMPDIR": str(tmp_path / "tmp")},
    )


def wait_for(proc: subprocess.Popen, text: str, seconds: float = 180) -> str:
    said, deadline = "", time.time() + seconds
    while text not in said and proc.poll() is None and time.time() < deadline:
        said += proc.stdout.readline()
    assert text in said, said
    return said


def test_serve_starts_a_killed_replica_again_and_keeps_serving(store_env, tmp_path):
    """kill -9 of one replica under load: the proxy and the other replica keep serving, the
    dead one is started again (before: serve stopped everything within 1 s)."""
    needs_haproxy()
    port = free_port()
    proc = start_serve(store_env, tmp_path, port)
    try:
        wait_for(proc, "replicas behind HAProxy")
        url = f"http://127.0.0.1:{port}"
        assert launch.healthy(port, 30, [proc])
        apps = {}
        for k in children(proc.pid):
            cmd = Path(f"/proc/{k}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            if "streamlit" in cmd:
                apps[k] = cmd
        assert len(apps) == 2
        victim, other = sorted(apps)
        os.kill(victim, signal.SIGKILL)
        killed = time.monotonic()
        errors, served, replaced = 0, 0, None
        while time.monotonic() - killed < 90 and replaced is None:
            try:
                ok = httpx.get(url + "/_stcore/health", timeout=5).text == "ok"
            except httpx.HTTPError:
                ok = False
            served, errors = served + ok, errors + (not ok)
            fresh = [
                k
                for k in children(proc.pid)
                if k not in apps
                and "streamlit" in Path(f"/proc/{k}/cmdline").read_bytes().decode(errors="replace")
            ]
            if fresh and launch.healthy(
                int(apps[victim].split("--server.port ")[1].split()[0]), 0.5, [proc]
            ):
                replaced = time.monotonic() - killed
            time.sleep(0.2)
        assert proc.poll() is None, proc.stdout.read()
        assert replaced is not None and replaced < 90
        assert alive(other) and errors == 0 and served > 0
        print(
            f"healthy replacement after {replaced:.1f} s; {served} health checks through the "
            "proxy meanwhile, 0 errors"
        )
        told = wait_for(proc, "started again", 30)
        assert "exited (code -9); starting it again in 1 s, the others keep serving" in told
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()


def test_serve_names_the_process_holding_its_port(store_env, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        needs_haproxy()
        proc = start_serve(store_env, tmp_path, port)
        out = proc.communicate(timeout=120)[0]
    assert proc.returncode == launch.PORT_IN_USE == 3, out
    assert f"port {port} on 127.0.0.1 is already in use" in out
    assert f"PID {os.getpid()}" in out  # this test holds it
    assert not list((tmp_path / "tmp").glob("labordash-serve-*"))


def test_a_folder_left_by_a_killed_serve_is_removed_by_the_next(tmp_path):
    dead = subprocess.Popen(["true"])
    dead.wait()
    left = tmp_path / "labordash-serve-left"
    left.mkdir()
    (left / launch.OWNER).write_text(str(dead.pid))
    running = tmp_path / "labordash-serve-running"
    running.mkdir()
    (running / launch.OWNER).write_text(str(os.getpid()))
    assert launch.remove_stale_folders(tmp_path) == [left]
    assert not left.exists() and running.exists()


def test_serve_says_when_haproxy_is_missing(store_env, tmp_path):
    env = {**os.environ, "LABORDASH_HOME": str(store_env), "PATH": str(LABORDASH.parent)}
    res = subprocess.run(
        [str(LABORDASH), "serve", "--replicas", "2"],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert res.returncode == 2 and "apt-get install haproxy" in res.stdout + res.stderr


def test_full_collections_freeze_their_survivors_and_thaw_now_and_then(monkeypatch):
    """After a full collection the survivors are frozen, so the next one walks only what is
    new; after THAW_S the frozen objects go back to the collector, which frees their cycles."""
    import gc

    from dashboard import heap

    before = list(gc.callbacks)
    gc.unfreeze()
    # the last thaw counts from the module's import, which in a long run was over THAW_S ago
    monkeypatch.setattr(heap, "_last_thaw", heap.time.monotonic())
    try:
        heap.install()
        heap.install()
        assert gc.callbacks.count(heap._after_collection) == 1
        gc.collect(1)  # a young collection freezes nothing
        assert gc.get_freeze_count() == 0
        gc.collect()
        frozen = gc.get_freeze_count()
        assert frozen > 1000 and len(gc.get_objects(2)) < frozen / 10
        monkeypatch.setattr(heap, "_last_thaw", heap.time.monotonic() - heap.THAW_S - 1)
        gc.collect()  # thaws: the frozen objects are the collector's again
        assert gc.get_freeze_count() == 0
        assert heap._last_thaw > heap.time.monotonic() - 5
    finally:
        gc.callbacks[:] = before
        gc.unfreeze()


def test_spawned_servers_are_marked_as_servers():
    """The app freezes the survivors of full collections only in a server labordash started."""
    out = launch.spawn(
        [sys.executable, "-c", f"import os; print(os.environ.get({launch.SERVER_ENV!r}))"],
        stdout=subprocess.PIPE,
        text=True,
        env={"PATH": os.environ["PATH"]},
    )
    assert out.communicate(timeout=30)[0].strip() == "1"
    assert not os.environ.get(launch.SERVER_ENV)  # this test process is not one


@contextlib.contextmanager
def proxy_in_front(tmp_path, **limits):
    """`serve`'s HAProxy configuration (``limits``: launch.haproxy_config's) in front of a
    loopback app that answers every GET and PUT with "ok"; yields the proxy's port."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    needs_haproxy()

    class Ok(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def answer(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        do_GET = do_PUT = answer

        def log_message(self, *args):
            pass

    app = ThreadingHTTPServer(("127.0.0.1", 0), Ok)
    app.handle_error = lambda *_: None  # HAProxy's health checks close connections early
    threading.Thread(target=app.serve_forever, daemon=True).start()
    port = free_port()
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text(launch.haproxy_config(port, "127.0.0.1", [app.server_address[1]], **limits))
    proxy = subprocess.Popen(
        ["haproxy", "-db", "-f", str(cfg)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        assert launch.healthy(port, 20, [proxy])
        yield port
    finally:
        proxy.terminate()
        proxy.wait(10)
        app.shutdown()


def test_slow_clients_cannot_take_the_front_end(tmp_path):
    """Slowloris against `serve`'s HAProxy (scaled down: 300 connections in all, 100 per
    source): 350 connections from 127.0.0.1 that send a header line every 2 s. A bystander on
    127.0.0.2 is served throughout, and the slow connections are closed within the 10 s a
    request head may take (before: no per-source limit and the 60 s client timeout, so the
    attack held every slot and health checks timed out)."""
    with proxy_in_front(tmp_path, maxconn=300, per_source=100) as port:
        slowloris(port)


def _slow_requests(port: int, n: int, attackers: list[socket.socket]) -> int:
    """Open ``n`` connections that each send a request's first line and stop there (kept in
    ``attackers``); how many were refused."""
    refused = 0
    for _ in range(n):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
        except OSError:  # reset by the per-source limit before connect() returned
            refused += 1
            continue
        s.setblocking(False)
        with contextlib.suppress(OSError):
            s.sendall(b"GET /_stcore/health HTTP/1.1\r\nHost: x\r\n")
        attackers.append(s)
    return refused


def slowloris(port: int) -> None:
    """The attack on ``port`` and what a bystander sees meanwhile (asserted here)."""
    attackers: list[socket.socket] = []
    stop = threading.Event()
    try:
        refused = _slow_requests(port, 350, attackers)

        def drip() -> None:
            while not stop.wait(2):
                for s in attackers:
                    with contextlib.suppress(OSError):
                        s.sendall(b"X-Slow: 1\r\n")

        threading.Thread(target=drip, daemon=True).start()
        bystander = httpx.Client(
            transport=httpx.HTTPTransport(local_address="127.0.0.2"), timeout=5
        )
        waits = []
        start = time.monotonic()
        while time.monotonic() - start < 14:
            t0 = time.monotonic()
            resp = bystander.get(f"http://127.0.0.1:{port}/_stcore/health")
            waits.append(time.monotonic() - t0)
            assert resp.status_code == 200 and resp.text == "ok"
            time.sleep(0.5)
        closed = 0
        for s in attackers:
            try:
                closed += s.recv(4096, socket.MSG_PEEK) is not None
            except BlockingIOError:
                pass  # still open
            except OSError:
                closed += 1
        waits.sort()
        print(
            f"bystander: {len(waits)} requests during the attack, median "
            f"{waits[len(waits) // 2] * 1000:.0f} ms, max {waits[-1] * 1000:.0f} ms; "
            f"{closed + refused} of 350 slow connections closed or refused by the proxy"
        )
        assert waits[-1] < 2 and closed + refused >= 0.95 * 350
    finally:
        stop.set()
        for s in attackers:
            s.close()


def test_the_proxy_caps_uploads_and_hides_metrics(tmp_path):
    """One source address may PUT 120 uploads in 10 minutes (then 429); /_stcore/metrics is
    not served through the proxy."""

    with proxy_in_front(tmp_path) as port, httpx.Client() as c:
        url = f"http://127.0.0.1:{port}"
        codes = [
            c.put(f"{url}/_stcore/upload_file/s/f{i}", content=b"x" * 1000).status_code
            for i in range(125)
        ]
        assert codes[:120] == [200] * 120 and codes[120:] == [429] * 5
        assert c.get(f"{url}/_stcore/health").status_code == 200  # other requests pass
        assert c.get(f"{url}/_stcore/metrics").status_code == 404
