"""Starting Streamlit as a server: the shipped settings (``streamlit.toml``) as command-line
options, no prompt and no terminal needed, and a child process that dies with its parent."""

from __future__ import annotations

import contextlib
import ctypes
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import httpx

APP = Path(__file__).with_name("app.py")
SETTINGS = Path(__file__).with_name("streamlit.toml")
_PR_SET_PDEATHSIG = 1


def settings() -> dict[str, object]:
    """The shipped settings, flattened: ``{"server.headless": True, ...}``."""
    with open(SETTINGS, "rb") as fh:
        doc = tomllib.load(fh)
    return {f"{section}.{key}": v for section, opts in doc.items() for key, v in opts.items()}


def _flag(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def command(port: int = 8501, address: str = "127.0.0.1", open_browser: bool = False,
            script: Path = APP, **overrides: object) -> list[str]:  # fmt: skip
    """``python -m streamlit run app.py`` with every shipped setting as an option; ``overrides``
    use Streamlit's names with ``_`` for ``.`` (``server_baseUrlPath="x"``)."""
    opts = {**settings(), "server.port": port, "server.address": address,
            "server.headless": not open_browser,
            **{k.replace("_", ".", 1): v for k, v in overrides.items()}}  # fmt: skip
    cmd = [sys.executable, "-m", "streamlit", "run", str(script)]
    for k, v in opts.items():
        cmd += [f"--{k}", _flag(v)]
    return cmd


def die_with_parent() -> None:  # pragma: no cover (runs in a child)
    """On Linux, this process gets SIGTERM when its parent dies, even by SIGKILL."""
    with contextlib.suppress(OSError):  # not Linux: SIGTERM and Ctrl-C are still forwarded
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


SERVER_ENV = "LABORDASH_SERVER"  # set in the processes spawn starts: a long-running server


def spawn(cmd: list[str], **kw) -> subprocess.Popen:
    """Start a server process with standard input closed and ``LABORDASH_SERVER=1`` (the app
    then freezes the survivors of full garbage collections, ``dashboard.heap``); on Linux it
    gets SIGTERM when its parent dies, even by SIGKILL."""
    kw["env"] = {**(kw.get("env") or os.environ), SERVER_ENV: "1"}
    return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, preexec_fn=die_with_parent, **kw)


def serve(cmd: list[str]) -> int:
    """Run one server in the foreground until it exits; SIGTERM and Ctrl-C stop it cleanly."""
    proc = spawn(cmd)

    def stop(signum, frame) -> None:
        proc.send_signal(signal.SIGTERM)

    old = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        return proc.wait()
    finally:
        for s, h in old.items():
            signal.signal(s, h)
        if proc.poll() is None:
            proc.kill()


HAPROXY_TEMPLATE = Path(__file__).with_name("haproxy.cfg.in")


class MissingProxy(RuntimeError):
    """HAProxy is not installed."""


def haproxy_config(port: int, address: str, backends: list[int]) -> str:
    servers = "\n".join(f"    server app{i} 127.0.0.1:{p} check cookie app{i}"
                        for i, p in enumerate(backends, 1))  # fmt: skip
    return HAPROXY_TEMPLATE.read_text("utf-8").format(
        replicas=len(backends), address=address, port=port, servers=servers
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(port: int, seconds: float, procs: list[subprocess.Popen]) -> bool:
    """Whether 127.0.0.1:port answers ``/_stcore/health`` within ``seconds`` while every
    process in ``procs`` runs."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if any(p.poll() is not None for p in procs):
            return False
        try:
            if httpx.get(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).text == "ok":
                return True
        except httpx.HTTPError:
            time.sleep(0.3)
    return False


def serve_replicas(replicas: int, port: int = 8501, address: str = "127.0.0.1",
                   workdir: Path | None = None, on_ready=None) -> int:  # fmt: skip
    """N app processes on free loopback ports and HAProxy on ``address:port`` in front, with
    one cookie secret for all; SIGTERM or Ctrl-C stops them all. Returns an exit code."""
    haproxy = shutil.which("haproxy")
    if haproxy is None:
        raise MissingProxy("HAProxy is not installed: apt-get install haproxy")
    work = Path(workdir or tempfile.mkdtemp(prefix="labordash-serve-"))
    secret = secrets.token_hex(32)
    backends = [_free_port() for _ in range(replicas)]
    procs: list[subprocess.Popen] = []
    logs = []
    try:
        for i, p in enumerate(backends, 1):
            log = open(work / f"app{i}.log", "w")  # noqa: SIM115 (closed below)
            logs.append(log)
            # Streamlit takes the cookie secret from the environment only
            env = {**os.environ, "STREAMLIT_SERVER_COOKIE_SECRET": secret}
            procs.append(spawn(command(p), stdout=log, stderr=subprocess.STDOUT, cwd=work,
                               env=env))  # fmt: skip
        cfg = work / "haproxy.cfg"
        cfg.write_text(haproxy_config(port, address, backends), "utf-8")
        log = open(work / "haproxy.log", "w")  # noqa: SIM115
        logs.append(log)
        procs.append(spawn([haproxy, "-db", "-f", str(cfg)], stdout=log, stderr=subprocess.STDOUT))
        if not all(healthy(p, 120, procs) for p in backends) or not healthy(port, 30, procs):
            raise RuntimeError(f"the replicas did not become healthy; logs in {work}")
        if on_ready:
            on_ready(work, backends, [p.pid for p in procs])
        stopping = []

        def stop(signum, frame) -> None:
            stopping.append(signum)
            for p in procs:
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)

        old = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            while not stopping and all(p.poll() is None for p in procs):
                time.sleep(0.5)
        finally:
            for s, h in old.items():
                signal.signal(s, h)
        return 0 if stopping else 1
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
        for log in logs:
            log.close()
