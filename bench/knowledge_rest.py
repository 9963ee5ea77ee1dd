"""Blind-set scores through Rasa's REST channel: the NLU's routing and the answer action together.

Usage: .venv/bin/python bench/knowledge_rest.py SET LABELS [--count 100] [--seed 3]

Starts the real stack (``tests/stack.py``: ticket service, action server, Rasa with the model in
``models/``), sends ``--count`` questions of the set (a fixed sample, every form in proportion)
each as the first message of a new conversation, and reads what the action sent back: an
answer carries the "Was this helpful?" buttons ``/knowledge_feedback{"kb_entry": <id>, …}``,
related and did-you-mean entries are ``/ask_question{"kb_entry": <id>}`` buttons. A reply with
neither (another intent's reply, "I don't know", "I cannot") counts as refused. Counted like
``bench/knowledge_blind.py``; aggregates only.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import uuid
from collections import Counter
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.knowledge_blind import load, report, tally  # noqa: E402
from tests.stack import Stack  # noqa: E402

_ENTRY = re.compile(r'^/(ask_question|knowledge_feedback)(\{.*\})$')


def sample(questions: list[dict], count: int, seed: int) -> list[dict]:
    """``count`` questions, each form in proportion to its share of the set, in a fixed order."""
    rng = random.Random(seed)
    by_form: dict[str, list[dict]] = {}
    for question in questions:
        by_form.setdefault(question["form"], []).append(question)
    chosen = []
    for _, group in sorted(by_form.items()):
        share = round(count * len(group) / len(questions))
        chosen += rng.sample(group, min(share, len(group)))
    return chosen[:count]


def read_reply(messages: list[dict]) -> tuple[str, str | None, set[str]]:
    """(kind, answered entry, entries shown) from the REST channel's messages."""
    answered, offered = None, []
    for message in messages:
        for button in message.get("buttons") or []:
            found = _ENTRY.match(button.get("payload") or "")
            if not found:
                continue
            entry = json.loads(found.group(2)).get("kb_entry")
            if found.group(1) == "knowledge_feedback":
                answered = entry
            else:
                offered.append(entry)
    if answered:
        return "answer", answered, {answered, *offered}
    if len(offered) >= 2:
        return "choose", None, set(offered)
    return "unknown", None, set()


def ask(stack: Stack, text: str) -> list[dict]:
    """``text`` as the first message of a new REST conversation; the bot's messages."""
    response = requests.post(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        json={"sender": f"rest:kb-bench-{uuid.uuid4().hex[:12]}", "message": text},
        timeout=120,
    )
    response.raise_for_status()
    return response.json()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("set", type=Path)
    parser.add_argument("labels", type=Path)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    questions = sample(load(args.set, args.labels), args.count, args.seed)
    counts: dict[str, Counter] = {}
    with tempfile.TemporaryDirectory(prefix="kb-rest-") as workdir:
        stack = Stack.configure(Path(workdir))
        try:
            stack.start_tickets()
            stack.start_actions()
            stack.start_rasa()
            for question in questions:
                kind, entry, shown = read_reply(ask(stack, question["text"]))
                tally(counts, question, kind, entry, shown)
        finally:
            stack.stop_all()
    print(f"REST channel, {len(questions)} questions of {args.set.name}")
    report(counts)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
