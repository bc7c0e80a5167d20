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
