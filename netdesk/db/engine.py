"""Engine and session factory for the SQLite database."""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from netdesk.core.errors import DamagedDatabaseError, DatabaseError
from netdesk.db.checkpoint import run_deferred_checkpoints
from netdesk.db.failures import user_error
from netdesk.db.health import LOCK_TIMEOUT_S as LOCK_TIMEOUT_S  # where the open and the writers read it
from netdesk.db.health import FileState, checked_file

PRIVATE_FILE = 0o600
_SIDE_FILES = ("", "-wal", "-shm", "-journal")

# Engines on a database that failed a check: their connections refuse every write (PRAGMA query_only).
_read_only_engines: weakref.WeakSet[Engine] = weakref.WeakSet()


def tighten_permissions(path: Path) -> None:
    """The database and its WAL/SHM files are readable by their owner only (an old 0644 file included)."""
    if not hasattr(os, "getuid"):  # Windows: the user profile's ACLs do this
        return
    for suffix in _SIDE_FILES:
        side = path.with_name(path.name + suffix)
        try:
            st = side.stat()
            if st.st_uid == os.getuid() and st.st_mode & 0o077:
                os.chmod(side, PRIVATE_FILE)
        except OSError:  # absent, or not ours to change: the checks that follow say what matters
            pass


def _prepare_file(path: Path, timeout: float) -> FileState | None:
    """Check an existing file (read-only, before anything writes); create a new one private. None for a new file."""
    if not path.parent.is_dir():
        raise DatabaseError(f"cannot open database {path}: folder {path.parent} does not exist")
    if path.exists() or path.is_symlink():
        state = checked_file(path, timeout)
        tighten_permissions(path)
        return state
    # Contacts are private: the file is created readable by its owner only.
    try:
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:  # another start created it a moment ago: open it as theirs
        state = checked_file(path, timeout)
        tighten_permissions(path)
        return state
    except OSError as exc:
        raise DatabaseError(f"cannot create database {path}: {exc.strerror}") from exc
    os.close(fd)
    return None


def create_db_engine(path: Path | str, *, state: list[FileState | None] | None = None) -> Engine:
    """An engine on the SQLite file ``path`` (":memory:" for a throw-away one).

    An existing file is checked first (see netdesk.db.health) and refused untouched when it is damaged or not a
    database; what the check read (the schema revision) is appended to ``state`` when given.
    """
    timeout = LOCK_TIMEOUT_S
    file_path: Path | None = None
    if str(path) == ":memory:":
        # One connection shared by every thread: a pool per thread would give each thread its own empty database.
        engine = create_engine(
            "sqlite+pysqlite:///:memory:", connect_args={"check_same_thread": False}, poolclass=StaticPool
        )
        checked: FileState | None = None
    else:
        file_path = Path(path).expanduser()
        checked = _prepare_file(file_path, timeout)
        # URL.create, not "sqlite:///" + path: a URL string would read a "?" in the file's name as its query and open
        # another file ("a?b.sqlite3" opened "a").
        engine = create_engine(
            URL.create("sqlite+pysqlite", database=str(file_path)),
            connect_args={"check_same_thread": False, "timeout": timeout},
        )
    if state is not None:
        state.append(checked)
    if file_path is not None:
        run_deferred_checkpoints(engine, file_path)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        if engine in _read_only_engines:
            cur.execute("PRAGMA query_only=ON")
        else:
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA temp_store=MEMORY")
        # 8 MB a connection: the app holds one per thread (GUI, workers, the Due page's loader), and at 32 MB each
        # their caches filled by start-up's scans added some 60 MB to its peak at 100,000 contacts. The file's pages
        # stay in the OS cache; bulk imports set their own, smaller cache (db/bulk.py).
        cur.execute("PRAGMA cache_size=-8000")
        cur.close()

    @event.listens_for(engine, "handle_error")
    def _on_error(context: ExceptionContext) -> BaseException | None:
        # A full disk, a read-only file, a lock held too long, a damaged page: one clear line, not a traceback.
        error = user_error(context.original_exception, file_path, timeout)
        if error is not None and engine in _read_only_engines and "read-only" in str(error):
            return DamagedDatabaseError(
                f"{file_path} failed its integrity check, so NetDesk no longer writes to it: nothing was saved. "
                "Restore a backup or open another database",
                file_path,
            )
        return error

    return engine


def refuse_writes(engine: Engine) -> None:
    """From now on, every connection of ``engine`` is read-only (the database failed a check)."""
    _read_only_engines.add(engine)
    engine.dispose()


def writes_refused(engine: Engine) -> bool:
    return engine in _read_only_engines


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def write_transaction(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose transaction holds SQLite's write lock from its first statement (``BEGIN IMMEDIATE``).

    What it reads (matches, versions) cannot be changed by another writer before it writes: a concurrent writer
    waits for the lock instead of working from a stale read. Commits on success, rolls back on any exception.
    """
    with sessions.begin() as s:
        s.connection().exec_driver_sql("BEGIN IMMEDIATE")
        yield s
