"""--diagnose for the GUI-stall benchmarks: why the GUI thread missed its timer, not only how long.

A watcher thread notices a tick gap over ``threshold_s`` and, on Linux, reads each thread's scheduler counters
(/proc/self/task/<tid>/schedstat: time on a CPU, time waiting in the run queue) when it notices and when the next
tick comes. Over that span the GUI thread either ran (busy: its Python stack says where), waited for a CPU (the
machine is overloaded: nothing in this process can fix that), or slept (blocked: waiting for the GIL, which the
other threads' CPU time then shows, or for a lock). Printed per stall, and as a summary by cause at the end.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path

_TASKS = Path("/proc/self/task")


def _schedstat(task: Path) -> tuple[int, int] | None:
    """Nanoseconds on a CPU and nanoseconds waiting in the run queue of one thread (None off Linux)."""
    try:
        cpu, wait, _slices = (task / "schedstat").read_text().split()
    except (OSError, ValueError):
        return None
    return int(cpu), int(wait)


def _schedstats() -> dict[int, tuple[int, int]]:
    """``_schedstat`` of every thread of this process, by thread id."""
    found: dict[int, tuple[int, int]] = {}
    if _TASKS.exists():
        for task in _TASKS.iterdir():
            stat = _schedstat(task)
            if stat is not None:
                found[int(task.name)] = stat
    return found


def _thread_name(tid: int) -> str:
    try:
        return (_TASKS / str(tid) / "comm").read_text().strip()
    except OSError:
        return "?"


def _stack(frame: object) -> str:
    lines = traceback.format_stack(frame)  # type: ignore[arg-type]
    ours = [line for line in lines[:-3] if "netdesk/" in line or "benchmarks/" in line]
    return "".join(ours[-3:] + lines[-3:])


_OWN_STAT = Path("/proc/thread-self/schedstat")


def cpu_wait_s() -> float:
    """Seconds the calling thread has spent waiting in the run queue for a CPU (0 off Linux).

    A tick gap less the growth of this over the gap is the part of the stall the app is answerable for: what the GUI
    thread ran, or waited for (the GIL, a lock), not the time other programs on a busy machine held both cores.
    """
    try:
        return int(_OWN_STAT.read_text().split()[1]) / 1e9
    except (OSError, ValueError, IndexError):
        return 0.0


class StallProbe:
    def __init__(self, last_tick: Callable[[], float], threshold_s: float = 0.04) -> None:
        self._last_tick = last_tick
        self._threshold = threshold_s
        self._gui_ident = threading.main_thread().ident
        self._gui_tid = threading.main_thread().native_id
        self._running = False
        self.causes: Counter[str] = Counter()

    def start(self) -> None:
        self._running = True
        threading.Thread(target=self._watch, daemon=True).start()

    def stop(self) -> None:
        self._running = False
        if self.causes:
            summary = ", ".join(f"{cause} {ms:.0f} ms" for cause, ms in self.causes.most_common())
            print(f"--- stall time by cause: {summary}", file=sys.stderr, flush=True)

    def _watch(self) -> None:
        pending: tuple[float, float, dict[int, tuple[int, int]], str] | None = None
        gui_task = _TASKS / str(self._gui_tid)
        # The GUI thread's counters when this thread last saw it keep time: the start of the next stall.
        steady: tuple[float, tuple[int, int] | None] = (self._last_tick(), _schedstat(gui_task))
        while self._running:
            time.sleep(0.005)
            last = self._last_tick()
            now = time.perf_counter()
            if pending is not None and last != pending[0]:
                self._report(pending, last)
                pending = None
            if pending is None and now - last <= self._threshold / 4:
                steady = (now, _schedstat(gui_task))
            if pending is None and now - last > self._threshold:
                frames = sys._current_frames()
                gui = frames.get(self._gui_ident or 0)
                others = [
                    _stack(f) for ident, f in frames.items() if ident not in (self._gui_ident, threading.get_ident())
                ]
                stacks = "GUI thread:\n" + (_stack(gui) if gui else "?\n")
                stacks += "".join(f"other thread:\n{s}" for s in others if "netdesk/" in s)
                before = _schedstats()
                if steady[1] is not None and steady[0] >= last:
                    before[self._gui_tid or 0] = steady[1]
                    now = steady[0]
                pending = (last, now, before, stacks)

    def _report(self, pending: tuple[float, float, dict[int, tuple[int, int]], str], tick: float) -> None:
        last, noticed, before, stacks = pending
        after = _schedstats()
        span = (tick - noticed) * 1000
        gui_before = before.get(self._gui_tid or 0, (0, 0))
        gui_after = after.get(self._gui_tid or 0, gui_before)
        ran = (gui_after[0] - gui_before[0]) / 1e6
        queued = (gui_after[1] - gui_before[1]) / 1e6
        others = sorted(
            (
                ((after[t][0] - before[t][0]) / 1e6, t)
                for t in after
                if t in before and t not in (self._gui_tid, threading.get_native_id())
            ),
            reverse=True,
        )
        busiest = ", ".join(f"{_thread_name(t)}[{t}] {ms:.0f}" for ms, t in others[:3] if ms >= 1)
        slept = max(0.0, span - ran - queued)
        shares = (("GUI thread busy", ran), ("waiting for a CPU", queued), ("blocked (GIL/lock)", slept))
        cause = max(shares, key=lambda share: share[1])[0]
        total = (tick - last) * 1000
        self.causes[cause] += total
        print(
            f"--- stall of {total:.0f} ms: {cause}; from {(noticed - last) * 1000:.0f} ms on the GUI thread ran "
            f"{ran:.0f} ms, waited for a CPU {queued:.0f} ms, slept {slept:.0f} ms; other threads ran: "
            f"{busiest or '-'}; load {os.getloadavg()[0]:.1f}\n{stacks}",
            file=sys.stderr,
            flush=True,
        )
