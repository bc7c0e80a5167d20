"""The duplicates review (issue 13): possible duplicates kept from imports and "Find duplicates", each pair side by
side with the fields that differ highlighted; Merge (choosing which value wins where they differ) or Keep apart.

Every write goes through the window's one write path (``ui.ops``): one undo step each, and the list, the contact
list and the detail pane refresh from the bus. Opened from Edit → Review duplicates… (``install``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QFont, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.changes import ChangeSet
from netdesk.core.errors import NetDeskError
from netdesk.core.words import plural
from netdesk.services import NetDesk
from netdesk.services.duplicates import RECORD, ComparedField, DuplicateComparison, DuplicateSuggestion, Side
from netdesk.ui.ops import Ops, ops_for


def _plain(text: str, name: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # names and values are imported text: never markup
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if name:
        label.setObjectName(name)
    return label


class FieldRow(QFrame):
    """One field of both records: the label, then each side; a choice of two radio buttons where both are set
    differently, plain text otherwise. Rows that differ are drawn on the theme's alternate background, bold."""

    def __init__(self, compared: ComparedField, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.compared = compared
        self.setObjectName(f"field_{compared.field}")
        self.group: QButtonGroup | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
        name = _plain(compared.label)
        layout.addWidget(name, 2)
        if compared.differs:
            self.setAutoFillBackground(True)
            self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
            bold = QFont(name.font())
            bold.setBold(True)
            name.setFont(bold)
            name.setText(f"{compared.label} (differs)")
        if compared.choosable:
            self.group = QButtonGroup(self)
            for n, value in enumerate((compared.first, compared.second)):
                button = QRadioButton(value.replace("&", "&&"))  # a value is never a mnemonic
                button.setObjectName(f"{compared.field}_{'first' if n == 0 else 'second'}")
                button.setChecked(n == 0)
                self.group.addButton(button, n)
                layout.addWidget(button, 3)
        else:
            for value in (compared.first, compared.second):
                layout.addWidget(_plain(value or "—"), 3)

    def winner(self) -> Side:
        return "second" if self.group is not None and self.group.checkedId() == 1 else "first"


class DuplicatesDialog(QDialog):
    def __init__(self, nd: NetDesk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("duplicatesDialog")
        self.setWindowTitle("Review possible duplicates")
        self.resize(900, 560)
        self._nd = nd
        self.pairs: list[DuplicateSuggestion] = []
        self.comparison: DuplicateComparison | None = None
        self.rows: list[FieldRow] = []

        self.pair_list = QListWidget()
        self.pair_list.setObjectName("duplicatePairs")
        self.pair_list.setWordWrap(True)  # long names wrap instead of hiding behind a scroll bar
        self.find_button = QPushButton("&Find duplicates")
        self.find_button.setObjectName("findDuplicates")
        self.find_button.setToolTip("Look for possible duplicates among all your contacts")
        self.status_label = _plain("", "duplicatesStatus")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.status_label)
        left_layout.addWidget(self.pair_list, 1)
        left_layout.addWidget(self.find_button)

        self.header = QWidget()
        header_layout = QHBoxLayout(self.header)
        header_layout.setContentsMargins(6, 0, 6, 0)
        self.field_header = _plain("Field")
        self.first_header = _plain("", "firstHeader")
        self.second_header = _plain("", "secondHeader")
        for widget, stretch in ((self.field_header, 2), (self.first_header, 3), (self.second_header, 3)):
            bold = QFont(widget.font())
            bold.setBold(True)
            widget.setFont(bold)
            header_layout.addWidget(widget, stretch)
        self.fields = QWidget()
        self.fields.setObjectName("duplicateFields")
        self.fields_layout = QVBoxLayout(self.fields)
        self.fields_layout.setSpacing(2)
        self.fields_layout.addStretch(1)  # rows stay at the top
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.fields)
        self.hint = _plain(
            "Merge keeps one contact with every email, phone, address, tag and interaction of both; where a field "
            "differs, pick the value to keep (the other stays in the contact's history).",
            "mergeHint",
        )
        self.merge_button = QPushButton("&Merge")
        self.merge_button.setObjectName("mergeDuplicates")
        self.keep_button = QPushButton("&Keep apart")
        self.keep_button.setObjectName("keepApart")
        self.keep_button.setToolTip("They are different people: never suggest this pair again")
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.keep_button)
        actions.addWidget(self.merge_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.header)
        right_layout.addWidget(scroll, 1)
        right_layout.addWidget(self.hint)
        right_layout.addLayout(actions)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 3)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(close)

        self.pair_list.currentRowChanged.connect(lambda _row: self._show())
        self.find_button.clicked.connect(self.find_duplicates)
        self.merge_button.clicked.connect(self.merge)
        self.keep_button.clicked.connect(self.keep_apart)
        self.ops.bus.changed.connect(self._changed)
        self.refresh()
        self.pair_list.setFocus()

    @property
    def ops(self) -> Ops:
        return ops_for(self, self._nd, self.refresh)

    # --- showing ---------------------------------------------------------------------------------------------

    def _changed(self, changes: ChangeSet) -> None:
        if RECORD in changes.records or changes.contacts:
            self.refresh()

    def refresh(self) -> None:
        keep = self.current()
        self.pairs = self._nd.duplicates.pending()
        self.pair_list.blockSignals(True)
        self.pair_list.clear()
        row = 0
        for n, pair in enumerate(self.pairs):
            item = QListWidgetItem(f"{pair.first_name} and {pair.second_name}\n{pair.reason}")
            item.setData(Qt.ItemDataRole.UserRole, pair.id)
            self.pair_list.addItem(item)
            if keep is not None and pair.id == keep.id:
                row = n
        self.pair_list.setCurrentRow(row if self.pairs else -1)
        self.pair_list.blockSignals(False)
        if self.pairs:
            self.status_label.setText(f"{plural(len(self.pairs), 'pair')} to review")
        else:
            self.status_label.setText("No possible duplicates to review. Find duplicates looks through all contacts.")
        self._show()

    def current(self) -> DuplicateSuggestion | None:
        row = self.pair_list.currentRow()
        return self.pairs[row] if 0 <= row < len(self.pairs) else None

    def _show(self) -> None:
        for row in self.rows:
            self.fields_layout.removeWidget(row)
            row.hide()
            row.deleteLater()
        self.rows = []
        pair = self.current()
        self.comparison = None
        if pair is not None:
            try:
                self.comparison = self._nd.duplicates.comparison(pair.id)
            except NetDeskError:  # decided or trashed in another window since the list was read
                self.comparison = None
        has = self.comparison is not None
        self.merge_button.setEnabled(has)
        self.keep_button.setEnabled(has)
        self.header.setVisible(has)
        self.hint.setVisible(has)
        if self.comparison is None:
            return
        self.first_header.setText(pair.first_name if pair else "")
        self.second_header.setText(pair.second_name if pair else "")
        for compared in self.comparison.fields:
            row = FieldRow(compared)
            self.fields_layout.insertWidget(self.fields_layout.count() - 1, row)
            self.rows.append(row)

    def differing_fields(self) -> list[str]:
        """What the user sees highlighted."""
        return [row.compared.field for row in self.rows if row.compared.differs]

    def choose(self, field: str, side: Side) -> None:
        for row in self.rows:
            if row.compared.field == field and row.group is not None:
                row.group.button(0 if side == "first" else 1).setChecked(True)
                return
        raise KeyError(field)

    # --- writing ---------------------------------------------------------------------------------------------

    def find_duplicates(self) -> None:
        def done(found: int) -> None:
            self.refresh()
            self.status_label.setText(f"{plural(found, 'new possible duplicate')} found. " + self.status_label.text())

        self.ops.run(self._nd.duplicates.find, done, background=True, title="Could not look for duplicates")

    def merge(self) -> None:
        pair = self.current()
        if pair is None or self.comparison is None:
            return
        winners = {row.compared.field: row.winner() for row in self.rows if row.group is not None}
        pair_id = pair.id
        self.ops.run(lambda: self._nd.duplicates.merge(pair_id, winners), title="Could not merge")

    def keep_apart(self) -> None:
        pair = self.current()
        if pair is None:
            return
        pair_id = pair.id
        self.ops.run(lambda: self._nd.duplicates.keep_apart(pair_id), title="Could not keep them apart")


def install(window: QMainWindow, nd: NetDesk | None = None) -> QAction:
    """Edit → Review duplicates… (Ctrl+Shift+D) on ``window``, which has an ``nd`` and an Edit menu."""
    action = QAction("Review &duplicates…", window)
    action.setObjectName("reviewDuplicatesAction")
    action.setShortcut(QKeySequence("Ctrl+Shift+D"))

    def open_review() -> None:
        current = window.findChild(DuplicatesDialog, "duplicatesDialog")
        if isinstance(current, DuplicatesDialog) and current.isVisible():
            current.raise_()
            current.activateWindow()
            return
        dialog = DuplicatesDialog(nd or window.nd, window)  # type: ignore[attr-defined]
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        closing = getattr(window, "database_closing", None)  # File → Open database: it was over the old one
        if closing is not None:
            closing.connect(dialog.close)
        dialog.show()

    action.triggered.connect(lambda _checked=False: open_review())
    window.addAction(action)
    for menu in window.menuBar().findChildren(QMenu):
        if menu.title().replace("&", "") == "Edit":
            menu.addAction(action)
            break
    return action
