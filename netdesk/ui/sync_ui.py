"""CardDAV sync in the app: the accounts dialog, "Sync now" with progress and cancel, the schedule, the status line.

Every call that talks to a server runs off the GUI thread on the controller's own TaskRunner (so closing the window
cancels a sync instead of waiting for it). Passwords come from the system keyring; without one the app asks and
keeps the answer in memory for this session only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from html import escape
from pathlib import Path

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

from netdesk.core.errors import NetDeskError
from netdesk.services import NetDesk
from netdesk.services.sync_types import AccountDTO, SyncCounts, local_time
from netdesk.sync import secrets
from netdesk.ui.widgets.error_label import error_label
from netdesk.ui.workers import TaskRunner

PasswordSource = Callable[[AccountDTO], "str | None"]


def account_line(a: AccountDTO) -> str:
    books = ", ".join(f"{b.display_name or b.url} → {b.tag} ({b.cards})" for b in a.books)
    when = f"last synced {local_time(a.last_sync_at):%Y-%m-%d %H:%M}" if a.last_sync_at else "never synced"
    error = f" — {a.last_error}" if a.last_error else ""
    every = f", every {a.interval_minutes} min" if a.interval_minutes else ""
    return f"{a.name}: {a.username} at {a.url}\n{books}\n{when}{every}{error}"


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

    def synced_with_text(self, contact_id: int | None) -> str:
        if contact_id is None:
            return ""
        places = self.nd.sync.synced_with(contact_id)
        return f"Synced with {', '.join(places)}" if places else ""

    # --- passwords -----------------------------------------------------------------------------------------

    def password_for(self, account: AccountDTO, interactive: bool) -> str | None:
        stored = self._session_passwords.get(account.name) or secrets.load_password(account.url, account.username)
        if stored or not interactive:
            return stored
        text, ok = QInputDialog.getText(
            self.window,
            "Sync",
            f"Password for {account.username} at {account.url}:",
            QLineEdit.EchoMode.Password,
        )
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

        def run() -> SyncCounts:
            total = SyncCounts()
            for name, password in jobs:
                total.add(nd.sync.sync(name, password, progress=report, cancel=cancel.is_set).value)
            return total

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

    def _done(self, counts: SyncCounts) -> None:
        self._end()
        self.refresh()
        self.status_label.setText(f"Synced: {counts.summary()}")
        self._after_sync()
        self.finished.emit(counts)

    def _error(self, exc: BaseException) -> None:
        from netdesk.sync.dav import SyncCancelled  # CardDAV's modules load with the first sync

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
    """The accounts of this database: add (discovery runs off the GUI thread), remove, schedule."""

    def __init__(self, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncAccountsDialog")
        self.setWindowTitle("Sync accounts")
        self.controller = controller
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
        self.interval_spin.valueChanged.connect(self._interval_changed)
        self.list.currentRowChanged.connect(self._selected)
        # The selected account's address books: which tag each syncs into, and whether it syncs at all.
        self.books = QTableWidget(0, 3)
        self.books.setObjectName("booksTable")
        self.books.setHorizontalHeaderLabels(["Address book", "Tag", "Sync"])
        self.books.horizontalHeader().setStretchLastSection(True)
        self.books.verticalHeader().setVisible(False)
        self.books.itemChanged.connect(self._book_changed)
        self.message = QLabel()
        self.message.setObjectName("accountsMessage")
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(QLabel("Sync every"))
        buttons.addWidget(self.interval_spin)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(self.books)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.resize(560, 360)
        self.reload()

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
        if names:
            self.list.setCurrentRow(names.index(selected.name) if selected and selected.name in names else 0)
        self.list.blockSignals(False)
        self._selected(self.list.currentRow())
        self.controller.refresh()

    def _current(self) -> AccountDTO | None:
        row = self.list.currentRow()
        return self.accounts[row] if 0 <= row < len(self.accounts) else None

    def _selected(self, _row: int) -> None:
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
            name = QTableWidgetItem(f"{book.display_name or book.url} ({book.cards} cards)")
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

    def _book_changed(self, item: QTableWidgetItem) -> None:
        name = self.books.item(item.row(), 0)
        if name is None:
            return
        book_id = name.data(Qt.ItemDataRole.UserRole)
        try:
            if item.column() == 1:
                self.controller.nd.sync.set_book(book_id, tag=item.text())
            elif item.column() == 2:
                self.controller.nd.sync.set_book(book_id, enabled=item.checkState() == Qt.CheckState.Checked)
        except NetDeskError as exc:
            self.message.setText(str(exc))
        self.reload()

    def _interval_changed(self, minutes: int) -> None:
        account = self._current()
        if account is not None:
            self.controller.nd.sync.set_interval(account.name, minutes or None)
            self.reload()

    def remove_account(self) -> None:
        account = self._current()
        if account is None:
            return
        self.controller.nd.sync.remove_account(account.name)
        self.message.setText(f"Removed {account.name}; its contacts stay.")
        self.reload()

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
        nd = self.controller.nd

        def run() -> AccountDTO:
            return nd.sync.add_account(name, url, user, password, certificate_pem=pem).value

        def done(account: AccountDTO) -> None:
            self.add_button.setEnabled(True)
            stored = secrets.store_password(account.url, account.username, password)
            if not stored:
                self.controller._session_passwords[account.name] = password
            books = ", ".join(f"{b.display_name} → tag {b.tag}" for b in account.books)
            self.message.setText(
                f"Added {account.name}: {books}."
                + ("" if stored else " No system keyring: the password is kept until NetDesk quits.")
            )
            self.reload()

        def failed(exc: BaseException) -> None:
            self.add_button.setEnabled(True)
            self.message.setText(str(exc) if isinstance(exc, NetDeskError) else f"{type(exc).__name__}: {exc}")

        self.controller._tasks.submit(run, done, failed)


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
