"""A session of the classroom app driven over Solara's own websocket protocol, without a browser.

For the 30-session load test (`bench/app_bench.py --load-light`): a Chromium page costs about a
tenth of a core at 1 step/s, so 30 of them cannot run beside the server on two cores, while this
client only reads the server's messages. It speaks what Solara's page speaks (captured from
Chromium): a Jupyter kernel websocket at ``/jupyter/api/kernels/<id>/channels``, a
``solara.control`` comm whose ``run`` message renders the app, ``comm_open``/``update`` messages
that carry each widget's state, and ``custom`` click events and ``update`` values sent back.
It draws nothing, so its timings are the server's and the wire's, not a browser's paint.
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request
import uuid
from datetime import UTC, datetime

import websockets
from solara.server.kernel import deserialize_binary_message


def _message(session: str, msg_type: str, content: dict) -> str:
    """One Jupyter message as Solara's page sends it (JSON, protocol 5.2)."""
    header = {"date": datetime.now(UTC).isoformat(), "msg_id": str(uuid.uuid4()), "msg_type": msg_type,
              "session": session, "username": "", "version": "5.2"}
    return json.dumps({"buffers": [], "channel": "shell", "content": content, "metadata": {}, "parent_header": {},
                       "header": header})


class Session:
    """One student's page: its widgets' state (kept up to date from the server's messages) and its buttons."""

    def __init__(self, url: str, query: str = "set=network.n_users%3D2000"):
        self.url, self.query = url, query
        self.models: dict[str, dict] = {}
        self.painted = asyncio.Event()
        self.ready = asyncio.Event()
        self.wait_step: int | None = None
        self.errors = 0
        self.steps = 0  # updates of a canvas's step received: the steps this session was shown

    def find(self, cls: str):
        """The comm id and state of the first widget with the class ``cls`` (the app's button classes)."""
        for comm_id, state in self.models.items():
            if cls in (state.get("class_") or "").split():
                return comm_id, state
        return None, None

    async def send_comm(self, comm_id: str, data: dict) -> None:
        await self.ws.send(_message(self.session, "comm_msg", {"comm_id": comm_id, "data": data}))

    async def click(self, cls: str) -> None:
        comm_id, _ = self.find(cls)
        await self.send_comm(comm_id, {"method": "custom", "content": {"event": "click", "data": {}}})

    async def set_value(self, cls: str, value) -> None:
        comm_id, _ = self.find(cls)
        self.models[comm_id]["v_model"] = value
        await self.send_comm(comm_id, {"method": "update", "state": {"v_model": value}, "buffer_paths": []})

    def counter(self) -> str:
        _, state = self.find("step-counter")
        return (state.get("children") or [""])[0] if state else ""

    def painted_step(self) -> int | None:
        """The step the first network canvas was last told to draw."""
        for state in self.models.values():
            if "painted_step" in state and "xy" in state:
                return state["painted_step"]
        return None

    async def open(self) -> None:
        with urllib.request.urlopen(self.url + "?" + self.query, timeout=60) as response:
            cookie = response.headers.get("Set-Cookie").split(";")[0]  # solara-session-id
        self.session = str(uuid.uuid4())
        channels = f"jupyter/api/kernels/{uuid.uuid4()}/channels?session_id={self.session}"
        self.ws = await websockets.connect(self.url.replace("http", "ws", 1) + channels,
                                           additional_headers={"Cookie": cookie}, max_size=2**26)
        control = str(uuid.uuid4())
        run = {"method": "run", "args": {"path": "/?" + self.query, "dark": False, "themes": {}, "appName": None}}
        await self.ws.send(_message(self.session, "kernel_info_request", {}))
        await self.ws.send(_message(self.session, "comm_open",
                                    {"comm_id": control, "target_name": "solara.control", "data": {}}))
        await self.ws.send(_message(self.session, "comm_msg", {"comm_id": control, "data": run}))
        self.reader = asyncio.create_task(self.read())
        await asyncio.wait_for(self.ready.wait(), 120)

    async def read(self) -> None:
        async for frame in self.ws:
            msg = json.loads(frame) if isinstance(frame, str) else deserialize_binary_message(frame)
            kind, content = msg["header"]["msg_type"], msg["content"]
            if kind == "comm_open":
                self.models[content["comm_id"]] = dict(content["data"].get("state", {}))
            elif kind == "comm_msg" and content["data"].get("method") == "update":
                self.models.setdefault(content["comm_id"], {}).update(content["data"].get("state", {}))
                self.steps += "painted_step" in content["data"].get("state", {})
            elif kind == "comm_close":
                self.models.pop(content["comm_id"], None)
            elif kind == "error" or (kind == "stream" and content.get("name") == "stderr"):
                self.errors += 1
            if not self.ready.is_set() and self.painted_step() is not None and self.find("play")[0]:
                self.ready.set()
            if self.wait_step is not None and self.painted_step() == self.wait_step:
                self.painted.set()

    async def timed_step(self) -> float | None:
        """Step clicked to the canvas's new step received, in ms (the server and the wire; nothing is drawn)."""
        self.wait_step = (self.painted_step() or 0) + 1
        self.painted.clear()
        start = time.perf_counter()
        await self.click("step")
        try:
            await asyncio.wait_for(self.painted.wait(), 20)
        except TimeoutError:
            return None
        return (time.perf_counter() - start) * 1000

    async def keep_playing(self, speed: float = 1.0, after_s: float = 0.0) -> None:
        """Play at ``speed`` steps/s for ever: press Play whenever it can be pressed, Reset once the run settled.

        The session looks every 1.5 s, starting ``after_s`` from now: a class's students press at moments of
        their own, where sessions all started at once would press within the same few milliseconds.
        """
        await self.set_value("speed", speed)
        await asyncio.sleep(after_s)
        while True:
            if "settled" in self.counter():
                await self.click("reset")
            else:
                _, play = self.find("play")
                if play and not play.get("disabled"):
                    await self.click("play")
            await asyncio.sleep(1.5)

    async def close(self) -> None:
        self.reader.cancel()
        await self.ws.close()
