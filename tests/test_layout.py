"""``bot/`` is grouped by the process that runs it: each process's package imports only itself
and ``bot/common``, and ``bot/common`` imports nothing else of ``bot`` (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.common.settings import ROOT

PACKAGES = ("common", "rasa_plugins", "action_lib", "deliver")


def _imported(path: Path) -> set[str]:
    """The first package under ``bot`` of every ``bot.`` module ``path`` imports."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                 else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
        found |= {name.split(".")[1] for name in names if name.startswith("bot.")}
    return found


@pytest.mark.parametrize("package", PACKAGES)
def test_a_process_package_imports_only_itself_and_common(package: str) -> None:
    allowed = {package, "common"}
    wrong = {f"{path.relative_to(ROOT)}: bot.{name}"
             for path in (ROOT / "bot" / package).rglob("*.py")
             for name in _imported(path) - allowed}
    assert not wrong


def test_only_the_commands_stay_at_the_top_of_bot() -> None:
    top = {path.name for path in (ROOT / "bot").glob("*.py")}
    assert top == {"__init__.py", "cli.py", "cluster.py", "model.py"}
