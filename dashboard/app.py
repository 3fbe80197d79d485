"""Streamlit entry point: builds an empty store once per server, then navigates between the
pages; an error no page handles is logged and shown as a plain message."""

import logging
import os
from pathlib import Path

import streamlit as st

from dashboard import first_run, geo, sitemap, store

# not "pages/": Streamlit takes a pages/ folder beside the entry script for its legacy
# multipage layout, which breaks st.navigation deep links on a fresh server
VIEWS = Path(__file__).parent / "views"
log = logging.getLogger("labordash")


def favicon():
    """A small bar-chart icon drawn here: a Material icon as favicon is fetched from a font CDN,
    and no page of labordash makes a request outside its own server."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    for i, h in enumerate((12, 20, 28)):
        draw.rectangle((3 + 10 * i, 31 - h, 9 + 10 * i, 31), fill=(0, 114, 178, 255))
    return img


st.set_page_config(page_title="labordash", page_icon=favicon(), layout="wide")


def ensure_store() -> None:
    """First run on a new machine: build the store once, showing progress and, truthfully,
    what failed; later runs (and other visitors meanwhile) get the outcome, not a new pull."""
    if first_run.needed():
        with st.status("First run: building the data store from the public sources...") as status:
            bar = st.progress(0.0)
            total = len(store.MODULES) + 1  # and the map geometries
            done: list = []

            def on_done(res) -> None:
                done.append(res)
                bar.progress(len(done) / total,
                             text=f"{res.dataset}: {'ok' if res.ok else 'failed'}")  # fmt: skip

            out = first_run.build(on_done=on_done)
            state = {"done": "complete", "failed": "error"}.get(out.state, "running")
            status.update(label=out.label, state=state, expanded=out.state == "failed")
            for res in out.failed:  # the reasons name server paths: they go to the log
                log.error("first run: %s could not be built: %s", res.dataset, res.error)
                st.warning(f"{res.dataset} could not be built (the reason is in the server log).")
    out = first_run.outcome()
    if out is not None and out.state == "failed":
        st.error(out.label, icon=":material/error:")
    elif not store.available():
        st.info("The data store is being built (first run); reload this page in a minute.")


ensure_store()
nav = st.navigation([
    st.Page(VIEWS / f"{p.key}.py", title=p.title, icon=p.icon, default=p.key == sitemap.DEFAULT,
            **({"url_path": p.url_path} if p.url_path else {}))
    for p in sitemap.PAGES.values()
])  # fmt: skip
try:
    nav.run()
except (store.StoreError, geo.GeometryMissing) as exc:  # their messages say what to run
    log.warning("page %s: %s", nav.url_path or sitemap.DEFAULT, exc)
    st.error(f"The data for this page is not available: {exc}", icon=":material/error:")
except Exception:  # Streamlit's own stop and rerun signals are not Exceptions
    log.exception("page %s failed", nav.url_path or sitemap.DEFAULT)
    st.error("Something went wrong on this page. The details were written to the server log. "
             "Try another selection or reload the page; if the data store is damaged, "
             "`labordash pull` on the server rebuilds it.", icon=":material/error:")  # fmt: skip
    if os.environ.get("LABORDASH_DEBUG"):  # tests: show the exception
        raise
