"""Inserting many new contacts at executemany speed: contacts given as DTOs (``bulk_insert_contacts``), or prepared
elsewhere (``netdesk.db.rows.PreparedContact``) and stored with their full-text index entries (``insert_prepared``)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from netdesk.core.model import ContactDTO, sorted_tags
from netdesk.core.normalize import fold
from netdesk.db.repository import (
    ensure_tags,
    executemany_rows,
    insert_rows,
    insert_tuples,
    scalar_defaults,
    sqlite_datetime,
    table_of,
    utcnow,
)
from netdesk.db.rows import (
    CONTACT_COLUMNS,
    POINT_COLUMNS,
    PreparedContact,
    address_values,
    contact_row,
    point_rows,
)
from netdesk.db.tables import AddressRow, Contact, ContactPhoto, ContactPointRow, ContactTag


def insert_prepared(session: Session, prepared: Sequence[PreparedContact]) -> list[int]:
    """Insert ``prepared`` as new contacts (a missing uid gets a fresh one) and index them; their ids, in order."""
    if not prepared:
        return []
    now = utcnow()
    fresh = iter(new_uids(sum(1 for p in prepared if not p.uid)))
    rows = [{**p.contact, "uid": p.uid or next(fresh), "created_at": now, "updated_at": now} for p in prepared]
    ids = insert_rows(session, table_of(Contact), rows)
    del rows
    points = [{**v, "contact_id": cid} for cid, p in zip(ids, prepared, strict=True) for v in p.points]
    executemany_rows(session, table_of(ContactPointRow), points)
    addresses = [{**v, "contact_id": cid} for cid, p in zip(ids, prepared, strict=True) for v in p.addresses]
    executemany_rows(session, table_of(AddressRow), addresses)
    photos = [{"contact_id": cid, "data": p.photo} for cid, p in zip(ids, prepared, strict=True) if p.photo]
    executemany_rows(session, table_of(ContactPhoto), photos)
    tag_ids = ensure_tags(session, {t for p in prepared for t in p.tags})
    links = [
        {"contact_id": cid, "tag_id": tag_ids[fold(t)]} for cid, p in zip(ids, prepared, strict=True) for t in p.tags
    ]
    executemany_rows(session, table_of(ContactTag), links)
    session.connection().exec_driver_sql(
        "INSERT INTO contacts_fts(rowid, body) VALUES (?, ?)",
        [(cid, p.document) for cid, p in zip(ids, prepared, strict=True)],
    )
    return ids


def next_contact_id(session: Session) -> int:
    """The id the next contact inserted gets (SQLite's rule for a rowid table without AUTOINCREMENT): a write that
    holds the write lock can give its new contacts their ids before it writes them."""
    return int(session.connection().exec_driver_sql("SELECT COALESCE(MAX(id), 0) + 1 FROM contacts").scalar_one())


# uuid4's bits on a random byte: the version nibble (byte 6) and the RFC 4122 variant (byte 8), as tables for translate.
_VERSION_4 = bytes((b & 0x0F) | 0x40 for b in range(256))
_VARIANT_RFC_4122 = bytes((b & 0x3F) | 0x80 for b in range(256))


def new_uids(count: int) -> list[str]:
    """``count`` fresh UIDs, each as ``new_uid`` writes one (``str(uuid.uuid4())``).

    Made from one ``os.urandom`` read, as uuid4 makes one from its own: a UUID object per contact cost a tenth of a
    LinkedIn import's contact writing."""
    raw = bytearray(os.urandom(16 * count))
    raw[6::16] = raw[6::16].translate(_VERSION_4)
    raw[8::16] = raw[8::16].translate(_VARIANT_RFC_4122)
    h = raw.hex()
    return [
        f"{h[i : i + 8]}-{h[i + 8 : i + 12]}-{h[i + 12 : i + 16]}-{h[i + 16 : i + 20]}-{h[i + 20 : i + 32]}"
        for i in range(0, 32 * count, 32)
    ]


def bulk_insert_contacts(
    session: Session,
    dtos: Sequence[ContactDTO],
    *,
    first_id: int | None = None,
    extra_columns: Sequence[str] = (),
    extra: Sequence[tuple[Any, ...]] = (),
    names: Sequence[tuple[str, str]] | None = None,
) -> list[int]:
    """Insert new contacts with Core executemany (an import of thousands must not pay the ORM per row).

    A dto without a uid gets a fresh one. The contacts get the ids from ``first_id`` on when the caller reserved
    them (``next_contact_id``), and ``extra[n]`` gives the n-th row's ``extra_columns`` (stored values: text dates).
    ``names[n]``, when given, is the n-th's display name and sort key (an import has them from matching).
    Returns the new ids in input order.
    """
    if not dtos:
        return []
    now = utcnow()
    stored_now = sqlite_datetime(now)
    fresh = iter(new_uids(sum(1 for d in dtos if not d.uid)))
    given = (*CONTACT_COLUMNS, "connected_on", "uid", "created_at", "updated_at")
    defaults = scalar_defaults(table_of(Contact), (*given, *extra_columns))
    # Reserved ids go last, with the extra columns: each row is built as one tuple (not copied to put them in).
    columns = (*given, *defaults, *extra_columns, *(("id",) if first_id is not None else ()))
    tail = tuple(defaults.values())
    own_ids = [()] * len(dtos) if first_id is None else [(first_id + n,) for n in range(len(dtos))]
    # Tuples in column order, bound as they are (a dict per row and its conversion cost more than the insert).
    rows = [
        (
            *contact_row(d, named),
            d.connected_on.isoformat() if d.connected_on else None,
            d.uid or next(fresh),
            stored_now if d.created_at is None else sqlite_datetime(d.created_at),
            stored_now,
            *tail,
            *more,
            *own_id,
        )
        for d, named, more, own_id in zip(
            dtos,
            [None] * len(dtos) if names is None else names,
            extra if extra_columns else [()] * len(dtos),
            own_ids,
            strict=True,
        )
    ]
    ids = insert_tuples(session, "contacts", columns, rows)
    points = [row for cid, d in zip(ids, dtos, strict=True) for row in point_rows(d, cid)]
    if points:
        session.connection().exec_driver_sql(
            f"INSERT INTO contact_points ({', '.join(POINT_COLUMNS)}) VALUES ({', '.join('?' * len(POINT_COLUMNS))})",
            points,
        )
    # Most imported contacts have no address, photo or tag: those are skipped without a call each.
    addresses = [
        {**v, "contact_id": cid} for cid, d in zip(ids, dtos, strict=True) if d.addresses for v in address_values(d)
    ]
    if addresses:
        executemany_rows(session, table_of(AddressRow), addresses)
    photos = [{"contact_id": cid, "data": d.photo} for cid, d in zip(ids, dtos, strict=True) if d.photo]
    if photos:
        executemany_rows(session, table_of(ContactPhoto), photos)
    tag_ids = ensure_tags(session, {t for d in dtos if d.tags for t in sorted_tags(d.tags)})
    links = [
        {"contact_id": cid, "tag_id": tag_ids[fold(t)]}
        for cid, d in zip(ids, dtos, strict=True)
        if d.tags
        for t in sorted_tags(d.tags)
    ]
    if links:
        executemany_rows(session, table_of(ContactTag), links)
    return ids
