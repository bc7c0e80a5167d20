"""ExportService: writes contacts (all, a selection or a search/tag filter) as vCard 3.0/4.0, a vdir or CSV.

Streamed: the contacts are read and rendered a batch at a time (``bulk_reads.render_batches``) and each batch is
written as it comes, so memory stays flat however large the
network. A file is written to a temporary name and renamed into place at the end (an interrupted export leaves the
target as it was); a vdir is written as ``vdir.open_vdir_writer`` says (a new folder whole, else file by file).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any, cast

from sqlalchemy.orm import Session, sessionmaker

from netdesk.core.errors import NetDeskError
from netdesk.db import bulk
from netdesk.io import netdesk_csv, vcard, vdir
from netdesk.io.atomic import atomic_open
from netdesk.services.bulk_reads import BatchFact, Render, Rendered, render_batches
from netdesk.services.collector import paused_collector
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
        workers: int = 1,
    ) -> int:
        """Write the chosen contacts; returns how many were written.

        ``ids`` selects contacts explicitly; otherwise the search ``query`` and ``tag`` do (all when both are empty).
        ``workers``: processes that read and render (1: this process alone; see ``bulk_reads.render_batches``).
        """
        fmt = ExportFormat(fmt)
        facts: dict[str, BatchFact] = {}
        if fmt is ExportFormat.VDIR:
            render: Render[Any] = functools.partial(vdir.render_vdir_files, version=version_for_vdir)
            facts[vdir.VDIR_FACT] = _VdirNames(vdir.existing_card_files(target))
        elif fmt is ExportFormat.CSV:
            render = netdesk_csv.render_csv_rows
        else:
            render = functools.partial(vcard.render_cards, version="4.0" if fmt is ExportFormat.VCARD4 else "3.0")
        # Hundreds of thousands of short-lived objects without cycles (rows, DTOs, lines): the cyclic collector
        # would walk each batch's again and again (a fifth of an export's time); reference counting frees them.
        try:
            with paused_collector():
                batches = render_batches(
                    self._sessions, render, ids=ids, query=query, tag=tag, facts=facts, workers=workers
                )
                if fmt is ExportFormat.VDIR:
                    return _write_files(target, _reporting(batches, progress))
                with atomic_open(target, "wb") as out:
                    if fmt is ExportFormat.CSV:
                        out.write(netdesk_csv.csv_header_bytes())
                    count = 0
                    for batch in _reporting(batches, progress):
                        out.write(batch.value)
                        count += batch.count
                return count
        except OSError as exc:
            raise NetDeskError(f"cannot write {target}: {exc.strerror or exc}") from exc


def _write_files(folder: Path, batches: Iterator[Rendered[object]]) -> int:
    """A vdir's files, written by a helper (process or threads) while the next batch renders."""
    count = 0
    with vdir.open_vdir_writer(folder) as files:
        for batch in batches:
            files.add(cast(list[tuple[str, bytes]], batch.value))
            count += batch.count
    return count


def _reporting(batches: Iterator[Rendered[object]], progress: Progress | None) -> Iterator[Rendered[object]]:
    for batch in batches:
        if progress is not None:
            progress(batch.done, batch.total, "exporting")
        yield batch


class _VdirNames:
    """The vdir fact: each contact's file name (from its UID, unique in this export) and UID, planned in the
    exporting process in list order, so that workers writing in parallel never pick the same name.

    Names given are remembered (to give a clashing one a suffix) only when some UIDs in the database could clash:
    usually none can, and the export then holds no list of 100,000 names.
    """

    def __init__(self, existing: Mapping[str, str] | None = None) -> None:
        # The cards already in the folder (UID -> file name): each keeps its file, and no other card takes its name.
        self._existing = dict(existing or {})
        self._used: set[str] | None = {name.lower() for name in self._existing.values()} if self._existing else None
        self._checked = False

    def __call__(self, session: Session, ids: Sequence[int]) -> Mapping[int, object]:
        if not self._checked:
            self._checked = True
            if self._used is None and vdir.file_names_may_clash(bulk.iter_every_uid(session)):
                self._used = set()
        uids = bulk.uids_of(session, ids)
        present = [i for i in ids if i in uids]
        # Without clashes, a batch's own names are all there is to avoid (a UID-less contact gets a fresh UUID).
        used = self._used if self._used is not None else set()
        planned = vdir.plan_file_names((uids[i] for i in present), used, self._existing)
        return dict(zip(present, planned, strict=True))
