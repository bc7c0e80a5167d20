"""Recognises what a file or folder holds, from its content, and hands it to the right io reader."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from netdesk.core.model import ContactDTO
from netdesk.io.report import ImportReport

Progress = Callable[[int, int, str], None]
CancelCheck = Callable[[], bool]

SNIFF_BYTES = 64 * 1024


@dataclass
class ParsedInput:
    contacts: list[ContactDTO] = field(default_factory=list)
    linkedin_paths: list[Path] = field(default_factory=list)


def _head(path: Path) -> bytes:
    with path.open("rb") as f:
        return f.read(SNIFF_BYTES)


def read_paths(
    paths: Sequence[Path],
    report: ImportReport,
    *,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> ParsedInput:
    """Parse every path into contacts (vCard files, folders of .vcf, contact CSVs).

    LinkedIn exports are collected in ``linkedin_paths`` for the LinkedIn importer, which also needs the database.
    A path that is no supported format is listed in ``report.unreadable_files`` with an error.
    """
    from netdesk.io import vcard, vdir

    result = ParsedInput()
    for n, path in enumerate(paths):
        if cancel is not None and cancel():
            report.cancelled = True
            return result
        if progress is not None:
            progress(n, len(paths), f"reading {path.name}")
        name = str(path)
        try:
            if path.is_dir():
                if _is_linkedin_folder(path):
                    result.linkedin_paths.append(path)
                elif vdir.is_vdir(path):
                    result.contacts += vdir.read_vcard_folder(path, report)
                else:
                    report.error(name, None, "folder holds no .vcf files")
                    report.unreadable_files.append(name)
                continue
            head = _head(path)
            if not head.strip():
                report.error(name, None, "file is empty")
                continue
            if vcard.looks_like_vcard(head):
                result.contacts += vcard.read_vcard_file(path, report)
            elif zipfile.is_zipfile(path):
                if _is_linkedin_zip(path):
                    result.linkedin_paths.append(path)
                else:
                    report.error(name, None, "ZIP archive is not a LinkedIn data export")
                    report.unreadable_files.append(name)
            elif _is_linkedin_csv(head):
                result.linkedin_paths.append(path)
            elif (kind := _contact_csv_kind(head)) is not None:
                from netdesk.io import contact_csv

                del kind
                result.contacts += contact_csv.read_contact_csv(path, report)
            else:
                report.error(name, None, "not a vCard, LinkedIn export or contact CSV file")
                report.unreadable_files.append(name)
        except FileNotFoundError:
            report.error(name, None, "file not found")
            report.unreadable_files.append(name)
        except PermissionError:
            report.error(name, None, "permission denied")
            report.unreadable_files.append(name)
        except IsADirectoryError:
            report.error(name, None, "is a folder")
            report.unreadable_files.append(name)
        except OSError as exc:
            report.error(name, None, f"cannot read: {exc.strerror or exc}")
            report.unreadable_files.append(name)
    return result


def _is_linkedin_folder(path: Path) -> bool:
    return any((path / n).is_file() for n in ("Connections.csv", "connections.csv"))


def _is_linkedin_zip(path: Path) -> bool:
    try:
        from netdesk.io import linkedin
    except ImportError:
        return False
    return linkedin.is_linkedin_zip(path)


def _is_linkedin_csv(head: bytes) -> bool:
    try:
        from netdesk.io import linkedin
    except ImportError:
        return False
    return linkedin.is_linkedin_csv(head)


def _contact_csv_kind(head: bytes) -> str | None:
    try:
        from netdesk.io import contact_csv
    except ImportError:
        return None
    kind = contact_csv.detect_csv_kind(head)
    return None if kind == "linkedin" else kind
