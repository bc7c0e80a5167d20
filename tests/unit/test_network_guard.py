import socket

import pytest


def test_the_suite_refuses_network_connections(network_attempts: list[str]) -> None:
    """The guard in conftest.py is live: a connection attempt raises (and would fail the test that made it)."""
    before = len(network_attempts)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s, pytest.raises(ConnectionRefusedError):
        s.connect(("127.0.0.1", 9))
    assert len(network_attempts) == before + 1
    del network_attempts[before:]  # this attempt was the point of the test


def test_only_loopback_ports_a_test_opened_are_allowed(network_attempts: list[str], loopback_ports: object) -> None:
    """A port opened for a test server lets connections to 127.0.0.1 through, and nothing else."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        before = len(network_attempts)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s, pytest.raises(ConnectionRefusedError):
            s.connect(("127.0.0.1", port))  # not opened yet
        loopback_ports.allow(port)  # type: ignore[attr-defined]
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
                s.connect(("127.0.0.1", port))
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s, pytest.raises(ConnectionRefusedError):
                s.connect(("192.0.2.1", port))  # the same port elsewhere stays forbidden
        finally:
            loopback_ports.forbid(port)  # type: ignore[attr-defined]
        assert len(network_attempts) == before + 2
        del network_attempts[before:]
