"""Relationships between contacts, logged introductions, and "Who can introduce me?" (one and two hops, warm paths
first). A part of ``NetworkingService`` (its public API is unchanged)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from netdesk.core import networking as rules
from netdesk.core.changes import ChangeSet, Written
from netdesk.core.errors import NotFoundError, ValidationError
from netdesk.core.model import InteractionDTO, InteractionKind, Participant, ParticipantRole
from netdesk.core.networking import IntroPath
from netdesk.core.normalize import fold
from netdesk.db import repository as repo
from netdesk.db import search
from netdesk.db.tables import Contact, Relationship
from netdesk.services.owner import owner_name
from netdesk.services.timeline import TimelineService


@dataclass(frozen=True, slots=True)
class Relation:
    """A relationship as seen from one contact: ``role`` is what the other person is to them."""

    id: int
    other_id: int
    other_name: str
    role: str
    notes: str = ""


def ids_json(ids: Iterable[int]) -> str:
    """Id lists travel as one JSON parameter (json_each) so that SQLite's bound-parameter limit never bites."""
    return json.dumps(sorted(set(ids)))


def networking_change(contact_ids: int | tuple[int, ...], label: str) -> ChangeSet:
    """A change to networking facts (rhythm, snooze, follow-up, relationship) of these contacts."""
    ids = (contact_ids,) if isinstance(contact_ids, int) else contact_ids
    return ChangeSet(contacts=frozenset(ids), networking=True, label=label)


class RelationshipPaths:
    """Relationships, introductions and introduction paths; ``NetworkingService`` provides the sessions, the
    timeline and the strength scores the paths are ranked by."""

    _sessions: sessionmaker[Session]
    _timeline: TimelineService

    def _strength_scores(self, s: Session, ids: Sequence[int] | None, today: date) -> dict[int, int]:
        raise NotImplementedError  # NetworkingService's strength section

    # --- relationships and introductions -----------------------------------------------------------------

    def add_relationship(self, a_id: int, b_id: int, kind: str, notes: str = "") -> Written[Relation]:
        """Record "a is b's <kind>"; returns the relationship as seen from ``a`` (adding it twice is harmless)."""
        if a_id == b_id:
            raise ValidationError("to_id", "A relationship needs two different people.")
        from_id, to_id, stored = rules.canonical_relationship(a_id, b_id, kind)
        with self._sessions.begin() as s:
            for cid in (a_id, b_id):
                repo.live_contact(s, cid)
            row = s.scalar(
                select(Relationship).where(
                    Relationship.from_id == from_id, Relationship.to_id == to_id, Relationship.type == stored
                )
            )
            if row is None:
                row = Relationship(from_id=from_id, to_id=to_id, type=stored, notes=notes, created_at=repo.utcnow())
                s.add(row)
                s.flush()
            elif notes and not row.notes:
                row.notes = notes
            other = repo.live_contact(s, b_id)
            relation = Relation(row.id, b_id, other.display_name, rules.role_of_other(a_id, from_id, stored), row.notes)
            first = repo.live_contact(s, a_id).display_name
        return Written(relation, networking_change((a_id, b_id), f"relationship of {first} and {other.display_name}"))

    def remove_relationship(self, relationship_id: int) -> Written[None]:
        with self._sessions.begin() as s:
            row = s.get(Relationship, relationship_id)
            if row is None:
                raise NotFoundError(f"no relationship with id {relationship_id}")
            pair = (row.from_id, row.to_id)
            s.delete(row)
        return Written(None, networking_change(pair, "removal of a relationship"))

    def relationships_of(self, contact_id: int) -> list[Relation]:
        """The contact's relationships, read from their side, by name of the other person."""
        with self._sessions() as s:
            rows = s.execute(
                select(
                    Relationship.id,
                    Relationship.from_id,
                    Relationship.to_id,
                    Relationship.type,
                    Relationship.notes,
                    Contact.display_name,
                    Contact.sort_key,
                )
                .join(
                    Contact,
                    Contact.id
                    == func.iif(Relationship.from_id == contact_id, Relationship.to_id, Relationship.from_id),
                )
                .where(
                    (Relationship.from_id == contact_id) | (Relationship.to_id == contact_id),
                    Contact.deleted_at.is_(None),
                )
            ).all()
        result = []
        for rid, from_id, to_id, kind, notes, name, _key in sorted(rows, key=lambda r: (r[6], r[0])):
            other = to_id if from_id == contact_id else from_id
            result.append(Relation(rid, other, name, rules.role_of_other(contact_id, from_id, kind), notes))
        return result

    def log_introduction(
        self, introducer_id: int | None, a_id: int, b_id: int, when: datetime | None = None, notes: str = ""
    ) -> Written[InteractionDTO]:
        """Record that ``introducer_id`` (None: you) introduced a and b: one interaction on their timelines.

        The two introduced people also get a "knows" relationship, so later introductions can build on it.
        """
        people = [c for c in (introducer_id, a_id, b_id) if c is not None]
        if len(set(people)) != len(people) or a_id == b_id:
            raise ValidationError("participants", "An introduction needs an introducer and two other people.")
        with self._sessions() as s:
            names = {cid: repo.live_contact(s, cid).display_name for cid in people}
            you = owner_name(s)
        by = names[introducer_id] if introducer_id is not None else you
        participants = [Participant(a_id), Participant(b_id)]
        if introducer_id is not None:
            participants.append(Participant(introducer_id, ParticipantRole.INTRODUCER))
        logged = self._timeline.log(
            InteractionDTO(
                occurred_at=when or repo.utcnow(),
                kind=InteractionKind.INTRODUCTION,
                summary=f"{by} introduced {names[a_id]} and {names[b_id]}",
                notes=notes,
                participants=tuple(participants),
            )
        )
        related = self.add_relationship(a_id, b_id, "knows", f"introduced by {by}")
        label = f"introduction of {names[a_id]} and {names[b_id]}"
        return Written(logged.value, ChangeSet(label=label) | logged.changes | related.changes)

    def introducers_for(
        self, target_contact_id: int | None = None, organization: str | None = None, limit: int = 20
    ) -> list[IntroPath]:
        """Who can introduce the user to a person or an organisation, best first.

        One hop: people the user is in touch with (strength above zero) who know the target or work at the
        target's organisation. Two hops (you -> A -> B -> target) when no such person exists. People who know
        the target but whom the user has no contact with come last, as a hint.
        """
        org = (organization or "").strip()
        if target_contact_id is None and not org:
            raise ValidationError("target", "Pick a person or type an organisation.")
        with self._sessions() as s:
            target_name = ""
            exclude: set[int] = set()
            if target_contact_id is not None:
                target = repo.live_contact(s, target_contact_id)
                target_name = target.display_name or f"contact #{target.id}"
                exclude.add(target.id)
                if not org:
                    # An organisation contact stands for its own name.
                    org = target.organization.strip() or (target.display_name if target.kind == "organization" else "")
            # candidate -> best reason (one hop)
            reasons: dict[int, str] = {}
            names: dict[int, str] = {}
            if target_contact_id is not None:
                for other, role, name in self._neighbours(s, [target_contact_id]).get(target_contact_id, []):
                    if other not in exclude:
                        reasons.setdefault(other, rules.relation_phrase(role, target_name))
                        names[other] = name
            org_members: dict[int, tuple[str, str, str]] = {}
            if org:
                org_members = self._members(s, org)
                for cid, (name, title, stored_org) in org_members.items():
                    if cid in exclude:
                        continue
                    phrase = rules.works_at_phrase(stored_org, title)
                    if target_contact_id is not None:
                        phrase += f" with {target_name}"
                    reasons.setdefault(cid, phrase)
                    names[cid] = name
            scores = self._strength_scores(s, list(reasons), date.today())
            warm = [
                IntroPath((cid,), (names[cid],), reasons[cid], scores.get(cid, 0))
                for cid in reasons
                if scores.get(cid, 0) > 0
            ]
            paths = list(warm)
            if not warm and reasons:
                paths += self._two_hop_paths(s, reasons, names, exclude)
            if len(paths) < limit:
                paths += [
                    IntroPath((cid,), (names[cid],), reasons[cid] + " (you are not in touch)", 0)
                    for cid in reasons
                    if scores.get(cid, 0) <= 0
                ]
        paths.sort(key=lambda p: (-p.score, p.hops, tuple(n.casefold() for n in p.via_names)))
        return paths[:limit]

    def _two_hop_paths(
        self, s: Session, reasons: dict[int, str], names: dict[int, str], exclude: set[int]
    ) -> list[IntroPath]:
        """you -> A -> B -> target, where B is one of the (cold) one-hop people and A someone the user knows."""
        neighbours = self._neighbours(s, list(reasons))
        middle = {a for links in neighbours.values() for a, _, _ in links} - exclude - set(reasons)
        scores = self._strength_scores(s, list(middle), date.today())
        best: dict[int, IntroPath] = {}
        for b_id, links in neighbours.items():
            for a_id, role, a_name in links:
                score = round(scores.get(a_id, 0) * rules.TWO_HOP_FACTOR)
                if a_id not in middle or score <= 0:
                    continue
                path = IntroPath(
                    (a_id, b_id),
                    (a_name, names[b_id]),
                    f"{rules.relation_phrase(role, names[b_id])}, {rules.who_clause(reasons[b_id])}",
                    score,
                )
                if a_id not in best or best[a_id].score < path.score:
                    best[a_id] = path
        return list(best.values())

    def _neighbours(self, s: Session, ids: Sequence[int]) -> dict[int, list[tuple[int, str, str]]]:
        """For each id: (other id, what the other is to them, other's name), live contacts only."""
        if not ids:
            return {}
        rows = s.execute(
            text(
                "SELECT r.from_id, r.to_id, r.type, cf.display_name, ct.display_name FROM relationships r"
                " JOIN contacts cf ON cf.id = r.from_id JOIN contacts ct ON ct.id = r.to_id"
                " WHERE cf.deleted_at IS NULL AND ct.deleted_at IS NULL AND (r.from_id IN (SELECT value FROM"
                " json_each(:ids)) OR r.to_id IN (SELECT value FROM json_each(:ids)))"
            ),
            {"ids": ids_json(ids)},
        ).all()
        wanted = set(ids)
        result: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
        for from_id, to_id, kind, from_name, to_name in rows:
            # Each neighbour comes with its role towards the key person ("manager" of Ada).
            if from_id in wanted:
                result[from_id].append((to_id, rules.role_of_other(from_id, from_id, kind), to_name))
            if to_id in wanted:
                result[to_id].append((from_id, rules.role_of_other(to_id, from_id, kind), from_name))
        return {k: sorted(v, key=lambda t: t[0]) for k, v in result.items()}

    def _members(self, s: Session, organization: str) -> dict[int, tuple[str, str, str]]:
        """Live people whose organisation is ``organization`` (case-insensitive): id -> (name, title, org as stored)."""
        match = search.match_expression(organization)
        wanted = organization.casefold()
        if match:
            # The full-text index narrows 100,000 rows to a handful before the exact comparison.
            rows = s.execute(
                text(
                    "SELECT id, display_name, title, organization FROM contacts WHERE id IN"
                    " (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH :m)"
                    " AND deleted_at IS NULL AND kind = 'person'"
                ),
                {"m": match},
            ).all()
        else:
            rows = s.execute(
                text(
                    "SELECT id, display_name, title, organization FROM contacts"
                    " WHERE organization = :org COLLATE NOCASE AND deleted_at IS NULL AND kind = 'person'"
                ),
                {"org": organization},
            ).all()
        found = {cid: (name, title, org.strip()) for cid, name, title, org in rows}
        exact = {cid: v for cid, v in found.items() if v[2].casefold() == wanted}
        if exact:
            return exact
        # "Sakura" (or "sakura design") stands for "Sakura Design Studio": every typed word a prefix of a word of the
        # organisation, accents and case ignored. The full-text match above already found only such candidates.
        typed = fold(organization).split()
        return {
            cid: v
            for cid, v in found.items()
            if typed and all(any(w.startswith(t) for w in fold(v[2]).replace("-", " ").split()) for t in typed)
        }
