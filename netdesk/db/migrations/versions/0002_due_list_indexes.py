"""due list indexes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Three computed (VIRTUAL) contact columns and partial indexes that let the due list and the favours ledger read
only the rows they can show: own cadences, this fortnight's birthdays and anniversaries, recent new connections,
and favour interactions. No data changes; SQLite adds generated VIRTUAL columns in place.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_FOLLOWUP_SINCE = (
    "CASE followup_state WHEN 'messaged' THEN COALESCE(followup_messaged_at, connected_on, created_at)"
    " ELSE COALESCE(connected_on, created_at) END"
)


def upgrade() -> None:
    op.add_column(
        "contacts", sa.Column("birthday_month_day", sa.Text(), sa.Computed("substr(birthday, -5)", persisted=False))
    )
    op.add_column(
        "contacts",
        sa.Column("anniversary_month_day", sa.Text(), sa.Computed("substr(anniversary, -5)", persisted=False)),
    )
    op.add_column("contacts", sa.Column("followup_since", sa.Text(), sa.Computed(_FOLLOWUP_SINCE, persisted=False)))
    op.create_index(
        "ix_contacts_own_cadence",
        "contacts",
        ["cadence_days"],
        sqlite_where=sa.text("cadence_days IS NOT NULL AND deleted_at IS NULL"),
    )
    op.create_index(
        "ix_contacts_birthday_month_day",
        "contacts",
        ["birthday_month_day"],
        sqlite_where=sa.text("birthday > '' AND deleted_at IS NULL"),
    )
    op.create_index(
        "ix_contacts_anniversary_month_day",
        "contacts",
        ["anniversary_month_day"],
        sqlite_where=sa.text("anniversary > '' AND deleted_at IS NULL"),
    )
    op.create_index(
        "ix_contacts_followup",
        "contacts",
        ["followup_state", "followup_since"],
        sqlite_where=sa.text("followup_state IN ('', 'messaged') AND kind = 'person' AND deleted_at IS NULL"),
    )
    op.create_index(
        "ix_interactions_favours",
        "interactions",
        ["kind", "is_open"],
        sqlite_where=sa.text("kind IN ('favour_given', 'favour_received')"),
    )


def downgrade() -> None:
    op.drop_index("ix_interactions_favours", table_name="interactions")
    for name in (
        "ix_contacts_followup",
        "ix_contacts_anniversary_month_day",
        "ix_contacts_birthday_month_day",
        "ix_contacts_own_cadence",
    ):
        op.drop_index(name, table_name="contacts")
    for column in ("followup_since", "anniversary_month_day", "birthday_month_day"):
        op.drop_column("contacts", column)
