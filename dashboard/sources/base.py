"""What every source module returns, and the error a parser raises on a file it cannot read."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dashboard.fetch import FetchError, RawFile, Resource, describe, fetch_all, mirror_files


class ParseError(ValueError):
    """A raw file is not laid out as its producer publishes it; the message says where and why."""


def check_complete(raw: bytes | str, name: str) -> None:
    """A producer's CSV ends with a whole row; one that stops mid-row was cut short (an
    interrupted download or copy): its last line has fewer fields than the widest of the first
    50 lines. A file ending in a newline passes. A cut inside the last field cannot be seen (no
    producer publishes checksums); cuts at a row boundary are caught by the checks on content."""
    text = raw.decode("utf-8-sig", errors="replace") if isinstance(raw, bytes) else raw
    if not text or text.endswith("\n"):
        return
    lines = text.splitlines()
    width = max(len(r) for r in csv.reader(lines[:50]))
    last = next(csv.reader([lines[-1]]), [])
    if len(last) < width:
        raise ParseError(
            f"{name}: ends mid-row (its last line has {len(last)} of {width} fields): the file "
            "was cut short, download it again"
        )


def read_csv_text(path: Path, what: str, required: list[str] | None = None) -> pd.DataFrame:
    """Read a producer's CSV as text cells (only empty cells are missing, nothing else is
    guessed) and check the columns; any failure is a ParseError naming the file."""
    raw = path.read_bytes()
    check_complete(raw, path.name)
    try:
        df = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise ParseError(f"{path.name}: unreadable {what} ({exc})") from None
    missing = [c for c in required or [] if c not in df.columns]
    if missing:
        raise ParseError(f"{path.name}: not a {what}, columns missing: {missing}")
    return df


@dataclass
class Loaded:
    """A parsed dataset: the tidy frame, the raw files it came from, and its vintage."""

    frame: pd.DataFrame
    files: list[RawFile]
    vintage: str
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Source:
    """The contract every source follows: where its raw files are (a mirror glob as the
    producer names them, and the downloads without a mirror), how they parse into a tidy frame
    and how the vintage is read. ``load`` is the one mirror-or-fetch path for all of them.

    ``parse(paths) -> frame`` may put reader-facing notes in ``frame.attrs["notes"]``;
    ``vintage(paths, frame) -> str``. ``downloads() -> [Resource]`` is None where the producer
    has no stable file URL (then ``no_download`` says where the files come from);
    ``every_match``: the mirror holds several files of one release (else the newest wins).
    """

    dataset: str
    folder: str  # the mirror's and the cache's sub-folder
    mirror_glob: str
    parse: Callable[[list[Path]], pd.DataFrame]
    vintage: Callable[[list[Path], pd.DataFrame], str]
    downloads: Callable[[], list[Resource]] | None = None
    no_download: str = ""
    every_match: bool = False
    wanted: Callable[[Path], bool] | None = None  # which mirror matches are data files

    @property
    def DATASET(self) -> str:  # the module-level names the registry reads
        return self.dataset

    @property
    def SOURCE(self) -> str:
        return self.folder

    def producer_url(self, path: Path) -> str:
        """Where the producer publishes a mirror file: the catalog's download URL (``{code}``
        filled with the file's stem), or its landing page where the URL needs more."""
        from dashboard.catalog import origin

        o = origin(self.dataset)
        try:
            return o.download_url.format(code=path.name.split(".")[0])
        except (KeyError, IndexError):
            return o.url_main

    def files(self, **fetch_kw) -> tuple[list[RawFile], list[str]]:
        """The raw files: from the mirror when it holds them (recorded with the producer's URL
        and sha256), else downloaded through ``fetch.fetch`` (cache, then network). Optional
        downloads that fail become notes."""
        found = [
            p
            for p in mirror_files(self.folder, self.mirror_glob)
            if self.wanted is None or self.wanted(p)
        ]
        if found:
            keep = found if self.every_match else found[-1:]
            return [describe(p, "mirror", self.producer_url(p)) for p in keep], []
        if self.downloads is None:
            raise ParseError(f"{self.dataset}: {self.no_download}")
        return self.download(self.downloads(), **fetch_kw)

    def download(self, resources: list[Resource], **fetch_kw) -> tuple[list[RawFile], list[str]]:
        """Fetch ``resources`` (several at a time); the first required one that fails raises."""
        files, notes = [], []
        for res, got in zip(
            resources, fetch_all(resources, label=self.dataset, **fetch_kw), strict=True
        ):
            if isinstance(got, FetchError):
                if not res.optional:
                    raise got
                notes.append(f"{res.name}: not available ({got})")
            else:
                files.append(got)
        return files, notes

    def load(self, **fetch_kw) -> Loaded:
        files, notes = self.files(**fetch_kw)
        paths = [Path(f.path) for f in files]
        try:
            frame = self.parse(paths)
            vintage = self.vintage(paths, frame)
        except ParseError as exc:  # the files, not our code: they are not kept
            raise unparsed(exc, files, self.dataset) from None
        notes += frame.attrs.pop("notes", [])
        return Loaded(frame, files, vintage, notes)


def unparsed(exc: ParseError, files: list[RawFile], dataset: str) -> Exception:
    """``exc`` after the downloads that failed to parse left the raw cache (never reused),
    saying so and naming ``--refresh``."""
    from dashboard.fetch import forget

    gone = forget(files)
    if not gone:
        return exc
    return ParseError(
        f"{exc} (the downloaded {', '.join(gone)} was not kept; `labordash pull "
        f"--refresh {dataset}` downloads it again)"
    )
