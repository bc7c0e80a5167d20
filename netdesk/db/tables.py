"""SQLAlchemy 2.x tables. Schema changes go through Alembic revisions in migrations/versions.

The practices' tables live in ``practice_tables`` (imported here: this module's metadata holds every table)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Computed,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from netdesk.db.base import NAMING_CONVENTION as NAMING_CONVENTION
from netdesk.db.base import Base as Base
from netdesk.db.practice_tables import CommunityInteraction as CommunityInteraction
from netdesk.db.practice_tables import CommunityPerson as CommunityPerson
from netdesk.db.practice_tables import CommunityRow as CommunityRow
from netdesk.db.practice_tables import ContributionRhythm as ContributionRhythm
from netdesk.db.practice_tables import ContributionRow as ContributionRow
from netdesk.db.practice_tables import GoalCommunity as GoalCommunity
from netdesk.db.practice_tables import GoalTarget as GoalTarget
from netdesk.db.practice_tables import IntroductionRow as IntroductionRow
from netdesk.db.practice_tables import IntroTemplate as IntroTemplate
from netdesk.db.practice_tables import OfferNeed as OfferNeed
from netdesk.db.practice_tables import OwnerProfile as OwnerProfile


class Contact(Base):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="person")
    formatted_name: Mapped[str] = mapped_column(Text, default="")
    prefix: Mapped[str] = mapped_column(Text, default="")
    given_name: Mapped[str] = mapped_column(Text, default="")
    additional_name: Mapped[str] = mapped_column(Text, default="")
    family_name: Mapped[str] = mapped_column(Text, default="")
    suffix: Mapped[str] = mapped_column(Text, default="")
    nickname: Mapped[str] = mapped_column(Text, default="")
    organization: Mapped[str] = mapped_column(Text, default="")
    department: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(Text, default="")
    role: Mapped[str] = mapped_column(Text, default="")
    birthday: Mapped[str] = mapped_column(String(10), default="")  # YYYY-MM-DD or --MM-DD
    anniversary: Mapped[str] = mapped_column(String(10), default="")
    gender: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    photo_mime: Mapped[str] = mapped_column(String(64), default="")
    photo_uri: Mapped[str] = mapped_column(Text, default="")
    # Unmodelled vCard properties and RELATED links, as JSON, written back on export.
    extra_json: Mapped[str] = mapped_column(Text, default="")
    related_json: Mapped[str] = mapped_column(Text, default="")
    rev: Mapped[str] = mapped_column(String(64), default="")
    # Google's "starred" group, as a flag of its own (written back as Google writes it).
    starred: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("0"))
    # Denormalised for the list: the display name, its folded sort key and the sorted tag list.
    display_name: Mapped[str] = mapped_column(Text, default="")
    sort_key: Mapped[str] = mapped_column(Text, default="")
    tags_text: Mapped[str] = mapped_column(Text, default="")
    last_contacted: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # Networking
    cadence_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    snoozed_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    connected_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    followup_state: Mapped[str] = mapped_column(String(16), default="")
    followup_messaged_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    followup_replied_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # Exchange facts kept by services/exchanges.py on every timeline write (replies owed), and the day the own rhythm
    # was set (a rhythm counts from then or the last exchange, whichever is later).
    last_in_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_out_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    cadence_since: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # Raised on every update (db/versioning.py): a save based on an older version merges instead of reverting.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    # Computed by SQLite, never written (VIRTUAL: no storage, only the partial indexes below hold them). They let
    # the due list find this fortnight's occasions and this month's new connections by index range instead of
    # scanning every contact.
    birthday_month_day: Mapped[str | None] = mapped_column(Text, Computed("substr(birthday, -5)", persisted=False))
    anniversary_month_day: Mapped[str | None] = mapped_column(
        Text, Computed("substr(anniversary, -5)", persisted=False)
    )
    followup_since: Mapped[str | None] = mapped_column(
        Text,
        Computed(
            "CASE followup_state WHEN 'messaged' THEN COALESCE(followup_messaged_at, connected_on, created_at)"
            " ELSE COALESCE(connected_on, created_at) END",
            persisted=False,
        ),
    )

    points: Mapped[list[ContactPointRow]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", order_by="ContactPointRow.position"
    )
    addresses: Mapped[list[AddressRow]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", order_by="AddressRow.position"
    )
    tags: Mapped[list[Tag]] = relationship(secondary="contact_tags", back_populates="contacts")
    photo: Mapped[ContactPhoto | None] = relationship(cascade="all, delete-orphan", uselist=False)

    __table_args__ = (
        Index("ix_contacts_sort_key", "sort_key"),
        Index("ix_contacts_organization", "organization"),
        # The trash only (migration 0011): a full index on deleted_at, NULL for nearly every row, drew the planner
        # away from the live-contact indexes below and made every list read sort its rows.
        Index("ix_contacts_trash", "deleted_at", sqlite_where=text("deleted_at IS NOT NULL")),
        # The contact list's full read (repository.list_rows), in its order and covering: no sort, no table lookups.
        Index(
            "ix_contacts_live_list",
            "sort_key",
            "id",
            "kind",
            "display_name",
            "organization",
            "title",
            "tags_text",
            "last_contacted",
            "starred",
            sqlite_where=text("deleted_at IS NULL"),
        ),
        # The starred filter and count (db/stars.py, repository.search_ids / match_ids), in list order.
        Index("ix_contacts_starred", "starred", "sort_key", sqlite_where=text("starred IS 1 AND deleted_at IS NULL")),
        # Partial indexes for the due list (services/networking.py): each holds only the live contacts its part of
        # the list can ever show, and each query repeats the index's WHERE terms so that SQLite picks it.
        Index(
            "ix_contacts_own_cadence",
            "cadence_days",
            sqlite_where=text("cadence_days IS NOT NULL AND deleted_at IS NULL"),
        ),
        Index(
            "ix_contacts_birthday_month_day",
            "birthday_month_day",
            sqlite_where=text("birthday > '' AND deleted_at IS NULL"),
        ),
        Index(
            "ix_contacts_anniversary_month_day",
            "anniversary_month_day",
            sqlite_where=text("anniversary > '' AND deleted_at IS NULL"),
        ),
        # New connections in a date range, with their follow-up stage (the pipeline and the reply-rate stats).
        Index(
            "ix_contacts_connected",
            "connected_on",
            "followup_state",
            "followup_messaged_at",
            "followup_replied_at",
            sqlite_where=text("connected_on IS NOT NULL AND kind = 'person' AND deleted_at IS NULL"),
        ),
        Index(
            "ix_contacts_reply_owed",
            "last_in_at",
            sqlite_where=text(
                "last_in_at IS NOT NULL AND (last_out_at IS NULL OR last_out_at < last_in_at) AND deleted_at IS NULL"
            ),
        ),
    )


class ContactPointRow(Base):
    """Emails, phones, URLs and IM handles of a contact (``kind`` says which)."""

    __tablename__ = "contact_points"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))  # email | phone | url | im
    label: Mapped[str] = mapped_column(Text, default="")
    value: Mapped[str] = mapped_column(Text)
    # Lower-cased email / E.164 phone / canonical URL, for matching at import.
    normalized: Mapped[str] = mapped_column(Text, default="")
    pref: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # The vCard parameters it was read with, as JSON (ContactPoint.params): written back while they still fit.
    params_json: Mapped[str] = mapped_column(Text, default="", server_default="")

    contact: Mapped[Contact] = relationship(back_populates="points")

    __table_args__ = (
        Index("ix_contact_points_contact_id", "contact_id"),
        Index("ix_contact_points_kind_normalized", "kind", "normalized"),
    )


class AddressRow(Base):
    __tablename__ = "addresses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(Text, default="")
    pref: Mapped[bool] = mapped_column(Boolean, default=False)
    po_box: Mapped[str] = mapped_column(Text, default="")
    extended: Mapped[str] = mapped_column(Text, default="")
    street: Mapped[str] = mapped_column(Text, default="")
    locality: Mapped[str] = mapped_column(Text, default="")
    region: Mapped[str] = mapped_column(Text, default="")
    postal_code: Mapped[str] = mapped_column(Text, default="")
    country: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    params_json: Mapped[str] = mapped_column(Text, default="", server_default="")  # see ContactPointRow

    contact: Mapped[Contact] = relationship(back_populates="addresses")

    __table_args__ = (Index("ix_addresses_contact_id", "contact_id"),)


class AppSetting(Base):
    """Settings that belong to a database rather than to a user's machine (the phone region its numbers assume)."""

    __tablename__ = "app_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class ContactPhoto(Base):
    """Kept out of ``contacts`` so that list queries never drag image bytes through the page cache."""

    __tablename__ = "contact_photos"

    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    name_folded: Mapped[str] = mapped_column(Text, unique=True)
    cadence_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    cadence_since: Mapped[date | None] = mapped_column(Date, nullable=True)

    contacts: Mapped[list[Contact]] = relationship(secondary="contact_tags", back_populates="tags")


class ContactTag(Base):
    __tablename__ = "contact_tags"

    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)

    # A tag's members from the index alone (migration 0011): sync's "new in the tag?" check, the tag filter.
    __table_args__ = (Index("ix_contact_tags_tag_contact", "tag_id", "contact_id"),)


class Interaction(Base):
    __tablename__ = "interactions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime)
    kind: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(16), default="")
    direction: Mapped[str] = mapped_column(String(8), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    is_open: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(32), default="")
    external_id: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))  # raised on every update

    participants: Mapped[list[InteractionParticipant]] = relationship(
        back_populates="interaction", cascade="all, delete-orphan"
    )

    __table_args__ = (
        Index("ix_interactions_occurred_at", "occurred_at"),
        Index("ix_interactions_source_external_id", "source", "external_id"),
        # Favours are a few percent of all interactions: the ledger and the due list's nudges read only these.
        Index(
            "ix_interactions_favours",
            "kind",
            "is_open",
            sqlite_where=text("kind IN ('favour_given', 'favour_received')"),
        ),
    )


class InteractionParticipant(Base):
    __tablename__ = "interaction_participants"

    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"), primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), default="participant")

    interaction: Mapped[Interaction] = relationship(back_populates="participants")

    __table_args__ = (Index("ix_interaction_participants_contact_id", "contact_id"),)


class FavourGeneration(Base):
    """One row whose value triggers (migration 0002) change on every write to a favour or its participants."""

    __tablename__ = "favour_generation"
    # A derived counter that only ever grows: generic undo (services/undo.py) leaves it to its triggers.
    __table_args__ = {"info": {"undo": False}}  # noqa: RUF012 (read once by SQLAlchemy)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class DueGeneration(Base):
    """One row whose value triggers (migrations 0007, 0009) change on every write the Due list's sources read."""

    __tablename__ = "due_generation"
    # Derived, like favour_generation: generic undo (services/undo.py) leaves it to its triggers.
    __table_args__ = {"info": {"undo": False}}  # noqa: RUF012 (read once by SQLAlchemy)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class DueChange(Base):
    """What a write changed for the Due list (migration 0009's triggers): a contact, every contact (a tag's rhythm)
    or a table of records that are not one contact's; due() reads the rows after the last it saw."""

    __tablename__ = "due_changes"
    __table_args__ = {"info": {"undo": False}, "sqlite_autoincrement": True}  # noqa: RUF012 (derived, like above)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    what: Mapped[str] = mapped_column(String(32))  # "contact", "every_contact" or a table's name
    contact_id: Mapped[int | None] = mapped_column(Integer)
    token: Mapped[int] = mapped_column(Integer)  # random: tells this log's rows from a restored backup's


class ContactHistory(Base):
    """Old values of fields that changed (people change jobs): kept for the timeline."""

    __tablename__ = "contact_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    field: Mapped[str] = mapped_column(String(32))
    old_value: Mapped[str] = mapped_column(Text, default="")
    new_value: Mapped[str] = mapped_column(Text, default="")
    changed_at: Mapped[datetime] = mapped_column(DateTime)
    source: Mapped[str] = mapped_column(String(32), default="")

    __table_args__ = (
        Index("ix_contact_history_contact_id", "contact_id"),
        Index("ix_contact_history_job_changes", "changed_at", sqlite_where=text("field IN ('organization', 'title')")),
    )


class Invitation(Base):
    """An incoming invitation from someone who is not a contact yet: pending until accepted or ignored."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    profile_url: Mapped[str] = mapped_column(Text, default="")
    message: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | accepted | ignored
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"), nullable=True)
    source: Mapped[str] = mapped_column(String(32), default="")
    external_id: Mapped[str] = mapped_column(Text, unique=True)

    __table_args__ = (Index("ix_invitations_pending", "sent_at", sqlite_where=text("status = 'pending'")),)


class Relationship(Base):
    """A known link between two contacts (knows, colleague, manager …)."""

    __tablename__ = "relationships"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    from_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    to_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(32), default="knows")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (
        UniqueConstraint("from_id", "to_id", "type", name="uq_relationships_pair_type"),
        Index("ix_relationships_from_id", "from_id"),
        Index("ix_relationships_to_id", "to_id"),
    )


class Goal(Base):
    __tablename__ = "goals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class GoalContact(Base):
    __tablename__ = "goal_contacts"

    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"), primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True)


class GoalInteraction(Base):
    __tablename__ = "goal_interactions"

    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"), primary_key=True)
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"), primary_key=True)


# --- CardDAV sync (netdesk/sync, services/sync.py; migration 0005) -----------------------------------------------


class SyncAccount(Base):
    """A CardDAV account of this database. Its password lives in the system keyring, never here."""

    __tablename__ = "sync_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    url: Mapped[str] = mapped_column(Text)
    username: Mapped[str] = mapped_column(Text)
    # PEM of a pinned certificate for a self-signed server (public data, not a secret); "" = the system's CAs.
    certificate: Mapped[str] = mapped_column(Text, default="")
    interval_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_sync_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")


class SyncBook(Base):
    """An address book of an account, synced into one tag."""

    __tablename__ = "sync_books"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("sync_accounts.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(Text)
    display_name: Mapped[str] = mapped_column(Text, default="")
    tag: Mapped[str] = mapped_column(Text, default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    sync_token: Mapped[str] = mapped_column(Text, default="")
    # The collection's CTag when the token was stored: the same CTag again means nothing changed on the server.
    ctag: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (UniqueConstraint("account_id", "url", name="uq_sync_books_account_url"),)


class SyncItem(Base):
    """One card of a book as last seen in step with the server: what an incremental sync compares against."""

    __tablename__ = "sync_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("sync_books.id", ondelete="CASCADE"))
    href: Mapped[str] = mapped_column(Text)
    etag: Mapped[str] = mapped_column(Text, default="")
    # SET NULL: a contact purged from the trash leaves its item behind, so the delete still reaches the server.
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"), nullable=True)
    # The server's card as last fetched or written: the common base of a three-way merge.
    card: Mapped[str] = mapped_column(Text, default="")
    # The contact's updated_at when it was last in step; any other value means a local edit to send.
    local_stamp: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    __table_args__ = (
        UniqueConstraint("book_id", "href", name="uq_sync_items_book_href"),
        Index("ix_sync_items_contact_id", "contact_id"),
        # Sync's "anything to send?" and "new in the tag?" checks read only this index (migration 0011).
        Index("ix_sync_items_book_contact_stamp", "book_id", "contact_id", "local_stamp"),
    )


# --- duplicates review (services/duplicates.py; migration 0010) ---------------------------------------------------


class DuplicateSuggestionRow(Base):
    """Two live contacts that may be one person, found at an import or by "Find duplicates", and what the user
    decided: "" (to review), "kept_apart" (never suggested again) or "merged"."""

    __tablename__ = "duplicate_suggestions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    first_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    second_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text, default="")  # "same email", "similar names"…
    found_by: Mapped[str] = mapped_column(String(8), default="scan")  # import | scan
    found_at: Mapped[datetime] = mapped_column(DateTime)
    decision: Mapped[str] = mapped_column(String(12), default="", server_default="")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    __table_args__ = (
        UniqueConstraint("first_id", "second_id", name="uq_duplicate_suggestions_pair"),
        CheckConstraint("first_id < second_id", name="ordered"),
        Index("ix_duplicate_suggestions_second_id", "second_id"),
    )
