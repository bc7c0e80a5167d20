"""ExportService: writes contacts (all, a selection or a search/tag filter) as vCard 3.0/4.0, a vdir or CSV."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from netdesk.core.errors import NetDeskError
from netdesk.db import repository as repo
from netdesk.io import contact_csv, vcard, vdir
from netdesk.services.formats import Progress


class ExportFormat(StrEnum):
    VCARD3 = "vcard3"
    VCARD4 = "vcard4"
    VDIR = "vdir"
    CSV = "csv"

    @property
    def label(self) -> str:
        return {
            "vcard3": "vCard 3.0 file",
            "vcard4": "vCard 4.0 file",
            "vdir": "vdir folder (one .vcf per contact)",
            "csv": "CSV file",
        }[self.value]


class ExportService:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def export(
        self,
        fmt: ExportFormat | str,
        target: Path,
        *,
        ids: Sequence[int] | None = None,
        query: str = "",
        tag: str | None = None,
        version_for_vdir: str = "3.0",
        progress: Progress | None = None,
    ) -> int:
        """Write the chosen contacts; returns how many were written.

        ``ids`` selects contacts explicitly; otherwise the search ``query`` and ``tag`` do (all when both are empty).
        """
        fmt = ExportFormat(fmt)
        with self._sessions() as s:
            chosen = list(ids) if ids is not None else repo.search_ids(s, query, tag)
            contacts = []
            for start in range(0, len(chosen), 2000):
                contacts += repo.load_dtos(s, chosen[start : start + 2000])
                if progress is not None:
                    progress(len(contacts), len(chosen), "reading")
        try:
            if fmt is ExportFormat.VDIR:
                vdir.make_private_folder(target)
                return vdir.write_vdir(contacts, target, version_for_vdir)
            if fmt is ExportFormat.CSV:
                return contact_csv.write_contact_csv(contacts, target)
            return vcard.write_vcard_file(contacts, target, "4.0" if fmt is ExportFormat.VCARD4 else "3.0")
        except OSError as exc:
            raise NetDeskError(f"cannot write {target}: {exc.strerror or exc}") from exc
