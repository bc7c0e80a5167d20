"""FollowupService: the follow-up pipeline of new connections, its manual overrides, and the reply rate.

The stage itself is derived from the record (``netdesk.core.exchange``) and kept on the contact by every timeline
write. The buttons here are overrides that write to the record: each logs an interaction (so the timeline shows why
the stage moved) and the stage follows from it; only "dismiss" is a stored decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session, sessionmaker

from netdesk.core import networking as rules
from netdesk.core.changes import ChangeSet, Written
from netdesk.core.errors import ValidationError
from netdesk.core.exchange import Stage, exchange_sql, implausible_reason
from netdesk.core.model import Channel, Direction, InteractionKind
from netdesk.db import repository as repo
from netdesk.db.tables import Interaction, InteractionParticipant
from netdesk.services.exchanges import refresh_exchange_facts
from netdesk.services.timeline import index_interactions

DEFAULT_STATS_MONTHS = 12
REPLY_BENCHMARK = 0.25  # about a quarter of new connections answer a personal note


@dataclass(frozen=True, slots=True)
class ReplyStats:
    """New connections made in a period (by connection date) and how their follow-up went, as of ``end``."""

    start: date
    end: date
    new_connections: int
    notes_sent: int
    replies: int

    @property
    def reply_rate(self) -> float | None:
        """Replies per personal note sent (0 to 1); None when no note was sent."""
        return self.replies / self.notes_sent if self.notes_sent else None


@dataclass(frozen=True, slots=True)
class Pipeline:
    contact_id: int
    connected_on: date | None
    stage: Stage
    note_at: datetime | None = None
    replied_at: datetime | None = None

    @property
    def in_pipeline(self) -> bool:
        return self.connected_on is not None


@dataclass(frozen=True, slots=True)
class WeekFigures:
    start: date  # Monday
    notes_sent: int
    replies: int
    exchanges: int
    in_person: int  # of the exchanges
    favours: int

    @property
    def in_person_share(self) -> float | None:
        return self.in_person / self.exchanges if self.exchanges else None


@dataclass(frozen=True, slots=True)
class WeeklyReview:
    this_week: WeekFigures
    last_week: WeekFigures
    stalled: tuple[tuple[int, str, date], ...]  # notes sent 7 to 30 days ago still without a reply: (id, name, sent)


STALLED_AFTER_DAYS = 7
# A personal note to a *new* connection: sent within NEW_CONNECTION_DAYS of the connection day (an invitation's note
# comes before it). Writing to someone connected long ago is an exchange, not the follow-up of a new connection: the
# review, the stalled notes and the reply rate count only notes in time (and the replies to those).
NOTE_IN_TIME_SQL = f"followup_messaged_at < date(connected_on, '+{rules.NEW_CONNECTION_DAYS + 1} days')"
_WEEK_NOTES_SQL = f"""
SELECT SUM(followup_messaged_at >= :start AND followup_messaged_at < :end AND {NOTE_IN_TIME_SQL}),
       SUM(followup_replied_at >= :start AND followup_replied_at < :end AND {NOTE_IN_TIME_SQL})
FROM contacts INDEXED BY ix_contacts_connected
WHERE connected_on IS NOT NULL AND kind = 'person' AND deleted_at IS NULL
"""
_WEEK_EXCHANGES_SQL = f"""
SELECT SUM({exchange_sql()}), SUM({exchange_sql()} AND i.channel = 'in_person'),
       SUM(i.kind IN ('favour_given', 'favour_received') AND p.role = 'participant')
FROM interactions i CROSS JOIN interaction_participants p ON p.interaction_id = i.id
WHERE i.occurred_at >= :start AND i.occurred_at < :end
"""
_STALLED_SQL = f"""
SELECT id, COALESCE(NULLIF(display_name, ''), 'Contact #' || id), followup_messaged_at
FROM contacts INDEXED BY ix_contacts_connected
WHERE connected_on IS NOT NULL AND kind = 'person' AND deleted_at IS NULL AND followup_state = 'messaged'
  AND followup_messaged_at >= :since AND followup_messaged_at < :until AND {NOTE_IN_TIME_SQL}
ORDER BY followup_messaged_at
"""

_STATS_SQL = f"""
SELECT COUNT(*), SUM(followup_messaged_at < :end AND {NOTE_IN_TIME_SQL}),
       SUM(followup_replied_at < :end AND {NOTE_IN_TIME_SQL})
FROM contacts INDEXED BY ix_contacts_connected
WHERE connected_on IS NOT NULL AND kind = 'person' AND deleted_at IS NULL AND connected_on BETWEEN :start AND :today
"""


def period_start(today: date, months: int) -> date:
    """The first day of the calendar month ``months - 1`` months before today's (months=1: this month)."""
    first = rules.last_months(today, max(1, months))[0]
    return date(int(first[:4]), int(first[5:7]), 1)


class FollowupService:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    # --- reading ---------------------------------------------------------------------------------------------

    def pipeline(self, contact_id: int) -> Pipeline:
        with self._sessions() as s:
            row = repo.live_contact(s, contact_id)
            return Pipeline(
                row.id, row.connected_on, Stage(row.followup_state), row.followup_messaged_at, row.followup_replied_at
            )

    def stats(self, today: date | None = None, months: int = DEFAULT_STATS_MONTHS) -> ReplyStats:
        today = today or date.today()
        start = period_start(today, months)
        params = {
            "start": start.isoformat(),
            "today": today.isoformat(),
            "end": (today + timedelta(days=1)).isoformat(),
        }
        with self._sessions() as s:
            count, notes, replies = s.connection().exec_driver_sql(_STATS_SQL, params).one()
        return ReplyStats(start, today, int(count or 0), int(notes or 0), int(replies or 0))

    def weekly_review(self, today: date | None = None) -> WeeklyReview:
        """This week (from Monday) against last week, and the notes that stalled (no reply after a week)."""
        today = today or date.today()
        monday = today - timedelta(days=today.weekday())
        with self._sessions() as s:
            connection = s.connection()

            def week(start: date) -> WeekFigures:
                params = {"start": start.isoformat(), "end": (start + timedelta(days=7)).isoformat()}
                notes, replies = connection.exec_driver_sql(_WEEK_NOTES_SQL, params).one()
                exchanges, in_person, favours = connection.exec_driver_sql(_WEEK_EXCHANGES_SQL, params).one()
                return WeekFigures(
                    start,
                    int(notes or 0),
                    int(replies or 0),
                    int(exchanges or 0),
                    int(in_person or 0),
                    int(favours or 0),
                )

            params = {
                "since": (today - timedelta(days=rules.NEW_CONNECTION_DAYS)).isoformat(),
                "until": (today - timedelta(days=STALLED_AFTER_DAYS - 1)).isoformat(),
            }
            stalled = tuple(
                (cid, name, datetime.fromisoformat(str(sent)).date())
                for cid, name, sent in connection.exec_driver_sql(_STALLED_SQL, params)
            )
            return WeeklyReview(week(monday), week(monday - timedelta(days=7)), stalled)

    # --- overrides -------------------------------------------------------------------------------------------

    def mark_new_connection(self, contact_id: int, on: date | None = None) -> Written[Pipeline]:
        """Put a contact in the pipeline by hand (met at an event, connected elsewhere): connected on ``on``."""
        # Marked now: logged now, not at noon (a mark made in the morning would sort after later entries).
        when: datetime | date = datetime.now().replace(microsecond=0) if on in (None, date.today()) else on
        on = on or date.today()
        _check_plausible(datetime.combine(on, time(12, 0)), "A connection")
        with self._sessions.begin() as s:
            row = repo.live_contact(s, contact_id)
            if row.connected_on is not None:
                raise ValidationError("connected_on", f"{row.display_name} is already a connection.")
            row.connected_on = on
            if row.followup_state == Stage.DISMISSED.value:
                row.followup_state = Stage.CONNECTED.value
            iid = _log(s, contact_id, InteractionKind.CONNECTED, Direction.NONE, "Marked as a new connection", "", when)
            return self._written(s, contact_id, iid, f"new connection {row.display_name}")

    def mark(self, contact_id: int, state: str, when: datetime | None = None) -> Written[Pipeline]:
        """The manual buttons: "messaged" logs the user's note, "replied" logs their reply, "dismissed" takes the
        person out of the follow-ups (logged as a note)."""
        try:
            stage = Stage(state)
        except ValueError:
            stage = Stage.CONNECTED
        if stage not in (Stage.NOTE_SENT, Stage.REPLIED, Stage.DISMISSED):
            raise ValidationError("followup_state", "A follow-up is marked messaged, replied or dismissed.")
        when = when or datetime.now().replace(microsecond=0)
        _check_plausible(when, "A follow-up")
        with self._sessions.begin() as s:
            row = repo.live_contact(s, contact_id)
            name = row.display_name
            if stage is Stage.DISMISSED:
                row.followup_state = Stage.DISMISSED.value
                iid = _log(s, contact_id, InteractionKind.NOTE, Direction.NONE, "Follow-up dismissed", "", when)
                return self._written(s, contact_id, iid, f"dismiss follow-up of {name}")
            outgoing = stage is Stage.NOTE_SENT
            summary = "Personal note (marked as sent)" if outgoing else "Reply (marked as received)"
            direction = Direction.OUT if outgoing else Direction.IN
            iid = _log(s, contact_id, InteractionKind.MESSAGE, direction, summary, "", when)
            return self._written(s, contact_id, iid, f"{'note to' if outgoing else 'reply from'} {name}")

    def note_sent(self, contact_id: int, text: str, when: datetime | None = None) -> Written[Pipeline]:
        """ "Mark as sent" in the composer: the note goes on the timeline as the user's message, and the pipeline
        moves on from it."""
        when = when or datetime.now().replace(microsecond=0)
        bad = implausible_reason(when, repo.utcnow() + timedelta(hours=14))
        if bad is not None:
            raise ValidationError("occurred_at", f"A note cannot be sent with a {bad}.")
        first_line = " ".join(text.split())[:80] or "Personal note"
        with self._sessions.begin() as s:
            row = repo.live_contact(s, contact_id)
            iid = _log(s, contact_id, InteractionKind.MESSAGE, Direction.OUT, first_line, text, when)
            return self._written(s, contact_id, iid, f"note to {row.display_name}")

    def _written(self, s: Session, contact_id: int, interaction_id: int, label: str) -> Written[Pipeline]:
        s.flush()
        refresh_exchange_facts(s, [contact_id])
        s.expire_all()
        row = repo.live_contact(s, contact_id)
        value = Pipeline(
            row.id, row.connected_on, Stage(row.followup_state), row.followup_messaged_at, row.followup_replied_at
        )
        changes = ChangeSet(
            contacts=frozenset({contact_id}), interactions=frozenset({interaction_id}), networking=True, label=label
        )
        return Written(value, changes)


def _log(
    s: Session,
    contact_id: int,
    kind: InteractionKind,
    direction: Direction,
    summary: str,
    notes: str,
    when: datetime | date,
) -> int:
    occurred = when if isinstance(when, datetime) else datetime.combine(when, datetime.min.time().replace(hour=12))
    row = Interaction(
        occurred_at=occurred.replace(tzinfo=None),
        kind=kind.value,
        channel=Channel.ONLINE.value if kind is InteractionKind.MESSAGE else Channel.UNSPECIFIED.value,
        direction=direction.value,
        summary=summary,
        notes=notes,
        created_at=repo.utcnow(),
    )
    row.participants = [InteractionParticipant(contact_id=contact_id, role="participant")]
    s.add(row)
    s.flush()
    index_interactions(s, [row])
    return row.id


def _check_plausible(when: datetime, what: str) -> None:
    """The overrides move the pipeline: a date NetDesk would not believe from an import is refused here too."""
    bad = implausible_reason(when, repo.utcnow() + timedelta(hours=14))
    if bad is not None:
        raise ValidationError("occurred_at", f"{what} cannot be recorded with a {bad}.")
