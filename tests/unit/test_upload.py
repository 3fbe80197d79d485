"""Bring-your-own-data: reading and checking uploaded tables (synthetic files written here)."""

import io

import pandas as pd
import pytest

from dashboard import metrics, upload
from dashboard.export import spreadsheet_safe, table_text

GOOD = b"region;industry;employment\nA;mfg;1 200\nA;svc;300\nB;mfg;40\nB;svc;\n"


def test_reads_semicolon_csv_with_thousands_and_blanks():
    raw = upload.read_table(GOOD, "mine.csv")
    cols = upload.guess_columns(raw)
    assert cols == {"region": "region", "industry": "industry", "value": "employment", "year": None}
    df = upload.prepare(raw, "region", "industry", "employment")
    assert df["value"].tolist()[:3] == [1200.0, 300.0, 40.0]
    assert pd.isna(df["value"].iloc[3])  # a blank cell is treated as suppressed
    lq = metrics.location_quotients(df)
    assert lq.attrs["excluded_cells"] == 1


def test_reads_xlsx_with_year():
    buf = io.BytesIO()
    table = pd.DataFrame(
        {
            "geo": ["DE11", "DE11", "DE12", "DE12"],
            "nace": ["C", "G", "C", "G"],
            "value": [10, 20, 5, 25],
            "year": [2020] * 4,
        }
    )
    table.to_excel(buf, index=False)
    raw = upload.read_table(buf.getvalue(), "t.xlsx")
    g = upload.guess_columns(raw)
    df = upload.prepare(raw, g["region"], g["industry"], g["value"], g["year"])
    assert df["year"].tolist() == [2020] * 4
    assert metrics.specialization(df)["n_industries"].tolist() == [2, 2]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "e.csv", "is empty"),
        (b"\x00\x01\x02PK garbage" * 10, "g.csv", "binary"),
        (b"<html><body>Error 404</body></html>", "h.csv", "at least region, industry and value"),
        (b"not a zip", "x.xlsx", "not a readable XLSX"),
        (b"a,b,c\n1,2,3\n", "data.parquet", "only .csv"),
        (b"r,r,v\n1,2,3\n", "d.csv", "repeated column names"),
    ],
)
def test_unreadable_files_are_refused(content, name, message):
    with pytest.raises(upload.UploadError, match=message):
        upload.read_table(content, name)


def test_size_limit(monkeypatch):
    monkeypatch.setattr(upload, "MAX_BYTES", 100)
    with pytest.raises(upload.UploadError, match="the limit is"):
        upload.read_table(GOOD * 10, "big.csv")


@pytest.mark.parametrize(
    ("csv", "cols", "message"),
    [
        (b"r,i,v\nA,x,12\nA,y,=cmd|' /C calc'!A0\n", ("r", "i", "v"), r"not numbers: row 3"),
        (b"r,i,v\nA,x,-5\n", ("r", "i", "v"), "negative: row 2"),
        (b"r,i,v\nA,x,1\nA,x,2\n", ("r", "i", "v"), "repeat a"),
        (b"r,i,v\nA,,1\n", ("r", "i", "v"), "no industry code"),
        (b"r,i,v\nA,x,1\n", ("r", "r", "v"), "two roles"),
        (b"r,i,v\nA,x,1\n", ("r", "i", "nope"), "not in the file"),
    ],
)
def test_bad_tables_name_the_problem(csv, cols, message):
    raw = upload.read_table(csv, "t.csv")
    with pytest.raises(upload.UploadError, match=message):
        upload.prepare(raw, *cols)


def test_bad_year():
    raw = upload.read_table(b"r,i,v,y\nA,x,1,twenty\n", "t.csv")
    with pytest.raises(upload.UploadError, match="not years"):
        upload.prepare(raw, "r", "i", "v", "y")


def test_labels_are_made_inert_and_cells_spreadsheet_safe():
    assert upload.plain("<img src=x onerror=alert(1)>") == "‹img src=x onerror=alert(1)›"
    out = spreadsheet_safe(pd.DataFrame({"a": ["=1+1", "@SUM(A1)", "-x", "ok"], "n": [1, 2, 3, 4]}))
    assert out["a"].tolist() == ["'=1+1", "'@SUM(A1)", "'-x", "ok"]
    assert out["n"].tolist() == [1, 2, 3, 4]


def test_uploaded_files_kept_in_memory_are_capped_per_session_and_in_all(monkeypatch):
    """40 PUTs of 19 MB from one session held 760 MB until two minutes after it left; now a
    session keeps its newest 2 files (40 MB) and the process refuses beyond its total."""
    from starlette.exceptions import HTTPException
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
    from streamlit.runtime.uploaded_file_manager import UploadedFileRec

    from dashboard import upload_caps

    monkeypatch.setattr(MemoryUploadedFileManager, "add_file", upload_caps._original)
    upload_caps.install()
    mgr = MemoryUploadedFileManager("/_stcore/upload_file")
    mb19 = b"x" * (19 << 20)
    for i in range(40):
        mgr.add_file("attacker", UploadedFileRec(f"f{i}", f"{i}.csv", "text/csv", mb19))
    assert list(mgr.file_storage["attacker"]) == ["f38", "f39"]
    assert mgr._total_bytes == 2 * len(mb19) and mgr._file_count == 2
    # the page's file is the newest: a re-upload under its id replaces it
    mgr.add_file("attacker", UploadedFileRec("f39", "39.csv", "text/csv", b"small"))
    assert mgr._total_bytes == len(mb19) + 5
    monkeypatch.setattr(upload_caps, "TOTAL_MB", 50)
    mgr.add_file("student", UploadedFileRec("a", "a.csv", "text/csv", b"x" * (20 << 20)))
    with pytest.raises(HTTPException) as refused:  # 19 + 20 + 20 MB > 50 MB
        mgr.add_file("other", UploadedFileRec("b", "b.csv", "text/csv", b"x" * (20 << 20)))
    assert refused.value.status_code == 507 and "try again" in refused.value.detail
    assert "other" not in mgr.file_storage or not mgr.file_storage["other"]


def test_a_files_text_keeps_its_place_in_markdown_and_latex_tables():
    """Your data's tables as Markdown and LaTeX: a "|" or a line break in an uploaded cell
    stays inside its cell, and LaTeX's special characters are escaped."""
    df = pd.DataFrame({"region": ["North|East", "South\nWest"], "lq": [1.25, 0.5]})
    md = table_text(df, "md", title="LQ", labels={}, formats={"lq": ".2f"}, notes=["From x.csv"])
    rows = [line for line in md.splitlines() if line.startswith("|")]
    assert len(rows) == 4 and all(r.count("|") - r.count("\\|") == 3 for r in rows)
    assert "North\\|East" in md and "South West" in md and "1.25" in md
    tex = table_text(
        pd.DataFrame({"region": ["R&D_50%"]}), "tex", title="T", labels={}, formats={}, notes=[]
    )
    assert r"R\&D\_50\%" in tex
