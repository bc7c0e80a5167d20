"""Helper processes that do not outlive the process that started them: when the app or the CLI dies (by any signal,
SIGKILL included), its parse workers, bulk readers and write children exit at once instead of lingering with tens of
MB each, or running on for no one."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time

POLL_SECONDS = 0.5


def exit_with_parent(parent_pid: int | None = None) -> None:
    """Exit this process once ``parent_pid`` (default: the process multiprocessing started it from) is gone. Usable as
    a process-pool initializer.

    Watches multiprocessing's handle on the parent, which reads as ended when it ends on every system (a pipe on POSIX,
    a process handle on Windows, where a parent's end does not change ``os.getppid()``); elsewhere, the parent id.
    Not Linux's PR_SET_PDEATHSIG: that fires when the starting *thread* ends, and the window starts children from
    worker threads."""
    parent = multiprocessing.parent_process()
    if parent_pid is None:
        if parent is None:
            return  # not started by multiprocessing: nothing to watch
        parent_pid = parent.pid
    if os.getppid() != parent_pid:  # the parent died before we got here
        os._exit(1)
    watched = parent if parent is not None and parent.pid == parent_pid else None
    threading.Thread(target=_watch, args=(parent_pid, watched), name="exit-with-parent", daemon=True).start()


def _watch(parent_pid: int, parent: multiprocessing.process.BaseProcess | None) -> None:
    if parent is not None:
        parent.join()
    else:  # reparenting (to init or a subreaper) is how a child learns its parent is gone
        while os.getppid() == parent_pid:
            time.sleep(POLL_SECONDS)
    os._exit(1)
