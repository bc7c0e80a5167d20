"""Networking goals: a list to add, rename and delete goals, and the selected goal's people and progress."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.changes import Written
from netdesk.core.errors import NetDeskError
from netdesk.services import NetDesk
from netdesk.services.networking import STALE_GOAL_CONTACT_DAYS, GoalInfo, GoalOverview, GoalPerson
from netdesk.ui.ops import failure_text, ops_for
from netdesk.ui.page_actions import PageActions, install_context_menu
from netdesk.ui.safe_text import ask, plain_label
from netdesk.ui.theme import error_style, themed_style_sheet
from netdesk.ui.widgets.goal_target import GoalTargetPanel


def _ask(parent: QWidget, text: str) -> bool:
    return ask(parent, text)


def _person_item(person: GoalPerson, today: date) -> QListWidgetItem:
    if person.last_contacted is None:
        when = "never contacted"
    else:
        days = (today - person.last_contacted.date()).days
        when = "contacted today" if days <= 0 else f"last contact {days} day{'s' if days != 1 else ''} ago"
    item = QListWidgetItem(f"{person.name} — {when}")
    item.setData(Qt.ItemDataRole.UserRole, person.contact_id)
    return item


class GoalsView(QWidget):
    contactActivated = Signal(int)
    actions_changed = Signal()  # the selection changed what Edit / Delete mean here

    def __init__(self, nd: NetDesk, parent: QWidget | None = None, today: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        self.setObjectName("goalsView")
        self._nd = nd
        self._today = today
        self.overview: list[GoalOverview] = []
        self.active_dialog: QDialog | None = None
        self.confirm: Callable[[str], bool] = lambda text: _ask(self, text)

        self.goal_list = QListWidget()
        self.goal_list.setObjectName("goalsList")
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("goalName")
        self.name_edit.setPlaceholderText("Goal name…")
        self.add_button = QPushButton("Add")
        self.add_button.setObjectName("goalAdd")
        self.rename_button = QPushButton("Rename")
        self.rename_button.setObjectName("goalRename")
        self.delete_button = QPushButton("Delete")
        self.delete_button.setObjectName("goalDelete")
        self.error_label = plain_label()
        self.error_label.setObjectName("goalError")
        themed_style_sheet(self.error_label, error_style)
        self.error_label.hide()
        edit_row = QHBoxLayout()
        edit_row.addWidget(self.name_edit, 1)
        edit_row.addWidget(self.add_button)
        edit_row.addWidget(self.rename_button)
        edit_row.addWidget(self.delete_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.goal_list, 1)
        left_layout.addLayout(edit_row)
        left_layout.addWidget(self.error_label)

        self.title_label = plain_label()  # a goal name is user text
        self.title_label.setWordWrap(True)
        self.title_label.setObjectName("goalTitle")
        themed_style_sheet(self.title_label, lambda: "font-size: 15px; font-weight: bold;")
        self.stats_label = QLabel()
        self.stats_label.setObjectName("goalStats")
        self.people_list = QListWidget()
        self.people_list.setObjectName("goalPeople")
        self.stale_label = QLabel(f"Not contacted for {STALE_GOAL_CONTACT_DAYS}+ days")
        self.stale_list = QListWidget()
        self.stale_list.setObjectName("goalStale")
        self.link_button = QPushButton("Link person…")
        self.link_button.setObjectName("goalLink")
        self.unlink_button = QPushButton("Unlink")
        self.unlink_button.setObjectName("goalUnlink")
        people_buttons = QHBoxLayout()
        people_buttons.addWidget(self.link_button)
        people_buttons.addWidget(self.unlink_button)
        people_buttons.addStretch(1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.title_label)
        right_layout.addWidget(self.stats_label)
        self.target_panel = GoalTargetPanel(nd, today)  # target, horizon, progress, communities (issue 15)
        right_layout.addWidget(self.target_panel)
        right_layout.addWidget(QLabel("People"))
        right_layout.addWidget(self.people_list, 2)
        right_layout.addLayout(people_buttons)
        right_layout.addWidget(self.stale_label)
        right_layout.addWidget(self.stale_list, 1)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 2)
        QVBoxLayout(self).addWidget(splitter)

        self.add_button.clicked.connect(self.add_goal)
        self.rename_button.clicked.connect(self.rename_goal)
        self.delete_button.clicked.connect(self.delete_goal)
        self.link_button.clicked.connect(self.link_person)
        self.unlink_button.clicked.connect(self.unlink_person)
        self.goal_list.currentRowChanged.connect(self._show_selected)
        self._renaming = False
        self.name_edit.returnPressed.connect(self._name_entered)  # Enter adds (or saves a rename)
        self.people_list.currentItemChanged.connect(self._person_changed)
        install_context_menu(self.goal_list, self)
        install_context_menu(self.people_list, self)
        for people in (self.people_list, self.stale_list):
            people.itemActivated.connect(  # Enter or a double click shows the person
                lambda item: self.contactActivated.emit(int(item.data(Qt.ItemDataRole.UserRole)))
            )
        self.refresh()

    # --- loading -----------------------------------------------------------------------------------------

    def refresh(self, select_id: int | None = None) -> None:
        current = self.selected_goal()
        keep = select_id if select_id is not None else (current.goal_id if current else None)
        try:
            self.overview = self._nd.networking.goal_overview(self._today())
        except NetDeskError as exc:
            self._error(str(exc))
            return
        self.goal_list.blockSignals(True)
        self.goal_list.clear()
        row_to_select = 0
        for n, goal in enumerate(self.overview):
            item = QListWidgetItem(goal.name)
            item.setData(Qt.ItemDataRole.UserRole, goal.goal_id)
            self.goal_list.addItem(item)
            if goal.goal_id == keep:
                row_to_select = n
        self.goal_list.blockSignals(False)
        self.goal_list.setCurrentRow(row_to_select if self.overview else -1)
        self._show_selected()

    def selected_contact(self) -> tuple[int, str] | None:
        """The person picked in the people (or stale) list, for Ctrl+L."""
        lists = [self.people_list, self.stale_list]
        if self.stale_list.hasFocus():
            lists.reverse()
        for people in lists:
            item = people.currentItem()
            if item is not None and item.isSelected():
                return int(item.data(Qt.ItemDataRole.UserRole)), item.text().split(" — ")[0]
        return None

    def _person_changed(self, *_args: object) -> None:
        self._sync_unlink()
        self.actions_changed.emit()

    def _sync_unlink(self) -> None:
        self.unlink_button.setEnabled(self.selected_goal() is not None and self.people_list.currentItem() is not None)

    def page_actions(self) -> PageActions:
        goal = self.selected_goal()
        person = self.people_list.currentItem() if self.people_list.hasFocus() else None
        if person is not None and goal is not None:
            cid = int(person.data(Qt.ItemDataRole.UserRole))
            return PageActions(
                noun="link",
                open=lambda: self.contactActivated.emit(cid),
                delete=self.unlink_person,
                more=(("Link a person…", self.link_person),),
            )
        if goal is None:
            return PageActions(noun="goal")
        return PageActions(
            noun="goal",
            edit=self.start_rename,
            delete=self.delete_goal,
            more=(("Link a person…", self.link_person),),
        )

    def start_rename(self) -> None:
        """F2 / Edit: put the goal's name in the name box to change it there (Enter or Rename saves)."""
        goal = self.selected_goal()
        if goal is not None:
            self.name_edit.setText(goal.name)
            self.name_edit.selectAll()
            self.name_edit.setFocus()
            self._renaming = True

    def _name_entered(self) -> None:
        if self._renaming:
            self._renaming = False
            self.rename_goal()
        else:
            self.add_goal()

    def selected_goal(self) -> GoalOverview | None:
        row = self.goal_list.currentRow()
        return self.overview[row] if 0 <= row < len(self.overview) else None

    def _show_selected(self, *_args: object) -> None:
        goal = self.selected_goal()
        self.people_list.clear()
        self.stale_list.clear()
        for button in (self.rename_button, self.delete_button, self.link_button):
            button.setEnabled(goal is not None)
        self._sync_unlink()
        self.actions_changed.emit()
        if goal is None:
            self.target_panel.show_goal(None)
            self.title_label.setText(
                "No goals yet. A goal (“Find a co-founder”, “Better known”) gathers the people and conversations "
                "that serve it: type a name on the left and press Enter."
            )
            self.stats_label.clear()
            return
        self.title_label.setText(goal.name)
        self.target_panel.show_goal(goal.goal_id)
        n = len(goal.people)
        month = goal.interactions_this_month
        self.stats_label.setText(
            f"{n} {'person' if n == 1 else 'people'} · {month} interaction{'' if month == 1 else 's'} this month · "
            f"{goal.interactions_this_quarter} this quarter"
        )
        today = self._today()
        for person in goal.people:
            self.people_list.addItem(_person_item(person, today))
        for person in goal.stale:
            self.stale_list.addItem(_person_item(person, today))

    def _error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()

    def _run(self, action: Callable[[], Written[Any]], select_id: Callable[[Any], int | None] | None = None) -> None:
        """One write path (ui.ops): undoable; a goal name's problem shows beside the name box."""

        def done(value: Any) -> None:
            self.error_label.hide()
            goal_id = select_id(value) if select_id is not None else None
            if goal_id is not None:
                self.refresh(goal_id)

        def failed(exc: BaseException) -> None:
            self._error(failure_text(exc))

        ops_for(self, self._nd, self.refresh).run(action, done, on_error=failed)

    # --- actions -----------------------------------------------------------------------------------------

    def add_goal(self) -> None:
        name = self.name_edit.text()

        def added(goal: GoalInfo) -> int:
            self.name_edit.clear()
            return goal.id

        self._run(lambda: self._nd.networking.create_goal(name), added)

    def rename_goal(self) -> None:
        goal = self.selected_goal()
        if goal is None:
            return
        name = self.name_edit.text()

        def renamed(info: GoalInfo) -> int:
            self.name_edit.clear()
            return info.id

        self._run(lambda: self._nd.networking.rename_goal(goal.goal_id, name), renamed)

    def delete_goal(self) -> None:
        goal = self.selected_goal()
        if goal is None or not self.confirm(f"Delete the goal “{goal.name}”? Its links to people are removed."):
            return
        self._run(lambda: self._nd.networking.delete_goal(goal.goal_id))

    def link_person(self) -> None:
        from netdesk.ui.interaction_dialog import ContactPicker

        goal = self.selected_goal()
        if goal is None:
            return
        picker = ContactPicker(self._nd.contacts.rows(), {p.contact_id for p in goal.people}, self)
        picker.setWindowTitle(f"Link a person to “{goal.name}”")

        def done(result: int) -> None:
            self.active_dialog = None
            chosen = picker.chosen()
            picker.deleteLater()
            if result == QDialog.DialogCode.Accepted and chosen is not None:
                self._run(lambda: self._nd.networking.link_contact(goal.goal_id, chosen[0]))

        picker.finished.connect(done)
        self.active_dialog = picker
        picker.open()

    def unlink_person(self) -> None:
        goal = self.selected_goal()
        item = self.people_list.currentItem()
        if goal is None or item is None:
            return
        contact_id = int(item.data(Qt.ItemDataRole.UserRole))

        self._run(lambda: self._nd.networking.unlink_contact(goal.goal_id, contact_id))
