"""The compose stack of ``deploy/`` built and run with Podman: two app replicas
(``deploy/Dockerfile``) behind HAProxy (``deploy/proxy.Dockerfile``), both on Debian.

Used by ``bench/bench_deploy.py`` (figures) and ``tests/integration/test_containers.py``
(checks). Where ``debian:bookworm-slim`` cannot be pulled, a stand-in is made with Debian's
``mmdebstrap --variant=minbase bookworm`` and tagged locally. Podman runs with ``runc`` and
file and process limits of 1024/4096 (a containers.conf of its own), builds get the host's CA
bundle as a secret (never stored in an image), and everything made is removed by
:meth:`Stack.down`.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from wsclient import Client

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
BASE = "docker.io/library/debian:bookworm-slim"
CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
MIRROR = Path(os.environ.get("LABORDASH_TEST_MIRROR", ROOT.parent / "shared" / "mirror")).resolve()
CONTAINERS_CONF = """\
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
[engine]
runtime = "{runtime}"
"""


def podman_compose() -> str | None:
    """podman-compose on PATH or beside this Python (the project's venv)."""
    return shutil.which("podman-compose") or next(
        (str(p) for p in [Path(sys.executable).with_name("podman-compose")] if p.exists()), None
    )


def why_not() -> str | None:
    """Why this machine cannot build and run the stack with Podman, or None when it can."""
    for tool, package in (("podman", "podman"), ("runc", "runc"), ("mmdebstrap", "mmdebstrap")):
        if not shutil.which(tool):
            return f"{tool} is not installed (Debian package {package})"
    if not podman_compose():
        return "podman-compose is not installed (pip install podman-compose)"
    res = subprocess.run(
        ["podman", "info", "--format", "{{.Host.OCIRuntime.Name}}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if res.returncode:
        return f"`podman info` failed: {res.stderr.strip()[-300:]}"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Stack:
    """One run of the stack under a project name of its own (containers, network, images)."""

    def __init__(self, workdir: Path, log=print):
        self.name = f"ldtest{os.getpid()}x{random.randrange(10**6)}"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.made_images: list[str] = []
        self.figures: dict[str, object] = {}
        conf = workdir / "containers.conf"
        conf.write_text(CONTAINERS_CONF.format(runtime="runc"))
        self.env = {
            **os.environ,
            "CONTAINERS_CONF": str(conf),
            "BUILDAH_FORMAT": "docker",  # keeps HEALTHCHECK (the OCI format drops it)
            "LABORDASH_TAG": self.name,
            "LABORDASH_PORT": str(self.port),
            "LABORDASH_BASE": BASE,
            "LABORDASH_COOKIE_SECRET": secrets.token_hex(32),
            "HAPROXY_COOKIE_KEY": secrets.token_hex(16),
        }
        if CA_BUNDLE.is_file():  # a TLS-inspecting proxy's CA is in it here
            self.env["LABORDASH_CA_BUNDLE"] = str(CA_BUNDLE)
        if MIRROR.is_dir():  # the store is built from the mirror, not the producers
            self.env["LABORDASH_MIRROR_CONTEXT"] = str(MIRROR)
        self.dangling = set(self._dangling())  # build layers left by others: not ours to remove

    # --- commands -------------------------------------------------------------------------
    def podman(self, *args: str, check: bool = True, timeout: float = 600, **kw):
        res = subprocess.run(
            ["podman", *args], env=self.env, capture_output=True, text=True, timeout=timeout, **kw
        )
        if check and res.returncode:
            raise RuntimeError(f"podman {' '.join(args)}: {res.stderr.strip()[-2000:]}")
        return res

    def compose(self, *args: str, timeout: float = 1200) -> None:
        # from deploy/: podman-compose resolves additional_contexts from the working directory
        cmd = [podman_compose(), "-p", self.name, "-f", "compose.yaml", *args]
        res = subprocess.run(
            cmd, cwd=DEPLOY, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if res.returncode:
            out = (res.stdout + res.stderr).strip()[-3000:]
            raise RuntimeError(f"podman-compose {' '.join(args)} failed:\n{out}")

    # --- steps ----------------------------------------------------------------------------
    def base(self) -> None:
        """``debian:bookworm-slim``, pulled, or a stand-in made with mmdebstrap."""
        if self.podman("image", "exists", BASE, check=False).returncode == 0:
            self.figures["base"] = BASE
            return
        if self.podman("pull", "-q", BASE, check=False, timeout=120).returncode == 0:
            self.figures["base"] = BASE
            self.made_images.append(BASE)
            return
        tag = f"localhost/{self.name}-base:bookworm-slim"
        t = time.perf_counter()
        self.made_images.append(tag)  # removed by down() even when a step below fails
        self._stand_in(tag)
        self.env["LABORDASH_BASE"] = tag
        self.figures["base"] = f"stand-in from mmdebstrap ({time.perf_counter() - t:.0f} s)"

    def _stand_in(self, tag: str) -> None:
        """``mmdebstrap --variant=minbase bookworm`` imported as ``tag``: as slim as
        debian:bookworm-slim (no manuals, docs or translations); apt as this machine's (its
        mirror serves Release files past their Valid-Until)."""
        cmd = [
            "mmdebstrap",
            "--variant=minbase",
            "--quiet",
            '--aptopt=Acquire::Check-Valid-Until "false"',
            *(f"--dpkgopt=path-exclude=/usr/share/{d}/*" for d in ("man", "doc", "locale", "info")),
            "--dpkgopt=path-include=/usr/share/doc/*/copyright",
            "bookworm",
            "-",
            "http://deb.debian.org/debian",
        ]
        # its messages to a file, read after it ends: a pipe could fill and block it
        with tempfile.TemporaryFile() as log:
            debootstrap = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log)
            try:
                imported = self.podman(
                    "import", "-q", "-", tag, stdin=debootstrap.stdout, check=False
                )
                debootstrap.wait(timeout=600)
            finally:
                if debootstrap.poll() is None:
                    debootstrap.kill()
            if debootstrap.returncode or imported.returncode:
                log.seek(0)
                raise RuntimeError(
                    f"mmdebstrap stand-in failed: {log.read().decode()[-1500:]}"
                    f"{imported.stderr[-500:]}"
                )

    def images(self) -> dict[str, str]:
        return {
            "app": f"localhost/labordash:{self.name}",
            "proxy": f"localhost/labordash-proxy:{self.name}",
        }

    def build(self, no_cache: bool = False) -> None:
        """Both images through the compose file; ``build_s`` and ``image_mb``."""
        t = time.perf_counter()
        self.made_images += self.images().values()
        # by service name: podman-compose 1.6 builds a service once per replica otherwise
        # (both app builds at once, each pulling the whole store)
        self.compose("build", *(["--no-cache"] if no_cache else []), "app", "proxy")
        self.figures["build_s"] = round(time.perf_counter() - t, 1)
        self.figures["image_mb"] = {
            k: round(
                int(self.podman("image", "inspect", "--format", "{{.Size}}", ref).stdout) / 1e6
            )
            for k, ref in self.images().items()
        }

    def up(self, timeout: float = 300) -> None:
        """Start two replicas and the proxy; ``start_to_healthy_s``: until the proxy answers
        and every replica passes its health check."""
        t = time.perf_counter()
        self.compose("up", "-d")
        self.wait_healthy(timeout)
        self.figures["start_to_healthy_s"] = round(time.perf_counter() - t, 1)

    def containers(self, service: str) -> list[str]:
        out = self.podman(
            "ps",
            "--filter",
            f"label=io.podman.compose.project={self.name}",
            "--filter",
            f"label=com.docker.compose.service={service}",
            "--format",
            "{{.Names}}",
        ).stdout
        return sorted(out.split())

    def healthy(self, name: str) -> bool:
        """The container's own health check (run here: Podman schedules it through systemd,
        which a container host may not have)."""
        return self.podman("healthcheck", "run", name, check=False, timeout=30).returncode == 0

    def wait_healthy(self, timeout: float) -> None:
        until = time.monotonic() + timeout
        while time.monotonic() < until:
            apps = self.containers("app")
            try:
                through_proxy = httpx.get(f"{self.url}/_stcore/health", timeout=3).text == "ok"
            except httpx.HTTPError:
                through_proxy = False
            if through_proxy and len(apps) == 2 and all(self.healthy(a) for a in apps):
                return
            time.sleep(1)
        logs = {
            c: self.podman("logs", "--tail", "20", c, check=False).stderr
            for c in self.containers("app") + self.containers("proxy")
        }
        raise RuntimeError(f"the stack did not become healthy in {timeout:.0f} s: {logs}")

    def pid(self, name: str) -> int:
        return int(self.podman("inspect", "--format", "{{.State.Pid}}", name).stdout)

    def kill(self, name: str) -> float:
        """Kill a container's first process (a crash, not a stop: the restart policy applies);
        seconds until it runs again and passes its health check."""
        return self.restarted(name, *self.crash(name))

    def crash(self, name: str) -> tuple[int, float]:
        """SIGKILL to the container's first process; its pid and the time of the kill."""
        old = self.pid(name)
        os.kill(old, 9)
        return old, time.perf_counter()

    def restarted(self, name: str, old: int, t: float, timeout: float = 180) -> float:
        """Seconds from ``t`` until ``name`` runs under a new pid and passes its health check."""
        while time.perf_counter() - t < timeout:
            state = self.podman(
                "inspect", "--format", "{{.State.Status}} {{.State.Pid}}", name, check=False
            ).stdout.split()
            if state[:1] == ["running"] and int(state[1]) not in (0, old) and self.healthy(name):
                return round(time.perf_counter() - t, 1)
            time.sleep(0.5)
        raise RuntimeError(f"{name} was not restarted within {timeout:.0f} s of being killed")

    def load(self, clients: int = 30, think: float = 15, seconds: float = 60) -> dict:
        """``bench/load_test.py`` through the proxy; its JSON, with every replica's memory."""
        pids = [str(self.pid(c)) for c in self.containers("app")]
        cmd = [
            sys.executable,
            str(ROOT / "bench" / "load_test.py"),
            "--url",
            self.url,
            "--clients",
            str(clients),
            "--think",
            str(think),
            "--seconds",
            str(seconds),
            "--json",
            *(a for p in pids for a in ("--pid", p)),
        ]
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 600)
        if res.returncode:
            raise RuntimeError(f"load test failed: {res.stderr[-2000:]}")
        return json.loads(res.stdout.strip().splitlines()[-1])

    def failover(self, sessions: int = 8) -> dict:
        """Open sessions spread over both replicas, kill one replica, and let every session
        interact once more (a dropped one reconnects with its cookie, as a browser does)."""
        from concurrent.futures import ThreadPoolExecutor

        from load_test import PAGES

        # a loop of its own, in a thread: the caller's thread may run one already (Playwright's
        # sync API does, in a test session with browser tests)
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, _failover(self, sessions, PAGES)).result()

    def lockdown(self) -> dict[str, dict]:
        """For each container: its user id, and whether / and /tmp are writable."""
        out = {}
        for name in self.containers("app") + self.containers("proxy"):
            uid = self.podman("exec", name, "id", "-u").stdout.strip()
            root = self.podman("exec", name, "touch", "/probe", check=False)
            tmp = self.podman("exec", name, "touch", "/tmp/probe", check=False)
            out[name] = {
                "uid": int(uid),
                "root_writable": root.returncode == 0,
                "root_error": root.stderr.strip(),
                "tmp_writable": tmp.returncode == 0,
            }
        return out

    def _dangling(self) -> list[str]:
        out = self.podman("images", "-q", "--filter", "dangling=true", check=False).stdout
        return out.split()

    def down(self) -> list[str]:
        """Remove every container, network, pod and image this run made; what is left over."""
        try:
            self.compose("down", "-t", "10", timeout=300)
        except RuntimeError as exc:
            self.log(f"compose down: {exc}")
        label = f"label=io.podman.compose.project={self.name}"
        for cid in self.podman("ps", "-aq", "--filter", label, check=False).stdout.split():
            self.podman("rm", "-f", cid, check=False)
        self.podman("network", "rm", "-f", f"{self.name}_default", check=False)
        self.podman("pod", "rm", "-f", f"pod_{self.name}", check=False)
        for image in self.made_images:
            self.podman("rmi", "-f", image, check=False)
        for image in set(self._dangling()) - self.dangling:  # this run's build layers
            self.podman("rmi", "-f", image, check=False)
        left = self.podman("ps", "-aq", "--filter", label, check=False).stdout.split()
        left += [
            n
            for n in self.podman(
                "network", "ls", "--format", "{{.Name}}", check=False
            ).stdout.split()
            if n.startswith(self.name)
        ]
        left += [
            i
            for i in self.made_images
            if self.podman("image", "exists", i, check=False).returncode == 0
        ]
        return left


async def _failover(stack: Stack, sessions: int, pages: list[str]) -> dict:
    rnd = random.Random(2)
    crowd = [
        Client(stack.url, pages[i % len(pages)], random.Random(rnd.random()), 0)
        for i in range(sessions)
    ]
    conns = [await c.open() for c in crowd]
    before = [c.cookies.get("LABORDASH_SRV") for c in crowd]
    victim = stack.containers("app")[0]
    old, t = stack.crash(victim)
    restart = asyncio.create_task(asyncio.to_thread(stack.restarted, victim, old, t))

    async def next_interaction(i: int) -> bool:
        """One more interaction; True when the session had to reconnect."""
        crowd[i].errors.clear()
        try:
            await crowd[i].run_once(conns[i])
            return False
        except Exception:  # its replica is gone: reconnect with its cookies, as a browser does
            conns[i] = await crowd[i].open()
            await crowd[i].run_once(conns[i])
            return True

    try:  # at once, as a class's browsers would, while the killed replica is still down
        dropped = await asyncio.gather(*(next_interaction(i) for i in range(sessions)))
        restart_s = await restart
    finally:
        for conn in conns:
            await conn.close()
    survivors = {b for b, d in zip(before, dropped, strict=True) if not d}
    after = [c.cookies.get("LABORDASH_SRV") for c in crowd]
    return {
        "sessions": sessions,
        "replicas_used": len(set(before)),
        "dropped": sum(dropped),
        # the sessions of the killed replica now held by the one that stayed up
        "on_survivor": sum(d and a in survivors for a, d in zip(after, dropped, strict=True)),
        "errors": [e for c in crowd for e in c.errors],
        "restart_s": restart_s,
    }
