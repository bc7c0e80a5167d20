"""The service facade: opens (and upgrades) a database and hands out the services over it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from netdesk.db.engine import create_db_engine, session_factory
from netdesk.db.migrate import upgrade_database
from netdesk.services.contacts import ContactService
from netdesk.services.timeline import TimelineService


class NetDesk:
    """Everything the front ends may use, over one database."""

    def __init__(self, engine: Engine, path: Path | None) -> None:
        self.engine = engine
        self.path = path
        self.sessions = session_factory(engine)
        self.contacts = ContactService(self.sessions)
        self.timeline = TimelineService(self.sessions)

    def close(self) -> None:
        self.engine.dispose()


def open_netdesk(path: Path | str) -> NetDesk:
    """Open the database at ``path`` (":memory:" for a throw-away one), creating or upgrading its schema."""
    engine = create_db_engine(path)
    try:
        upgrade_database(engine)
    except Exception:
        engine.dispose()
        raise
    return NetDesk(engine, None if str(path) == ":memory:" else Path(path))
