"""Incoming invitations from people who are not contacts yet: kept pending until the user accepts or ignores them.

Accepting makes a contact (connected that day, so the follow-up pipeline starts) and records the invitation on their
timeline; ignoring is remembered, so a later import of the same export does not bring the invitation back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from netdesk.core.changes import ChangeSet, Written
from netdesk.core.errors import NotFoundError, ValidationError
from netdesk.core.model import Channel, ContactDTO, ContactPoint, Direction, InteractionKind
from netdesk.db import repository as repo
from netdesk.db.tables import Contact, Interaction, InteractionParticipant, Invitation
from netdesk.services.exchanges import refresh_exchange_facts

PENDING, ACCEPTED, IGNORED = "pending", "accepted", "ignored"


@dataclass(frozen=True, slots=True)
class InvitationInfo:
    id: int
    name: str
    profile_url: str
    message: str
    sent_at: datetime
    status: str
    contact_id: int | None = None


def store_pending_invitations(
    s: Session,
    rows: Sequence[tuple[str, str, str, str, datetime]],
    answered: Mapping[str, int],
    source: str,
) -> None:
    """Record (external id, name, profile URL, message, sent at) invitations not seen before; mark those whose sender
    is a contact now as accepted."""
    connection = s.connection()
    if rows:
        connection.exec_driver_sql(
            "INSERT OR IGNORE INTO invitations (name, profile_url, message, sent_at, status, source, external_id)"
            " VALUES (?, ?, ?, ?, 'pending', ?, ?)",
            [(name, url, message, repo.sqlite_datetime(when), source, xid) for xid, name, url, message, when in rows],
        )
    if answered:
        connection.exec_driver_sql(
            "UPDATE invitations SET status = 'accepted', contact_id = ?, decided_at = ?"
            " WHERE external_id = ? AND status = 'pending'",
            [(cid, repo.sqlite_datetime(repo.utcnow()), xid) for xid, cid in answered.items()],
        )


class InvitationService:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def pending(self) -> list[InvitationInfo]:
        with self._sessions() as s:
            rows = s.scalars(select(Invitation).where(Invitation.status == PENDING).order_by(Invitation.sent_at))
            return [_info(r) for r in rows]

    def accept(self, invitation_id: int, today: date | None = None) -> Written[int]:
        """Make the inviter a contact, connected today; returns the new contact's id."""
        today = today or date.today()
        with self._sessions.begin() as s:
            row = self._pending(s, invitation_id)
            given, _, family = row.name.strip().partition(" ")
            dto = ContactDTO(
                given_name=given,
                family_name=family,
                formatted_name="" if given or family else row.name,
                urls=(ContactPoint(row.profile_url, label="linkedin"),) if row.profile_url else (),
                connected_on=today,
            )
            contact = Contact()
            repo.apply_dto(s, contact, dto)
            s.add(contact)
            s.flush()
            repo.refresh_fts(s, [contact.id])
            cid = contact.id
            interaction = Interaction(
                occurred_at=row.sent_at,
                kind=InteractionKind.CONNECTION_REQUEST.value,
                channel=Channel.ONLINE.value,
                direction=Direction.IN.value,
                summary="Connection request received" + (" with a note" if row.message.strip() else ""),
                notes=row.message,
                source=row.source,
                external_id=row.external_id,
                created_at=repo.utcnow(),
            )
            interaction.participants = [InteractionParticipant(contact_id=cid, role="participant")]
            s.add(interaction)
            row.status, row.contact_id, row.decided_at = ACCEPTED, cid, repo.utcnow()
            s.flush()
            refresh_exchange_facts(s, [cid])
            label = f"accept {row.name}"
            return Written(
                cid,
                ChangeSet(
                    contacts=frozenset({cid}),
                    interactions=frozenset({interaction.id}),
                    networking=True,
                    records=frozenset({"invitation"}),
                    label=label,
                ),
            )

    def ignore(self, invitation_id: int) -> Written[None]:
        with self._sessions.begin() as s:
            row = self._pending(s, invitation_id)
            row.status, row.decided_at = IGNORED, repo.utcnow()
            return Written(
                None, ChangeSet(networking=True, records=frozenset({"invitation"}), label=f"ignore {row.name}")
            )

    @staticmethod
    def _pending(s: Session, invitation_id: int) -> Invitation:
        row = s.get(Invitation, invitation_id)
        if row is None:
            raise NotFoundError(f"no invitation with id {invitation_id}")
        if row.status != PENDING:
            raise ValidationError("invitation", f"The invitation from {row.name} was already {row.status}.")
        return row


def _info(r: Invitation) -> InvitationInfo:
    return InvitationInfo(r.id, r.name, r.profile_url, r.message, r.sent_at, r.status, r.contact_id)
