"""View → Trash: deleted contacts with the date they were deleted; restore them or empty the trash."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.changes import Written
from netdesk.core.words import plural
from netdesk.services.contacts import TRASH_DAYS, ContactService
from netdesk.ui.icons import action_icon
from netdesk.ui.ops import write_directly

# How the dialog writes: ``Ops.run`` in a window (the write, then the callback with its value).
Run = Callable[[Callable[[], Written[Any]], Callable[[Any], None]], None]


def run_here(fn: Callable[[], Written[Any]], done: Callable[[Any], None]) -> None:
    """For a dialog used without a window (tests): write here and now, with no undo entry and no bus."""
    done(write_directly(fn))


class TrashDialog(QDialog):
    restored = Signal(list)

    def __init__(
        self,
        contacts: ContactService,
        parent: QWidget | None = None,
        run: Run = run_here,
    ) -> None:
        super().__init__(parent)
        self._run = run  # the window's Ops.run: restore and empty run on its writer thread and are undoable
        self.setObjectName("trashDialog")
        self.setWindowTitle("Trash")
        self.resize(520, 420)
        self._contacts = contacts
        info = QLabel(f"Deleted contacts stay here for {TRASH_DAYS} days before they are removed for good.")
        info.setWordWrap(True)
        self.table = QTableWidget(0, 2)
        self.table.setObjectName("trashTable")
        self.table.setHorizontalHeaderLabels(["Name", "Deleted"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.restore_button = QPushButton(action_icon("restore"), "Restore")
        self.restore_button.setObjectName("restoreButton")
        self.restore_button.clicked.connect(self.restore_selected)
        self.empty_button = QPushButton(action_icon("trash"), "Empty trash…")
        self.empty_button.setObjectName("emptyTrashButton")
        self.empty_button.clicked.connect(self.empty_trash)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.empty_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(info)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.table.itemSelectionChanged.connect(self._sync_buttons)
        self.reload()

    def reload(self) -> None:
        entries = self._contacts.trash()
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            name = QTableWidgetItem(entry.name)
            name.setData(Qt.ItemDataRole.UserRole, entry.id)
            self.table.setItem(row, 0, name)
            self.table.setItem(row, 1, QTableWidgetItem(entry.deleted_at.strftime("%d %b %Y %H:%M")))
        self._sync_buttons()

    def names(self) -> list[str]:
        return [item.text() for r in range(self.table.rowCount()) if (item := self.table.item(r, 0)) is not None]

    def _sync_buttons(self) -> None:
        self.restore_button.setEnabled(bool(self.table.selectionModel().selectedRows()))
        self.empty_button.setEnabled(self.table.rowCount() > 0)

    def restore_selected(self) -> None:
        items = [self.table.item(i.row(), 0) for i in self.table.selectionModel().selectedRows()]
        ids = [int(item.data(Qt.ItemDataRole.UserRole)) for item in items if item is not None]
        contacts = self._contacts
        self._run(lambda: contacts.restore(ids), self._restored)

    def _restored(self, restored: list[int]) -> None:
        self.reload()
        if restored:
            self.restored.emit(restored)

    def empty_trash(self) -> None:
        answer = QMessageBox.question(
            self,
            "Empty trash",
            f"Delete the {plural(self.table.rowCount(), 'contact')} in the trash for good? "
            "Edit → Undo brings them back until you close NetDesk.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        contacts = self._contacts
        self._run(lambda: contacts.purge_trash(older_than_days=0), lambda _purged: self.reload())
