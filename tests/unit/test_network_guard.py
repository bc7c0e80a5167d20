import socket

import pytest


def test_the_suite_refuses_network_connections(network_attempts: list[str]) -> None:
    """The guard in conftest.py is live: a connection attempt raises (and would fail the test that made it)."""
    before = len(network_attempts)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s, pytest.raises(ConnectionRefusedError):
        s.connect(("127.0.0.1", 9))
    assert len(network_attempts) == before + 1
    del network_attempts[before:]  # this attempt was the point of the test
