"""NetworkingService over a real (temporary) database."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from netdesk.cli import run
from netdesk.core.errors import NotFoundError, ValidationError
from netdesk.core.model import (
    Channel,
    ContactDTO,
    InteractionDTO,
    InteractionKind,
    PartialDate,
    Participant,
)
from netdesk.core.networking import DueKind
from netdesk.db.tables import Contact
from netdesk.services import NetDesk, open_netdesk
from netdesk.services.networking import DEFAULT_GOALS

TODAY = date(2025, 3, 10)
OLD = date(2024, 1, 1)  # created long ago: no follow-up nudges


def at(d: date, hour: int = 10) -> datetime:
    return datetime.combine(d, datetime.min.time()).replace(hour=hour)


def person(nd: NetDesk, name: str, *, created: date = OLD, **fields: object) -> int:
    given, _, family = name.partition(" ")
    dto = ContactDTO(given_name=given, family_name=family, created_at=at(created), **fields)  # type: ignore[arg-type]
    cid = nd.contacts.create(dto).value.id
    assert cid is not None
    return cid


def log(nd: NetDesk, cid: int, when: date, kind: InteractionKind = InteractionKind.CALL, **fields: object) -> int:
    dto = InteractionDTO(occurred_at=at(when), kind=kind, participants=(Participant(cid),), **fields)  # type: ignore[arg-type]
    iid = nd.timeline.log(dto).value.id
    assert iid is not None
    return iid


def kinds(nd: NetDesk, today: date = TODAY) -> list[tuple[str, str]]:
    return [(i.kind.value, i.contact_name) for i in nd.networking.due(today)]


# --- cadence and the due list ------------------------------------------------------------------------


def test_contact_cadence_overdue_and_logging_restarts_the_clock(nd: NetDesk) -> None:
    ada = person(nd, "Ada Lovelace")
    log(nd, ada, date(2025, 1, 1))
    assert kinds(nd) == []
    nd.networking.set_contact_cadence(ada, 30, since=date(2025, 1, 1))
    [item] = nd.networking.due(TODAY)
    assert (item.kind, item.contact_id, item.days_overdue, item.due_date) == (
        DueKind.OVERDUE,
        ada,
        38,
        date(2025, 1, 31),
    )
    log(nd, ada, date(2025, 3, 8))
    assert kinds(nd) == []  # contacted two days ago: next due in April
    assert kinds(nd, date(2025, 4, 2)) == [("due_this_week", "Ada Lovelace")]


def test_tag_cadence_shortest_applies_and_own_cadence_wins(nd: NetDesk) -> None:
    bob = person(nd, "Bob Byte", tags=("client", "friend"))
    cy = person(nd, "Cy Coder", tags=("client",))
    for cid in (bob, cy):
        log(nd, cid, date(2025, 1, 20))
    nd.networking.set_tag_cadence("CLIENT", 90, since=date(2025, 1, 1))
    nd.networking.set_tag_cadence("friend", 30, since=date(2025, 1, 1))
    assert kinds(nd) == [("overdue", "Bob Byte")]  # 49 days > 30; Cy's 90 days not yet
    assert nd.networking.cadence_of(bob) == (None, 30)
    nd.networking.set_contact_cadence(bob, 55, since=date(2025, 1, 1))
    assert kinds(nd) == [("due_this_week", "Bob Byte")]  # own 55 days: due on 16 March
    nd.networking.set_tag_cadence("friend", None)
    nd.networking.set_contact_cadence(bob, None)
    assert kinds(nd) == []
    with pytest.raises(NotFoundError):
        nd.networking.set_tag_cadence("nope", 10)
    with pytest.raises(ValidationError):
        nd.networking.set_contact_cadence(bob, 0)


def test_overdue_sorted_by_days_and_snoozed_hidden_until_the_date(nd: NetDesk) -> None:
    names = {}
    for name, last in (("Al One", date(2025, 2, 1)), ("Bea Two", date(2024, 12, 1)), ("Cal Three", date(2025, 1, 5))):
        names[name] = person(nd, name)
        log(nd, names[name], last)
        nd.networking.set_contact_cadence(names[name], 30, since=OLD)
    assert [n for _, n in kinds(nd)] == ["Bea Two", "Cal Three", "Al One"]
    nd.networking.snooze(names["Bea Two"], date(2025, 3, 15))
    assert [n for _, n in kinds(nd)] == ["Cal Three", "Al One"]
    assert "Bea Two" in [n for _, n in kinds(nd, date(2025, 3, 15))]
    nd.networking.snooze(names["Bea Two"], None)
    assert "Bea Two" in [n for _, n in kinds(nd)]


def test_birthdays_and_anniversaries_in_the_next_14_days(nd: NetDesk) -> None:
    person(nd, "Bday Soon", birthday=PartialDate(3, 20, 1990))
    person(nd, "Bday Noyear", birthday=PartialDate(3, 10))
    person(nd, "Bday Later", birthday=PartialDate(3, 30))
    person(nd, "Anni Versary", anniversary=PartialDate(3, 12, 2020))
    items = nd.networking.due(TODAY)
    assert [(i.kind.value, i.contact_name, i.due_date) for i in items] == [
        ("birthday", "Bday Noyear", date(2025, 3, 10)),
        ("birthday", "Bday Soon", date(2025, 3, 20)),
        ("anniversary", "Anni Versary", date(2025, 3, 12)),
    ]
    assert items[1].title == "Birthday of Bday Soon in 10 days (turns 35)"


def test_feb_29_birthday_shows_on_feb_28_in_non_leap_year(nd: NetDesk) -> None:
    person(nd, "Leap Day", birthday=PartialDate(2, 29, 2000))
    [item] = nd.networking.due(date(2025, 2, 27))
    assert item.due_date == date(2025, 2, 28) and item.kind is DueKind.BIRTHDAY


def test_new_connection_follow_up_steps(nd: NetDesk) -> None:
    new = person(nd, "New Friend", created=OLD, connected_on=date(2025, 3, 1))
    person(nd, "Old Friend", created=OLD, connected_on=date(2024, 3, 1))
    person(nd, "Fresh Import", created=date(2025, 3, 9))  # added, never connected: not a new connection
    nd.contacts.create(ContactDTO(kind="organization", formatted_name="ACME Org", connected_on=date(2025, 3, 9)))  # type: ignore[arg-type]
    items = [i for i in nd.networking.due(TODAY) if i.kind is DueKind.FOLLOWUP]
    assert [(i.contact_name, i.title) for i in items] == [("New Friend", "Send New Friend a personal note")]
    assert items[0].days_overdue == 6 and items[0].detail == "Connected 2025-03-01 (9 days ago) · note 6 days late"
    nd.networking.mark_followup(new, "messaged")  # an override: logs the note, and the stage follows from it
    assert [i for i in nd.networking.due(TODAY) if i.contact_id == new] == []
    assert [i.summary for i in nd.timeline.for_contact(new)] == ["Personal note (marked as sent)"]
    nd.networking.mark_followup(new, "replied")
    with nd.sessions() as s:
        row = s.get(Contact, new)
        assert row is not None and row.followup_state == "replied"
        assert row.followup_messaged_at is not None and row.followup_replied_at is not None
    with pytest.raises(ValidationError):
        nd.networking.mark_followup(new, "waved")


def test_reply_rate_by_month(nd: NetDesk) -> None:
    a = person(nd, "Ann A", connected_on=date(2025, 2, 3))
    b = person(nd, "Ben B", connected_on=date(2025, 2, 20))
    person(nd, "Col C", connected_on=date(2025, 3, 2))
    for cid in (a, b):
        log(nd, cid, date(2025, 2, 21), InteractionKind.MESSAGE, direction="out")
    log(nd, a, date(2025, 2, 22), InteractionKind.MESSAGE, direction="in")
    rows = nd.networking.reply_rate_by_month(3, TODAY)
    assert [(r.month, r.new_connections, r.notes_sent, r.replied) for r in rows] == [
        ("2025-01", 0, 0, 0),
        ("2025-02", 2, 2, 1),
        ("2025-03", 1, 0, 0),
    ]
    assert rows[1].rate == 0.5 and rows[2].rate is None


# --- favours -----------------------------------------------------------------------------------------------


def test_favour_balance_nudge_and_open_promises(nd: NetDesk) -> None:
    xi = person(nd, "Xi Giver")
    yo = person(nd, "Yo Promise")
    for d in (date(2025, 1, 5), date(2025, 2, 5), date(2025, 3, 1)):
        log(nd, xi, d, InteractionKind.FAVOUR_RECEIVED, summary="helped")
    assert nd.networking.favour_balance(xi) == (0, 3)
    promise = log(nd, yo, date(2025, 2, 24), InteractionKind.FAVOUR_GIVEN, summary="an intro to Bob", is_open=True)
    log(nd, yo, date(2025, 2, 1), InteractionKind.FAVOUR_GIVEN, summary="already done")
    titles = [(i.title, i.detail) for i in nd.networking.due(TODAY) if i.kind is DueKind.FAVOUR]
    assert ("You have received 3 favours from Xi Giver and given none", "Look for a way to help them") in titles
    assert ("You promised Yo Promise: an intro to Bob", "Promised 14 days ago (2025-02-24)") in titles
    assert [i.summary for i in nd.networking.open_favours(yo)] == ["an intro to Bob"]

    nd.networking.close_favour(promise)  # the cached favour facts must notice this write
    assert [i.title for i in nd.networking.due(TODAY) if i.kind is DueKind.FAVOUR] == [
        "You have received 3 favours from Xi Giver and given none"
    ]
    log(nd, xi, date(2025, 3, 5), InteractionKind.FAVOUR_GIVEN, summary="reviewed CV")
    assert [i for i in nd.networking.due(TODAY) if i.kind is DueKind.FAVOUR] == []
    with pytest.raises(ValidationError):
        nd.networking.close_favour(log(nd, xi, date(2025, 3, 5)))
    with pytest.raises(NotFoundError):
        nd.networking.close_favour(99999)


def test_favour_cache_sees_changes_from_another_connection(db_path: Path) -> None:
    first = open_netdesk(db_path)
    second = open_netdesk(db_path)
    try:
        zed = person(first, "Zed Zulu")
        assert first.networking.due(TODAY) == []
        log(second, zed, date(2025, 3, 1), InteractionKind.FAVOUR_GIVEN, summary="send the deck", is_open=True)
        assert [i.title for i in first.networking.due(TODAY)] == ["You promised Zed Zulu: send the deck"]
    finally:
        first.close()
        second.close()


def test_deleted_contacts_never_appear(nd: NetDesk) -> None:
    gone = person(nd, "Gone Girl", birthday=PartialDate(3, 11))
    log(nd, gone, date(2025, 1, 1), InteractionKind.FAVOUR_GIVEN, summary="x", is_open=True)
    assert len(nd.networking.due(TODAY)) == 2
    nd.contacts.delete([gone])
    assert nd.networking.due(TODAY) == []


# --- relationships and introductions ---------------------------------------------------------------------


def test_relationships_read_both_ways(nd: NetDesk) -> None:
    ann, ben, cat = person(nd, "Ann Boss"), person(nd, "Ben Worker"), person(nd, "Cat Pal")
    rel = nd.networking.add_relationship(ann, ben, "manager").value
    assert (rel.other_id, rel.role) == (ben, "report")
    nd.networking.add_relationship(ben, ann, "report")  # the same fact: stored once
    nd.networking.add_relationship(cat, ann, "friend")
    nd.networking.add_relationship(ann, cat, "Friend")
    assert [(r.other_name, r.role) for r in nd.networking.relationships_of(ann)] == [
        ("Ben Worker", "report"),
        ("Cat Pal", "friend"),
    ]
    assert [(r.other_name, r.role) for r in nd.networking.relationships_of(ben)] == [("Ann Boss", "manager")]
    nd.networking.remove_relationship(rel.id)
    assert [r.other_name for r in nd.networking.relationships_of(ben)] == []
    with pytest.raises(ValidationError):
        nd.networking.add_relationship(ann, ann, "knows")
    with pytest.raises(NotFoundError):
        nd.networking.add_relationship(ann, 4242, "knows")


def test_log_introduction_credits_the_introducer_on_both_timelines(nd: NetDesk) -> None:
    intro, a, b = person(nd, "Ivy Introducer"), person(nd, "Abe A"), person(nd, "Bo B")
    logged = nd.networking.log_introduction(intro, a, b, at(date(2025, 3, 1)), "coffee").value
    assert logged.kind is InteractionKind.INTRODUCTION
    assert logged.summary == "Ivy Introducer introduced Abe A and Bo B"
    for cid in (intro, a, b):
        assert [i.id for i in nd.timeline.for_contact(cid)] == [logged.id]
    assert [(r.other_name, r.role) for r in nd.networking.relationships_of(a)] == [("Bo B", "knows")]
    with pytest.raises(ValidationError):
        nd.networking.log_introduction(a, a, b)


def test_introducers_one_hop_ranked_by_strength_with_reasons(nd: NetDesk) -> None:
    target = person(nd, "Tara Target", organization="ACME", title="CEO")
    close = person(nd, "Cleo Close")
    far = person(nd, "Fred Far")
    colleague = person(nd, "Carl Colleague", organization="acme", title="CTO")
    stranger = person(nd, "Stan Stranger")
    nd.networking.add_relationship(close, target, "colleague")
    nd.networking.add_relationship(far, target, "knows")
    nd.networking.add_relationship(stranger, target, "friend")
    today = date.today()
    for d in range(5):
        log(nd, close, today - timedelta(days=d * 7))
    log(nd, far, today - timedelta(days=200))
    log(nd, colleague, today - timedelta(days=30))
    paths = nd.networking.introducers_for(target_contact_id=target)
    assert [(p.via_names, p.reason) for p in paths] == [
        (("Cleo Close",), "colleague of Tara Target"),
        (("Carl Colleague",), "works at acme as CTO with Tara Target"),
        (("Fred Far",), "knows Tara Target"),
        (("Stan Stranger",), "friend of Tara Target (you are not in touch)"),
    ]
    assert paths[0].score > paths[1].score > paths[2].score > 0 == paths[3].score
    assert [p.via_names for p in nd.networking.introducers_for(target_contact_id=target, limit=2)] == [
        ("Cleo Close",),
        ("Carl Colleague",),
    ]


def test_introducers_for_organisation_and_two_hops(nd: NetDesk) -> None:
    cto = person(nd, "Olga Org", organization="Northwind", title="CTO")
    friend = person(nd, "Fay Friend")
    person(nd, "Nobody Else")
    nd.networking.add_relationship(friend, cto, "mentor")  # Fay is Olga's mentor
    log(nd, friend, date.today() - timedelta(days=3))
    paths = nd.networking.introducers_for(organization="NORTHWIND")
    assert [(p.via_names, p.reason, p.hops) for p in paths] == [
        (("Fay Friend", "Olga Org"), "mentor of Olga Org, who works at Northwind as CTO", 2),
        (("Olga Org",), "works at Northwind as CTO (you are not in touch)", 1),
    ]
    assert paths[0].score == round(nd.networking.strength(friend).score * 0.5) > 0
    assert nd.networking.introducers_for(organization="Nowhere Inc") == []
    with pytest.raises(ValidationError):
        nd.networking.introducers_for()


# --- strength ----------------------------------------------------------------------------------------------


def test_strength_single_and_bulk_agree(nd: NetDesk) -> None:
    ann, bob, cy = person(nd, "Ann S"), person(nd, "Bob S"), person(nd, "Cy S", tags=("team",))
    today = date.today()
    for d in range(0, 360, 30):
        log(nd, ann, today - timedelta(days=d))
    log(nd, ann, today - timedelta(days=3), InteractionKind.FAVOUR_GIVEN)
    log(nd, bob, today - timedelta(days=300))
    nd.networking.set_tag_cadence("team", 30)
    strong = nd.networking.strength(ann)
    assert strong.score >= 70
    # Twelve calls are exchanges; the favour counts among favours, not as an exchange.
    assert any(label.startswith("12 exchanges") for label, _ in strong.parts)
    assert len(strong.counted) == 12 and strong.counted[0] == f"{today.isoformat()} · call"
    scores = nd.networking.strength_scores()
    assert scores[ann] == strong.score and scores[bob] == nd.networking.strength(bob).score
    assert scores[ann] > scores[bob] > 0
    assert cy not in scores  # cadence set but never kept, no contact: 0
    assert nd.networking.strength(cy).score == 0
    with pytest.raises(NotFoundError):
        nd.networking.strength(9999)
    # The scores of a few people (after a write about them) are the same as in everyone's.
    assert nd.networking.strength_scores_of([bob, cy]) == {bob: scores[bob]}
    assert nd.networking.strength_scores_of([]) == {}


def test_strength_scores_leave_out_the_trashed_and_purged(nd: NetDesk) -> None:
    ann, bob, cy = person(nd, "Ann T"), person(nd, "Bob T"), person(nd, "Cy T")
    today = date.today()
    for cid in (ann, bob, cy):
        log(nd, cid, today - timedelta(days=5))
    assert set(nd.networking.strength_scores()) == {ann, bob, cy}
    nd.contacts.delete([bob, cy])
    assert set(nd.networking.strength_scores()) == {ann}
    nd.contacts.restore([bob])
    assert set(nd.networking.strength_scores()) == {ann, bob}
    nd.contacts.purge_trash(older_than_days=0)  # Cy is removed for good, with his part in the interaction
    assert set(nd.networking.strength_scores()) == {ann, bob}


# --- goals -------------------------------------------------------------------------------------------------


def test_goals_created_by_the_user_then_edited_and_overview(nd: NetDesk) -> None:
    assert nd.networking.goals() == []  # no goal nobody created
    for name in DEFAULT_GOALS:
        nd.networking.create_goal(name)
    known, equipped, connected = nd.networking.goals()
    ann, bob = person(nd, "Ann G"), person(nd, "Bob G")
    today = date(2025, 5, 20)
    nd.networking.link_contact(known.id, ann)
    nd.networking.link_contact(known.id, bob)
    nd.networking.link_contact(known.id, bob)  # twice is harmless
    log(nd, ann, date(2025, 5, 2))
    log(nd, ann, date(2025, 4, 15))
    log(nd, bob, date(2025, 1, 5))
    talk = log(nd, bob, date(2025, 5, 10), InteractionKind.MEETING)
    nd.networking.link_interaction(equipped.id, talk)
    new = nd.networking.create_goal("  Speak at  PyCon ").value
    assert new.name == "Speak at PyCon"
    nd.networking.rename_goal(connected.id, "Meet investors")
    nd.networking.delete_goal(new.id)
    overview = {o.name: o for o in nd.networking.goal_overview(today)}
    assert list(overview) == ["Better known", "Better equipped", "Meet investors"]
    k = overview["Better known"]
    assert [p.name for p in k.people] == ["Ann G", "Bob G"]
    assert (k.interactions_this_month, k.interactions_this_quarter) == (2, 3)
    assert [p.name for p in k.stale] == []  # Bob was seen on 10 May
    assert (overview["Better equipped"].interactions_this_month, overview["Better equipped"].people) == (1, ())
    assert [p.name for p in nd.networking.goal_overview(date(2025, 8, 1))[0].stale] == ["Ann G", "Bob G"]
    nd.networking.unlink_contact(known.id, bob)
    assert [p.name for p in nd.networking.goal_overview(today)[0].people] == ["Ann G"]
    # Deleting every goal does not bring the defaults back.
    for g in nd.networking.goals():
        nd.networking.delete_goal(g.id)
    assert nd.networking.goals() == []
    with pytest.raises(ValidationError):
        nd.networking.create_goal("   ")
    with pytest.raises(NotFoundError):
        nd.networking.rename_goal(known.id, "x")


# --- dashboard ---------------------------------------------------------------------------------------------


def test_interactions_per_month_by_kind_and_channel(nd: NetDesk) -> None:
    ann = person(nd, "Ann D")
    log(nd, ann, date(2025, 3, 1), InteractionKind.CALL, channel=Channel.ONLINE)
    log(nd, ann, date(2025, 3, 2), InteractionKind.CALL, channel=Channel.ONLINE)
    log(nd, ann, date(2025, 2, 2), InteractionKind.MEETING, channel=Channel.IN_PERSON)
    log(nd, ann, date(2024, 1, 2), InteractionKind.MEETING)  # outside the window
    by_kind = nd.networking.interactions_per_month(3, "kind", TODAY)
    assert [(r.month, r.key, r.count) for r in by_kind] == [("2025-02", "meeting", 1), ("2025-03", "call", 2)]
    by_channel = nd.networking.interactions_per_month(12, "channel", TODAY)
    assert [(r.month, r.key, r.count) for r in by_channel] == [("2025-02", "in_person", 1), ("2025-03", "online", 2)]
    with pytest.raises(ValidationError):
        nd.networking.interactions_per_month(12, "colour", TODAY)


# --- CLI -----------------------------------------------------------------------------------------------------


def test_cli_due_json_and_text(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    nd = open_netdesk(db_path)
    ada = person(nd, "Ada Due", birthday=PartialDate(3, 12))
    log(nd, ada, date(2025, 1, 1))
    nd.networking.set_contact_cadence(ada, 30, since=date(2024, 12, 1))
    nd.close()
    assert run(["due", "--db", str(db_path), "--json", "--date", "2025-03-10"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == [
        {
            "kind": "cadence",
            "section": "stay_in_touch",
            "contact_id": ada,
            "contact": "Ada Due",
            "title": "Get in touch with Ada Due · overdue by 38 days",
            "detail": "Keep in touch every 30 days · last contact 2025-01-01 (68 days ago)",
            "days_overdue": 38,
            "due_date": "2025-01-31",
        },
        {
            "kind": "occasion",
            "section": "occasions",
            "contact_id": ada,
            "contact": "Ada Due",
            "title": "Birthday of Ada Due in 2 days",
            "detail": "Wednesday, 2025-03-12",
            "days_overdue": -2,
            "due_date": "2025-03-12",
        },
    ]
    assert run(["due", "--db", str(db_path), "--date", "2025-03-10"]) == 0
    text_out = capsys.readouterr().out
    assert "Stay in touch (1)\n  Get in touch with Ada Due" in text_out
    assert "Occasions (1)\n  Birthday of Ada Due" in text_out
    assert run(["due", "--db", str(db_path), "--date", "10/03/2025"]) == 2
    assert "not a date" in capsys.readouterr().err


def test_followup_uses_creation_date_when_never_connected(nd: NetDesk) -> None:
    cid = person(nd, "Recent Add", created=date(2025, 3, 8))
    with nd.sessions.begin() as s:
        s.execute(update(Contact).where(Contact.id == cid).values(followup_state="dismissed"))
    assert nd.networking.due(TODAY) == []


def test_nameless_contact_still_gets_a_readable_item(nd: NetDesk) -> None:
    cid = person(nd, "Temp Name", birthday=PartialDate(3, 11))
    # Validation forbids nameless contacts, but imports and older databases can hold them.
    with nd.sessions.begin() as s:
        s.execute(update(Contact).where(Contact.id == cid).values(display_name=""))
    [item] = nd.networking.due(TODAY)
    assert item.contact_name == f"Contact #{cid}" and item.title == f"Birthday of Contact #{cid} tomorrow"


def test_due_queries_read_through_their_partial_indexes(nd: NetDesk) -> None:
    """The due list stays fast on a big network only while each query can use its index: guard the plans."""
    from netdesk.services import due as svc

    params = {
        "today": "2025-03-10",
        "due_before": "2025-03-17",
        "new_since": "2025-02-08",
        "tomorrow": "2025-03-11",
        "reply_since": "2025-02-08",
        "job_since": "2025-02-24",
        "lo": "03-10",
        "hi": "03-24",
    }
    queries = {
        "own_cadence": svc._OWN_CADENCE_DUE_SQL,
        "tag_cadence": svc._TAG_CADENCE_DUE_SQL,
        "birthday": svc._OCCASION_SQL.replace("{field}", "birthday"),
        "anniversary": svc._OCCASION_SQL.replace("{field}", "anniversary"),
        "followup": svc._FOLLOWUP_SQL,
        "reply": svc._REPLY_SQL,
        "job_change": svc._JOB_CHANGE_SQL,
    }
    index_of = {
        "own_cadence": "ix_contacts_own_cadence",
        "tag_cadence": "SCAN t",  # the few tags that carry a rhythm, then their links by tag
        "birthday": "ix_contacts_birthday_month_day",
        "anniversary": "ix_contacts_anniversary_month_day",
        "followup": "ix_contacts_connected",
        "reply": "ix_contacts_reply_owed",
        "job_change": "ix_contact_history_job_changes",
    }
    expected = {svc.contact_sql(sql, scan): index_of[scan] for scan, sql in queries.items()}
    expected[svc._INVITATION_SQL] = "ix_invitations_pending"
    with nd.engine.connect() as conn:
        for sql, index in expected.items():
            plan = " ".join(row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params))
            assert index in plan, plan
        # Right after a write, each reads only the contacts the write touched: by id, never a scan of contacts.
        for scan, sql in queries.items():
            few = svc.contact_sql(sql, scan, few=True)
            plan = " ".join(
                row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + few, {**params, "only": "[1, 2]"})
            )
            assert "SCAN c " not in plan + " " and "SEARCH c USING INTEGER PRIMARY KEY" in plan, plan


def _favour_generation(nd: NetDesk) -> int:
    with nd.engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT value FROM favour_generation").scalar_one())


def test_favour_generation_moves_with_every_favour_write_and_only_then(nd: NetDesk) -> None:
    """The favour facts are cached on this value: a favour write that left it alone would show stale nudges."""
    ann, bob = person(nd, "Ann Able"), person(nd, "Bob Baker")
    seen = [_favour_generation(nd)]

    def moved() -> bool:
        seen.append(_favour_generation(nd))
        return seen[-1] != seen[-2]

    log(nd, ann, date(2025, 3, 1), InteractionKind.MESSAGE)
    nd.networking.snooze(ann, TODAY)
    nd.networking.set_contact_cadence(bob, 30)
    assert not moved()  # no favour involved
    promise = log(nd, ann, date(2025, 3, 1), InteractionKind.FAVOUR_GIVEN, summary="intro", is_open=True)
    assert moved()
    nd.networking.close_favour(promise)
    assert moved()
    dto = nd.timeline.get(promise)
    nd.timeline.update(dto.replace(participants=(Participant(bob),)))
    assert moved()  # only its participants changed
    nd.contacts.merge(ann, [bob])  # bob's favour moves to ann
    assert moved()
    nd.timeline.delete(promise)
    assert moved()
    call = log(nd, ann, date(2025, 3, 2))
    assert not moved()
    nd.timeline.update(nd.timeline.get(call).replace(kind=InteractionKind.FAVOUR_RECEIVED))
    assert moved()  # it became a favour


def test_favour_nudges_follow_edits_made_after_they_were_cached(nd: NetDesk) -> None:
    zed = person(nd, "Zed Zulu")
    received = [log(nd, zed, date(2025, 3, d), InteractionKind.FAVOUR_RECEIVED) for d in (1, 2, 3)]
    assert kinds(nd) == [("favour", "Zed Zulu")]
    nd.timeline.update(nd.timeline.get(received[0]).replace(kind=InteractionKind.MEETING))
    assert kinds(nd) == []


def test_next_contact_due_counts_from_the_later_of_last_exchange_and_rhythm_start(nd: NetDesk) -> None:
    ada = person(nd, "Ada Next", tags=("client",))
    assert nd.networking.next_contact_due(ada) is None  # no rhythm
    nd.networking.set_tag_cadence("client", 60, since=date(2024, 12, 1))
    assert nd.networking.next_contact_due(ada) is None  # no exchange yet: "start the rhythm"
    log(nd, ada, date(2025, 1, 1))
    assert nd.networking.next_contact_due(ada) == date(2025, 3, 2)  # the tag's rhythm, from the last exchange
    nd.networking.set_contact_cadence(ada, 30, since=date(2025, 2, 1))
    assert nd.networking.next_contact_due(ada) == date(2025, 3, 3)  # her own, from the day it was set
    [item] = nd.networking.due(date(2025, 3, 1))
    assert item.due_date == date(2025, 3, 3)  # the detail pane and the Due list agree


def _due_generation(nd: NetDesk) -> int:
    with nd.engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT value FROM due_generation").scalar_one())


def test_the_due_list_is_kept_until_a_write_it_reads_and_sees_other_writers(db_path: Path) -> None:
    first, second = open_netdesk(db_path), open_netdesk(db_path)
    try:
        ada = person(first, "Ada Kept", birthday=PartialDate(3, 12))
        before = _due_generation(first)
        items = first.networking.due(TODAY)
        assert first.networking.due(TODAY) == items and [i.kind for i in items] == [DueKind.BIRTHDAY]
        assert _due_generation(first) == before  # reading changes nothing
        second.networking.snooze(ada, date(2025, 3, 20))  # another connection's write
        assert _due_generation(first) != before and first.networking.due(TODAY) == []
        second.networking.snooze(ada, None)
        bob = person(second, "Bob Tagged", tags=("client",))
        log(second, bob, date(2025, 1, 1))
        second.networking.set_tag_cadence("client", 30, since=date(2024, 12, 1))
        assert {i.contact_name for i in first.networking.due(TODAY)} == {"Ada Kept", "Bob Tagged"}
        with second.sessions.begin() as s:  # even a raw write to a tag link is seen
            s.connection().exec_driver_sql("DELETE FROM contact_tags")
        assert [i.contact_name for i in first.networking.due(TODAY)] == ["Ada Kept"]
    finally:
        first.close()
        second.close()
