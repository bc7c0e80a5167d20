"""vdir address books (khard, vdirsyncer): a folder with one vCard per ``<UID>.vcf`` file."""

from __future__ import annotations

import os
import re
import uuid
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import pairwise
from pathlib import Path
from typing import Protocol, cast

from netdesk.core.model import ContactDTO
from netdesk.io._vcard_lines import unescape
from netdesk.io.atomic import AtomicFiles
from netdesk.io.atomic_folder import NewFolder, is_new_folder
from netdesk.io.report import ImportReport
from netdesk.io.vcard import (
    cards_of_bytes,
    contact_to_vcard,
    looks_like_vcard,
    parse_cards,
    refuse_if_too_large,
)

__all__ = [
    "VDIR_FACT",
    "file_names_may_clash",
    "is_vdir",
    "open_vdir_writer",
    "plan_file_names",
    "read_vcard_folder",
    "render_vdir_files",
    "vdir_file_name",
    "write_vdir",
]

_UNSAFE_FILENAME_CHARS = re.compile(r"[^A-Za-z0-9@._+=-]")
_MAX_STEM = 200


def _is_card_file(path: Path) -> bool:
    """A ``.vcf`` file that is not hidden: khard reads ``*.vcf`` (a glob, which skips dot files), and a hidden one is
    never a card of the address book (macOS's AppleDouble ``._<name>.vcf``, an editor's or sync tool's leftovers)."""
    return path.suffix.lower() == ".vcf" and not path.name.startswith(".") and path.is_file()


def _vcf_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if _is_card_file(p))


def is_vdir(path: Path) -> bool:
    """True for a folder that directly holds at least one (not hidden) ``.vcf`` file."""
    path = Path(path)
    try:
        return path.is_dir() and any(_is_card_file(p) for p in path.iterdir())
    except OSError:
        return False


def read_vcard_folder(folder: Path, report: ImportReport, *, workers: int | None = None) -> list[ContactDTO]:
    """Every card of every ``.vcf`` file in ``folder``; cards of all files are parsed together (in parallel
    when there are many), and each bad file or card becomes an entry in ``report``."""
    items: list[tuple[str, int, str]] = []
    for path in _vcf_files(Path(folder)):
        try:
            if refuse_if_too_large(path.stat().st_size, str(path), report):
                continue
            data = path.read_bytes()
        except OSError as exc:
            report.error(str(path), None, f"cannot read file: {exc.strerror or exc}")
            continue
        if data.strip() and not looks_like_vcard(data):
            report.error(str(path), None, "not a vCard file")
            report.unreadable_files.append(str(path))
            continue
        items += cards_of_bytes(data, str(path), report)
    return parse_cards(items, report, workers)


def vdir_file_name(uid: str) -> str:
    """``<UID>.vcf`` with characters that are unsafe in file names replaced (``/``, ``:``, spaces …)."""
    stem = _UNSAFE_FILENAME_CHARS.sub("_", uid.strip())[:_MAX_STEM].lstrip(".")
    return f"{stem or 'contact'}.vcf"


def make_private_folder(folder: Path) -> None:
    """Create ``folder`` readable by its owner only (0700, whatever the umask); an existing folder is left as it is."""
    if folder.is_dir():
        return
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.mkdir(mode=0o700)
    os.chmod(folder, 0o700)


def plan_file_names(
    uids: Iterable[str], used: set[str], existing: Mapping[str, str] | None = None
) -> list[tuple[str, str]]:
    """(file name, UID) for contacts with these UIDs, in order: a contact without one gets a fresh UUID, and two
    UIDs that sanitise to the same name get a numeric suffix rather than overwrite each other. ``used`` holds the
    (lower-cased) names already given in this export, and those of the files already in the folder, and is updated.
    ``existing`` (UID -> file name, see ``existing_card_files``): a card already in the folder keeps its file."""
    planned = []
    for uid in uids:
        uid = uid or str(uuid.uuid4())
        if existing and uid in existing:
            planned.append((existing[uid], uid))
            continue
        name = vdir_file_name(uid)
        stem = name[:-4]
        n = 1
        while name.lower() in used:
            n += 1
            name = f"{stem}-{n}.vcf"
        used.add(name.lower())
        planned.append((name, uid))
    return planned


def file_names_may_clash(uids: Iterable[str]) -> bool:
    """Whether two of ``uids`` could get the same file name (False: each UID's own name is free, so names need not
    be remembered across an export). Holds one 8-byte hash a UID, not the names: flat memory for a large vdir."""
    hashes = array("q", sorted(hash(vdir_file_name(uid).lower()) for uid in uids if uid))
    return any(a == b for a, b in pairwise(hashes))


_UID_LINE = re.compile(rb"^UID(?:;[^:\r\n]*)?:([^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)", re.IGNORECASE | re.MULTILINE)


def existing_card_files(folder: Path) -> dict[str, str]:
    """UID -> file name of the one-card files already in ``folder`` (empty for a folder that does not exist).

    vdirsyncer names a card's file after its href on the server, not after its UID; a card exported again must
    replace its own file (the vdir rule: "when changing an item, the original filename must be used"), or the folder
    holds two cards with one UID.
    """
    found: dict[str, str] = {}
    try:
        paths = _vcf_files(Path(folder)) if Path(folder).is_dir() else []
    except OSError:
        return found
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        match = _UID_LINE.search(data)
        if match is None or data.upper().count(b"BEGIN:VCARD") != 1:
            continue
        uid = re.sub(rb"\r?\n[ \t]", b"", match.group(1)).decode("utf-8", errors="replace")
        found.setdefault(unescape(uid).strip(), path.name)
    return found


VDIR_FACT = "vdir_file"  # the fact that carries (file name, UID) for each contact id of a batch


def render_vdir_files(
    contacts: list[ContactDTO], facts: Mapping[str, Mapping[int, object]], version: str = "3.0"
) -> list[tuple[str, bytes]]:
    """(file name, card bytes) for a batch of contacts, under the names planned for them (``facts[VDIR_FACT]``:
    contact id -> (file name, UID)); an export writes them with ``open_vdir_writer``."""
    plan = facts[VDIR_FACT]
    files = []
    for contact in contacts:
        name, uid = cast(tuple[str, str], plan[cast(int, contact.id)])
        if uid != contact.uid:
            contact = contact.replace(uid=uid)
        files.append((name, contact_to_vcard(contact, version).encode("utf-8")))
    return files


class VdirWriter(Protocol):
    def add(self, files: Sequence[tuple[str, bytes]]) -> None: ...


@contextmanager
def open_vdir_writer(folder: Path) -> Iterator[VdirWriter]:
    """Writes a vdir's files, (file name, card bytes) a batch at a time; no partial file ever stands under a
    target name. A new or empty ``folder`` is written whole beside it and moved into place at the end
    (``atomic_folder.NewFolder``); in a folder that holds files, each file replaces its target atomically
    (``atomic.AtomicFiles``)."""
    folder = Path(folder)
    if is_new_folder(folder):
        with NewFolder(folder) as new_folder:
            yield new_folder
        return
    make_private_folder(folder)
    with AtomicFiles() as files:
        yield _InPlace(folder, files)


class _InPlace:
    def __init__(self, folder: Path, files: AtomicFiles) -> None:
        self._folder = folder
        self._files = files

    def add(self, files: Sequence[tuple[str, bytes]]) -> None:
        self._files.add([(self._folder / name, data) for name, data in files])


def write_vdir(contacts: Iterable[ContactDTO], folder: Path, version: str = "3.0") -> int:
    """Write each contact to ``folder/<UID>.vcf`` (see ``open_vdir_writer`` for atomicity and ``plan_file_names``
    for UIDs and clashes). Returns the number of files written.
    """
    existing = existing_card_files(folder)
    used = {name.lower() for name in existing.values()}
    count = 0
    with open_vdir_writer(folder) as writer:
        batch: list[tuple[str, bytes]] = []
        for contact in contacts:
            ((name, uid),) = plan_file_names([contact.uid], used, existing)
            card = contact_to_vcard(contact if contact.uid == uid else contact.replace(uid=uid), version)
            batch.append((name, card.encode("utf-8")))
            count += 1
            if len(batch) == _WRITE_BATCH:
                writer.add(batch)
                batch = []
        writer.add(batch)
    return count


_WRITE_BATCH = 500
