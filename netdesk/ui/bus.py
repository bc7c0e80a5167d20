"""The one channel every view refreshes from: what a write (or its undo) changed.

Writes go through ``ui.ops``, which publishes the service's ``ChangeSet`` here once the write is done; views
subscribe and refresh only what the change-set names. ``reset`` says "everything may have changed" (another
database opened, a backup restored).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from netdesk.core.changes import ChangeSet


class ChangeBus(QObject):
    changed = Signal(object)  # a ChangeSet
    reset = Signal()

    def publish(self, changes: ChangeSet) -> None:
        if not changes.empty:
            self.changed.emit(changes)
