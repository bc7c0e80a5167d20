"""Damaged, empty, foreign and unknown databases are refused with one line and left byte-for-byte unchanged;
a database that fails the daily integrity_check takes no more writes; backups are verified before they are kept."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from netdesk import cli
from netdesk.core.errors import DamagedDatabaseError, DatabaseError
from netdesk.core.model import ContactDTO, ContactPoint
from netdesk.io.report import ImportReport
from netdesk.services import NetDesk, open_netdesk

PAGE = 4096


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def _cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., subprocess.CompletedProcess[str]]:
    """The command line, run in this process (the faults here are in the file, not between processes)."""

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        capsys.readouterr()
        status = cli.run(list(args))
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(list(args), status, out, err)

    return run


def _assert_one_line(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]


def _people(n: int, tag: str = "") -> list[ContactDTO]:
    return [
        ContactDTO(
            given_name=f"Person{i:05d}",
            family_name="Example",
            organization=f"Org {i % 40}",
            emails=(ContactPoint(f"p{i}@example.org"),),
            notes="met at the conference; " * 4,
            tags=(tag,) if tag else (),
        )
        for i in range(n)
    ]


@pytest.fixture(scope="module")
def whole_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed database of 3,000 contacts, checkpointed into one file (no WAL beside it)."""
    path = tmp_path_factory.mktemp("whole") / "netdesk.sqlite3"
    nd = open_netdesk(path)
    nd.imports.import_contacts(_people(3000), ImportReport())
    nd.close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def _copy_to(src: Path, folder: Path, name: str = "netdesk.sqlite3") -> Path:
    target = folder / name
    target.write_bytes(src.read_bytes())
    os.chmod(target, 0o600)
    return target


def _pages_of(path: Path, table: str) -> list[int]:
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT pageno FROM dbstat WHERE name = ? ORDER BY pageno", (table,))]


def _damage_btree_headers(path: Path, pages: list[int]) -> None:
    """Overwrite the b-tree page header of ``pages`` (what a torn write or a bad sector does)."""
    data = bytearray(path.read_bytes())
    for page in pages:
        offset = (page - 1) * PAGE
        data[offset : offset + 8] = b"\xff\x13\x37\xff\x00\x42\x99\x01"
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("table", ["contacts", "ix_contacts_sort_key", "contacts_fts_data"])
def test_a_damaged_database_is_refused_with_one_line_and_left_unchanged(
    whole_db: Path, tmp_path: Path, table: str, _cli: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    db = _copy_to(whole_db, tmp_path)
    pages = _pages_of(db, table)
    _damage_btree_headers(db, pages[len(pages) // 2 : len(pages) // 2 + 1])
    before = _sha(db)
    for command in (["list"], ["import", str(tmp_path / "x.vcf")]):
        (tmp_path / "x.vcf").write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:New Person\r\nEND:VCARD\r\n")
        result = _cli(*command, "--db", str(db))
        _assert_one_line(result, "is damaged", str(db))
        assert result.stdout == ""  # not a partial list that looks complete
    assert _sha(db) == before
    wal = db.with_name(db.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # a read-only check writes no page anywhere


def test_an_empty_file_and_a_foreign_file_are_refused_not_replaced(
    tmp_path: Path, _cli: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    _assert_one_line(_cli("list", "--db", str(empty)), "empty (0 bytes)")
    assert empty.read_bytes() == b""
    foreign = tmp_path / "notes.sqlite3"
    foreign.write_text("BEGIN:VCARD\nFN:Not a database\nEND:VCARD\n" * 50)
    before = _sha(foreign)
    _assert_one_line(_cli("import", "--db", str(foreign), str(foreign)), "not a NetDesk database")
    assert _sha(foreign) == before


@pytest.mark.parametrize("revision", ["9999_future", "0000_withdrawn"])
def test_an_unknown_schema_revision_is_reported_as_unknown_and_the_file_is_unchanged(
    whole_db: Path, tmp_path: Path, revision: str, _cli: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    db = _copy_to(whole_db, tmp_path)
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")  # as a NetDesk that does not use WAL might leave it
        conn.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    before = _sha(db)
    result = _cli("list", "--db", str(db))
    _assert_one_line(result, f"schema revision {revision!r} is unknown")
    assert _sha(db) == before  # not even switched to WAL
    with pytest.raises(DatabaseError, match="unknown"):
        open_netdesk(db)
    assert _sha(db) == before


def _damage_an_index(path: Path) -> None:
    """Change one key in an index leaf page: quick_check still passes, integrity_check finds the missing row."""
    page = _pages_of(path, "ix_contacts_sort_key")[1]
    data = bytearray(path.read_bytes())
    offset = (page - 1) * PAGE
    at = data.rfind(b"person", offset, offset + PAGE)
    assert at > 0
    data[at : at + 6] = b"qerson"
    path.write_bytes(bytes(data))


def test_the_daily_integrity_check_stops_every_write(whole_db: Path, tmp_path: Path) -> None:
    db = _copy_to(whole_db, tmp_path)
    _damage_an_index(db)
    nd = open_netdesk(db)  # quick_check does not compare indexes with tables: the open succeeds
    try:
        before = _sha(db)
        with pytest.raises(DamagedDatabaseError, match=r"integrity_check: row .* missing from index"):
            nd.daily_check()
        assert nd.writes_refused
        with pytest.raises(DamagedDatabaseError, match="no longer writes"):
            nd.contacts.create(ContactDTO(given_name="Late"))
        report = ImportReport()
        with pytest.raises(DamagedDatabaseError):
            nd.imports.import_contacts(_people(3, "late"), report)
        assert nd.contacts.count() == 3000  # reading still works
        assert nd.backups is not None and nd.backups.list() == []  # no backup of a damaged file was kept
    finally:
        nd.close()
    assert _sha(db) == before


def test_a_backup_that_fails_its_check_is_deleted_and_reported(whole_db: Path, tmp_path: Path) -> None:
    db = _copy_to(whole_db, tmp_path)
    _damage_an_index(db)
    nd = open_netdesk(db)
    try:
        assert nd.backups is not None
        stale = nd.backups.folder / "20200101-000000-000000-manual.sqlite3.tmp"
        nd.backups.folder.mkdir(parents=True, exist_ok=True)
        stale.write_bytes(b"")
        os.utime(stale, (time.time() - 7200, time.time() - 7200))
        with pytest.raises(DatabaseError, match=r"failed its integrity check .* was deleted"):
            nd.backups.create("manual")
        assert list(nd.backups.folder.iterdir()) == []  # neither the bad copy, its .tmp, nor the stale .tmp
    finally:
        nd.close()


def test_restore_refuses_a_byte_flipped_backup_and_the_live_database_stays_whole(
    nd: NetDesk, _cli: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    assert nd.backups is not None and nd.path is not None
    nd.imports.import_contacts(_people(2000), ImportReport())
    backup = nd.backups.create("manual").path
    data = bytearray(backup.read_bytes())
    for page in _pages_of(backup, "contacts")[2:4]:
        data[(page - 1) * PAGE + 3000] ^= 0xFF
        data[(page - 1) * PAGE + 2] ^= 0x5A
    backup.write_bytes(bytes(data))
    result = _cli("restore", "--db", str(nd.path), str(backup))
    _assert_one_line(result, "fails its integrity check", "refusing to restore")
    assert nd.contacts.count() == 2000
    with sqlite3.connect(nd.path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_restore_latest_over_a_damaged_database_keeps_the_damaged_file_aside(
    whole_db: Path, tmp_path: Path, _cli: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    db = _copy_to(whole_db, tmp_path)
    nd = open_netdesk(db)
    assert nd.backups is not None
    nd.backups.create("manual")
    nd.close()
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _damage_btree_headers(db, _pages_of(db, "contacts")[3:4])
    damaged = _sha(db)
    result = _cli("restore", "--db", str(db), "--latest")
    assert result.returncode == 0, result.stderr
    aside = [p for p in tmp_path.iterdir() if ".damaged-" in p.name and not p.name.endswith(("-wal", "-shm"))]
    assert len(aside) == 1 and _sha(aside[0]) == damaged
    listed = _cli("list", "--db", str(db), "--json")
    assert listed.returncode == 0 and listed.stdout.count('"uid"') == 3000


def test_restore_latest_passes_over_a_damaged_newer_backup(
    nd: NetDesk, _cli: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    assert nd.backups is not None and nd.path is not None
    nd.imports.import_contacts(_people(500), ImportReport())
    sound = nd.backups.create("manual").path
    nd.imports.import_contacts(_people(50, "later"), ImportReport())
    newer = nd.backups.create("manual").path
    data = bytearray(newer.read_bytes())
    data[(_pages_of(newer, "contacts")[1] - 1) * PAGE : (_pages_of(newer, "contacts")[1] - 1) * PAGE + 8] = b"\xff" * 8
    newer.write_bytes(bytes(data))
    result = _cli("restore", "--db", str(nd.path), "--latest")
    assert result.returncode == 0, result.stderr
    assert sound.name in result.stderr


def test_the_check_begun_before_the_imports_refuses_a_damaged_database_as_the_open_did(
    whole_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from netdesk import app
    from netdesk.db import health

    db = _copy_to(whole_db, tmp_path)
    pages = _pages_of(db, "contacts")
    _damage_btree_headers(db, pages[len(pages) // 2 : len(pages) // 2 + 1])
    before = _sha(db)
    assert app.main(["list", "--db", str(db)]) != 0  # the check ran on a thread while netdesk.cli was imported
    assert "is damaged" in capsys.readouterr().err
    assert _sha(db) == before
    assert not health._early  # taken by the open, or discarded: never left for a later open


def test_an_early_check_is_not_used_for_a_file_replaced_since(whole_db: Path, tmp_path: Path) -> None:
    from netdesk.db import health

    db = _copy_to(whole_db, tmp_path)
    health.begin_check(db, health.LOCK_TIMEOUT_S)  # a whole file, checked...
    health._early[db.absolute()].thread.join()
    replaced = _copy_to(whole_db, tmp_path, "replacement.sqlite3")
    pages = _pages_of(replaced, "contacts")
    _damage_btree_headers(replaced, pages[len(pages) // 2 : len(pages) // 2 + 1])
    os.replace(replaced, db)  # ...then replaced by a damaged one before the open
    with pytest.raises(DamagedDatabaseError):
        open_netdesk(db)
    health.begin_check(db, health.LOCK_TIMEOUT_S)
    health.discard_check(db)
    assert not health._early
