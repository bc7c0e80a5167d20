"""Where a child process of services/write_process.py starts: it yields the CPU first, then imports the services.

A spawned child unpickles its target, and so imports the target's module, before running it. Started straight from
write_process, a child imported the services and SQLAlchemy (about 0.4 s of CPU) in the window's scheduling group,
at the window's weight, before it could leave it: a search index read at the first search, or after another
process's import, took the CPU from the window's repaints then (bench_gui_stall). So this module imports nothing
heavy, and the task comes pickled, to be unpickled once the child runs below the window.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import TYPE_CHECKING

from netdesk.io.background import yield_to_interactive
from netdesk.io.orphans import exit_with_parent

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.synchronize import Event


def child_main(conn: Connection, cancelled: Event, db: str, task: bytes, niceness: int) -> None:
    """Run below the window (io/background.py); then open the database without migrating it (the window did), run
    ``task`` (``write_process.run_in_process``'s, pickled), and send what came of it. Ends with the window (killed
    mid-task, say): a task that sends nothing for long (an undo, the search index) would run on, for no one."""
    yield_to_interactive(niceness)
    try:
        exit_with_parent()
        from netdesk.db.engine import create_db_engine
        from netdesk.services.app import NetDesk

        run = pickle.loads(task)  # pickled by this process's parent, the window
        nd = NetDesk(create_db_engine(db), Path(db))
        try:
            result = run(nd, lambda done, total, what: conn.send(("progress", (done, total, what))), cancelled.is_set)
        finally:
            nd.close()
    except Exception as exc:
        conn.send(("error", _sendable(exc)))
    else:
        try:
            conn.send(("done", result))
        except Exception as exc:  # nothing was sent: the message is pickled whole first
            conn.send(("error", RuntimeError(f"the child process could not send its result: {_text(exc)}")))
    finally:
        conn.close()


def _text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _sendable(exc: Exception) -> Exception:
    """``exc`` if the window can rebuild it, else its text: an exception whose ``__init__`` takes other arguments
    than its ``args`` pickles, but raised a TypeError about that ``__init__`` in the window instead of itself."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(_text(exc))
    return exc
