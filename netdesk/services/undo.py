"""Undo and redo for every service write, at the database level.

SQLite's documented undo/redo technique (https://www.sqlite.org/undoredo.html): temporary triggers on every table
of the schema write the SQL that reverses each row change into a temporary log while a write is being recorded.
Undo replays that SQL, newest first, in one transaction, and what the replay itself logs is the redo. The triggers
are generated from the SQLAlchemy metadata, so a table added to ``netdesk.db.tables`` is covered with no work from
whoever adds it; a table marked ``info={"undo": False}`` (a derived counter) is left out.

Triggers and log live in each connection's temp schema (installed when a pooled connection first begins a
transaction) and record only on a thread inside ``recording()``: the CLI and the benchmarks pay one cheap check per
row. The full-text indexes are virtual tables that triggers cannot watch; the log remembers which contacts and
interactions each change touched, and undo rebuilds their index entries.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, Table, event, select, text
from sqlalchemy.orm import Session, sessionmaker

from netdesk.core.changes import ChangeSet
from netdesk.core.errors import NetDeskError
from netdesk.db import repository as repo
from netdesk.db.tables import Base, Interaction
from netdesk.services.timeline import index_interactions

_LOG = "temp.netdesk_undo_log"
_STATE = "temp.netdesk_undo_state"
_INSTALLED = "netdesk_undo_installed"
_ACTIVE = "netdesk_undo_active"


class UndoConflictError(NetDeskError):
    """An undo or redo that no longer fits the database; nothing was changed."""


class IdSpans:
    """A set of ids held as sorted runs of consecutive ids: what an import inserted costs a few pairs, not a set of
    tens of thousands of ints, for as long as its undo entry is kept."""

    __slots__ = ("_count", "_firsts", "_lasts")

    def __init__(self, ids: Iterable[int] = ()) -> None:
        firsts: list[int] = []
        lasts: list[int] = []
        for i in sorted(set(ids)):
            if lasts and i == lasts[-1] + 1:
                lasts[-1] = i
            else:
                firsts.append(i)
                lasts.append(i)
        self._firsts = array("q", firsts)
        self._lasts = array("q", lasts)
        self._count = sum(b - a + 1 for a, b in zip(firsts, lasts, strict=True))

    @property
    def spans(self) -> int:
        return len(self._firsts)

    def __iter__(self) -> Iterator[int]:
        for first, last in zip(self._firsts, self._lasts, strict=True):
            yield from range(first, last + 1)

    def __len__(self) -> int:
        return self._count

    def __contains__(self, item: object) -> bool:
        if not isinstance(item, int):
            return False
        at = bisect_right(self._firsts, item) - 1
        return at >= 0 and item <= self._lasts[at]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, IdSpans):
            return (self._firsts, self._lasts) == (other._firsts, other._lasts)
        if isinstance(other, (set, frozenset)):
            return len(other) == self._count and all(i in self for i in other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"IdSpans({self._count} ids in {self.spans} runs)"


@dataclass(frozen=True, slots=True)
class UndoStep:
    """One undoable write: the SQL that reverses it (in the order it was logged) and what it changed."""

    statements: tuple[str, ...]
    changes: ChangeSet
    contact_ids: IdSpans = field(default_factory=IdSpans)
    interaction_ids: IdSpans = field(default_factory=IdSpans)

    @property
    def label(self) -> str:
        return self.changes.label

    @property
    def empty(self) -> bool:
        return not self.statements


@dataclass
class Recording:
    """What the writes inside one ``recording()`` logged."""

    statements: list[str] = field(default_factory=list)
    contact_ids: set[int] = field(default_factory=set)
    interaction_ids: set[int] = field(default_factory=set)

    def step(self, changes: ChangeSet) -> UndoStep:
        # A change-set that says "many contacts changed" (a huge import) is not given them all to list.
        touched = frozenset() if changes.many_contacts else frozenset(self.contact_ids)
        # Contacts written that the change-set did not name may have changed in any way.
        fields = changes.contact_fields or not touched <= changes.contacts
        recorded = ChangeSet(contacts=touched, interactions=frozenset(self.interaction_ids), contact_fields=fields)
        return UndoStep(
            tuple(self.statements),
            changes | recorded,
            IdSpans(self.contact_ids),
            IdSpans(self.interaction_ids),
        )


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_literal(sql: str) -> str:
    return "'" + sql.replace("'", "''") + "'"


def _trigger_sql(table: Table) -> list[str]:
    """The three temporary triggers that log the inverse of every insert, update and delete on ``table``."""
    cols = [c.name for c in table.columns if c.computed is None]
    pk = list(table.primary_key.columns)
    # A single INTEGER PRIMARY KEY is the rowid; other tables get their rowid restored explicitly.
    key = pk[0].name if len(pk) == 1 and pk[0].type.python_type is int else "rowid"
    insert_cols = cols if key != "rowid" else ["rowid", *cols]
    t = _q(table.name)

    def ids(ref: str) -> str:
        names = set(cols)
        if table.name == "contacts":
            contact = f"{ref}.id"
        elif "contact_id" in names:
            contact = f"{ref}.contact_id"
        else:
            contact = "NULL"
        if table.name == "interactions":
            interaction = f"{ref}.id"
        elif "interaction_id" in names:
            interaction = f"{ref}.interaction_id"
        else:
            interaction = "NULL"
        return f"{contact}, {interaction}"

    log = f"INSERT INTO {_LOG.split('.')[1]}(sql, contact_id, interaction_id, tbl, op, row_key) VALUES"
    row = _sql_literal(table.name)
    when = f"WHEN (SELECT active FROM {_STATE.split('.')[1]})"
    on_insert = _sql_literal(f"DELETE FROM {t} WHERE {_q(key)}=") + f" || NEW.{_q(key)}"
    sets = " || ',' || ".join(_sql_literal(f"{_q(c)}=") + f" || quote(OLD.{_q(c)})" for c in cols)
    on_update = (
        _sql_literal(f"UPDATE {t} SET ") + f" || {sets} || " + _sql_literal(f" WHERE {_q(key)}=") + f" || OLD.{_q(key)}"
    )
    values = " || ',' || ".join(f"quote(OLD.{_q(c)})" for c in insert_cols)
    on_delete = (
        _sql_literal(f"INSERT INTO {t}({','.join(_q(c) for c in insert_cols)}) VALUES(") + f" || {values} || ')'"
    )
    name = f"netdesk_undo_{table.name}"
    return [
        f"CREATE TEMP TRIGGER IF NOT EXISTS {_q(name + '_i')} AFTER INSERT ON main.{t} {when} "
        f"BEGIN {log} ({on_insert}, {ids('NEW')}, {row}, 'i', NEW.{_q(key)}); END",
        f"CREATE TEMP TRIGGER IF NOT EXISTS {_q(name + '_u')} AFTER UPDATE ON main.{t} {when} "
        f"BEGIN {log} ({on_update}, {ids('OLD')}, {row}, 'u', OLD.{_q(key)}); END",
        f"CREATE TEMP TRIGGER IF NOT EXISTS {_q(name + '_d')} BEFORE DELETE ON main.{t} {when} "
        f"BEGIN {log} ({on_delete}, {ids('OLD')}, {row}, 'd', OLD.{_q(key)}); END",
    ]


_DELETE_ONE = re.compile(r'^DELETE FROM ("(?:[^"]|"")+") WHERE ("(?:[^"]|"")+")=(-?\d+)$')
_DELETE_RANGE = re.compile(r'^DELETE FROM "(?:[^"]|"")+" WHERE "(?:[^"]|"")+" BETWEEN (-?\d+) AND (-?\d+)$')


def compact_statements(statements: Iterable[str]) -> Iterator[str]:
    """The log with each run of single-row deletes on consecutive keys of one table (the rows an import inserted, in
    order) as one range delete: the same rows, deleted by one statement instead of one each."""
    run: list[Any] | None = None  # [table, key column, first key, last key]
    for sql in statements:
        match = _DELETE_ONE.match(sql)
        if match is not None:
            table, key, number = match.group(1), match.group(2), int(match.group(3))
            if run is not None and run[0] == table and run[1] == key and number == run[3] + 1:
                run[3] = number
                continue
            if run is not None:
                yield _range_delete(run)
            run = [table, key, number, number]
            continue
        if run is not None:
            yield _range_delete(run)
            run = None
        yield sql
    if run is not None:
        yield _range_delete(run)


def _range_delete(run: list[Any]) -> str:
    table, key, first, last = run
    if first == last:
        return f"DELETE FROM {table} WHERE {key}={first}"
    return f"DELETE FROM {table} WHERE {key} BETWEEN {first} AND {last}"


def rows_expected(sql: str) -> int:
    """How many rows a logged statement must change when nothing else changed them since (else: a conflict)."""
    match = _DELETE_RANGE.match(sql)
    return int(match.group(2)) - int(match.group(1)) + 1 if match is not None else 1


# The log to keep, in order, less the inverse of each update of a row the same write inserted before: the undo
# deletes that row anyway (its insert's inverse runs later in the reversed replay, and it fails the undo if the row
# is gone). An import that inserts 30,000 contacts and then sets their last-contacted facts would otherwise keep a
# full copy of every row it created, about 900 bytes each.
_LOGGED = f"""
SELECT sql, contact_id, interaction_id FROM {_LOG} AS entry
WHERE entry.op != 'u' OR NOT EXISTS (
    SELECT 1 FROM {_LOG} AS inserted
    WHERE inserted.op = 'i' AND inserted.tbl = entry.tbl AND inserted.row_key = entry.row_key
      AND inserted.seq < entry.seq
)
ORDER BY seq
"""


class UndoJournal:
    """Records the inverse of service writes made inside ``recording()``, and undoes them."""

    def __init__(self, engine: Engine, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._engine = engine
        self._local = threading.local()
        self._tables = [t for t in Base.metadata.sorted_tables if t.info.get("undo", True)]
        event.listen(engine, "begin", self._on_begin)
        event.listen(engine, "commit", self._on_commit)

    # --- recording -----------------------------------------------------------------------------------------

    @contextmanager
    def recording(self) -> Iterator[Recording]:
        """Log the inverse of every write this thread commits until the block ends."""
        rec = Recording()
        outer = getattr(self._local, "recording", None)
        self._local.recording = rec
        try:
            yield rec
        finally:
            self._local.recording = outer
            if outer is not None:
                outer.statements += rec.statements
                outer.contact_ids |= rec.contact_ids
                outer.interaction_ids |= rec.interaction_ids

    def _raw(self, conn: Connection) -> sqlite3.Connection:
        raw = conn.connection.dbapi_connection
        assert isinstance(raw, sqlite3.Connection)
        return raw

    def _install(self, raw: sqlite3.Connection) -> None:
        existing = {r[0] for r in raw.execute("SELECT name FROM main.sqlite_master WHERE type='table'")}
        raw.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {_LOG.split('.')[1]}"
            "(seq INTEGER PRIMARY KEY, sql TEXT NOT NULL, contact_id INTEGER, interaction_id INTEGER,"
            " tbl TEXT NOT NULL, op TEXT NOT NULL, row_key INTEGER)"
        )
        # Finds the rows a recording inserted (see _LOGGED), which only insert entries need.
        raw.execute(
            f"CREATE INDEX IF NOT EXISTS temp.ix_netdesk_undo_log_inserted ON {_LOG.split('.')[1]}(tbl, row_key)"
            " WHERE op = 'i'"
        )
        raw.execute(f"CREATE TEMP TABLE IF NOT EXISTS {_STATE.split('.')[1]}(active INTEGER NOT NULL)")
        if raw.execute(f"SELECT count(*) FROM {_STATE}").fetchone()[0] == 0:
            raw.execute(f"INSERT INTO {_STATE}(active) VALUES (0)")
        for table in self._tables:
            if table.name in existing:
                for sql in _trigger_sql(table):
                    raw.execute(sql)
        if raw.in_transaction:
            raw.commit()

    def _on_begin(self, conn: Connection) -> None:
        info = conn.connection.info
        want = getattr(self._local, "recording", None) is not None
        if not info.get(_INSTALLED) and not want:
            # The triggers are made at a connection's first recorded write: a connection that only reads (start-up's
            # list, searches) never needs them, and making them costs about half a second at 100,000 contacts.
            return
        raw = self._raw(conn)
        if not info.get(_INSTALLED):
            if raw.execute("PRAGMA query_only").fetchone()[0]:
                return  # a database that failed a check: no write will happen, nothing to record
            self._install(raw)
            info[_INSTALLED] = True
            info[_ACTIVE] = False
        if info.get(_ACTIVE) != want and not raw.in_transaction:
            # Committed at once (a temp-only transaction, no disk I/O), so a later rollback cannot undo the switch.
            raw.execute(f"UPDATE {_STATE} SET active = ?", (1 if want else 0,))
            raw.commit()
            info[_ACTIVE] = want

    def _on_commit(self, conn: Connection) -> None:
        rec: Recording | None = getattr(self._local, "recording", None)
        if rec is None or not conn.connection.info.get(_ACTIVE):
            return
        raw = self._raw(conn)
        rows = raw.execute(_LOGGED)

        def statements() -> Iterator[str]:
            for sql, contact_id, interaction_id in rows:
                if contact_id is not None:
                    rec.contact_ids.add(contact_id)
                if interaction_id is not None:
                    rec.interaction_ids.add(interaction_id)
                yield sql

        # Read as a stream and compacted: an import of a million cards logs a million single-row deletes.
        found = list(compact_statements(statements()))
        if not found:
            return
        raw.execute(f"DELETE FROM {_LOG}")
        rec.statements += found

    # --- undoing -------------------------------------------------------------------------------------------

    def undo(self, step: UndoStep) -> UndoStep:
        """Reverse ``step`` in one transaction; returns the step that reverses the undo (the redo).

        Foreign keys are off while it replays: the log already holds every row a cascade touched, so a cascade
        would only delete rows twice (and FOREIGN KEY checks would trip over the reversed order). The state it
        restores was consistent when it was logged.
        """
        with self._engine.connect() as conn:
            raw = self._raw(conn)
            raw.execute("PRAGMA foreign_keys = OFF")  # only takes effect outside a transaction: before begin()
            try:
                with self.recording() as rec, Session(bind=conn) as s, s.begin():
                    s.connection()  # begins: the journal switches recording on for this connection
                    versions = self._versions(s, {"contacts": step.contact_ids, "interactions": step.interaction_ids})
                    for sql in reversed(step.statements):
                        if raw.execute(sql).rowcount < rows_expected(sql):
                            # The row is gone or moved on (deleted for good, changed by another program):
                            # replaying the rest would leave a mix, so the whole undo rolls back.
                            raise UndoConflictError(f"the data has changed since ({step.label or 'this change'})")
                    self._raise_versions(s, versions)
                    self._reindex(s, step.contact_ids, step.interaction_ids)
            finally:
                raw.execute("PRAGMA foreign_keys = ON")
        return rec.step(step.changes)

    @staticmethod
    def _versions(s: Session, ids_by_table: dict[str, IdSpans | frozenset[int]]) -> dict[str, dict[int, int]]:
        """The current version of each of these contacts and interactions (tables without versions are skipped)."""
        found: dict[str, dict[int, int]] = {}
        for table, ids in ids_by_table.items():
            if ids and "version" in Base.metadata.tables[table].c:
                rows = s.execute(
                    text(f"SELECT id, version FROM {table} WHERE id IN (SELECT value FROM json_each(:ids))"),
                    {"ids": json.dumps(sorted(ids))},
                )
                found[table] = {int(i): int(v) for i, v in rows}
        return found

    @staticmethod
    def _raise_versions(s: Session, before: dict[str, dict[int, int]]) -> None:
        """An undo is a change like any other: each record it touched ends above every version it had, so an editor
        opened before it merges with it instead of writing older values back (see migration 0004)."""
        now = UndoJournal._versions(s, {table: frozenset(versions) for table, versions in before.items()})
        for table, versions in before.items():
            params = [{"v": max(v, now[table].get(i, v)) + 1, "id": i} for i, v in versions.items()]
            if params:
                s.execute(text(f"UPDATE {table} SET version = :v WHERE id = :id"), params)

    @staticmethod
    def _reindex(s: Session, contact_ids: IdSpans, interaction_ids: IdSpans) -> None:
        if contact_ids:
            repo.refresh_fts(s, sorted(contact_ids))
        if interaction_ids:
            ids = sorted(interaction_ids)
            s.execute(
                text("DELETE FROM interactions_fts WHERE rowid IN (SELECT value FROM json_each(:ids))"),
                {"ids": json.dumps(ids)},
            )
            for start in range(0, len(ids), 900):
                chunk = ids[start : start + 900]
                index_interactions(s, list(s.scalars(select(Interaction).where(Interaction.id.in_(chunk)))))
