"""Keeps Python's full garbage collections off the visitors' reruns.

A server's heap holds about 500,000 objects once the pages are imported and the store is read
(plotly's validators, pandas, Streamlit, cached figures). CPython walks all of them in a full
collection (110-180 ms on the 2-core machine), and starts one whenever the long-lived objects
grew by a quarter, in the middle of whichever rerun allocated last. After each full collection
the survivors are frozen (``gc.freeze``: a generation the collector does not walk), so the next
ones walk only what is new since. A frozen object that becomes part of unreachable cycles is not
freed while frozen, so every ``THAW_S`` seconds the frozen objects are handed back to the oldest
generation instead, and the next full collection walks and frees them once. Installed in the
servers ``labordash run`` and ``serve`` start (``launch.spawn``), not in a test process, whose
sessions come and go every second.
"""

from __future__ import annotations

import gc
import threading
import time

THAW_S = 600.0
_last_thaw = time.monotonic()


def _after_collection(phase: str, info: dict) -> None:
    global _last_thaw
    if phase != "stop" or info["generation"] != 2:
        return
    now = time.monotonic()
    if now - _last_thaw > THAW_S:
        gc.unfreeze()
        _last_thaw = now
    else:
        gc.freeze()


def install() -> None:
    """Freeze the survivors of every full collection (once per process; idempotent)."""
    if _after_collection not in gc.callbacks:
        gc.callbacks.append(_after_collection)


def _keep(every: float) -> None:
    from dashboard import upload_budget

    while True:
        time.sleep(every)
        if upload_budget.held() == 0 and not upload_budget.released.is_set():
            continue
        upload_budget.released.clear()
        gc.unfreeze()  # a session that ended may be frozen with its uploaded table
        gc.collect()  # frees it; the callback freezes the survivors again
        upload_budget.give_back()


def keep_memory(every: float = 30.0) -> None:
    """While uploaded tables are held, and once after one is released, every ``every``
    seconds: a full collection including the frozen objects (a session's state is freed only
    by the cycle collector, and a frozen one not at all), then the freed memory handed back
    to the system (docs/security.md, Limits: the RSS after 20 uploads). Once per process."""
    if not any(t.name == "labordash-keep-memory" for t in threading.enumerate()):
        threading.Thread(
            target=_keep, args=(every,), daemon=True, name="labordash-keep-memory"
        ).start()
