"""The global timeline: every interaction, filtered by kind, channel, person, tag, dates and note text."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.errors import NetDeskError
from netdesk.core.model import Channel, InteractionDTO, InteractionKind, ParticipantRole
from netdesk.services import NetDesk
from netdesk.ui.ops import ops_for
from netdesk.ui.page_actions import PageActions, install_context_menu, open_on_activate
from netdesk.ui.row_list_model import RowListModel
from netdesk.ui.safe_text import ask, plain_label, plain_tooltip
from netdesk.ui.theme import error_style, themed_style_sheet

_Index = QModelIndex | QPersistentModelIndex
ROW_LIMIT = 5000  # newest interactions loaded per query; filters narrow further
NO_DATE = QDate(1900, 1, 1)  # the date edits' "any" value
CHANNEL_TEXT = {Channel.UNSPECIFIED: "", Channel.IN_PERSON: "In person", Channel.ONLINE: "Online"}


def people_text(i: InteractionDTO) -> str:
    names = [p.name for p in i.participants if p.role is ParticipantRole.PARTICIPANT]
    introducers = [p.name for p in i.participants if p.role is ParticipantRole.INTRODUCER]
    group = [p.name for p in i.participants if p.role is ParticipantRole.GROUP]
    text = ", ".join(names)
    if group:
        text += ("; " if text else "") + f"on the group: {', '.join(group)}"
    if introducers:
        text += f" (introduced by {', '.join(introducers)})"
    return text


class TimelineModel(RowListModel[InteractionDTO]):
    HEADERS = ("When", "Kind", "Channel", "People", "Summary")

    def set_rows(self, rows: Sequence[InteractionDTO]) -> None:
        self.set_items(rows)

    def interaction(self, row: int) -> InteractionDTO:
        return self.item(row)

    def cell(self, i: InteractionDTO, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return i.occurred_at.strftime("%Y-%m-%d %H:%M")
            if column == 1:
                return i.kind.label
            if column == 2:
                return CHANNEL_TEXT.get(i.channel, str(i.channel))
            if column == 3:
                return people_text(i)
            if column == 4:
                return i.summary
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(i.notes or i.summary) or None
        if role == Qt.ItemDataRole.UserRole:
            return i.id
        return None


def _ask(parent: QWidget, text: str) -> bool:
    return ask(parent, text)


class TimelineView(QWidget):
    contactActivated = Signal(int)
    actions_changed = Signal()  # the selection changed what Edit / Delete mean here

    def __init__(self, nd: NetDesk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineView")
        self._nd = nd
        self.active_dialog: QDialog | None = None
        # Asked before deleting; tests replace it instead of clicking a modal box.
        self.confirm: Callable[[str], bool] = lambda text: _ask(self, text)

        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("timelineSearch")
        self.search_edit.setPlaceholderText("Search notes and summaries…")
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("timelineKind")
        self.kind_combo.addItem("All kinds", None)
        for kind in InteractionKind:
            self.kind_combo.addItem(kind.label, kind.value)
        self.channel_combo = QComboBox()
        self.channel_combo.setObjectName("timelineChannel")
        self.channel_combo.addItem("All channels", None)
        self.channel_combo.addItem("In person", Channel.IN_PERSON.value)
        self.channel_combo.addItem("Online", Channel.ONLINE.value)
        self.channel_combo.addItem("Unspecified", Channel.UNSPECIFIED.value)
        self.person_edit = QLineEdit()
        self.person_edit.setObjectName("timelinePerson")
        self.person_edit.setPlaceholderText("Person…")
        self.tag_combo = QComboBox()
        self.tag_combo.setObjectName("timelineTag")
        self.from_edit = self._date_edit("timelineFrom", "from any date")
        self.to_edit = self._date_edit("timelineTo", "to any date")

        filters = QHBoxLayout()
        for widget in (
            self.search_edit,
            self.kind_combo,
            self.channel_combo,
            self.person_edit,
            self.tag_combo,
            self.from_edit,
            self.to_edit,
        ):
            filters.addWidget(widget)

        self.model = TimelineModel(self)
        self.table = QTableView()
        self.table.setObjectName("timelineTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        # Size columns from the first rows only: measuring 5,000 rows on every filter change would lag.
        self.table.horizontalHeader().setResizeContentsPrecision(200)

        self.count_label = QLabel()
        self.count_label.setObjectName("timelineCount")
        self.error_label = plain_label()
        themed_style_sheet(self.error_label, error_style)
        self.error_label.hide()
        self.edit_button = QPushButton("Edit…")
        self.edit_button.setObjectName("timelineEdit")
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button = QPushButton("Delete")
        self.delete_button.setObjectName("timelineDelete")
        self.delete_button.clicked.connect(self.delete_selected)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.error_label)
        bottom.addWidget(self.edit_button)
        bottom.addWidget(self.delete_button)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

        self.search_edit.textChanged.connect(self._reload)
        self.person_edit.textChanged.connect(self._reload)
        for combo in (self.kind_combo, self.channel_combo, self.tag_combo):
            combo.currentIndexChanged.connect(self._reload)
        for edit in (self.from_edit, self.to_edit):
            edit.dateChanged.connect(self._reload)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        install_context_menu(self.table, self)
        open_on_activate(self.table, self)  # Enter or a double click shows the person, like the menu's Open
        self.refresh()

    @staticmethod
    def _date_edit(name: str, any_text: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMinimumDate(NO_DATE)
        edit.setSpecialValueText(any_text)  # shown while the date is at its minimum: no limit
        edit.setDate(NO_DATE)
        return edit

    def _load_tags(self) -> None:
        current = self.tag_combo.currentData()
        self.tag_combo.blockSignals(True)
        self.tag_combo.clear()
        self.tag_combo.addItem("All tags", None)
        for tag in self._nd.contacts.tags():
            self.tag_combo.addItem(tag.name, tag.name)
        index = self.tag_combo.findData(current)
        self.tag_combo.setCurrentIndex(max(0, index))
        self.tag_combo.blockSignals(False)

    @staticmethod
    def _date(edit: QDateEdit) -> date | None:
        return None if edit.date() == NO_DATE else edit.date().toPython()  # type: ignore[return-value]

    # --- loading -----------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the tag list and the rows (after changes made elsewhere)."""
        self._load_tags()
        self._reload()

    def _reload(self) -> None:
        query = self.search_edit.text().strip()
        until = self._date(self.to_edit)
        since = self._date(self.from_edit)
        try:
            if query:
                rows = self._nd.timeline.search(query, ROW_LIMIT)
            else:
                before = datetime.combine(until + timedelta(days=1), datetime.min.time()) if until else None
                rows = self._nd.timeline.recent(ROW_LIMIT, before=before)
            tag = self.tag_combo.currentData()
            tagged = set(self._nd.contacts.search_ids(tag=tag)) if tag else None
        except NetDeskError as exc:
            self.error_label.setText(str(exc))
            self.error_label.show()
            return
        self.error_label.hide()
        loaded = len(rows)
        kind, channel = self.kind_combo.currentData(), self.channel_combo.currentData()
        person = self.person_edit.text().strip().casefold()
        rows = [
            i
            for i in rows
            if (kind is None or i.kind.value == kind)
            and (channel is None or i.channel.value == channel)
            and (not person or any(person in p.name.casefold() for p in i.participants))
            and (tagged is None or any(p.contact_id in tagged for p in i.participants))
            and (since is None or i.occurred_at.date() >= since)
            and (until is None or i.occurred_at.date() <= until)
        ]
        self.model.set_rows(rows)
        for col in range(4):
            self.table.resizeColumnToContents(col)
        text = f"{len(rows)} interaction{'s' if len(rows) != 1 else ''}"
        if loaded == 0:
            text = "Nothing logged yet: press Ctrl+L to log a call, a meeting, a message or a favour."
        if loaded >= ROW_LIMIT:
            text += f" (searched the newest {ROW_LIMIT}; narrow the dates to see older ones)"
        self.count_label.setText(text)
        self._update_buttons()

    def _update_buttons(self) -> None:
        selected = self.selected() is not None
        self.edit_button.setEnabled(selected)
        self.delete_button.setEnabled(selected)
        self.actions_changed.emit()

    def page_actions(self) -> PageActions:
        interaction = self.selected()
        if interaction is None:
            return PageActions(noun="interaction")
        people = [p for p in interaction.participants if p.role is ParticipantRole.PARTICIPANT] or list(
            interaction.participants
        )
        first = people[0] if people else None
        return PageActions(
            noun="interaction",
            open=(lambda: self.contactActivated.emit(first.contact_id)) if first else None,
            edit=self.edit_selected,
            delete=self.delete_selected,
        )

    def selected(self) -> InteractionDTO | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.interaction(rows[0].row()) if rows else None

    # --- actions -----------------------------------------------------------------------------------------

    def edit_selected(self) -> None:
        from netdesk.ui.interaction_dialog import InteractionDialog

        interaction = self.selected()
        if interaction is None:
            return
        dialog = InteractionDialog(
            self._nd.timeline,
            [],
            self._nd.contacts.rows,
            interaction=interaction,
            parent=self,
            networking=self._nd.networking,
            write_later=ops_for(self, self._nd, self.refresh).write_later,
        )
        dialog.finished.connect(lambda result: self._dialog_done(dialog, result))
        self.active_dialog = dialog
        dialog.open()

    def _dialog_done(self, dialog: QDialog, result: int) -> None:
        if self.active_dialog is dialog:
            self.active_dialog = None
        dialog.deleteLater()

    def delete_selected(self) -> None:
        interaction = self.selected()
        if interaction is None or interaction.id is None:
            return
        if not self.confirm(f"Delete “{interaction.summary or interaction.kind.label}” from the timeline?"):
            return
        iid = interaction.id
        ops_for(self, self._nd, self.refresh).run(lambda: self._nd.timeline.delete(iid), title="Could not delete")

    def selected_contact(self) -> tuple[int, str] | None:
        """The first person of the selected interaction (for Ctrl+L)."""
        interaction = self.selected()
        if interaction is None:
            return None
        people = [p for p in interaction.participants if p.role is ParticipantRole.PARTICIPANT] or list(
            interaction.participants
        )
        return (people[0].contact_id, people[0].name) if people else None
