"""Per-row triggers set aside while a bulk write runs, and what they would have said, said once at the end.

The change-tracking triggers (migrations 0002, 0007, 0009) run a few statements for every row written to contacts,
interactions and their participants: bump due_generation and favour_generation, log the contact in due_changes (and
prune it). An import of tens of thousands of rows pays that per row for a log that keeps only its last rows anyway,
and that the Due list reads as "read everything again" past 500 contacts. Inside the bulk write's own transaction
the triggers are dropped and then created again from their stored SQL (all of it rolls back together), and the
write ends with what they would have amounted to: both generations moved, and one "every_contact" entry in the log.

The secondary indexes of those tables are the other per-row cost: each row inserted (or updated) lands at a random
place in every index, where building an index once, from a sort, afterwards costs less. When the rows written are as
many as the rows already there, an import sets them aside the same way (unique indexes stay: they are constraints).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

# The tables an import writes row by row at its size.
BULK_TABLES = ("contacts", "contact_points", "contact_history", "interactions", "interaction_participants")


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _set_aside(session: Session, kind: str, tables: Collection[str], keep_unique: bool) -> list[tuple[str, str]]:
    """Drop the stored ``kind`` objects (trigger, index) of ``tables``; returns their names and SQL to create them
    again."""
    connection = session.connection()
    marks = ", ".join("?" * len(tables))
    # Autoindexes (of UNIQUE and PRIMARY KEY constraints) have no SQL and cannot be dropped.
    rows = connection.exec_driver_sql(
        f"SELECT name, sql FROM main.sqlite_master WHERE type = ? AND tbl_name IN ({marks}) AND sql IS NOT NULL"
        " ORDER BY rowid",
        (kind, *tables),
    ).all()
    kept = [(name, sql) for name, sql in rows if not (keep_unique and sql.upper().startswith("CREATE UNIQUE"))]
    for name, _sql in kept:
        connection.exec_driver_sql(f"DROP {kind.upper()} main.{_quoted(name)}")
    return kept


def _restore(session: Session, objects: list[tuple[str, str]]) -> None:
    """Create ``objects`` (name, SQL) again, those that are missing: after an error SQLite may have rolled the
    transaction back already (a full disk does), which brought them back, and creating one twice would fail and hide
    that error."""
    if not objects:
        return
    connection = session.connection()
    marks = ", ".join("?" * len(objects))
    present = {
        name
        for (name,) in connection.exec_driver_sql(
            f"SELECT name FROM main.sqlite_master WHERE name IN ({marks})", tuple(name for name, _sql in objects)
        )
    }
    for name, sql in objects:
        if name not in present:
            connection.exec_driver_sql(sql)


@contextmanager
def indexes_set_aside(session: Session, tables: Collection[str] = BULK_TABLES) -> Iterator[None]:
    """Run the block without the secondary (non-unique) indexes of ``tables``, built again from the rows at the end."""
    statements = _set_aside(session, "index", tables, keep_unique=True)
    try:
        yield
    finally:
        _restore(session, statements)


def indexes_worth_setting_aside(session: Session, rows: int) -> bool:
    """Whether a bulk write of ``rows`` rows is at least as large as what contacts and interactions hold already
    (the highest ids: an index lookup each), so that building the indexes again costs no more than keeping them."""
    held = (
        session.connection()
        .exec_driver_sql(
            "SELECT COALESCE((SELECT MAX(id) FROM contacts), 0) + COALESCE((SELECT MAX(id) FROM interactions), 0)"
        )
        .scalar_one()
    )
    return rows >= int(held)


@contextmanager
def triggers_set_aside(session: Session, tables: Collection[str] = BULK_TABLES) -> Iterator[None]:
    """Run the block without the stored triggers of ``tables`` (inside the caller's write transaction)."""
    triggers = _set_aside(session, "trigger", tables, keep_unique=False)
    try:
        yield
    finally:
        # Also after an error: a caller that goes on in the same transaction finds the schema whole.
        _restore(session, triggers)
    if triggers:
        connection = session.connection()
        connection.exec_driver_sql("UPDATE due_generation SET value = random()")
        connection.exec_driver_sql("UPDATE favour_generation SET value = random()")
        connection.exec_driver_sql(
            "INSERT INTO due_changes (what, contact_id, token) VALUES ('every_contact', NULL, random())"
        )


# FTS5 keeps the terms of the rows written in a hash table in memory and writes them out as a new index segment
# whenever it holds more than "hashsize" bytes (1 MB unless set), merging segments as they pile up. A bulk import of
# tens of thousands of documents writes and merges fewer, larger segments with a larger buffer (measured: about a third
# less time for 82,000 message bodies at 8 MB).
FTS_TABLES = ("contacts_fts", "interactions_fts")
FTS_DEFAULT_HASHSIZE = 1024 * 1024
BULK_FTS_HASHSIZE = 8 * 1024 * 1024


def _set_hashsize(session: Session, table: str, size: int) -> None:
    session.connection().exec_driver_sql(f"INSERT INTO {table}({table}, rank) VALUES ('hashsize', ?)", (size,))


@contextmanager
def search_index_buffered(session: Session, tables: Collection[str] = FTS_TABLES) -> Iterator[None]:
    """Run the block with a larger FTS5 write buffer for ``tables``, as they were set afterwards."""
    connection = session.connection()
    before = {
        table: connection.exec_driver_sql(f"SELECT v FROM {table}_config WHERE k = 'hashsize'").scalar()
        for table in tables
    }
    for table in tables:
        _set_hashsize(session, table, BULK_FTS_HASHSIZE)
    try:
        yield
    finally:
        for table, size in before.items():
            _set_hashsize(session, table, FTS_DEFAULT_HASHSIZE if size is None else int(size))
            if size is None:  # the default again, as the table had it: no setting stored
                connection.exec_driver_sql(f"DELETE FROM {table}_config WHERE k = 'hashsize'")


# The connection's page cache (8 MB, db/engine.py) is much smaller than what an import of tens of thousands of rows
# writes: SQLite then spills dirty pages to the WAL mid-transaction and reads them back as the tables and their
# indexes grow. Measured on a 30,000-connection + 50,000-message import (a 73 MB database): 129,000 reads from the
# files with 8 MB, 87,000 with 32 MB, 36,000 with 64 MB (the writes stay at 72,000); the cache's pages are taken as
# needed, and those over the old size are freed once the commit leaves them clean.
BULK_CACHE_KIB = 64 * 1024


@contextmanager
def page_cache_enlarged(session: Session, kib: int = BULK_CACHE_KIB) -> Iterator[None]:
    """Run the block with a page cache of ``kib`` KiB, and the connection's own size again afterwards."""
    connection = session.connection()
    before = int(connection.exec_driver_sql("PRAGMA cache_size").scalar_one())
    connection.exec_driver_sql(f"PRAGMA cache_size = {-int(kib)}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {before}")
