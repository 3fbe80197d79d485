"""The deployment files in deploy/: Kubernetes manifests valid against the API schemas
(kubernetes-validate, strict), YAML that lints, HAProxy configurations HAProxy accepts, and the
properties a replicated Streamlit app needs (health checks, cookie affinity, websocket
timeouts, a read-only store, a non-root user, one cookie secret)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from dashboard import launch

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
BIN = Path(sys.executable).parent
YAMLLINT = "{extends: default, rules: {line-length: {max: 140}, document-start: disable}}"


def docs(path: Path) -> list[dict]:
    return [d for d in yaml.safe_load_all(path.read_text("utf-8")) if d]


def test_kubernetes_manifests_validate_strictly():
    files = sorted(str(p) for p in (DEPLOY / "k8s").glob("*.yaml"))
    res = subprocess.run(
        [str(BIN / "kubernetes-validate"), "--strict", *files], capture_output=True, text=True
    )
    assert res.returncode == 0, res.stdout + res.stderr
    kinds = {d["kind"] for f in files for d in docs(Path(f))}
    assert {
        "Deployment",
        "Service",
        "Ingress",
        "HorizontalPodAutoscaler",
        "PersistentVolumeClaim",
        "Job",
    } <= kinds
    assert "Secret" not in kinds  # no secret value is shipped: the docs create it


def test_the_deployment_probes_health_and_mounts_the_store_read_only():
    (dep,) = docs(DEPLOY / "k8s" / "deployment.yaml")
    pod = dep["spec"]["template"]["spec"]
    app = pod["containers"][0]
    assert app["readinessProbe"]["exec"]["command"] == ["labordash", "check"]  # the store
    assert app["livenessProbe"]["httpGet"]["path"] == "/_stcore/health"
    assert pod["securityContext"]["runAsNonRoot"] is True
    store = next(m for m in app["volumeMounts"] if m["name"] == "store")
    assert store["readOnly"] is True and store["mountPath"] == "/data"
    env = {e["name"] for e in app["env"]}
    assert {"LABORDASH_HOME", "STREAMLIT_SERVER_COOKIE_SECRET"} <= env
    (ing,) = docs(DEPLOY / "k8s" / "ingress.yaml")
    assert ing["metadata"]["annotations"]["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert ing["spec"]["tls"][0]["secretName"] == "labordash-tls"


def test_pods_and_the_pull_job_run_locked_down():
    (dep,) = docs(DEPLOY / "k8s" / "deployment.yaml")
    job = next(d for d in docs(DEPLOY / "k8s" / "store.yaml") if d["kind"] == "Job")
    assert job["spec"]["activeDeadlineSeconds"] > 0
    for pod in (dep["spec"]["template"]["spec"], job["spec"]["template"]["spec"]):
        assert pod["automountServiceAccountToken"] is False
        ctx = pod["securityContext"]
        assert ctx["runAsNonRoot"] is True and ctx["seccompProfile"]["type"] == "RuntimeDefault"
        for c in pod["containers"]:
            sc = c["securityContext"]
            assert sc["allowPrivilegeEscalation"] is False and sc["readOnlyRootFilesystem"]
            assert sc["capabilities"]["drop"] == ["ALL"] and c["resources"]["limits"]["memory"]
    text = (DEPLOY / "k8s" / "store.yaml").read_text()
    assert "replace-me" not in text and "kubectl create secret generic labordash" in text
    docker = (DEPLOY / "Dockerfile").read_text()
    assert "|| true" not in docker and 'labordash pull --allow-missing "$ALLOW_MISSING"' in docker


def test_yaml_lints():
    res = subprocess.run(
        [str(BIN / "yamllint"), "-d", YAMLLINT, str(DEPLOY)], capture_output=True, text=True
    )
    assert res.returncode == 0, res.stdout


def test_compose_runs_replicas_behind_haproxy_with_health_checks():
    (c,) = docs(DEPLOY / "compose.yaml")
    app, proxy = c["services"]["app"], c["services"]["proxy"]
    assert app["deploy"]["replicas"] >= 2 and app["read_only"] is True
    assert "/_stcore/health" in " ".join(app["healthcheck"]["test"])
    assert "STREAMLIT_SERVER_COOKIE_SECRET" in app["environment"]
    assert proxy["depends_on"]["app"]["condition"] == "service_healthy"
    assert proxy["image"].startswith("labordash-proxy:")
    assert proxy["build"]["dockerfile"] == "deploy/proxy.Dockerfile"
    cfg = (DEPLOY / "haproxy.cfg").read_text()
    assert "cookie LABORDASH_SRV insert" in cfg and "timeout tunnel" in cfg
    # this machine only until TLS is in front
    assert proxy["ports"] == ["127.0.0.1:${LABORDASH_PORT:-8080}:8080"]
    assert "HAPROXY_COOKIE_KEY" in proxy["environment"]
    for conf in (cfg, launch.haproxy_config(8080, "127.0.0.1", [9001])):  # slow clients, metrics
        assert "timeout http-request 10s" in conf and "sc0_conn_cur gt 600" in conf
        assert "deny_status 404 if { path_beg /_stcore/metrics }" in conf


def test_the_images_come_from_debian_and_run_as_a_user():
    text = (DEPLOY / "Dockerfile").read_text()
    assert "ARG BASE=debian:bookworm-slim" in text and "FROM ${BASE}" in text
    assert "python3-venv" in text and "python3 -m venv /opt/venv" in text  # Debian's Python
    assert "USER labordash" in text and "HEALTHCHECK" in text and "/_stcore/health" in text
    assert '"--address", "0.0.0.0"' in text  # inside the container only
    assert "install -y --no-install-recommends ca-certificates python3 python3-venv" in text
    assert "chromium fonts-liberation libarchive13" in text
    proxy = (DEPLOY / "proxy.Dockerfile").read_text()
    assert "ARG BASE=debian:bookworm-slim" in proxy and "USER haproxy" in proxy
    for docker in (text, proxy):  # the CA bundle is a build secret, never a layer
        assert "--mount=type=secret,id=ca_bundle" in docker
        copies = [line for line in docker.splitlines() if line.startswith(("COPY", "ADD"))]
        assert copies == [] or not any("ca" in line.split()[1] for line in copies)
    # no registry but Debian's: no python or haproxy images
    assert "FROM python" not in text and "haproxy:2" not in (DEPLOY / "compose.yaml").read_text()


def test_haproxy_finds_replicas_through_any_engines_dns():
    cfg = (DEPLOY / "haproxy.cfg").read_text()
    assert "parse-resolv-conf" in cfg and "127.0.0.11" not in cfg.split("resolvers", 1)[1]


@pytest.mark.skipif(
    shutil.which("haproxy") is None and not os.environ.get("CI"),
    reason="Debian haproxy not installed",
)
def test_haproxy_accepts_both_configurations(tmp_path):
    assert shutil.which("haproxy"), ".ci/run must install Debian haproxy"
    compose = DEPLOY / "haproxy.cfg"
    env = {**os.environ, "HAPROXY_COOKIE_KEY": "0123456789abcdef"}
    res = subprocess.run(
        ["haproxy", "-c", "-f", str(compose)], capture_output=True, text=True, env=env
    )
    assert res.returncode == 0, res.stdout + res.stderr
    # the cookie key comes from the environment: no public constant, and none is no start
    env.pop("HAPROXY_COOKIE_KEY")
    res = subprocess.run(
        ["haproxy", "-c", "-f", str(compose)], capture_output=True, text=True, env=env
    )
    assert res.returncode != 0 and "dynamic-cookie-key labordash" not in compose.read_text()
    mine = tmp_path / "serve.cfg"
    mine.write_text(launch.haproxy_config(8080, "127.0.0.1", [9001, 9002]))
    res = subprocess.run(["haproxy", "-c", "-f", str(mine)], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "server app2 127.0.0.1:9002 check cookie app2" in mine.read_text()


def test_the_systemd_unit_keeps_serve_running():
    import configparser

    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.read_string((DEPLOY / "labordash.service").read_text())
    svc = unit["Service"]
    assert "labordash serve --replicas 2" in svc["ExecStart"]
    assert svc["Restart"] == "on-failure" and svc["RestartPreventExitStatus"] == "2 3"
    assert str(launch.PORT_IN_USE) in svc["RestartPreventExitStatus"].split()
    assert unit["Install"]["WantedBy"] == "multi-user.target"


@pytest.mark.skipif(
    shutil.which("nginx") is None and not os.environ.get("CI"), reason="Debian nginx not installed"
)
def test_the_nginx_tls_snippet_is_accepted(tmp_path):
    """`nginx -t` on the snippet inside a minimal nginx.conf, with a throwaway certificate at
    the snippet's paths rewritten into tmp_path."""
    assert shutil.which("nginx"), ".ci/run must install Debian nginx"
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=labordash.example.org",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    snippet = (DEPLOY / "nginx-tls.conf").read_text()
    snippet = snippet.replace(
        "/etc/letsencrypt/live/labordash.example.org/fullchain.pem", str(cert)
    ).replace("/etc/letsencrypt/live/labordash.example.org/privkey.pem", str(key))
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        "events {}\nhttp {\n" + snippet + "\n}\n"
    )
    res = subprocess.run(
        ["nginx", "-t", "-c", str(conf), "-p", str(tmp_path)], capture_output=True, text=True
    )
    assert res.returncode == 0, res.stderr


def test_the_container_test_says_why_it_cannot_run(monkeypatch):
    """tests/integration/test_containers.py skips with this reason (printed: addopts -rs),
    never silently."""
    sys.path.insert(0, str(DEPLOY.parent / "bench"))
    import deploy_stack

    monkeypatch.setattr(deploy_stack.shutil, "which", lambda name: None)
    assert deploy_stack.why_not() == "podman is not installed (Debian package podman)"
    monkeypatch.setattr(deploy_stack.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(
        deploy_stack.subprocess,
        "run",
        lambda *a, **k: subprocess.CompletedProcess(a, 125, "", "Error: cannot set up namespace"),
    )
    assert deploy_stack.why_not() == "`podman info` failed: Error: cannot set up namespace"
