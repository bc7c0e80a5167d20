"""The outcome of an import: what was created, updated, merged and skipped, and every problem."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Self, overload

from netdesk.core.words import plural

SAMPLE_SIZE = 100


class NameSample:
    """The names of the contacts an import created (or updated, merged, left unchanged): an exact count and the first
    ``SAMPLE_SIZE`` names, so that the report of an import of a million cards stays the size of a small one.

    Reads like the list it replaces: ``len()`` is the count, iterating and indexing see the sample, and it equals a
    list holding every one of its names.
    """

    __slots__ = ("_names", "count")

    def __init__(self, names: Iterable[str] = ()) -> None:
        self.count = 0
        self._names: list[str] = []
        self.extend(names)

    @property
    def sample(self) -> list[str]:
        return list(self._names)

    @property
    def complete(self) -> bool:
        """Whether the sample holds every name counted."""
        return len(self._names) == self.count

    def append(self, name: str) -> None:
        self.count += 1
        if len(self._names) < SAMPLE_SIZE:
            self._names.append(name)

    def extend(self, names: Iterable[str], count: int | None = None) -> None:
        """Add ``names``; with ``count`` (how many there are), only the names the sample still has room for are
        taken from ``names``, so that a lazy iterable computes no more of them."""
        if isinstance(names, NameSample):
            count, names = names.count, names._names
        if count is None:
            for name in names:
                self.append(name)
            return
        room = SAMPLE_SIZE - len(self._names)
        self._names += islice(names, max(0, min(room, count)))
        self.count += count

    def __iadd__(self, names: Iterable[str]) -> Self:
        self.extend(names)
        return self

    def __add__(self, names: Iterable[str]) -> NameSample:
        joined = NameSample(self)
        joined.extend(names)
        return joined

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        return self._names[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, NameSample):
            return (self.count, self._names) == (other.count, other._names)
        if isinstance(other, list):
            return self.count == len(other) and self._names == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        more = "" if self.complete else f" (+{self.count - len(self._names)} more)"
        return f"NameSample({self._names!r}{more})"


@dataclass(frozen=True, slots=True)
class ImportProblem:
    file: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.reason}"


@dataclass
class ImportReport:
    # Names of the contacts in each outcome: exact counts, a bounded sample of names (NameSample).
    created: NameSample = field(default_factory=NameSample)
    updated: NameSample = field(default_factory=NameSample)
    merged: NameSample = field(default_factory=NameSample)
    skipped: list[str] = field(default_factory=list)
    unchanged: NameSample = field(default_factory=NameSample)
    interactions_added: int = 0
    errors: list[ImportProblem] = field(default_factory=list)
    # Files that could not be read as any supported format (the CLI exits non-zero for these).
    unreadable_files: list[str] = field(default_factory=list)
    # Possible duplicates worth a look but not merged automatically (e.g. "Bob" vs "Robert").
    suggestions: list[str] = field(default_factory=list)
    # Pairs kept for the duplicates review (services/duplicates.py): new ones this import found.
    duplicates_found: int = 0
    cancelled: bool = False

    def __post_init__(self) -> None:
        for name in ("created", "updated", "merged", "unchanged"):
            value = getattr(self, name)
            if not isinstance(value, NameSample):  # given as a plain list of names
                setattr(self, name, NameSample(value))

    def error(self, file: str, line: int | None, reason: str) -> None:
        self.errors.append(ImportProblem(file, line, reason))

    def skip(self, file: str, line: int | None, reason: str) -> None:
        """A card or row that was read but not imported: counted as skipped, and its reason is a problem line."""
        self.skipped.append(str(ImportProblem(file, line, reason)))
        self.error(file, line, reason)

    def extend(self, other: ImportReport) -> None:
        self.created += other.created
        self.updated += other.updated
        self.merged += other.merged
        self.skipped += other.skipped
        self.unchanged += other.unchanged
        self.interactions_added += other.interactions_added
        self.errors += other.errors
        self.unreadable_files += other.unreadable_files
        self.suggestions += other.suggestions
        self.duplicates_found += other.duplicates_found
        self.cancelled = self.cancelled or other.cancelled

    def summary(self) -> str:
        parts = [
            f"{len(self.created)} created",
            f"{len(self.updated)} updated",
            f"{len(self.merged)} merged",
            f"{len(self.unchanged)} unchanged",
            f"{len(self.skipped)} skipped",
        ]
        if self.interactions_added:
            parts.append(f"{plural(self.interactions_added, 'interaction')} added")
        parts.append(plural(len(self.errors), "problem"))
        text = ", ".join(parts)
        return text + (" (cancelled, nothing saved)" if self.cancelled else "")
