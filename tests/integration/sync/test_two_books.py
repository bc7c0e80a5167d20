"""Two address books with the same name (one account's "Contacts" twice, or each of two accounts' "Contacts"): each
keeps its own cards. A book syncs into a tag, and every contact in that tag goes to the book: two books in one tag
would copy every card of each into the other."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import carddav_servers as servers
import pytest
from carddav_servers import FAST_RETRY, PASSWORD, USER, ServerSide, new_book, running, vcard

from netdesk.services import NetDesk


@pytest.fixture
def own_radicale(tmp_path: Path, loopback_ports: object) -> Iterator[object]:
    """A Radicale of this test alone: discovery from its root finds only the books made here."""
    yield from running(servers.radicale, tmp_path / "radicale", loopback_ports)


def two_books(server: object) -> tuple[ServerSide, ServerSide]:
    pem = server.certificate_pem  # type: ignore[attr-defined]
    first, second = ServerSide(new_book(server, "Contacts"), pem), ServerSide(new_book(server, "Contacts"), pem)
    first.put("grace.vcf", vcard("grace-1", "Grace Hopper"))
    second.put("alan.vcf", vcard("alan-1", "Alan Turing"))
    return first, second


def family_and_work(nd: NetDesk, server: object, work_card: tuple[str, str]) -> tuple[ServerSide, ServerSide]:
    """Books "Family" (Grace Hopper) and "Work" (``work_card``: file name, card) on ``server``, and the account
    "phone" on it."""
    family = ServerSide(new_book(server, "Family"))
    work = ServerSide(new_book(server, "Work"))
    family.put("grace.vcf", vcard("grace-1", "Grace Hopper"))
    work.put(*work_card)
    nd.sync.retry = FAST_RETRY
    nd.sync.add_account("phone", server.url, USER, PASSWORD)  # type: ignore[attr-defined]
    return family, work


def test_two_books_of_one_account_with_the_same_name_keep_their_own_cards(nd: NetDesk, own_radicale: object) -> None:
    first, second = two_books(own_radicale)
    nd.sync.retry = FAST_RETRY
    account = nd.sync.add_account("phone", own_radicale.url, USER, PASSWORD).value  # type: ignore[attr-defined]
    tags = [b.tag for b in account.books]
    assert len(tags) == 2 and len({t.casefold() for t in tags}) == 2, tags

    counts = nd.sync.sync("phone", PASSWORD).value
    assert (counts.pulled, counts.pushed) == (2, 0)
    assert nd.sync.sync("phone", PASSWORD).value.pushed == 0
    assert (first.names(), second.names()) == (["grace.vcf"], ["alan.vcf"])
    first.close()
    second.close()


def test_two_accounts_with_a_book_of_the_same_name_keep_their_own_cards(nd: NetDesk, server: object) -> None:
    first, second = two_books(server)
    nd.sync.retry = FAST_RETRY
    pem = server.certificate_pem  # type: ignore[attr-defined]
    nd.sync.add_account("phone", first.book_url, USER, PASSWORD, certificate_pem=pem)
    added = nd.sync.add_account("work", second.book_url, USER, PASSWORD, certificate_pem=pem).value
    assert added.books[0].tag.casefold() != "contacts"  # "Contacts" is the phone's already

    for name in ("phone", "work", "phone", "work"):
        assert nd.sync.sync(name, PASSWORD).value.pushed == 0
    assert (first.names(), second.names()) == (["grace.vcf"], ["alan.vcf"])
    first.close()
    second.close()


def test_a_card_deleted_from_one_book_stays_in_the_other(nd: NetDesk, own_radicale: object) -> None:
    """The same person (one UID) in two books of an account is one contact here, in step with both. The phone deletes
    the card from one book: the contact leaves that book (and its tag) only, and stays in the other."""
    family, work = family_and_work(nd, own_radicale, ("grace.vcf", vcard("grace-1", "Grace Hopper")))
    nd.sync.sync("phone", PASSWORD)
    nd.sync.sync("phone", PASSWORD)
    (grace,) = nd.contacts.search()
    assert set(grace.tags) == {"Family", "Work"}

    family.delete("grace.vcf")
    counts = nd.sync.sync("phone", PASSWORD).value
    assert (counts.deleted_here, counts.deleted_there) == (0, 0)
    assert (family.names(), work.names()) == ([], ["grace.vcf"])
    (grace,) = nd.contacts.search()
    assert grace.tags == ("Work",)
    nd.sync.sync("phone", PASSWORD)
    assert (family.names(), work.names()) == ([], ["grace.vcf"])  # not sent back to Family either
    family.close()
    work.close()


def test_a_book_removed_from_the_server_is_reported_and_the_other_books_still_sync(
    nd: NetDesk, own_radicale: object
) -> None:
    family, work = family_and_work(nd, own_radicale, ("alan.vcf", vcard("alan-1", "Alan Turing")))
    nd.sync.sync("phone", PASSWORD)

    assert family.http.delete(family.book_url).status_code in (200, 204)  # the phone removes the whole book
    work.put("ada.vcf", vcard("ada-1", "Ada Lovelace"))
    counts = nd.sync.sync("phone", PASSWORD).value
    assert (counts.pulled, counts.deleted) == (1, 0)
    assert len(counts.errors) == 1 and family.book_url.split("/")[-2] in counts.errors[0] and "404" in counts.errors[0]
    assert {c.name for c in nd.contacts.search()} == {"Grace Hopper", "Alan Turing", "Ada Lovelace"}
    assert "404" in nd.sync.account("phone").last_error
    family.close()
    work.close()
