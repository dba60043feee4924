"""indexes for the insights dashboard's aggregates by time (api/conversations/stats.py)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 18:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

INDEXES = {
    # Conversations started in a period, by hour or day.
    "ix_conversations_created_at": ("conversations", ["created_at"]),
    # A period's candidate messages, and its bot replies by kind, read from the index alone.
    "ix_messages_sender_created_at_kind": ("messages", ["sender", "created_at", "kind"]),
    # The hand-offs of a period, without reading every message of it.
    "ix_messages_kind_created_at": ("messages", ["kind", "created_at"]),
    "ix_feedback_created_at": ("feedback", ["created_at"]),
}


def upgrade() -> None:
    # A database made by `create_all` before migrations existed (api/db.py stamps it 0001) has them already.
    existing = sa.inspect(op.get_bind())
    for name, (table, columns) in INDEXES.items():
        if name not in {i["name"] for i in existing.get_indexes(table)}:
            op.create_index(name, table, columns)


def downgrade() -> None:
    for name, (table, _) in INDEXES.items():
        op.drop_index(name, table_name=table)
