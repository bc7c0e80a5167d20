"""Run service calls off the GUI thread and deliver their results back on it.

Each task owns a QObject that lives in the GUI thread; the worker thread only emits its signals, so Qt queues
the delivery and the callbacks always run on the GUI thread (a plain lambda connection would not guarantee that).
SQLite connections come from the engine's pool per thread, so a service call made here uses its own connection.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

log = logging.getLogger(__name__)

# How long a worker running Python may keep the interpreter lock when the GUI thread asks for it (Python's default:
# 5 ms). A repaint calls into Python for every cell, each call taking the lock back: with a worker reading the
# database, the GUI thread slept 30-60 ms of a search's repaint (bench_gui_stall --diagnose); at 0.5 ms, about 20.
GUI_SWITCH_INTERVAL_S = 0.0005


def prefer_gui_thread() -> None:
    """Make threads running Python hand the interpreter to the GUI thread within GUI_SWITCH_INTERVAL_S: called once,
    when the application starts (ui/application.py), as it holds for every thread of the process."""
    sys.setswitchinterval(min(sys.getswitchinterval(), GUI_SWITCH_INTERVAL_S))


class _Task(QObject):
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(
        self,
        runner: TaskRunner,
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
    ) -> None:
        super().__init__()
        self._runner = runner
        self._on_done = on_done
        self._on_error = on_error
        self.succeeded.connect(self._deliver)
        self.failed.connect(self._deliver_error)

    @Slot(object)
    def _deliver(self, result: object) -> None:
        self._runner._finished(self)
        if self._on_done is not None and not self._runner.closed:
            self._on_done(result)

    @Slot(object)
    def _deliver_error(self, exc: object) -> None:
        self._runner._finished(self)
        if self._runner.closed:
            return
        if self._on_error is not None and isinstance(exc, BaseException):
            self._on_error(exc)
        else:
            log.error("background task failed: %s", exc)


class _Runnable(QRunnable):
    def __init__(self, task: _Task, fn: Callable[[], Any]) -> None:
        super().__init__()
        self._task = task
        self._fn = fn

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:
            log.debug("background task raised:\n%s", traceback.format_exc())
            self._task.failed.emit(exc)
        else:
            self._task.succeeded.emit(result)


class TaskRunner(QObject):
    """A small thread pool for one window; ``close()`` waits for running tasks and drops their results."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._tasks: set[_Task] = set()
        self.closed = False

    def submit(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        delay_ms: int = 0,
    ) -> None:
        """Run ``fn`` on a worker, then ``on_done(result)`` or ``on_error(exc)`` on the GUI thread. ``delay_ms``: start
        it that much later (it counts as pending meanwhile)."""
        if self.closed:
            return
        task = _Task(self, on_done, on_error)
        self._tasks.add(task)
        if len(self._tasks) == 1:
            self.busy_changed.emit(True)
        runnable = _Runnable(task, fn)
        if delay_ms > 0:
            QTimer.singleShot(delay_ms, task, lambda: None if self.closed else self._pool.start(runnable))
        else:
            self._pool.start(runnable)

    def _finished(self, task: _Task) -> None:
        self._tasks.discard(task)
        task.deleteLater()
        if not self._tasks:
            self.busy_changed.emit(False)

    @property
    def pending(self) -> int:
        return len(self._tasks)

    def close(self) -> None:
        self.closed = True
        self._pool.waitForDone()
