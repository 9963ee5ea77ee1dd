"""Command line of the ticket service: `python -m vss_tickets.cli COMMAND`."""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys

from .config import ConfigError, Settings
from .errors import ApiError
from .masking import configure_logging

log = logging.getLogger("vss_tickets.cli")


def cmd_init_db(settings: Settings, _: argparse.Namespace) -> int:
    from .migrate import init_db

    written, stale = init_db(settings.database_url, settings.ref_structure)
    print(f"database ready; {written} units loaded, {stale} deactivated")
    return 0


def cmd_serve(settings: Settings, _: argparse.Namespace) -> int:
    from .serve import serve

    return serve(settings)


def cmd_create_staff(settings: Settings, args: argparse.Namespace) -> int:
    from .auth import create_staff
    from .db import Database

    password = os.environ.get("TICKETS_STAFF_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            print("set TICKETS_STAFF_PASSWORD or run in a terminal", file=sys.stderr)
            return 2
        password = getpass.getpass("Mật khẩu / Password: ")
    db = Database(settings.database_url)
    try:
        with db.session(write=True) as session:
            staff = create_staff(
                session, args.username, args.name or args.username, password, args.role, args.unit
            )
            print(f"created {staff.role} {staff.username} in unit {staff.unit_code}")
    finally:
        db.dispose()
    return 0


def cmd_escalate(settings: Settings, _: argparse.Namespace) -> int:
    from .clock import Clock
    from .db import Database
    from .escalation import run_escalation

    db = Database(settings.database_url)
    try:
        report = run_escalation(db, Clock.from_env())
    finally:
        db.dispose()
    for code, unit in report.tickets:
        print(f"escalated {code} to {unit}")
    print(
        f"{len(report.tickets)} tickets escalated, "
        f"{len(report.consultations)} overdue consultations reported"
    )
    return 0


COMMANDS = {
    "init-db": cmd_init_db,
    "serve": cmd_serve,
    "create-staff": cmd_create_staff,
    "escalate": cmd_escalate,
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
    sub.add_parser("escalate", help="escalate overdue tickets once (for cron)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    configure_logging()
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    try:
        settings = Settings.from_env()
        settings.check_safe()
        return COMMANDS[args.command](settings, args)
    except (ConfigError, ApiError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
