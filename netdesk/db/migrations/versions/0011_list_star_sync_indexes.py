"""indexes for the contact list, the starred filter and sync's push check

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01

Measured at 100,000 contacts (issue 12): the list's full read sorted every row in a temporary B-tree, the starred
filter and count visited every live contact, and sync's "anything to send?" look read every item of the book and
every member of its tag from the tables. ix_contacts_deleted_at (NULL for nearly every row) becomes a partial index over the trash: as a full
index it won the planner's choice for every "deleted_at IS NULL" query and hid the partial indexes. Indexes only;
no row changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_LIST_COLUMNS = [
    "sort_key",
    "id",
    "kind",
    "display_name",
    "organization",
    "title",
    "tags_text",
    "last_contacted",
    "starred",
]


def upgrade() -> None:
    op.drop_index("ix_contacts_deleted_at", table_name="contacts")
    op.create_index(
        "ix_contacts_trash", "contacts", ["deleted_at"], sqlite_where=sa.text("deleted_at IS NOT NULL")
    )
    op.create_index(
        "ix_contacts_live_list", "contacts", _LIST_COLUMNS, sqlite_where=sa.text("deleted_at IS NULL")
    )
    op.create_index(
        "ix_contacts_starred",
        "contacts",
        ["starred", "sort_key"],
        sqlite_where=sa.text("starred IS 1 AND deleted_at IS NULL"),
    )
    op.create_index(
        "ix_sync_items_book_contact_stamp", "sync_items", ["book_id", "contact_id", "local_stamp"]
    )
    op.drop_index("ix_contact_tags_tag_id", table_name="contact_tags")
    op.create_index("ix_contact_tags_tag_contact", "contact_tags", ["tag_id", "contact_id"])


def downgrade() -> None:
    op.drop_index("ix_contact_tags_tag_contact", table_name="contact_tags")
    op.create_index("ix_contact_tags_tag_id", "contact_tags", ["tag_id"])
    op.drop_index("ix_sync_items_book_contact_stamp", table_name="sync_items")
    op.drop_index("ix_contacts_starred", table_name="contacts")
    op.drop_index("ix_contacts_live_list", table_name="contacts")
    op.drop_index("ix_contacts_trash", table_name="contacts")
    op.create_index("ix_contacts_deleted_at", "contacts", ["deleted_at"])
