"""Real CardDAV servers for the sync tests: one Radicale and one Xandikos per session (each test gets an address
book of its own), their ports opened in the network guard for as long as they run."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import carddav_servers as servers  # tests/ is on sys.path (tests/conftest.py)
import pytest
from carddav_servers import PASSWORD, USER, ServerSide

from netdesk.services import NetDesk
from netdesk.sync.dav import DavClient, RetryPolicy

FAST_RETRY = RetryPolicy(attempts=2, first_delay=0.05, timeout=10)


def _running(server: object, loopback_ports: object) -> Iterator[object]:
    loopback_ports.allow(server.port)  # type: ignore[attr-defined]
    try:
        server.start()  # type: ignore[attr-defined]
        yield server
    finally:
        server.stop()  # type: ignore[attr-defined]
        loopback_ports.forbid(server.port)  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def radicale_server(tmp_path_factory: pytest.TempPathFactory, loopback_ports: object) -> Iterator[object]:
    yield from _running(servers.radicale(tmp_path_factory.mktemp("radicale")), loopback_ports)


@pytest.fixture(scope="session")
def xandikos_server(tmp_path_factory: pytest.TempPathFactory, loopback_ports: object) -> Iterator[object]:
    yield from _running(servers.xandikos(tmp_path_factory.mktemp("xandikos")), loopback_ports)


def new_book(server: object) -> str:
    """A fresh, empty address book on ``server`` (its URL)."""
    base = server.url  # type: ignore[attr-defined]
    url = (
        f"{base}{USER}/{uuid.uuid4().hex[:12]}/"
        if server.kind == "radicale"
        else f"{base}user/contacts/{uuid.uuid4().hex[:12]}/"
    )  # type: ignore[attr-defined]
    with DavClient(base, USER, PASSWORD, certificate_pem=server.certificate_pem, retry=FAST_RETRY) as client:  # type: ignore[attr-defined]
        client.mkcol_addressbook(url, "Phone")
    return url


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
