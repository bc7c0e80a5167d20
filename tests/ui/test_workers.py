"""The window's worker pool: its tasks give the interpreter back to the GUI thread quickly."""

from __future__ import annotations

import sys

from netdesk.ui.workers import GUI_SWITCH_INTERVAL_S, TaskRunner


def test_a_task_runner_makes_workers_hand_the_interpreter_to_the_gui_thread_within_half_a_millisecond(  # type: ignore[no-untyped-def]
    qtbot,
) -> None:
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.005)  # Python's default
    try:
        runner = TaskRunner()
        assert sys.getswitchinterval() <= GUI_SWITCH_INTERVAL_S <= 0.001
        results: list[int] = []
        runner.submit(lambda: sum(range(1000)), results.append)
        qtbot.waitUntil(lambda: results == [499500])
        runner.close()
    finally:
        sys.setswitchinterval(before)
