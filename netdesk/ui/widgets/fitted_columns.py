"""A table whose columns always fit its width: one column stretches into the room left, and the columns of least
use are hidden while the rest would not fit beside it (and shown again as soon as they would).

At 1024 px the contact list is about 440 px wide between the tag rail and the detail pane; its six columns at
their usual widths need 750, which put a sideways scroll bar under the list. Cells that are still too long are
elided (Qt's default), their tooltips say them whole.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QHeaderView, QTableView


class FittedColumns(QObject):
    def __init__(self, table: QTableView, stretch: int, stretch_minimum: int, hide_first: Sequence[int]) -> None:
        """``stretch`` takes the room the others leave, never less than ``stretch_minimum``; ``hide_first`` lists
        the columns that may be hidden to make room, least useful first."""
        super().__init__(table)
        self._table = table
        self._stretch = stretch
        self._stretch_minimum = stretch_minimum
        self._hide_first = tuple(hide_first)
        self._widths: dict[int, int] = {}  # the width each column hidden here had, to count it when room comes back
        self._fitting = False
        table.viewport().installEventFilter(self)
        table.horizontalHeader().sectionResized.connect(lambda *_: self.fit())  # the user dragged a column wider

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def _width(self, header: QHeaderView, column: int) -> int:
        if header.isSectionHidden(column):  # hidden here (its width kept), or in a header state saved before
            return self._widths.get(column, header.defaultSectionSize())
        return header.sectionSize(column)

    def fit(self) -> None:
        if self._fitting:  # hiding a column resizes sections: that is not the user asking again
            return
        self._fitting = True
        try:
            self._fit()
        finally:
            self._fitting = False

    def _fit(self) -> None:
        header = self._table.horizontalHeader()
        # A header state saved before (restoreState) may bring back its own modes: these are the ones that fit.
        header.setStretchLastSection(False)
        if header.sectionResizeMode(self._stretch) != QHeaderView.ResizeMode.Stretch:
            header.setSectionResizeMode(self._stretch, QHeaderView.ResizeMode.Stretch)
        room = self._table.viewport().width()
        others = [c for c in range(header.count()) if c != self._stretch]
        needed = self._stretch_minimum + sum(self._width(header, c) for c in others)
        hide: set[int] = set()
        for column in self._hide_first:
            if needed <= room:
                break
            hide.add(column)
            needed -= self._width(header, column)
        for column in others:
            if column in hide and not header.isSectionHidden(column):
                self._widths[column] = header.sectionSize(column)
                header.hideSection(column)
            elif column not in hide and header.isSectionHidden(column):
                header.showSection(column)
                width = self._widths.pop(column, 0)
                if width:
                    header.resizeSection(column, width)
