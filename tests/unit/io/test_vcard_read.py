"""Reader unit tests on small hand-written cards: encodings, splitting, fields, errors, parallel parsing."""

from __future__ import annotations

import base64
import codecs
import uuid

import pytest

from netdesk.core.model import ContactKind, ContactPoint, PartialDate, Related
from netdesk.io import vcard
from netdesk.io.report import ImportReport
from netdesk.io.vcard import (
    CardError,
    decode_vcard_bytes,
    looks_like_vcard,
    parse_card,
    read_vcard_bytes,
    split_cards,
)


def card(*lines: str, eol: str = "\r\n") -> str:
    return eol.join(["BEGIN:VCARD", "VERSION:3.0", *lines, "END:VCARD"]) + eol


# --- decoding -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        "FN:Zoë Müller".encode(),
        codecs.BOM_UTF8 + "FN:Zoë Müller".encode(),
        codecs.BOM_UTF16_LE + "FN:Zoë Müller".encode("utf-16-le"),
        codecs.BOM_UTF16_BE + "FN:Zoë Müller".encode("utf-16-be"),
        "FN:Zoë Müller".encode("utf-16-be"),  # no BOM
        "FN:Zoë Müller".encode("cp1252"),  # no charset at all
    ],
)
def test_decode_detects_the_encoding(data: bytes) -> None:
    assert decode_vcard_bytes(data) == "FN:Zoë Müller"


def test_decode_honours_charset_per_property_and_never_replaces() -> None:
    data = b"N;CHARSET=SHIFT_JIS:" + "安藤".encode("shift_jis") + b"\r\nNOTE:" + "café €".encode("cp1252") + b"\x81"
    text = decode_vcard_bytes(data)
    assert "N;CHARSET=SHIFT_JIS:安藤" in text
    assert "NOTE:café €\x81" in text
    assert "\ufffd" not in text


def test_looks_like_vcard() -> None:
    assert looks_like_vcard(b"\r\n\r\nbegin:vCard\r\nVERSION:3.0")
    assert looks_like_vcard("BEGIN:VCARD\r\n".encode("utf-16"))
    assert not looks_like_vcard(b"First Name,Last Name\nAda,Lovelace\n")


# --- splitting --------------------------------------------------------------------------------


def test_split_cards_reports_start_lines_and_keeps_nested_cards_inside() -> None:
    text = "junk\n" + card("FN:A", eol="\n") + "\n" + card("FN:B", "BEGIN:VCARD", "FN:Agent", "END:VCARD", eol="\n")
    cards = split_cards(text)
    assert [line for line, _ in cards] == [2, 7]  # a stray line that ends no card is ignored
    assert cards[1][1].count("BEGIN:VCARD") == 2  # the AGENT card stays inside its parent


def test_missing_end_and_missing_begin_are_errors_with_lines_the_rest_imports() -> None:
    text = (
        card("FN:Good One")
        + "VERSION:3.0\r\nFN:Lost Begin\r\nEND:VCARD\r\n"
        + card("FN:Good Two")
        + ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Never Closed\r\n")
    )
    report = ImportReport()
    contacts = read_vcard_bytes(text.encode(), "book.vcf", report)
    # Every card with content is kept: the one that lost its BEGIN and the truncated last one too.
    assert [c.formatted_name for c in contacts] == ["Good One", "Lost Begin", "Good Two", "Never Closed"]
    assert [(e.file, e.line, e.reason) for e in report.errors] == [
        ("book.vcf", 5, "text outside a vCard (missing BEGIN:VCARD): read as a card"),
        ("book.vcf", 12, "card is not closed (missing END:VCARD): read as far as it goes"),
    ]
    assert report.skipped == []


def test_empty_file_and_card_without_identity() -> None:
    report = ImportReport()
    assert read_vcard_bytes(b"\xef\xbb\xbf\r\n", "empty.vcf", report) == []
    assert [(e.line, e.reason) for e in report.errors] == [(None, "file is empty")]
    with pytest.raises(CardError) as info:
        parse_card(card("UID:only-an-id"), line=40)
    assert info.value.reason == "card holds nothing to import (nothing but VERSION, UID or REV)"
    assert info.value.line == 40


# --- fields -------------------------------------------------------------------------------------


def test_vcard21_quoted_printable_soft_breaks_bare_params_and_base64_photo() -> None:
    photo = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 3
    encoded = base64.b64encode(photo).decode()
    text = "\r\n".join(
        [
            "BEGIN:VCARD",
            "VERSION:2.1",
            "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=B6rg",
            "TEL;WORK;VOICE;PREF:+49 30 1234",
            "TEL;CELL:0170 555",
            "NOTE;ENCODING=QUOTED-PRINTABLE:Line one=0D=0ALine =",
            "two",
            "PHOTO;ENCODING=BASE64;TYPE=JPEG:" + encoded[:40],
            *("  " + encoded[i : i + 60] for i in range(40, len(encoded), 60)),
            "EMAIL;INTERNET:j@example.org",
            "END:VCARD",
        ]
    )
    c = parse_card(text)
    assert (c.family_name, c.given_name) == ("Müller", "Jörg")
    assert c.phones == (ContactPoint("+49 30 1234", "work", pref=True), ContactPoint("0170 555", "mobile"))
    assert c.notes == "Line one\nLine two"
    assert c.photo == photo and c.photo_mime == "image/jpeg"
    assert c.emails == (ContactPoint("j@example.org"),)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("BDAY:--0412", PartialDate(4, 12, None)),
        ("BDAY:--04-12", PartialDate(4, 12, None)),
        ("BDAY:1604-04-12", PartialDate(4, 12, None)),
        ("BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-12", PartialDate(4, 12, None)),
        ("BDAY:19850412", PartialDate(4, 12, 1985)),
        ("BDAY:1985-04-12", PartialDate(4, 12, 1985)),
        ("BDAY:1985-04-12T00:00:00Z", PartialDate(4, 12, 1985)),
        ("BDAY;VALUE=text:circa 1800", None),
    ],
)
def test_birthday_forms(value: str, expected: PartialDate | None) -> None:
    assert parse_card(card("FN:X", value)).birthday == expected


def test_modelled_fields_3_0() -> None:
    c = parse_card(
        card(
            "UID:abc-1",
            "FN:Ada Lovelace",
            "N:Lovelace;Ada;Augusta;Countess;",
            "NICKNAME:Ada",
            "ORG:Analytical Engines;Research;Numbers",
            "TITLE:Programmer",
            "ROLE:Lead",
            "item1.EMAIL;TYPE=INTERNET:ada@example.org",
            "item1.X-ABLabel:Salon",
            "EMAIL;TYPE=INTERNET,WORK;TYPE=pref:ada@work.example",
            "item2.URL:https://ada.example",
            "item2.X-ABLabel:_$!<HomePage>!$_",
            "X-SKYPE;TYPE=WORK:ada.l",
            "IMPP:xmpp:ada@jabber.example",
            "ANNIVERSARY:2001-02-03",
            "NOTE:Line 1\\nsemi\\; comma\\, back\\\\slash",
            "CATEGORIES:work,Friends,work",
            "PHOTO;VALUE=uri:http://example.org/ada.jpg",
            "X-ABShowAs:COMPANY",
            "RELATED;TYPE=spouse:William King",
            "X-GENDER:Female",
            "REV:2024-01-01T00:00:00Z",
            "GEO:51.5;-0.1",
            "X-CUSTOM;X-P=1:kept",
        )
    )
    assert c.uid == "abc-1"
    assert (c.family_name, c.given_name, c.additional_name, c.prefix) == ("Lovelace", "Ada", "Augusta", "Countess")
    assert (c.nickname, c.organization, c.department) == ("Ada", "Analytical Engines", "Research; Numbers")
    assert (c.title, c.role) == ("Programmer", "Lead")
    assert c.emails == (ContactPoint("ada@example.org", "Salon"), ContactPoint("ada@work.example", "work", True))
    assert c.urls == (ContactPoint("https://ada.example", "homepage"),)
    assert c.ims == (ContactPoint("skype:ada.l", "work"), ContactPoint("xmpp:ada@jabber.example"))
    assert c.anniversary == PartialDate(2, 3, 2001)
    assert c.notes == "Line 1\nsemi; comma, back\\slash"
    assert c.tags == ("Friends", "work")
    assert c.photo is None and c.photo_uri == "http://example.org/ada.jpg"
    assert c.kind is ContactKind.ORGANIZATION
    assert c.related == (Related("William King", "spouse"),)
    assert c.gender == "F"
    assert c.rev == "2024-01-01T00:00:00Z"
    assert [(e.name, e.value, e.params) for e in c.extra] == [
        ("GEO", "51.5;-0.1", ()),
        ("X-CUSTOM", "kept", (("X-P", ("1",)),)),
    ]


def test_vcard4_kind_pref_and_tel_uri() -> None:
    text = "\r\n".join(
        [
            "BEGIN:VCARD",
            "VERSION:4.0",
            "KIND:org",
            "FN:ACME",
            "TEL;VALUE=uri;TYPE=work;PREF=1:tel:+1-555-0100",
            "EMAIL;PREF=2:info@acme.example",
            "GENDER:O;robot",
            "END:VCARD",
        ]
    )
    c = parse_card(text)
    assert c.kind is ContactKind.ORGANIZATION
    assert c.phones == (ContactPoint("+1-555-0100", "work", pref=True),)
    assert c.emails == (ContactPoint("info@acme.example", "", pref=False),)
    assert c.gender == "O;robot"


def test_line_endings_and_folding_are_equivalent() -> None:
    base = card("FN:Grace Hopper", "NOTE:a long note that is folded", eol="\r\n")
    variants = [base, base.replace("\r\n", "\n"), base.replace("\r\n", "\r"), base.replace("folded", "fol\r\n ded")]
    parsed = [parse_card(v) for v in variants]
    assert {(p.formatted_name, p.notes) for p in parsed} == {("Grace Hopper", "a long note that is folded")}


def test_missing_uid_gets_a_stable_uuid4() -> None:
    text = card("FN:No Uid")
    first, second = parse_card(text), parse_card(text)
    assert first.uid == second.uid
    assert uuid.UUID(first.uid).version == 4
    assert parse_card(card("FN:Other")).uid != first.uid


# --- parallel parsing ----------------------------------------------------------------------------


def test_large_files_parse_in_a_process_pool_with_absolute_error_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    count = vcard.PARALLEL_THRESHOLD + 100
    cards = [card(f"UID:u{i}", f"FN:Person {i}", f"EMAIL:p{i}@example.org") for i in range(count)]
    broken_index = 555
    cards[broken_index] = card("UID:broken", "REV:20200101T000000Z")
    text = "".join(cards)
    expected_line = 1 + sum(c.count("\r\n") for c in cards[:broken_index])

    used_pool: list[int] = []
    real_executor = vcard.ProcessPoolExecutor

    def spying_executor(*args: object, **kwargs: object) -> object:
        used_pool.append(1)
        return real_executor(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(vcard, "ProcessPoolExecutor", spying_executor)
    report = ImportReport()
    contacts = read_vcard_bytes(text.encode(), "big.vcf", report, workers=2)
    assert used_pool == [1]
    assert len(contacts) == count - 1
    assert [c.uid for c in contacts[:3]] == ["u0", "u1", "u2"]  # order is kept
    assert contacts[-1].formatted_name == f"Person {count - 1}"
    assert [(e.line, e.reason) for e in report.errors] == [
        (expected_line, "card holds nothing to import (nothing but VERSION, UID or REV)")
    ]
    serial = read_vcard_bytes(text.encode(), "big.vcf", ImportReport(), workers=1)
    assert serial == contacts
