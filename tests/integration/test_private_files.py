"""Private by construction: the database, its WAL/SHM and backups 0600 (old 0644 files tightened on open), the
settings file 0600, a vdir export folder 0700, whatever the umask."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from PySide6.QtCore import QSettings

from netdesk.core.model import ContactDTO
from netdesk.services import open_netdesk
from netdesk.ui.application import make_settings_private


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_an_old_world_readable_database_and_its_backups_are_tightened_on_open(tmp_path: Path) -> None:
    db = tmp_path / "netdesk.sqlite3"
    nd = open_netdesk(db)
    nd.contacts.create(ContactDTO(given_name="Ada"))
    assert nd.backups is not None
    backup = nd.backups.create("manual").path
    nd.close()
    os.chmod(db, 0o644)
    os.chmod(backup, 0o644)
    os.chmod(backup.parent, 0o755)
    nd = open_netdesk(db)
    try:
        nd.contacts.create(ContactDTO(given_name="Bob"))  # the WAL and SHM exist now
        sides = [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]
        assert all(p.exists() for p in sides)
        assert [_mode(p) for p in sides] == [0o600, 0o600, 0o600]
        assert _mode(backup) == 0o600 and _mode(backup.parent) == 0o700
    finally:
        nd.close()


def test_the_settings_file_is_created_private_and_stays_so(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    old_umask = os.umask(0o022)
    try:
        fresh = tmp_path / "config" / "NetDesk" / "NetDesk.conf"
        make_settings_private(str(fresh))
        settings = QSettings(str(fresh), QSettings.Format.IniFormat)
        settings.setValue("database/last", "/home/me/contacts.sqlite3")
        settings.sync()
        assert _mode(fresh) == 0o600 and _mode(fresh.parent) == 0o700
        old = tmp_path / "old.conf"
        old.write_text("[database]\nlast=/x\n")
        os.chmod(old, 0o644)
        make_settings_private(str(old))
        assert _mode(old) == 0o600
    finally:
        os.umask(old_umask)


def test_a_vdir_export_folder_is_private_whatever_the_umask(tmp_path: Path) -> None:
    nd = open_netdesk(tmp_path / "netdesk.sqlite3")
    nd.contacts.create(ContactDTO(given_name="Ada", family_name="Lovelace"))
    old_umask = os.umask(0o002)
    try:
        assert nd.exports.export("vdir", tmp_path / "export" / "contacts") == 1
    finally:
        os.umask(old_umask)
        nd.close()
    folder = tmp_path / "export" / "contacts"
    assert _mode(folder) == 0o700
    assert [_mode(p) for p in folder.iterdir()] == [0o600]
