"""CSV rows with the physical line each starts on, for problem reports that point at the right line."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO


@contextmanager
def field_size_limit(limit: int) -> Iterator[None]:
    """The csv module's field limit (one for the whole process) raised to ``limit`` while the block runs."""
    previous = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def numbered_rows(
    stream: TextIO, first_line: int = 1, delimiter: str = ","
) -> Iterator[tuple[int, list[str] | csv.Error]]:
    """(line, row) for each CSV row of ``stream``; ``first_line`` is the physical line its first row starts on.

    Cells may span lines, so the number comes from the reader's own line count. A row the csv module cannot read
    (a field over its 128 KB limit …) comes as its error instead of a row; the reader then starts afresh on the
    next line, so the rows after it are still read.
    """
    reader = csv.reader(stream, delimiter=delimiter)
    consumed = 0  # physical lines read so far
    while True:
        try:
            for row in reader:  # a for loop over the reader: no try block entered per row
                line = first_line + consumed
                consumed = reader.line_num
                yield line, row
            return
        except csv.Error as exc:
            line = first_line + consumed
            consumed = reader.line_num
            yield line, exc
