"""Worker processes that do not outlive their parent: when the app or the CLI dies (by any signal, SIGKILL included),
its parse workers exit within a second or two instead of lingering with tens of MB each."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

POLL_SECONDS = 0.5
_PR_SET_PDEATHSIG = 1


def exit_with_parent(parent_pid: int) -> None:
    """Process-pool initializer: ask Linux for SIGKILL when the parent goes, and watch for it everywhere else."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):  # no prctl: the watchdog below still works
            pass
    if os.getppid() != parent_pid:  # the parent died before we got here
        os._exit(1)
    threading.Thread(target=_watch, args=(parent_pid,), name="exit-with-parent", daemon=True).start()


def _watch(parent_pid: int) -> None:
    # Reparenting (to init or a subreaper) is how a child learns its parent is gone, whatever killed it.
    while os.getppid() == parent_pid:
        time.sleep(POLL_SECONDS)
    os._exit(1)
