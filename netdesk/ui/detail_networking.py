"""The networking part of the detail pane: strength, cadence, favours, follow-up, relationships, goals, job history.

Everything here is a handful of indexed lookups for one contact: ``load_facts`` reads them (the main window does
that on a worker thread when the user moves through the list) and ``show_contact`` shows them. Each action is
a write through ``ui.ops`` (undoable, errors shown one way); the window re-shows the contact from the change it
publishes, so this panel never patches its own display after an edit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from typing import Any

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.changes import Written
from netdesk.core.errors import NetDeskError
from netdesk.core.exchange import Stage
from netdesk.core.model import ContactDTO, ContactHistoryEntry, ContactKind, ContactRow, InteractionDTO
from netdesk.core.networking import NEW_CONNECTION_DAYS, RELATIONSHIP_TYPES, Strength
from netdesk.services import NetDesk
from netdesk.services.followups import Pipeline
from netdesk.services.networking import GoalInfo, Relation
from netdesk.ui.cadence_dialog import cadence_dialog
from netdesk.ui.interaction_dialog import ContactPicker
from netdesk.ui.ops import ops_for
from netdesk.ui.safe_text import plain_label, plain_tooltip
from netdesk.ui.theme import error_style, quiet_style, themed_style_sheet
from netdesk.ui.widgets.person_practices import PersonPractices

ID_ROLE = Qt.ItemDataRole.UserRole
COUNTED_SHOWN = 5  # exchanges named under the strength score


@dataclass(frozen=True)
class PersonFacts:
    """What the panel shows about one person, read in one go (``NetworkingPanel.load_facts``), so that the
    reading can happen off the GUI thread and the showing on it."""

    contact_id: int
    today: date
    error: str = ""  # the services refused (the panel shows this instead)
    strength: Strength | None = None
    own_cadence: int | None = None
    effective_cadence: int | None = None
    cadence_tag: str = ""
    last_contacted: datetime | None = None
    next_due: date | None = None  # when the rhythm next falls due, as the Due list counts it
    favour_balance: tuple[int, int] = (0, 0)
    open_favours: tuple[InteractionDTO, ...] = ()
    pipeline: Pipeline | None = None
    relationships: tuple[Relation, ...] = ()
    goals: tuple[GoalInfo, ...] = ()
    linked_goals: frozenset[int] = frozenset()
    history: tuple[ContactHistoryEntry, ...] = ()
    practices: str | None = None  # the communities/offers line (None: not read yet)


def _day(d: date | datetime) -> str:
    return f"{d:%d %b %Y}"


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def _relative(days: int) -> str:
    if days == 0:
        return "today"
    if days > 0:
        return f"in {days} day{'s' if days != 1 else ''}"
    return f"{-days} day{'s' if days != -1 else ''} overdue"


class RelationshipDialog(ContactPicker):
    """Pick the other person and the relationship type: "<picked> is <contact>'s <type>"."""

    def __init__(self, rows: Sequence[ContactRow], contact: ContactDTO, parent: QWidget | None = None) -> None:
        super().__init__(rows, {contact.id} if contact.id is not None else set(), parent)
        self.setObjectName("relationshipDialog")
        self.setWindowTitle(f"Add a relationship for {contact.name}")
        self.type_combo = QComboBox()
        self.type_combo.setObjectName("relationshipType")
        self.type_combo.setEditable(True)  # any other type ("neighbour") is kept as typed
        self.type_combo.addItems(RELATIONSHIP_TYPES)
        row = QHBoxLayout()
        # Reads as a sentence: "<picked person> is Nadia's [colleague]".
        row.addWidget(plain_label("The person you pick below is"))
        row.addWidget(plain_label(f"{contact.name}’s"))
        row.addWidget(self.type_combo, 1)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertLayout(0, row)

    def relationship_type(self) -> str:
        return self.type_combo.currentText().strip()


class NetworkingPanel(QWidget):
    introductions_requested = Signal(int)
    contact_requested = Signal(int)  # a relationship was activated: show that person

    def __init__(self, nd: NetDesk, parent: QWidget | None = None, today: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        self.setObjectName("networkingPanel")
        self._nd = nd
        self._today = today
        self.contact: ContactDTO | None = None
        self.active_dialog: QDialog | None = None
        self.mark_done_buttons: dict[int, QPushButton] = {}

        def label(name: str) -> QLabel:
            widget = QLabel()
            widget.setObjectName(name)
            widget.setTextFormat(Qt.TextFormat.RichText)  # built here: every value in it is escaped
            widget.setWordWrap(True)
            widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            return widget

        def button(text: str, name: str, slot: Callable[[], None]) -> QPushButton:
            widget = QPushButton(text)
            widget.setObjectName(name)
            widget.clicked.connect(lambda _checked=False: slot())
            return widget

        self.strength_label = label("strengthLabel")
        self.strength_parts_label = label("strengthParts")
        themed_style_sheet(self.strength_parts_label, quiet_style)
        self.cadence_label = label("cadenceLabel")
        self.cadence_button = button("Change…", "changeCadenceButton", self.change_cadence)
        self.due_label = label("nextDueLabel")
        self.favours_label = label("favoursLabel")
        self._open_favours = QVBoxLayout()
        self._open_favours.setContentsMargins(12, 0, 0, 0)
        self.followup_label = label("followupLabel")
        self.messaged_button = button("Sent personal message", "sentMessageButton", lambda: self._followup("messaged"))
        self.replied_button = button("They replied", "theyRepliedButton", lambda: self._followup("replied"))
        self.new_connection_button = button("Mark as new connection", "newConnectionButton", self.mark_new_connection)
        self.write_note_button = button("Write note…", "writeNoteButton", self.write_note)
        self.relationships_list = QListWidget()
        self.relationships_list.setObjectName("relationshipsList")
        self.relationships_list.setMaximumHeight(90)
        self.relationships_list.itemActivated.connect(lambda item: self._open_other(item))
        self.add_relationship_button = button("Add…", "addRelationshipButton", self.add_relationship)
        self.remove_relationship_button = button("Remove", "removeRelationshipButton", self.remove_relationship)
        self.goals_list = QListWidget()
        self.goals_list.setObjectName("contactGoals")
        self.goals_list.setMaximumHeight(80)
        self.goals_list.setToolTip("Tick a goal to link this person to it")
        self.goals_list.itemChanged.connect(self._goal_toggled)
        self.history_list = QListWidget()
        self.history_list.setObjectName("jobHistory")
        self.history_list.setMaximumHeight(80)
        self.intro_button = button("Who can introduce me?", "whoCanIntroduceButton", self._request_introductions)
        self.error_label = label("networkingError")
        themed_style_sheet(self.error_label, error_style)

        def row(*widgets: QWidget) -> QHBoxLayout:
            line = QHBoxLayout()
            for w in widgets:
                line.addWidget(w, 1 if isinstance(w, QLabel) else 0)
            return line

        self._person_only: list[QWidget] = []
        layout = QVBoxLayout(self)
        # Never squeeze the wrapped labels: the scroll area around the panel scrolls instead.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(3)
        layout.addWidget(self.error_label)
        layout.addWidget(self.strength_label)
        layout.addWidget(self.strength_parts_label)
        layout.addLayout(row(self.cadence_label, self.cadence_button))
        layout.addWidget(self.due_label)
        layout.addWidget(self.favours_label)
        layout.addLayout(self._open_favours)
        layout.addWidget(self.followup_label)
        followup_buttons = row(
            self.write_note_button, self.messaged_button, self.replied_button, self.new_connection_button
        )
        followup_buttons.addStretch(1)
        layout.addLayout(followup_buttons)
        self.relationships_title = QLabel("<b>Relationships</b>")
        layout.addLayout(row(self.relationships_title, self.add_relationship_button, self.remove_relationship_button))
        layout.addWidget(self.relationships_list)
        self.goals_title = QLabel("<b>Goals</b>")
        layout.addWidget(self.goals_title)
        layout.addWidget(self.goals_list)
        self.history_title = QLabel("<b>Job history</b>")
        layout.addWidget(self.history_title)
        layout.addWidget(self.history_list)
        self.practices_label = PersonPractices(nd)  # communities, offers and needs (issue 15)
        layout.addWidget(self.practices_label)
        layout.addWidget(self.intro_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        self._person_only = [
            self.strength_label,
            self.strength_parts_label,
            self.cadence_label,
            self.cadence_button,
            self.due_label,
            self.favours_label,
            self.relationships_title,
            self.relationships_list,
            self.add_relationship_button,
            self.remove_relationship_button,
            self.goals_title,
            self.goals_list,
            self.history_title,
            self.history_list,
            self.practices_label,
        ]
        self.clear()

    def set_netdesk(self, nd: NetDesk) -> None:
        """The window switched to another database."""
        self._nd = nd
        self.practices_label.nd = nd
        self.clear()

    # --- showing -----------------------------------------------------------------------------------------

    def clear(self) -> None:
        self.contact = None
        self.setVisible(False)

    def show_contact(self, contact: ContactDTO, facts: PersonFacts | None = None) -> None:
        """Show ``contact``; ``facts`` are what ``load_facts`` read for it (read here, on this thread, when None)."""
        self.contact = contact
        self.error_label.hide()
        if contact.id is None:
            self.clear()
            return
        self.setVisible(True)
        person = contact.kind is ContactKind.PERSON
        for widget in self._person_only:
            widget.setVisible(person)
        self.intro_button.setToolTip(
            plain_tooltip(
                f"Find who can introduce you to {contact.name}"
                if person or not contact.organization
                else f"Find who can introduce you to people at {contact.organization}"
            )
        )
        self._clear_open_favours()
        for widget in (self.followup_label, self.messaged_button, self.replied_button, self.new_connection_button):
            widget.hide()
        self.write_note_button.setVisible(person)
        if not person:
            return
        if facts is None or facts.contact_id != contact.id:
            facts = self.load_facts(contact)
        if facts is None:
            return
        if facts.error:
            self.error_label.setText(facts.error)
            self.error_label.show()
            return
        self._show_person(contact, facts)

    def load_facts(self, contact: ContactDTO) -> PersonFacts | None:
        """Everything the panel shows about a person, read from the services and nothing else (so it may run on a
        worker thread); None for an organisation."""
        if contact.id is None or contact.kind is not ContactKind.PERSON:
            return None
        cid = contact.id
        nd, today = self._nd, self._today()
        networking = nd.networking
        try:
            own, effective = networking.cadence_of(cid)
            rows = nd.contacts.rows([cid])
            overview = networking.goal_overview(today)
            return PersonFacts(
                contact_id=cid,
                today=today,
                strength=networking.strength(cid, today),
                own_cadence=own,
                effective_cadence=effective,
                cadence_tag=self._cadence_tag(contact, effective) if own is None and effective is not None else "",
                last_contacted=rows[0].last_contacted if rows else None,
                next_due=networking.next_contact_due(cid) if effective is not None else None,
                favour_balance=networking.favour_balance(cid),
                open_favours=tuple(networking.open_favours(cid)),
                pipeline=nd.followups.pipeline(cid),
                relationships=tuple(networking.relationships_of(cid)),
                goals=tuple(networking.goals()),
                linked_goals=frozenset(g.goal_id for g in overview if any(p.contact_id == cid for p in g.people)),
                history=tuple(nd.contacts.history(cid)),
                practices=self.practices_label.read(cid),
            )
        except NetDeskError as exc:
            return PersonFacts(contact_id=cid, today=today, error=str(exc))

    def _show_person(self, contact: ContactDTO, facts: PersonFacts) -> None:
        today = facts.today
        strength = facts.strength
        assert strength is not None
        self.strength_label.setText(f"<b>Relationship strength {strength.score} / 100</b>")
        lines = [f"{escape(text)}: +{points}" for text, points in strength.parts]
        if strength.counted:
            shown = strength.counted[:COUNTED_SHOWN]
            lines.append("Counted: " + "<br>".join(escape(line) for line in shown))
            if len(strength.counted) > len(shown):
                lines.append(f"… and {len(strength.counted) - len(shown)} more")
        self.strength_parts_label.setText("<br>".join(lines))

        own, effective = facts.own_cadence, facts.effective_cadence
        if own is not None:
            cadence = f"every {_days(own)}"
        elif effective is not None:
            tag = facts.cadence_tag
            cadence = f"every {_days(effective)} (from tag “{escape(tag)}”)" if tag else f"every {_days(effective)}"
        else:
            cadence = "none"
        self.cadence_label.setText(f"Rhythm: {cadence}")

        last = facts.last_contacted
        parts = [f"Last contacted {_day(last)}" if last else "Never contacted"]
        if effective is not None and last is None:
            parts.append("the first exchange starts the rhythm")
        elif effective is not None and (due := facts.next_due) is not None:
            parts.append(f"next due {_day(due)} ({_relative((due - today).days)})")
        self.due_label.setText(" · ".join(parts))

        if facts.practices is None:
            self.practices_label.show_contact(facts.contact_id)
        else:
            self.practices_label.show_text(facts.practices)
        given, received = facts.favour_balance
        self.favours_label.setText(f"Favours: {given} given · {received} received")
        for favour in facts.open_favours:
            if favour.id is None:
                continue
            text = plain_label(f"Open: {favour.summary or 'favour'} ({_day(favour.occurred_at)})")
            text.setWordWrap(True)
            done = QPushButton("Mark done")
            done.setObjectName("markFavourDoneButton")
            done.clicked.connect(lambda _checked=False, iid=favour.id: self.mark_favour_done(iid))
            self.mark_done_buttons[favour.id] = done
            line = QHBoxLayout()
            line.addWidget(text, 1)
            line.addWidget(done)
            holder = QWidget()
            holder.setLayout(line)
            line.setContentsMargins(0, 0, 0, 0)
            self._open_favours.addWidget(holder)

        self._show_followup(facts.pipeline, today)
        self._show_relationships(facts.relationships)
        self._show_goals(facts)
        self.history_list.clear()
        for entry in facts.history:
            old, new = entry.old_value or "—", entry.new_value or "—"
            if entry.sync_conflict:  # both sides changed it: the server's value is kept here for review
                self.history_list.addItem(
                    f"{_day(entry.changed_at)} · sync conflict, {entry.field}: kept {new}, server had {old}"
                )
                continue
            # A merge keeps one value and records the other: nothing changed from it.
            change = f"kept {new}, not {old}" if entry.source == "merge" else f"{old} → {new}"
            self.history_list.addItem(f"{_day(entry.changed_at)} · {entry.field}: {change}")
        self.history_title.setText(
            "<b>Job history</b>" if self.history_list.count() else "<b>Job history</b> — no changes recorded"
        )
        self.history_list.setVisible(self.history_list.count() > 0)

    def _cadence_tag(self, contact: ContactDTO, days: int) -> str:
        mine = {t.casefold() for t in contact.tags}
        for tag in self._nd.contacts.tags():
            if tag.cadence_days == days and tag.name.casefold() in mine:
                return tag.name
        return ""

    def _show_followup(self, pipeline: Pipeline | None, today: date) -> None:
        """Where a new connection stands in the follow-up pipeline (read from the record), with the overrides."""
        if pipeline is None:
            return
        if pipeline.connected_on is None:
            self.new_connection_button.show()
            return
        self.followup_label.show()
        ago = (today - pipeline.connected_on).days
        new = "New connection" if 0 <= ago <= NEW_CONNECTION_DAYS else "Connection"
        self.followup_label.setText(f"{new} since {_day(pipeline.connected_on)}: {pipeline.stage.label}")
        if pipeline.stage is Stage.CONNECTED:
            self.messaged_button.show()
        elif pipeline.stage is Stage.NOTE_SENT:
            self.replied_button.show()

    def _show_relationships(self, relationships: Sequence[Relation]) -> None:
        self.relationships_list.clear()
        for relation in relationships:
            item = QListWidgetItem(f"{relation.role}: {relation.other_name}")
            item.setData(ID_ROLE, relation.id)
            item.setData(ID_ROLE + 1, relation.other_id)
            item.setToolTip(plain_tooltip(relation.notes or f"{relation.other_name} is their {relation.role}"))
            self.relationships_list.addItem(item)
        self.remove_relationship_button.setEnabled(self.relationships_list.count() > 0)

    def _show_goals(self, facts: PersonFacts) -> None:
        linked = facts.linked_goals
        self.goals_list.blockSignals(True)
        self.goals_list.clear()
        for goal in facts.goals:
            item = QListWidgetItem(goal.name)
            item.setData(ID_ROLE, goal.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if goal.id in linked else Qt.CheckState.Unchecked)
            self.goals_list.addItem(item)
        self.goals_list.blockSignals(False)

    def _clear_open_favours(self) -> None:
        self.mark_done_buttons = {}
        while self._open_favours.count():
            child = self._open_favours.takeAt(0)
            widget = child.widget() if child is not None else None
            if widget is not None:
                widget.deleteLater()

    def text(self) -> str:
        if self.contact is None or self.isHidden():  # shown in its tab, even when another tab is in front
            return ""
        labels = [
            w.text()
            for w in (self.strength_label, self.cadence_label, self.due_label, self.favours_label, self.followup_label)
            if not w.isHidden()
        ]
        items = [self.relationships_list.item(i).text() for i in range(self.relationships_list.count())]
        goals = (self.goals_list.item(i) for i in range(self.goals_list.count()))
        items += [f"Goal: {g.text()}" for g in goals if g.checkState() == Qt.CheckState.Checked]
        items += [self.history_list.item(i).text() for i in range(self.history_list.count())]
        return "\n".join([*labels, *items])

    # --- actions -----------------------------------------------------------------------------------------

    def _run(self, action: Callable[[int], Written[Any]]) -> None:
        """Write for the contact shown (nothing when none is: a button can outlive its contact by a click)."""
        contact = self.contact
        if contact is None or contact.id is None:
            return
        cid = contact.id

        def reshow() -> None:
            if self.contact is not None and self.contact.id == cid:
                self.show_contact(self._nd.contacts.get(cid))

        ops_for(self, self._nd, reshow).run(lambda: action(cid))

    def change_cadence(self) -> None:
        if self.contact is None or self.contact.id is None:
            return
        dialog = cadence_dialog(self, self._nd.networking, self.contact.id, self.contact.name)
        dialog.intValueSelected.connect(
            lambda value: self._run(lambda cid: self._nd.networking.set_contact_cadence(cid, value or None))
        )
        self._open(dialog)

    def mark_favour_done(self, interaction_id: int) -> None:
        self._run(lambda _cid: self._nd.networking.close_favour(interaction_id))

    def _followup(self, state: str) -> None:
        self._run(lambda cid: self._nd.networking.mark_followup(cid, state))

    def mark_new_connection(self) -> None:
        self._run(lambda cid: self._nd.followups.mark_new_connection(cid, self._today()))

    def write_note(self) -> None:
        """Open the personal-note composer; "Mark as sent" refreshes the pane (the pipeline moved)."""
        from netdesk.ui.note_composer import NoteComposer

        if self.contact is None or self.contact.id is None:
            return
        try:
            composer = NoteComposer(self._nd, self.contact.id, self.contact.name, QSettings(), parent=self)
        except NetDeskError as exc:
            self.error_label.setText(str(exc))
            self.error_label.show()
            return
        self._open(composer)

    def add_relationship(self) -> None:
        contact = self.contact
        if contact is None or contact.id is None:
            return
        dialog = RelationshipDialog(self._nd.contacts.rows(), contact, self)

        def accepted() -> None:
            chosen = dialog.chosen()
            if chosen is not None:
                other, kind = chosen[0], dialog.relationship_type()
                self._run(lambda cid: self._nd.networking.add_relationship(other, cid, kind))

        dialog.accepted.connect(accepted)
        self._open(dialog)

    def remove_relationship(self) -> None:
        item = self.relationships_list.currentItem()
        if item is None:
            return
        relationship_id = int(item.data(ID_ROLE))
        self._run(lambda _cid: self._nd.networking.remove_relationship(relationship_id))

    def _goal_toggled(self, item: QListWidgetItem) -> None:
        goal_id = int(item.data(ID_ROLE))
        if item.checkState() == Qt.CheckState.Checked:
            self._run(lambda cid: self._nd.networking.link_contact(goal_id, cid))
        else:
            self._run(lambda cid: self._nd.networking.unlink_contact(goal_id, cid))

    def _open_other(self, item: QListWidgetItem) -> None:
        self.contact_requested.emit(int(item.data(ID_ROLE + 1)))

    def _request_introductions(self) -> None:
        if self.contact is not None and self.contact.id is not None:
            self.introductions_requested.emit(self.contact.id)

    def _open(self, dialog: QDialog) -> None:
        """Non-blocking, like the main window's dialogs (tests drive them through ``active_dialog``)."""
        self.active_dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def closed(_result: int) -> None:
            if self.active_dialog is dialog:
                self.active_dialog = None

        dialog.finished.connect(closed)
        dialog.open()
