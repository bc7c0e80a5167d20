"""Work cut into event-loop passes: the window paints between them, and jobs keep the order they came in."""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import QTimer

from netdesk.ui.step_queue import StepQueue


def test_a_job_without_a_yield_is_done_at_once(qtbot) -> None:  # type: ignore[no-untyped-def]
    queue = StepQueue()
    done: list[str] = []

    def job() -> Iterator[None]:
        done.append("all")
        yield from ()

    queue.run(job())
    assert done == ["all"] and queue.pending == 0


def test_the_event_loop_runs_between_steps_and_jobs_keep_their_order(qtbot) -> None:  # type: ignore[no-untyped-def]
    queue = StepQueue()
    seen: list[str] = []

    def job(name: str) -> Iterator[None]:
        seen.append(f"{name} first")
        yield
        seen.append(f"{name} second")

    queue.run(job("import"))
    assert seen == ["import first"]  # the first step at once
    QTimer.singleShot(0, lambda: seen.append("event loop"))  # posted before the second step's pass
    queue.run(job("undo"))  # queued behind the import, even its first step
    assert seen == ["import first"] and queue.pending == 2
    qtbot.waitUntil(lambda: queue.pending == 0)
    assert seen == ["import first", "event loop", "import second", "undo first", "undo second"]


def test_clear_drops_what_is_queued(qtbot) -> None:  # type: ignore[no-untyped-def]
    queue = StepQueue()
    seen: list[int] = []

    def job() -> Iterator[None]:
        seen.append(1)
        yield
        seen.append(2)

    queue.run(job())
    queue.clear()
    qtbot.wait(20)
    assert seen == [1] and queue.pending == 0
