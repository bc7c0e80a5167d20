"""ContactService: create, read, update, delete, search and trash contacts."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from netdesk.core.changes import ChangeSet, Written
from netdesk.core.errors import EditConflict, NotFoundError, ValidationError
from netdesk.core.merge import merge_contacts
from netdesk.core.model import (
    ContactDTO,
    ContactHistoryEntry,
    ContactRow,
    TagCount,
    TrashEntry,
    display_name,
    without_redundant_fn,
)
from netdesk.core.normalize import fold
from netdesk.core.validation import validate_contact
from netdesk.core.versions import three_way
from netdesk.db import repository as repo
from netdesk.db import stars
from netdesk.db.engine import write_transaction
from netdesk.db.tables import Contact, ContactHistory, ContactPhoto, InteractionParticipant, Tag
from netdesk.services.bulk_reads import (
    DEFAULT_BATCH,
    BatchFact,
    ContactBatch,
    Render,
    Rendered,
    T,
    read_batches,
    render_batches,
)
from netdesk.services.collector import paused_collector
from netdesk.services.practice_links import move_practice_links
from netdesk.services.timeline import refresh_last_contacted

if TYPE_CHECKING:
    from netdesk.core.search_index import SearchIndex

TRASH_DAYS = 30


class ContactService:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    # --- reading ---------------------------------------------------------------------------------------

    def rows(self, ids: Sequence[int] | None = None) -> list[ContactRow]:
        """The contact list's rows, sorted by name, in one lean query."""
        # 100,000 new tuples and no cycles among them: a full collection meanwhile would walk them all while holding
        # the GIL, stalling the GUI thread that waits for this worker (see services/collector.py).
        with paused_collector(), self._sessions() as s:
            return repo.list_rows(s, ids)

    def photo_ids(self) -> frozenset[int]:
        """The contacts that have a photo (the list shows it instead of their initials): one primary-key scan."""
        with self._sessions() as s:
            return frozenset(s.scalars(select(ContactPhoto.contact_id)))

    def photos(self, ids: Sequence[int]) -> dict[int, bytes]:
        """The photos of ``ids`` (those that have one), for the avatars of the rows on screen."""
        found: dict[int, bytes] = {}
        with self._sessions() as s:
            for start in range(0, len(ids), 500):
                chunk = list(ids[start : start + 500])
                query = select(ContactPhoto.contact_id, ContactPhoto.data).where(ContactPhoto.contact_id.in_(chunk))
                found.update((cid, bytes(data)) for cid, data in s.execute(query))
        return found

    def search_ids(self, query: str = "", tag: str | None = None, starred: bool = False) -> list[int]:
        with paused_collector(), self._sessions() as s:
            return repo.search_ids(s, query, tag, starred)

    def match_ids(self, query: str = "", tag: str | None = None, starred: bool = False) -> frozenset[int] | None:
        """Unordered ids matching ``query``, ``tag`` and (with ``starred``) starred (None: everything matches).

        What the contact list uses: its rows are already sorted, so it only filters, and this skips the sort.
        """
        with self._sessions() as s:
            return repo.match_ids(s, query, tag, starred)

    def starred_count(self) -> int:
        with self._sessions() as s:
            return stars.starred_count(s)

    def search_index(self) -> SearchIndex:
        """The full-text index's words held in memory, for the contact list's search as the user types."""
        from netdesk.db import search_vocab  # numpy: not imported before the window shows

        with paused_collector(), self._sessions() as s:
            return search_vocab.read_search_index(s)

    def search_documents(self, ids: Sequence[int]) -> dict[int, str | None]:
        """What the search finds each of ``ids`` by (None: not searchable, e.g. deleted), to update a SearchIndex."""
        from netdesk.db import search_vocab

        with self._sessions() as s:
            return search_vocab.search_documents(s, ids)

    def search(self, query: str = "", tag: str | None = None) -> list[ContactDTO]:
        with self._sessions() as s:
            ids = repo.search_ids(s, query, tag)
            return repo.load_dtos(s, ids)

    def batches(
        self,
        query: str = "",
        tag: str | None = None,
        *,
        ids: Sequence[int] | None = None,
        batch_size: int = DEFAULT_BATCH,
        with_photo: bool = True,
        facts: Mapping[str, BatchFact] | None = None,
    ) -> Iterator[ContactBatch]:
        """Every chosen contact, in list order, a batch at a time (the whole network in flat memory; see
        ``services.bulk_reads``): for `list`, exports and any pass over all contacts."""
        return read_batches(
            self._sessions, ids=ids, query=query, tag=tag, batch_size=batch_size, with_photo=with_photo, facts=facts
        )

    def render(
        self,
        render: Render[T],
        query: str = "",
        tag: str | None = None,
        *,
        ids: Sequence[int] | None = None,
        with_photo: bool = True,
        facts: Mapping[str, BatchFact] | None = None,
        workers: int = 1,
    ) -> Iterator[Rendered[T]]:
        """``render`` over every chosen contact, batch by batch in list order, as each is ready
        (``services.bulk_reads.render_batches``): `list` and exports."""
        return render_batches(
            self._sessions, render, ids=ids, query=query, tag=tag, with_photo=with_photo, facts=facts, workers=workers
        )

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

    def has_contacts(self) -> bool:
        """Whether any contact is live: one index probe, where ``count`` walks the whole index (70 ms at 100,000
        contacts on a busy machine, on the GUI thread while the window is built)."""
        with self._sessions() as s:
            return repo.has_live(s)

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

    def _who(self, ids: Sequence[int]) -> str:
        """ "Priya Shah", or "3 contacts": for change labels."""
        if len(ids) != 1:
            return f"{len(ids)} contacts"
        with self._sessions() as s:
            return s.scalar(select(Contact.display_name).where(Contact.id == ids[0])) or "1 contact"

    def create(self, contact: ContactDTO) -> Written[ContactDTO]:
        validate_contact(contact)
        contact = without_redundant_fn(contact)
        with self._sessions.begin() as s:
            row = Contact()
            repo.apply_dto(s, row, contact)
            s.add(row)
            s.flush()
            repo.refresh_fts(s, [row.id])
            new_id = row.id
        created = self.get(new_id)
        return Written(
            created, ChangeSet(contacts=frozenset({new_id}), tags=bool(created.tags), label=f"create {created.name}")
        )

    def update(self, contact: ContactDTO, base: ContactDTO | None = None) -> Written[ContactDTO]:
        """Save ``contact``. With ``base`` (the contact as read before editing): when it has been changed since
        (an import, another window), the changes merge field by field; a field changed both ways raises
        EditConflict with both values and nothing is written. Without ``base``, ``contact`` is written as it is.
        """
        if contact.id is None:
            raise NotFoundError("cannot update a contact that has no id")
        validate_contact(contact)
        contact = without_redundant_fn(contact)
        with write_transaction(self._sessions) as s:  # the version read and the write, under one lock
            row = s.get(Contact, contact.id)
            if row is None or row.deleted_at is not None:
                raise NotFoundError(f"no contact with id {contact.id}")
            if base is not None and base.version != row.version:
                current = repo.load_dtos(s, [row.id])[0]
                contact, conflicts = three_way(without_redundant_fn(base), contact, current)
                if conflicts:
                    raise EditConflict(display_name(current), conflicts, contact, current)
            repo.apply_dto(s, row, contact)
            s.flush()
            repo.delete_unused_tags(s)
            repo.refresh_fts(s, [row.id])
        saved = self.get(row.id)
        return Written(saved, ChangeSet(contacts=frozenset({row.id}), tags=True, label=f"edit {saved.name}"))

    def delete(self, ids: Sequence[int]) -> Written[list[int]]:
        """Move contacts to the trash (undoable); returns the ids actually moved."""
        label = f"delete {self._who(ids)}"
        with self._sessions.begin() as s:
            live = list(s.scalars(select(Contact.id).where(Contact.id.in_(ids), Contact.deleted_at.is_(None))))
            repo.set_deleted(s, live, repo.utcnow())
            repo.remove_from_fts(s, live)
        return Written(live, ChangeSet(contacts=frozenset(live), tags=True, networking=True, goals=True, label=label))

    def set_starred(self, ids: Sequence[int], starred: bool = True) -> Written[list[int]]:
        """Star (Google's star, exported as Google writes it) or unstar contacts; returns the ids that changed."""
        label = f"{'star' if starred else 'unstar'} {self._who(ids)}"
        with self._sessions.begin() as s:
            changed = stars.set_starred(s, ids, starred, repo.utcnow())
        return Written(changed, ChangeSet(contacts=frozenset(changed), label=label))

    def restore(self, ids: Sequence[int]) -> Written[list[int]]:
        """Bring contacts back from the trash."""
        with self._sessions.begin() as s:
            dead = list(s.scalars(select(Contact.id).where(Contact.id.in_(ids), Contact.deleted_at.is_not(None))))
            repo.set_deleted(s, dead, None)
            repo.refresh_fts(s, dead)
        return Written(
            dead,
            ChangeSet(
                contacts=frozenset(dead), tags=True, networking=True, goals=True, label=f"restore {self._who(dead)}"
            ),
        )

    def trash(self) -> list[TrashEntry]:
        with self._sessions() as s:
            rows = s.execute(
                select(Contact.id, Contact.display_name, Contact.deleted_at)
                .where(Contact.deleted_at.is_not(None))
                .order_by(Contact.deleted_at.desc())
            )
            return [TrashEntry(i, n, d) for i, n, d in rows if d is not None]

    def purge_trash(self, older_than_days: int = TRASH_DAYS) -> Written[int]:
        """Delete for good what has been in the trash longer than ``older_than_days``."""
        cutoff = repo.utcnow() - timedelta(days=older_than_days)
        with self._sessions.begin() as s:
            rows = list(s.scalars(select(Contact).where(Contact.deleted_at.is_not(None), Contact.deleted_at <= cutoff)))
            for row in rows:
                s.delete(row)
            gone = frozenset(r.id for r in rows)
            s.flush()
            repo.delete_unused_tags(s)
        return Written(len(gone), ChangeSet(contacts=gone, tags=bool(gone), label="empty the trash"))

    def set_tag_cadence(self, tag: str, days: int | None) -> Written[None]:
        with self._sessions.begin() as s:
            row = s.scalar(select(Tag).where(Tag.name_folded == fold(tag)))
            if row is None:
                raise NotFoundError(f"no tag {tag!r}")
            row.cadence_days = days
        return Written(None, ChangeSet(tags=True, networking=True, label=f"rhythm for {tag}"))

    def history(self, contact_id: int) -> list[ContactHistoryEntry]:
        """Former values of the contact's fields (job changes, merged-away names), newest first."""
        with self._sessions() as s:
            rows = s.scalars(
                select(ContactHistory)
                .where(ContactHistory.contact_id == contact_id)
                .order_by(ContactHistory.changed_at.desc(), ContactHistory.id.desc())
            )
            return [ContactHistoryEntry(r.field, r.old_value, r.new_value, r.changed_at, r.source) for r in rows]

    # --- merging duplicates ------------------------------------------------------------------------------------

    def merge(self, keep_id: int, other_ids: Sequence[int]) -> Written[int]:
        """Merge ``other_ids`` into ``keep_id``: every value is united (the kept contact's win; the others'
        differing values go to its history), their interactions move to the kept contact, and they go to the
        trash. Returns the kept contact's id; the generic undo (services/undo.py) reverses it exactly.
        """
        with self._sessions.begin() as s:
            return merge_in(s, keep_id, other_ids)

    @staticmethod
    def _move_participations(s: Session, from_ids: Sequence[int], to_id: int) -> list[tuple[int, int, str, bool]]:
        """Re-point the others' interaction participations to ``to_id``; returns what was moved, for undo."""
        rows = s.execute(
            select(
                InteractionParticipant.interaction_id, InteractionParticipant.contact_id, InteractionParticipant.role
            ).where(InteractionParticipant.contact_id.in_(from_ids))
        ).all()
        already = set(
            s.scalars(select(InteractionParticipant.interaction_id).where(InteractionParticipant.contact_id == to_id))
        )
        moved = []
        for interaction_id, contact_id, role in rows:
            kept_had_it = interaction_id in already
            s.execute(
                delete(InteractionParticipant).where(
                    InteractionParticipant.interaction_id == interaction_id,
                    InteractionParticipant.contact_id == contact_id,
                )
            )
            if not kept_had_it:
                s.add(InteractionParticipant(interaction_id=interaction_id, contact_id=to_id, role=role))
                already.add(interaction_id)
            moved.append((interaction_id, contact_id, role, kept_had_it))
        s.flush()
        return moved


def merge_in(
    s: Session, keep_id: int, other_ids: Sequence[int], other_wins: frozenset[str] = frozenset()
) -> Written[int]:
    """``ContactService.merge`` inside the caller's transaction; for the scalar fields named in ``other_wins`` the
    other contact's value is kept instead (the kept contact's goes to its history)."""
    others = [i for i in dict.fromkeys(other_ids) if i != keep_id]
    if not others:
        raise ValidationError("contacts", "Choose at least two contacts to merge.")
    found = {c.id: c for c in repo.load_dtos(s, [keep_id, *others])}
    live = set(s.scalars(select(Contact.id).where(Contact.id.in_(found), Contact.deleted_at.is_(None))))
    missing = [i for i in (keep_id, *others) if i not in live]
    if missing:
        raise NotFoundError(f"no contact with id {missing[0]}")
    merged = found[keep_id]
    lost: list[tuple[str, str, str]] = []
    for other in others:
        merged, changes = merge_contacts(merged, found[other], incoming_wins_fields=other_wins)
        lost += [(ch.field, ch.old_value, ch.new_value) for ch in changes]
    row = s.get(Contact, keep_id)
    if row is None:
        raise NotFoundError(f"no contact with id {keep_id}")
    repo.apply_dto(s, row, merged)
    for f, old, new in lost:
        s.add(
            ContactHistory(
                contact_id=keep_id, field=f, old_value=old, new_value=new, changed_at=repo.utcnow(), source="merge"
            )
        )
    moved = ContactService._move_participations(s, others, keep_id)
    move_practice_links(s, others, keep_id)  # communities, offers and needs, introductions (issue 15)
    repo.set_deleted(s, others, repo.utcnow())
    repo.remove_from_fts(s, others)
    s.flush()
    refresh_last_contacted(s, [keep_id])
    repo.refresh_fts(s, [keep_id])
    return Written(
        keep_id,
        ChangeSet(
            contacts=frozenset({keep_id, *others}),
            interactions=frozenset(m[0] for m in moved),
            tags=True,
            networking=True,
            goals=True,
            label=f"merge into {merged.name}",
        ),
    )
