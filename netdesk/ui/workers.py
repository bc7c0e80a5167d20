"""Run service calls off the GUI thread and deliver their results back on it.

Each task owns a QObject that lives in the GUI thread; the worker thread only emits its signals, so Qt queues
the delivery and the callbacks always run on the GUI thread (a plain lambda connection would not guarantee that).
SQLite connections come from the engine's pool per thread, so a service call made here uses its own connection.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

log = logging.getLogger(__name__)

# How long a worker running Python may keep the interpreter lock when the GUI thread asks for it (Python's default:
# 5 ms). A repaint calls into Python for every cell, each call taking the lock back: with a worker reading the
# database, the GUI thread slept 30-60 ms of a search's repaint (bench_gui_stall --diagnose); at 0.5 ms, about 20.
GUI_SWITCH_INTERVAL_S = 0.0005
SERIAL_PAINT_VARIABLE = "QT_NO_GUI_THREADPOOL"  # see prefer_gui_thread


# How many steps nicer than the GUI thread a worker thread runs (Linux, where niceness is a thread's own). The window's
# threads share one scheduling group, where a worker reading the database (a contact's details, the rows of a change)
# weighed as much as a repaint when both wanted a CPU. Two threads busy in SQLite beside a 5 ms GUI timer, at load 5.7:
# longest gap 23-24 ms at the GUI's niceness, 19-20 ms at 5 steps nicer (a modest gain; it costs the reads nothing
# when a core is free).
WORKER_THREAD_NICENESS = 5


def worker_niceness(nicer_by: int = WORKER_THREAD_NICENESS) -> int | None:
    """The niceness for the window's worker threads, ``nicer_by`` steps above the calling (GUI) thread's; None off
    Linux, where setpriority would lower the whole process."""
    if sys.platform != "linux":
        return None
    try:
        return min(os.getpriority(os.PRIO_PROCESS, 0) + nicer_by, 19)
    except OSError:  # a sandbox that refuses it (seccomp): the workers keep the GUI thread's
        return None


def run_at_niceness(niceness: int | None) -> None:
    """Set the calling thread's niceness (Linux), unless it is there already or the system does not allow it. Checked
    at every task: a pool thread's Python state, thread-locals included, does not outlive the task it ran."""
    if niceness is None:
        return
    thread = threading.get_native_id()
    try:
        if os.getpriority(os.PRIO_PROCESS, thread) != niceness:
            os.setpriority(os.PRIO_PROCESS, thread, niceness)
    except OSError:
        log.debug("could not lower a worker thread's priority", exc_info=True)


def prefer_gui_thread() -> None:
    """Make threads running Python hand the interpreter to the GUI thread within GUI_SWITCH_INTERVAL_S, and keep Qt's
    paint fills on the GUI thread: called once, when the application starts (ui/application.py), before anything is
    painted, as both hold for the whole process.

    Qt hands a fill of 96 or more lines (a scroll bar's groove, a gradient) to a pool of its own threads and waits
    for them; on a busy machine they waited for a CPU, and the repaint with them: a scroll bar's repaint took 0.9 ms
    (up to 6.7 ms) at load 2.6 rather than 0.4 ms (at most 0.5) drawn on the GUI thread. QT_NO_GUI_THREADPOOL, read
    by Qt once, at its first such fill, turns the pool off (set here unless the environment has it already)."""
    sys.setswitchinterval(min(sys.getswitchinterval(), GUI_SWITCH_INTERVAL_S))
    os.environ.setdefault(SERIAL_PAINT_VARIABLE, "1")


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
    def __init__(self, task: _Task, fn: Callable[[], Any], niceness: int | None) -> None:
        super().__init__()
        self._task = task
        self._fn = fn
        self._niceness = niceness

    def run(self) -> None:
        run_at_niceness(self._niceness)
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

    def __init__(
        self, parent: QObject | None = None, max_threads: int = 2, nicer_by: int = WORKER_THREAD_NICENESS
    ) -> None:
        """``nicer_by``: how many steps below the GUI thread (which creates the runner) its tasks run; 0 for what the
        user waits for."""
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._tasks: set[_Task] = set()
        self._niceness = worker_niceness(nicer_by)
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
        runnable = _Runnable(task, fn, self._niceness)
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
