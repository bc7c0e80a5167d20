import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from netdesk.core.errors import DatabaseError
from netdesk.db.engine import create_db_engine
from netdesk.db.migrate import current_revision, declared_head, head_revision, stored_revision, upgrade_database
from netdesk.db.tables import Base
from netdesk.services import open_netdesk


def test_fresh_database_is_created_at_head_with_fts_tables(db_path: Path) -> None:
    nd = open_netdesk(db_path)
    assert current_revision(nd.engine) == head_revision()
    tables = set(inspect(nd.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert {"contacts_fts", "interactions_fts"} <= tables
    nd.close()


def test_start_reads_the_revisions_without_alembic_and_agrees_with_it(db_path: Path) -> None:
    """The fast path of every start (no Alembic import) must see what Alembic sees, as revisions are added."""
    assert declared_head() == head_revision()
    engine = create_db_engine(db_path)
    assert stored_revision(engine) is None  # a new file: no alembic_version table yet
    upgrade_database(engine)
    assert stored_revision(engine) == current_revision(engine) == head_revision()
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(DatabaseError, match="newer version"):  # any other revision goes to Alembic's checks
        upgrade_database(engine)
    engine.dispose()


def test_migrated_schema_matches_the_models(db_path: Path) -> None:
    """Autogenerate finds nothing to do: the revisions and tables.py agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    nd = open_netdesk(db_path)
    with nd.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_name": lambda name, type_, _p: not (type_ == "table" and "_fts" in (name or ""))}
        )
        diff = compare_metadata(context, Base.metadata)
    nd.close()
    assert diff == []


def test_reopening_keeps_data_and_does_not_migrate_again(db_path: Path) -> None:
    from netdesk.core.model import ContactDTO

    nd = open_netdesk(db_path)
    nd.contacts.create(ContactDTO(given_name="Ada"))
    nd.close()
    nd = open_netdesk(db_path)
    assert [r.name for r in nd.contacts.rows()] == ["Ada"]
    nd.close()


def test_database_file_is_private_and_uses_wal(db_path: Path) -> None:
    nd = open_netdesk(db_path)
    with nd.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    nd.close()
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600


def test_database_from_a_newer_netdesk_is_refused_untouched(db_path: Path) -> None:
    open_netdesk(db_path).close()
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    before = db_path.read_bytes()
    with pytest.raises(DatabaseError, match="newer version of NetDesk"):
        open_netdesk(db_path)
    assert db_path.read_bytes() == before


def test_foreign_sqlite_file_is_refused(db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute("CREATE TABLE contacts (x)")
    engine = create_db_engine(db_path)
    with pytest.raises(DatabaseError, match="no NetDesk schema"):
        upgrade_database(engine)
    engine.dispose()


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="does not exist"):
        open_netdesk(tmp_path / "nope" / "x.sqlite3")


def test_latest_revision_downgrades_and_upgrades_again(db_path: Path) -> None:
    from alembic import command

    from netdesk.core.model import ContactDTO, PartialDate
    from netdesk.db.migrate import _config

    nd = open_netdesk(db_path)
    ada = nd.contacts.create(ContactDTO(given_name="Ada", birthday=PartialDate(12, 10, 1815))).value
    nd.close()
    # A plain engine, as the app's upgrade at open has: the services' undo triggers are temporary objects of their
    # own connections, and SQLite refuses to drop a column a trigger names.
    engine = create_engine(f"sqlite:///{db_path}")
    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")  # through every later revision
    columns = {c["name"] for c in inspect(engine).get_columns("contacts")}
    assert "last_in_at" not in columns and "version" not in columns
    assert "starred" not in columns
    assert "params_json" not in {c["name"] for c in inspect(engine).get_columns("contact_points")}
    tables = set(inspect(engine).get_table_names())
    later = {"invitations", "sync_accounts", "sync_books", "sync_items", "app_settings", "due_generation"}
    assert not (later | {"introductions", "communities"}) & tables
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with engine.connect() as conn:
        assert conn.execute(
            text("SELECT birthday_month_day, starred FROM contacts WHERE id = :id"), {"id": ada.id}
        ).one() == ("12-10", 0)
        assert conn.execute(text("SELECT COUNT(*) FROM invitations")).scalar() == 0
        assert conn.execute(text("SELECT COUNT(*) FROM sync_accounts")).scalar() == 0
        assert conn.execute(text("SELECT COUNT(*) FROM due_generation")).scalar() == 1
    engine.dispose()
