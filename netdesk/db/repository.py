"""Queries and row <-> DTO mapping. Every function takes the caller's Session: services own transactions."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import Boolean, Date, DateTime, Table, delete, func, insert, select, text, update
from sqlalchemy.orm import Session, selectinload

from netdesk.core.errors import NotFoundError
from netdesk.core.model import (
    ContactDTO,
    ContactRow,
    TagCount,
    sorted_tags,
)
from netdesk.core.normalize import fold
from netdesk.db import (
    bulk,
    search,
    versioning,  # noqa: F401  (raises the version on every ORM update)
)
from netdesk.db.list_read import read_list_rows
from netdesk.db.practice_search import extra_documents
from netdesk.db.rows import address_values, contact_values, point_values
from netdesk.db.rows import normalized_point as normalized_point  # re-exported: callers use repo.normalized_point
from netdesk.db.tables import AddressRow, Base, Contact, ContactPhoto, ContactPointRow, ContactTag, Goal, Tag

POINT_KINDS = ("email", "phone", "url", "im")


def utcnow() -> datetime:
    """Naive UTC timestamps throughout the database (SQLite has no time zones)."""
    return datetime.now(UTC).replace(tzinfo=None)


def new_uid() -> str:
    return str(uuid.uuid4())


# --- mapping -------------------------------------------------------------------------------------------------


def load_dtos(session: Session, ids: Iterable[int], *, with_photo: bool = True) -> list[ContactDTO]:
    """Contacts as DTOs, in the order of ``ids`` (missing ids skipped): the batch reader of exports
    (``bulk.read_batch``, five driver queries over a JSON array of the ids) on the session's own connection."""
    id_list = list(ids)
    if not id_list:
        return []
    session.flush()  # the driver's cursor does not autoflush as a session query would
    return bulk.read_batch_in(session, id_list, with_photo=with_photo)


def load_contacts(session: Session, ids: Iterable[int]) -> list[Contact]:
    """Contacts with their points, addresses, tags and photo, in a constant number of queries."""
    id_list = list(ids)
    rows: list[Contact] = []
    # Chunked: SQLite limits the number of bound parameters.
    for start in range(0, len(id_list), 900):
        chunk = id_list[start : start + 900]
        rows += session.scalars(
            select(Contact)
            .where(Contact.id.in_(chunk))
            .options(
                selectinload(Contact.points),
                selectinload(Contact.addresses),
                selectinload(Contact.tags),
                selectinload(Contact.photo),
            )
        ).all()
    order = {cid: i for i, cid in enumerate(id_list)}
    rows.sort(key=lambda r: order[r.id])
    return rows


def _tag_rows(session: Session, names: Sequence[str], cache: dict[str, Tag] | None = None) -> list[Tag]:
    result = []
    for name in names:
        key = fold(name)
        tag = cache.get(key) if cache is not None else None
        if tag is None:
            tag = session.scalar(select(Tag).where(Tag.name_folded == key))
        if tag is None:
            tag = Tag(name=name, name_folded=key)
            session.add(tag)
        if cache is not None:
            cache[key] = tag
        result.append(tag)
    return result


def apply_dto(session: Session, row: Contact, dto: ContactDTO, tag_cache: dict[str, Tag] | None = None) -> None:
    """Copy every field of ``dto`` onto ``row`` (points, addresses, tags and photo replaced)."""
    now = utcnow()
    if not row.uid:
        row.uid = dto.uid or new_uid()
    for column, value in contact_values(dto).items():
        setattr(row, column, value)
    with session.no_autoflush:  # the row may not be in the session yet
        row.tags = _tag_rows(session, sorted_tags(dto.tags), tag_cache)
    row.points = [ContactPointRow(**v) for v in point_values(dto)]
    row.addresses = [AddressRow(**v) for v in address_values(dto)]
    if dto.photo:
        if row.photo is None:
            row.photo = ContactPhoto(data=dto.photo)
        else:
            row.photo.data = dto.photo
    else:
        row.photo = None
    if row.created_at is None:
        row.created_at = dto.created_at or now
    row.updated_at = now


def table_of(model: type[Base]) -> Table:
    """The Core table behind a mapped class, typed as such (``__table__`` is typed as a plain FromClause)."""
    return cast(Table, model.__table__)


def sqlite_datetime(value: datetime | None) -> str | None:
    """SQLAlchemy's SQLite DATETIME text (always with microseconds), without strftime's cost."""
    if value is None:
        return None
    text_value = (value if value.tzinfo is None else value.replace(tzinfo=None)).isoformat(" ")
    return text_value if len(text_value) > 19 else text_value + ".000000"


def _sqlite_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _sqlite_bool(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _converter(column_type: object) -> Callable[[Any], Any] | None:
    """How a Python value of a column is written as SQLAlchemy's SQLite types store it (None: as it is)."""
    if isinstance(column_type, DateTime):
        return sqlite_datetime
    if isinstance(column_type, Date):
        return _sqlite_date
    if isinstance(column_type, Boolean):
        return _sqlite_bool
    return None


def scalar_defaults(table: Table, given: Collection[str]) -> dict[str, Any]:
    """The stored values of the scalar column defaults of ``table`` for the columns not in ``given`` (what
    SQLAlchemy fills in on an insert that leaves them out)."""
    defaults = {}
    for column in table.columns:
        arg = getattr(column.default, "arg", None) if column.default is not None else None
        if column.name not in given and column.computed is None and arg is not None and not callable(arg):
            convert = _converter(column.type)
            defaults[column.name] = convert(arg) if convert else arg
    return defaults


def executemany_rows(
    session: Session, table: Table, rows: Sequence[dict[str, Any]], ids: Sequence[int] | None = None
) -> None:
    """INSERT ``rows`` with one DB-API executemany, columns' scalar defaults filling the keys a row lacks.

    ``ids`` gives the rows their primary keys (else SQLite assigns them). SQLAlchemy's per-row parameter processing
    costs more than SQLite's insert itself at import sizes, so values are converted here, once per column kind, the
    way SQLAlchemy would store them (so ORM reads agree).
    """
    if not rows:
        return
    columns = []
    for column in table.columns:
        if column.computed is not None:
            continue  # generated by SQLite, cannot be written
        if column.name == "id" and "id" not in rows[0]:
            continue  # given by ``ids`` or assigned by SQLite
        arg = getattr(column.default, "arg", None) if column.default is not None else None
        default = arg if (arg is not None and not callable(arg)) else None
        columns.append((column.name, default, _converter(column.type)))
    keys = rows[0].keys()
    if all(row.keys() == keys for row in rows):
        # Rows built by one comprehension share their keys: take the values with one C-level itemgetter per row,
        # convert only the date/bool columns, and append the defaults of the missing columns as one constant tail.
        given = [c for c in columns if c[0] in keys]
        missing = [c for c in columns if c[0] not in keys]
        names = [name for name, _, _ in given + missing]
        tail = tuple(convert(default) if convert else default for _, default, convert in missing)
        values = _row_tuples(rows, [name for name, _, _ in given], [c for _, _, c in given], tail)
    else:
        names = [name for name, _, _ in columns]
        values = [
            tuple(convert(row.get(name, dflt)) if convert else row.get(name, dflt) for name, dflt, convert in columns)
            for row in rows
        ]
    names = ["id"] * (ids is not None) + names
    sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    params = values if ids is None else [(i, *v) for i, v in zip(ids, values, strict=True)]
    session.connection().exec_driver_sql(sql, params)


def _row_tuples(
    rows: Sequence[dict[str, Any]],
    names: list[str],
    converters: list[Callable[[Any], Any] | None],
    tail: tuple[Any, ...],
) -> list[tuple[Any, ...]]:
    if not names:
        return [tail] * len(rows)
    if len(names) > 1:
        get: Callable[[dict[str, Any]], tuple[Any, ...]] = itemgetter(*names)
    else:  # itemgetter of one key returns the bare value, not a tuple
        key = names[0]

        def get(row: dict[str, Any]) -> tuple[Any, ...]:
            return (row[key],)

    convert_at = [(k, convert) for k, convert in enumerate(converters) if convert is not None]
    if not convert_at:
        return [get(row) + tail for row in rows]
    # Rows often share one object in a converted column (the import's timestamp): convert it once.
    last_in: list[Any] = [object()] * len(converters)
    last_out: list[Any] = [None] * len(converters)
    out = []
    for row in rows:
        values = list(get(row))
        for k, convert in convert_at:
            value = values[k]
            if value is not last_in[k]:
                last_in[k], last_out[k] = value, convert(value)
            values[k] = last_out[k]
        out.append((*values, *tail))
    return out


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` into ``table`` and return their new integer ids, in order, at executemany speed.

    The first row is inserted alone (RETURNING its id), which also takes SQLite's write lock for this
    transaction; no one else can insert until commit, so the others get the following ids explicitly. (RETURNING
    over executemany with ordered results falls back to one statement per row on SQLite.)
    """
    if not rows:
        return []
    first = session.execute(insert(table).returning(table.c.id), [rows[0]]).scalar_one()
    ids = list(range(first, first + len(rows)))
    executemany_rows(session, table, rows[1:], ids[1:])
    return ids


def insert_tuples(session: Session, table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> list[int]:
    """Insert ``rows``, tuples of stored values (text dates, integer booleans) for ``columns``, and return their new
    ids in order: ``insert_rows`` for a caller that builds the stored values itself, without a dict per row. When
    ``columns`` name ``id`` (ids the caller reserved under the write lock), each row is inserted with the id it
    carries."""
    if not rows:
        return []
    connection = session.connection()
    names, marks = ", ".join(columns), ", ".join("?" * len(columns))
    if "id" in columns:
        connection.exec_driver_sql(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
        at = list(columns).index("id")
        return [row[at] for row in rows]
    # The first row alone takes the write lock and gives the first id; the others follow it (see insert_rows).
    first = connection.exec_driver_sql(f"INSERT INTO {table} ({names}) VALUES ({marks}) RETURNING id", rows[0])
    first_id = int(first.scalar_one())
    if len(rows) > 1:
        connection.exec_driver_sql(
            f"INSERT INTO {table} (id, {names}) VALUES (?, {marks})",
            [(first_id + n, *row) for n, row in enumerate(rows[1:], start=1)],
        )
    return list(range(first_id, first_id + len(rows)))


def ensure_tags(session: Session, names: Iterable[str]) -> dict[str, int]:
    """Ids of the tags named ``names`` (folded name -> id), creating the missing ones."""
    wanted = {fold(n): n for n in names}
    if not wanted:
        return {}
    existing = dict(session.execute(select(Tag.name_folded, Tag.id).where(Tag.name_folded.in_(wanted))).all())
    missing = [{"name": wanted[k], "name_folded": k} for k in wanted if k not in existing]
    if missing:
        session.execute(insert(table_of(Tag)), missing)
        existing = dict(session.execute(select(Tag.name_folded, Tag.id).where(Tag.name_folded.in_(wanted))).all())
    return existing


# --- list and search ---------------------------------------------------------------------------------------


def list_rows(session: Session, ids: Sequence[int] | None = None) -> list[ContactRow]:
    """The lean projection for the contact list, in one query (netdesk/db/list_read.py)."""
    return read_list_rows(cast(sqlite3.Connection, session.connection().connection.dbapi_connection), ids)


ID_BATCH = 2000


def search_ids(session: Session, query: str = "", tag: str | None = None, starred: bool = False) -> list[int]:
    """Ids of live contacts matching ``query`` (FTS5, prefix, accent-insensitive), ``tag`` and, with ``starred``,
    starred (Google's star), by name."""
    match = search.match_expression(query)
    stmt = select(Contact.id).where(Contact.deleted_at.is_(None))
    if starred:
        stmt = stmt.where(Contact.starred.is_(True))
    if match:
        stmt = stmt.where(Contact.id.in_(text("SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH :m"))).params(
            m=match
        )
    if tag:
        stmt = stmt.where(
            Contact.id.in_(
                select(ContactTag.contact_id).join(Tag, Tag.id == ContactTag.tag_id).where(Tag.name_folded == fold(tag))
            )
        )
    stmt = stmt.order_by(Contact.sort_key, Contact.id)
    # In batches: read whole (100,000 ids after an import), SQLAlchemy turned the rows into ids in one call that held
    # the interpreter lock for 30-50 ms, and the window, repainting on the GUI thread meanwhile, waited for it.
    return list(session.scalars(stmt.execution_options(yield_per=ID_BATCH)))


def match_ids(
    session: Session, query: str = "", tag: str | None = None, starred: bool = False
) -> frozenset[int] | None:
    """The set of live contacts matching ``query``, ``tag`` and ``starred``, unordered; None when nothing filters.

    The fast path for the contact list, which already holds its rows sorted and only needs to know which to show:
    no join, no sort, just the index (trashed contacts are never in the full-text index).
    """
    result: frozenset[int] | None = None
    match = search.match_expression(query)
    if match:
        # On the DBAPI cursor: a broad prefix ("m") matches tens of thousands of rows, and SQLAlchemy's result
        # rows cost more than the index lookup.
        cursor = session.connection().connection.cursor()
        try:
            cursor.execute("SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ?", (match,))
            result = frozenset(rowid for (rowid,) in cursor.fetchall())
        finally:
            cursor.close()
    if tag:
        tagged = frozenset(
            session.scalars(
                select(ContactTag.contact_id)
                .join(Tag, Tag.id == ContactTag.tag_id)
                .join(Contact, Contact.id == ContactTag.contact_id)
                .where(Tag.name_folded == fold(tag), Contact.deleted_at.is_(None))
            )
        )
        result = tagged if result is None else result & tagged
    if starred:
        live_starred = select(Contact.id).where(Contact.starred.is_(True), Contact.deleted_at.is_(None))
        stars = frozenset(session.scalars(live_starred))
        result = stars if result is None else result & stars
    return result


def live_contact(session: Session, contact_id: int) -> Contact:
    """The contact row, or NotFoundError when there is none or it is in the trash."""
    row = session.get(Contact, contact_id)
    if row is None or row.deleted_at is not None:
        raise NotFoundError(f"no contact with id {contact_id}")
    return row


def live_goal(session: Session, goal_id: int) -> Goal:
    """The goal row, or NotFoundError when there is none or it is archived."""
    row = session.get(Goal, goal_id)
    if row is None or row.archived:
        raise NotFoundError(f"no goal with id {goal_id}")
    return row


def count_live(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Contact).where(Contact.deleted_at.is_(None))) or 0


def has_live(session: Session) -> bool:
    return session.scalar(select(Contact.id).where(Contact.deleted_at.is_(None)).limit(1)) is not None


def tag_counts(session: Session) -> list[TagCount]:
    stmt = (
        select(Tag.name, func.count(Contact.id), Tag.cadence_days)
        .select_from(Tag)
        .join(ContactTag, ContactTag.tag_id == Tag.id)
        .join(Contact, Contact.id == ContactTag.contact_id)
        .where(Contact.deleted_at.is_(None))
        .group_by(Tag.id)
        .order_by(func.lower(Tag.name))
    )
    return [TagCount(name, count, cadence) for name, count, cadence in session.execute(stmt)]


def delete_unused_tags(session: Session) -> None:
    session.execute(delete(Tag).where(~Tag.id.in_(select(ContactTag.tag_id))))


# --- full-text index ---------------------------------------------------------------------------------------


def refresh_fts(session: Session, ids: Sequence[int]) -> None:
    """Rebuild the index entries of ``ids`` from the tables (deleted contacts are dropped from it)."""
    for start in range(0, len(ids), 900):
        chunk = list(ids[start : start + 900])
        session.execute(
            text("DELETE FROM contacts_fts WHERE rowid IN (SELECT value FROM json_each(:ids))"),
            {"ids": json.dumps(chunk)},
        )
        live = set(session.scalars(select(Contact.id).where(Contact.id.in_(chunk), Contact.deleted_at.is_(None))))
        extra = extra_documents(session, chunk)  # communities, offers and needs (issue 15)
        docs = [
            {"id": c.id, "body": "\n".join(filter(None, (search.contact_document(c), extra.get(c.id or 0, ""))))}
            for c in load_dtos(session, chunk, with_photo=False)
            if c.id in live
        ]
        if docs:
            session.execute(text("INSERT INTO contacts_fts(rowid, body) VALUES (:id, :body)"), docs)


def remove_from_fts(session: Session, ids: Sequence[int]) -> None:
    session.execute(
        text("DELETE FROM contacts_fts WHERE rowid IN (SELECT value FROM json_each(:ids))"),
        {"ids": json.dumps(list(ids))},
    )


def set_deleted(session: Session, ids: Sequence[int], when: datetime | None) -> None:
    session.execute(update(Contact).where(Contact.id.in_(ids)).values(deleted_at=when))
