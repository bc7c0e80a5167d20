"""Inserting prepared contacts (``netdesk.db.rows.PreparedContact``): rows computed elsewhere, stored at executemany
speed, with their full-text index entries."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from netdesk.core.normalize import fold
from netdesk.db.repository import ensure_tags, executemany_rows, insert_rows, new_uid, table_of, utcnow
from netdesk.db.rows import PreparedContact
from netdesk.db.tables import AddressRow, Contact, ContactPhoto, ContactPointRow, ContactTag


def insert_prepared(session: Session, prepared: Sequence[PreparedContact]) -> list[int]:
    """Insert ``prepared`` as new contacts (a missing uid gets a fresh one) and index them; their ids, in order."""
    if not prepared:
        return []
    now = utcnow()
    rows = [{**p.contact, "uid": p.uid or new_uid(), "created_at": now, "updated_at": now} for p in prepared]
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
