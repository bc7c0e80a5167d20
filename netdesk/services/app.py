"""The service facade: opens (and upgrades) a database and hands out the services over it."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from netdesk.core.errors import DamagedDatabaseError, DatabaseError
from netdesk.db.engine import create_db_engine, refuse_writes, session_factory, writes_refused
from netdesk.db.health import FileState, damaged_message, integrity_problem
from netdesk.db.migrate import schema_refusal, upgrade_database
from netdesk.services.backup import BackupService
from netdesk.services.communities import CommunityService
from netdesk.services.contacts import ContactService
from netdesk.services.contributions import ContributionService
from netdesk.services.duplicates import DuplicateService
from netdesk.services.external_changes import ExternalChangeWatcher
from netdesk.services.followups import FollowupService
from netdesk.services.goal_targets import GoalTargetService
from netdesk.services.introductions import IntroductionService
from netdesk.services.invitations import InvitationService
from netdesk.services.networking import NetworkingService
from netdesk.services.notes import NoteService
from netdesk.services.offers import OffersService
from netdesk.services.owner import OwnerService
from netdesk.services.settings_store import SettingsService
from netdesk.services.timeline import TimelineService
from netdesk.services.undo import UndoJournal

if TYPE_CHECKING:
    from netdesk.services.exporting import ExportService
    from netdesk.services.importing import ImportService
    from netdesk.services.network_json import NetworkJsonService
    from netdesk.services.sync_accounts import SyncService


class NetDesk:
    """Everything the front ends may use, over one database."""

    def __init__(self, engine: Engine, path: Path | None) -> None:
        self.engine = engine
        self.path = path
        self.sessions = session_factory(engine)
        self.undo = UndoJournal(engine, self.sessions)
        self.contacts = ContactService(self.sessions)
        self.timeline = TimelineService(self.sessions)
        self.networking = NetworkingService(self.sessions, self.timeline)
        self.followups = FollowupService(self.sessions)
        self.invitations = InvitationService(self.sessions)
        self.notes = NoteService(self.sessions)
        # What other processes write to the file (the window polls it; see services/external_changes.py).
        self.external_changes = ExternalChangeWatcher(path)
        self.backups = BackupService(path, before_restore=self._before_restore) if path is not None else None
        self.duplicates = DuplicateService(self.sessions)  # the duplicates review (issue 13)
        # The essays' practices as records (issue 15).
        self.owner = OwnerService(self.sessions)
        self.introductions = IntroductionService(self.sessions)
        self.communities = CommunityService(self.sessions)
        self.contributions = ContributionService(self.sessions)
        self.offers = OffersService(self.sessions)
        self.goal_targets = GoalTargetService(self.sessions)
        self.settings = SettingsService(self.sessions)
        self.settings.apply()  # this database's phone region (US until one is set)

    # Made on first use, with their modules: the file formats (vobject, ijson) and CardDAV (defusedxml) are not
    # imported before the app's list shows, nor by a command that does not use them.

    @cached_property
    def imports(self) -> ImportService:
        from netdesk.services.importing import ImportService

        return ImportService(self.sessions, before_import=self._backup_before_import)

    @cached_property
    def exports(self) -> ExportService:
        from netdesk.services.exporting import ExportService

        return ExportService(self.sessions)

    @cached_property
    def network(self) -> NetworkJsonService:
        from netdesk.services.network_json import NetworkJsonService

        return NetworkJsonService(self.sessions)

    @cached_property
    def sync(self) -> SyncService:
        """CardDAV: opens connections only when asked to sync an account."""
        from netdesk.services.sync_accounts import SyncService

        return SyncService(self.sessions)

    def _before_restore(self) -> None:
        self.engine.dispose()
        self.external_changes.close()  # the restored file is another file: the watcher opens it afresh

    def _backup_before_import(self) -> None:
        if self.backups is not None and self.contacts.has_contacts():
            self.backups.create("before-import")

    def check_integrity(self) -> str | None:
        """Run ``integrity_check`` (the app does daily, off the GUI thread). On a failure every later write is
        refused, and the one-line problem is returned; None when the database is whole (or in memory)."""
        if self.path is None:
            return None
        problem = integrity_problem(self.path)
        if problem is None:
            return None
        refuse_writes(self.engine)
        return damaged_message(self.path, f"integrity_check: {problem}")

    def daily_check(self) -> None:
        """Once a day (the app calls it hourly, off the GUI thread): ``integrity_check``, then the daily backup.

        A failed check raises DamagedDatabaseError (one line) and every later write is refused.
        """
        if self.backups is None or not self.backups.daily_due():
            return
        problem = self.check_integrity()
        if problem is not None:
            raise DamagedDatabaseError(problem, self.path)
        self.backups.create("daily")

    @property
    def writes_refused(self) -> bool:
        return writes_refused(self.engine)

    def close(self) -> None:
        self.external_changes.close()
        self.engine.dispose()


def open_netdesk(path: Path | str) -> NetDesk:
    """Open the database at ``path`` (":memory:" for a throw-away one), creating or upgrading its schema.

    A damaged, empty or foreign file, or one with an unknown schema, is refused (DatabaseError, one line) unchanged.
    An existing database is backed up before its schema is upgraded.
    """
    checked: list[FileState | None] = []
    engine = create_db_engine(path, state=checked)
    file_path = None if str(path) == ":memory:" else Path(path).expanduser()
    try:
        # Before the first connection switches the file to WAL: a refused database stays byte-for-byte unchanged.
        if checked and checked[0] is not None:
            refusal = schema_refusal(checked[0].revision, checked[0].has_contacts)
            if refusal is not None:
                raise DatabaseError(f"cannot open {file_path}: {refusal}")
        backups = BackupService(file_path) if file_path is not None else None

        def backup_before_migration() -> None:
            if backups is not None:
                backups.create("before-migration")

        upgrade_database(engine, before_upgrade=backup_before_migration)
    except Exception:
        engine.dispose()
        raise
    return NetDesk(engine, file_path)
