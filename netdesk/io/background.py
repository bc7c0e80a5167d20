"""Helper processes that yield the CPU to the user's interactive programs, NetDesk's own window included.

An import's parse workers fill every core while they run. At the same priority, a window that needs the CPU for a
repaint waits behind them (bench_gui_stall: another process's import of 20,000 cards). So each worker runs
``WORKER_NICENESS`` steps nicer than the process that started it, in a session and scheduling group of its own.
On Linux with autogroup, a process's niceness weighs it only against the processes of its own group, and the group
as a whole is weighed by the group's niceness. The workers still take every idle core: niceness only decides who
waits when the CPUs are busy.
"""

from __future__ import annotations

import os
import time
from contextlib import suppress
from pathlib import Path

WORKER_NICENESS = 5
AUTOGROUP = Path("/proc/self/autogroup")  # this process's scheduling group's niceness (Linux with autogroup)
# Linux lets an unprivileged process set a group's niceness once per 0.1 s system-wide (EAGAIN otherwise), and an
# import's workers start together: each tries again, asleep, for up to AUTOGROUP_TRIES * 0.1 s.
AUTOGROUP_RETRY_S = 0.1
AUTOGROUP_TRIES = 10


def yield_to_interactive(niceness: int | None = None) -> None:
    """Run this process below its parent: ``niceness`` (absolute), or WORKER_NICENESS steps nicer than the parent, in a
    scheduling group of its own. Quietly does less where the system does not allow it (not POSIX, not permitted)."""
    try:
        os.setsid()
        own_group = True
    except AttributeError:  # not POSIX
        own_group = False
    except OSError:  # a process group leader: only a session it leads already has a group of its own
        own_group = os.getsid(0) == os.getpid()
    with suppress(AttributeError, OSError):
        if niceness is None:
            # Counted from the parent's main thread (its pid): this process inherited the niceness of the thread that
            # started it, which may be a worker 5 steps nicer already (ui/workers.py); os.nice went 5 below that.
            parent = os.getpriority(os.PRIO_PROCESS, os.getppid())
            niceness = max(os.getpriority(os.PRIO_PROCESS, 0), min(parent + WORKER_NICENESS, 19))
        os.setpriority(os.PRIO_PROCESS, 0, niceness)
    if own_group:  # else the group is the window's or the terminal's, not this process's to lower
        _lower_own_group()


def _lower_own_group() -> None:
    # Left at niceness 0, a new group weighs as much as the window's whole group: more than the process did in it.
    for _ in range(AUTOGROUP_TRIES):
        try:
            AUTOGROUP.write_text(str(WORKER_NICENESS))
            return
        except BlockingIOError:  # EAGAIN: another process set a group's niceness within the last 0.1 s
            time.sleep(AUTOGROUP_RETRY_S)
        except OSError:  # no autogroup (not Linux, a container), a read-only /proc, not permitted
            return
