"""The app's first run on a machine with an empty store: build it once per server process, in
a background thread that no visitor's click can interrupt, with one process at a time, and keep
the outcome until the store changes (no Streamlit; the app shows it)."""

from __future__ import annotations

import contextlib
import logging
import threading
from dataclasses import dataclass, field

from dashboard import store


@dataclass
class Outcome:
    """What the first build did: ``state`` is "done", "failed" or "busy" (another process holds
    the store); ``failed`` the datasets that did not build; ``version`` the store's version when
    it ended (a later pull replaces the outcome)."""

    state: str
    label: str
    failed: list[store.PullResult] = field(default_factory=list)
    version: str = ""


log = logging.getLogger("labordash")
_lock = threading.Lock()
_thread: threading.Thread | None = None
_outcome: Outcome | None = None
_done: list[store.PullResult] = []


def running() -> bool:
    return _thread is not None and _thread.is_alive()


def outcome() -> Outcome | None:
    """The first build's outcome in this process; None when none was tried, or when the store
    changed since (an operator's `labordash pull` fixed it)."""
    out = _outcome
    if out is None or out.state == "busy":
        return None
    try:
        changed = store.version() != out.version
    except OSError:
        changed = False
    return None if changed and store.available() else out


def needed() -> bool:
    """The store is empty, and this process has neither built it nor failed to."""
    return (
        not store.available() and not running() and (_outcome is None or _outcome.state == "busy")
    )


def progress() -> tuple[int, int]:
    """(steps done, steps in all) of a running build: the datasets and the map layers."""
    return len(_done), len(store.MODULES) + 1


def summary(results: list[store.PullResult]) -> Outcome:
    """A truthful label: "ready" only when every dataset and the map layers were built."""
    failed = [r for r in results if not r.ok]
    if not failed:
        return Outcome("done", "Data store ready")
    if len(failed) == len(results):
        return Outcome(
            "failed",
            f"The data store could not be built: all {len(results)} "
            "steps failed; run `labordash pull` on the server",
            failed,
        )
    return Outcome(
        "failed",
        f"Data store built with gaps: {len(failed)} of {len(results)} "
        "steps failed; the pages that need them say so",
        failed,
    )


def _build() -> None:
    global _outcome
    _done.clear()
    try:
        out = summary(store.pull(on_done=_done.append, wait=0))
    except store.StoreBusy:
        out = Outcome(
            "busy", "The data store is being built by another process; reload this page in a minute"
        )
    except Exception as exc:  # unwritable home, damaged manifest, a bug: said, not retried
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        out = Outcome(
            "failed",
            f"The data store could not be built ({reason}); run `labordash pull` on the server",
        )
    for res in out.failed:
        log.error("first run: %s could not be built: %s", res.dataset, res.error)
    if out.state == "failed" and not out.failed:
        log.error("first run: %s", out.label)
    with contextlib.suppress(OSError):
        out.version = store.version()
    _outcome = out


def start(wait: float = 0.0) -> None:
    """Start the build in a background thread unless one runs or it was done; wait up to
    ``wait`` seconds for it (a build that fails at once is then reported at once)."""
    global _thread
    with _lock:
        if needed():
            _thread = threading.Thread(target=_build, name="labordash-first-run", daemon=True)
            _thread.start()
    if _thread is not None and wait:
        _thread.join(wait)
