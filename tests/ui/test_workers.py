"""The window's worker pool: its tasks give the interpreter back to the GUI thread quickly."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest

from netdesk.ui.application import application
from netdesk.ui.workers import GUI_SWITCH_INTERVAL_S, WORKER_THREAD_NICENESS, TaskRunner


def test_the_application_makes_workers_hand_the_interpreter_to_the_gui_thread_within_half_a_millisecond(  # type: ignore[no-untyped-def]
    qtbot, qapp
) -> None:
    names = (qapp.organizationName(), qapp.applicationName(), qapp.applicationVersion(), qapp.desktopFileName())
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.005)  # Python's default
    try:
        TaskRunner().close()
        assert sys.getswitchinterval() == 0.005  # set once at start, not by each window's pool
        application()
        assert sys.getswitchinterval() <= GUI_SWITCH_INTERVAL_S <= 0.001
        runner = TaskRunner()
        results: list[int] = []
        runner.submit(lambda: sum(range(1000)), results.append)
        qtbot.waitUntil(lambda: results == [499500])
        runner.close()
    finally:
        sys.setswitchinterval(before)
        for setter, name in zip(
            (qapp.setOrganizationName, qapp.setApplicationName, qapp.setApplicationVersion, qapp.setDesktopFileName),
            names,
            strict=True,
        ):
            setter(name)


def test_a_delayed_task_counts_as_pending_until_it_has_run(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = TaskRunner()
    results: list[str] = []
    runner.submit(lambda: "read", results.append, delay_ms=50)
    assert runner.pending == 1 and results == []
    qtbot.wait(10)
    assert runner.pending == 1 and results == []  # not started yet
    qtbot.waitUntil(lambda: results == ["read"], timeout=5000)
    assert runner.pending == 0
    runner.close()


@pytest.mark.skipif(sys.platform != "linux", reason="a thread's own niceness is Linux's")
def test_tasks_run_below_the_gui_thread_which_keeps_its_priority(qtbot) -> None:  # type: ignore[no-untyped-def]
    def own_niceness() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    gui = own_niceness()
    runner = TaskRunner(max_threads=1)
    seen: list[int] = []
    for _ in range(2):  # the second task on the same thread is not lowered again
        runner.submit(own_niceness, seen.append)
        qtbot.waitUntil(lambda: runner.pending == 0, timeout=5000)
    runner.close()
    assert seen == [min(gui + WORKER_THREAD_NICENESS, 19)] * 2
    assert own_niceness() == gui and os.getpriority(os.PRIO_PROCESS, 0) == gui


@pytest.mark.skipif(sys.platform != "linux", reason="a thread's own niceness is Linux's")
def test_the_writes_the_user_waits_for_run_at_the_gui_threads_priority(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A save, a log or an undo runs on Ops' writer thread while the user waits: 5 steps nicer, a 30 ms write took
    120 ms instead of 60-77 ms beside two busy programs (load 4), and the GUI thread waits for the GIL it holds."""
    from PySide6.QtWidgets import QWidget

    from netdesk.ui.bus import ChangeBus
    from netdesk.ui.ops import Ops

    def own_niceness() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    window = QWidget()
    runner = TaskRunner()
    ops = Ops(window, lambda: None, lambda: runner, ChangeBus())  # type: ignore[arg-type,return-value]
    writer = ops._writes()
    assert writer is not None
    seen: list[int] = []
    writer.submit(own_niceness, seen.append)
    qtbot.waitUntil(lambda: writer.pending == 0, timeout=5000)
    ops.close_writes()
    runner.close()
    assert seen == [own_niceness()]


def test_a_system_that_refuses_to_tell_priorities_still_runs_tasks(qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def refused(_which: int, _who: int) -> int:
        raise PermissionError(1, "Operation not permitted")  # as a seccomp filter answers

    monkeypatch.setattr(os, "getpriority", refused)
    runner = TaskRunner(max_threads=1)
    results: list[str] = []
    runner.submit(lambda: "read", results.append)
    qtbot.waitUntil(lambda: results == ["read"], timeout=5000)
    runner.close()


_PAINT_A_LONG_LIST = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QApplication, QTableView
from netdesk.ui.workers import prefer_gui_thread
if sys.argv[1] == "prefer":
    prefer_gui_thread()
app = QApplication([])
table = QTableView()
table.setModel(QStandardItemModel(20000, 3))
table.resize(600, 800)
table.show()
app.processEvents()
table.verticalScrollBar().repaint()  # Fusion fills its groove with a gradient of ~750 lines
print(len(os.listdir("/proc/self/task")))
"""


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="counts threads in /proc")
def test_a_repaint_never_waits_for_qts_paint_threads() -> None:
    """Painted after prefer_gui_thread, a scroll bar is filled on the GUI thread: Qt starts no thread to fill it (its
    own pool did, and the repaint waited for them to get a CPU)."""
    env = {k: v for k, v in os.environ.items() if k != "QT_NO_GUI_THREADPOOL"}

    def threads(mode: str) -> int:
        run = subprocess.run([sys.executable, "-c", _PAINT_A_LONG_LIST, mode], env=env, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        return int(run.stdout.split()[-1])

    assert threads("prefer") == 1
    assert threads("as Qt does") > 1  # the check can tell: Qt's own pool filled it
