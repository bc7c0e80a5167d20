"""What a write changed. Every service write returns one (inside a ``Written``), so that the UI refreshes every view
from one place, the bus, and offers the write's undo under its short label."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ChangeSet:
    contacts: frozenset[int] = frozenset()  # created, edited, merged, trashed or restored
    # Too many contacts changed to list them (a huge import): views reload every contact instead.
    many_contacts: bool = False
    # False: only the contacts' activity moved (a log, its edit or deletion: last contacted, strength, due items), not
    # what they are listed and found by (names, tags, photos, search words), which views then keep as they are.
    contact_fields: bool = True
    interactions: frozenset[int] = frozenset()  # logged, edited or deleted
    tags: bool = False  # tag names, membership or tag rhythms
    networking: bool = False  # rhythms, follow-ups, favours, relationships, introductions: Due and Dashboard inputs
    goals: bool = False
    # Other kinds of record touched, by name ("community", "contribution", "owner", "account", ...), for views that
    # show them; a new kind needs no change here.
    records: frozenset[str] = frozenset()
    label: str = ""  # short, for "Undo <label>": "log with Priya", "import of 3 files"

    @property
    def empty(self) -> bool:
        return not (
            self.contacts
            or self.many_contacts
            or self.interactions
            or self.tags
            or self.networking
            or self.goals
            or self.records
        )

    def __or__(self, other: ChangeSet) -> ChangeSet:
        return ChangeSet(
            contacts=self.contacts | other.contacts,
            many_contacts=self.many_contacts or other.many_contacts,
            contact_fields=(self.contact_fields and bool(self.contacts))
            or (other.contact_fields and bool(other.contacts)),
            interactions=self.interactions | other.interactions,
            tags=self.tags or other.tags,
            networking=self.networking or other.networking,
            goals=self.goals or other.goals,
            records=self.records | other.records,
            label=self.label or other.label,
        )


NO_CHANGE = ChangeSet()


@dataclass(frozen=True, slots=True)
class Written(Generic[T]):
    """A write's result: the value the caller asked for and what the write changed."""

    value: T
    changes: ChangeSet = field(default=NO_CHANGE)
