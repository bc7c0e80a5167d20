"""The Due list's favours: who has given the user clearly more than received ("time to give back") and the promises
still open, read in full once and then, right after a write, only for the people the write touched (the change log of
migration 0009 names the participants of every favour written)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from netdesk.core import networking as rules
from netdesk.core.networking import DueItem

_FAVOURS = "i.kind IN ('favour_given', 'favour_received')"
# The whole list reads favours through their partial index (pinned as in the due queries); CROSS JOIN keeps
# participants second, found by primary key. The balance is summed in SQL: only the imbalanced few come back.
_BALANCE_SQL = f"""
SELECT p.contact_id, SUM(i.kind = 'favour_given') AS given, SUM(i.kind = 'favour_received') AS got
FROM interactions i INDEXED BY ix_interactions_favours CROSS JOIN interaction_participants p ON p.interaction_id = i.id
WHERE {_FAVOURS} AND p.role = 'participant'
GROUP BY p.contact_id HAVING got - given >= :imbalance
"""
_BALANCE_OF_SQL = f"""
SELECT p.contact_id, SUM(i.kind = 'favour_given') AS given, SUM(i.kind = 'favour_received') AS got
FROM interaction_participants p CROSS JOIN interactions i ON i.id = p.interaction_id
WHERE p.contact_id IN (SELECT value FROM json_each(:ids)) AND {_FAVOURS} AND p.role = 'participant'
GROUP BY p.contact_id HAVING got - given >= :imbalance
"""
# The redundant IN repeats the partial index's condition, which SQLite needs verbatim to use it.
_PROMISES_SQL = f"""
SELECT i.id, i.occurred_at, i.summary, p.contact_id
FROM interactions i INDEXED BY ix_interactions_favours CROSS JOIN interaction_participants p ON p.interaction_id = i.id
WHERE {_FAVOURS} AND i.kind = 'favour_given' AND i.is_open = 1 AND p.role = 'participant'
"""
_PROMISES_OF_SQL = f"""
SELECT i.id, i.occurred_at, i.summary, p.contact_id
FROM interactions i CROSS JOIN interaction_participants p ON p.interaction_id = i.id
WHERE i.id IN (SELECT interaction_id FROM interaction_participants
               WHERE contact_id IN (SELECT value FROM json_each(:ids)) UNION SELECT value FROM json_each(:iids))
  AND {_FAVOURS} AND i.kind = 'favour_given' AND i.is_open = 1 AND p.role = 'participant'
"""
_VISIBLE_SQL = """
SELECT id, COALESCE(NULLIF(display_name, ''), 'Contact #' || id) FROM contacts
WHERE id IN (SELECT value FROM json_each(:ids))
  AND deleted_at IS NULL AND (snoozed_until IS NULL OR snoozed_until <= :today)
"""

Promise = tuple[date, str, tuple[int, ...]]  # when, what, the people it was promised to


@dataclass(frozen=True)
class FavourFacts:
    imbalanced: dict[int, tuple[int, int]]  # contact -> (given, received) where the user owes a favour
    promises: dict[int, Promise]  # open promise (interaction id) -> its facts

    def wanted(self) -> set[int]:
        """The contacts the favour items can name."""
        return set(self.imbalanced) | {cid for _, _, cids in self.promises.values() for cid in cids}


def _ids(ids: Iterable[int]) -> str:
    return json.dumps(sorted(set(ids)))


def _as_date(value: object) -> date:
    return date.fromisoformat(str(value)[:10]) if value else date.today()


def _promises(rows: Iterable[tuple[int, object, str, int]]) -> dict[int, Promise]:
    found: dict[int, tuple[date, str, list[int]]] = {}
    for iid, occurred, summary, cid in rows:
        found.setdefault(iid, (_as_date(occurred), summary, []))[2].append(cid)
    return {iid: (when, summary, tuple(sorted(cids))) for iid, (when, summary, cids) in found.items()}


def read_favour_facts(cursor: sqlite3.Cursor) -> FavourFacts:
    imbalanced = {cid: (g, r) for cid, g, r in cursor.execute(_BALANCE_SQL, {"imbalance": rules.FAVOUR_IMBALANCE})}
    return FavourFacts(imbalanced, _promises(cursor.execute(_PROMISES_SQL)))


def refresh_favour_facts(facts: FavourFacts, cursor: sqlite3.Cursor, changed: frozenset[int]) -> FavourFacts:
    """``facts`` with the balance and the promises of the ``changed`` contacts read again (a promise that named one of
    them is read again by its id, so that one whose people changed keeps the others)."""
    if not changed:
        return facts
    ids = _ids(changed)
    imbalanced = {cid: gr for cid, gr in facts.imbalanced.items() if cid not in changed}
    imbalanced.update(
        (cid, (g, r))
        for cid, g, r in cursor.execute(_BALANCE_OF_SQL, {"ids": ids, "imbalance": rules.FAVOUR_IMBALANCE})
    )
    touched = [iid for iid, (_, _, cids) in facts.promises.items() if not changed.isdisjoint(cids)]
    promises = {iid: p for iid, p in facts.promises.items() if iid not in touched} if touched else dict(facts.promises)
    promises.update(_promises(cursor.execute(_PROMISES_OF_SQL, {"ids": ids, "iids": _ids(touched)})))
    return FavourFacts(imbalanced, promises)


def favour_items(facts: FavourFacts, cursor: sqlite3.Cursor, today: date) -> list[DueItem]:
    """The nudges and promise reminders for the people who are shown (live, not snoozed)."""
    wanted = facts.wanted()
    if not wanted:
        return []
    visible: dict[int, str] = dict(cursor.execute(_VISIBLE_SQL, {"ids": _ids(wanted), "today": today.isoformat()}))
    items: list[DueItem] = []
    for cid, (given, received) in facts.imbalanced.items():
        if cid in visible:
            item = rules.favour_balance_item(cid, visible[cid], given, received)
            if item is not None:
                items.append(item)
    for interaction_id, (when, summary, cids) in facts.promises.items():
        shown = [c for c in cids if c in visible]
        if shown:
            names = ", ".join(visible[c] for c in shown)
            items.append(rules.open_favour_item(interaction_id, shown[0], names, summary, when, today))
    return items
