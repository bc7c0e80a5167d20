"""Run a long write (or a long read, such as the search index) in a process of its own, so that the window's process
keeps its GIL and its CPU share.

A thread of the window's process that parses and writes for seconds holds the GIL most of that time: the GUI thread
waits for it at every event, and on a busy machine the holder is often preempted while it holds it. A child process
shares neither. It opens the same database file (WAL: the window keeps reading while it writes), runs the write
inside the undo journal's recording, and sends back the result with its ``UndoStep`` (plain SQL and ids), which the
window's journal can undo like any other. It starts a session of its own and lowers its priority: the scheduler then
gives the window's thread the CPU first whenever it wants it (on Linux each session is one scheduling group).

``run_in_process(db, task, ...)`` calls ``task(netdesk, progress, cancel)`` in the child; ``task`` must be picklable
(a module-level function, or a ``functools.partial`` of one) and so must what it returns. Progress calls come back to
the caller's ``progress``; the caller's ``cancel`` is polled and handed on. An exception in the child is raised here
(its type kept when it can be pickled).
"""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Callable
from contextlib import suppress
from multiprocessing import get_context
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from netdesk.core.changes import Written
from netdesk.core.errors import NetDeskError
from netdesk.io.background import WORKER_NICENESS
from netdesk.services.process_child import child_main
from netdesk.services.undo import UndoStep

if TYPE_CHECKING:
    from netdesk.core.search_index import SearchIndex
    from netdesk.services.app import NetDesk
    from netdesk.services.formats import CancelCheck, Progress  # the file formats: not loaded with the app's window

T = TypeVar("T")
Task = Callable[["NetDesk", "Progress", "CancelCheck"], T]

CHILD_NICENESS = WORKER_NICENESS  # below the window, not so low that other programs starve the import
POLL_S = 0.25  # how often a cancel is looked for while the child is quiet
EXIT_GRACE_S = 10.0  # how long a child that has answered may take to exit
# Starting the child costs about a second of CPU (it imports the services): a smaller input imports on a thread.
PROCESS_BYTES = 256 * 1024
# An undo or redo that touches more rows than this replays in a child process too.
PROCESS_ROWS = 2_000


class WriteProcessError(NetDeskError):
    """The child process ended without sending a result (killed, or crashed in native code)."""


class WriteProcessCancelled(WriteProcessError):
    """A read in a child process was cancelled and its child stopped (run_in_process with stop_on_cancel)."""


def child_niceness() -> int:
    """The niceness for a child of this process: CHILD_NICENESS below this process's own (``nice netdesk`` included).

    Counted from the main (GUI) thread's, by pid: on Linux ``who=0`` is the calling thread, and the window starts its
    children from worker threads that run 5 steps nicer (ui/workers.py), which put the child 10 steps below."""
    try:
        return min(os.getpriority(os.PRIO_PROCESS, os.getpid()) + CHILD_NICENESS, 19)
    except (AttributeError, OSError):  # not POSIX
        return CHILD_NICENESS


def run_in_process(
    db: Path,
    task: Task[T],
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
    stop_on_cancel: bool = False,
) -> T:
    """``task(netdesk, progress, cancel)`` run in a child process over the database file ``db``; its result.

    ``stop_on_cancel``: for a task that only reads, a cancel stops the child at once (WriteProcessCancelled) instead
    of asking the task to wind down, so that whoever waits for it (a database switch, the window closing) waits at
    most one look at ``cancel``."""
    context = get_context("spawn")  # forking a process that runs Qt threads is unsafe
    ours, theirs = context.Pipe()
    cancelled = context.Event()
    niceness = child_niceness()
    # The task goes pickled: the child unpickles it, and imports the services, once it runs below the window.
    pickled = pickle.dumps(task)
    args = (theirs, cancelled, str(db), pickled, niceness)
    child = context.Process(target=child_main, args=args, name="netdesk-write")
    child.start()
    # Lowered at once: until the child's own yield_to_interactive, its start ran in the window's scheduling group at
    # the window's priority, and the GUI thread waited for a CPU behind it.
    if child.pid is not None:  # never 0 here: that would lower the window itself
        with suppress(AttributeError, OSError):
            os.setpriority(os.PRIO_PROCESS, child.pid, niceness)
    theirs.close()
    answered = False
    try:
        while True:
            if cancel is not None and cancel():
                if stop_on_cancel:
                    child.kill()
                    raise WriteProcessCancelled("the read was no longer wanted")
                cancelled.set()
            # Asleep until the child sends or ends (or it is time to look at ``cancel``): each wake-up takes the GIL,
            # and on a busy machine a thread preempted while it holds it stalls the GUI thread as long.
            if not wait([ours, child.sentinel], POLL_S) or not ours.poll(0):
                if not child.is_alive() and not ours.poll(0):
                    raise WriteProcessError(f"the write process ended unexpectedly (exit code {child.exitcode})")
                continue
            try:
                kind, payload = ours.recv()
            except EOFError:  # the child closed its end without a word: it is ending
                child.join(EXIT_GRACE_S)
                raise WriteProcessError(f"the write process ended unexpectedly (exit code {child.exitcode})") from None
            if kind == "progress":
                if progress is not None:
                    progress(*payload)
            elif kind == "error":
                raise payload
            else:
                answered = True
                return payload  # type: ignore[no-any-return]
    finally:
        ours.close()
        if answered:
            # The answer is in hand: the caller goes on while the child exits. After a large import the child's exit
            # waits for the copy of its log into the database (netdesk.db.checkpoint), up to a second the window
            # waited for. Not a daemon: a closing window still stops a child that does not exit.
            threading.Thread(target=_reap, args=(child,), name="netdesk-write-exit").start()
        else:
            _reap(child)


def _reap(child: BaseProcess) -> None:
    """Wait for ``child`` to exit; one that has not within EXIT_GRACE_S is stopped, so that an exit stuck in some
    library's shutdown can never hold up the window's close."""
    child.join(EXIT_GRACE_S)
    if child.is_alive():
        child.kill()
        child.join()


def input_bytes(paths: list[Path]) -> int:
    """The size of the files ``paths`` name, folders included (stops counting past ``PROCESS_BYTES``)."""
    total = 0
    for path in paths:
        files = path.rglob("*") if path.is_dir() else [path]
        for file in files:
            try:
                total += file.stat().st_size if file.is_file() else 0
            except OSError:
                continue
            if total >= PROCESS_BYTES:
                return total
    return total


def heavy_step(step: UndoStep) -> bool:
    """Whether replaying ``step`` is worth a child process (an import's undo, not a log's)."""
    return len(step.statements) + len(step.contact_ids) + len(step.interaction_ids) >= PROCESS_ROWS


# --- tasks ------------------------------------------------------------------------------------------------


def recorded_import(
    paths: list[Path], nd: NetDesk, progress: Progress, cancel: CancelCheck
) -> tuple[Written[Any], UndoStep | None]:
    """Import ``paths`` as one undoable write: the report, what changed, and the step that undoes it."""
    with nd.undo.recording() as rec:
        written = nd.imports.import_paths(paths, progress=progress, cancel=cancel)
    return written, rec.step(written.changes) if rec.statements else None


def read_search_index(nd: NetDesk, progress: Progress, cancel: CancelCheck) -> SearchIndex:
    """The contact list's search index, read whole (a read, not a write: its CPU and lock stay out of the window)."""
    return nd.contacts.search_index()


def replayed_step(step: UndoStep, nd: NetDesk, progress: Progress, cancel: CancelCheck) -> UndoStep:
    """Undo (or redo) ``step``; the step that reverses it."""
    return nd.undo.undo(step)
