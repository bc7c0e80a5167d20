"""LinkedIn export reader: connections, messages, invitations, owner detection, ZIP/folder/CSV inputs."""

from __future__ import annotations

import shutil
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from netdesk.core.errors import UnsupportedFormatError
from netdesk.core.model import ContactPoint, Direction
from netdesk.io.linkedin import (
    MESSAGE_COLUMNS,
    LinkedInExport,
    is_linkedin_csv,
    is_linkedin_zip,
    normalize_profile_url,
    parse_connected_on,
    read_linkedin,
)
from netdesk.io.linkedin_dates import parse_message_date, read_message_date
from netdesk.io.report import ImportReport

DATA = Path(__file__).resolve().parents[2] / "data" / "linkedin"
OWNER_URL = "https://www.linkedin.com/in/maren-olsen-8a1b2c"
EXPORT_FILES = ("Connections.csv", "messages.csv", "Invitations.csv")


def _read(*paths: Path) -> tuple[LinkedInExport, ImportReport]:
    report = ImportReport()
    return read_linkedin(list(paths), report), report


def _problems(report: ImportReport) -> list[tuple[str, int | None, str]]:
    return [(Path(p.file).name, p.line, p.reason) for p in report.errors]


def _make_zip(tmp_path: Path, folder: str = "") -> Path:
    target = tmp_path / "Basic_LinkedInDataExport_01-02-2025.zip"
    with zipfile.ZipFile(target, "w") as archive:
        for name in EXPORT_FILES:
            archive.write(DATA / name, f"{folder}{name}")
        archive.writestr(f"{folder}Profile.csv", "First Name,Last Name,Headline\nMaren,Olsen,Engineer\n")
    return target


def test_connections_field_by_field() -> None:
    export, _ = _read(DATA / "Connections.csv")
    by_name = {c.contact.name: c for c in export.connections}
    assert list(by_name) == [
        "Ada Lindqvist",
        "José Fernández-Ruiz",
        'Kwame "KB" Boateng',
        "Priya Raghunathan",
        "Li Wei",
        "Zoë O'Connor",
    ]
    ada = by_name["Ada Lindqvist"]
    assert ada.line == 6  # after the Notes block (a two-line quoted cell), a blank line and the header
    assert ada.connected_on == date(2021, 3, 15) == ada.contact.connected_on
    assert ada.contact.given_name == "Ada" and ada.contact.family_name == "Lindqvist"
    assert ada.contact.organization == "Nordlicht Robotics AB"
    assert ada.contact.title == "Head of Perception"
    assert ada.contact.emails == ()
    assert ada.contact.urls == (ContactPoint("https://www.linkedin.com/in/ada-lindqvist-4f2e1a", "linkedin"),)
    assert ada.contact.uid == ""

    jose = by_name["José Fernández-Ruiz"]
    assert jose.contact.emails == (ContactPoint("jose.fr@example.org", "", pref=True),)
    assert jose.contact.organization == "Ruiz, Ortega & Partners"
    assert jose.contact.title == "Partner, M&A"
    assert jose.profile_url == "https://www.linkedin.com/in/jose-fernandez-ruiz"  # http, no www, query, slash

    kwame = by_name['Kwame "KB" Boateng']
    assert kwame.contact.title == "Founder 🚀"
    assert kwame.profile_url == "https://www.linkedin.com/in/kwameboateng"  # country subdomain

    priya = by_name["Priya Raghunathan"]
    assert priya.line == 9
    assert priya.contact.organization == "Shakti Energy (Bengaluru)"  # line break inside the cell
    assert priya.contact.title == "VP Engineering Grid Systems"
    assert by_name["Zoë O'Connor"].contact.title == 'Nurse "Practitioner"'


def test_connection_problems_name_physical_lines_and_keep_good_parts() -> None:
    export, report = _read(DATA / "Connections.csv")
    assert _problems(report) == [
        ("Connections.csv", 12, "row has no name"),
        ("Connections.csv", 13, "cannot read 'Connected On' date 'sometime in 2020'"),
        ("Connections.csv", 14, "invalid email address 'zoe@@broken' ignored"),
    ]
    assert report.skipped == [f"{DATA / 'Connections.csv'}:12: row has no name"]  # counted: the report adds up
    li = next(c for c in export.connections if c.contact.given_name == "Li")
    assert li.connected_on is None and li.line == 13  # kept despite the date
    zoe = next(c for c in export.connections if c.contact.given_name == "Zoë")
    assert zoe.contact.emails == ()


def test_old_connections_file_without_notes_and_other_date_forms() -> None:
    export, report = _read(DATA / "Connections_2017.csv")
    assert report.errors == []
    dates = {c.contact.given_name: (c.connected_on, c.line) for c in export.connections}
    assert dates == {
        "Henrik": (date(2017, 3, 15), 2),
        "Amélie": (date(2017, 4, 1), 3),
        "Tomasz": (date(2017, 4, 9), 4),
        "Keiko": (date(2017, 3, 15), 5),
    }
    amelie = next(c for c in export.connections if c.contact.given_name == "Amélie")
    assert amelie.profile_url == "https://www.linkedin.com/in/amelie-dubois"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15 Mar 2021", date(2021, 3, 15)),
        ("3/15/21", date(2021, 3, 15)),
        ("15/3/2021", date(2021, 3, 15)),
        ("2021-03-15", date(2021, 3, 15)),
        ("2021/03/15", date(2021, 3, 15)),  # year first, as in _DATE_FORMATS
        ("2021/3/5", date(2021, 3, 5)),
        ("15.03.2021", date(2021, 3, 15)),  # saved again by Excel in a European locale
        ("3/15/18, 10:00 AM", date(2018, 3, 15)),  # exports of 2017-2018 wrote a time too
        ("12/1/17, 9:05 PM", date(2017, 12, 1)),
        ("31.02.2021", None),
        ("15 March 2021", date(2021, 3, 15)),
        ("Mar 15, 2021", date(2021, 3, 15)),
        ("", None),
        ("31 Feb 2021", None),
        ("1 jan 2020", date(2020, 1, 1)),
        ("15 Mar 21", None),
        ("015 Mar 2021", None),
        ("15 Sept 2021", None),
        ("soon", None),
    ],
)
def test_parse_connected_on(text: str, expected: date | None) -> None:
    assert parse_connected_on(text) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.linkedin.com/in/ada", "https://www.linkedin.com/in/ada"),
        ("http://linkedin.com/in/ada/", "https://www.linkedin.com/in/ada"),
        ("www.linkedin.com/in/ada?trk=abc#x", "https://www.linkedin.com/in/ada"),
        ("  https://de.LinkedIn.com/in/ada//  ", "https://www.linkedin.com/in/ada"),
        ("https://example.com/ada/", "https://example.com/ada/"),
        ("", ""),
    ],
)
def test_normalize_profile_url(url: str, expected: str) -> None:
    assert normalize_profile_url(url) == expected


def test_messages() -> None:
    export, report = _read(DATA / "messages.csv")
    assert _problems(report) == [("messages.csv", 8, "message skipped: cannot read date 'not a date'")]
    assert [m.line for m in export.messages] == [2, 3, 6, 7, 9]  # the reply's body spans lines 3-5
    first, reply, kickoff, answer, smith = export.messages
    assert first.sender_name == "Maren Olsen" and first.sender_url == OWNER_URL
    assert first.recipient_names == ("Ada Lindqvist",)
    assert first.sent_at == datetime(2023, 5, 2, 14, 3, 11, tzinfo=UTC)
    assert first.content == "Hi Ada, great talk at the robotics meetup!"
    assert first.conversation_id == "2-YWRhLW1hcmVu" and first.folder == "INBOX"
    assert reply.sender_url == "https://www.linkedin.com/in/ada-lindqvist-4f2e1a"  # trailing slash gone
    assert reply.content == "Thanks Maren!\nLet's grab coffee next week.\n— Ada"
    assert kickoff.conversation_title == "Project Lighthouse" and kickoff.subject == "Kick-off"
    assert kickoff.recipient_names == ("Maren Olsen", "Priya Raghunathan")
    assert kickoff.recipient_urls == (OWNER_URL, "https://www.linkedin.com/in/priya-r-9910")
    assert kickoff.content == 'Agenda attached, "final" version.'
    assert answer.recipient_urls == (  # separated by a semicolon in this row
        "https://www.linkedin.com/in/jose-fernandez-ruiz",
        "https://www.linkedin.com/in/priya-r-9910",
    )
    assert answer.folder == "SENT"
    assert smith.sender_name == "Smith, Jr., Robert"


def test_invitations() -> None:
    export, report = _read(DATA / "Invitations.csv")
    assert _problems(report) == [
        ("Invitations.csv", 4, "invitation skipped: unknown direction 'SIDEWAYS'"),
        ("Invitations.csv", 5, "invitation skipped: cannot read date 'yesterday'"),
    ]
    sent, received = export.invitations
    assert sent.direction is Direction.OUT and received.direction is Direction.IN
    assert (sent.from_name, sent.to_name) == ("Maren Olsen", "Ada Lindqvist")
    assert sent.sent_at == datetime(2021, 3, 14, 9, 41)
    assert sent.message == "Loved your talk on lidar, let's connect."
    assert sent.inviter_url == OWNER_URL
    assert sent.invitee_url == "https://www.linkedin.com/in/ada-lindqvist-4f2e1a"
    assert received.sent_at == datetime(2024, 2, 27, 23, 5)  # "11:05\u202fPM" (narrow no-break space)
    assert received.line == 3 and received.message == ""


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        ("5/2/23, 2:03 PM", datetime(2023, 5, 2, 14, 3)),
        ("5/2/2023, 2:03 pm", datetime(2023, 5, 2, 14, 3)),
        ("12/31/99, 12:00 AM", datetime(1999, 12, 31, 0, 0)),
        ("5/2/23, 14:03", datetime(2023, 5, 2, 14, 3)),
        ("5/2/23,  2:03\u202fPM", datetime(2023, 5, 2, 14, 3)),
        ("2023-05-02 14:03:11 UTC", datetime(2023, 5, 2, 14, 3, 11)),
        ("2/29/23, 1:00 PM", None),
        ("5/2/23, 14:03 PM", None),
        ("5/2/23 2:03 PM", None),
    ],
)
def test_invitation_dates(tmp_path: Path, sent: str, expected: datetime | None) -> None:
    path = tmp_path / "Invitations.csv"
    path.write_text(
        f'From,To,Sent At,Message,Direction,inviterProfileUrl,inviteeProfileUrl\nMaren,Ada,"{sent}",,OUTGOING,,\n',
        encoding="utf-8",
    )
    export, report = _read(path)
    assert [i.sent_at for i in export.invitations] == ([expected] if expected else [])
    assert bool(report.errors) is (expected is None)


def test_owner_detected_from_messages_and_invitations_and_is_not_a_contact() -> None:
    export, _ = _read(*(DATA / n for n in EXPORT_FILES))
    assert export.owner_name == "Maren Olsen"
    assert export.owner_url == OWNER_URL
    assert all(c.profile_url != OWNER_URL for c in export.connections)
    assert len(export.connections) == 6 and len(export.messages) == 5 and len(export.invitations) == 2


def test_owner_from_invitations_alone() -> None:
    export, _ = _read(DATA / "Invitations.csv")
    assert (export.owner_name, export.owner_url) == ("Maren Olsen", OWNER_URL)


def test_owner_listed_among_connections_is_dropped(tmp_path: Path) -> None:
    connections = tmp_path / "Connections.csv"
    connections.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        f"Maren,Olsen,{OWNER_URL}/,,,,1 Jan 2020\n"
        "Ada,Lindqvist,https://www.linkedin.com/in/ada-lindqvist-4f2e1a,,,,1 Jan 2020\n",
        encoding="utf-8",
    )
    export, _ = _read(connections, DATA / "messages.csv")
    assert [c.contact.name for c in export.connections] == ["Ada Lindqvist"]


def test_owner_tie_goes_to_the_person_who_is_not_a_connection(tmp_path: Path) -> None:
    """One two-person conversation: both are on every message; the connection cannot be the owner."""
    (tmp_path / "Connections.csv").write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Ada,Lindqvist,https://www.linkedin.com/in/ada,,,,1 Jan 2020\n",
        encoding="utf-8",
    )
    (tmp_path / "messages.csv").write_text(
        "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,DATE,SUBJECT,CONTENT,"
        "FOLDER\n"
        "c1,,Ada Lindqvist,https://www.linkedin.com/in/ada,Zed Owner,https://www.linkedin.com/in/zed,"
        "2023-01-01 10:00:00 UTC,,hi,INBOX\n",
        encoding="utf-8",
    )
    export, _ = _read(tmp_path)
    assert (export.owner_name, export.owner_url) == ("Zed Owner", "https://www.linkedin.com/in/zed")


@pytest.mark.parametrize("folder", ["", "Basic_LinkedInDataExport_01-02-2025/"])
def test_zip_as_downloaded(tmp_path: Path, folder: str) -> None:
    archive = _make_zip(tmp_path, folder)
    assert is_linkedin_zip(archive)
    export, report = _read(archive)
    direct, _ = _read(*(DATA / n for n in EXPORT_FILES))
    assert [c.contact for c in export.connections] == [c.contact for c in direct.connections]
    assert [m.content for m in export.messages] == [m.content for m in direct.messages]
    assert export.owner_url == OWNER_URL
    no_name = next(p for p in report.errors if p.reason == "row has no name")
    assert no_name.file == f"{archive}/{folder}Connections.csv" and no_name.line == 12


def test_folder_input(tmp_path: Path) -> None:
    for name in EXPORT_FILES:
        shutil.copy(DATA / name, tmp_path / name)
    export, _ = _read(tmp_path)
    assert len(export.connections) == 6 and len(export.messages) == 5 and len(export.invitations) == 2
    assert export.owner_name == "Maren Olsen"


def test_sniffing() -> None:
    for name in (*EXPORT_FILES, "Connections_2017.csv"):
        assert is_linkedin_csv((DATA / name).read_bytes()), name
    assert not is_linkedin_csv(b"Name,Given Name,Family Name,E-mail 1 - Value\nAda,Ada,L,a@b.c\n")
    assert not is_linkedin_csv(b"")
    assert not is_linkedin_csv(b"\xff\xfe garbage \x00\x01")


def test_zip_without_export_files_is_not_linkedin(tmp_path: Path) -> None:
    archive = tmp_path / "photos.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("notes.txt", "hello")
    assert not is_linkedin_zip(archive)
    assert not is_linkedin_zip(DATA / "Connections.csv")  # not a ZIP at all
    with pytest.raises(UnsupportedFormatError):
        read_linkedin([archive], ImportReport())


def test_csv_that_is_not_linkedin_raises_naming_the_columns(tmp_path: Path) -> None:
    other = tmp_path / "contacts.csv"
    other.write_text("Name,Phone\nAda,123\n", encoding="utf-8")
    with pytest.raises(UnsupportedFormatError) as info:
        read_linkedin([other], ImportReport())
    message = str(info.value)
    assert "First Name" in message and "Connected On" in message and "CONVERSATION ID" in message


def test_header_spelling_variants_bom_and_ragged_rows(tmp_path: Path) -> None:
    path = tmp_path / "Connections.csv"
    path.write_bytes(
        "\ufefffirst_name,LAST NAME,url,EmailAddress,company,position,connected_on\r\n"
        "Ada,Lindqvist,https://www.linkedin.com/in/ada\r\n"  # short row
        "Bo,Berg,https://www.linkedin.com/in/bo,,Acme,CEO,1 Jan 2020,extra,cells\r\n"
        ",,,,,,\r\n"  # blank cells: no row at all
        "\r\n"
        ",Cole,https://www.linkedin.com/in/cole,,Initech,,2 Feb 2022\r\n".encode()  # no first name, full width
    )
    export, report = _read(path)
    assert report.errors == []
    ada, bo, cole = export.connections
    assert (ada.contact.name, ada.connected_on, ada.contact.organization) == ("Ada Lindqvist", None, "")
    assert (bo.contact.organization, bo.contact.title, bo.connected_on) == ("Acme", "CEO", date(2020, 1, 1))
    assert bo.line == 3
    assert (cole.contact.name, cole.contact.organization, cole.connected_on, cole.line) == (
        "Cole",
        "Initech",
        date(2022, 2, 2),
        6,
    )


def test_rows_after_a_notes_block_of_accents_emoji_and_windows_line_ends(tmp_path: Path) -> None:
    # The rows are read on from the header's end, counted in characters: none may be lost or cut.
    path = tmp_path / "Connections.csv"
    path.write_text(
        'Notes:\r\n"Émoji 🚀 note, with ""quotes""\r\nand a second line é"\r\n\r\n'
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
        "Zoë,Øster 🚀,https://www.linkedin.com/in/zo,,Acme,CEO,1 Jan 2020\r\n"
        "Al,Bo,,,,,\r\n",
        encoding="utf-8",
        newline="",
    )
    export, report = _read(path)
    assert report.errors == []
    assert [(c.contact.name, c.line) for c in export.connections] == [("Zoë Øster 🚀", 6), ("Al Bo", 7)]
    assert export.connections[0].contact.organization == "Acme"


def test_mojibake_names_are_repaired(tmp_path: Path) -> None:
    path = tmp_path / "Connections.csv"
    path.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "JosÃ©,MÃ¼ller,https://www.linkedin.com/in/jm,,,,1 Jan 2020\n",
        encoding="utf-8",
    )
    export, _ = _read(path)
    assert export.connections[0].contact.name == "José Müller"


def test_mojibake_in_messages_is_repaired_in_every_row(tmp_path: Path) -> None:
    # The same people on two rows (read once, then remembered), a repaired and a clean file read alike.
    header = ",".join(MESSAGE_COLUMNS) + "\n"
    rows = (
        "c1,CafÃ©,JosÃ© MÃ¼ller,https://linkedin.com/in/jm/,Maren  Olsen,https://www.linkedin.com/in/mo,"
        '2023-05-02 14:03:11 UTC,RÃ©sumÃ©,"Ã‡a va?\r\nOui",INBOX\n'
        "c1,CafÃ©,JosÃ© MÃ¼ller,https://linkedin.com/in/jm/,Maren  Olsen,https://www.linkedin.com/in/mo,"
        "2023-05-03 09:00:00 UTC,,Merci,INBOX\n"
    )
    broken, clean = tmp_path / "broken", tmp_path / "clean"
    broken.mkdir()
    clean.mkdir()
    (broken / "messages.csv").write_text(header + rows, encoding="utf-8")
    (clean / "messages.csv").write_text(header + rows.encode("cp1252").decode("utf-8"), encoding="utf-8")
    for folder in (broken, clean):
        export, report = _read(folder / "messages.csv")
        assert report.errors == []
        first, second = export.messages
        assert (first.sender_name, first.sender_url) == ("José Müller", "https://www.linkedin.com/in/jm")
        assert (first.recipient_names, first.recipient_urls) == (("Maren Olsen",), ("https://www.linkedin.com/in/mo",))
        assert (first.conversation_title, first.subject, first.content) == ("Café", "Résumé", "Ça va?\nOui")
        assert (second.sender_name, second.recipient_names, second.content) == (
            "José Müller",
            ("Maren Olsen",),
            "Merci",
        )
        assert (first.line, second.line) == (2, 4)  # the first row spans two lines


def test_drafts_are_not_messages(tmp_path: Path) -> None:
    """Recent exports mark a message never sent ("IS MESSAGE DRAFT", "IS CONVERSATION DRAFT"): not on the record."""
    header = ",".join((*MESSAGE_COLUMNS, "ATTACHMENTS", "IS MESSAGE DRAFT", "IS CONVERSATION DRAFT")) + "\n"
    rows = (
        "c1,,Maren Olsen,https://www.linkedin.com/in/mo,Ada L,https://www.linkedin.com/in/ada,"
        "2023-05-02 14:03:11 UTC,,Sent,INBOX,,No,No\n"
        "c1,,Maren Olsen,https://www.linkedin.com/in/mo,Ada L,https://www.linkedin.com/in/ada,"
        "2023-05-03 09:00:00 UTC,,Half a thought,DRAFT,,Yes,No\n"
        "c2,,Maren Olsen,https://www.linkedin.com/in/mo,Bo K,https://www.linkedin.com/in/bo,"
        "2023-05-04 09:00:00 UTC,,Never started,DRAFT,,yes,YES\n"
    )
    (tmp_path / "messages.csv").write_text(header + rows, encoding="utf-8")
    export, report = _read(tmp_path / "messages.csv")
    assert [m.content for m in export.messages] == ["Sent"]
    assert report.errors == [] and report.skipped == [f"2 message drafts in {tmp_path / 'messages.csv'}: never sent"]


def test_latin1_file_does_not_crash(tmp_path: Path) -> None:
    path = tmp_path / "Connections.csv"
    path.write_bytes(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Søren,Kierkegaard,https://www.linkedin.com/in/sk,,,,1 Jan 2020\n".encode("cp1252")
    )
    export, _ = _read(path)
    assert export.connections[0].contact.given_name == "Søren"


@pytest.mark.parametrize(
    "text",
    [
        "2023-05-02 14:03:11 UTC",
        "2023-05-02T14:03:11 UTC",
        " 2023-05-02 14:03:11 UTC",
        "2023-05-02 14:03:11.250000 UTC",
        "2023-05-02 14:03:11Z",
        "2023-05-02 16:03:11+02:00",
        "2023-02-30 14:03:11 UTC",
        "2023-05-02 24:00:00 UTC",
        "2023-W18-2 14:03:11 UTC",
        "yesterday",
    ],
)
def test_message_date_text_is_the_dates_own(text: str) -> None:
    # The history planner stores and digests this text instead of the datetime's: it must be the datetime's.
    sent_at, sent_text = read_message_date(text)
    assert sent_at == parse_message_date(text)
    if sent_text:
        assert sent_at is not None and str(sent_at) == sent_text + "+00:00"
    assert bool(sent_text) is (text == "2023-05-02 14:03:11 UTC")


def _damage_member(archive: Path, name: str, *, stored: bool) -> None:
    """Overwrite the start of a member's data: a stored member then fails its CRC check; a deflated one begins with
    an invalid block type, which zlib refuses."""
    with zipfile.ZipFile(archive) as z:
        info = z.getinfo(name)
    data = bytearray(archive.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start : start + 4] = b"XXXX" if stored else b"\xff\xff\xff\xff"
    archive.write_bytes(bytes(data))


@pytest.mark.parametrize("stored", [True, False])
def test_damaged_zip_member_is_reported_and_the_others_still_read(tmp_path: Path, stored: bool) -> None:
    # A download cut or corrupted on the way: one member's data is bad, the ZIP's directory is whole.
    archive = tmp_path / "Basic_LinkedInDataExport_01-02-2025.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED) as z:
        for name in EXPORT_FILES:
            z.write(DATA / name, name)
    _damage_member(archive, "Connections.csv", stored=stored)
    assert is_linkedin_zip(archive)
    export, report = _read(archive)
    assert export.connections == []
    assert len(export.messages) == 5 and len(export.invitations) == 2
    damaged = [p for p in report.errors if p.file == f"{archive}/Connections.csv"]
    assert len(damaged) == 1 and damaged[0].line is None
    assert damaged[0].reason.startswith("cannot read this file of the ZIP archive (damaged or incomplete download?)")


def test_connections_saved_again_by_excel_in_a_european_locale(tmp_path: Path) -> None:
    # Opened and saved by Excel set to German (or French, Dutch …): semicolons, Windows-1252, day.month.year dates.
    path = tmp_path / "Connections.csv"
    path.write_bytes(
        (
            "Notes:;;;;;;\r\n"
            '"When exporting your connection data, you may notice that some email addresses are missing.";;;;;;\r\n'
            ";;;;;;\r\n"
            "First Name;Last Name;URL;Email Address;Company;Position;Connected On\r\n"
            "Jürgen;Weiß;https://www.linkedin.com/in/jw;;Müller GmbH;Leiter, Einkauf;15.03.2021\r\n"
            'Zoë;Ångström;https://www.linkedin.com/in/za;za@example.se;"Café; Bar AB";Barista;2 Jan 2024\r\n'
        ).encode("cp1252")
    )
    assert is_linkedin_csv(path.read_bytes())
    export, report = _read(path)
    assert report.errors == []
    jw, za = export.connections
    assert (jw.contact.name, jw.contact.organization, jw.contact.title) == (
        "Jürgen Weiß",
        "Müller GmbH",
        "Leiter, Einkauf",
    )
    assert (jw.connected_on, jw.line) == (date(2021, 3, 15), 5)
    assert (za.contact.organization, za.contact.emails, za.connected_on) == (
        "Café; Bar AB",
        (ContactPoint("za@example.se", pref=True),),
        date(2024, 1, 2),
    )


def test_an_empty_file_of_the_export_is_said_to_be_empty(tmp_path: Path) -> None:
    archive = tmp_path / "Basic_LinkedInDataExport_01-02-2025.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(DATA / "Connections.csv", "Connections.csv")
        z.writestr("Invitations.csv", "")
        z.writestr("messages.csv", "\ufeff\r\n")
    export, report = _read(archive)
    assert len(export.connections) == 6
    assert [(p, line, reason) for p, line, reason in _problems(report) if p != "Connections.csv"] == [
        ("Invitations.csv", None, "file is empty"),
        ("messages.csv", None, "file is empty"),
    ]


def test_owner_tie_between_two_strangers_goes_to_the_name_of_profile_csv(tmp_path: Path) -> None:
    """A new account's one conversation, with a recruiter who is no connection: Profile.csv says who the owner is."""
    (tmp_path / "Profile.csv").write_text(
        "First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Summary,Industry,Zip Code,Geo Location,"
        "Twitter Handles,Websites,Instant Messengers\n"
        "Zed,Owner,,,,Engineer,,,,,,,\n",
        encoding="utf-8",
    )
    (tmp_path / "messages.csv").write_text(
        "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,DATE,SUBJECT,CONTENT,"
        "FOLDER\n"
        "c1,,Ann Recruiter,https://www.linkedin.com/in/ann,Zed Owner,https://www.linkedin.com/in/zed,"
        "2023-01-01 10:00:00 UTC,,A role for you,INBOX\n"
        "c1,,Zed Owner,https://www.linkedin.com/in/zed,Ann Recruiter,https://www.linkedin.com/in/ann,"
        "2023-01-02 10:00:00 UTC,,Tell me more,INBOX\n",
        encoding="utf-8",
    )
    export, _ = _read(tmp_path)
    assert (export.owner_name, export.owner_url) == ("Zed Owner", "https://www.linkedin.com/in/zed")


def test_export_of_2018_messages_without_conversations_or_urls(tmp_path: Path) -> None:
    # Exports of 2017-2018: Messages.csv is From, To, Date, Subject, Content, Direction, Folder, with names only and
    # US dates; Connections.csv has no URL column and the time of day after "Connected On".
    (tmp_path / "Connections.csv").write_text(
        "First Name,Last Name,Address,Email Address,Company,Position,Connected On,Websites,Instant Messengers\n"
        'Bo,Berg,,,Acme,CTO,"3/15/18, 10:00 AM",,\n',
        encoding="utf-8",
    )
    (tmp_path / "Messages.csv").write_text(
        "From,To,Date,Subject,Content,Direction,Folder\n"
        'Bo Berg,Zed Owner,"3/16/18, 9:15 AM",Hello,"Hi Zed,\nnice to meet you",INCOMING,INBOX\n'
        'Zed Owner,Bo Berg,"3/16/18, 2:03 PM",RE: Hello,Likewise!,OUTGOING,SENT\n'
        'Zed Owner,Cy Dahl,"4/1/18, 8:00 AM",,Hi Cy,OUTGOING,SENT\n',
        encoding="utf-8",
    )
    export, report = _read(tmp_path)
    assert report.errors == []
    assert [(c.contact.name, c.connected_on) for c in export.connections] == [("Bo Berg", date(2018, 3, 15))]
    assert (export.owner_name, export.owner_url) == ("Zed Owner", "")
    first, reply, third = export.messages
    assert (first.sender_name, first.recipient_names, first.subject) == ("Bo Berg", ("Zed Owner",), "Hello")
    assert first.content == "Hi Zed,\nnice to meet you" and first.line == 2
    assert first.sent_at == datetime(2018, 3, 16, 9, 15, tzinfo=UTC)  # no time zone given: taken as UTC
    assert (reply.sender_name, reply.sent_at) == ("Zed Owner", datetime(2018, 3, 16, 14, 3, tzinfo=UTC))
    assert third.recipient_names == ("Cy Dahl",) and third.line == 5


def test_email_addresses_csv_of_2018_is_read(tmp_path: Path) -> None:
    # Its third column was "Is primary" then, "Primary" now.
    (tmp_path / "Email Addresses.csv").write_text(
        'Email Address,Confirmed,Is primary,Status Updated On\nzed@example.com,Yes,Yes,"3/1/18, 10:00 AM"\n',
        encoding="utf-8",
    )
    export, report = _read(tmp_path)
    assert report.errors == [] and export.profile_emails == ["zed@example.com"]
