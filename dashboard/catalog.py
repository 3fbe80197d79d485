"""The dataset catalog (``datasets/catalog.toml``): origin metadata for every dataset."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import cache

from dashboard.config import datasets_dir


@dataclass(frozen=True)
class Origin:
    dataset: str
    source: str
    producer: str
    title: str
    description: str
    url_main: str
    url_download: str
    licence: str
    licence_url: str
    licence_short: str
    citation: str
    notes: str = ""
    redistribute: bool = True  # False: the terms forbid bulk copies (link to the producer)

    @property
    def download_url(self) -> str:
        """``url_download``, or ``LABORDASH_URL_<DATASET>`` when set (a new release, a proxy)."""
        return os.environ.get(f"LABORDASH_URL_{self.dataset.upper()}") or self.url_download

    def source_line(self, vintage: str | None = None) -> str:
        """House-style footer: ``Source: <producer> (<vintage>) · <licence>``."""
        v = f" ({vintage})" if vintage else ""
        return f"Source: {self.producer}{v} · {self.licence_short}"


@cache
def catalog() -> dict[str, Origin]:
    with open(datasets_dir() / "catalog.toml", "rb") as fh:
        raw = tomllib.load(fh)
    return {name: Origin(dataset=name, **entry) for name, entry in raw.items()}


def origin(dataset: str) -> Origin:
    try:
        return catalog()[dataset]
    except KeyError:
        raise KeyError(f"unknown dataset {dataset!r}; known: {', '.join(catalog())}") from None


@dataclass(frozen=True)
class CountryGroup:
    key: str
    label: str
    members: tuple[str, ...]  # empty = every country
    note: str = ""


@cache
def country_groups() -> dict[str, CountryGroup]:
    """Preset groups from ``datasets/country_groups.toml`` (NATO, BRICS, EU, ...)."""
    with open(datasets_dir() / "country_groups.toml", "rb") as fh:
        raw = tomllib.load(fh)
    return {
        k: CountryGroup(k, v["label"], tuple(v.get("members", [])), v.get("note", ""))
        for k, v in raw.items()
    }


@dataclass(frozen=True)
class IndustryGroup:
    key: str
    label: str
    classification: str
    codes: tuple[str, ...]
    why: str


@cache
def industry_groups() -> dict[str, IndustryGroup]:
    """Groups of industry codes from ``datasets/industry_groups.toml`` (e.g. defense_related)."""
    with open(datasets_dir() / "industry_groups.toml", "rb") as fh:
        raw = tomllib.load(fh)
    return {
        k: IndustryGroup(k, v["label"], v["classification"], tuple(v["codes"]), v["why"])
        for k, v in raw.items()
    }


@dataclass(frozen=True)
class Edition:
    """One known edition of a source published in editions (``datasets/editions.toml``)."""

    dataset: str
    edition: str  # "2025" (Regions of Russia) or a year (Treasury)
    page: str
    url: str  # the file, where known; else ""
    file: str = ""
    format: str = ""
    checked: bool = False  # the parsers were tested on this edition's files
    note: str = ""


@cache
def _editions() -> dict:
    with open(datasets_dir() / "editions.toml", "rb") as fh:
        return tomllib.load(fh)


def editions(dataset: str) -> list[Edition]:
    """The editions of ``dataset`` newest first, each with its file URL: the environment's
    ``LABORDASH_URL_<DATASET>`` template ({edition}) when set, else the one in the file."""
    raw = {k: v for k, v in _editions().get(dataset, {}).items() if isinstance(v, dict)}
    template = os.environ.get(f"LABORDASH_URL_{dataset.upper()}", "")
    out = []
    for ed in sorted(raw, reverse=True):
        e = raw[ed]
        url = template.format(edition=ed) if template else e.get("url", "")
        out.append(
            Edition(
                dataset,
                ed,
                e["page"],
                url,
                e.get("file", ""),
                e.get("format", ""),
                bool(e.get("checked", False)),
                e.get("note", ""),
            )
        )
    return out


def edition_info(dataset: str) -> dict:
    """The top-level keys of a dataset's entry in ``editions.toml`` (page, first_year...)."""
    return {k: v for k, v in _editions().get(dataset, {}).items() if not isinstance(v, dict)}


@dataclass(frozen=True)
class Event:
    """A dated event with its source (``datasets/events.toml``)."""

    date: object  # datetime.date
    label: str
    countries: tuple[str, ...]
    source: str
    url: str
    short: str = ""  # drawn above the chart when the label is long (a phone's width)

    @property
    def x(self) -> float:
        """Its position on a yearly axis: the year plus the fraction of it gone."""
        return self.date.year + (self.date.timetuple().tm_yday - 1) / 365


@cache
def events() -> tuple[Event, ...]:
    with open(datasets_dir() / "events.toml", "rb") as fh:
        raw = tomllib.load(fh)
    return tuple(
        Event(
            e["date"],
            e["label"],
            tuple(e["countries"]),
            e["source"],
            e["url"],
            e.get("short", e["label"]),
        )
        for e in raw.get("event", [])
    )
