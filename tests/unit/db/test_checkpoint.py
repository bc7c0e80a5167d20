"""An import's WAL checkpoint runs on a thread after its commit (db/checkpoint.py): the data are there when the import
returns, the connection gets its automatic checkpoint back, and closing waits for the copy."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from netdesk.db import checkpoint
from netdesk.services import NetDesk
from tests.linkedin_exports import connections_export


def _autocheckpoint(nd: NetDesk) -> int:
    with nd.sessions() as s:
        return int(s.connection().exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one())


def test_an_import_is_complete_when_it_returns_and_its_wal_is_copied_beside_it(
    nd: NetDesk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checkpoint, "AUTOCHECKPOINT_PAGES", 2)  # a small import's WAL counts as large
    started: list[str] = []
    real = checkpoint._checkpoint
    monkeypatch.setattr(checkpoint, "_checkpoint", lambda database: (started.append(database), real(database)))
    report = nd.imports.import_paths([connections_export(tmp_path / "export", 50)]).value
    assert report.created.count == 50
    assert nd.path is not None and started == [str(nd.path)]
    with sqlite3.connect(nd.path) as other:  # another reader sees everything at once
        assert other.execute("SELECT COUNT(*) FROM contacts").fetchone()[0] == 50
    assert _autocheckpoint(nd) == 2  # back on (the test's value) once the import's connection returned to the pool
    checkpoint.wait_for_checkpoints(nd.engine)
    with sqlite3.connect(nd.path) as other:
        busy, frames, copied = other.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert busy == 0 and frames == copied  # every frame of the WAL was in the database file already


def test_a_small_import_leaves_the_checkpoint_to_sqlite(nd: NetDesk, tmp_path: Path) -> None:
    nd.imports.import_paths([connections_export(tmp_path / "export", 3)])
    assert checkpoint._running.get(nd.engine, []) == []  # no thread for a WAL under the automatic threshold
    assert _autocheckpoint(nd) == checkpoint.AUTOCHECKPOINT_PAGES
