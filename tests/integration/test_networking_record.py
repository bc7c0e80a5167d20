"""The networking aids read the record: a LinkedIn export and a phone address book, states asserted at chosen dates
through the services and through the command line (see tests/networking_story.py for who is who)."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from netdesk.cli import run
from netdesk.core.exchange import Stage
from netdesk.core.networking import DueKind
from netdesk.services import NetDesk, open_netdesk

OCT6 = date(2025, 10, 6)


def ids(nd: NetDesk) -> dict[str, int]:
    return {r.name: r.id for r in nd.contacts.rows()}


def last(nd: NetDesk) -> dict[str, str | None]:
    return {r.name: r.last_contacted.date().isoformat() if r.last_contacted else None for r in nd.contacts.rows()}


def cli_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    assert run(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def cli_due(capsys: pytest.CaptureFixture[str], db: str, day: str) -> Any:
    return cli_json(capsys, "due", "--db", db, "--json", "--date", day)


def due(nd: NetDesk, day: date, kind: DueKind) -> list[Any]:
    return [i for i in nd.networking.due(day) if i.kind is kind]


@pytest.fixture
def imported(nd: NetDesk, story: Any, tmp_path: Path) -> NetDesk:
    nd.imports.import_paths([story.address_book(tmp_path / "phone")])
    report = nd.imports.import_paths([story.linkedin_export(tmp_path / "li")]).value
    reasons = [str(e) for e in report.errors]
    # Bad input is reported with its file and line, and the rest still imports.
    assert any("messages.csv:7" in r and "before 1990" in r for r in reasons), reasons
    assert any("messages.csv:8" in r and "in the future" in r for r in reasons), reasons
    assert any("messages.csv:6" in r and "Zed Unknown" in r and "matches nobody" in r for r in reasons), reasons
    return nd


def test_last_contacted_counts_exchanges_only(imported: NetDesk) -> None:
    nd = imported
    assert last(nd) == {
        "Alex Kim": None,
        "Dr. Bob Builder": None,
        "Gil Group": "2025-09-20",  # his message to a group Sam is in
        "Lena Fox": None,  # connected after a bare invitation; the 2031 note counts for nothing
        "Marcus Webb": "2025-10-02",
        "Mum": None,  # importing a card is not contact
        "Otto Old": None,  # connected in 2019 and on Gil's group thread: no exchange
        "Priya Raman": "2025-10-05",
    }
    people = ids(nd)
    marcus = nd.networking.strength(people["Marcus Webb"], OCT6)
    assert marcus.counted == (
        "2025-10-02 · message from them · Thanks for the kind words, Sam.",
        "2025-09-30 · invitation with a note from you · Connection request sent with a note",
    )
    assert nd.networking.strength(people["Otto Old"], OCT6).score == 0
    assert nd.networking.strength(people["Otto Old"], OCT6).counted == ()
    assert nd.networking.strength(people["Gil Group"], OCT6).score > 0


def test_pipeline_and_due_list_on_6_october(imported: NetDesk) -> None:
    nd = imported
    people = ids(nd)
    stages = {name: nd.followups.pipeline(cid).stage for name, cid in people.items()}
    assert stages["Priya Raman"] is Stage.REPLIED  # note 3 Oct, reply 5 Oct
    assert stages["Marcus Webb"] is Stage.REPLIED  # the invitation's note, his answer the next day
    assert stages["Lena Fox"] is Stage.CONNECTED
    assert not nd.followups.pipeline(people["Mum"]).in_pipeline  # an address book never enters the pipeline
    items = nd.networking.due(OCT6)
    titles = {(i.kind, i.title) for i in items}
    assert (DueKind.FOLLOWUP, "Send Lena Fox a personal note") in titles
    followups = [i.contact_name for i in items if i.kind is DueKind.FOLLOWUP]
    assert followups == ["Lena Fox"]  # not Priya, not Marcus, not Mum, not Otto (2019)
    replies = {i.contact_name: i.detail for i in items if i.kind is DueKind.REPLY}
    assert replies == {
        "Marcus Webb": "They wrote 2025-10-02 (4 days ago) · no answer yet",
        "Priya Raman": "They wrote 2025-10-05 (yesterday) · no answer yet",
    }
    [dana] = [i for i in items if i.kind is DueKind.INVITATION]
    assert dana.title == "Dana Whitfield invited you" and "we met at the data meetup" in dana.detail
    stats = nd.followups.stats(OCT6, months=1)
    assert (stats.new_connections, stats.notes_sent, stats.replies, stats.reply_rate) == (3, 2, 2, 1.0)


def test_a_later_export_moves_the_pipeline_and_flags_the_new_role(
    imported: NetDesk, story: Any, tmp_path: Path
) -> None:
    nd = imported
    nd.imports.import_paths([story.linkedin_export(tmp_path / "li2", later=True)])
    priya = ids(nd)["Priya Raman"]
    assert nd.followups.pipeline(priya).stage is Stage.CONVERSATION  # Sam answered on 7 Oct
    assert "Priya Raman" not in [
        i.contact_name for i in nd.networking.due(date(2025, 10, 8)) if i.kind is DueKind.REPLY
    ]
    # The new role is seen today (the day of the re-import) and offered for 14 days.
    today = date.today()
    [role] = due(nd, today, DueKind.JOB_CHANGE)
    assert role.title == "Congratulate Priya Raman on the new role (CTO at Initech)"
    assert [
        i for i in nd.networking.due(date.fromordinal(today.toordinal() + 15)) if i.kind is DueKind.JOB_CHANGE
    ] == []
    # Dana's invitation: accepting makes her a contact connected that day, in the pipeline; it is remembered.
    [invitation] = nd.invitations.pending()
    written = nd.invitations.accept(invitation.id, OCT6)
    assert written.changes.contacts == {written.value}
    dana = nd.contacts.get(written.value)
    assert dana.name == "Dana Whitfield" and dana.connected_on == OCT6
    assert [i.kind for i in nd.networking.due(OCT6) if i.contact_id == written.value] == [DueKind.FOLLOWUP]
    nd.imports.import_paths([story.linkedin_export(tmp_path / "li3", later=True)])
    assert nd.invitations.pending() == []


def test_a_message_to_an_old_connection_is_no_note_to_a_new_one(
    imported: NetDesk, story: Any, tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Sam writes to Gil, a connection of January 2024, on 7 Oct 2025: an exchange (last contacted moves), but no
    personal note to a new connection, so no note sent in the weekly review, nothing stalled and no note in the reply
    rate of the month Gil connected."""
    nd = imported
    nd.imports.import_paths([story.linkedin_export(tmp_path / "li2", later=True)])
    assert last(nd)["Gil Group"] == "2025-10-07"
    week = nd.followups.weekly_review(date(2025, 10, 8)).this_week
    assert (week.notes_sent, week.replies, week.exchanges) == (0, 0, 2)  # Priya's 7 Oct answer continues a conversation
    assert nd.followups.weekly_review(date(2025, 10, 15)).stalled == ()
    stats = nd.followups.stats(date(2025, 10, 8), months=22)
    assert (stats.new_connections, stats.notes_sent, stats.replies) == (4, 2, 2)
    january = next(r for r in nd.networking.reply_rate_by_month(22, date(2025, 10, 8)) if r.month == "2024-01")
    assert (january.new_connections, january.notes_sent, january.replied) == (1, 0, 0)
    nd.close()
    review = cli_json(capsys, "review", "--db", str(db_path), "--json", "--date", "2025-10-15")
    assert (review["last_week"]["notes_sent"], review["stalled"]) == (0, [])


def test_a_message_logged_by_hand_and_then_exported_is_one_exchange(
    imported: NetDesk, story: Any, tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Sam logs his answer to Priya (`netdesk log`, his local time) and marks a message to Gil as sent; the next export
    holds both messages. Each is one exchange, not two: strength, the review and the timeline count it once, and the
    export after that adds nothing."""
    imported.close()
    db = str(db_path)
    assert (
        run(["log", "--db", db, "--with", "Priya Raman", "--kind", "message", "--direction", "out", "--date",
             "2025-10-07T11:00", "--note", "Yes!  Thursday works."])
        == 0
    )  # fmt: skip
    capsys.readouterr()
    assert run(["import", "--db", db, str(story.linkedin_export(tmp_path / "li2", later=True))]) == 0
    assert "1 interaction added" in capsys.readouterr().out  # of the three messages, only Sam's to Gil
    nd = open_netdesk(db_path)
    try:
        people = ids(nd)
        answers = [i for i in nd.timeline.for_contact(people["Priya Raman"]) if i.summary.startswith("Yes!")]
        assert len(answers) == 1 and answers[0].occurred_at == datetime(2025, 10, 7, 11, 0)  # as Sam logged it
        strength = nd.networking.strength(people["Priya Raman"], date(2025, 10, 8))
        assert strength.parts[1] == ("3 exchanges in 12 months", 9)  # her note, her reply, Sam's answer
        assert nd.followups.weekly_review(date(2025, 10, 8)).this_week.exchanges == 2
        # The "Sent personal message" override, then the export with the message itself.
        gil = people["Gil Group"]
        with nd.sessions.begin() as s:  # as if the Gil message were not in the export yet
            s.connection().exec_driver_sql(
                "DELETE FROM interactions WHERE id IN (SELECT interaction_id FROM interaction_participants"
                " WHERE contact_id = ?) AND kind = 'message' AND direction = 'out'",
                (gil,),
            )
        nd.followups.mark(gil, "messaged", when=datetime(2025, 10, 7, 13, 30))
        report = nd.imports.import_paths([story.linkedin_export(tmp_path / "li3", later=True)]).value
        assert report.interactions_added == 0
        mine = [i for i in nd.timeline.for_contact(gil) if i.direction.value == "out"]
        assert [i.summary for i in mine] == ["Personal note (marked as sent)"]
        again = nd.imports.import_paths([story.linkedin_export(tmp_path / "li4", later=True)]).value
        assert again.interactions_added == 0
    finally:
        nd.close()


def test_strength_reads_a_new_rhythm_as_the_due_list_does(imported: NetDesk) -> None:
    """Gil last wrote on 20 Sep; a weekly rhythm set on 6 Oct counts from 6 Oct. The Due list says it is due on 13 Oct;
    the strength must not call it overdue (nor take points for it) on the day it was set."""
    nd = imported
    gil = ids(nd)["Gil Group"]
    nd.networking.set_contact_cadence(gil, 7, since=OCT6)
    [item] = [i for i in nd.networking.due(OCT6) if i.contact_id == gil]
    assert (item.kind, item.due_date) == (DueKind.DUE_THIS_WEEK, date(2025, 10, 13))
    parts = dict(nd.networking.strength(gil, OCT6).parts)
    assert parts["Rhythm every 7 days kept"] == 15
    # A week after it fell due, both say it is late.
    [late] = [i for i in nd.networking.due(date(2025, 10, 16)) if i.contact_id == gil]
    assert late.days_overdue == 3
    assert "Rhythm overdue by 3 days" in dict(nd.networking.strength(gil, date(2025, 10, 16)).parts)
    # A tag's rhythm counts from the day it was set too.
    otto = ids(nd)["Otto Old"]
    nd.contacts.update(nd.contacts.get(gil).replace(tags=("speakers",)))
    nd.networking.set_contact_cadence(gil, None)
    nd.networking.set_tag_cadence("speakers", 7, since=OCT6)
    assert dict(nd.networking.strength(gil, OCT6).parts)["Rhythm every 7 days kept"] == 15
    assert "No rhythm set" in dict(nd.networking.strength(otto, OCT6).parts)


def test_manual_overrides_log_what_moved_the_stage(imported: NetDesk) -> None:
    nd = imported
    people = ids(nd)
    mum = people["Mum"]
    with pytest.raises(Exception, match="already a connection"):
        nd.followups.mark_new_connection(people["Lena Fox"], OCT6)
    nd.followups.mark_new_connection(mum, OCT6)
    assert [i.kind for i in nd.networking.due(OCT6) if i.contact_id == mum] == [DueKind.FOLLOWUP]
    written = nd.networking.mark_followup(mum, "messaged")
    assert written.value.stage is Stage.NOTE_SENT and written.changes.interactions
    assert nd.timeline.for_contact(mum)[0].summary == "Personal note (marked as sent)"
    # A note with no reply for a week has stalled: the weekly review names it.
    bob = people["Dr. Bob Builder"]
    nd.followups.mark_new_connection(bob, date(2025, 10, 1))
    nd.followups.mark(bob, "messaged", when=datetime(2025, 10, 2, 9))
    assert nd.followups.weekly_review(date(2025, 10, 14)).stalled == ((bob, "Dr. Bob Builder", date(2025, 10, 2)),)
    assert nd.followups.weekly_review(date(2025, 10, 7)).stalled == ()  # five days: not yet
    lena = people["Lena Fox"]
    nd.networking.mark_followup(lena, "dismissed")
    assert nd.followups.pipeline(lena).stage is Stage.DISMISSED
    assert "Lena Fox" not in [i.contact_name for i in nd.networking.due(OCT6)]


def test_the_command_line_reads_the_same_record(
    imported: NetDesk, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    imported.close()
    db = str(db_path)
    items = cli_json(capsys, "due", "--db", db, "--json", "--date", "2025-10-06")
    assert all(
        set(i) >= {"kind", "section", "contact_id", "contact", "title", "detail", "due_date", "days_overdue"}
        for i in items
    )
    kinds = sorted((i["kind"], i["section"], i["contact"]) for i in items)
    assert kinds == [
        ("followup", "new_connections", "Lena Fox"),
        ("invitation", "invitations", "Dana Whitfield"),
        ("reply", "replies", "Marcus Webb"),
        ("reply", "replies", "Priya Raman"),
    ]
    assert next(i for i in items if i["kind"] == "invitation")["contact_id"] is None
    stats = cli_json(capsys, "stats", "--db", db, "--json", "--date", "2025-10-06", "--months", "1")
    assert {k: stats[k] for k in ("new_connections", "notes_sent", "replies", "reply_rate")} == {
        "new_connections": 3,
        "notes_sent": 2,
        "replies": 2,
        "reply_rate": 1.0,
    }
    review = cli_json(capsys, "review", "--db", db, "--json", "--date", "2025-10-08")
    assert review["last_week"] == {
        "start": "2025-09-29",
        "notes_sent": 2,  # Marcus's invitation note, Priya's message
        "replies": 2,
        "exchanges": 4,
        "in_person_share": 0.0,
        "favours": 0,
    }
    assert (review["this_week"]["start"], review["this_week"]["exchanges"], review["stalled"]) == ("2025-10-06", 0, [])
    empty = cli_json(capsys, "stats", "--db", db, "--json", "--date", "2024-06-30", "--months", "3")
    assert (empty["new_connections"], empty["reply_rate"]) == (0, None)

    # A rhythm counts from the day it is set or the last exchange: Mum, never contacted, is "start the rhythm".
    assert run(["cadence", "--db", db, "Mum", "30", "--date", "2025-10-01"]) == 0
    capsys.readouterr()
    mum = [i for i in cli_due(capsys, db, "2025-10-06") if i["contact"] == "Mum"]
    assert [(i["kind"], i["section"], i["days_overdue"]) for i in mum] == [("start_rhythm", "start_rhythm", None)]
    assert (
        run(["log", "--db", db, "--with", "Mum", "--kind", "call", "--date", "2025-10-02", "--note", "Sunday call"])
        == 0
    )
    assert "logged call with Mum on 2025-10-02" in capsys.readouterr().out
    assert [
        i for i in cli_json(capsys, "due", "--db", db, "--json", "--date", "2025-10-06") if i["contact"] == "Mum"
    ] == []
    later = [i for i in cli_json(capsys, "due", "--db", db, "--json", "--date", "2025-11-05") if i["contact"] == "Mum"]
    assert [(i["kind"], i["days_overdue"], i["due_date"]) for i in later] == [("cadence", 4, "2025-11-01")]

    # Two people called Alex Kim: a name is not enough.
    assert run(["cadence", "--db", db, "Alex Kim", "30"]) == 1
    err = capsys.readouterr().err
    assert "matches 2 contacts" in err and err.count("Alex Kim (id ") == 2
    assert run(["log", "--db", db, "--with", "Mum", "--kind", "call", "--date", "2031-01-01"]) == 1
    assert "in the future" in capsys.readouterr().err

    listed = {c["name"]: c for c in cli_json(capsys, "list", "--db", db, "--json", "--date", "2025-10-06")}
    assert listed["Mum"]["last_contacted"] == "2025-10-02" and listed["Mum"]["strength"] > 0
    assert (listed["Otto Old"]["last_contacted"], listed["Otto Old"]["strength"]) == (None, 0)
    assert listed["Priya Raman"]["last_contacted"] == "2025-10-05"


def test_the_facts_an_import_folds_in_hand_equal_a_refresh_from_the_database(imported: NetDesk) -> None:
    """New people's facts are folded from the imported values (nothing read back); the database must agree."""
    from netdesk.services.exchanges import refresh_exchange_facts

    columns = "id, last_contacted, last_in_at, last_out_at, followup_state, followup_messaged_at, followup_replied_at"

    def facts() -> list[tuple[object, ...]]:
        with imported.engine.connect() as c:
            return [tuple(r) for r in c.exec_driver_sql(f"SELECT {columns} FROM contacts ORDER BY id")]

    before = facts()
    assert any(row[1] is not None for row in before)
    with imported.sessions.begin() as s:
        refresh_exchange_facts(s, [row[0] for row in before])  # type: ignore[misc]
    assert facts() == before
