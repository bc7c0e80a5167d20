"""due changes

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01

What changed for the Due list, row by row, so that due() right after a write reads again only what the write
touched: triggers log the contact that a write to contacts, tag links, job history or a favour concerns, "every
contact" for a tag's rhythm, and the table's name for invitations and the practices' tables (introductions,
contributions and their rhythms, communities and their interactions), which 0007 did not watch; those practice
writes also move due_generation now. The log keeps its last LOG_KEEP rows: a reader that finds its place pruned reads
the whole list, as it does after a bulk write. Each row carries a random token, so that a reader also notices a log
that is not the one it read (a restored backup).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

LOG_KEEP = 2000
_BUMP = "UPDATE due_generation SET value = random() WHERE id = 1;"


def _log(what: str, *contacts: str) -> str:
    rows = ", ".join(f"('{what}', {c}, random())" for c in contacts or ("NULL",))
    return f"INSERT INTO due_changes (what, contact_id, token) VALUES {rows};"


# Tables whose rows concern one contact, by the column that names it.
_CONTACT_TABLES = {"contacts": "id", "contact_tags": "contact_id", "contact_history": "contact_id"}
# 0007 left these out: the practices' due source reads them.
PRACTICE_TABLES = ("introductions", "contributions", "contribution_rhythms", "communities", "community_interactions")


def _triggers() -> dict[str, str]:
    """Trigger name -> its definition after CREATE TRIGGER name."""
    triggers: dict[str, str] = {}
    for event in ("INSERT", "UPDATE", "DELETE"):
        for table, column in _CONTACT_TABLES.items():
            rows = {
                "INSERT": ("NEW",),
                "DELETE": ("OLD",),
                "UPDATE": ("NEW",) if table == "contacts" else ("OLD", "NEW"),
            }
            body = _log("contact", *(f"{row}.{column}" for row in rows[event]))
            triggers[f"tr_due_log_{table}_{event.lower()}"] = f"AFTER {event} ON {table} BEGIN {body} END"
        triggers[f"tr_due_log_invitations_{event.lower()}"] = (
            f"AFTER {event} ON invitations BEGIN {_log('invitations')} END"
        )
        for table in PRACTICE_TABLES:
            triggers[f"tr_due_{table}_{event.lower()}"] = (
                f"AFTER {event} ON {table} BEGIN {_BUMP} {_log(table)} END"
            )
    # A tag's rhythm concerns everyone who has the tag (a new tag has nobody yet).
    for event in ("UPDATE", "DELETE"):
        triggers[f"tr_due_log_tags_{event.lower()}"] = f"AFTER {event} ON tags BEGIN {_log('every_contact')} END"
    # The date of an interaction a community counts (the links themselves are watched above).
    triggers["tr_due_community_interaction_moved"] = (
        "AFTER UPDATE OF occurred_at ON interactions"
        " WHEN EXISTS (SELECT 1 FROM community_interactions WHERE interaction_id = NEW.id)"
        f" BEGIN {_BUMP} {_log('community_interactions')} END"
    )
    # Favours (the Due list's balance nudges and promises): the people on a favour written, whichever of the favour
    # and its participant rows is written first (undo replays rows in table order).
    favour = "IN ('favour_given', 'favour_received')"
    kind_of = "(SELECT kind FROM interactions WHERE id = {row}.interaction_id)"
    people_of = (
        "INSERT INTO due_changes (what, contact_id, token)"
        " SELECT 'contact', contact_id, random() FROM interaction_participants WHERE interaction_id = {row}.id;"
    )
    triggers["tr_due_log_favour_insert"] = (
        f"AFTER INSERT ON interactions WHEN NEW.kind {favour} BEGIN {people_of.format(row='NEW')} END"
    )
    triggers["tr_due_log_favour_update"] = (
        f"AFTER UPDATE ON interactions WHEN OLD.kind {favour} OR NEW.kind {favour}"
        f" BEGIN {people_of.format(row='NEW')} END"
    )
    triggers["tr_due_log_favour_delete"] = (
        f"BEFORE DELETE ON interactions WHEN OLD.kind {favour} BEGIN {people_of.format(row='OLD')} END"
    )
    for event, rows in (("INSERT", ("NEW",)), ("DELETE", ("OLD",)), ("UPDATE", ("OLD", "NEW"))):
        when = " OR ".join(f"{kind_of.format(row=row)} {favour}" for row in rows)
        body = _log("contact", *(f"{row}.contact_id" for row in rows))
        triggers[f"tr_due_log_favour_participant_{event.lower()}"] = (
            f"AFTER {event} ON interaction_participants WHEN {when} BEGIN {body} END"
        )
    triggers["tr_due_changes_keep"] = (
        f"AFTER INSERT ON due_changes BEGIN DELETE FROM due_changes WHERE seq <= NEW.seq - {LOG_KEEP}; END"
    )
    return triggers


TRIGGERS = _triggers()


def upgrade() -> None:
    op.create_table(
        "due_changes",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("what", sa.String(length=32), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("token", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_due_changes")),
        sqlite_autoincrement=True,
    )
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER {name}")
    op.drop_table("due_changes")
