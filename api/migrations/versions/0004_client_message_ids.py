"""the client's id of each candidate message, so that a retried message is stored and answered once

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 15:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A database made by `create_all` before migrations existed (api/db.py stamps it 0001) may have
    # been made by a release that had the column already.
    existing = sa.inspect(op.get_bind())
    if "client_message_id" not in {c["name"] for c in existing.get_columns("messages")}:
        with op.batch_alter_table("messages") as batch:
            batch.add_column(sa.Column("client_message_id", sa.String(length=64), nullable=True))
    if "ix_messages_client_message_id" not in {i["name"] for i in existing.get_indexes("messages")}:
        op.create_index(
            "ix_messages_client_message_id", "messages", ["conversation_id", "client_message_id"], unique=True
        )


def downgrade() -> None:
    op.drop_index("ix_messages_client_message_id", table_name="messages")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("client_message_id")
