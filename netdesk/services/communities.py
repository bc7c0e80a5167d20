"""CommunityService: communities, groups, events and conferences as records.

A community has a kind, a link, your role and a rhythm you aim for ("attend monthly": 1 in 30 days; "answer two
questions a week": 2 in 7 days). People are linked to it ("member of", "met at"), interactions and contributions
can belong to it, and its page shows its people, your activity and your rhythm. A lapsed rhythm is a Due item.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from netdesk.core import practices
from netdesk.core.changes import ChangeSet, Written
from netdesk.core.errors import NotFoundError, ValidationError
from netdesk.core.normalize import fold
from netdesk.core.practices import CommunityKind, CommunityRelation
from netdesk.db import repository as repo
from netdesk.db.tables import CommunityInteraction, CommunityPerson, CommunityRow, Contact, Interaction

CHANGED = frozenset({"community"})

# Your activity in a community: its interactions and its contributions (count in the window, last day ever).
COMMUNITY_ACTIVITY_SQL = """
SELECT SUM(d >= :since AND d <= :today), MAX(d) FROM (
  SELECT date(i.occurred_at) AS d FROM community_interactions ci JOIN interactions i ON i.id = ci.interaction_id
  WHERE ci.community_id = :cid
  UNION ALL SELECT occurred_on FROM contributions WHERE community_id = :cid)
"""


@dataclass(frozen=True, slots=True)
class CommunityDTO:
    name: str
    kind: CommunityKind = CommunityKind.COMMUNITY
    link: str = ""
    role: str = ""
    held_on: date | None = None
    rhythm_count: int | None = None
    rhythm_days: int | None = None
    rhythm_what: str = ""
    notes: str = ""
    id: int | None = None

    @property
    def rhythm(self) -> str:
        if self.rhythm_count is None or self.rhythm_days is None:
            return ""
        what = self.rhythm_what or "times"
        per = {7: "a week", 30: "a month", 31: "a month", 1: "a day", 365: "a year"}.get(
            self.rhythm_days, f"in {self.rhythm_days} days"
        )
        return f"{what}: {self.rhythm_count} {per}"


@dataclass(frozen=True, slots=True)
class CommunityMember:
    contact_id: int
    name: str
    relation: CommunityRelation


@dataclass(frozen=True, slots=True)
class CommunitySummary:
    community: CommunityDTO
    people: int
    activity_in_rhythm: int  # interactions and contributions in the rhythm's window (or the last 30 days)
    last_activity: date | None


def _dto(r: CommunityRow) -> CommunityDTO:
    return CommunityDTO(
        r.name,
        CommunityKind(r.kind),
        r.link,
        r.role,
        r.held_on,
        r.rhythm_count,
        r.rhythm_days,
        r.rhythm_what,
        r.notes,
        r.id,
    )


def _since(days: int, today: date) -> str:
    return (today - timedelta(days=days - 1)).isoformat()


def activity(s: Session, community_id: int, since: str, today: date) -> tuple[int, date | None]:
    """(count from ``since`` to ``today``, last date ever) of your interactions and contributions in a community."""
    done, last = s.execute(
        text(COMMUNITY_ACTIVITY_SQL), {"cid": community_id, "since": since, "today": today.isoformat()}
    ).one()
    return int(done or 0), (date.fromisoformat(last[:10]) if last else None)


class CommunityService:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    # --- the records -------------------------------------------------------------------------------------------

    def save(self, community: CommunityDTO) -> Written[CommunityDTO]:
        """Create (``id`` None) or update a community."""
        name = " ".join(community.name.split())
        if not name:
            raise ValidationError("name", "A community needs a name.")
        practices.check_rhythm(community.rhythm_count, community.rhythm_days)
        kind = CommunityKind(community.kind)
        link = community.link.strip()
        if link and not link.lower().startswith(("http://", "https://")):
            raise ValidationError("link", "A link starts with http:// or https://.")
        with self._sessions.begin() as s:
            clash = s.scalar(select(CommunityRow.id).where(CommunityRow.name_folded == fold(name)))
            if clash is not None and clash != community.id:
                raise ValidationError("name", f"There is already a community called {name}.")
            if community.id is None:
                row = CommunityRow(created_at=repo.utcnow())
                s.add(row)
            else:
                row = self._row(s, community.id)
            row.name, row.name_folded, row.kind, row.link = name, fold(name), kind.value, link
            row.role, row.held_on, row.notes = community.role.strip(), community.held_on, community.notes
            row.rhythm_count, row.rhythm_days = community.rhythm_count, community.rhythm_days
            row.rhythm_what = community.rhythm_what.strip()
            s.flush()
            members = list(s.scalars(select(CommunityPerson.contact_id).where(CommunityPerson.community_id == row.id)))
            if community.id is not None and members:
                repo.refresh_fts(s, sorted(set(members)))  # the search finds people by the community's new name
            result = _dto(row)
        return Written(result, ChangeSet(networking=True, records=CHANGED, label=f"community {name}"))

    def delete(self, community_id: int) -> Written[None]:
        with self._sessions.begin() as s:
            row = self._row(s, community_id)
            members = sorted(
                set(s.scalars(select(CommunityPerson.contact_id).where(CommunityPerson.community_id == community_id)))
            )
            s.delete(row)
            s.flush()
            repo.refresh_fts(s, members)
            name = row.name
        return Written(None, ChangeSet(networking=True, records=CHANGED, label=f"delete of {name}"))

    def get(self, community_id: int) -> CommunityDTO:
        with self._sessions() as s:
            return _dto(self._row(s, community_id))

    def overview(self, today: date | None = None) -> list[CommunitySummary]:
        today = today or date.today()
        with self._sessions() as s:
            counts = dict(
                s.execute(
                    select(CommunityPerson.community_id, func.count(func.distinct(CommunityPerson.contact_id)))
                    .join(Contact, Contact.id == CommunityPerson.contact_id)
                    .where(Contact.deleted_at.is_(None))
                    .group_by(CommunityPerson.community_id)
                ).all()
            )
            result = []
            for row in s.scalars(select(CommunityRow).order_by(CommunityRow.name_folded)):
                done, last = activity(s, row.id, _since(row.rhythm_days or 30, today), today)
                result.append(CommunitySummary(_dto(row), int(counts.get(row.id, 0)), done, last))
        return result

    def find(self, typed: str) -> list[CommunityDTO]:
        """Communities whose name holds every typed word as a prefix of one of its words (accents ignored)."""
        wanted = fold(typed).split()
        with self._sessions() as s:
            rows = s.scalars(select(CommunityRow).order_by(CommunityRow.name_folded)).all()
            return [
                _dto(r)
                for r in rows
                if all(any(w.startswith(t) for w in r.name_folded.replace("-", " ").split()) for t in wanted)
            ]

    # --- people ------------------------------------------------------------------------------------------------

    def link_person(
        self, community_id: int, contact_id: int, relation: CommunityRelation | str = CommunityRelation.MEMBER
    ) -> Written[CommunityMember]:
        rel = CommunityRelation(relation)
        with self._sessions.begin() as s:
            community = self._row(s, community_id)
            person = s.get(Contact, contact_id)
            if person is None or person.deleted_at is not None:
                raise NotFoundError(f"no contact with id {contact_id}")
            if s.get(CommunityPerson, (community_id, contact_id, rel.value)) is None:
                s.add(CommunityPerson(community_id=community_id, contact_id=contact_id, relation=rel.value))
                s.flush()
                repo.refresh_fts(s, [contact_id])
            member = CommunityMember(contact_id, person.display_name, rel)
            label = f"{person.display_name} {rel.label} {community.name}"
        return Written(member, ChangeSet(contacts=frozenset({contact_id}), records=CHANGED, label=label))

    def unlink_person(self, community_id: int, contact_id: int, relation: CommunityRelation | str) -> Written[None]:
        rel = CommunityRelation(relation)
        with self._sessions.begin() as s:
            s.execute(
                delete(CommunityPerson).where(
                    CommunityPerson.community_id == community_id,
                    CommunityPerson.contact_id == contact_id,
                    CommunityPerson.relation == rel.value,
                )
            )
            repo.refresh_fts(s, [contact_id])
        return Written(
            None, ChangeSet(contacts=frozenset({contact_id}), records=CHANGED, label="unlink from community")
        )

    def people(self, community_id: int, relation: CommunityRelation | str | None = None) -> list[CommunityMember]:
        """Live people linked to the community, by name."""
        with self._sessions() as s:
            self._row(s, community_id)
            stmt = (
                select(Contact.id, Contact.display_name, CommunityPerson.relation)
                .join(CommunityPerson, CommunityPerson.contact_id == Contact.id)
                .where(CommunityPerson.community_id == community_id, Contact.deleted_at.is_(None))
                .order_by(Contact.sort_key, Contact.id, CommunityPerson.relation)
            )
            if relation is not None:
                stmt = stmt.where(CommunityPerson.relation == CommunityRelation(relation).value)
            return [CommunityMember(cid, name, CommunityRelation(rel)) for cid, name, rel in s.execute(stmt)]

    def met_at(self, typed: str) -> tuple[CommunityDTO, list[CommunityMember]]:
        """ "Who did I meet at Platform Summit?": the best-named community (prefix words, accents ignored) and the
        people met there."""
        found = self.find(typed)
        if not found:
            raise NotFoundError(f"no community or event matches “{typed.strip()}”")
        exact = [c for c in found if fold(c.name) == fold(typed.strip())]
        community = (exact or found)[0]
        assert community.id is not None
        return community, self.people(community.id, CommunityRelation.MET_AT)

    def of_contact(self, contact_id: int) -> list[tuple[CommunityDTO, CommunityRelation]]:
        with self._sessions() as s:
            rows = s.execute(
                select(CommunityRow, CommunityPerson.relation)
                .join(CommunityPerson, CommunityPerson.community_id == CommunityRow.id)
                .where(CommunityPerson.contact_id == contact_id)
                .order_by(CommunityRow.name_folded)
            ).all()
            return [(_dto(r), CommunityRelation(rel)) for r, rel in rows]

    # --- activity ----------------------------------------------------------------------------------------------

    def attach_interaction(self, interaction_id: int, community_id: int | None) -> Written[None]:
        """Say which community an interaction belongs to (None: none)."""
        with self._sessions.begin() as s:
            interaction = s.get(Interaction, interaction_id)
            if interaction is None:
                raise NotFoundError(f"no interaction with id {interaction_id}")
            s.execute(delete(CommunityInteraction).where(CommunityInteraction.interaction_id == interaction_id))
            if community_id is not None:
                self._row(s, community_id)
                s.add(CommunityInteraction(interaction_id=interaction_id, community_id=community_id))
        return Written(
            None,
            ChangeSet(interactions=frozenset({interaction_id}), networking=True, records=CHANGED, label="community of"),
        )

    def community_of_interaction(self, interaction_id: int) -> int | None:
        with self._sessions() as s:
            return s.scalar(
                select(CommunityInteraction.community_id).where(CommunityInteraction.interaction_id == interaction_id)
            )

    def activity(self, community_id: int, today: date | None = None) -> tuple[int, date | None]:
        """Your activity in the community within its rhythm's window (else 30 days), and its last date."""
        today = today or date.today()
        with self._sessions() as s:
            row = self._row(s, community_id)
            return activity(s, community_id, _since(row.rhythm_days or 30, today), today)

    @staticmethod
    def _row(s: Session, community_id: int) -> CommunityRow:
        row = s.get(CommunityRow, community_id)
        if row is None:
            raise NotFoundError(f"no community with id {community_id}")
        return row


__all__ = [
    "CommunityDTO",
    "CommunityMember",
    "CommunityService",
    "CommunitySummary",
]
