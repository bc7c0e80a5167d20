"""SQLite failures as one clear line: what happened to which file, and that nothing was saved.

The engine hands every driver error to :func:`user_error`; a known condition (disk full, read-only, locked, damaged,
permission denied) becomes a :class:`DatabaseError` the front ends print as one line or show in a dialog.
"""

from __future__ import annotations

from pathlib import Path

from netdesk.core.errors import DamagedDatabaseError, DatabaseError
from netdesk.db.health import damaged_message


def user_error(exc: BaseException, path: Path | None, lock_timeout: float) -> DatabaseError | None:
    """The one-line error for the driver error ``exc`` on the database ``path``; None for an unexpected one."""
    name = str(getattr(exc, "sqlite_errorname", ""))
    where = str(path) if path is not None else "the database"
    if name.startswith("SQLITE_FULL"):
        return DatabaseError(f"the disk holding {where} is full: nothing was saved. Free some space and try again")
    if name.startswith("SQLITE_READONLY"):
        return DatabaseError(f"{where} (or its folder) is read-only: nothing was saved")
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return DatabaseError(
            f"{where} is locked: another program has been writing to it for more than {lock_timeout:g} s; "
            "nothing was saved, try again when it is done"
        )
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or str(exc).startswith("Could not decode to UTF-8"):
        return DamagedDatabaseError(damaged_message(Path(where), str(exc)), path)
    if name.startswith(("SQLITE_PERM", "SQLITE_AUTH")):
        return DatabaseError(f"permission denied on {where}: nothing was saved")
    if name.startswith("SQLITE_CANTOPEN"):
        return DatabaseError(f"cannot open {where} (or the journal beside it): check the folder's permissions")
    if name.startswith("SQLITE_IOERR"):
        return DatabaseError(f"the disk failed while NetDesk used {where} ({exc}): nothing was saved")
    return None
