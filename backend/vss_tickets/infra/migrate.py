"""Schema migrations (Alembic) and loading the reference data into the database."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from vss_tickets.domain.reference import reference_data, sync_units
from vss_tickets.infra.db import Database, normalise_url

BACKEND_DIR = Path(__file__).resolve().parents[2]


def alembic_config(url: str) -> Config:
    config = Config(str(BACKEND_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(BACKEND_DIR / "migrations"))
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)


def init_db(url: str, structure: str) -> tuple[int, int]:
    """Migrate to the latest schema and load the units; returns (units written, deactivated)."""
    upgrade(url)
    db = Database(url)
    try:
        with db.session(write=True) as session:
            return sync_units(session, reference_data(structure))
    finally:
        db.dispose()
