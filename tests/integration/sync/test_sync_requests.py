"""What a sync asks the server, counted through a proxy in front of a real Radicale: a first sync reads the book in
one query, a sync with nothing to do is one small request, and a server without the query still syncs."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from carddav_servers import FAST_RETRY, PASSWORD, USER, ServerSide, new_book, vcard

from netdesk.core.model import ContactDTO
from netdesk.services import NetDesk
from netdesk.sync.dav import DavClient

CARDS = 30
REPORTS = ("addressbook-query", "addressbook-multiget", "sync-collection")


def proxy(seen: list[str], refuse: Callable[[httpx.Request], bool] = lambda request: False) -> httpx.MockTransport:
    """Forwards every request to the real server and notes "METHOD report-name" for each."""
    upstream = httpx.Client(auth=(USER, PASSWORD), timeout=10)

    def handler(request: httpx.Request) -> httpx.Response:
        body = request.content
        kind = next((k for k in REPORTS if k.encode() in body), "")
        seen.append(f"{request.method} {kind}".strip())
        if refuse(request):
            return httpx.Response(501)
        sent = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}
        answer = upstream.request(request.method, request.url, content=body, headers=sent)
        kept = {k: v for k, v in answer.headers.items() if k.lower() not in ("content-encoding", "content-length")}
        return httpx.Response(answer.status_code, content=answer.content, headers=kept)

    return httpx.MockTransport(handler)


def through(nd: NetDesk, monkeypatch: pytest.MonkeyPatch, transport: httpx.MockTransport) -> None:
    monkeypatch.setattr(
        nd.sync,
        "client",
        lambda url, user, password, pem="": DavClient(url, user, password, retry=FAST_RETRY, transport=transport),
    )


@pytest.fixture
def filled(radicale_server: object) -> ServerSide:
    book = ServerSide(new_book(radicale_server))
    for n in range(CARDS):
        book.put(f"p{n}.vcf", vcard(f"p-{n}", f"Person{n} Example", f"EMAIL:p{n}@example.org"))
    return book


def test_a_first_sync_reads_the_book_in_one_query_and_a_sync_with_nothing_to_do_is_one_request(
    nd: NetDesk, filled: ServerSide, monkeypatch: pytest.MonkeyPatch
) -> None:
    nd.sync.add_account("phone", filled.book_url, USER, PASSWORD, tags={filled.book_url: "Phone"})
    seen: list[str] = []
    through(nd, monkeypatch, proxy(seen))
    assert nd.sync.sync("phone", PASSWORD).value.pulled == CARDS
    assert seen == ["PROPFIND", "REPORT addressbook-query"]  # the CTag and token, then every card

    seen.clear()
    nothing = nd.sync.sync("phone", PASSWORD).value
    assert (nothing.pulled, nothing.pushed) == (0, 0)
    assert seen == ["PROPFIND"]  # the CTag is unchanged, and nothing here waits to be sent

    nd.contacts.create(ContactDTO(given_name="Ada", family_name="Lovelace", tags=("Phone",)))
    filled.put("grace.vcf", vcard("grace-1", "Grace Hopper"))
    seen.clear()
    both = nd.sync.sync("phone", PASSWORD).value
    assert (both.pulled, both.pushed) == (1, 1)
    assert seen == ["PROPFIND", "REPORT sync-collection", "REPORT addressbook-multiget", "PUT"]
    filled.close()


def test_a_server_that_refuses_the_query_is_read_by_listing_and_multiget(
    nd: NetDesk, filled: ServerSide, monkeypatch: pytest.MonkeyPatch
) -> None:
    nd.sync.add_account("phone", filled.book_url, USER, PASSWORD, tags={filled.book_url: "Phone"})
    seen: list[str] = []
    through(nd, monkeypatch, proxy(seen, refuse=lambda request: b"addressbook-query" in request.content))
    counts = nd.sync.sync("phone", PASSWORD).value
    assert counts.pulled == CARDS and not counts.errors
    assert seen == ["PROPFIND", "REPORT addressbook-query", "PROPFIND", "REPORT addressbook-multiget"]
    assert sorted(r.name for r in nd.contacts.rows()) == sorted(f"Person{n} Example" for n in range(CARDS))
    seen.clear()
    assert nd.sync.sync("phone", PASSWORD).value.pulled == 0
    assert seen == ["PROPFIND"]
    filled.close()
