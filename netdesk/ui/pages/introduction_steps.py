"""Introductions as a workflow: the asks you make and the introductions you make (double opt-in), each step dated,
with the next step one click away, the message for each step ready to copy, and the thank-you when it is done."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QWidget,
)

from netdesk.core.changes import Written
from netdesk.core.practices import IntroKind, IntroState, Outcome, TemplateName
from netdesk.services import NetDesk
from netdesk.services.introductions import Closed, IntroductionDTO
from netdesk.ui.ops import ops_for
from netdesk.ui.page_actions import PageActions
from netdesk.ui.pages.base import FormDialog, FormProblem, PracticePage, combo, hbox, named, vbox
from netdesk.ui.row_list_model import RowListModel
from netdesk.ui.safe_text import plain_label
from netdesk.ui.widgets.person_field import PersonField

T = TypeVar("T")


class IntroductionModel(RowListModel[IntroductionDTO]):
    HEADERS = ("Introduction", "Step", "Since")

    def cell(self, i: IntroductionDTO, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return i.title
            if column == 1:
                return i.steps[-1][0]
            if column == 2:
                return i.moved_on.isoformat()
        if role == Qt.ItemDataRole.UserRole:
            return i.id
        return None


class AskDialog(FormDialog):
    """Ask someone to introduce you: the introducer, the person or organisation you want to meet, why."""

    def __init__(self, nd: NetDesk, parent: QWidget | None = None) -> None:
        super().__init__(nd, parent, name="askDialog", title="Ask for an introduction")
        self.introducer_field = named(PersonField(nd, placeholder="Who you ask…"), "askIntroducer")
        target = PersonField(nd, organisations=True, placeholder="A person, an organisation, or a role…")
        self.target_field = named(target, "askTarget")
        self.reason_edit = named(QLineEdit(), "askReason", "Why you want to meet them")
        rows = [("&Introducer:", self.introducer_field), ("&Introduce me to:", self.target_field)]
        self.finish([*rows, ("&Why:", self.reason_edit)])

    def prepare(self) -> Callable[[], Written[IntroductionDTO]]:
        introducer = self.introducer_field.contact_id()
        if introducer is None:
            raise FormProblem("Pick the introducer from the suggestions.")
        choice = self.target_field.choice()
        target_id = choice.contact_id if choice is not None else None
        target_text = ""
        if target_id is None:
            target_text = choice.organization if choice is not None else self.target_field.text()
            if choice is not None:
                target_text = f"someone at {target_text}"
        reason, introductions = self.reason_edit.text(), self._nd.introductions
        return lambda: introductions.ask(introducer, target_id, target_text, reason)


class ProposeDialog(FormDialog):
    """Introduce two people: double opt-in, so this records that you asked each of them first."""

    def __init__(self, nd: NetDesk, parent: QWidget | None = None) -> None:
        super().__init__(nd, parent, name="proposeDialog", title="Introduce two people")
        self.a_field = named(PersonField(nd), "proposeA")
        self.b_field = named(PersonField(nd), "proposeB")
        self.reason_edit = named(QLineEdit(), "proposeReason", "Why they should meet")
        hint = QLabel("You will ask each of them first, and introduce them once both said yes.")
        hint.setWordWrap(True)
        self.finish([("&Introduce:", self.a_field), ("&to:", self.b_field), ("&Why:", self.reason_edit)], hint)

    def prepare(self) -> Callable[[], Written[IntroductionDTO]]:
        a, b = self.a_field.contact_id(), self.b_field.contact_id()
        if a is None or b is None:
            raise FormProblem("Pick both people from the suggestions.")
        reason, introductions = self.reason_edit.text(), self._nd.introductions
        return lambda: introductions.propose(a, b, reason)


class TemplatesDialog(QDialog):
    """Your wording of the ask, the opt-in and the introduction; placeholders in {braces} are filled per step."""

    def __init__(self, nd: NetDesk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("templatesDialog")
        self.setWindowTitle("Message templates")
        self._nd = nd
        self.combo = combo(
            "templateName",
            [
                (label, name.value)
                for name, label in (
                    (TemplateName.ASK, "Ask"),
                    (TemplateName.OPTIN, "Opt-in"),
                    (TemplateName.INTRODUCTION, "Introduction"),
                )
            ],
        )
        self.body_edit = named(QPlainTextEdit(), "templateBody")
        help_label = QLabel(
            "Placeholders: {me}, {reason}, {introducer_first}, {target}, {target_context}, {person_first}, {other}, "
            "{other_context}, {a}, {a_first}, {a_context}, {b}, {b_first}, {b_context}"
        )
        help_label.setWordWrap(True)
        self.save_button = named(QPushButton("Save"), "templateSave")
        self.reset_button = named(QPushButton("Back to NetDesk's wording"), "templateReset")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        row = hbox(self.save_button, self.reset_button, None)
        vbox(self.combo, (self.body_edit, 1), help_label, row, close, parent=self)
        self.combo.currentIndexChanged.connect(self._load)
        self.save_button.clicked.connect(lambda: self._store(self.body_edit.toPlainText()))
        self.reset_button.clicked.connect(lambda: self._store(None))
        self._load()

    def _load(self) -> None:
        self.body_edit.setPlainText(self._nd.introductions.templates()[TemplateName(self.combo.currentData())])

    def _store(self, body: str | None) -> None:
        """Through the window's one write path: undoable like any write; the form reloads once it is stored."""
        name, introductions = self.combo.currentData(), self._nd.introductions
        ops_for(self, self._nd).run(lambda: introductions.set_template(name, body), lambda _stored: self._load())


class IntroductionStepsPage(PracticePage):
    def __init__(self, nd: NetDesk, parent: QWidget | None = None) -> None:
        super().__init__(nd, "introductionStepsPage", parent)
        self.error_label.setObjectName("introStepsError")
        self.current: IntroductionDTO | None = None

        self.ask_button = named(QPushButton("Ask for an introduction…"), "introAsk")
        self.propose_button = named(QPushButton("Introduce two people…"), "introPropose")
        self.templates_button = named(QPushButton("Message templates…"), "introTemplates")

        self.model = IntroductionModel(self)
        self.table = named(QTableView(), "introStepsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().hide()

        # The steps name people (imported names): plain text.
        self.steps_label = named(plain_label("Pick an introduction to see its steps."), "introSteps")
        self.steps_label.setWordWrap(True)
        self.agreed_button = named(QPushButton("They agreed"), "introAgreed")
        self.opt_a_button = named(QPushButton("Opted in"), "introOptA")
        self.opt_b_button = named(QPushButton("Opted in"), "introOptB")
        self.introduce_button = named(QPushButton("Introduced"), "introIntroduced")
        self.outcome_combo = combo("introOutcome", ((o.value, o.value) for o in Outcome))
        self.outcome_button = named(QPushButton("Note outcome"), "introOutcomeButton")
        self.decline_button = named(QPushButton("Declined"), "introDeclined")
        self.step_date = named(QDateEdit(), "introStepDate")  # the day a step happened: today unless noted later
        self.step_date.setDisplayFormat("yyyy-MM-dd")
        self.step_date.setCalendarPopup(True)
        today = date.today()
        self.step_date.setDate(QDate(today.year, today.month, today.day))
        steps = (self.agreed_button, self.opt_a_button, self.opt_b_button, self.introduce_button)
        outcome = (self.outcome_combo, self.outcome_button, self.decline_button)
        steps_row = hbox(QLabel("On"), self.step_date, *steps, *outcome, None)

        self.message_combo = named(QComboBox(), "introMessageKind")
        self.message_label = named(QLabel("Message"), "introMessageLabel")
        self.message_edit = named(QPlainTextEdit(), "introMessage")
        self.message_edit.setReadOnly(True)
        self.copy_button = named(QPushButton("Copy"), "introCopy")
        vbox(
            hbox(self.ask_button, self.propose_button, None, self.templates_button),
            (self.table, 2),
            self.steps_label,
            steps_row,
            self.error_label,
            hbox(self.message_label, (self.message_combo, 1), self.copy_button),
            (self.message_edit, 1),
            parent=self,
        )

        self.ask_button.clicked.connect(lambda: self.open_ask())  # clicked(bool) must not reach open_ask's arguments
        self.propose_button.clicked.connect(lambda: self.open_propose())
        self.templates_button.clicked.connect(lambda: self.open_templates())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._select_current())
        intros = self._nd.introductions
        self.agreed_button.clicked.connect(lambda: self._run(intros.agreed))
        self.opt_a_button.clicked.connect(lambda: self._run(lambda i, day: intros.opted_in(i, "a", day)))
        self.opt_b_button.clicked.connect(lambda: self._run(lambda i, day: intros.opted_in(i, "b", day)))
        self.introduce_button.clicked.connect(lambda: self._run(intros.introduce))
        self.outcome_button.clicked.connect(self._close_with_outcome)
        self.decline_button.clicked.connect(lambda: self._run(intros.decline))
        self.message_combo.currentIndexChanged.connect(lambda _i: self._show_message())
        self.copy_button.clicked.connect(lambda: QApplication.clipboard().setText(self.message_edit.toPlainText()))
        self.watch(self.table)
        self.refresh()

    # --- list and selection ------------------------------------------------------------------------------------

    def refresh(self) -> None:
        keep = self.current.id if self.current is not None else None
        self.model.set_items(self._nd.introductions.list_all())
        self.select(keep)

    def select(self, intro_id: int | None) -> None:
        for row in range(self.model.rowCount()):
            if self.model.item(row).id == intro_id:
                self.table.selectRow(row)
                return
        self.current = None
        self._show()
        self.actions_changed.emit()

    def _select_current(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        self.current = self.model.item(rows[0].row()) if rows else None
        self._show()
        self.actions_changed.emit()

    def _show(self) -> None:
        i = self.current
        for button in (self.agreed_button, self.opt_a_button, self.opt_b_button, self.introduce_button):
            button.setVisible(False)
        enabled = i is not None and i.open
        self.outcome_button.setEnabled(enabled and i is not None and i.state is IntroState.INTRODUCED)
        self.decline_button.setEnabled(enabled)
        self.message_combo.blockSignals(True)
        self.message_combo.clear()
        if i is None:
            self.steps_label.setText(
                "Pick an introduction to see its steps."
                if self.model.rowCount()
                else "No introductions yet: “Ask for an introduction…” to reach someone through a person who knows"
                " them, or “Introduce two people…” who should meet."
            )
            self.message_edit.clear()
            self.message_combo.blockSignals(False)
            return
        self.steps_label.setText(" → ".join(f"{label} ({when.isoformat()})" for label, when in i.steps))
        if i.kind is IntroKind.ASK:
            self.agreed_button.setVisible(i.state is IntroState.ASKED)
            self.opt_b_button.setText(f"{i.b_name} opted in")
            self.opt_b_button.setVisible(i.state is IntroState.AGREED)
            self.message_combo.addItem(f"Ask {i.introducer_name}", (TemplateName.ASK.value, "a"))
        else:
            self.opt_a_button.setText(f"{i.a_name} opted in")
            self.opt_b_button.setText(f"{i.b_name} opted in")
            self.opt_a_button.setVisible(i.state is IntroState.ASKED and i.a_opted_in_on is None)
            self.opt_b_button.setVisible(i.state is IntroState.ASKED and i.b_opted_in_on is None)
            self.message_combo.addItem(f"Opt-in for {i.a_name}", (TemplateName.OPTIN.value, "a"))
            self.message_combo.addItem(f"Opt-in for {i.b_name}", (TemplateName.OPTIN.value, "b"))
            self.message_combo.addItem("The introduction", (TemplateName.INTRODUCTION.value, "a"))
        self.introduce_button.setVisible(i.state is IntroState.OPTED_IN)
        self.message_combo.blockSignals(False)
        self.message_label.setText("Message")
        self._show_message()

    def _show_message(self) -> None:
        data = self.message_combo.currentData()
        if self.current is None or data is None:
            return
        name, side = data
        self.message_edit.setPlainText(self._nd.introductions.message(self.current.id, name, side))

    # --- writes ------------------------------------------------------------------------------------------------

    def day(self) -> date:
        d = self.step_date.date()
        return date(d.year(), d.month(), d.day())

    def _run(self, step: Callable[[int, date], Written[T]], on_done: Callable[[T], None] | None = None) -> None:
        """The next step of the introduction shown, dated from the page (read here: the write runs on the writer
        thread); the page refreshes from the bus."""
        if self.current is None:
            return
        intro_id, day = self.current.id, self.day()
        self.write(lambda: step(intro_id, day), on_done)

    def _close_with_outcome(self) -> None:
        outcome, introductions = self.outcome_combo.currentData(), self._nd.introductions
        self._run(lambda i, day: introductions.close(i, outcome, day), self._thank)

    def _thank(self, closed: Closed) -> None:
        if closed.thank_you:
            # The thank-you, ready to copy: the step the essays ask for once someone helped.
            self.message_label.setText(f"Thank {closed.introduction.introducer_name}:")
            self.message_edit.setPlainText(closed.thank_you)

    # --- dialogs -----------------------------------------------------------------------------------------------

    def open_ask(
        self, introducer: tuple[int, str] | None = None, target: tuple[int | None, str] | None = None
    ) -> AskDialog:
        dialog = AskDialog(self._nd, self)
        if introducer is not None:
            dialog.introducer_field.set_person(*introducer)
        if target is not None:
            target_id, label = target
            if target_id is not None:
                dialog.target_field.set_person(target_id, label)
            else:
                dialog.target_field.setText(label)
        self._open(dialog)
        return dialog

    def open_propose(self) -> ProposeDialog:
        dialog = ProposeDialog(self._nd, self)
        self._open(dialog)
        return dialog

    def open_templates(self) -> TemplatesDialog:
        dialog = TemplatesDialog(self._nd, self)
        self._open(dialog)
        return dialog

    def _open(self, dialog: QDialog) -> None:
        self.show_dialog(dialog, lambda saved: self.select(saved.id))

    # --- what Open, Edit and Delete mean here --------------------------------------------------------------------

    def page_actions(self) -> PageActions:
        """Open shows the person it is about, Delete forgets it, and the context menu offers the next steps that fit
        (Edit does not apply: an introduction's history is its dated steps, closed with an outcome or declined)."""
        new = (("Ask for an introduction…", lambda: self.open_ask()), ("Introduce two people…", self.open_propose))
        i = self.current
        if i is None:
            return PageActions(noun="introduction", more=new)
        person = self.selected_contact()
        steps = tuple(
            (button.text(), button.click)
            for button in (self.agreed_button, self.opt_a_button, self.opt_b_button, self.introduce_button)
            if button.isVisibleTo(self)
        )
        if self.decline_button.isEnabled():
            steps += (("Declined", self.decline_button.click),)
        return PageActions(
            noun="introduction",
            open=(lambda: self.contactActivated.emit(person[0])) if person is not None else None,
            delete=self.delete_current,
            more=steps + new,
        )

    def delete_current(self) -> None:
        if self.current is None:
            return
        intro_id = self.current.id
        self.write(lambda: self._nd.introductions.delete(intro_id))

    def selected_contact(self) -> tuple[int, str] | None:
        i = self.current
        if i is None:
            return None
        if i.introducer_id is not None:
            return i.introducer_id, i.introducer_name
        return (i.a_id, i.a_name) if i.a_id is not None else None
