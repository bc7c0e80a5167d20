"""Engine and session factory for the SQLite database."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from netdesk.core.errors import DatabaseError


def _prepare_file(path: Path) -> None:
    if not path.parent.is_dir():
        raise DatabaseError(f"cannot open database {path}: folder {path.parent} does not exist")
    if not path.exists():
        # Contacts are private: the file is created readable by its owner only.
        try:
            fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
        except OSError as exc:
            raise DatabaseError(f"cannot create database {path}: {exc.strerror}") from exc
        os.close(fd)
    elif not os.access(path, os.R_OK | os.W_OK):
        raise DatabaseError(f"cannot open database {path}: permission denied")


def create_db_engine(path: Path | str) -> Engine:
    """An engine on the SQLite file ``path`` (":memory:" for a throw-away one)."""
    if str(path) == ":memory:":
        url = "sqlite+pysqlite:///:memory:"
    else:
        path = Path(path).expanduser()
        _prepare_file(path)
        url = f"sqlite+pysqlite:///{path}"
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA temp_store=MEMORY")
        cur.execute("PRAGMA cache_size=-32000")
        cur.close()

    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
