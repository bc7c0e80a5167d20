"""What the Contacts page writes: new, edit, delete, merge, restore from the trash, log; and its page actions.

Every write goes through the window's ``Ops`` (undo entry, errors one way, the change-set on the bus); the list
refreshes from the bus, so nothing here reloads it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox

from netdesk.core.changes import Written
from netdesk.core.errors import NotFoundError
from netdesk.core.model import ContactDTO, ContactKind, InteractionDTO
from netdesk.ui import starred as star
from netdesk.ui.contact_dialog import ContactDialog
from netdesk.ui.controllers.contact_list import ContactListController
from netdesk.ui.controllers.host import Host
from netdesk.ui.detail_pane import INTERACTION_ROLE
from netdesk.ui.interaction_dialog import InteractionDialog
from netdesk.ui.page_actions import PageActions, install_context_menu
from netdesk.ui.preferences import load_preferences
from netdesk.ui.safe_text import ask
from netdesk.ui.trash_dialog import TrashDialog


class ContactEditsController(QObject):
    def __init__(self, host: Host, contacts: ContactListController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.list = contacts
        contacts.table.activated.connect(lambda _index: self.edit_selected())  # Enter or double-click opens
        contacts.detail.log_interaction_requested.connect(self.log_interaction)
        contacts.detail.interaction_activated.connect(self.edit_interaction)
        contacts.detail.star_toggled.connect(lambda cid, on: star.set_star(host, [cid], on))
        # The contact's own timeline in the detail pane: its menu, and the window's F2 and Delete while it has the
        # focus, act on the interaction picked there (Delete must never trash the contact from there).
        self.confirm: Callable[[str], bool] = lambda text: ask(host.window(), text)
        install_context_menu(contacts.detail.timeline_list, _DetailInteractions(self))
        contacts.detail.timeline_list.itemSelectionChanged.connect(host.sync_actions)
        contacts.detail.timeline_list.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Into or out of the detail pane's interaction list: Edit and Delete change what they are about."""
        if event.type() in (QEvent.Type.FocusIn, QEvent.Type.FocusOut):
            self.host.sync_actions()
        return super().eventFilter(watched, event)

    def page_actions(self) -> PageActions:
        """The Contacts page's actions, for what the list has selected (or the detail pane's interaction list, while
        it has the focus)."""
        if self.list.detail.timeline_list.hasFocus():
            return self.interaction_actions()
        rows = self.list.table.selectionModel().selectedRows()
        one = self.list.selected_id() is not None
        return PageActions(
            noun="contact" if len(rows) <= 1 else "contacts",
            open=self.edit_selected if one else None,
            edit=self.edit_selected if one else None,
            delete=self.delete_selected if rows else None,
            more=(
                ("Log interaction…", self.log_interaction if one else None),
                ("Merge contacts…", self.merge_selected if len(rows) >= 2 else None),
                star.star_entry(self.host, self.list.selected_rows()),
            ),
        )

    def new_contact(self) -> None:
        host = self.host
        dialog = ContactDialog(
            host.nd.contacts, None, self.list.tag_names(), host.window(), write_later=self._create_later
        )

        def created() -> None:
            if dialog.saved is not None and dialog.saved.id is not None:
                host.statusBar().showMessage(f"Created {dialog.saved.name}", 4000)
                self.list.select_new(dialog.saved.id)

        host.open_dialog(dialog, created)

    def _create_later(
        self,
        fn: Callable[[], Written[ContactDTO]],
        on_done: Callable[[ContactDTO], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """A new contact and the default rhythm from Preferences: one write, one undo step."""
        host = self.host
        days = load_preferences(host.settings).default_cadence_days
        networking = host.nd.networking

        def create() -> Written[ContactDTO]:
            written = fn()
            if days and written.value.id is not None and written.value.kind is ContactKind.PERSON:
                rhythm = networking.set_contact_cadence(written.value.id, days)
                return Written(written.value, written.changes | rhythm.changes)
            return written

        host.ops.run(create, on_done, on_error=on_error)

    def _write_later(
        self,
        fn: Callable[[], Written[ContactDTO]],
        on_done: Callable[[ContactDTO], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        self.host.ops.run(fn, on_done, on_error=on_error)

    def edit_selected(self) -> None:
        contact_id = self.list.selected_id()
        if contact_id is None:
            return
        try:
            before = self.host.nd.contacts.get(contact_id)
        except NotFoundError:
            return
        self.edit_contact(before)

    def edit_contact(self, before: ContactDTO) -> None:
        host = self.host
        dialog = ContactDialog(
            host.nd.contacts, before, self.list.tag_names(), host.window(), write_later=self._write_later
        )

        def edited() -> None:
            if dialog.saved is not None and dialog.saved.id is not None:
                self.list.select_contact(dialog.saved.id)

        host.open_dialog(dialog, edited)

    def delete_selected(self) -> None:
        ids = self.list.selected_ids()
        if not ids:
            return
        model = self.list.model
        names = [r.name for r in (model.contact_row(i) for i in ids) if r is not None]
        what = f"“{names[0]}”" if len(ids) == 1 else f"{len(ids)} contacts"
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Delete contact" if len(ids) == 1 else "Delete contacts",
            f"Move {what} to the trash?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self.host.window(),
        )
        box.setObjectName("confirmDeleteBox")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText("You can undo this (Ctrl+Z) or restore from View → Trash.")
        box.button(QMessageBox.StandardButton.Yes).setText("Move to Trash")
        box.setDefaultButton(QMessageBox.StandardButton.Yes)

        def answered(result: int) -> None:
            if box.clickedButton() is box.button(QMessageBox.StandardButton.Yes):
                self.delete_contacts(ids, what)

        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(answered)
        self.host.current_dialog = box
        box.open()

    def delete_contacts(self, ids: Sequence[int], what: str = "") -> None:
        """Move to the trash, undoably (no confirmation: callers ask first)."""
        host = self.host
        contacts = host.nd.contacts

        def done(_moved: list[int]) -> None:
            host.statusBar().showMessage(f"Moved {what or len(ids)} to the trash — Ctrl+Z to undo", 6000)

        host.ops.run(lambda: contacts.delete(ids), done, title="Could not delete")

    def merge_selected(self) -> None:
        """Ask which of the selected contacts to keep, then merge the others into it (undoable)."""
        ids = self.list.selected_ids()
        if len(ids) < 2:
            return
        host = self.host
        rows = [r for r in (self.list.model.contact_row(i) for i in ids) if r is not None]
        labels = [f"{r.name} — {r.organization}" if r.organization else r.name for r in rows]
        dialog = QInputDialog(host.window())
        dialog.setObjectName("mergeDialog")
        dialog.setWindowTitle("Merge contacts")
        dialog.setLabelText(
            f"Merge {len(rows)} contacts into one. Keep the name and details of:\n"
            "(every email, phone, address, tag and interaction of the others is kept too; Ctrl+Z undoes the merge)"
        )
        dialog.setComboBoxItems(labels)
        dialog.setOkButtonText("Merge")

        def chosen() -> None:
            keep = rows[labels.index(dialog.textValue())]
            others = [r.id for r in rows if r.id != keep.id]
            contacts = host.nd.contacts

            def merged(kept: int) -> None:
                self.list.select_contact(kept)
                host.statusBar().showMessage(f"Merged {len(rows)} contacts into “{keep.name}” — Ctrl+Z to undo", 6000)

            host.ops.run(lambda: contacts.merge(keep.id, others), merged, background=True, title="Could not merge")

        host.open_dialog(dialog, chosen)

    def show_trash(self) -> None:
        dialog = TrashDialog(self.host.nd.contacts, self.host.window(), run=self.host.ops.run)
        dialog.restored.connect(lambda ids: self.list.select_new(ids[0]))
        self.host.open_dialog(dialog, lambda: None)

    def log_interaction(self) -> None:
        contact = self.list.detail.contact
        if contact is None or contact.id is None:
            return
        host = self.host
        dialog = InteractionDialog(
            host.nd.timeline,
            [(contact.id, contact.name)],
            self.list.model.all_rows,
            None,
            host.window(),
            write_later=host.ops.write_later,
        )
        host.open_dialog(dialog, lambda: None)  # the bus refreshes the list, the detail and the views

    def picked_interaction(self) -> InteractionDTO | None:
        item = self.list.detail.timeline_list.currentItem()
        if item is None or not item.isSelected():
            return None
        interaction = item.data(INTERACTION_ROLE)
        return interaction if isinstance(interaction, InteractionDTO) else None

    def interaction_actions(self) -> PageActions:
        interaction = self.picked_interaction()
        log = ("Log interaction…", self.log_interaction if self.list.detail.contact is not None else None)
        if interaction is None:
            return PageActions(noun="interaction", more=(log,))
        return PageActions(
            noun="interaction",
            open=lambda: self.edit_interaction(interaction),
            edit=lambda: self.edit_interaction(interaction),
            delete=lambda: self.delete_interaction(interaction),
            more=(log,),
        )

    def delete_interaction(self, interaction: InteractionDTO) -> None:
        iid = interaction.id
        if iid is None or not self.confirm(
            f"Delete “{interaction.summary or interaction.kind.label}” from the timeline?"
        ):
            return
        timeline = self.host.nd.timeline
        self.host.ops.run(lambda: timeline.delete(iid), title="Could not delete")

    def edit_interaction(self, interaction: InteractionDTO) -> None:
        host = self.host
        dialog = InteractionDialog(
            host.nd.timeline, [], self.list.model.all_rows, interaction, host.window(), write_later=host.ops.write_later
        )
        host.open_dialog(dialog, lambda: None)


class _DetailInteractions:
    """The detail pane's interaction list as a page of its own for the context menu (``ActionPage``)."""

    def __init__(self, edits: ContactEditsController) -> None:
        self._edits = edits

    def page_actions(self) -> PageActions:
        return self._edits.interaction_actions()
