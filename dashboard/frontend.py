"""What the app sends the browser before any page runs: its icon, a script that loads
Streamlit's plotly chunk at once, and a hidden chart that readies the chart component.

Streamlit's frontend fetches plotly.js (4.7 MB) only when the first chart arrives, and
every chart that arrives while it loads waits for it: on a long page they are then drawn in
one task of 1-2 s, and the first chart shows only when the last is drawn. Imported from the
first message instead, while the server still imports pandas, plotly.js is ready when the
first chart arrives, and each chart is drawn as it comes.

Streamlit's chart component is a lazy React component: the first chart element of a browser
session suspends until the chunk is evaluated, and React retries a suspended element only
once no other update is waiting. On the Russia page, whose other charts keep arriving, the
map at the top was drawn after all eight below it in 4 of 8 cold loads (Chromium, rAF
timestamps). A hidden chart sent before the page takes that first render; when plotly.js is
evaluated before the map arrives, the map renders at once (first in 4 of 4 loads). On a
slower main thread (start-up tasks of 1.5-2.2 s) plotly.js was still being evaluated when the
map arrived, and the map was first in 5 of 10.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path


@lru_cache(maxsize=1)
def plotly_chunk() -> str | None:
    """File name of the frontend's plotly chunk (hashed per Streamlit release), or None."""
    spec = find_spec("streamlit")  # where it is installed; the frontend's files, not its API
    if spec is None or not spec.submodule_search_locations:
        return None
    js = Path(next(iter(spec.submodule_search_locations))) / "static" / "static" / "js"
    found = sorted(js.glob("PlotlyChart.*.js"))
    return found[0].name if found else None


def preload_html() -> str:
    """A script (in an element that takes no room) importing the plotly chunk from beside the
    frontend's own bundle, so it is the same module the frontend imports later, under any base
    URL path; "" when the installed Streamlit has no such chunk."""
    chunk = plotly_chunk()
    if chunk is None:
        return ""
    return (
        # the element holding the script takes no room (not even the gap above the title)
        "<style>.stElementContainer:has(> .stHtml > script[data-preload]) {display: none}"
        "</style><script data-preload>(() => {"
        "const main = document.querySelector('script[type=module][src*=\"/static/js/index.\"]');"
        f"if (main) import(new URL({chunk!r}, main.src).href).catch(() => {{}});"
        "})();</script>"
    )


# A code block's copy button (the Link and Export spec popovers) shows only while the pointer is
# over the block: a touch screen has no hover, so it is always shown. The button's wrapper is the
# block's div after its <pre>; selected by child combinators, not `div:has(...)`: Chromium
# recalculated the style of the whole page for every text plotly measured while such a rule was
# on the page (the Russia page's 12 charts: 13.8 s of style recalculation, 0.4 s without it)
COPY_CSS = (
    "<style>[data-testid=stCode] > pre + div, [data-testid=stCode] > pre + div * "
    "{opacity: 1 !important; visibility: visible !important}</style>"
)

WARM_KEY = "plotly_warm"
# the warm-up chart's element takes no room and is not read out
WARM_CSS = f"<style>.st-key-{WARM_KEY} {{display: none}}</style>"


@lru_cache(maxsize=1)
def warm_figure():
    """The hidden chart: one invisible trace on a 10 px figure (plotly refuses a figure without
    traces, and an invisible trace draws no trace element a test or a reader could count),
    without the default template: Streamlit sends an element under 10 KB again on every rerun,
    and the template alone is 6.5 KB. Shared and serialised once."""
    import plotly.graph_objects as go

    from dashboard.charts import StillFigure

    return StillFigure(
        go.Scatter(x=[0], y=[0], visible=False),
        layout={"width": 10, "height": 10, "template": "none"},
    )


def favicon():
    """A small bar-chart icon drawn here: a Material icon as favicon is fetched from a font CDN,
    and no page of labordash makes a request outside its own server."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    for i, h in enumerate((12, 20, 28)):
        draw.rectangle((3 + 10 * i, 31 - h, 9 + 10 * i, 31), fill=(0, 114, 178, 255))
    return img
