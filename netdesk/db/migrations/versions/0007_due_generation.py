"""due generation

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

One value that triggers change on every write the Due list's own sources read (contacts, tag links and rhythms,
pending invitations, job history), as favour_generation does for favours: the list is computed again only when
something it shows can have changed, whichever connection or process wrote.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_BUMP = "BEGIN UPDATE due_generation SET value = random() WHERE id = 1; END"
_TABLES = ("contacts", "contact_tags", "tags", "invitations", "contact_history")
TRIGGERS = {
    f"tr_due_{table}_{event.lower()}": f"AFTER {event} ON {table}"
    for table in _TABLES
    for event in ("INSERT", "UPDATE", "DELETE")
}


def upgrade() -> None:
    op.create_table(
        "due_generation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_due_generation")),
    )
    op.execute("INSERT INTO due_generation (id, value) VALUES (1, random())")
    for name, when in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {when} {_BUMP}")


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER {name}")
    op.drop_table("due_generation")
