"""Streamlit entry point: pulls an empty store once, then navigates between the pages."""

from pathlib import Path

import streamlit as st

from dashboard import sitemap, store

# not "pages/": Streamlit takes a pages/ folder beside the entry script for its legacy
# multipage layout, which breaks st.navigation deep links on a fresh server
VIEWS = Path(__file__).parent / "views"


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
nav = st.navigation([
    st.Page(VIEWS / f"{p.key}.py", title=p.title, icon=p.icon, default=p.key == sitemap.DEFAULT,
            **({"url_path": p.url_path} if p.url_path else {}))
    for p in sitemap.PAGES.values()
])  # fmt: skip
nav.run()
