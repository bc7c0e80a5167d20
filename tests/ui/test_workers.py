"""The window's worker pool: its tasks give the interpreter back to the GUI thread quickly."""

from __future__ import annotations

import sys

from netdesk.ui.application import application
from netdesk.ui.workers import GUI_SWITCH_INTERVAL_S, TaskRunner


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
