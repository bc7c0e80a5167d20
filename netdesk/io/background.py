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
from contextlib import suppress
from pathlib import Path

WORKER_NICENESS = 5
AUTOGROUP = Path("/proc/self/autogroup")  # this process's scheduling group's niceness (Linux with autogroup)


def yield_to_interactive(niceness: int | None = None) -> None:
    """Run this process below its parent: ``niceness`` (absolute), or WORKER_NICENESS steps nicer than now, in a
    scheduling group of its own. Quietly does less where the system does not allow it (not POSIX, not permitted)."""
    with suppress(AttributeError, OSError):  # AttributeError: not POSIX; OSError: already a session leader
        os.setsid()
    with suppress(AttributeError, OSError):
        if niceness is None:
            os.nice(WORKER_NICENESS)
        else:
            os.setpriority(os.PRIO_PROCESS, 0, niceness)
    with suppress(OSError):
        AUTOGROUP.write_text(str(WORKER_NICENESS))
