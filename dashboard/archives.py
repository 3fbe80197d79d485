"""Members of RAR archives, read in memory through libarchive (``libarchive-c`` over the
system's ``libarchive``, Debian package ``libarchive13``): Rosstat publishes «Regions of Russia»
from the 2022 edition on as RAR. Nothing is written to disk, so no member name, link or folder
in an archive can place a file anywhere; links and folders are skipped."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePosixPath

RAR4 = b"Rar!\x1a\x07\x00"
RAR5 = b"Rar!\x1a\x07\x01\x00"


class ArchiveError(ValueError):
    """The archive cannot be read, or unpacks to more than the limit."""


def is_rar(head: bytes) -> bool:
    return head.startswith((RAR4, RAR5))


def rar_members(path, wanted: Callable[[str], bool], limit: int) -> dict[str, bytes]:
    """Base name -> bytes of the regular files in the RAR archive at ``path`` whose base name
    ``wanted`` accepts (the first of each name). Refuses an archive whose wanted members unpack
    to more than ``limit`` bytes, counting as it reads (declared sizes can lie)."""
    try:
        import libarchive
    except (ImportError, OSError) as exc:  # the binding, or the C library under it
        raise ArchiveError(
            f"reading RAR needs libarchive ({exc}); install Debian's "
            "libarchive13 and `pip install libarchive-c`"
        ) from None
    with open(path, "rb") as fh:
        head = fh.read(8)
    if not is_rar(head):
        raise ArchiveError("not a RAR archive (no RAR signature)")
    fmt = "rar5" if head.startswith(RAR5) else "rar"
    out: dict[str, bytes] = {}
    total = 0
    try:
        with libarchive.file_reader(str(path), format_name=fmt) as archive:
            for entry in archive:
                name = PurePosixPath(entry.pathname.replace("\\", "/")).name
                if entry.isdir or entry.issym or entry.islnk or not wanted(name) or name in out:
                    continue
                chunks = []
                for block in entry.get_blocks():
                    total += len(block)
                    if total > limit:
                        raise ArchiveError(f"unpacks to more than {limit / 2**20:,.0f} MB")
                    chunks.append(block)
                out[name] = b"".join(chunks)
    except libarchive.ArchiveError as exc:
        raise ArchiveError(f"damaged or unsupported RAR archive ({exc.msg})") from None
    return out
