"""Notice what other processes write to the open database (the CLI's import, a second window, a sync run elsewhere),
so that the window can refresh through its one path: the change-set on the bus.

The window polls ``external_change_since()`` about once a second on a worker. It reads SQLite's ``data_version`` on
a connection of its own (cheap, takes no lock); only when that moved does it read high-water marks over the contacts
and interactions and name what is new since the last marks: contacts created or edited (``updated_at``), interactions
logged and the people in them, contacts put in the trash or taken out. What the marks cannot name (a contact deleted
for good outside the trash, too many rows) becomes "every contact may have changed", which the views handle by
reloading everything.

The app's own writes bump ``data_version`` for this connection as another process's do. Telling them apart by
content would need a change counter in the schema; instead every own write runs inside ``own_write()`` (ui/ops.py does
it on its writer thread): on entry an external change seen so far is set aside for the next poll, and on exit the
version and marks after the write are taken as seen, since the write's own change-set is on the bus already. The one
blind spot is another process committing while an own write runs; those rows show at their next refresh.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from netdesk.core.changes import ChangeSet
from netdesk.db.change_marks import ChangeMarks, data_version, delta_since, open_watch_connection, read_marks

# More contacts or interactions than this in one external change: reload every contact rather than row by row. As
# many as an import in the app names (services/import_stream.ChangedContacts.LIMIT): another program's import of
# 20,000 cards refreshes the list the way the app's own does, in steps, not by reloading and re-indexing every contact.
MAX_NAMED_ROWS = 20_000
EXTERNAL_LABEL = "changes made by another program"
# Every kind of record the views show (see ChangeSet.records): another program may have written any of them.
ALL_RECORDS = frozenset(
    {
        "account",
        "community",
        "contribution",
        "goal_target",
        "introduction",
        "introduction_template",
        "invitation",
        "offer",
        "owner",
        "settings",
    }
)


def everything_changed() -> ChangeSet:
    return ChangeSet(
        many_contacts=True, tags=True, networking=True, goals=True, records=ALL_RECORDS, label=EXTERNAL_LABEL
    )


class ExternalChangeWatcher:
    """Watches one database file; every method may be called from any thread (one at a time, under a lock)."""

    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._version: int | None = None
        self._marks: ChangeMarks | None = None
        self._marks_stale = False  # own writes moved the data past the marks: the next look reads them again
        self._own_writes = 0
        self._set_aside: ChangeSet | None = None  # seen when an own write began: reported by the next poll

    def _connection(self) -> sqlite3.Connection | None:
        if self._conn is None and self._path is not None:
            self._conn = open_watch_connection(self._path)
        return self._conn

    def _look(self, conn: sqlite3.Connection) -> ChangeSet | None:
        """Take the version and marks now as seen; return what another connection changed since the last ones."""
        conn.execute("BEGIN")  # one read snapshot: version, marks and rows agree
        try:
            version = data_version(conn)
            if version == self._version and not self._marks_stale:
                return None
            marks = read_marks(conn, MAX_NAMED_ROWS)
            old, stale, moved = self._marks, self._marks_stale, version != self._version
            delta = delta_since(conn, old, marks, MAX_NAMED_ROWS) if old is not None and moved and not stale else None
        finally:
            conn.execute("COMMIT")
        self._version, self._marks, self._marks_stale = version, marks, False
        if old is None or not moved:
            return None  # the first look (the window has just read everything), or marks caught up after own writes
        if stale or delta is None or delta.unexplained:
            return everything_changed()  # another program wrote after an own write, before the marks caught up
        return ChangeSet(
            contacts=delta.contacts,
            interactions=delta.interactions,
            tags=True,
            networking=True,
            goals=True,
            records=ALL_RECORDS,
            label=EXTERNAL_LABEL,
        )

    def external_change_since(self) -> ChangeSet | None:
        """What other processes committed since the last call (None: nothing, or an own write is running). The first
        call only takes the database's current state as seen. Raises sqlite3.Error when the file is busy: the
        caller tries again at its next poll."""
        with self._lock:
            if self._own_writes:
                return None
            conn = self._connection()
            if conn is None:
                return None  # in memory: no other process can write to it
            changes = self._look(conn)
            if self._set_aside is not None:
                changes = self._set_aside if changes is None else self._set_aside | changes
                self._set_aside = None
            return changes

    @contextmanager
    def own_write(self) -> Iterator[None]:
        """Run one of the app's own writes inside this: it is not reported as another program's."""
        self._enter_own_write()
        try:
            yield
        finally:
            self._leave_own_write()

    def _enter_own_write(self) -> None:
        with self._lock:
            conn = self._connection()
            if self._own_writes == 0 and conn is not None and self._marks is not None:
                try:  # the marks are read only when another program wrote since (not between own writes)
                    seen = self._look(conn) if data_version(conn) != self._version else None
                except sqlite3.Error:
                    seen = None  # busy: what another process wrote is then taken as seen with this write
                if seen is not None:
                    self._set_aside = seen if self._set_aside is None else self._set_aside | seen
            self._own_writes += 1

    def _leave_own_write(self) -> None:
        with self._lock:
            self._own_writes -= 1
            conn = self._connection()
            if self._own_writes == 0 and conn is not None and self._marks is not None:
                # Only the version here, on the write's own path; the marks (a few scans) are read by the next poll.
                try:
                    self._version, self._marks_stale = data_version(conn), True
                except sqlite3.Error:
                    self._marks = None  # the next poll starts afresh, taking what it finds as seen

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            self._version, self._marks, self._marks_stale = None, None, False  # opened again: a fresh start
