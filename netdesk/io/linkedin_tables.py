"""Finding the CSV files of a LinkedIn data export and opening each as a table of numbered rows.

A path may be the export ZIP (as downloaded), a folder holding its CSV files, or a CSV file itself; each file's kind
(connections, messages, invitations, your profile …) is recognised from its header, which recent files put after a
"Notes:" paragraph. ``netdesk.io.linkedin`` turns the rows of each table into records.

Column names are matched ignoring case, spaces, underscores and hyphens, so "Connected On", "CONNECTED_ON" and
"connectedOn" are the same column.
"""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from netdesk.core.errors import UnsupportedFormatError
from netdesk.io import bounded_zip
from netdesk.io.csv_rows import numbered_rows
from netdesk.io.report import ImportReport

CONNECTIONS = "connections"
MESSAGES = "messages"
INVITATIONS = "invitations"
PROFILE = "profile"  # Profile.csv: you, the account owner
EMAILS = "emails"  # Email Addresses.csv: your addresses
POSITIONS = (
    "positions"  # Positions.csv: your own jobs, newest first (never your connections': theirs are in Connections)
)

# The columns each file must have (display spelling, used in messages), by file kind.
CONNECTION_COLUMNS = ("First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On")
MESSAGE_COLUMNS = (
    "CONVERSATION ID",
    "CONVERSATION TITLE",
    "FROM",
    "SENDER PROFILE URL",
    "TO",
    "RECIPIENT PROFILE URLS",
    "DATE",
    "SUBJECT",
    "CONTENT",
    "FOLDER",
)
INVITATION_COLUMNS = ("From", "To", "Sent At", "Message", "Direction", "inviterProfileUrl", "inviteeProfileUrl")

# The minimum that identifies a file kind; the other columns are optional (filled with "" when missing).
_REQUIRED = {
    CONNECTIONS: ("firstname", "lastname", "connectedon"),
    MESSAGES: ("conversationid", "from", "to", "date"),
    INVITATIONS: ("from", "to", "sentat", "direction"),
    PROFILE: ("firstname", "lastname", "headline"),
    EMAILS: ("emailaddress", "confirmed"),  # then "Primary" (2018: "Is primary")
    POSITIONS: ("companyname", "title", "startedon"),
}
# Messages.csv of 2017-2018: From, To, Date, Subject, Content, Direction, Folder (no conversations, no URLs).
_OLD_MESSAGES = ("from", "to", "date", "content", "direction")
_FILE_NAMES = {
    "connections.csv": CONNECTIONS,
    "messages.csv": MESSAGES,
    "invitations.csv": INVITATIONS,
    "profile.csv": PROFILE,
    "email addresses.csv": EMAILS,
    "positions.csv": POSITIONS,
}
# Characters that UTF-8 text read as Windows-1252 shows ("JosÃ©" for "José", "â€™" for "’").
MOJIBAKE_MARKS = ("Ã", "Â", "â€")
# The Notes block is a few lines; a header further down than this is not a LinkedIn header.
_MAX_PREAMBLE_LINES = 60


def column_key(name: str) -> str:
    """A column name as matched: "Connected On", "CONNECTED_ON" and "connectedOn" all give "connectedon"."""
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def decode(data: bytes) -> str:
    """A file's text: UTF-8 (with or without a byte order mark), else Windows-1252 as older exports wrote it."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _header_kind(cells: Sequence[str]) -> tuple[str, dict[str, int]] | None:
    """Which LinkedIn file a header row belongs to, with the column index of each (normalised) column name."""
    index: dict[str, int] = {}
    for i, cell in enumerate(cells):
        index.setdefault(column_key(cell), i)
    # Messages and invitations share "from"/"to"; the more specific kinds are tested first.
    for kind in (MESSAGES, INVITATIONS, CONNECTIONS, PROFILE, EMAILS, POSITIONS):
        if all(col in index for col in _REQUIRED[kind]):
            return kind, index
    if all(col in index for col in _OLD_MESSAGES):
        return MESSAGES, index
    return None


def _find_header(lines: Sequence[str]) -> tuple[int, str, dict[str, int], str] | None:
    """Find the header line in the first lines of a file: (0-based line index, kind, column index, delimiter).

    Each line is parsed on its own, so an unbalanced quote in the Notes prose cannot swallow the header. LinkedIn
    writes commas; a file saved again by Excel in many European locales has semicolons.
    """
    for number, line in enumerate(lines[:_MAX_PREAMBLE_LINES]):
        for delimiter in _DELIMITERS:
            if delimiter not in line:
                continue
            try:
                cells = next(csv.reader([line], delimiter=delimiter), [])
            except csv.Error:  # e.g. a cell over the csv module's field limit: not a header
                continue
            found = _header_kind(cells)
            if found is not None:
                return number, found[0], found[1], delimiter
    return None


_DELIMITERS = (",", ";")


def is_linkedin_csv(data: bytes, name: str = "") -> bool:
    """True if ``data`` (the start of a file) is a LinkedIn Connections, messages or Invitations CSV, or the file
    ``name`` (Profile.csv, Email Addresses.csv, Positions.csv) with that file's header.

    The owner's own files are recognised by their name too: a lead list with First Name, Last Name and Headline
    columns has Profile.csv's header, and holds people to import, not the account owner."""
    text = decode(data[: 64 * 1024])
    found = _find_header(text.splitlines()[:_MAX_PREAMBLE_LINES])
    if found is None:
        return False
    kind = found[1]
    return kind in _EXPORT_KINDS or _FILE_NAMES.get(Path(name).name.casefold()) == kind


_EXPORT_KINDS = frozenset({CONNECTIONS, MESSAGES, INVITATIONS})


# What reading a damaged member raises: a bad CRC or header (BadZipFile), bad compressed data (zlib.error), data
# that ends early (EOFError), an encrypted member (RuntimeError), an unsupported compression (NotImplementedError).
_MEMBER_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError, OSError, ValueError)


def is_linkedin_zip(path: Path) -> bool:
    """True if ``path`` is a ZIP holding at least one LinkedIn export CSV (checked by name and header).

    A member named like an export file that cannot be read (a damaged download) counts by its name alone, so that
    the import reads the others and reports it rather than refusing the whole export."""
    try:
        with zipfile.ZipFile(path) as archive:
            damaged = False
            for info in archive.infolist():
                if info.is_dir() or Path(info.filename).name.casefold() not in _FILE_NAMES:
                    continue
                try:
                    with archive.open(info) as member:
                        if is_linkedin_csv(member.read(16 * 1024), info.filename):
                            return True
                except _MEMBER_ERRORS:
                    damaged = True
            return damaged
    except (OSError, zipfile.BadZipFile, RuntimeError, ValueError):
        return False


# --- tables ----------------------------------------------------------------------------------------------------------


@dataclass
class Table:
    """The data rows of one LinkedIn CSV, each with the physical line (1-based) on which it starts."""

    kind: str
    file: str
    columns: dict[str, int]
    rows: Iterator[tuple[int, list[str]]]
    # Rows the csv module could not read, as (line, reason); filled while ``rows`` is consumed.
    problems: list[tuple[int, str]] = field(default_factory=list)
    # Whether any cell may be UTF-8 read as Windows-1252 (see netdesk.io.linkedin): a file without the telltale
    # characters spares its cells the test.
    may_have_mojibake: bool = True

    def index(self, name: str) -> int:
        """Index of a column in every row; a missing column points at the always-empty last cell."""
        return self.columns.get(column_key(name), _row_width(self.columns) - 1)


def _row_width(columns: dict[str, int]) -> int:
    return max(columns.values()) + 2


def _open_table(text: str, file: str) -> Table | None:
    stream = io.StringIO(text, newline="")
    head: list[str] = []
    for _ in range(_MAX_PREAMBLE_LINES):
        line = stream.readline()
        if not line:
            break
        head.append(line)
    found = _find_header(head)
    if found is None:
        return None
    header_index, kind, columns, delimiter = found
    # Go on from the line after the header (a position in characters: newline="" translates nothing), so that the
    # csv module sees every data line exactly once, without a copy of the text.
    stream.seek(sum(len(line) for line in head[: header_index + 1]))
    problems: list[tuple[int, str]] = []
    rows = _numbered_rows(stream, header_index + 2, _row_width(columns), problems, delimiter)
    return Table(kind, file, columns, rows, problems, any(mark in text for mark in MOJIBAKE_MARKS))


def _numbered_rows(
    stream: io.StringIO, first_line: int, width: int, problems: list[tuple[int, str]], delimiter: str = ","
) -> Iterator[tuple[int, list[str]]]:
    """Rows of exactly ``width`` cells, the last one always empty, with the physical line each starts on.

    A row the csv module cannot read (a field over its 128 KB limit …) goes to ``problems``; the reader starts afresh
    on the next line, so the rows after it are still read.
    """
    read = width - 1
    for line, row in numbered_rows(stream, first_line, delimiter):
        # Tested in order of likelihood: a 100,000-row file notices each test made per row.
        if type(row) is list and len(row) == read and row[0]:
            row.append("")
            yield line, row
        elif isinstance(row, csv.Error):
            problems.append((line, f"row skipped: unreadable CSV ({row})"))
        elif any(row):  # not a blank line: short or overlong, padded or cut so that indexing never fails
            cells = row[: min(len(row), read)]
            cells.extend([""] * (width - len(cells)))
            yield line, cells


def _expected_columns_message(file: str) -> str:
    return (
        f"{file} is not a LinkedIn export file: expected a header with the columns "
        f"{', '.join(CONNECTION_COLUMNS)} (Connections.csv), or {', '.join(MESSAGE_COLUMNS)} (messages.csv), "
        f"or {', '.join(INVITATION_COLUMNS)} (Invitations.csv)"
    )


def _not_a_table_message(text: str, file: str) -> str:
    """Why a file of an export folder or ZIP gave no table: empty (nothing to say about columns), or its header."""
    return "file is empty" if not text.strip() else _expected_columns_message(file)


def tables(paths: Sequence[Path], report: ImportReport) -> Iterator[Table]:
    for path in paths:
        if path.is_dir():
            yield from _folder_tables(path, report)
        elif zipfile.is_zipfile(path):
            yield from _zip_tables(path, report)
        else:
            table = _open_table(decode(path.read_bytes()), str(path))
            if table is None:
                raise UnsupportedFormatError(_expected_columns_message(str(path)))
            yield table


def _folder_tables(folder: Path, report: ImportReport) -> Iterator[Table]:
    found = False
    for path in sorted(folder.rglob("*.csv")):
        if path.name.casefold() not in _FILE_NAMES or not path.is_file():
            continue
        found = True
        text = decode(path.read_bytes())
        table = _open_table(text, str(path))
        if table is None:
            report.error(str(path), None, _not_a_table_message(text, path.name))
        else:
            yield table
    if not found:
        report.error(str(folder), None, "folder holds no LinkedIn Connections.csv, messages.csv or Invitations.csv")


def _zip_tables(path: Path, report: ImportReport) -> Iterator[Table]:
    try:
        with zipfile.ZipFile(path) as archive:
            members = [
                info
                for info in archive.infolist()
                if not info.is_dir() and Path(info.filename).name.casefold() in _FILE_NAMES
            ]
            if not members:
                raise UnsupportedFormatError(
                    f"{path} is not a LinkedIn data export: "
                    "it holds no Connections.csv, messages.csv or Invitations.csv"
                )
            bounded_zip.check_members(members, bounded_zip.DEFAULT_LIMITS)  # a bomb is refused before any read
            texts = []
            for info in members:
                file = f"{path}/{info.filename}"
                try:
                    texts.append((file, decode(bounded_zip.read_member(archive, info, bounded_zip.DEFAULT_LIMITS))))
                except _MEMBER_ERRORS as exc:  # one damaged member: the others are still read
                    report.error(
                        file, None, f"cannot read this file of the ZIP archive (damaged or incomplete download?): {exc}"
                    )
    except (zipfile.BadZipFile, RuntimeError) as exc:  # RuntimeError: encrypted member
        report.error(str(path), None, f"cannot read ZIP archive: {exc}")
        return
    except bounded_zip.ArchiveRefused as exc:
        report.error(str(path), None, str(exc))
        report.unreadable_files.append(str(path))
        return
    for file, text in texts:
        table = _open_table(text, file)
        if table is None:
            report.error(file, None, _not_a_table_message(text, Path(file).name))
        else:
            yield table
