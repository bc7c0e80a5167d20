"""The contact list's rows read with plain sqlite3: the one query the list needs, without SQLAlchemy.

The services read them through their session's connection (netdesk/db/repository.py); start-up reads them straight
from the file, once it passed the open's checks, so that the list fills while SQLAlchemy and the services are still
being imported (netdesk/ui/application.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from netdesk.core.model import ContactKind, ContactRow
from netdesk.db.health import awaited_check, begin_check
from netdesk.db.schema_head import declared_head

_KINDS = {kind.value: kind for kind in ContactKind}
_LIST_COLUMNS = "id, kind, display_name, organization, title, tags_text, sort_key, last_contacted, starred"
# SQLite's bound-parameter limit: a longer list of ids filters a full read instead.
_MOST_IDS = 30_000


def read_list_rows(connection: sqlite3.Connection, ids: Sequence[int] | None = None) -> list[ContactRow]:
    """The lean projection for the contact list (every live contact, or those of ``ids``), by name, in one query.

    Plain SQL on the DBAPI connection: at 100,000 rows SQLAlchemy's per-row result processing (the DateTime column
    above all) took more than half of the list's load time.
    """
    sql = f"SELECT {_LIST_COLUMNS} FROM contacts WHERE deleted_at IS NULL"
    params: tuple[int, ...] = ()
    if ids is not None:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return []
        if len(wanted) > _MOST_IDS:
            keep = set(wanted)
            return [r for r in read_list_rows(connection) if r.id in keep]
        sql += f" AND id IN ({','.join('?' * len(wanted))})"
        params = tuple(wanted)
    cursor = connection.cursor()
    kinds = _KINDS
    parse = datetime.fromisoformat
    # Organisations, titles and tag lists repeat across thousands of contacts: each distinct text is kept once
    # (a row's own copy would cost some 70 bytes a field). The rows are built as the cursor steps, so that the
    # fetched tuples of every row are never all held at once beside the list's rows (the app's peak memory).
    shared: dict[str, str] = {}
    share = shared.setdefault
    try:
        cursor.execute(sql + " ORDER BY sort_key, id", params)
        rows = [
            ContactRow(
                cid,
                kinds[kind],
                name,
                share(org, org),
                share(title, title),
                share(tags, tags),
                key,
                None if last is None else parse(last),
                bool(star),
            )
            for cid, kind, name, org, title, tags, key, last, star in cast(Iterable[tuple[Any, ...]], cursor)
        ]
        if ids is None:
            # The scan filled this connection's page cache with pages nobody reads again soon: give them back.
            cursor.execute("PRAGMA shrink_memory")
    finally:
        cursor.close()
    return rows


def rows_of_current_file(path: Path, timeout: float) -> list[ContactRow] | None:
    """The list's rows of the database ``path``, read-only, when it passed the checks the open makes before anything
    is shown (whole, a NetDesk database at the newest schema revision); None for any other file (new, damaged,
    locked, older or newer), which the open itself refuses with its one-line reason or upgrades."""
    from netdesk.core.errors import DatabaseError

    head = declared_head()
    begin_check(path, timeout)  # quick_check runs inside SQLite, on the other core, while the rows are read here
    rows: list[ContactRow] | None = None
    try:
        connection = sqlite3.connect(path.absolute().as_uri() + "?mode=ro", uri=True, timeout=timeout)
        try:
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchall()
            if revision == [(head,)]:
                rows = read_list_rows(connection)
        finally:
            connection.close()
    except sqlite3.Error:  # not a database, damaged, locked, or another schema: the check or the open says which
        rows = None
    try:
        state = awaited_check(path, timeout)  # nothing read is shown unless the file passed
    except DatabaseError:
        return None
    if rows is None or not state.has_contacts or state.revision != head:
        return None
    return rows
