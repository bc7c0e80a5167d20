"""The due list's item sources: each reads one kind of advice from the record, through its own index.

A source is a function ``(DueQuery) -> Iterable[DueItem]``; :data:`DUE_SOURCES` lists them and
``NetworkingService.due`` runs them all in one read transaction. Adding a kind of advice is a new function here (or in
a module of its own) passed to :func:`register_due_source`, plus its wording and section in ``netdesk.core.networking``.

Each query repeats the WHERE terms of its partial index and pins it with INDEXED BY: a network of 100,000 people has a
few thousand due items, and scanning every wide contact row would cost more than all of them together.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from netdesk.core import networking as rules
from netdesk.core.networking import DueItem, DueKind

_NAME = "COALESCE(NULLIF(c.display_name, ''), 'Contact #' || c.id)"
_VISIBLE = "c.deleted_at IS NULL AND (c.snoozed_until IS NULL OR c.snoozed_until <= :today)"
# When a rhythm's clock started: the later of the last exchange and the day the rhythm was set.
_CLOCK = "max(date(c.last_contacted), COALESCE({since}, '0001-01-01'))"

_OWN_CADENCE_DUE_SQL = f"""
SELECT c.id, {_NAME}, c.cadence_days, c.last_contacted, c.cadence_since
FROM contacts c INDEXED BY ix_contacts_own_cadence
WHERE c.cadence_days IS NOT NULL AND {_VISIBLE}
  AND (c.last_contacted IS NULL
       OR date({_CLOCK.format(since="c.cadence_since")}, '+' || c.cadence_days || ' days') <= :due_before)
"""
# A contact is due when its shortest tag rhythm is, so each (contact, tag) pair is tested alone and the minimum taken
# over the pairs that pass.
_TAG_CADENCE_DUE_SQL = f"""
SELECT c.id, {_NAME}, MIN(t.cadence_days), c.last_contacted, MAX(t.cadence_since)
FROM tags t CROSS JOIN contact_tags ct ON ct.tag_id = t.id CROSS JOIN contacts c ON c.id = ct.contact_id
WHERE t.cadence_days IS NOT NULL AND c.cadence_days IS NULL AND {_VISIBLE}
  AND (c.last_contacted IS NULL
       OR date({_CLOCK.format(since="t.cadence_since")}, '+' || t.cadence_days || ' days') <= :due_before)
GROUP BY c.id
"""
# {field} is birthday or anniversary; one query per MM-DD range (two when the window wraps the year).
_OCCASION_SQL = f"""
SELECT c.id, {_NAME}, c.{{field}}
FROM contacts c INDEXED BY ix_contacts_{{field}}_month_day
WHERE c.{{field}} > '' AND {_VISIBLE} AND c.{{field}}_month_day BETWEEN :lo AND :hi
"""
_FOLLOWUP_SQL = f"""
SELECT c.id, {_NAME}, c.followup_state, c.connected_on
FROM contacts c INDEXED BY ix_contacts_connected
WHERE c.connected_on IS NOT NULL AND c.kind = 'person' AND c.deleted_at IS NULL AND {_VISIBLE}
  AND c.connected_on BETWEEN :new_since AND :today AND c.followup_state = ''
"""
_REPLY_SQL = f"""
SELECT c.id, {_NAME}, c.last_in_at
FROM contacts c INDEXED BY ix_contacts_reply_owed
WHERE c.last_in_at IS NOT NULL AND (c.last_out_at IS NULL OR c.last_out_at < c.last_in_at) AND c.deleted_at IS NULL
  AND {_VISIBLE} AND c.last_in_at >= :reply_since AND c.last_in_at < :tomorrow
"""
_INVITATION_SQL = """
SELECT v.id, v.name, v.sent_at, v.message
FROM invitations v INDEXED BY ix_invitations_pending
WHERE v.status = 'pending' AND v.sent_at < :tomorrow
"""
# A new organisation or title seen on a LinkedIn re-import, still current, not yet followed by an exchange.
_JOB_CHANGE_SQL = f"""
SELECT c.id, {_NAME}, c.title, c.organization, MAX(h.changed_at)
FROM contact_history h INDEXED BY ix_contact_history_job_changes CROSS JOIN contacts c ON c.id = h.contact_id
WHERE h.field IN ('organization', 'title') AND h.changed_at >= :job_since AND h.changed_at < :tomorrow
  AND h.source = 'linkedin' AND h.old_value != '' AND h.new_value = (CASE h.field WHEN 'title' THEN c.title
  ELSE c.organization END) AND {_VISIBLE} AND (c.last_contacted IS NULL OR c.last_contacted < h.changed_at)
GROUP BY c.id
"""


@dataclass
class DueQuery:
    """What a source gets: a cursor on the read transaction, the day, and the usual query parameters."""

    cursor: sqlite3.Cursor
    today: date
    params: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def for_day(cls, cursor: sqlite3.Cursor, today: date) -> DueQuery:
        def day(offset: int) -> str:
            return (today + timedelta(days=offset)).isoformat()

        return cls(
            cursor,
            today,
            {
                "today": today.isoformat(),
                "tomorrow": day(1),
                "due_before": day(rules.DUE_SOON_DAYS),
                "new_since": day(-rules.NEW_CONNECTION_DAYS),
                "reply_since": day(-rules.REPLY_LOOKBACK_DAYS),
                "job_since": day(-rules.JOB_CHANGE_DAYS),
            },
        )

    def rows(self, sql: str, **extra: Any) -> Iterable[tuple[Any, ...]]:
        return self.cursor.execute(sql, {**self.params, **extra} if extra else self.params)


DueSource = Callable[[DueQuery], Iterable[DueItem]]


def as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    return date.fromisoformat(str(value)[:10])


def as_datetime(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def cadence_items(q: DueQuery) -> Iterable[DueItem]:
    for sql in (_TAG_CADENCE_DUE_SQL, _OWN_CADENCE_DUE_SQL):
        for cid, name, cadence, last, since in q.rows(sql):
            last_day = as_date(last)
            if last_day is None:
                yield rules.start_rhythm_item(cid, name, cadence)
                continue
            item = rules.cadence_item(cid, name, cadence, last_day, as_date(since) or last_day, q.today)
            if item is not None:
                yield item


def occasion_items(q: DueQuery) -> Iterable[DueItem]:
    for lo, hi in dict.fromkeys(rules.occasion_ranges(q.today)):
        for fld, kind in (("birthday", DueKind.BIRTHDAY), ("anniversary", DueKind.ANNIVERSARY)):
            for cid, name, stored in q.rows(_OCCASION_SQL.format(field=fld), lo=lo, hi=hi):
                occasion = rules.occasion_item(kind, cid, name, stored, q.today)
                if occasion is not None:
                    yield occasion


def followup_items(q: DueQuery) -> Iterable[DueItem]:
    for cid, name, state, connected in q.rows(_FOLLOWUP_SQL):
        follow = rules.followup_item(cid, name, state, as_date(connected) or q.today, None, q.today)
        if follow is not None:
            yield follow


def reply_items(q: DueQuery) -> Iterable[DueItem]:
    for cid, name, wrote in q.rows(_REPLY_SQL):
        item = rules.reply_item(cid, name, as_datetime(wrote), q.today)
        if item is not None:
            yield item


def invitation_items(q: DueQuery) -> Iterable[DueItem]:
    for iid, name, sent, message in q.rows(_INVITATION_SQL):
        yield rules.invitation_item(iid, name, as_datetime(sent), message, q.today)


def job_change_items(q: DueQuery) -> Iterable[DueItem]:
    for cid, name, title, organization, seen in q.rows(_JOB_CHANGE_SQL):
        role = " at ".join(p for p in (title.strip(), organization.strip()) if p)
        item = rules.job_change_item(cid, name, role, as_datetime(seen).date(), q.today)
        if item is not None:
            yield item


DUE_SOURCES: list[DueSource] = [
    cadence_items,
    occasion_items,
    followup_items,
    reply_items,
    invitation_items,
    job_change_items,
]


def register_due_source(source: DueSource) -> DueSource:
    """Add a source of due items (usable as a decorator); favours stay in NetworkingService, which caches them."""
    if source not in DUE_SOURCES:
        DUE_SOURCES.append(source)
    return source


def collect_due(cursor: sqlite3.Cursor, today: date) -> list[DueItem]:
    q = DueQuery.for_day(cursor, today)
    items: list[DueItem] = []
    for source in DUE_SOURCES:
        items.extend(source(q))
    return items
