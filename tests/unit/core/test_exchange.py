"""The one definition of an exchange, and the follow-up pipeline folded from a person's exchanges."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

import pytest

from netdesk.core.exchange import (
    Exchange,
    Stage,
    exchange_facts,
    exchange_sql,
    implausible_reason,
    is_exchange,
)
from netdesk.core.model import InteractionKind, ParticipantRole

NOW = datetime(2025, 10, 10, 12, 0)
CONNECTED = date(2025, 10, 1)


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2025, 10, day, hour)


@pytest.mark.parametrize("kind", list(InteractionKind))
@pytest.mark.parametrize("role", list(ParticipantRole))
@pytest.mark.parametrize("notes", ["", "   ", "Loved your talk"])
def test_python_and_sql_agree_on_every_kind_and_role(kind: InteractionKind, role: ParticipantRole, notes: str) -> None:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE i (kind TEXT, notes TEXT)")
    db.execute("CREATE TABLE p (role TEXT)")
    db.execute("INSERT INTO i VALUES (?, ?)", (kind.value, notes))
    db.execute("INSERT INTO p VALUES (?)", (role.value,))
    in_sql = bool(db.execute(f"SELECT {exchange_sql()} FROM i, p").fetchone()[0])
    assert in_sql == is_exchange(kind.value, role.value, notes)


def test_what_is_and_is_not_an_exchange() -> None:
    assert is_exchange("meeting", "participant") and is_exchange("message", "participant")
    assert is_exchange("connection_request", "participant", "Hi, loved your talk")
    assert is_exchange("introduction", "introducer")
    assert not is_exchange("connected", "participant")
    assert not is_exchange("connection_request", "participant", "")  # a bare invitation
    assert not is_exchange("message", "group")  # somebody else's group message
    assert not is_exchange("note", "participant") and not is_exchange("event", "participant")


def test_pipeline_note_reply_conversation() -> None:
    note, reply, again = Exchange(at(3), "out"), Exchange(at(5), "in"), Exchange(at(7), "out")
    assert exchange_facts([], CONNECTED, False, NOW).stage is Stage.CONNECTED
    assert exchange_facts([note], CONNECTED, False, NOW).stage is Stage.NOTE_SENT
    facts = exchange_facts([again, reply, note], CONNECTED, False, NOW)  # any order
    assert (facts.stage, facts.note_at, facts.replied_at) == (Stage.CONVERSATION, at(3), at(5))
    assert (facts.last, facts.last_in, facts.last_out) == (at(7), at(5), at(7))


def test_their_message_before_the_note_is_not_a_reply_and_the_invitation_note_counts() -> None:
    early = Exchange(at(2), "in")
    assert exchange_facts([early], CONNECTED, False, NOW).stage is Stage.CONNECTED
    invitation = Exchange(datetime(2025, 9, 30, 9), "out", "connection_request")
    facts = exchange_facts([invitation, early], CONNECTED, False, NOW)
    assert (facts.stage, facts.note_at) == (Stage.REPLIED, invitation.when)
    old_message = Exchange(datetime(2025, 9, 1), "out")  # before connecting: not the follow-up note
    assert exchange_facts([old_message], CONNECTED, False, NOW).stage is Stage.CONNECTED


def test_meeting_after_connecting_is_a_note_and_a_reply_at_once() -> None:
    facts = exchange_facts([Exchange(at(4), "", "meeting")], CONNECTED, False, NOW)
    assert facts.stage is Stage.REPLIED and facts.last_in is None and facts.last_out == at(4)


def test_not_a_connection_never_enters_the_pipeline_and_dismissal_sticks() -> None:
    facts = exchange_facts([Exchange(at(3), "out"), Exchange(at(5), "in")], None, False, NOW)
    assert facts.stage is Stage.CONNECTED and facts.note_at is None and facts.last == at(5)
    assert exchange_facts([Exchange(at(3), "out")], CONNECTED, True, NOW).stage is Stage.DISMISSED


def test_implausible_dates_move_nothing() -> None:
    future, ancient = Exchange(datetime(2031, 1, 1), "out"), Exchange(datetime(1985, 6, 1), "in")
    facts = exchange_facts([future, ancient], CONNECTED, False, NOW)
    assert (facts.stage, facts.last, facts.last_in, facts.last_out) == (Stage.CONNECTED, None, None, None)
    assert implausible_reason(datetime(1985, 6, 1), NOW) == "date 1985-06-01 is before 1990"
    assert implausible_reason(datetime(2031, 1, 1), NOW) == "date 2031-01-01 is in the future"
    assert implausible_reason(at(9), NOW) is None


def test_group_messages_are_no_reply_owed() -> None:
    facts = exchange_facts([Exchange(at(5), "in", "message", group=True)], None, False, NOW)
    assert facts.last == at(5) and facts.last_in is None
