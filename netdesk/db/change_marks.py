"""What another connection's commits look like from a connection of our own: SQLite's ``data_version`` and a few
high-water marks over the contacts and interactions, read on one plain, long-lived, read-only connection.

``PRAGMA data_version`` changes only when ANOTHER connection commits, and reading it takes no lock (WAL), so it is
cheap enough to poll every second; the marks are read only once it moved.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

# Never wait on another process's lock for long: a poll that finds the file busy simply tries again next time.
WATCH_BUSY_TIMEOUT_S = 0.05


@dataclass(frozen=True, slots=True)
class ChangeMarks:
    """High-water marks: what was in the database when they were read."""

    max_contact_id: int
    max_contact_updated: str
    live_contacts: int
    max_interaction_id: int
    interactions: int
    # The contacts in the trash (None: more than the limit given to ``read_marks``). A trash or a restore leaves
    # ``updated_at`` alone (db/versioning.py): comparing these names who went into the trash or came out of it.
    trashed: frozenset[int] | None = None


@dataclass(frozen=True, slots=True)
class MarksDelta:
    """What moved past a set of marks: contacts created or edited, interactions logged, and whether the counts
    say that something else happened too (a trash, a restore, a deletion), which the marks cannot name."""

    contacts: frozenset[int]
    interactions: frozenset[int]
    unexplained: bool


def open_watch_connection(path: Path) -> sqlite3.Connection:
    """A read-only connection of its own (any thread may use it; the caller serialises)."""
    # mode=rw: a file moved away meanwhile is an error here, never a new empty database. Not mode=ro: that cannot
    # open a WAL database whose -shm file is missing.
    uri = f"{path.resolve().as_uri()}?mode=rw"
    conn = sqlite3.connect(uri, uri=True, timeout=WATCH_BUSY_TIMEOUT_S, check_same_thread=False, isolation_level=None)
    conn.execute("PRAGMA query_only=ON")
    return conn


def data_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


def read_marks(conn: sqlite3.Connection, limit: int) -> ChangeMarks:
    """The marks now; the trash named up to ``limit`` contacts (read off its partial index: cheap)."""
    contact_id, updated = conn.execute(
        "SELECT coalesce(max(id), 0), coalesce(max(updated_at), '') FROM contacts"
    ).fetchone()
    (live,) = conn.execute("SELECT count(*) FROM contacts WHERE deleted_at IS NULL").fetchone()
    interaction_id, interactions = conn.execute("SELECT coalesce(max(id), 0), count(*) FROM interactions").fetchone()
    trashed = [
        int(cid)
        for (cid,) in conn.execute("SELECT id FROM contacts WHERE deleted_at IS NOT NULL LIMIT ?", (limit + 1,))
    ]
    in_trash = frozenset(trashed) if len(trashed) <= limit else None
    return ChangeMarks(int(contact_id), str(updated), int(live), int(interaction_id), int(interactions), in_trash)


def delta_since(conn: sqlite3.Connection, old: ChangeMarks, new: ChangeMarks, limit: int) -> MarksDelta | None:
    """What moved from ``old`` to ``new`` (None: more than ``limit`` rows, too many to name). Read in the same read
    transaction as ``new``, so that the rows and the marks agree even while another process commits."""
    contacts = {
        int(cid)
        for (cid,) in conn.execute(
            "SELECT id FROM contacts WHERE id > ? OR updated_at > ? LIMIT ?",
            (old.max_contact_id, old.max_contact_updated, limit + 1),
        )
    }
    new_live = conn.execute(
        "SELECT count(*) FROM contacts WHERE id > ? AND deleted_at IS NULL", (old.max_contact_id,)
    ).fetchone()[0]
    interactions = {
        int(iid)
        for (iid,) in conn.execute(
            "SELECT id FROM interactions WHERE id > ? LIMIT ?", (old.max_interaction_id, limit + 1)
        )
    }
    if len(contacts) > limit or len(interactions) > limit:
        return None
    if interactions:  # the people in the new logs (every id past the old mark is new)
        contacts.update(
            int(cid)
            for (cid,) in conn.execute(
                "SELECT DISTINCT contact_id FROM interaction_participants WHERE interaction_id > ?",
                (old.max_interaction_id,),
            )
        )
    live_change = new_live
    if old.trashed is not None and new.trashed is not None and old.trashed != new.trashed:
        trashed, left_trash = new.trashed - old.trashed, old.trashed - new.trashed  # left: restored, or deleted
        contacts |= trashed | left_trash
        live_change -= sum(1 for cid in trashed if cid <= old.max_contact_id)  # the new ones were never counted live
        live_change += _live_among(conn, left_trash)
    unexplained = new.live_contacts - old.live_contacts != live_change or new.interactions - old.interactions != len(
        interactions
    )
    if len(contacts) > limit:
        return None
    return MarksDelta(frozenset(contacts), frozenset(interactions), unexplained)


def _live_among(conn: sqlite3.Connection, ids: frozenset[int]) -> int:
    """How many of ``ids`` are live contacts (restored from the trash, not deleted for good)."""
    if not ids:
        return 0
    # One JSON array, not one bound value per id: up to MAX_NAMED_ROWS ids, past SQLite's older 999-variable limit.
    query = "SELECT count(*) FROM contacts WHERE deleted_at IS NULL AND id IN (SELECT value FROM json_each(?))"
    return int(conn.execute(query, (json.dumps(sorted(ids)),)).fetchone()[0])
