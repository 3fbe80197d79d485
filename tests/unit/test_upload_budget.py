"""Memory held by uploaded tables: compacted, counted per session and per process, refused
over the budget, released (and handed back to the system) when the session lets go."""

import gc

import pandas as pd
import pytest

from dashboard import upload, upload_budget


def table(rows: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region": [f"R{i % 300}" for i in range(rows)],
            "industry": [f"I{i % 20}" for i in range(rows)],
            "value": [str(i * 1.5) for i in range(rows)],
        },
        dtype=str,
    )


def test_repeated_codes_are_held_as_categories_and_still_prepare():
    raw = table(100_000)
    held = upload_budget.hold("s-compact", raw)
    try:
        assert str(held["region"].dtype) == "category" and held["value"].dtype == raw["value"].dtype
        assert upload_budget.size_of(held) < 0.5 * upload_budget.size_of(raw)
        a = upload.prepare(raw.iloc[:300], "region", "industry", "value")
        b = upload.prepare(held.iloc[:300], "region", "industry", "value")
        pd.testing.assert_frame_equal(a, b)
    finally:
        del held
        gc.collect()


def test_a_session_and_the_process_are_held_to_their_budgets(monkeypatch):
    monkeypatch.setattr(upload_budget, "PER_SESSION_MB", 1)
    monkeypatch.setattr(upload_budget, "TOTAL_MB", 2)
    kept = [upload_budget.hold("a", table(50_000))]  # about 0.85 MB held
    size = upload_budget.held("a")
    assert 0.5 * 2**20 < size < 2**20
    kept.append(upload_budget.hold("a", table(50_000)))  # a's second file replaces its first
    assert upload_budget.held("a") == size
    with pytest.raises(upload_budget.OverBudget, match="one visitor may hold 1 MB"):
        upload_budget.hold("b", table(120_000))
    kept.append(upload_budget.hold("b", table(50_000)))
    with pytest.raises(upload_budget.OverBudget, match="its limit is 2 MB"):
        upload_budget.hold("c", table(50_000))
    kept.clear()  # the sessions end: their state goes, and with it the tables
    gc.collect()
    assert upload_budget.held() == 0
    upload_budget.hold("c", table(10))  # room again
