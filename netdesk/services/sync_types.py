"""What a sync reports and which book it works on: shared by the pull (sync.py) and the push (sync_push.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime


@dataclass
class SyncCounts:
    """What one sync did; ``as_json`` is the documented contract of `netdesk sync --json`."""

    pulled: int = 0  # contacts created or updated here from the server
    pushed: int = 0  # cards created or updated on the server
    merged: int = 0  # contacts changed on both sides, merged
    conflicts: int = 0  # fields both sides changed differently (NetDesk's kept, the server's in the history)
    deleted_here: int = 0  # contacts moved to the trash because the server deleted them
    deleted_there: int = 0  # cards deleted on the server because they were deleted here
    errors: list[str] = field(default_factory=list)  # cards that could not be read (href: reason)
    # Each of the conflicts: contact, field, the value kept (NetDesk's) and the server's (in the history too).
    conflict_details: list[dict[str, str]] = field(default_factory=list)
    changed_ids: set[int] = field(default_factory=set)

    @property
    def deleted(self) -> int:
        return self.deleted_here + self.deleted_there

    def add(self, other: SyncCounts) -> None:
        for name in ("pulled", "pushed", "merged", "conflicts", "deleted_here", "deleted_there"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors += other.errors
        self.conflict_details += other.conflict_details
        self.changed_ids |= other.changed_ids

    def as_json(self) -> dict[str, object]:
        return {
            "pulled": self.pulled,
            "pushed": self.pushed,
            "merged": self.merged,
            "conflicts": self.conflicts,
            "deleted": self.deleted,
            "deleted_here": self.deleted_here,
            "deleted_there": self.deleted_there,
            "errors": list(self.errors),
            "conflict_details": [dict(c) for c in self.conflict_details],
        }

    def conflict_lines(self) -> list[str]:
        """One line per conflict, as the detail pane says it."""
        return [
            f"conflict: {c['contact']}, {c['field']}: kept {_short(c['kept'])}, server had {_short(c['server_had'])}"
            for c in self.conflict_details
        ]

    def summary(self) -> str:
        text = (
            f"{self.pulled} pulled, {self.pushed} pushed, {self.merged} merged, {self.conflicts} conflicts, "
            f"{self.deleted} deleted"
        )
        return text + (f", {len(self.errors)} unreadable cards" if self.errors else "")


def _short(value: str, limit: int = 80) -> str:
    one_line = " ".join(value.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class BookTarget:
    id: int
    url: str
    tag: str
    sync_token: str
    ctag: str = ""


@dataclass(frozen=True, slots=True)
class BookDTO:
    id: int
    url: str
    display_name: str
    tag: str
    enabled: bool
    cards: int  # cards in step with the server


@dataclass(frozen=True, slots=True)
class AccountDTO:
    id: int
    name: str
    url: str
    username: str
    certificate_pinned: bool
    interval_minutes: int | None
    last_sync_at: datetime | None
    last_error: str
    books: tuple[BookDTO, ...]


def local_time(stored: datetime) -> datetime:
    """A stored (naive UTC) time in the user's time zone, for showing."""
    return stored.replace(tzinfo=UTC).astimezone()
