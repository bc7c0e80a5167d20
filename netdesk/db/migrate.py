"""Schema upgrades through Alembic, run by the app on start.

Importing Alembic costs about a fifth of a second, which every start would pay for nothing: the database is
almost always at the newest revision already. So the newest revision is read from the migration files' text and
the stored one with a plain query; Alembic is imported only when they differ.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect
from sqlalchemy.exc import OperationalError

from netdesk.core.errors import DatabaseError
from netdesk.db.schema_head import MIGRATIONS_DIR as MIGRATIONS_DIR
from netdesk.db.schema_head import declared_head as declared_head

if TYPE_CHECKING:
    from alembic.config import Config


def stored_revision(engine: Engine) -> str | None:
    """The revision recorded in the database (None: none recorded), with a plain query."""
    try:
        with engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").fetchall()
    except OperationalError:
        return None  # no alembic_version table: a new or foreign file
    return str(rows[0][0]) if len(rows) == 1 else None


def _config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def needs_upgrade(engine: Engine) -> bool:
    return current_revision(engine) != head_revision()


def schema_refusal(current: str | None, has_contacts: bool) -> str | None:
    """Why a database at revision ``current`` must not be opened (None when NetDesk may open and upgrade it)."""
    if current is None:
        return "this file holds tables but no NetDesk schema version; refusing to change it" if has_contacts else None
    if current == declared_head():
        return None  # the usual start: known without importing Alembic
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_config())
    try:
        script.get_revision(current)
    except Exception:
        known = sorted(rev.revision for rev in script.walk_revisions())
        return (
            f"its schema revision {current!r} is unknown to this NetDesk (it knows {', '.join(known)}): it was written "
            "by a newer version of NetDesk or by another program; it was left unchanged"
        )
    return None


def upgrade_database(engine: Engine, before_upgrade: Callable[[], None] | None = None) -> None:
    """Bring the schema to the newest revision.

    ``before_upgrade`` runs only when there is something to upgrade in a database that already holds data
    (the app takes a backup there). A database with an unknown revision (a newer NetDesk's) is refused, never touched.
    """
    head = declared_head()
    if head is not None and stored_revision(engine) == head:
        return  # the usual start: nothing to do, and no need to import Alembic
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    current = current_revision(engine)
    if current == head_revision():
        return
    if current is not None:
        refusal = schema_refusal(current, has_contacts=True)
        if refusal is not None:
            raise DatabaseError(refusal)
        if before_upgrade is not None:
            before_upgrade()
    cfg = _config()
    with engine.begin() as conn:
        # Two starts on a new file (a second window, a CLI import) would both create the tables, and the later one
        # failed ("table contacts already exists", or took the other's half-seen tables for a foreign file): hold
        # the write lock, then look again.
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        current = MigrationContext.configure(conn).get_current_revision()
        if current == head_revision():
            return
        refusal = schema_refusal(current, current is None and inspect(conn).has_table("contacts"))
        if refusal is not None:
            raise DatabaseError(refusal)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
