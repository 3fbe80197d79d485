"""The tidy store: one parquet file per dataset plus ``manifest.json`` under LABORDASH_HOME/store.

Guarantees: one writer at a time (a lock on the store; a second pull waits and says who holds
it); a dataset's file and its manifest entry change together or not at all (both are written
under unique temporary names, then renamed, the old file kept until the manifest is in place);
a failing source leaves its previous version, and every other dataset, untouched; every stored
file is checked against the sha256 in the manifest when a process first reads it; a damaged
manifest is an error naming ``labordash repair``, never an empty store.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from dashboard import __version__, config, coverage, geo, indicators
from dashboard.fetch import FetchError, now_iso, sha256, temp_path
from dashboard.sources import MODULES, resolve
from dashboard.sources.base import ParseError


class StoreError(LookupError):
    """The store cannot serve a dataset; the message says why and what to run."""


class StoreMissing(StoreError):
    """The dataset has not been pulled into the store yet."""


class StoreDamaged(StoreError):
    """A stored file or the manifest is damaged (or was changed outside labordash)."""


class StoreBusy(RuntimeError):
    """Another process holds the store's lock (a pull is running)."""


@dataclass
class PullResult:
    dataset: str
    ok: bool
    rows: int = 0
    seconds: float = 0.0
    vintage: str = ""
    error: str = ""
    notes: list[str] = field(default_factory=list)


def parquet_path(dataset: str) -> Path:
    return config.store_dir() / f"{dataset}.parquet"


def manifest_path() -> Path:
    return config.store_dir() / "manifest.json"


def manifest() -> dict:
    """Dataset -> its entry (vintage, rows, built, sha256, source files); {} before any pull.
    Raises StoreDamaged when the file exists but is not a manifest."""
    p = manifest_path()
    try:
        doc = json.loads(p.read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except OSError as exc:  # unreadable, not damaged: the reason without the path
        raise StoreError(f"the store's manifest cannot be read ({exc.strerror})") from None
    except ValueError as exc:
        raise StoreDamaged(
            f"the store's manifest is damaged ({type(exc).__name__}: {exc}); "
            "`labordash repair` rebuilds it from the stored files"
        ) from None
    if not isinstance(doc, dict) or not all(isinstance(v, dict) for v in doc.values()):
        raise StoreDamaged(
            "the store's manifest is not a table of datasets; `labordash "
            "repair` rebuilds it from the stored files"
        )
    return doc


def version() -> str:
    """Changes whenever a dataset or the geometries are rebuilt: the key of every cache of
    things built from the store."""
    p = manifest_path()
    built = {"manifest": p.stat().st_mtime_ns if p.exists() else None}
    shapes = geo.stored_path()
    built["geometries"] = shapes.stat().st_mtime_ns if shapes.exists() else None
    built["home"] = str(config.store_dir())
    return json.dumps(built, sort_keys=True)


# --- one writer at a time -------------------------------------------------------------------


def holder() -> dict:
    """Who holds the store's lock (pid, host, command, since), as they wrote it; {} if unknown."""
    try:
        return json.loads((config.store_dir() / ".lock.json").read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def describe_holder() -> str:
    h = holder()
    if not h:
        return "another process"
    where = f"pid {h.get('pid')} on {h.get('host')}, since {h.get('since')}"
    return f"{h.get('command', 'a pull')} ({where})"


@contextlib.contextmanager
def lock(
    wait: float | None = None,
    on_wait: Callable[[str], None] | None = None,
    command: str = "labordash pull",
) -> Iterator[None]:
    """Hold the store's lock for the block. ``wait`` seconds (None: as long as it takes) for
    another holder, calling ``on_wait`` with who it is; then StoreBusy."""
    from filelock import FileLock, Timeout

    d = config.store_dir()
    d.mkdir(parents=True, exist_ok=True)
    fl = FileLock(d / ".lock")
    try:
        fl.acquire(timeout=0)
    except Timeout:
        if on_wait:
            on_wait(describe_holder())
        try:
            fl.acquire(timeout=-1 if wait is None else wait)
        except Timeout:
            raise StoreBusy(f"the store is being written by {describe_holder()}") from None
    try:
        sweep(d, config.cache_dir())
        with contextlib.suppress(OSError):
            me = {
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "command": command,
                "since": now_iso(),
            }
            _write_json_atomic(d / ".lock.json", me)
        yield
    finally:
        with contextlib.suppress(OSError):
            (d / ".lock.json").unlink()
        fl.release()


_TEMP = re.compile(r"^\..+\.(\d+)\.[0-9a-f]{8}\.(part|tmp|old)$")


def sweep(*dirs: Path) -> int:
    """Remove temporary files (``fetch.temp_path`` names) whose process is gone, e.g. after a
    pull was killed; run with the store's lock held. Returns how many were removed."""
    gone = 0
    for d in dirs:
        for f in (p for p in d.rglob(".*") if p.is_file()) if d.exists() else ():
            m = _TEMP.match(f.name)
            if m and not _alive(int(m.group(1))):
                f.unlink(missing_ok=True)
                gone += 1
    return gone


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return pid != 0


# --- writing --------------------------------------------------------------------------------


def _write_json_atomic(path: Path, doc: dict) -> None:
    tmp = temp_path(path, ".tmp")
    try:
        tmp.write_text(json.dumps(doc, indent=1, sort_keys=True, default=str), "utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _write_dataset(dataset: str, frame: pd.DataFrame, entry: dict) -> None:
    """The parquet file and its manifest entry, together or not at all."""
    d = config.store_dir()
    d.mkdir(parents=True, exist_ok=True)
    target, man = parquet_path(dataset), manifest_path()
    tmp, tmp_man = temp_path(target, ".tmp"), temp_path(man, ".tmp")
    backup = temp_path(target, ".old")
    try:
        frame.to_parquet(tmp, index=False, compression="zstd")
        doc = manifest()
        doc[dataset] = {**entry, "sha256": sha256(tmp), "bytes": tmp.stat().st_size}
        tmp_man.write_text(json.dumps(doc, indent=1, sort_keys=True, default=str), "utf-8")
        if target.exists():  # the previous version, until the manifest names the new
            try:
                os.link(target, backup)
            except OSError:  # a file system without hard links
                shutil.copy2(target, backup)
        os.replace(tmp, target)
        try:
            os.replace(tmp_man, man)
        except OSError:
            if backup.exists():
                os.replace(backup, target)
            else:
                target.unlink(missing_ok=True)
            raise
    finally:
        for f in (tmp, tmp_man, backup):
            f.unlink(missing_ok=True)


def pull(
    names: Iterable[str] | None = None,
    *,
    on_start: Callable[[str], None] | None = None,
    on_done: Callable[[PullResult], None] | None = None,
    force: bool = False,
    on_wait: Callable[[str], None] | None = None,
    wait: float | None = None,
    **fetch_kw,
) -> list[PullResult]:
    """Fetch, parse, validate and store each dataset; one failure does not stop the others.

    Holds the store's lock (waiting ``wait`` seconds, default as long as it takes, for another
    pull, ``on_wait`` told who it is; then StoreBusy). A new table
    with fewer than ``SHRINK_LIMIT`` (90%) of the stored table's rows is refused (a truncated or
    partial file is the likely cause) unless ``force``. The map layers are rebuilt on a full
    pull and whenever one is missing or damaged."""
    with lock(wait=wait, on_wait=on_wait):
        return _pull(names, on_start=on_start, on_done=on_done, force=force, **fetch_kw)


def _pull(names, *, on_start, on_done, force, **fetch_kw) -> list[PullResult]:
    from dashboard.schema import SchemaViolation, validate  # pandera: pulls only

    manifest()  # a damaged manifest stops the pull before anything is replaced
    results = []
    for ds in resolve(list(names) if names else None):
        if on_start:
            on_start(ds)
        t0 = time.perf_counter()
        try:
            loaded = MODULES[ds].load(**fetch_kw)
            frame = validate(loaded.frame, ds)
            indicators.check_bounds(frame, ds)  # a value no source could mean: refused
            if not force:
                _check_shrink(ds, len(frame))
            entry = {
                "dataset": ds,
                "vintage": loaded.vintage,
                "rows": len(frame),
                "built": now_iso(),
                "labordash_version": __version__,
                "notes": loaded.notes,
                "coverage": coverage.measure(frame, [f.origin for f in loaded.files]),
                "source_files": [
                    {
                        "file": Path(f.path).name,
                        "origin": f.origin,
                        "url": f.url,
                        "size": f.size,
                        "sha256": f.sha256,
                        "retrieved": f.retrieved,
                    }
                    for f in loaded.files
                ],
            }
            _write_dataset(ds, frame, entry)
            res = PullResult(
                ds, True, len(frame), time.perf_counter() - t0, loaded.vintage, notes=loaded.notes
            )
        except (FetchError, ParseError, SchemaViolation, indicators.OutOfBounds, OSError) as exc:
            res = PullResult(ds, False, seconds=time.perf_counter() - t0, error=str(exc))
        except Exception as exc:  # a bug in one parser must not cost the other datasets
            last = traceback.extract_tb(exc.__traceback__)[-1]
            where = f"{Path(last.filename).name}:{last.lineno}"
            res = PullResult(
                ds,
                False,
                seconds=time.perf_counter() - t0,
                error=f"{ds}: unexpected {type(exc).__name__} at {where}: {exc}",
            )
        results.append(res)
        if on_done:
            on_done(res)
    if not names or not geo.intact():
        results.append(_pull_geometries(on_start, on_done, fetch_kw))
    return results


SHRINK_LIMIT = 0.9


def stored_rows(dataset: str) -> int | None:
    """Rows of the stored table: from the manifest, else from the parquet file's own footer
    (the shrink guard holds when the manifest was lost)."""
    rows = manifest().get(dataset, {}).get("rows")
    if rows is None and parquet_path(dataset).exists():
        import pyarrow.parquet as pq

        with contextlib.suppress(OSError, ValueError):
            rows = pq.ParquetFile(parquet_path(dataset)).metadata.num_rows
    return rows


def _check_shrink(dataset: str, rows: int) -> None:
    before = stored_rows(dataset)
    if before and rows < SHRINK_LIMIT * before:
        raise ParseError(
            f"{dataset}: the new table has {rows:,} rows where the stored one has {before:,} "
            f"({rows / before - 1:+.0%}): a truncated or partial file? The stored version is "
            f"kept; `labordash pull --force {dataset}` stores the new one."
        )


def _pull_geometries(on_start, on_done, fetch_kw) -> PullResult:
    """Country geometries for the maps, kept in the store beside the datasets."""
    if on_start:
        on_start("geometries")
    t0 = time.perf_counter()
    try:
        n = geo.build(**fetch_kw)
        res = PullResult("geometries", True, n, time.perf_counter() - t0, "5 layers")
    except Exception as exc:  # a layer's failure must not cost the pull's report
        res = PullResult("geometries", False, seconds=time.perf_counter() - t0, error=str(exc))
    if on_done:
        on_done(res)
    return res


def available() -> list[str]:
    """Datasets present in the store."""
    return [ds for ds in MODULES if parquet_path(ds).exists()]


@lru_cache(maxsize=16)
def _read_parquet(path: str, mtime_ns: int, size: int, expected: str | None) -> pd.DataFrame:
    """The file's table, after checking it against the manifest's sha256 (once per process and
    file version: the cache key holds the file's mtime and size)."""
    dataset = Path(path).stem
    fix = f"`labordash pull --force {dataset}` rebuilds it"
    if expected and sha256(Path(path)) != expected:
        raise StoreDamaged(
            f"the stored {dataset} table does not match its checksum (damaged "
            f"or changed outside labordash); {fix}"
        )
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError) as exc:  # pyarrow's errors are both
        raise StoreDamaged(
            f"the stored {dataset} table cannot be read ({type(exc).__name__}); {fix}"
        ) from None


def _read_checked(dataset: str, path: Path) -> pd.DataFrame:
    st = path.stat()
    return _read_parquet(
        str(path), st.st_mtime_ns, st.st_size, manifest().get(dataset, {}).get("sha256")
    )


def read(dataset: str, **filters) -> pd.DataFrame:
    """Rows of ``dataset`` in the tidy schema where each filter column equals (or is in) the value.

    ``read("sipri_milex", geo="RUS", indicator="milex_gdp_share")``; a list matches any of its
    values. Parquet reads are cached per file version, so this is cheap on every page run.
    """
    path = parquet_path(dataset)
    if dataset not in MODULES:
        raise KeyError(f"unknown dataset {dataset!r}; known: {', '.join(MODULES)}")
    if not path.exists():
        raise StoreMissing(
            f"dataset {dataset!r} is not in the store; run `labordash pull {dataset}`"
        )
    try:
        df = _read_checked(dataset, path)
    except StoreDamaged:  # perhaps caught between a pull's file and its manifest: look again
        time.sleep(0.2)
        df = _read_checked(dataset, path)
    mask = pd.Series(True, index=df.index)
    for col, val in filters.items():
        if col not in df.columns:
            raise KeyError(f"{dataset} has no column {col!r}; columns: {', '.join(df.columns)}")
        if isinstance(val, (list, tuple, set, frozenset, pd.Index, pd.Series)):
            mask &= df[col].isin(list(val))
        else:
            mask &= df[col] == val
    return df[mask].reset_index(drop=True)


def check() -> list[str]:
    """What is wrong with the store, for a readiness probe (``labordash check``): an unreadable
    manifest, a dataset it lists whose file is missing or does not match its sha256, missing
    or damaged map layers; [] when every dataset and layer is as recorded."""
    try:
        entries = manifest()
    except StoreError as exc:
        return [str(exc)]
    if not entries:
        return ["the store is empty: run `labordash pull`"]
    problems = []
    for ds, entry in entries.items():
        path = parquet_path(ds)
        if not path.exists():
            problems.append(f"{ds}: its stored table is missing")
        elif entry.get("sha256") and sha256(path) != entry["sha256"]:
            problems.append(f"{ds}: its stored table does not match its checksum")
    if not geo.intact():
        problems.append("the map layers are missing or damaged")
    return problems


def repair() -> list[str]:
    """Rebuild a damaged or lost manifest from the stored files (rows and checksums from the
    files; vintage and source files unknown until the next pull). The damaged manifest is kept
    beside it as ``manifest.json.damaged``. Returns the datasets found."""
    import pyarrow.parquet as pq

    with lock(wait=0, command="labordash repair"):
        old = manifest_path()
        try:
            doc = manifest()
        except StoreDamaged:  # damaged, not merely unreadable (that stays an error)
            os.replace(old, old.with_name("manifest.json.damaged"))
            doc = {}
        for ds in available():
            if ds in doc:
                continue
            path = parquet_path(ds)
            try:
                rows = pq.ParquetFile(path).metadata.num_rows
            except (OSError, ValueError):
                continue  # an unreadable file stays out; `labordash pull --force` rebuilds it
            doc[ds] = {
                "dataset": ds,
                "rows": rows,
                "vintage": "unknown (manifest repaired)",
                "built": now_iso(),
                "labordash_version": __version__,
                "notes": ["manifest rebuilt by `labordash repair`; pull again for provenance"],
                "source_files": [],
                "sha256": sha256(path),
                "bytes": path.stat().st_size,
            }
        _write_json_atomic(old, doc)
        return sorted(doc)
