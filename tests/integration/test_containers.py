"""The class server built and run for real: both images from Debian, two app replicas and
HAProxy started with podman-compose from ``deploy/compose.yaml``, loaded through the proxy,
one replica killed. Skips, with the reason, where Podman cannot run."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import deploy_stack  # the bench's module, not a package: bench/ on the path first

pytestmark = [pytest.mark.containers, pytest.mark.slow]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    if reason := deploy_stack.why_not():
        pytest.skip(f"Podman cannot run here: {reason}")
    s = deploy_stack.Stack(tmp_path_factory.mktemp("stack"))
    try:
        s.base()
        s.build()
        s.up()
        yield s
    finally:  # a failed step's own error is the one reported, not the clean-up's
        left = s.down()
    assert not left, f"left behind: {left}"


def test_both_images_are_built_and_the_replicas_serve_through_the_proxy(stack):
    assert set(stack.figures["image_mb"]) == {"app", "proxy"}
    assert len(stack.containers("app")) == 2 and len(stack.containers("proxy")) == 1
    page = httpx.get(stack.url + "/", timeout=30)
    assert page.status_code == 200 and "LABORDASH_SRV" in page.cookies  # affinity cookie
    assert httpx.get(stack.url + "/_stcore/metrics", timeout=30).status_code == 404


def test_a_class_of_30_is_served_through_the_proxy_without_errors(stack):
    r = stack.load(clients=30, think=15, seconds=60)
    assert r["errors"] == 0, r["error_samples"]
    assert r["interactions"] >= 60  # about 30 x 60 s / 15 s = 120 expected
    stack.figures.update(p50_s=r["p50_s"], p95_s=r["p95_s"])


def test_a_killed_replica_loses_no_session_and_is_restarted(stack):
    r = stack.failover(sessions=8)
    assert r["replicas_used"] == 2  # the sessions were spread over both
    assert r["dropped"] >= 1, r  # the killed replica's sessions lost their connection ...
    assert r["on_survivor"] == r["dropped"], r  # ... reconnected to the other one ...
    assert r["errors"] == [], r["errors"]  # ... and their next interaction succeeded
    assert r["restart_s"] < 180  # kill() raises when the replica is not back and healthy
    assert len(stack.containers("app")) == 2


def test_containers_run_as_non_root_on_a_read_only_root(stack):
    seen = stack.lockdown()
    assert len(seen) == 3
    for name, s in seen.items():
        assert s["uid"] != 0, name
        assert not s["root_writable"] and "Read-only file system" in s["root_error"], name
    assert all(s["tmp_writable"] for n, s in seen.items() if "_app_" in n)  # tmpfs /tmp


def test_the_store_in_the_image_is_read_only_and_checks_out(stack):
    app = stack.containers("app")[0]
    res = stack.podman("exec", app, "labordash", "check", check=False)
    assert res.returncode == 0, res.stdout + res.stderr
    res = stack.podman("exec", app, "touch", "/data/probe", check=False)
    assert res.returncode != 0
