"""Answer-selection latency with a synthetic 5,000-entry knowledge base, through the real action.

Builds a temporary knowledge directory (the shipped entries plus synthetic ones made from their
vocabulary), then times ``ActionAnswerQuestion.run`` with a rasa-sdk Tracker and
CollectingDispatcher for the evaluation questions and random synthetic questions.

Usage: .venv/bin/python bench/knowledge_scale.py [--entries 5000] [--queries 400]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from actions.knowledge import ActionAnswerQuestion  # noqa: E402
from bench.knowledge_eval import DEFAULT_QUESTIONS, load_questions  # noqa: E402
from bot.knowledge.store import DEFAULT_DIR, KnowledgeBase  # noqa: E402

PER_FILE = 250


def _words(directory: Path) -> dict[str, list[str]]:
    """Vocabulary per language from the shipped questions and answers."""
    vocab: dict[str, set[str]] = {"vi": set(), "en": set()}
    for path in directory.glob("*.yml"):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8"))["entries"]:
            for lang in vocab:
                text = " ".join(entry["questions"][lang]) + " " + entry["answer"][lang]["short"]
                vocab[lang].update(word.strip("?,.():;'\"") for word in text.split())
    return {lang: sorted(words - {""}) for lang, words in vocab.items()}


def _synthetic(number: int, vocab: dict[str, list[str]], rng: random.Random) -> dict:
    def sentence(lang: str, low: int, high: int) -> str:
        return " ".join(rng.choices(vocab[lang], k=rng.randint(low, high)))

    return {
        "id": f"synthetic_{number}",
        "questions": {lang: [sentence(lang, 5, 12) for _ in range(3)] for lang in vocab},
        "answer": {
            lang: {"short": sentence(lang, 12, 25), "details": sentence(lang, 30, 60)}
            for lang in vocab
        },
        "legal_basis": [{"document": "Luật Bảo hiểm xã hội số 41/2024/QH15"}],
        "source": ["synthetic"],
        "valid_from": "2025-07-01",
        "valid_to": None,
        "last_reviewed": "2026-11-01",
    }


def build(directory: Path, total: int, seed: int = 7) -> None:
    """Copy the shipped files into ``directory`` and add synthetic entries up to ``total``."""
    shipped = 0
    for path in DEFAULT_DIR.glob("*.yml"):
        (directory / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
        shipped += len(yaml.safe_load(path.read_text(encoding="utf-8"))["entries"])
    rng = random.Random(seed)
    vocab = _words(DEFAULT_DIR)
    entries = [_synthetic(n, vocab, rng) for n in range(max(0, total - shipped))]
    for start in range(0, len(entries), PER_FILE):
        chunk = {
            "topic": f"synthetic_{start // PER_FILE}",
            "entries": entries[start : start + PER_FILE],
        }
        (directory / f"synthetic_{start // PER_FILE}.yml").write_text(
            yaml.safe_dump(chunk, allow_unicode=True), encoding="utf-8"
        )


def tracker(text: str) -> Tracker:
    """A tracker whose latest user message is ``text`` on the web channel."""
    latest = {"text": text, "intent": {"name": "ask_question"}, "entities": []}
    event = {"event": "user", "text": text, "input_channel": "socketio", "parse_data": latest}
    return Tracker("bench", {"language": None}, latest, [event], False, None, {}, None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=400)
    args = parser.parse_args()
    rng = random.Random(11)
    questions = [question for _, question, _ in load_questions(DEFAULT_QUESTIONS)]
    vocab = _words(DEFAULT_DIR)
    while len(questions) < args.queries:
        lang = rng.choice(("vi", "en"))
        questions.append(" ".join(rng.choices(vocab[lang], k=rng.randint(4, 10))))
    questions = questions[: args.queries]
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        build(directory, args.entries)
        kb = KnowledgeBase(directory)
        started = time.perf_counter()
        entries = len(kb.snapshot().entries)
        load_seconds = time.perf_counter() - started
        action = ActionAnswerQuestion(kb)
        timings = []
        for question in questions:
            dispatcher = CollectingDispatcher()
            started = time.perf_counter()
            action.run(dispatcher, tracker(question), {})
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[int(0.95 * (len(timings) - 1))]
    print(f"entries: {entries}  load+index: {load_seconds:.1f} s  queries: {len(timings)}")
    print(
        f"action run (ms): p50 {statistics.median(timings):.1f}  p95 {p95:.1f}  "
        f"max {timings[-1]:.1f}  (target p95 <= 100 ms)"
    )
    return 0 if p95 <= 100 else 1


if __name__ == "__main__":
    raise SystemExit(main())
