"""The history a LinkedIn export brings, decided before anything is written: one stored row per interaction.

Connections become `connected` events, messages message interactions and invitations connection requests, each keyed
by an external id so that importing a newer export adds only what is new. The people on them are resolved against
the contacts as they will be once the import's contacts are written (``People``), so that the contacts can be written
with their exchange facts already folded in, and every table with one executemany.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from netdesk.core.exchange import implausible_reason
from netdesk.core.model import ContactDTO, Direction, display_name
from netdesk.core.normalize import fold, sort_key
from netdesk.db import repository as repo
from netdesk.db.interaction_rows import InteractionRow
from netdesk.db.tables import Contact, ContactPointRow
from netdesk.io import linkedin
from netdesk.io.report import ImportProblem, ImportReport
from netdesk.services.contact_import import ImportCancelled
from netdesk.services.formats import CancelCheck
from netdesk.services.linkedin_messages import MessageDraft, Owner, digest, draft_messages

SOURCE = "linkedin"
ONLINE = "online"
PARTICIPANT, GROUP = "participant", "group"


class People:
    """Resolves LinkedIn people (profile URL, else an unambiguous name) to contact ids: the contacts in the database,
    with the import's matched and new contacts (``contacts``: id -> contact as it will be written) over them."""

    def __init__(self, s: Session, contacts: Iterable[tuple[int, ContactDTO]]) -> None:
        self.by_url: dict[str, int] = {}
        rows = s.execute(
            select(ContactPointRow.value, ContactPointRow.contact_id)
            .join(Contact, Contact.id == ContactPointRow.contact_id)
            .where(ContactPointRow.kind == "url", Contact.deleted_at.is_(None))
        )
        for value, cid in rows:
            if "linkedin.com" in value.casefold():
                self.by_url.setdefault(linkedin.normalize_profile_url(value), cid)
        keys = dict(s.execute(select(Contact.id, Contact.sort_key).where(Contact.deleted_at.is_(None))).all())
        for cid, dto in contacts:
            keys[cid] = sort_key(display_name(dto))  # the sort key the contact is written with
            for url in dto.urls:
                value = url.value.strip()
                if value and "linkedin.com" in value.casefold():
                    self.by_url.setdefault(linkedin.normalize_profile_url(value), cid)
        names: dict[str, set[int]] = defaultdict(set)
        for cid, key in keys.items():
            names[key].add(cid)
        self.by_name = {k: next(iter(v)) for k, v in names.items() if len(v) == 1}

    def find(self, name: str, url: str) -> int | None:
        if url:
            # A URL as the export gives it is mostly canonical already: a key as it is (normalising is idempotent).
            cid = self.by_url.get(url)
            if cid is None:
                cid = self.by_url.get(linkedin.normalize_profile_url(url))
            if cid is not None:
                return cid
        return self.by_name.get(fold(name).strip()) if name.strip() else None


@dataclass
class HistoryPlan:
    """The rows to insert, and what the import reports or stores besides them."""

    rows: list[InteractionRow] = field(default_factory=list)
    # Invitations from people who are not contacts (yet): due items.
    pending: list[linkedin.LinkedInInvitation] = field(default_factory=list)
    # Incoming invitations from people who are contacts now: invitation id -> contact id.
    answered: dict[str, int] = field(default_factory=dict)
    # People on messages or invitations who are not contacts, with how often.
    unknown: Counter[str] = field(default_factory=Counter)


def plan_history(
    data: linkedin.LinkedInExport,
    connected: Iterable[tuple[linkedin.LinkedInConnection, int | None]],
    people: People,
    known: set[str],
    now: datetime,
    report: ImportReport,
    cancel: CancelCheck | None = None,
    drafts: Iterable[MessageDraft | ImportProblem] | None = None,
) -> HistoryPlan:
    """Every interaction the export adds (those whose external id is in ``known`` are there already): a `connected`
    event per connection with a date (``connected``: each with its contact id), then messages and invitations.

    ``drafts``: the messages drafted already (``linkedin_messages.MessageSide``), else drafted here."""
    plan = HistoryPlan()
    rows = plan.rows

    def add(row: InteractionRow) -> None:
        if row.external_id not in known:
            known.add(row.external_id)
            rows.append(row)

    for conn, cid in connected:
        if cid is not None and conn.connected_on is not None:
            add(
                InteractionRow(
                    conn.connected_on.isoformat() + " 12:00:00.000000",
                    "connected",
                    "",
                    "Connected on LinkedIn",
                    "",
                    "connected:" + (conn.profile_url or digest(conn.contact.name)),
                    ((cid, PARTICIPANT),),
                    ONLINE,
                    SOURCE,
                )
            )
    if drafts is None:
        drafts = draft_messages(data.messages, Owner(data), now)
    messages = _Messages(people, report, plan.unknown, known)
    for n, draft in enumerate(drafts):
        if cancel is not None and n % 5000 == 0 and cancel():
            raise ImportCancelled()
        if type(draft) is ImportProblem:
            report.errors.append(draft)
            continue
        row = messages.row(draft)  # type: ignore[arg-type]  # not an ImportProblem
        if row is not None:
            add(row)
    for inv in data.invitations:
        sent_at = inv.sent_at.replace(tzinfo=None)
        bad_date = implausible_reason(sent_at, now)
        if bad_date is not None:
            report.error(inv.file, inv.line, f"invitation skipped: {bad_date}")
            continue
        outgoing = inv.direction is Direction.OUT
        name, url = (inv.to_name, inv.invitee_url) if outgoing else (inv.from_name, inv.inviter_url)
        cid = people.find(name, url)
        if cid is None:
            if outgoing:
                plan.unknown[name or url] += 1
            else:
                plan.pending.append(inv)  # someone who invited the user and is not a contact (yet): a due item
            continue
        if not outgoing:
            plan.answered[invitation_id(inv)] = cid
        stored = repo.sqlite_datetime(sent_at)
        assert stored is not None
        add(
            InteractionRow(
                stored,
                "connection_request",
                inv.direction.value,
                _invitation_summary(outgoing, inv.message),
                inv.message,
                invitation_id(inv),
                ((cid, PARTICIPANT),),
                ONLINE,
                SOURCE,
            )
        )
    return plan


def invitation_id(inv: linkedin.LinkedInInvitation) -> str:
    return "invitation:" + digest(inv.from_name, inv.to_name, inv.sent_at.isoformat())


def _invitation_summary(outgoing: bool, message: str) -> str:
    sent = "Connection request sent" if outgoing else "Connection request received"
    return sent + (" with a note" if message.strip() else "")


class _Messages:
    """Messages as interaction rows: who each was with, and in what role (see netdesk.core.exchange).

    A one-to-one message is an exchange with the other person either way. On a group message, the sender (when it
    is not the user) is the one the user heard from; everyone else was merely present. A message the user sent to a
    group is an exchange with nobody in particular.
    """

    def __init__(self, people: People, report: ImportReport, unknown: Counter[str], known: Collection[str]):
        self.people, self.report, self.unknown, self.known = people, report, unknown, known

    def row(self, draft: MessageDraft) -> InteractionRow | None:
        (
            occurred_at,
            outgoing,
            external_id,
            sender_name,
            sender_url,
            recipients,
            with_one,
            summary,
            content,
            file,
            line,
        ) = draft
        people, unknown = self.people, self.unknown
        if with_one and external_id in self.known:
            # Stored by an earlier import (a re-import): a message between the user and one other person was stored
            # only if that person was a contact, so looking them up again reports nothing (one since trashed or
            # deleted, and gone from the connections, is not listed among the unknown people again).
            return None
        sender_id = None
        if not outgoing:
            sender_id = people.find(sender_name, sender_url)
            if sender_id is None:
                self.report.error(
                    file,
                    line,
                    f"message from {sender_name or sender_url or 'an unnamed sender'}: the sender matches "
                    "nobody among your contacts, so it counts as an exchange with nobody",
                )
        ids: list[int] = []
        for name, url in recipients:
            cid = people.find(name, url)
            if cid is None:
                unknown[name or url] += 1
            elif cid not in ids and cid != sender_id:
                ids.append(cid)
        if sender_id is None and not outgoing and not ids:
            unknown[sender_name or sender_url] += 1
            return None
        if outgoing:
            one_to_one = len(recipients) == 1
            role = PARTICIPANT if one_to_one else GROUP
            participants = tuple([(i, role) for i in ids])
        else:
            participants = tuple([(i, GROUP) for i in ids])
            if sender_id is not None:
                participants = ((sender_id, PARTICIPANT), *participants)
        if not participants:
            return None
        return InteractionRow(
            occurred_at,
            "message",
            "out" if outgoing else "in",
            summary,
            content,
            external_id,
            participants,
            ONLINE,
            SOURCE,
        )
