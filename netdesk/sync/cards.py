"""Cards as a sync sees them: the server's text to a contact and back, with the book's tag added and removed.

The tag a book syncs into is NetDesk's own: it is added to every contact read from the book and left out of the
CATEGORIES written to it. Everything else goes round unchanged, the properties NetDesk does not model included
(kept verbatim in ``ContactDTO.extra``, as for vdir).
"""

from __future__ import annotations

from netdesk.core.merge import same_content
from netdesk.core.model import ContactDTO, sorted_tags, without_redundant_fn
from netdesk.core.normalize import fold
from netdesk.io.vcard import CardError, contact_to_vcard, decode_vcard_bytes, parse_card, split_cards

__all__ = ["CardError", "card_to_contact", "card_version", "contact_to_card", "same_card_content"]


def card_version(text: str) -> str:
    """The vCard version to write a card back in: 4.0 when the server's card was 4.0, else 3.0."""
    head = text[:2000].upper()
    return "4.0" if "VERSION:4.0" in head else "3.0"


def card_to_contact(text: str, tag: str) -> ContactDTO:
    """The contact of one server card, with the book's tag; CardError when it cannot be read."""
    cards = split_cards(decode_vcard_bytes(text.encode("utf-8")) if "\x00" in text else text)
    if not cards:
        raise CardError("no vCard in the server's answer")
    line, card = cards[0]
    contact = parse_card(card, line=line)
    return contact.replace(tags=sorted_tags((*contact.tags, tag)) if tag else contact.tags)


def contact_to_card(contact: ContactDTO, tag: str, version: str) -> str:
    tags = tuple(t for t in contact.tags if fold(t) != fold(tag))
    return contact_to_vcard(contact.replace(tags=tags), version)


def _normal(c: ContactDTO) -> ContactDTO:
    return without_redundant_fn(c).replace(id=None, created_at=None, updated_at=None, tags=sorted_tags(c.tags))


def same_card_content(a: ContactDTO, b: ContactDTO) -> bool:
    """Whether two contacts would make the same card (ids and timestamps aside)."""
    return same_content(_normal(a), _normal(b))
