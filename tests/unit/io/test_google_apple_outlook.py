"""Issue 17, item 6: Google's star and system groups, Apple's empty labels, Outlook's maiden name, CSV pipes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from netdesk.io.contact_csv import read_contact_csv
from netdesk.io.netdesk_csv import write_contact_csv
from netdesk.io.report import ImportReport
from netdesk.io.vcard import contact_to_vcard, parse_card
from netdesk.services import NetDesk

GOOGLE_CARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Grace Hopper\r\nN:Hopper;Grace;;;\r\n"
    "item1.EMAIL;TYPE=INTERNET:grace@navy.example\r\nitem1.X-ABLabel:\r\n"
    "CATEGORIES:myContacts,starred,Navy\r\nEND:VCARD\r\n"
)


def test_google_star_is_a_flag_and_system_groups_are_not_tags() -> None:
    grace = parse_card(GOOGLE_CARD)
    assert grace.starred and grace.tags == ("Navy",)
    assert grace.emails[0].label == ""  # the empty X-ABLabel is ignored
    assert [e.name for e in grace.extra] == ["CATEGORIES"]  # myContacts kept for the export, not a tag
    text = contact_to_vcard(grace, "3.0")
    assert "CATEGORIES:myContacts,starred,Navy\r\n" in text and text.count("CATEGORIES") == 1  # as Google writes it
    again = parse_card(text)
    assert again.starred and again.tags == ("Navy",)


def test_starred_in_the_list_and_its_json(nd: NetDesk, tmp_path: Path) -> None:
    path = tmp_path / "google.vcf"
    path.write_text(GOOGLE_CARD + "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nEND:VCARD\r\n")
    nd.imports.import_paths([path])
    rows = {r.name: r.starred for r in nd.contacts.rows()}
    assert rows == {"Grace Hopper": True, "Ada Lovelace": False}
    db = str(nd.path)
    nd.close()
    listing = subprocess.run(
        [sys.executable, "-m", "netdesk", "list", "--db", db, "--json", "--starred"], capture_output=True, text=True
    )
    assert listing.returncode == 0, listing.stderr
    assert [(c["name"], c["starred"], c["tags"]) for c in json.loads(listing.stdout)] == [
        ("Grace Hopper", True, ["Navy"])
    ]


def test_google_csv_star_and_outlook_maiden_name(tmp_path: Path) -> None:
    google = tmp_path / "google.csv"
    google.write_text(
        "First Name,Last Name,Labels,E-mail 1 - Value\nGrace,Hopper,* myContacts ::: * starred ::: Navy,g@n.example\n"
    )
    (grace,) = read_contact_csv(google, ImportReport())
    assert grace.starred and grace.tags == ("Navy",)
    outlook = tmp_path / "outlook.csv"
    outlook.write_text("First Name,Last Name,Maiden Name,E-mail Address\nMary,Jackson,Winston,mj@nasa.example\n")
    (mary,) = read_contact_csv(outlook, ImportReport())
    assert [(e.name, e.value) for e in mary.extra] == [("X-MAIDENNAME", "Winston")]
    assert "X-MAIDENNAME:Winston\r\n" in contact_to_vcard(mary, "4.0")


def test_csv_cells_starting_with_a_pipe_are_neutralised(tmp_path: Path) -> None:
    contact = parse_card("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:|calc!A1\r\nNOTE:|cmd /c calc\r\nEND:VCARD\r\n")
    path = tmp_path / "out.csv"
    write_contact_csv([contact], path)
    text = path.read_text(encoding="utf-8-sig")
    assert "'|calc!A1" in text and "'|cmd /c calc" in text
    (again,) = read_contact_csv(path, ImportReport())
    assert (again.formatted_name, again.notes) == ("|calc!A1", "|cmd /c calc")  # the reader undoes the apostrophe


def test_csv_control_characters_are_stripped_with_a_problem_line(tmp_path: Path) -> None:
    path = tmp_path / "outlook.csv"
    path.write_bytes(b"First Name,Last Name,E-mail Address\nMa\x00ry,Jack\x07son,mj@nasa.example\n")
    report = ImportReport()
    (mary,) = read_contact_csv(path, report)
    assert (mary.given_name, mary.family_name) == ("Mary", "Jackson")
    assert [(e.line, e.reason) for e in report.errors] == [
        (2, "control characters (NUL and the like) removed from the row")
    ]


def test_the_starred_filter_is_the_database_s(
    nd: NetDesk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`list --starred`, `export --starred` and the window's Starred filter ask SQL, never every row."""
    path = tmp_path / "google.vcf"
    cards = [("Grace Hopper", "myContacts,starred"), ("Ada Lovelace", "starred,Navy"), ("Alan Turing", "Navy")]
    cards += [("Gone Person", "starred")]
    path.write_text(
        "".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{n}\r\nCATEGORIES:{c}\r\nEND:VCARD\r\n" for n, c in cards)
    )
    nd.imports.import_paths([path])
    ids = {r.name: r.id for r in nd.contacts.rows()}
    nd.contacts.delete([ids["Gone Person"]])  # trashed: never listed
    assert nd.contacts.starred_count() == 2
    assert nd.contacts.search_ids(starred=True) == [ids["Ada Lovelace"], ids["Grace Hopper"]]
    assert nd.contacts.search_ids("grace", starred=True) == [ids["Grace Hopper"]]
    assert nd.contacts.search_ids(tag="navy", starred=True) == [ids["Ada Lovelace"]]
    assert nd.contacts.match_ids("", None, starred=True) == {ids["Ada Lovelace"], ids["Grace Hopper"]}
    assert nd.contacts.match_ids("turing", None, starred=True) == frozenset()
    written = nd.contacts.set_starred([ids["Alan Turing"], ids["Ada Lovelace"]], True)
    assert written.value == [ids["Alan Turing"]] and written.changes.contacts == {ids["Alan Turing"]}
    db = str(nd.path)
    nd.close()

    from netdesk.cli import run
    from netdesk.services.contacts import ContactService

    def no_full_read(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("read every row")

    monkeypatch.setattr(ContactService, "rows", no_full_read)
    assert run(["list", "--db", db, "--json", "--starred", "a"]) == 0
    listed = [(c["name"], c["starred"]) for c in json.loads(capsys.readouterr().out)]
    assert listed == [("Ada Lovelace", True), ("Alan Turing", True)]  # "a": a prefix of Ada and Alan, not Grace
    out = tmp_path / "starred.csv"
    assert run(["export", "--db", db, "--format", "csv", "-o", str(out), "--starred"]) == 0
    back = read_contact_csv(out, ImportReport())
    assert sorted((c.name, c.starred) for c in back) == [
        ("Ada Lovelace", True),
        ("Alan Turing", True),
        ("Grace Hopper", True),
    ]


def test_a_star_arriving_on_a_merged_or_updated_card_is_kept(nd: NetDesk, tmp_path: Path) -> None:
    """LinkedIn or a phone first, then Google's export where she is starred: the star is not lost in the merge."""
    card = "BEGIN:VCARD\r\nVERSION:3.0\r\n{uid}FN:Grace Hopper\r\nEMAIL:g@navy.example\r\n{cat}END:VCARD\r\n"
    first, google, again = (tmp_path / n for n in ("phone.vcf", "google.vcf", "again.vcf"))
    first.write_text(card.format(uid="UID:grace-1\r\n", cat=""))
    google.write_text(card.format(uid="", cat="CATEGORIES:myContacts,starred\r\n"))
    again.write_text(card.format(uid="UID:grace-1\r\n", cat=""))  # the phone's card again, without the star
    nd.imports.import_paths([first])
    assert nd.imports.import_paths([google]).value.merged == ["Grace Hopper"]
    assert [r.starred for r in nd.contacts.rows()] == [True]
    assert nd.imports.import_paths([again]).value.unchanged == ["Grace Hopper"]  # like a tag: kept from either side
    assert [r.starred for r in nd.contacts.rows()] == [True]


APPLE_ADDRESS_CARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Appleseed;Johnny;;;\r\nFN:Johnny Appleseed\r\nUID:apple-1\r\n"
    "item1.EMAIL;type=INTERNET;type=pref:johnny@example.com\r\nitem1.X-ABLabel:_$!<Other>!$_\r\n"
    "item2.ADR;type=HOME;type=pref:;;1 Infinite Loop;Cupertino;CA;95014;United States\r\nitem2.X-ABADR:us\r\n"
    "item3.ADR;type=WORK:;;Unter den Linden 1;Berlin;;10117;Germany\r\nitem3.X-ABADR:de\r\n"
    "END:VCARD\r\n"
)


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_apple_address_keeps_its_group_with_x_abadr(nd: NetDesk, tmp_path: Path, version: str) -> None:
    # Apple writes every address as itemN.ADR with an itemN.X-ABADR (its country code) beside it: the group is what
    # ties the two. The export must keep each X-ABADR in the group of its own address, not leave it on its own.
    import vobject

    path = tmp_path / "apple.vcf"
    path.write_text(APPLE_ADDRESS_CARD)
    nd.imports.import_paths([path])
    (johnny,) = nd.contacts.get_many(nd.contacts.search_ids())
    card = vobject.readOne(contact_to_vcard(johnny, version))
    groups = {}
    for line in card.getChildren():
        if line.name in ("ADR", "X-ABADR"):
            groups.setdefault(line.group, []).append((line.name, line.value if line.name == "X-ABADR" else None))
    by_country = {tuple(v for _, v in members if v): sorted(n for n, _ in members) for members in groups.values()}
    assert by_country == {("us",): ["ADR", "X-ABADR"], ("de",): ["ADR", "X-ABADR"]}
    street_of = {
        next(m.value for m in card.getChildren() if m.name == "X-ABADR" and m.group == a.group): a.value.street
        for a in card.contents["adr"]
    }
    assert street_of == {"us": "1 Infinite Loop", "de": "Unter den Linden 1"}
    again = parse_card(contact_to_vcard(johnny, version))
    assert [a.street for a in again.addresses] == ["1 Infinite Loop", "Unter den Linden 1"]
    assert [e.label for e in again.emails] == ["other"]
