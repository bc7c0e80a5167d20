"""NetworkingService: cadences, the due list, follow-ups, favours, relationships, introductions, strength, goals.

Every list the UI shows comes from set-based queries (aggregates over the indexed columns), never one query per
contact, so that due() and introducers_for() stay fast on a network of 100,000 people.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import case, delete, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from netdesk.core import networking as rules
from netdesk.core.changes import ChangeSet, Written
from netdesk.core.errors import NotFoundError, ValidationError
from netdesk.core.exchange import describe_exchange, exchange_sql
from netdesk.core.model import (
    InteractionDTO,
    InteractionKind,
    Participant,
    ParticipantRole,
)
from netdesk.core.networking import DueItem, IntroPath, Strength, StrengthFacts
from netdesk.core.normalize import fold
from netdesk.db import repository as repo
from netdesk.db import search
from netdesk.db.tables import (
    Contact,
    Goal,
    GoalContact,
    GoalInteraction,
    Interaction,
    InteractionParticipant,
    Relationship,
    Tag,
)
from netdesk.services import due as due_sources
from netdesk.services import practice_due  # noqa: F401  (registers the practices' due source)
from netdesk.services.due import DueState, collect_due
from netdesk.services.due_favours import favour_items, read_favour_facts
from netdesk.services.followups import FollowupService, Pipeline
from netdesk.services.owner import owner_name
from netdesk.services.timeline import TimelineService

DEFAULT_GOALS = ("Better known", "Better equipped", "Better connected")
STALE_GOAL_CONTACT_DAYS = 60


@dataclass(frozen=True, slots=True)
class Relation:
    """A relationship as seen from one contact: ``role`` is what the other person is to them."""

    id: int
    other_id: int
    other_name: str
    role: str
    notes: str = ""


@dataclass(frozen=True, slots=True)
class GoalInfo:
    id: int
    name: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class GoalPerson:
    contact_id: int
    name: str
    last_contacted: datetime | None = None


@dataclass(frozen=True, slots=True)
class GoalOverview:
    goal_id: int
    name: str
    people: tuple[GoalPerson, ...]
    interactions_this_month: int
    interactions_this_quarter: int
    stale: tuple[GoalPerson, ...]  # linked people not contacted for 60+ days (or never)


@dataclass(frozen=True, slots=True)
class MonthCount:
    month: str  # YYYY-MM
    key: str  # the kind or channel value
    count: int


@dataclass(frozen=True, slots=True)
class ReplyRate:
    month: str
    new_connections: int
    notes_sent: int
    replied: int

    @property
    def rate(self) -> float | None:
        """Replies per note sent; None in a month with no note."""
        return self.replied / self.notes_sent if self.notes_sent else None


def _ids_json(ids: Iterable[int]) -> str:
    """Id lists travel as one JSON parameter (json_each) so that SQLite's bound-parameter limit never bites."""
    return json.dumps(sorted(set(ids)))


def _as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _as_datetime(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _raw_connection(s: Session) -> sqlite3.Connection:
    """The session's DB-API connection, for reads of thousands of rows (SQLAlchemy's Row objects cost more than the
    query there). It is the same connection and transaction the session uses."""
    raw = s.connection().connection.dbapi_connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


def _today(today: date | None) -> date:
    return today if today is not None else date.today()


class NetworkingService:
    def __init__(self, sessions: sessionmaker[Session], timeline: TimelineService | None = None) -> None:
        self._sessions = sessions
        self._timeline = timeline or TimelineService(sessions)
        # The due list as of a day and the last due change (services/due.py), kept between calls.
        self._due_state: DueState | None = None
        self._cache_lock = threading.Lock()

    # --- cadence, snooze, follow-up ------------------------------------------------------------------------

    def set_contact_cadence(self, contact_id: int, days: int | None, since: date | None = None) -> Written[None]:
        """Keep in touch every ``days`` days (None: no rhythm); the rhythm counts from ``since`` (default today)."""
        rules.validate_cadence(days)
        with self._sessions.begin() as s:
            row = self._live_contact(s, contact_id)
            if days != row.cadence_days:
                row.cadence_since = None if days is None else (since or date.today())
            row.cadence_days = days
            name = row.display_name
        return Written(None, _about(contact_id, f"rhythm for {name}"))

    def set_tag_cadence(self, tag: str, days: int | None, since: date | None = None) -> Written[None]:
        rules.validate_cadence(days)
        with self._sessions.begin() as s:
            row = s.scalar(select(Tag).where(Tag.name_folded == fold(tag)))
            if row is None:
                raise NotFoundError(f"no tag {tag!r}")
            if days != row.cadence_days:
                row.cadence_since = None if days is None else (since or date.today())
            row.cadence_days = days
        return Written(None, ChangeSet(tags=True, networking=True, label=f"rhythm for {tag}"))

    def cadence_of(self, contact_id: int) -> tuple[int | None, int | None]:
        """(own cadence, effective cadence) of a contact."""
        with self._sessions() as s:
            row = self._live_contact(s, contact_id)
            tag_days = list(
                s.scalars(
                    select(Tag.cadence_days)
                    .join(Tag.contacts)
                    .where(Contact.id == contact_id, Tag.cadence_days.is_not(None))
                )
            )
            return row.cadence_days, rules.effective_cadence(row.cadence_days, [d for d in tag_days if d])

    def next_contact_due(self, contact_id: int) -> date | None:
        """When the contact's rhythm next falls due, as the Due list counts it: from the later of the last exchange
        and the day the rhythm was set. None without a rhythm or without any exchange yet ("start the rhythm")."""
        with self._sessions() as s:
            row = self._live_contact(s, contact_id)
            if row.last_contacted is None:
                return None
            days: int | None = row.cadence_days
            since: date | None = row.cadence_since
            if days is None:
                tags = s.execute(
                    select(Tag.cadence_days, Tag.cadence_since)
                    .join(Tag.contacts)
                    .where(Contact.id == contact_id, Tag.cadence_days.is_not(None))
                    .order_by(Tag.cadence_days)
                ).first()
                if tags is None:
                    return None
                days, since = tags
            if days is None:
                return None
            start = row.last_contacted.date()
            return (max(start, since) if since is not None else start) + timedelta(days=days)

    def snooze(self, contact_id: int, until: date | None) -> Written[None]:
        """Hide the contact from the due list until ``until`` (None: show again now)."""
        with self._sessions.begin() as s:
            row = self._live_contact(s, contact_id)
            row.snoozed_until = until
            name = row.display_name
        return Written(None, _about(contact_id, f"snooze of {name}" if until else f"unsnooze of {name}"))

    def mark_followup(self, contact_id: int, state: str) -> Written[Pipeline]:
        """A manual override of the follow-up stage; it logs an interaction (see FollowupService.mark)."""
        return FollowupService(self._sessions).mark(contact_id, state)

    def reply_rate_by_month(self, months: int = 12, today: date | None = None) -> list[ReplyRate]:
        """New connections per month (by connection date), the notes sent to them and the replies to those notes."""
        today = _today(today)
        keys = rules.last_months(today, months)
        if not keys:
            return []
        end = (today + timedelta(days=1)).isoformat()
        with self._sessions() as s:
            rows = s.execute(
                text(
                    "SELECT strftime('%Y-%m', connected_on) AS month, COUNT(*), SUM(followup_messaged_at < :end),"
                    " SUM(followup_replied_at < :end) FROM contacts INDEXED BY ix_contacts_connected"
                    " WHERE connected_on IS NOT NULL AND kind = 'person' AND deleted_at IS NULL"
                    " AND connected_on BETWEEN :start AND :today GROUP BY month"
                ),
                {"start": f"{keys[0]}-01", "today": today.isoformat(), "end": end},
            ).all()
        found = {m: (n, int(notes or 0), int(r or 0)) for m, n, notes, r in rows}
        return [ReplyRate(k, *found.get(k, (0, 0, 0))) for k in keys]

    # --- the due list ------------------------------------------------------------------------------------

    def due(self, today: date | None = None) -> list[DueItem]:
        """Everything the user should act on now, in sections (see DueKind), most urgent first."""
        today = _today(today)
        with self._sessions() as s:
            cursor = _raw_connection(s).cursor()
            if not due_sources.cacheable():  # a source no trigger watches: never show it stale
                items, sort_keys = collect_due(cursor, today)
                items += favour_items(read_favour_facts(cursor), cursor, today)
                return rules.sort_due(items, sort_keys)
            # The list is kept until a write changes what it reads (triggers log it, for any writer); right after a
            # write only what it touched is read again. The mark is read first: a write landing while the sources
            # are read is read again next time, never missed.
            mark = due_sources.last_change(cursor)
            with self._cache_lock:
                state = self._due_state
            if state is None or state.today != today or state.mark != mark:
                state = due_sources.refresh_due_state(state, cursor, today, mark)
                with self._cache_lock:
                    self._due_state = state
        return state.items()

    # --- favours -------------------------------------------------------------------------------------------

    def favour_balance(self, contact_id: int) -> tuple[int, int]:
        """(favours given to, favours received from) the contact, all time."""
        with self._sessions() as s:
            row = s.execute(
                select(
                    # case(), not a bare comparison: sum() would inherit the Boolean type and come back as True.
                    func.coalesce(func.sum(case((Interaction.kind == "favour_given", 1), else_=0)), 0),
                    func.coalesce(func.sum(case((Interaction.kind == "favour_received", 1), else_=0)), 0),
                )
                .join(InteractionParticipant, InteractionParticipant.interaction_id == Interaction.id)
                .where(InteractionParticipant.contact_id == contact_id, InteractionParticipant.role == "participant")
            ).one()
            return int(row[0]), int(row[1])

    def open_favours(self, contact_id: int) -> list[InteractionDTO]:
        """Promises to the contact not yet delivered, oldest first."""
        return sorted(
            (i for i in self._timeline.for_contact(contact_id) if i.kind is InteractionKind.FAVOUR_GIVEN and i.is_open),
            key=lambda i: i.occurred_at,
        )

    def close_favour(self, interaction_id: int) -> Written[None]:
        with self._sessions.begin() as s:
            row = s.get(Interaction, interaction_id)
            if row is None:
                raise NotFoundError(f"no interaction with id {interaction_id}")
            if row.kind not in ("favour_given", "favour_received"):
                raise ValidationError("kind", "Only favours can be marked done.")
            row.is_open = False
            people = frozenset(p.contact_id for p in row.participants)
        return Written(
            None,
            ChangeSet(
                contacts=people,
                interactions=frozenset({interaction_id}),
                networking=True,
                label="favour marked done",
            ),
        )

    # --- relationships and introductions -----------------------------------------------------------------

    def add_relationship(self, a_id: int, b_id: int, kind: str, notes: str = "") -> Written[Relation]:
        """Record "a is b's <kind>"; returns the relationship as seen from ``a`` (adding it twice is harmless)."""
        if a_id == b_id:
            raise ValidationError("to_id", "A relationship needs two different people.")
        from_id, to_id, stored = rules.canonical_relationship(a_id, b_id, kind)
        with self._sessions.begin() as s:
            for cid in (a_id, b_id):
                self._live_contact(s, cid)
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
            other = self._live_contact(s, b_id)
            relation = Relation(row.id, b_id, other.display_name, rules.role_of_other(a_id, from_id, stored), row.notes)
            first = self._live_contact(s, a_id).display_name
        return Written(relation, _about((a_id, b_id), f"relationship of {first} and {other.display_name}"))

    def remove_relationship(self, relationship_id: int) -> Written[None]:
        with self._sessions.begin() as s:
            row = s.get(Relationship, relationship_id)
            if row is None:
                raise NotFoundError(f"no relationship with id {relationship_id}")
            pair = (row.from_id, row.to_id)
            s.delete(row)
        return Written(None, _about(pair, "removal of a relationship"))

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
            names = {cid: self._live_contact(s, cid).display_name for cid in people}
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
                target = self._live_contact(s, target_contact_id)
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
            {"ids": _ids_json(ids)},
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

    # --- strength ----------------------------------------------------------------------------------------

    def strength(self, contact_id: int, today: date | None = None) -> Strength:
        today = _today(today)
        with self._sessions() as s:
            self._live_contact(s, contact_id)
            facts = self._strength_facts(s, [contact_id], today).get(contact_id, StrengthFacts())
            counted = self._counted_exchanges(s, contact_id, today)
        return rules.strength(facts, today, counted)

    def _counted_exchanges(self, s: Session, contact_id: int, today: date) -> tuple[str, ...]:
        """The exchanges of the last 12 months that the score counted, newest first, as one line each."""
        since = datetime.combine(today - timedelta(days=rules.STRENGTH_WINDOW_DAYS), datetime.min.time())
        until = datetime.combine(today + timedelta(days=1), datetime.min.time())
        rows = s.execute(
            text(
                "SELECT i.occurred_at, i.kind, i.direction, i.summary, i.notes FROM interaction_participants p"
                " CROSS JOIN interactions i ON i.id = p.interaction_id WHERE p.contact_id = :id"
                f" AND {exchange_sql()} AND i.occurred_at >= :since AND i.occurred_at < :until"
                " ORDER BY i.occurred_at DESC, i.id DESC"
            ),
            {"id": contact_id, "since": since.isoformat(sep=" "), "until": until.isoformat(sep=" ")},
        ).all()
        return tuple(
            describe_exchange(_as_date(w) or today, k, d, summary or notes) for w, k, d, summary, notes in rows
        )

    def strength_scores(self, today: date | None = None) -> dict[int, int]:
        """Scores of every live contact with any score (others are 0), in two aggregate queries."""
        today = _today(today)
        with self._sessions() as s:
            return self._strength_scores(s, None, today)

    def strength_scores_of(self, ids: Sequence[int], today: date | None = None) -> dict[int, int]:
        """Scores of ``ids`` (those above 0; the others are 0): after a write about a few people."""
        today = _today(today)
        with self._sessions() as s:
            return self._strength_scores(s, ids, today)

    def strength_fact(self, today: date | None = None) -> Callable[[Session, Sequence[int]], dict[int, object]]:
        """Strength on ``today`` as a fact of a streamed list (``services.bulk_reads``), read in the list's session.

        The scores of everyone are computed once, at the first batch (two aggregate queries, a fraction of a second
        on 100,000 contacts; per batch they cost ten times as much in all), and only the contacts with a score are
        held: 0 for the others.
        """
        day = _today(today)
        scores: dict[int, int] | None = None

        def strength(s: Session, ids: Sequence[int]) -> dict[int, object]:
            nonlocal scores
            if scores is None:
                scores = self._strength_scores(s, None, day)
            return {i: scores.get(i, 0) for i in ids}

        return strength

    def _strength_scores(self, s: Session, ids: Sequence[int] | None, today: date) -> dict[int, int]:
        if ids is not None and not ids:
            return {}
        facts = self._strength_facts(s, ids, today)
        return {cid: score for cid, f in facts.items() if (score := rules.strength_score(f, today)) > 0}

    def _strength_facts(self, s: Session, ids: Sequence[int] | None, today: date) -> dict[int, StrengthFacts]:
        since = datetime.combine(today - timedelta(days=rules.STRENGTH_WINDOW_DAYS), datetime.min.time())
        id_filter = "" if ids is None else " AND p.contact_id IN (SELECT value FROM json_each(:ids))"
        # A few contacts: start from their participant rows (indexed). Everyone: walk the 12-month window of
        # interactions once (occurred_at index) and fetch participants by primary key; CROSS JOIN fixes that order.
        join_order = (
            "interactions i CROSS JOIN interaction_participants p"
            if ids is None
            else "interaction_participants p CROSS JOIN interactions i"
        )
        until = datetime.combine(today + timedelta(days=1), datetime.min.time())
        params: dict[str, Any] = {
            "since": since.isoformat(sep=" "),
            "until": until.isoformat(sep=" "),
            "ids": _ids_json(ids or []),
        }
        # Recency and frequency count exchanges only (netdesk.core.exchange); favours count on their own.
        exchange = exchange_sql()
        activity = s.execute(
            text(
                f"SELECT p.contact_id, SUM({exchange}), MAX(CASE WHEN {exchange} THEN i.occurred_at END),"
                " SUM(i.kind = 'favour_given' AND p.role = 'participant'),"
                " SUM(i.kind = 'favour_received' AND p.role = 'participant') FROM " + join_order + " ON"
                " i.id = p.interaction_id WHERE p.role IN ('participant', 'introducer') AND i.occurred_at >= :since"
                " AND i.occurred_at < :until" + id_filter + " GROUP BY p.contact_id"
            ),
            params,
        ).all()
        c_filter = "" if ids is None else " AND c.id IN (SELECT value FROM json_each(:ids))"
        cadences = s.execute(
            text(
                "SELECT c.id, COALESCE(c.cadence_days, (SELECT MIN(t.cadence_days) FROM contact_tags ct"
                " JOIN tags t ON t.id = ct.tag_id WHERE ct.contact_id = c.id)), c.last_contacted"
                " FROM contacts c WHERE c.deleted_at IS NULL" + c_filter + " AND (c.cadence_days IS NOT NULL"
                " OR c.id IN (SELECT ct.contact_id FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id"
                " WHERE t.cadence_days IS NOT NULL))"
            ),
            params,
        ).all()
        facts: dict[int, StrengthFacts] = {}
        for cid, count, last, given, received in activity:
            facts[cid] = StrengthFacts(_as_date(last), int(count or 0), int(given or 0), int(received or 0))
        for cid, cadence, last_contacted in cadences:
            base = facts.get(cid, StrengthFacts())
            facts[cid] = StrengthFacts(
                base.last_interaction,
                base.interactions_12m,
                base.favours_given_12m,
                base.favours_received_12m,
                cadence,
                _as_date(last_contacted),
            )
        if ids is None:
            live = set(s.scalars(select(Contact.id).where(Contact.deleted_at.is_(None))))
            facts = {cid: f for cid, f in facts.items() if cid in live}
        return facts

    # --- goals -------------------------------------------------------------------------------------------

    def goals(self) -> list[GoalInfo]:
        # No goal exists until the user creates one (the Goals page offers DEFAULT_GOALS as suggestions).
        with self._sessions() as s:
            rows = s.scalars(select(Goal).where(Goal.archived.is_(False)).order_by(Goal.position, Goal.id))
            return [GoalInfo(g.id, g.name, g.description) for g in rows]

    def create_goal(self, name: str, description: str = "") -> Written[GoalInfo]:
        name = self._goal_name(name)
        with self._sessions.begin() as s:
            position = (s.scalar(select(func.max(Goal.position))) or 0) + 1
            row = Goal(name=name, description=description, position=position, created_at=repo.utcnow())
            s.add(row)
            s.flush()
            info = GoalInfo(row.id, row.name, row.description)
        return Written(info, ChangeSet(goals=True, label=f"new goal {name}"))

    def rename_goal(self, goal_id: int, name: str) -> Written[GoalInfo]:
        name = self._goal_name(name)
        with self._sessions.begin() as s:
            row = self._goal(s, goal_id)
            row.name = name
            info = GoalInfo(row.id, row.name, row.description)
        return Written(info, ChangeSet(goals=True, label=f"rename of goal {name}"))

    def delete_goal(self, goal_id: int) -> Written[None]:
        """Remove the goal and its links (the row stays, archived)."""
        with self._sessions.begin() as s:
            row = self._goal(s, goal_id)
            row.archived = True
            name = row.name
            s.execute(delete(GoalContact).where(GoalContact.goal_id == goal_id))
            s.execute(delete(GoalInteraction).where(GoalInteraction.goal_id == goal_id))
        return Written(None, ChangeSet(goals=True, label=f"delete goal {name}"))

    def link_contact(self, goal_id: int, contact_id: int) -> Written[None]:
        with self._sessions.begin() as s:
            goal = self._goal(s, goal_id)
            who = self._live_contact(s, contact_id)
            if s.get(GoalContact, (goal_id, contact_id)) is None:
                s.add(GoalContact(goal_id=goal_id, contact_id=contact_id))
            label = f"link of {who.display_name} to {goal.name}"
        return Written(None, ChangeSet(contacts=frozenset({contact_id}), goals=True, label=label))

    def unlink_contact(self, goal_id: int, contact_id: int) -> Written[None]:
        with self._sessions.begin() as s:
            s.execute(delete(GoalContact).where(GoalContact.goal_id == goal_id, GoalContact.contact_id == contact_id))
        return Written(None, ChangeSet(contacts=frozenset({contact_id}), goals=True, label="unlink from a goal"))

    def link_interaction(self, goal_id: int, interaction_id: int) -> Written[None]:
        with self._sessions.begin() as s:
            goal = self._goal(s, goal_id)
            if s.get(Interaction, interaction_id) is None:
                raise NotFoundError(f"no interaction with id {interaction_id}")
            if s.get(GoalInteraction, (goal_id, interaction_id)) is None:
                s.add(GoalInteraction(goal_id=goal_id, interaction_id=interaction_id))
            label = f"link to {goal.name}"
        return Written(None, ChangeSet(interactions=frozenset({interaction_id}), goals=True, label=label))

    def unlink_interaction(self, goal_id: int, interaction_id: int) -> Written[None]:
        with self._sessions.begin() as s:
            s.execute(
                delete(GoalInteraction).where(
                    GoalInteraction.goal_id == goal_id, GoalInteraction.interaction_id == interaction_id
                )
            )
        return Written(
            None, ChangeSet(interactions=frozenset({interaction_id}), goals=True, label="unlink from a goal")
        )

    def goal_overview(self, today: date | None = None) -> list[GoalOverview]:
        """Per goal: linked people, interactions this month / quarter (linked ones and those with linked people),
        and linked people not contacted for 60 days or more."""
        today = _today(today)
        quarter = datetime.combine(rules.quarter_start(today), datetime.min.time())
        month = datetime.combine(rules.month_start(today), datetime.min.time())
        stale_before = datetime.combine(today - timedelta(days=STALE_GOAL_CONTACT_DAYS), datetime.min.time())
        with self._sessions() as s:
            goals = s.execute(
                select(Goal.id, Goal.name).where(Goal.archived.is_(False)).order_by(Goal.position, Goal.id)
            ).all()
            people: dict[int, list[GoalPerson]] = defaultdict(list)
            for gid, cid, name, last in s.execute(
                select(GoalContact.goal_id, Contact.id, Contact.display_name, Contact.last_contacted)
                .join(Contact, Contact.id == GoalContact.contact_id)
                .where(Contact.deleted_at.is_(None))
                .order_by(Contact.sort_key, Contact.id)
            ):
                people[gid].append(GoalPerson(cid, name, last))
            counts = {
                gid: (int(m or 0), int(q or 0))
                for gid, m, q in s.execute(
                    text(
                        "WITH goal_items AS ("
                        " SELECT goal_id, interaction_id FROM goal_interactions"
                        " UNION SELECT gc.goal_id, p.interaction_id FROM goal_contacts gc"
                        " JOIN interaction_participants p ON p.contact_id = gc.contact_id)"
                        " SELECT g.goal_id, SUM(i.occurred_at >= :month), COUNT(*) FROM goal_items g"
                        " JOIN interactions i ON i.id = g.interaction_id"
                        " WHERE i.occurred_at >= :quarter AND i.occurred_at < :end GROUP BY g.goal_id"
                    ),
                    {
                        "month": month.isoformat(sep=" "),
                        "quarter": quarter.isoformat(sep=" "),
                        "end": datetime.combine(today + timedelta(days=1), datetime.min.time()).isoformat(sep=" "),
                    },
                )
            }
        return [
            GoalOverview(
                gid,
                name,
                tuple(people[gid]),
                *counts.get(gid, (0, 0)),
                tuple(p for p in people[gid] if p.last_contacted is None or p.last_contacted < stale_before),
            )
            for gid, name in goals
        ]

    def goal_interactions(self, goal_id: int) -> list[int]:
        with self._sessions() as s:
            return list(s.scalars(select(GoalInteraction.interaction_id).where(GoalInteraction.goal_id == goal_id)))

    @staticmethod
    def _goal_name(name: str) -> str:
        name = " ".join(name.split())
        if not name:
            raise ValidationError("name", "A goal needs a name.")
        return name

    @staticmethod
    def _goal(s: Session, goal_id: int) -> Goal:
        row = s.get(Goal, goal_id)
        if row is None or row.archived:
            raise NotFoundError(f"no goal with id {goal_id}")
        return row

    # --- dashboard ---------------------------------------------------------------------------------------

    def interactions_per_month(self, months: int = 12, by: str = "kind", today: date | None = None) -> list[MonthCount]:
        """Interaction counts per month and kind (or channel) over the last ``months`` months, oldest first."""
        if by not in ("kind", "channel"):
            raise ValidationError("by", "Group interactions by kind or channel.")
        keys = rules.last_months(_today(today), months)
        if not keys:
            return []
        with self._sessions() as s:
            rows = s.execute(
                text(
                    f"SELECT strftime('%Y-%m', occurred_at) AS month, {by}, COUNT(*) FROM interactions"
                    f" WHERE occurred_at >= :start AND occurred_at < :end GROUP BY month, {by} ORDER BY month, {by}"
                ),
                {"start": f"{keys[0]}-01", "end": _month_after(keys[-1])},
            ).all()
        return [MonthCount(m, k, n) for m, k, n in rows]

    # --- helpers -----------------------------------------------------------------------------------------

    @staticmethod
    def _live_contact(s: Session, contact_id: int) -> Contact:
        row = s.get(Contact, contact_id)
        if row is None or row.deleted_at is not None:
            raise NotFoundError(f"no contact with id {contact_id}")
        return row


def _about(contact_ids: int | tuple[int, ...], label: str) -> ChangeSet:
    """A change to networking facts (rhythm, snooze, follow-up, relationship) of these contacts."""
    ids = (contact_ids,) if isinstance(contact_ids, int) else contact_ids
    return ChangeSet(contacts=frozenset(ids), networking=True, label=label)


def _month_after(key: str) -> str:
    year, month = int(key[:4]), int(key[5:7])
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return f"{year:04d}-{month:02d}-01"


__all__ = [
    "DEFAULT_GOALS",
    "GoalInfo",
    "GoalOverview",
    "GoalPerson",
    "MonthCount",
    "NetworkingService",
    "Relation",
    "ReplyRate",
]
