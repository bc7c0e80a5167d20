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
from hashlib import sha1

from sqlalchemy import select
from sqlalchemy.orm import Session

from netdesk.core.exchange import EARLIEST_PLAUSIBLE, FUTURE_SLACK, implausible_reason
from netdesk.core.model import ContactDTO, Direction
from netdesk.core.normalize import fold
from netdesk.db import repository as repo
from netdesk.db.interaction_rows import InteractionRow
from netdesk.db.tables import Contact, ContactPointRow
from netdesk.io import linkedin
from netdesk.io.html_text import html_to_text
from netdesk.io.report import ImportReport
from netdesk.services.contact_import import ImportCancelled
from netdesk.services.formats import CancelCheck

SOURCE = "linkedin"
ONLINE = "online"
PARTICIPANT, GROUP = "participant", "group"


def digest(*parts: str) -> str:
    return sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]


class People:
    """Resolves LinkedIn people (profile URL, else an unambiguous name) to contact ids: the contacts in the database,
    with the import's matched and new contacts (``contacts``: id, contact as it will be written and the sort key it
    will be written with) over them."""

    def __init__(self, s: Session, contacts: Iterable[tuple[int, ContactDTO, str]]) -> None:
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
        for cid, dto, key in contacts:
            keys[cid] = key
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


class Owner:
    """The account owner of the export (never a contact), recognised by profile URL, else by name."""

    def __init__(self, data: linkedin.LinkedInExport) -> None:
        self.url = linkedin.normalize_profile_url(data.owner_url) if data.owner_url else ""
        self.name = fold(data.owner_name).strip()

    def __call__(self, name: str, url: str) -> bool:
        if url and self.url:
            # Every message names the owner, mostly by the URL as given: equal text needs no normalising.
            return url == self.url or linkedin.normalize_profile_url(url) == self.url
        return bool(name) and fold(name).strip() == self.name


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
) -> HistoryPlan:
    """Every interaction the export adds (those whose external id is in ``known`` are there already): a `connected`
    event per connection with a date (``connected``: each with its contact id), then messages and invitations."""
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
    messages = _Messages(people, Owner(data), now, report, plan.unknown, known)
    for n, msg in enumerate(data.messages):
        if cancel is not None and n % 5000 == 0 and cancel():
            raise ImportCancelled()
        row = messages.row(msg)
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

    def __init__(
        self,
        people: People,
        is_owner: Owner,
        now: datetime,
        report: ImportReport,
        unknown: Counter[str],
        known: Collection[str],
    ):
        self.people, self.is_owner, self.now, self.report, self.unknown = people, is_owner, now, report, unknown
        self.known = known
        self.earliest = repo.sqlite_datetime(EARLIEST_PLAUSIBLE) or ""
        self.latest = repo.sqlite_datetime(now + FUTURE_SLACK) or ""

    def row(self, msg: linkedin.LinkedInMessage) -> InteractionRow | None:
        conversation, title, sender_name, sender_url, names, urls, sent_at, subject, content, _, file, line, text = msg
        if text:  # the reader's "2023-05-02 14:03:11" for sent_at (UTC): no datetime to format
            stored = text + ".000000"
            iso = text[:10] + "T" + text[11:] + "+00:00"  # the external id's form: "2023-05-02T14:03:11+00:00"
        else:
            stored = repo.sqlite_datetime(sent_at) or ""
            iso = sent_at.isoformat()
        if not self.earliest <= stored <= self.latest:  # stored texts compare as the times they write
            bad_date = implausible_reason(sent_at.replace(tzinfo=None), self.now)
            self.report.error(file, line, f"message skipped: {bad_date}")
            return None
        is_owner, owner_url = self.is_owner, self.is_owner.url
        # Most messages name the owner by the very URL of the owner: equal text is the owner without a call.
        outgoing = (owner_url != "" and sender_url == owner_url) or is_owner(sender_name, sender_url)
        external_id = "message:" + digest(conversation, iso, sender_url or sender_name, content)
        participants: tuple[tuple[int, str], ...] | None
        if len(names) == 1 and len(urls) == 1:
            # One recipient with their URL (nearly every message): the steps of _participants for one person.
            name, url = names[0], urls[0]
            to_owner = (owner_url != "" and url == owner_url) or is_owner(name, url)
            if (outgoing or to_owner) and external_id in self.known:
                return None  # see _participants
            participants = self._one_to_one(msg, outgoing, name, url, to_owner)
        else:
            participants = self._participants(msg, outgoing, external_id)
        if not participants:
            return None
        body = html_to_text(content)  # the external id above keeps the content as written
        return InteractionRow(
            stored,
            "message",
            "out" if outgoing else "in",
            subject or title or _first_line(body),
            body,
            external_id,
            participants,
            ONLINE,
            SOURCE,
        )

    def _one_to_one(
        self, msg: linkedin.LinkedInMessage, outgoing: bool, name: str, url: str, to_owner: bool
    ) -> tuple[tuple[int, str], ...]:
        """_participants for a message with one recipient (``to_owner``: whether it is the owner)."""
        find, by_url = self.people.find, self.people.by_url
        if outgoing:
            if to_owner:
                return ()  # to oneself: an exchange with nobody
            cid = by_url.get(url) if url else None
            if cid is None:
                cid = find(name, url)
                if cid is None:
                    self.unknown[name or url] += 1
                    return ()
            return ((cid, PARTICIPANT),)
        sender_name, sender_url = msg.sender_name, msg.sender_url
        sender_id = by_url.get(sender_url) if sender_url else None
        if sender_id is None:
            sender_id = find(sender_name, sender_url)
            if sender_id is None:
                self._unknown_sender(msg)
        cid = None
        if not to_owner:
            cid = find(name, url)
            if cid is None:
                self.unknown[name or url] += 1
            elif cid == sender_id:
                cid = None
        if sender_id is None:
            if cid is None:
                self.unknown[sender_name or sender_url] += 1
                return ()
            return ((cid, GROUP),)
        return ((sender_id, PARTICIPANT),) if cid is None else ((sender_id, PARTICIPANT), (cid, GROUP))

    def _participants(
        self, msg: linkedin.LinkedInMessage, outgoing: bool, external_id: str
    ) -> tuple[tuple[int, str], ...] | None:
        """Who a message was with, each with their role; None when it was stored by an earlier import."""
        people, is_owner, unknown = self.people, self.is_owner, self.unknown
        names, urls = msg.recipient_names, msg.recipient_urls
        if external_id in self.known and len(names) == 1 and (outgoing or is_owner(names[0], urls[0] if urls else "")):
            # Stored by an earlier import (a re-import): a message between the user and one other person was stored
            # only if that person was a contact, so looking them up again reports nothing (one since trashed or
            # deleted, and gone from the connections, is not listed among the unknown people again).
            return None
        paired = zip(names, urls if len(urls) == len(names) else _pad(msg), strict=True)
        recipients = [(name, url) for name, url in paired if not is_owner(name, url)]
        sender_id = None
        if not outgoing:
            sender_id = people.find(msg.sender_name, msg.sender_url)
            if sender_id is None:
                self._unknown_sender(msg)
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
        if outgoing:
            one_to_one = len(recipients) == 1
            role = PARTICIPANT if one_to_one else GROUP
            return tuple([(i, role) for i in ids])
        participants = tuple([(i, GROUP) for i in ids])
        if sender_id is not None:
            participants = ((sender_id, PARTICIPANT), *participants)
        return participants

    def _unknown_sender(self, msg: linkedin.LinkedInMessage) -> None:
        self.report.error(
            msg.file,
            msg.line,
            f"message from {msg.sender_name or msg.sender_url or 'an unnamed sender'}: the sender matches "
            "nobody among your contacts, so it counts as an exchange with nobody",
        )


def _pad(msg: linkedin.LinkedInMessage) -> list[str]:
    urls = list(msg.recipient_urls)
    return (urls + [""] * len(msg.recipient_names))[: len(msg.recipient_names)]


def _first_line(text: str) -> str:
    stripped = text.strip()
    # The first line of the text before its first "\n" is the text's first line (the text no longer begins with a
    # line break), without splitting a long message into all its lines.
    line = stripped.split("\n", 1)[0].splitlines()[0] if stripped else ""
    return line[:80] + ("…" if len(line) > 80 else "")
