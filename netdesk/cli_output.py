"""Streamed output of the command line: each rendered batch of contacts is written (and flushed) as it comes.

`netdesk list` of the whole network starts printing at once and holds one batch in memory, and a reader that
goes away (`| head`) stops the read at the next batch.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from netdesk.services.bulk_reads import Rendered


class UsageError(Exception):
    """A mistake in the command line: one line on stderr, exit status 2 (raised by the command modules too)."""


def record_id(text: str) -> int:
    """An argparse type for a stored record's id: a whole number SQLite can hold (1 to 2**63 - 1), so that a mistyped
    id is one usage line rather than an overflow deep in the database driver."""
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an id: {text!r}") from None
    if not 0 < value < 2**63:
        raise argparse.ArgumentTypeError(f"not an id: {text!r} (ids are whole numbers from 1)")
    return value


def write_json_array(batches: Iterable[Rendered[str]], out: TextIO) -> int:
    """One JSON array of any length from batches of comma-joined objects (one a line). Returns the objects written."""
    count = 0
    out.write("[")
    for batch in batches:
        if batch.count:
            out.write(("\n" if count == 0 else ",\n") + batch.value)
            out.flush()
            count += batch.count
    out.write("\n]\n")
    return count


def write_text(batches: Iterable[Rendered[str]], out: TextIO) -> int:
    """Batches of lines, each written as it comes. Returns the number of contacts written."""
    count = 0
    for batch in batches:
        if batch.count:
            out.write(batch.value)
            out.flush()
            count += batch.count
    return count
