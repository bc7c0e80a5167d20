"""Turns a LinkedIn data export into contacts with a history: connections, messages and invitations.

Connections become contacts (merged with what is there by LinkedIn URL, email, or name at the same organisation);
their Company/Position are the newest job, so they replace older values, which go to the contact's history.
"Connected On" becomes a `connected` event, messages become message interactions and invitations connection
requests, all keyed by an external id so that importing a newer export adds only what is new.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from netdesk.core.exchange import implausible_reason
from netdesk.core.model import display_name
from netdesk.core.names import given_names_may_match
from netdesk.core.normalize import fold, sort_key
from netdesk.db import repository as repo
from netdesk.db.bulk_insert import next_contact_id
from netdesk.db.bulk_triggers import (
    indexes_set_aside,
    indexes_worth_setting_aside,
    page_cache_enlarged,
    search_index_buffered,
    triggers_set_aside,
)
from netdesk.db.checkpoint import defer_checkpoint
from netdesk.db.interaction_rows import InteractionRow, insert_interaction_rows
from netdesk.db.tables import Contact
from netdesk.io import linkedin
from netdesk.io.report import ImportReport
from netdesk.services.contact_import import ContactPlan, ImportCancelled, match_contacts, write_contacts
from netdesk.services.exchanges import (
    FACT_COLUMNS,
    contacts_with_history,
    new_contact_facts,
    refresh_exchange_facts,
    refresh_from_added,
)
from netdesk.services.formats import CancelCheck, Progress
from netdesk.services.invitations import store_pending_invitations
from netdesk.services.linkedin_plan import SOURCE, HistoryPlan, People, invitation_id, plan_history
from netdesk.services.owner import fill_from_linkedin
from netdesk.services.timeline import existing_external_ids

# From this many rows on, the per-row change-tracking triggers are set aside for the import, and the secondary indexes
# too when the import is larger than what is there (netdesk.db.bulk_triggers).
BULK_ROWS = 2000
JOB_FIELDS = frozenset({"organization", "title"})
# A message the user logged by hand ("Mark as sent", the follow-up buttons, `netdesk log`) is the export's message when
# the export holds one this close to it (the log is in local time, the export in UTC, and a log may come late).
LOGGED_SLACK = timedelta(days=2)


def import_linkedin(
    s: Session,
    data: linkedin.LinkedInExport,
    report: ImportReport,
    *,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> tuple[list[int], list[int]]:
    """Import the export ``data`` (as ``linkedin.read_linkedin`` read it) inside the caller's transaction.

    Returns the ids of the contacts imported and of the interactions added.
    """
    if cancel is not None and cancel():
        raise ImportCancelled()
    rows = len(data.connections) + len(data.messages) + len(data.invitations)
    with ExitStack() as bulk:
        if rows >= BULK_ROWS:
            # Matching and planning this many rows reads most of the database: a larger cache (it writes nothing).
            bulk.enter_context(page_cache_enlarged(s))
        plan = _plan_import(s, data, report, progress, cancel)
        # Set aside by what will be written, not by what was read: a re-import of the same export writes nothing,
        # so it drops and builds again no trigger, index or search setting.
        writes = plan.rows_to_write()
        if writes >= BULK_ROWS:
            bulk.enter_context(triggers_set_aside(s))
            bulk.enter_context(search_index_buffered(s))
            defer_checkpoint(s)
            if indexes_worth_setting_aside(s, writes):
                bulk.enter_context(indexes_set_aside(s))
        return _write_import(s, data, plan, report, progress)


@dataclass
class _ImportPlan:
    """Everything an import of an export will write, decided before the first row is written."""

    contacts: ContactPlan
    changed_ids: list[int]
    first_new_id: int
    ids: Sequence[int | None]
    history: HistoryPlan
    now: datetime

    def rows_to_write(self) -> int:
        return len(self.contacts.new_dtos) + len(self.changed_ids) + len(self.history.rows)


def _plan_import(
    s: Session,
    data: linkedin.LinkedInExport,
    report: ImportReport,
    progress: Progress | None,
    cancel: CancelCheck | None,
) -> _ImportPlan:
    # Plan, then write: every contact and interaction is decided before the first row is written, so that the new
    # contacts are written once, their exchange facts included, and each table with one executemany.
    connections = _plausible_connections(data.connections, report)
    before_names = _existing_names(s) if connections else {}
    contacts = match_contacts(
        s,
        [c.contact for c in connections],
        report,
        match_names=True,
        prefer_incoming=JOB_FIELDS,
        progress=progress,
        cancel=cancel,
    )
    # The write lock is held (write_transaction): nobody else can take these ids before the contacts are written.
    first_new_id = next_contact_id(s)
    ids = contacts.ids(first_new_id)
    _suggest_near_duplicates(connections, ids, before_names, report)
    changed_ids = contacts.changed_ids()
    changed = contacts.existing_dtos
    planned = [(cid, changed[cid], sort_key(display_name(changed[cid]))) for cid in changed_ids]
    # The new contacts with the sort keys matching computed for them.
    planned += [
        (first_new_id + n, dto, key)
        for n, (dto, (_name, key)) in enumerate(zip(contacts.new_dtos, contacts.new_names(), strict=True))
    ]
    people = People(s, planned)
    now = repo.utcnow()
    history = plan_history(
        data, zip(connections, ids, strict=True), people, existing_external_ids(s, SOURCE), now, report, cancel
    )
    return _ImportPlan(contacts, changed_ids, first_new_id, ids, history, now)


def _write_import(
    s: Session,
    data: linkedin.LinkedInExport,
    plan: _ImportPlan,
    report: ImportReport,
    progress: Progress | None,
) -> tuple[list[int], list[int]]:
    contacts, history, first_new_id, now = plan.contacts, plan.history, plan.first_new_id, plan.now
    if progress is not None:
        progress(len(data.messages), len(data.messages), "saving history")
    new = _without_logged_messages(s, history.rows, first_new_id)
    touched = {cid for row in new for cid, _role in row.participants}
    # Those who had a timeline already get their facts from it once the rows are in; the others from the rows in hand.
    existing = {cid for cid in touched if cid < first_new_id}
    with_history = contacts_with_history(s, existing)
    connected_on = {
        first_new_id + n: (dto.connected_on.isoformat() if dto.connected_on else None)
        for n, dto in enumerate(contacts.new_dtos)
    }
    facts = new_contact_facts(new, connected_on, now)
    result = write_contacts(
        s, contacts, report, source=SOURCE, first_new_id=first_new_id, extra_columns=FACT_COLUMNS, extra=facts
    )
    added = insert_interaction_rows(s, new)
    report.interactions_added += len(new)
    store_pending_invitations(
        s,
        [(invitation_id(i), i.from_name, i.inviter_url, i.message, i.sent_at) for i in history.pending],
        history.answered,
        SOURCE,
    )
    # The exchange facts (last contact, replies owed, follow-up stage) of the people on new interactions; a new
    # connection always has one (its "connected" event), so its pipeline starts here. A re-import adding nothing
    # touches nobody.
    refresh_exchange_facts(s, with_history, now)
    refresh_from_added(s, new, existing - with_history, now)
    for who, count in sorted(history.unknown.items(), key=lambda kv: (-kv[1], kv[0])):
        report.skipped.append(f"{count} LinkedIn message(s)/invitation(s) with {who}: not among your contacts")
    # You, as the export describes you: filled where your profile is still empty (issue 15).
    fill_from_linkedin(
        s,
        data.profile_name or data.owner_name,
        data.owner_url,
        data.profile_headline or data.profile_position,  # no headline: your current role
        data.profile_websites,
        data.profile_emails,
    )
    return [i for i in result.ids if i is not None], result.interactions + added


_LOGGED_SQL = (
    "SELECT p.contact_id, i.id, i.occurred_at, i.direction, i.notes FROM interaction_participants p"
    " JOIN interactions i ON i.id = p.interaction_id WHERE p.contact_id IN (SELECT value FROM json_each(?))"
    " AND p.role = 'participant' AND i.kind = 'message' AND i.source = '' AND i.external_id = ''"
    " AND NOT EXISTS (SELECT 1 FROM interaction_participants q WHERE q.interaction_id = i.id"
    " AND q.contact_id != p.contact_id)"
)


def _without_logged_messages(s: Session, rows: list[InteractionRow], first_new_id: int) -> list[InteractionRow]:
    """``rows`` without the one-to-one messages the user had logged by hand already: one message is one exchange.

    A logged message is the export's when it is with the same person, in the same direction, within LOGGED_SLACK, and
    holds the same text or none (an override, a bare log). It keeps what the user wrote and when, and takes the
    export's id, so that a later export finds it there."""

    def one_to_one(row: InteractionRow) -> int | None:
        if row.kind != "message" or len(row.participants) != 1 or row.participants[0][0] >= first_new_id:
            return None
        return row.participants[0][0]

    wanted = {cid for row in rows if (cid := one_to_one(row)) is not None}
    if not wanted:
        return rows
    logged: dict[tuple[int, str], list[tuple[int, datetime, str]]] = defaultdict(list)
    for cid, iid, when, direction, notes in s.connection().exec_driver_sql(_LOGGED_SQL, (json.dumps(sorted(wanted)),)):
        logged[cid, direction].append((iid, datetime.fromisoformat(str(when)), " ".join((notes or "").split())))
    if not logged:
        return rows
    kept, adopted = [], []
    for row in rows:
        cid = one_to_one(row)
        candidates = logged.get((cid, row.direction)) if cid is not None else None
        if candidates:
            when, text = datetime.fromisoformat(row.occurred_at), " ".join(row.notes.split())
            fits = [c for c in candidates if abs(c[1] - when) <= LOGGED_SLACK and c[2] in ("", text)]
            if fits:
                best = min(fits, key=lambda c: (c[2] != text, abs(c[1] - when)))
                candidates.remove(best)
                adopted.append((row.source, row.external_id, best[0]))
                continue
        kept.append(row)
    if adopted:
        s.connection().exec_driver_sql("UPDATE interactions SET source = ?, external_id = ? WHERE id = ?", adopted)
    return kept


def _plausible_connections(
    connections: list[linkedin.LinkedInConnection], report: ImportReport
) -> list[linkedin.LinkedInConnection]:
    """A connection dated before 1990 or in the future keeps its contact but loses the date (and the follow-up)."""
    now = repo.utcnow()
    kept = []
    for conn in connections:
        when = conn.connected_on
        bad = None if when is None else implausible_reason(datetime.combine(when, time(12, 0)), now)
        if bad is not None:
            report.error(conn.file, conn.line, f"'Connected On' ignored: {bad}")
            conn = conn._replace(connected_on=None, contact=conn.contact.replace(connected_on=None))
        kept.append(conn)
    return kept


def _existing_names(s: Session) -> dict[str, list[tuple[int, str, str]]]:
    """Existing people by folded family name: (id, folded given name, display name), for fuzzy suggestions."""
    by_family: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    rows = s.execute(
        select(Contact.id, Contact.given_name, Contact.family_name, Contact.display_name).where(
            Contact.deleted_at.is_(None), Contact.kind == "person"
        )
    )
    for cid, given, family, name in rows:
        if family:
            by_family[fold(family)].append((cid, fold(given), name))
    return by_family


def _suggest_near_duplicates(
    connections: Sequence[linkedin.LinkedInConnection],
    ids: Sequence[int | None],
    before: dict[str, list[tuple[int, str, str]]],
    report: ImportReport,
) -> None:
    """'Bob Smith' from LinkedIn may be 'Robert Smith' already in NetDesk: suggested, never merged silently."""
    if not before:
        return  # nobody there before the import (a first import): nobody to suggest
    for conn, cid in zip(connections, ids, strict=True):
        c = conn.contact
        candidates = before.get(fold(c.family_name), [])
        given = fold(c.given_name)
        for other_id, other_given, other_name in candidates:
            if other_id == cid or not given or other_given == given:
                continue
            if given_names_may_match(given, other_given):
                report.suggestions.append(f"“{c.name}” from LinkedIn may be the same person as “{other_name}”")
                break
