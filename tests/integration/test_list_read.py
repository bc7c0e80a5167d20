"""Start-up's read of the list's rows with plain sqlite3 (netdesk/db/list_read.py): only from a file that passed
the open's checks, never changing a refused one, and the same rows the services read."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from netdesk.core.model import ContactDTO
from netdesk.db import health
from netdesk.db.list_read import rows_of_current_file
from netdesk.services import open_netdesk

MIGRATIONS = Path(__file__).resolve().parents[1] / "data" / "migrations"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def current(tmp_path: Path) -> Path:
    path = tmp_path / "current.sqlite3"
    nd = open_netdesk(path)
    for given, family in (("Zoe", "Quinn"), ("Ada", "Lovelace"), ("Mia", "Wong")):
        nd.contacts.create(ContactDTO(given_name=given, family_name=family, organization="Northwind"))
    gone = nd.contacts.create(ContactDTO(given_name="Deleted", family_name="Person")).value.id
    assert gone is not None
    nd.contacts.delete([gone])
    nd.close()
    return path


def test_a_current_database_gives_the_rows_the_services_read_and_its_check_to_the_open(current: Path) -> None:
    rows = rows_of_current_file(current, health.LOCK_TIMEOUT_S)
    assert rows is not None and [r.name for r in rows] == ["Ada Lovelace", "Mia Wong", "Zoe Quinn"]
    assert current.absolute() in health._early  # the check waits there for the open
    nd = open_netdesk(current)
    try:
        assert not health._early  # the open took it
        assert rows == nd.contacts.rows()
    finally:
        nd.close()


def test_a_newer_or_older_or_damaged_database_gives_no_rows_and_is_left_unchanged(
    current: Path, tmp_path: Path
) -> None:
    newer = tmp_path / "newer.sqlite3"
    shutil.copy(current, newer)
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'f00dfeedbeef'")
    conn.close()
    older = tmp_path / "older.sqlite3"
    shutil.copy(MIGRATIONS / "schema-0010.sqlite3", older)
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x13" * 8000)
    for path in (newer, older, damaged):
        before = _sha(path)
        assert rows_of_current_file(path, health.LOCK_TIMEOUT_S) is None, path.name
        assert _sha(path) == before, path.name
        health.discard_check(path)


def test_a_new_database_gives_no_rows(tmp_path: Path) -> None:
    assert rows_of_current_file(tmp_path / "absent.sqlite3", health.LOCK_TIMEOUT_S) is None
    assert not (tmp_path / "absent.sqlite3").exists()
