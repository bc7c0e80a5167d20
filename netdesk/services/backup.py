"""BackupService: consistent copies of the database (SQLite online backup API), kept N deep, and restore.

Backups are taken before every migration and import, once a day while the app runs, and on demand. A restore
first backs up the current state, so it can itself be undone.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from netdesk.core.errors import DatabaseError, NotFoundError
from netdesk.db.health import integrity_problem
from netdesk.paths import backup_dir

DEFAULT_KEEP = 10
_NAME = re.compile(r"^(?P<stamp>\d{8}-\d{6}-\d{6})-(?P<reason>[a-z-]+)\.sqlite3$")


@dataclass(frozen=True, slots=True)
class BackupInfo:
    path: Path
    created_at: datetime
    reason: str
    contact_count: int | None
    size_bytes: int


TMP_SUFFIX = ".tmp"
STALE_TMP_AGE = timedelta(hours=1)  # a backup still being written is younger than this


def _copy(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` with the online backup API: consistent even while another connection writes.

    The copy is checked with ``integrity_check`` before it takes its name; a copy that fails (a damaged database, a
    full disk) is deleted and reported, never left behind as a backup or a ``.tmp`` file.
    """
    tmp = target.with_name(target.name + TMP_SUFFIX)
    try:
        src = sqlite3.connect(source.absolute().as_uri() + "?mode=ro", uri=True)
        try:
            fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
            os.close(fd)
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")  # a backup is one self-contained file
            finally:
                dst.close()
        finally:
            src.close()
        problem = integrity_problem(tmp)
        if problem is not None:
            raise DatabaseError(
                f"the backup of {source} failed its integrity check ({problem}) and was deleted; "
                "the database itself may be damaged"
            )
        os.replace(tmp, target)
    except sqlite3.Error as exc:
        raise DatabaseError(f"backup of {source} failed ({exc}); nothing was kept") from exc
    except OSError as exc:
        raise DatabaseError(f"backup of {source} failed: {exc.strerror or exc}; nothing was kept") from exc
    finally:
        tmp.unlink(missing_ok=True)


def _contact_count(path: Path) -> int | None:
    try:
        conn = sqlite3.connect(path.absolute().as_uri() + "?mode=ro", uri=True)
        try:
            return int(conn.execute("SELECT count(*) FROM contacts WHERE deleted_at IS NULL").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return None


class BackupService:
    def __init__(self, db_path: Path, keep: int = DEFAULT_KEEP, before_restore: Callable[[], None] | None = None):
        self.db_path = db_path
        self.folder = backup_dir(db_path)
        self.keep = keep
        # Called before the database file is replaced (the app closes its connections there).
        self._before_restore = before_restore
        self._tighten()

    def _tighten(self) -> None:
        """Backups are as private as the database: the folder 0700, each file 0600 (older ones included)."""
        if not self.folder.is_dir() or not hasattr(os, "getuid"):
            return
        try:
            if self.folder.stat().st_uid == os.getuid():
                os.chmod(self.folder, 0o700)
            for p in self.folder.iterdir():
                if p.is_file() and p.stat().st_uid == os.getuid() and p.stat().st_mode & 0o077:
                    os.chmod(p, 0o600)
        except OSError:
            pass

    def clean_stale(self) -> list[Path]:
        """Delete ``.tmp`` files left by a backup that was interrupted (older than an hour); returns them."""
        removed: list[Path] = []
        if not self.folder.is_dir():
            return removed
        cutoff = (datetime.now() - STALE_TMP_AGE).timestamp()
        for p in self.folder.glob(f"*.sqlite3{TMP_SUFFIX}"):
            try:
                if p.stat().st_mtime < cutoff:
                    p.unlink()
                    removed.append(p)
            except OSError:
                pass
        return removed

    def create(self, reason: str = "manual") -> BackupInfo:
        reason = re.sub(r"[^a-z-]", "-", reason.lower()) or "manual"
        if not self.db_path.exists():
            raise NotFoundError(f"no database at {self.db_path}")
        self.folder.mkdir(parents=True, exist_ok=True)
        os.chmod(self.folder, 0o700)
        self.clean_stale()
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        target = self.folder / f"{stamp}-{reason}.sqlite3"
        _copy(self.db_path, target)
        self.prune()
        return self._info(target)

    def list(self) -> list[BackupInfo]:
        """Backups, newest first."""
        if not self.folder.is_dir():
            return []
        infos = [self._info(p) for p in self.folder.iterdir() if _NAME.match(p.name)]
        return sorted(infos, key=lambda b: b.path.name, reverse=True)

    def prune(self) -> None:
        for old in self.list()[self.keep :]:
            old.path.unlink(missing_ok=True)

    def latest_age(self) -> timedelta | None:
        backups = self.list()
        return datetime.now() - backups[0].created_at if backups else None

    def daily_due(self) -> bool:
        age = self.latest_age()
        return age is None or age >= timedelta(days=1)

    def daily(self) -> BackupInfo | None:
        """A backup when the newest is older than a day (called periodically by the app)."""
        return self.create("daily") if self.daily_due() else None

    def newest_sound(self, skip_reasons: tuple[str, ...] = ()) -> BackupInfo | None:
        """The newest backup that passes ``integrity_check`` (what to offer when the database is damaged)."""
        for info in self.list():
            if info.reason not in skip_reasons and integrity_problem(info.path) is None:
                return info
        return None

    def _check_restorable(self, backup: Path) -> None:
        if backup.is_file() and not _NAME.match(backup.name):
            raise NotFoundError(
                f"{backup} is not one of NetDesk's backups (named like 20250101-120000-000000-manual.sqlite3; "
                "`netdesk backup --list` lists them)"
            )
        if not backup.is_file():
            raise NotFoundError(f"no backup at {backup}")
        problem = integrity_problem(backup)
        if problem is not None:
            raise DatabaseError(f"{backup.name} fails its integrity check ({problem}); refusing to restore it")
        if _contact_count(backup) is None:
            raise DatabaseError(f"{backup.name} is not a readable NetDesk backup")

    def restore_over_damaged(self, backup: Path) -> Path:
        """Put ``backup`` in place of a damaged database, which is moved aside (returned), never deleted."""
        self._check_restorable(backup)
        if self._before_restore is not None:
            self._before_restore()
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = self.db_path.with_name(f"{self.db_path.name}.damaged-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            side = self.db_path.with_name(self.db_path.name + suffix)
            if side.exists():
                os.replace(side, aside.with_name(aside.name + suffix))
        _copy(backup, self.db_path.with_name(self.db_path.name))
        return aside

    def restore(self, backup: Path) -> BackupInfo:
        """Replace the database with ``backup``; the current state is backed up first (returned)."""
        self._check_restorable(backup)
        safety = self.create("before-restore")
        if self._before_restore is not None:
            self._before_restore()
        # Writing through the backup API into the live file keeps WAL state and other handles consistent.
        src = sqlite3.connect(backup.absolute().as_uri() + "?mode=ro", uri=True)
        dst = sqlite3.connect(self.db_path)
        try:
            src.backup(dst)
        finally:
            src.close()
            dst.close()
        return safety

    @staticmethod
    def _info(path: Path) -> BackupInfo:
        m = _NAME.match(path.name)
        assert m is not None
        return BackupInfo(
            path=path,
            created_at=datetime.strptime(m.group("stamp"), "%Y%m%d-%H%M%S-%f"),
            reason=m.group("reason"),
            contact_count=_contact_count(path),
            size_bytes=path.stat().st_size,
        )
