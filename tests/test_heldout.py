"""The held-out NLU set stays apart from the training data and covers every intent and form."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.settings import ROOT
from bot.textnorm import fold

HELDOUT = ROOT / "tests" / "nlu" / "heldout.yml"
_ANNOTATION = re.compile(r"\[([^\]]+)\]\{[^}]*\}|\[([^\]]+)\]\([^)]*\)")


def _training_examples() -> dict[str, set[str]]:
    examples: dict[str, set[str]] = {}
    for path in sorted(Path(ROOT / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            if "intent" not in block:
                continue
            lines = [line[2:] for line in block["examples"].splitlines() if line.startswith("- ")]
            plain = {fold(_ANNOTATION.sub(lambda m: m[1] or m[2], line)).strip() for line in lines}
            examples.setdefault(block["intent"], set()).update(plain)
    return examples


def test_every_training_intent_has_fifteen_held_out_examples_in_three_forms() -> None:
    heldout = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))
    assert set(heldout) == set(_training_examples())
    for intent, forms in heldout.items():
        assert set(forms) == {"vi", "plain", "en"}, intent
        assert all(len(examples) >= 5 for examples in forms.values()), intent


def test_no_held_out_example_is_a_training_example() -> None:
    heldout = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))
    training = set().union(*_training_examples().values())
    copied = [e for forms in heldout.values() for ex in forms.values() for e in ex
              if fold(str(e)).strip() in training]
    assert copied == []
