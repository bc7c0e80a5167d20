"""Recognises what a file or folder holds, from its content, and hands it to the right io reader."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from netdesk.core.model import ContactDTO
from netdesk.io import contact_csv, linkedin, vcard, vdir
from netdesk.io.report import ImportReport

Progress = Callable[[int, int, str], None]  # (done, total, what): how far a long job is
CancelCheck = Callable[[], bool]

SNIFF_BYTES = 64 * 1024


@dataclass
class ParsedInput:
    contacts: list[ContactDTO] = field(default_factory=list)
    linkedin_paths: list[Path] = field(default_factory=list)
    # vCard files left to be read while importing (``defer_vcard_files``): streamed, never held whole.
    vcard_paths: list[Path] = field(default_factory=list)


def _head(path: Path) -> bytes:
    with path.open("rb") as f:
        return f.read(SNIFF_BYTES)


def read_paths(
    paths: Sequence[Path],
    report: ImportReport,
    *,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
    defer_vcard_files: bool = False,
) -> ParsedInput:
    """Parse every path into contacts (vCard files, folders of .vcf, contact CSVs).

    LinkedIn exports are collected in ``linkedin_paths`` for the LinkedIn importer, which also needs the database.
    A path that is no supported format is listed in ``report.unreadable_files`` with an error.
    """
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
                if defer_vcard_files:
                    result.vcard_paths.append(path)
                else:
                    result.contacts += vcard.read_vcard_file(path, report)
            elif zipfile.is_zipfile(path):
                if _is_linkedin_zip(path):
                    result.linkedin_paths.append(path)
                else:
                    report.error(name, None, "ZIP archive is not a LinkedIn data export")
                    report.unreadable_files.append(name)
            elif head.startswith(_ZIP_MAGIC):  # a ZIP's first member, but no directory at its end: cut short
                report.error(name, None, _INCOMPLETE_ZIP)
                report.unreadable_files.append(name)
            elif linkedin.is_linkedin_csv(head, path.name):
                result.linkedin_paths.append(path)
            elif path.name.casefold() in _LINKEDIN_FILES:
                report.error(name, None, _LINKEDIN_FILES[path.name.casefold()])
                report.unreadable_files.append(name)
            elif contact_csv.detect_csv_kind(head) not in (None, "linkedin"):
                result.contacts += contact_csv.read_contact_csv(path, report)
            else:
                report.error(name, None, _UNKNOWN_FORMAT)
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


def _is_linkedin_folder(path: Path, depth: int = 2) -> bool:
    """Whether ``path`` holds a file of LinkedIn's export (an export of the messages alone has no Connections.csv),
    in itself or ``depth`` levels down: unzipping makes a folder named after the ZIP, and the one picked is often the
    folder holding it."""
    try:
        entries = list(path.iterdir())
    except OSError:
        return False
    if any(e.name.casefold() in _LINKEDIN_FILES and e.is_file() for e in entries):
        return True
    return depth > 0 and any(e.is_dir() and _is_linkedin_folder(e, depth - 1) for e in entries)


def _is_linkedin_zip(path: Path) -> bool:
    return linkedin.is_linkedin_zip(path)


def _columns(names: Sequence[str]) -> str:
    return ", ".join(names)


# A file named like a part of LinkedIn's export whose header is not LinkedIn's: say what was expected.
_LINKEDIN_FILES = {
    "connections.csv": "not a LinkedIn Connections.csv: expected the columns " + _columns(linkedin.CONNECTION_COLUMNS),
    "messages.csv": "not a LinkedIn messages.csv: expected the columns " + _columns(linkedin.MESSAGE_COLUMNS),
    "invitations.csv": "not a LinkedIn Invitations.csv: expected the columns " + _columns(linkedin.INVITATION_COLUMNS),
}
_ZIP_MAGIC = b"PK\x03\x04"
_INCOMPLETE_ZIP = (
    "ZIP archive is incomplete or damaged (its table of contents at the end is missing: a download cut short?); "
    "download it again"
)
_UNKNOWN_FORMAT = (
    "not a vCard file, LinkedIn export or contact CSV (expected BEGIN:VCARD, LinkedIn's columns "
    + _columns(linkedin.CONNECTION_COLUMNS)
    + ", or a Google Contacts / Outlook CSV header)"
)
