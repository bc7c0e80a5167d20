"""The contact list's kept cells: built once per row as it is, rebuilt when the row or its strength changes, bounded."""

from __future__ import annotations

from PySide6.QtGui import QStandardItem

from netdesk.core.model import ContactKind, ContactRow
from netdesk.ui.painted_cells import ROWS_KEPT, PaintedCells


def row(n: int, name: str = "") -> ContactRow:
    return ContactRow(n, ContactKind.PERSON, name or f"Person {n}", "", "", "", f"person {n}")


def test_a_cell_is_built_once_until_its_row_or_strength_changes() -> None:
    built: list[tuple[int, int]] = []

    def build(r: ContactRow, column: int) -> QStandardItem:
        built.append((r.id, column))
        return QStandardItem(r.name)

    cells = PaintedCells(3, build)
    ada = row(1, "Ada")
    first = cells.item(ada, 0, None)
    assert cells.item(ada, 0, None) is first and built == [(1, 0)]
    assert cells.item(ada, 2, None) is not first and built == [(1, 0), (1, 2)]
    renamed = ada._replace(name="Ada King")
    assert cells.item(renamed, 0, None).text() == "Ada King"
    assert cells.item(renamed, 0, 40).text() == "Ada King" and len(built) == 4  # a new strength: built again
    assert cells.forget([1])  # they had been painted: the view repaints
    assert not cells.forget([1, 2])  # nothing kept for them: nothing to repaint
    cells.item(renamed, 0, 40)
    assert len(built) == 5


def test_the_cells_kept_are_bounded() -> None:
    cells = PaintedCells(2, lambda r, column: QStandardItem(r.name))
    for n in range(ROWS_KEPT * 2 + 7):
        cells.item(row(n), 0, None)
        assert len(cells) <= ROWS_KEPT
    assert len(cells) > 0
    assert cells.forget()
    assert len(cells) == 0
    assert not cells.forget()
