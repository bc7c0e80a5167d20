"""vCard parameters of contact points and addresses, the starred flag, and database settings

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

contact_points.params_json and addresses.params_json keep the parameters each value was imported with (every TYPE,
LABEL, X-…), so an export writes them back as they were. contacts.starred holds Google's "starred" group as a flag.
app_settings holds settings that belong to the database: the phone region its stored numbers were normalised with.
Columns with constant defaults: SQLite adds them in place, no table is rebuilt.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("contact_points", sa.Column("params_json", sa.Text(), nullable=False, server_default=""))
    op.add_column("addresses", sa.Column("params_json", sa.Text(), nullable=False, server_default=""))
    op.add_column("contacts", sa.Column("starred", sa.Boolean(), nullable=False, server_default=sa.text("0")))
    op.create_table(
        "app_settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_app_settings")),
    )


def downgrade() -> None:
    op.drop_table("app_settings")
    # SQLite's own DROP COLUMN: a batch rebuild of contacts would trip over its computed columns.
    op.drop_column("contacts", "starred")
    op.drop_column("addresses", "params_json")
    op.drop_column("contact_points", "params_json")
