"""The Due list's sources: each reads one kind of advice; a new one joins through register_due_source."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from netdesk.core.model import ContactDTO
from netdesk.core.networking import DueItem, DueKind, Section
from netdesk.services import NetDesk
from netdesk.services import due as sources

TODAY = date(2025, 10, 6)


def test_a_registered_source_adds_its_items_in_their_section(nd: NetDesk) -> None:
    ada = nd.contacts.create(ContactDTO(given_name="Ada")).value.id or 0

    def stalled_introductions(q: sources.DueQuery) -> Iterable[DueItem]:
        for (cid,) in q.rows("SELECT id FROM contacts WHERE deleted_at IS NULL AND given_name = 'Ada'"):
            yield DueItem(DueKind.JOB_CHANGE, cid, "Ada", 0, q.today, summary="an example")

    assert nd.networking.due(TODAY) == []
    sources.register_due_source(stalled_introductions)
    try:
        sources.register_due_source(stalled_introductions)  # twice is once
        [item] = nd.networking.due(TODAY)
        assert (item.contact_id, item.section, item.today) == (ada, Section.REASONS, TODAY)
    finally:
        sources.DUE_SOURCES.remove(stalled_introductions)
    assert nd.networking.due(TODAY) == []


def test_the_kept_list_always_equals_a_fresh_computation(nd: NetDesk) -> None:
    """Whatever is written, the list the service keeps is the one a service with nothing kept computes."""
    from datetime import datetime

    from netdesk.core.model import InteractionDTO, InteractionKind, PartialDate, Participant
    from netdesk.services.networking import NetworkingService

    def same() -> None:
        assert nd.networking.due(TODAY) == NetworkingService(nd.sessions).due(TODAY)

    def log(cid: int, kind: InteractionKind, day: int, **fields: object) -> int:
        dto = InteractionDTO(datetime(2025, 10, day, 9), kind, participants=(Participant(cid),), **fields)  # type: ignore[arg-type]
        return nd.timeline.log(dto).value.id or 0

    ann = nd.contacts.create(ContactDTO(given_name="Ann", birthday=PartialDate(10, 10), tags=("client",))).value.id or 0
    bob = nd.contacts.create(ContactDTO(given_name="Bob", connected_on=date(2025, 10, 1))).value.id or 0
    same()
    nd.networking.set_tag_cadence("client", 30, since=date(2025, 8, 1))
    same()
    log(ann, InteractionKind.CALL, 1)
    same()
    log(bob, InteractionKind.MESSAGE, 2, direction="in")
    same()
    promise = log(bob, InteractionKind.FAVOUR_GIVEN, 3, summary="the deck", is_open=True)
    same()
    nd.networking.close_favour(promise)
    same()
    nd.networking.snooze(ann, date(2025, 10, 20))
    same()
    nd.networking.mark_followup(bob, "dismissed")
    same()
    nd.contacts.delete([bob])
    same()
    assert [i.contact_name for i in nd.networking.due(TODAY)] == []  # Ann snoozed, Bob in the trash


def _refresh(nd: NetDesk, state: sources.DueState | None, day: date) -> sources.DueState:
    with nd.sessions() as s:
        raw = s.connection().connection.dbapi_connection
        assert raw is not None
        return sources.refresh_due_state(state, raw.cursor(), day, sources.last_change(raw.cursor()))


def test_right_after_a_write_only_what_it_touched_is_read_again(nd: NetDesk, story: Any, tmp_path: Path) -> None:
    """Each kind of write refreshes the kept list from the change log (not from scratch), and the result is always the
    list a service with nothing kept computes."""
    from netdesk.core.model import InteractionDTO, InteractionKind, Participant
    from netdesk.core.practices import ContributionKind
    from netdesk.services.networking import NetworkingService

    day = story.STORY_DAY
    nd.imports.import_paths([story.address_book(tmp_path / "phone")])
    nd.imports.import_paths([story.linkedin_export(tmp_path / "li")])
    people = {r.name: r.id for r in nd.contacts.rows()}
    state = _refresh(nd, None, day)
    assert state.full and nd.networking.due(day)

    def check(full: bool = False) -> None:
        nonlocal state
        state = _refresh(nd, state, day)
        assert state.full is full
        assert nd.networking.due(day) == NetworkingService(nd.sessions).due(day)

    def log(name: str, kind: InteractionKind, **fields: Any) -> None:
        dto = InteractionDTO(datetime(2025, 10, 6, 9), kind, participants=(Participant(people[name]),), **fields)
        nd.timeline.log(dto)

    log("Marcus Webb", InteractionKind.MESSAGE, direction="out")  # the reply owed to Marcus goes
    check()
    log("Lena Fox", InteractionKind.MESSAGE, direction="in")
    check()
    nd.followups.note_sent(people["Lena Fox"], "Thanks for connecting, Lena")
    check()
    for _ in range(3):  # Otto has done three favours more than Sam: time to give back
        log("Otto Old", InteractionKind.FAVOUR_RECEIVED)
        check()
    assert [i.contact_name for i in nd.networking.due(day) if i.kind is DueKind.FAVOUR] == ["Otto Old"]
    both = (Participant(people["Otto Old"]), Participant(people["Gil Group"]))
    promise = nd.timeline.log(
        InteractionDTO(datetime(2025, 10, 1), InteractionKind.FAVOUR_GIVEN, summary="the slides", is_open=True,
                       participants=both)
    ).value.id or 0  # fmt: skip
    check()
    with nd.undo.recording() as rec:  # Gil leaves the promise (an edit): it stays Otto's
        written = nd.timeline.update(nd.timeline.get(promise).replace(participants=both[:1]))
    check()
    nd.undo.undo(rec.step(written.changes))
    check()
    nd.networking.close_favour(promise)
    check()
    nd.networking.set_contact_cadence(people["Mum"], 7, since=date(2025, 9, 1))
    check()
    nd.networking.snooze(people["Priya Raman"], date(2025, 10, 20))
    check()
    nd.contacts.update(nd.contacts.get(people["Mum"]).replace(formatted_name="Mother", given_name="Mother"))
    check()
    nd.contributions.set_rhythm(ContributionKind.POST, 7)  # a practice's record
    check()
    nd.introductions.ask(people["Gil Group"], people["Otto Old"], on=date(2025, 9, 1))
    check()
    nd.imports.import_paths([story.linkedin_export(tmp_path / "li2", later=True)])  # Priya's new role
    check()
    nd.contacts.delete([people["Gil Group"]])
    check()
    nd.contacts.update(nd.contacts.get(people["Alex Kim"]).replace(tags=("client",)))
    check()
    nd.networking.set_tag_cadence("client", 30, since=date(2025, 9, 1))  # everyone with the tag: read whole
    check(full=True)
    assert {i.contact_name for i in nd.networking.due(day) if i.kind is DueKind.START_RHYTHM} == {"Alex Kim", "Mother"}


def test_a_pruned_log_or_a_restored_backup_means_reading_the_whole_list(db_path: Path) -> None:
    from netdesk.core.model import PartialDate
    from netdesk.services import open_netdesk
    from netdesk.services.networking import NetworkingService

    nd = open_netdesk(db_path)
    try:
        assert nd.backups is not None
        ann = nd.contacts.create(ContactDTO(given_name="Ann", birthday=PartialDate(10, 10))).value.id or 0
        backup = nd.backups.create("test")
        assert [i.contact_name for i in nd.networking.due(TODAY)] == ["Ann"]
        state = _refresh(nd, None, TODAY)
        nd.networking.snooze(ann, date(2025, 10, 20))
        assert nd.networking.due(TODAY) == []
        state = _refresh(nd, state, TODAY)
        assert not state.full and state.items() == []
        # The backup knows nothing of the snooze; new writes after it carry the log past where the service stood.
        nd.backups.restore(backup.path)
        for name in ("Bea", "Cid", "Dov"):
            nd.contacts.create(ContactDTO(given_name=name))
        assert _refresh(nd, state, TODAY).full
        assert [i.contact_name for i in nd.networking.due(TODAY)] == ["Ann"]
        assert nd.networking.due(TODAY) == NetworkingService(nd.sessions).due(TODAY)
        # A log pruned past the service's place (a big import) is read whole too.
        state = _refresh(nd, None, TODAY)
        with nd.sessions.begin() as s:
            s.connection().exec_driver_sql(
                "WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 2100)"
                " INSERT INTO due_changes (what, contact_id, token) SELECT 'invitations', NULL, k FROM n"
            )
        assert _refresh(nd, state, TODAY).full
    finally:
        nd.close()


def test_the_practices_source_is_watched_so_the_list_is_kept(nd: NetDesk) -> None:
    """Every registered source is watched by the triggers: due() keeps its list and sees practice writes."""
    from netdesk.core.practices import ContributionKind

    assert sources.cacheable()
    assert [i.kind for i in nd.networking.due(TODAY)] == []
    nd.contributions.set_rhythm(ContributionKind.POST, 7)
    [item] = nd.networking.due(TODAY)
    assert item.kind is DueKind.RHYTHM and item.section is Section.YOUR_RHYTHMS
    nd.contributions.set_rhythm(ContributionKind.POST, None)
    assert nd.networking.due(TODAY) == []
