"""The Due list's sources: each reads one kind of advice; a new one joins through register_due_source."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

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
