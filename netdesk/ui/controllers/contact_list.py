"""The Contacts page: tag side bar, the list with its search and filters, the selection and the detail pane.

Every read runs on a worker (the list's one query, searches, a contact's details): the window never waits on the
database, even while another process imports.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.changes import ChangeSet
from netdesk.core.model import ContactKind, ContactRow, TagCount
from netdesk.core.words import plural
from netdesk.ui import starred as star
from netdesk.ui.contact_table_model import ContactTableModel
from netdesk.ui.controllers.host import Host
from netdesk.ui.detail_pane import DetailPane
from netdesk.ui.detail_read import DetailRead, read_detail
from netdesk.ui.icons import action_icon
from netdesk.ui.list_search import NOT_READY, ChangedRows, ListSearch, changed_rows
from netdesk.ui.row_steps import import_list_updates
from netdesk.ui.safe_text import plain_tooltip
from netdesk.ui.step_queue import StepQueue
from netdesk.ui.sync_ui import show_synced_line
from netdesk.ui.theme import themed_style_sheet
from netdesk.ui.welcome import WelcomePage
from netdesk.ui.widgets.avatar import AvatarSource
from netdesk.ui.widgets.contact_table import contact_table

if TYPE_CHECKING:
    from netdesk.core.search_index import Mask

SEARCH_DELAY_MS = 150
TAG_ROLE = Qt.ItemDataRole.UserRole + 1
DETAIL_DELAY_MS = 40  # a selected contact's details are read once the selection has rested this long


class ContactListController(QObject):
    contacts_loaded = Signal()
    search_finished = Signal()
    detail_shown = Signal()  # the detail pane shows the contact selected last
    tags_loaded = Signal()
    selection_changed = Signal()  # what the window's Edit/Delete act on may have changed
    # Once, when the list's first rows have arrived (or failed to): start-up's other reads wait for it (see _settle).
    first_rows_settled = Signal()

    def __init__(
        self, host: Host, parent: QObject | None = None, load: bool = True, model: ContactTableModel | None = None
    ) -> None:
        """``model``: the list's model start-up already filled and showed (``rows_shown`` takes it from there)."""
        super().__init__(parent)
        self._given_model = model
        self.host = host
        self.loaded = False
        self._search_generation = 0
        self._shown_for: tuple[str, str | None, bool, str | None] = ("", None, False, None)  # the filter listed
        self._detail_generation = 0
        self._selecting = False
        self.tag: str | None = None
        self.starred_filter = False  # the rail's Starred entry is selected (ui/starred.py)
        self.organization: str | None = None
        self._tags: list[TagCount] = []
        # "Synced with …" under a contact's details (set by the window once sync is built).
        self.synced_text: Callable[[int], str] = lambda _cid: ""
        # The list's search as the user types, in memory (ui/list_search.py): built once the user goes to search.
        self.list_search = ListSearch(
            lambda: self.host.nd.contacts,
            lambda: self.host.tasks,
            self,
            db_path=lambda: self.host.nd.path,
            listed=lambda: self.model.total,
        )
        self._first_rows_pending = True
        self._tags_wanted = False  # asked for while the first rows loaded
        self._refreshes = StepQueue(self)  # the list's refreshes after changes, in the order they came
        # The list's one query starts first, in a worker: SQLite reads while the widgets below are built (its
        # result is delivered through the event loop, so never before the window is complete). The window starts
        # it itself (load=False), before it imports its other modules.
        if load:
            self.load_rows()
        self._build_widgets()
        host.bus.changed.connect(self._changes_published)

    # --- construction ------------------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.tag_list = QListWidget()
        self.tag_list.setObjectName("tagList")
        self.tag_list.setMinimumWidth(140)
        # A long tag is shortened in the middle, keeping its count, rather than scrolling the rail sideways (at
        # 1024 px "former colleague  (44)" put a horizontal scroll bar under the list); the tooltip says it whole.
        self.tag_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tag_list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.tag_list.currentItemChanged.connect(self._tag_selected)

        self.model = self._given_model if self._given_model is not None else ContactTableModel(self)
        self.model.setParent(self)
        # Avatars (photo, else initials) painted for the rows on screen only; photos fetched on a worker.
        self.avatars = AvatarSource(
            lambda ids: self.host.nd.contacts.photos(ids),
            lambda fn, done: self.host.tasks.submit(fn, done, self.task_failed),
            self,
        )
        self.table, self.column_fit = contact_table(self.model, self.avatars)
        self.table.selectionModel().currentRowChanged.connect(self._current_row_changed)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.selection_changed.emit())

        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("searchEdit")
        self.search_edit.setPlaceholderText("Search contacts (Ctrl+F)")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.addAction(action_icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.search_edit.setMinimumWidth(300)
        self.search_edit.setToolTip("Names, organisations, titles, emails, phones, notes and tags")
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.run_search)
        self.search_edit.textChanged.connect(self._search_text_changed)
        self.search_edit.returnPressed.connect(self._focus_first_result)
        down = QShortcut(Qt.Key.Key_Down, self.search_edit, context=Qt.ShortcutContext.WidgetShortcut)
        down.activated.connect(self._focus_first_result)
        self.list_search.watch(self.search_edit)

        # Shown while the list is narrowed to one organisation's people.
        self.filter_banner = QLabel()
        self.filter_banner.setObjectName("filterBanner")
        self.filter_banner.setTextFormat(Qt.TextFormat.RichText)  # built here, the organisation escaped
        themed_style_sheet(self.filter_banner, lambda: "background: palette(alternate-base); padding: 4px 8px;")
        self.filter_banner.linkActivated.connect(lambda _link: self.clear_filters())
        self.filter_banner.hide()

        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.setSpacing(0)
        centre_layout.addWidget(self.filter_banner)
        centre_layout.addWidget(self.table)
        # An empty database shows what to do instead of an empty list (first run).
        self.welcome = WelcomePage()
        self.welcome.hide()
        centre_layout.addWidget(self.welcome)

        self.detail = DetailPane()
        self.detail.organization_clicked.connect(self.show_organization)
        self.detail.contact_clicked.connect(self.select_contact)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.tag_list)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setCollapsible(1, False)
        self.splitter.setSizes([170, 700, 410])

        self.count_label = QLabel()
        self.count_label.setObjectName("statusCount")

    def _load_photo_ids(self) -> None:
        avatars = self.avatars
        self.host.tasks.submit(
            self.host.nd.contacts.photo_ids, lambda ids: setattr(avatars, "photo_ids", ids), self.task_failed
        )

    # --- loading and searching ----------------------------------------------------------------------------

    def reload_contacts(self) -> None:
        """Load every row once, in a worker; the window is usable (and shows its status) meanwhile."""
        self.load_rows()
        self.reload_tags()

    def load_rows(self) -> None:
        self.host.tasks.submit(self.host.nd.contacts.rows, self.rows_loaded, self.rows_failed)

    def rows_failed(self, exc: BaseException) -> None:
        self.task_failed(exc)
        self._settle_first_rows()

    def _settle_first_rows(self) -> None:
        """Start-up reads the list's rows first, alone: the tags (and the Due page, see Navigation) follow. Reads
        side by side share one interpreter, so the list came later and none of the others sooner."""
        if not self._first_rows_pending:
            return
        self._first_rows_pending = False
        self.host.tasks.submit(import_list_updates, None, self.task_failed)
        if self._tags_wanted:
            self._tags_wanted = False
            self.reload_tags()
        self.first_rows_settled.emit()

    def reset(self) -> None:
        """Another database: nothing listed, no filters, nothing selected (its rows load next)."""
        self._refreshes.clear()
        self.table.clearSelection()
        self.model.set_rows([])
        self.avatars.reset()
        self.avatars.photo_ids = frozenset()
        self.list_search.forget()
        self.loaded = False
        self._first_rows_pending = True  # this database's rows come first too (its Due page and tags wait)
        self.tag = None
        self.starred_filter = False
        self.organization = None
        self.search_edit.blockSignals(True)
        self.search_edit.clear()
        self.search_edit.blockSignals(False)
        self.show_detail(None)

    def rows_loaded(self, rows: list[ContactRow]) -> None:
        selected = self.selected_id()
        self.model.set_rows(rows)
        self._rows_in_model(selected)

    def rows_shown(self) -> None:
        """The first rows were in the model given to the controller (start-up read and showed them itself)."""
        self._rows_in_model(self.selected_id())

    def _rows_in_model(self, selected: int | None) -> None:
        # What start-up built (modules, Qt wrappers, the list's rows) lives as long as the window: move it out of the
        # collector's reach, so that a full collection, triggered by any burst of allocations (a due list of
        # thousands, an import), no longer walks it all, which stalled such calls by ~40 ms on 100,000 rows. Rows
        # loaded again (another database, a restore) are moved too; the rows they replace are freed by reference
        # counting as ever (rows hold no cycles).
        gc.freeze()
        self.loaded = True
        self.list_search.reloaded()
        self._load_photo_ids()
        self.host.statusBar().clearMessage()
        self.update_count()
        self._settle_first_rows()
        self.contacts_loaded.emit()
        if self.search_edit.text().strip() or self.tag or self.organization or self.starred_filter:
            self.run_search()
        elif selected is not None:
            self.select_contact(selected)

    def reload_and_say(self, message: str) -> None:
        """Reload the list, then show ``message`` (showing it first would be wiped when the rows arrive)."""

        def reloaded() -> None:
            self.contacts_loaded.disconnect(reloaded)
            self.host.statusBar().showMessage(message, 10000)

        self.contacts_loaded.connect(reloaded)
        self.reload_contacts()

    def reload_tags(self) -> None:
        if self._first_rows_pending:
            self._tags_wanted = True
            return
        contacts = self.host.nd.contacts
        self.host.tasks.submit(
            lambda: (contacts.tags(), contacts.starred_count()), lambda r: self._tags_loaded(*r), self.task_failed
        )

    def _tags_loaded(self, tags: list[TagCount], starred: int = 0) -> None:
        self._tags = tags
        self.tag_list.blockSignals(True)
        self.tag_list.clear()
        everyone = QListWidgetItem(action_icon("person"), "All contacts")
        everyone.setData(TAG_ROLE, None)
        self.tag_list.addItem(everyone)
        current = everyone
        self.tag_list.addItem(starred_entry := star.starred_item(starred))
        if self.starred_filter:
            current = starred_entry
        for tag in tags:
            item = QListWidgetItem(action_icon("tag"), f"{tag.name}  ({tag.count})")
            item.setData(TAG_ROLE, tag.name)
            item.setToolTip(plain_tooltip(f"{plural(tag.count, 'contact')} tagged “{tag.name}”"))
            self.tag_list.addItem(item)
            if self.tag is not None and tag.name.casefold() == self.tag.casefold():
                current = item
        self.tag_list.setCurrentItem(current)
        self.tag_list.blockSignals(False)
        if current is everyone and self.tag is not None:
            self.tag = None  # the tag is gone (last contact untagged or deleted)
            self.run_search()
        self.tags_loaded.emit()

    def tag_names(self) -> list[str]:
        return [t.name for t in self._tags]

    def _tag_selected(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None = None) -> None:
        self.tag = item.data(TAG_ROLE) if item is not None else None
        self.starred_filter = star.is_starred_item(item)
        self.organization = None
        self.run_search()

    def select_tag(self, tag: str | None) -> None:
        for row in range(self.tag_list.count()):
            item = self.tag_list.item(row)
            if item.data(TAG_ROLE) == tag:
                self.tag_list.setCurrentItem(item)
                return
        raise KeyError(tag)

    def _search_text_changed(self, _text: str) -> None:
        self.list_search.want()
        self.organization = None
        if self._text_only() and self.list_search.is_ready:
            self.run_search()  # the in-memory index answers within the keystroke: no pause to wait for
        else:
            self._search_timer.start()

    def _text_only(self) -> bool:
        """The list is narrowed by the search text alone, which the in-memory index answers (ui/list_search.py)."""
        return self.organization is None and self.tag is None and not self.starred_filter

    def run_search(self) -> None:
        """Ask the service for matching ids off the GUI thread; only the latest request's answer is shown."""
        self._search_timer.stop()
        self._search_generation += 1
        generation = self._search_generation
        query = self.search_edit.text().strip()
        tag = self.tag
        starred = self.starred_filter
        organization = self.organization
        contacts = self.host.nd.contacts
        if self._text_only():
            mask = self.list_search.matching(query)
            if mask is not NOT_READY:
                self._search_done(generation, mask)  # type: ignore[arg-type]
                return
        if organization is not None:

            def find() -> list[int] | frozenset[int] | None:
                return [r.id for r in contacts.members_of(organization)]
        else:

            def find() -> list[int] | frozenset[int] | None:
                return contacts.match_ids(query, tag, starred)

        self.host.tasks.submit(find, lambda ids: self._search_done(generation, ids), self.task_failed)

    def _search_done(self, generation: int, ids: list[int] | frozenset[int] | Mask | None) -> None:
        if generation != self._search_generation or not self.loaded:
            return  # a newer search is under way, or the rows are not there yet
        selected = self.selected_id()
        if self.organization is not None:
            # The organisation itself first, then its people.
            wanted = self.organization.casefold()
            org_ids = [
                r.id
                for r in self.model.all_rows()
                if r.kind is ContactKind.ORGANIZATION and r.name.casefold() == wanted
            ]
            ids = org_ids + list(ids or ())
            self.filter_banner.setText(f"People at <b>{escape(self.organization)}</b> — <a href='clear'>show all</a>")
            self.filter_banner.show()
        else:
            self.filter_banner.hide()
        # The same filter as shown (a refresh after a write): a few rows come or go, in place; a new one: a new list.
        shown_for = (self.search_edit.text().strip(), self.tag, self.starred_filter, self.organization)
        few_changed, self._shown_for = shown_for == self._shown_for, shown_for
        if isinstance(ids, list):
            self.model.show_ids(ids, few_changed)
        elif ids is None or isinstance(ids, frozenset):
            self.model.show_matching(ids, few_changed)
        else:
            self.model.show_mask(ids, few_changed)
        self.update_count()
        if selected is not None and self.model.row_of(selected) is not None:
            # Still listed: select it again; its details, when the pane does not show them yet, are read on a
            # worker (searches run while another process imports, and a read here would wait on the GUI thread).
            shown = self.detail.contact
            self.select_contact(selected, read_detail=False)
            if shown is None or shown.id != selected:
                self.show_detail(selected, background=True)
        else:
            self.show_detail(None)
        self.search_finished.emit()

    def show_organization(self, organization: str) -> None:
        """List the organisation and the people who work there."""
        self.organization = organization
        self.search_edit.blockSignals(True)
        self.search_edit.clear()
        self.search_edit.blockSignals(False)
        self.run_search()

    def clear_filters(self) -> None:
        self.organization = None
        self.search_edit.clear()
        self.select_tag(None)
        self.run_search()

    def focus_search(self) -> None:
        self.list_search.want()
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def _focus_first_result(self) -> None:
        """Enter or Down in the search box: into the list, on the first match of what was typed, once it is listed."""
        wanted = (self.search_edit.text().strip(), self.tag, self.starred_filter, self.organization)
        if wanted != self._shown_for:  # typed, then Enter at once: the search has not answered yet
            self.run_search()
            if wanted != self._shown_for:
                self._after_search(self._focus_first_result)
                return
        if self.model.shown:
            self.table.setFocus()
            if self.selected_id() is None:
                self.select_contact(self.model.contact_id(0) or 0)

    def update_count(self) -> None:
        self.count_label.setText(f"{self.model.shown:,} shown / {self.model.total:,} total")
        empty = self.loaded and self.model.total == 0
        self.welcome.setVisible(empty)
        self.table.setVisible(not empty)
        self.detail.setVisible(not empty)  # nobody to show: the welcome gets the room ("Select a contact" helps no one)

    def current_filter(self) -> tuple[str, str | None]:
        """The search text and tag the list is filtered by (empty and None when it shows everyone)."""
        return self.search_edit.text().strip(), self.tag

    def shown_ids(self) -> list[int]:
        return [cid for cid in (self.model.contact_id(r) for r in range(self.model.shown)) if cid is not None]

    def task_failed(self, exc: BaseException) -> None:
        self.report_error(f"Something went wrong: {exc}")

    def report_error(self, message: str) -> None:
        self.host.statusBar().showMessage(message, 8000)

    # --- selection and detail -------------------------------------------------------------------------------

    def selected_id(self) -> int | None:
        index = self.table.selectionModel().currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row(), QModelIndex()):
            return None
        return self.model.contact_id(index.row())

    def selected_ids(self) -> list[int]:
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [cid for cid in (self.model.contact_id(r) for r in rows) if cid is not None]

    def selected_rows(self) -> list[ContactRow]:
        return [r for r in (self.model.contact_row(i) for i in self.selected_ids()) if r is not None]

    def select_contact(self, contact_id: int, read_detail: bool = True) -> bool:
        row = self.model.row_of(contact_id)
        if row is None:
            return False
        index = self.model.index(row, 0)
        self._selecting = True  # the detail is shown right below, at once: no read in the background as well
        try:
            self.table.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            )
        finally:
            self._selecting = False
        self.table.scrollTo(index)
        if read_detail:
            self.show_detail(contact_id)
        return True

    def select_new(self, contact_id: int) -> None:
        """Select a contact that was just created or restored (once the search has placed it)."""
        if not self.select_contact(contact_id):
            self._select_after_search(contact_id)

    def _select_after_search(self, contact_id: int) -> None:
        self._after_search(lambda: self.select_contact(contact_id))

    def _after_search(self, then: Callable[[], object]) -> None:
        def once() -> None:
            self.search_finished.disconnect(once)
            then()

        self.search_finished.connect(once)

    def _current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        # The user moves through the list: the contact's details (a dozen queries) are read on a worker, so that
        # holding an arrow key, or another process importing, never makes the window wait on the database.
        if not self._selecting:
            self.show_detail(self.model.contact_id(current.row()) if current.isValid() else None, background=True)
        self.selection_changed.emit()

    def show_detail(self, contact_id: int | None, background: bool = False) -> None:
        self._detail_generation += 1  # a detail still being read for an earlier contact is dropped when it comes
        if contact_id is None:
            if self.detail.contact is not None or not self.model.shown:
                self.detail.show_nothing(
                    "No contacts match."
                    if self.loaded and not self.model.shown
                    else "Select a contact to see their details."
                )
            self.selection_changed.emit()
            return
        if not background:
            self._detail_read(self.read_detail(contact_id))
            return
        # Read once the selection rests: the list paints first (a read running meanwhile on a worker, a dozen queries,
        # held the interpreter lock the paint kept asking for), and the rows an arrow key passes over are never read.
        generation = self._detail_generation
        read = self.read_detail

        def read_if_current() -> DetailRead | None:
            return read(contact_id) if generation == self._detail_generation else None

        def shown(detail: DetailRead | None) -> None:
            if detail is not None and generation == self._detail_generation:
                self._detail_read(detail)

        self.host.tasks.submit(read_if_current, shown, self.task_failed, delay_ms=DETAIL_DELAY_MS)

    def read_detail(self, contact_id: int) -> DetailRead:
        """Everything the detail pane shows about ``contact_id`` (runs on a worker)."""
        return read_detail(self.host.nd, contact_id, self.detail.load_facts, self.synced_text)

    def _detail_read(self, detail: DetailRead) -> None:
        if detail.contact is None:
            self.detail.show_nothing()
            return
        self.detail.show_contact(detail.contact, detail.timeline, detail.members, detail.facts)
        show_synced_line(self.detail.browser, detail.synced)
        self.selection_changed.emit()
        self.detail_shown.emit()

    # --- changes -------------------------------------------------------------------------------------------

    def _changes_published(self, changes: ChangeSet) -> None:
        if changes.many_contacts:  # a huge import: reload the list rather than row by row
            self.avatars.reset()  # which contacts have a photo is read again once the rows are loaded
            self.reload_contacts()
        elif changes.contacts:
            if changes.contact_fields:
                self.avatars.forget(sorted(changes.contacts))  # a new or removed photo shows at the next paint
                self._load_photo_ids()
            self.contacts_changed(sorted(changes.contacts), fields=changes.contact_fields)
        elif changes.tags:
            self.reload_tags()

    def select_replayed(self, changes: ChangeSet) -> None:
        """After an undo or redo, show the person it was about (the first one still in the list)."""
        if len(changes.contacts) > 20:
            return  # an import or a bulk change: keep the selection the user has
        live = {r.id for r in self.host.nd.contacts.rows(sorted(changes.contacts))}
        for cid in sorted(changes.contacts):
            if cid in live:
                self.select_new(cid)
                return

    def contacts_changed(self, ids: Sequence[int], select: int | None = None, fields: bool = True) -> None:
        """Show the effect of a change to ``ids`` (created, edited, deleted or restored) without a full reload.

        Their rows are read on a worker: even one row, read right after a write, could hold the GUI thread for
        tens of milliseconds on 100,000 contacts (10,000 rows took 0.4 s). ``fields=False``: only their activity
        moved (a log): their rows and details are read again, not the tags or the search index.
        """
        ids = list(ids)
        if not ids:
            return
        contacts = self.host.nd.contacts
        self.host.tasks.submit(
            lambda: changed_rows(contacts, ids),
            lambda read: self._refreshes.run(self._changed_rows_shown(ids, read, select, fields)),
            self.task_failed,
        )

    def _changed_rows_shown(
        self, ids: Sequence[int], read: ChangedRows, select: int | None, fields: bool
    ) -> Iterator[None]:
        rows, order = read
        if fields:
            self.list_search.changed(ids)
        alive = {r.id for r in rows}
        known = self.model.listed([r.id for r in rows])
        self.model.update_rows(rows, order)
        if order is not None:
            gc.freeze()  # an import's rows and the list's new order: out of the collector's reach, as at start-up
            # A large change (an import, its undo): ~40 ms of list work at 100,000 contacts, in two event-loop passes.
            yield
        self.model.remove_ids([i for i in ids if i not in alive])
        if fields:
            self.reload_tags()
        if alive - known or self.starred_filter or (fields and self.tag is not None):
            # New or restored contacts (or a star or tags changed under that filter): the search decides who shows.
            current = self.selected_id()
            if select is not None:
                self._select_after_search(select)
            elif current in alive:  # changed too (an import merged into it): its details are read again
                self._after_search(lambda: self.show_detail(self.selected_id(), background=True))
            self.run_search()
        else:
            self.update_count()
            current = self.selected_id()
            if select is not None:
                self.select_contact(select)
            elif current is not None and current in alive:
                self.show_detail(current, background=True)  # a dozen queries: never on the GUI thread after a write
            elif current is None:
                self.show_detail(None)
