"""Methods: every measure's formula, interpretation and references (dashboard/methods.md)."""

from pathlib import Path

import streamlit as st

TEXT = Path(__file__).resolve().parents[1] / "methods.md"

st.title("Methods")
st.markdown(TEXT.read_text(encoding="utf-8"))
