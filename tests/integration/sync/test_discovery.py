"""Finding the address books from the URL a user is given (RFC 6764, 6352): the server's root, the principal, the
address book itself, or the well-known URL. A redirect is followed with the same request: Xandikos answers the
well-known URL with 302, which HTTP clients turn into a GET (browsers' habit) unless told otherwise."""

from __future__ import annotations

import pytest
from carddav_servers import PASSWORD, USER, ServerSide

from netdesk.sync.dav import DavClient
from netdesk.sync.discovery import discover_books


@pytest.mark.parametrize("start", ["", ".well-known/carddav", "principal", "book"])
def test_every_usual_starting_url_finds_the_book(server: object, book: ServerSide, start: str) -> None:
    principal = "ada/" if server.kind == "radicale" else "user/"  # type: ignore[attr-defined]
    url = {
        "": server.url,  # type: ignore[attr-defined]
        ".well-known/carddav": server.url + ".well-known/carddav",  # type: ignore[attr-defined]
        "principal": server.url + principal,  # type: ignore[attr-defined]
        "book": book.book_url,
    }[start]
    with DavClient(url, USER, PASSWORD, certificate_pem=server.certificate_pem) as client:  # type: ignore[attr-defined]
        urls = [b.url for b in discover_books(client)]
    assert book.book_url in urls
