"""Is this file a whole NetDesk database? Checked before anything may write to it, without changing a byte of it.

Every open runs ``PRAGMA quick_check`` through a read-only connection and reads the schema revision there, before the
engine switches the file to WAL mode: a refused file (damaged, empty, not SQLite, an unknown schema) stays exactly as
it was. ``integrity_check`` (slower, also checks indexes against tables) runs daily in the background and on backups.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from netdesk.core.errors import DamagedDatabaseError, DatabaseError

SQLITE_HEADER = b"SQLite format 3\x00"
# How long an open or a writer waits for another program's lock before giving up with one clear line.
LOCK_TIMEOUT_S = 30.0


@dataclass(frozen=True, slots=True)
class FileState:
    revision: str | None  # alembic_version, None when the file has none
    has_contacts: bool  # a contacts table (a foreign SQLite file with no revision is refused)


def damaged_message(path: Path, problem: str) -> str:
    problem = "; ".join(line for line in problem.splitlines() if line.strip())
    problem = problem if len(problem) <= 160 else problem[:157] + "..."
    return (
        f"{path} is damaged ({problem}); nothing was changed in it. Restore a backup (`netdesk restore --latest`) "
        "or open another database"
    )


def _ro_uri(path: Path) -> str:
    return path.absolute().as_uri() + "?mode=ro"


def first_problem(conn: sqlite3.Connection, pragma: str = "quick_check") -> str | None:
    """The first line ``PRAGMA quick_check``/``integrity_check`` reports, None when the database is whole."""
    rows = conn.execute(f"PRAGMA {pragma}(1)").fetchall()
    result = str(rows[0][0]) if rows else "no answer"
    if result == "ok":
        return None
    return "; ".join(line for line in result.splitlines() if line.strip() and not line.startswith("***"))


def integrity_problem(path: Path) -> str | None:
    """Run ``integrity_check`` on the file at ``path`` (read-only); the first problem, or None when it is whole."""
    try:
        conn = sqlite3.connect(_ro_uri(path), uri=True, timeout=30)
        try:
            return first_problem(conn, "integrity_check")
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return str(exc)


# A new database is an empty file for the moment between its creation and its first write: one that young is
# another start creating it (a window and a CLI import at once), not a damaged file.
BEING_CREATED_S = 10.0


def _wait_while_being_created(path: Path, st: os.stat_result, timeout: float) -> os.stat_result:
    deadline = time.monotonic() + min(timeout, BEING_CREATED_S)
    while st.st_size == 0 and time.time() - st.st_mtime < BEING_CREATED_S and time.monotonic() < deadline:
        time.sleep(0.05)
        st = path.stat()
    return st


def check_existing_file(path: Path, timeout: float) -> FileState:
    """Refuse a file NetDesk must not open (raising a one-line error), else its schema revision.

    Nothing here writes: a read-only connection reads the header, runs quick_check and reads the revision.
    """
    try:
        st = path.stat()
    except PermissionError:
        raise DatabaseError(f"cannot open database {path}: permission denied") from None
    except FileNotFoundError:
        raise DatabaseError(f"cannot open database {path}: it is a link to a file that does not exist") from None
    if not stat.S_ISREG(st.st_mode):
        raise DatabaseError(f"cannot open database {path}: it is not a file")
    if st.st_size == 0:
        st = _wait_while_being_created(path, st, timeout)
    if st.st_size == 0:
        raise DamagedDatabaseError(
            f"{path} is empty (0 bytes), not a NetDesk database; it was left as it is, not replaced", path
        )
    try:
        with path.open("rb") as f:
            header = f.read(len(SQLITE_HEADER))
    except PermissionError:
        raise DatabaseError(f"cannot open database {path}: permission denied (cannot read it)") from None
    except OSError as exc:
        raise DatabaseError(f"cannot open database {path}: {exc.strerror or exc}") from None
    if header != SQLITE_HEADER:
        raise DamagedDatabaseError(
            f"{path} is not a NetDesk database (not even a SQLite file); it was left unchanged", path
        )
    if not os.access(path, os.W_OK):
        raise DatabaseError(f"cannot open database {path}: the file is read-only (NetDesk needs to write to it)")
    if not os.access(path.parent, os.W_OK):
        raise DatabaseError(
            f"cannot open database {path}: its folder {path.parent} is read-only "
            "(NetDesk writes its journal and backups beside the database)"
        )
    try:
        conn = sqlite3.connect(_ro_uri(path), uri=True, timeout=timeout)
        try:
            problem = first_problem(conn)
            if problem is not None:
                raise DamagedDatabaseError(damaged_message(path, f"quick_check: {problem}"), path)
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            revision = None
            if "alembic_version" in tables:
                row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = None if row is None else str(row[0])
            return FileState(revision, "contacts" in tables)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        name = getattr(exc, "sqlite_errorname", "")
        if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
            raise DamagedDatabaseError(damaged_message(path, str(exc)), path) from None
        if name.startswith("SQLITE_BUSY"):
            raise DatabaseError(
                f"{path} is locked by another program that held it for more than {timeout:g} s; try again later"
            ) from None
        raise DatabaseError(f"cannot open database {path}: {exc}") from None


class _EarlyCheck:
    """``check_existing_file`` begun on a thread; its answer (or its one-line error) for the open that follows."""

    def __init__(self, path: Path, timeout: float, identity: tuple[int, ...]) -> None:
        self.path = path
        self.timeout = timeout
        self.identity = identity  # the file as it was checked: an answer for another file (replaced) is not used
        self.answer: FileState | None = None
        self.error: Exception | None = None
        self.thread = threading.Thread(target=self._run, name="netdesk-open-check", daemon=True)

    def _run(self) -> None:
        try:
            self.answer = check_existing_file(self.path, self.timeout)
        except Exception as exc:  # DatabaseError and its kin: raised by the open that takes this answer
            self.error = exc


_early: dict[Path, _EarlyCheck] = {}
_early_lock = threading.Lock()


def begin_check(path: Path, timeout: float) -> None:
    """Start checking the existing file ``path`` on a thread, for the open that comes next.

    ``quick_check`` reads the whole file (a fifth of a second and more at 100,000 contacts) inside SQLite, which lets
    go of the interpreter: begun before start-up imports its modules, it is done on the other core by the time the
    database is opened (``checked_file``). A path that is not an existing regular file is left to the open itself.
    """
    path = path.absolute()
    identity = _identity(path)
    if identity is None:
        return
    with _early_lock:
        if path in _early:
            return
        check = _early[path] = _EarlyCheck(path, timeout, identity)
    check.thread.start()


def discard_check(path: Path) -> None:
    """Forget a check ``begin_check`` started that no open took (the command ended before opening the database)."""
    with _early_lock:
        check = _early.pop(path.absolute(), None)
    if check is not None:
        check.thread.join()


def _identity(path: Path) -> tuple[int, ...] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns) if stat.S_ISREG(st.st_mode) else None


def checked_file(path: Path, timeout: float) -> FileState:
    """``check_existing_file(path)``: the answer of the check ``begin_check`` started (once), else checked now."""
    with _early_lock:
        check = _early.pop(path.absolute(), None)
    if check is not None:
        check.thread.join()
    if check is None or check.timeout != timeout or check.identity != _identity(check.path):
        return check_existing_file(path, timeout)
    if check.error is not None:
        raise check.error
    assert check.answer is not None
    return check.answer


def awaited_check(path: Path, timeout: float) -> FileState:
    """``check_existing_file(path)``, from the check ``begin_check`` started (begun here if none was), which stays
    for the open that follows (``checked_file``): start-up reads the list's rows once the file passed, before the
    services are imported, and the open does not check it a second time."""
    begin_check(path, timeout)
    with _early_lock:
        check = _early.get(path.absolute())
    if check is None:  # not an existing regular file: the open says what is wrong with it
        return check_existing_file(path, timeout)
    check.thread.join()
    if check.timeout != timeout or check.identity != _identity(check.path):  # replaced meanwhile
        return check_existing_file(path, timeout)
    if check.error is not None:
        raise check.error
    assert check.answer is not None
    return check.answer
