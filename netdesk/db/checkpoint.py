"""The checkpoint after a large write, moved off the writer's path.

SQLite copies the WAL into the database file (a checkpoint) inside the COMMIT that takes the WAL past 1,000 pages.
After a bulk import that is the whole import written a second time: for a LinkedIn export of 30,000 connections and
50,000 messages, a 73 MB WAL and 0.5-0.7 s of the commit. A bulk writer calls :func:`defer_checkpoint` in its
transaction; the commit then only appends to the WAL, and once the connection is back in the pool a thread with its
own connection runs the same PASSIVE checkpoint (which blocks neither readers nor writers) on another core. The
data is as durable at commit as before: with synchronous=NORMAL, SQLite syncs the WAL at checkpoints, not commits.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from netdesk.db.health import LOCK_TIMEOUT_S

# SQLite's default, restored on the connection once its deferred commit is done.
AUTOCHECKPOINT_PAGES = 1000
_DEFERRED = "netdesk.checkpoint_deferred"
_running: list[threading.Thread] = []


def defer_checkpoint(session: Session) -> None:
    """Let the commit of ``session``'s transaction skip the automatic checkpoint; a thread runs it afterwards."""
    connection = session.connection()
    connection.exec_driver_sql("PRAGMA wal_autocheckpoint = 0")
    connection.info[_DEFERRED] = True


def run_deferred_checkpoints(engine: Engine, path: Path) -> None:
    """Checkpoint ``path`` in the background after each commit that deferred it (on the engine's connections)."""

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_connection: Any, record: Any) -> None:
        if not record.info.pop(_DEFERRED, False):
            return
        if dbapi_connection is not None:
            dbapi_connection.execute(f"PRAGMA wal_autocheckpoint = {AUTOCHECKPOINT_PAGES}")
        # Not a daemon: a process that ends right after its import (the CLI, the write child) finishes the copy
        # first instead of leaving a WAL as large as the import for the next start to copy.
        thread = threading.Thread(target=_checkpoint, args=(path,), name="netdesk-checkpoint")
        _running[:] = [t for t in _running if t.is_alive()]
        _running.append(thread)
        thread.start()


def wait_for_checkpoints(timeout: float | None = None) -> None:
    """Wait for the background checkpoints started so far (before a backup copies the file, say)."""
    for thread in list(_running):
        thread.join(timeout)


def _checkpoint(path: Path) -> None:
    try:
        connection = sqlite3.connect(path, timeout=LOCK_TIMEOUT_S, isolation_level=None, check_same_thread=False)
    except sqlite3.Error:
        return  # the next commit's automatic checkpoint does the copy
    try:
        connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
    except sqlite3.Error:
        pass  # busy or gone: likewise left to the next automatic checkpoint
    finally:
        connection.close()
