"""Widgets whose state lives in the URL as codes (``?countries=RUS&countries=UKR``).

Streamlit's own ``bind="query-params"`` stores the *formatted labels* in the URL; we want stable
codes and a visible note when a link carries values we do not know. Each helper seeds the widget
from the URL once per session, then writes the current value back (dropping it when it equals
the default, to keep links short). Widget keys are scoped per page (``Scope("gvb")``), so two
pages can both use ``?countries=`` without sharing state.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import streamlit as st


def _shown(text: str, limit: int = 24) -> str:
    """A URL-supplied string made safe to show inside Markdown (code span, truncated)."""
    return "`" + text.replace("`", "").replace("\n", " ")[:limit] + "`"


def _sync(key: str, value: list[str] | str, default: list[str] | str) -> None:
    if value == default:
        if key in st.query_params:
            del st.query_params[key]
    else:
        st.query_params[key] = value


def _int(text: str | None) -> int | None:
    """A whole number written in ASCII digits (at most 9, an optional minus), else None: a
    link's "²" passes ``str.isdigit`` but not ``int``, and ``int`` refuses 5,000 digits."""
    m = re.fullmatch(r"\s*(-?[0-9]{1,9})\s*", str(text)) if text is not None else None
    return int(m.group(1)) if m else None


def year_in(raw: str | None, lo: int, hi: int) -> bool:
    """Whether a link's text is a year from ``lo`` to ``hi``."""
    year = _int(raw)
    return year is not None and lo <= year <= hi


class Scope:
    """URL-bound widgets of one page: widget keys ``<page>:<param>``, URL keys ``<param>``."""

    def __init__(self, page: str):
        self.page = page
        saved = st.session_state.get(self._memo)
        if saved and not len(st.query_params):
            # back on this page through the menu, which drops the query string: restore the
            # view it showed when we left (its widgets' states were cleared meanwhile)
            st.query_params.update(saved)

    @property
    def _memo(self) -> str:
        return f"_url:{self.page}"

    def _sync(self, key: str, value: list[str] | str, default: list[str] | str) -> None:
        """Write a widget's value to the URL, and remember this page's URL for the session."""
        _sync(key, value, default)
        st.session_state[self._memo] = {k: st.query_params.get_all(k) for k in st.query_params}

    def w(self, key: str) -> str:
        return f"{self.page}:{key}"

    def forget_on_change(self, key: str, value: str, dependents: Sequence[str]) -> None:
        """When ``key``'s value differs from the one this page last ran with, the
        ``dependents`` (their widgets and URL parameters) start again from their defaults:
        another region system's periods are other periods."""
        memo = f"_was:{self.w(key)}"
        before = st.session_state.get(memo)
        st.session_state[memo] = value
        if before is not None and before != value:
            for d in dependents:
                st.session_state.pop(self.w(d), None)
                if d in st.query_params:
                    del st.query_params[d]

    def multiselect(
        self,
        label: str,
        options: Sequence[str],
        default: list[str],
        *,
        key: str,
        format_func: Callable[[str], str] = str,
        max_selections: int | None = None,
    ) -> list[str]:
        w = self.w(key)
        if w not in st.session_state:
            raw = [v for v in st.query_params.get_all(key) if v != ""]
            known = set(options)
            good = list(dict.fromkeys(v for v in raw if v in known))
            bad = [v for v in raw if v not in known]
            if bad:
                st.info(
                    f"Ignored {label.lower()} in the link that are not available: "
                    + ", ".join(_shown(b) for b in bad[:10])
                )
            if max_selections and len(good) > max_selections:
                st.info(
                    f"The link asked for {len(good)} {label.lower()}; showing the first "
                    f"{max_selections}."
                )
                good = good[:max_selections]
            st.session_state[w] = good if raw and good else list(default)
        # select_all=False: Enter adds the first match ("Pol" -> Poland), not every match
        value = st.multiselect(
            label,
            options,
            key=w,
            format_func=format_func,
            max_selections=max_selections,
            select_all=False,
        )
        self._sync(key, value, default)
        return value

    def selectbox(
        self,
        label: str,
        options: Sequence[str],
        default: str,
        *,
        key: str,
        format_func: Callable[[str], str] = str,
        radio: bool = False,
        help: str | None = None,
    ) -> str:
        """A select box (``radio``: a row of radio buttons) stored as ``?key=option``."""
        w = self.w(key)
        # options can change under a widget (another system chosen): start again from the default
        stale = w in st.session_state and st.session_state[w] not in options
        if w not in st.session_state or stale:
            raw = None if stale else st.query_params.get(key)
            if raw is not None and raw not in options:
                st.info(
                    f"Unknown {label.lower()} {_shown(raw)} in the link; showing "
                    f"{format_func(default)}."
                )
            st.session_state[w] = raw if raw in options else default
        if radio:
            value = st.radio(
                label, options, key=w, format_func=format_func, horizontal=True, help=help
            )
        else:
            value = st.selectbox(label, options, key=w, format_func=format_func, help=help)
        self._sync(key, value, default)
        return value

    def year_range(self, label: str, lo: int, hi: int, default: tuple[int, int], *, key: str):
        """A range slider stored as ``?years=2000-2025``; bad or out-of-range links are clamped."""
        w = self.w(key)
        if w not in st.session_state:
            raw = st.query_params.get(key)
            value = default
            if raw is not None:
                parts = [_int(p) for p in str(raw).split("-", 1)]
                if len(parts) == 2 and None not in parts:
                    a, b = sorted(max(lo, min(hi, p)) for p in parts)
                    value = (a, b)
                    if (a, b) != tuple(sorted(parts)):
                        st.info(f"Years {_shown(raw)} in the link were limited to {a}-{b}.")
                else:
                    st.info(
                        f"Unknown year range {_shown(raw)} in the link; showing {default[0]}-"
                        f"{default[1]}."
                    )
            st.session_state[w] = value
        a, b = st.slider(label, lo, hi, key=w)
        value = f"{a}-{b}"
        self._sync(key, value, f"{default[0]}-{default[1]}")
        return a, b

    def check_unshown(self, key: str, label: str, ok: Callable[[str], bool]) -> None:
        """A parameter whose widget this view does not draw (``?mapmode=`` in the chart
        view): a value in the link that ``ok`` refuses gets the same note as a drawn widget's
        would, once per session."""
        w = self.w(key)
        raw = st.query_params.get(key)
        if raw is None or w in st.session_state or st.session_state.get(f"_said:{w}"):
            return
        st.session_state[f"_said:{w}"] = True
        if not ok(raw):
            st.info(f"Unknown {label.lower()} {_shown(raw)} in the link; it is ignored.")

    def year(self, label: str, lo: int, hi: int, default: int, *, key: str) -> int:
        """A single-year slider stored as ``?key=2024``, clamped to [lo, hi]."""
        w = self.w(key)
        if w not in st.session_state or not lo <= st.session_state[w] <= hi:
            raw = _int(st.query_params.get(key)) if w not in st.session_state else None
            if w not in st.session_state and st.query_params.get(key) is not None and raw is None:
                st.info(f"Unknown year {_shown(st.query_params.get(key))} in the link.")
            st.session_state[w] = max(lo, min(hi, raw if raw is not None else default))
        else:
            # said again: a slider whose range moved is a new widget to Streamlit, which would
            # otherwise start it at its lowest year (the map jumped to the first year chosen)
            st.session_state[w] = st.session_state[w]
        if lo == hi:
            st.caption(f"{label}: {lo}")
            value = lo
        else:
            value = st.slider(label, lo, hi, key=w)
        self._sync(key, str(value), str(default))
        return value
