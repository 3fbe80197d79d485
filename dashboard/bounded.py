"""Run a function in a child process with a deadline and a memory cap (no Streamlit).

Used for work whose cost a visitor controls (reading an uploaded file). The child is a fresh
interpreter (``python -m dashboard.bounded``; about 1 s to start, once per uploaded file), so the
work runs outside the app's interpreter lock and other sessions keep their CPU share; it runs at
a lower priority, dies with its parent, and is killed when it overruns. At most ``PARALLEL``
children run at once per app process.
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


class TooSlow(TimeoutError):
    """The call did not finish before its deadline (the child was killed)."""


class TooBig(MemoryError):
    """The call needed more memory than its cap."""


def call(fn: Callable[..., Any], *args, seconds: float, memory_mb: int) -> Any:
    """``fn(*args)`` (``fn`` importable by name) in a child process: its result, or its
    exception re-raised here; :class:`TooSlow` after ``seconds`` (waiting for a free slot
    included), :class:`TooBig` when it needs more than ``memory_mb`` MB above the interpreter's
    own (a MemoryError, or the kernel killed it); RuntimeError when the child failed otherwise
    (its error output goes to the log)."""
    until = time.monotonic() + seconds
    if not _slots.acquire(timeout=seconds):
        raise TooSlow(f"no free worker within {seconds:g} s")
    try:
        done = subprocess.run(
            [sys.executable, "-m", "dashboard.bounded"], input=pickle.dumps((fn, args, memory_mb)),
            capture_output=True, timeout=max(0.01, until - time.monotonic()), check=False,
            env={**os.environ, "LABORDASH_BOUNDED_PARENT": str(os.getpid())},
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        raise TooSlow(f"no result within {seconds:g} s") from None
    finally:
        _slots.release()
    try:
        status, value = pickle.loads(done.stdout)
    except (pickle.UnpicklingError, EOFError, ValueError):  # no result: killed, or crashed
        if done.returncode != -signal.SIGKILL:  # not the kernel's out-of-memory killer
            log.error("bounded call of %s failed (exit %s): %s", getattr(fn, "__name__", fn),
                      done.returncode, done.stderr.decode("utf-8", "replace")[-2000:])  # fmt: skip
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
