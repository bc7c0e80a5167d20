"""Reader for LinkedIn's data export ("Get a copy of your data"): connections, messages and invitations.

Pure parsing, no database: :func:`read_linkedin` turns the export ZIP (as downloaded), a folder holding its CSV files,
or the CSV files one by one into plain records; ``netdesk.services.linkedin_import`` decides what they mean for the
address book. Every bad row becomes a problem in the :class:`ImportReport` (file, physical line, reason) and the rest
still imports.

Formats (as seen in real exports):

- ``Connections.csv``: First Name, Last Name, URL, Email Address, Company, Position, Connected On ("15 Mar 2021").
  Recent files begin with a "Notes:" paragraph (a quoted, possibly multi-line cell) and a blank line before the header.
- ``messages.csv``: CONVERSATION ID, CONVERSATION TITLE, FROM, SENDER PROFILE URL, TO, RECIPIENT PROFILE URLS, DATE
  ("2023-05-02 14:03:11 UTC"), SUBJECT, CONTENT, FOLDER, and in newer files ATTACHMENTS and more.
- ``Invitations.csv``: From, To, Sent At ("5/2/23, 2:03 PM"), Message, Direction (INCOMING/OUTGOING),
  inviterProfileUrl, inviteeProfileUrl.
- Exports of 2017-2018: ``Messages.csv`` is From, To, Date ("3/16/18, 2:03 PM"), Subject, Content, Direction, Folder
  (no conversation ids, no URLs); Connections.csv has no URL and a time after "Connected On" ("3/15/18, 10:00 AM").

Finding the files and their header rows is ``netdesk.io.linkedin_tables``, reading their dates
``netdesk.io.linkedin_dates``; this module reads the rows.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

from netdesk.core.frozen import fast_constructor
from netdesk.core.model import ContactDTO, ContactPoint, Direction
from netdesk.core.normalize import fold, is_valid_email
from netdesk.core.words import plural
from netdesk.io.linkedin_dates import parse_connected_on, parse_invitation_date, read_message_date
from netdesk.io.linkedin_tables import (
    CONNECTION_COLUMNS,
    CONNECTIONS,
    EMAILS,
    INVITATION_COLUMNS,
    INVITATIONS,
    MESSAGE_COLUMNS,
    MESSAGES,
    POSITIONS,
    Table,
    is_linkedin_csv,
    is_linkedin_zip,
    tables,
)
from netdesk.io.report import ImportReport

_URL = re.compile(r"https?://[^\s,\]\[\"]+", re.IGNORECASE)
# A connection's contact and its URL, built at a fraction of the cost of ContactDTO(...): 30,000 of them notice.
_new_contact = fast_constructor(ContactDTO)
_new_point = fast_constructor(ContactPoint)


# The records are named tuples rather than frozen dataclasses: just as immutable, and built several times as fast,
# which an export of 100,000 rows notices.
class LinkedInConnection(NamedTuple):
    contact: ContactDTO
    profile_url: str
    connected_on: date | None
    file: str
    line: int


class LinkedInMessage(NamedTuple):
    conversation_id: str
    conversation_title: str
    sender_name: str
    sender_url: str
    recipient_names: tuple[str, ...]
    recipient_urls: tuple[str, ...]
    sent_at: datetime  # timezone-aware (UTC), as the export states
    subject: str
    content: str
    folder: str
    file: str
    line: int
    # sent_at as "2023-05-02 14:03:11" when the export wrote it the usual way (nearly always), else "": the history
    # planner takes its stored text and external id from this instead of formatting 50,000 datetimes again.
    sent_at_text: str = ""


class LinkedInInvitation(NamedTuple):
    from_name: str
    to_name: str
    sent_at: datetime  # naive: the export gives no time zone
    message: str
    direction: Direction  # OUT for OUTGOING (the owner invited), IN for INCOMING
    inviter_url: str
    invitee_url: str
    file: str
    line: int


# Who is on a message: sender name, sender URL, recipient names, recipient URLs.
_People = tuple[str, str, tuple[str, ...], tuple[str, ...]]


@dataclass
class LinkedInExport:
    connections: list[LinkedInConnection] = field(default_factory=list)
    messages: list[LinkedInMessage] = field(default_factory=list)
    invitations: list[LinkedInInvitation] = field(default_factory=list)
    owner_name: str = ""
    owner_url: str = ""
    # From Profile.csv and Email Addresses.csv: the owner as they describe themselves.
    profile_name: str = ""
    profile_headline: str = ""
    profile_websites: list[str] = field(default_factory=list)
    profile_emails: list[str] = field(default_factory=list)
    # From Positions.csv: the owner's current role ("Title at Company"), the newest position not finished.
    profile_position: str = ""


# --- small helpers --------------------------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def normalize_profile_url(url: str) -> str:
    """Canonical form of a LinkedIn profile URL: https, www.linkedin.com, no query, fragment or trailing slash.

    "http://linkedin.com/in/ada-l/?trk=x" -> "https://www.linkedin.com/in/ada-l". URLs of other sites are returned
    stripped of surrounding space only; an empty string stays empty.
    """
    text = url.strip()
    if not text:
        return ""
    if text.startswith("https://www.linkedin.com/") and not text.endswith("/") and "?" not in text and "#" not in text:
        return text  # already canonical: the common case, kept cheap for 100,000-row files
    candidate = text if "://" in text else "https://" + text
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return text
    host = (parts.hostname or "").casefold()
    if host != "linkedin.com" and not host.endswith(".linkedin.com"):
        return text
    path = parts.path.rstrip("/")
    return f"https://www.linkedin.com{path}"


def _clean(text: str) -> str:
    """Collapse runs of whitespace (including line breaks inside a cell) to one space."""
    stripped = text.strip()
    if "  " in stripped or "\n" in stripped or "\r" in stripped or "\t" in stripped:
        return " ".join(stripped.split())
    return stripped


def _fix_mojibake(text: str) -> str:
    """Undo UTF-8 read as Windows-1252 ("JosÃ©" -> "José"), which some LinkedIn exports contain."""
    if "Ã" not in text and "Â" not in text and "â€" not in text:
        return text
    try:
        return text.encode("cp1252").decode("utf-8")
    except UnicodeError:
        return text


def _text(text: str) -> str:
    """A free-text cell (message body): mojibake repaired, Windows line ends made plain newlines."""
    return _plain_text(_fix_mojibake(text))


def _plain_text(text: str) -> str:
    return text.replace("\r\n", "\n") if "\r" in text else text


def _unchanged(text: str) -> str:
    return text


def _repaired_name(text: str) -> str:
    return _clean(_fix_mojibake(text))


class _CellReaders(NamedTuple):
    """How one file's cells are read: with the mojibake repair only when the file shows signs of it anywhere, so
    that the cells of a clean file (nearly every file) are not each tested for it."""

    name: Callable[[str], str]  # a name, company or title: repaired, whitespace collapsed
    text: Callable[[str], str]  # free text (a message body): repaired, plain newlines
    repair: Callable[[str], str]  # the repair alone

    @classmethod
    def of(cls, table: Table) -> _CellReaders:
        if table.may_have_mojibake:
            return cls(_repaired_name, _text, _fix_mojibake)
        return cls(_clean, _plain_text, _unchanged)


# --- reading rows ----------------------------------------------------------------------------------------------------


def _read_connections(table: Table, report: ImportReport, out: list[LinkedInConnection]) -> None:
    first, last, url_i, email_i, company_i, position_i, connected_i = (table.index(name) for name in CONNECTION_COLUMNS)
    name = _CellReaders.of(table).name
    for line, row in table.rows:
        given = name(row[first])
        family = name(row[last])
        if not given and not family:
            report.skip(table.file, line, "row has no name")  # a contact row not imported
            continue
        profile_url = normalize_profile_url(row[url_i])
        email = row[email_i].strip()
        emails: tuple[ContactPoint, ...] = ()
        if email:
            if is_valid_email(email):
                emails = (_new_point(email, "", pref=True),)
            else:
                report.error(table.file, line, f"invalid email address {email!r} ignored")
        raw_date = row[connected_i]
        connected_on = parse_connected_on(raw_date)
        if connected_on is None and raw_date.strip():
            report.error(table.file, line, f"cannot read 'Connected On' date {raw_date.strip()!r}")
        contact: ContactDTO = _new_contact(
            given_name=given,
            family_name=family,
            emails=emails,
            organization=name(row[company_i]),
            title=name(row[position_i]),
            urls=(_new_point(profile_url, label="linkedin"),) if profile_url else (),
            connected_on=connected_on,
        )
        out.append(LinkedInConnection(contact, profile_url, connected_on, table.file, line))


def _split_urls(text: str) -> tuple[str, ...]:
    # Exports have used both commas and semicolons between recipient URLs; URLs contain neither.
    if "," not in text and ";" not in text:
        url = normalize_profile_url(text)
        return (url,) if url else ()
    return tuple(u for u in (normalize_profile_url(p) for p in text.replace(";", ",").split(",")) if u)


def _split_names(text: str, url_count: int) -> tuple[str, ...]:
    if "," not in text:
        name = _clean(text)
        return (name,) if name else ()
    names = [n for n in (_clean(p) for p in text.split(",")) if n]
    # A single recipient whose name holds a comma ("Smith, Jr.") must not become two people.
    if url_count == 1 and len(names) > 1:
        return (_clean(text),)
    return tuple(names)


def _read_messages(
    table: Table, report: ImportReport, out: list[LinkedInMessage], on_messages: dict[tuple[str, _People], int]
) -> None:
    """Read the messages into ``out``, and count each distinct (conversation, people on a message) in
    ``on_messages`` (for the owner detection: a conversation's messages name the same people over and over)."""
    conv_i, title_i, from_i, sender_url_i, to_i, recipient_urls_i, date_i, subject_i, content_i, folder_i = (
        table.index(name) for name in MESSAGE_COLUMNS
    )
    # Recent exports hold the drafts too ("IS MESSAGE DRAFT", "IS CONVERSATION DRAFT": Yes/No): never sent, so
    # never on the record (a draft of a note is no note).
    draft_i, draft_conversation_i = table.index("IS MESSAGE DRAFT"), table.index("IS CONVERSATION DRAFT")
    drafts = 0
    cells = _CellReaders.of(table)
    repair, text = cells.repair, cells.text
    # The same few people write to each other over and over: each distinct (from, sender URL, to, recipient URLs)
    # is read once.
    people_of: dict[tuple[str, str, str, str], _People] = {}
    file = table.file
    for line, row in table.rows:
        draft, draft_conversation = row[draft_i], row[draft_conversation_i]
        if (draft not in _NOT_DRAFT or draft_conversation not in _NOT_DRAFT) and (
            _is_yes(draft) or _is_yes(draft_conversation)
        ):
            drafts += 1
            continue
        raw_date = row[date_i]
        sent_at, sent_at_text = read_message_date(raw_date)
        if sent_at is None:
            report.error(file, line, f"message skipped: cannot read date {raw_date.strip()!r}")
            continue
        key = (row[from_i], row[sender_url_i], row[to_i], row[recipient_urls_i])
        people = people_of.get(key)
        if people is None:
            recipient_urls = _split_urls(key[3])
            recipient_names = _split_names(repair(key[2]), len(recipient_urls))
            people = people_of[key] = (
                cells.name(key[0]),
                normalize_profile_url(key[1]),
                recipient_names,
                recipient_urls,
            )
        sender_name, sender_url, recipient_names, recipient_urls = people
        conversation = row[conv_i].strip()
        seen = (conversation or f"{file}:{line}", people)
        on_messages[seen] = on_messages.get(seen, 0) + 1
        out.append(
            LinkedInMessage(
                conversation,
                repair(row[title_i].strip()),
                sender_name,
                sender_url,
                recipient_names,
                recipient_urls,
                sent_at,
                repair(row[subject_i].strip()),
                text(row[content_i]),
                row[folder_i].strip(),
                file,
                line,
                sent_at_text,
            )
        )
    if drafts:
        report.skipped.append(f"{plural(drafts, 'message draft')} in {file}: never sent")


_NOT_DRAFT = frozenset({"", "No", "NO", "no", "false", "False"})  # the usual cells, answered without a call


def _is_yes(cell: str) -> bool:
    return cell.strip().casefold() in ("yes", "true")


def _read_invitations(table: Table, report: ImportReport, out: list[LinkedInInvitation]) -> None:
    from_i, to_i, sent_i, message_i, direction_i, inviter_i, invitee_i = (
        table.index(name) for name in INVITATION_COLUMNS
    )
    for line, row in table.rows:
        raw_direction = row[direction_i].strip().upper()
        if raw_direction == "OUTGOING":
            direction = Direction.OUT
        elif raw_direction == "INCOMING":
            direction = Direction.IN
        else:
            report.error(table.file, line, f"invitation skipped: unknown direction {raw_direction!r}")
            continue
        raw_date = row[sent_i]
        sent_at = parse_invitation_date(raw_date)
        if sent_at is None:
            report.error(table.file, line, f"invitation skipped: cannot read date {raw_date.strip()!r}")
            continue
        out.append(
            LinkedInInvitation(
                from_name=_clean(_fix_mojibake(row[from_i])),
                to_name=_clean(_fix_mojibake(row[to_i])),
                sent_at=sent_at,
                message=_text(row[message_i].strip()),
                direction=direction,
                inviter_url=normalize_profile_url(row[inviter_i]),
                invitee_url=normalize_profile_url(row[invitee_i]),
                file=table.file,
                line=line,
            )
        )


def _read_profile(table: Table, export: LinkedInExport) -> None:
    """Profile.csv (one row: your name, headline, websites), Email Addresses.csv (your addresses) or Positions.csv
    (your jobs, newest first)."""
    for _line, row in table.rows:
        if table.kind == POSITIONS:
            if not export.profile_position and not _text(row[table.index("Finished On")]).strip():
                parts = (_text(row[table.index(c)]).strip() for c in ("Title", "Company Name"))
                export.profile_position = " at ".join(p for p in parts if p)
            continue
        if table.kind == EMAILS:
            email = _text(row[table.index("Email Address")]).strip()
            if is_valid_email(email) and email not in export.profile_emails:
                export.profile_emails.append(email)
            continue
        name = " ".join(_text(row[table.index(c)]).strip() for c in ("First Name", "Last Name")).strip()
        export.profile_name = export.profile_name or name
        export.profile_headline = export.profile_headline or _text(row[table.index("Headline")]).strip()
        for url in _URL.findall(_text(row[table.index("Websites")])):
            if url not in export.profile_websites:
                export.profile_websites.append(url)


# --- owner detection ------------------------------------------------------------------------------------------------


def _person_key(name: str, url: str) -> str:
    return url if url else ("name:" + fold(name).strip() if name.strip() else "")


def _message_people(people: _People) -> Iterator[tuple[str, str]]:
    """(name, url) of everybody on a message: the sender, then the recipients."""
    sender_name, sender_url, names, urls = people
    yield sender_name, sender_url
    if len(names) == len(urls):
        yield from zip(names, urls, strict=True)
    else:  # names and URLs do not pair up: count the URLs, and the names only when there are no URLs
        yield from ((("", u) for u in urls) if urls else ((n, "") for n in names))


def _message_keys(people: _People) -> list[str]:
    """The person keys of everybody on a message (those of :func:`_message_people`, without building the pairs): a
    recipient's URL stands for them, and the names count only when there are no URLs."""
    sender_name, sender_url, names, urls = people
    keys = [sender_url or _person_key(sender_name, "")]
    keys.extend(urls or [_person_key(n, "") for n in names])
    return keys


def _owner_names(
    on_messages: dict[tuple[str, _People], int], best: str, owner_side: list[tuple[str, str]]
) -> Counter[str]:
    """How often each name is written for the person ``best``, in the order the rows give them."""
    names: Counter[str] = Counter()
    if best.startswith("name:"):
        for (_conversation, people), count in on_messages.items():
            for n, u in _message_people(people):
                if n and _person_key(n, u) == best:
                    names[n] += count
    else:  # a URL: only the sender and recipients paired with their URLs carry a name for it
        for (_conversation, (sender_name, sender_url, recipient_names, urls)), count in on_messages.items():
            if sender_url == best and sender_name:
                names[sender_name] += count
            if best in urls and len(urls) == len(recipient_names):
                for n, u in zip(recipient_names, urls, strict=True):
                    if n and u == best:
                        names[n] += count
    names.update(n for n, u in owner_side if n and _person_key(n, u) == best)
    return names


def _detect_owner(export: LinkedInExport, on_messages: dict[tuple[str, _People], int]) -> tuple[str, str]:
    """The account owner: the person on every conversation and on the owner's side of every invitation.

    Scores each person by the number of conversations they take part in plus the invitations where they are the
    owner side; ties (a single two-person conversation) go to someone who is not among the connections, since
    nobody is their own connection, then to the person Profile.csv names.
    """
    participants: dict[str, set[str]] = defaultdict(set)
    for conversation, people in on_messages:
        participants[conversation].update(_message_keys(people))
    score = Counter(chain.from_iterable(participants.values()))
    del score[""]  # nobody: a message without a sender or recipients named
    owner_side = [
        (inv.from_name, inv.inviter_url) if inv.direction is Direction.OUT else (inv.to_name, inv.invitee_url)
        for inv in export.invitations
    ]
    score.update(key for key in (_person_key(n, u) for n, u in owner_side) if key)
    if not score:
        return "", ""
    top = max(score.values())
    candidates = sorted(key for key, count in score.items() if count == top)
    if len(candidates) > 1:
        connection_keys = {c.profile_url for c in export.connections if c.profile_url}
        connection_keys |= {"name:" + fold(c.contact.name).strip() for c in export.connections}
        profile_name = fold(export.profile_name).strip()

        def named_in_profile(key: str) -> bool:
            return bool(profile_name) and any(
                fold(n).strip() == profile_name for n in _owner_names(on_messages, key, owner_side)
            )

        # Stable: non-connections first, and among them the one Profile.csv names (two strangers: a recruiter).
        candidates.sort(key=lambda key: (key in connection_keys, not named_in_profile(key)))
    best = candidates[0]
    # The name most often written for the owner.
    names = _owner_names(on_messages, best, owner_side)
    name = names.most_common(1)[0][0] if names else ""
    return name, ("" if best.startswith("name:") else best)


def read_linkedin(paths: Sequence[Path], report: ImportReport) -> LinkedInExport:
    """Read a LinkedIn export given as ZIP file(s), folder(s) or the CSV files themselves.

    A CSV file given directly that is not a LinkedIn export raises :class:`UnsupportedFormatError` naming the expected
    columns; a file of the wrong shape inside a ZIP or folder is reported and the others are still read.
    """
    export = LinkedInExport()
    # Each distinct (conversation, people on a message) with its number of messages, in the order first seen.
    on_messages: dict[tuple[str, _People], int] = {}
    for table in tables(paths, report):
        if table.kind == CONNECTIONS:
            _read_connections(table, report, export.connections)
        elif table.kind == MESSAGES:
            _read_messages(table, report, export.messages, on_messages)
        elif table.kind == INVITATIONS:
            _read_invitations(table, report, export.invitations)
        else:
            _read_profile(table, export)
        for line, reason in table.problems:
            report.error(table.file, line, reason)
    export.owner_name, export.owner_url = _detect_owner(export, on_messages)
    if export.owner_url:
        # The owner is never their own contact. Matched by URL only: a namesake among the connections is a real
        # person.
        export.connections = [c for c in export.connections if c.profile_url != export.owner_url]
    return export


__all__ = [
    "CONNECTION_COLUMNS",
    "INVITATION_COLUMNS",
    "MESSAGE_COLUMNS",
    "LinkedInConnection",
    "LinkedInExport",
    "LinkedInInvitation",
    "LinkedInMessage",
    "is_linkedin_csv",
    "is_linkedin_zip",
    "normalize_profile_url",
    "parse_connected_on",
    "read_linkedin",
]
