"""ContactService: create, read, update, delete, search and trash contacts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from netdesk.core.errors import NotFoundError
from netdesk.core.model import (
    ContactDTO,
    ContactHistoryEntry,
    ContactRow,
    TagCount,
    TrashEntry,
    without_redundant_fn,
)
from netdesk.core.normalize import fold
from netdesk.core.validation import validate_contact
from netdesk.db import repository as repo
from netdesk.db.tables import Contact, ContactHistory, Tag

TRASH_DAYS = 30


class ContactService:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    # --- reading ---------------------------------------------------------------------------------------

    def rows(self, ids: Sequence[int] | None = None) -> list[ContactRow]:
        """The contact list's rows, sorted by name, in one lean query."""
        with self._sessions() as s:
            return repo.list_rows(s, ids)

    def search_ids(self, query: str = "", tag: str | None = None) -> list[int]:
        with self._sessions() as s:
            return repo.search_ids(s, query, tag)

    def match_ids(self, query: str = "", tag: str | None = None) -> frozenset[int] | None:
        """Unordered ids matching ``query`` and ``tag`` (None: no filter, everything matches).

        What the contact list uses: its rows are already sorted, so it only filters, and this skips the sort.
        """
        with self._sessions() as s:
            return repo.match_ids(s, query, tag)

    def search(self, query: str = "", tag: str | None = None) -> list[ContactDTO]:
        with self._sessions() as s:
            ids = repo.search_ids(s, query, tag)
            return repo.load_dtos(s, ids)

    def get(self, contact_id: int) -> ContactDTO:
        with self._sessions() as s:
            found = repo.load_dtos(s, [contact_id])
            if not found:
                raise NotFoundError(f"no contact with id {contact_id}")
            return found[0]

    def get_many(self, ids: Sequence[int]) -> list[ContactDTO]:
        with self._sessions() as s:
            return repo.load_dtos(s, ids)

    def count(self) -> int:
        with self._sessions() as s:
            return repo.count_live(s)

    def tags(self) -> list[TagCount]:
        with self._sessions() as s:
            return repo.tag_counts(s)

    def members_of(self, organization: str) -> list[ContactRow]:
        """People whose organisation is ``organization`` (case-insensitive)."""
        with self._sessions() as s:
            ids = list(
                s.scalars(
                    select(Contact.id).where(
                        Contact.deleted_at.is_(None),
                        Contact.kind == "person",
                        Contact.organization.ilike(organization.strip()),
                    )
                )
            )
            return repo.list_rows(s, ids)

    # --- writing ---------------------------------------------------------------------------------------

    def create(self, contact: ContactDTO) -> ContactDTO:
        validate_contact(contact)
        contact = without_redundant_fn(contact)
        with self._sessions.begin() as s:
            row = Contact()
            repo.apply_dto(s, row, contact)
            s.add(row)
            s.flush()
            repo.refresh_fts(s, [row.id])
            new_id = row.id
        return self.get(new_id)

    def update(self, contact: ContactDTO) -> ContactDTO:
        if contact.id is None:
            raise NotFoundError("cannot update a contact that has no id")
        validate_contact(contact)
        contact = without_redundant_fn(contact)
        with self._sessions.begin() as s:
            row = s.get(Contact, contact.id)
            if row is None or row.deleted_at is not None:
                raise NotFoundError(f"no contact with id {contact.id}")
            repo.apply_dto(s, row, contact)
            s.flush()
            repo.delete_unused_tags(s)
            repo.refresh_fts(s, [row.id])
        return self.get(row.id)

    def delete(self, ids: Sequence[int]) -> list[int]:
        """Move contacts to the trash (undoable); returns the ids actually moved."""
        with self._sessions.begin() as s:
            live = list(s.scalars(select(Contact.id).where(Contact.id.in_(ids), Contact.deleted_at.is_(None))))
            repo.set_deleted(s, live, repo.utcnow())
            repo.remove_from_fts(s, live)
        return live

    def restore(self, ids: Sequence[int]) -> list[int]:
        """Bring contacts back from the trash."""
        with self._sessions.begin() as s:
            dead = list(s.scalars(select(Contact.id).where(Contact.id.in_(ids), Contact.deleted_at.is_not(None))))
            repo.set_deleted(s, dead, None)
            repo.refresh_fts(s, dead)
        return dead

    def trash(self) -> list[TrashEntry]:
        with self._sessions() as s:
            rows = s.execute(
                select(Contact.id, Contact.display_name, Contact.deleted_at)
                .where(Contact.deleted_at.is_not(None))
                .order_by(Contact.deleted_at.desc())
            )
            return [TrashEntry(i, n, d) for i, n, d in rows if d is not None]

    def purge_trash(self, older_than_days: int = TRASH_DAYS) -> int:
        """Delete for good what has been in the trash longer than ``older_than_days``."""
        cutoff = repo.utcnow() - timedelta(days=older_than_days)
        with self._sessions.begin() as s:
            rows = list(s.scalars(select(Contact).where(Contact.deleted_at.is_not(None), Contact.deleted_at <= cutoff)))
            for row in rows:
                s.delete(row)
            s.flush()
            repo.delete_unused_tags(s)
            return len(rows)

    def set_tag_cadence(self, tag: str, days: int | None) -> None:
        with self._sessions.begin() as s:
            row = s.scalar(select(Tag).where(Tag.name_folded == fold(tag)))
            if row is None:
                raise NotFoundError(f"no tag {tag!r}")
            row.cadence_days = days

    def history(self, contact_id: int) -> list[ContactHistoryEntry]:
        """Former values of the contact's fields (job changes, merged-away names), newest first."""
        with self._sessions() as s:
            rows = s.scalars(
                select(ContactHistory)
                .where(ContactHistory.contact_id == contact_id)
                .order_by(ContactHistory.changed_at.desc(), ContactHistory.id.desc())
            )
            return [ContactHistoryEntry(r.field, r.old_value, r.new_value, r.changed_at, r.source) for r in rows]
