"""Google's star (``contacts.starred``): how many contacts carry it, and starring or unstarring some. The filter
itself is part of the list's searches (``repository.search_ids`` / ``match_ids``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from netdesk.db.tables import Contact

_LIVE = Contact.deleted_at.is_(None)


def starred_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Contact).where(Contact.starred.is_(True), _LIVE)) or 0


def set_starred(session: Session, ids: Sequence[int], starred: bool, when: datetime) -> list[int]:
    """Star or unstar the live contacts among ``ids`` that are not so already; returns those changed.

    Through the ORM, so that each one's version rises (an open edit merges instead of reverting the star) and its
    ``updated_at`` moves (sync pushes it)."""
    rows = session.scalars(select(Contact).where(Contact.id.in_(list(ids)), _LIVE, Contact.starred.is_not(starred)))
    changed = []
    for row in rows.all():
        row.starred = starred
        row.updated_at = when
        changed.append(row.id)
    return changed
