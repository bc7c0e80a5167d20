"""The main window: composes the controllers (netdesk/ui/controllers), the pages, menus, tool bar and undo.

The window owns what every controller shares (the open database, its task runner, the undo history, the bus and
the dialog in front) and nothing else: the list and its search, the Contacts page's writes, import/export/backup
and database/preferences each live in their own controller.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QMainWindow, QSizePolicy, QToolBar, QWidget

from netdesk import APP_NAME
from netdesk.ui.icons import action_icon

if TYPE_CHECKING:
    from netdesk.core.model import ContactRow
    from netdesk.services import NetDesk
    from netdesk.ui.bus import ChangeBus
    from netdesk.ui.contact_table_model import ContactTableModel
    from netdesk.ui.controllers.contact_edits import ContactEditsController
    from netdesk.ui.controllers.contact_list import ContactListController
    from netdesk.ui.controllers.database import DatabaseController
    from netdesk.ui.controllers.transfer import TransferController
    from netdesk.ui.navigation import Navigation
    from netdesk.ui.ops import Ops
    from netdesk.ui.page_actions import PageActions
    from netdesk.ui.sync_ui import SyncController
    from netdesk.ui.workers import TaskRunner


class MainWindow(QMainWindow):
    def __init__(self, nd: NetDesk | None, settings: QSettings | None = None, demo: bool = False) -> None:
        """The window; with ``nd`` None only its frame (title, tool bar, "Loading contacts…"), which start-up shows
        while it imports the services and opens the database, then hands to ``attach``."""
        super().__init__()
        self.setObjectName("mainWindow")
        self.settings = settings if settings is not None else QSettings()
        self.current_dialog: QDialog | None = None
        self.attached = False
        self.early_model: ContactTableModel | None = None  # the list's rows, shown by the frame (show_rows)
        self.setWindowTitle(APP_NAME)
        self.resize(1280, 800)
        geometry = self.settings.value("mainWindow/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        self.toolbar = QToolBar("Main toolbar")
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.addToolBar(self.toolbar)
        loading = QLabel("Loading contacts…")
        loading.setObjectName("loadingLabel")
        loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setCentralWidget(loading)
        self.statusBar().showMessage("Loading contacts…")
        if nd is not None:
            self.attach(nd, demo=demo)

    def show_rows(self, rows: list[ContactRow]) -> None:
        """Show the list's ``rows`` in the frame, before the services are imported: start-up read them from a file
        that passed the open's checks (netdesk/db/list_read.py). ``attach`` hands their model to the list."""
        from PySide6.QtWidgets import QAbstractItemView, QTableView

        from netdesk.ui.contact_table_model import ContactTableModel

        model = self.early_model = ContactTableModel(self)
        model.set_rows(rows)
        table = QTableView()
        table.setObjectName("earlyContactTable")
        table.setModel(model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setAlternatingRowColors(True)
        table.setShowGrid(False)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        self.setCentralWidget(table)
        self.statusBar().showMessage(f"{len(rows):,} contacts; opening the database…")

    def drop_rows(self) -> None:
        """Forget the rows ``show_rows`` showed (another database, or a restored backup, is opened instead)."""
        if self.early_model is None:
            return
        self.early_model = None
        loading = QLabel("Loading contacts…")
        loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setCentralWidget(loading)  # deletes the table; the model, the window's child, goes with the window
        self.statusBar().showMessage("Loading contacts…")

    def attach(self, nd: NetDesk, demo: bool = False) -> None:
        """Build the window's controllers, pages, menus and actions over the open database ``nd``."""
        from PySide6.QtCore import QTimer

        from netdesk.ui.workers import TaskRunner

        self.nd = nd
        self.tasks: TaskRunner = TaskRunner(self)
        shown = self.early_model
        if shown is None:
            # The list's one query starts first, in a worker: SQLite reads while the window's modules are imported
            # and its widgets built (the rows are delivered through the event loop, so never before the window is
            # complete).
            self.tasks.submit(
                nd.contacts.rows,
                lambda rows: self.contact_list.rows_loaded(rows),
                lambda exc: self.contact_list.rows_failed(exc),
            )
        # Imported here, not at the top: the frame above shows before the services (SQLAlchemy and the rest) load.
        from netdesk.ui import duplicates_review
        from netdesk.ui.bus import ChangeBus
        from netdesk.ui.controllers.contact_edits import ContactEditsController
        from netdesk.ui.controllers.contact_list import ContactListController
        from netdesk.ui.controllers.database import DatabaseController
        from netdesk.ui.controllers.transfer import TransferController
        from netdesk.ui.external_changes import ExternalChangePoller
        from netdesk.ui.navigation import Navigation
        from netdesk.ui.ops import Ops
        from netdesk.ui.page_actions import install_context_menu
        from netdesk.ui.sync_ui import SyncController

        # Every write goes through ops (undo entry, errors) and is announced on bus, which every view follows.
        self.bus: ChangeBus = ChangeBus(self)
        self.ops: Ops = Ops(self, lambda: self.nd, lambda: self.tasks, self.bus)
        self.ops.setObjectName("windowOps")
        self.ops.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        title = "demo network" if demo else (nd.path.name if nd.path else "in-memory database")
        self.setWindowTitle(f"{APP_NAME} — {title}")

        self.early_model = None
        self.contact_list: ContactListController = ContactListController(self, self, load=False, model=shown)
        contacts = self.contact_list
        self.contact_edits: ContactEditsController = ContactEditsController(self, contacts, self)
        edits = self.contact_edits
        self.transfer: TransferController = TransferController(self, contacts, self)
        transfer = self.transfer
        self.setCentralWidget(contacts.splitter)
        self.statusBar().addPermanentWidget(contacts.count_label)
        # CardDAV (ui/sync_ui.py); its status line is read once the list's first rows are in.
        self.sync_ui: SyncController = SyncController(
            self, nd, contacts.reload_contacts, refresh_after=contacts.first_rows_settled
        )
        self.database: DatabaseController = DatabaseController(self, contacts, transfer, self.sync_ui, self)
        database = self.database
        contacts.synced_text = self.sync_ui.synced_with_text
        contacts.welcome.import_requested.connect(lambda: transfer.choose_import_files())
        contacts.welcome.linkedin_requested.connect(lambda: transfer.choose_linkedin_export())
        contacts.welcome.add_requested.connect(lambda: edits.new_contact())
        contacts.welcome.demo_requested.connect(lambda: database.open_demo())
        contacts.selection_changed.connect(self.sync_actions)
        install_context_menu(contacts.table, edits)
        self.ops.replayed.connect(contacts.select_replayed)
        # Other programs' writes reach the bus too; looked for once the list's first rows are in (they are the
        # state the first look takes as seen).
        self.external_changes = ExternalChangePoller(self, lambda: self.nd, lambda: self.tasks, self.ops)
        contacts.first_rows_settled.connect(self.external_changes.start)
        self.setAcceptDrops(True)
        self._expose()

        self._build_actions()
        self._build_menus_and_toolbar()
        # Contacts / Due / Timeline / … pages, Ctrl+1…0, quick log
        self.navigation: Navigation = Navigation(self, self, contacts, database, edits.page_actions, self.view_menu)
        duplicates_review.install(self)  # Edit → Review duplicates… (ui/duplicates_review.py)
        self._restore_settings()
        self.attached = True
        self.sync_actions()
        self.statusBar().showMessage("Loading contacts…")
        contacts.reload_tags()
        if shown is not None:  # as the query's answer would, through the event loop once the window is complete
            QTimer.singleShot(0, contacts.rows_shown)

    def _expose(self) -> None:
        """The names the window offered before its controllers existed (the tray, application start-up and the
        tests use them): aliases, so that there is one implementation of each."""
        contacts, edits, transfer, database = self.contact_list, self.contact_edits, self.transfer, self.database
        self.model, self.table, self.detail = contacts.model, contacts.table, contacts.detail
        self.search_edit, self.tag_list, self.welcome = contacts.search_edit, contacts.tag_list, contacts.welcome
        self.filter_banner, self.splitter = contacts.filter_banner, contacts.splitter
        self.count_label, self.list_search = contacts.count_label, contacts.list_search
        self.contacts_loaded, self.search_finished = contacts.contacts_loaded, contacts.search_finished
        self.detail_shown, self.tags_loaded = contacts.detail_shown, contacts.tags_loaded
        self.select_contact, self.selected_id, self.selected_ids = (
            contacts.select_contact,
            contacts.selected_id,
            contacts.selected_ids,
        )
        self.run_search, self.reload_contacts, self.reload_tags = (
            contacts.run_search,
            contacts.reload_contacts,
            contacts.reload_tags,
        )
        self.select_tag, self.show_organization, self.clear_filters = (
            contacts.select_tag,
            contacts.show_organization,
            contacts.clear_filters,
        )
        self.contacts_changed, self.report_error = contacts.contacts_changed, contacts.report_error
        self.new_contact, self.edit_selected, self.delete_contacts = (
            edits.new_contact,
            edits.edit_selected,
            edits.delete_contacts,
        )
        self.page_actions = edits.page_actions
        self._show_detail, self._sync_actions = contacts.show_detail, self.sync_actions  # names other branches use
        self.import_finished, self.import_files = transfer.import_finished, transfer.import_files
        self.export_scopes, self.back_up_now, self.show_backups = (
            transfer.export_scopes,
            transfer.back_up_now,
            transfer.show_backups,
        )
        self.database_changed, self.database_closing = database.database_changed, database.database_closing
        self.preferences_changed, self.open_database = database.preferences_changed, database.open_database
        self.set_preferences, self.show_preferences = database.set_preferences, database.show_preferences

    @property
    def loaded(self) -> bool:
        """Whether the list has its rows (the first load is under way while the window is built)."""
        return self.attached and self.contact_list.loaded

    @property
    def import_running(self) -> bool:
        return self.transfer.import_running

    # --- actions, menus, tool bar -------------------------------------------------------------------------

    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        icon: str = "",
        name: str = "",
    ) -> QAction:
        action = QAction(action_icon(icon), text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setObjectName(name)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        edits = self.contact_edits
        self.new_action = self._action(
            "&New contact…", edits.new_contact, QKeySequence.StandardKey.New, "new-contact", "newContactAction"
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
        self.merge_action = self._action("&Merge contacts…", edits.merge_selected, "Ctrl+M", "", "mergeContactsAction")
        self.quit_action = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit, "", "quitAction")
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.find_action = self._action(
            "&Find…", self.contact_list.focus_search, QKeySequence.StandardKey.Find, "search", "findAction"
        )
        self.undo_action, self.redo_action = self.ops.make_actions(self)
        self.addActions([self.undo_action, self.redo_action])
        self.trash_action = self._action("&Trash…", edits.show_trash, None, "trash", "trashAction")
        self.sidebar_action = QAction("Show &side bar", self)
        self.sidebar_action.setObjectName("sidebarAction")
        self.sidebar_action.setCheckable(True)
        self.sidebar_action.setChecked(True)
        self.sidebar_action.setShortcut(QKeySequence("Ctrl+B"))
        self.sidebar_action.toggled.connect(self.tag_list.setVisible)
        self.addAction(self.sidebar_action)
        self.about_action = self._action(f"&About {APP_NAME}", self.show_about, None, "about", "aboutAction")
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        # Named as before the split (the tests and the tray find them here).
        transfer, database = self.transfer, self.database
        self.import_action, self.import_folder_action = transfer.import_action, transfer.import_folder_action
        self.export_action, self.backup_action = transfer.export_action, transfer.backup_action
        self.restore_action = transfer.restore_action
        self.open_database_action, self.new_database_action = (
            database.open_database_action,
            database.new_database_action,
        )
        self.preferences_action = database.preferences_action

    def _build_menus_and_toolbar(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.new_action)
        file_menu.addAction(self.log_action)
        file_menu.addSeparator()
        file_menu.addActions([self.import_action, self.import_folder_action, self.export_action])
        file_menu.addSeparator()
        file_menu.addActions([self.backup_action, self.restore_action])
        file_menu.addSeparator()
        file_menu.addActions([self.open_database_action, self.new_database_action])
        file_menu.addSeparator()
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

        toolbar = self.toolbar  # the frame's, shown empty while the window was built
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

    # --- what Edit, Delete and Log act on -----------------------------------------------------------------

    def _current_page_actions(self) -> PageActions:
        navigation = getattr(self, "navigation", None)  # None while the window is being built
        return navigation.page_actions() if navigation is not None else self.contact_edits.page_actions()

    def _edit_on_page(self) -> None:
        handler = self._current_page_actions().edit
        if handler is not None:
            handler()

    def _delete_on_page(self) -> None:
        handler = self._current_page_actions().delete
        if handler is not None:
            handler()

    def _quick_log(self) -> None:
        self.navigation.quick_log()

    def sync_actions(self) -> None:
        if not self.attached or not hasattr(self, "edit_action"):
            return  # a selection while the window is being built
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

    # --- dialogs ----------------------------------------------------------------------------------------

    def open_dialog(self, dialog: QDialog, on_accept: Callable[[], None]) -> None:
        """Window-modal, non-blocking: the event loop keeps running (and tests can drive the dialog)."""
        self.current_dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(on_accept)
        dialog.finished.connect(lambda _result: setattr(self, "current_dialog", None))
        dialog.open()

    def show_dialog(self, dialog: QDialog) -> None:
        """Open non-blocking as ``current_dialog``; unlike ``open_dialog`` this tolerates a dialog opening the next."""
        self.current_dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def closed(_result: int) -> None:
            if self.current_dialog is dialog:
                self.current_dialog = None

        dialog.finished.connect(closed)
        dialog.open()

    def show_about(self) -> None:
        from netdesk.ui.about import AboutDialog

        self.open_dialog(AboutDialog(self), lambda: None)

    # --- settings, closing, drops -------------------------------------------------------------------------

    def _restore_settings(self) -> None:
        s = self.settings  # the geometry was restored with the frame
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
        if not self.attached:  # closed while start-up opened the database: nothing of the window to keep yet
            super().closeEvent(event)
            return
        self.save_settings()
        self.transfer.cancel_import()  # the import rolls back instead of holding up the close
        self.sync_ui.close()  # a running sync stops at its next batch, keeping what it finished
        self.external_changes.stop()
        self.ops.close_writes()  # every write the user made reaches the database
        self.tasks.close()  # wait for background queries before the database goes away
        self.database.database_closing.emit()  # and for the views' own
        super().closeEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        from netdesk.ui.controllers.transfer import dropped_paths

        if dropped_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        from netdesk.ui.controllers.transfer import dropped_paths

        if dropped_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        from netdesk.ui.controllers.transfer import dropped_paths

        paths = dropped_paths(event.mimeData())
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.transfer.import_files(paths)
