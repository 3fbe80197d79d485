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


def command(
    port: int = 8501,
    address: str = "127.0.0.1",
    open_browser: bool = False,
    script: Path = APP,
    **overrides: object,
) -> list[str]:
    """``python -m streamlit run app.py`` with every shipped setting as an option; ``overrides``
    use Streamlit's names with ``_`` for ``.`` (``server_baseUrlPath="x"``)."""
    opts = {
        **settings(),
        "server.port": port,
        "server.address": address,
        "server.headless": not open_browser,
        **{k.replace("_", ".", 1): v for k, v in overrides.items()},
    }
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


def haproxy_config(
    port: int,
    address: str,
    backends: list[int],
    maxconn: int = 4096,
    per_source: int = 600,
    rate: int = 3000,
) -> str:
    """HAProxy's configuration for ``serve``: ``maxconn`` connections in all, ``per_source``
    at once and ``rate`` requests in 10 s from one address (``haproxy.cfg.in``)."""
    servers = "\n".join(
        f"    server app{i} 127.0.0.1:{p} check cookie app{i}" for i, p in enumerate(backends, 1)
    )
    return HAPROXY_TEMPLATE.read_text("utf-8").format(
        replicas=len(backends),
        address=address,
        port=port,
        servers=servers,
        maxconn=maxconn,
        per_source=per_source,
        rate=rate,
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


class PortInUse(RuntimeError):
    """The port HAProxy should listen on is taken."""


PORT_IN_USE = 3  # the exit code of `labordash serve` when its port is taken
RESTARTS = 5  # a replica that dies this many times within RESTART_WINDOW seconds is given up
RESTART_WINDOW = 600.0
BACKOFF = (1.0, 2.0, 4.0, 8.0, 16.0)  # seconds before the 1st, 2nd ... restart in the window


def port_holder(port: int) -> str:
    """Which process listens on TCP ``port`` ("PID 1234, streamlit ..."), from /proc where
    it can tell (Linux, a process of this user), else ""."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                f = line.split()
                if f[3] == "0A" and int(f[1].rsplit(":", 1)[1], 16) == port:  # LISTEN
                    inodes.add(f"socket:[{f[9]}]")
    for proc in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError):
            if any(os.readlink(fd) in inodes for fd in (proc / "fd").iterdir()):
                cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
                return f"PID {proc.name}, {cmd[:120]}"
    return ""


def check_port(address: str, port: int) -> None:
    """Raise :class:`PortInUse` naming the holder when ``address:port`` cannot be bound."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((address, port))
        except OSError as exc:
            holder = port_holder(port)
            raise PortInUse(
                f"port {port} on {address} is already in use ({exc.strerror})"
                + (f" by {holder}" if holder else "")
                + "; stop that server or choose another --port"
            ) from None


OWNER = "owner.pid"  # in a serve folder: the PID of the `labordash serve` that made it


def remove_stale_folders(root: Path | None = None) -> list[Path]:
    """Remove ``labordash-serve-*`` folders whose ``serve`` is gone (killed by SIGKILL, which
    runs no clean-up); returns them."""
    gone = []
    for d in Path(root or tempfile.gettempdir()).glob("labordash-serve-*"):
        try:
            pid = int((d / OWNER).read_text())
            os.kill(pid, 0)
            continue  # its serve is running
        except ProcessLookupError:
            pass
        except (OSError, ValueError):  # no owner file (yet), or not ours to judge
            if time.time() - d.stat().st_mtime < 3600:
                continue
        shutil.rmtree(d, ignore_errors=True)
        gone.append(d)
    return gone


class _Replicas:
    """The app processes and HAProxy of one ``serve``: each started again when it dies, after
    a growing pause, until one dies RESTARTS times within RESTART_WINDOW seconds."""

    def __init__(
        self, work: Path, secret: str, backends: list[int], proxy: list[str], on_event=None
    ) -> None:
        self.work, self.secret, self.backends, self.proxy = work, secret, backends, proxy
        self.on_event = on_event or (lambda msg: None)
        self.procs: dict[str, subprocess.Popen] = {}
        self.deaths: dict[str, list[float]] = {}
        self.due: dict[str, float] = {}  # name -> when to start it again
        self.logs = []

    def _start(self, name: str) -> None:
        log = open(self.work / f"{name}.log", "a")  # noqa: SIM115 (closed in stop)
        self.logs.append(log)
        if name == "haproxy":
            self.procs[name] = spawn(self.proxy, stdout=log, stderr=subprocess.STDOUT)
            return
        port = self.backends[int(name.removeprefix("app")) - 1]
        # Streamlit takes the cookie secret from the environment only
        env = {**os.environ, "STREAMLIT_SERVER_COOKIE_SECRET": self.secret}
        self.procs[name] = spawn(
            command(port), stdout=log, stderr=subprocess.STDOUT, cwd=self.work, env=env
        )

    def start(self) -> None:
        for i in range(1, len(self.backends) + 1):
            self._start(f"app{i}")
        self._start("haproxy")

    def tend(self) -> str:
        """Start again what died (when its pause is over); "" or why serving must stop."""
        now = time.monotonic()
        for name, proc in list(self.procs.items()):
            if proc.poll() is None or name in self.due:
                continue
            deaths = [t for t in self.deaths.get(name, []) if now - t < RESTART_WINDOW]
            deaths.append(now)
            self.deaths[name] = deaths
            if len(deaths) > RESTARTS:
                return (
                    f"{name} died {len(deaths)} times in {RESTART_WINDOW / 60:.0f} minutes "
                    f"(last exit code {proc.returncode}; its log ends: "
                    f"{_tail(self.work / f'{name}.log')})"
                )
            pause = BACKOFF[min(len(deaths), len(BACKOFF)) - 1]
            self.due[name] = now + pause
            self.on_event(
                f"{name} exited (code {proc.returncode}); starting it again in "
                f"{pause:.0f} s, the others keep serving"
            )
        for name, when in list(self.due.items()):
            if now >= when:
                del self.due[name]
                self._start(name)
                self.on_event(f"{name} started again (PID {self.procs[name].pid})")
        return ""

    def stop(self) -> None:
        for p in self.procs.values():
            if p.poll() is None:
                p.terminate()
        for p in self.procs.values():
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
        for log in self.logs:
            log.close()


def _tail(path: Path, lines: int = 5) -> str:
    with contextlib.suppress(OSError):
        return " | ".join(path.read_text("utf-8", "replace").strip().splitlines()[-lines:])
    return ""


def serve_replicas(
    replicas: int,
    port: int = 8501,
    address: str = "127.0.0.1",
    workdir: Path | None = None,
    on_ready=None,
    on_event=None,
) -> int:
    """N app processes on free loopback ports and HAProxy on ``address:port`` in front, with
    one cookie secret for all. A process that dies is started again (:class:`_Replicas`)
    while the others serve; SIGTERM or Ctrl-C stops them all. Returns an exit code (0 when
    stopped by a signal, 1 when a process kept dying). Raises :class:`PortInUse` when the
    port is taken, RuntimeError when the replicas do not become healthy (with the end of
    their logs). Its temporary folder is removed on every exit; one left by a ``serve``
    killed with SIGKILL is removed by the next."""
    haproxy = shutil.which("haproxy")
    if haproxy is None:
        raise MissingProxy("HAProxy is not installed: apt-get install haproxy")
    check_port(address, port)
    remove_stale_folders()
    work = Path(workdir or tempfile.mkdtemp(prefix="labordash-serve-"))
    (work / OWNER).write_text(str(os.getpid()))
    backends = [_free_port() for _ in range(replicas)]
    cfg = work / "haproxy.cfg"
    cfg.write_text(haproxy_config(port, address, backends), "utf-8")
    group = _Replicas(
        work, secrets.token_hex(32), backends, [haproxy, "-db", "-f", str(cfg)], on_event
    )
    try:
        group.start()
        procs = list(group.procs.values())
        if not all(healthy(p, 120, procs) for p in backends) or not healthy(port, 30, procs):
            dead = [n for n, p in group.procs.items() if p.poll() is not None]
            why = "; ".join(f"{n}: {_tail(work / f'{n}.log')}" for n in dead)
            raise RuntimeError("the replicas did not become healthy" + (f" ({why})" if why else ""))
        if on_ready:
            on_ready(work, backends, [p.pid for p in procs])
        stopping = []

        def stop(signum, frame) -> None:
            stopping.append(signum)

        old = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            failed = ""
            while not stopping and not failed:
                time.sleep(0.5)
                failed = group.tend()
        finally:
            for s, h in old.items():
                signal.signal(s, h)
        if failed:
            group.on_event(f"stopping: {failed}")
        return 0 if stopping else 1
    finally:
        group.stop()
        if workdir is None:
            shutil.rmtree(work, ignore_errors=True)
