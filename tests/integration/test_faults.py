"""Fault injection: every dataset pulled from a damaged copy of its real mirror file.

For each dataset one raw file its pull reads is damaged (truncated, emptied, replaced by an HTML
error page, re-encoded, rows shuffled, a title line above the header, a column renamed as a new
vintage might, another producer's workbook) in a mirror of links to ``../shared/mirror``. The
pull must then fail with a message naming the dataset and the problem, leaving the stored
dataset byte for byte as it was, or (when the change is harmless: shuffled rows, a title line
a parser skips, a column it does not read) store exactly the same table. Never a different
table.
"""

import gzip
import io
import json
import random
import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from dashboard import store
from tests.conftest import MIRROR

FILES = {
    "eurostat_cofog": "cofog/gov_10a_exp__custom_4083116_linear.csv",
    "eurostat_lfs_nace": "eurostat/lfst_r_lfe2en2.tsv.gz",
    "eurostat_lfs_sex_age": "eurostat/lfst_r_lfe2emp.tsv.gz",
    "eurostat_nuts_gdp": "eurostat/nama_10r_2gdp.tsv.gz",
    "eurostat_nuts_income": "eurostat/nama_10r_2hhinc.tsv.gz",
    "monotowns": "russia/monotowns/monotowns_1398r_full.csv",
    "owid": "owid/total-gov-expenditure-gdp-wdi.csv",
    "qcew": "qcew/by_area_2016_q1-q4/2016.q1-q4_01000_Alabama_Statewide.csv",
    "roskazna_budget": "russia/roskazna_0503317/reg_2019_0503317_xls.tar.xz",
    "rosstat_employment_structure": "russia/devproglab_multipliers/explanatory.xlsx",
    "rosstat_grp_structure": "russia/devproglab_multipliers/VRP_OKVED2_s2016.xlsx",
    "rosstat_regions": "russia/rosstat_regions_2022/01_naselenie_population.xlsx",
    "ru_budget_shares": "russia/devproglab_multipliers/spendingShares.RDS",
    "ru_population": "russia/tochno/normalizers_final_v20260518.csv",
    "rosstat_gosfin": "russia/rosstat_gosfin/gos_fin_byudget.xlsx",
    "ru_social_support": "russia/rosstat_gosfin/socpod_2021.xlsx",
    "ru_towns": "russia/crosswalk/ru_cities_towns.csv",
    "sipri_milex": "sipri/SIPRI-Milex-data-1949-2025_v1.2.xlsx",
    "us_state_finances": "usstates/17slsstab1a.csv",
    "wdi": "worldbank/API_MS.MIL.XPND.CD_DS2_en_csv_v2_47475.csv",
    "who_ghed": "who/gho_health_financing_2025-05-20/data/GHED_CHEGDP_SHA2011.csv",
}
TEXT = ["truncated", "empty", "html", "utf16", "shuffled", "header_moved", "layout"]
BOOK = ["truncated", "empty", "html", "header_moved", "other_book"]
ARCHIVE = ["truncated", "empty", "html", "other_archive"]
OTHER_BOOK = "russia/rosstat_regions_2022/02_trud_labour.xlsx"


def kinds(rel: str) -> list[str]:
    return BOOK if rel.endswith(".xlsx") else ARCHIVE if rel.endswith((".tar.xz", ".RDS")) else TEXT


def damage_text(text: str, kind: str) -> bytes:
    lines = text.splitlines(keepends=True)
    head, body = lines[0], lines[1:]
    if kind == "utf16":
        return text.encode("utf-16")
    if kind == "shuffled":
        body = [b if b.endswith("\n") else b + "\n" for b in body]
        random.Random(7).shuffle(body)
        return (head + "".join(body)).encode("utf-8")
    if kind == "header_moved":
        return ("Table 1. Notes on this release\n\n" + text).encode("utf-8")
    if kind == "layout":  # a new vintage: the second column renamed
        sep = "\t" if "\t" in head else ";" if ";" in head else ","
        cols = head.rstrip("\r\n").split(sep)
        cols[1] = '"renamed"' if cols[1].startswith('"') else "renamed"
        return (sep.join(cols) + "\n" + "".join(body)).encode("utf-8")
    raise AssertionError(kind)


def title_row_above(raw: bytes) -> bytes:
    """The workbook with a title row inserted above every sheet (merged ranges moved)."""
    # values, not formulas: openpyxl saves formulas without their cached results
    wb = openpyxl.load_workbook(io.BytesIO(raw), data_only=True)
    for ws in wb.worksheets:  # openpyxl does not move merged ranges: move them by hand
        merged = [str(r) for r in ws.merged_cells.ranges]
        for r in merged:
            ws.unmerge_cells(r)
        for row in ws.iter_rows():  # openpyxl would save a link's target as its text
            for cell in row:
                cell.hyperlink = None
        ws.insert_rows(1)
        ws.cell(1, 1, "Notes on this release")
        for r in merged:
            rng = openpyxl.worksheet.cell_range.CellRange(r)
            rng.shift(row_shift=1)
            ws.merge_cells(rng.coord)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def damage(path: Path, kind: str) -> bytes:
    raw = path.read_bytes()
    if kind == "truncated":
        return raw[: len(raw) // 2 + 13]  # mid-row, as an interrupted download leaves it
    if kind == "empty":
        return b""
    if kind == "html":
        return b"<!DOCTYPE html><html><body><h1>503 Service Unavailable</h1></body></html>"
    if kind == "other_book":
        other = MIRROR / OTHER_BOOK
        return (other if other != path else MIRROR / FILES["sipri_milex"]).read_bytes()
    if kind == "other_archive":
        return (MIRROR / FILES["eurostat_nuts_gdp"]).read_bytes()  # a gzip TSV: no tar, no R data
    if kind == "header_moved" and path.suffix == ".xlsx":  # a title row above every sheet
        return title_row_above(raw)
    if path.suffix == ".gz":
        text = gzip.decompress(raw).decode("utf-8")
        return gzip.compress(damage_text(text, kind))
    return damage_text(raw.decode("utf-8-sig"), kind)


def linked_mirror(root: Path, damaged: Path, content: bytes) -> Path:
    """A mirror of links to the real one, with ``damaged`` replaced by ``content``."""
    out = root / "mirror"
    for src in MIRROR.rglob("*"):
        dst = out / src.relative_to(MIRROR)
        if src.is_dir():
            dst.mkdir(parents=True, exist_ok=True)
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src == damaged:
            dst.write_bytes(content)
        else:
            dst.symlink_to(src)
    return out


CASES = [(ds, kind) for ds, rel in FILES.items() for kind in kinds(rel)]


def test_every_dataset_is_damaged():
    assert set(FILES) == set(store.MODULES)


@pytest.mark.parametrize(("dataset", "kind"), CASES)
def test_damaged_file_never_changes_the_store(pulled_home, tmp_path, monkeypatch, dataset, kind):
    target = MIRROR / FILES[dataset]
    home = tmp_path / "home"
    shutil.copytree(pulled_home / "store", home / "store")  # the good store, no raw cache
    stored = home / "store" / f"{dataset}.parquet"
    before = stored.read_bytes()
    manifest_before = json.loads((home / "store" / "manifest.json").read_text())[dataset]
    monkeypatch.setenv("LABORDASH_HOME", str(home))
    monkeypatch.setenv(
        "LABORDASH_MIRROR", str(linked_mirror(tmp_path, target, damage(target, kind)))
    )

    (res,) = store.pull([dataset])

    print(f"{dataset:29} {kind:13} {f'stored {res.rows} rows' if res.ok else res.error[:160]}")
    if res.ok:  # only a harmless change may be stored, and it must give the very same table
        good = pd.read_parquet(io.BytesIO(before))
        new = pd.read_parquet(stored)
        keys = [c for c in good.columns if c not in ("value", "flag")]
        pd.testing.assert_frame_equal(
            good.sort_values(keys).reset_index(drop=True),
            new.sort_values(keys).reset_index(drop=True),
        )
    else:
        assert stored.read_bytes() == before, "a failed pull touched the stored dataset"
        after = json.loads((home / "store" / "manifest.json").read_text())[dataset]
        assert after == manifest_before
        assert not re.search(r"unexpected \w+ at \w+\.py", res.error), res.error  # a bug
        assert dataset in res.error or target.name in res.error, res.error


def test_a_table_cut_at_a_row_boundary_is_refused_unless_forced(pulled_home, tmp_path, monkeypatch):
    """A file cut after a whole row parses cleanly; the row count against the store catches it."""
    target = MIRROR / FILES["owid"]
    lines = target.read_bytes().splitlines(keepends=True)
    cut = b"".join(lines[: len(lines) // 3])
    home = tmp_path / "home"
    shutil.copytree(pulled_home / "store", home / "store")
    before = (home / "store" / "owid.parquet").read_bytes()
    monkeypatch.setenv("LABORDASH_HOME", str(home))
    monkeypatch.setenv("LABORDASH_MIRROR", str(linked_mirror(tmp_path, target, cut)))
    (res,) = store.pull(["owid"])
    assert not res.ok
    assert "owid: the new table has" in res.error and "labordash pull --force owid" in res.error
    assert (home / "store" / "owid.parquet").read_bytes() == before
    stored_rows = store.manifest()["owid"]["rows"]
    (forced,) = store.pull(["owid"], force=True)
    assert forced.ok and forced.rows < 0.9 * stored_rows
    assert store.manifest()["owid"]["rows"] == forced.rows
