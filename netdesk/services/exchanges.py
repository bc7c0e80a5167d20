"""Keeps each contact's exchange facts (last contact, last message from them, last from the user, follow-up stage)
in step with the timeline.

Every write that adds, edits, moves or removes interactions calls :func:`refresh_exchange_facts` for the contacts it
touched, inside its own transaction: the facts are then plain columns the due list and the stats read by index, and
nothing is ever recomputed for the whole network. The rules themselves are in ``netdesk.core.exchange``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from netdesk.core.exchange import (
    EARLIEST_PLAUSIBLE,
    FUTURE_SLACK,
    Stage,
    exchange_sql,
    fold_exchanges,
    is_exchange,
)
from netdesk.db import repository as repo
from netdesk.db.interaction_rows import InteractionRow

_CHUNK = 20_000

# Sorted per contact by time (the user's own first at equal times), plausible dates only: the fold then needs no
# parsing or sorting in Python. Only an incoming message needs to know whether it went to a group.
_EXCHANGES_SQL = f"""
SELECT p.contact_id, i.occurred_at, i.direction, i.kind,
       CASE WHEN i.direction = 'in' AND i.kind IN ('message', 'email')
            THEN (SELECT COUNT(*) FROM interaction_participants q WHERE q.interaction_id = i.id) > 1 ELSE 0 END
FROM interaction_participants p CROSS JOIN interactions i ON i.id = p.interaction_id
WHERE p.contact_id IN (SELECT value FROM json_each(?)) AND {exchange_sql()}
  AND i.occurred_at >= ? AND i.occurred_at <= ?
ORDER BY p.contact_id, i.occurred_at, i.direction != 'out'
"""
# With the stored facts, so that a row whose facts did not change is not written (a write moves due_generation).
_CONTACTS_SQL = (
    "SELECT id, connected_on, followup_state, last_contacted, last_in_at, last_out_at, followup_messaged_at,"
    " followup_replied_at FROM contacts WHERE id IN (SELECT value FROM json_each(?))"
)
_UPDATE_SQL = (
    "UPDATE contacts SET last_contacted = ?, last_in_at = ?, last_out_at = ?, followup_state = ?,"
    " followup_messaged_at = ?, followup_replied_at = ? WHERE id = ?"
)


def refresh_exchange_facts(s: Session, contact_ids: Iterable[int], now: datetime | None = None) -> None:
    """Recompute the exchange facts of ``contact_ids`` from their own timelines (indexed by participant)."""
    ids = sorted(set(contact_ids))
    if not ids:
        return
    now = now or repo.utcnow()
    bounds = (repo.sqlite_datetime(EARLIEST_PLAUSIBLE), repo.sqlite_datetime(now + FUTURE_SLACK))
    connection = s.connection()
    for start in range(0, len(ids), _CHUNK):
        chunk = json.dumps(ids[start : start + _CHUNK])
        found: dict[int, list[tuple[str, str, str, bool]]] = defaultdict(list)
        for cid, when, direction, kind, group in connection.exec_driver_sql(_EXCHANGES_SQL, (chunk, *bounds)):
            found[cid].append((when, direction, kind, group))
        _write_changed_facts(s, chunk, found)


def _write_changed_facts(s: Session, ids_json: str, found: dict[int, list[tuple[str, str, str, bool]]]) -> None:
    """Fold each contact's sorted exchanges in ``found`` and write the facts of those whose stored facts differ."""
    connection = s.connection()
    dismissed = Stage.DISMISSED.value
    updates = []
    for cid, connected, state, *stored in connection.exec_driver_sql(_CONTACTS_SQL, (ids_json,)):
        folded = fold_exchanges(found.get(cid, ()), str(connected)[:10] if connected else None, state == dismissed)
        last, last_in, last_out, stage, note_at, replied_at = folded
        if (stage.value, last, last_in, last_out, note_at, replied_at) != (state, *stored):
            updates.append((last, last_in, last_out, stage.value, note_at, replied_at, cid))
    if updates:
        connection.exec_driver_sql(_UPDATE_SQL, updates)


def contacts_with_history(s: Session, contact_ids: Iterable[int]) -> set[int]:
    """Those of ``contact_ids`` that take part in any interaction yet (an index-only lookup)."""
    ids = json.dumps(sorted(set(contact_ids)))
    rows = s.connection().exec_driver_sql(
        "SELECT DISTINCT contact_id FROM interaction_participants WHERE contact_id IN (SELECT value FROM json_each(?))",
        (ids,),
    )
    return {cid for (cid,) in rows}


def _exchanges_in(
    rows: Iterable[InteractionRow], wanted: Collection[int], now: datetime
) -> dict[int, list[tuple[str, str, str, bool]]]:
    """The plausible exchanges of each contact in ``wanted`` among ``rows``, sorted as ``_EXCHANGES_SQL`` sorts."""
    earliest, latest = repo.sqlite_datetime(EARLIEST_PLAUSIBLE), repo.sqlite_datetime(now + FUTURE_SLACK)
    assert earliest is not None and latest is not None
    found: dict[int, list[tuple[str, str, str, bool]]] = defaultdict(list)
    for when, kind, direction, _summary, notes, _external_id, participants, *_ in rows:
        if not earliest <= when <= latest:  # stored texts compare as the times they write
            continue
        row = (when, direction, kind, len(participants) > 1 and direction == "in" and kind in ("message", "email"))
        for cid, role in participants:
            if cid in wanted and is_exchange(kind, role, notes):
                found[cid].append(row)
    for exchanges in found.values():
        exchanges.sort(key=lambda r: (r[0], r[1] != "out"))
    return found


def refresh_from_added(
    s: Session, added: Sequence[InteractionRow], contact_ids: Iterable[int], now: datetime | None = None
) -> None:
    """The exchange facts of contacts whose whole timeline is ``added`` (people an import just matched who had none
    yet): folded from the values in hand, so that an import reads nothing back. The result is the one
    :func:`refresh_exchange_facts` would compute."""
    wanted = set(contact_ids)
    if not wanted:
        return
    found = _exchanges_in(added, wanted, now or repo.utcnow())
    # A contact whose facts are the ones it was created with (no exchange yet) is not written again.
    _write_changed_facts(s, json.dumps(sorted(wanted)), found)


FACT_COLUMNS = (
    "last_contacted",
    "last_in_at",
    "last_out_at",
    "followup_state",
    "followup_messaged_at",
    "followup_replied_at",
)


def new_contact_facts(
    added: Sequence[InteractionRow], connected_on: Mapping[int, str | None], now: datetime | None = None
) -> list[tuple[str | None, ...]]:
    """The exchange facts (``FACT_COLUMNS``) of contacts not yet written whose whole timeline will be ``added``, in
    the order of ``connected_on`` (their ids -> ISO date connected, or None): the values to insert them with, so that
    their facts are written once, with the row (what :func:`refresh_exchange_facts` would compute after the insert)."""
    found = _exchanges_in(added, connected_on, now or repo.utcnow())
    facts: list[tuple[str | None, ...]] = []
    for cid, connected in connected_on.items():
        last, last_in, last_out, stage, note_at, replied_at = fold_exchanges(found.get(cid, ()), connected, False)
        facts.append((last, last_in, last_out, stage.value, note_at, replied_at))
    return facts
