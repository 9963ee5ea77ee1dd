"""Command line of the assistant: train on change, start the Rasa and action servers.

    python -m bot.cli model-path   # the model file for the current data and config
    python -m bot.cli train        # train only if that file does not exist yet
    python -m bot.cli rasa         # start the Rasa server (REST, socketio, web chat, API)
    python -m bot.cli actions      # start the action server
    python -m bot.cli deliver      # deliver staff replies and status changes to the chats
    python -m bot.cli urls         # print where everything can be reached
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
from pathlib import Path

from bot.model import TRAINING_DATA, model_path, prune
from bot.settings import ROOT, Settings


def _rasa() -> str:
    return str(Path(sys.executable).with_name("rasa"))


def train() -> Path:
    """Train a model for the current inputs unless it already exists; return its path."""
    target = model_path()
    if target.exists():
        print(f"Model is up to date: {target.relative_to(ROOT)}")
        return target
    command = [
        _rasa(), "train",
        "--data", *TRAINING_DATA,
        "--config", "config.yml",
        "--domain", "domain.yml",
        "--out", str(target.parent),
        "--fixed-model-name", target.name.removesuffix(".tar.gz"),
    ]
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    for old in prune(target.parent):
        print(f"Removed an old model: {old.name}")
    return target


def _checked_settings() -> Settings:
    settings = Settings.from_env()
    problems = settings.problems()
    if problems:
        sys.exit("Refusing to start in production:\n  - " + "\n  - ".join(problems))
    os.environ.update(settings.export())
    return settings


def serve_rasa() -> None:
    """Replace this process with the Rasa server for the current model."""
    settings = _checked_settings()
    model = model_path()
    if not model.exists():
        sys.exit(f"No model for the current data ({model.name}). Run: make train")
    (ROOT / "var").mkdir(exist_ok=True)
    command = [
        _rasa(), "run",
        "--model", str(model),
        "--enable-api",
        "--auth-token", settings.rasa_token,
        "--interface", settings.rasa_host,
        "--port", str(settings.rasa_port),
        "--credentials", str(ROOT / "credentials.yml"),
        "--endpoints", str(ROOT / "endpoints.yml"),
    ]
    if settings.cors_origins:
        command += ["--cors", *settings.cors_origins.split()]
    os.chdir(ROOT)
    os.execv(command[0], command)


def serve_actions() -> None:
    """Replace this process with the action server on the configured host and port."""
    settings = _checked_settings()
    os.environ["SANIC_HOST"] = settings.actions_host
    port = str(settings.actions_port)
    command = [_rasa(), "run", "actions", "--actions", "actions", "--port", port]
    os.chdir(ROOT)
    os.execv(command[0], command)


def deliver() -> None:
    """Deliver the ticket service's outbox to the conversations until stopped."""
    from bot.delivery import run_forever

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    run_forever(Settings.from_env().outbox_interval)


def print_urls() -> None:
    """Print the addresses of the chat page, the APIs and the health checks."""
    settings = Settings.from_env()
    rasa = f"http://{settings.rasa_host}:{settings.rasa_port}"
    tickets = settings.tickets_url
    print(
        "\nVSS Citizen Assistant\n"
        f"  Chat page ........... {rasa}/webhooks/webchat/\n"
        f"  REST webhook ........ {rasa}/webhooks/rest/webhook\n"
        f"  Rasa HTTP API ....... {rasa}/  (token: RASA_TOKEN)\n"
        f"  Ticket API docs ..... {tickets}/docs\n"
        f"  Staff console ....... {tickets}/console\n"
        f"  Health .............. {rasa}/webhooks/health/  "
        f"http://{settings.actions_host}:{settings.actions_port}/health  {tickets}/health\n"
    )


def main(argv: list[str] | None = None) -> None:
    """Entry point of ``python -m bot.cli``."""
    parser = argparse.ArgumentParser(prog="python -m bot.cli", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = {
        "model-path": lambda: print(model_path()),
        "train": train,
        "rasa": serve_rasa,
        "actions": serve_actions,
        "deliver": deliver,
        "urls": print_urls,
    }
    parser.add_argument("command", choices=commands)
    commands[parser.parse_args(argv).command]()


if __name__ == "__main__":
    main()
