"""Starting Streamlit as a server: the shipped settings (``streamlit.toml``) as command-line
options, no prompt and no terminal needed, and a child process that dies with its parent."""

from __future__ import annotations

import contextlib
import ctypes
import signal
import subprocess
import sys
import tomllib
from pathlib import Path

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
            **overrides: object) -> list[str]:  # fmt: skip
    """``python -m streamlit run app.py`` with every shipped setting as an option; ``overrides``
    use Streamlit's names with ``_`` for ``.`` (``server_baseUrlPath="x"``)."""
    opts = {**settings(), "server.port": port, "server.address": address,
            "server.headless": not open_browser,
            **{k.replace("_", ".", 1): v for k, v in overrides.items()}}  # fmt: skip
    cmd = [sys.executable, "-m", "streamlit", "run", str(APP)]
    for k, v in opts.items():
        cmd += [f"--{k}", _flag(v)]
    return cmd


def _die_with_parent() -> None:  # pragma: no cover (runs in the child before exec)
    with contextlib.suppress(OSError):  # not Linux: SIGTERM and Ctrl-C are still forwarded
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def spawn(cmd: list[str], **kw) -> subprocess.Popen:
    """Start a server process with standard input closed; on Linux it gets SIGTERM when its
    parent dies, even by SIGKILL."""
    return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent, **kw)


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
