"""A bulk write's commit leaves the WAL copy (the checkpoint) to a background thread, which then does it."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from netdesk.db import checkpoint
from netdesk.db.engine import create_db_engine, session_factory, write_transaction

ROWS = 20_000  # some 2,500 pages of WAL: past the 1,000 at which a commit checkpoints by itself


def _write_rows(sessions: sessionmaker[Session], defer: bool) -> None:
    with write_transaction(sessions) as s:
        if defer:
            checkpoint.defer_checkpoint(s)
        connection = s.connection()
        connection.exec_driver_sql("CREATE TABLE IF NOT EXISTS bulk (id INTEGER PRIMARY KEY, body TEXT)")
        connection.exec_driver_sql("INSERT INTO bulk (body) VALUES (?)", [("x" * 400,) for _ in range(ROWS)])


@pytest.fixture
def held_checkpoints(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """The background checkpoint waits until the test lets it go."""
    go = threading.Event()
    run = checkpoint._checkpoint

    def held(path: Path) -> None:
        assert go.wait(10)
        run(path)

    monkeypatch.setattr(checkpoint, "_checkpoint", held)
    return go


@pytest.fixture
def database(tmp_path: Path) -> Iterator[tuple[Path, sessionmaker[Session]]]:
    db = tmp_path / "bulk.sqlite3"
    engine = create_db_engine(db)
    yield db, session_factory(engine)
    engine.dispose()


def _rows_read(db: Path) -> int:
    """The rows another connection reads in the table written."""
    reader = sqlite3.connect(db)
    try:
        return int(reader.execute("SELECT COUNT(*) FROM bulk").fetchone()[0])
    finally:
        reader.close()


def test_a_plain_commit_checkpoints_by_itself(database: tuple[Path, sessionmaker[Session]]) -> None:
    db, sessions = database
    _write_rows(sessions, defer=False)
    assert db.stat().st_size > ROWS * 400  # copied into the file by the commit


def test_a_deferred_commit_leaves_the_copy_to_a_thread(
    database: tuple[Path, sessionmaker[Session]], held_checkpoints: threading.Event
) -> None:
    db, sessions = database
    _write_rows(sessions, defer=True)
    # Committed and readable (from the WAL), but not yet copied into the database file.
    assert db.stat().st_size < ROWS * 400
    assert _rows_read(db) == ROWS
    held_checkpoints.set()
    checkpoint.wait_for_checkpoints(10)
    assert db.stat().st_size > ROWS * 400
    # The connection checkpoints by itself again for the commits that follow.
    with sessions() as s:
        assert s.connection().exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == checkpoint.AUTOCHECKPOINT_PAGES


def test_writes_go_ahead_while_the_copy_waits(
    database: tuple[Path, sessionmaker[Session]], held_checkpoints: threading.Event
) -> None:
    db, sessions = database
    _write_rows(sessions, defer=True)
    with write_transaction(sessions) as s:  # the copy has not started: writers go on regardless
        s.connection().exec_driver_sql("INSERT INTO bulk (body) VALUES ('one more')")
    held_checkpoints.set()
    checkpoint.wait_for_checkpoints(10)
    assert _rows_read(db) == ROWS + 1
