"""The service facade: opens (and upgrades) a database and hands out the services over it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from netdesk.db.engine import create_db_engine, session_factory
from netdesk.db.migrate import upgrade_database
from netdesk.services.backup import BackupService
from netdesk.services.communities import CommunityService
from netdesk.services.contacts import ContactService
from netdesk.services.contributions import ContributionService
from netdesk.services.exporting import ExportService
from netdesk.services.goal_targets import GoalTargetService
from netdesk.services.importing import ImportService
from netdesk.services.introductions import IntroductionService
from netdesk.services.network_json import NetworkJsonService
from netdesk.services.networking import NetworkingService
from netdesk.services.offers import OffersService
from netdesk.services.owner import OwnerService
from netdesk.services.timeline import TimelineService


class NetDesk:
    """Everything the front ends may use, over one database."""

    def __init__(self, engine: Engine, path: Path | None) -> None:
        self.engine = engine
        self.path = path
        self.sessions = session_factory(engine)
        self.contacts = ContactService(self.sessions)
        self.timeline = TimelineService(self.sessions)
        self.networking = NetworkingService(self.sessions, self.timeline)
        self.backups = BackupService(path, before_restore=engine.dispose) if path is not None else None
        self.imports = ImportService(self.sessions, before_import=self._backup_before_import)
        self.exports = ExportService(self.sessions)
        # The essays' practices as records (issue 15).
        self.owner = OwnerService(self.sessions)
        self.introductions = IntroductionService(self.sessions)
        self.communities = CommunityService(self.sessions)
        self.contributions = ContributionService(self.sessions)
        self.offers = OffersService(self.sessions)
        self.goal_targets = GoalTargetService(self.sessions)
        self.network = NetworkJsonService(self.sessions)

    def _backup_before_import(self) -> None:
        if self.backups is not None and self.contacts.count() > 0:
            self.backups.create("before-import")

    def close(self) -> None:
        self.engine.dispose()


def open_netdesk(path: Path | str) -> NetDesk:
    """Open the database at ``path`` (":memory:" for a throw-away one), creating or upgrading its schema.

    An existing database is backed up before its schema is upgraded.
    """
    engine = create_db_engine(path)
    file_path = None if str(path) == ":memory:" else Path(path)
    try:
        backups = BackupService(file_path) if file_path is not None else None

        def backup_before_migration() -> None:
            if backups is not None:
                backups.create("before-migration")

        upgrade_database(engine, before_upgrade=backup_before_migration)
    except Exception:
        engine.dispose()
        raise
    return NetDesk(engine, file_path)
