"""`labordash run` as a server: no prompt, no terminal, standard input closed, started from any
directory with the shipped settings, and gone (with its Streamlit child) on SIGTERM."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from dashboard import launch

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
    return Path(f"/proc/{pid}/status").exists() and "zombie" not in Path(
        f"/proc/{pid}/status").read_text()  # fmt: skip


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
        [str(LABORDASH), "run", "--port", str(port)], stdin=subprocess.DEVNULL, stdout=log,
        stderr=subprocess.STDOUT, cwd=tmp_path, start_new_session=True,
        env={**os.environ, "LABORDASH_HOME": str(store_env)},
    )  # fmt: skip
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
        [str(LABORDASH), "run", "--port", str(port)], stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path,
        start_new_session=True, env={**os.environ, "LABORDASH_HOME": str(store_env)},
    )  # fmt: skip
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
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        cwd=tmp_path, start_new_session=True,
        env={**os.environ, "LABORDASH_HOME": str(store_env)},
    )  # fmt: skip
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
    finally:
        if proc.poll() is None:
            proc.kill()


def test_serve_says_when_haproxy_is_missing(store_env, tmp_path):
    env = {**os.environ, "LABORDASH_HOME": str(store_env), "PATH": str(LABORDASH.parent)}
    res = subprocess.run([str(LABORDASH), "serve", "--replicas", "2"], capture_output=True,
                         text=True, env=env, stdin=subprocess.DEVNULL, timeout=60)  # fmt: skip
    assert res.returncode == 2 and "apt-get install haproxy" in res.stdout + res.stderr


def test_full_collections_freeze_their_survivors_and_thaw_now_and_then(monkeypatch):
    """After a full collection the survivors are frozen, so the next one walks only what is
    new; after THAW_S the frozen objects go back to the collector, which frees their cycles."""
    import gc

    from dashboard import heap

    before = list(gc.callbacks)
    gc.unfreeze()
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
        stdout=subprocess.PIPE, text=True, env={"PATH": os.environ["PATH"]},
    )  # fmt: skip
    assert out.communicate(timeout=30)[0].strip() == "1"
    assert not os.environ.get(launch.SERVER_ENV)  # this test process is not one
