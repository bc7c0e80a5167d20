"""The whole network as one JSON file: `netdesk export --format json` and `netdesk import` of that file.

The layout is documented in docs/network-json.md (format "netdesk-network", version NETWORK_VERSION): a header
naming every table and its columns in load order, then one row per line as ``[table, value, ...]``. Values are
the database's own (text dates and times as stored, 0/1 for booleans, base64 for binary columns), so an import
into an empty database and a second export give the same bytes.

Both directions stream: the export reads the database in batches and writes row by row; the import reads the file
with ijson (one row at a time) and writes in batches, checking every reference before anything is kept. The
import is one transaction: a newer format, an unknown table or column, or a reference to a missing row is a clear
message and leaves the database as it was.
"""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import ijson
from sqlalchemy import Computed, LargeBinary, Table
from sqlalchemy.orm import Session, sessionmaker

from netdesk.core.changes import ChangeSet, Written
from netdesk.core.errors import NetDeskError, UnsupportedFormatError
from netdesk.db import repository as repo
from netdesk.db.tables import Base
from netdesk.io.atomic import atomic_open

FORMAT = "netdesk-network"
NETWORK_VERSION = 1
# Kept by the database itself, never part of the network (the generations and the Due list's change log, the phone
# region each database sets from its own locale at first start); CardDAV accounts and their sync bookkeeping belong
# to this machine's database (a copy of them elsewhere would make the sync believe it had seen what it never has).
_INTERNAL_TABLES = frozenset(
    {"favour_generation", "due_generation", "due_changes", "app_settings", "sync_accounts", "sync_books", "sync_items"}
)
_BATCH = 2000

Progress = Callable[[int, str], None]  # rows so far, table


class NetworkFileError(NetDeskError):
    """A network file that cannot be imported (the database is left unchanged)."""


@dataclass(frozen=True, slots=True)
class _TableSpec:
    name: str
    columns: tuple[str, ...]
    binary: frozenset[str]
    key: tuple[str, ...]
    # column -> (referenced table, referenced column)
    references: dict[str, tuple[str, str]] = field(default_factory=dict)


def network_tables() -> list[_TableSpec]:
    """Every table of the network, parents before children, with its stored (non-computed) columns."""
    specs = []
    for table in Base.metadata.sorted_tables:
        if table.name in _INTERNAL_TABLES:
            continue
        specs.append(_spec(table))
    return specs


def _spec(table: Table) -> _TableSpec:
    columns = tuple(c.name for c in table.columns if not isinstance(c.computed, Computed))
    refs = {}
    for fk in table.foreign_keys:
        refs[fk.parent.name] = (fk.column.table.name, fk.column.name)
    return _TableSpec(
        table.name,
        columns,
        frozenset(c.name for c in table.columns if isinstance(c.type, LargeBinary)),
        tuple(c.name for c in table.primary_key.columns),
        refs,
    )


def _row_encoder() -> Callable[[Any], str]:
    """JSON for one row, compact and with non-ASCII text as is. The json module's C encoder, built once, is three
    times faster than json.dumps per row (which builds an encoder each call); it is checked against json.dumps and
    replaced by it on an interpreter without that encoder."""
    plain = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return plain
    try:
        fast = make(None, None, json.encoder.encode_basestring, None, ":", ",", False, False, True)
        sample = (1, 'ü"\n', None, 0, "")

        def encode(values: Any) -> str:
            return "".join(fast(values, 0))

        if encode(sample) != plain(sample):
            return plain
    except (TypeError, ValueError):
        return plain
    return encode


def is_network_file(path: Path) -> bool:
    """True when ``path`` starts like a network file (cheap: the first few hundred bytes)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(512)
    except OSError:
        return False
    return head.lstrip().startswith(b"{") and b'"' + FORMAT.encode() + b'"' in head


def _first_line(exc: Exception) -> str:
    """ijson's C parser points at the spot over three lines ("parse error: premature EOF", a snippet, "(right
    here) ------^"): the first says what is wrong, and a mistake is one line."""
    return next((line.strip() for line in str(exc).splitlines() if line.strip()), type(exc).__name__)


def _raw(s: Session) -> sqlite3.Connection:
    raw = s.connection().connection.dbapi_connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


@dataclass(frozen=True, slots=True)
class NetworkCounts:
    rows: dict[str, int]

    @property
    def contacts(self) -> int:
        return self.rows.get("contacts", 0)

    def summary(self) -> str:
        shown = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in self.rows.items() if n)
        return shown or "nothing"


class NetworkJsonService:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    # --- export ------------------------------------------------------------------------------------------------

    def export(self, target: Path, progress: Progress | None = None) -> NetworkCounts:
        """Write the whole network to ``target`` (atomically: a reader never sees half a file)."""
        try:
            return self._export(Path(target), progress)
        except OSError as exc:  # as the other exports say it: the target, and why
            raise NetDeskError(f"cannot write {target}: {exc.strerror or exc}") from exc

    def _export(self, target: Path, progress: Progress | None) -> NetworkCounts:
        specs = network_tables()
        counts: dict[str, int] = {}
        encode = _row_encoder()
        with self._sessions() as s, atomic_open(target, "w", encoding="utf-8", newline="\n") as out:
            raw = _raw(s)
            header = {
                "format": FORMAT,
                "version": NETWORK_VERSION,
                "tables": [{"name": t.name, "columns": list(t.columns)} for t in specs],
            }
            head = json.dumps(header, ensure_ascii=False, separators=(", ", ": "))
            out.write(head[:-1] + ', "rows": [')  # the header object stays open for the rows
            separator = "\n"
            for spec in specs:
                n = 0
                for lines in self._lines(raw, spec, encode):
                    # One row per line: ["table",value,...]; written a batch at a time.
                    out.write(separator + ",\n".join(lines))
                    separator = ",\n"
                    n += len(lines)
                    if progress is not None:
                        progress(n, spec.name)
                counts[spec.name] = n
            out.write("\n]}\n")
        return NetworkCounts(counts)

    @staticmethod
    def _lines(raw: sqlite3.Connection, spec: _TableSpec, encode: Callable[[Any], str]) -> Iterator[list[str]]:
        """The rows of a table as JSON arrays, in batches. SQLite writes them itself (json_array: the same compact
        JSON as Python's, without building a Python object per value); a table with binary columns goes through
        Python for the base64."""
        order = ", ".join(f'"{c}"' for c in spec.key)
        if not spec.binary:
            values = ", ".join(f'"{c}"' for c in spec.columns)
            cursor = raw.execute(f'SELECT json_array(?, {values}) FROM "{spec.name}" ORDER BY {order}', (spec.name,))
            while batch := cursor.fetchmany(_BATCH):
                yield [line for (line,) in batch]
            return
        cols = ", ".join(f'"{c}"' for c in spec.columns)
        cursor = raw.execute(f'SELECT {cols} FROM "{spec.name}" ORDER BY {order}')
        binary = [i for i, c in enumerate(spec.columns) if c in spec.binary]
        lead = "[" + json.dumps(spec.name) + ","
        while batch := cursor.fetchmany(_BATCH):
            lines = []
            for values in batch:
                row = list(values)
                for i in binary:
                    if row[i] is not None:
                        row[i] = base64.b64encode(row[i]).decode("ascii")
                lines.append(lead + encode(row)[1:])
            yield lines

    # --- import ------------------------------------------------------------------------------------------------

    def import_file(self, source: Path, progress: Progress | None = None) -> Written[NetworkCounts]:
        """Load a network file into this (empty) database, all or nothing."""
        specs = {t.name: t for t in network_tables()}
        with open(source, "rb") as handle:
            order = self._read_header(handle, specs, str(source))
        with self._sessions.begin() as s:
            raw = _raw(s)
            self._check_empty(raw, specs)
            with open(source, "rb") as handle:
                counts = self._load(raw, handle, specs, order, str(source), progress)
            self._rebuild_search(s)
        changes = ChangeSet(
            contacts=frozenset(),
            tags=True,
            networking=True,
            goals=True,
            records=frozenset({"owner", "introduction", "community", "contribution", "offer", "goal_target"}),
            label=f"import of {Path(source).name}",
        )
        return Written(counts, changes)

    @staticmethod
    def _read_header(handle: IO[bytes], specs: dict[str, _TableSpec], file: str) -> list[str]:
        fmt, version = None, None
        tables: list[tuple[str, list[str]]] = []
        try:
            for prefix, event, value in ijson.parse(handle):
                if prefix == "format":
                    fmt = value
                elif prefix == "version":
                    version = value
                elif prefix == "tables.item.name":
                    tables.append((str(value), []))
                elif prefix == "tables.item.columns.item" and tables:
                    tables[-1][1].append(str(value))
                elif prefix == "rows" and event == "start_array":
                    break
        except ijson.JSONError as exc:
            raise UnsupportedFormatError(f"{file}: not a readable NetDesk network file ({_first_line(exc)})") from None
        if fmt != FORMAT:
            raise UnsupportedFormatError(f'{file}: not a NetDesk network file (no "format": "{FORMAT}")')
        if not isinstance(version, int):
            raise NetworkFileError(f"{file}: the network file has no version")
        if version > NETWORK_VERSION:
            raise NetworkFileError(
                f"{file} was written by a newer NetDesk (network format version {version}; this NetDesk reads "
                f"version {NETWORK_VERSION} and older): please update NetDesk to import it"
            )
        for name, columns in tables:
            spec = specs.get(name)
            if spec is None:
                raise NetworkFileError(f"{file}: unknown table {name!r} in a version {version} network file")
            if tuple(columns) != spec.columns:
                raise NetworkFileError(
                    f"{file}: table {name} has the columns {', '.join(columns)}; "
                    f"this NetDesk expects {', '.join(spec.columns)}"
                )
        return [name for name, _ in tables]

    @staticmethod
    def _check_empty(raw: sqlite3.Connection, specs: dict[str, _TableSpec]) -> None:
        for name in specs:
            if raw.execute(f'SELECT 1 FROM "{name}" LIMIT 1').fetchone() is not None:
                what = name.replace("_", " ")
                raise NetworkFileError(
                    f"a network file is imported into an empty database; this one already holds {what}"
                    " (use --db with a new file)"
                )

    def _load(
        self,
        raw: sqlite3.Connection,
        handle: IO[bytes],
        specs: dict[str, _TableSpec],
        order: list[str],
        file: str,
        progress: Progress | None,
    ) -> NetworkCounts:
        # Referenced keys seen so far, per (table, column): checked before a row is kept.
        wanted_keys = {ref for spec in specs.values() for ref in spec.references.values()}
        seen: dict[tuple[str, str], set[Any]] = {ref: set() for ref in wanted_keys}
        # Per table, worked out once: which value positions refer to what, which are binary, which are referred to.
        plans = {
            name: (
                [(spec.columns.index(col), ref, seen[ref]) for col, ref in spec.references.items()],
                [i for i, col in enumerate(spec.columns) if col in spec.binary],
                [(i, seen[(name, col)]) for i, col in enumerate(spec.columns) if (name, col) in seen],
            )
            for name, spec in specs.items()
        }
        counts: dict[str, int] = dict.fromkeys(order, 0)
        pending: list[list[Any]] = []
        allowed = set(order)
        spec = None
        refs: list[tuple[int, tuple[str, str], set[Any]]] = []
        binary: list[int] = []
        keys: list[tuple[int, set[Any]]] = []
        width = 0
        n = 0
        try:
            for row in ijson.items(handle, "rows.item", use_float=True):
                n += 1
                if not isinstance(row, list) or not row or row[0] not in allowed:
                    raise NetworkFileError(f"{file}: row {n} names no table of the file's header")
                if spec is None or row[0] != spec.name:  # a table's rows all come before its children's
                    if spec is not None and pending:
                        self._flush(raw, spec, pending)
                    pending = []
                    spec = specs[row[0]]
                    refs, binary, keys = plans[spec.name]
                    width = len(spec.columns) + 1
                if len(row) != width:
                    raise NetworkFileError(
                        f"{file}: row {n} ({spec.name}) has {len(row) - 1} values for {width - 1} columns"
                    )
                values = row[1:]
                for i, ref, known in refs:
                    value = values[i]
                    if value is not None and value not in known:
                        raise NetworkFileError(
                            f"{file}: row {n} ({spec.name}) refers to {ref[0]} {ref[1]} {value}, which the file does "
                            "not hold (missing reference); nothing was imported"
                        )
                for i in binary:
                    if values[i] is not None:
                        values[i] = base64.b64decode(values[i])
                for i, known in keys:
                    known.add(values[i])
                pending.append(values)
                counts[spec.name] += 1
                if len(pending) >= _BATCH:
                    self._flush(raw, spec, pending)
                    pending = []
                if progress is not None and n % 50_000 == 0:
                    progress(n, spec.name)
            if spec is not None and pending:
                self._flush(raw, spec, pending)
        except ijson.JSONError as exc:
            raise NetworkFileError(
                f"{file}: unreadable after row {n} ({_first_line(exc)}); nothing was imported"
            ) from None
        except sqlite3.IntegrityError as exc:
            raise NetworkFileError(f"{file}: rows that contradict each other ({exc}); nothing was imported") from None
        return NetworkCounts(counts)

    @staticmethod
    def _flush(raw: sqlite3.Connection, spec: _TableSpec, rows: list[list[Any]]) -> None:
        cols = ", ".join(f'"{c}"' for c in spec.columns)
        marks = ", ".join("?" for _ in spec.columns)
        raw.executemany(f'INSERT INTO "{spec.name}" ({cols}) VALUES ({marks})', rows)

    @staticmethod
    def _rebuild_search(s: Session) -> None:
        raw = _raw(s)
        raw.execute(
            "INSERT INTO interactions_fts(rowid, body) SELECT id, summary || char(10) || notes FROM interactions"
        )
        ids = [cid for (cid,) in raw.execute("SELECT id FROM contacts WHERE deleted_at IS NULL ORDER BY id")]
        repo.refresh_fts(s, ids)


__all__ = ["FORMAT", "NETWORK_VERSION", "NetworkCounts", "NetworkFileError", "NetworkJsonService", "is_network_file"]
