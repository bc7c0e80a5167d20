"""carddav sync

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

CardDAV accounts, their address books (each synced into a tag, with its RFC 6578 sync token) and one item per
server card (href, ETag, the card as last in step, the contact's updated_at then). Passwords are not stored here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("username", sa.Text(), nullable=False),
        sa.Column("certificate", sa.Text(), nullable=False),
        sa.Column("interval_minutes", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_sync_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_accounts")),
        sa.UniqueConstraint("name", name=op.f("uq_sync_accounts_name")),
    )
    op.create_table(
        "sync_books",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column("tag", sa.Text(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("sync_token", sa.Text(), nullable=False),
        sa.Column("ctag", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["sync_accounts.id"],
            name=op.f("fk_sync_books_account_id_sync_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_books")),
        sa.UniqueConstraint("account_id", "url", name="uq_sync_books_account_url"),
    )
    op.create_table(
        "sync_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("book_id", sa.Integer(), nullable=False),
        sa.Column("href", sa.Text(), nullable=False),
        sa.Column("etag", sa.Text(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("card", sa.Text(), nullable=False),
        sa.Column("local_stamp", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["book_id"], ["sync_books.id"], name=op.f("fk_sync_items_book_id_sync_books"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_sync_items_contact_id_contacts"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_items")),
        sa.UniqueConstraint("book_id", "href", name="uq_sync_items_book_href"),
    )
    op.create_index("ix_sync_items_contact_id", "sync_items", ["contact_id"])


def downgrade() -> None:
    op.drop_index("ix_sync_items_contact_id", table_name="sync_items")
    op.drop_table("sync_items")
    op.drop_table("sync_books")
    op.drop_table("sync_accounts")
