"""A Streamlit websocket client that behaves as a browser does: it keeps the message cache
(unchanged elements come back as references), sends widget states, and waits for the script
to finish. Used by ``load_test.py`` and ``bench_pages.py``."""

from __future__ import annotations

import asyncio
import random
import time

import httpx
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect


class Client:
    def __init__(self, url: str, page: str, rnd: random.Random, think: float = 1.0):
        self.url, self.page, self.rnd, self.think = url, page, rnd, think
        self.states: dict[str, WidgetState] = {}
        self.boxes: dict[str, list[str]] = {}
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.cache: dict[str, ForwardMsg] = {}  # the browser's message cache
        self.first = float("nan")
        self.received: list[int] = []  # bytes received per run
        self.fragment_of: dict[str, str] = {}  # widget id -> the st.fragment it lives in
        self.changed: str | None = None  # the widget changed before the next run
        self.cookies: dict[str, str] = {}  # as a browser keeps them (a replica's affinity cookie)

    async def run_once(self, conn) -> None:
        msg = BackMsg()
        msg.rerun_script.query_string = ""
        msg.rerun_script.page_name = self.page
        msg.rerun_script.widget_states.widgets.extend(self.states.values())
        msg.rerun_script.cached_message_hashes.extend(self.cache)
        if self.changed in self.fragment_of:  # as a browser: rerun only that fragment
            msg.rerun_script.fragment_id = self.fragment_of[self.changed]
        self.changed = None
        t = time.perf_counter()
        got = 0
        await conn.send(msg.SerializeToString())
        while True:
            raw = await asyncio.wait_for(conn.recv(), timeout=600)
            got += len(raw)
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            if fwd.WhichOneof("type") == "ref_hash":  # an element we hold: as a browser does
                fwd = self.cache[fwd.ref_hash]
            elif fwd.metadata.cacheable:
                self.cache[fwd.hash] = fwd
            kind = fwd.WhichOneof("type")
            if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                self.element(fwd.delta)
            elif kind == "script_finished":
                status = ForwardMsg.ScriptFinishedStatus.Name(fwd.script_finished)
                if status == "FINISHED_EARLY_FOR_RERUN":
                    continue  # our own newer request interrupted it: keep reading
                if status not in ("FINISHED_SUCCESSFULLY", "FINISHED_FRAGMENT_RUN_SUCCESSFULLY"):
                    self.errors.append(f"{self.page}: {status}")
                break
        self.latencies.append(time.perf_counter() - t)
        self.received.append(got)

    def element(self, delta) -> None:
        """A new element: an exception is an error; a select box is remembered with its
        options and the value a browser would send for it."""
        el = delta.new_element
        if el.WhichOneof("type") == "exception":
            self.errors.append(f"{self.page}: {el.exception.message[:200]}")
        elif el.WhichOneof("type") == "selectbox" and el.selectbox.options:
            box = el.selectbox
            self.boxes[box.id] = list(box.options)
            if delta.fragment_id:
                self.fragment_of[box.id] = delta.fragment_id
            # as a browser: a value the script set (session state, the URL) wins; a new box
            # starts at its default
            if box.set_value and box.HasField("raw_value"):
                value = box.raw_value
            elif box.id in self.states:
                return
            else:
                value = box.options[box.default] if box.HasField("default") else None
            self.states[box.id] = WidgetState(id=box.id, string_value=value or box.options[0])

    async def open(self):
        """A session on the page, after its first run (not counted as an interaction); opened
        again after a dropped connection, it sends the cookies it was given, as a browser does."""
        ws_url = self.url.replace("http", "ws") + "/_stcore/stream"
        # as a browser: load the page first (a load balancer's affinity cookie comes with it)
        async with httpx.AsyncClient(timeout=120, cookies=self.cookies) as http:
            page = await http.get(f"{self.url}/{self.page}")
        self.cookies.update(page.cookies)
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        # no client pings: a browser sends none, and a busy server answers them late
        conn = await connect(
            ws_url,
            max_size=256 * 2**20,
            open_timeout=120,
            ping_interval=None,
            additional_headers={"Cookie": cookie} if cookie else None,
        )
        await self.run_once(conn)
        self.first = self.latencies.pop()
        self.received.pop()
        return conn

    def set_box(self, key: str, value: str) -> None:
        """Set the select box whose widget key ends with ``key`` (``"dep:measure"``)."""
        wid = next(w for w in self.boxes if w.endswith(key))
        self.states[wid].string_value = value
        self.changed = wid

    async def loop(self, until: float) -> None:
        try:
            conn = await self.open()
            while time.perf_counter() < until:
                await asyncio.sleep(self.rnd.uniform(0.5, 1.5) * self.think)  # reading
                if not self.boxes:
                    break
                wid = self.rnd.choice(sorted(self.boxes))
                self.states[wid].string_value = self.rnd.choice(self.boxes[wid])
                self.changed = wid
                await self.run_once(conn)
            await conn.close()
        except Exception as exc:  # every failure counts as an error
            self.errors.append(f"{self.page}: {type(exc).__name__}: {exc}")
