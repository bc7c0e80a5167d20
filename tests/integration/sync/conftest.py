"""Real CardDAV servers for the sync tests: one Radicale and one Xandikos per session (each test gets an address
book of its own), their ports opened in the network guard for as long as they run."""

from __future__ import annotations

from collections.abc import Iterator

import carddav_servers as servers  # tests/ is on sys.path (tests/conftest.py)
import pytest
from carddav_servers import FAST_RETRY, PASSWORD, USER, ServerSide, new_book, running

from netdesk.services import NetDesk


@pytest.fixture(scope="session")
def radicale_server(tmp_path_factory: pytest.TempPathFactory, loopback_ports: object) -> Iterator[object]:
    yield from running(servers.radicale, tmp_path_factory.mktemp("radicale"), loopback_ports)


@pytest.fixture(scope="session")
def xandikos_server(tmp_path_factory: pytest.TempPathFactory, loopback_ports: object) -> Iterator[object]:
    yield from running(servers.xandikos, tmp_path_factory.mktemp("xandikos"), loopback_ports)


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
