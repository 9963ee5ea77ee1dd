"""Intent F1 of the NLU: a trained model on an evaluation set, or 5-fold cross-validation.

Usage:
  .venv/bin/python bench/nlu_eval.py [--set PATH] [--model PATH] [--unseen] [--misses]
  flock /tmp/rasa-train.lock nice -n 10 .venv/bin/python bench/nlu_eval.py --cv [--folds 5]

A set is either the blind format (``texts: [{id, intent, form, text}]``, e.g.
``bench/sets/nlu_blind.yml``) or the held-out format (``intent: {vi, plain, en: [texts]}``,
``tests/nlu/heldout.yml``). Printed: macro-F1 per form and overall, then F1 per intent
(overall and per form). "final" is the intent the dialogue sees (a low-confidence guess
becomes nlu_fallback and counts as wrong); "top" is the classifier's best intent before the
fallback threshold. ``--unseen`` leaves out the texts that equal a training example once
folded (short replies such as "ok" are in both). ``--misses`` lists every wrong
prediction: use it only on development sets, never on a final blind set. ``--cv`` runs
Rasa's cross-validation over ``data/nlu`` with ``config.yml`` (or ``--config``) and
prints its macro-F1 and per-intent F1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml
from sklearn.metrics import f1_score

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.model import model_path  # noqa: E402
from bot.rasa_plugins.nlu.training_data import plain, training_examples  # noqa: E402

DEFAULT_SET = REPO / "bench" / "sets" / "nlu_blind.yml"
FALLBACK = "nlu_fallback"
FORMS = ("vi", "vi_nodiac", "en")
# The held-out file calls Vietnamese without diacritics "plain", the blind sets "vi_nodiac".
_FORM_NAMES = {"plain": "vi_nodiac"}


@dataclass(frozen=True)
class Example:
    """One text to classify, with its expected intent and its form (vi, vi_nodiac, en)."""

    id: str
    form: str
    intent: str
    text: str


def load_examples(path: Path) -> list[Example]:
    """The examples of a set in either format."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if isinstance(raw, dict) and isinstance(raw.get("texts"), list):
        return [Example(str(t["id"]), str(t["form"]), str(t["intent"]), str(t["text"]))
                for t in raw["texts"]]
    return [Example(f"{intent}-{form}-{i}", _FORM_NAMES.get(form, form), intent, str(text))
            for intent, forms in raw.items() for form, texts in forms.items()
            for i, text in enumerate(texts, 1)]


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


def intent_f1(expected: list[str], predicted: list[str], intent: str) -> float:
    """F1 of one intent (precision over every prediction of it in the slice)."""
    return float(f1_score(expected, predicted, labels=[intent], average="macro",
                          zero_division=0))


def score(args: argparse.Namespace) -> None:
    """Print per-form and per-intent F1 of the trained model on a set."""
    examples = load_examples(args.set)
    if args.unseen:
        training = set().union(*training_examples(REPO / "data" / "nlu").values())
        seen = [e for e in examples if plain(e.text) in training]
        examples = [e for e in examples if plain(e.text) not in training]
        print(f"left out {len(seen)} texts that are also training examples (--unseen)")
    predictions = predict(args.model, [e.text for e in examples])
    forms = sorted({e.form for e in examples},
                   key=lambda f: (FORMS.index(f) if f in FORMS else len(FORMS), f))
    print(f"model: {args.model.name}; set: {args.set.name}; examples: {len(examples)}")
    print(f"{'form':<10} {'n':>5} {'final F1':>9} {'top F1':>7} {'accuracy':>9} {'fallbacks':>9}")
    for form in [*forms, "all"]:
        rows = [(e, p) for e, p in zip(examples, predictions, strict=True)
                if form in ("all", e.form)]
        expected = [e.intent for e, _ in rows]
        final = [p[0] for _, p in rows]
        accuracy = sum(x == y for x, y in zip(expected, final, strict=True)) / len(rows)
        print(f"{form:<10} {len(rows):>5} {macro_f1(expected, final):>9.3f} "
              f"{macro_f1(expected, [p[1] for _, p in rows]):>7.3f} {accuracy:>9.3f} "
              f"{sum(p == FALLBACK for p in final):>9}")
    print(f"\n{'intent (final F1)':<20} {'all':>6} " + " ".join(f"{f:>9}" for f in forms))
    for intent in sorted({e.intent for e in examples}):
        cells = []
        for form in ["all", *forms]:
            rows = [(e.intent, p[0]) for e, p in zip(examples, predictions, strict=True)
                    if form in ("all", e.form)]
            cells.append(intent_f1([x for x, _ in rows], [y for _, y in rows], intent))
        print(f"{intent:<20} {cells[0]:>6.3f} " + " ".join(f"{c:>9.3f}" for c in cells[1:]))
    if args.misses:
        print()
        for e, (final, top) in zip(examples, predictions, strict=True):
            if final != e.intent:
                print(f"[{e.form}] {e.id} {e.text!r}: expected {e.intent}, got {final} (top {top})")


def cross_validate(args: argparse.Namespace) -> None:
    """Run Rasa's k-fold cross-validation and print its macro-F1 and per-intent F1."""
    out = REPO / "var" / "nlu-cv"
    subprocess.run(
        [str(REPO / ".venv" / "bin" / "rasa"), "test", "nlu", "--nlu", str(REPO / "data" / "nlu"),
         "--config", str(args.config), "--cross-validation", "--folds", str(args.folds),
         "--out", str(out), "--no-plot"],
        check=True, cwd=REPO, stdout=subprocess.DEVNULL,
    )
    report = json.loads((out / "intent_report.json").read_text(encoding="utf-8"))
    print(f"{args.folds}-fold cross-validation over data/nlu with {args.config.name} (test folds)")
    print(f"macro-F1 {report['macro avg']['f1-score']:.3f}; "
          f"weighted F1 {report['weighted avg']['f1-score']:.3f}; "
          f"accuracy {report['accuracy']:.3f}")
    for intent, row in sorted(report.items()):
        if isinstance(row, dict) and "support" in row and not intent.endswith("avg"):
            print(f"  {intent:<20} F1 {row['f1-score']:.3f}  n {row['support']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=model_path())
    parser.add_argument("--set", type=Path, default=DEFAULT_SET)
    parser.add_argument("--misses", action="store_true", help="list every wrong prediction")
    parser.add_argument("--unseen", action="store_true",
                        help="leave out the set's texts that are also training examples")
    parser.add_argument("--cv", action="store_true", help="cross-validate data/nlu instead")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--config", type=Path, default=REPO / "config.yml", help="for --cv")
    args = parser.parse_args()
    if args.cv:
        cross_validate(args)
    else:
        score(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
