"""Cards as a sync sees them: the server's text to a contact and back, with the book's tag added and removed.

The tag a book syncs into is NetDesk's own: it is added to every contact read from the book and left out of the
CATEGORIES written to it. Everything else goes round unchanged, the properties NetDesk does not model included
(kept verbatim in ``ContactDTO.extra``, as for vdir).
"""

from __future__ import annotations

from collections.abc import Sequence

from netdesk.core.merge import same_content
from netdesk.core.model import ContactDTO, sorted_tags, without_redundant_fn
from netdesk.core.normalize import fold
from netdesk.io.vcard import CardError, contact_to_vcard, decode_vcard_bytes, parse_card, split_cards

__all__ = [
    "CardError",
    "card_to_contact",
    "card_version",
    "contact_to_card",
    "normal_contact",
    "parse_server_cards",
    "patch_card",
    "readable_card",
    "same_card_content",
]


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


def readable_card(text: str, tag: str) -> ContactDTO | None:
    """``card_to_contact``, or None for a card NetDesk cannot read (a base to merge from, a card found by its name)."""
    try:
        return card_to_contact(text, tag)
    except CardError:
        return None


def contact_to_card(contact: ContactDTO, tag: str, version: str) -> str:
    tags = tuple(t for t in contact.tags if fold(t) != fold(tag))
    return contact_to_vcard(contact.replace(tags=tags), version)


def normal_contact(c: ContactDTO) -> ContactDTO:
    """Ids, timestamps, tag order and a derived FN aside: what a card says."""
    return without_redundant_fn(c).replace(id=None, created_at=None, updated_at=None, tags=sorted_tags(c.tags))


def same_card_content(a: ContactDTO, b: ContactDTO) -> bool:
    """Whether two contacts would make the same card (ids and timestamps aside)."""
    return same_content(normal_contact(a), normal_contact(b))


# --- writing back what changed, and only that ---------------------------------------------------------------

_KEPT_FROM_SERVER = frozenset({"BEGIN", "END", "VERSION", "UID"})


def _logical_lines(text: str) -> list[str]:
    """The card's content lines with their folding kept (each item is one property as the card spells it)."""
    lines: list[str] = []
    for physical in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if physical[:1] in (" ", "\t") and lines:
            lines[-1] += "\r\n" + physical
        elif physical.strip():
            lines.append(physical)
    return lines


def _property_name(line: str) -> str:
    head = line.split(":", 1)[0].split(";", 1)[0]
    return head.rsplit(".", 1)[-1].strip().upper()


def _group(line: str) -> str:
    head = line.split(":", 1)[0].split(";", 1)[0]
    return head.rsplit(".", 1)[0].strip().casefold() if "." in head else ""


def _regroup(line: str, group: str) -> str:
    return f"{group}.{line.split('.', 1)[1]}" if group else line


def patch_card(server_card: str, base_written: str, local_written: str) -> str:
    """The server's card with only the properties NetDesk changed rewritten.

    ``base_written`` and ``local_written`` are NetDesk's own writing of the card as last in step and of the contact
    now. A property name whose lines differ between the two changed here: its lines come from ``local_written``,
    with the lines grouped with them (an Apple ``itemN.X-ABLabel``); every other line of the server's card is sent
    back byte for byte (values NetDesk reads but would write differently, such as a 2.1 quoted-printable NOTE or
    an X-AIM handle, and those it does not model).
    """
    base_lines, local_lines = _logical_lines(base_written), _logical_lines(local_written)
    changed = {_property_name(x) for x in set(base_lines) ^ set(local_lines)} - _KEPT_FROM_SERVER - {"PRODID", "REV"}
    if not changed:
        return server_card
    server_lines = _logical_lines(server_card)
    dropped_groups = {_group(x) for x in server_lines if _property_name(x) in changed} - {""}
    kept = [x for x in server_lines if _property_name(x) not in changed and _group(x) not in dropped_groups]
    new_groups = {_group(x) for x in local_lines if _property_name(x) in changed} - {""}
    added = [x for x in local_lines if _property_name(x) in changed or _group(x) in new_groups]
    # NetDesk's group names must not join a group the server's card keeps.
    taken = {_group(x) for x in kept} - {""}
    renamed: dict[str, str] = {}
    n = 0
    for group in sorted(new_groups):
        if group in taken:
            n += 1
            while f"item{n}" in taken or f"item{n}" in new_groups:
                n += 1
            renamed[group] = f"item{n}"
    added = [_regroup(x, renamed[_group(x)]) if _group(x) in renamed else x for x in added]
    end = max((i for i, x in enumerate(kept) if _property_name(x) == "END"), default=len(kept))
    return "\r\n".join([*kept[:end], *added, *kept[end:]]) + "\r\n"


def parse_server_cards(cards: Sequence[tuple[str, str]], tag: str) -> list[ContactDTO | str]:
    """Each (href, card text) as a contact, or the reason it cannot be read: what a parse worker process runs."""
    out: list[ContactDTO | str] = []
    for _href, text in cards:
        try:
            out.append(card_to_contact(text, tag))
        except CardError as exc:
            out.append(exc.reason)
    return out
