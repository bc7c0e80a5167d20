"""due list indexes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Three computed (VIRTUAL) contact columns and partial indexes that let the due list and the favours ledger read
only the rows they can show: own cadences, this fortnight's birthdays and anniversaries, recent new connections,
and favour interactions. No data changes; SQLite adds generated VIRTUAL columns in place.

favour_generation holds one value that triggers change whenever a favour or one of its participants is written,
so that the favour facts the due list needs are recomputed only when they can have changed.
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


_FAVOURS = "('favour_given', 'favour_received')"
# A fresh random value rather than a counter: a value seen inside a transaction that was rolled back never comes
# back for different data.
_BUMP = "BEGIN UPDATE favour_generation SET value = random() WHERE id = 1; END"
_FAVOUR_TRIGGERS = {
    "tr_favour_interaction_insert": f"AFTER INSERT ON interactions WHEN NEW.kind IN {_FAVOURS}",
    "tr_favour_interaction_delete": f"AFTER DELETE ON interactions WHEN OLD.kind IN {_FAVOURS}",
    "tr_favour_interaction_update": (
        f"AFTER UPDATE ON interactions WHEN OLD.kind IN {_FAVOURS} OR NEW.kind IN {_FAVOURS}"
    ),
    "tr_favour_participant_insert": (
        f"AFTER INSERT ON interaction_participants"
        f" WHEN (SELECT kind FROM interactions WHERE id = NEW.interaction_id) IN {_FAVOURS}"
    ),
    "tr_favour_participant_delete": (
        f"AFTER DELETE ON interaction_participants"
        f" WHEN (SELECT kind FROM interactions WHERE id = OLD.interaction_id) IN {_FAVOURS}"
    ),
    "tr_favour_participant_update": (
        f"AFTER UPDATE ON interaction_participants"
        f" WHEN (SELECT kind FROM interactions WHERE id = OLD.interaction_id) IN {_FAVOURS}"
        f" OR (SELECT kind FROM interactions WHERE id = NEW.interaction_id) IN {_FAVOURS}"
    ),
}


def upgrade() -> None:
    op.create_table(
        "favour_generation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_favour_generation")),
    )
    op.execute("INSERT INTO favour_generation (id, value) VALUES (1, random())")
    for name, when in _FAVOUR_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {when} {_BUMP}")
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
    for name in _FAVOUR_TRIGGERS:
        op.execute(f"DROP TRIGGER {name}")
    op.drop_table("favour_generation")
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
