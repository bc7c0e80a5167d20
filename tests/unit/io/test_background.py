"""io.background: an import's parse workers run below the process that started them, in a group of their own."""

from __future__ import annotations

import os
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import pytest

from netdesk.core.normalize import default_region
from netdesk.io import background, vcard_stream
from netdesk.io.background import WORKER_NICENESS


def _scheduling() -> tuple[int, int]:
    return os.getpriority(os.PRIO_PROCESS, 0), os.getsid(0)


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="POSIX scheduling")
def test_a_parse_worker_runs_nicer_than_its_parent_in_a_session_of_its_own() -> None:
    parent = os.getpriority(os.PRIO_PROCESS, 0)
    with ProcessPoolExecutor(
        max_workers=1,
        mp_context=get_context("spawn"),
        initializer=vcard_stream._init_worker,  # what CardParser's pool starts each worker with
        initargs=(os.getpid(), default_region()),
    ) as pool:
        niceness, session = pool.submit(_scheduling).result(timeout=60)
    assert niceness == min(parent + WORKER_NICENESS, 19)
    assert session != os.getsid(0)
    assert os.getpriority(os.PRIO_PROCESS, 0) == parent  # the parent keeps its own


@pytest.mark.skipif(sys.platform != "linux", reason="a thread's own niceness is Linux's")
def test_a_parse_worker_started_from_a_lowered_thread_runs_worker_niceness_below_its_parent() -> None:
    """A small import runs on one of the window's worker threads, 5 steps nicer than the GUI thread (ui/workers.py);
    its parse workers inherit that thread's niceness and went 5 below it, 10 below the window."""
    parent = os.getpriority(os.PRIO_PROCESS, os.getpid())
    if parent + 2 * WORKER_NICENESS > 19:
        pytest.skip("already too nice to tell the two apart")
    seen: list[tuple[int, int]] = []

    def start_from_a_lowered_thread() -> None:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), parent + 5)
        with ProcessPoolExecutor(
            max_workers=1,
            mp_context=get_context("spawn"),
            initializer=vcard_stream._init_worker,
            initargs=(os.getpid(), default_region()),
        ) as pool:
            seen.append(pool.submit(_scheduling).result(timeout=60))

    thread = threading.Thread(target=start_from_a_lowered_thread)
    thread.start()
    thread.join()
    assert seen[0][0] == parent + WORKER_NICENESS


class _Autogroup:
    """/proc/self/autogroup as Linux answers an unprivileged writer: EAGAIN while another process set a group's
    niceness within the last 0.1 s (system-wide: an import's workers start together)."""

    def __init__(self, busy: int) -> None:
        self.busy = busy
        self.written: list[str] = []

    def write_text(self, text: str) -> int:
        if self.busy:
            self.busy -= 1
            raise BlockingIOError(11, "Resource temporarily unavailable")
        self.written.append(text)
        return len(text)


@pytest.fixture
def calm_scheduling(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """This process's own scheduling left alone; the sleeps yield_to_interactive takes, recorded."""
    slept: list[float] = []
    for name in ("setsid", "nice"):
        monkeypatch.setattr(os, name, lambda *_args: 0, raising=False)
    monkeypatch.setattr(os, "setpriority", lambda *_args: None, raising=False)
    monkeypatch.setattr(background.time, "sleep", slept.append)
    return slept


def test_a_worker_that_finds_the_group_niceness_rate_limited_tries_again(
    calm_scheduling: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given up at the first EAGAIN, a worker stayed in a new group at niceness 0: as heavy as the window's whole group,
    more than it weighed before leaving it."""
    autogroup = _Autogroup(busy=2)
    monkeypatch.setattr(background, "AUTOGROUP", autogroup)
    background.yield_to_interactive()
    assert autogroup.written == [str(WORKER_NICENESS)]
    assert calm_scheduling == [background.AUTOGROUP_RETRY_S] * 2


def test_a_process_that_could_not_leave_its_session_leaves_the_shared_group_alone(
    calm_scheduling: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused() -> None:
        raise PermissionError(1, "Operation not permitted")  # a process group leader (a shell's job, say)

    autogroup = _Autogroup(busy=0)
    monkeypatch.setattr(background, "AUTOGROUP", autogroup)
    monkeypatch.setattr(os, "setsid", refused, raising=False)
    monkeypatch.setattr(os, "getsid", lambda _pid: -1, raising=False)
    background.yield_to_interactive()
    assert autogroup.written == []  # the group is the terminal's, or the window's: not this process's to lower
