"""An import's WAL checkpoint runs on a thread after its commit (db/checkpoint.py): the data are there when the import
returns, the connection gets its automatic checkpoint back, and closing waits for the copy."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import URL, create_engine

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
    # The database file alone (its WAL left behind) holds the import: the thread copied every frame into it. (A
    # wal_checkpoint asked here would report every frame copied whether the thread had copied them or not.)
    alone = tmp_path / "file-alone.sqlite3"
    shutil.copyfile(nd.path, alone)
    with sqlite3.connect(alone) as other:
        assert other.execute("SELECT COUNT(*) FROM contacts").fetchone()[0] == 50


def test_a_small_import_leaves_the_checkpoint_to_sqlite(nd: NetDesk, tmp_path: Path) -> None:
    nd.imports.import_paths([connections_export(tmp_path / "export", 3)])
    assert checkpoint._running.get(nd.engine, []) == []  # no thread for a WAL under the automatic threshold
    assert _autocheckpoint(nd) == checkpoint.AUTOCHECKPOINT_PAGES


def test_a_database_another_connection_holds_exclusively_does_not_hold_up_the_close(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The copy is housekeeping (the next commit's automatic checkpoint does it too): it gives up on a lock soon
    instead of keeping NetDesk.close() waiting for the app's 30 s busy timeout."""
    monkeypatch.setattr(checkpoint, "AUTOCHECKPOINT_PAGES", 2)
    path = tmp_path / "locked.sqlite3"
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE t (x)")
    setup.close()
    holder = sqlite3.connect(path, isolation_level=None)  # another program, holding the file to itself
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")  # from its first write on, until it closes
    holder.execute("PRAGMA wal_autocheckpoint=0")
    holder.executemany("INSERT INTO t VALUES (?)", [(b"x" * 1000,) for _ in range(100)])  # a WAL past the threshold
    engine = create_engine(URL.create("sqlite+pysqlite", database=str(path)))
    try:
        started = time.monotonic()
        checkpoint.checkpoint_in_background(engine)
        assert checkpoint._running.get(engine)  # a thread was started, and meets the lock
        checkpoint.wait_for_checkpoints(engine)
        assert time.monotonic() - started < 5
    finally:
        holder.close()
        engine.dispose()


def test_no_thread_to_be_had_after_the_commit_does_not_fail_the_import(
    nd: NetDesk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import is committed when the checkpoint's thread is asked for: "can't start new thread" (a process at its
    thread limit) must not turn it into a failed import whose change-set the window never gets."""
    monkeypatch.setattr(checkpoint, "AUTOCHECKPOINT_PAGES", 2)

    def no_thread(self: threading.Thread) -> None:
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", no_thread)
    written = nd.imports.import_paths([connections_export(tmp_path / "export", 50)])
    assert written.value.created.count == 50 and written.changes.contacts
    checkpoint.wait_for_checkpoints(nd.engine)  # nothing to wait for (no unstarted thread to join)
