"""The outcome of an import: what was created, updated, merged and skipped, and every problem."""

from __future__ import annotations

from dataclasses import dataclass, field

from netdesk.core.words import plural


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
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    interactions_added: int = 0
    errors: list[ImportProblem] = field(default_factory=list)
    # Files that could not be read as any supported format (the CLI exits non-zero for these).
    unreadable_files: list[str] = field(default_factory=list)
    # Possible duplicates worth a look but not merged automatically (e.g. "Bob" vs "Robert").
    suggestions: list[str] = field(default_factory=list)
    # Pairs kept for the duplicates review (services/duplicates.py): new ones this import found.
    duplicates_found: int = 0
    cancelled: bool = False

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
