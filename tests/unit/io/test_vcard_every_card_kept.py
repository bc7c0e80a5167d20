"""Issue 17, items 1 and 2: every card with content is kept, and lexing never invents a value."""

from __future__ import annotations

from pathlib import Path

from netdesk.io.report import ImportReport
from netdesk.io.vcard import parse_card, read_vcard_bytes
from netdesk.services import NetDesk


def _read(text: str) -> tuple[list, ImportReport]:  # type: ignore[type-arg]
    report = ImportReport()
    contacts = read_vcard_bytes(text.replace("\n", "\r\n").encode("utf-8"), "book.vcf", report, workers=1)
    return contacts, report


# --- cards without a name ----------------------------------------------------------------------------------------


def test_cards_without_a_name_get_one_from_what_they_hold() -> None:
    text = (
        "BEGIN:VCARD\nVERSION:3.0\nX-JABBER:ada@jabber.example\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nURL:https://grace.example/\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nNOTE:Plumber who fixed the office boiler in 2019\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nX-CUSTOM-FIELD:something only KAddressBook shows\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nEND:VCARD\n"
    )
    contacts, report = _read(text)
    assert [c.name for c in contacts] == [
        "ada@jabber.example",
        "https://grace.example/",
        "Plumber who fixed the office…",
        "(no name)",
    ]
    assert contacts[3].extra[0].name == "X-CUSTOM-FIELD"
    assert report.skipped == ["book.vcf:17: card holds nothing to import (nothing but VERSION, UID or REV)"]


def test_truncated_export_keeps_the_last_person_with_everything_written_so_far() -> None:
    text = (
        "BEGIN:VCARD\nVERSION:3.0\nFN:First Person\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Last Person\nN:Person;Last;;;\nEMAIL:last@example.org\n"
        "EMAIL;TYPE=WORK:last@work.example\nTEL:+44 20 7946 0958\nTEL;TYPE=CELL:+44 7700 900123\n"
        "ADR;TYPE=HOME:;;1 High Street;London;;N1 1AA;United Kingdom\nORG:Harbour Ltd\nURL:https://last.example\n"
    )
    contacts, report = _read(text)
    last = contacts[-1]
    assert last.name == "Last Person" and last.organization == "Harbour Ltd"
    assert len(last.emails) == 2 and len(last.phones) == 2 and len(last.addresses) == 1 and len(last.urls) == 1
    assert [(e.line, e.reason) for e in report.errors] == [
        (5, "card is not closed (missing END:VCARD): read as far as it goes")
    ]


def test_the_report_adds_up_and_says_one_problem(nd: NetDesk, tmp_path: Path) -> None:
    path = tmp_path / "book.vcf"
    path.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:a\r\nFN:Ada Lovelace\r\nEMAIL:ada@example.org\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:b\r\nFN:Ada Lovelace\r\nEMAIL:ADA@example.org\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:c\r\nNOTE:only a note\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:d\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    report = nd.imports.import_paths([path]).value
    assert (len(report.created), len(report.merged), len(report.skipped)) == (2, 1, 1)
    assert report.summary() == "2 created, 0 updated, 1 merged, 0 unchanged, 1 skipped, 1 problem"
    again = nd.imports.import_paths([path]).value
    counted = [again.created, again.updated, again.merged, again.unchanged, again.skipped]
    assert sum(map(len, counted)) == 4  # every card read is counted exactly once
    assert (len(again.unchanged), len(again.skipped)) == (3, 1)


# --- lexing -----------------------------------------------------------------------------------------------------


def test_a_line_without_a_colon_is_reported_and_never_glued() -> None:
    text = (
        "BEGIN:VCARD\nVERSION:3.0\nFN:Broken Line Person\nTHIS LINE HAS NO COLON AND IS GARBAGE\n"
        "EMAIL:broken@example.org\nEND:VCARD\n"
    )
    (c,), report = _read(text)
    assert c.name == "Broken Line Person" and c.emails[0].value == "broken@example.org"
    assert [(e.line, e.reason) for e in report.errors] == [
        (4, "line is neither a property nor a continuation, ignored: 'THIS LINE HAS NO COLON AND IS GARBAGE'")
    ]


def test_2_1_qp_soft_break_and_folding_keep_the_whitespace() -> None:
    c = parse_card(
        "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Doe;Jane\r\n"
        "NOTE;ENCODING=QUOTED-PRINTABLE:please send the=\r\n report by Friday\r\n"
        "TITLE:Head of\r\n Research\r\nEND:VCARD\r\n"
    )
    assert c.notes == "please send the report by Friday"
    assert c.title == "Head of Research"  # RFC 822 folding: the line break goes, the space stays
    three = parse_card("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jane\r\nTITLE:Head of\r\n  Research\r\nEND:VCARD\r\n")
    assert three.title == "Head of Research"  # 3.0 drops exactly one whitespace character


def test_an_invalid_qp_byte_spoils_only_itself() -> None:
    c = parse_card(
        "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Doe;Jane\r\nNOTE;ENCODING=QUOTED-PRINTABLE:=C3=91=80 ok\r\nEND:VCARD\r\n"
    )
    assert c.notes == "Ñ€ ok"  # the stray 0x80 alone is read as cp1252; "Ñ" stays "Ñ"


def test_control_characters_are_stripped_with_a_problem_line() -> None:
    text = "BEGIN:VCARD\nVERSION:3.0\nFN:Nul\x00 Byte\x07\nNOTE:fine\nEND:VCARD\n"
    (c,), report = _read(text)
    assert c.name == "Nul Byte"
    assert [(e.line, e.reason) for e in report.errors] == [(3, "control characters (NUL and the like) removed from FN")]


def test_a_nested_card_is_reported_and_kept_on_its_parent() -> None:
    text = "BEGIN:VCARD\nVERSION:2.1\nN:Boss;Big\nAGENT:\nBEGIN:VCARD\nFN:Assistant\nEND:VCARD\nTEL:1\nEND:VCARD\n"
    (c,), report = _read(text)
    assert c.name == "Big Boss" and any(e.name == "AGENT" and "Assistant" in e.value for e in c.extra)
    assert [(e.line, e.reason) for e in report.errors] == [
        (5, "nested card (AGENT) kept as a property of this card, not imported as a contact of its own")
    ]
