"""tickets: live chat with an officer (human handoff)

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("chat_state", sa.String(16), nullable=True))
        batch.add_column(sa.Column("chat_officer", sa.String(64), nullable=True))
        batch.add_column(sa.Column("chat_requested_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("chat_closed_reason", sa.String(16), nullable=True))
    op.create_index("ix_tickets_chat", "tickets", ["chat_state", "chat_requested_at"])


def downgrade() -> None:
    op.drop_index("ix_tickets_chat", table_name="tickets")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("chat_closed_reason")
        batch.drop_column("chat_requested_at")
        batch.drop_column("chat_officer")
        batch.drop_column("chat_state")
