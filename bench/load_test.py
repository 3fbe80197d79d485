"""Load test: concurrent sessions speaking Streamlit's websocket protocol change selections.

Each client keeps Streamlit's message cache as a browser does (unchanged elements come back as
references) and opens a session on one page (home, guns vs butter, dependence, Russia, region
profile in turn), then for the duration picks one of the page's select boxes, sets a random
option and waits for the script to finish, as a browser would. It reports errors (exception
elements, failed runs, dropped connections), p50/p95/max interaction latency (rerun request to
script finished) and the server's memory.

Usage: ``python bench/load_test.py [--clients 30] [--seconds 180] [--think 1] [--replicas N]
[--url URL [--pid PID ...]] [--json]`` (a pulled store in ``LABORDASH_HOME``; the script starts
its own server on loopback: one ``labordash run``, or with ``--replicas N`` a ``labordash serve
--replicas N``, N app processes behind HAProxy, each session landing on one by HAProxy's cookie;
with ``--url`` it loads a server already running there, such as the containers of
``bench/bench_deploy.py``, and measures the memory of the processes ``--pid`` names).
``--json`` prints one JSON object: ``clients``, ``think_s``, ``seconds``, ``replicas``,
``interactions``, ``errors``, ``p50_s``, ``p95_s``, ``peak_rss_mb`` (all app processes together).
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
from wsclient import Client

from dashboard import sitemap

ROOT = Path(__file__).resolve().parents[1]
PAGES = [p.url_path for p in sitemap.PAGES.values() if p.probe]  # the pages with charts


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def app_pids(root: int) -> list[int]:
    """The Streamlit processes under ``root`` (itself, or the children of labordash)."""
    out = subprocess.run(
        ["pgrep", "-f", "-P", str(root), "streamlit run"], capture_output=True, text=True
    ).stdout.split()
    return [int(p) for p in out] or [root]


async def main_async(url: str, pids: list[int], clients: int, seconds: float, think: float) -> dict:
    rnd = random.Random(1)
    until = time.perf_counter() + seconds
    crowd = [
        Client(url, PAGES[i % len(PAGES)], random.Random(rnd.random()), think)
        for i in range(clients)
    ]
    samples: list[float] = []

    async def sample() -> None:
        while time.perf_counter() < until + 5:
            samples.append(sum(rss_mb(p) for p in pids))
            await asyncio.sleep(1)

    sampler = asyncio.create_task(sample())
    await asyncio.gather(*(c.loop(until) for c in crowd))
    sampler.cancel()
    lat = sorted(x for c in crowd for x in c.latencies)
    errors = [e for c in crowd for e in c.errors]
    first = sorted(c.first for c in crowd if c.first == c.first)
    p95 = lat[min(len(lat) - 1, int(0.95 * len(lat)))] if lat else float("nan")
    return {
        "clients": clients,
        "think_s": think,
        "seconds": seconds,
        "replicas": len(pids),
        "interactions": len(lat),
        "errors": len(errors),
        "p50_s": round(statistics.median(lat), 3) if lat else None,
        "p95_s": round(p95, 3) if lat else None,
        "max_s": round(lat[-1], 3) if lat else None,
        "first_load_median_s": round(statistics.median(first), 2) if first else None,
        "first_load_max_s": round(first[-1], 2) if first else None,
        "peak_rss_mb": round(max(samples)) if samples else None,
        "per_page_p50_s": {
            page or "home": round(statistics.median(m), 3)
            for page in PAGES
            if (m := [x for c in crowd if c.page == page for x in c.latencies])
        },
        "error_samples": errors[:10],
    }


def report(r: dict) -> None:
    print(
        f"{r['clients']} sessions for {r['seconds']:.0f} s, {r['think_s']:g} s mean think time, "
        f"{r['replicas'] or 'unknown number of'} app process(es): "
        f"{r['interactions']} interactions ({r['interactions'] / r['seconds']:.2f}/s), "
        f"{r['errors']} errors"
    )
    if r["first_load_median_s"] is not None:
        print(
            f"first load of all {r['clients']} at once: median {r['first_load_median_s']} s, "
            f"slowest {r['first_load_max_s']} s"
        )
    if r["p50_s"] is not None:
        print(f"latency: p50 {r['p50_s']:.2f} s, p95 {r['p95_s']:.2f} s, max {r['max_s']:.2f} s")
    for page, p50 in r["per_page_p50_s"].items():
        print(f"  {page:16} p50 {p50:.2f} s")
    print(f"server memory: {r['peak_rss_mb']} MB peak RSS while loaded (all app processes)")
    for e in r["error_samples"]:
        print("  error:", e)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=30)
    ap.add_argument("--seconds", type=float, default=180)
    ap.add_argument(
        "--think", type=float, default=1.0, help="mean seconds between a session's interactions"
    )
    ap.add_argument(
        "--replicas",
        type=int,
        default=0,
        help="run N app processes behind HAProxy (labordash serve)",
    )
    ap.add_argument("--url", help="load the server running at URL instead of starting one")
    ap.add_argument(
        "--pid",
        type=int,
        action="append",
        default=[],
        help="with --url: an app process to sample (repeatable)",
    )
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args()
    if args.url:
        pids = [p for root in args.pid for p in app_pids(root)]
        result = asyncio.run(
            main_async(args.url.rstrip("/"), pids, args.clients, args.seconds, args.think)
        )
        result["replicas"] = len(pids) or None  # not known from a URL alone
    else:
        result = serve_and_load(args)
    if args.json:
        print(json.dumps(result))
    else:
        report(result)


def serve_and_load(args) -> dict:
    """Start ``labordash run`` (or ``serve --replicas N``) on a free port and load it."""
    # the package's bytecode, as `pip install` writes it: where PYTHONDONTWRITEBYTECODE is set
    # (this machine, many containers) an editable checkout is otherwise compiled again by
    # every server, 0.5 s of its first page
    compileall.compile_dir(ROOT / "dashboard", quiet=1)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    labordash = str(Path(sys.executable).with_name("labordash"))
    cmd = (
        [labordash, "serve", "--replicas", str(args.replicas), "--port", str(port)]
        if args.replicas
        else [labordash, "run", "--port", str(port)]
    )
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        env=os.environ.copy(),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(1800):
            try:
                if httpx.get(f"{url}/_stcore/health", timeout=1).text == "ok":
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        time.sleep(2)  # every replica up, not only the first
        result = asyncio.run(
            main_async(url, app_pids(proc.pid), args.clients, args.seconds, args.think)
        )
    finally:
        proc.terminate()
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
    return result


if __name__ == "__main__":
    main()
