"""The tidy store: one parquet file per dataset plus ``manifest.json`` under LABORDASH_HOME/store.

A pull parses, validates and then atomically replaces one dataset's file (write to ``.tmp``,
``os.replace``), so a failing source leaves its previous version, and every other dataset,
untouched.
"""

from __future__ import annotations

import json
import os
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from dashboard import __version__, config, geo
from dashboard.fetch import FetchError, now_iso
from dashboard.sources import MODULES, resolve
from dashboard.sources.base import ParseError


class StoreMissing(LookupError):
    """The dataset has not been pulled into the store yet."""


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


def manifest() -> dict:
    p = config.store_dir() / "manifest.json"
    if not p.exists():
        return {}
    try:
        return json.loads(p.read_text("utf-8"))
    except ValueError:
        return {}


def version() -> str:
    """Changes whenever a dataset or the geometries are rebuilt: the key of every cache of
    things built from the store."""
    built = {k: v.get("built") for k, v in manifest().items()}
    shapes = geo.stored_path()
    built["geometries"] = shapes.stat().st_mtime_ns if shapes.exists() else None
    built["home"] = str(config.store_dir())
    return json.dumps(built, sort_keys=True)


def _write_json_atomic(path: Path, doc: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(doc, indent=1, sort_keys=True, default=str), "utf-8")
    os.replace(tmp, path)


def _write_dataset(dataset: str, frame: pd.DataFrame, entry: dict) -> None:
    d = config.store_dir()
    d.mkdir(parents=True, exist_ok=True)
    target = parquet_path(dataset)
    tmp = target.with_name(target.name + ".tmp")
    try:
        frame.to_parquet(tmp, index=False, compression="zstd")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    doc = manifest()
    doc[dataset] = entry
    _write_json_atomic(d / "manifest.json", doc)


def pull(
    names: Iterable[str] | None = None,
    *,
    on_start: Callable[[str], None] | None = None,
    on_done: Callable[[PullResult], None] | None = None,
    force: bool = False,
    **fetch_kw,
) -> list[PullResult]:
    """Fetch, parse, validate and store each dataset; one failure does not stop the others.

    A new table with fewer than ``SHRINK_LIMIT`` (90%) of the stored table's rows is refused
    (a truncated or partial file is the likely cause) unless ``force``."""
    from dashboard.schema import SchemaViolation, validate  # pandera: pulls only

    results = []
    for ds in resolve(list(names) if names else None):
        if on_start:
            on_start(ds)
        t0 = time.perf_counter()
        try:
            loaded = MODULES[ds].load(**fetch_kw)
            frame = validate(loaded.frame, ds)
            if not force:
                _check_shrink(ds, len(frame))
            entry = {
                "dataset": ds,
                "vintage": loaded.vintage,
                "rows": len(frame),
                "built": now_iso(),
                "labordash_version": __version__,
                "notes": loaded.notes,
                "source_files": [
                    {
                        "file": Path(f.path).name, "origin": f.origin, "url": f.url,
                        "size": f.size, "sha256": f.sha256, "retrieved": f.retrieved,
                    }
                    for f in loaded.files
                ],
            }  # fmt: skip
            _write_dataset(ds, frame, entry)
            res = PullResult(
                ds, True, len(frame), time.perf_counter() - t0, loaded.vintage, notes=loaded.notes
            )
        except (FetchError, ParseError, SchemaViolation, OSError) as exc:
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
    if not names or not all(geo.stored_path(k).exists() for k in geo.LAYERS):
        results.append(_pull_geometries(on_start, on_done, fetch_kw))
    return results


SHRINK_LIMIT = 0.9


def _check_shrink(dataset: str, rows: int) -> None:
    before = manifest().get(dataset, {}).get("rows")
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
    except (FetchError, ValueError, OSError) as exc:
        res = PullResult("geometries", False, seconds=time.perf_counter() - t0, error=str(exc))
    if on_done:
        on_done(res)
    return res


def available() -> list[str]:
    """Datasets present in the store."""
    return [ds for ds in MODULES if parquet_path(ds).exists()]


@lru_cache(maxsize=16)
def _read_parquet(path: str, mtime_ns: int) -> pd.DataFrame:
    return pd.read_parquet(path)


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
    df = _read_parquet(str(path), path.stat().st_mtime_ns)
    mask = pd.Series(True, index=df.index)
    for col, val in filters.items():
        if col not in df.columns:
            raise KeyError(f"{dataset} has no column {col!r}; columns: {', '.join(df.columns)}")
        if isinstance(val, (list, tuple, set, frozenset, pd.Index, pd.Series)):
            mask &= df[col].isin(list(val))
        else:
            mask &= df[col] == val
    return df[mask].reset_index(drop=True)
