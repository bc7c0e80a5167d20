"""Each sync test runs against both servers (tests/conftest.py starts them) with an address book of its own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from carddav_servers import FAST_RETRY, PASSWORD, USER, ServerSide, new_book

from netdesk.services import NetDesk


@pytest.fixture(params=["radicale", "xandikos"])
def server(request: pytest.FixtureRequest) -> object:
    """Each server in turn: the tests that take this fixture run against both implementations."""
    return request.getfixturevalue(f"{request.param}_server")


@pytest.fixture
def book(server: object) -> Iterator[ServerSide]:
    side = ServerSide(new_book(server), server.certificate_pem)  # type: ignore[attr-defined]
    yield side
    side.close()


@pytest.fixture
def synced(nd: NetDesk, server: object, book: ServerSide) -> NetDesk:
    """``nd`` with an account on ``book`` syncing into the tag "Phone"."""
    nd.sync.retry = FAST_RETRY
    nd.sync.add_account(
        "phone",
        book.book_url,
        USER,
        PASSWORD,
        certificate_pem=server.certificate_pem,
        tags={"Phone": "Phone"},  # type: ignore[attr-defined]
    )
    return nd
