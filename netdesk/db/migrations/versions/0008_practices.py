"""practices as records

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01

The essays' practices (issue 15): the owner profile ("you"), introductions you ask for and make (each step dated)
with editable message templates, communities and events with the people met there, contributions with rhythms,
offers and needs, and goal targets with their communities. New tables only; no existing row changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "communities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("name_folded", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("link", sa.Text(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("rhythm_count", sa.Integer(), nullable=True),
        sa.Column("rhythm_days", sa.Integer(), nullable=True),
        sa.Column("rhythm_what", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_communities")),
        sa.UniqueConstraint("name_folded", name=op.f("uq_communities_name_folded")),
    )
    op.create_table(
        "contribution_rhythms",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("every_days", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", name=op.f("pk_contribution_rhythms")),
    )
    op.create_table(
        "intro_templates",
        sa.Column("name", sa.String(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_intro_templates")),
    )
    op.create_table(
        "owner_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("headline", sa.Text(), nullable=False),
        sa.Column("emails_json", sa.Text(), nullable=False),
        sa.Column("links_json", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_owner_profile")),
    )
    op.create_table(
        "community_interactions",
        sa.Column("interaction_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_community_interactions_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interactions.id"],
            name=op.f("fk_community_interactions_interaction_id_interactions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("interaction_id", name=op.f("pk_community_interactions")),
    )
    op.create_index("ix_community_interactions_community_id", "community_interactions", ["community_id"], unique=False)
    op.create_table(
        "community_people",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("relation", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_community_people_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_community_people_contact_id_contacts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("community_id", "contact_id", "relation", name=op.f("pk_community_people")),
    )
    op.create_index("ix_community_people_contact_id", "community_people", ["contact_id"], unique=False)
    op.create_table(
        "contributions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("link", sa.Text(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("goal_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_contributions_community_id_communities"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["goals.id"], name=op.f("fk_contributions_goal_id_goals"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contributions")),
    )
    op.create_index("ix_contributions_kind_occurred_on", "contributions", ["kind", "occurred_on"], unique=False)
    op.create_table(
        "goal_communities",
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_goal_communities_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["goals.id"], name=op.f("fk_goal_communities_goal_id_goals"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("goal_id", "community_id", name=op.f("pk_goal_communities")),
    )
    op.create_table(
        "goal_targets",
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=16), nullable=False),
        sa.Column("target", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("horizon", sa.Date(), nullable=False),
        sa.Column("focus", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["goals.id"], name=op.f("fk_goal_targets_goal_id_goals"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("goal_id", name=op.f("pk_goal_targets")),
    )
    op.create_table(
        "introductions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("introducer_id", sa.Integer(), nullable=True),
        sa.Column("a_id", sa.Integer(), nullable=True),
        sa.Column("b_id", sa.Integer(), nullable=True),
        sa.Column("target_text", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("asked_on", sa.Date(), nullable=False),
        sa.Column("agreed_on", sa.Date(), nullable=True),
        sa.Column("a_opted_in_on", sa.Date(), nullable=True),
        sa.Column("b_opted_in_on", sa.Date(), nullable=True),
        sa.Column("introduced_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("moved_on", sa.Date(), nullable=False),
        sa.Column("interaction_id", sa.Integer(), nullable=True),
        sa.Column("favour_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["a_id"], ["contacts.id"], name=op.f("fk_introductions_a_id_contacts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["b_id"], ["contacts.id"], name=op.f("fk_introductions_b_id_contacts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["favour_id"],
            ["interactions.id"],
            name=op.f("fk_introductions_favour_id_interactions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interactions.id"],
            name=op.f("fk_introductions_interaction_id_interactions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["introducer_id"], ["contacts.id"], name=op.f("fk_introductions_introducer_id_contacts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_introductions")),
    )
    op.create_index(
        "ix_introductions_open", "introductions", ["moved_on"], unique=False, sqlite_where=sa.text("closed_on IS NULL")
    )
    op.create_table(
        "offers_needs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("folded", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_offers_needs_contact_id_contacts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offers_needs")),
    )
    op.create_index("ix_offers_needs_contact_id", "offers_needs", ["contact_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_offers_needs_contact_id", table_name="offers_needs")
    op.drop_table("offers_needs")
    op.drop_index("ix_introductions_open", table_name="introductions", sqlite_where=sa.text("closed_on IS NULL"))
    op.drop_table("introductions")
    op.drop_table("goal_targets")
    op.drop_table("goal_communities")
    op.drop_index("ix_contributions_kind_occurred_on", table_name="contributions")
    op.drop_table("contributions")
    op.drop_index("ix_community_people_contact_id", table_name="community_people")
    op.drop_table("community_people")
    op.drop_index("ix_community_interactions_community_id", table_name="community_interactions")
    op.drop_table("community_interactions")
    op.drop_table("owner_profile")
    op.drop_table("intro_templates")
    op.drop_table("contribution_rhythms")
    op.drop_table("communities")
