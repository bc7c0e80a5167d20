"""exchanges and follow-ups read from the record

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

Columns the due list and the stats read by index instead of walking timelines: the last one-to-one message from the
person and the last exchange from the user (replies owed), the day a rhythm was set (a rhythm counts from then or
the last exchange, whichever is later). Pending incoming invitations get a table of their own (accepting one makes
a contact; ignoring one is remembered). Job changes are found by the day they were seen.

Existing data: last_contacted and the reply columns are recomputed with the one definition of an exchange
(netdesk.core.exchange); rhythms already set count from the day of the upgrade, so nobody is suddenly years overdue.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from netdesk.core.exchange import exchange_sql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_EXCHANGES = (
    "FROM interaction_participants p JOIN interactions i ON i.id = p.interaction_id"
    f" WHERE p.contact_id = contacts.id AND {exchange_sql()}"
    " AND i.occurred_at >= '1990-01-01' AND i.occurred_at <= datetime('now', '+1 day')"
)
_SINGLE = "(SELECT COUNT(*) FROM interaction_participants q WHERE q.interaction_id = i.id) = 1"


def upgrade() -> None:
    op.add_column("contacts", sa.Column("last_in_at", sa.DateTime(), nullable=True))
    op.add_column("contacts", sa.Column("last_out_at", sa.DateTime(), nullable=True))
    op.add_column("contacts", sa.Column("cadence_since", sa.Date(), nullable=True))
    op.add_column("tags", sa.Column("cadence_since", sa.Date(), nullable=True))
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("profile_url", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("external_id", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_invitations_contact_id_contacts"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("external_id", name=op.f("uq_invitations_external_id")),
    )
    op.create_index(
        "ix_invitations_pending", "invitations", ["sent_at"], sqlite_where=sa.text("status = 'pending'")
    )
    op.drop_index("ix_contacts_followup", table_name="contacts")
    op.create_index(
        "ix_contacts_connected",
        "contacts",
        ["connected_on", "followup_state", "followup_messaged_at", "followup_replied_at"],
        sqlite_where=sa.text("connected_on IS NOT NULL AND kind = 'person' AND deleted_at IS NULL"),
    )
    op.create_index(
        "ix_contacts_reply_owed",
        "contacts",
        ["last_in_at"],
        sqlite_where=sa.text(
            "last_in_at IS NOT NULL AND (last_out_at IS NULL OR last_out_at < last_in_at) AND deleted_at IS NULL"
        ),
    )
    op.create_index(
        "ix_contact_history_job_changes",
        "contact_history",
        ["changed_at"],
        sqlite_where=sa.text("field IN ('organization', 'title')"),
    )
    op.execute(
        f"UPDATE contacts SET last_contacted = (SELECT MAX(i.occurred_at) {_EXCHANGES}),"
        f" last_out_at = (SELECT MAX(i.occurred_at) {_EXCHANGES} AND i.direction IN ('out', '')),"
        f" last_in_at = (SELECT MAX(i.occurred_at) {_EXCHANGES} AND i.direction = 'in'"
        f" AND i.kind IN ('message', 'email') AND {_SINGLE})"
    )
    op.execute("UPDATE contacts SET cadence_since = date('now') WHERE cadence_days IS NOT NULL")
    op.execute("UPDATE tags SET cadence_since = date('now') WHERE cadence_days IS NOT NULL")


def downgrade() -> None:
    op.drop_index("ix_contact_history_job_changes", table_name="contact_history")
    op.drop_index("ix_contacts_reply_owed", table_name="contacts")
    op.drop_index("ix_contacts_connected", table_name="contacts")
    op.create_index(
        "ix_contacts_followup",
        "contacts",
        ["followup_state", "followup_since"],
        sqlite_where=sa.text("followup_state IN ('', 'messaged') AND kind = 'person' AND deleted_at IS NULL"),
    )
    op.drop_index("ix_invitations_pending", table_name="invitations")
    op.drop_table("invitations")
    with op.batch_alter_table("tags") as batch:
        batch.drop_column("cadence_since")
    for column in ("cadence_since", "last_out_at", "last_in_at"):
        op.drop_column("contacts", column)
