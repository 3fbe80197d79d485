"""Benchmark: the app process's memory under uploads. Starts a server (as `labordash run`
does, ``LABORDASH_SERVER=1``) on a pulled store, then UPLOADS times, one browser session after
another: open Your data, upload a CSV of 999,999 rows x 3 (about 12 MB, written here), wait
for it to be read, close the session. Prints the Streamlit process's RSS when warm, after each
upload and after the sessions expired (disconnected sessions live 10 s here). Run:
    LABORDASH_HOME=<a pulled home> python bench/bench_upload_memory.py [--uploads 20] [--json]
Needs Debian's Chromium.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from dashboard import launch

BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"]  # fmt: skip


def rss_mb(pid: int) -> float:
    return (
        int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    )


def main() -> None:
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--uploads", type=int, default=20)
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="labordash-bench-"))
    csv = work / "big.csv"
    rows = ["region,industry,value"] + [f"{i // 50},{i % 50},{i % 997}" for i in range(999_999)]
    csv.write_text("\n".join(rows) + "\n")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = launch.spawn(
        launch.command(port, server_disconnectedSessionTTL=10),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    out: dict = {"file_mb": round(csv.stat().st_size / 2**20, 1), "after": []}
    try:
        assert launch.healthy(port, 120, [proc]), "the server did not start"
        url = f"http://127.0.0.1:{port}/your-data"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=BROWSER_ARGS)
            page = browser.new_page()
            page.goto(url)
            page.wait_for_selector('input[type="file"]', state="attached", timeout=120_000)
            page.close()
            out["warm_mb"] = round(rss_mb(proc.pid))
            for _ in range(args.uploads):
                page = browser.new_page()
                page.goto(url, timeout=120_000)
                page.wait_for_selector('input[type="file"]', state="attached", timeout=120_000)
                page.locator('input[type="file"]').set_input_files(str(csv))
                page.wait_for_selector("text=999,999 rows", timeout=180_000)
                page.close()
                out["after"].append(round(rss_mb(proc.pid)))
                if not args.json:
                    print(f"upload {len(out['after'])}: {out['after'][-1]} MB", flush=True)
            browser.close()
        time.sleep(45)  # sessions expire; the server collects and hands memory back
        out["expired_mb"] = round(rss_mb(proc.pid))
        out["ratio_expired_to_warm"] = round(out["expired_mb"] / out["warm_mb"], 2)
    finally:
        proc.terminate()
        proc.wait(20)
        csv.unlink()
        work.rmdir()
    print(
        json.dumps(out)
        if args.json
        else f"warm {out['warm_mb']} MB, after {args.uploads} uploads {out['after'][-1]} MB, "
        f"sessions expired {out['expired_mb']} MB ({out['ratio_expired_to_warm']}x warm)"
    )


if __name__ == "__main__":
    main()
