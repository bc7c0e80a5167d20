"""What the contact list's detail pane shows about one contact, read from the services in one go (on a worker)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from netdesk.core.errors import NotFoundError
from netdesk.core.model import ContactDTO, ContactKind, ContactRow, InteractionDTO
from netdesk.ui.detail_networking import PersonFacts

if TYPE_CHECKING:
    from netdesk.services import NetDesk

TIMELINE_LIMIT = 500


class DetailRead(NamedTuple):
    contact: ContactDTO | None  # None: no such contact (any more)
    timeline: list[InteractionDTO]
    members: list[ContactRow] | None
    facts: PersonFacts | None
    synced: str = ""  # "Synced with …", read with the rest (a query on the GUI thread waited on imports)


def read_detail(
    nd: NetDesk,
    contact_id: int,
    load_facts: Callable[[ContactDTO], PersonFacts | None],
    synced_text: Callable[[int], str],
) -> DetailRead:
    """Everything the detail pane shows about ``contact_id``, from the services only."""
    try:
        contact = nd.contacts.get(contact_id)
    except NotFoundError:
        return DetailRead(None, [], None, None)
    members = None
    if contact.kind is ContactKind.ORGANIZATION:
        members = nd.contacts.members_of(contact.organization or contact.name)
    timeline = nd.timeline.for_contact(contact_id, TIMELINE_LIMIT)
    return DetailRead(contact, timeline, members, load_facts(contact), synced_text(contact_id))
