"""Who can introduce me: pick a person or type an organisation, see the paths with their reasons and scores."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.errors import NetDeskError
from netdesk.core.networking import IntroPath
from netdesk.services import NetDesk
from netdesk.ui.page_actions import PageActions, install_context_menu, open_on_activate
from netdesk.ui.row_list_model import RowListModel
from netdesk.ui.safe_text import plain_label
from netdesk.ui.widgets.person_field import complete_organisations

_Index = QModelIndex | QPersistentModelIndex


class IntroPathModel(RowListModel[IntroPath]):
    HEADERS = ("Via", "Why", "Score")

    def set_paths(self, paths: Sequence[IntroPath]) -> None:
        self.set_items(paths)

    def path(self, row: int) -> IntroPath:
        return self.item(row)

    def cell(self, p: IntroPath, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return "You → " + " → ".join(p.via_names)
            if column == 1:
                return p.reason
            if column == 2:
                return str(p.score)
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return p.via_ids[0]
        return None


class IntroductionsView(QWidget):
    contactActivated = Signal(int)
    # (introducer id, introducer name, target id or 0 for an organisation, target name): start an ask (issue 15)
    askRequested = Signal(int, str, int, str)
    actions_changed = Signal()

    def __init__(self, nd: NetDesk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("introductionsView")
        self._nd = nd
        self.target_id: int | None = None
        self.target_name = ""
        self.active_dialog: QDialog | None = None

        self.pick_button = QPushButton("Pick a person…")
        self.pick_button.setObjectName("introPick")
        self.target_label = plain_label("No person picked")
        self.target_label.setObjectName("introTarget")
        self.org_edit = QLineEdit()
        self.org_edit.setObjectName("introOrganization")
        self.org_edit.setPlaceholderText("…or type an organisation and press Enter")
        self.org_completer = complete_organisations(self.org_edit, nd)  # "Sakura" → Sakura Design Studio (issue 15)
        self.org_completer.activated.connect(self._organisation_chosen)
        self.find_button = QPushButton("Find")
        self.find_button.setObjectName("introFind")
        top = QHBoxLayout()
        top.addWidget(self.pick_button)
        top.addWidget(self.target_label, 1)
        top.addWidget(self.org_edit, 1)
        top.addWidget(self.find_button)

        self.model = IntroPathModel(self)
        self.table = QTableView()
        self.table.setObjectName("introTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.status_label = plain_label("Pick a person or type an organisation to see who can introduce you.")
        self.status_label.setObjectName("introStatus")
        self.status_label.setWordWrap(True)

        self.ask_button = QPushButton("Ask for this introduction…")
        self.ask_button.setObjectName("introAskFromPath")
        self.ask_button.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.ask_button, 0, Qt.AlignmentFlag.AlignRight)
        self.ask_button.clicked.connect(self.ask_selected)
        self.table.selectionModel().selectionChanged.connect(
            lambda *_: self.ask_button.setEnabled(bool(self.table.selectionModel().selectedRows()))
        )

        self.pick_button.clicked.connect(self.pick_person)
        self.find_button.clicked.connect(self.find_organization)
        self.org_edit.returnPressed.connect(self.find_organization)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.actions_changed.emit())
        install_context_menu(self.table, self)
        open_on_activate(self.table, self)  # Enter or a double click shows the first person on the path

    def page_actions(self) -> PageActions:
        """An introduction path is read, not edited: Open shows the first person on it."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return PageActions()
        via = self.model.path(rows[0].row()).via_ids
        return PageActions(open=(lambda: self.contactActivated.emit(via[0])) if via else None)

    def set_target(self, contact_id: int, name: str = "") -> None:
        """Look for introductions to this contact (the main window's "Who can introduce me?")."""
        self.target_id = contact_id
        self.target_name = name or self._nd.contacts.get(contact_id).name
        self.target_label.setText(f"To: {self.target_name}")
        self.org_edit.clear()
        self.refresh()

    def _organisation_chosen(self, name: str) -> None:
        self.org_edit.setText(name)
        self.find_organization()

    def find_organization(self) -> None:
        if not self.org_edit.text().strip():
            return
        self.target_id = None
        self.target_name = ""
        self.target_label.setText("No person picked")
        self.refresh()

    def refresh(self) -> None:
        organization = self.org_edit.text().strip() or None
        if self.target_id is None and organization is None:
            self.model.set_paths([])
            return
        try:
            paths = self._nd.networking.introducers_for(self.target_id, organization)
        except NetDeskError as exc:
            self.model.set_paths([])
            self.status_label.setText(str(exc))
            return
        self.model.set_paths(paths)
        target = self.target_name or (organization or "")
        if not paths:
            self.status_label.setText(f"Nobody in your network is linked to {target} yet.")
        else:
            n = len(paths)
            self.status_label.setText(f"{n} way{'s' if n != 1 else ''} to reach {target}, best first.")
        self.table.resizeColumnToContents(0)

    def selected_contact(self) -> tuple[int, str] | None:
        """The introducer on the selected path, else the person looked for (for Ctrl+L)."""
        rows = self.table.selectionModel().selectedRows()
        if rows:
            path = self.model.path(rows[0].row())
            return path.via_ids[0], path.via_names[0]
        return (self.target_id, self.target_name) if self.target_id is not None else None

    def ask_selected(self) -> None:
        """Ask the first person on the selected path to introduce you (to the person, or at the organisation)."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        path = self.model.path(rows[0].row())
        target = self.target_name if self.target_id is not None else self.org_edit.text().strip()
        self.askRequested.emit(path.via_ids[0], path.via_names[0], self.target_id or 0, target)

    def pick_person(self) -> None:
        from netdesk.ui.interaction_dialog import ContactPicker

        picker = ContactPicker(self._nd.contacts.rows(), set(), self)
        picker.setWindowTitle("Who do you want to meet?")

        def done(result: int) -> None:
            self.active_dialog = None
            chosen = picker.chosen()
            picker.deleteLater()
            if result == QDialog.DialogCode.Accepted and chosen is not None:
                self.set_target(*chosen)

        picker.finished.connect(done)
        self.active_dialog = picker
        picker.open()
