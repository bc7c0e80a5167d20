"""record versions

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

A version on contacts and interactions, raised by a trigger on every write to a field a user edits, so that a save
based on an older version is recognised and merged field by field instead of writing stale values back.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# The contact columns a save, an import or a merge writes (not last_contacted, cadence or follow-up bookkeeping).
_CONTACT_FIELDS = (
    "uid, kind, formatted_name, prefix, given_name, additional_name, family_name, suffix, nickname, organization, "
    "department, title, role, birthday, anniversary, gender, notes, photo_mime, photo_uri, extra_json, related_json, "
    "rev, connected_on, updated_at"
)
_INTERACTION_FIELDS = "occurred_at, kind, channel, direction, summary, notes, is_open, source, external_id"

# recursive_triggers is off: the trigger's own UPDATE does not fire it again. A write that sets the version itself
# (NEW.version differs) is left alone.
_TRIGGERS = {
    "tr_contacts_version": (
        f"AFTER UPDATE OF {_CONTACT_FIELDS} ON contacts WHEN NEW.version = OLD.version "
        "BEGIN UPDATE contacts SET version = OLD.version + 1 WHERE id = NEW.id; END"
    ),
    "tr_interactions_version": (
        f"AFTER UPDATE OF {_INTERACTION_FIELDS} ON interactions WHEN NEW.version = OLD.version "
        "BEGIN UPDATE interactions SET version = OLD.version + 1 WHERE id = NEW.id; END"
    ),
}


def upgrade() -> None:
    for table in ("contacts", "interactions"):
        op.add_column(table, sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")))
    for name, body in _TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    for name in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for table in ("contacts", "interactions"):
        # SQLite drops a plain column in place (a batch rebuild would trip over the computed columns).
        op.execute(f"ALTER TABLE {table} DROP COLUMN version")
