"""A RAR 5 writer for tests: files stored uncompressed (method 0), as WinRAR's ``-m0`` writes
them, following the published RAR 5.0 archive format (rarlab.com/technote.htm). No free RAR
writer exists, and the loader's RAR path must be exercised on the mirror's own workbooks."""

from __future__ import annotations

import zlib

SIGNATURE = b"Rar!\x1a\x07\x01\x00"


def _vint(n: int) -> bytes:
    """RAR 5 variable-length integer: 7 bits a byte, the high bit set on all but the last."""
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _block(body: bytes) -> bytes:
    """CRC32 of (header size + header), then the size as a vint, then the header."""
    head = _vint(len(body)) + body
    return zlib.crc32(head).to_bytes(4, "little") + head


def rar5(files: dict[str, bytes]) -> bytes:
    """An archive holding ``files`` (name -> bytes; "/" separates folders)."""
    out = bytearray(SIGNATURE)
    out += _block(_vint(1) + _vint(0) + _vint(0))  # main header: type 1, no flags
    for name, data in files.items():
        encoded = name.encode("utf-8")
        body = (
            _vint(2)  # file header
            + _vint(0x0002)  # a data area follows
            + _vint(len(data))
            + _vint(0x0004)  # file flags: CRC32 present
            + _vint(len(data))  # unpacked size
            + _vint(0o100644)  # attributes: Unix mode of a regular file
            + zlib.crc32(data).to_bytes(4, "little")
            + _vint(0)  # compression: version 0, not solid, method 0 (store)
            + _vint(1)  # host OS: Unix
            + _vint(len(encoded))
            + encoded
        )
        out += _block(body) + data
    out += _block(_vint(5) + _vint(0) + _vint(0))  # end of archive
    return bytes(out)
