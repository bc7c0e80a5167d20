"""Whole-network reads: contacts as DTOs, a batch at a time, in five set-based queries per batch.

``list``, ``export`` and every pass over the whole database read tens of thousands of contacts. Per batch of ids,
one query each reads the contacts, their points, addresses, tag links and photos (``IN (SELECT value FROM
json_each(?))``: one bound parameter however large the batch), and the rows are assembled in Python. The queries
run on the session's own DB-API connection, so they see the session's transaction, but skip SQLAlchemy's per-row
result processing, which costs more than SQLite's reads at this size; the column conversions SQLAlchemy would do
(dates, booleans) are done here. ``repository.load_dtos`` reads any set of contacts through the same code
(``read_batch_in``), and the vCard fidelity tests hold what comes back equal to what was imported.

Memory stays flat: only one batch of rows and DTOs exists at a time (plus the list of ids, 8 bytes a contact).
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from functools import partial
from itertools import repeat
from operator import call
from typing import TYPE_CHECKING, Any, TypeVar, cast

from netdesk.core.model import ContactDTO, ContactKind, ContactPoint, Params, PostalAddress
from netdesk.db.codec import extras_from_json, params_from_json, partial_date, related_from_json

if TYPE_CHECKING:  # not imported at run time: worker processes (map_batch) stay free of SQLAlchemy
    from sqlalchemy.orm import Session

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_BATCH = 1000
BULK_CACHE_SIZE = -2000  # KiB (SQLite's convention for a negative cache_size)

# The contacts columns a DTO needs, in the order _dto reads them.
_CONTACT_COLUMNS = (
    "id, uid, kind, formatted_name, prefix, given_name, additional_name, family_name, suffix, nickname, "
    "organization, department, title, role, birthday, anniversary, gender, notes, photo_mime, photo_uri, "
    "related_json, extra_json, rev, connected_on, created_at, updated_at, version, starred"
)
_IN_BATCH = "IN (SELECT value FROM json_each(?))"
_KINDS = {k.value: k for k in ContactKind}


def raw_connection(session: Session) -> sqlite3.Connection:
    """The sqlite3 connection under ``session`` (inside its current transaction)."""
    return cast(sqlite3.Connection, session.connection().connection.driver_connection)


def iter_contact_batches(
    session: Session, ids: Sequence[int], *, batch_size: int = DEFAULT_BATCH, with_photo: bool = True
) -> Iterator[list[ContactDTO]]:
    """The contacts ``ids`` as DTOs, in the order of ``ids``, ``batch_size`` at a time (missing ids are skipped).

    Lazy: each batch is read when the consumer asks for it, so the first one is ready after five queries whatever
    the size of the network. The caller keeps ``session`` open (one read transaction: a consistent snapshot).
    """
    conn = raw_connection(session)
    tag_names = _tag_names(conn)
    with _small_page_cache(conn):
        for start in range(0, len(ids), batch_size):
            chunk = ids[start : start + batch_size]
            yield read_batch(conn, chunk, tag_names, with_photo)


def iter_all_batches(
    session: Session, *, batch_size: int = DEFAULT_BATCH, with_photo: bool = True
) -> Iterator[list[ContactDTO]]:
    """Every live contact, in list order (sort key, then id), ``batch_size`` at a time.

    Paged by key along the sort-key index: no list of ids, no sort, the same memory for any size of network.
    """
    conn = raw_connection(session)
    tag_names = _tag_names(conn)
    sql = (
        f"SELECT {_CONTACT_COLUMNS}, sort_key FROM contacts INDEXED BY ix_contacts_sort_key"
        " WHERE deleted_at IS NULL AND (sort_key, id) > (?, ?) ORDER BY sort_key, id LIMIT ?"
    )
    after: tuple[str, int] = ("", 0)
    with _small_page_cache(conn):
        while True:
            rows = conn.execute(sql, (*after, batch_size)).fetchall()
            if not rows:
                return
            after = (rows[-1][-1], rows[-1][0])
            yield _assemble(conn, rows, tag_names, with_photo)
            if len(rows) < batch_size:
                return


def _tag_names(conn: sqlite3.Connection) -> dict[int, str]:
    return dict(conn.execute("SELECT id, name FROM tags").fetchall())


@contextmanager
def _small_page_cache(conn: sqlite3.Connection) -> Iterator[None]:
    # A pass over everything visits each page about once: a large page cache would only fill up (the database's
    # 32 MB, memory that grows with the network up to that size) without saving a read.
    (cache_size,) = conn.execute("PRAGMA cache_size").fetchone()
    conn.execute(f"PRAGMA cache_size={BULK_CACHE_SIZE}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size={int(cache_size)}")


def count_live(session: Session) -> int:
    """How many live contacts there are, counted under the bulk pass's small page cache: the count walks an index
    of the whole network (13 MB at 100,000 contacts), which would otherwise fill the session's 8 MB cache."""
    conn = raw_connection(session)
    with _small_page_cache(conn):
        (count,) = conn.execute("SELECT count(*) FROM contacts WHERE deleted_at IS NULL").fetchone()
    return int(count)


def ids_with_photo(session: Session, ids: Sequence[int]) -> list[int]:
    """Which of ``ids`` have a photo (the photo table's primary key only: no image bytes are read)."""
    sql = f"SELECT contact_id FROM contact_photos WHERE contact_id {_IN_BATCH}"
    return [cid for (cid,) in raw_connection(session).execute(sql, (json.dumps(list(ids)),))]


def iter_all_id_batches(session: Session, *, batch_size: int = DEFAULT_BATCH) -> Iterator[list[int]]:
    """The ids of every live contact in list order, ``batch_size`` at a time (paged by key, like
    ``iter_all_batches``)."""
    conn = raw_connection(session)
    sql = (
        "SELECT id, sort_key FROM contacts INDEXED BY ix_contacts_sort_key"
        " WHERE deleted_at IS NULL AND (sort_key, id) > (?, ?) ORDER BY sort_key, id LIMIT ?"
    )
    after: tuple[str, int] = ("", 0)
    with _small_page_cache(conn):
        while True:
            rows = conn.execute(sql, (*after, batch_size)).fetchall()
            if not rows:
                return
            after = (rows[-1][1], rows[-1][0])
            yield [r[0] for r in rows]
            if len(rows) < batch_size:
                return


def last_contacted_days(session: Session, ids: Sequence[int]) -> dict[int, str | None]:
    """The day (YYYY-MM-DD) each of ``ids`` was last in touch, or None (read on the bulk pass's own connection,
    whose pages for these rows are still warm)."""
    sql = f"SELECT id, substr(last_contacted, 1, 10) FROM contacts WHERE id {_IN_BATCH}"
    return dict(raw_connection(session).execute(sql, (json.dumps(list(ids)),)).fetchall())


def iter_every_uid(session: Session) -> Iterator[str]:
    """The UID of every contact in the database, deleted ones too (from the UID index; nothing is held)."""
    for (uid,) in raw_connection(session).execute("SELECT uid FROM contacts"):
        yield uid


def uids_of(session: Session, ids: Sequence[int]) -> dict[int, str]:
    """The UIDs of ``ids`` (contact id -> UID; missing contacts left out)."""
    sql = f"SELECT id, uid FROM contacts WHERE id {_IN_BATCH}"
    return dict(raw_connection(session).execute(sql, (json.dumps(list(ids)),)).fetchall())


# --- in worker processes ---------------------------------------------------------------------------------

_worker_connections: dict[str, sqlite3.Connection] = {}


def map_batch(
    db_path: str, ids: Sequence[int], render: Callable[[list[ContactDTO], R], T], arg: R, with_photo: bool = True
) -> tuple[int, T]:
    """In a worker process: read the contacts ``ids`` (one read transaction) and return how many were found and
    ``render(contacts, arg)``.

    What lets an export use every core: each worker reads its own batches and renders them, and only the result
    (text, a count) travels back. ``render`` is a module-level function (or a partial of one) of io/.
    """
    conn = _worker_connections.get(db_path)
    if conn is None:
        conn = _worker_connections[db_path] = sqlite3.connect(db_path, timeout=30, isolation_level=None)
        conn.execute(f"PRAGMA cache_size={BULK_CACHE_SIZE}")
    conn.execute("BEGIN")
    try:
        contacts = read_batch(conn, ids, _tag_names(conn), with_photo)
    finally:
        conn.execute("COMMIT")
    return len(contacts), render(contacts, arg)


def read_batch_in(session: Session, ids: Sequence[int], *, with_photo: bool = True) -> list[ContactDTO]:
    """The contacts ``ids`` (in that order; missing ids skipped), read in one batch inside ``session``'s transaction."""
    conn = raw_connection(session)
    return read_batch(conn, ids, _tag_names(conn), with_photo)


def read_batch(
    conn: sqlite3.Connection, chunk: Sequence[int], tag_names: dict[int, str], with_photo: bool
) -> list[ContactDTO]:
    """The contacts ``chunk`` (in that order; missing ids skipped)."""
    rows = conn.execute(f"SELECT {_CONTACT_COLUMNS} FROM contacts WHERE id {_IN_BATCH}", (json.dumps(list(chunk)),))
    built = {c.id: c for c in _assemble(conn, rows.fetchall(), tag_names, with_photo)}
    return [built[i] for i in chunk if i in built]


def _assemble(
    conn: sqlite3.Connection, rows: list[Any], tag_names: dict[int, str], with_photo: bool
) -> list[ContactDTO]:
    """DTOs for ``rows`` of ``_CONTACT_COLUMNS``, with their points, addresses, tags and photos (four queries)."""
    param = (json.dumps([r[0] for r in rows]),)
    points: dict[int, dict[str, list[ContactPoint]]] = {}
    for cid, kind, value, label, pref, params in conn.execute(
        f"SELECT contact_id, kind, value, label, pref, params_json FROM contact_points WHERE contact_id {_IN_BATCH}"
        " ORDER BY contact_id, position",
        param,
    ):
        by_kind = points.get(cid)
        if by_kind is None:
            by_kind = points[cid] = {}
        by_kind.setdefault(kind, []).append(
            _point(value, label, bool(pref), params_from_json(params) if params else ())
        )
    addresses: dict[int, list[PostalAddress]] = {}
    for cid, *a in conn.execute(
        "SELECT contact_id, label, pref, po_box, extended, street, locality, region, postal_code, country,"
        f" params_json FROM addresses WHERE contact_id {_IN_BATCH} ORDER BY contact_id, position",
        param,
    ):
        addresses.setdefault(cid, []).append(
            PostalAddress(a[0], bool(a[1]), a[2], a[3], a[4], a[5], a[6], a[7], a[8], params_from_json(a[9]))
        )
    tags: dict[int, list[str]] = {}
    for cid, tag_id in conn.execute(f"SELECT contact_id, tag_id FROM contact_tags WHERE contact_id {_IN_BATCH}", param):
        tags.setdefault(cid, []).append(tag_names[tag_id])
    photos: dict[int, bytes] = {}
    if with_photo:
        photos = dict(conn.execute(f"SELECT contact_id, data FROM contact_photos WHERE contact_id {_IN_BATCH}", param))
    return [_dto(row, points.get(row[0]), addresses.get(row[0]), tags.get(row[0]), photos.get(row[0])) for row in rows]


_NO_POINTS: dict[str, list[ContactPoint]] = {}

# A frozen dataclass's __init__ sets each field through object.__setattr__; its slot descriptors set them at half
# the cost, and a whole-network read builds some 400,000 points and 100,000 contacts. Neither class has a
# __post_init__ to skip, and the field orders are checked here: a new or moved field fails at import, not silently.
# The order in which _dto passes the values.
_DTO_FIELDS = (
    "id",
    "uid",
    "kind",
    "formatted_name",
    "prefix",
    "given_name",
    "additional_name",
    "family_name",
    "suffix",
    "nickname",
    "organization",
    "department",
    "title",
    "role",
    "emails",
    "phones",
    "urls",
    "ims",
    "addresses",
    "birthday",
    "anniversary",
    "gender",
    "notes",
    "tags",
    "photo",
    "photo_mime",
    "photo_uri",
    "related",
    "extra",
    "rev",
    "property_params",
    "starred",
    "connected_on",
    "created_at",
    "updated_at",
    "version",
)
assert tuple(f.name for f in dataclasses.fields(ContactDTO)) == _DTO_FIELDS
_DTO_SETTERS = tuple(getattr(ContactDTO, name).__set__ for name in _DTO_FIELDS)
_POINT_FIELDS = ("value", "label", "pref", "params")
assert tuple(f.name for f in dataclasses.fields(ContactPoint)) == _POINT_FIELDS
assert not hasattr(ContactDTO, "__post_init__") and not hasattr(ContactPoint, "__post_init__")
_set_value, _set_label, _set_pref, _set_params = (getattr(ContactPoint, name).__set__ for name in _POINT_FIELDS)
_new = object.__new__
_drain: Callable[[Iterator[object]], deque[object]] = partial(deque, maxlen=0)


def _point(value: str, label: str, pref: bool, params: Params) -> ContactPoint:
    point = _new(ContactPoint)
    _set_value(point, value)
    _set_label(point, label)
    _set_pref(point, pref)
    _set_params(point, params)
    return point


def _new_dto(*values: Any) -> ContactDTO:
    if len(values) != len(_DTO_SETTERS):
        raise TypeError(f"a ContactDTO has {len(_DTO_SETTERS)} fields, not {len(values)}")
    dto = _new(ContactDTO)
    # map calls the setters in C, without a Python loop (a sixth of _new_dto's time); the empty deque drives it.
    _drain(map(call, _DTO_SETTERS, repeat(dto), values))
    return dto


def _dto(
    r: tuple[Any, ...],
    points: dict[str, list[ContactPoint]] | None,
    addresses: list[PostalAddress] | None,
    tags: list[str] | None,
    photo: bytes | None,
) -> ContactDTO:
    p = points or _NO_POINTS
    extras = extras_from_json(r[21])
    return _new_dto(  # the values in ContactDTO's field order (_DTO_FIELDS)
        r[0],  # id
        r[1],  # uid
        _KINDS[r[2]],  # kind
        r[3],  # formatted_name
        r[4],  # prefix
        r[5],  # given_name
        r[6],  # additional_name
        r[7],  # family_name
        r[8],  # suffix
        r[9],  # nickname
        r[10],  # organization
        r[11],  # department
        r[12],  # title
        r[13],  # role
        tuple(p.get("email", ())),  # emails
        tuple(p.get("phone", ())),  # phones
        tuple(p.get("url", ())),  # urls
        tuple(p.get("im", ())),  # ims
        tuple(addresses) if addresses else (),  # addresses
        partial_date(r[14]) if r[14] else None,  # birthday
        partial_date(r[15]) if r[15] else None,  # anniversary
        r[16],  # gender
        r[17],  # notes
        # Stored tags are already unique and stripped (the writer used sorted_tags): only their order is left to do.
        (tuple(sorted(tags, key=str.casefold)) if len(tags) > 1 else (tags[0],)) if tags else (),  # tags
        photo,  # photo
        r[18],  # photo_mime
        r[19],  # photo_uri
        related_from_json(r[20]),  # related
        extras[0],  # extra
        r[22],  # rev
        extras[1],  # property_params
        bool(r[27]),  # starred
        date.fromisoformat(r[23]) if r[23] else None,  # connected_on
        _datetime(r[24]),  # created_at
        _datetime(r[25]),  # updated_at
        r[26],  # version
    )


def _datetime(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None
