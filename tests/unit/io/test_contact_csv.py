"""Contact CSV: Google/Outlook/Thunderbird samples field by field, NetDesk's own layout round trip and safety."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from netdesk.core.errors import UnsupportedFormatError
from netdesk.core.model import (
    ContactDTO,
    ContactKind,
    ContactPoint,
    ExtraProperty,
    PartialDate,
    PostalAddress,
    Related,
)
from netdesk.io.contact_csv import detect_csv_kind, read_contact_csv
from netdesk.io.netdesk_csv import NETDESK_COLUMNS, write_contact_csv
from netdesk.io.report import ImportReport

LINKEDIN_DATA = Path(__file__).resolve().parents[2] / "data" / "linkedin"


def _read(path: Path) -> tuple[list[ContactDTO], ImportReport]:
    report = ImportReport()
    return read_contact_csv(path, report), report


@pytest.mark.parametrize(
    ("name", "kind"),
    [("gmail.csv", "google"), ("outlook.csv", "outlook"), ("tb_plain.csv", "outlook"), ("all.csv", "outlook")],
)
def test_detect_peer_samples(peer_fixtures: Path, name: str, kind: str) -> None:
    assert detect_csv_kind((peer_fixtures / "roundcube" / "csv" / name).read_bytes()) == kind


def test_detect_other_kinds(tmp_path: Path) -> None:
    assert detect_csv_kind((LINKEDIN_DATA / "Connections.csv").read_bytes()) == "linkedin"
    assert detect_csv_kind(b"First Name,Middle Name,Last Name,E-mail 1 - Label,E-mail 1 - Value,Labels\n") == "google"
    write_contact_csv([ContactDTO(given_name="Ada")], tmp_path / "nd.csv")
    assert detect_csv_kind((tmp_path / "nd.csv").read_bytes()) == "netdesk"
    assert detect_csv_kind(b"Vendor,Amount,Currency\nAcme,12,EUR\n") is None
    assert detect_csv_kind(b"") is None


def test_google_old_layout_field_by_field(peer_fixtures: Path) -> None:
    contacts, report = _read(peer_fixtures / "roundcube" / "csv" / "gmail.csv")
    assert report.errors == []
    (c,) = contacts
    assert c.formatted_name == "Prefix Firstname Middle Lastname Suffix"
    assert (c.prefix, c.given_name, c.additional_name, c.family_name, c.suffix) == (
        "Prefix",
        "Firstname",
        "Middle",
        "Lastname",
        "Suffix",
    )
    assert c.nickname == "nick"
    assert c.birthday == PartialDate(12, 12, 1975)
    assert c.notes == 'note"note'
    assert c.tags == ("Test",)  # "* My Contacts" is Google's own group
    assert c.emails == (
        ContactPoint("home@aaa.pl", "home", pref=True),
        ContactPoint("work@email.pl", "work"),
        ContactPoint("unknown@email.com", ""),
        ContactPoint("other@email.com", "other"),
    )
    assert c.phones == (
        ContactPoint("pager", "Pager"),
        ContactPoint("mainphone", "Main"),
        ContactPoint("homephone", "home"),
        ContactPoint("homefax", "Home Fax"),
        ContactPoint("mobile", "mobile"),
        ContactPoint("workphone", "work"),
        ContactPoint("workfax", "Work Fax"),
    )
    assert c.addresses == (
        PostalAddress(
            label="home",
            po_box="home_pobox",
            street="home_street",
            locality="home_city",
            region="home_state",
            postal_code="home_zip",
            country="home_country",
        ),
        PostalAddress(
            label="work", street="work_street", locality="work_city", postal_code="work_zip", country="work_country"
        ),
    )
    assert (c.organization, c.title) == ("company", "jobtitle")
    assert c.related == (Related("spouse", "spouse"),)
    assert c.urls == (ContactPoint("test.com", "Profile"), ContactPoint("home.page.com", "Home Page"))


def test_outlook_email_only_sample(peer_fixtures: Path) -> None:
    contacts, report = _read(peer_fixtures / "roundcube" / "csv" / "outlook.csv")
    assert report.errors == []
    assert [e.value for e in contacts[0].emails] == ["test1@domain.tld", "test2@domain.tld", "test3@domain.tld"]


def test_thunderbird_sample(peer_fixtures: Path) -> None:
    (c,), report = _read(peer_fixtures / "roundcube" / "csv" / "tb_plain.csv")
    assert report.errors == []
    assert (c.formatted_name, c.given_name, c.family_name, c.nickname) == (
        "Displayname",
        "Firstname",
        "Lastname",
        "Nick",
    )
    assert c.emails == (ContactPoint("test@domain.tld"), ContactPoint("next@domain.tld"))
    assert ContactPoint("mobile", "mobile") in c.phones and ContactPoint("phone work", "work") in c.phones
    assert (c.organization, c.department, c.title) == ("Organization", "department", "title")
    assert c.birthday == PartialDate(11, 15, 1970)
    assert c.addresses[1] == PostalAddress(
        label="work", street="Addr work", locality="Wcity", region="Wstate", postal_code="33-333", country="Poland"
    )
    assert c.urls == (ContactPoint("http://page.com"), ContactPoint("http://webpage.tld", "other"))


def test_mixed_outlook_style_sample_with_bom(peer_fixtures: Path) -> None:
    (c,), report = _read(peer_fixtures / "roundcube" / "csv" / "all.csv")
    assert report.errors == []
    assert (c.formatted_name, c.prefix, c.given_name, c.title) == ("Display Name", "Prefix", "First Name", "Job Title")
    assert c.emails == (
        ContactPoint("home@example.com", "home"),
        ContactPoint("work@example.com", "work"),
        ContactPoint("other@example.com", "other"),
    )
    assert c.birthday == PartialDate(1, 20, 1991)  # 20/01/1991: day first
    assert c.anniversary == PartialDate(2, 20, 1992)
    assert c.gender == "F"
    assert c.tags == ("test",)
    assert ContactPoint("skype", "skype") in c.ims
    assert Related("Spouse", "spouse") in c.related


def test_email_only_sample_rows(peer_fixtures: Path) -> None:
    contacts, report = _read(peer_fixtures / "roundcube" / "csv" / "email.csv")
    assert report.errors == []
    assert [c.name for c in contacts] == [f"test{n}@domain.tld" for n in range(1, 5)]


def test_google_new_layout(tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text(
        "First Name,Middle Name,Last Name,Name Prefix,Name Suffix,Nickname,Organization Name,Organization Title,"
        "Organization Department,Birthday,Notes,Labels,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,"
        "Phone 1 - Value,Address 1 - Label,Address 1 - Formatted,Website 1 - Label,Website 1 - Value\n"
        "Ada,Augusta,Lovelace,,,Ada,Analytical Engines,Programmer,R&D,--12-10,First programmer,"
        "* myContacts ::: Friends ::: Work,* Work,ada@example.com ::: ada@home.example,Mobile,+44 20 7946 0000,"
        'Home,"12 St James\'s Sq\nLondon",Blog,https://ada.example\n'
        ",,,,,,,,,31-31-2000,,,,,,,,,,\n"
        "Bad,Birthday,,,,,,,,31/31/2000,,,,,,,,,,\n",
        encoding="utf-8",
    )
    contacts, report = _read(path)
    ada, bad = contacts
    assert (ada.given_name, ada.additional_name, ada.family_name) == ("Ada", "Augusta", "Lovelace")
    assert (ada.organization, ada.title, ada.department) == ("Analytical Engines", "Programmer", "R&D")
    assert ada.birthday == PartialDate(12, 10)
    assert ada.tags == ("Friends", "Work")
    assert ada.emails == (ContactPoint("ada@example.com", "work", True), ContactPoint("ada@home.example", "work"))
    assert ada.phones == (ContactPoint("+44 20 7946 0000", "mobile"),)
    assert ada.addresses == (PostalAddress(label="home", street="12 St James's Sq\nLondon"),)
    assert ada.urls == (ContactPoint("https://ada.example", "Blog"),)
    assert bad.birthday is None  # kept, without the date
    assert [(p.line, p.reason) for p in report.errors] == [
        (4, "cannot read birthday '31-31-2000'; left empty"),
        (4, "row skipped: nothing to import in it"),
        (5, "cannot read birthday '31/31/2000'; left empty"),
    ]


def test_outlook_full_layout_cp1252_semicolons(tmp_path: Path) -> None:
    header = (
        "Title;First Name;Middle Name;Last Name;Suffix;Company;Department;Job Title;Business Street;Business City;"
        "Business Postal Code;Business Country/Region;Business Phone;Mobile Phone;Birthday;Categories;"
        "E-mail Address;E-mail Type;E-mail 2 Address;Gender;Notes;Web Page"
    )
    row = (
        "Dr.;Jürgen;;Weiß;;Müller & Söhne GmbH;Einkauf;Leiter Einkauf;Hauptstr. 1;München;80331;Deutschland;"
        '+49 89 123456;+49 171 2345678;0/0/00;"Lieferanten;Kunden";jw@example.de;SMTP;;Male;"Zeile 1\nZeile 2";'
        "https://mueller.example"
    )
    path = tmp_path / "outlook.csv"
    path.write_bytes((header + "\r\n" + row + "\r\n").encode("cp1252"))
    (c,), report = _read(path)
    assert report.errors == []
    assert (c.prefix, c.given_name, c.family_name) == ("Dr.", "Jürgen", "Weiß")
    assert (c.organization, c.department, c.title) == ("Müller & Söhne GmbH", "Einkauf", "Leiter Einkauf")
    assert c.phones == (ContactPoint("+49 89 123456", "work"), ContactPoint("+49 171 2345678", "mobile"))
    assert c.birthday is None  # Outlook's 0/0/00 means none, not a problem
    assert c.tags == ("Kunden", "Lieferanten")
    assert c.emails == (ContactPoint("jw@example.de"),)
    assert c.gender == "M" and c.notes == "Zeile 1\nZeile 2"
    assert c.addresses == (
        PostalAddress(
            label="work", street="Hauptstr. 1", locality="München", postal_code="80331", country="Deutschland"
        ),
    )
    assert c.urls == (ContactPoint("https://mueller.example"),)


# Outlook's "Export to a file" header as Outlook writes it: "E-mail 2 Type" and "E-mail 3 Type" are not Google's
# numbered "E-mail 1 - Type" columns.
OUTLOOK_EXPORT_HEADER = (
    '"Title","First Name","Middle Name","Last Name","Suffix","Company","Department","Job Title","Business Street",'
    '"Business Street 2","Business Street 3","Business City","Business State","Business Postal Code",'
    '"Business Country/Region","Home Street","Home Street 2","Home Street 3","Home City","Home State",'
    '"Home Postal Code","Home Country/Region","Other Street","Other Street 2","Other Street 3","Other City",'
    '"Other State","Other Postal Code","Other Country/Region","Assistant\'s Phone","Business Fax","Business Phone",'
    '"Business Phone 2","Callback","Car Phone","Company Main Phone","Home Fax","Home Phone","Home Phone 2","ISDN",'
    '"Mobile Phone","Other Fax","Other Phone","Pager","Primary Phone","Radio Phone","TTY/TDD Phone","Telex","Account",'
    '"Anniversary","Assistant\'s Name","Billing Information","Birthday","Business Address PO Box","Categories",'
    '"Children","Directory Server","E-mail Address","E-mail Type","E-mail Display Name","E-mail 2 Address",'
    '"E-mail 2 Type","E-mail 2 Display Name","E-mail 3 Address","E-mail 3 Type","E-mail 3 Display Name","Gender",'
    '"Government ID Number","Hobby","Home Address PO Box","Initials","Internet Free Busy","Keywords","Language",'
    '"Location","Manager\'s Name","Mileage","Notes","Office Location","Organizational ID Number",'
    '"Other Address PO Box","Priority","Private","Profession","Referred By","Sensitivity","Spouse","User 1","User 2",'
    '"User 3","User 4","Web Page"'
)


def test_outlook_export_header_with_numbered_email_types_is_outlook(tmp_path: Path) -> None:
    header = next(csv.reader([OUTLOOK_EXPORT_HEADER]))
    values = {
        "Title": "Mr.",
        "First Name": "Jürgen",
        "Last Name": "Weiß",
        "Company": "Müller GmbH",
        "Job Title": "Geschäftsführer",
        "Business Phone": "+49 30 123456",
        "Birthday": "0/0/00",
        "Categories": "Business;VIP",
        "E-mail Address": "juergen@example.de",
        "E-mail Type": "SMTP",
        "E-mail Display Name": "Jürgen Weiß (juergen@example.de)",
        "Gender": "Unspecified",
        "Priority": "Normal",
        "Private": "False",
        "Sensitivity": "Normal",
    }
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL).writerows(
        [header, [values.get(name, "") for name in header]]
    )
    path = tmp_path / "contacts.CSV"
    path.write_bytes(out.getvalue().encode("cp1252"))
    assert detect_csv_kind(path.read_bytes()) == "outlook"
    (c,), report = _read(path)
    assert report.errors == []
    assert (c.prefix, c.given_name, c.family_name) == ("Mr.", "Jürgen", "Weiß")
    assert (c.organization, c.title) == ("Müller GmbH", "Geschäftsführer")
    assert c.emails == (ContactPoint("juergen@example.de"),)
    assert c.phones == (ContactPoint("+49 30 123456", "work"),)
    assert c.tags == ("Business", "VIP")
    assert c.birthday is None and c.gender == ""


def test_unknown_csv_raises(tmp_path: Path) -> None:
    path = tmp_path / "invoice.csv"
    path.write_text("Vendor,Amount\nAcme,12\n", encoding="utf-8")
    with pytest.raises(UnsupportedFormatError, match="First Name"):
        read_contact_csv(path, ImportReport())


# --- NetDesk layout -------------------------------------------------------------------------------------------------

RICH = ContactDTO(
    uid="urn:uuid:6f1c1a52-2b1e-4c1d-9a7e-0d6c2f3b4a5e",
    kind=ContactKind.PERSON,
    formatted_name='=HYPERLINK("http://evil.example","Click")',
    prefix="Dr.",
    given_name="Ada",
    additional_name="Augusta",
    family_name="'Lovelace",  # a genuine leading apostrophe must survive
    suffix="-PhD",
    nickname="+1 nickname",
    organization='Analytical, "Engines" Ltd',
    department="@research",
    title="\tTabbed",
    role="\rCR first",
    emails=(
        ContactPoint("ada@example.com", "work", pref=True),
        ContactPoint("ada@home.example", ""),
        ContactPoint("odd@example.com", "*starred: label\\with\nbreak"),
    ),
    phones=(ContactPoint("+44 20 7946 0000", "mobile"), ContactPoint("-123", "fax")),
    urls=(ContactPoint("https://www.linkedin.com/in/ada", "linkedin"),),
    ims=(ContactPoint("xmpp:ada@example.com", "jabber"),),
    addresses=(
        PostalAddress(
            label="home",
            pref=True,
            po_box="PO 1; 2",
            extended="Flat 3\\b",
            street="12 St James's Sq\nSecond line",
            locality="London",
            region="",
            postal_code="SW1Y 4JH",
            country="United Kingdom",
        ),
        PostalAddress(label="", locality=" leading space"),
    ),
    birthday=PartialDate(12, 10),
    anniversary=PartialDate(6, 8, 1835),
    gender="F",
    notes='Line one\r\nLine two, with "quotes"\n=not a formula here',
    tags=("friends, close", "math", "-minus"),
    photo=b"\x89PNG\r\n\x1a\n\x00\x01binary",
    photo_mime="image/png",
    photo_uri="",
    related=(Related("urn:uuid:1234", "spouse"), Related("Charles Babbage", "")),
    extra=(ExtraProperty("X-CUSTOM", "a;b,c:d", (("TYPE", ("a", "b")), ("X-P", ('q"x',))), "item1"),),
    rev="2024-01-02T03:04:05Z",
    connected_on=date(2021, 3, 15),
    created_at=datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=UTC),
    updated_at=datetime(2024, 5, 6, 7, 8, 9),
)


def test_netdesk_round_trip_is_exact(tmp_path: Path) -> None:
    minimal = ContactDTO(organization="Acme", kind=ContactKind.ORGANIZATION)
    path = tmp_path / "export.csv"
    assert write_contact_csv([RICH, minimal], path) == 2
    contacts, report = _read(path)
    assert report.errors == []
    assert contacts == [RICH, minimal]


def test_netdesk_file_is_excel_friendly_and_formula_safe(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    write_contact_csv([RICH], path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header, row = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert tuple(header) == NETDESK_COLUMNS
    cells = dict(zip(header, row, strict=True))
    assert cells["Formatted Name"].startswith("'=HYPERLINK")
    assert cells["Family Name"] == "''Lovelace"
    assert cells["Suffix"] == "'-PhD"
    assert cells["Nickname"] == "'+1 nickname"
    assert cells["Department"] == "'@research"
    assert cells["Title"] == "'\tTabbed"
    assert cells["Birthday"] == "'--12-10"
    assert cells["Emails"] == (
        "*work: ada@example.com\n: ada@home.example\n\\*starred\\: label\\\\with\\nbreak: odd@example.com"
    )
    assert cells["Tags"] == "friends\\, close, math, -minus"
    for cell in row:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert not [p for p in tmp_path.iterdir() if p.name != "export.csv"]  # no temp file left behind


def test_netdesk_write_replaces_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("old content", encoding="utf-8")
    write_contact_csv([ContactDTO(given_name="Ada")], path)
    (c,), _ = _read(path)
    assert c.given_name == "Ada"


def test_netdesk_bad_cells_skip_only_that_row(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    write_contact_csv([ContactDTO(given_name="Ada"), ContactDTO(given_name="Bo"), ContactDTO(given_name="Cy")], path)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    index = {name: n for n, name in enumerate(NETDESK_COLUMNS)}
    for line_no, (column, value) in ((2, ("Birthday", "31st of Never")), (3, ("Emails", "no separator"))):
        cells = next(csv.reader([lines[line_no - 1]]))
        cells[index[column]] = value
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="").writerow(cells)
        lines[line_no - 1] = buffer.getvalue()
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    contacts, report = _read(path)
    assert [c.given_name for c in contacts] == ["Cy"]
    assert [p.line for p in report.errors] == [2, 3]
    assert "Birthday" in report.errors[0].reason and "Emails" in report.errors[1].reason


def test_ragged_rows_are_reported_and_the_good_rows_kept(tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text(
        "First Name,Last Name,E-mail Address,Company\n"
        "Ada,Byron,ada@example.com,Engines\n"
        "Bo,Berg\n"  # short: nothing lost, the missing cells are empty
        "Cy,Dahl,cy@example.com,Acme,+1 555 0100,trailing\n"  # values past the last column
        "Di,Eng,di@example.com,Initech,,\n"  # empty cells past the last column: nothing lost
        'Ed,"Fox,ed@example.com,Globex\n'  # a quote never closed: the rest of the file is one cell
        "Flo,Gray,flo@example.com,Umbrella\n",
        encoding="utf-8",
    )
    contacts, report = _read(path)
    assert [c.name for c in contacts] == ["Ada Byron", "Bo Berg", "Cy Dahl", "Di Eng"]
    assert contacts[2].emails == (ContactPoint("cy@example.com"),) and contacts[2].organization == "Acme"
    assert [(p.line, p.reason) for p in report.errors] == [
        (4, "row has 6 cells but the header 4: the values past the last column ('+1 555 0100', 'trailing') ignored"),
        (
            6,
            "row skipped: a quoted cell opened in this row is never closed, so lines 6-7 were read as one row "
            "of 2 cells (the header has 4)",
        ),
    ]
    assert len(report.skipped) == 1


def test_outlook_exchange_directory_addresses_are_not_emails(tmp_path: Path) -> None:
    # A contact from an Exchange address book: Outlook writes its X.500 directory name (E-mail Type "EX"), which no
    # mail program can send to; the SMTP address, when there is one, is among the other columns.
    path = tmp_path / "contacts.csv"
    path.write_text(
        "First Name,Last Name,E-mail Address,E-mail Type,E-mail 2 Address,E-mail 2 Type\n"
        "Li,Wei,/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=4f1e-liwei,EX,"
        "li.wei@example.com,SMTP\n",
        encoding="utf-8",
    )
    (c,), report = _read(path)
    assert c.emails == (ContactPoint("li.wei@example.com"),)
    assert [(p.line, p.reason) for p in report.errors] == [
        (2, "an Exchange directory address is not an email address; ignored: '/o=ExchangeLabs/ou=Exchange Admini…'")
    ]


def test_utf8_file_with_a_few_windows_1252_bytes_keeps_its_utf8_names(tmp_path: Path) -> None:
    # A UTF-8 export with one row typed or pasted in a Windows program: that row's bytes are Windows-1252, the rest
    # of the file must not be read as Windows-1252 too ("JosÃ© MÃ¼ller").
    path = tmp_path / "contacts.csv"
    path.write_bytes(
        b"First Name,Last Name,E-mail Address,Company\r\n"
        + "José,Müller,jm@example.com,Société Générale\r\n".encode()
        + "Zoë,Xu,zx@example.com,Café\r\n".encode("cp1252")
    )
    contacts, report = _read(path)
    assert [(c.name, c.organization) for c in contacts] == [("José Müller", "Société Générale"), ("Zoë Xu", "Café")]
    assert report.errors == []
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert [c.name for c in _read(bom)[0]] == ["José Müller", "Zoë Xu"]


def test_title_is_the_job_title_in_files_without_a_job_title_column(tmp_path: Path) -> None:
    # Outlook's "Title" is Mr./Dr. beside its "Job Title"; in Salesforce, HubSpot and lead-list exports, with no "Job
    # Title" column, "Title" is the job.
    path = tmp_path / "salesforce.csv"
    path.write_text(
        "First Name,Last Name,Title,Account Name,Email\n"
        "Ada,Lovelace,VP Engineering,Engines,ada@example.com\n"
        "Alan,Turing,Dr.,Bletchley,alan@example.com\n",
        encoding="utf-8",
    )
    (ada, alan), report = _read(path)
    assert report.errors == []
    assert (ada.prefix, ada.title, ada.name) == ("", "VP Engineering", "Ada Lovelace")
    assert (alan.prefix, alan.title) == ("Dr.", "")


def test_netdesk_round_trip_keeps_a_large_photo_and_a_long_note(tmp_path: Path) -> None:
    # A phone's 300 KB contact photo is a 400 KB base64 cell, over the csv module's default 128 KB field limit:
    # NetDesk's own export must read back, not come back as "row skipped: unreadable CSV".
    photo = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 1200
    big = ContactDTO(uid="big-1", given_name="Ada", notes="lorem ipsum " * 20_000, photo=photo, photo_mime="image/jpeg")
    path = tmp_path / "export.csv"
    assert write_contact_csv([big, ContactDTO(uid="small-1", given_name="Bo")], path) == 2
    contacts, report = _read(path)
    assert report.errors == []
    assert contacts == [big, ContactDTO(uid="small-1", given_name="Bo")]
    assert csv.field_size_limit() == 131072  # the module-wide limit is left as it was for other readers


def test_netdesk_round_trip_keeps_the_vcard_parameters(tmp_path: Path) -> None:
    # What a vCard brought besides the values: Outlook's address label (ADR;LABEL=, the address as printed), Google's
    # formatted address, the TYPE spelling and X-ABLabel of each point, N;LANGUAGE=. An export to CSV and back must
    # write the same vCard again; params are not part of equality, so they are compared one by one.
    from netdesk.io.vcard import contact_to_vcard, parse_card

    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:params-1\r\nN;LANGUAGE=de:Müller;Jürgen;;;\r\nFN:Jürgen Müller\r\n"
        "item1.EMAIL;TYPE=INTERNET;TYPE=pref:j@example.org\r\nitem1.X-ABLabel:_$!<Other>!$_\r\n"
        "TEL;TYPE=WORK,VOICE:+49 30 123456\r\n"
        "ADR;TYPE=WORK:;;Hauptstraße 1;Berlin;;10115;Deutschland;Hauptstraße 1\\n10115 Berlin\r\n"
        "LABEL;TYPE=WORK:Hauptstraße 1\\n10115 Berlin\\nDeutschland\r\nEND:VCARD\r\n"
    )
    before = parse_card(card)
    path = tmp_path / "export.csv"
    write_contact_csv([before, ContactDTO(uid="plain", given_name="Bo")], path)
    (after, plain), report = _read(path)
    assert report.errors == [] and after == before
    for field_name in ("emails", "phones", "addresses"):
        assert [p.params for p in getattr(after, field_name)] == [p.params for p in getattr(before, field_name)]
    assert after.property_params == before.property_params
    assert contact_to_vcard(after, "3.0") == contact_to_vcard(before, "3.0")
    assert contact_to_vcard(after, "4.0") == contact_to_vcard(before, "4.0")
    assert plain == ContactDTO(uid="plain", given_name="Bo")
