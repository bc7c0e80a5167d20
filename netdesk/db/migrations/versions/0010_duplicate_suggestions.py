"""duplicate suggestions kept for review

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01

Possible duplicates found at an import or by "Find duplicates" (issue 13), with the user's decision: a pair kept
apart is never suggested again. A new table only; no existing row changes.
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
        "duplicate_suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_id", sa.Integer(), nullable=False),
        sa.Column("second_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("found_by", sa.String(length=8), nullable=False),
        sa.Column("found_at", sa.DateTime(), nullable=False),
        sa.Column("decision", sa.String(length=12), server_default="", nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("first_id < second_id", name=op.f("ck_duplicate_suggestions_ordered")),
        sa.ForeignKeyConstraint(
            ["first_id"],
            ["contacts.id"],
            name=op.f("fk_duplicate_suggestions_first_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["second_id"],
            ["contacts.id"],
            name=op.f("fk_duplicate_suggestions_second_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duplicate_suggestions")),
        sa.UniqueConstraint("first_id", "second_id", name="uq_duplicate_suggestions_pair"),
    )
    op.create_index("ix_duplicate_suggestions_second_id", "duplicate_suggestions", ["second_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_duplicate_suggestions_second_id", table_name="duplicate_suggestions")
    op.drop_table("duplicate_suggestions")
