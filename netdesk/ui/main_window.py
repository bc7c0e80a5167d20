"""The main window: tag side bar, contact list, detail pane with timeline; menus, toolbar and undo."""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import Callable, Sequence
from html import escape
from pathlib import Path
from typing import NamedTuple

from PySide6.QtCore import QByteArray, QItemSelectionModel, QMimeData, QModelIndex, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSizePolicy,
    QSplitter,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from netdesk import APP_NAME
from netdesk.core.changes import ChangeSet, Written
from netdesk.core.errors import NetDeskError, NotFoundError
from netdesk.core.model import ContactDTO, ContactKind, ContactRow, InteractionDTO, TagCount
from netdesk.core.words import plural
from netdesk.services import NetDesk, open_netdesk
from netdesk.services.backup import BackupInfo
from netdesk.services.contacts import ContactService
from netdesk.services.importing import ImportReport
from netdesk.settings import KEY_LAST_DATABASE, Preferences
from netdesk.ui import duplicates_review
from netdesk.ui.about import AboutDialog
from netdesk.ui.backup_dialog import BackupDialog
from netdesk.ui.bus import ChangeBus
from netdesk.ui.contact_dialog import ContactDialog
from netdesk.ui.contact_table_model import Column, ContactTableModel
from netdesk.ui.detail_networking import PersonFacts
from netdesk.ui.detail_pane import DetailPane
from netdesk.ui.export_dialog import ExportDialog, ExportRequest, ExportScope, export_target_dialog
from netdesk.ui.icons import action_icon
from netdesk.ui.import_dialog import (
    ImportJob,
    ImportProgressDialog,
    ImportReportDialog,
    import_file_dialog,
    importable,
)
from netdesk.ui.interaction_dialog import InteractionDialog
from netdesk.ui.navigation import Navigation
from netdesk.ui.ops import Ops, failure_text, show_error
from netdesk.ui.page_actions import PageActions, install_context_menu
from netdesk.ui.preferences import PreferencesDialog, apply_preferences, load_preferences, save_preferences
from netdesk.ui.safe_text import plain_tooltip
from netdesk.ui.single_instance import forward_to_running_instance
from netdesk.ui.sync_ui import SyncController, add_accounts_button, show_synced_line
from netdesk.ui.trash_dialog import TrashDialog
from netdesk.ui.welcome import WelcomePage
from netdesk.ui.workers import TaskRunner

SEARCH_DELAY_MS = 150
CHANGED_ROWS_ON_GUI_THREAD = 200  # a change to more contacts reads their rows on a worker (see contacts_changed)
TAG_ROLE = Qt.ItemDataRole.UserRole + 1
TIMELINE_LIMIT = 500
DEFAULT_COLUMN_WIDTHS = {
    Column.NAME: 180,
    Column.ORGANIZATION: 150,
    Column.TITLE: 130,
    Column.TAGS: 120,
    Column.LAST_CONTACTED: 105,
    Column.STRENGTH: 70,
}


class DetailRead(NamedTuple):
    contact: ContactDTO | None  # None: no such contact (any more)
    timeline: list[InteractionDTO]
    members: list[ContactRow] | None
    facts: PersonFacts | None


class MainWindow(QMainWindow):
    contacts_loaded = Signal()
    import_finished = Signal()  # after any import ends: done, cancelled or failed
    search_finished = Signal()
    detail_shown = Signal()  # the detail pane shows the contact selected last
    tags_loaded = Signal()
    database_changed = Signal(object)  # the Path of the database the window switched to
    database_closing = Signal()  # the window is about to close, or to switch away from, its database
    preferences_changed = Signal(object)  # the Preferences just saved

    def __init__(self, nd: NetDesk, settings: QSettings | None = None, demo: bool = False) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.nd = nd
        self.settings = settings if settings is not None else QSettings()
        self.loaded = False
        self.current_dialog: QDialog | None = None
        self.tasks = TaskRunner(self)
        # Every write goes through ops (undo entry, errors) and is announced on bus, which every view follows.
        self.bus = ChangeBus(self)
        self.ops = Ops(self, lambda: self.nd, lambda: self.tasks, self.bus)
        self.ops.setObjectName("windowOps")
        self.ops.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self.bus.changed.connect(self._changes_published)
        self.ops.replayed.connect(self._select_replayed)
        # The list's one query starts first, in a worker: SQLite reads while the widgets below are built (its
        # result is delivered through the event loop, so never before the window is complete).
        self._load_rows()
        self._search_generation = 0
        self._detail_generation = 0
        self._selecting = False
        self._tag: str | None = None
        self._organization: str | None = None
        self._tags: list[TagCount] = []
        title = "demo network" if demo else (nd.path.name if nd.path else "in-memory database")
        self.setWindowTitle(f"{APP_NAME} — {title}")
        self.resize(1280, 800)

        self._build_widgets()
        self._build_actions()
        self.sync_ui = SyncController(self, nd, self.reload_contacts)  # CardDAV (ui/sync_ui.py)
        self._build_menus_and_toolbar()
        self.navigation = Navigation(self)  # Contacts / Due / Timeline / … pages, Ctrl+1…6, quick log
        duplicates_review.install(self)  # Edit → Review duplicates… (ui/duplicates_review.py)
        self._restore_settings()
        self._sync_actions()
        self.statusBar().showMessage("Loading contacts…")
        self.reload_tags()

    # --- construction ------------------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.tag_list = QListWidget()
        self.tag_list.setObjectName("tagList")
        self.tag_list.setMinimumWidth(140)
        self.tag_list.currentItemChanged.connect(self._tag_selected)

        self.model = ContactTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("contactTable")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for column, width in DEFAULT_COLUMN_WIDTHS.items():
            header.resizeSection(column, width)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.activated.connect(lambda _index: self.edit_selected())  # Enter or double-click opens
        install_context_menu(self.table, self)
        self.table.selectionModel().currentRowChanged.connect(self._current_row_changed)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._sync_actions())

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

        # Shown while the list is narrowed to one organisation's people.
        self.filter_banner = QLabel()
        self.filter_banner.setObjectName("filterBanner")
        self.filter_banner.setTextFormat(Qt.TextFormat.RichText)  # built here, the organisation escaped
        self.filter_banner.setStyleSheet("background: palette(alternate-base); padding: 4px 8px;")
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
        self.welcome.import_requested.connect(lambda: self.choose_import_files())
        self.welcome.add_requested.connect(lambda: self.new_contact())
        self.welcome.demo_requested.connect(lambda: self.open_demo())
        self.welcome.hide()
        centre_layout.addWidget(self.welcome)

        self.detail = DetailPane()
        self.detail.organization_clicked.connect(self.show_organization)
        self.detail.contact_clicked.connect(self.select_contact)
        self.detail.log_interaction_requested.connect(self.log_interaction)
        self.detail.interaction_activated.connect(self.edit_interaction)

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
        self.setCentralWidget(self.splitter)

        self.count_label = QLabel()
        self.count_label.setObjectName("statusCount")
        self.statusBar().addPermanentWidget(self.count_label)

    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        icon: str = "",
        name: str = "",
    ) -> QAction:
        action = QAction(action_icon(icon) if icon else action_icon(""), text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setObjectName(name)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.new_action = self._action(
            "&New contact…", self.new_contact, QKeySequence.StandardKey.New, "new-contact", "newContactAction"
        )
        self.new_action.setToolTip("New contact (Ctrl+N)")
        # Edit and Delete act on what the current page has selected (page_actions): never on a hidden contact.
        self.edit_action = self._action("&Edit contact…", self._edit_on_page, "Ctrl+E", "edit", "editContactAction")
        self.edit_action.setShortcuts([QKeySequence("Ctrl+E"), QKeySequence(Qt.Key.Key_F2)])
        self.delete_action = self._action(
            "&Delete contact", self._delete_on_page, QKeySequence.StandardKey.Delete, "delete", "deleteContactAction"
        )
        self.log_action = self._action(
            "&Log interaction…", self._quick_log, "Ctrl+L", "log-interaction", "logInteractionAction"
        )
        self.merge_action = self._action("&Merge contacts…", self.merge_selected, "Ctrl+M", "", "mergeContactsAction")
        self.quit_action = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit, "", "quitAction")
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.find_action = self._action(
            "&Find…", self.focus_search, QKeySequence.StandardKey.Find, "search", "findAction"
        )
        self.undo_action, self.redo_action = self.ops.make_actions(self)
        self.addActions([self.undo_action, self.redo_action])
        self.trash_action = self._action("&Trash…", self.show_trash, None, "trash", "trashAction")
        self.sidebar_action = QAction("Show &side bar", self)
        self.sidebar_action.setObjectName("sidebarAction")
        self.sidebar_action.setCheckable(True)
        self.sidebar_action.setChecked(True)
        self.sidebar_action.setShortcut(QKeySequence("Ctrl+B"))
        self.sidebar_action.toggled.connect(self.tag_list.setVisible)
        self.about_action = self._action(f"&About {APP_NAME}", self.show_about, None, "about", "aboutAction")
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)

    def _build_menus_and_toolbar(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.new_action)
        file_menu.addAction(self.log_action)
        file_menu.addSeparator()
        self._build_transfer_actions(file_menu)
        file_menu.addSeparator()
        self._build_database_actions(file_menu)
        file_menu.addAction(self.sync_ui.sync_action)
        file_menu.addAction(self.quit_action)
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.edit_action)
        edit_menu.addAction(self.delete_action)
        edit_menu.addAction(self.merge_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.find_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.preferences_action)
        edit_menu.addAction(self.sync_ui.accounts_action)
        view_menu = self.view_menu = bar.addMenu("&View")
        view_menu.addAction(self.trash_action)
        view_menu.addAction(self.sidebar_action)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.about_action)

        toolbar = QToolBar("Main toolbar")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.new_action, self.edit_action, self.delete_action, self.log_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addAction(self.undo_action)
        toolbar.addAction(self.redo_action)
        toolbar.addSeparator()
        toolbar.addAction(self.trash_action)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        search_box = QWidget()
        search_layout = QHBoxLayout(search_box)
        search_layout.setContentsMargins(0, 0, 6, 0)
        search_layout.addWidget(self.search_edit)
        toolbar.addWidget(search_box)
        self.addToolBar(toolbar)
        self.toolbar = toolbar

    # --- settings ---------------------------------------------------------------------------------------

    def _restore_settings(self) -> None:
        s = self.settings
        geometry = s.value("mainWindow/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        splitter = s.value("mainWindow/splitter")
        if isinstance(splitter, QByteArray) and not splitter.isEmpty():
            self.splitter.restoreState(splitter)
        header = s.value("contactTable/header")
        if isinstance(header, QByteArray) and not header.isEmpty():
            self.table.horizontalHeader().restoreState(header)
        sidebar = s.value("mainWindow/sidebarVisible", True)
        self.sidebar_action.setChecked(sidebar not in (False, "false"))
        self.tag_list.setVisible(self.sidebar_action.isChecked())

    def save_settings(self) -> None:
        s = self.settings
        s.setValue("mainWindow/geometry", self.saveGeometry())
        s.setValue("mainWindow/splitter", self.splitter.saveState())
        s.setValue("contactTable/header", self.table.horizontalHeader().saveState())
        s.setValue("mainWindow/sidebarVisible", self.sidebar_action.isChecked())
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_settings()
        if self._import_job is not None:
            self._import_job.cancel()  # the import rolls back instead of holding up the close
        self.sync_ui.close()  # a running sync stops at its next batch, keeping what it finished
        self.tasks.close()  # wait for background queries before the database goes away
        self.database_closing.emit()  # and for the views' own
        super().closeEvent(event)

    # --- loading and searching ----------------------------------------------------------------------------

    @property
    def contact_service(self) -> ContactService:
        return self.nd.contacts

    def reload_contacts(self) -> None:
        """Load every row once, in a worker; the window is usable (and shows its status) meanwhile."""
        self._load_rows()
        self.reload_tags()

    def _load_rows(self) -> None:
        self.tasks.submit(self.nd.contacts.rows, self._rows_loaded, self._task_failed)

    def _rows_loaded(self, rows: list[ContactRow]) -> None:
        selected = self.selected_id()
        self.model.set_rows(rows)
        if not self.loaded:
            # What start-up built (modules, Qt wrappers, the list's rows) lives as long as the window: move it out
            # of the collector's reach, so that a full collection, triggered by any burst of allocations (a due list
            # of thousands, an import), no longer walks it all, which stalled such calls by ~40 ms on 100,000 rows.
            gc.freeze()
        self.loaded = True
        self.statusBar().clearMessage()
        self._update_count()
        self.contacts_loaded.emit()
        if self.search_edit.text().strip() or self._tag or self._organization:
            self.run_search()
        elif selected is not None:
            self.select_contact(selected)

    def reload_tags(self) -> None:
        self.tasks.submit(self.nd.contacts.tags, self._tags_loaded, self._task_failed)

    def _tags_loaded(self, tags: list[TagCount]) -> None:
        self._tags = tags
        self.tag_list.blockSignals(True)
        self.tag_list.clear()
        everyone = QListWidgetItem(action_icon("person"), "All contacts")
        everyone.setData(TAG_ROLE, None)
        self.tag_list.addItem(everyone)
        current = everyone
        for tag in tags:
            item = QListWidgetItem(action_icon("tag"), f"{tag.name}  ({tag.count})")
            item.setData(TAG_ROLE, tag.name)
            item.setToolTip(plain_tooltip(f"{plural(tag.count, 'contact')} tagged “{tag.name}”"))
            self.tag_list.addItem(item)
            if self._tag is not None and tag.name.casefold() == self._tag.casefold():
                current = item
        self.tag_list.setCurrentItem(current)
        self.tag_list.blockSignals(False)
        if current is everyone and self._tag is not None:
            self._tag = None  # the tag is gone (last contact untagged or deleted)
            self.run_search()
        self.tags_loaded.emit()

    def tag_names(self) -> list[str]:
        return [t.name for t in self._tags]

    def _tag_selected(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None = None) -> None:
        self._tag = item.data(TAG_ROLE) if item is not None else None
        self._organization = None
        self.run_search()

    def select_tag(self, tag: str | None) -> None:
        for row in range(self.tag_list.count()):
            item = self.tag_list.item(row)
            if item.data(TAG_ROLE) == tag:
                self.tag_list.setCurrentItem(item)
                return
        raise KeyError(tag)

    def _search_text_changed(self, _text: str) -> None:
        self._organization = None
        self._search_timer.start()

    def run_search(self) -> None:
        """Ask the service for matching ids off the GUI thread; only the latest request's answer is shown."""
        self._search_timer.stop()
        self._search_generation += 1
        generation = self._search_generation
        query = self.search_edit.text().strip()
        tag = self._tag
        organization = self._organization
        contacts = self.nd.contacts
        if organization is not None:

            def find() -> list[int] | frozenset[int] | None:
                return [r.id for r in contacts.members_of(organization)]
        else:

            def find() -> list[int] | frozenset[int] | None:
                return contacts.match_ids(query, tag)

        self.tasks.submit(find, lambda ids: self._search_done(generation, ids), self._task_failed)

    def _search_done(self, generation: int, ids: list[int] | frozenset[int] | None) -> None:
        if generation != self._search_generation or not self.loaded:
            return  # a newer search is under way, or the rows are not there yet
        selected = self.selected_id()
        if self._organization is not None:
            # The organisation itself first, then its people.
            wanted = self._organization.casefold()
            org_ids = [
                r.id
                for r in self.model.all_rows()
                if r.kind is ContactKind.ORGANIZATION and r.name.casefold() == wanted
            ]
            ids = org_ids + list(ids or ())
            self.filter_banner.setText(f"People at <b>{escape(self._organization)}</b> — <a href='clear'>show all</a>")
            self.filter_banner.show()
        else:
            self.filter_banner.hide()
        if isinstance(ids, list):
            self.model.show_ids(ids)
        else:
            self.model.show_matching(ids)
        self._update_count()
        if selected is not None and self.model.row_of(selected) is not None:
            # Still listed: select it again; its details, when the pane does not show them yet, are read on a
            # worker (searches run while another process imports, and a read here would wait on the GUI thread).
            shown = self.detail.contact
            self.select_contact(selected, read_detail=False)
            if shown is None or shown.id != selected:
                self._show_detail(selected, background=True)
        else:
            self._show_detail(None)
        self.search_finished.emit()

    def show_organization(self, organization: str) -> None:
        """List the organisation and the people who work there."""
        self._organization = organization
        self.search_edit.blockSignals(True)
        self.search_edit.clear()
        self.search_edit.blockSignals(False)
        self.run_search()

    def clear_filters(self) -> None:
        self._organization = None
        self.search_edit.clear()
        self.select_tag(None)
        self.run_search()

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def _focus_first_result(self) -> None:
        if self.model.shown:
            self.table.setFocus()
            if self.selected_id() is None:
                self.select_contact(self.model.contact_id(0) or 0)

    def _update_count(self) -> None:
        self.count_label.setText(f"{self.model.shown:,} shown / {self.model.total:,} total")
        empty = self.loaded and self.model.total == 0
        self.welcome.setVisible(empty)
        self.table.setVisible(not empty)

    def open_demo(self) -> None:
        """The demo network in a throw-away database (the user's own stays the one NetDesk opens next time)."""
        import tempfile

        from netdesk.services.demo import populate_demo

        keep = self.settings.value(KEY_LAST_DATABASE)
        path = Path(tempfile.mkdtemp(prefix="netdesk-demo-")) / "demo.sqlite3"
        self.statusBar().showMessage("Building the demo network…")

        def build() -> Path:
            nd = open_netdesk(path)
            try:
                populate_demo(nd)
            finally:
                nd.close()
            return path

        def built(demo: Path) -> None:
            if self.open_database(demo):
                self.setWindowTitle(f"{APP_NAME} — demo network")
                if keep is not None:
                    self.settings.setValue(KEY_LAST_DATABASE, keep)
                else:
                    self.settings.remove(KEY_LAST_DATABASE)

        def failed(exc: BaseException) -> None:
            show_error(self, "Could not open the demo", failure_text(exc))

        self.tasks.submit(build, built, failed)

    def _task_failed(self, exc: BaseException) -> None:
        self.report_error(f"Something went wrong: {exc}")

    def report_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)

    # --- selection and detail -------------------------------------------------------------------------------

    def selected_id(self) -> int | None:
        index = self.table.selectionModel().currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row(), QModelIndex()):
            return None
        return self.model.contact_id(index.row())

    def selected_ids(self) -> list[int]:
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [cid for cid in (self.model.contact_id(r) for r in rows) if cid is not None]

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
            self._show_detail(contact_id)
        return True

    def _current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        # The user moves through the list: the contact's details (a dozen queries) are read on a worker, so that
        # holding an arrow key, or another process importing, never makes the window wait on the database.
        if not self._selecting:
            self._show_detail(self.model.contact_id(current.row()) if current.isValid() else None, background=True)
        self._sync_actions()

    def _show_detail(self, contact_id: int | None, background: bool = False) -> None:
        self._detail_generation += 1  # a detail still being read for an earlier contact is dropped when it comes
        if contact_id is None:
            if self.detail.contact is not None or not self.model.shown:
                self.detail.show_nothing(
                    "No contacts match."
                    if self.loaded and not self.model.shown
                    else "Select a contact to see their details."
                )
            self._sync_actions()
            return
        if not background:
            self._detail_read(self._read_detail(contact_id))
            return
        generation = self._detail_generation
        read = self._read_detail

        def shown(detail: DetailRead) -> None:
            if generation == self._detail_generation:
                self._detail_read(detail)

        self.tasks.submit(lambda: read(contact_id), shown, self._task_failed)

    def _read_detail(self, contact_id: int) -> DetailRead:
        """Everything the detail pane shows about ``contact_id``, from the services only (runs on a worker too)."""
        nd = self.nd
        try:
            contact = nd.contacts.get(contact_id)
        except NotFoundError:
            return DetailRead(None, [], None, None)
        members = None
        if contact.kind is ContactKind.ORGANIZATION:
            members = nd.contacts.members_of(contact.organization or contact.name)
        timeline = nd.timeline.for_contact(contact_id, TIMELINE_LIMIT)
        return DetailRead(contact, timeline, members, self.detail.load_facts(contact))

    def _detail_read(self, detail: DetailRead) -> None:
        if detail.contact is None:
            self.detail.show_nothing()
            return
        self.detail.show_contact(detail.contact, detail.timeline, detail.members, detail.facts)
        show_synced_line(self.detail.browser, self.sync_ui.synced_with_text(detail.contact.id))  # one indexed lookup
        self._sync_actions()
        self.detail_shown.emit()

    def page_actions(self) -> PageActions:
        """The Contacts page's actions, for what the list has selected."""
        rows = self.table.selectionModel().selectedRows()
        one = self.selected_id() is not None
        return PageActions(
            noun="contact" if len(rows) <= 1 else "contacts",
            open=self.edit_selected if one else None,
            edit=self.edit_selected if one else None,
            delete=self.delete_selected if rows else None,
            more=(
                ("Log interaction…", self.log_interaction if one else None),
                ("Merge contacts…", self.merge_selected if len(rows) >= 2 else None),
            ),
        )

    def _current_page_actions(self) -> PageActions:
        navigation = getattr(self, "navigation", None)  # None while the window is being built
        return navigation.page_actions() if navigation is not None else self.page_actions()

    def _edit_on_page(self) -> None:
        handler = self._current_page_actions().edit
        if handler is not None:
            handler()

    def _delete_on_page(self) -> None:
        handler = self._current_page_actions().delete
        if handler is not None:
            handler()

    def _sync_actions(self) -> None:
        actions = self._current_page_actions()
        noun = f" {actions.noun}" if actions.noun else ""
        self.edit_action.setText(f"&Edit{noun}…")
        self.edit_action.setIconText("Edit")
        self.edit_action.setEnabled(actions.edit is not None)
        self.delete_action.setText(f"&Delete{noun}")
        self.delete_action.setIconText("Delete")
        self.delete_action.setEnabled(actions.delete is not None)
        self.merge_action.setEnabled(len(self.table.selectionModel().selectedRows()) >= 2)
        # Ctrl+L works on every page: the quick log prefills whoever is selected there, else starts empty.
        self.log_action.setEnabled(True)

    # --- changes -------------------------------------------------------------------------------------------

    def _changes_published(self, changes: ChangeSet) -> None:
        if changes.contacts:
            self.contacts_changed(sorted(changes.contacts))
        elif changes.tags:
            self.reload_tags()

    def _select_replayed(self, changes: ChangeSet) -> None:
        """After an undo or redo, show the person it was about (the first one still in the list)."""
        if len(changes.contacts) > 20:
            return  # an import or a bulk change: keep the selection the user has
        live = {r.id for r in self.nd.contacts.rows(sorted(changes.contacts))}
        for cid in sorted(changes.contacts):
            if cid in live:
                self.select_new(cid)
                return

    def contacts_changed(self, ids: Sequence[int], select: int | None = None) -> None:
        """Show the effect of a change to ``ids`` (created, edited, deleted or restored) without a full reload.

        The rows of a large change (an import, a bulk edit) are read on a worker: 10,000 of them took 0.4 s.
        """
        ids = list(ids)
        if len(ids) > CHANGED_ROWS_ON_GUI_THREAD:
            contacts = self.nd.contacts
            self.tasks.submit(
                lambda: contacts.rows(ids), lambda rows: self._show_changed(ids, rows, select), self._task_failed
            )
            return
        self._show_changed(ids, self.nd.contacts.rows(ids) if ids else [], select)

    def _show_changed(self, ids: Sequence[int], rows: Sequence[ContactRow], select: int | None) -> None:
        alive = {r.id for r in rows}
        known = {r.id for r in rows if self.model.contact_row(r.id) is not None and self.model.row_of(r.id) is not None}
        self.model.update_rows(rows)
        self.model.remove_ids([i for i in ids if i not in alive])
        self.reload_tags()
        if alive - known:
            # New or restored contacts: let the current search decide whether (and where) they show.
            if select is not None:
                self._select_after_search(select)
            self.run_search()
        else:
            self._update_count()
            current = self.selected_id()
            if select is not None:
                self.select_contact(select)
            elif current is not None and current in alive:
                self._show_detail(current)
            elif current is None:
                self._show_detail(None)

    def _select_after_search(self, contact_id: int) -> None:
        def once() -> None:
            self.search_finished.disconnect(once)
            self.select_contact(contact_id)

        self.search_finished.connect(once)

    def _open(self, dialog: QDialog, on_accept: Callable[[], None]) -> None:
        """Window-modal, non-blocking: the event loop keeps running (and tests can drive the dialog)."""
        self.current_dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(on_accept)
        dialog.finished.connect(lambda _result: setattr(self, "current_dialog", None))
        dialog.open()

    def new_contact(self) -> None:
        dialog = ContactDialog(self.nd.contacts, None, self.tag_names(), self, write=self._create_write)

        def created() -> None:
            if dialog.saved is not None and dialog.saved.id is not None:
                self.statusBar().showMessage(f"Created {dialog.saved.name}", 4000)
                self.select_new(dialog.saved.id)

        self._open(dialog, created)

    def _create_write(self, fn: Callable[[], Written[ContactDTO]]) -> ContactDTO:
        """A new contact and the default rhythm from Preferences: one undo step."""

        def create() -> Written[ContactDTO]:
            written = fn()
            days = load_preferences(self.settings).default_cadence_days
            if days and written.value.id is not None and written.value.kind is ContactKind.PERSON:
                rhythm = self.nd.networking.set_contact_cadence(written.value.id, days)
                return Written(written.value, written.changes | rhythm.changes)
            return written

        return self.ops.run_now(create)

    def select_new(self, contact_id: int) -> None:
        """Select a contact that was just created or restored (once the search has placed it)."""
        if not self.select_contact(contact_id):
            self._select_after_search(contact_id)

    def edit_selected(self) -> None:
        contact_id = self.selected_id()
        if contact_id is None:
            return
        try:
            before = self.nd.contacts.get(contact_id)
        except NotFoundError:
            return
        self.edit_contact(before)

    def edit_contact(self, before: ContactDTO) -> None:
        dialog = ContactDialog(self.nd.contacts, before, self.tag_names(), self, write=self.ops.run_now)

        def edited() -> None:
            if dialog.saved is not None and dialog.saved.id is not None:
                self.select_contact(dialog.saved.id)

        self._open(dialog, edited)

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        names = [r.name for r in (self.model.contact_row(i) for i in ids) if r is not None]
        what = f"“{names[0]}”" if len(ids) == 1 else f"{len(ids)} contacts"
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Delete contact" if len(ids) == 1 else "Delete contacts",
            f"Move {what} to the trash?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
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
        self.current_dialog = box
        box.open()

    def delete_contacts(self, ids: Sequence[int], what: str = "") -> None:
        """Move to the trash, undoably (no confirmation: callers ask first)."""
        contacts = self.nd.contacts

        def done(_moved: list[int]) -> None:
            self.statusBar().showMessage(f"Moved {what or len(ids)} to the trash — Ctrl+Z to undo", 6000)

        self.ops.run(lambda: contacts.delete(ids), done, title="Could not delete")

    def merge_selected(self) -> None:
        """Ask which of the selected contacts to keep, then merge the others into it (undoable)."""
        ids = self.selected_ids()
        if len(ids) < 2:
            return
        rows = [r for r in (self.model.contact_row(i) for i in ids) if r is not None]
        labels = [f"{r.name} — {r.organization}" if r.organization else r.name for r in rows]
        dialog = QInputDialog(self)
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
            contacts = self.nd.contacts

            def merged(kept: int) -> None:
                self.select_contact(kept)
                self.statusBar().showMessage(f"Merged {len(rows)} contacts into “{keep.name}” — Ctrl+Z to undo", 6000)

            self.ops.run(lambda: contacts.merge(keep.id, others), merged, background=True, title="Could not merge")

        self._open(dialog, chosen)

    def show_trash(self) -> None:
        dialog = TrashDialog(self.nd.contacts, self, write=self.ops.run_now)
        dialog.restored.connect(lambda ids: self.select_new(ids[0]))
        self._open(dialog, lambda: None)

    def show_about(self) -> None:
        self._open(AboutDialog(self), lambda: None)

    def _quick_log(self) -> None:
        self.navigation.quick_log()

    def log_interaction(self) -> None:
        contact = self.detail.contact
        if contact is None or contact.id is None:
            return
        dialog = InteractionDialog(
            self.nd.timeline, [(contact.id, contact.name)], self.model.all_rows, None, self, write=self.ops.run_now
        )
        self._open(dialog, lambda: None)  # the bus refreshes the list, the detail and the views

    def edit_interaction(self, interaction: InteractionDTO) -> None:
        dialog = InteractionDialog(self.nd.timeline, [], self.model.all_rows, interaction, self, write=self.ops.run_now)
        self._open(dialog, lambda: None)

    # --- import, export, backups (File menu) ------------------------------------------------------------------

    def _build_transfer_actions(self, file_menu: QMenu) -> None:
        """File → Import/Export/Backup actions; also lets files and folders be dropped on the window to import."""
        self._import_job: ImportJob | None = None
        self.import_action = self._action("&Import…", self.choose_import_files, "Ctrl+I", "import", "importAction")
        self.import_folder_action = self._action(
            "Import &folder…", self.choose_import_folder, None, "import", "importFolderAction"
        )
        # Ctrl+E is taken by Edit contact, so export uses Ctrl+Shift+E.
        self.export_action = self._action("&Export…", self.export_contacts, "Ctrl+Shift+E", "export", "exportAction")
        self.backup_action = self._action("&Back up now", self.back_up_now, None, "backup", "backupAction")
        self.restore_action = self._action(
            "&Restore backup…", self.show_backups, None, "restore", "restoreBackupAction"
        )
        has_file = self.nd.backups is not None  # an in-memory database has nothing to back up
        self.backup_action.setEnabled(has_file)
        self.restore_action.setEnabled(has_file)
        for action in (self.import_action, self.import_folder_action, self.export_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.backup_action)
        file_menu.addAction(self.restore_action)
        self.setAcceptDrops(True)

    def _show_dialog(self, dialog: QDialog) -> None:
        """Open non-blocking as ``current_dialog``; unlike ``_open`` this tolerates a dialog opening the next one."""
        self.current_dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def closed(_result: int) -> None:
            if self.current_dialog is dialog:
                self.current_dialog = None

        dialog.finished.connect(closed)
        dialog.open()

    def current_filter(self) -> tuple[str, str | None]:
        """The search text and tag the list is filtered by (empty and None when it shows everyone)."""
        return self.search_edit.text().strip(), self._tag

    def shown_ids(self) -> list[int]:
        return [cid for cid in (self.model.contact_id(r) for r in range(self.model.shown)) if cid is not None]

    # --- importing ----------------------------------------------------------------------------------------

    def choose_import_files(self) -> None:
        dialog = import_file_dialog(self)
        dialog.filesSelected.connect(lambda files: self.import_files([Path(f) for f in files]))
        self._show_dialog(dialog)

    def choose_import_folder(self) -> None:
        dialog = import_file_dialog(self, folder=True)
        dialog.fileSelected.connect(lambda folder: self.import_files([Path(folder)]))
        self._show_dialog(dialog)

    @property
    def import_running(self) -> bool:
        return self._import_job is not None

    def import_files(self, paths: Sequence[Path]) -> None:
        """Import files and folders off the GUI thread with a cancellable progress dialog, then show the report."""
        if not paths:
            return
        if self._import_job is not None:
            self.statusBar().showMessage("An import is already running; wait for it or cancel it first.", 6000)
            return
        job = ImportJob(self.nd.imports, paths, self)
        self._import_job = job
        progress = ImportProgressDialog(job, self)
        job.finished.connect(lambda report: self._import_done(job, progress, report))
        job.failed.connect(lambda exc: self._import_failed(job, progress, exc))
        self._show_dialog(progress)
        job.start(self.ops)

    def _end_import(self, job: ImportJob, progress: ImportProgressDialog) -> None:
        self._import_job = None
        progress.accept()  # accept(), not reject(): reject() means "cancel" for this dialog
        job.deleteLater()
        self.import_finished.emit()

    def _import_done(self, job: ImportJob, progress: ImportProgressDialog, report: ImportReport) -> None:
        self._end_import(job, progress)
        if report.cancelled:
            self.statusBar().showMessage("Import cancelled — nothing was saved.", 8000)
            return
        self._show_dialog(ImportReportDialog(report, self))
        message = f"Import finished: {report.summary()}"
        if report.created or report.updated or report.merged or report.interactions_added:
            self._reload_then_say(message)
        else:
            self.statusBar().showMessage(message, 10000)

    def _import_failed(self, job: ImportJob, progress: ImportProgressDialog, exc: BaseException) -> None:
        self._end_import(job, progress)
        message = str(exc) if isinstance(exc, NetDeskError) else f"The import failed: {exc}"
        box = QMessageBox(QMessageBox.Icon.Warning, "Import failed", message, QMessageBox.StandardButton.Ok, self)
        box.setObjectName("importFailedBox")
        self._show_dialog(box)

    @staticmethod
    def _dropped_paths(mime: QMimeData) -> list[Path]:
        if not mime.hasUrls():
            return []
        paths = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
        return [p for p in paths if importable(p)]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self._dropped_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self._dropped_paths(event.mimeData())
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.import_files(paths)

    # --- exporting ----------------------------------------------------------------------------------------

    def export_scopes(self) -> list[ExportScope]:
        """All contacts, the selection and the current filter, each with how many contacts it covers."""
        selected = tuple(self.selected_ids())
        scopes = [
            ExportScope("all", "All contacts", self.nd.contacts.count()),
            ExportScope("selection", "Selected contacts", len(selected), ids=selected),
        ]
        query, tag = self.current_filter()
        if self._organization is not None:
            shown = tuple(self.shown_ids())
            scopes.append(ExportScope("filter", f"People at {self._organization}", len(shown), ids=shown))
        elif query or tag:
            what = " and ".join(
                part for part in (f"matching “{query}”" if query else "", f"tagged “{tag}”" if tag else "") if part
            )
            count = len(self.nd.contacts.search_ids(query, tag))
            scopes.append(ExportScope("filter", f"Contacts {what}", count, query=query, tag=tag))
        else:
            scopes.append(ExportScope("filter", "The current search or tag (none active)", 0))
        return scopes

    def export_contacts(self) -> None:
        version = load_preferences(self.settings).export_vcard_version
        dialog = ExportDialog(self.export_scopes(), self, vcard_version=version)
        dialog.accepted.connect(lambda: self._choose_export_target(dialog.request()))
        self._show_dialog(dialog)

    def _choose_export_target(self, request: ExportRequest | None) -> None:
        if request is None:
            return
        start = self.settings.value("export/folder", str(Path.home()))
        dialog = export_target_dialog(request.fmt, Path(str(start)), self)
        dialog.fileSelected.connect(lambda target: self.export_to(request, Path(target)))
        self._show_dialog(dialog)

    def export_to(self, request: ExportRequest, target: Path) -> None:
        """Write the export off the GUI thread; the status bar tells how many contacts were written."""
        scope = request.scope
        exports = self.nd.exports
        self.settings.setValue("export/folder", str(target if target.is_dir() else target.parent))
        self.statusBar().showMessage(f"Exporting {scope.count:,} contacts to {target.name}…")

        def run() -> int:
            ids = list(scope.ids) if scope.ids is not None else None
            return exports.export(request.fmt, target, ids=ids, query=scope.query, tag=scope.tag)

        def done(count: int) -> None:
            noun = "contact" if count == 1 else "contacts"
            self.statusBar().showMessage(f"Exported {count:,} {noun} to {target}", 10000)

        def failed(exc: BaseException) -> None:
            self.report_error(f"The export failed: {exc}")

        self.tasks.submit(run, done, failed)

    # --- backups ------------------------------------------------------------------------------------------

    def back_up_now(self) -> None:
        backups = self.nd.backups
        if backups is None:
            return
        self.statusBar().showMessage("Backing up…")

        def done(info: BackupInfo) -> None:
            self.statusBar().showMessage(f"Backed up {info.contact_count or 0:,} contacts to {info.path.name}", 8000)

        self.tasks.submit(
            lambda: backups.create("manual"), done, lambda exc: self.report_error(f"Backup failed: {exc}")
        )

    def show_backups(self) -> None:
        if self.nd.backups is None:
            return
        if self._import_job is not None:
            self.statusBar().showMessage("Wait for the import to finish before restoring a backup.", 6000)
            return
        dialog = BackupDialog(self.nd.backups, self)
        dialog.restored.connect(self._backup_restored)
        self._show_dialog(dialog)

    def _backup_restored(self, safety: BackupInfo) -> None:
        # Every id the undo history and the list hold may be gone; the engine reconnects to the restored file lazily.
        self.ops.clear_history()
        self.table.clearSelection()
        self._show_detail(None)
        self._reload_then_say(f"Backup restored; the previous state was saved as {safety.path.name}.")

    def _reload_then_say(self, message: str) -> None:
        """Reload the list, then show ``message`` (showing it first would be wiped when the rows arrive)."""

        def reloaded() -> None:
            self.contacts_loaded.disconnect(reloaded)
            self.statusBar().showMessage(message, 10000)

        self.contacts_loaded.connect(reloaded)
        self.reload_contacts()

    # --- databases and preferences (File → Open/New database…, Edit → Preferences…) --------------------------

    def _build_database_actions(self, file_menu: QMenu) -> None:
        self.open_database_action = self._action(
            "&Open database…", lambda: self.choose_database(new=False), None, "", "openDatabaseAction"
        )
        self.new_database_action = self._action(
            "Ne&w database…", lambda: self.choose_database(new=True), None, "", "newDatabaseAction"
        )
        file_menu.addAction(self.open_database_action)
        file_menu.addAction(self.new_database_action)
        file_menu.addSeparator()
        self.preferences_action = self._action(
            "&Preferences…", self.show_preferences, "Ctrl+,", "settings", "preferencesAction"
        )
        self.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        if self.nd.backups is not None:
            self.nd.backups.keep = load_preferences(self.settings).backups_kept

    def choose_database(self, new: bool) -> None:
        """A file prompt (Qt's own, so it opens without blocking); the window then switches to the chosen file."""
        dialog = QFileDialog(self)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setObjectName("newDatabaseDialog" if new else "openDatabaseDialog")
        dialog.setWindowTitle("New database" if new else "Open database")
        dialog.setNameFilters(["NetDesk databases (*.sqlite3 *.sqlite *.db)", "All files (*)"])
        if self.nd.path is not None:
            dialog.setDirectory(str(self.nd.path.parent))
        if new:
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            dialog.setFileMode(QFileDialog.FileMode.AnyFile)
            dialog.setDefaultSuffix("sqlite3")
            dialog.selectFile("contacts.sqlite3")
        else:
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
            dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(lambda chosen: self.open_database(Path(chosen), new=new))
        self._show_dialog(dialog)

    def open_database(self, path: Path, new: bool = False) -> bool:
        """Switch the window to the database at ``path``; False (with a message box) when it cannot be opened."""
        path = path.expanduser().absolute()
        if self.nd.path is not None and path.exists() and path.resolve() == self.nd.path.resolve():
            self.statusBar().showMessage(f"{path.name} is already open.", 6000)
            return True
        if self._import_job is not None:
            self.statusBar().showMessage("Wait for the import to finish before opening another database.", 6000)
            return False
        if not new and path.is_file() and forward_to_running_instance(path):
            # Another NetDesk window has it open (and now comes forward): two windows on one database would each
            # show the other's changes late, and both would take the daily backups.
            self.statusBar().showMessage(f"{path.name} is open in another NetDesk window; switched to that one.", 8000)
            return False
        problem = ""
        if new and path.exists():
            problem = "A file with that name already exists; choose File → Open database… to open it."
        elif not new and not path.is_file():
            problem = "There is no such file."
        nd: NetDesk | None = None
        if not problem:
            try:
                nd = open_netdesk(path)
            except Exception as exc:  # a newer schema, not a database at all, an unwritable folder …
                problem = str(exc) if isinstance(exc, NetDeskError) else f"It is not a NetDesk database ({exc})."
        if nd is None:
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                "Cannot open database",
                f"NetDesk cannot open {path}.",
                QMessageBox.StandardButton.Ok,
                self,
            )
            box.setObjectName("openDatabaseFailedBox")
            box.setInformativeText(problem)
            self._show_dialog(box)
            return False
        self._switch_to(nd)
        return True

    def _switch_to(self, nd: NetDesk) -> None:
        # Background queries on the old database finish (their results dropped) before it is closed.
        old, old_tasks = self.nd, self.tasks
        self.sync_ui.close()
        old_tasks.close()
        self.database_closing.emit()  # views stop their own background loads
        self.tasks = TaskRunner(self)
        self.nd = nd
        self.sync_ui.set_netdesk(nd)
        old.close()
        self.ops.clear_history()  # its steps are SQL for the other database
        self.table.clearSelection()
        self.model.set_rows([])
        self.loaded = False
        self._tag = None
        self._organization = None
        self.search_edit.blockSignals(True)
        self.search_edit.clear()
        self.search_edit.blockSignals(False)
        self._show_detail(None)
        path = nd.path
        self.setWindowTitle(f"{APP_NAME} — {path.name if path else 'in-memory database'}")
        self.backup_action.setEnabled(nd.backups is not None)
        self.restore_action.setEnabled(nd.backups is not None)
        apply_preferences(load_preferences(self.settings), nd)
        if path is not None:
            self.settings.setValue(KEY_LAST_DATABASE, str(path))
        self._reload_then_say(f"Opened {path.name if path else 'the database'}")
        self.database_changed.emit(path)

    def show_preferences(self) -> None:
        prefs = dataclasses.replace(load_preferences(self.settings), phone_region=self.nd.settings.phone_region() or "")
        dialog = PreferencesDialog(prefs, self, self.nd)
        add_accounts_button(dialog, self.sync_ui.show_accounts)
        self._open(dialog, lambda: self.set_preferences(dialog.preferences()))

    def set_preferences(self, prefs: Preferences) -> None:
        """Store ``prefs`` and make them take effect at once."""
        save_preferences(self.settings, prefs)
        apply_preferences(prefs, self.nd)
        self.preferences_changed.emit(prefs)
