"""CardDAV sync in the app: the accounts dialog, "Sync now" with progress and cancel, the schedule, the status line.

Every call that talks to a server runs off the GUI thread on the controller's own TaskRunner (so closing the window
cancels a sync instead of waiting for it). Passwords come from the system keyring; without one the app asks and
keeps the answer in memory for this session only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from html import escape
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QObject, Qt, QTimer, Signal, SignalInstance
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.changes import ChangeSet
from netdesk.core.errors import NetDeskError
from netdesk.core.words import plural
from netdesk.services import NetDesk
from netdesk.services.sync_types import AccountDTO, SyncCounts, local_time
from netdesk.sync import secrets
from netdesk.sync.dav import SyncCancelled
from netdesk.sync.discovery import BookInfo
from netdesk.ui.ops import Ops, failure_text, ops_for
from netdesk.ui.widgets.error_label import error_label
from netdesk.ui.workers import TaskRunner

PasswordSource = Callable[[AccountDTO], "str | None"]
T = TypeVar("T")
MANY_SYNCED_CONTACTS = 2000  # more changed by one sync: views reload every contact rather than row by row
INTERVAL_SETTLE_MS = 600  # the schedule spin box is written this long after its last change


def account_line(a: AccountDTO) -> str:
    books = ", ".join(f"{b.display_name or b.url} → {b.tag} ({b.cards})" for b in a.books)
    when = f"last synced {local_time(a.last_sync_at):%Y-%m-%d %H:%M}" if a.last_sync_at else "never synced"
    error = f" — {a.last_error}" if a.last_error else ""
    every = f", every {a.interval_minutes} min" if a.interval_minutes else ""
    return f"{a.name}: {a.username} at {a.url}\n{books}\n{when}{every}{error}"


def password_prompt(parent: QWidget, account: AccountDTO) -> QInputDialog:
    """Asks for an account's password; the user name and address in it are shown as typed, never as markup."""
    prompt = QInputDialog(parent)
    prompt.setObjectName("syncPasswordPrompt")
    prompt.setWindowTitle("Sync")
    prompt.setInputMode(QInputDialog.InputMode.TextInput)
    prompt.setTextEchoMode(QLineEdit.EchoMode.Password)
    prompt.setLabelText(f"Password for {account.username} at {account.url}:")
    for label in prompt.findChildren(QLabel):
        label.setTextFormat(Qt.TextFormat.PlainText)
    return prompt


class AddAccountDialog(QDialog):
    """Name, server URL, user name, password and (for a self-signed server) a certificate to pin."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("addAccountDialog")
        self.setWindowTitle("Add a CardDAV account")
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("accountNameEdit")
        self.url_edit = QLineEdit()
        self.url_edit.setObjectName("accountUrlEdit")
        self.url_edit.setPlaceholderText("https://dav.example.org/")
        self.user_edit = QLineEdit()
        self.user_edit.setObjectName("accountUserEdit")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("accountPasswordEdit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.certificate_edit = QLineEdit()
        self.certificate_edit.setObjectName("accountCertificateEdit")
        self.certificate_edit.setPlaceholderText("only for a self-signed server: its certificate (PEM)")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._choose_certificate)
        row = QHBoxLayout()
        row.addWidget(self.certificate_edit)
        row.addWidget(browse)
        self.error_label = error_label("accountErrorLabel")
        self.error_label.show()  # keeps its line in the form, empty until there is something to say
        form = QFormLayout()
        form.addRow("Name", self.name_edit)
        form.addRow("Server URL", self.url_edit)
        form.addRow("User name", self.user_edit)
        form.addRow("Password", self.password_edit)
        form.addRow("Certificate", row)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def _choose_certificate(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Server certificate", "", "Certificates (*.pem *.crt);;All (*)")
        if path:
            self.certificate_edit.setText(path)

    def certificate_pem(self) -> str:
        path = self.certificate_edit.text().strip()
        if not path:
            return ""
        try:
            pem = Path(path).read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as exc:
            raise NetDeskError(f"cannot read the certificate {path}: {exc}") from None
        if "BEGIN CERTIFICATE" not in pem:
            raise NetDeskError(f"{path} is not a PEM certificate")
        return pem


class SyncController(QObject):
    """Owns File → Sync now, Edit → Sync accounts…, the schedule timer and the status-bar line."""

    finished = Signal(object)  # SyncCounts of a sync that completed
    failed = Signal(str)
    accounts_changed = Signal()  # an account setting was written, undone or redone (the dialog reloads)
    progress_changed = Signal(int, int, str)  # done, total, what: emitted by the sync's thread, shown on the GUI's

    def __init__(
        self,
        window: QMainWindow,
        nd: NetDesk,
        after_sync: Callable[[], None],
        refresh_after: SignalInstance | None = None,
    ) -> None:
        """``refresh_after``: the status line is first read when it fires (the list's first rows), not now."""
        super().__init__(window)
        self.window = window
        self.nd = nd
        self._after_sync = after_sync
        self._tasks = TaskRunner(self, max_threads=1)
        self._cancel = threading.Event()
        self._session_passwords: dict[str, str] = {}
        self.running = False
        self.progress: QProgressDialog | None = None
        self.status_label = QLabel()
        self.status_label.setObjectName("syncStatusLabel")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)  # account names and a server's error words
        window.statusBar().addPermanentWidget(self.status_label)
        self.sync_action = QAction("S&ync now", window)
        self.sync_action.setObjectName("syncNowAction")
        self.sync_action.setShortcut("Ctrl+Shift+S")
        self.sync_action.triggered.connect(lambda: self.sync_now(interactive=True))
        self.accounts_action = QAction("Sync &accounts…", window)
        self.accounts_action.setObjectName("syncAccountsAction")
        self.accounts_action.triggered.connect(self.show_accounts)
        self.progress_changed.connect(self._show_progress)
        self.timer = QTimer(self)
        self.timer.timeout.connect(lambda: self.sync_now(interactive=False))
        # Account settings are written like everything else: through the window's one write path, with undo.
        self.ops = ops_for(window, nd, self.refresh)
        self.ops.bus.changed.connect(self._changed)
        if refresh_after is None:
            self.set_netdesk(nd)
        else:
            # Reading the accounts loads CardDAV's modules (half a second): after the list is shown, not before
            # (queued: the rows are painted first).
            self.sync_action.setEnabled(False)
            refresh_after.connect(self.refresh, Qt.ConnectionType.QueuedConnection)

    # --- database ------------------------------------------------------------------------------------------

    def set_netdesk(self, nd: NetDesk) -> None:
        self.nd = nd
        self._session_passwords.clear()
        self.refresh()

    def close(self) -> None:
        """Stop a running sync (it stops at its next batch, keeping what it finished) and wait for it."""
        self._cancel.set()
        self.timer.stop()
        self._tasks.close()
        self._tasks = TaskRunner(self, max_threads=1)

    def refresh(self) -> None:
        """The status line and the schedule, from the accounts stored (no network)."""
        accounts = self.nd.sync.accounts()
        self.sync_action.setEnabled(bool(accounts) and not self.running)
        intervals = [a.interval_minutes for a in accounts if a.interval_minutes]
        if intervals:
            self.timer.start(min(intervals) * 60_000)
        else:
            self.timer.stop()
        errors = [f"{a.name}: {a.last_error}" for a in accounts if a.last_error]
        synced = [a.last_sync_at for a in accounts if a.last_sync_at]
        if errors:
            self.status_label.setText(f"Sync failed — {errors[0]}")
        elif synced:
            self.status_label.setText(f"Synced {local_time(max(synced)):%H:%M}")
        else:
            self.status_label.setText("")

    def _changed(self, changes: ChangeSet) -> None:
        if "account" in changes.records:
            self.refresh()
            self.accounts_changed.emit()

    def on_network(
        self, fn: Callable[[], T], done: Callable[[T], None], failed: Callable[[BaseException], None]
    ) -> None:
        """Talk to a server off the GUI thread, on the thread a sync uses (closing the window cancels it)."""
        self._tasks.submit(fn, done, failed)

    def forget_password(self, account: AccountDTO, remaining: list[AccountDTO]) -> None:
        """A removed account's password leaves the keyring (unless another account signs in the same way)."""
        self._session_passwords.pop(account.name, None)
        if not any(a.url == account.url and a.username == account.username for a in remaining):
            secrets.forget_password(account.url, account.username)

    def synced_with_text(self, contact_id: int | None) -> str:
        if contact_id is None:
            return ""
        places = self.nd.sync.synced_with(contact_id)
        return f"Synced with {', '.join(places)}" if places else ""

    # --- passwords -----------------------------------------------------------------------------------------

    def remember_password(self, account_name: str, password: str) -> None:
        """Without a keyring: the password for this session only."""
        self._session_passwords[account_name] = password

    def password_for(self, account: AccountDTO, interactive: bool) -> str | None:
        stored = self._session_passwords.get(account.name) or secrets.load_password(account.url, account.username)
        if stored or not interactive:
            return stored
        prompt = password_prompt(self.window, account)
        ok = prompt.exec() == QDialog.DialogCode.Accepted
        text = prompt.textValue()
        prompt.deleteLater()
        if not ok or not text:
            return None
        self._session_passwords[account.name] = text
        return text

    # --- sync ----------------------------------------------------------------------------------------------

    def sync_now(self, interactive: bool = True) -> None:
        if self.running:
            return
        accounts = self.nd.sync.accounts()
        jobs = []
        for account in accounts:
            password = self.password_for(account, interactive)
            if password is None:
                self.status_label.setText(f"Sync of {account.name} needs its password")
                continue
            jobs.append((account.name, password))
        if not jobs:
            return
        self.running = True
        self.sync_action.setEnabled(False)
        self._cancel.clear()
        if interactive:
            self.progress = QProgressDialog("Syncing…", "Cancel", 0, 0, self.window)
            self.progress.setObjectName("syncProgress")
            self.progress.setWindowModality(Qt.WindowModality.WindowModal)
            self.progress.setMinimumDuration(0)
            self.progress.canceled.connect(self._cancel.set)
            self.progress.show()
        self.status_label.setText("Syncing…")
        nd = self.nd
        cancel = self._cancel

        report = self.progress_changed.emit

        def run() -> tuple[SyncCounts, ChangeSet]:
            total, changes = SyncCounts(), ChangeSet()
            with nd.external_changes.own_write():  # published below, not seen as another program's write
                for name, password in jobs:
                    written = nd.sync.sync(name, password, progress=report, cancel=cancel.is_set)
                    total.add(written.value)
                    changes |= written.changes
            return total, changes

        self._tasks.submit(run, self._done, self._error)

    def _show_progress(self, done: int, total: int, what: str) -> None:
        if self.progress is not None:
            if total <= 0:  # a first sync reads the whole book in one answer: how many it holds is not known yet
                self.progress.setLabelText(f"Syncing: {what} {done:,} cards")
                self.progress.setRange(0, 0)
                return
            self.progress.setLabelText(f"Syncing: {what} {done:,} of {total:,}")
            self.progress.setRange(0, max(total, 1))
            self.progress.setValue(min(done, total))

    def _end(self) -> None:
        self.running = False
        if self.progress is not None:
            self.progress.reset()
            self.progress.deleteLater()
            self.progress = None

    def _done(self, result: tuple[SyncCounts, ChangeSet]) -> None:
        counts, changes = result
        self._end()
        # Every view refreshes from the bus, as after any write. A sync is not on the undo stack: it has already
        # reached the server, which an undo here could not take back.
        if len(changes.contacts) > MANY_SYNCED_CONTACTS:
            changes = replace(changes, contacts=frozenset(), many_contacts=True)
        self.ops.bus.publish(changes)  # the accounts' line and schedule too (refresh)
        if changes.empty:
            self.refresh()
        self.status_label.setText(f"Synced: {counts.summary()}")
        self.finished.emit(counts)

    def _error(self, exc: BaseException) -> None:

        self._end()
        self.refresh()
        if isinstance(exc, SyncCancelled):
            self.status_label.setText("Sync cancelled — what it finished is kept")
            self._after_sync()
            return
        message = str(exc) if isinstance(exc, NetDeskError) else f"sync failed ({type(exc).__name__}: {exc})"
        self.status_label.setText(f"Sync failed — {message}")
        self._after_sync()  # what finished before the failure is kept: show it
        self.failed.emit(message)

    # --- accounts ------------------------------------------------------------------------------------------

    def show_accounts(self) -> None:
        dialog = SyncAccountsDialog(self, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()


class SyncAccountsDialog(QDialog):
    """The accounts of this database: add (discovery runs off the GUI thread), remove, books, schedule.

    Every change is a write through the window's ``Ops`` (off the GUI thread, with an undo entry such as "Undo add
    sync account phone"); the dialog reloads from the bus, so an undo made while it is open shows here too.
    """

    def __init__(self, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncAccountsDialog")
        self.setWindowTitle("Sync accounts")
        self.controller = controller
        self.accounts: list[AccountDTO] = []
        self.list = QListWidget()
        self.list.setObjectName("accountList")
        self.list.setWordWrap(True)
        self.add_button = QPushButton("Add…")
        self.add_button.setObjectName("addAccountButton")
        self.add_button.clicked.connect(self.add_account)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setObjectName("removeAccountButton")
        self.remove_button.clicked.connect(self.remove_account)
        self.interval_spin = QSpinBox()
        self.interval_spin.setObjectName("syncIntervalSpin")
        self.interval_spin.setRange(0, 24 * 60)
        self.interval_spin.setSpecialValueText("Only when I ask")
        self.interval_spin.setSuffix(" min")
        self.interval_spin.setKeyboardTracking(False)  # typing "15" is one change, not "1" then "15"
        # Clicking the arrows five times is one schedule change (one undo entry), written once they rest.
        self._interval_timer = QTimer(self)
        self._interval_timer.setSingleShot(True)
        self._interval_timer.setInterval(INTERVAL_SETTLE_MS)
        self._interval_timer.timeout.connect(self._write_interval)
        self._interval_account = ""
        self.interval_spin.valueChanged.connect(self._interval_changed)
        self.list.currentRowChanged.connect(self._selected)
        # The selected account's address books: which tag each syncs into, and whether it syncs at all.
        self.books = QTableWidget(0, 3)
        self.books.setObjectName("booksTable")
        self.books.setHorizontalHeaderLabels(["Address book", "Tag", "Sync"])
        self.books.horizontalHeader().setStretchLastSection(True)
        self.books.verticalHeader().setVisible(False)
        self.books.itemChanged.connect(self._book_changed)
        self.empty_label = QLabel(
            "No account yet. Add… connects this database to a CardDAV server (Nextcloud, Radicale, Fastmail, "
            "iCloud …): each address book there syncs into a tag here."
        )
        self.empty_label.setObjectName("noAccountsLabel")
        self.empty_label.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("accountsMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # account and book names come from a server
        # The one part of these settings outside Undo: the system keyring.
        self.keyring_note = QLabel(
            "Edit → Undo reverses any change made here. Passwords are kept in the system keyring, outside Undo: "
            "removing an account forgets its password, and Sync now asks for it again if you undo the removal."
        )
        self.keyring_note.setObjectName("keyringNote")
        self.keyring_note.setWordWrap(True)
        self.keyring_note.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(QLabel("Sync every"))
        buttons.addWidget(self.interval_spin)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.list)
        layout.addWidget(self.books)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.keyring_note)
        layout.addWidget(close)
        self.resize(560, 400)
        controller.accounts_changed.connect(self.reload)
        self.finished.connect(lambda _result: self._write_interval())  # a change still settling is kept
        self.reload()

    @property
    def ops(self) -> Ops:
        return self.controller.ops

    def reload(self) -> None:
        selected = self._current()
        self.accounts = self.controller.nd.sync.accounts()
        self.list.blockSignals(True)
        self.list.clear()
        for a in self.accounts:
            item = QListWidgetItem(account_line(a))
            item.setData(Qt.ItemDataRole.UserRole, a.name)
            self.list.addItem(item)
        names = [a.name for a in self.accounts]
        self.empty_label.setVisible(not names)
        if names:
            self.list.setCurrentRow(names.index(selected.name) if selected and selected.name in names else 0)
        self.list.blockSignals(False)
        self._selected(self.list.currentRow())

    def _current(self) -> AccountDTO | None:
        row = self.list.currentRow()
        return self.accounts[row] if 0 <= row < len(self.accounts) else None

    def _selected(self, _row: int) -> None:
        self._write_interval()  # a schedule still settling is the one of the account shown until now
        account = self._current()
        self.remove_button.setEnabled(account is not None)
        self.interval_spin.setEnabled(account is not None)
        self.interval_spin.blockSignals(True)
        self.interval_spin.setValue(account.interval_minutes or 0 if account else 0)
        self.interval_spin.blockSignals(False)
        self.books.blockSignals(True)
        self.books.setRowCount(0)
        for book in account.books if account else ():
            row = self.books.rowCount()
            self.books.insertRow(row)
            name = QTableWidgetItem(f"{book.display_name or book.url} ({plural(book.cards, 'card')})")
            name.setFlags(Qt.ItemFlag.ItemIsEnabled)
            name.setData(Qt.ItemDataRole.UserRole, book.id)
            enabled = QTableWidgetItem()
            enabled.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            enabled.setCheckState(Qt.CheckState.Checked if book.enabled else Qt.CheckState.Unchecked)
            self.books.setItem(row, 0, name)
            self.books.setItem(row, 1, QTableWidgetItem(book.tag))
            self.books.setItem(row, 2, enabled)
        self.books.resizeColumnsToContents()
        self.books.blockSignals(False)

    def _refused(self, exc: BaseException) -> None:
        """A refused change is said in the dialog's message line, and the dialog shows what is stored again."""
        self.message.setText(failure_text(exc))
        self.reload()

    def _book_changed(self, item: QTableWidgetItem) -> None:
        name = self.books.item(item.row(), 0)
        if name is None:
            return
        book_id: int = name.data(Qt.ItemDataRole.UserRole)
        sync = self.controller.nd.sync
        if item.column() == 1:
            tag = item.text()
            self.ops.run(lambda: sync.set_book(book_id, tag=tag), on_error=self._refused)
        elif item.column() == 2:
            enabled = item.checkState() == Qt.CheckState.Checked
            self.ops.run(lambda: sync.set_book(book_id, enabled=enabled), on_error=self._refused)

    def _interval_changed(self, _minutes: int) -> None:
        account = self._current()
        if account is not None:
            self._interval_account = account.name
            self._interval_timer.start()

    def _write_interval(self) -> None:
        if not self._interval_account:
            return
        self._interval_timer.stop()
        name, minutes = self._interval_account, self.interval_spin.value()
        self._interval_account = ""
        stored = next((a.interval_minutes or 0 for a in self.accounts if a.name == name), None)
        if stored is None or stored == minutes:
            return
        sync = self.controller.nd.sync
        self.ops.run(lambda: sync.set_interval(name, minutes or None), on_error=self._refused)

    def remove_account(self) -> None:
        account = self._current()
        if account is None:
            return
        sync = self.controller.nd.sync

        def removed(_none: None) -> None:
            self.controller.forget_password(account, sync.accounts())
            self.message.setText(
                f"Removed {account.name}; its contacts stay. Its password has left the keyring "
                "(Undo brings the account back, not the password)."
            )

        self.ops.run(lambda: sync.remove_account(account.name), removed, on_error=self._refused)

    def add_account(self) -> None:
        form = AddAccountDialog(self)
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.accepted.connect(lambda: self._add_from(form))
        form.open()

    def _add_from(self, form: AddAccountDialog) -> None:
        name, url, user = form.name_edit.text().strip(), form.url_edit.text().strip(), form.user_edit.text().strip()
        password = form.password_edit.text()
        try:
            pem = form.certificate_pem()
        except NetDeskError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText(f"Looking for address books at {url}…")
        self.add_button.setEnabled(False)
        sync = self.controller.nd.sync

        def failed(exc: BaseException) -> None:
            self.add_button.setEnabled(True)
            self.message.setText(failure_text(exc))

        def stored(account: AccountDTO) -> None:
            self.add_button.setEnabled(True)
            kept = secrets.store_password(account.url, account.username, password)
            if not kept:
                self.controller.remember_password(account.name, password)
            books = ", ".join(f"{b.display_name} → tag {b.tag}" for b in account.books)
            where = (
                "Its password is in the system keyring."
                if kept
                else "No system keyring: the password is kept until NetDesk quits."
            )
            self.message.setText(f"Added {account.name}: {books}. {where}")

        def discovered(books: list[BookInfo]) -> None:
            # The network part is done; the write itself is one more undoable write, on the writer thread.
            self.ops.run(
                lambda: sync.store_account(name, url, user, books, certificate_pem=pem), stored, on_error=failed
            )

        # Discovery talks to the server (seconds on a slow link): off the GUI thread, and off the writer thread too.
        self.controller.on_network(
            lambda: sync.discover(name, url, user, password, certificate_pem=pem), discovered, failed
        )


def add_accounts_button(dialog: QDialog, open_accounts: Callable[[], None]) -> QPushButton:
    """A "Sync accounts…" button in the Preferences dialog, above its OK/Cancel."""
    button = QPushButton("Sync accounts…")
    button.setObjectName("preferencesAccountsButton")
    button.clicked.connect(open_accounts)
    layout = dialog.layout()
    if isinstance(layout, QVBoxLayout):
        layout.insertWidget(max(0, layout.count() - 1), button)
    return button


def show_synced_line(browser: QTextBrowser, text: str) -> None:
    """The detail pane's "Synced with …" line, under the contact's details."""
    if text:
        browser.append(f"<p style='color:gray'>{escape(text)}</p>")
