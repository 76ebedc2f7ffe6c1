"""Class mode under load: one room, a projector and N students (40 by default), on this machine.

The students are light websocket clients (``bench/solara_client.py`` speaks Solara's protocol and
draws nothing, so no browser's cost needs subtracting: the clients' own CPU is measured and
reported). The teacher's projector is one more light client. Each student answers its card after
a short, seeded random pause (like 40%, scroll past 30%, share 20%, take action with the pledge
10%); the room steps as soon as every open card is answered.

Measured:

* step to card: the server stamps each card with the wall-clock time it was dealt (right after the
  step that reached the student); the client takes the time the card's message arrived;
* tap to projector: from a student's choice leaving the client to the projector's tally (every answer
  the class has given) counting it;
* bytes received per student per step (websocket frames, the card and everything else);
* errors: kernel errors in any session, server tracebacks;
* server memory (RSS) before the room opened, with the room running, and after the room closed and
  its sessions were culled (the app culls a closed session after 60 s);
* with ``--absent N`` (5 by default), N phones are closed mid-lesson (after the second step): the room
  must stop waiting for each of them once it has let two cards in a row time out (``viz/roster.py``).
  Read from the room's journal on disk (``viz/journal.py``): how long each later card of theirs held
  the room, against the time-out;
* every student has a card within 3 steps: the share over 20 default rooms, in-process
  (``bench/class_rooms.py``).

    python bench/class_bench.py [--students 40] [--absent 5] [--docs .]   (make bench runs it)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from class_rooms import first_card_share, wilson  # noqa: E402
from solara_client import Session, _message  # noqa: E402

from tests.conftest import wait_until_serving  # noqa: E402

CHOICES = [("LIKE", 0.4), ("NONE", 0.3), ("SHARE", 0.2), ("ACT", 0.1)]


class Page(Session):
    """A class-mode page (/class or /join) over the websocket, counting the bytes it receives."""

    def __init__(self, url: str, path: str):
        super().__init__(url, query="")
        self.path = path
        self.bytes = 0

    async def open(self) -> None:
        import json
        import uuid

        import websockets

        with urllib.request.urlopen(self.url + self.path.lstrip("/"), timeout=60) as response:
            cookie = response.headers.get("Set-Cookie").split(";")[0]
        self.session = str(uuid.uuid4())
        channels = f"jupyter/api/kernels/{uuid.uuid4()}/channels?session_id={self.session}"
        self.ws = await websockets.connect(self.url.replace("http", "ws", 1) + channels,
                                           additional_headers={"Cookie": cookie}, max_size=2**26)
        control = str(uuid.uuid4())
        run = {"method": "run", "args": {"path": self.path, "dark": False, "themes": {}, "appName": None}}
        await self.ws.send(_message(self.session, "kernel_info_request", {}))
        await self.ws.send(_message(self.session, "comm_open",
                                    {"comm_id": control, "target_name": "solara.control", "data": {}}))
        await self.ws.send(_message(self.session, "comm_msg", {"comm_id": control, "data": run}))
        self.reader = asyncio.create_task(self.read())
        self._json = json
        await self.until(lambda: self.find("join-button")[0] or self.find("class-open")[0], 120)

    async def read(self) -> None:
        from solara.server.kernel import deserialize_binary_message

        async for frame in self.ws:
            self.bytes += len(frame)
            msg = self._json.loads(frame) if isinstance(frame, str) else deserialize_binary_message(frame)
            kind, content = msg["header"]["msg_type"], msg["content"]
            if kind == "comm_open":
                self.models[content["comm_id"]] = dict(content["data"].get("state", {}))
                self.changed(content["comm_id"])
            elif kind == "comm_msg" and content["data"].get("method") == "update":
                self.models.setdefault(content["comm_id"], {}).update(content["data"].get("state", {}))
                self.changed(content["comm_id"])
            elif kind == "comm_close":
                self.models.pop(content["comm_id"], None)
            elif kind == "error" or (kind == "stream" and content.get("name") == "stderr"):
                self.errors += 1

    def changed(self, comm_id: str) -> None:
        """Called on each widget update (students and the projector override it)."""

    async def until(self, condition, timeout: float):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = condition()
            if value:
                return value
            await asyncio.sleep(0.05)
        raise TimeoutError(f"{self.path}: timed out")

    def text(self, cls: str) -> str:
        _, state = self.find(cls)
        return (state.get("children") or [""])[0] if state else ""


class Projector(Page):
    """The teacher: opens the room, starts it, and notes when its tally counts each answer."""

    def __init__(self, url):
        super().__init__(url, "/class")
        self.tally_seen: list[tuple[float, int]] = []

    def changed(self, comm_id):
        state = self.models[comm_id]
        if "class-tally" in (state.get("attributes") or {}).get("class", ""):
            attrs = state["attributes"]
            total = sum(int(attrs.get(f"data-{k}", 0)) for k in ("like", "share", "act", "none"))
            if not self.tally_seen or total > self.tally_seen[-1][1]:
                self.tally_seen.append((time.time(), total))


class Student(Page):
    """A phone: joins, answers each card after a seeded pause, and times the cards and its taps."""

    def __init__(self, url, k: int, rng: random.Random, leaves_after: int | None = None):
        super().__init__(url, "/join")
        self.k, self.rng = k, rng
        self.leaves_after = leaves_after  # the phone is closed once a card of a later step arrives
        self.card_delays: list[float] = []
        self.taps: list[float] = []
        self.last_step = None
        self.pending: asyncio.Queue = asyncio.Queue()

    def changed(self, comm_id):
        state = self.models[comm_id]
        card = state.get("card")
        if "node" in state and card and card.get("step") and card["step"] != self.last_step:
            self.last_step = card["step"]
            self.card_delays.append(time.time() - card["dealt"])
            self.pending.put_nowait((comm_id, state["node"], card["step"]))

    async def join(self, code: str) -> None:
        await self.set_value("join-code", code)
        await self.set_value("join-nickname", f"Student {self.k}")
        await asyncio.sleep(0.2)
        await self.click("join-button")
        await self.until(lambda: self.text("you-are"), 60)

    async def answer(self) -> None:
        while True:
            comm_id, node, step = await self.pending.get()
            if self.leaves_after is not None and step > self.leaves_after:
                await self.close()  # the phone is closed mid-lesson: its seat stays, unanswered
                self.left = True
                return
            await asyncio.sleep(self.rng.uniform(0.5, 3.0))
            choice = self.rng.choices([c for c, _ in CHOICES], [w for _, w in CHOICES])[0]
            data = {"node": node, "step": step, "choice": choice, "pledge": "I will take part"}
            self.taps.append(time.time())
            await self.send_comm(comm_id, {"method": "custom", "content": {"event": "choose", "data": data}})


def server_process(pid: int) -> int:
    """The Solara server's process: `slacktivism app` runs it as its child."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return int(children[0]) if children else pid


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def p95(values):
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else (values[0] if values else float("nan"))


async def run(url: str, pid: int, n: int, seconds: float, seed: int, cull_wait: float, absent: int = 0) -> dict:
    """A small room through its whole life first (what the first room loads once, such as compiled kernels and
    the network layout, then counts in the start figure), its sessions culled; then the measured room."""
    await room_cycle(url, pid, 3, 15, seed + 1)
    await asyncio.sleep(cull_wait)
    memory_start = rss_mb(pid)
    result = await room_cycle(url, pid, n, seconds, seed, absent)
    await asyncio.sleep(cull_wait)  # the app culls a closed session 60 s after its websocket goes
    return {**result, "memory_start_mb": memory_start, "memory_after_mb": rss_mb(pid)}


async def room_cycle(url: str, pid: int, n: int, seconds: float, seed: int, absent: int = 0) -> dict:
    """Open a room, seat ``n`` students, run the campaign (at most ``seconds``), end and close it; the figures."""
    rng = random.Random(seed)
    projector = Projector(url)
    await projector.open()
    await projector.click("class-open")
    code = await projector.until(lambda: projector.text("class-code"), 60)
    leaving = set(rng.sample(range(n), absent))  # phones closed after the second step
    students = [Student(url, k, random.Random(rng.random()), 2 if k in leaving else None) for k in range(n)]
    for s in students:  # one by one, as a class joins
        await s.open()
        await s.join(code)
    await projector.until(lambda: str(n) in projector.text("class-joined"), 60)
    bytes_before = {id(s): s.bytes for s in students}
    cpu_before, wall_before = cpu_seconds(pid), time.monotonic()
    await projector.click("class-start")
    answering = [asyncio.create_task(s.answer()) for s in students]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not projector.text("class-phase").startswith("Ended"):
        await asyncio.sleep(0.5)
    phase = projector.text("class-phase")
    steps = int(phase.rsplit(" ", 1)[-1]) if phase else 0
    memory_running = rss_mb(pid)
    cpu = (cpu_seconds(pid) - cpu_before) / (time.monotonic() - wall_before)
    for task in answering:
        task.cancel()
    if not phase.startswith("Ended"):
        await projector.click("class-end")
        await asyncio.sleep(1.0)
    await projector.click("class-close")
    await asyncio.sleep(1.0)
    taps = sorted(t for s in students for t in s.taps)
    tap_delays = []
    for k, tapped in enumerate(taps, start=1):
        seen = next((when for when, total in projector.tally_seen if total >= k), None)
        if seen is not None:
            tap_delays.append(max(0.0, seen - tapped))
    card_delays = [d for s in students for d in s.card_delays]
    per_step = [(s.bytes - bytes_before[id(s)]) / max(steps, 1) for s in students]
    errors = projector.errors + sum(s.errors for s in students)
    for page in [*students, projector]:
        if not getattr(page, "left", False):
            await page.close()
    return {
        "students": n, "absent": absent, "code": code, "steps": steps, "phase": phase,
        "absent_pseudonyms": sorted(f"S{k + 1:02d}" for k in leaving),  # students join in order: S01 first
        "cards": len(card_delays), "card_p95_ms": 1000 * p95(card_delays),
        "card_median_ms": 1000 * statistics.median(card_delays) if card_delays else float("nan"),
        "taps": len(taps), "taps_seen": len(tap_delays), "tap_p95_ms": 1000 * p95(tap_delays),
        "tap_median_ms": 1000 * statistics.median(tap_delays) if tap_delays else float("nan"),
        "bytes_per_student_step_median": statistics.median(per_step), "bytes_per_student_step_max": max(per_step),
        "errors": errors, "server_cores": cpu, "memory_running_mb": memory_running,
    }


def absentee_waits(journal_dir: Path, code: str, students: int, absent: set[str]) -> dict:
    """From the room's journal: how long the absent seats' cards held the room, before and after two misses.

    ``absent``: the absent seats' pseudonyms. A card an absent seat let time out while it had missed fewer
    than two in a row held the room for the whole time-out; every later one (the seat skipped) should have
    held it only as long as the others took to answer.
    """
    path = next(p for p in sorted(journal_dir.glob(f"*-{code}.jsonl")))
    waited, skipped, missed = [], [], dict.fromkeys(absent, 0)
    for e in (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()):
        if e["kind"] != "choice" or e["pseudonym"] not in absent:
            continue
        if e["how"] != "timeout":
            missed[e["pseudonym"]] = 0
            continue
        (skipped if missed[e["pseudonym"]] >= 2 else waited).append(e["seconds"])
        missed[e["pseudonym"]] += 1
    return {"absent_cards_waited": len(waited), "absent_waited_median_s": statistics.median(waited) if waited
            else float("nan"), "absent_cards_skipped": len(skipped),
            "absent_skipped_max_s": max(skipped) if skipped else float("nan"),
            "absent_skipped_median_s": statistics.median(skipped) if skipped else float("nan")}


def serve(port: int, journal_dir: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_PROXY": "127.0.0.1,localhost",
           "SLACKTIVISM_ROOMS_DIR": str(journal_dir)}
    return subprocess.Popen([str(Path(sys.executable).parent / "slacktivism"), "app", "--port", str(port)], cwd=ROOT,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
                            text=True)


def table(r: dict) -> str:
    """The class-mode table's rows (docs/class-mode.md)."""
    def ms(key):
        return f"{r[key]:.0f} ms"

    grew = 100 * (r["memory_after_mb"] / r["memory_start_mb"] - 1)
    return "\n".join([
        "| measurement | measured | target |",
        "|---|---|---|",
        f"| students (light websocket clients) / steps the campaign ran / cards dealt / answers | {r['students']} / "
        f"{r['steps']} / {r['cards']} / {r['taps']} | 40 students |",
        f"| step to the card's message at the phone, p95 (median) | {ms('card_p95_ms')} ({ms('card_median_ms')}) "
        f"| p95 <= 1 s |",
        f"| tap to the projector's tally counting it, p95 (median) | {ms('tap_p95_ms')} ({ms('tap_median_ms')}) "
        f"| p95 <= 1 s |",
        f"| bytes received per student per step, median (max) | {r['bytes_per_student_step_median'] / 1000:.1f} KB "
        f"({r['bytes_per_student_step_max'] / 1000:.1f} KB) | <= 5 KB |",
        f"| errors in the sessions; server tracebacks | {r['errors']}; {r['server_tracebacks']} | 0 |",
        f"| server cores busy while the room ran; the 41 clients' own CPU in all | {r['server_cores']:.2f} of 2; "
        f"{r['client_cpu_s']:.1f} s | |",
        f"| server memory before the room / running / after it closed and its sessions were culled "
        f"| {r['memory_start_mb']:.0f} / {r['memory_running_mb']:.0f} / {r['memory_after_mb']:.0f} MB "
        f"({grew:+.0f}%) | within 15% |",
        f"| {r['absent']} phones closed after step 2: their cards that timed out before two misses, median wait; "
        f"their later cards (not waited for), longest and median wait | {r.get('absent_cards_waited', 0)} cards, "
        f"{r.get('absent_waited_median_s', float('nan')):.1f} s; {r.get('absent_cards_skipped', 0)} cards, "
        f"{r.get('absent_skipped_max_s', float('nan')):.1f} s and {r.get('absent_skipped_median_s', float('nan')):.1f}"
        f" s | no time-out ({r['timeout']:.0f} s) after the second miss |",
        f"| students with a card within 3 steps, 20 default rooms of 30 (in-process) | {r['first_k']}/{r['first_n']} "
        f"= {100 * r['first_k'] / r['first_n']:.1f}% (95% interval {100 * r['first_low']:.1f}% to "
        f"{100 * r['first_high']:.1f}%); seated 'spread': {100 * r['spread_k'] / r['first_n']:.1f}% | every student |",
    ])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--absent", type=int, default=5, help="phones closed after the second step")
    parser.add_argument("--seconds", type=float, default=120, help="longest the campaign may run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument("--cull-wait", type=float, default=75, help="seconds to wait after closing, for the cull")
    parser.add_argument("--docs", "--readme", dest="readme", type=Path, metavar="DIR",
                        help="the repository folder (a block goes to the page holding its markers) or one file")
    args = parser.parse_args(argv)
    url = f"http://127.0.0.1:{args.port}/"
    journal_dir = Path(tempfile.mkdtemp(prefix="class-bench-rooms-"))
    server = serve(args.port, journal_dir)
    try:
        wait_until_serving(url, server)
        # Warm the server (numba's compiled kernels, the first page) before measuring its memory.
        urllib.request.urlopen(url + "class", timeout=60).read()
        client_cpu = time.process_time()
        pid = server_process(server.pid)
        result = asyncio.run(run(url, pid, args.students, args.seconds, args.seed, args.cull_wait, args.absent))
        result["client_cpu_s"] = time.process_time() - client_cpu
        result.update(absentee_waits(journal_dir, result["code"], args.students, set(result["absent_pseudonyms"])))
    finally:
        os.killpg(server.pid, 15)
        _, stderr = server.communicate(timeout=30)
    result["server_tracebacks"] = stderr.count("Traceback")
    result["timeout"] = 30.0  # the room's default (viz.rooms.RoomSettings)
    k, n = first_card_share(rooms=20, students=30)
    result["first_k"], result["first_n"] = k, n
    result["first_low"], result["first_high"] = wilson(k, n)
    result["spread_k"], _ = first_card_share(rooms=20, students=30, placement="spread")
    for key, value in result.items():
        print(f"{key}: {value:.1f}" if isinstance(value, float) else f"{key}: {value}")
    text = table(result)
    print(text)
    if args.readme:
        from slacktivism.readme import replace_block

        replace_block(args.readme, "class-bench", text)
    return 0 if result["errors"] == 0 and result["server_tracebacks"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
