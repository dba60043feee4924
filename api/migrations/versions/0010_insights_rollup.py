"""the insights dashboard's hourly rollup (api/conversations/rollup.py): counts per closed hour

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 21:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hourly_counts",
        sa.Column("hour", sa.DateTime(), nullable=False),
        sa.Column("measure", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("hour", "measure", "kind"),
    )
    state = op.create_table(
        "rollup_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rolled_from", sa.DateTime(), nullable=True),
        sa.Column("rolled_until", sa.DateTime(), nullable=True),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    # The one row every rollup and erasure updates (nothing rolled up yet): it exists before any
    # API instance serves, so no two of them ever race to create it.
    op.bulk_insert(state, [{"id": 1, "rolled_from": None, "rolled_until": None, "generation": 0}])


def downgrade() -> None:
    op.drop_table("rollup_state")
    op.drop_table("hourly_counts")
