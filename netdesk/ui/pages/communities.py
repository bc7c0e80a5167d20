"""Communities, groups, events and conferences: their people ("met at", "member of"), your activity and rhythm,
and "Who did I meet at …?" in one click."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QWidget,
)

from netdesk.core.changes import Written
from netdesk.core.errors import NetDeskError
from netdesk.core.practices import CommunityKind, CommunityRelation
from netdesk.services import NetDesk
from netdesk.services.communities import CommunityDTO, CommunitySummary
from netdesk.ui.ops import ops_for
from netdesk.ui.page_actions import PageActions
from netdesk.ui.pages.base import FormDialog, FormProblem, PracticePage, combo, hbox, named, spin, vbox
from netdesk.ui.widgets.person_field import PersonField


class CommunityDialog(FormDialog):
    def __init__(self, nd: NetDesk, community: CommunityDTO | None = None, parent: QWidget | None = None) -> None:
        super().__init__(nd, parent, name="communityDialog", title="Community or event")
        self._id = community.id if community is not None else None
        c = community or CommunityDTO("")
        self.name_edit = named(QLineEdit(c.name), "communityName")
        self.kind_combo = combo("communityKind", ((k.value, k.value) for k in CommunityKind), c.kind.value)
        self.link_edit = named(QLineEdit(c.link), "communityLink")
        self.role_edit = named(QLineEdit(c.role), "communityRole", "member, speaker, organiser…")
        held = c.held_on.isoformat() if c.held_on else ""
        self.held_edit = named(QLineEdit(held), "communityHeldOn", "YYYY-MM-DD (events)")
        self.count_spin = spin("communityRhythmCount", 0, 100, c.rhythm_count or 0, none="No rhythm")
        self.days_spin = spin("communityRhythmDays", 1, 366, c.rhythm_days or 7, prefix="in ", suffix=" days")
        self.what_edit = named(QLineEdit(c.rhythm_what), "communityRhythmWhat", "attend, answer questions…")
        rhythm = hbox(self.count_spin, self.days_spin, (self.what_edit, 1))
        self.notes_edit = named(QPlainTextEdit(c.notes), "communityNotes")
        self.finish(
            [
                ("&Name:", self.name_edit),
                ("&Kind:", self.kind_combo),
                ("&Link:", self.link_edit),
                ("Your &role:", self.role_edit),
                ("&Held on:", self.held_edit),
                ("Your r&hythm:", rhythm),
                ("N&otes:", self.notes_edit),
            ]
        )

    def prepare(self) -> Callable[[], Written[CommunityDTO]]:
        try:
            held = date.fromisoformat(self.held_edit.text().strip()) if self.held_edit.text().strip() else None
        except ValueError:
            raise FormProblem("The day is written YYYY-MM-DD.") from None
        count = self.count_spin.value() or None
        dto = CommunityDTO(
            self.name_edit.text(),
            CommunityKind(self.kind_combo.currentData()),
            self.link_edit.text(),
            self.role_edit.text(),
            held,
            count,
            self.days_spin.value() if count else None,
            self.what_edit.text(),
            self.notes_edit.toPlainText(),
            self._id,
        )
        communities = self._nd.communities
        return lambda: communities.save(dto)


class CommunitiesPage(PracticePage):
    def __init__(self, nd: NetDesk, parent: QWidget | None = None) -> None:
        super().__init__(nd, "communitiesPage", parent)
        self.error_label.setObjectName("communityPageError")
        self.summaries: list[CommunitySummary] = []
        self.only_met = False

        placeholder = "Who did I meet at…? (type an event or community and press Enter)"
        self.met_edit = named(QLineEdit(), "metAtSearch", placeholder)
        self.community_list = named(QListWidget(), "communityList")
        # Shortened in the middle (the count stays) rather than scrolled sideways at 1024 px, like the tag rail.
        self.community_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.community_list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.new_button = named(QPushButton("New…"), "communityNew")
        self.edit_button = named(QPushButton("Edit…"), "communityEdit")
        self.delete_button = named(QPushButton("Delete"), "communityDelete")
        left = QWidget()
        vbox(
            self.met_edit,
            (self.community_list, 1),
            hbox(self.new_button, self.edit_button, self.delete_button),
            parent=left,
        )

        self.detail_label = named(QLabel("Pick a community or event."), "communityDetail")
        self.detail_label.setWordWrap(True)
        self.detail_label.setTextFormat(Qt.TextFormat.PlainText)
        self.met_button = named(QPushButton("Who did I meet here?"), "communityMetHere")
        self.met_button.setCheckable(True)
        self.log_button = named(QPushButton("Log an interaction here…"), "communityLog")
        self.people_list = named(QListWidget(), "communityPeople")
        self.person_field = named(PersonField(nd, placeholder="Add a person…"), "communityAddPerson")
        self.relation_combo = combo("communityRelation", ((r.label, r.value) for r in CommunityRelation))
        self.add_person_button = named(QPushButton("Add"), "communityAddPersonButton")
        right = QWidget()
        vbox(
            self.detail_label,
            hbox(self.met_button, self.log_button, None),
            (self.people_list, 1),
            hbox((self.person_field, 1), self.relation_combo, self.add_person_button),
            self.error_label,
            parent=right,
        )

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 2)
        vbox(splitter, parent=self)

        self.community_list.currentRowChanged.connect(lambda _row: self._show())
        self.met_button.toggled.connect(self._toggle_met)
        self.met_edit.returnPressed.connect(self.find_met_at)
        self.new_button.clicked.connect(lambda: self.open_dialog(None))
        self.edit_button.clicked.connect(lambda: self.open_dialog(self.current()))
        self.delete_button.clicked.connect(self.delete_current)
        self.add_person_button.clicked.connect(self.add_person)
        self.log_button.clicked.connect(self.log_interaction)
        self.watch(self.community_list, self.people_list)
        self.refresh()

    def refresh(self) -> None:
        keep = self.current()
        self.summaries = self._nd.communities.overview()
        self.community_list.blockSignals(True)
        self.community_list.clear()
        for summary in self.summaries:
            c = summary.community
            item = QListWidgetItem(f"{c.name} — {c.kind.value} · {summary.people} people")
            item.setData(Qt.ItemDataRole.UserRole, c.id)
            self.community_list.addItem(item)
        self.community_list.blockSignals(False)
        self.select(keep.id if keep is not None else None)

    def select(self, community_id: int | None) -> None:
        for row, summary in enumerate(self.summaries):
            if summary.community.id == community_id:
                self.community_list.setCurrentRow(row)
                self._show()
                return
        if self.summaries and community_id is None:
            self.community_list.setCurrentRow(0)
        self._show()

    def current(self) -> CommunityDTO | None:
        row = self.community_list.currentRow()
        return self.summaries[row].community if 0 <= row < len(self.summaries) else None

    def _show(self) -> None:
        row = self.community_list.currentRow()
        self.people_list.clear()
        has = 0 <= row < len(self.summaries)
        for button in (self.edit_button, self.delete_button, self.log_button, self.met_button):
            button.setEnabled(has)
        self.actions_changed.emit()
        if not has:
            self.detail_label.setText("No communities yet: add the groups you belong to and the events you attend.")
            return
        summary = self.summaries[row]
        c = summary.community
        lines = [f"{c.name} ({c.kind.value})"]
        if c.held_on:
            lines.append(f"Held on {c.held_on.isoformat()}")
        if c.link:
            lines.append(c.link)
        if c.role:
            lines.append(f"Your role: {c.role}")
        last = f"last on {summary.last_activity.isoformat()}" if summary.last_activity else "nothing logged here yet"
        window = f"in the last {c.rhythm_days} days" if c.rhythm_days else "in the last 30 days"
        activity = f"Your activity: {summary.activity_in_rhythm} {window} · {last}"
        if c.rhythm:
            activity += f" · your rhythm: {c.rhythm}"
        lines.append(activity)
        self.detail_label.setText("\n".join(lines))
        assert c.id is not None
        relation = CommunityRelation.MET_AT if self.only_met else None
        for member in self._nd.communities.people(c.id, relation):
            item = QListWidgetItem(f"{member.name} — {member.relation.label}")
            item.setData(Qt.ItemDataRole.UserRole, (member.contact_id, member.relation.value))
            self.people_list.addItem(item)

    def _toggle_met(self, on: bool) -> None:
        self.only_met = on
        self._show()

    def people_shown(self) -> list[str]:
        return [self.people_list.item(i).text() for i in range(self.people_list.count())]

    def find_met_at(self) -> None:
        """ "Who did I meet at …?": select the best-named community and show only the people met there."""
        try:
            community, _people = self._nd.communities.met_at(self.met_edit.text())
        except NetDeskError as exc:
            self.fail(str(exc))
            return
        self.error_label.hide()
        self.met_button.setChecked(True)
        self.select(community.id)

    # --- what Open, Edit and Delete mean here --------------------------------------------------------------------

    def page_actions(self) -> PageActions:
        person = self.selected_member()
        item = self.community_list.currentItem()
        c = self.current() if item is not None and item.isSelected() else None
        if self.in_list(self.people_list) and person is not None and c is not None:
            cid, _relation = person
            return PageActions(
                noun="link",
                open=lambda: self.contactActivated.emit(cid),
                delete=self.unlink_selected,
                more=(("Log an interaction here…", self.log_interaction),),
            )
        new = ("New community or event…", lambda: self.open_dialog(None))
        if c is None:
            return PageActions(noun="community", more=(new,))
        return PageActions(
            noun="community",
            open=lambda: self.open_dialog(self.current()),
            edit=lambda: self.open_dialog(self.current()),
            delete=self.delete_current,
            more=(new, ("Log an interaction here…", self.log_interaction)),
        )

    # --- writes ------------------------------------------------------------------------------------------------

    def add_person(self) -> None:
        c = self.current()
        cid = self.person_field.contact_id()
        if c is None or c.id is None or cid is None:
            self.fail("Pick a community and a person from the suggestions.")
            return
        community_id, relation = c.id, self.relation_combo.currentData()
        self.write(lambda: self._nd.communities.link_person(community_id, cid, relation), self._person_added)

    def _person_added(self, _linked: object) -> None:
        self.person_field.clear()
        self.refresh()

    def unlink_selected(self) -> None:
        c, person = self.current(), self.selected_member()
        if c is None or c.id is None or person is None:
            return
        community_id, (cid, relation) = c.id, person
        self.write(lambda: self._nd.communities.unlink_person(community_id, cid, relation))

    def log_interaction(self) -> QDialog | None:
        """Log a meeting, call or event with the selected person (if any) that belongs to this community: the log
        and its place in the community are one write (one undo entry)."""
        from netdesk.ui.interaction_dialog import InteractionDialog

        c = self.current()
        if c is None or c.id is None:
            return None
        chosen = self.selected_contact()
        community_id, communities = c.id, self._nd.communities
        dialog = InteractionDialog(
            self._nd.timeline,
            [chosen] if chosen else [],
            self._nd.contacts.rows,
            None,
            self,
            self._nd.networking,
            write_later=ops_for(self, self._nd, self.refresh).write_later,
            then=lambda saved: communities.attach_interaction(saved.id, community_id) if saved.id is not None else None,
        )
        self.show_dialog(dialog)
        return dialog

    def delete_current(self) -> None:
        c = self.current()
        if c is None or c.id is None:
            return
        community_id = c.id
        self.write(lambda: self._nd.communities.delete(community_id))

    def open_dialog(self, community: CommunityDTO | None) -> CommunityDialog:
        dialog = CommunityDialog(self._nd, community, self)
        self.show_dialog(dialog, lambda saved: self.select(saved.id))
        return dialog

    def selected_member(self) -> tuple[int, str] | None:
        """(contact id, relation) of the person picked in the people list."""
        item = self.people_list.currentItem()
        if item is None or not item.isSelected():
            return None
        cid, relation = item.data(Qt.ItemDataRole.UserRole)
        return int(cid), str(relation)

    def selected_contact(self) -> tuple[int, str] | None:
        item = self.people_list.currentItem()
        if item is None:
            return None
        return int(item.data(Qt.ItemDataRole.UserRole)[0]), item.text().split(" — ")[0]
