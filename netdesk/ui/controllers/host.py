"""What the controllers need from the window that composes them (a protocol: no import of ``main_window``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QStatusBar, QWidget

if TYPE_CHECKING:
    from netdesk.services import NetDesk
    from netdesk.ui.bus import ChangeBus
    from netdesk.ui.ops import Ops
    from netdesk.ui.workers import TaskRunner


class Host(Protocol):
    """The window: the open database, its task runner (both replaced on File → Open database), undo and dialogs."""

    nd: NetDesk
    tasks: TaskRunner
    settings: QSettings
    ops: Ops
    bus: ChangeBus
    current_dialog: QDialog | None

    def window(self) -> QWidget: ...

    def statusBar(self) -> QStatusBar: ...

    def setWindowTitle(self, title: str) -> None: ...

    def open_dialog(self, dialog: QDialog, on_accept: Callable[[], None]) -> None:
        """Window-modal and non-blocking; ``on_accept`` runs when it is accepted."""
        ...

    def show_dialog(self, dialog: QDialog) -> None:
        """Non-blocking, as ``current_dialog``; tolerates a dialog that opens the next one."""
        ...

    def sync_actions(self) -> None:
        """Enable the window's Edit/Delete/Log actions for what the current page has selected."""
        ...
