"""A vCard file imported as a stream of segments ends exactly where the whole-file import did."""

from __future__ import annotations

import base64
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from netdesk.core.model import ContactDTO
from netdesk.io import vcard_stream
from netdesk.io.report import ImportReport
from netdesk.io.vcard import read_vcard_file
from netdesk.services import NetDesk, import_stream, open_netdesk
from netdesk.services.importing import ImportService

PHOTO = base64.b64encode(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8).decode()


def phone_book(people: int) -> str:
    """An old phone's address book: 3.0 cards with groups, labels, X- properties, photos, and some trouble."""
    cards = []
    for i in range(people):
        lines = [
            "BEGIN:VCARD",
            "VERSION:3.0",
            f"FN:Person {i} Lindqvist",
            f"N:Lindqvist;Person {i};;;",
            f"item1.EMAIL;TYPE=INTERNET,pref:person{i}@example.org",
            "item1.X-ABLabel:_$!<Other>!$_",
            f"TEL;TYPE=CELL:+49 170 {i:07d}",
            f"TEL;TYPE=HOME:030 {i:06d}",
            "ADR;TYPE=HOME:;;Hauptstr. 1;Berlin;;10115;Germany",
            "X-ANDROID-CUSTOM:vnd.android.cursor.item/nickname;P;1;;;;;;;;;;;;;",
            "CATEGORIES:friends",
        ]
        if i % 7 == 0:
            lines.append(f"PHOTO;ENCODING=b;TYPE=JPEG:{PHOTO}")
        if i == 13:  # never closed: ends where the next card begins, and is reported with its line
            cards.append("\r\n".join(lines) + "\r\n")
            continue
        cards.append("\r\n".join([*lines, "END:VCARD"]) + "\r\n")
    # The same people again, later in the file: one by email with a new title, one by its UID-less twin's phone.
    cards.append(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person 2 Lindqvist\r\nEMAIL:PERSON2@example.org\r\nTITLE:Engineer\r\n"
        "END:VCARD\r\n"
    )
    cards.append("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person 5 Lindqvist\r\nTEL:+49 170 0000005\r\nEND:VCARD\r\n")
    cards.append("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:kept-uid\r\nFN:Grete Uid\r\nEND:VCARD\r\n")
    cards.append("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:kept-uid\r\nFN:Grete Uid\r\nORG:Later Ltd\r\nEND:VCARD\r\n")
    return "".join(cards)


def stored(nd: NetDesk) -> list[ContactDTO]:
    """Every stored contact, without what differs between two databases (ids, times, random UIDs)."""
    contacts = [nd.contacts.get(r.id) for r in nd.contacts.rows()]
    return sorted(
        (c.replace(id=None, created_at=None, updated_at=None, version=0) for c in contacts), key=lambda c: c.name
    )


@pytest.fixture(params=[False, True], ids=["per-row triggers", "triggers set aside"])
def bulk(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Both ways a file is imported: a small one with the per-row triggers, a large one with them set aside."""
    monkeypatch.setattr(import_stream, "BULK_FILE_BYTES", 1 if request.param else 10**12)
    return bool(request.param)


def _schema(nd: NetDesk) -> list[tuple[str, str]]:
    with nd.sessions() as s:
        rows = s.connection().exec_driver_sql("SELECT name, sql FROM sqlite_master ORDER BY name").all()
    return [(name, sql) for name, sql in rows]


def test_a_file_read_in_segments_imports_like_the_whole_file(
    nd: NetDesk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk: bool
) -> None:
    schema = _schema(nd)
    book = tmp_path / "phone.vcf"
    text = phone_book(60)
    book.write_text(text, encoding="utf-8", newline="")
    unclosed_at = text.split("\r\n").index("FN:Person 13 Lindqvist") - 2 + 1  # its BEGIN:VCARD, 1-based
    monkeypatch.setattr(vcard_stream, "SEGMENT_BYTES", 2048)  # a few cards per segment: duplicates span segments

    streamed = nd.imports.import_paths([book]).value

    whole = ImportReport()
    contacts = read_vcard_file(book, whole, workers=1)
    reference = open_netdesk(tmp_path / "reference.sqlite3")
    try:
        ImportService(reference.sessions).import_contacts(contacts, whole)
        assert stored(nd) == stored(reference)
    finally:
        reference.close()
    assert len(streamed.created) == len(whole.created) == 61
    assert len(streamed.merged) + len(streamed.updated) == 3
    assert [str(e) for e in streamed.errors] == [str(e) for e in whole.errors]
    assert [e.line for e in streamed.errors if "card not closed" in e.reason] == [unclosed_at]
    assert book.stat().st_size > 20 * 2048  # many segments
    two = next(c for c in stored(nd) if c.name == "Person 2 Lindqvist")
    assert two.title == "Engineer" and [e.value for e in two.emails] == ["person2@example.org"]
    assert next(c for c in stored(nd) if c.name == "Grete Uid").organization == "Later Ltd"
    assert _schema(nd) == schema  # the triggers are back


def test_a_large_file_says_once_what_its_per_row_triggers_would_have(
    nd: NetDesk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Due list learns of the import (one "every contact" entry, both generations moved), not row by row."""
    book = tmp_path / "phone.vcf"
    book.write_text(phone_book(30), encoding="utf-8", newline="")
    monkeypatch.setattr(import_stream, "BULK_FILE_BYTES", book.stat().st_size)
    monkeypatch.setattr(vcard_stream, "SEGMENT_BYTES", 4096)

    def log() -> tuple[list[tuple[str, int | None]], int, int]:
        with nd.sessions() as s:
            c = s.connection()
            entries = c.exec_driver_sql("SELECT what, contact_id FROM due_changes ORDER BY seq").all()
            due = c.exec_driver_sql("SELECT value FROM due_generation").scalar_one()
            favour = c.exec_driver_sql("SELECT value FROM favour_generation").scalar_one()
        return [(what, cid) for what, cid in entries], due, favour

    entries, due, favour = log()
    nd.imports.import_paths([book])
    after, due_after, favour_after = log()
    assert after[len(entries) :] == [("every_contact", None)]
    assert due_after != due and favour_after != favour
    assert len(nd.contacts.rows()) == 31


def test_the_same_file_twice_changes_nothing(
    nd: NetDesk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk: bool
) -> None:
    book = tmp_path / "phone.vcf"
    book.write_text(phone_book(30), encoding="utf-8", newline="")
    monkeypatch.setattr(vcard_stream, "SEGMENT_BYTES", 4096)
    nd.imports.import_paths([book])
    before = stored(nd)
    again = nd.imports.import_paths([book])
    assert stored(nd) == before
    assert again.value.created == [] and len(again.value.unchanged) == 34


def test_a_huge_import_says_many_contacts_changed_and_still_undoes(
    nd: NetDesk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = tmp_path / "phone.vcf"
    book.write_text(phone_book(40), encoding="utf-8", newline="")
    monkeypatch.setattr(vcard_stream, "SEGMENT_BYTES", 4096)
    monkeypatch.setattr(import_stream.ChangedContacts, "LIMIT", 10)
    kept = nd.contacts.create(ContactDTO(given_name="Ada", family_name="Before")).value.id

    with nd.undo.recording() as rec:
        written = nd.imports.import_paths([book])
    changes = written.changes
    assert changes.many_contacts and not changes.contacts and not changes.empty
    assert len(nd.contacts.rows()) == 42
    assert nd.contacts.search("Lindqvist")

    nd.undo.undo(rec.step(changes))
    assert [r.id for r in nd.contacts.rows()] == [kept]
    assert nd.contacts.search("Lindqvist") == []


def test_an_undoable_import_logs_a_range_per_table_not_a_statement_per_row(
    nd: NetDesk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk: bool
) -> None:
    from tests.unit.services.test_undo import snapshot

    book = tmp_path / "phone.vcf"
    book.write_text(phone_book(150), encoding="utf-8", newline="")
    monkeypatch.setattr(vcard_stream, "SEGMENT_BYTES", 16384)
    nd.contacts.create(ContactDTO(given_name="Ada", family_name="Before"))
    before = snapshot(nd)

    with nd.undo.recording() as rec:
        written = nd.imports.import_paths([book])
    step = rec.step(written.changes)
    after = snapshot(nd)
    rows_added = sum(len(after[t]) - len(before[t]) for t in after if not t.endswith("_fts"))
    assert rows_added > 800
    assert len(step.statements) < rows_added / 10  # one range delete per table and segment, and the merges

    redo = nd.undo.undo(step)
    assert snapshot(nd) == before
    nd.undo.undo(redo)
    assert snapshot(nd) == after


@pytest.mark.parametrize("failure", ["cancelled", "disk full"])
def test_a_large_import_that_stops_midway_leaves_schema_rows_and_due_log_as_they_were(
    nd: NetDesk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    """The triggers set aside for a large file come back after a cancel or a write error in its third segment, the
    rows written so far are gone, and the Due list is told nothing (nothing changed)."""
    from tests.unit.services.test_undo import snapshot

    book = tmp_path / "phone.vcf"
    book.write_text(phone_book(40), encoding="utf-8", newline="")
    monkeypatch.setattr(import_stream, "BULK_FILE_BYTES", 1)
    monkeypatch.setattr(vcard_stream, "SEGMENT_BYTES", 4096)
    schema, rows = _schema(nd), snapshot(nd)

    def due_log() -> list[tuple[str, int | None]]:
        with nd.sessions() as s:
            entries = s.connection().exec_driver_sql("SELECT what, contact_id FROM due_changes ORDER BY seq").all()
        return [(what, cid) for what, cid in entries]

    due = due_log()
    segments = 0
    store = import_stream.import_segment

    def third_fails(*args: Any, **kwargs: Any) -> Any:
        nonlocal segments
        segments += 1
        if segments == 3 and failure == "disk full":
            # As SQLite does on SQLITE_FULL: the whole transaction rolled back (which brings the triggers back).
            args[0].connection().connection.driver_connection.execute("ROLLBACK")
            raise sqlite3.OperationalError("database or disk is full")
        return store(*args, **kwargs)

    monkeypatch.setattr(import_stream, "import_segment", third_fails)
    if failure == "cancelled":
        assert nd.imports.import_paths([book], cancel=lambda: segments >= 2).value.cancelled
    else:
        with pytest.raises(sqlite3.OperationalError, match="disk is full"):
            nd.imports.import_paths([book])
    assert segments >= 2
    assert _schema(nd) == schema and snapshot(nd) == rows and due_log() == due
    # The per-row triggers work again: a contact written afterwards is logged by itself.
    added = nd.contacts.create(ContactDTO(given_name="Ada", family_name="After")).value.id
    assert due_log()[-1] == ("contact", added)
