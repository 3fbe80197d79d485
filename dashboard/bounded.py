"""Run a function in a child process with a deadline and a memory cap (no Streamlit).

Used for work whose cost a visitor controls (reading an uploaded file). The child is a fresh
interpreter (``python -m dashboard.bounded``; about 1 s to start, once per uploaded file), so the
work runs outside the app's interpreter lock and other sessions keep their CPU share; it runs at
a lower priority, dies with its parent, and is killed when it overruns. At most ``PARALLEL``
children run at once per app process, one per owner (a browser session), and work declared
small has a lane of its own, so a visitor's small file never waits behind two large ones.
"""

from __future__ import annotations

import logging
import os
import pickle
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

PARALLEL = 2
log = logging.getLogger("labordash")
_slots = threading.BoundedSemaphore(PARALLEL)
_small = threading.BoundedSemaphore(1)  # for small work when both slots are taken
_owners: set[str] = set()  # owners with a call running
_owners_changed = threading.Condition()


class TooSlow(TimeoutError):
    """The call did not finish before its deadline (the child was killed)."""


class TooBig(MemoryError):
    """The call needed more memory than its cap."""


def _slot(small: bool, until: float) -> threading.BoundedSemaphore | None:
    """A free slot: a general one, or for small work the small lane, whichever frees first."""
    while time.monotonic() < until:
        if _slots.acquire(timeout=0.05):
            return _slots
        if small and _small.acquire(blocking=False):
            return _small
    return None


def call(
    fn: Callable[..., Any],
    *args,
    seconds: float,
    memory_mb: int,
    owner: str = "",
    small: bool = False,
) -> Any:
    """``fn(*args)`` (``fn`` importable by name) in a child process: its result, or its
    exception re-raised here; :class:`TooSlow` after ``seconds`` (waiting for a free slot
    included), :class:`TooBig` when it needs more than ``memory_mb`` MB above the interpreter's
    own (a MemoryError, or the kernel killed it); RuntimeError when the child failed otherwise
    (its error output goes to the log). An ``owner`` has one call running at a time (its next
    waits); ``small`` work may also take the small lane."""
    until = time.monotonic() + seconds
    with _owners_changed:
        if owner and not _owners_changed.wait_for(lambda: owner not in _owners, timeout=seconds):
            raise TooSlow(f"your previous file was still being read after {seconds:g} s")
        if owner:
            _owners.add(owner)
    try:
        slot = _slot(small, until)
        if slot is None:
            raise TooSlow(f"no free worker within {seconds:g} s")
        try:
            return _run(fn, args, memory_mb, until, seconds)
        finally:
            slot.release()
    finally:
        if owner:
            with _owners_changed:
                _owners.discard(owner)
                _owners_changed.notify_all()


def _run(fn, args, memory_mb: int, until: float, seconds: float) -> Any:
    try:
        done = subprocess.run(
            [sys.executable, "-m", "dashboard.bounded"],
            input=pickle.dumps((fn, args, memory_mb)),
            capture_output=True,
            timeout=max(0.01, until - time.monotonic()),
            check=False,
            env={**os.environ, "LABORDASH_BOUNDED_PARENT": str(os.getpid())},
        )
    except subprocess.TimeoutExpired:
        raise TooSlow(f"no result within {seconds:g} s") from None
    try:
        status, value = pickle.loads(done.stdout)
    except (pickle.UnpicklingError, EOFError, ValueError):  # no result: killed, or crashed
        if done.returncode != -signal.SIGKILL:  # not the kernel's out-of-memory killer
            log.error(
                "bounded call of %s failed (exit %s): %s",
                getattr(fn, "__name__", fn),
                done.returncode,
                done.stderr.decode("utf-8", "replace")[-2000:],
            )
            raise RuntimeError(f"the worker process failed (exit {done.returncode})") from None
        status, value = "memory", None
    if status == "memory":
        raise TooBig(f"more than {memory_mb} MB")
    if status == "error":
        raise value
    return value


def _vm_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _main() -> None:
    from dashboard.launch import die_with_parent

    die_with_parent()
    if os.getppid() != int(os.environ.get("LABORDASH_BOUNDED_PARENT", os.getppid())):
        sys.exit(1)  # the parent died before the signal was armed
    os.nice(5)
    fn, args, memory_mb = pickle.loads(sys.stdin.buffer.read())
    cap = _vm_bytes() + (memory_mb << 20)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    try:
        out = ("ok", fn(*args))
    except MemoryError:
        out = ("memory", None)
    except Exception as exc:  # handed to the parent, which raises it
        out = ("error", exc)
    try:
        data = pickle.dumps(out)
    except Exception:  # an exception that cannot be pickled: its type and message
        data = pickle.dumps(("error", RuntimeError(f"{type(out[1]).__name__}: {out[1]}")))
    sys.stdout.buffer.write(data)


if __name__ == "__main__":
    _main()
