"""The due list's item sources: each reads one kind of advice from the record, through its own index.

A source is a function ``(DueQuery) -> Iterable[DueItem]``; :data:`DUE_SOURCES` lists them and
``NetworkingService.due`` runs them all in one read transaction. Adding a kind of advice is a new function here (or in
a module of its own) passed to :func:`register_due_source`, plus its wording and section in ``netdesk.core.networking``.

Each query repeats the WHERE terms of its partial index and pins it with INDEXED BY: a network of 100,000 people has a
few thousand due items, and scanning every wide contact row would cost more than all of them together.

The list is kept between calls (:class:`DueState`) and refreshed from the change log that migration 0009's triggers
write: a source registered ``per_contact`` is read again for the contacts a write touched only, any other source when
a table it reads (DueQuery.reads) or a contact it names (DueQuery.mention) was written.
"""

from __future__ import annotations

import bisect
import functools
import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from netdesk.core import networking as rules
from netdesk.core.due import DueOrder, due_order
from netdesk.core.networking import DueItem, DueKind
from netdesk.services.due_favours import FavourFacts, favour_items, read_favour_facts, refresh_favour_facts

_NAME = "COALESCE(NULLIF(c.display_name, ''), 'Contact #' || c.id)"
_VISIBLE = "c.deleted_at IS NULL AND (c.snoozed_until IS NULL OR c.snoozed_until <= :today)"
# When a rhythm's clock started: the later of the last exchange and the day the rhythm was set.
_CLOCK = "max(date(c.last_contacted), COALESCE({since}, '0001-01-01'))"

# Each contact's query reads either the whole list through its partial index ({scan}) or, right after a write, only the
# contacts the write touched ({only}: see DueQuery.sql).
_ONLY = "AND c.id IN (SELECT value FROM json_each(:only))"
_OWN_CADENCE_DUE_SQL = f"""
SELECT c.id, {_NAME}, c.cadence_days, c.last_contacted, c.cadence_since, c.sort_key
FROM {{scan}}
WHERE c.cadence_days IS NOT NULL AND {_VISIBLE} {{only}}
  AND (c.last_contacted IS NULL
       OR date({_CLOCK.format(since="c.cadence_since")}, '+' || c.cadence_days || ' days') <= :due_before)
"""
# A contact is due when its shortest tag rhythm is, so each (contact, tag) pair is tested alone and the minimum taken
# over the pairs that pass.
_TAG_CADENCE_DUE_SQL = f"""
SELECT c.id, {_NAME}, MIN(t.cadence_days), c.last_contacted, MAX(t.cadence_since), c.sort_key
FROM {{scan}}
WHERE t.cadence_days IS NOT NULL AND c.cadence_days IS NULL AND {_VISIBLE} {{only}}
  AND (c.last_contacted IS NULL
       OR date({_CLOCK.format(since="t.cadence_since")}, '+' || t.cadence_days || ' days') <= :due_before)
GROUP BY c.id
"""
# {field} is birthday or anniversary; one query per MM-DD range (two when the window wraps the year).
_OCCASION_SQL = f"""
SELECT c.id, {_NAME}, c.{{field}}, c.sort_key
FROM {{scan}}
WHERE c.{{field}} > '' AND {_VISIBLE} AND c.{{field}}_month_day BETWEEN :lo AND :hi {{only}}
"""
_FOLLOWUP_SQL = f"""
SELECT c.id, {_NAME}, c.followup_state, c.connected_on, c.sort_key
FROM {{scan}}
WHERE c.connected_on IS NOT NULL AND c.kind = 'person' AND c.deleted_at IS NULL AND {_VISIBLE}
  AND c.connected_on BETWEEN :new_since AND :today AND c.followup_state = '' {{only}}
"""
_REPLY_SQL = f"""
SELECT c.id, {_NAME}, c.last_in_at, c.sort_key
FROM {{scan}}
WHERE c.last_in_at IS NOT NULL AND (c.last_out_at IS NULL OR c.last_out_at < c.last_in_at) AND c.deleted_at IS NULL
  AND {_VISIBLE} AND c.last_in_at >= :reply_since AND c.last_in_at < :tomorrow {{only}}
"""
_INVITATION_SQL = """
SELECT v.id, v.name, v.sent_at, v.message
FROM invitations v INDEXED BY ix_invitations_pending
WHERE v.status = 'pending' AND v.sent_at < :tomorrow
"""
# A new organisation or title seen on a re-import (services/job_changes.py), still current, not yet followed by an
# exchange.
_JOB_CHANGE_SQL = f"""
SELECT c.id, {_NAME}, c.title, c.organization, MAX(h.changed_at), c.sort_key
FROM {{scan}}
WHERE h.field IN ('organization', 'title') AND h.changed_at >= :job_since AND h.changed_at < :tomorrow
  AND h.source IN ('linkedin', 'import') AND h.old_value != '' AND h.new_value = (CASE h.field WHEN 'title' THEN c.title
  ELSE c.organization END) AND {_VISIBLE} AND (c.last_contacted IS NULL OR c.last_contacted < h.changed_at) {{only}}
GROUP BY c.id
"""


# The full list's scans (their partial indexes, pinned), and the joins a read of a few contacts starts from instead
# (NOT INDEXED leaves SQLite the contacts' own ids to find them by).
_FEW = "contacts c NOT INDEXED"
_SCANS = {
    "own_cadence": ("contacts c INDEXED BY ix_contacts_own_cadence", _FEW),
    "tag_cadence": (
        "tags t CROSS JOIN contact_tags ct ON ct.tag_id = t.id CROSS JOIN contacts c ON c.id = ct.contact_id",
        f"{_FEW} CROSS JOIN contact_tags ct ON ct.contact_id = c.id CROSS JOIN tags t ON t.id = ct.tag_id",
    ),
    "birthday": ("contacts c INDEXED BY ix_contacts_birthday_month_day", _FEW),
    "anniversary": ("contacts c INDEXED BY ix_contacts_anniversary_month_day", _FEW),
    "followup": ("contacts c INDEXED BY ix_contacts_connected", _FEW),
    "reply": ("contacts c INDEXED BY ix_contacts_reply_owed", _FEW),
    "job_change": (
        "contact_history h INDEXED BY ix_contact_history_job_changes CROSS JOIN contacts c ON c.id = h.contact_id",
        f"{_FEW} CROSS JOIN contact_history h ON h.contact_id = c.id",
    ),
}


@dataclass
class DueQuery:
    """What a source gets: a cursor on the read transaction, the day, and the usual query parameters.

    ``only`` is set when due() refreshes the list right after a write: a source registered ``per_contact`` then reads
    only those contacts (its items for them replace the ones it gave before); None means the whole list."""

    cursor: sqlite3.Cursor
    today: date
    params: dict[str, Any] = field(default_factory=dict)
    # The contacts' stored sort keys (folded names), collected by the sources so that sorting folds nothing.
    sort_keys: dict[int, str] = field(default_factory=dict)
    only: frozenset[int] | None = None
    # What a source that is not per contact says it read (see mention and reads); None: it did not say.
    mentioned: set[int] | None = None
    tables: set[str] | None = None

    def mention(self, contact_ids: Iterable[int | None]) -> None:
        """Say which contacts this source's items depend on (names, snoozes): a source that is not per contact is
        then read again after a write only when the write touched one of them or the records it reads. A source that
        never calls this is read again after every write."""
        if self.mentioned is None:
            self.mentioned = set()
        self.mentioned.update(c for c in contact_ids if c is not None)

    def reads(self, *tables: str) -> None:
        """Say which tables of records (not contacts) this source reads, among those migration 0009 logs: it is then
        read again after a write to one of them (or to a contact it mentioned) only. A source that never calls this is
        read again after a write to any of them."""
        if self.tables is None:
            self.tables = set()
        self.tables.update(tables)

    @classmethod
    def for_day(cls, cursor: sqlite3.Cursor, today: date, only: frozenset[int] | None = None) -> DueQuery:
        def day(offset: int) -> str:
            return (today + timedelta(days=offset)).isoformat()

        params = {
            "today": today.isoformat(),
            "tomorrow": day(1),
            "due_before": day(rules.DUE_SOON_DAYS),
            "new_since": day(-rules.NEW_CONNECTION_DAYS),
            "reply_since": day(-rules.REPLY_LOOKBACK_DAYS),
            "job_since": day(-rules.JOB_CHANGE_DAYS),
        }
        if only is not None:
            params["only"] = json.dumps(sorted(only))
        return cls(cursor, today, params, only=only)

    def rows(self, sql: str, **extra: Any) -> Iterable[tuple[Any, ...]]:
        return self.cursor.execute(sql, {**self.params, **extra} if extra else self.params)

    def contact_rows(self, sql: str, scan: str, **extra: Any) -> Iterable[tuple[Any, ...]]:
        """``sql`` (with ``{scan}`` and ``{only}`` slots) over the whole list or over ``only``."""
        return self.rows(contact_sql(sql, scan, few=self.only is not None), **extra)


def contact_sql(sql: str, scan: str, *, few: bool = False) -> str:
    """A contact source's query over the whole list (through the partial index ``scan`` names) or, with ``few``,
    over the contacts in :only (found by id)."""
    full, by_id = _SCANS[scan]
    return sql.format(scan=by_id, only=_ONLY) if few else sql.format(scan=full, only="")


DueSource = Callable[[DueQuery], Iterable[DueItem]]


def as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    return date.fromisoformat(str(value)[:10])


def as_datetime(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def cadence_items(q: DueQuery) -> Iterable[DueItem]:
    for sql, scan in ((_TAG_CADENCE_DUE_SQL, "tag_cadence"), (_OWN_CADENCE_DUE_SQL, "own_cadence")):
        for cid, name, cadence, last, since, key in q.contact_rows(sql, scan):
            q.sort_keys[cid] = key
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
            sql = _OCCASION_SQL.replace("{field}", fld)
            for cid, name, stored, key in q.contact_rows(sql, fld, lo=lo, hi=hi):
                q.sort_keys[cid] = key
                occasion = rules.occasion_item(kind, cid, name, stored, q.today)
                if occasion is not None:
                    yield occasion


def followup_items(q: DueQuery) -> Iterable[DueItem]:
    for cid, name, state, connected, key in q.contact_rows(_FOLLOWUP_SQL, "followup"):
        q.sort_keys[cid] = key
        follow = rules.followup_item(cid, name, state, as_date(connected) or q.today, None, q.today)
        if follow is not None:
            yield follow


def reply_items(q: DueQuery) -> Iterable[DueItem]:
    for cid, name, wrote, key in q.contact_rows(_REPLY_SQL, "reply"):
        q.sort_keys[cid] = key
        item = rules.reply_item(cid, name, as_datetime(wrote), q.today)
        if item is not None:
            yield item


def invitation_items(q: DueQuery) -> Iterable[DueItem]:
    q.mention(())  # invitations come from people who are not contacts
    q.reads("invitations")
    for iid, name, sent, message in q.rows(_INVITATION_SQL):
        yield rules.invitation_item(iid, name, as_datetime(sent), message, q.today)


def job_change_items(q: DueQuery) -> Iterable[DueItem]:
    for cid, name, title, organization, seen, key in q.contact_rows(_JOB_CHANGE_SQL, "job_change"):
        q.sort_keys[cid] = key
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


# Sources that read only what the due_generation triggers watch (contacts, tag links and rhythms, invitations, job
# history, the practices' tables): while all sources are, NetworkingService keeps the list until a write changes it.
_WATCHED_SOURCES: set[DueSource] = set(DUE_SOURCES)
# Sources whose items each concern one contact and that honour DueQuery.only: right after a write they read only the
# contacts it touched. The others (a few hundred invitations, the practices' small tables) are read again whole.
_PER_CONTACT_SOURCES: set[DueSource] = {cadence_items, occasion_items, followup_items, reply_items, job_change_items}


def register_due_source(source: DueSource, *, watched: bool = False, per_contact: bool = False) -> DueSource:
    """Add a source of due items. ``watched=True`` declares that it reads only tables whose writes change
    due_generation and log a due change (migrations 0007, 0009); any other source makes due() compute the whole list
    on every call, so a new source is never shown stale. ``per_contact=True`` declares that each of its items is about
    the contact it names and that it reads only ``DueQuery.only`` when that is set. Favours stay in NetworkingService,
    which caches them on their own generation."""
    if source not in DUE_SOURCES:
        DUE_SOURCES.append(source)
    if watched:
        _WATCHED_SOURCES.add(source)
    if per_contact:
        _PER_CONTACT_SOURCES.add(source)
    return source


def cacheable() -> bool:
    """Whether every registered source is covered by due_generation and the change log."""
    return all(source in _WATCHED_SOURCES for source in DUE_SOURCES)


def collect_due(cursor: sqlite3.Cursor, today: date) -> tuple[list[DueItem], dict[int, str]]:
    """Every source's items, and the sort keys of the contacts they name (for rules.sort_due)."""
    q = DueQuery.for_day(cursor, today)
    items: list[DueItem] = []
    for source in DUE_SOURCES:
        items.extend(source(q))
    return items, q.sort_keys


# --- the list kept between calls, refreshed from the change log -------------------------------------------------

# More contacts than this changed since the last read (an import, a bulk edit): reading them all again costs less.
INCREMENTAL_LIMIT = 500


ChangeMark = tuple[int, int]  # (seq, token) of a row of the change log; (0, 0) for an empty log


def last_change(cursor: sqlite3.Cursor) -> ChangeMark:
    """The newest entry of the change log: the list read at it is current until it moves."""
    row = cursor.execute("SELECT seq, token FROM due_changes ORDER BY seq DESC LIMIT 1").fetchone()
    return (0, 0) if row is None else (int(row[0]), int(row[1]))


Keyed = tuple[DueOrder, DueItem]


def _first(pair: Keyed) -> DueOrder:
    return pair[0]


# A source that is not per contact, with the items it gave and the contacts and tables it said it read (None: it did
# not say).
RecordItems = tuple[tuple[Keyed, ...], frozenset[int] | None, frozenset[str] | None]
Records = dict[DueSource, RecordItems]
# Past this many items to move, sorting the whole list again is cheaper than moving them one by one.
_MOVE_LIMIT = 2000


@dataclass(frozen=True)
class DueState:
    """The whole due list as of change ``mark`` on ``today``, in order (each item with its sort key), and what it was
    made of, so that a refresh moves only the items of what a write touched."""

    today: date
    mark: ChangeMark
    ordered: list[Keyed]
    # What the list was made of, each item with the key it was sorted in by (a contact's stored sort key may be
    # learnt after an item naming them was placed by its folded name).
    by_contact: dict[int, tuple[Keyed, ...]]  # the per-contact sources' items
    records: Records
    favours: FavourFacts
    favour_items: tuple[Keyed, ...]
    sort_keys: dict[int, str]
    full: bool  # read from scratch (False: refreshed from the previous state)

    @functools.cached_property
    def listed(self) -> tuple[DueItem, ...]:
        return tuple(item for _, item in self.ordered)

    def items(self) -> list[DueItem]:
        return list(self.listed)


def _keyed(items: Iterable[DueItem], sort_keys: dict[int, str]) -> tuple[Keyed, ...]:
    return tuple((due_order(item, sort_keys), item) for item in items)


def _run_records(cursor: sqlite3.Cursor, today: date, source: DueSource, sort_keys: dict[int, str]) -> RecordItems:
    q = DueQuery.for_day(cursor, today)
    items = _keyed(source(q), sort_keys)
    return (
        items,
        None if q.mentioned is None else frozenset(q.mentioned),
        None if q.tables is None else frozenset(q.tables),
    )


def _read_all(cursor: sqlite3.Cursor, today: date, mark: ChangeMark) -> DueState:
    q = DueQuery.for_day(cursor, today)
    found: dict[int, list[DueItem]] = {}
    for source in DUE_SOURCES:
        if source in _PER_CONTACT_SOURCES:
            for item in source(q):
                found.setdefault(item.contact_id, []).append(item)
    keys = q.sort_keys
    by_contact = {cid: _keyed(items, keys) for cid, items in found.items()}
    others = [source for source in DUE_SOURCES if source not in _PER_CONTACT_SOURCES]
    records = {source: _run_records(cursor, today, source, keys) for source in others}
    facts = read_favour_facts(cursor)
    favours = _keyed(favour_items(facts, cursor, today), keys)
    everything = [pair for pairs in by_contact.values() for pair in pairs]
    everything += [pair for pairs, _, _ in records.values() for pair in pairs] + list(favours)
    ordered = sorted(everything, key=_first)
    return DueState(today, mark, ordered, by_contact, records, facts, favours, keys, full=True)


def _changes_since(cursor: sqlite3.Cursor, since: ChangeMark, seq: int) -> tuple[frozenset[int], frozenset[str]] | None:
    """The contacts the log names after ``since`` up to ``seq``, and the tables of other records written; None when
    the list must be read whole (the log was pruned past ``since`` or is another one, a tag's rhythm changed, or too
    many contacts changed)."""
    if since == (0, 0):  # read when the log was empty: it must still hold every row since
        row = cursor.execute("SELECT MIN(seq) = 1 FROM due_changes").fetchone()
    else:
        row = cursor.execute("SELECT token = ? FROM due_changes WHERE seq = ?", (since[1], since[0])).fetchone()
    if row is None or not row[0]:
        return None
    ids: set[int] = set()
    tables: set[str] = set()
    for what, contact_id in cursor.execute(
        "SELECT what, contact_id FROM due_changes WHERE seq > ? AND seq <= ?", (since[0], seq)
    ):
        if what == "every_contact":
            return None
        if what != "contact":
            tables.add(what)
        elif contact_id is not None:
            ids.add(contact_id)
            if len(ids) > INCREMENTAL_LIMIT:
                return None
    return frozenset(ids), frozenset(tables)


class _Misplaced(Exception):
    """An item to move is not where its key says (never expected): the list is sorted again instead."""


def _move(ordered: list[Keyed], removed: Iterable[Keyed], added: Iterable[Keyed]) -> list[Keyed]:
    """``ordered`` (a copy) without ``removed`` and with ``added``, each put in its place by binary search."""
    result = list(ordered)
    for key, item in removed:
        at = bisect.bisect_left(result, key, key=_first)
        while at < len(result) and result[at][0] == key and result[at][1] != item:  # equal keys: find this one
            at += 1
        if at == len(result) or result[at][1] != item:
            raise _Misplaced
        del result[at]
    for pair in added:
        bisect.insort_right(result, pair, key=_first)
    return result


def refresh_due_state(previous: DueState | None, cursor: sqlite3.Cursor, today: date, mark: ChangeMark) -> DueState:
    """The due list as of change ``mark``: ``previous`` with only what the writes since touched read again (the
    per-contact sources and the favours for the contacts the log names; another source when records changed or it
    read one of those contacts), or everything from scratch."""
    if previous is None or previous.today != today or previous.mark[0] > mark[0]:
        return _read_all(cursor, today, mark)
    if previous.mark == mark:
        return previous
    found = _changes_since(cursor, previous.mark, mark[0])
    if found is None:
        return _read_all(cursor, today, mark)
    changed, tables = found
    q = DueQuery.for_day(cursor, today, changed)
    fresh: dict[int, list[DueItem]] = {}
    if changed:
        for source in DUE_SOURCES:
            if source in _PER_CONTACT_SOURCES:
                for item in source(q):
                    fresh.setdefault(item.contact_id, []).append(item)
    sort_keys = {**previous.sort_keys, **q.sort_keys} if q.sort_keys else previous.sort_keys
    old: list[Keyed] = []
    new: list[Keyed] = []
    by_contact = previous.by_contact
    if changed:
        by_contact = {cid: pairs for cid, pairs in by_contact.items() if cid not in changed}
        by_contact.update((cid, _keyed(items, sort_keys)) for cid, items in fresh.items())
        for cid in changed:
            old += previous.by_contact.get(cid, ())
            new += by_contact.get(cid, ())
    records = dict(previous.records)
    for source, (pairs, mentioned, reads) in previous.records.items():
        by_records = bool(tables) if reads is None else not reads.isdisjoint(tables)
        by_contacts = bool(changed) and (mentioned is None or not mentioned.isdisjoint(changed))
        if by_records or by_contacts:
            records[source] = again = _run_records(cursor, today, source, sort_keys)
            old += pairs
            new += again[0]
    facts = refresh_favour_facts(previous.favours, cursor, changed)
    favours = previous.favour_items
    if facts != previous.favours or not changed.isdisjoint(previous.favours.wanted()):
        favours = _keyed(favour_items(facts, cursor, today), sort_keys)
        old += previous.favour_items
        new += favours
    # Only what differs moves: most of what is read again is as it was, in the same place.
    same = set(old) & set(new)
    removed = [pair for pair in old if pair not in same]
    added = [pair for pair in new if pair not in same]
    try:
        if len(removed) + len(added) > _MOVE_LIMIT:
            raise _Misplaced
        ordered = _move(previous.ordered, removed, added)
    except _Misplaced:
        gone = set(removed)
        ordered = sorted([pair for pair in previous.ordered if pair not in gone] + added, key=_first)
    return DueState(today, mark, ordered, by_contact, records, facts, favours, sort_keys, full=False)
