"""Becoming better known: the contributions log (posts, articles, talks, answers, newsletters, open-source work),
each with no contact needed and optionally a community and a goal, and the rhythms you keep per kind."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QWidget,
)

from netdesk.core.changes import Written
from netdesk.core.practices import ContributionKind
from netdesk.core.words import plural, with_article
from netdesk.services import NetDesk
from netdesk.services.contributions import ContributionDTO
from netdesk.ui.page_actions import PageActions
from netdesk.ui.pages.base import FormDialog, PracticePage, combo, hbox, named, spin, vbox
from netdesk.ui.row_list_model import RowListModel


def every(days: int) -> str:
    return "every day" if days == 1 else f"every {plural(days, 'day')}"


class ContributionModel(RowListModel[ContributionDTO]):
    HEADERS = ("Date", "Kind", "Title", "Community", "Goal")

    def cell(self, c: ContributionDTO, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (c.occurred_on.isoformat(), c.kind.noun, c.title, c.community_name, c.goal_name)[column]
        if role == Qt.ItemDataRole.UserRole:
            return c.id
        return None


class ContributionDialog(FormDialog):
    def __init__(
        self,
        nd: NetDesk,
        parent: QWidget | None = None,
        today: date | None = None,
        contribution: ContributionDTO | None = None,
    ) -> None:
        title = "Edit a contribution" if contribution is not None else "Log a contribution"
        super().__init__(nd, parent, name="contributionDialog", title=title)
        self._id = contribution.id if contribution is not None else None
        day = contribution.occurred_on if contribution is not None else (today or date.today())
        self.kind_combo = combo("contributionKind", ((k.noun, k.value) for k in ContributionKind))
        self.title_edit = named(QLineEdit(), "contributionTitle")
        self.date_edit = named(QDateEdit(QDate(day.year, day.month, day.day)), "contributionDate")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.link_edit = named(QLineEdit(), "contributionLink")
        communities = [(c.community.name, c.community.id) for c in nd.communities.overview()]
        self.community_combo = combo("contributionCommunity", [("None", None), *communities])
        self.goal_combo = combo("contributionGoal", [("None", None), *((g.name, g.id) for g in nd.networking.goals())])
        self.notes_edit = named(QPlainTextEdit(), "contributionNotes")
        if contribution is not None:
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(contribution.kind.value))
            self.title_edit.setText(contribution.title)
            self.link_edit.setText(contribution.link)
            self.community_combo.setCurrentIndex(max(0, self.community_combo.findData(contribution.community_id)))
            self.goal_combo.setCurrentIndex(max(0, self.goal_combo.findData(contribution.goal_id)))
            self.notes_edit.setPlainText(contribution.notes)
        self.finish(
            [
                ("&Kind:", self.kind_combo),
                ("&Title:", self.title_edit),
                ("&Date:", self.date_edit),
                ("&Link:", self.link_edit),
                ("&Community:", self.community_combo),
                ("&Goal:", self.goal_combo),
                ("&Notes:", self.notes_edit),
            ]
        )

    def prepare(self) -> Callable[[], Written[ContributionDTO]]:
        d = self.date_edit.date()
        dto = ContributionDTO(
            ContributionKind(self.kind_combo.currentData()),
            self.title_edit.text(),
            date(d.year(), d.month(), d.day()),
            self.link_edit.text(),
            self.notes_edit.toPlainText(),
            self.community_combo.currentData(),
            self.goal_combo.currentData(),
            self._id,
        )
        contributions = self._nd.contributions
        return lambda: contributions.save(dto)


class ContributionsPage(PracticePage):
    def __init__(self, nd: NetDesk, parent: QWidget | None = None) -> None:
        super().__init__(nd, "contributionsPage", parent)

        self.log_button = named(QPushButton("Log a contribution…"), "contributionLog")
        self.delete_button = named(QPushButton("Delete"), "contributionDelete")
        self.summary_label = named(QLabel(), "contributionSummary")

        self.model = ContributionModel(self)
        self.table = named(QTableView(), "contributionTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)  # F2 edits through the dialog
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()

        self.rhythms_label = named(QLabel(), "contributionRhythms")
        self.rhythm_kind = combo("rhythmKind", ((k.noun, k.value) for k in ContributionKind))
        self.rhythm_days = spin("rhythmDays", 0, 366, 0, prefix="every ", suffix=" days", none="no rhythm")
        self.rhythm_button = named(QPushButton("Set rhythm"), "rhythmSet")
        vbox(
            hbox(self.log_button, self.delete_button, (self.summary_label, 1)),
            (self.table, 1),
            self.error_label,
            hbox((self.rhythms_label, 1), self.rhythm_kind, self.rhythm_days, self.rhythm_button),
            parent=self,
        )

        self.log_button.clicked.connect(self.open_log)
        self.delete_button.clicked.connect(self.delete_selected)
        self.rhythm_button.clicked.connect(self.set_rhythm)
        self.rhythm_kind.currentIndexChanged.connect(lambda _i: self._show_rhythm_of_kind())
        self.actions_changed.connect(lambda: self.delete_button.setEnabled(self.selected() is not None))
        self.watch(self.table)
        self.refresh()

    def refresh(self) -> None:
        self.model.set_items(self._nd.contributions.recent(limit=2000))
        months = self._nd.contributions.per_month(12)
        this_month = date.today().strftime("%Y-%m")
        in_month = sum(m.count for m in months if m.month == this_month)
        total = sum(m.count for m in months)
        self.summary_label.setText(
            f"This month: {in_month} · last 12 months: {total}"
            if self.model.rowCount()
            else "Nothing yet: “Log a contribution…” when you post, answer, write or speak, to become better known."
        )
        rhythms = self._nd.contributions.rhythms()
        text = ", ".join(f"{with_article(k.noun)} {every(d)}" for k, d in rhythms.items())
        self.rhythms_label.setText(
            f"Your rhythms: {text}" if text else "No rhythm yet: pick a kind and how often, then Set rhythm"
        )
        self._show_rhythm_of_kind()
        self.actions_changed.emit()

    def _show_rhythm_of_kind(self) -> None:
        days = self._nd.contributions.rhythms().get(ContributionKind(self.rhythm_kind.currentData()))
        self.rhythm_days.setValue(days or 0)

    def titles(self) -> list[str]:
        return [self.model.item(r).title for r in range(self.model.rowCount())]

    def selected(self) -> ContributionDTO | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.item(rows[0].row()) if rows else None

    def page_actions(self) -> PageActions:
        log = ("Log a contribution…", self.open_log)
        if self.selected() is None:
            return PageActions(noun="contribution", more=(log,))
        return PageActions(
            noun="contribution", open=self.open_edit, edit=self.open_edit, delete=self.delete_selected, more=(log,)
        )

    def set_rhythm(self) -> None:
        kind, days = self.rhythm_kind.currentData(), self.rhythm_days.value() or None
        self.write(lambda: self._nd.contributions.set_rhythm(kind, days))  # every page refreshes from the bus

    def delete_selected(self) -> None:
        chosen = self.selected()
        if chosen is None or chosen.id is None:
            return
        contribution_id = chosen.id
        self.write(lambda: self._nd.contributions.delete(contribution_id))

    def open_log(self) -> ContributionDialog:
        dialog = ContributionDialog(self._nd, self)
        self.show_dialog(dialog)
        return dialog

    def open_edit(self) -> ContributionDialog | None:
        chosen = self.selected()
        if chosen is None:
            return None
        dialog = ContributionDialog(self._nd, self, contribution=chosen)
        self.show_dialog(dialog)
        return dialog

    def selected_contact(self) -> tuple[int, str] | None:
        return None  # contributions name no contact
