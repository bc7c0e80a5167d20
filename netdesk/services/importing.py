"""ImportService: turns what the io readers parsed into contacts, matching and merging with what is there.

Each import runs in one transaction: a failure or a cancel leaves the database exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from netdesk.core.changes import ChangeSet, Written
from netdesk.core.model import ContactDTO
from netdesk.db.engine import write_transaction
from netdesk.io import linkedin
from netdesk.io.report import ImportReport
from netdesk.services.collector import paused_collector
from netdesk.services.contact_import import BatchResult, ImportCancelled, MatchKeys, import_contacts_in
from netdesk.services.formats import CancelCheck, Progress, read_paths
from netdesk.services.linkedin_import import import_linkedin


def _import_changes(
    contact_ids: Sequence[int], interaction_ids: Sequence[int], report: ImportReport, files: int = 0
) -> ChangeSet:
    if not (contact_ids or interaction_ids):
        return ChangeSet()
    what = f"import of {files} files" if files > 1 else "import"
    return ChangeSet(
        contacts=frozenset(contact_ids),
        interactions=frozenset(interaction_ids),
        tags=True,
        networking=True,
        goals=True,
        label=what,
    )


class ImportService:
    def __init__(self, sessions: sessionmaker[Session], before_import: Callable[[], None] | None = None) -> None:
        self._sessions = sessions
        # Runs before a file import takes the write lock (the app takes a backup there), on a thread of its own while
        # a LinkedIn export is read.
        self._before_import = before_import

    # --- contacts ------------------------------------------------------------------------------------------

    def import_contacts(
        self,
        contacts: Sequence[ContactDTO],
        report: ImportReport,
        *,
        source: str = "import",
        match_names: bool = False,
        progress: Progress | None = None,
        cancel: CancelCheck | None = None,
    ) -> Written[BatchResult]:
        """Import parsed contacts in one transaction (see ``import_contacts_in``)."""
        try:
            with write_transaction(self._sessions) as s:
                result = import_contacts_in(
                    s, contacts, report, source=source, match_names=match_names, progress=progress, cancel=cancel
                )
        except ImportCancelled:
            report.cancelled = True
            return Written(BatchResult([None] * len(contacts)))
        return Written(result, _import_changes([i for i in result.ids if i is not None], result.interactions, report))

    # --- files ---------------------------------------------------------------------------------------------

    def import_paths(
        self,
        paths: Sequence[Path],
        *,
        progress: Progress | None = None,
        cancel: CancelCheck | None = None,
    ) -> Written[ImportReport]:
        """Import files and folders, recognising each format from its content, in one transaction."""
        with paused_collector():
            return self._import_paths(paths, progress, cancel)

    def _import_paths(
        self, paths: Sequence[Path], progress: Progress | None, cancel: CancelCheck | None
    ) -> Written[ImportReport]:
        # Imported when needed: the streamed import brings its worker pool and parser along.
        from netdesk.services.import_stream import ChangedContacts, import_changes, import_vcard_stream

        report = ImportReport()
        parsed = read_paths(paths, report, progress=progress, cancel=cancel, defer_vcard_files=True)
        if report.cancelled or not (parsed.contacts or parsed.linkedin_paths or parsed.vcard_paths):
            return Written(report)
        export = self._read_linkedin_while_backing_up(parsed.linkedin_paths, report)
        changed = ChangedContacts()
        interaction_ids: list[int] = []
        try:
            # Matching and writing under the write lock: an import running at the same time in another process
            # waits, then matches against what this one wrote (the same file twice gives "unchanged" the second time).
            with write_transaction(self._sessions) as s:
                if parsed.contacts:
                    result = import_contacts_in(s, parsed.contacts, report, progress=progress, cancel=cancel)
                    changed.add([i for i in result.ids if i is not None])
                    interaction_ids += result.interactions
                for path in parsed.vcard_paths:
                    import_vcard_stream(s, path, report, changed, progress=progress, cancel=cancel)
                if export is not None:
                    people, added = import_linkedin(s, export, report, progress=progress, cancel=cancel)
                    changed.add(people)
                    interaction_ids += added
                # Possible duplicates among what came in, kept for the review (never merged silently).
                from netdesk.services.duplicates import record_suggestions

                report.duplicates_found = record_suggestions(s, changed.ids, "import")  # none after a huge import
        except ImportCancelled:
            cancelled = ImportReport(errors=report.errors, unreadable_files=report.unreadable_files, cancelled=True)
            return Written(cancelled)
        return Written(report, import_changes(changed, interaction_ids + changed.interactions, len(paths)))

    def _read_linkedin_while_backing_up(
        self, paths: Sequence[Path], report: ImportReport
    ) -> linkedin.LinkedInExport | None:
        """Back up before the import and, meanwhile, read the LinkedIn export at ``paths`` (None when there is none).

        The backup is SQLite's C code (the online backup, then ``integrity_check``), which leaves the interpreter lock
        to the reader's Python: on a second core it costs no time while the export is read (1.5-2.4 s at 30,000
        contacts). Both are done before the write lock is taken: a backup during the import's transaction would
        hold the lock for as long as the backup takes, for every writer waiting (the window's edits included)."""
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="backup-before-import") as pool:
            backup = pool.submit(self._before_import) if self._before_import is not None else None
            export = linkedin.read_linkedin(paths, report) if paths else None
            if backup is not None:
                backup.result()  # a failed backup stops the import, as before
        return export


__all__ = [
    "BatchResult",
    "CancelCheck",
    "ImportCancelled",
    "ImportReport",
    "ImportService",
    "MatchKeys",
    "Progress",
    "import_contacts_in",
]
