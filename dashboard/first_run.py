"""The app's first run on a machine with an empty store: build it once per process, with one
process at a time, and remember the outcome (no Streamlit; the app shows it)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from dashboard import store


@dataclass
class Outcome:
    """What the first build did: ``state`` is "running", "busy" (another process holds the
    store), "done" or "failed"; ``failed`` the results that did not build."""

    state: str
    label: str
    failed: list[store.PullResult] = field(default_factory=list)


_lock = threading.Lock()
_outcome: Outcome | None = None


def outcome() -> Outcome | None:
    """The first build's outcome in this process, or None when none was tried."""
    return _outcome


def needed() -> bool:
    return not store.available() and _outcome is None


def summary(results: list[store.PullResult]) -> Outcome:
    """A truthful label: "ready" only when every dataset and the map layers were built."""
    failed = [r for r in results if not r.ok]
    if not failed:
        return Outcome("done", "Data store ready")
    if len(failed) == len(results):
        return Outcome("failed", f"The data store could not be built: all {len(results)} "
                       "steps failed; run `labordash pull` on the server", failed)  # fmt: skip
    return Outcome("failed", f"Data store built with gaps: {len(failed)} of {len(results)} "
                   "steps failed; the pages that need them say so", failed)  # fmt: skip


def build(on_done: Callable[[store.PullResult], None] | None = None) -> Outcome:
    """Build the store unless this process tried already or another process is building it.
    Another session of this process arriving meanwhile gets state "running"."""
    global _outcome
    if not _lock.acquire(blocking=False):
        return Outcome("running", "The data store is being built for another visitor; reload "
                       "this page in a minute")  # fmt: skip
    try:
        if _outcome is not None:
            return _outcome
        try:
            results = store.pull(on_done=on_done, wait=0)
        except store.StoreBusy as exc:
            return Outcome("busy", f"{exc}; reload this page when it has finished")
        except (OSError, store.StoreError) as exc:  # the reason without the server's paths
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            _outcome = Outcome("failed", f"The data store could not be built ({reason}); run "
                               "`labordash pull` on the server")  # fmt: skip
            return _outcome
        _outcome = summary(results)
        return _outcome
    finally:
        _lock.release()
