"""Streamlit entry point: pulls an empty store once, then navigates between the pages."""

from pathlib import Path

import streamlit as st

from dashboard import store

PAGES = Path(__file__).parent / "pages"

st.set_page_config(page_title="labordash", page_icon=":material/insights:", layout="wide")


def ensure_store() -> None:
    """First run on a new machine: build the store, showing progress."""
    if store.available():
        return
    with st.status("First run: building the data store from the public sources...") as status:
        bar = st.progress(0.0)
        total = len(store.MODULES)
        done: list = []

        def on_done(res) -> None:
            done.append(res)
            bar.progress(len(done) / total, text=f"{res.dataset}: {'ok' if res.ok else 'failed'}")
            if not res.ok:
                st.warning(f"{res.dataset} could not be built: {res.error}")

        store.pull(on_done=on_done)
        status.update(label="Data store ready", state="complete", expanded=False)


ensure_store()
nav = st.navigation(
    [st.Page(PAGES / "home.py", title="Home", icon=":material/home:", default=True)]
)
nav.run()
