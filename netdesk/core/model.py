"""Domain value objects shared by every layer.

They are frozen dataclasses so that the UI, the CLI and the importers can pass them around freely
without touching the database; services translate between them and ORM rows.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import NamedTuple


class ContactKind(StrEnum):
    PERSON = "person"
    ORGANIZATION = "organization"


class InteractionKind(StrEnum):
    MEETING = "meeting"
    CALL = "call"
    MESSAGE = "message"
    EMAIL = "email"
    EVENT = "event"
    INTRODUCTION = "introduction"
    FAVOUR_GIVEN = "favour_given"
    FAVOUR_RECEIVED = "favour_received"
    NOTE = "note"
    CONNECTED = "connected"
    CONNECTION_REQUEST = "connection_request"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    InteractionKind.MEETING: "Meeting",
    InteractionKind.CALL: "Call",
    InteractionKind.MESSAGE: "Message",
    InteractionKind.EMAIL: "Email",
    InteractionKind.EVENT: "Event",
    InteractionKind.INTRODUCTION: "Introduction",
    InteractionKind.FAVOUR_GIVEN: "Favour given",
    InteractionKind.FAVOUR_RECEIVED: "Favour received",
    InteractionKind.NOTE: "Note",
    InteractionKind.CONNECTED: "Connected",
    InteractionKind.CONNECTION_REQUEST: "Connection request",
}


class Channel(StrEnum):
    UNSPECIFIED = ""
    IN_PERSON = "in_person"
    ONLINE = "online"


class Direction(StrEnum):
    """Who acted: the user (OUT), the contact (IN), or both/neither (NONE)."""

    NONE = ""
    OUT = "out"
    IN = "in"


class ParticipantRole(StrEnum):
    PARTICIPANT = "participant"
    INTRODUCER = "introducer"
    # On a group message somebody else sent (or the user sent to the group): present, but not an exchange with them.
    GROUP = "group"


# Labels offered in the editor; any other string is a custom label and is kept as typed.
STANDARD_LABELS = ("work", "home", "mobile", "other")

# vCard parameters as read: ((NAME, (value, …)), …) in their original order and spelling.
Params = tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True)
class ContactPoint:
    """An email address, phone number, URL or instant-message handle with its label.

    ``params`` are the vCard parameters it was read with (every TYPE, LABEL, X-…), written back as they were while
    they still say what ``label`` and ``pref`` say. They are its spelling, not its identity: not compared.
    """

    value: str
    label: str = ""
    pref: bool = False
    params: Params = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class PostalAddress:
    label: str = ""
    pref: bool = False
    po_box: str = ""
    extended: str = ""
    street: str = ""
    locality: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""
    params: Params = field(default=(), compare=False)  # as read (TYPE, LABEL …), see ContactPoint.params

    def is_empty(self) -> bool:
        return not any(
            (self.po_box, self.extended, self.street, self.locality, self.region, self.postal_code, self.country)
        )

    def one_line(self) -> str:
        city = " ".join(p for p in (self.postal_code, self.locality) if p)
        parts = (self.po_box, self.extended, self.street, city, self.region, self.country)
        return ", ".join(p for p in parts if p)


_PARTIAL_DATE = re.compile(r"^(?:(\d{4})-|--)(\d{2})-(\d{2})$")


@dataclass(frozen=True, slots=True, order=True)
class PartialDate:
    """A calendar date whose year may be unknown (birthdays without a year)."""

    month: int
    day: int
    year: int | None = None

    def __post_init__(self) -> None:
        # Validate against a leap year when the year is unknown so that --02-29 is accepted.
        date(self.year or 2000, self.month, self.day)

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse ``YYYY-MM-DD`` or ``--MM-DD``; raises ValueError otherwise."""
        m = _PARTIAL_DATE.match(text.strip())
        if not m:
            raise ValueError(f"not a date: {text!r} (expected YYYY-MM-DD or --MM-DD)")
        year = int(m.group(1)) if m.group(1) else None
        return cls(month=int(m.group(2)), day=int(m.group(3)), year=year)

    def iso(self) -> str:
        if self.year is None:
            return f"--{self.month:02d}-{self.day:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def __str__(self) -> str:
        return self.iso()


@dataclass(frozen=True, slots=True)
class ExtraProperty:
    """A vCard property NetDesk does not model, kept verbatim so an export gives it back."""

    name: str
    value: str
    params: tuple[tuple[str, tuple[str, ...]], ...] = ()
    group: str = ""


@dataclass(frozen=True, slots=True)
class Related:
    """A RELATED property: a link to another person (URI or free text) with its type."""

    value: str
    type: str = ""


@dataclass(frozen=True, slots=True)
class ContactDTO:
    id: int | None = None
    uid: str = ""
    kind: ContactKind = ContactKind.PERSON
    formatted_name: str = ""
    prefix: str = ""
    given_name: str = ""
    additional_name: str = ""
    family_name: str = ""
    suffix: str = ""
    nickname: str = ""
    organization: str = ""
    department: str = ""
    title: str = ""
    role: str = ""
    emails: tuple[ContactPoint, ...] = ()
    phones: tuple[ContactPoint, ...] = ()
    urls: tuple[ContactPoint, ...] = ()
    ims: tuple[ContactPoint, ...] = ()
    addresses: tuple[PostalAddress, ...] = ()
    birthday: PartialDate | None = None
    anniversary: PartialDate | None = None
    gender: str = ""
    notes: str = ""
    tags: tuple[str, ...] = ()
    photo: bytes | None = None
    photo_mime: str = ""
    photo_uri: str = ""
    related: tuple[Related, ...] = ()
    extra: tuple[ExtraProperty, ...] = ()
    rev: str = ""
    # vCard parameters of modelled single-valued properties, as read (("N", (("LANGUAGE", ("de",)),)), …): their
    # spelling, written back on export; not compared, like ContactPoint.params.
    property_params: tuple[tuple[str, Params], ...] = field(default=(), compare=False)
    starred: bool = False
    connected_on: date | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 0  # the stored version this was read at (0: not read from the database)

    @property
    def name(self) -> str:
        """The name shown to the user: FN, else the name parts, else whatever else identifies the contact."""
        return display_name(self)

    def replace(self, **changes: object) -> ContactDTO:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


def display_name(c: ContactDTO) -> str:
    formatted = c.formatted_name.strip()
    if formatted:
        return formatted
    return _derived_name(c)


def _derived_name(c: ContactDTO) -> str:
    """The name the other fields give ``c`` (what ``display_name`` shows when there is no formatted name)."""
    # filter() rather than a generator: called several times per contact by an import of tens of thousands.
    parts = " ".join(filter(None, (c.prefix, c.given_name, c.additional_name, c.family_name, c.suffix)))
    if parts:
        return parts
    if c.nickname:
        return c.nickname
    if c.organization:
        return c.organization
    if c.emails:
        return c.emails[0].value
    if c.phones:
        return c.phones[0].value
    if c.ims:
        return _without_scheme(c.ims[0].value)
    if c.urls:
        return c.urls[0].value
    words = c.notes.split()
    if words:
        text = " ".join(words[:NOTE_NAME_WORDS])
        return text + ("…" if len(words) > NOTE_NAME_WORDS else "")
    return NO_NAME


# A card that holds only a note is named after the note's first words.
NOTE_NAME_WORDS = 5
# What a contact with nothing to name it by is called.
NO_NAME = "(no name)"


def _without_scheme(uri: str) -> str:
    """``xmpp:ada@example.org`` -> ``ada@example.org``: a handle reads better without its scheme."""
    scheme, colon, rest = uri.partition(":")
    return rest if colon and rest and re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", scheme) else uri


def has_content(c: ContactDTO) -> bool:
    """Whether a record holds anything worth keeping (a name or not): an empty one is skipped at import."""
    if display_name(c) != NO_NAME:
        return True
    others = (c.title, c.role, c.department, c.gender, c.tags, c.birthday, c.anniversary, c.photo, c.photo_uri)
    return any(others) or any((c.addresses, c.related, c.extra))


def without_redundant_fn(c: ContactDTO) -> ContactDTO:
    """Drop a formatted name that only repeats what the other fields give (vCard makes FN mandatory, so an export
    writes the derived name as FN; storing it would make the next import differ from the original)."""
    return c.replace(formatted_name="") if has_redundant_fn(c) else c


def has_redundant_fn(c: ContactDTO) -> bool:
    """Whether ``without_redundant_fn`` drops ``c``'s formatted name (its display name is the same either way)."""
    return bool(c.formatted_name) and c.formatted_name.strip() == _derived_name(c)


@dataclass(frozen=True, slots=True)
class Participant:
    contact_id: int
    role: ParticipantRole = ParticipantRole.PARTICIPANT
    name: str = ""  # filled in by services when reading, for display


@dataclass(frozen=True, slots=True)
class InteractionDTO:
    occurred_at: datetime
    kind: InteractionKind
    id: int | None = None
    channel: Channel = Channel.UNSPECIFIED
    direction: Direction = Direction.NONE
    summary: str = ""
    notes: str = ""
    participants: tuple[Participant, ...] = ()
    # For favours: a promise not yet delivered stays open until marked done.
    is_open: bool = False
    # Where the record came from ("linkedin", …) and its identity there, so re-imports add nothing twice.
    source: str = ""
    external_id: str = ""
    version: int = 0  # the stored version this was read at (0: not read from the database)

    @property
    def contact_ids(self) -> tuple[int, ...]:
        return tuple(p.contact_id for p in self.participants)

    def replace(self, **changes: object) -> InteractionDTO:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


class ContactRow(NamedTuple):
    """The lean projection that feeds the contact list: one per contact, no per-row queries.

    A named tuple rather than a frozen dataclass: just as immutable, and built four times as fast, which the list's
    load of 100,000 rows at start-up notices.
    """

    id: int
    kind: ContactKind
    name: str
    organization: str
    title: str
    tags: str  # comma-separated, sorted
    sort_key: str
    last_contacted: datetime | None = None
    starred: bool = False


@dataclass(frozen=True, slots=True)
class TagCount:
    name: str
    count: int
    cadence_days: int | None = None


@dataclass(frozen=True, slots=True)
class TrashEntry:
    id: int
    name: str
    deleted_at: datetime


@dataclass(frozen=True, slots=True)
class ContactHistoryEntry:
    field: str
    old_value: str
    new_value: str
    changed_at: datetime
    source: str = ""

    @property
    def sync_conflict(self) -> bool:
        """Both sides changed the field differently in a sync: ``old_value`` is the server's, ``new_value`` kept."""
        return self.source == SYNC_CONFLICT


SYNC_CONFLICT = "sync conflict"  # the source of a history entry that keeps the server's side of a conflict


def sorted_tags(tags: object) -> tuple[str, ...]:
    """Normalise a tag collection: stripped, de-duplicated case-insensitively, sorted."""
    if not tags:  # most contacts have none, and writing one asks three times
        return ()
    seen: dict[str, str] = {}
    for t in tags:  # type: ignore[attr-defined]
        t = str(t).strip()
        if t and t.casefold() not in seen:
            seen[t.casefold()] = t
    return tuple(sorted(seen.values(), key=str.casefold))


__all__ = [
    "NO_NAME",
    "STANDARD_LABELS",
    "Channel",
    "ContactDTO",
    "ContactHistoryEntry",
    "ContactKind",
    "ContactPoint",
    "ContactRow",
    "Direction",
    "ExtraProperty",
    "InteractionDTO",
    "InteractionKind",
    "PartialDate",
    "Participant",
    "ParticipantRole",
    "PostalAddress",
    "Related",
    "TagCount",
    "TrashEntry",
    "display_name",
    "has_content",
    "has_redundant_fn",
    "sorted_tags",
    "without_redundant_fn",
]
