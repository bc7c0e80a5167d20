"""What counts as an exchange with someone, and the follow-up pipeline of a new connection, read from the record.

An *exchange* is something that passed between the user and the person: a meeting, a call, a one-to-one message or
email in either direction, a message they sent to a group the user is in, an invitation (connection request) that
carries a note, an introduction involving them (as the one introduced or as the introducer). Not an exchange: being
connected, a bare invitation, a group message somebody else sent, an event, a note, a favour on its own, importing
or editing their card. ``last_contacted``, the strength score, replies owed and the follow-up pipeline read
exchanges only.

The definition lives here once, twice written: :func:`is_exchange` for values in Python and :func:`exchange_sql` for
the queries (tests check that the two agree on every kind and role).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

# Kinds that are an exchange whenever the person took part in them.
EXCHANGE_KINDS = ("meeting", "call", "message", "email", "introduction")
# An invitation is an exchange only with a note; the note is stored as the interaction's notes.
NOTE_KIND = "connection_request"
# Participant roles: a counterpart; an introducer; someone merely present on a group message they did not send.
PARTICIPANT, INTRODUCER, GROUP = "participant", "introducer", "group"
# Recorded dates outside this range are bad input: they are reported and never move anything.
EARLIEST_PLAUSIBLE = datetime(1990, 1, 1)
FUTURE_SLACK = timedelta(days=1)  # time zones: "today" somewhere else


def is_exchange(kind: str, role: str, notes: str = "") -> bool:
    if role == PARTICIPANT:
        return kind in EXCHANGE_KINDS or (kind == NOTE_KIND and bool(notes.strip()))
    return role == INTRODUCER and kind == "introduction"


def exchange_sql(i: str = "i", p: str = "p") -> str:
    """The same rule as :func:`is_exchange`, as an SQL condition over an interaction ``i`` and participant ``p``."""
    kinds = ", ".join(f"'{k}'" for k in EXCHANGE_KINDS)
    return (
        f"(({p}.role = '{PARTICIPANT}' AND ({i}.kind IN ({kinds})"
        f" OR ({i}.kind = '{NOTE_KIND}' AND trim({i}.notes) != '')))"
        f" OR ({p}.role = '{INTRODUCER}' AND {i}.kind = 'introduction'))"
    )


def plausible(when: datetime, now: datetime) -> bool:
    """A recorded moment NetDesk believes: not before 1990, not in the future."""
    return EARLIEST_PLAUSIBLE <= when <= now + FUTURE_SLACK


def implausible_reason(when: datetime, now: datetime) -> str | None:
    if when < EARLIEST_PLAUSIBLE:
        return f"date {when:%Y-%m-%d} is before 1990"
    if when > now + FUTURE_SLACK:
        return f"date {when:%Y-%m-%d} is in the future"
    return None


def describe_exchange(when: date, kind: str, direction: str, text: str) -> str:
    """One line for an exchange in the strength explanation: "2025-10-05 · message from them · Thanks!"."""
    who = {"out": " from you", "in": " from them"}.get(direction, "")
    noun = "invitation with a note" if kind == NOTE_KIND else kind
    first = " ".join(text.split())[:60]
    return f"{when.isoformat()} · {noun}{who}" + (f" · {first}" if first else "")


# --- the follow-up pipeline ----------------------------------------------------------------------------------


class Stage(StrEnum):
    """Where a new connection stands. Stored in contacts.followup_state (the values predate the names)."""

    CONNECTED = ""
    NOTE_SENT = "messaged"
    REPLIED = "replied"
    CONVERSATION = "conversation"
    DISMISSED = "dismissed"

    @property
    def label(self) -> str:
        return _STAGE_LABELS[self]


_STAGE_LABELS = {
    Stage.CONNECTED: "connected, no personal note yet",
    Stage.NOTE_SENT: "personal note sent, waiting for a reply",
    Stage.REPLIED: "they replied",
    Stage.CONVERSATION: "in conversation",
    Stage.DISMISSED: "follow-up dismissed",
}


@dataclass(frozen=True, slots=True)
class Exchange:
    """One exchange as the pipeline and the reply tracking see it."""

    when: datetime
    direction: str  # "out" (the user), "in" (them), "" (both: a meeting, a call)
    kind: str = "message"
    group: bool = False  # on a message with several people


@dataclass(frozen=True, slots=True)
class ExchangeFacts:
    """What the record says about one person, kept on the contact row after every write."""

    last: datetime | None = None  # last exchange (last_contacted)
    last_in: datetime | None = None  # last one-to-one message or email from them
    last_out: datetime | None = None  # last exchange from the user (or both)
    stage: Stage = Stage.CONNECTED
    note_at: datetime | None = None
    replied_at: datetime | None = None


def _is_out(e: Exchange) -> bool:
    return e.direction in ("out", "")


def _is_in(e: Exchange) -> bool:
    return e.direction in ("in", "")


def exchange_facts(
    exchanges: Iterable[Exchange], connected_on: date | None, dismissed: bool, now: datetime
) -> ExchangeFacts:
    """Fold a person's exchanges (any order) into last contact, reply tracking and the pipeline stage.

    The pipeline, for people who became connections (``connected_on`` set): the note is the user's first exchange on
    or after the connection day, or an invitation the user sent with a note; the reply is their first exchange after
    the note; a conversation is the user writing again after the reply. Exchanges with implausible dates count for
    nothing.
    """
    ordered = sorted((e for e in exchanges if plausible(e.when, now)), key=lambda e: (e.when, e.direction != "out"))
    last = ordered[-1].when if ordered else None
    last_in = max(
        (e.when for e in ordered if e.direction == "in" and e.kind in ("message", "email") and not e.group),
        default=None,
    )
    last_out = max((e.when for e in ordered if _is_out(e)), default=None)
    if connected_on is None:
        return ExchangeFacts(last, last_in, last_out, Stage.DISMISSED if dismissed else Stage.CONNECTED)
    note_at = replied_at = conversation_at = None
    for e in ordered:
        if note_at is None:
            is_note = e.when.date() >= connected_on or (e.kind == NOTE_KIND and e.direction == "out")
            if _is_out(e) and is_note:
                note_at = e.when
                if e.direction == "":  # a meeting or a call: both spoke
                    replied_at = e.when
        elif replied_at is None:
            if _is_in(e) and e.when >= note_at:
                replied_at = e.when
        elif conversation_at is None and _is_out(e) and e.when > replied_at:
            conversation_at = e.when
            break
    if dismissed:
        stage = Stage.DISMISSED
    elif conversation_at is not None:
        stage = Stage.CONVERSATION
    elif replied_at is not None:
        stage = Stage.REPLIED
    elif note_at is not None:
        stage = Stage.NOTE_SENT
    else:
        stage = Stage.CONNECTED
    return ExchangeFacts(last, last_in, last_out, stage, note_at, replied_at)


__all__ = [
    "EXCHANGE_KINDS",
    "Exchange",
    "ExchangeFacts",
    "Stage",
    "exchange_facts",
    "exchange_sql",
    "implausible_reason",
    "is_exchange",
    "plausible",
]
