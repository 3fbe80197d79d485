"""The class server as deployed: build both images from Debian, start two app replicas and
HAProxy with podman-compose (``deploy/compose.yaml``), load it through the proxy, kill a
replica.

Usage: ``python bench/bench_deploy.py [--clients 30] [--think 15] [--seconds 60] [--json]``
(Podman, runc, mmdebstrap and podman-compose installed; run as root, as CI does). ``--json``
prints one JSON object: ``base``, ``build_s`` (both images, no cache), ``image_mb`` (app and
proxy), ``start_to_healthy_s`` (compose up until the proxy answers and both replicas pass their
health checks), ``p50_s``, ``p95_s``, ``errors``, ``interactions``, ``peak_rss_mb`` (both
replicas) through the proxy, ``failover`` (sessions on the killed replica that reconnected and
went on) and ``restart_s`` (kill of one replica until it passes its health check again).
Everything the run made is removed at the end.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import deploy_stack


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=30)
    ap.add_argument("--think", type=float, default=15.0, help="mean seconds between interactions")
    ap.add_argument("--seconds", type=float, default=60.0, help="length of the load")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args()
    if reason := deploy_stack.why_not():
        print(f"bench_deploy: Podman cannot run here: {reason}", file=sys.stderr)
        return 2
    log = (lambda *a: print(*a, file=sys.stderr)) if args.json else print
    with tempfile.TemporaryDirectory() as tmp:
        stack = deploy_stack.Stack(Path(tmp), log=log)
        try:
            log("base ...")
            stack.base()
            log("build ...")
            stack.build(no_cache=True)
            log("up ...")
            stack.up()
            log("load ...")
            load = stack.load(args.clients, args.think, args.seconds)
            log("failover ...")
            failover = stack.failover()
        finally:
            left = stack.down()
    out = {
        **stack.figures,
        **{
            k: load[k]
            for k in (
                "clients",
                "think_s",
                "seconds",
                "interactions",
                "errors",
                "p50_s",
                "p95_s",
                "peak_rss_mb",
            )
        },
        "failover": {k: v for k, v in failover.items() if k != "restart_s"},
        "restart_s": failover["restart_s"],
        "left_over": left,
    }
    if args.json:
        print(json.dumps(out))
    else:
        for k, v in out.items():
            print(f"{k:20} {v}")
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main())
