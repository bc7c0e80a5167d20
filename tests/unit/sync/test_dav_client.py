"""The CardDAV client's retries, messages and XML handling, over httpx's mock transport (no network)."""

from __future__ import annotations

import httpx
import pytest

from netdesk.sync.dav import (
    DavClient,
    PreconditionFailed,
    RetryPolicy,
    SyncError,
    SyncUnsupported,
    TokenExpired,
    canonical_href,
)

MULTISTATUS = b"""<?xml version="1.0"?>
<d:multistatus xmlns:d="DAV:">
  <d:response><d:href>/ada/book/</d:href><d:propstat><d:prop><d:getetag/></d:prop>
    <d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>
  <d:response><d:href>/ada/book/grace%40navy.vcf</d:href><d:propstat><d:prop><d:getetag>"e1"</d:getetag></d:prop>
    <d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>
  <d:response><d:href>/ada/book/gone.vcf</d:href><d:status>HTTP/1.1 404 Not Found</d:status></d:response>
  <d:sync-token>tok-2</d:sync-token>
</d:multistatus>"""


def client(handler: object, sleeps: list[float], attempts: int = 3) -> DavClient:
    return DavClient(
        "https://dav.example.org/ada/",
        "ada",
        "pw",
        retry=RetryPolicy(attempts=attempts, first_delay=0.5),
        sleep=sleeps.append,
        transport=httpx.MockTransport(handler),  # type: ignore[arg-type]
    )


def test_server_errors_and_timeouts_are_retried_with_back_off() -> None:
    answers = iter(["503", "timeout", "207"])
    sleeps: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        answer = next(answers)
        if answer == "timeout":
            raise httpx.ReadTimeout("slow", request=request)
        return httpx.Response(int(answer), content=MULTISTATUS if answer == "207" else b"")

    changes, token = client(handler, sleeps).sync_collection("/ada/book/", "tok-1")
    assert sleeps == [0.5, 1.0]
    assert changes == [("/ada/book/grace%40navy.vcf", '"e1"'), ("/ada/book/gone.vcf", None)]
    assert token == "tok-2"


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (503, "dav.example.org: the server answered 503 Service Unavailable (tried 3 times)"),
        (401, "dav.example.org: the server refused the user name or password (401) (tried 3 times)"),
    ],
)
def test_a_server_that_keeps_failing_is_one_clear_line(status: int, message: str) -> None:
    sleeps: list[float] = []
    with pytest.raises(SyncError) as caught:
        client(lambda request: httpx.Response(status), sleeps).propfind("/", [], depth=0)
    assert str(caught.value) == message
    assert sleeps == [0.5, 1.0]


def test_an_unreachable_server_is_one_clear_line() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(SyncError, match=r"^dav.example.org: cannot connect to the server \(tried 2 times\)$"):
        client(refuse, [], attempts=2).get("/ada/book/a.vcf")


def test_an_expired_token_and_a_precondition_failure_are_told_apart() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "REPORT":
            return httpx.Response(403, content=b'<error xmlns="DAV:"><valid-sync-token/></error>')
        assert request.headers["If-Match"] == '"old"'
        return httpx.Response(412)

    dav = client(handler, [])
    with pytest.raises(TokenExpired):
        dav.sync_collection("/ada/book/", "tok-1")
    with pytest.raises(PreconditionFailed):
        dav.put("/ada/book/a.vcf", "BEGIN:VCARD\r\nEND:VCARD\r\n", etag='"old"')


def test_new_cards_are_written_only_if_absent_and_the_etag_is_returned() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, headers={"ETag": '"new"'})

    assert client(handler, []).put("/ada/book/a.vcf", "BEGIN:VCARD\r\nEND:VCARD\r\n", etag=None) == '"new"'
    assert seen[0].headers["If-None-Match"] == "*" and "If-Match" not in seen[0].headers


def test_hostile_xml_is_refused_not_expanded() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">]><d:multistatus xmlns:d="DAV:">&a;</d:multistatus>'
    )
    with pytest.raises(SyncError, match="unreadable answer"):
        client(lambda request: httpx.Response(207, content=bomb), []).propfind("/", [], depth=1)


def test_hrefs_are_compared_in_one_spelling() -> None:
    assert canonical_href("/ada/book/grace@navy.vcf") == canonical_href("/ada/book/grace%40navy.vcf")
    assert canonical_href("https://dav.example.org/ada/b%20c/") == "/ada/b%20c/"


def _card_response(name: str, etag: str, card: str | None) -> str:
    data = f"<C:address-data>{card}</C:address-data>" if card is not None else ""
    return (
        f"<d:response><d:href>/ada/book/{name}</d:href><d:propstat><d:prop><d:getetag>{etag}</d:getetag>{data}"
        "</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>"
    )


def _query_answer(parts: list[str]) -> bytes:
    head = '<?xml version="1.0"?><d:multistatus xmlns:d="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">'
    return (head + "".join(parts) + "</d:multistatus>").encode()


def test_every_card_comes_in_one_streamed_query_in_batches() -> None:
    card = "BEGIN:VCARD&#13;\nVERSION:3.0&#13;\nFN:Grace Hopper&#13;\nEND:VCARD&#13;\n"
    parts = [_card_response(f"c{n}.vcf", f'"e{n}"', card) for n in range(5)]
    parts.append(_card_response("bare.vcf", '"e9"', None))  # a server that left out this card's data
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(207, content=_query_answer(parts))

    batches = list(client(handler, []).query_all("/ada/book/", 2))
    assert len(seen) == 1 and seen[0].method == "REPORT" and seen[0].headers["Depth"] == "1"
    assert b"addressbook-query" in seen[0].content and b"filter" in seen[0].content
    assert [len(b.cards) for b in batches] == [2, 2, 1] and [b.last for b in batches] == [False, False, True]
    assert batches[0].cards[0] == ("/ada/book/c0.vcf", '"e0"', card.replace("&#13;", "\r"))
    assert batches[-1].without_data == ["/ada/book/bare.vcf"] and not batches[-1].truncated


def test_a_query_the_server_cut_short_or_refused_is_told() -> None:
    truncated = _query_answer(
        [
            _card_response("c1.vcf", '"e1"', "BEGIN:VCARD&#13;\nEND:VCARD&#13;\n"),
            "<d:response><d:href>/ada/book/</d:href><d:status>HTTP/1.1 507 Insufficient Storage</d:status>"
            "</d:response>",
        ]
    )
    batches = list(client(lambda request: httpx.Response(207, content=truncated), []).query_all("/ada/book/", 100))
    assert batches[-1].truncated and len(batches[-1].cards) == 1
    with pytest.raises(SyncUnsupported):
        list(client(lambda request: httpx.Response(501), []).query_all("/ada/book/", 100))
    with pytest.raises(SyncError, match="unreadable answer"):
        list(client(lambda request: httpx.Response(207, content=b"<d:multistatus xmlns:d="), []).query_all("/a/", 9))


def test_the_ctag_and_the_sync_token_are_read_in_one_request() -> None:
    answer = (
        b'<?xml version="1.0"?><d:multistatus xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/">'
        b"<d:response><d:href>/ada/book/</d:href><d:propstat><d:prop><cs:getctag>ct-7</cs:getctag>"
        b"<d:sync-token>http://example.org/sync/7</d:sync-token></d:prop><d:status>HTTP/1.1 200 OK</d:status>"
        b"</d:propstat></d:response></d:multistatus>"
    )
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(207, content=answer)

    assert client(handler, []).collection_state("/ada/book/") == ("ct-7", "http://example.org/sync/7")
    assert len(seen) == 1 and seen[0].headers["Depth"] == "0"
    assert client(lambda request: httpx.Response(403), []).collection_state("/ada/book/") == ("", "")


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_within_the_server_is_followed_with_the_same_method_and_body(status: int) -> None:
    """httpx follows 302 and 303 with a GET; a REPORT must stay a REPORT (with its body) to get a multistatus."""
    seen: list[tuple[str, str, bytes]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, request.url.path, request.content))
        if request.url.path == "/old/book/":
            return httpx.Response(status, headers={"Location": "https://ada:pw@dav.example.org/ada/book/"})
        return httpx.Response(207, content=MULTISTATUS)

    changes, token = client(handler, []).sync_collection("/old/book/", "tok-1")
    assert token == "tok-2" and ("/ada/book/grace%40navy.vcf", '"e1"') in changes
    assert [(m, p) for m, p, _ in seen] == [("REPORT", "/old/book/"), ("REPORT", "/ada/book/")]
    assert seen[0][2] == seen[1][2] and b"tok-1" in seen[1][2]


def test_redirects_in_circles_are_one_line() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        other = "/b/" if request.url.path == "/a/" else "/a/"
        return httpx.Response(302, headers={"Location": other})

    with pytest.raises(SyncError, match="redirects in circles"):
        client(handler, []).etag_listing("/a/")
