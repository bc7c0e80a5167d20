"""Keeps each contact's exchange facts (last contact, last message from them, last from the user, follow-up stage)
in step with the timeline.

Every write that adds, edits, moves or removes interactions calls :func:`refresh_exchange_facts` for the contacts it
touched, inside its own transaction: the facts are then plain columns the due list and the stats read by index, and
nothing is ever recomputed for the whole network. The rules themselves are in ``netdesk.core.exchange``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy.orm import Session

from netdesk.core.exchange import Exchange, Stage, exchange_facts, exchange_sql
from netdesk.db import repository as repo

_CHUNK = 20_000

_EXCHANGES_SQL = f"""
SELECT p.contact_id, i.occurred_at, i.direction, i.kind,
       (SELECT COUNT(*) FROM interaction_participants q WHERE q.interaction_id = i.id) > 1
FROM interaction_participants p CROSS JOIN interactions i ON i.id = p.interaction_id
WHERE p.contact_id IN (SELECT value FROM json_each(?)) AND {exchange_sql()}
"""
_CONTACTS_SQL = "SELECT id, connected_on, followup_state FROM contacts WHERE id IN (SELECT value FROM json_each(?))"
_UPDATE_SQL = (
    "UPDATE contacts SET last_contacted = ?, last_in_at = ?, last_out_at = ?, followup_state = ?,"
    " followup_messaged_at = ?, followup_replied_at = ? WHERE id = ?"
)


def _datetime(value: object) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def refresh_exchange_facts(s: Session, contact_ids: Iterable[int], now: datetime | None = None) -> None:
    """Recompute the exchange facts of ``contact_ids`` from their own timelines (indexed by participant)."""
    ids = sorted(set(contact_ids))
    if not ids:
        return
    now = now or repo.utcnow()
    connection = s.connection()
    for start in range(0, len(ids), _CHUNK):
        chunk = json.dumps(ids[start : start + _CHUNK])
        found: dict[int, list[Exchange]] = defaultdict(list)
        for cid, when, direction, kind, group in connection.exec_driver_sql(_EXCHANGES_SQL, (chunk,)):
            found[cid].append(Exchange(_datetime(when), direction, kind, bool(group)))
        updates = []
        for cid, connected, state in connection.exec_driver_sql(_CONTACTS_SQL, (chunk,)):
            connected_on = date.fromisoformat(str(connected)[:10]) if connected else None
            facts = exchange_facts(found.get(cid, ()), connected_on, state == Stage.DISMISSED.value, now)
            updates.append(
                (
                    repo.sqlite_datetime(facts.last),
                    repo.sqlite_datetime(facts.last_in),
                    repo.sqlite_datetime(facts.last_out),
                    facts.stage.value,
                    repo.sqlite_datetime(facts.note_at),
                    repo.sqlite_datetime(facts.replied_at),
                    cid,
                )
            )
        if updates:
            connection.exec_driver_sql(_UPDATE_SQL, updates)
