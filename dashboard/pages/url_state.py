"""Widgets whose state lives in the URL as codes (``?countries=RUS&countries=UKR``).

Streamlit's own ``bind="query-params"`` stores the *formatted labels* in the URL; we want stable
codes and a visible note when a link carries values we do not know. Each helper seeds the widget
from the URL once per session, then writes the current value back (dropping it when it equals
the default, to keep links short).
"""

from __future__ import annotations

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


def multiselect(
    label: str,
    options: Sequence[str],
    default: list[str],
    *,
    key: str,
    format_func: Callable[[str], str] = str,
    max_selections: int | None = None,
) -> list[str]:
    if key not in st.session_state:
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
        st.session_state[key] = good if raw and good else list(default)
    value = st.multiselect(
        label, options, key=key, format_func=format_func, max_selections=max_selections
    )
    _sync(key, value, default)
    return value


def selectbox(
    label: str,
    options: Sequence[str],
    default: str,
    *,
    key: str,
    format_func: Callable[[str], str] = str,
) -> str:
    if key not in st.session_state:
        raw = st.query_params.get(key)
        if raw is not None and raw not in options:
            st.info(
                f"Unknown {label.lower()} {_shown(raw)} in the link; showing "
                f"{format_func(default)}."
            )
        st.session_state[key] = raw if raw in options else default
    value = st.selectbox(label, options, key=key, format_func=format_func)
    _sync(key, value, default)
    return value
