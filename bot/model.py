"""Name trained models after their inputs so that training runs only on a change."""

from __future__ import annotations

import hashlib
from pathlib import Path

from bot.common.settings import ROOT

TRAINING_DATA = ("data/nlu", "data/dialogue")
# Files whose change changes what a trained model does: data, config, the code of the custom
# NLU components (with the text normalisation they use), and the locked library versions
# (TensorFlow, scikit-learn ... train it and must load it).
_INPUT_GLOBS = (
    "uv.lock",
    "config.yml",
    "domain.yml",
    "data/nlu/**/*.yml",
    "data/dialogue/**/*.yml",
    "bot/rasa_plugins/nlu/*.py",
    "bot/common/textnorm.py",
    "bot/rasa_plugins/nlu/language.py",
)


def training_inputs(root: Path = ROOT) -> list[Path]:
    """Every file a model is trained from, in a stable order."""
    return sorted({p for pattern in _INPUT_GLOBS for p in root.glob(pattern) if p.is_file()})


def fingerprint(root: Path = ROOT) -> str:
    """A short hash of the training inputs' paths and contents."""
    digest = hashlib.sha256()
    for path in training_inputs(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def model_path(root: Path = ROOT) -> Path:
    """Where the model for the current inputs is (or will be) stored."""
    return root / "models" / f"vss-{fingerprint(root)}.tar.gz"


def prune(models_dir: Path, keep: int = 3) -> list[Path]:
    """Delete all but the ``keep`` newest ``vss-*.tar.gz`` models; return what was deleted."""
    models = sorted(models_dir.glob("vss-*.tar.gz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in models[keep:]:
        old.unlink()
    return models[keep:]
