"""Command line of the assistant: train on change, start the Rasa and action servers.

    python -m bot.cli model-path   # the model file for the current data and config
    python -m bot.cli train        # train only if that file does not exist yet
    python -m bot.cli rasa         # start the Rasa server (REST, socketio, web chat, API)
    python -m bot.cli actions      # start the action server (answers only Rasa's token)
    python -m bot.cli deliver      # deliver staff replies and status changes to the chats
    python -m bot.cli purge-conversations [--older-than-days N]
                                   # delete stored conversations past their retention
    python -m bot.cli urls         # print where everything can be reached

The servers, ``deliver`` and the purge refuse to start on a production configuration that fails
the production check (bot/common/settings.py ``problems()``: development or weak secrets, SQLite,
the test clock); the files they create are their user's alone (umask 077), and the SQLite files of
the assistant are made so (0600) at start.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
from pathlib import Path

import pluggy

from bot.common import logs
from bot.common.settings import ROOT, Settings
from bot.model import TRAINING_DATA, model_path, prune


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
    logs.configure(settings.log_format)  # before the servers' imports warn
    os.environ.update(settings.export())
    _keep_state_private(settings)
    return settings


def sqlite_files(settings: Settings) -> list[Path]:
    """The SQLite files of the assistant: conversations (when on SQLite), channel state,
    answer feedback."""
    from sqlalchemy.engine import make_url

    from bot.action_lib.knowledge.feedback import db_path as feedback_db

    files = [settings.channels_state_db, feedback_db()]
    url = make_url(settings.tracker_db_url)
    if url.get_backend_name() == "sqlite" and url.database:
        files.append(Path(url.database))
    return files


def _keep_state_private(settings: Settings) -> None:
    """What this process creates from now on is its user's alone (files 0600, directories
    0700); the SQLite files made before (and their journals) are made so too."""
    os.umask(0o077)
    for database in sqlite_files(settings):
        for path in (database, *(database.with_name(database.name + end)
                                 for end in ("-wal", "-shm", "-journal"))):
            if path.exists():
                path.chmod(0o600)


def serve_rasa() -> None:
    """Run the Rasa server for the current model in this process.

    Rasa reads its API token only from its command line; it is given to Rasa's own entry
    point here rather than to a new process, so that ``ps`` shows ``python -m bot.cli rasa``
    and never the token (the token comes from the environment, RASA_TOKEN).
    """
    settings = _checked_settings()
    model = model_path()
    if not model.exists():
        sys.exit(f"No model for the current data ({model.name}). Run: make train")
    (ROOT / "var").mkdir(exist_ok=True)
    arguments = [
        "rasa", "run",
        "--model", str(model),
        "--enable-api",
        "--auth-token", settings.rasa_token,
        "--interface", settings.rasa_host,
        "--port", str(settings.rasa_port),
        "--credentials", str(ROOT / "credentials.yml"),
        "--endpoints", str(ROOT / "endpoints.yml"),
    ]
    if settings.cors_origins:
        arguments += ["--cors", *settings.cors_origins.split()]
    os.chdir(ROOT)
    if settings.log_format == "json":  # TensorFlow's own C++ log lines are not JSON: errors only
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from rasa.__main__ import main as rasa_main
    from rasa.plugin import plugin_manager

    from bot.rasa_plugins import action_validation

    plugin_manager().register(RasaLogging(settings.log_format))
    action_validation.install()

    sys.argv = arguments
    rasa_main()


class RasaLogging:
    """Rasa plugin: JSON logs (``LOG_FORMAT=json``) once Rasa has set up its own logging."""

    def __init__(self, log_format: str) -> None:
        self.log_format = log_format

    @pluggy.HookimplMarker("rasa")
    def configure_commandline(self, cmdline_arguments: argparse.Namespace) -> None:
        logs.configure(self.log_format)


def serve_actions() -> None:
    """Run the action server on the configured host and port (bot/action_lib/server.py)."""
    settings = _checked_settings()
    os.environ["SANIC_HOST"] = settings.actions_host
    os.chdir(ROOT)
    from bot.action_lib.server import run

    run(settings)


def deliver() -> None:
    """Deliver the ticket service's outbox to the conversations until stopped."""
    from bot.deliver.delivery import run_forever
    from bot.deliver.health import serve_health

    settings = _checked_settings()
    # Text lines unless LOG_FORMAT=json configured the root logger already.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    if settings.deliver_metrics_port:
        serve_health(settings)
    run_forever(settings.outbox_interval)


def purge_conversations(older_than_days: float | None) -> None:
    """Delete the stored conversations past their retention (bot/rasa_plugins/tracker_store.py)."""
    from rasa.shared.core.domain import Domain

    from bot.rasa_plugins.tracker_store import MaskingTrackerStore

    settings = _checked_settings()
    days = settings.retention_days if older_than_days is None else older_than_days
    if days < 1:
        sys.exit(f"Refusing to purge conversations younger than one day ({days:g} days asked)")
    store = MaskingTrackerStore(domain=Domain.load(ROOT / "domain.yml"),
                                host=settings.tracker_db_url)
    purged = store.purge(days)
    print(f"Older than {days:g} days: {purged.conversations} conversations and "
          f"{purged.events} events deleted; {purged.clear_values} personal values of expired "
          "sessions forgotten")


def print_urls() -> None:
    """Print the addresses of the chat page, the APIs, the health checks and the metrics."""
    settings = Settings.from_env()
    rasa = f"http://{settings.rasa_host}:{settings.rasa_port}"
    actions = f"http://{settings.actions_host}:{settings.actions_port}"
    tickets = settings.tickets_url
    deliver = (f"http://{settings.deliver_metrics_host}:{settings.deliver_metrics_port}"
               if settings.deliver_metrics_port else None)
    token = " (token: METRICS_TOKEN)" if settings.metrics_token else ""
    print(
        "\nVSS Citizen Assistant\n"
        f"  Chat page ........... {rasa}/webhooks/webchat/\n"
        f"  REST webhook ........ {rasa}/webhooks/rest/webhook\n"
        f"  Rasa HTTP API ....... {rasa}/  (token: RASA_TOKEN)\n"
        f"  Ticket API docs ..... {tickets}/docs\n"
        f"  Staff console ....... {tickets}/console\n"
        f"  Liveness ............ {rasa}/webhooks/health/live  {actions}/health  "
        f"{tickets}/health/live" + (f"  {deliver}/health/live" if deliver else "") + "\n"
        f"  Readiness ........... {rasa}/webhooks/health/ready  {actions}/health/ready  "
        f"{tickets}/health/ready" + (f"  {deliver}/health/ready" if deliver else "") + "\n"
        f"  Metrics ............. {rasa}/webhooks/metrics/  {actions}/metrics  {tickets}/metrics"
        + (f"  {deliver}/metrics" if deliver else "") + f"{token}\n"
    )


def main(argv: list[str] | None = None) -> None:
    """Entry point of ``python -m bot.cli``."""
    parser = argparse.ArgumentParser(prog="python -m bot.cli", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")
    for name, run in (("model-path", lambda _: print(model_path())), ("train", lambda _: train()),
                      ("rasa", lambda _: serve_rasa()), ("actions", lambda _: serve_actions()),
                      ("deliver", lambda _: deliver()), ("urls", lambda _: print_urls())):
        commands.add_parser(name).set_defaults(run=run)
    purge = commands.add_parser(
        "purge-conversations", help="delete conversations past their retention")
    purge.add_argument("--older-than-days", type=float, default=None, metavar="N",
                       help="retention in days (default: CONVERSATION_RETENTION_DAYS, 30)")
    purge.set_defaults(run=lambda args: purge_conversations(args.older_than_days))
    arguments = parser.parse_args(argv)
    arguments.run(arguments)


if __name__ == "__main__":
    main()
