"""Errors the core raises; front ends turn them into one clear line or an inline message."""

from __future__ import annotations

from typing import Any


class NetDeskError(Exception):
    """Base of every error meant for the user (no traceback needed)."""


class ValidationError(NetDeskError):
    """Input that cannot be saved; ``field`` names the offending field for inline display."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class NotFoundError(NetDeskError):
    pass


class DatabaseError(NetDeskError):
    """The database cannot be opened or upgraded (missing folder, newer schema, corrupt file)."""


class UnsupportedFormatError(NetDeskError):
    """A file that is not in any format NetDesk reads."""


class DamagedDatabaseError(DatabaseError):
    """The file is not a whole NetDesk database (failed quick_check or integrity_check, empty, not SQLite).

    ``path`` is the file; the GUI offers to restore the newest backup that passes integrity_check.
    """

    def __init__(self, message: str, path: object = None) -> None:
        super().__init__(message)
        self.path = path


class EditConflict(NetDeskError):
    """A save based on an older version changed a field that was also changed since, to another value.

    ``conflicts`` holds (field, value being saved, value stored now); ``merged`` is the record with every other
    change of both sides applied and the stored value in each conflicting field; ``current`` is what is stored now
    (the base for the next save, once the user has chosen).
    """

    def __init__(self, label: str, conflicts: list[tuple[str, Any, Any]], merged: Any, current: Any) -> None:
        fields = ", ".join(f for f, _, _ in conflicts)
        super().__init__(f"{label} was changed elsewhere since you opened it; both changed: {fields}")
        self.conflicts = conflicts
        self.merged = merged
        self.current = current
