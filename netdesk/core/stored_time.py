"""Times as the database stores them: SQLAlchemy's SQLite DATETIME text, written without SQLAlchemy (a process that
only drafts rows for the database, such as the LinkedIn message reader, need not import it)."""

from __future__ import annotations

from datetime import datetime


def sqlite_datetime(value: datetime | None) -> str | None:
    """SQLAlchemy's SQLite DATETIME text (always with microseconds), without strftime's cost."""
    if value is None:
        return None
    text_value = (value if value.tzinfo is None else value.replace(tzinfo=None)).isoformat(" ")
    return text_value if len(text_value) > 19 else text_value + ".000000"
