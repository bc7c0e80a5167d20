"""Turns a LinkedIn data export into contacts with a history: connections, messages and invitations.

Connections become contacts (merged with what is there by LinkedIn URL, email, or name at the same organisation);
their Company/Position are the newest job, so they replace older values, which go to the contact's history.
"Connected On" becomes a `connected` event, messages become message interactions and invitations connection
requests, all keyed by an external id so that importing a newer export adds only what is new.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Sequence
from contextlib import ExitStack
from datetime import datetime, time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from netdesk.core.exchange import implausible_reason
from netdesk.core.model import (
    Channel,
    Direction,
    InteractionDTO,
    InteractionKind,
    Participant,
    ParticipantRole,
)
from netdesk.core.names import given_names_may_match
from netdesk.core.normalize import fold
from netdesk.db import repository as repo
from netdesk.db.bulk_triggers import indexes_set_aside, indexes_worth_setting_aside, triggers_set_aside
from netdesk.db.tables import Contact, ContactPointRow
from netdesk.io import linkedin
from netdesk.io.report import ImportReport
from netdesk.services.contact_import import ImportCancelled, import_contacts_in
from netdesk.services.exchanges import contacts_with_history, refresh_exchange_facts, refresh_from_added
from netdesk.services.formats import CancelCheck, Progress
from netdesk.services.invitations import store_pending_invitations
from netdesk.services.owner import fill_from_linkedin
from netdesk.services.timeline import bulk_insert_interactions, existing_external_ids

SOURCE = "linkedin"
# From this many rows on, the per-row change-tracking triggers are set aside for the import, and the secondary indexes
# too when the import is larger than what is there (netdesk.db.bulk_triggers).
BULK_ROWS = 2000
JOB_FIELDS = frozenset({"organization", "title"})


def _digest(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]


class _People:
    """Resolves LinkedIn people (profile URL, else an unambiguous name) to contact ids."""

    def __init__(self, s: Session) -> None:
        self.by_url: dict[str, int] = {}
        rows = s.execute(
            select(ContactPointRow.value, ContactPointRow.contact_id)
            .join(Contact, Contact.id == ContactPointRow.contact_id)
            .where(ContactPointRow.kind == "url", Contact.deleted_at.is_(None))
        )
        for value, cid in rows:
            if "linkedin.com" in value.casefold():
                self.by_url.setdefault(linkedin.normalize_profile_url(value), cid)
        names: dict[str, set[int]] = defaultdict(set)
        for cid, key in s.execute(select(Contact.id, Contact.sort_key).where(Contact.deleted_at.is_(None))):
            names[key].add(cid)
        self.by_name = {k: next(iter(v)) for k, v in names.items() if len(v) == 1}

    def find(self, name: str, url: str) -> int | None:
        if url:
            cid = self.by_url.get(linkedin.normalize_profile_url(url))
            if cid is not None:
                return cid
        return self.by_name.get(fold(name).strip()) if name.strip() else None


class _Owner:
    """The account owner of the export (never a contact), recognised by profile URL, else by name."""

    def __init__(self, data: linkedin.LinkedInExport) -> None:
        self.url = linkedin.normalize_profile_url(data.owner_url) if data.owner_url else ""
        self.name = fold(data.owner_name).strip()

    def __call__(self, name: str, url: str) -> bool:
        if url and self.url:
            return linkedin.normalize_profile_url(url) == self.url
        return bool(name) and fold(name).strip() == self.name


def import_linkedin(
    s: Session,
    paths: Sequence[Path],
    report: ImportReport,
    *,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> tuple[list[int], list[int]]:
    """Read the export at ``paths`` and import it inside the caller's transaction.

    Returns the ids of the contacts imported and of the interactions added.
    """
    data = linkedin.read_linkedin(paths, report)
    if cancel is not None and cancel():
        raise ImportCancelled()
    rows = len(data.connections) + len(data.messages) + len(data.invitations)
    with ExitStack() as bulk:
        if rows >= BULK_ROWS:
            bulk.enter_context(triggers_set_aside(s))
            if indexes_worth_setting_aside(s, rows):
                bulk.enter_context(indexes_set_aside(s))
        return _import_export(s, data, report, progress, cancel)


def _import_export(
    s: Session,
    data: linkedin.LinkedInExport,
    report: ImportReport,
    progress: Progress | None,
    cancel: CancelCheck | None,
) -> tuple[list[int], list[int]]:
    connections = _plausible_connections(data.connections, report)
    before_names = _existing_names(s) if connections else {}
    result = import_contacts_in(
        s,
        [c.contact for c in connections],
        report,
        source=SOURCE,
        match_names=True,
        prefer_incoming=JOB_FIELDS,
        progress=progress,
        cancel=cancel,
    )
    _suggest_near_duplicates(connections, result.ids, before_names, report)

    known = existing_external_ids(s, SOURCE)
    new: list[InteractionDTO] = []

    def add(interaction: InteractionDTO) -> None:
        if interaction.external_id not in known:
            known.add(interaction.external_id)
            new.append(interaction)

    for conn, cid in zip(connections, result.ids, strict=True):
        if cid is not None and conn.connected_on is not None:
            add(
                InteractionDTO(
                    occurred_at=datetime.combine(conn.connected_on, time(12, 0)),
                    kind=InteractionKind.CONNECTED,
                    channel=Channel.ONLINE,
                    summary="Connected on LinkedIn",
                    participants=(Participant(cid),),
                    source=SOURCE,
                    external_id="connected:" + (conn.profile_url or _digest(conn.contact.name)),
                )
            )

    people = _People(s)
    is_owner = _Owner(data)
    now = repo.utcnow()
    unknown: Counter[str] = Counter()
    for n, msg in enumerate(data.messages):
        if cancel is not None and n % 5000 == 0 and cancel():
            raise ImportCancelled()
        message = _message_interaction(msg, people, is_owner, now, report, unknown)
        if message is not None:
            add(message)
    pending: list[linkedin.LinkedInInvitation] = []
    answered: dict[str, int] = {}  # incoming invitations from people who are contacts now
    for inv in data.invitations:
        bad_date = implausible_reason(inv.sent_at, now)
        if bad_date is not None:
            report.error(inv.file, inv.line, f"invitation skipped: {bad_date}")
            continue
        outgoing = inv.direction is Direction.OUT
        name, url = (inv.to_name, inv.invitee_url) if outgoing else (inv.from_name, inv.inviter_url)
        cid = people.find(name, url)
        if cid is None:
            if outgoing:
                unknown[name or url] += 1
            else:
                pending.append(inv)  # someone who invited the user and is not a contact (yet): a due item
            continue
        if not outgoing:
            answered[_invitation_id(inv)] = cid
        add(
            InteractionDTO(
                occurred_at=inv.sent_at.replace(tzinfo=None),
                kind=InteractionKind.CONNECTION_REQUEST,
                channel=Channel.ONLINE,
                direction=inv.direction,
                summary=_invitation_summary(outgoing, inv.message),
                notes=inv.message,
                participants=(Participant(cid),),
                source=SOURCE,
                external_id=_invitation_id(inv),
            )
        )
    if progress is not None:
        progress(len(data.messages), len(data.messages), "saving history")
    touched = {p.contact_id for i in new for p in i.participants}
    with_history = contacts_with_history(s, touched)  # before the insert: who had a timeline already
    added = bulk_insert_interactions(s, new)
    report.interactions_added += len(new)
    store_pending_invitations(
        s, [(_invitation_id(i), i.from_name, i.inviter_url, i.message, i.sent_at) for i in pending], answered, SOURCE
    )
    # The exchange facts (last contact, replies owed, follow-up stage) of the people on new interactions; a new
    # connection always has one (its "connected" event), so its pipeline starts here. A re-import adding nothing
    # touches nobody.
    refresh_exchange_facts(s, with_history, now)
    refresh_from_added(s, new, touched - with_history, now)
    for who, count in sorted(unknown.items(), key=lambda kv: (-kv[1], kv[0])):
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


def _invitation_id(inv: linkedin.LinkedInInvitation) -> str:
    return "invitation:" + _digest(inv.from_name, inv.to_name, inv.sent_at.isoformat())


def _invitation_summary(outgoing: bool, message: str) -> str:
    sent = "Connection request sent" if outgoing else "Connection request received"
    return sent + (" with a note" if message.strip() else "")


def _message_interaction(
    msg: linkedin.LinkedInMessage,
    people: _People,
    is_owner: _Owner,
    now: datetime,
    report: ImportReport,
    unknown: Counter[str],
) -> InteractionDTO | None:
    """A message as an interaction: who it was with, and in what role (see netdesk.core.exchange).

    A one-to-one message is an exchange with the other person either way. On a group message, the sender (when it
    is not the user) is the one the user heard from; everyone else was merely present. A message the user sent to a
    group is an exchange with nobody in particular.
    """
    sent_at = msg.sent_at.replace(tzinfo=None)
    bad_date = implausible_reason(sent_at, now)
    if bad_date is not None:
        report.error(msg.file, msg.line, f"message skipped: {bad_date}")
        return None
    outgoing = is_owner(msg.sender_name, msg.sender_url)
    names, urls = msg.recipient_names, msg.recipient_urls
    paired = zip(names, urls if len(urls) == len(names) else _pad(msg), strict=True)
    recipients = [(name, url) for name, url in paired if not is_owner(name, url)]
    sender_id = None
    if not outgoing:
        sender_id = people.find(msg.sender_name, msg.sender_url)
        if sender_id is None:
            report.error(
                msg.file,
                msg.line,
                f"message from {msg.sender_name or msg.sender_url or 'an unnamed sender'}: the sender matches nobody "
                "among your contacts, so it counts as an exchange with nobody",
            )
    ids: list[int] = []
    for name, url in recipients:
        cid = people.find(name, url)
        if cid is None:
            unknown[name or url] += 1
        elif cid not in ids and cid != sender_id:
            ids.append(cid)
    if sender_id is None and not outgoing and not ids:
        unknown[msg.sender_name or msg.sender_url] += 1
        return None
    one_to_one = len(recipients) + (0 if outgoing else 1) == 1
    if outgoing:
        role = ParticipantRole.PARTICIPANT if one_to_one else ParticipantRole.GROUP
        participants = tuple(Participant(i, role) for i in ids)
    else:
        participants = tuple(Participant(i, ParticipantRole.GROUP) for i in ids)
        if sender_id is not None:
            participants = (Participant(sender_id), *participants)
    if not participants:
        return None
    return InteractionDTO(
        occurred_at=sent_at,
        kind=InteractionKind.MESSAGE,
        channel=Channel.ONLINE,
        direction=Direction.OUT if outgoing else Direction.IN,
        summary=msg.subject or msg.conversation_title or _first_line(msg.content),
        notes=msg.content,
        participants=participants,
        source=SOURCE,
        external_id="message:"
        + _digest(msg.conversation_id, msg.sent_at.isoformat(), msg.sender_url or msg.sender_name, msg.content),
    )


def _pad(msg: linkedin.LinkedInMessage) -> list[str]:
    urls = list(msg.recipient_urls)
    return (urls + [""] * len(msg.recipient_names))[: len(msg.recipient_names)]


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line[:80] + ("…" if len(line) > 80 else "")


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
