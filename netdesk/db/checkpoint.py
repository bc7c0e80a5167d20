"""A large write's WAL checkpoint, run on a thread of its own once the write is committed, not inside its commit.

In WAL mode a commit appends the transaction's pages to the ``-wal`` file; SQLite's automatic checkpoint then copies
them into the database file, in the committing call, as soon as the WAL holds more than 1000 pages. After an import
of tens of MB that copy is most of the commit (measured on 30,000 connections + 50,000 messages, a 74 MB WAL: commit
0.38-0.47 s with it, 0.10-0.15 s without, and the checkpoint alone 0.22-0.27 s). The data are complete, durable as
``synchronous=NORMAL`` makes them, and visible to every reader once the commit returns: the copy is housekeeping.
So a large write asks for no automatic checkpoint at its commit (``checkpoint_later``) and, once committed, a PASSIVE
checkpoint runs beside the app (``checkpoint_in_background``): readers and writers go on meanwhile, and the app's
close waits for it (``wait_for_checkpoints``), as the close of the last connection would have checkpointed anyway.
"""

from __future__ import annotations

import sqlite3
import threading
import weakref
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

AUTOCHECKPOINT_PAGES = 1000  # SQLite's default, which the app's connections keep
# How long the copy waits for a lock: it is housekeeping that the next commit's automatic checkpoint also does, and
# NetDesk.close() waits for it, so it gives up at once rather than after the app's 30 s busy timeout (LOCK_TIMEOUT_S).
BUSY_TIMEOUT_S = 0.5
_LATER = "netdesk_checkpoint_later"  # connection record flag: its automatic checkpoint is off until checked in

_listening: weakref.WeakSet[Engine] = weakref.WeakSet()
_running: weakref.WeakKeyDictionary[Engine, list[threading.Thread]] = weakref.WeakKeyDictionary()


def checkpoint_later(session: Session) -> None:
    """The commit of ``session``'s transaction does not checkpoint: call ``checkpoint_in_background`` after it. The
    connection gets its automatic checkpoint back when it returns to the pool."""
    connection = session.connection()
    engine = connection.engine
    if engine not in _listening:
        event.listen(engine, "checkin", _restore_autocheckpoint)
        _listening.add(engine)
    connection.exec_driver_sql("PRAGMA wal_autocheckpoint=0")
    connection.connection.info[_LATER] = True


def _restore_autocheckpoint(dbapi_connection: Any, record: Any) -> None:
    if record.info.pop(_LATER, False) and dbapi_connection is not None:
        dbapi_connection.execute(f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT_PAGES}")


def checkpoint_in_background(engine: Engine) -> None:
    """Copy the WAL into the database file on a thread of its own, if it holds more than the automatic checkpoint
    would have left there."""
    database = engine.url.database
    if not database or database == ":memory:":
        return
    try:
        size = Path(database + "-wal").stat().st_size
    except OSError:
        return
    if size <= AUTOCHECKPOINT_PAGES * 4096:  # the pages are 4 KiB (SQLite's default, which NetDesk keeps)
        return
    thread = threading.Thread(target=_checkpoint, args=(database,), name="netdesk-checkpoint", daemon=True)
    try:
        thread.start()
    except RuntimeError:  # "can't start new thread": the write is committed, the next commit's checkpoint copies it
        return
    _running.setdefault(engine, []).append(thread)


def _checkpoint(database: str) -> None:
    try:
        connection = sqlite3.connect(database, timeout=BUSY_TIMEOUT_S)
        try:
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            connection.close()
    except sqlite3.Error:  # busy or locked, read-only…: the next commit's automatic checkpoint does it instead
        pass


def wait_for_checkpoints(engine: Engine) -> None:
    """Wait for the checkpoints ``checkpoint_in_background`` started on ``engine``'s database."""
    for thread in _running.pop(engine, []):
        thread.join()
