"""Helpers for the io tests: read a peer fixture and get its contacts and report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from netdesk.core.model import ContactDTO
from netdesk.io.report import ImportReport
from netdesk.io.vcard import read_vcard_file

ReadPeer = Callable[[str], tuple[list[ContactDTO], ImportReport]]


@pytest.fixture
def read_peer(peer_fixtures: Path) -> ReadPeer:
    """Read ``peer_fixtures / relative_path`` in-process (workers=1) and return (contacts, report)."""

    def read(relative_path: str) -> tuple[list[ContactDTO], ImportReport]:
        report = ImportReport()
        contacts = read_vcard_file(peer_fixtures / relative_path, report, workers=1)
        return contacts, report

    return read
