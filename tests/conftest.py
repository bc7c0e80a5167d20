"""Shared fixtures: temporary databases and the read-only fixture corpus beside the repository."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from netdesk.services import NetDesk, open_netdesk  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
PEER_FIXTURES = REPO_ROOT.parent / "shared" / "fixtures" / "peer"


@pytest.fixture
def peer_fixtures() -> Path:
    if not PEER_FIXTURES.is_dir():
        pytest.skip(f"fixture corpus not found at {PEER_FIXTURES}")
    return PEER_FIXTURES


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "netdesk.sqlite3"


@pytest.fixture
def nd(db_path: Path) -> Iterator[NetDesk]:
    service = open_netdesk(db_path)
    yield service
    service.close()
