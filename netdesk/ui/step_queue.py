"""Work on the GUI thread cut into event-loop passes: the window paints and answers input between the passes."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from PySide6.QtCore import QObject, QTimer

_DONE = object()


class StepQueue(QObject):
    """Runs generators one step (up to their next ``yield``) per event-loop pass, first come first served: a job
    starts only once the jobs queued before it have finished, so that what they show keeps the order they came in."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs: deque[Iterator[None]] = deque()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._step)

    def run(self, job: Iterator[None]) -> None:
        """Take ``job``'s first step now when nothing is queued (a job that never yields is then done at once); every
        other step in a later pass."""
        self._jobs.append(job)
        if len(self._jobs) == 1:
            self._step()

    @property
    def pending(self) -> int:
        return len(self._jobs)

    def clear(self) -> None:
        self._jobs.clear()

    def _step(self) -> None:
        if self._jobs and next(self._jobs[0], _DONE) is _DONE:
            self._jobs.popleft()
        if self._jobs:
            self._timer.start()
