"""Tables of the essays' practices (issue 15): you, introductions, communities, contributions, offers and needs,
goal targets. Declared on the same Base as the rest; ``netdesk.db.tables`` imports (and re-exports) them, so its
metadata is always complete."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from netdesk.db.base import Base


class OwnerProfile(Base):
    """The user ("you"): one row, id 1. Not a contact; introductions and templates name you from it."""

    __tablename__ = "owner_profile"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, default="")
    headline: Mapped[str] = mapped_column(Text, default="")
    emails_json: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of addresses
    links_json: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of profile URLs
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class IntroductionRow(Base):
    """An introduction you ask for (``kind`` 'ask': the introducer introduces you to the target) or one you make
    (``kind`` 'make': you introduce ``a`` and ``b`` after both opted in). Each step is dated."""

    __tablename__ = "introductions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # ask | make
    state: Mapped[str] = mapped_column(String(16))  # see core.practices.IntroState
    introducer_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), nullable=True)
    a_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), nullable=True)
    b_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), nullable=True)
    target_text: Mapped[str] = mapped_column(Text, default="")  # "Globex's CTO" when the target is not a contact
    reason: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(String(16), default="")
    asked_on: Mapped[date] = mapped_column(Date)
    agreed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    a_opted_in_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    b_opted_in_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    introduced_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    moved_on: Mapped[date] = mapped_column(Date)  # the last step's date: a stalled step is due
    interaction_id: Mapped[int | None] = mapped_column(
        ForeignKey("interactions.id", ondelete="SET NULL"), nullable=True
    )
    favour_id: Mapped[int | None] = mapped_column(ForeignKey("interactions.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (Index("ix_introductions_open", "moved_on", sqlite_where=text("closed_on IS NULL")),)


class IntroTemplate(Base):
    """The user's wording of the ask, opt-in and introduction messages (absent: NetDesk's default)."""

    __tablename__ = "intro_templates"

    name: Mapped[str] = mapped_column(String(16), primary_key=True)  # ask | optin | introduction
    body: Mapped[str] = mapped_column(Text)


class CommunityRow(Base):
    __tablename__ = "communities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    name_folded: Mapped[str] = mapped_column(Text, unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="community")  # community | group | event | conference
    link: Mapped[str] = mapped_column(Text, default="")
    role: Mapped[str] = mapped_column(Text, default="")  # your role: member, speaker, organiser …
    held_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # events: the day
    rhythm_count: Mapped[int | None] = mapped_column(Integer, nullable=True)  # "2" of "answer two questions a week"
    rhythm_days: Mapped[int | None] = mapped_column(Integer, nullable=True)  # "7"
    rhythm_what: Mapped[str] = mapped_column(Text, default="")  # "answer questions"
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)


class CommunityPerson(Base):
    __tablename__ = "community_people"

    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True)
    relation: Mapped[str] = mapped_column(String(8), primary_key=True)  # member | met_at

    __table_args__ = (Index("ix_community_people_contact_id", "contact_id"),)


class CommunityInteraction(Base):
    __tablename__ = "community_interactions"

    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"), primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))

    __table_args__ = (Index("ix_community_interactions_community_id", "community_id"),)


class ContributionRow(Base):
    """Something you put out (post, article, talk, answer, newsletter, open-source work): needs no contact."""

    __tablename__ = "contributions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(Text, default="")
    occurred_on: Mapped[date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id", ondelete="SET NULL"), nullable=True)
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goals.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (Index("ix_contributions_kind_occurred_on", "kind", "occurred_on"),)


class ContributionRhythm(Base):
    """ "A post every 10 days": when the newest contribution of ``kind`` is older, it is due."""

    __tablename__ = "contribution_rhythms"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    every_days: Mapped[int] = mapped_column(Integer)


class OfferNeed(Base):
    """What a person can help with (offer) or is looking for (need); ``contact_id`` NULL is you."""

    __tablename__ = "offers_needs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), nullable=True)
    kind: Mapped[str] = mapped_column(String(8))  # offer | need
    text: Mapped[str] = mapped_column(Text)
    folded: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("ix_offers_needs_contact_id", "contact_id"),)


class GoalTarget(Base):
    """A goal's measurable target: ``target`` of ``metric`` between ``starts_on`` and ``horizon``."""

    __tablename__ = "goal_targets"

    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"), primary_key=True)
    metric: Mapped[str] = mapped_column(String(16))  # see core.practices.GoalMetric
    target: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[date] = mapped_column(Date)
    horizon: Mapped[date] = mapped_column(Date)
    focus: Mapped[str] = mapped_column(Text, default="")  # tag/organisation ("fintech") or contribution kind ("talk")


class GoalCommunity(Base):
    __tablename__ = "goal_communities"

    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"), primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), primary_key=True)
