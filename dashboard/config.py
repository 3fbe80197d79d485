"""Where things live: LABORDASH_HOME (cache and store) and LABORDASH_MIRROR (local raw files)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def home() -> Path:
    """Root for the raw cache and the store; ``LABORDASH_HOME`` or the user data dir."""
    env = os.environ.get("LABORDASH_HOME")
    return Path(env).expanduser() if env else Path(platformdirs.user_data_dir("labordash"))


def mirror() -> Path | None:
    """A directory laid out like ``shared/mirror`` (``<source>/<files>``), or None."""
    env = os.environ.get("LABORDASH_MIRROR")
    return Path(env).expanduser().resolve() if env else None


def cache_dir() -> Path:
    return home() / "raw"


def store_dir() -> Path:
    return home() / "store"


def datasets_dir() -> Path:
    """The catalog and crosswalks: packaged copy in a wheel, repo ``datasets/`` in a checkout."""
    packaged = Path(__file__).parent / "_datasets"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent / "datasets"
