"""Two cards of one book with the same UID (a phone's duplicate; Xandikos, Google and iCloud store them, Radicale
refuses the second): each is a contact of its own here, and each edit goes back to its own card."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from carddav_servers import FAST_RETRY, PASSWORD, USER, ServerSide, new_book, vcard

from netdesk.services import NetDesk


@pytest.fixture
def book(xandikos_server: object) -> Iterator[ServerSide]:
    side = ServerSide(new_book(xandikos_server), xandikos_server.certificate_pem)  # type: ignore[attr-defined]
    yield side
    side.close()


def test_two_cards_with_one_uid_become_two_contacts(nd: NetDesk, xandikos_server: object, book: ServerSide) -> None:
    book.put("a.vcf", vcard("dup-1", "Grace Hopper", "TITLE:Admiral"))
    book.put("b.vcf", vcard("dup-1", "Grace Copy"))
    nd.sync.retry = FAST_RETRY
    pem = xandikos_server.certificate_pem  # type: ignore[attr-defined]
    nd.sync.add_account("phone", book.book_url, USER, PASSWORD, certificate_pem=pem, tags={"Phone": "Phone"})

    counts = nd.sync.sync("phone", PASSWORD).value
    assert (counts.pulled, counts.errors) == (2, [])
    contacts = {c.name: c for c in nd.contacts.search()}
    assert set(contacts) == {"Grace Hopper", "Grace Copy"}
    assert len({c.uid for c in contacts.values()}) == 2
    calm = nd.sync.sync("phone", PASSWORD).value
    assert (calm.pulled, calm.pushed, calm.merged) == (0, 0, 0)

    nd.contacts.update(contacts["Grace Copy"].replace(title="Professor"))
    assert nd.sync.sync("phone", PASSWORD).value.pushed == 1
    copy, original = book.get("b.vcf"), book.get("a.vcf")
    assert "TITLE:Professor" in copy and "UID:dup-1" in copy  # the card keeps its UID
    assert "TITLE:Admiral" in original and "Professor" not in original
