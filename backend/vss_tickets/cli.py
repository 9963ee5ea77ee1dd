"""Command line of the ticket service: `python -m vss_tickets.cli COMMAND`."""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from vss_tickets.domain.errors import ApiError
from vss_tickets.domain.masking import configure_logging
from vss_tickets.infra.config import ConfigError, Settings

if TYPE_CHECKING:
    from vss_tickets.domain.passwords import NewPassword

log = logging.getLogger("vss_tickets.cli")
T = TypeVar("T")


def cmd_init_db(settings: Settings, _: argparse.Namespace) -> int:
    from vss_tickets.infra.migrate import init_db

    written, stale = init_db(settings.database_url, settings.ref_structure)
    print(f"database ready; {written} units loaded, {stale} deactivated")
    return 0


def cmd_serve(settings: Settings, _: argparse.Namespace) -> int:
    from vss_tickets.serve import serve

    return serve(settings)


def _new_password(username: str) -> NewPassword | None:
    """The new password of `username` (TICKETS_STAFF_PASSWORD, or typed at a terminal prompt),
    checked and hashed before any transaction; None when there is none to read."""
    from vss_tickets.domain.passwords import NewPassword

    password = os.environ.get("TICKETS_STAFF_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            print("set TICKETS_STAFF_PASSWORD or run in a terminal", file=sys.stderr)
            return None
        password = getpass.getpass("Mật khẩu / Password: ")
    return NewPassword.of(password, username)


def _actor() -> str:
    """Who ran the command, for the audit trail: `cli:<operating-system user>`."""
    try:
        return f"cli:{getpass.getuser()}"
    except OSError:  # no user name in this environment
        return "cli"


def _change_account(settings: Settings, change: Callable[..., T], *args: object) -> T:
    """Run one account change in a write transaction, at the clock's time, as `_actor()`."""
    from vss_tickets.infra.clock import Clock
    from vss_tickets.infra.db import Database

    db = Database(settings.database_url)
    try:
        with db.session(write=True) as session:
            return change(session, *args, actor=_actor(), now=Clock.from_env().now())
    finally:
        db.dispose()


def cmd_create_staff(settings: Settings, args: argparse.Namespace) -> int:
    from vss_tickets.domain.accounts import create_staff

    new = _new_password(args.username)
    if new is None:
        return 2
    name = args.name or args.username
    staff = _change_account(
        settings, create_staff, args.username, name, new, args.role, args.unit
    )
    print(f"created {staff.role} {staff.username} in unit {staff.unit_code}")
    return 0


def cmd_account(settings: Settings, args: argparse.Namespace) -> int:
    """deactivate-staff, reset-password, revoke-sessions: one audited change to an account,
    which ends its sessions."""
    from vss_tickets.domain import accounts

    new: list[NewPassword] = []
    if args.command == "reset-password":
        password = _new_password(args.username)
        if password is None:
            return 2
        new.append(password)
    change = {
        "deactivate-staff": accounts.deactivate_staff,
        "reset-password": accounts.reset_password,
        "revoke-sessions": accounts.revoke_sessions,
    }[args.command]
    ended = _change_account(settings, change, args.username, *new)
    print(f"{args.command} {args.username}: done; {ended} sessions revoked")
    return 0


def cmd_escalate(settings: Settings, _: argparse.Namespace) -> int:
    from vss_tickets.domain.escalation import run_escalation
    from vss_tickets.infra.clock import Clock
    from vss_tickets.infra.db import Database

    db = Database(settings.database_url)
    try:
        report = run_escalation(db, Clock.from_env())
    finally:
        db.dispose()
    if report.skipped:
        print("another host is running the escalation now: nothing done")
        return 0
    for code, unit in report.tickets:
        print(f"escalated {code} to {unit}")
    print(
        f"{len(report.tickets)} tickets escalated, "
        f"{len(report.consultations)} overdue consultations reported"
    )
    return 0


def cmd_purge_staged_files(settings: Settings, args: argparse.Namespace) -> int:
    from datetime import timedelta

    from vss_tickets.domain.attachments import purge_staged
    from vss_tickets.infra.clock import Clock
    from vss_tickets.infra.db import Database

    db = Database(settings.database_url)
    try:
        with db.session(write=True) as session:
            before = Clock.from_env().now() - timedelta(days=args.days)
            purged = purge_staged(session, settings, before)
    finally:
        db.dispose()
    print(f"{purged} staged files older than {args.days} days deleted")
    return 0


COMMANDS = {
    "init-db": cmd_init_db,
    "serve": cmd_serve,
    "create-staff": cmd_create_staff,
    "deactivate-staff": cmd_account,
    "reset-password": cmd_account,
    "revoke-sessions": cmd_account,
    "escalate": cmd_escalate,
    "purge-staged-files": cmd_purge_staged_files,
}


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m vss_tickets.cli", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("init-db", help="create or migrate the database and load the units")
    sub.add_parser("serve", help="run the HTTP service (TICKETS_HOST:TICKETS_PORT)")
    staff = sub.add_parser("create-staff", help="create a staff account (password from env)")
    staff.add_argument("--unit", required=True, help="unit code, e.g. vss.inspectorate")
    staff.add_argument("--role", required=True, choices=["officer", "supervisor", "admin"])
    staff.add_argument("--username", required=True)
    staff.add_argument("--name", help="full name (default: the username)")
    for name, what in (
        ("deactivate-staff", "stop an account from logging in and end its sessions"),
        ("reset-password", "set a new password (from env) and end the account's sessions"),
        ("revoke-sessions", "end every session of an account (it may log in again)"),
    ):
        sub.add_parser(name, help=what).add_argument("--username", required=True)
    sub.add_parser("escalate", help="escalate overdue tickets once (for cron)")
    purge = sub.add_parser(
        "purge-staged-files", help="delete citizens' files no ticket took (for cron)"
    )
    purge.add_argument("--days", type=int, default=30, help="older than this (default 30)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        configure_logging(json_lines=settings.log_format == "json")
        logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
        settings.check_safe()
        return COMMANDS[args.command](settings, args)
    except (ConfigError, ApiError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
