"""The app's cache of built charts: bounded by bytes, not entries (Play's 297 maps outgrew the
256 entries and were built again while they played), one build per key under concurrency."""

import threading
import time

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import chart_cache, charts
from dashboard.registry import Built


def test_many_small_builds_stay_and_a_replay_builds_nothing():
    cache = chart_cache.ByteLRU(limit=10_000, measure=lambda v: 10)
    for year in range(1949, 1949 + 300):  # more than the 256 entries of before
        cache.get("v1", ("milex_map", year), lambda y=year: y)
    assert cache.builds == 300
    for year in range(1949, 1949 + 300):
        assert cache.get("v1", ("milex_map", year), lambda: pytest.fail("built again")) == year
    assert cache.builds == 300 and cache.total == 3000


def test_the_least_recently_used_leave_first_when_the_bytes_are_spent():
    cache = chart_cache.ByteLRU(limit=100, measure=len)
    for key in "abc":
        cache.get("v1", key, lambda k=key: k * 40)  # 40 bytes each: the third evicts "a"
    assert cache.total == 80 and [k for _, k in cache.items] == ["b", "c"]
    cache.get("v1", "b", lambda: pytest.fail("b is kept"))  # used: "c" is now the oldest
    cache.get("v1", "d", lambda: "d" * 40)
    assert [k for _, k in cache.items] == ["b", "d"]
    cache.get("v2", "b", lambda: "B" * 90)  # a new store version is a new key
    assert [k for _, k in cache.items] == ["b"] and cache.total == 90
    cache.get("v2", "huge", lambda: "x" * 500)  # over the budget alone: kept, the rest go
    assert [k for _, k in cache.items] == ["huge"]


def test_sessions_asking_at_once_cost_one_build():
    cache = chart_cache.ByteLRU(limit=10_000, measure=lambda v: 1)

    def slow():
        time.sleep(0.3)
        return object()

    got = []
    threads = [
        threading.Thread(target=lambda: got.append(cache.get("v", "k", slow))) for _ in range(20)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert cache.builds == 1 and len({id(g) for g in got}) == 1


def test_a_failed_build_is_not_cached_and_waiters_try_on_their_own():
    cache = chart_cache.ByteLRU(limit=10_000, measure=lambda v: 1)
    with pytest.raises(ValueError):
        cache.get("v", "k", lambda: (_ for _ in ()).throw(ValueError("no data")))
    assert not cache._pending and cache.get("v", "k", lambda: 7) == 7


def test_a_chart_is_sized_by_its_json_and_rows():
    fig = go.Figure(go.Scatter(x=list(range(1000)), y=list(range(1000))))
    rows = pd.DataFrame({"x": range(1000)})
    b = Built(charts.still(charts.Chart(fig, "alt", rows)), ["d"])
    size = chart_cache.size_of(b)
    json_bytes = b.chart.figure.json_bytes()
    assert json_bytes > 1000 and size == 3 * json_bytes + rows.memory_usage(deep=True).sum()
