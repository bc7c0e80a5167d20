"""The generic undo journal: every service write undone and redone exactly, the search indexes kept in step."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from netdesk.core.changes import Written
from netdesk.core.model import ContactDTO, ContactPoint, InteractionDTO, InteractionKind, Participant
from netdesk.core.practices import CommunityKind, ContributionKind, GoalMetric
from netdesk.db.tables import Base
from netdesk.services import NetDesk
from netdesk.services.communities import CommunityDTO
from netdesk.services.contributions import ContributionDTO
from netdesk.services.owner import OwnerDTO
from netdesk.services.undo import IdSpans, UndoConflictError, UndoStep
from tests.linkedin_exports import connections_export

LINKEDIN = Path(__file__).resolve().parents[2] / "data" / "linkedin"


def snapshot(nd: NetDesk) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (and of both full-text indexes), for exact before/after comparisons.

    Record versions are left out: an undo is a change, and raises them (tested on its own below)."""
    tables = [t for t in Base.metadata.sorted_tables if t.info.get("undo", True)]
    with nd.engine.connect() as conn:
        found = {}
        for table in tables:
            columns = ", ".join(f'"{c.name}"' for c in table.columns if c.name != "version")
            rows = conn.execute(text(f'SELECT rowid, {columns} FROM "{table.name}"')).all()
            found[table.name] = sorted(rows, key=repr)
        for fts in ("contacts_fts", "interactions_fts"):
            found[fts] = sorted(conn.execute(text(f"SELECT rowid, body FROM {fts}")).all())
    return found


def record(nd: NetDesk, write: Callable[[], Written[Any]]) -> tuple[Any, UndoStep]:
    with nd.undo.recording() as rec:
        written = write()
    return written.value, rec.step(written.changes)


def check_round_trip(
    nd: NetDesk, write: Callable[[], Written[Any]], label: str, undone: Callable[[], None] | None = None
) -> Any:
    """Write, undo (the database is exactly as before: ``undone`` checks more), redo (exactly as after)."""
    before = snapshot(nd)
    value, step = record(nd, write)
    after = snapshot(nd)
    assert after != before and not step.empty
    assert step.label == label
    redo = nd.undo.undo(step)
    assert snapshot(nd) == before
    if undone is not None:
        undone()
    again = nd.undo.undo(redo)
    assert snapshot(nd) == after
    assert again.label == label
    return value


def person(nd: NetDesk, given: str, family: str, **fields: Any) -> int:
    cid = nd.contacts.create(ContactDTO(given_name=given, family_name=family, **fields)).value.id
    assert cid is not None
    return cid


def test_every_kind_of_write_undoes_and_redoes_exactly(nd: NetDesk) -> None:
    priya = check_round_trip(
        nd,
        lambda: nd.contacts.create(
            ContactDTO(given_name="Priya", family_name="Shah", tags=("mentor",), emails=(ContactPoint("p@x.org"),))
        ),
        "create Priya Shah",
    ).id
    sam = person(nd, "Sam", "Okafor", organization="Acme")
    dto = nd.contacts.get(priya)
    check_round_trip(nd, lambda: nd.contacts.update(dto.replace(title="CTO", tags=("mentor", "ai"))), "edit Priya Shah")
    coffee = InteractionDTO(
        occurred_at=datetime(2025, 3, 1, 9),
        kind=InteractionKind.MEETING,
        summary="Coffee about robots",
        participants=(Participant(priya),),
    )
    logged = check_round_trip(nd, lambda: nd.timeline.log(coffee), "log with Priya Shah")
    check_round_trip(nd, lambda: nd.timeline.update(logged.replace(summary="Lunch")), "edit log with Priya Shah")
    favour = InteractionDTO(
        occurred_at=datetime(2025, 3, 2, 9),
        kind=InteractionKind.FAVOUR_GIVEN,
        summary="Reviewed her deck",
        participants=(Participant(priya),),
        is_open=True,
    )
    given = check_round_trip(nd, lambda: nd.timeline.log(favour), "favour with Priya Shah")
    check_round_trip(nd, lambda: nd.networking.close_favour(given.id), "favour marked done")
    check_round_trip(nd, lambda: nd.networking.set_contact_cadence(priya, 30), "rhythm for Priya Shah")
    check_round_trip(nd, lambda: nd.networking.set_tag_cadence("mentor", 60), "rhythm for mentor")
    check_round_trip(nd, lambda: nd.networking.snooze(priya, date(2025, 4, 1)), "snooze of Priya Shah")
    check_round_trip(nd, lambda: nd.networking.mark_followup(priya, "messaged"), "note to Priya Shah")
    relation = check_round_trip(
        nd, lambda: nd.networking.add_relationship(sam, priya, "colleague"), "relationship of Sam Okafor and Priya Shah"
    )
    check_round_trip(nd, lambda: nd.networking.remove_relationship(relation.id), "removal of a relationship")
    goal = check_round_trip(nd, lambda: nd.networking.create_goal("Find a co-founder"), "new goal Find a co-founder")
    check_round_trip(nd, lambda: nd.networking.link_contact(goal.id, priya), "link of Priya Shah to Find a co-founder")
    check_round_trip(nd, lambda: nd.networking.link_interaction(goal.id, logged.id), "link to Find a co-founder")
    check_round_trip(nd, lambda: nd.timeline.delete(logged.id), "delete log with Priya Shah")
    check_round_trip(nd, lambda: nd.contacts.delete([sam]), "delete Sam Okafor")
    check_round_trip(nd, lambda: nd.networking.delete_goal(goal.id), "delete goal Find a co-founder")


def test_merge_then_search_finds_the_right_people_after_undo(nd: NetDesk) -> None:
    rob = person(nd, "Robert", "Smith", notes="golf")
    bob = person(nd, "Bob", "Smith", phones=(ContactPoint("+1 617 555 0100"),))
    nd.timeline.log(
        InteractionDTO(
            occurred_at=datetime(2025, 1, 1, 9),
            kind=InteractionKind.CALL,
            summary="call",
            participants=(Participant(bob),),
        )
    )

    def undone() -> None:
        assert nd.contacts.match_ids("617") == {bob}  # the index follows the undo
        assert [i.summary for i in nd.timeline.for_contact(bob)] == ["call"]

    check_round_trip(nd, lambda: nd.contacts.merge(rob, [bob]), "merge into Robert Smith", undone)
    assert nd.contacts.match_ids("617") == {rob} and nd.timeline.search("call")[0].contact_ids == (rob,)


def test_a_whole_import_undoes_and_redoes(nd: NetDesk, tmp_path: Path) -> None:
    export = tmp_path / "export"
    shutil.copytree(LINKEDIN, export)
    existing = person(nd, "Ada", "Lindqvist")

    def undone() -> None:  # what it created is gone, what it updated is as it was
        assert [r.id for r in nd.contacts.rows()] == [existing]
        assert nd.timeline.search("coffee") == []

    report = check_round_trip(nd, lambda: nd.imports.import_paths([export]), "import", undone)
    assert report.created and report.interactions_added > 0
    assert len(nd.contacts.rows()) > 1 and nd.timeline.search("coffee")


def test_nothing_is_recorded_outside_a_recording(nd: NetDesk) -> None:
    nd.contacts.create(ContactDTO(given_name="Quiet"))
    with nd.undo.recording() as rec:
        pass
    assert rec.statements == []


def test_every_table_of_the_schema_is_watched(nd: NetDesk) -> None:
    """New tables (other features add them) are covered with no work: the triggers come from the metadata."""
    with nd.undo.recording():
        person(nd, "Any", "One")  # a recorded write: the journal installs itself on the connection
    watched = {t.name for t in Base.metadata.sorted_tables if t.info.get("undo", True)}
    with nd.engine.connect() as conn:
        triggers = {r[0] for r in conn.execute(text("SELECT tbl_name FROM sqlite_temp_master WHERE type='trigger'"))}
    assert watched <= triggers
    assert "favour_generation" not in triggers  # a derived counter, left to its own triggers


def test_a_connection_that_only_reads_or_writes_unrecorded_gets_no_triggers(nd: NetDesk) -> None:
    """Making them costs about half a second at 100,000 contacts: start-up's reads do not pay it."""
    person(nd, "Any", "One")
    assert nd.contacts.rows()
    with nd.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM sqlite_temp_master WHERE type='trigger'")).scalar() == 0
    with nd.undo.recording() as rec:
        person(nd, "Now", "Recorded")
    assert rec.statements  # the first recorded write installed them and was recorded


def test_undo_that_no_longer_fits_fails_cleanly(nd: NetDesk) -> None:
    cid = person(nd, "Gone", "Soon")
    _, step = record(nd, lambda: nd.networking.set_contact_cadence(cid, 14))
    with nd.engine.begin() as conn:  # deleted for good by someone else (another process, the trash purge)
        conn.execute(text("DELETE FROM contacts WHERE id = :id"), {"id": cid})
    before = snapshot(nd)
    with pytest.raises(UndoConflictError):
        nd.undo.undo(step)
    assert snapshot(nd) == before


def test_trash_goals_and_introductions_undo_and_redo_exactly(nd: NetDesk) -> None:
    ann, ben, cat = (person(nd, name, "Lee") for name in ("Ann", "Ben", "Cat"))
    goal = nd.networking.create_goal("Better known").value
    nd.networking.link_contact(goal.id, ann)
    check_round_trip(nd, lambda: nd.networking.rename_goal(goal.id, "Known"), "rename of goal Known")
    check_round_trip(nd, lambda: nd.networking.unlink_contact(goal.id, ann), "unlink from a goal")
    check_round_trip(
        nd,
        lambda: nd.networking.log_introduction(ann, ben, cat, notes="Both build robots"),
        "introduction of Ben Lee and Cat Lee",
    )
    nd.contacts.delete([cat])
    check_round_trip(nd, lambda: nd.contacts.restore([cat]), "restore Cat Lee")
    nd.contacts.delete([ben])
    check_round_trip(nd, lambda: nd.contacts.purge_trash(older_than_days=0), "empty the trash")


def test_undo_and_redo_raise_the_version_so_an_open_editor_merges(nd: NetDesk) -> None:
    """A dialog opened after an edit and saved after its undo must not write the edit back: versions only go up."""

    def version(cid: int) -> int:
        with nd.engine.connect() as conn:
            return int(conn.execute(text("SELECT version FROM contacts WHERE id = :id"), {"id": cid}).scalar_one())

    priya = nd.contacts.create(ContactDTO(given_name="Priya", family_name="Shah")).value
    assert priya.id is not None
    seen = [version(priya.id)]
    _, step = record(nd, lambda: nd.contacts.update(nd.contacts.get(priya.id or 0).replace(title="CTO")))
    seen.append(version(priya.id))
    redo = nd.undo.undo(step)
    assert nd.contacts.get(priya.id).title == ""
    seen.append(version(priya.id))
    nd.undo.undo(redo)
    assert nd.contacts.get(priya.id).title == "CTO"
    seen.append(version(priya.id))
    assert seen == sorted(set(seen)), f"versions must strictly increase, got {seen}"


def test_every_practice_write_undoes_and_redoes_exactly(nd: NetDesk) -> None:
    """The practices' pages, the goal target panel, Preferences' "You", the note composer and the star write through
    the same journal: each one undoes and redoes exactly, under a short label naming what it was about."""
    ann, ben, cat = (person(nd, name, "Lee") for name in ("Ann", "Ben", "Cat"))
    group = check_round_trip(
        nd, lambda: nd.communities.save(CommunityDTO("Rust Oslo", CommunityKind.GROUP)), "community Rust Oslo"
    )
    check_round_trip(nd, lambda: nd.communities.link_person(group.id, ann, "met_at"), "Ann Lee met at Rust Oslo")
    nd.communities.link_person(group.id, ann, "met_at")
    check_round_trip(nd, lambda: nd.communities.unlink_person(group.id, ann, "met_at"), "unlink from community")
    talk = ContributionDTO(ContributionKind.TALK, "Async Rust", date(2025, 3, 1))
    saved = check_round_trip(nd, lambda: nd.contributions.save(talk), "talk “Async Rust”")
    check_round_trip(nd, lambda: nd.contributions.set_rhythm(ContributionKind.TALK, 30), "talk rhythm")
    check_round_trip(nd, lambda: nd.contributions.delete(saved.id), "delete of a contribution")
    ask = check_round_trip(nd, lambda: nd.introductions.ask(ann, ben, "", "robots"), "ask Ann Lee for an introduction")
    for step, label in (
        (lambda: nd.introductions.agreed(ask.id), "Ann Lee agreed"),
        (lambda: nd.introductions.opted_in(ask.id, "b"), "Ben Lee opted in"),
        (lambda: nd.introductions.introduce(ask.id), "introduction: Ann Lee to introduce you to Ben Lee"),
        (lambda: nd.introductions.close(ask.id, "met"), "outcome of Ann Lee to introduce you to Ben Lee"),
    ):
        check_round_trip(nd, step, label)  # redone: on to the next step
    made = check_round_trip(
        nd, lambda: nd.introductions.propose(ben, cat, "both"), "introduction of Ben Lee and Cat Lee"
    )
    check_round_trip(nd, lambda: nd.introductions.decline(made.id), "decline of Introduce Ben Lee and Cat Lee")
    check_round_trip(nd, lambda: nd.introductions.delete(made.id), "delete of “Introduce Ben Lee and Cat Lee”")
    check_round_trip(nd, lambda: nd.introductions.set_template("ask", "Hi {introducer_first}"), "ask template")
    check_round_trip(nd, lambda: nd.offers.set_for(ann, ["pricing"], ["design"]), "Ann Lee's offers and needs")
    goal = nd.networking.create_goal("Talks").value
    check_round_trip(
        nd,
        lambda: nd.goal_targets.set_target(
            goal.id, GoalMetric.CONTRIBUTIONS, 2, date(2026, 12, 31), "talk", today=date(2026, 1, 1)
        ),
        "target of Talks",
    )
    check_round_trip(nd, lambda: nd.goal_targets.link_community(goal.id, group.id), "goal and community")
    check_round_trip(nd, lambda: nd.owner.update(OwnerDTO("Sam Rivera", "", (), (), ())), "edit of your profile")
    check_round_trip(nd, lambda: nd.followups.note_sent(ann, "Hello Ann"), "note to Ann Lee")
    check_round_trip(nd, lambda: nd.followups.mark_new_connection(cat, date(2026, 1, 1)), "new connection Cat Lee")
    check_round_trip(nd, lambda: nd.contacts.set_starred([ann]), "star Ann Lee")
    check_round_trip(nd, lambda: nd.communities.delete(group.id), "delete of Rust Oslo")


def test_an_import_is_undone_by_a_few_range_deletes(nd: NetDesk, tmp_path: Path) -> None:
    """The contacts an import creates are written twice (inserted, then given their last-contacted facts): the undo
    entry keeps only the inverse of the insert, not a copy of each row as it was between the two writes."""
    export = connections_export(tmp_path / "export", 300)
    existing = person(nd, "Ada", "Lindqvist")
    before = snapshot(nd)
    report, step = record(nd, lambda: nd.imports.import_paths([export]))
    assert len(report.created) == 300 and report.interactions_added == 600
    assert all(r.last_contacted for r in nd.contacts.rows() if r.id != existing)  # written after the insert
    assert len(step.statements) < 10, step.statements
    assert sum(len(sql) for sql in step.statements) < 2000
    assert len(step.contact_ids) == 300 and step.contact_ids.spans == 1
    assert len(step.interaction_ids) == 600 and step.interaction_ids.spans == 1
    nd.undo.undo(step)
    assert snapshot(nd) == before
    assert [r.id for r in nd.contacts.rows()] == [existing]


def test_an_update_of_a_row_the_write_did_not_insert_is_still_restored(nd: NetDesk, tmp_path: Path) -> None:
    """Only updates of rows inserted by the same write are left out of the entry: an existing contact that an import
    touches gets its old values back."""
    export = connections_export(tmp_path / "export", 3)
    known = nd.contacts.create(
        ContactDTO(
            given_name="Given1",
            family_name="Family1",
            organization="Old Org",
            urls=(ContactPoint("https://www.linkedin.com/in/person-1", "linkedin"),),
        )
    ).value
    assert known.id is not None
    before = snapshot(nd)
    _, step = record(nd, lambda: nd.imports.import_paths([export]))
    assert nd.contacts.get(known.id).organization == "Acme"  # the LinkedIn job is newer
    nd.undo.undo(step)
    assert snapshot(nd) == before


def test_id_spans_hold_runs_of_ids() -> None:
    spans = IdSpans([7, 3, 4, 5, 9, 8, 20, 4])
    assert list(spans) == [3, 4, 5, 7, 8, 9, 20]
    assert len(spans) == 7 and spans.spans == 3
    assert 5 in spans and 6 not in spans and 20 in spans and 2 not in spans and 21 not in spans
    assert spans == {3, 4, 5, 7, 8, 9, 20} and spans != {3, 4}
    assert not IdSpans() and list(IdSpans()) == []


def test_every_sync_account_setting_undoes_and_redoes_exactly(nd: NetDesk) -> None:
    """The accounts dialog's writes (no server: the books are what discovery would have found)."""
    from netdesk.core.errors import ValidationError
    from netdesk.sync.discovery import BookInfo

    books = [BookInfo("https://dav.example.org/ada/phone/", "Phone"), BookInfo("https://dav.example.org/ada/w/", "")]
    sync = nd.sync
    account = check_round_trip(
        nd,
        lambda: sync.store_account("phone", "https://dav.example.org/ada/", "ada", books),
        "add sync account phone",
    )
    # A book without a name syncs into a tag named after the account, unless another book has that tag already
    # (tags are compared case-insensitively: "phone" is "Phone"'s, and two books in one tag get each other's cards).
    assert [b.tag for b in account.books] == ["Phone", "phone 2"]
    phone = account.books[0].id
    check_round_trip(nd, lambda: sync.set_book(phone, tag="Mobile"), "tag for Phone")
    check_round_trip(nd, lambda: sync.set_book(phone, enabled=False), "sync off for Phone")
    check_round_trip(nd, lambda: sync.set_interval("phone", 15), "sync schedule of phone")
    check_round_trip(nd, lambda: sync.remove_account("phone"), "remove sync account phone")
    sync.store_account("phone", "https://dav.example.org/ada/", "ada", books)
    with pytest.raises(ValidationError, match="already an account named 'phone'"):  # before any network
        sync.discover("phone", "https://dav.example.org/ada/", "ada", "secret")


def test_a_logs_step_says_only_activity_changed_unless_it_wrote_other_contacts(nd: NetDesk) -> None:
    from netdesk.core.changes import ChangeSet

    ada, alan = person(nd, "Ada", "Lovelace"), person(nd, "Alan", "Turing")
    call = InteractionDTO(
        occurred_at=datetime(2025, 1, 2, 9), kind=InteractionKind.CALL, participants=(Participant(ada),)
    )
    _, step = record(nd, lambda: nd.timeline.log(call))
    assert step.changes.contacts == {ada} and not step.changes.contact_fields  # the list keeps Ada's tags, words
    assert not nd.undo.undo(step).changes.contact_fields  # its undo too

    def log_and_rename() -> Written[Any]:  # a write that says "activity only" but also renamed someone
        logged = nd.timeline.log(call)
        nd.contacts.update(nd.contacts.get(alan).replace(given_name="Alan M."))
        return Written(logged.value, logged.changes | ChangeSet(contact_fields=False))

    _, mixed = record(nd, log_and_rename)
    assert alan in mixed.changes.contacts and mixed.changes.contact_fields
