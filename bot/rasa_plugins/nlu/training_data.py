"""The NLU training examples as plain folded texts, to keep evaluation sets apart from them."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.common.textnorm import fold

_ANNOTATION = re.compile(r"\[([^\]]+)\]\{[^}]*\}|\[([^\]]+)\]\([^)]*\)")
_PUNCTUATION = re.compile(r"[^\w\s]")


def plain(text: str) -> str:
    """The text without annotations, punctuation, case, diacritics: "Chào bạn!" -> "chao ban"."""
    text = _ANNOTATION.sub(lambda m: m[1] or m[2], text)
    return " ".join(_PUNCTUATION.sub(" ", fold(text)).split())


def file_examples(path: Path) -> dict[str, set[str]]:
    """Intent -> the plain texts of its training examples in one Rasa NLU file."""
    examples: dict[str, set[str]] = {}
    for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
        if "intent" not in block:
            continue
        lines = [line[2:] for line in block["examples"].splitlines() if line.startswith("- ")]
        examples.setdefault(block["intent"], set()).update(plain(line) for line in lines)
    return examples


def training_examples(nlu_dir: Path) -> dict[str, set[str]]:
    """Intent -> the plain texts of its training examples in every ``*.yml`` of ``nlu_dir``."""
    examples: dict[str, set[str]] = {}
    for path in sorted(nlu_dir.glob("*.yml")):
        for intent, texts in file_examples(path).items():
            examples.setdefault(intent, set()).update(texts)
    return examples
