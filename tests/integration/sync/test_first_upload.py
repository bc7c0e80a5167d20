"""A book's first upload reads the contacts it sends with the bulk reads, a batch at a time, not one by one."""

from __future__ import annotations

import pytest
from carddav_servers import PASSWORD, ServerSide

from netdesk.core.model import ContactDTO, ContactPoint, PostalAddress
from netdesk.db import bulk
from netdesk.db import repository as repo
from netdesk.io.report import ImportReport
from netdesk.services import NetDesk, sync_push

PHONE_BOOK = 60  # people tagged for the phone: three batches of 25


def _address_book() -> list[ContactDTO]:
    """An old phone address book: colleagues with work emails and mobiles, some with a home address and a photo."""
    return [
        ContactDTO(
            uid=f"phone-{n:03d}",
            given_name=f"Colleague{n:03d}",
            family_name="Okafor" if n % 2 else "Brandt",
            organization="Harbour Freight",
            emails=(ContactPoint(f"c{n}@harbour.example", "work", pref=True),),
            phones=(ContactPoint(f"+49 40 555 {n:04d}", "mobile"),),
            addresses=(PostalAddress(label="home", street=f"{n} Elbchaussee", locality="Hamburg"),) if n % 3 else (),
            photo=b"\x89PNG\r\n\x1a\n" + bytes([n]) * 64 if n % 5 == 0 else None,
            photo_mime="image/png" if n % 5 == 0 else "",
            tags=("Phone",),
        )
        for n in range(PHONE_BOOK)
    ]


def test_the_first_upload_reads_contacts_in_batches_and_sends_each_whole(
    synced: NetDesk, book: ServerSide, monkeypatch: pytest.MonkeyPatch
) -> None:
    nd = synced
    nd.imports.import_contacts(_address_book(), ImportReport())
    nd.contacts.create(ContactDTO(given_name="Private", family_name="Person", tags=("family",)))  # not in the book
    monkeypatch.setattr(sync_push, "PUSH_BATCH", 25)
    batches: list[int] = []
    one_by_one: list[list[int]] = []
    real_batches, real_load = bulk.iter_contact_batches, repo.load_dtos

    def counted_batches(session, ids, **kwargs):  # type: ignore[no-untyped-def]
        batches.append(len(ids))
        return real_batches(session, ids, **kwargs)

    def counted_load(session, ids, **kwargs):  # type: ignore[no-untyped-def]
        one_by_one.append(list(ids))
        return real_load(session, ids, **kwargs)

    monkeypatch.setattr(bulk, "iter_contact_batches", counted_batches)
    monkeypatch.setattr(repo, "load_dtos", counted_load)

    counts = nd.sync.sync("phone", PASSWORD).value

    assert counts.pushed == PHONE_BOOK and not counts.errors
    assert batches == [25, 25, 10]  # three reads for sixty contacts
    assert not [ids for ids in one_by_one if len(ids) == 1]  # no contact read on its own
    cards = book.cards()
    assert len(cards) == PHONE_BOOK
    seventh = next(text for text in cards.values() if "Colleague007" in text)
    assert "c7@harbour.example" in seventh and "+49 40 555 0007" in seventh and "Elbchaussee" in seventh
    tenth = next(text for text in cards.values() if "Colleague010" in text)
    assert "PHOTO" in tenth  # photos travel too
    assert not any("Private" in text for text in cards.values())
    # Recorded with the stamp read with each contact: a second sync has nothing to send.
    assert nd.sync.sync("phone", PASSWORD).value.pushed == 0
