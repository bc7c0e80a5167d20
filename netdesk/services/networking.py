"""NetworkingService: cadences, the due list, follow-ups, favours, strength and the dashboard's counts here;
relationships and introduction paths in ``networking_paths``, goals in ``networking_goals`` (one service, one API).

Every list the UI shows comes from set-based queries (aggregates over the indexed columns), never one query per
contact, so that due() and introducers_for() stay fast on a network of 100,000 people.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from netdesk.core import networking as rules
from netdesk.core import practices
from netdesk.core.changes import ChangeSet, Written
from netdesk.core.errors import NotFoundError, ValidationError
from netdesk.core.exchange import describe_exchange, exchange_sql
from netdesk.core.model import (
    InteractionDTO,
    InteractionKind,
)
from netdesk.core.networking import DueItem, Strength, StrengthFacts
from netdesk.core.normalize import fold
from netdesk.db import repository as repo
from netdesk.db.tables import (
    Contact,
    Interaction,
    InteractionParticipant,
    Tag,
)
from netdesk.services import due as due_sources
from netdesk.services import practice_due  # noqa: F401  (registers the practices' due source)
from netdesk.services.collector import paused_collector
from netdesk.services.due import DueState, collect_due
from netdesk.services.due_favours import favour_items, read_favour_facts
from netdesk.services.followups import NOTE_IN_TIME_SQL, FollowupService, Pipeline
from netdesk.services.networking_goals import (
    DEFAULT_GOALS,
    STALE_GOAL_CONTACT_DAYS,
    GoalInfo,
    GoalOverview,
    GoalPerson,
    NetworkingGoals,
)
from netdesk.services.networking_paths import Relation, RelationshipPaths, ids_json, networking_change
from netdesk.services.timeline import TimelineService


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


def _check_rhythm(days: int | None, since: date | None) -> None:
    rules.validate_cadence(days)
    if since is not None:
        practices.check_day(since, "A rhythm's start", "cadence_since")


def _set_rhythm(row: Contact | Tag, days: int | None, since: date | None) -> None:
    """A contact's or a tag's rhythm of ``days`` (None: none), counted from ``since``, else from today when it is new
    or changed (the same rhythm again keeps its start)."""
    if days != row.cadence_days or (since is not None and days is not None):  # a day given: from then
        row.cadence_since = None if days is None else (since or date.today())
    row.cadence_days = days


class NetworkingService(NetworkingGoals, RelationshipPaths):
    def __init__(self, sessions: sessionmaker[Session], timeline: TimelineService | None = None) -> None:
        self._sessions = sessions
        self._timeline = timeline or TimelineService(sessions)
        # The due list as of a day and the last due change (services/due.py), kept between calls.
        self._due_state: DueState | None = None
        self._cache_lock = threading.Lock()

    # --- cadence, snooze, follow-up ------------------------------------------------------------------------

    def set_contact_cadence(self, contact_id: int, days: int | None, since: date | None = None) -> Written[None]:
        """Keep in touch every ``days`` days (None: no rhythm); the rhythm counts from ``since`` (default today)."""
        _check_rhythm(days, since)
        with self._sessions.begin() as s:
            row = repo.live_contact(s, contact_id)
            _set_rhythm(row, days, since)
            name = row.display_name
        return Written(None, networking_change(contact_id, f"rhythm for {name}"))

    def set_tag_cadence(self, tag: str, days: int | None, since: date | None = None) -> Written[None]:
        _check_rhythm(days, since)
        with self._sessions.begin() as s:
            row = s.scalar(select(Tag).where(Tag.name_folded == fold(tag)))
            if row is None:
                raise NotFoundError(f"no tag {tag!r}")
            _set_rhythm(row, days, since)
        return Written(None, ChangeSet(tags=True, networking=True, label=f"rhythm for {tag}"))

    def cadence_of(self, contact_id: int) -> tuple[int | None, int | None]:
        """(own cadence, effective cadence) of a contact."""
        with self._sessions() as s:
            row = repo.live_contact(s, contact_id)
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
            row = repo.live_contact(s, contact_id)
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
            row = repo.live_contact(s, contact_id)
            row.snoozed_until = until
            name = row.display_name
        return Written(None, networking_change(contact_id, f"snooze of {name}" if until else f"unsnooze of {name}"))

    def mark_followup(self, contact_id: int, state: str) -> Written[Pipeline]:
        """A manual override of the follow-up stage; it logs an interaction (see FollowupService.mark)."""
        return FollowupService(self._sessions).mark(contact_id, state)

    def reply_rate_by_month(self, months: int = 12, today: date | None = None) -> list[ReplyRate]:
        """New connections per month (by connection date), the notes sent to them in time and the replies to those."""
        today = _today(today)
        keys = rules.last_months(today, months)
        if not keys:
            return []
        end = (today + timedelta(days=1)).isoformat()
        with self._sessions() as s:
            rows = s.execute(
                text(
                    "SELECT strftime('%Y-%m', connected_on) AS month, COUNT(*),"
                    f" SUM(followup_messaged_at < :end AND {NOTE_IN_TIME_SQL}),"
                    f" SUM(followup_replied_at < :end AND {NOTE_IN_TIME_SQL})"
                    " FROM contacts INDEXED BY ix_contacts_connected"
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
        with paused_collector(), self._sessions() as s:  # thousands of items and their keys hold no cycles
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

    # --- strength ----------------------------------------------------------------------------------------

    def strength(self, contact_id: int, today: date | None = None) -> Strength:
        today = _today(today)
        with self._sessions() as s:
            repo.live_contact(s, contact_id)
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
        # A score per contact, built on a worker beside the window: no collection over them (see services.collector).
        with paused_collector(), self._sessions() as s:
            return self._strength_scores(s, None, today)

    def strength_scores_of(self, ids: Sequence[int], today: date | None = None) -> dict[int, int]:
        """Scores of ``ids`` (those above 0; the others are 0): after a write about a few people."""
        today = _today(today)
        with paused_collector(), self._sessions() as s:
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
            "ids": ids_json(ids or []),
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
                " JOIN tags t ON t.id = ct.tag_id WHERE ct.contact_id = c.id)), c.last_contacted,"
                # The day the rhythm was set: the contact's own, else that of its shortest tag rhythm.
                " CASE WHEN c.cadence_days IS NOT NULL THEN c.cadence_since ELSE (SELECT t.cadence_since"
                " FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.contact_id = c.id"
                " AND t.cadence_days IS NOT NULL ORDER BY t.cadence_days LIMIT 1) END"
                " FROM contacts c WHERE c.deleted_at IS NULL" + c_filter + " AND (c.cadence_days IS NOT NULL"
                " OR c.id IN (SELECT ct.contact_id FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id"
                " WHERE t.cadence_days IS NOT NULL))"
            ),
            params,
        ).all()
        facts: dict[int, StrengthFacts] = {}
        for cid, count, last, given, received in activity:
            facts[cid] = StrengthFacts(_as_date(last), int(count or 0), int(given or 0), int(received or 0))
        for cid, cadence, last_contacted, cadence_since in cadences:
            base = facts.get(cid, StrengthFacts())
            facts[cid] = StrengthFacts(
                base.last_interaction,
                base.interactions_12m,
                base.favours_given_12m,
                base.favours_received_12m,
                cadence,
                _as_date(last_contacted),
                _as_date(cadence_since),
            )
        if ids is None and facts:
            # The trashed are few; every live id (a set of 100,000 at start-up) cost ~20 MB of the window's peak.
            # Participants of removed contacts are gone with them (foreign keys cascade), so this is the same filter.
            trashed = set(s.scalars(select(Contact.id).where(Contact.deleted_at.is_not(None))))
            facts = {cid: f for cid, f in facts.items() if cid not in trashed}
        return facts

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


def _month_after(key: str) -> str:
    year, month = int(key[:4]), int(key[5:7])
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return f"{year:04d}-{month:02d}-01"


__all__ = [
    "DEFAULT_GOALS",
    "STALE_GOAL_CONTACT_DAYS",
    "GoalInfo",
    "GoalOverview",
    "GoalPerson",
    "MonthCount",
    "NetworkingService",
    "Relation",
    "ReplyRate",
]
