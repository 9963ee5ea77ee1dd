"""Load benchmark of the cluster (issue #18): 100 concurrent conversations against 1 and 2 Rasa
replicas, with a bare ``rasa init`` bot measured side by side in the same run as the reference.

Starts the production topology on loopback (tests/cluster.py: ticket service and trackers in
PostgreSQL, locks and socket.io rooms in Redis, 2 action servers, 2 Rasa replicas behind
haproxy) and three bare ``rasa init`` bots (their model trained once into ``var/bench/bare``,
in-memory stores, no action server): one alone, two behind a haproxy of their own hashing on
the sender like ours. Then, all measured phases bounded to 3 minutes:

1. sequential: one citizen alone asks knowledge questions one after the other while one bare
   user greets, turn for turn (the p95 of our knowledge answer against the bare greeting's);
2. load on one bare bot, on one of our replicas (its own port), on the two bare bots and on our
   two replicas (through haproxy), in that order: on the bare bots 100 conversations of the
   moodbot's own dialogue; on ours 100 conversations, each
   looping over a script until the phase's time is up and then finishing it: 3 in 5 ask two
   knowledge questions between a greeting and thanks, 1 in 5 tells a complaint and files it
   through the intake form (answering what the tracker's ``requested_slot`` asks), 1 in 5
   checks a ticket's status (code, then the phone's last digits).

Throughput counts the chat turns answered inside the phase's time; p95 is over every turn. Our
throughput is compared with the same number of bare bots on the same cores (and, for two
replicas, also with one bare bot times two).
Errors are HTTP errors, timeouts and refused connections. Tickets are read back from
PostgreSQL: each filing must leave exactly one ticket with its marker, and no ticket may exist
that its citizen was not told about. Prints one JSON report.

    .venv/bin/python bench/load.py                 # ~4 min to start, ~3 min measured
    .venv/bin/python bench/load.py --seconds 25 --users 100
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import psycopg2
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.common import clock  # noqa: E402
from tests.cluster import start_cluster  # noqa: E402
from tests.e2e.conftest import throwaway_postgres  # noqa: E402
from tests.instants import WORKING_MORNING  # noqa: E402
from tests.stack import BOT_PY, RASA_TOKEN, TICKETS_TOKEN, Stack, free_port  # noqa: E402

MAX_MEASURED_SECONDS = 180
BARE = ROOT / "var" / "bench" / "bare"
QUESTIONS = [
    "tổng đài bảo hiểm xã hội là số mấy",
    "làm sao để rút bảo hiểm xã hội một lần",
    "mức đóng bảo hiểm y tế hộ gia đình là bao nhiêu",
    "how do I claim unemployment benefit",
    "bao nhieu tuoi thi duoc nghi huu",
    "đăng ký tài khoản VssID như thế nào",
    "what documents do I need for maternity benefit",
    "tro cap om dau duoc bao nhieu ngay",
]
STORY = ("[{marker}] Tôi nộp hồ sơ hưởng trợ cấp thất nghiệp tại BHXH Hà Nội từ tháng 9/2026 "
         "mà đến nay vẫn chưa được giải quyết, cán bộ hẹn mãi. Tôi muốn khiếu nại việc này.")
ANSWERS = {
    "ticket_kind": "khiếu nại", "topic": "khác", "office_level": "BHXH tỉnh",
    "province": "Hà Nội", "commune": "bỏ qua", "full_name": "Nguyễn Văn Tải",
    "phone": "0912345678", "id_number": "001090012345", "consent": "dạ đồng ý",
    "confirmed": "dạ đúng rồi",
}
BARE_DIALOGUES = [["hello", "I am sad", "yes", "bye"], ["hi", "great", "goodbye"],
                  ["hey", "very bad", "no", "bye"]]
STATUS_TICKETS = 20
MARKER = re.compile(r"\[(load-[0-9a-f]{8})\]")


@dataclass
class Phase:
    """What one phase measured."""

    name: str
    seconds: float
    latencies: list[float] = field(default_factory=list)
    inside: int = 0  # turns answered before the phase's time was up
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    filed: dict[str, str] = field(default_factory=dict)  # marker -> ticket code told
    forms_lost: int = 0
    status_checks: int = 0
    status_wrong: int = 0

    def report(self) -> dict[str, Any]:
        def pct(q: int) -> float:
            if len(self.latencies) < 2:
                return self.latencies[0] if self.latencies else 0.0
            return statistics.quantiles(self.latencies, n=100)[q - 1]

        return {"turns": len(self.latencies), "turns_per_s": round(self.inside / self.seconds, 2),
                "p50_ms": round(pct(50) * 1000), "p95_ms": round(pct(95) * 1000),
                "errors": self.errors, "error_kinds": self.error_kinds,
                "filings": len(self.filed), "forms_lost": self.forms_lost,
                "status_checks": self.status_checks, "status_wrong": self.status_wrong}


class User:
    """One conversation of a phase."""

    def __init__(self, session: aiohttp.ClientSession, url: str, phase: Phase,
                 deadline: float, prefix: str) -> None:
        self.session, self.url, self.phase, self.deadline = session, url, phase, deadline
        self.sender = f"rest:{prefix}-{uuid.uuid4().hex[:12]}"

    async def say(self, text: str) -> list[dict[str, Any]] | None:
        started = time.monotonic()
        try:
            async with self.session.post(f"{self.url}/webhooks/rest/webhook",
                                         json={"sender": self.sender, "message": text}) as answer:
                body = await answer.json(content_type=None) if answer.status == 200 else None
                kind = None if answer.status == 200 else f"HTTP {answer.status}"
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            body, kind = None, type(exc).__name__
        ended = time.monotonic()
        if kind:
            self.error(kind)
            return None
        self.phase.latencies.append(ended - started)
        self.phase.inside += ended <= self.deadline
        return body

    def error(self, kind: str) -> None:
        self.phase.errors += 1
        self.phase.error_kinds[kind] = self.phase.error_kinds.get(kind, 0) + 1

    async def slots(self) -> dict[str, Any] | None:
        """The tracker's slots and active loop (None, counted as an error, when Rasa's API
        did not answer with it)."""
        try:
            async with self.session.get(f"{self.url}/conversations/{self.sender}/tracker",
                                        params={"token": RASA_TOKEN}) as answer:
                tracker = await answer.json(content_type=None) if answer.status == 200 else None
                kind = f"tracker HTTP {answer.status}"
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            tracker, kind = None, f"tracker {type(exc).__name__}"
        if not isinstance(tracker, dict):
            self.error(kind)
            return None
        loop = (tracker.get("active_loop") or {}).get("name")
        return {**tracker["slots"], "_loop": loop}

    def new_conversation(self) -> None:
        self.sender = f"{self.sender.rsplit('-', 1)[0]}-{uuid.uuid4().hex[:12]}"


async def ask(user: User, turn: int) -> None:
    for text in ("xin chào", QUESTIONS[turn % len(QUESTIONS)],
                 QUESTIONS[(turn + 3) % len(QUESTIONS)], "cảm ơn"):
        await user.say(text)


async def file(user: User, turn: int) -> None:
    marker = f"load-{uuid.uuid4().hex[:8]}"
    replies = await user.say(STORY.format(marker=marker))
    buttons = [b.get("payload") for m in replies or [] for b in m.get("buttons", [])]
    slots = await user.slots()
    if slots is None:
        return
    if slots["_loop"] != "intake_form":
        await user.say("/file_complaint" if "/file_complaint" in buttons
                       else "Tôi muốn gửi khiếu nại")
    for _ in range(20):
        slots = await user.slots()
        if slots is None:  # an error, counted: the filing is not followed further
            return
        if slots.get("ticket_code"):
            user.phase.filed[marker] = slots["ticket_code"]
            return
        asked = slots.get("requested_slot")
        if slots["_loop"] != "intake_form" or asked is None:
            break
        await user.say(STORY.format(marker=marker) if asked == "description"
                       else ANSWERS.get(asked, "bỏ qua"))
    user.phase.forms_lost += 1


def status_check(codes: list[str]) -> Callable[[User, int], Awaitable[None]]:
    async def check(user: User, turn: int) -> None:
        code = codes[turn % len(codes)]
        await user.say(f"tình trạng hồ sơ {code}")
        replies = await user.say("5678")
        user.phase.status_checks += 1
        user.phase.status_wrong += not any(code in m.get("text", "") for m in replies or [])
    return check


async def bare_dialogue(user: User, turn: int) -> None:
    for text in BARE_DIALOGUES[turn % len(BARE_DIALOGUES)]:
        await user.say(text)


Script = Callable[[User, int], Awaitable[None]]


async def run_phase(url: str, name: str, seconds: float, users: int,
                    scripts: list[Script]) -> Phase:
    """``users`` conversations, each looping over its script until ``seconds`` are up."""
    phase = Phase(name, seconds)
    deadline = time.monotonic() + seconds
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(timeout=timeout,
                                     connector=aiohttp.TCPConnector(limit=0)) as session:
        async def one(i: int) -> None:
            user, turn = User(session, url, phase, deadline, f"load{i}"), 0
            script = scripts[i % len(scripts)]
            while time.monotonic() < deadline:
                await script(user, turn)
                user.new_conversation()
                turn += 1

        await asyncio.gather(*(one(i) for i in range(users)))
    return phase


def sequential(ours: str, bare: str, turns: int) -> dict[str, Any]:
    """One citizen's knowledge answers against a bare bot's greetings, turn for turn."""
    with requests.Session() as session:
        def timed(url: str, sender: str, text: str) -> float:
            started = time.monotonic()
            session.post(f"{url}/webhooks/rest/webhook", timeout=120,
                         json={"sender": sender, "message": text}).raise_for_status()
            return time.monotonic() - started

        ours_s, bare_s = [], []
        for i in range(turns):
            ours_s.append(timed(ours, "rest:load-seq", QUESTIONS[i % len(QUESTIONS)]))
            bare_s.append(timed(bare, "load-seq", "hello"))

    def q(values: list[float], n: int) -> float:
        return statistics.quantiles(values, n=100)[n - 1]

    return {"turns": turns, "knowledge_p50_ms": round(q(ours_s, 50) * 1000),
            "knowledge_p95_ms": round(q(ours_s, 95) * 1000),
            "bare_greeting_p50_ms": round(q(bare_s, 50) * 1000),
            "bare_greeting_p95_ms": round(q(bare_s, 95) * 1000),
            "p50_ratio": round(q(ours_s, 50) / q(bare_s, 50), 2),
            "p95_ratio": round(q(ours_s, 95) / q(bare_s, 95), 2)}


def start_bare(stack: Stack, name: str) -> str:
    """One bare ``rasa init`` bot (trained once into var/bench/bare) named ``name``; its URL."""
    rasa = str(BOT_PY.parent / "rasa")
    if not list((BARE / "models").glob("*.tar.gz")):
        shutil.rmtree(BARE, ignore_errors=True)
        BARE.mkdir(parents=True)
        subprocess.run(["flock", "/tmp/rasa-train.lock", rasa, "init", "--no-prompt",
                        "--init-dir", str(BARE)], check=True, capture_output=True)  # trains
    port = free_port()
    process = stack.spawn(name, [rasa, "run", "--port", str(port), "--model", "models"], BARE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return url
        except requests.RequestException:
            pass
        time.sleep(1)
    raise RuntimeError("the bare rasa init bot did not start")


def bare_pair(stack: Stack) -> str:
    """Two bare bots behind haproxy, hashed by sender as our replicas are; the front's URL
    (the reference for two replicas on the same cores)."""
    servers = [start_bare(stack, f"bare-{i}").removeprefix("http://") for i in (1, 2)]
    port = free_port()
    config = stack.workdir / "bare-haproxy.cfg"
    config.write_text("\n".join([
        "defaults", "  mode http", "  timeout connect 2s", "  timeout client 120s",
        "  timeout server 120s", "frontend bare", f"  bind 127.0.0.1:{port}",
        "  option http-buffer-request", "  default_backend bare", "backend bare",
        "  balance hash req.body,json_query('$.sender')", "  hash-type consistent",
        *(f"  server bare{i} {address} id {i}" for i, address in enumerate(servers, 1)),
    ]) + "\n")
    stack.spawn("bare-haproxy", ["haproxy", "-db", "-f", str(config)])
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=2)
            return url
        except requests.RequestException:
            time.sleep(0.5)
    raise RuntimeError("the bare bots' haproxy did not start")


def status_tickets(stack: Stack) -> list[str]:
    """Tickets for the status checkers, filed through the service's API."""
    codes = []
    for i in range(STATUS_TICKETS):
        body = {"kind": "enquiry", "topic": "pension", "channel": "rest", "language": "vi",
                "conversation_id": f"rest:load-status-{i}", "province": "Hà Nội",
                "commune": None, "consent": True, "description": "Hỏi về lương hưu.",
                "citizen": {"name": "Trần Thị Bé", "phone": "0912345678", "cccd": None,
                            "bhxh_code": None}}
        answer = requests.post(f"{stack.tickets_url}/api/v1/tickets", json=body, timeout=30,
                               headers={"Authorization": f"Bearer {TICKETS_TOKEN}",
                                        "Idempotency-Key": uuid.uuid4().hex})
        answer.raise_for_status()
        codes.append(answer.json()["code"])
    return codes


def ticket_check(tickets_db: str, phases: list[Phase]) -> dict[str, int]:
    """Each filing told its citizen one code, and PostgreSQL holds exactly that ticket once."""
    with psycopg2.connect(tickets_db) as db, db.cursor() as cur:
        cur.execute("SELECT code, description FROM tickets WHERE description LIKE '[load-%'")
        rows = cur.fetchall()
    stored: dict[str, list[str]] = {}
    for code, description in rows:
        match = MARKER.match(description)
        if match:
            stored.setdefault(match.group(1), []).append(code)
    told = {marker: code for phase in phases for marker, code in phase.filed.items()}
    return {
        "tickets_told": len(told), "tickets_stored": len(rows),
        "lost": sum(stored.get(m) != [c] for m, c in told.items()),
        "duplicated": sum(len(codes) > 1 for codes in stored.values()),
        "untold": sum(m not in told for m in stored),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=25, help="each load phase")
    parser.add_argument("--turns", type=int, default=20, help="sequential turns of each bot")
    parser.add_argument("--out", type=Path, help="also write the report here (JSON)")
    args = parser.parse_args()
    seconds = min(args.seconds, (MAX_MEASURED_SECONDS - 30) / 4 - 12)  # + each phase's drain

    with ExitStack() as cleanup:
        tracker_db = cleanup.enter_context(throwaway_postgres())
        tickets_db = cleanup.enter_context(throwaway_postgres())
        stack = Stack.configure(Path(tempfile.mkdtemp(prefix="vss-load-")))
        cleanup.callback(stack.stop_all)
        topology = start_cluster(stack, tracker_db, tickets_db)
        bare = start_bare(stack, "bare")
        bare_both = bare_pair(stack)
        stack.set_clock(WORKING_MORNING)
        one, both = f"http://{topology.rasa[0]}", f"http://{topology.front}"
        codes = status_tickets(stack)
        sequential(one, bare, 3)  # warm-up
        started = time.monotonic()
        report: dict[str, Any] = {"date": clock.now().isoformat(timespec="seconds"),
                                  "users": args.users, "phase_seconds": seconds,
                                  "sequential": sequential(one, bare, args.turns)}
        ours = [ask, ask, ask, file, status_check(codes)]
        phases = [
            asyncio.run(run_phase(bare, "bare rasa init", seconds, args.users, [bare_dialogue])),
            asyncio.run(run_phase(one, "ours, 1 replica", seconds, args.users, ours)),
            asyncio.run(run_phase(bare_both, "bare rasa init, 2 replicas", seconds, args.users,
                                  [bare_dialogue])),
            asyncio.run(run_phase(both, "ours, 2 replicas", seconds, args.users, ours)),
        ]
        report["measured_seconds"] = round(time.monotonic() - started)
        report["phases"] = {p.name: p.report() for p in phases}
        rate = [p.inside / p.seconds for p in phases]
        report["throughput_vs_bare"] = {  # per replica: the same number of bare bots
            "1 replica": round(rate[1] / rate[0], 2), "2 replicas": round(rate[3] / rate[2], 2),
            "2 replicas, per replica vs one bare bot": round(rate[3] / 2 / rate[0], 2)}
        report["tickets"] = ticket_check(tickets_db, [phases[1], phases[3]])
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
