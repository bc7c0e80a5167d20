"""Input a user types into the networking commands: a blank name, a time with its UTC offset, --db after the action.
Each mistake is one clear line (exit 1) and writes nothing; each good input is recorded as it was meant."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from netdesk.cli import run
from netdesk.core.model import ContactDTO
from netdesk.services import NetDesk, open_netdesk


@pytest.fixture
def db(nd: NetDesk, db_path: Path) -> str:
    nd.contacts.create(ContactDTO(given_name="Priya", family_name="Raman", organization="Initech"))
    nd.close()
    return str(db_path)


@pytest.fixture
def new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def interactions(db: str) -> list[tuple[str, str]]:
    nd = open_netdesk(db)
    try:
        with nd.sessions() as s:
            rows = s.connection().exec_driver_sql("SELECT occurred_at, kind FROM interactions ORDER BY id").all()
        return [(str(when)[:16], kind) for when, kind in rows]
    finally:
        nd.close()


@pytest.mark.parametrize("blank", ["", "   "])
def test_a_blank_name_is_refused_even_with_one_contact(db: str, blank: str, capsys: pytest.CaptureFixture[str]) -> None:
    # Priya is the only contact: a blank name matched her, and the call or the rhythm went on her record.
    assert run(["log", "--db", db, "--with", blank, "--kind", "call", "--date", "2026-11-02"]) == 1
    assert run(["cadence", "--db", db, blank, "30"]) == 1
    assert run(["intro", "--db", db, "ask", "--via", blank, "--target", "Globex's CTO"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == ["netdesk: give a contact's name or id"] * 3
    assert interactions(db) == []
    nd = open_netdesk(db)
    try:
        (priya,) = nd.contacts.rows()
        assert nd.networking.cadence_of(priya.id) == (None, None) and nd.introductions.list_all() == []
    finally:
        nd.close()


def test_a_time_with_its_utc_offset_is_logged_in_local_time(
    db: str, new_york: None, capsys: pytest.CaptureFixture[str]
) -> None:
    # 03:30 UTC on 1 December is 22:30 on 30 November in New York: the dinner belongs to November, on a Monday.
    assert run(["log", "--db", db, "--with", "Priya", "--kind", "meeting", "--date", "2026-12-01T03:30:00+00:00"]) == 0
    assert "on 2026-11-30 22:30" in capsys.readouterr().out
    assert run(["log", "--db", db, "--with", "Priya", "--kind", "call", "--date", "2026-11-30T21:00"]) == 0
    assert interactions(db) == [("2026-11-30 22:30", "meeting"), ("2026-11-30 21:00", "call")]
    capsys.readouterr()
    assert run(["list", "--db", db, "--json", "--date", "2026-12-01"]) == 0
    assert '"last_contacted": "2026-11-30"' in capsys.readouterr().out


def test_the_database_may_follow_an_introductions_action(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    # As with `netdesk account add NAME --db PATH`: the option after the action names the database.
    assert run(["intro", "ask", "--via", "Priya", "--target", "Globex's CTO", "--date", "2026-11-02", "--db", db]) == 0
    assert run(["intro", "step", "1", "agreed", "--date", "2026-11-03", "--db", db]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "1\tPriya Raman to introduce you to Globex's CTO\tasked Priya Raman 2026-11-02",
        "1\tPriya Raman to introduce you to Globex's CTO\tPriya Raman agreed 2026-11-03",
    ]


def test_a_contribution_names_one_community(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    from netdesk.core.practices import CommunityKind
    from netdesk.services.communities import CommunityDTO

    nd = open_netdesk(db)
    try:
        for name in ("Python Berlin Meetup", "Python Paris", "PyData"):
            nd.communities.save(CommunityDTO(name, CommunityKind.GROUP))
    finally:
        nd.close()
    # "python" is two groups: the answer went to the first by name (Berlin) without a word.
    answer = ["contribute", "--db", db, "answer", "Pinning deps", "--date", "2026-11-30", "--community"]
    assert run([*answer, "python"]) == 1
    assert capsys.readouterr().err == (
        "netdesk: “python” matches 2 communities or events: Python Berlin Meetup; Python Paris; name one\n"
    )
    assert run([*answer, "py par"]) == 0
    assert run(["contribute", "--db", db, "talk", "Arrow", "--date", "2026-11-30", "--community", "pydata"]) == 0
    assert capsys.readouterr().err.splitlines() == [
        "logged answer “Pinning deps” on 2026-11-30 · Python Paris",
        "logged talk “Arrow” on 2026-11-30 · PyData",
    ]
    nd = open_netdesk(db)
    try:
        assert [(c.title, c.community_name) for c in nd.contributions.recent()] == [
            ("Arrow", "PyData"),
            ("Pinning deps", "Python Paris"),
        ]
    finally:
        nd.close()


@pytest.mark.parametrize(
    "argv",
    [
        ["review", "--date", "9999-12-31"],  # next Monday is past the calendar's end
        ["review", "--date", "0001-01-03"],
        ["due", "--date", "0001-01-01"],
        ["list", "--json", "--date", "9999-12-31"],  # printed "[" and then the error and a traceback
        ["stats", "--date", "0001-01-01"],
        ["contribute", "post", "Hello", "--date", "0001-01-01"],
    ],
)
def test_a_day_past_the_calendars_ends_is_one_clear_line(
    db: str, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run([*argv, "--db", db]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == (
        f"netdesk {argv[0]}: argument --date: not a day NetDesk keeps: {argv[-1]!r} (from 1900-01-01 to 2999-12-31)\n"
    )


def test_a_period_or_an_id_too_large_is_one_clear_line(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["stats", "--db", db, "--months", "100000"]) == 1  # went back to the year -630
    assert run(["intro", "step", "99999999999999999999", "agreed", "--db", db]) == 2  # too large for SQLite
    assert capsys.readouterr().err.splitlines() == [
        "netdesk: --months is between 1 and 1200",
        "netdesk intro step: argument id: not an id: '99999999999999999999' (ids are whole numbers from 1)",
    ]


def test_a_rhythm_set_again_with_a_day_starts_on_that_day(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    # The same rhythm with a new --date kept the old start (and said nothing): Priya stayed "start the rhythm" from
    # the first day given, and a mistyped day could only be undone by removing the rhythm.
    assert run(["cadence", "--db", db, "Priya", "30", "--date", "2026-09-01"]) == 0
    assert run(["cadence", "--db", db, "Priya", "30", "--date", "2026-11-20"]) == 0
    assert run(["cadence", "--db", db, "Priya", "30"]) == 0  # no day: the start stays
    nd = open_netdesk(db)
    try:
        (priya,) = nd.contacts.rows()
        with nd.sessions() as s:
            since = s.connection().exec_driver_sql("SELECT cadence_since FROM contacts").scalar_one()
        assert (nd.networking.cadence_of(priya.id), str(since)) == ((30, 30), "2026-11-20")
    finally:
        nd.close()


def test_a_contribution_names_one_goal(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    nd = open_netdesk(db)
    try:
        first, second = (nd.networking.create_goal(name).value.id for name in ("Talks", "talks"))
    finally:
        nd.close()
    # Two goals called "Talks": the talk counted towards the first without a word.
    assert run(["contribute", "--db", db, "talk", "PyData Berlin", "--date", "2026-11-30", "--goal", "TALKS"]) == 1
    assert capsys.readouterr().err == (
        f"netdesk: “TALKS” names 2 goals: Talks (id {first}); talks (id {second}); give the id instead\n"
    )
    assert run(["contribute", "--db", db, "talk", "PyData Berlin", "--date", "2026-11-30", "--goal", str(second)]) == 0
    assert capsys.readouterr().err == "logged talk “PyData Berlin” on 2026-11-30 · talks\n"
    assert run(["contribute", "--db", db, "talk", "PyData Berlin", "--date", "2026-11-30", "--goal", "99"]) == 1
    assert capsys.readouterr().err == "netdesk: no goal called “99”\n"
