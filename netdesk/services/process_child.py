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

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.synchronize import Event


def child_main(conn: Connection, cancelled: Event, db: str, task: bytes, niceness: int) -> None:
    """Run below the window (io/background.py); then open the database without migrating it (the window did), run
    ``task`` (``write_process.run_in_process``'s, pickled), and send what came of it."""
    yield_to_interactive(niceness)
    try:
        from netdesk.db.engine import create_db_engine
        from netdesk.services.app import NetDesk

        run = pickle.loads(task)  # pickled by this process's parent, the window
        nd = NetDesk(create_db_engine(db), Path(db))
        try:
            result = run(nd, lambda done, total, what: conn.send(("progress", (done, total, what))), cancelled.is_set)
        finally:
            nd.close()
    except Exception as exc:
        try:
            conn.send(("error", exc))
        except Exception:  # the exception itself does not pickle: its text does
            conn.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
    else:
        conn.send(("done", result))
    finally:
        conn.close()
