"""The contact list's painted cells, each kept as a QStandardItem holding every role its model answers.

A view's delegate asks a cell for seven roles at every paint. Answered from Python, slot by slot, that was about half
of a repaint of the list (9 of 19 ms for a window of rows); a QStandardItem answers the whole span in C++ with one
call (``QStandardItem.multiData``). A cell's item is built the first time the cell is painted and kept while its row
is the same object (ContactRow is immutable: an edit replaces it) and its strength is unchanged; the model forgets
the rest (``forget``) when what the items hold can change without the row changing: strengths, avatars, the screen's
pixel ratio. Bounded: past ROWS_KEPT rows all are dropped, and the next repaint builds the few dozen it shows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtGui import QStandardItem

from netdesk.core.model import ContactRow

# Rows whose cells are kept: a window shows a few dozen; this many covers scrolling back a few screens and the last
# searches' first pages. A row's six items with their texts and tooltips take ~7 KB (2,000 rows took 13.5 MB).
ROWS_KEPT = 300


class _RowCells:
    __slots__ = ("items", "row", "strength")

    def __init__(self, row: ContactRow, strength: int | None, columns: int) -> None:
        self.row = row
        self.strength = strength
        self.items: list[QStandardItem | None] = [None] * columns


class PaintedCells:
    """Items for the cells painted lately: ``item(row, column, strength)`` is built by ``build(row, column)`` on first
    use."""

    def __init__(self, columns: int, build: Callable[[ContactRow, int], QStandardItem]) -> None:
        self._columns = columns
        self._build = build
        self._rows: dict[int, _RowCells] = {}

    def item(self, row: ContactRow, column: int, strength: int | None) -> QStandardItem:
        cells = self._rows.get(row.id)
        if cells is None or cells.row is not row or cells.strength != strength:
            if cells is None and len(self._rows) >= ROWS_KEPT:
                self._rows.clear()
            cells = self._rows[row.id] = _RowCells(row, strength, self._columns)
        item = cells.items[column]
        if item is None:
            item = cells.items[column] = self._build(row, column)
        return item

    def forget(self, ids: Iterable[int] | None = None) -> bool:
        """Drop the items of ``ids`` (all for None): what they hold changed while their rows did not. True when any
        were kept (the view has something to repaint)."""
        if ids is None:
            dropped = bool(self._rows)
            self._rows.clear()
            return dropped
        pop = self._rows.pop
        return sum(pop(contact_id, None) is not None for contact_id in ids) > 0

    def __len__(self) -> int:
        return len(self._rows)
