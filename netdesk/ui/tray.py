"""Tray icon, the daily "who is due" notification, and the daily chores (backup, emptying old trash).

What to notify is a pure function (``notification_for``) so it is testable where there is no system tray
(offscreen); ``TrayController`` runs the hourly check off the GUI thread and hands a decision to a notifier,
by default the tray icon's ``showMessage``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QObject, QSettings, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu, QSystemTrayIcon

from netdesk import APP_NAME
from netdesk.core.errors import DamagedDatabaseError
from netdesk.core.networking import DueItem
from netdesk.services import NetDesk
from netdesk.settings import KEY_LAST_NOTIFIED
from netdesk.ui.damaged_database import show_damage_warning
from netdesk.ui.icons import app_icon
from netdesk.ui.preferences import load_preferences

log = logging.getLogger(__name__)

CHECK_INTERVAL_MS = 60 * 60 * 1000  # hourly; the notification itself is at most daily
MAX_NAMES_IN_MESSAGE = 3


@dataclass(frozen=True, slots=True)
class Notification:
    title: str
    message: str
    count: int


def due_now(items: Sequence[DueItem], today: date) -> list[DueItem]:
    """The items that need action today (overdue, due today, undated nudges); not the ones coming up this week."""
    return [i for i in items if i.due_date is None or i.due_date <= today]


def notification_for(
    items: Sequence[DueItem], today: date, last_shown: date | None, enabled: bool = True
) -> Notification | None:
    """What to tell the user today, or None: nothing due, notifications off, or already told today."""
    if not enabled or (last_shown is not None and last_shown >= today):
        return None
    now = due_now(items, today)
    if not now:
        return None
    names = list(dict.fromkeys(i.contact_name for i in now))
    shown = names[:MAX_NAMES_IN_MESSAGE]
    more = len(names) - len(shown)
    people = ", ".join(shown) + (f" and {more} more" if more else "")
    noun = "thing" if len(now) == 1 else "things"
    return Notification(f"{len(now)} {noun} due today", f"Get in touch: {people}", len(now))


def _stored_date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def run_daily_chores(nd: NetDesk, today: date) -> list[DueItem]:
    """Off the GUI thread: a daily backup, purge old trash, then the due list. A failed chore is logged, not fatal."""
    try:
        nd.daily_check()  # integrity_check, then the daily backup
    except DamagedDatabaseError:
        raise  # shown to the user: the database is now read-only
    except Exception as exc:  # a full disk must not stop the due list
        log.warning("daily backup failed: %s", exc)
    try:
        nd.contacts.purge_trash()
    except Exception as exc:
        log.warning("emptying old trash failed: %s", exc)
    return nd.networking.due(today)


class TrayController(QObject):
    """Runs the check on start and hourly for ``window`` (whose ``nd`` may be swapped) and shows the result."""

    checked = Signal()  # after each check has updated the menu and (maybe) notified

    def __init__(
        self,
        window: QMainWindow,
        settings: QSettings | None = None,
        notifier: Callable[[Notification], bool] | None = None,
        today: Callable[[], date] = date.today,
        start: bool = True,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.settings = settings if settings is not None else getattr(window, "settings", QSettings())
        self._today = today
        self._notifier = notifier if notifier is not None else self._show_in_tray
        self.due_items: list[DueItem] = []
        self.due_count = 0
        self.last_notification: Notification | None = None
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = self._make_tray()
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_INTERVAL_MS)
        self.timer.timeout.connect(self.check)
        for name in ("preferences_changed", "database_changed"):
            signal = getattr(window, name, None)
            if signal is not None:
                signal.connect(lambda *_: self.check())
        if start:
            self.timer.start()
            loaded = getattr(window, "contacts_loaded", None)
            if loaded is None or getattr(window, "loaded", True):
                QTimer.singleShot(0, self.check)
            else:
                # The first check (a backup, the due list) waits for the contact list's query: on two cores they
                # would share the CPU, and it is the list the user is waiting for.
                loaded.connect(self._first_check)

    def _first_check(self) -> None:
        self.window.contacts_loaded.disconnect(self._first_check)  # type: ignore[attr-defined]
        self.check()

    # --- the tray -------------------------------------------------------------------------------------------

    def _make_tray(self) -> QSystemTrayIcon:
        tray = QSystemTrayIcon(app_icon(), self)
        tray.setToolTip(APP_NAME)
        menu = QMenu()
        self.show_action = QAction(f"Show {APP_NAME}", menu)
        self.show_action.triggered.connect(self.show_window)
        self.due_action = QAction("Due today: 0", menu)
        self.due_action.triggered.connect(self.show_window)
        self.quit_action = QAction("Quit", menu)
        self.quit_action.triggered.connect(self.quit)
        menu.addActions([self.show_action, self.due_action])
        menu.addSeparator()
        menu.addAction(self.quit_action)
        self._menu = menu  # QSystemTrayIcon does not take ownership of its menu
        tray.setContextMenu(menu)
        tray.activated.connect(self._activated)
        tray.messageClicked.connect(self.show_window)
        return tray

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.show_window()

    def show_window(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    def quit(self) -> None:
        self.window.close()
        QApplication.quit()

    def _show_in_tray(self, notification: Notification) -> bool:
        if self.tray is None or not self.tray.isVisible():
            return False
        self.tray.showMessage(notification.title, notification.message, app_icon(), 10_000)
        return True

    # --- the check ------------------------------------------------------------------------------------------

    def check(self) -> None:
        nd: NetDesk = self.window.nd  # type: ignore[attr-defined]
        today = self._today()
        tasks = self.window.tasks  # type: ignore[attr-defined]
        tasks.submit(lambda: run_daily_chores(nd, today), lambda items: self._checked(items, today), self._failed)

    def _failed(self, exc: BaseException) -> None:
        log.warning("the daily check failed: %s", exc)
        if isinstance(exc, DamagedDatabaseError):
            show_damage_warning(self.window, str(exc))

    def _checked(self, items: list[DueItem], today: date) -> None:
        self.due_items = items
        self.due_count = len(due_now(items, today))
        enabled = load_preferences(self.settings).notifications
        if self.tray is not None:
            self.due_action.setText(f"Due today: {self.due_count}")
            self.tray.setToolTip(f"{APP_NAME} — {self.due_count} due today")
            self.tray.setVisible(enabled and self.due_count > 0)
        last = _stored_date(self.settings.value(KEY_LAST_NOTIFIED))
        notification = notification_for(items, today, last, enabled)
        if notification is not None and self._notifier(notification):
            self.last_notification = notification
            self.settings.setValue(KEY_LAST_NOTIFIED, today.isoformat())
            self.settings.sync()
        self.checked.emit()
