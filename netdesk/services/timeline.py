"""TimelineService: log, edit, delete and list interactions; keeps "last contacted" and the notes index in step."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import Enum

from sqlalchemy import select, text
from sqlalchemy.orm import Session, selectinload, sessionmaker

from netdesk.core.changes import ChangeSet, Written
from netdesk.core.errors import EditConflict, NotFoundError, ValidationError
from netdesk.core.model import (
    Channel,
    Direction,
    InteractionDTO,
    InteractionKind,
    Participant,
    ParticipantRole,
)
from netdesk.core.versions import three_way
from netdesk.db import repository as repo
from netdesk.db import search
from netdesk.db.engine import write_transaction
from netdesk.db.interaction_rows import INTERACTION_COLUMNS, store_links
from netdesk.db.tables import Contact, Interaction, InteractionParticipant
from netdesk.services.exchanges import refresh_exchange_facts


def validate_interaction(i: InteractionDTO) -> None:
    if not i.participants:
        raise ValidationError("participants", "An interaction needs at least one contact.")
    if not (i.summary.strip() or i.notes.strip()) and i.kind is InteractionKind.NOTE:
        raise ValidationError("summary", "A note needs some text.")


def to_interaction_dto(row: Interaction, names: dict[int, str]) -> InteractionDTO:
    return InteractionDTO(
        id=row.id,
        occurred_at=row.occurred_at,
        kind=InteractionKind(row.kind),
        channel=Channel(row.channel),
        direction=Direction(row.direction),
        summary=row.summary,
        notes=row.notes,
        participants=tuple(
            Participant(p.contact_id, ParticipantRole(p.role), names.get(p.contact_id, ""))
            for p in sorted(row.participants, key=lambda p: (p.role != "participant", p.contact_id))
        ),
        is_open=row.is_open,
        source=row.source,
        external_id=row.external_id,
        version=row.version,
    )


def _what(i: InteractionDTO) -> str:
    """A short noun for change labels: "log", "favour", "note"."""
    if i.kind in (InteractionKind.FAVOUR_GIVEN, InteractionKind.FAVOUR_RECEIVED):
        return "favour"
    return "log"


def _with(i: InteractionDTO) -> str:
    names = [p.name for p in i.participants if p.name]
    if not names:
        return ""
    return "with " + (names[0] if len(names) == 1 else f"{names[0]} and {len(names) - 1} more")


def _changes(i: InteractionDTO, contact_ids: Sequence[int], label: str) -> ChangeSet:
    # Logs move last-contacted, strength and follow-ups (networking) and may count towards goals; the people's own
    # fields stay as they were.
    return ChangeSet(
        contacts=frozenset(contact_ids),
        contact_fields=False,
        interactions=frozenset({i.id}) if i.id is not None else frozenset(),
        networking=True,
        goals=True,
        label=label.strip(),
    )


def refresh_last_contacted(session: Session, contact_ids: Sequence[int]) -> None:
    """Recompute last_contacted (and the other exchange facts) of these contacts from their timelines."""
    refresh_exchange_facts(session, contact_ids)


def index_interactions(session: Session, rows: Sequence[Interaction]) -> None:
    if not rows:
        return
    session.execute(
        text("DELETE FROM interactions_fts WHERE rowid IN (SELECT value FROM json_each(:ids))"),
        {"ids": "[" + ",".join(str(r.id) for r in rows) + "]"},
    )
    session.execute(
        text("INSERT INTO interactions_fts(rowid, body) VALUES (:id, :body)"),
        [{"id": r.id, "body": f"{r.summary}\n{r.notes}"} for r in rows],
    )


class TimelineService:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def _names(self, s: Session, ids: set[int]) -> dict[int, str]:
        if not ids:
            return {}
        return dict(s.execute(select(Contact.id, Contact.display_name).where(Contact.id.in_(ids))).all())

    def _dtos(self, s: Session, rows: Sequence[Interaction]) -> list[InteractionDTO]:
        names = self._names(s, {p.contact_id for r in rows for p in r.participants})
        return [to_interaction_dto(r, names) for r in rows]

    def log(self, interaction: InteractionDTO) -> Written[InteractionDTO]:
        validate_interaction(interaction)
        with self._sessions.begin() as s:
            row = self._apply(s, Interaction(created_at=repo.utcnow()), interaction)
            s.add(row)
            s.flush()
            index_interactions(s, [row])
            refresh_last_contacted(s, interaction.contact_ids)
            logged = self._dtos(s, [row])[0]
        return Written(logged, _changes(logged, logged.contact_ids, f"{_what(logged)} {_with(logged)}"))

    def update(self, interaction: InteractionDTO, base: InteractionDTO | None = None) -> Written[InteractionDTO]:
        """Save ``interaction``; with ``base`` (as read before editing), changes made since merge field by field
        and a field changed both ways raises EditConflict (see ContactService.update)."""
        validate_interaction(interaction)
        with write_transaction(self._sessions) as s:
            row = s.get(Interaction, interaction.id)
            if row is None:
                raise NotFoundError(f"no interaction with id {interaction.id}")
            if base is not None and base.version != row.version:
                current = self._dtos(s, [row])[0]
                interaction, conflicts = three_way(base, interaction, current)
                if conflicts:
                    raise EditConflict(f"“{current.summary or current.kind.value}”", conflicts, interaction, current)
            before = [p.contact_id for p in row.participants]
            row.version = row.version + 1  # participants live in another table: a change of them alone counts too
            self._apply(s, row, interaction)
            s.flush()
            index_interactions(s, [row])
            touched = sorted(set(before) | set(interaction.contact_ids))
            refresh_last_contacted(s, touched)
            saved = self._dtos(s, [row])[0]
        return Written(saved, _changes(saved, touched, f"edit {_what(saved)} {_with(saved)}"))

    def delete(self, interaction_id: int) -> Written[None]:
        with self._sessions.begin() as s:
            row = s.get(Interaction, interaction_id)
            if row is None:
                raise NotFoundError(f"no interaction with id {interaction_id}")
            gone = self._dtos(s, [row])[0]
            ids = [p.contact_id for p in row.participants]
            s.delete(row)
            s.execute(text("DELETE FROM interactions_fts WHERE rowid = :id"), {"id": interaction_id})
            s.flush()
            refresh_last_contacted(s, ids)
        return Written(None, _changes(gone, ids, f"delete {_what(gone)} {_with(gone)}"))

    def get(self, interaction_id: int) -> InteractionDTO:
        with self._sessions() as s:
            row = s.get(Interaction, interaction_id)
            if row is None:
                raise NotFoundError(f"no interaction with id {interaction_id}")
            return self._dtos(s, [row])[0]

    def for_contact(self, contact_id: int, limit: int | None = None) -> list[InteractionDTO]:
        """The contact's timeline, newest first (as participant or as introducer)."""
        with self._sessions() as s:
            stmt = (
                select(Interaction)
                .join(InteractionParticipant, InteractionParticipant.interaction_id == Interaction.id)
                .where(InteractionParticipant.contact_id == contact_id)
                .options(selectinload(Interaction.participants))
                .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
                .limit(limit)
            )
            return self._dtos(s, s.scalars(stmt).unique().all())

    def recent(self, limit: int = 200, before: datetime | None = None) -> list[InteractionDTO]:
        """The global timeline, newest first."""
        with self._sessions() as s:
            stmt = select(Interaction).options(selectinload(Interaction.participants))
            if before is not None:
                stmt = stmt.where(Interaction.occurred_at < before)
            stmt = stmt.order_by(Interaction.occurred_at.desc(), Interaction.id.desc()).limit(limit)
            return self._dtos(s, s.scalars(stmt).all())

    def search(self, query: str, limit: int = 500) -> list[InteractionDTO]:
        match = search.match_expression(query)
        if not match:
            return self.recent(limit)
        with self._sessions() as s:
            stmt = (
                select(Interaction)
                .where(Interaction.id.in_(text("SELECT rowid FROM interactions_fts WHERE interactions_fts MATCH :m")))
                .params(m=match)
                .options(selectinload(Interaction.participants))
                .order_by(Interaction.occurred_at.desc())
                .limit(limit)
            )
            return self._dtos(s, s.scalars(stmt).all())

    @staticmethod
    def _apply(s: Session, row: Interaction, i: InteractionDTO) -> Interaction:
        row.occurred_at = i.occurred_at.replace(tzinfo=None)
        row.kind = InteractionKind(i.kind).value
        row.channel = Channel(i.channel).value
        row.direction = Direction(i.direction).value
        row.summary = i.summary
        row.notes = i.notes
        row.is_open = i.is_open
        row.source = i.source
        row.external_id = i.external_id
        seen: dict[int, str] = {}
        for p in i.participants:
            # One row per contact; an introducer who is also a participant counts as participant.
            if p.contact_id not in seen or p.role is ParticipantRole.PARTICIPANT:
                seen[p.contact_id] = ParticipantRole(p.role).value
        existing = s.scalars(select(Contact.id).where(Contact.id.in_(seen))).all()
        missing = set(seen) - set(existing)
        if missing:
            raise NotFoundError(f"no contact with id {sorted(missing)[0]}")
        row.participants = [InteractionParticipant(contact_id=cid, role=role) for cid, role in seen.items()]
        return row


_VALUES: dict[type[Enum], dict[str, str]] = {
    enum: {member.value: member.value for member in enum} for enum in (InteractionKind, Channel, Direction)
}


def bulk_insert_interactions(session: Session, interactions: Sequence[InteractionDTO]) -> list[int]:
    """Insert many interactions with Core executemany (imports bring tens of thousands); indexes their text.

    The caller refreshes last_contacted for the contacts involved.
    """
    if not interactions:
        return []
    created = repo.sqlite_datetime(repo.utcnow())
    stored = repo.sqlite_datetime  # occurred_at is local wall time: the writer drops any tzinfo
    # Enum lookups by dict (members hash as their values): calling the Enum per row costs more at import sizes.
    kinds, channels, directions = _VALUES[InteractionKind], _VALUES[Channel], _VALUES[Direction]
    try:
        rows = [
            (
                stored(i.occurred_at),
                kinds[i.kind],
                channels[i.channel],
                directions[i.direction],
                i.summary,
                i.notes,
                int(i.is_open),
                i.source,
                i.external_id,
                created,
            )
            for i in interactions
        ]
    except KeyError as exc:
        raise ValidationError("interaction", f"unknown kind, channel or direction {exc.args[0]!r}") from exc
    ids = repo.insert_tuples(session, "interactions", INTERACTION_COLUMNS, rows)
    del rows
    participants = []
    for iid, i in zip(ids, interactions, strict=True):
        if len(i.participants) == 1:  # the common case: nobody to see twice
            p = i.participants[0]
            participants.append((iid, p.contact_id, p.role.value))
            continue
        seen: set[int] = set()
        for p in i.participants:
            if p.contact_id not in seen:
                seen.add(p.contact_id)
                participants.append((iid, p.contact_id, p.role.value))
    documents = [(iid, f"{i.summary}\n{i.notes}") for iid, i in zip(ids, interactions, strict=True)]
    store_links(session, participants, documents)
    return ids


def existing_external_ids(session: Session, source: str) -> set[str]:
    """External ids already imported from ``source`` (so a re-import adds only what is new)."""
    return set(session.scalars(select(Interaction.external_id).where(Interaction.source == source)))
