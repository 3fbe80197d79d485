"""Load test: concurrent sessions speaking Streamlit's websocket protocol change selections.

Each client keeps Streamlit's message cache as a browser does (unchanged elements come back as
references) and opens a session on one page (home, guns vs butter, dependence, Russia, region
profile in turn), then for the duration picks one of the page's select boxes, sets a random
option and waits for the script to finish, as a browser would. It reports errors (exception
elements, failed runs, dropped connections), p50/p95/max interaction latency (rerun request to
script finished) and the server's memory.

Usage: ``python bench/load_test.py [--clients 30] [--seconds 180] [--think 1]`` (a pulled store in
``LABORDASH_HOME``; the script starts its own server on loopback).
"""

from __future__ import annotations

import argparse
import asyncio
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
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def main_async(url: str, pid: int, clients: int, seconds: float, think: float) -> None:
    rnd = random.Random(1)
    until = time.perf_counter() + seconds
    crowd = [Client(url, PAGES[i % len(PAGES)], random.Random(rnd.random()), think)
             for i in range(clients)]  # fmt: skip
    samples: list[float] = []

    async def sample() -> None:
        while time.perf_counter() < until + 5:
            samples.append(rss_mb(pid))
            await asyncio.sleep(1)

    sampler = asyncio.create_task(sample())
    await asyncio.gather(*(c.loop(until) for c in crowd))
    sampler.cancel()
    lat = sorted(x for c in crowd for x in c.latencies)
    errors = [e for c in crowd for e in c.errors]
    print(f"{clients} sessions for {seconds:.0f} s, {think:g} s mean think time: {len(lat)} "
          f"interactions ({len(lat) / seconds:.2f}/s), {len(errors)} errors")  # fmt: skip
    first = sorted(c.first for c in crowd if c.first == c.first)
    if first:
        print(f"first load of all {clients} at once: median {statistics.median(first):.1f} s, "
              f"slowest {first[-1]:.1f} s")  # fmt: skip
    if lat:
        p95 = lat[min(len(lat) - 1, int(0.95 * len(lat)))]
        print(f"latency: p50 {statistics.median(lat):.2f} s, p95 {p95:.2f} s, max {lat[-1]:.2f} s")
    for page in PAGES:
        mine = sorted(x for c in crowd if c.page == page for x in c.latencies)
        if mine:
            print(f"  {page or 'home':16} {len(mine):4} interactions, p50 "
                  f"{statistics.median(mine):.2f} s")  # fmt: skip
    print(f"server memory: {max(samples):.0f} MB peak RSS while loaded "
          f"(VmHWM {rss_mb(pid, 'VmHWM'):.0f} MB)")  # fmt: skip
    for e in errors[:10]:
        print("  error:", e)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=30)
    ap.add_argument("--seconds", type=float, default=180)
    ap.add_argument("--think", type=float, default=1.0,
                    help="mean seconds between a session's interactions")  # fmt: skip
    args = ap.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"),
         "--server.port", str(port), "--server.headless", "true"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=os.environ.copy(),
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{url}/_stcore/health", timeout=1).text == "ok":
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        asyncio.run(main_async(url, proc.pid, args.clients, args.seconds, args.think))
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
