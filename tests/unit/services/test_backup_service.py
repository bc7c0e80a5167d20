import shutil
import sqlite3
import stat
import threading
from pathlib import Path

import pytest

from netdesk.core.errors import DatabaseError, NotFoundError
from netdesk.core.model import ContactDTO
from netdesk.services import NetDesk, open_netdesk


def _names(nd: NetDesk) -> list[str]:
    return [r.name for r in nd.contacts.rows()]


def test_backup_then_restore_brings_back_the_old_state(nd: NetDesk) -> None:
    assert nd.backups is not None
    nd.contacts.create(ContactDTO(given_name="Ada"))
    first = nd.backups.create("manual")
    nd.contacts.create(ContactDTO(given_name="Bob"))
    assert first.contact_count == 1 and first.reason == "manual"
    assert stat.S_IMODE(first.path.stat().st_mode) == 0o600

    safety = nd.backups.restore(first.path)
    assert safety.reason == "before-restore" and safety.contact_count == 2
    reopened = open_netdesk(nd.path)  # type: ignore[arg-type]
    assert _names(reopened) == ["Ada"]
    assert reopened.contacts.search_ids("ada") != []  # the full-text index came back too
    reopened.close()


def test_backups_are_listed_newest_first_and_pruned(nd: NetDesk) -> None:
    assert nd.backups is not None
    nd.backups.keep = 3
    nd.contacts.create(ContactDTO(given_name="Ada"))
    made = [nd.backups.create("manual").path for _ in range(5)]
    listed = [b.path for b in nd.backups.list()]
    assert listed == list(reversed(made))[:3]


def test_backup_is_consistent_while_another_thread_writes(nd: NetDesk) -> None:
    assert nd.backups is not None
    stop = threading.Event()

    def writer() -> None:
        n = 0
        while not stop.is_set():
            nd.contacts.create(ContactDTO(given_name=f"W{n}"))
            n += 1

    t = threading.Thread(target=writer)
    t.start()
    try:
        backups = [nd.backups.create("manual") for _ in range(3)]
    finally:
        stop.set()
        t.join()
    for b in backups:
        with sqlite3.connect(b.path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_daily_backup_only_once_a_day(nd: NetDesk) -> None:
    assert nd.backups is not None
    assert nd.backups.daily() is not None
    assert nd.backups.daily() is None


def test_restoring_garbage_is_refused(nd: NetDesk, tmp_path: Path) -> None:
    assert nd.backups is not None
    nd.backups.folder.mkdir(parents=True, exist_ok=True)
    bad = nd.backups.folder / "20250101-000000-000000-manual.sqlite3"
    bad.write_bytes(b"not a database")
    with pytest.raises(DatabaseError):
        nd.backups.restore(bad)


def test_a_file_that_is_no_backup_is_named_as_such(nd: NetDesk, tmp_path: Path) -> None:
    # A copy of a database under its own name is there, yet the refusal said "no backup at" it.
    assert nd.backups is not None
    nd.contacts.create(ContactDTO(given_name="Ada"))
    copy = tmp_path / "work-copy.sqlite3"
    shutil.copy(nd.backups.create("manual").path, copy)
    with pytest.raises(NotFoundError, match=r"work-copy\.sqlite3 is not one of NetDesk's backups \(named like "):
        nd.backups.restore(copy)
    with pytest.raises(NotFoundError, match=r"^no backup at .*/20250101-000000-000000-manual\.sqlite3$"):
        nd.backups.restore(tmp_path / "20250101-000000-000000-manual.sqlite3")  # named like one, not there
    assert _names(nd) == ["Ada"]


def test_import_and_migration_take_backups(tmp_path: Path) -> None:
    db = tmp_path / "x.sqlite3"
    nd = open_netdesk(db)
    assert nd.backups is not None and nd.backups.list() == []  # a new database has nothing to protect
    nd.contacts.create(ContactDTO(given_name="Ada"))
    card = tmp_path / "c.vcf"
    card.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bob\r\nN:;Bob;;;\r\nEND:VCARD\r\n")
    nd.imports.import_paths([card])
    assert [b.reason for b in nd.backups.list()] == ["before-import"]
    nd.close()
    old = tmp_path / "old.sqlite3"  # a database of the first schema, holding data
    shutil.copy(Path(__file__).resolve().parents[2] / "data" / "migrations" / "schema-0001.sqlite3", old)
    nd = open_netdesk(old)
    assert nd.backups is not None and [b.reason for b in nd.backups.list()] == ["before-migration"]
    nd.close()


LINKEDIN = Path(__file__).resolve().parents[2] / "data" / "linkedin"


def _write_lock_taken(db: Path) -> bool:
    probe = sqlite3.connect(db, timeout=0)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.rollback()
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()


def test_the_backup_before_a_linkedin_import_is_taken_beside_the_read_before_the_write_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The backup runs on a thread while the export is read, and is done before the import takes the write lock (a
    backup inside the import's transaction would keep every other writer waiting for it)."""
    nd = open_netdesk(tmp_path / "x.sqlite3")
    nd.contacts.create(ContactDTO(given_name="Ada"))
    assert nd.backups is not None and nd.path is not None
    real_create = nd.backups.create
    lock_held: list[bool] = []
    threads: list[str] = []

    def create(reason: str = "manual") -> object:
        lock_held.append(_write_lock_taken(nd.path))  # type: ignore[arg-type]
        threads.append(threading.current_thread().name)
        return real_create(reason)

    monkeypatch.setattr(nd.backups, "create", create)
    report = nd.imports.import_paths([LINKEDIN]).value
    assert report.created and lock_held == [False]
    assert threads != [threading.main_thread().name]
    [backup] = nd.backups.list()
    assert backup.reason == "before-import" and backup.contact_count == 1
    assert nd.contacts.count() == 1 + len(report.created)
    nd.close()


def test_a_failed_backup_stops_a_linkedin_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nd = open_netdesk(tmp_path / "x.sqlite3")
    nd.contacts.create(ContactDTO(given_name="Ada"))
    assert nd.backups is not None

    def fail(reason: str = "manual") -> None:
        raise DatabaseError("the disk is full")

    monkeypatch.setattr(nd.backups, "create", fail)
    with pytest.raises(DatabaseError, match="disk is full"):
        nd.imports.import_paths([LINKEDIN])
    assert _names(nd) == ["Ada"]  # nothing imported without its backup
    nd.close()
