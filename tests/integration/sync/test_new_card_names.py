"""A contact sent to a book for the first time gets a card name of its own. The name is made from the UID with the
characters unsafe in file names replaced, so two UIDs can make one name ("müller" and "möller" both make
m_ller.vcf): the second contact must not be merged into the first one's card."""

from __future__ import annotations

import pytest
from carddav_servers import PASSWORD, ServerSide, vcard

from netdesk.core.model import ContactDTO
from netdesk.services import NetDesk
from netdesk.sync.dav import DavClient


def server_cards(book: ServerSide) -> dict[str, tuple[str, ...]]:
    """UID -> its FN and TITLE lines, for every card of the book."""
    out = {}
    for text in book.cards().values():
        lines = text.replace("\r\n", "\n").split("\n")
        uid = next(line[4:] for line in lines if line.startswith("UID:"))
        out[uid] = tuple(line for line in lines if line.startswith(("FN:", "TITLE:")))
    return out


def test_two_uids_that_make_the_same_card_name_become_two_cards(synced: NetDesk, book: ServerSide) -> None:
    nd = synced
    nd.contacts.create(
        ContactDTO(given_name="Anna", family_name="Müller", uid="müller", title="Judge", tags=("Phone",))
    )
    nd.contacts.create(
        ContactDTO(given_name="Otto", family_name="Möller", uid="möller", title="Pilot", tags=("Phone",))
    )

    counts = nd.sync.sync("phone", PASSWORD).value
    assert (counts.pushed, counts.merged, counts.conflicts) == (2, 0, 0)
    assert server_cards(book) == {
        "müller": ("FN:Anna Müller", "TITLE:Judge"),
        "möller": ("FN:Otto Möller", "TITLE:Pilot"),
    }
    assert {(c.uid, c.name, c.title) for c in nd.contacts.search()} == {
        ("müller", "Anna Müller", "Judge"),
        ("möller", "Otto Möller", "Pilot"),
    }
    calm = nd.sync.sync("phone", PASSWORD).value
    assert (calm.pulled, calm.pushed, calm.merged, calm.conflicts) == (0, 0, 0, 0)


def test_a_card_name_taken_on_the_server_by_another_card_is_not_merged_into(synced: NetDesk, book: ServerSide) -> None:
    """The server holds a card under the name NetDesk would choose, one NetDesk cannot read (so it is not in step
    with any contact): the new contact's PUT (If-None-Match) fails, and the contact goes under another name."""
    nd = synced
    unreadable = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:someone-else\r\nFN:\r\nN:;;;;\r\nEND:VCARD\r\n"
    book.put("m_ller.vcf", unreadable)
    nd.sync.sync("phone", PASSWORD)
    nd.contacts.create(
        ContactDTO(given_name="Anna", family_name="Müller", uid="müller", title="Judge", tags=("Phone",))
    )

    counts = nd.sync.sync("phone", PASSWORD).value
    assert (counts.pushed, counts.merged, counts.conflicts) == (1, 0, 0)
    cards = server_cards(book)
    assert cards["müller"] == ("FN:Anna Müller", "TITLE:Judge")
    assert "someone-else" in cards  # the other card is still there, as it was
    assert "FN:Anna Müller" not in book.get("m_ller.vcf")


def test_a_card_that_turns_unreadable_while_ours_goes_out_is_reported_and_the_rest_goes_on(
    synced: NetDesk, book: ServerSide, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 412 on an edit: the server's card is fetched to merge with, and it is one NetDesk cannot read. That card is
    reported (and tried again next time); the sync of the other cards goes on."""
    nd = synced
    book.put("grace.vcf", vcard("grace-1", "Grace Hopper"))
    book.put("alan.vcf", vcard("alan-1", "Alan Turing"))
    nd.sync.sync("phone", PASSWORD)
    for contact in nd.contacts.search():
        nd.contacts.update(contact.replace(title="Professor"))

    put = DavClient.put

    def phone_empties_grace_first(client: DavClient, href: str, card: str, *, etag: str | None) -> str:
        if href.endswith("/grace.vcf") and "FN:\r\n" not in book.get("grace.vcf"):
            book.put("grace.vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:grace-1\r\nFN:\r\nN:;;;;\r\nEND:VCARD\r\n")
        return put(client, href, card, etag=etag)

    monkeypatch.setattr(DavClient, "put", phone_empties_grace_first)
    counts = nd.sync.sync("phone", PASSWORD).value
    assert counts.pushed == 1 and "TITLE:Professor" in book.get("alan.vcf")
    assert [e for e in counts.errors if "grace.vcf" in e and "cannot read" in e], counts.errors
