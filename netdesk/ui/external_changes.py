"""Refresh the window when another program writes to its database (the CLI's import, a sync run elsewhere).

About once a second a worker asks the services' watcher (services/external_changes.py) what other processes
committed since the last look; a change-set comes back to the GUI thread and goes on the bus, so every view refreshes
the one way it does after the app's own writes. The GUI thread never touches the database here: a poll that finds the
file busy fails on its worker after a short timeout and the next tick tries again. No poll starts while the app's own
write runs (its change-set is on its way to the bus) or while the previous poll is still out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from netdesk.core.changes import ChangeSet

if TYPE_CHECKING:
    from netdesk.services import NetDesk
    from netdesk.ui.ops import Ops
    from netdesk.ui.workers import TaskRunner

log = logging.getLogger(__name__)

POLL_INTERVAL_MS = 1_000
# Polls skipped after a large change by another program (one that reloads every contact, or names more than this
# many): a process that commits in batches (a large import elsewhere) then costs the window a large refresh every few
# seconds, not every second.
TICKS_AFTER_LARGE_CHANGE = 2
LARGE_CHANGE = 2_000


class ExternalChangePoller(QObject):
    published = Signal(object)  # the ChangeSet of another program's writes, after the bus has it

    def __init__(
        self,
        parent: QObject,
        netdesk: Callable[[], NetDesk],
        tasks: Callable[[], TaskRunner],
        ops: Ops,
        interval_ms: int = POLL_INTERVAL_MS,
    ) -> None:
        super().__init__(parent)
        self._netdesk = netdesk
        self._tasks = tasks
        self._ops = ops
        self._in_flight: TaskRunner | None = None  # the runner of the poll still out
        self.polls_done = 0  # answered or failed (busy): for the status of the watch, and tests
        self._ticks_to_skip = 0
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        """Take the database's state now as seen, then look again every interval."""
        if not self._timer.isActive():
            self._timer.start()
            self.poll()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        if self._ticks_to_skip > 0:
            self._ticks_to_skip -= 1
        else:
            self.poll()

    def poll(self) -> None:
        # A closed runner (another database was opened) drops its results: its poll never comes back.
        if (self._in_flight is not None and not self._in_flight.closed) or self._ops.busy:
            return
        tasks = self._tasks()
        if tasks.closed:
            return
        watcher = self._netdesk().external_changes
        self._in_flight = tasks
        tasks.submit(watcher.external_change_since, self._seen, self._failed)

    def _seen(self, changes: ChangeSet | None) -> None:
        self._in_flight = None
        self.polls_done += 1
        if changes is not None and not changes.empty:
            if changes.many_contacts or len(changes.contacts) > LARGE_CHANGE:
                self._ticks_to_skip = TICKS_AFTER_LARGE_CHANGE
            self._ops.bus.publish(changes)
            self.published.emit(changes)

    def _failed(self, exc: BaseException) -> None:
        self._in_flight = None
        self.polls_done += 1
        log.debug("looking for other programs' writes failed (tried again next time): %s", exc)
