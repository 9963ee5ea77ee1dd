"""Where one chat turn's time goes (issue #18): our knowledge answer and greeting against a bare
``rasa init`` bot's greeting, side by side in one process, turn for turn.

Both models are loaded the way ``rasa run`` loads them (``load_agent`` with the endpoints of
``endpoints.yml``): ours with its tracker store, its lock store and a real action server
process (as ``make run``: SQLite, or PostgreSQL with ``--postgres``; locks in memory); the
bare bot (``var/bench/bare``, trained by bench/load.py) with Rasa's in-memory stores. Each turn
goes through ``Agent.handle_message`` (what the REST channel calls) with Rasa's own methods
timed around it: NLU parse (what ``/model/parse`` runs), policy prediction, tracker retrieve
and save, tracker copies, action-server round trips and in-process actions. Then the parts on
their own: tracker store retrieve/save of one conversation on SQLite and PostgreSQL, masked
against Rasa's plain ``SQLTrackerStore``; the lock store in memory and on Redis; the action server's
``action_answer_question`` over HTTP against its smallest action and against the knowledge
search run in-process; Rasa's check of an action server answer against the validator built
once (bot/rasa_plugins/action_validation.py, installed for the turns as the server installs it).
Every figure is also given as a ratio to the bare greeting's turn.

    .venv/bin/python bench/turn_profile.py                       # ~3 min, prints JSON
    .venv/bin/python bench/turn_profile.py --turns 40 --out var/bench/turn_profile.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.common.settings import Settings  # noqa: E402
from bot.model import model_path  # noqa: E402
from tests.e2e.conftest import throwaway_postgres  # noqa: E402
from tests.stack import Stack, wait_until_healthy  # noqa: E402

BARE_MODELS = ROOT / "var" / "bench" / "bare" / "models"
QUESTIONS = [
    "tổng đài bảo hiểm xã hội là số mấy",
    "làm sao để rút bảo hiểm xã hội một lần",
    "how do I claim unemployment benefit",
    "bao nhieu tuoi thi duoc nghi huu",
]
REDIS = "redis://127.0.0.1:6379/3"  # this bench's own Redis database


class Timers:
    """Seconds spent in wrapped methods, accumulated per name until ``take``."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)
        self._undo: list[Callable[[], None]] = []

    def wrap(self, owner: Any, method: str, name: str) -> None:
        original = getattr(owner, method)
        spent = self.spent
        if asyncio.iscoroutinefunction(original):
            async def timed(*args: Any, **kwargs: Any) -> Any:
                started = time.perf_counter()
                try:
                    return await original(*args, **kwargs)
                finally:
                    spent[name] += time.perf_counter() - started
        else:
            def timed(*args: Any, **kwargs: Any) -> Any:  # type: ignore[misc]
                started = time.perf_counter()
                try:
                    return original(*args, **kwargs)
                finally:
                    spent[name] += time.perf_counter() - started
        setattr(owner, method, timed)
        self._undo.append(lambda: setattr(owner, method, original))

    def take(self) -> dict[str, float]:
        taken = dict(self.spent)
        self.spent.clear()
        return taken

    def undo(self) -> None:
        while self._undo:
            self._undo.pop()()


def instrument(timers: Timers) -> None:
    """Time Rasa's parts of a turn (class methods: both agents, every call)."""
    from rasa.core.actions import action
    from rasa.core.actions.action import RemoteAction
    from rasa.core.processor import MessageProcessor
    from rasa.shared.core.trackers import DialogueStateTracker

    timers.wrap(MessageProcessor, "parse_message", "nlu parse")
    timers.wrap(MessageProcessor, "_predict_next_with_tracker", "policy prediction")
    timers.wrap(MessageProcessor, "get_tracker", "tracker retrieve")
    timers.wrap(MessageProcessor, "save_tracker", "tracker save")
    timers.wrap(DialogueStateTracker, "copy", "tracker copies")
    timers.wrap(RemoteAction, "run", "action server")
    timers.wrap(action.ActionExtractSlots, "run", "action_extract_slots")
    timers.wrap(action.ActionBotResponse, "run", "responses")


def quantiles(values: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(values, n=100) if len(values) > 1 else values * 99
    return {"p50_ms": round(cuts[49] * 1000, 1), "p95_ms": round(cuts[94] * 1000, 1)}


def parts_report(parts: list[dict[str, float]], totals: list[float],
                 reference: float) -> dict[str, Any]:
    """Median ms of each part (and of the rest), and its ratio to the bare greeting's p50."""
    names = sorted({n for p in parts for n in p})
    median = {n: statistics.median(p.get(n, 0.0) for p in parts) for n in names}
    median["rest of the turn"] = statistics.median(
        t - sum(p.values()) for p, t in zip(parts, totals, strict=True))
    return {"turn": {**quantiles(totals),
                     "p50_vs_bare_greeting": round(statistics.median(totals) / reference, 2)},
            "parts_p50_ms": {n: round(v * 1000, 1) for n, v in median.items()},
            "parts_vs_bare_greeting": {n: round(v / reference, 2) for n, v in median.items()}}


async def turns(ours: Any, bare: Any, timers: Timers, count: int) -> dict[str, Any]:
    """Our knowledge answer, our greeting and the bare greeting, one after the other."""
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    runs: dict[str, tuple[list[dict[str, float]], list[float]]] = {
        k: ([], []) for k in ("bare greeting", "our greeting", "our knowledge answer")}
    sender = f"rest:profile-{uuid.uuid4().hex[:8]}"

    async def one(agent: Any, key: str, text: str, who: str) -> None:
        output = CollectingOutputChannel()
        timers.take()
        started = time.perf_counter()
        await agent.handle_message(UserMessage(text, output, who, input_channel="rest"))
        runs[key][1].append(time.perf_counter() - started)
        runs[key][0].append(timers.take())
        if not output.messages:
            raise RuntimeError(f"no answer to {text!r}")

    await one(ours, "our greeting", "xin chào", sender)  # the session start: not counted
    for key in runs:
        runs[key][0].clear(), runs[key][1].clear()
    for i in range(count):
        await one(bare, "bare greeting", "hello", "bare-profile")
        await one(ours, "our greeting", "xin chào", sender)
        await one(bare, "bare greeting", "hello", "bare-profile")
        await one(ours, "our knowledge answer", QUESTIONS[i % len(QUESTIONS)], sender)
    reference = statistics.median(runs["bare greeting"][1])
    return {key: parts_report(parts, totals, reference)
            for key, (parts, totals) in runs.items()}


async def parse_only(ours: Any, bare: Any, count: int) -> dict[str, Any]:
    """What ``/model/parse`` runs (``Agent.parse_message``), side by side."""
    spent: dict[str, list[float]] = defaultdict(list)
    cases = [("bare 'hello'", bare, "hello"), ("ours 'xin chào'", ours, "xin chào")] + [
        ("ours, a question", ours, q) for q in QUESTIONS]
    for _ in range(count):
        for key, agent, text in cases:
            started = time.perf_counter()
            await agent.parse_message(text)
            spent[key].append(time.perf_counter() - started)
    reference = statistics.median(spent["bare 'hello'"])
    return {k: {**quantiles(v), "p50_vs_bare": round(statistics.median(v) / reference, 2)}
            for k, v in spent.items()}


async def stores(tracker: Any, domain: Any, postgres: str, sqlite: str,
                 count: int) -> dict[str, Any]:
    """Retrieve and save of one conversation's tracker, each store side by side."""
    from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.rasa_plugins.tracker_store import MaskingTrackerStore

    found: dict[str, dict[str, list[float]]] = {}
    candidates = [("in memory (bare bot)", lambda: InMemoryTrackerStore(domain))]
    for db_name, url in (("SQLite", sqlite), ("PostgreSQL", postgres)):
        for cls in (SQLTrackerStore, MaskingTrackerStore):
            # As Rasa builds it from endpoints.yml: the URL as the host.
            candidates.append((f"{cls.__name__}, {db_name}",
                               lambda c=cls, u=url: c(domain=domain, host=u)))
    for name, make in candidates:
        store = make()
        times: dict[str, list[float]] = {"retrieve": [], "save": []}
        sender = f"profile-{uuid.uuid4().hex[:8]}"
        for _ in range(count):
            copy = DialogueStateTracker.from_events(sender, tracker.events, domain.slots)
            started = time.perf_counter()
            await store.save(copy)
            times["save"].append(time.perf_counter() - started)
            started = time.perf_counter()
            await store.retrieve(sender)
            times["retrieve"].append(time.perf_counter() - started)
            sender = f"profile-{uuid.uuid4().hex[:8]}"
        found[name] = times
    reference = statistics.median(found["in memory (bare bot)"]["retrieve"])
    return {"events": len(tracker.events), **{
        name: {part: {**quantiles(v), "p50_vs_in_memory_retrieve":
                      round(statistics.median(v) / reference, 1)} for part, v in t.items()}
        for name, t in found.items()}}


async def locks(count: int) -> dict[str, Any]:
    """Taking and releasing one conversation's lock, in memory and on Redis."""
    from bot.rasa_plugins.lock_store import lock_store

    found = {}
    for name, url in (("in memory", None), ("Redis", REDIS)):
        store = lock_store(url)
        times = []
        for _ in range(count):
            started = time.perf_counter()
            async with store.lock("profile-lock"):
                pass
            times.append(time.perf_counter() - started)
        found[name] = quantiles(times)
    return found


def action_server(actions_url: str, token: str, tracker: dict[str, Any],
                  count: int) -> dict[str, Any]:
    """``action_answer_question`` over HTTP against the server's smallest action
    (``action_session_start``) and the knowledge answer run in-process."""
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

    from actions.knowledge import ActionAnswerQuestion

    spent: dict[str, list[float]] = defaultdict(list)
    action = ActionAnswerQuestion()
    with requests.Session() as http:
        http.headers["Authorization"] = f"Bearer {token}"
        for i in range(count):
            body = {**tracker, "latest_message": {**tracker["latest_message"],
                                                  "text": QUESTIONS[i % len(QUESTIONS)]}}
            for name in ("action_session_start", "action_answer_question"):
                started = time.perf_counter()
                http.post(f"{actions_url}/webhook", timeout=60, json={
                    "next_action": name, "sender_id": body["sender_id"], "tracker": body,
                    "domain": {}, "version": "3.6.0"}).raise_for_status()
                spent[f"{name} over HTTP"].append(time.perf_counter() - started)
            started = time.perf_counter()
            action.run(CollectingDispatcher(), Tracker.from_dict(body), {})
            spent["knowledge answer in-process"].append(time.perf_counter() - started)
    return {k: quantiles(v) for k, v in spent.items()}


def answer_check(rasa_check: Callable[..., bool], count: int) -> dict[str, Any]:
    """Rasa's own check of an action server answer against
    bot/rasa_plugins/action_validation.py's."""
    from rasa.core.actions.action import RemoteAction

    answer = {"events": [{"event": "slot", "name": "kb_entry", "value": "x", "timestamp": None}],
              "responses": [{"text": "Trả lời. " * 40, "buttons": [
                  {"title": "Có", "payload": "/knowledge_feedback"}] * 2}]}
    action = RemoteAction("action_answer_question", None)
    spent: dict[str, list[float]] = defaultdict(list)
    for _ in range(count):
        for name, check in (("Rasa's jsonschema.validate", rasa_check),
                            ("validator built once", RemoteAction._validate_action_result)):
            started = time.perf_counter()
            check(action, answer)
            spent[name].append(time.perf_counter() - started)
    return {k: quantiles(v) for k, v in spent.items()}


async def profile(args: argparse.Namespace, stack: Stack, postgres: str) -> dict[str, Any]:
    from rasa.core.actions.action import RemoteAction
    from rasa.core.agent import load_agent
    from rasa.core.utils import AvailableEndpoints
    from rasa.shared.core.trackers import EventVerbosity

    from bot.rasa_plugins import action_validation

    if args.postgres:
        stack.env["TRACKER_DB_URL"] = postgres
    os.environ.update({**stack.env, **Settings.from_env(stack.env).export()})
    os.chdir(ROOT)
    endpoints = AvailableEndpoints.read_endpoints(str(ROOT / "endpoints.yml"))
    bare_model = max(BARE_MODELS.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    ours = await load_agent(model_path=str(model_path()), endpoints=endpoints)
    bare = await load_agent(model_path=str(bare_model))
    rasa_check = RemoteAction._validate_action_result
    action_validation.install()  # as bot.cli's serve_rasa does
    timers = Timers()
    instrument(timers)
    report: dict[str, Any] = {"turns": await turns(ours, bare, timers, args.turns)}
    timers.undo()
    report["nlu parse"] = await parse_only(ours, bare, args.turns)
    sender = f"rest:profile-store-{uuid.uuid4().hex[:8]}"
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    for text in ["xin chào", *QUESTIONS, "cảm ơn"]:
        await ours.handle_message(UserMessage(text, CollectingOutputChannel(), sender,
                                              input_channel="rest"))
    tracker = await ours.tracker_store.retrieve(sender)
    report["tracker store"] = await stores(tracker, ours.domain, postgres,
                                           f"sqlite:///{stack.workdir / 'profile.db'}",
                                           args.turns)
    report["lock store"] = await locks(args.turns * 4)
    report["action answer check"] = answer_check(rasa_check, args.turns)
    report["action server"] = action_server(
        stack.actions_url, stack.env["ACTIONS_TOKEN"],
        tracker.current_state(EventVerbosity.ALL), args.turns)  # what Rasa sends
    return report


@contextmanager
def running_actions() -> Iterator[tuple[Stack, str]]:
    with ExitStack() as cleanup:
        postgres = cleanup.enter_context(throwaway_postgres())
        stack = Stack.configure(Path(tempfile.mkdtemp(prefix="vss-profile-")))
        cleanup.callback(stack.stop_all)
        stack.env["ACTIONS_URL"] = f"{stack.actions_url}/webhook"
        stack.env.setdefault("ACTIONS_TOKEN", "profile-" + uuid.uuid4().hex)
        process = stack.spawn("actions", [str(ROOT / ".venv/bin/python"), "-m", "bot.cli",
                                          "actions"])
        wait_until_healthy(f"{stack.actions_url}/health", process, 180)
        yield stack, postgres


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=30)
    parser.add_argument("--postgres", action="store_true",
                        help="our turns with the tracker in PostgreSQL (default: SQLite)")
    parser.add_argument("--out", type=Path, help="also write the report here (JSON)")
    args = parser.parse_args()
    if not list(BARE_MODELS.glob("*.tar.gz")):
        sys.exit("no bare model in var/bench/bare: run bench/load.py once (it trains it)")
    with running_actions() as (stack, postgres):
        report = asyncio.run(profile(args, stack, postgres))
    text = json.dumps(report, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
