"""Intent macro-F1 of the trained model on the held-out NLU set, per form (vi, plain, en).

Usage: .venv/bin/python bench/nlu_eval.py [--misses] [--model PATH] [--heldout PATH]

"final" is the intent the dialogue sees (a low-confidence guess becomes nlu_fallback and
counts as wrong); "top" is the classifier's best intent before the fallback threshold.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

import yaml
from sklearn.metrics import f1_score

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.model import model_path  # noqa: E402

DEFAULT_HELDOUT = REPO / "tests" / "nlu" / "heldout.yml"
FORMS = ("vi", "plain", "en")
FALLBACK = "nlu_fallback"


def load_examples(path: Path) -> list[tuple[str, str, str]]:
    """(form, text, expected intent) triples from the held-out file."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [(form, str(text), intent) for intent, forms in raw.items() for form in FORMS
            for text in forms[form]]


def predict(model: Path, texts: list[str]) -> list[tuple[str, str]]:
    """(final intent, top non-fallback intent) for each text."""
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    agent = Agent.load(str(model))

    async def parse_all() -> list[dict]:
        return [await agent.parse_message(text) for text in texts]

    results = []
    for parsed in asyncio.run(parse_all()):
        ranking = [r["name"] for r in parsed.get("intent_ranking", []) if r["name"] != FALLBACK]
        results.append((parsed["intent"]["name"], ranking[0] if ranking else FALLBACK))
    return results


def macro_f1(expected: list[str], predicted: list[str]) -> float:
    """Macro-F1 over the intents expected in this slice."""
    return float(f1_score(expected, predicted, labels=sorted(set(expected)), average="macro",
                          zero_division=0))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=model_path())
    parser.add_argument("--heldout", type=Path, default=DEFAULT_HELDOUT)
    parser.add_argument("--misses", action="store_true", help="list every wrong prediction")
    args = parser.parse_args()
    examples = load_examples(args.heldout)
    predictions = predict(args.model, [text for _, text, _ in examples])
    print(f"model: {args.model.name}; held-out examples: {len(examples)}")
    print(f"{'form':<6} {'n':>4} {'final F1':>9} {'top F1':>7} {'fallbacks':>9}")
    for form in FORMS:
        rows = [(e, p) for (f, _, e), p in zip(examples, predictions, strict=True) if f == form]
        expected = [e for e, _ in rows]
        final = macro_f1(expected, [p[0] for _, p in rows])
        top = macro_f1(expected, [p[1] for _, p in rows])
        fallbacks = sum(p[0] == FALLBACK for _, p in rows)
        print(f"{form:<6} {len(rows):>4} {final:>9.3f} {top:>7.3f} {fallbacks:>9}")
    if args.misses:
        for (form, text, expected), (final, top) in zip(examples, predictions, strict=True):
            if final != expected:
                print(f"[{form}] {text!r}: expected {expected}, got {final} (top {top})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
