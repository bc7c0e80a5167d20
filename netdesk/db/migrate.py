"""Schema upgrades through Alembic, run by the app on start."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from netdesk.core.errors import DatabaseError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def needs_upgrade(engine: Engine) -> bool:
    return current_revision(engine) != head_revision()


def schema_refusal(current: str | None, has_contacts: bool) -> str | None:
    """Why a database at revision ``current`` must not be opened (None when NetDesk may open and upgrade it)."""
    script = ScriptDirectory.from_config(_config())
    if current is None:
        return "this file holds tables but no NetDesk schema version; refusing to change it" if has_contacts else None
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
    current = current_revision(engine)
    if current == head_revision():
        return
    refusal = schema_refusal(current, current is None and inspect(engine).has_table("contacts"))
    if refusal is not None:
        raise DatabaseError(refusal)
    if current is not None and before_upgrade is not None:
        before_upgrade()
    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
