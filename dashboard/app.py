"""Streamlit entry point: builds an empty store once per server, then navigates between the
pages; an error no page handles is logged and shown as a plain message."""

import logging
import os
from pathlib import Path

import streamlit as st

from dashboard import frontend

st.set_page_config(page_title="labordash", page_icon=frontend.favicon(), layout="wide")
if preload := frontend.preload_html():
    st.html(preload, unsafe_allow_javascript=True)
# imported after the first message, so that the browser loads plotly.js meanwhile (frontend)
from dashboard import first_run, geo, heap, sitemap, store, upload_caps  # noqa: E402

# not "pages/": Streamlit takes a pages/ folder beside the entry script for its legacy
# multipage layout, which breaks st.navigation deep links on a fresh server
VIEWS = Path(__file__).parent / "views"
log = logging.getLogger("labordash")

if os.environ.get("LABORDASH_SERVER"):  # a server labordash started (launch.spawn), not a test
    heap.install()
    heap.keep_memory()  # uploaded tables' memory goes back to the system when sessions end
upload_caps.install()  # Streamlit keeps every PUT file until the session ends otherwise
st.html(frontend.WARM_CSS + frontend.COPY_CSS)  # style elements only: they take no room on the page


def ensure_store() -> None:
    """First run on a new machine: the store is built once per server, in the background
    (`first_run`); every visitor meanwhile sees its progress, and afterwards what failed."""
    first_run.start(wait=1.0)
    if first_run.running():
        build_progress()
        st.stop()
    out = first_run.outcome()
    if out is not None and out.state == "failed":
        with st.expander(out.label, icon=":material/error:"):
            for res in out.failed:  # the reasons name server paths: they go to the log
                st.write(f"{res.dataset} could not be built (the reason is in the server log).")
    elif out is not None and out.state == "done" and not st.session_state.get("_store_said"):
        st.toast(out.label, icon=":material/check_circle:")
        st.session_state["_store_said"] = True
    elif not store.available():
        st.info("The data store is being built by another process; reload this page in a minute.")


@st.fragment(run_every=2)
def build_progress() -> None:
    if not first_run.running():
        st.rerun()  # the whole app: the pages now have their data
    done, total = first_run.progress()
    st.info(
        "First run: building the data store from the public sources. This takes a few "
        "minutes once per server; the page opens when it is done."
    )
    st.progress(done / total, text=f"{done} of {total} steps")


ensure_store()
nav = st.navigation(
    [
        st.Page(
            VIEWS / f"{p.key}.py",
            title=p.title,
            icon=p.icon,
            default=p.key == sitemap.DEFAULT,
            **({"url_path": p.url_path} if p.url_path else {}),
        )
        for p in sitemap.PAGES.values()
    ]
)
# the page goes into a container above the hidden warm-up chart (frontend), which is sent
# first but comes last on the page: a page's first chart is still the first one in it
page = st.container()
st.plotly_chart(frontend.warm_figure(), key=frontend.WARM_KEY)
try:
    with page:
        nav.run()
except (store.StoreError, geo.GeometryMissing) as exc:  # their messages say what to run
    log.warning("page %s: %s", nav.url_path or sitemap.DEFAULT, exc)
    page.error(f"The data for this page is not available: {exc}", icon=":material/error:")
except Exception:  # Streamlit's own stop and rerun signals are not Exceptions
    log.exception("page %s failed", nav.url_path or sitemap.DEFAULT)
    page.error(
        "Something went wrong on this page. The details were written to the server log. "
        "Try another selection or reload the page; if the data store is damaged, "
        "`labordash pull` on the server rebuilds it.",
        icon=":material/error:",
    )
    if os.environ.get("LABORDASH_DEBUG"):  # tests: show the exception
        raise
