"""The anchor of the start-up benchmark: the least a PySide6 program can do to show the same contact list.

    python tests/benchmarks/bare_window.py DATABASE

Imports PySide6, reads the list's columns of every live contact with plain sqlite3, puts them in a minimal
QAbstractTableModel under a QTableView in a QMainWindow, shows it, and prints ``window-shown-at=<epoch seconds>``
on stderr once the window is on screen with its rows, then quits. Run in a fresh process by bench_contacts.py,
which also reads its peak memory. NetDesk's start-up figures are ratios to this one.
"""

from __future__ import annotations

import sqlite3
import sys
import time

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

COLUMNS = "display_name, organization, title, tags_text, last_contacted"
HEADERS = ("Name", "Organisation", "Title", "Tags", "Last contacted")


class RowsModel(QAbstractTableModel):
    def __init__(self, rows: list[tuple[object, ...]]) -> None:
        super().__init__()
        self.rows = rows

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            return self.rows[index.row()][index.column()]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None


def main() -> int:
    app = QApplication(sys.argv[:1])
    connection = sqlite3.connect(sys.argv[1])
    rows = connection.execute(
        f"SELECT {COLUMNS} FROM contacts WHERE deleted_at IS NULL ORDER BY sort_key, id"
    ).fetchall()
    connection.close()
    window = QMainWindow()
    table = QTableView()
    table.setModel(RowsModel(rows))
    window.setCentralWidget(table)
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    print(f"window-shown-at={time.time():.4f}", file=sys.stderr, flush=True)
    print(f"rows={len(rows)}", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
