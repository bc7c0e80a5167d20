"""Errors the core raises; front ends turn them into one clear line or an inline message."""

from __future__ import annotations


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
