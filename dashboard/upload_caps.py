"""Caps on the uploaded files Streamlit keeps in memory (its ``MemoryUploadedFileManager``,
which otherwise keeps every file PUT to ``/_stcore/upload_file/<session>/<id>`` until the session
ends: 40 PUTs of 19 MB in 4 s held 760 MB for two minutes). Per session the newest
``PER_SESSION_FILES`` files and ``PER_SESSION_MB`` are kept (the page has one uploader, so the
newest file is the one in use) and older ones are dropped; per process a new file that would take
the total over ``TOTAL_MB`` (``LABORDASH_UPLOAD_TOTAL_MB``) is refused with HTTP 507. Installed
once by the app (``install``); Streamlit has no setting for either."""

from __future__ import annotations

import logging
import os

from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager

PER_SESSION_FILES = 2
PER_SESSION_MB = 40  # two files at the page's 20 MB limit
TOTAL_MB = int(os.environ.get("LABORDASH_UPLOAD_TOTAL_MB", "400"))
log = logging.getLogger("labordash")


class UploadRefused(Exception):
    """The server holds as many uploaded bytes as it may."""


def _refuse(message: str) -> Exception:
    try:  # Streamlit's server is Starlette: its HTTP error reaches the browser as such
        from starlette.exceptions import HTTPException

        return HTTPException(status_code=507, detail=message)
    except ImportError:  # pragma: no cover
        return UploadRefused(message)


def capped_add_file(self: MemoryUploadedFileManager, session_id: str, file) -> None:
    """``add_file`` within the caps: refuse beyond the process's total, then keep only the
    session's newest files within its count and bytes."""
    total_cap, session_cap = TOTAL_MB << 20, PER_SESSION_MB << 20
    with self._lock:
        mine = self.file_storage.get(session_id, {})
        held = sum(len(f.data) for f in mine.values())
        if self._total_bytes - held + len(file.data) > total_cap:
            log.warning(
                "upload refused: the server holds %d MB of uploads (cap %d MB)",
                self._total_bytes >> 20,
                TOTAL_MB,
            )
            raise _refuse(
                "The server holds as many uploaded files as it may; try again in a few minutes."
            )
    _original(self, session_id, file)
    with self._lock:
        mine = self.file_storage.get(session_id, {})
        while mine and (
            len(mine) > PER_SESSION_FILES or sum(len(f.data) for f in mine.values()) > session_cap
        ):
            oldest = next(iter(mine))  # dicts keep insertion order: the oldest first
            if oldest == file.file_id:
                break
            gone = mine.pop(oldest)
            self._total_bytes -= len(gone.data)
            self._file_count -= 1


_original = MemoryUploadedFileManager.add_file


def install() -> None:
    """Put the caps on Streamlit's file manager (idempotent)."""
    MemoryUploadedFileManager.add_file = capped_add_file
