"""Sync that is interrupted or meets an unusual server: nothing is lost and the next sync finishes the job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import carddav_servers as servers
import httpx
import pytest
from carddav_servers import FAST_RETRY, PASSWORD, USER, ServerSide, new_book, running, vcard

from netdesk.core.model import ContactDTO
from netdesk.services import NetDesk, open_netdesk
from netdesk.sync.dav import DavClient, SyncError

CARDS = 240


def many_cards(count: int) -> str:
    return "".join(
        vcard(f"person-{n}", f"Person{n} Example", f"EMAIL:person{n}@example.org", f"X-SEQ:{n}") for n in range(count)
    )


def upload(book: ServerSide, count: int) -> None:
    """One request: Radicale takes a whole address book as one PUT of its collection."""
    response = book.http.put(book.book_url, content=many_cards(count).encode(), headers={"Content-Type": "text/vcard"})
    assert response.status_code in (201, 204), response.text


@pytest.fixture
def own_radicale(tmp_path: Path, loopback_ports: object) -> Iterator[object]:
    """A Radicale of this test alone, which the test may stop and start again on the same port."""
    yield from running(servers.radicale, tmp_path / "radicale", loopback_ports)


def account(nd: NetDesk, book_url: str) -> None:
    nd.sync.retry = FAST_RETRY
    nd.sync.add_account("phone", book_url, USER, PASSWORD, tags={book_url: "Phone"})


def test_a_server_that_goes_away_mid_sync_costs_nothing_and_the_next_sync_resumes(
    nd: NetDesk, own_radicale: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An incremental sync (the book was synced before, empty): the new cards come by multiget, batch by batch."""
    book = ServerSide(new_book(own_radicale))
    account(nd, book.book_url)
    assert nd.sync.sync("phone", PASSWORD).value.pulled == 0  # the book's token is stored
    upload(book, CARDS)
    nd.contacts.create(ContactDTO(given_name="Local", family_name="Only", tags=("Phone",)))
    monkeypatch.setattr("netdesk.services.sync.MULTIGET_BATCH", 100)
    monkeypatch.setattr("netdesk.services.sync.PARALLEL_PARSE_THRESHOLD", 50)  # parsed in worker processes
    monkeypatch.setattr("netdesk.services.sync.PARSE_WORKERS", 2)
    monkeypatch.setattr("netdesk.services.sync.FETCH_AHEAD", 1)  # one request at a time: a known order

    multiget = DavClient.multiget
    asked: list[int] = []

    def first_batch_then_gone(client: DavClient, url: str, hrefs: list[str]) -> object:
        asked.append(len(hrefs))
        cards = multiget(client, url, hrefs)
        own_radicale.stop()  # type: ignore[attr-defined]  # right after answering the first batch
        return cards

    monkeypatch.setattr(DavClient, "multiget", first_batch_then_gone)
    with pytest.raises(SyncError) as caught:
        nd.sync.sync("phone", PASSWORD)
    monkeypatch.setattr(DavClient, "multiget", multiget)
    assert asked[0] == 100
    assert str(caught.value) == f"127.0.0.1:{own_radicale.port}: cannot connect to the server (tried 2 times)"  # type: ignore[attr-defined]
    assert nd.sync.account("phone").last_error == str(caught.value)
    kept = nd.contacts.count() - 1
    assert kept == 100  # the batch received before the server went away is kept, and never half a batch

    own_radicale.start()  # type: ignore[attr-defined]
    counts = nd.sync.sync("phone", PASSWORD).value
    assert (counts.pulled, counts.pushed) == (CARDS - kept, 1)
    names = [r.name for r in nd.contacts.rows()]
    assert len(names) == len(set(names)) == CARDS + 1
    assert len(book.names()) == CARDS + 1
    assert nd.sync.account("phone").last_error == ""
    book.close()


def cut_off_transport(cut_at: float) -> httpx.MockTransport:
    """Radicale behind a link that breaks part-way through the answer to the first sync's addressbook-query."""
    upstream = httpx.Client(auth=(USER, PASSWORD), timeout=10)

    def handler(request: httpx.Request) -> httpx.Response:
        sent = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}
        answer = upstream.request(request.method, request.url, content=request.content, headers=sent)
        kept = {k: v for k, v in answer.headers.items() if k.lower() not in ("content-encoding", "content-length")}
        if b"addressbook-query" not in request.content:
            return httpx.Response(answer.status_code, content=answer.content, headers=kept)
        body = answer.content

        class Broken(httpx.SyncByteStream):
            def __iter__(self) -> Iterator[bytes]:
                half = int(len(body) * cut_at)
                for start in range(0, half, 4096):
                    yield body[start : min(start + 4096, half)]
                raise httpx.ReadError("connection reset", request=request)

        return httpx.Response(answer.status_code, stream=Broken(), headers=kept)

    return httpx.MockTransport(handler)


def test_a_first_sync_cut_off_mid_answer_keeps_whole_batches_and_the_next_sync_resumes(
    nd: NetDesk, radicale_server: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first sync reads every card in one streamed addressbook-query; the link breaks after about 60 % of it."""
    book = ServerSide(new_book(radicale_server))
    upload(book, CARDS)
    account(nd, book.book_url)
    nd.contacts.create(ContactDTO(given_name="Local", family_name="Only", tags=("Phone",)))
    monkeypatch.setattr("netdesk.services.sync.MULTIGET_BATCH", 100)
    transport = cut_off_transport(0.6)
    factory = nd.sync.client
    monkeypatch.setattr(
        nd.sync,
        "client",
        lambda url, user, password, pem="": DavClient(url, user, password, retry=FAST_RETRY, transport=transport),
    )
    with pytest.raises(SyncError) as caught:
        nd.sync.sync("phone", PASSWORD)
    assert str(caught.value) == f"127.0.0.1:{radicale_server.port}: the connection failed mid-answer (ReadError)"  # type: ignore[attr-defined]
    assert nd.contacts.count() - 1 == 100  # the whole batch that arrived is kept, never part of one
    assert len(book.names()) == CARDS  # the pull stopped before anything was sent

    monkeypatch.setattr(nd.sync, "client", factory)
    counts = nd.sync.sync("phone", PASSWORD).value
    assert (counts.pulled, counts.pushed) == (CARDS - 100, 1)
    names = [r.name for r in nd.contacts.rows()]
    assert len(names) == len(set(names)) == CARDS + 1
    assert len(book.names()) == CARDS + 1
    again = nd.sync.sync("phone", PASSWORD).value
    assert (again.pulled, again.pushed) == (0, 0)
    book.close()


_SYNC_IN_A_CHILD = textwrap.dedent(
    """
    import sys
    from netdesk.services import open_netdesk
    nd = open_netdesk(sys.argv[1])
    def progress(done, total, what):
        print(what, done, flush=True)
    nd.sync.sync("phone", sys.argv[2], progress=progress)
    print("finished", flush=True)
    """
)


def test_a_sync_killed_with_sigkill_loses_nothing_and_the_next_one_completes(
    db_path: Path, radicale_server: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = ServerSide(new_book(radicale_server))
    upload(book, CARDS)
    nd = open_netdesk(db_path)
    account(nd, book.book_url)
    for n in range(20):
        nd.contacts.create(ContactDTO(given_name=f"Mine{n}", family_name="Local", tags=("Phone",)))
    nd.close()

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    child = subprocess.Popen(
        [sys.executable, "-c", _SYNC_IN_A_CHILD, str(db_path), PASSWORD], stdout=subprocess.PIPE, text=True, env=env
    )
    assert child.stdout is not None
    for line in child.stdout:
        if line.startswith("sending new contacts") and int(line.split()[-1]) >= 5:
            child.send_signal(signal.SIGKILL)  # half-way through sending the local contacts
            break
    child.wait(30)
    assert child.returncode == -signal.SIGKILL

    nd = open_netdesk(db_path)
    nd.sync.retry = FAST_RETRY
    nd.sync.sync("phone", PASSWORD)
    names = [r.name for r in nd.contacts.rows()]
    assert len(names) == len(set(names)) == CARDS + 20
    server_cards = book.cards()
    assert len(server_cards) == CARDS + 20
    assert sum("Local" in text for text in server_cards.values()) == 20
    again = nd.sync.sync("phone", PASSWORD).value
    assert (again.pulled, again.pushed, again.merged) == (0, 0, 0)
    nd.close()
    book.close()


def rewriting_transport(book_url: str, certificate_pem: str) -> httpx.MockTransport:
    """A server that rewrites every card it stores (adds its own property, upper-cases the note) and so, as
    RFC 6352 §6.3.2.3 asks, answers the PUT without an ETag: Radicale behind a rewriting front."""
    upstream = httpx.Client(auth=(USER, PASSWORD), timeout=10)

    def handler(request: httpx.Request) -> httpx.Response:
        body = request.content
        if request.method == "PUT":
            text = body.decode()
            text = text.replace("END:VCARD", "X-SERVER-STAMP:rewritten\r\nEND:VCARD")
            text = "\r\n".join(line.upper() if line.startswith("NOTE") else line for line in text.split("\r\n"))
            body = text.encode()
        sent = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}
        answer = upstream.request(request.method, request.url, content=body, headers=sent)
        headers = {
            k: v for k, v in answer.headers.items() if k.lower() not in ("etag", "content-encoding", "content-length")
        }
        return httpx.Response(answer.status_code, content=answer.content, headers=headers)

    return httpx.MockTransport(handler)


def test_a_card_the_server_rewrites_is_read_back(
    nd: NetDesk, radicale_server: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = ServerSide(new_book(radicale_server))
    account(nd, book.book_url)
    transport = rewriting_transport(book.book_url, "")
    monkeypatch.setattr(
        nd.sync,
        "client",
        lambda url, user, password, pem="": DavClient(url, user, password, retry=FAST_RETRY, transport=transport),
    )
    ada = nd.contacts.create(ContactDTO(given_name="Ada", family_name="Lovelace", notes="notes", tags=("Phone",))).value
    first = nd.sync.sync("phone", PASSWORD).value
    assert first.pushed == 1
    second = nd.sync.sync("phone", PASSWORD).value  # sees the server's version of the card
    assert (second.pulled, second.pushed, second.conflicts) == (1, 0, 0)
    back = nd.contacts.get(ada.id)  # type: ignore[arg-type]
    assert back.notes == "NOTES"
    assert [(x.name, x.value) for x in back.extra] == [("X-SERVER-STAMP", "rewritten")]
    third = nd.sync.sync("phone", PASSWORD).value
    assert (third.pulled, third.pushed) == (0, 0)
    book.close()


def test_a_self_signed_server_needs_its_certificate_pinned(nd: NetDesk, xandikos_server: object) -> None:
    url = xandikos_server.url  # type: ignore[attr-defined]
    with pytest.raises(SyncError, match="TLS certificate is not trusted"):
        nd.sync.add_account("x", url, USER, PASSWORD)
    pinned = nd.sync.add_account("x", url, USER, PASSWORD, certificate_pem=xandikos_server.certificate_pem).value  # type: ignore[attr-defined]
    assert pinned.certificate_pinned and pinned.books


def test_a_card_the_server_refuses_to_delete_is_reported_and_the_rest_goes_on(
    nd: NetDesk, radicale_server: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = ServerSide(new_book(radicale_server))
    book.put("grace.vcf", vcard("grace-1", "Grace Hopper"))
    account(nd, book.book_url)
    nd.sync.sync("phone", PASSWORD)
    upstream = httpx.Client(auth=(USER, PASSWORD), timeout=10)

    def refuse_deletes(request: httpx.Request) -> httpx.Response:
        if request.method == "DELETE":
            return httpx.Response(403)
        sent = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}
        answer = upstream.request(request.method, request.url, content=request.content, headers=sent)
        kept = {k: v for k, v in answer.headers.items() if k.lower() not in ("content-encoding", "content-length")}
        return httpx.Response(answer.status_code, content=answer.content, headers=kept)

    transport = httpx.MockTransport(refuse_deletes)
    monkeypatch.setattr(
        nd.sync,
        "client",
        lambda url, user, password, pem="": DavClient(url, user, password, retry=FAST_RETRY, transport=transport),
    )
    grace = next(c for c in nd.contacts.search() if c.name == "Grace Hopper")
    nd.contacts.delete([grace.id])  # type: ignore[list-item]
    nd.contacts.create(ContactDTO(given_name="Ada", family_name="Lovelace", tags=("Phone",)))
    counts = nd.sync.sync("phone", PASSWORD).value
    assert counts.pushed == 1 and counts.deleted_there == 0
    assert len(counts.errors) == 1 and counts.errors[0].endswith("grace.vcf: 403 Forbidden")
    assert "grace.vcf" in book.names() and len(book.names()) == 2  # still there; Ada went out
    book.close()
