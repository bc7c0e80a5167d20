"""Two-way sync against real servers (Radicale and Xandikos, started by conftest.py on 127.0.0.1)."""

from __future__ import annotations

import pytest
from carddav_servers import PASSWORD, USER, ServerSide, vcard
from sqlalchemy import update

from netdesk.core.model import ContactDTO, ContactPoint
from netdesk.db.tables import SyncBook
from netdesk.services import NetDesk
from netdesk.sync.dav import DavClient
from netdesk.sync.discovery import discover_books


def by_name(nd: NetDesk) -> dict[str, ContactDTO]:
    return {c.name: c for c in nd.contacts.search()}


def test_discovery_from_the_server_root_finds_the_address_books(server: object, book: ServerSide) -> None:

    with DavClient(server.url, USER, PASSWORD, certificate_pem=server.certificate_pem) as client:  # type: ignore[attr-defined]
        urls = [b.url for b in discover_books(client)]
    assert book.book_url in urls


def test_first_sync_goes_both_ways_and_a_second_changes_nothing(synced: NetDesk, book: ServerSide) -> None:
    nd = synced
    book.put("grace.vcf", vcard("grace-1", "Grace Hopper", "EMAIL;TYPE=WORK:grace@navy.mil", "X-PHONE-ONLY:kept"))
    book.put("alan.vcf", vcard("alan-1", "Alan Turing", "TEL;TYPE=CELL:+44 7700 900123"))
    nd.contacts.create(ContactDTO(given_name="Ada", family_name="Lovelace", tags=("Phone",), title="Countess"))
    nd.contacts.create(ContactDTO(given_name="Charles", family_name="Babbage", tags=("Phone", "engines")))
    nd.contacts.create(ContactDTO(given_name="Not", family_name="Synced", tags=("work",)))

    counts = nd.sync.sync("phone", PASSWORD).value
    assert (counts.pulled, counts.pushed, counts.merged, counts.conflicts, counts.deleted) == (2, 2, 0, 0, 0)

    here = by_name(nd)
    assert {"Grace Hopper", "Alan Turing", "Ada Lovelace", "Charles Babbage", "Not Synced"} == set(here)
    assert "Phone" in here["Grace Hopper"].tags
    assert [e.value for e in here["Grace Hopper"].emails] == ["grace@navy.mil"]
    cards = book.cards()
    assert len(cards) == 4
    ada = next(text for text in cards.values() if "Lovelace" in text)
    assert "TITLE:Countess" in ada
    charles = next(text for text in cards.values() if "Babbage" in text)
    assert "engines" in charles and "Phone" not in charles  # the book's own tag is not written into the card
    assert not any("Synced" in text for text in cards.values())

    again = nd.sync.sync("phone", PASSWORD).value
    assert (again.pulled, again.pushed, again.merged, again.deleted) == (0, 0, 0, 0)
    assert nd.sync.synced_with(here["Grace Hopper"].id) == ["phone (Phone)"]  # type: ignore[arg-type]


def test_an_edit_on_each_side_reaches_the_other(synced: NetDesk, book: ServerSide) -> None:
    nd = synced
    book.put("grace.vcf", vcard("grace-1", "Grace Hopper", "TITLE:Rear Admiral", "X-SERVER-ONLY;X-P=1:keep me"))
    nd.contacts.create(ContactDTO(given_name="Ada", family_name="Lovelace", tags=("Phone",)))
    nd.sync.sync("phone", PASSWORD)

    book.put("grace.vcf", vcard("grace-1", "Grace Hopper", "TITLE:Commodore", "X-SERVER-ONLY;X-P=1:keep me"))
    ada = by_name(nd)["Ada Lovelace"]
    nd.contacts.update(ada.replace(emails=(ContactPoint("ada@engines.org", "home"),)))

    counts = nd.sync.sync("phone", PASSWORD).value
    assert (counts.pulled, counts.pushed, counts.conflicts) == (1, 1, 0)
    assert by_name(nd)["Grace Hopper"].title == "Commodore"
    ada_card = next(text for text in book.cards().values() if "Lovelace" in text)
    assert "ada@engines.org" in ada_card

    # An edit here to a card that came from the server keeps what NetDesk does not model.
    grace = by_name(nd)["Grace Hopper"]
    nd.contacts.update(grace.replace(notes="Invented the compiler"))
    nd.sync.sync("phone", PASSWORD)
    card = book.get("grace.vcf")
    assert "Invented the compiler" in card and "X-SERVER-ONLY;X-P=1:keep me" in card and "Commodore" in card


def test_the_same_contact_edited_on_both_sides_is_merged_and_the_conflict_kept(
    synced: NetDesk, book: ServerSide
) -> None:
    nd = synced
    book.put("grace.vcf", vcard("grace-1", "Grace Hopper", "TITLE:Rear Admiral", "EMAIL:grace@navy.mil"))
    nd.sync.sync("phone", PASSWORD)
    grace = by_name(nd)["Grace Hopper"]

    # Both change the title differently; the phone adds a number, NetDesk an email and a note.
    book.put(
        "grace.vcf",
        vcard("grace-1", "Grace Hopper", "TITLE:Commodore", "EMAIL:grace@navy.mil", "TEL;TYPE=CELL:+1 202 555 0100"),
    )
    nd.contacts.update(
        grace.replace(
            title="Professor",
            emails=(*grace.emails, ContactPoint("grace@yale.edu", "work")),
            notes="COBOL",
        )
    )
    counts = nd.sync.sync("phone", PASSWORD).value
    assert (counts.merged, counts.conflicts) == (1, 1)

    merged = by_name(nd)["Grace Hopper"]
    assert merged.title == "Professor"  # NetDesk's value stays in the field …
    conflict = [h for h in nd.contacts.history(merged.id) if h.source == "sync conflict"]  # type: ignore[arg-type]
    assert [(h.field, h.old_value, h.new_value) for h in conflict] == [("title", "Commodore", "Professor")]
    assert {e.value for e in merged.emails} == {"grace@navy.mil", "grace@yale.edu"}
    assert [p.value for p in merged.phones] == ["+1 202 555 0100"]
    card = book.get("grace.vcf")
    assert "grace@yale.edu" in card and "+1 202 555 0100" in card and "COBOL" in card and "Professor" in card

    calm = nd.sync.sync("phone", PASSWORD).value
    assert (calm.pulled, calm.pushed, calm.merged) == (0, 0, 0)


def test_a_delete_on_each_side_reaches_the_other_and_the_server_delete_is_undoable(
    synced: NetDesk, book: ServerSide
) -> None:
    nd = synced
    book.put("grace.vcf", vcard("grace-1", "Grace Hopper"))
    book.put("alan.vcf", vcard("alan-1", "Alan Turing"))
    nd.sync.sync("phone", PASSWORD)
    here = by_name(nd)

    book.delete("grace.vcf")
    nd.contacts.delete([here["Alan Turing"].id])  # type: ignore[list-item]
    counts = nd.sync.sync("phone", PASSWORD).value
    assert (counts.deleted_here, counts.deleted_there, counts.deleted) == (1, 1, 2)
    assert book.names() == []
    assert "Grace Hopper" not in by_name(nd)
    assert [t.name for t in nd.contacts.trash()] == ["Grace Hopper", "Alan Turing"] or {
        t.name for t in nd.contacts.trash()
    } == {"Grace Hopper", "Alan Turing"}

    # Restoring Grace from the trash sends her back to the phone.
    nd.contacts.restore([here["Grace Hopper"].id])  # type: ignore[list-item]
    back = nd.sync.sync("phone", PASSWORD).value
    assert back.pushed == 1
    assert any("Grace Hopper" in text for text in book.cards().values())


def test_an_expired_sync_token_falls_back_to_the_etag_listing(synced: NetDesk, book: ServerSide) -> None:
    nd = synced
    book.put("grace.vcf", vcard("grace-1", "Grace Hopper"))
    nd.sync.sync("phone", PASSWORD)
    with nd.sessions.begin() as s:
        s.execute(update(SyncBook).values(sync_token="http://radicale.org/ns/sync/0000000000000000000000000"))
    book.put("grace.vcf", vcard("grace-1", "Grace Hopper", "TITLE:Rear Admiral"))
    book.put("alan.vcf", vcard("alan-1", "Alan Turing"))

    counts = nd.sync.sync("phone", PASSWORD).value
    assert counts.pulled == 2
    assert by_name(nd)["Grace Hopper"].title == "Rear Admiral"
    with nd.sessions() as s:
        token = s.query(SyncBook.sync_token).scalar()
    assert token and "0000000000" not in token  # a fresh token for next time


def test_a_card_changed_on_the_server_while_ours_goes_out_is_fetched_merged_and_sent_again(
    synced: NetDesk, book: ServerSide, monkeypatch: pytest.MonkeyPatch
) -> None:
    nd = synced
    book.put("grace.vcf", vcard("grace-1", "Grace Hopper", "TITLE:Rear Admiral"))
    nd.sync.sync("phone", PASSWORD)
    grace = by_name(nd)["Grace Hopper"]
    nd.contacts.update(grace.replace(notes="Wrote the first compiler"))

    put = DavClient.put
    raced: list[str] = []

    def phone_edits_first(client: DavClient, href: str, card: str, *, etag: str | None) -> str:
        if not raced:  # the phone saves its edit just before ours arrives: our If-Match no longer holds
            raced.append(href)
            book.put("grace.vcf", vcard("grace-1", "Grace Hopper", "TITLE:Rear Admiral", "TEL:+1 202 555 0100"))
        return put(client, href, card, etag=etag)

    monkeypatch.setattr(DavClient, "put", phone_edits_first)
    counts = nd.sync.sync("phone", PASSWORD).value
    assert raced and (counts.pushed, counts.merged, counts.conflicts) == (1, 1, 0)
    card = book.get("grace.vcf")
    assert "Wrote the first compiler" in card and "+1 202 555 0100" in card  # both edits on the server …
    merged = by_name(nd)["Grace Hopper"]
    assert merged.notes == "Wrote the first compiler" and [p.value for p in merged.phones] == ["+1 202 555 0100"]
    calm = nd.sync.sync("phone", PASSWORD).value  # … and here, with nothing left to do
    assert (calm.pulled, calm.pushed, calm.merged) == (0, 0, 0)
