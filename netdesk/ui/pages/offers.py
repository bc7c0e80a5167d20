"""Offers and needs: "Who could help with …?", "Whom could I help?" (with the matched words and the introduction to
suggest), and what a person can help with and is looking for. Your own offers are in Preferences."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from netdesk.services import NetDesk
from netdesk.services.offers import HelpMatch, HelpSuggestion
from netdesk.ui.page_actions import PageActions
from netdesk.ui.pages.base import PracticePage, hbox, named, vbox
from netdesk.ui.safe_text import plain_label
from netdesk.ui.widgets.person_field import PersonField


def _lines(edit: QPlainTextEdit) -> list[str]:
    return [line for line in edit.toPlainText().splitlines() if line.strip()]


class OffersPage(PracticePage):
    def __init__(self, nd: NetDesk, parent: QWidget | None = None) -> None:
        super().__init__(nd, "offersPage", parent)
        self.error_label.setObjectName("offersError")
        self.suggestions: list[HelpSuggestion] = []
        self.matches: list[HelpMatch] = []

        # Who could help with …?
        self.help_edit = named(QLineEdit(), "helpWith", "Who could help with… (press Enter)")
        self.help_list = named(QListWidget(), "helpResults")
        self.help_list.setWordWrap(True)
        self.help_status = named(plain_label(), "helpStatus")
        who = QGroupBox("Who could help?")
        vbox(self.help_edit, self.help_status, (self.help_list, 1), parent=who)

        # Whom could I help?
        self.help_them_list = named(QListWidget(), "whomCouldIHelp")
        self.help_them_list.setWordWrap(True)
        self.suggest_button = named(QPushButton("Suggest this introduction"), "suggestIntroduction")
        self.suggest_button.setEnabled(False)
        self.suggest_status = named(plain_label(), "suggestStatus")
        self.suggest_status.setWordWrap(True)
        whom = QGroupBox("Whom could I help?")
        vbox((self.help_them_list, 1), hbox((self.suggest_status, 1), self.suggest_button), parent=whom)

        # A person's offers and needs
        self.person_field = named(PersonField(nd, placeholder="Whose offers and needs…"), "offersPerson")
        self.offers_edit = named(QPlainTextEdit(), "personOffers", "Can help with… (one per line)")
        self.needs_edit = named(QPlainTextEdit(), "personNeeds", "Is looking for… (one per line)")
        self.save_button = named(QPushButton("Save"), "offersSave")
        edit = QGroupBox("A person's offers and needs")
        edit_layout = vbox(self.person_field, hbox(self.offers_edit, self.needs_edit), self.error_label, parent=edit)
        edit_layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignRight)
        vbox((hbox((who, 1), (whom, 1)), 2), (edit, 1), parent=self)

        self.help_edit.returnPressed.connect(self.find_help)
        self.help_them_list.currentRowChanged.connect(self._suggestion_selected)
        self.suggest_button.clicked.connect(self.suggest_introduction)
        self.person_field.chosen.connect(self._load_person)
        self.save_button.clicked.connect(self.save_person)
        self.watch(self.help_list, self.help_them_list)  # Enter or a double click shows the person
        self.refresh()

    def refresh(self) -> None:
        self.suggestions = self._nd.offers.whom_could_i_help()
        self.help_them_list.clear()
        for s in self.suggestions:
            item = QListWidgetItem(f"{s.person_name}: “{s.need}” → {s.suggestion} · matched: {', '.join(s.matched)}")
            item.setData(Qt.ItemDataRole.UserRole, s.person_id)
            self.help_them_list.addItem(item)
        if not self.suggestions:
            self.suggest_status.setText("Note what people are looking for, and what you and others offer.")
        if self.help_edit.text().strip():
            self.find_help()

    def find_help(self) -> None:
        matches = self.matches = self._nd.offers.who_could_help(self.help_edit.text())
        self.help_list.clear()
        for m in matches:
            item = QListWidgetItem(f"{m.name} — {m.offer} · matched: {', '.join(m.matched)}")
            item.setData(Qt.ItemDataRole.UserRole, m.contact_id)
            self.help_list.addItem(item)
        term = self.help_edit.text().strip()
        self.help_status.setText(
            f"{len(matches)} could help with {term}" if matches else f"Nobody's offers match {term}."
        )

    def results(self) -> list[str]:
        return [self.help_list.item(i).text() for i in range(self.help_list.count())]

    # --- what Open, Edit and Delete mean here --------------------------------------------------------------------

    def picked(self) -> tuple[int, str] | None:
        """(contact id, name) of the person picked in the list last worked in."""
        view = self.help_them_list if self.in_list(self.help_them_list) else self.help_list
        item = view.currentItem()
        if item is None or not item.isSelected():
            return None
        return int(item.data(Qt.ItemDataRole.UserRole)), item.text().split(" — ")[0].split(":")[0]

    def page_actions(self) -> PageActions:
        """Open shows the person; Edit loads their offers and needs into the form below; Delete removes the offer
        (or, in "Whom could I help?", the need) the row is about."""
        needs = self.in_list(self.help_them_list)
        noun = "need" if needs else "offer"
        person = self.picked()
        if person is None:
            return PageActions(noun=noun)
        suggest = self.suggest_introduction if needs and self.suggest_button.isEnabled() else None
        return PageActions(
            noun=noun,
            open=lambda: self.contactActivated.emit(person[0]),
            edit=lambda: self.edit_person(*person),
            delete=self.delete_picked,
            more=(("Suggest this introduction", suggest),),
        )

    def delete_picked(self) -> None:
        if self.in_list(self.help_them_list):
            row = self.help_them_list.currentRow()
            if not 0 <= row < len(self.suggestions):
                return
            s = self.suggestions[row]
            cid, needs = s.person_id, [n for n in self._nd.offers.of(s.person_id).needs if n != s.need]
            self.write(lambda: self._nd.offers.set_for(cid, needs=needs))
        else:
            row = self.help_list.currentRow()
            if not 0 <= row < len(self.matches):
                return
            m = self.matches[row]
            cid, offers = m.contact_id, [o for o in self._nd.offers.of(m.contact_id).offers if o != m.offer]
            self.write(lambda: self._nd.offers.set_for(cid, offers=offers))

    def edit_person(self, contact_id: int, name: str) -> None:
        self.person_field.set_person(contact_id, name)
        self._load_person()
        self.offers_edit.setFocus()

    def _suggestion_selected(self, row: int) -> None:
        s = self.suggestions[row] if 0 <= row < len(self.suggestions) else None
        self.suggest_button.setEnabled(s is not None and s.helper_id is not None)

    def suggest_introduction(self) -> None:
        """Start the double opt-in between the person in need and the one who offers (on the Intro tracker page)."""
        row = self.help_them_list.currentRow()
        if not 0 <= row < len(self.suggestions):
            return
        s = self.suggestions[row]
        if s.helper_id is None:
            return
        helper_id, person_id = s.helper_id, s.person_id
        reason = f"{s.need} — {s.helper_name}: {s.offer}"
        added = f"Added to the Intro tracker: ask {s.person_name} and {s.helper_name} whether they want it."
        self.write(
            lambda: self._nd.introductions.propose(person_id, helper_id, reason),
            lambda _intro: self.suggest_status.setText(added),
            self.suggest_status.setText,  # a refusal is shown beside the button it came from
        )

    def _load_person(self) -> None:
        cid = self.person_field.contact_id()
        if cid is None:
            return
        entries = self._nd.offers.of(cid)
        self.offers_edit.setPlainText("\n".join(entries.offers))
        self.needs_edit.setPlainText("\n".join(entries.needs))

    def save_person(self) -> None:
        cid = self.person_field.contact_id()
        if cid is None:
            self.fail("Pick a person from the suggestions first.")
            return
        offers, needs = _lines(self.offers_edit), _lines(self.needs_edit)
        self.write(lambda: self._nd.offers.set_for(cid, offers, needs))

    def selected_contact(self) -> tuple[int, str] | None:
        item = self.help_list.currentItem() or self.help_them_list.currentItem()
        if item is None:
            return None
        return int(item.data(Qt.ItemDataRole.UserRole)), item.text().split(" — ")[0].split(":")[0]
