"""The memory that uploaded tables hold in the app process (pure; no Streamlit). A table read
from an upload lives in its session's state; here each is counted against a budget per session
and per process, what is over it is refused with a message, and when a table is freed (the
session ended, or its visitor uploaded another file) its bytes leave the budget and the process
hands freed memory back to the system (glibc's ``malloc_trim`` and Arrow's pool: without them
20 uploads of a 10.6 MB CSV, one after another, left the process 2.2 GB larger after the
sessions had expired). ``LABORDASH_UPLOAD_MEMORY_MB`` sets the process's budget."""

from __future__ import annotations

import contextlib
import ctypes
import os
import threading
import weakref

import pandas as pd

PER_SESSION_MB = 200
TOTAL_MB = int(os.environ.get("LABORDASH_UPLOAD_MEMORY_MB", "600"))

_lock = threading.Lock()
_held: dict[int, tuple[str, int]] = {}  # id of a held table -> (session, bytes)
released = threading.Event()  # a table was freed since the memory keeper last looked (heap)


class OverBudget(MemoryError):
    """An uploaded table would take its session or the process over the budget."""


def size_of(frame: pd.DataFrame) -> int:
    """Bytes the table holds (every column, strings counted deeply)."""
    return int(frame.memory_usage(deep=True, index=True).sum())


def held(session: str | None = None) -> int:
    """Bytes held by the tables of ``session`` (of every session when None)."""
    with _lock:
        return sum(n for s, n in _held.values() if session is None or s == session)


def compact(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns that repeat their values (region and industry codes do) as categories:
    a million rows of 300 regions take kilobytes, not tens of megabytes."""
    out = frame.copy()
    for col in out.columns:
        if out[col].nunique(dropna=False) <= len(out) // 2:
            out[col] = out[col].astype("category")
    out.attrs = dict(frame.attrs)
    return out


def hold(session: str, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` compacted and counted for ``session`` until it is freed (the caller keeps it
    in the session's state); a table the session held before is released first. Raises
    OverBudget, naming the limit, when it would not fit."""
    frame = compact(frame)
    size = size_of(frame)
    with _lock:
        for key in [k for k, (s, _) in _held.items() if s == session]:
            del _held[key]  # the session's earlier table is being replaced
        mine = sum(n for s, n in _held.values() if s == session)
        total = sum(n for _, n in _held.values())
        if mine + size > PER_SESSION_MB << 20:
            raise OverBudget(
                f"the table takes {size / 2**20:,.0f} MB in memory; one visitor "
                f"may hold {PER_SESSION_MB} MB"
            )
        if total + size > TOTAL_MB << 20:
            raise OverBudget(
                f"the server already holds {total / 2**20:,.0f} MB of uploaded "
                f"tables (its limit is {TOTAL_MB} MB); try again in a few "
                "minutes"
            )
        _held[id(frame)] = (session, size)
    weakref.finalize(frame, _release, id(frame))
    return frame


def _release(key: int) -> None:
    with _lock:
        _held.pop(key, None)
    released.set()


def give_back() -> None:
    """Hand freed memory back to the operating system (Arrow's pool, then glibc's heap)."""
    with contextlib.suppress(Exception):
        import pyarrow as pa

        pa.default_memory_pool().release_unused()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
