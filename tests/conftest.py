"""Shared fixtures: temporary databases and the read-only fixture corpus beside the repository."""

from __future__ import annotations

import atexit
import importlib.util
import os
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# No test may write the user's real settings (~/.config/NetDesk): QSettings() in this process and in every app or
# CLI a test starts reads and writes a throw-away folder instead (tests/ui/conftest.py also gives each test its own).
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="netdesk-test-config-")
# No test may read or write the user's real keyring; tests of the keyring path install an in-memory one.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
# Helpers shared by tests and benchmarks (carddav_servers.py) are imported by name.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from netdesk.services import NetDesk, open_netdesk

atexit.register(shutil.rmtree, os.environ["XDG_CONFIG_HOME"], True)
REPO_ROOT = Path(__file__).resolve().parent.parent
# Real-world vCards and CSVs from other projects, copied into the repository (see its SOURCES.md) so that a bare
# clone runs every test. GPL-licensed folders among them are test input only, never shipped.
PEER_FIXTURES = REPO_ROOT / "tests" / "data" / "peer"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Marks every test that reads the corpus, so that CI can run them from a copy with nothing beside it."""
    for item in items:
        if {"peer_fixtures", "read_peer"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.corpus)


@pytest.fixture
def peer_fixtures() -> Path:
    if not PEER_FIXTURES.is_dir():
        message = f"fixture corpus not found at {PEER_FIXTURES}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)  # CI must never pass by skipping the real-world tests
        pytest.skip(message)
    return PEER_FIXTURES


@pytest.fixture(scope="session")
def vcard_fidelity() -> ModuleType:
    """tests/fidelity/vcard_fidelity.py (a script run by path) as a module, for the tests that compare with it."""
    if "vcard_fidelity" in sys.modules:
        return sys.modules["vcard_fidelity"]
    spec = importlib.util.spec_from_file_location(
        "vcard_fidelity", REPO_ROOT / "tests" / "fidelity" / "vcard_fidelity.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["vcard_fidelity"] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "netdesk.sqlite3"


@pytest.fixture(scope="session")
def empty_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database at the newest schema, made once per test process: creating a file runs every migration
    (~0.9 s a test), opening a copy of this one ~0.05 s. The migrations themselves have tests of their own."""
    path = tmp_path_factory.mktemp("empty-database") / "netdesk.sqlite3"
    open_netdesk(path).close()
    with sqlite3.connect(path) as conn:  # everything in the main file, so that one copied file is the database
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def new_database(empty_database: Path) -> Callable[[Path], NetDesk]:
    """Opens a new, empty database at the path given (a copy of ``empty_database``)."""

    def make(path: Path) -> NetDesk:
        shutil.copyfile(empty_database, path)
        return open_netdesk(path)

    return make


@pytest.fixture
def nd(db_path: Path, new_database: Callable[[Path], NetDesk]) -> Iterator[NetDesk]:
    service = new_database(db_path)
    yield service
    service.close()


# --- privacy: NetDesk never opens a network connection ----------------------------------------------------------
import socket  # noqa: E402

_network_attempts: list[str] = []
_original_connect = socket.socket.connect
_original_connect_ex = socket.socket.connect_ex


# Ports of the servers tests start themselves on the loopback interface (tests/carddav_servers.py): the only
# connections allowed. Filled by ``allow_loopback_port`` for as long as such a server runs.
_allowed_loopback_ports: set[int] = set()


def _is_network(sock: socket.socket, address: object = None) -> bool:
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return False
    loopback = isinstance(address, tuple) and len(address) >= 2 and address[0] in ("127.0.0.1", "::1")
    return not (loopback and address[1] in _allowed_loopback_ports)  # type: ignore[index]


def _guarded_connect(self: socket.socket, address: object) -> None:
    if _is_network(self, address):
        _network_attempts.append(repr(address))
        raise ConnectionRefusedError(f"NetDesk tests forbid network connections (tried {address!r})")
    _original_connect(self, address)  # type: ignore[arg-type]


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    if _is_network(self, address):
        _network_attempts.append(repr(address))
        raise ConnectionRefusedError(f"NetDesk tests forbid network connections (tried {address!r})")
    return _original_connect_ex(self, address)  # type: ignore[arg-type]


socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _no_network() -> Iterator[None]:
    """Fails any test during which code tried to open a network connection (even if it swallowed the error)."""
    start = len(_network_attempts)
    yield
    attempts = _network_attempts[start:]
    assert not attempts, f"network connection attempted: {attempts}"


@pytest.fixture
def network_attempts() -> list[str]:
    return _network_attempts


@pytest.fixture
def story() -> object:
    """tests/networking_story.py: a LinkedIn export and a phone address book built in the test (networking aids)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("networking_story", Path(__file__).parent / "networking_story.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class LoopbackPorts:
    """Lets a fixture open the guard for the port of a server it started on 127.0.0.1, and close it again."""

    def allow(self, port: int) -> None:
        _allowed_loopback_ports.add(port)

    def forbid(self, port: int) -> None:
        _allowed_loopback_ports.discard(port)


@pytest.fixture(scope="session")
def loopback_ports() -> LoopbackPorts:
    return LoopbackPorts()


# --- real CardDAV servers (tests/carddav_servers.py), started once per session when a test asks for one -----------
import carddav_servers as servers  # noqa: E402


@pytest.fixture(scope="session")
def radicale_server(tmp_path_factory: pytest.TempPathFactory, loopback_ports: object) -> Iterator[object]:
    yield from servers.running(servers.radicale, tmp_path_factory.mktemp("radicale"), loopback_ports)


@pytest.fixture(scope="session")
def xandikos_server(tmp_path_factory: pytest.TempPathFactory, loopback_ports: object) -> Iterator[object]:
    yield from servers.running(servers.xandikos, tmp_path_factory.mktemp("xandikos"), loopback_ports)


@pytest.fixture
def memory_keyring() -> Iterator[servers.MemoryKeyring]:
    """An in-memory system keyring for the test; the failing one (no keyring) again afterwards."""
    import keyring
    from keyring.backends.fail import Keyring as FailKeyring

    backend = servers.MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(FailKeyring())
