"""Raw files: cache, then mirror (``LABORDASH_MIRROR``), then network.

Network downloads go to ``<file>.part`` and are renamed only when complete and checked, so a
failed download never replaces a good cached file. Every file handed to a parser is described by
a :class:`RawFile` record (url, size, sha256, when retrieved, where from) that the store's
manifest keeps.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from dashboard import config

DEFAULT_TIMEOUT = float(os.environ.get("LABORDASH_TIMEOUT", "60"))
DEFAULT_RETRIES = 3
USER_AGENT = "labordash (+https://github.com/labordash/labordash)"


class FetchError(RuntimeError):
    """A raw file could not be had; the message names the source and the problem."""


@dataclass(frozen=True)
class Resource:
    """One raw file of a source.

    ``source`` is the mirror/cache sub-folder, ``name`` the file name in the cache, ``kind`` what
    the bytes must be (xlsx, zip, csv, json), ``mirror_glob`` how the producer names the file
    (the newest match in the mirror wins).
    """

    source: str
    name: str
    url: str
    kind: str
    mirror_glob: str | None = None
    optional: bool = False  # a companion file (metadata) whose absence is a note, not a failure


@dataclass(frozen=True)
class RawFile:
    path: str
    origin: str  # cache | mirror | network
    url: str
    size: int
    sha256: str
    retrieved: str


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def describe(path: Path, origin: str, url: str) -> RawFile:
    return RawFile(str(path), origin, url, path.stat().st_size, sha256(path), now_iso())


def natural_key(path: Path) -> list:
    """Sort key that orders embedded numbers numerically (``v1.10`` after ``v1.2``)."""
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", path.name)]


def mirror_files(source: str, pattern: str) -> list[Path]:
    """Files in ``$LABORDASH_MIRROR/<source>/`` matching ``pattern``, oldest to newest release."""
    root = config.mirror()
    if root is None:
        return []
    base = root / source
    return sorted((p for p in base.glob(pattern) if p.is_file()), key=natural_key)


# --- content checks -------------------------------------------------------------------------


def check_content(path: Path, kind: str, source: str, url: str) -> None:
    """Refuse bytes that are not what the producer publishes (HTML error pages, broken zips)."""
    head = path.read_bytes()[:512]
    if not head:
        raise FetchError(f"{source}: {url} returned an empty body")
    stripped = head.lstrip().lower()
    if stripped.startswith((b"<!doctype html", b"<html", b"<head", b"<?xml")):
        raise FetchError(
            f"{source}: {url} returned an HTML/XML page where a {kind} file was expected "
            "(an error or login page?)"
        )
    if kind in ("xlsx", "zip"):
        if not zipfile.is_zipfile(path):
            raise FetchError(f"{source}: {url} is not a valid {kind} file (no zip structure)")
        try:
            with zipfile.ZipFile(path) as zf:
                bad = zf.testzip()
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise FetchError(f"{source}: {url} is a damaged {kind} file: {exc}") from None
        if bad:
            raise FetchError(f"{source}: {url} is a damaged {kind} file (member {bad})")
    elif kind == "gzip" and head[:2] != b"\x1f\x8b":
        raise FetchError(f"{source}: {url} is not gzip-compressed")
    elif kind == "json":
        try:
            json.loads(path.read_bytes())
        except ValueError as exc:
            raise FetchError(f"{source}: {url} did not return valid JSON: {exc}") from None


# --- network --------------------------------------------------------------------------------


class _Retryable(Exception):
    pass


def client(timeout: float | None = None) -> httpx.Client:
    t = DEFAULT_TIMEOUT if timeout is None else timeout
    return httpx.Client(
        timeout=httpx.Timeout(t, connect=min(t, 15.0)),
        follow_redirects=True,
        headers={"User-Agent": USER_AGENT},
    )


def _with_retries(
    action: Callable[[], object], source: str, url: str, retries: int, backoff: float
) -> object:
    last: str = ""
    for attempt in range(retries + 1):
        try:
            return action()
        except httpx.TimeoutException:
            last = "timed out"
        except httpx.RemoteProtocolError as exc:
            last = f"connection closed early, body truncated ({exc})"
        except httpx.TransportError as exc:
            last = f"network error ({type(exc).__name__}: {exc})"
        except _Retryable as exc:
            last = str(exc)
        if attempt < retries:
            time.sleep(backoff * 2**attempt)
    raise FetchError(f"{source}: could not download {url} after {retries + 1} attempts: {last}")


def _status_check(resp: httpx.Response, source: str, url: str) -> None:
    if resp.status_code in (408, 429) or resp.status_code >= 500:
        raise _Retryable(f"HTTP {resp.status_code}")
    if resp.status_code >= 400:
        raise FetchError(f"{source}: {url} answered HTTP {resp.status_code} (not retried)")


def download(
    url: str,
    dest: Path,
    *,
    source: str,
    kind: str,
    timeout: float | None = None,
    retries: int = DEFAULT_RETRIES,
    backoff: float = 0.5,
    on_progress: Callable[[int, int | None], None] | None = None,
) -> Path:
    """Stream ``url`` to ``dest`` atomically; retry timeouts, 5xx and truncated bodies."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")

    def attempt() -> Path:
        with client(timeout) as c, c.stream("GET", url) as resp:
            _status_check(resp, source, url)
            total = resp.headers.get("content-length")
            total_n = int(total) if total and total.isdigit() else None
            done = 0
            with open(part, "wb") as fh:
                for chunk in resp.iter_bytes(1 << 16):
                    fh.write(chunk)
                    done += len(chunk)
                    if on_progress:
                        on_progress(done, total_n)
            if total_n is not None and done != total_n:
                raise _Retryable(f"body truncated: {done} of {total_n} bytes")
        return part

    try:
        _with_retries(attempt, source, url, retries, backoff)
        check_content(part, kind, source, url)
        os.replace(part, dest)
    finally:
        part.unlink(missing_ok=True)
    return dest


def get_json(
    url: str,
    *,
    source: str,
    params: dict | None = None,
    timeout: float | None = None,
    retries: int = DEFAULT_RETRIES,
    backoff: float = 0.5,
) -> object:
    """GET a JSON document with the same retry and error rules as :func:`download`."""

    def attempt() -> object:
        with client(timeout) as c:
            resp = c.get(url, params=params)
            _status_check(resp, source, url)
            try:
                return resp.json()
            except ValueError:
                snippet = resp.text[:80].replace("\n", " ")
                raise FetchError(f"{source}: {url} did not return JSON: {snippet!r}") from None

    return _with_retries(attempt, source, url, retries, backoff)


# --- cache -> mirror -> network -------------------------------------------------------------


def manifest_path() -> Path:
    return config.cache_dir() / "manifest.json"


def _read_manifest() -> dict:
    p = manifest_path()
    return json.loads(p.read_text()) if p.exists() else {}


def _write_manifest(entries: dict) -> None:
    p = manifest_path()
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(p.name + ".tmp")
    tmp.write_text(json.dumps(entries, indent=1, sort_keys=True))
    os.replace(tmp, p)


def fetch(
    res: Resource,
    *,
    refresh: bool = False,
    timeout: float | None = None,
    retries: int = DEFAULT_RETRIES,
    on_progress: Callable[[str, int, int | None], None] | None = None,
) -> RawFile:
    """Return a local copy of ``res``: cached download, else mirror file, else a new download."""
    cached = config.cache_dir() / res.source / res.name
    manifest = _read_manifest()
    key = f"{res.source}/{res.name}"
    fresh = cached.exists() and not refresh and key in manifest
    # a cached copy that changed on disk since it was downloaded is fetched again
    if fresh and sha256(cached) == manifest[key]["sha256"]:
        return RawFile(**{**manifest[key], "path": str(cached), "origin": "cache"})
    if res.mirror_glob:
        found = mirror_files(res.source, res.mirror_glob)
        if found:
            return describe(found[-1], "mirror", res.url)

    def report(done: int, total: int | None) -> None:
        if on_progress:
            on_progress(res.name, done, total)

    download(
        res.url, cached, source=res.source, kind=res.kind,
        timeout=timeout, retries=retries, on_progress=report,
    )  # fmt: skip
    rec = describe(cached, "network", res.url)
    manifest[key] = asdict(rec)
    _write_manifest(manifest)
    return rec
