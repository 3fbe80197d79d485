"""Streamlit entry point: pulls an empty store once, then navigates between the pages."""

from pathlib import Path

import streamlit as st

from dashboard import store

# not "pages/": Streamlit takes a pages/ folder beside the entry script for its legacy
# multipage layout, which breaks st.navigation deep links on a fresh server
VIEWS = Path(__file__).parent / "views"

st.set_page_config(page_title="labordash", page_icon=":material/insights:", layout="wide")


def ensure_store() -> None:
    """First run on a new machine: build the store, showing progress."""
    if store.available():
        return
    with st.status("First run: building the data store from the public sources...") as status:
        bar = st.progress(0.0)
        total = len(store.MODULES) + 1  # and the map geometries
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
    [
        st.Page(VIEWS / "home.py", title="Home", icon=":material/home:", default=True),
        st.Page(VIEWS / "guns_vs_butter.py", title="Guns vs butter", icon=":material/balance:",
                url_path="guns-vs-butter"),
        st.Page(VIEWS / "dependence.py", title="Industrial dependence", icon=":material/factory:",
                url_path="dependence"),
        st.Page(VIEWS / "russia.py", title="Russia's regions", icon=":material/public:",
                url_path="russia"),
        st.Page(VIEWS / "profile.py", title="Region profile", icon=":material/location_on:",
                url_path="region"),
        st.Page(VIEWS / "your_data.py", title="Your data", icon=":material/upload_file:",
                url_path="your-data"),
        st.Page(VIEWS / "methods.py", title="Methods", icon=":material/functions:",
                url_path="methods"),
        st.Page(VIEWS / "data.py", title="Data", icon=":material/database:", url_path="data"),
    ]
)  # fmt: skip
nav.run()
