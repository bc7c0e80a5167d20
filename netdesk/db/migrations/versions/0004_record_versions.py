"""record versions

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

A version on contacts and interactions, raised on every update of the row (netdesk/db/versioning.py), so that a save
based on an older version is recognised and merged field by field instead of writing stale values back.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

def upgrade() -> None:
    for table in ("contacts", "interactions"):
        op.add_column(table, sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")))


def downgrade() -> None:
    for table in ("contacts", "interactions"):
        # SQLite drops a plain column in place (a batch rebuild would trip over the computed columns).
        op.execute(f"ALTER TABLE {table} DROP COLUMN version")
