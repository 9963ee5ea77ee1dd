"""The offline dependency report (issue #16, item 10): pip-audit cannot reach a vulnerability
database from here, so ``scripts/dependency-report`` lists every locked version of both lock
files, and writes one pip-audit requirements file per environment, to audit elsewhere."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from bot.common.settings import ROOT
from tests.stack import BOT_PY, TICKETS_PY

SCRIPT = ROOT / "scripts" / "dependency-report"
REGISTRY = 'registry = "https://pypi.org/simple"'


def lock(*packages: tuple[str, str, str]) -> str:
    """A uv lock file with ``packages`` (name, version, source)."""
    return "version = 1\n" + "".join(
        f'\n[[package]]\nname = "{name}"\nversion = "{version}"\nsource = {{ {source} }}\n'
        for name, version, source in packages)


LOCK = lock(("vss-assistant", "0.1.0", 'editable = "."'), ("numpy", "1.23.5", REGISTRY),
            ("numpy", "1.26.4", REGISTRY), ("aiohttp", "3.14.5", REGISTRY),
            ("from-git", "0.3.0", 'git = "https://example.org/from-git?rev=abc#abc"'))
BACKEND_LOCK = lock(("vss-tickets", "0.1.0", 'editable = "."'), ("fastapi", "0.200.0", REGISTRY))


def run(python: Path, *args: str) -> str:
    done = subprocess.run([str(python), str(SCRIPT), *args], capture_output=True, text=True,
                          timeout=60, check=True)
    return done.stdout


@pytest.mark.parametrize("python", [BOT_PY, TICKETS_PY], ids=["python3.10", "python3.11"])
def test_every_locked_version_is_listed(python: Path, tmp_path: Path) -> None:
    (tmp_path / "backend").mkdir()
    (tmp_path / "uv.lock").write_text(LOCK)
    (tmp_path / "backend" / "uv.lock").write_text(BACKEND_LOCK)
    out = run(python, "--root", str(tmp_path), "--requirements", str(tmp_path / "audit"))
    assert out.splitlines() == [
        "# assistant: Rasa, the actions and channels (Python 3.10), uv.lock, 4 locked packages",
        "# local project (not audited): vss-assistant 0.1.0",
        "aiohttp==3.14.5", "from-git==0.3.0", "numpy==1.23.5", "numpy==1.26.4",
        "# ticket-service: the ticket service (Python 3.11+), backend/uv.lock, 1 locked packages",
        "# local project (not audited): vss-tickets 0.1.0",
        "fastapi==0.200.0",
    ]
    audit = (tmp_path / "audit" / "ticket-service.txt").read_text().splitlines()
    assert audit[0] == "# pip-audit --no-deps --disable-pip -r ticket-service.txt"
    assert audit[-1] == "fastapi==0.200.0"


def test_the_project_lock_files_give_pinned_requirements(tmp_path: Path) -> None:
    out = run(BOT_PY, "--requirements", str(tmp_path))
    for environment, lock, known in (("assistant", ROOT / "uv.lock", "rasa==3.6.21"),
                                     ("ticket-service", ROOT / "backend" / "uv.lock", "fastapi==")):
        lines = [line for line in (tmp_path / f"{environment}.txt").read_text().splitlines()
                 if not line.startswith("#")]
        requirements = [Requirement(line) for line in lines]  # what pip and pip-audit parse
        assert all(len(r.specifier) == 1 and next(iter(r.specifier)).operator == "=="
                   for r in requirements)
        packages = lock.read_text().count("[[package]]\n")
        assert len(lines) == packages - 1  # all but the local project
        assert any(line.startswith(known) for line in lines)
        assert set(lines) <= set(out.splitlines())
