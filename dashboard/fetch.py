"""Raw files: cache, then mirror (``LABORDASH_MIRROR``), then network.

Network downloads stream to a uniquely named ``<file>.<random>.part`` and are renamed only when
complete and checked, so a failed download never replaces a good cached file and two pulls never
write the same temporary file. Every download is bounded: ``max_mb`` bytes after decoding (per
source, ``LABORDASH_MAX_DOWNLOAD_MB[_<SOURCE>]``), a total deadline (``LABORDASH_DEADLINE``
seconds) on top of the per-read timeout, and a compression ratio. URLs are shown and recorded
without credentials or query strings (:func:`public_url`). Every file handed to a parser is
described by a :class:`RawFile` record (url, size, sha256, when retrieved, where from) that the
store's manifest keeps.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tarfile
import threading
import time
import uuid
import zipfile
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

from dashboard import config

DEFAULT_TIMEOUT = float(os.environ.get("LABORDASH_TIMEOUT", "60"))
DEFAULT_RETRIES = 3
DEFAULT_MAX_MB = 1024  # per file; QCEW's all-areas slices are the largest at about 300 MB
DEFAULT_DEADLINE = 1800.0  # seconds per file, retries included
MAX_RATIO = 200  # decoded bytes per byte on the wire (gzip transfer) or in a zip/gzip file
JSON_MAX_MB = 100  # one API page
DEFAULT_WORKERS = 4  # concurrent downloads of one source (LABORDASH_DOWNLOAD_WORKERS)
USER_AGENT = "labordash (+https://github.com/labordash/labordash)"


def max_bytes(source: str, max_mb: int | None = None) -> int:
    """The size cap of one download of ``source`` in bytes: ``LABORDASH_MAX_DOWNLOAD_MB_<SOURCE>``,
    else the resource's own ``max_mb``, else ``LABORDASH_MAX_DOWNLOAD_MB``, else 1024 MB."""
    env = os.environ.get(f"LABORDASH_MAX_DOWNLOAD_MB_{source.upper()}")
    mb = env or max_mb or os.environ.get("LABORDASH_MAX_DOWNLOAD_MB") or DEFAULT_MAX_MB
    return int(float(mb) * 2**20)


def deadline() -> float:
    """Seconds one file may take to download, retries included (``LABORDASH_DEADLINE``)."""
    return float(os.environ.get("LABORDASH_DEADLINE", DEFAULT_DEADLINE))


def public_url(url: str) -> str:
    """``url`` as it may be shown or stored: no user, password, query string or fragment
    (tokens and keys travel there)."""
    parts = urlsplit(str(url))
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", "")) if parts.scheme else parts.path


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
    max_mb: int | None = None  # size cap of the download (default: fetch.max_bytes)


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
    return RawFile(str(path), origin, public_url(url), path.stat().st_size, sha256(path), now_iso())


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

_MARKUP = (b"<!doctype html", b"<html", b"<head", b"<body", b"<?xml", b"<error", b"<title")


def _looks_like_markup(head: bytes) -> bool:
    """An HTML/XML page, also behind a byte-order mark, UTF-16, whitespace or comments."""
    for bom, enc in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            head = head[2:].decode(enc, errors="ignore").encode()
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    while text.startswith(b"<!--"):
        end = text.find(b"-->")
        text = text[end + 3 :].lstrip() if end >= 0 else b""
    return text.startswith(_MARKUP)


def gunzipped_size(path: Path, stop: int) -> int:
    """Bytes a gzip file unpacks to, all members counted (the ISIZE trailer holds only the
    last member's, modulo 4 GiB), decompressed 16 MB at a time and given up at ``stop``."""
    total = 0
    d = zlib.decompressobj(wbits=31)
    with open(path, "rb") as fh:
        buf = fh.read(1 << 20)
        while buf:
            total += len(d.decompress(buf, 1 << 24))
            if total >= stop:
                break
            if d.eof:  # the next member, if any
                buf, d = d.unused_data, zlib.decompressobj(wbits=31)
                buf = buf or fh.read(1 << 20)
            else:
                buf = d.unconsumed_tail or fh.read(1 << 20)
    return total


def _bomb(unpacked: int, packed: int, limit: int) -> bool:
    """Over the size cap once unpacked, or over 64 MB at more than MAX_RATIO times its size."""
    return unpacked > limit or (unpacked > 64 * 2**20 and unpacked > MAX_RATIO * packed)


def check_content(path: Path, kind: str, source: str, url: str, limit: int | None = None) -> None:
    """Refuse bytes that are not what the producer publishes (HTML error pages, broken zips,
    zip or gzip files that unpack to a bomb: see :func:`_bomb`)."""
    url = public_url(url)
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if not head:
        raise FetchError(f"{source}: {url} returned an empty body")
    if _looks_like_markup(head) and kind not in ("xml",):
        raise FetchError(
            f"{source}: {url} returned an HTML/XML page where a {kind} file was expected "
            "(an error or login page?)"
        )
    size = path.stat().st_size
    limit = limit or max_bytes(source)
    who = f"{source}: {url}"
    if kind in ("xlsx", "zip"):
        _check_zip(path, kind, who, size, limit)
    elif kind == "gzip" or head[:2] == b"\x1f\x8b":
        _check_gzip(path, head, who, size, limit)
    elif kind == "tar" and not _is_tar(path):
        raise FetchError(f"{who} is not a tar archive")
    elif kind == "rar" and not head.startswith((b"Rar!\x1a\x07\x00", b"Rar!\x1a\x07\x01\x00")):
        raise FetchError(f"{who} is not a RAR archive (no RAR signature)")
    elif kind == "json":
        try:
            json.loads(path.read_bytes())
        except ValueError as exc:
            raise FetchError(f"{who} did not return valid JSON: {exc}") from None


def _is_tar(path: Path) -> bool:
    try:
        return tarfile.is_tarfile(path)
    except (OSError, EOFError, tarfile.TarError):
        return False


def _check_zip(path: Path, kind: str, who: str, size: int, limit: int) -> None:
    """A zip (or xlsx) whose members all read back and that does not unpack to a bomb."""
    if not zipfile.is_zipfile(path):
        raise FetchError(f"{who} is not a valid {kind} file (no zip structure)")
    try:
        with zipfile.ZipFile(path) as zf:
            unpacked = sum(i.file_size for i in zf.infolist())
            if _bomb(unpacked, size, limit):
                mb = f"{unpacked / 2**20:,.0f} MB from {size / 2**20:,.1f} MB"
                raise FetchError(f"{who} unpacks to {mb}: refused as a zip bomb")
            bad = zf.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise FetchError(f"{who} is a damaged {kind} file: {exc}") from None
    if bad:
        raise FetchError(f"{who} is a damaged {kind} file (member {bad})")


def _check_gzip(path: Path, head: bytes, who: str, size: int, limit: int) -> None:
    """Gzip that unpacks (every member, streamed up to ``limit``) and not to a bomb."""
    if head[:2] != b"\x1f\x8b":
        raise FetchError(f"{who} is not gzip-compressed")
    try:
        unpacked = gunzipped_size(path, stop=limit + 1)
    except (zlib.error, EOFError) as exc:
        raise FetchError(f"{who} is a damaged gzip file ({exc})") from None
    if _bomb(unpacked, size, limit):
        raise FetchError(
            f"{who} unpacks to more than {unpacked / 2**20:,.0f} MB "
            f"from {size / 2**20:,.1f} MB: refused as a gzip bomb"
        )


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
    action: Callable[[], object],
    source: str,
    url: str,
    retries: int,
    backoff: float,
    until: float,
) -> object:
    last: str = ""
    for attempt in range(retries + 1):
        try:
            return action()
        except httpx.TimeoutException:
            last = "timed out"
        except httpx.RemoteProtocolError as exc:
            last = f"connection closed early, body truncated ({exc})"
        except httpx.DecodingError as exc:
            last = f"the compressed body could not be decoded ({exc})"
        except httpx.TransportError as exc:
            last = f"network error ({type(exc).__name__}: {exc})"
        except _Retryable as exc:
            last = str(exc)
        if attempt < retries and time.monotonic() + backoff * 2**attempt < until:
            time.sleep(backoff * 2**attempt)
        else:
            break
    raise FetchError(
        f"{source}: could not download {public_url(url)} after {attempt + 1} attempt(s): {last}"
    )


def _status_check(resp: httpx.Response, source: str, url: str) -> None:
    if resp.status_code in (408, 429) or resp.status_code >= 500:
        raise _Retryable(f"HTTP {resp.status_code}")
    if resp.status_code >= 400:
        raise FetchError(
            f"{source}: {public_url(url)} answered HTTP {resp.status_code} (not retried)"
        )


def _stream(
    resp: httpx.Response,
    sink: Callable[[bytes], None],
    *,
    source: str,
    url: str,
    limit: int,
    until: float,
    on_progress: Callable[[int, int | None], None] | None = None,
) -> int:
    """Copy a response body (decoded) into ``sink`` within the size cap, the compression ratio
    and the deadline; raise ``_Retryable`` when the body was cut short. Returns the bytes."""
    shown = public_url(url)
    total = resp.headers.get("content-length")
    total_n = int(total) if total and total.isdigit() else None
    if total_n is not None and not resp.headers.get("content-encoding") and total_n > limit:
        raise FetchError(
            f"{source}: {shown} is {total_n / 2**20:,.0f} MB; the limit for "
            f"{source} is {limit / 2**20:,.0f} MB (LABORDASH_MAX_DOWNLOAD_MB_"
            f"{source.upper()} raises it)"
        )
    done = 0
    for chunk in resp.iter_bytes():  # as they arrive: a chunk size would wait to fill it
        done += len(chunk)
        if done > limit:
            raise FetchError(
                f"{source}: {shown} sent more than {limit / 2**20:,.0f} MB, the "
                f"limit for {source} (LABORDASH_MAX_DOWNLOAD_MB_{source.upper()} "
                "raises it); nothing was kept"
            )
        wire = resp.num_bytes_downloaded
        if done > 10 * 2**20 and done > MAX_RATIO * max(wire, 1):
            raise FetchError(
                f"{source}: {shown} unpacks {wire:,} bytes on the wire to more "
                f"than {done:,}: refused as a compression bomb"
            )
        if time.monotonic() > until:
            raise FetchError(
                f"{source}: {shown} took longer than {deadline():g} s "
                "(LABORDASH_DEADLINE) and was abandoned"
            )
        sink(chunk)
        if on_progress:
            on_progress(done, total_n)
    # Content-Length counts the bytes on the wire, which differ from the decoded ones when the
    # producer sends gzip
    if total_n is not None and resp.num_bytes_downloaded != total_n:
        raise _Retryable(f"body truncated: {resp.num_bytes_downloaded} of {total_n} bytes")
    return done


def temp_path(dest: Path, suffix: str = ".part") -> Path:
    """A temporary name beside ``dest`` that no other process or thread uses."""
    return dest.with_name(f".{dest.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}{suffix}")


def download(
    url: str,
    dest: Path,
    *,
    source: str,
    kind: str,
    timeout: float | None = None,
    retries: int = DEFAULT_RETRIES,
    backoff: float = 0.5,
    max_mb: int | None = None,
    on_progress: Callable[[int, int | None], None] | None = None,
) -> Path:
    """Stream ``url`` to ``dest`` atomically; retry timeouts, 5xx and truncated bodies; refuse
    bodies over the size cap, past the deadline or that decode to a bomb."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = temp_path(dest)
    limit = max_bytes(source, max_mb)
    until = time.monotonic() + deadline()

    def attempt() -> Path:
        with client(timeout) as c, c.stream("GET", url) as resp:
            _status_check(resp, source, url)
            with open(part, "wb") as fh:
                _stream(
                    resp,
                    fh.write,
                    source=source,
                    url=url,
                    limit=limit,
                    until=until,
                    on_progress=on_progress,
                )
        return part

    try:
        _with_retries(attempt, source, url, retries, backoff, until)
        check_content(part, kind, source, url, limit)
        os.replace(part, dest)
    finally:
        part.unlink(missing_ok=True)
    return dest


def get_page(
    url: str,
    *,
    source: str,
    timeout: float | None = None,
    retries: int = DEFAULT_RETRIES,
    backoff: float = 0.5,
) -> str:
    """GET an HTML page (a producer's edition page, to find its file links) with the same
    retry, size (``JSON_MAX_MB``) and deadline rules as :func:`download`."""
    until = time.monotonic() + deadline()

    def attempt() -> str:
        body = bytearray()
        with client(timeout) as c, c.stream("GET", url) as resp:
            _status_check(resp, source, url)
            _stream(
                resp, body.extend, source=source, url=url, limit=JSON_MAX_MB * 2**20, until=until
            )
            encoding = resp.charset_encoding or "utf-8"
        return bytes(body).decode(encoding, errors="replace")

    return _with_retries(attempt, source, url, retries, backoff, until)


def get_json(
    url: str,
    *,
    source: str,
    params: dict | None = None,
    timeout: float | None = None,
    retries: int = DEFAULT_RETRIES,
    backoff: float = 0.5,
) -> object:
    """GET a JSON document with the same retry, size (``JSON_MAX_MB``) and deadline rules as
    :func:`download`."""
    until = time.monotonic() + deadline()

    def attempt() -> object:
        body = bytearray()
        with client(timeout) as c, c.stream("GET", url, params=params) as resp:
            _status_check(resp, source, url)
            _stream(
                resp, body.extend, source=source, url=url, limit=JSON_MAX_MB * 2**20, until=until
            )
        try:
            return json.loads(body)
        except ValueError:
            snippet = bytes(body[:80]).decode("utf-8", "replace").replace("\n", " ")
            raise FetchError(
                f"{source}: {public_url(url)} did not return JSON: {snippet!r}"
            ) from None

    return _with_retries(attempt, source, url, retries, backoff, until)


# --- cache -> mirror -> network -------------------------------------------------------------


def manifest_path() -> Path:
    return config.cache_dir() / "manifest.json"


def _read_manifest() -> dict:
    """The raw cache's index; a damaged one only means the files are downloaded again."""
    p = manifest_path()
    try:
        doc = json.loads(p.read_text("utf-8")) if p.exists() else {}
    except (ValueError, OSError):
        return {}
    return doc if isinstance(doc, dict) else {}


_MANIFEST_LOCK = threading.Lock()  # concurrent downloads of one pull update one index


def _record(key: str, rec: RawFile) -> None:
    """Add one download to the cache index (re-read under the lock: other threads write too)."""
    with _MANIFEST_LOCK:
        manifest = _read_manifest()
        manifest[key] = asdict(rec)
        _write_manifest(manifest)


def _write_manifest(entries: dict) -> None:
    p = manifest_path()
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(p, ".tmp")
    try:
        tmp.write_text(json.dumps(entries, indent=1, sort_keys=True), "utf-8")
        os.replace(tmp, p)
    finally:
        tmp.unlink(missing_ok=True)


def forget(files: list[RawFile]) -> list[str]:
    """Drop downloaded files from the raw cache (a file that failed to parse is never reused);
    returns their names. Mirror files are left alone."""
    manifest, gone = _read_manifest(), []
    for f in files:
        path = Path(f.path)
        if f.origin not in ("network", "cache") or config.cache_dir() not in path.parents:
            continue
        manifest.pop(f"{path.parent.name}/{path.name}", None)
        path.unlink(missing_ok=True)
        gone.append(path.name)
    if gone:
        _write_manifest(manifest)
    return gone


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
        try:  # cached by an older labordash with weaker checks, perhaps
            check_content(cached, res.kind, res.source, res.url, max_bytes(res.source, res.max_mb))
            url = public_url(manifest[key].get("url", res.url))  # older entries kept queries
            return RawFile(**{**manifest[key], "path": str(cached), "origin": "cache", "url": url})
        except FetchError:
            forget([RawFile(str(cached), "cache", "", 0, "", "")])
    if res.mirror_glob:
        found = mirror_files(res.source, res.mirror_glob)
        if found:
            return describe(found[-1], "mirror", res.url)

    def report(done: int, total: int | None) -> None:
        if on_progress:
            on_progress(res.name, done, total)

    download(
        res.url,
        cached,
        source=res.source,
        kind=res.kind,
        timeout=timeout,
        retries=retries,
        max_mb=res.max_mb,
        on_progress=report,
    )
    rec = describe(cached, "network", res.url)
    _record(key, rec)
    return rec


def workers() -> int:
    """Concurrent downloads of one source: ``LABORDASH_DOWNLOAD_WORKERS`` (default 4, 1-16)."""
    try:
        n = int(os.environ.get("LABORDASH_DOWNLOAD_WORKERS", DEFAULT_WORKERS))
    except ValueError:
        n = DEFAULT_WORKERS
    return min(max(n, 1), 16)


def fetch_all(
    resources: list[Resource],
    *,
    label: str = "",
    on_progress: Callable[[str, int, int | None], None] | None = None,
    cancel_on_failure: bool = True,
    **fetch_kw,
) -> list[RawFile | FetchError]:
    """:func:`fetch` each resource, :func:`workers` at a time; one result per resource, in
    order (a ``FetchError`` where it failed). A required file that fails cancels the downloads
    not yet started, unless ``cancel_on_failure`` is False (the caller sorts the failures).
    Progress of several files is one line counted in files: ``on_progress("<label>: N files",
    done, N)``."""
    if len(resources) == 1:
        try:
            return [fetch(resources[0], on_progress=on_progress, **fetch_kw)]
        except FetchError as exc:
            return [exc]
    name = f"{label or (resources[0].source if resources else '')}: {len(resources)} files"
    done, lock, stop = 0, threading.Lock(), threading.Event()

    def one(res: Resource) -> RawFile | FetchError:
        nonlocal done
        if stop.is_set():
            return FetchError(f"{res.source}: {res.name} not downloaded (an earlier file failed)")
        try:
            out: RawFile | FetchError = fetch(res, **fetch_kw)
        except FetchError as exc:
            out = exc
            if cancel_on_failure and not res.optional:
                stop.set()
        with lock:
            done += 1
            if on_progress:
                on_progress(name, done, len(resources))
        return out

    if on_progress:
        on_progress(name, 0, len(resources))
    with ThreadPoolExecutor(workers(), thread_name_prefix="download") as pool:
        return list(pool.map(one, resources))
