"""Issue 17: address books shaped as real exporters write them, where tests/data/peer has none: Apple Contacts 3.0
(itemN. groups, X-ABLabel, X-ABADR, the 1604 year), Google Contacts 3.0 (myContacts/starred, empty X-ABLabel, the
escaped colon of its URLs), Nextcloud 4.0 (quoted TYPE lists, tel: URIs, data: photos), an old phone's 2.1 (bare
types, quoted-printable UTF-8 and Latin-1, soft breaks, a base64 photo ended by a blank line) and Outlook's CSV.
Each is measured by the fidelity script and imported into a database as a user would."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from netdesk.io.vcard import contact_to_vcard
from netdesk.services import NetDesk

JPEG_B64 = (
    "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDRENDg8QEBEQ"
    "CgwSExIQEw8QEBD/yQALCAABAAEBAREA/8wABgAQEAX/2gAIAQEAAD8A0s8g/9k="
)
PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"


def fold(line: str, width: int = 75) -> str:
    out = [line[:width]]
    rest = line[width:]
    while rest:
        out.append(" " + rest[: width - 1])
        rest = rest[width - 1 :]
    return "\r\n".join(out)


def crlf(lines: list[str]) -> str:
    return "\r\n".join(lines) + "\r\n"


APPLE_30 = crlf(
    [
        "BEGIN:VCARD",
        "VERSION:3.0",
        "PRODID:-//Apple Inc.//macOS 14.4//EN",
        "N:Lovelace;Ada;Augusta;Countess;",
        "FN:Ada Lovelace",
        "NICKNAME:Ada",
        "ORG:Analytical Engines Ltd;Research",
        "TITLE:Mathematician",
        "item1.EMAIL;type=INTERNET;type=pref:ada@engines.example",
        "item1.X-ABLabel:_$!<Other>!$_",
        "EMAIL;type=INTERNET;type=HOME:ada@home.example",
        "TEL;type=CELL;type=VOICE;type=pref:+44 7700 900123",
        "item2.TEL:020 7946 0958",
        "item2.X-ABLabel:Studio",
        "item3.ADR;type=HOME;type=pref:;;12 St James's Square;London;;SW1Y 4JH;United Kingdom",
        "item3.X-ABADR:gb",
        "item4.URL;type=pref:https://ada.example",
        "item4.X-ABLabel:_$!<HomePage>!$_",
        "item5.X-ABDATE;type=pref:1835-07-08",
        "item5.X-ABLabel:_$!<Anniversary>!$_",
        "item6.X-ABRELATEDNAMES;type=pref:William King",
        "item6.X-ABLabel:_$!<Spouse>!$_",
        "X-SOCIALPROFILE;type=twitter:https://twitter.com/ada",
        "IMPP;X-SERVICE-TYPE=Skype;type=pref:skype:ada.lovelace",
        "BDAY;X-APPLE-OMIT-YEAR=1604:1604-12-10",
        "NOTE:First programmer.\\nWrote the notes on the Engine\\, with Babbage.",
        fold("PHOTO;ENCODING=b;TYPE=JPEG:" + JPEG_B64),
        "X-ABUID:5AD380FD-B2DE-4261-BA99-DE1D1DB52FBE:ABPerson",
        "END:VCARD",
        "BEGIN:VCARD",
        "VERSION:3.0",
        "PRODID:-//Apple Inc.//macOS 14.4//EN",
        "N:;;;;",
        "FN:Analytical Engines Ltd",
        "ORG:Analytical Engines Ltd;",
        "item1.TEL;type=pref:+44 20 7946 0000",
        "item1.X-ABLabel:_$!<Main>!$_",
        "X-ABShowAs:COMPANY",
        "END:VCARD",
    ]
)

GOOGLE_30 = crlf(
    [
        "BEGIN:VCARD",
        "VERSION:3.0",
        "FN:Priya Raman",
        "N:Raman;Priya;;;",
        "NICKNAME:PR",
        "EMAIL;TYPE=INTERNET;TYPE=WORK:Priya.Raman@Example.com",
        "TEL;TYPE=CELL:+91 98765 43210",
        "item1.TEL:+91 80 2345 6789",
        "item1.X-ABLabel:Office",
        "ADR;TYPE=HOME:;;42 MG Road;Bengaluru;KA;560001;India",
        "ORG:Example Corp",
        "TITLE:Engineer",
        "BDAY:1990-02-14",
        "item2.URL:https\\://priya.example/blog",
        "item2.X-ABLabel:blog",
        "item3.X-ABRELATEDNAMES:Arun",
        "item3.X-ABLabel:brother",
        "item4.EMAIL;TYPE=INTERNET:priya@old.example",
        "item4.X-ABLabel:",
        "CATEGORIES:myContacts,starred,Friends",
        "NOTE:Met at PyCon",
        "END:VCARD",
        "BEGIN:VCARD",
        "VERSION:3.0",
        "FN:Priya R.",
        "N:R.;Priya;;;",
        "EMAIL;TYPE=INTERNET:priya.raman@example.com",
        "CATEGORIES:myContacts",
        "END:VCARD",
    ]
)

NEXTCLOUD_40 = crlf(
    [
        "BEGIN:VCARD",
        "VERSION:4.0",
        "PRODID:-//Sabre//Sabre VObject 4.5.4//EN",
        "UID:1f7c9a8e-5e7e-4b8e-9a7e-0c2b6a2d7e11",
        "FN:Chen Wei",
        "N:Chen;Wei;;;",
        'TEL;TYPE="home,voice";VALUE=uri:tel:+86-10-1234-5678',
        "TEL;TYPE=cell;PREF=1:+86 138 0013 8000",
        "EMAIL;TYPE=work:chen.wei@example.cn",
        'ADR;TYPE=work;LABEL="1 Tiananmen\\nBeijing":;;1 Tiananmen;Beijing;;100000;China',
        fold("PHOTO:data:image/png;base64," + PNG_B64),
        "BDAY:--0612",
        "ANNIVERSARY:20100612",
        "GENDER:M",
        "IMPP;PREF=1:xmpp:chen@jabber.example",
        "CATEGORIES:Colleagues,Beijing",
        "LANG;PREF=1:zh",
        "RELATED;TYPE=spouse:urn:uuid:0b2bd87a-3a35-4c2d-9e0f-8f4f5f8b9c01",
        "REV:20240101T120000Z",
        "KIND:individual",
        "END:VCARD",
    ]
)

# An old Nokia / Android phone: 2.1, bare types, quoted-printable UTF-8 and Latin-1, a soft break before an indented
# continuation, a base64 photo folded over lines and ended by a blank line.
PHONE_21 = crlf(
    [
        "BEGIN:VCARD",
        "VERSION:2.1",
        "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=D0=98=D0=B2=D0=B0=D0=BD=D0=BE=D0=B2;=D0=98=D0=B2=D0=B0=D0=BD;;;",
        "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=D0=98=D0=B2=D0=B0=D0=BD =D0=98=D0=B2=D0=B0=D0=BD=D0=BE=D0=B2",
        "TEL;CELL;PREF:+79161234567",
        "TEL;HOME;VOICE:8 (495) 123-45-67",
        "TEL;WORK;FAX:+7 495 765-43-21",
        "EMAIL;INTERNET:ivan@example.ru",
        "ADR;HOME;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:;;=D1=83=D0=BB. "
        "=D0=A2=D0=B2=D0=B5=D1=80=D1=81=D0=BA=D0=B0=D1=8F 1;=",
        "=D0=9C=D0=BE=D1=81=D0=BA=D0=B2=D0=B0;;101000;Russia",
        "NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=ISO-8859-1:Caf=E9 meeting, send the=",
        " report",
        "X-ANDROID-CUSTOM:vnd.android.cursor.item/nickname;Vanya;1;;;;;;;;;;;;;",
        "X-IRMC-LUID:000200000123",
        "PHOTO;ENCODING=BASE64;JPEG:" + JPEG_B64[:60],
        " " + JPEG_B64[60:120],
        " " + JPEG_B64[120:],
        "",
        "END:VCARD",
    ]
)

OUTLOOK_CSV = (
    "First Name,Middle Name,Last Name,Title,Suffix,Nickname,E-mail Address,E-mail 2 Address,Home Phone,"
    "Business Phone,Mobile Phone,Business Fax,Job Title,Department,Company,Business Street,Business City,"
    "Business State,Business Postal Code,Business Country/Region,Home Street,Home City,Home Postal Code,"
    "Home Country/Region,Web Page,Birthday,Anniversary,Notes,Categories,Maiden Name\r\n"
    "Mary,W.,Jackson,Dr.,,MJ,mary.jackson@nasa.example,mj@home.example,(757) 555-0100,"
    '+1 757 555 0199,757-555-0142,,Engineer,Aeronautics,NASA Langley,"1 NASA Dr, Bldg 1244",Hampton,VA,23681,'
    'United States,"12 Oak St",Hampton,23669,United States,https://nasa.example/mary,4/9/1921,0/0/00,'
    '"First Black female engineer at NASA.\r\nLoves sewing.",Colleagues;Heroes,Winston\r\n'
    "Dorothy,,Vaughan,,,,dorothy@nasa.example,,,,,,,,,,,,,,,,,,,0/0/00,,,,\r\n"
)


def write_files(folder: Path) -> list[Path]:
    paths = []
    for name, text in (("apple.vcf", APPLE_30), ("google.vcf", GOOGLE_30), ("nextcloud.vcf", NEXTCLOUD_40)):
        paths.append(folder / name)
        paths[-1].write_bytes(text.encode("utf-8"))
    paths.append(folder / "phone.vcf")
    paths[-1].write_bytes(PHONE_21.encode("ascii"))
    return paths


def test_every_property_of_every_exporter_s_shape_is_kept(tmp_path: Path, vcard_fidelity: ModuleType) -> None:
    tallies = vcard_fidelity.run(write_files(tmp_path))
    for version, tally in tallies.items():
        assert tally.cards == 6 and tally.total() > 70, version
        assert tally.vobject_failures == [], version
        assert tally.details == [] and tally.kept_share() == 1.0, version


def test_imported_as_a_user_would_see_them(nd: NetDesk, tmp_path: Path) -> None:
    outlook = tmp_path / "outlook.csv"
    outlook.write_bytes(OUTLOOK_CSV.encode("utf-8"))
    report = nd.imports.import_paths([*write_files(tmp_path), outlook]).value
    # "Priya R." (Google, same email in another case) is merged into Priya Raman: the report adds up to 8 cards.
    assert (len(report.created), len(report.merged), report.errors) == (7, 1, [])
    people = {c.name: c for c in nd.contacts.search()}
    assert set(people) == {
        "Ada Lovelace",
        "Analytical Engines Ltd",
        "Chen Wei",
        "Dorothy Vaughan",
        "Dr. Mary W. Jackson",
        "Priya Raman",
        "Иван Иванов",
    }
    ada = people["Ada Lovelace"]
    assert [(p.label, p.pref) for p in ada.phones] == [("mobile", True), ("Studio", False)]
    assert [e.label for e in ada.emails] == ["other", "home"]
    assert str(ada.birthday) == "--12-10" and ada.photo_mime == "image/jpeg"  # Apple's 1604: no year
    assert people["Analytical Engines Ltd"].kind.value == "organization"
    priya = people["Priya Raman"]
    assert priya.starred and priya.tags == ("Friends",) and priya.urls[0].value == "https://priya.example/blog"
    assert [e.label for e in priya.emails] == ["work", ""]  # Google's empty X-ABLabel is no label
    chen = people["Chen Wei"]
    assert [(p.value, p.label) for p in chen.phones] == [("+86-10-1234-5678", "home"), ("+86 138 0013 8000", "mobile")]
    assert chen.addresses[0].locality == "Beijing" and chen.photo_mime == "image/png" and chen.gender == "M"
    ivan = people["Иван Иванов"]
    assert ivan.notes == "Café meeting, send the report"  # Latin-1 QP, the soft break keeps its space
    assert ivan.addresses[0].street == "ул. Тверская 1" and ivan.addresses[0].locality == "Москва"
    assert [p.label for p in ivan.phones] == ["mobile", "home", "work fax"] and ivan.photo_mime == "image/jpeg"
    mary = people["Dr. Mary W. Jackson"]
    assert (mary.prefix, mary.given_name, mary.additional_name, mary.family_name) == ("Dr.", "Mary", "W.", "Jackson")
    assert str(mary.birthday) == "1921-04-09" and mary.anniversary is None  # Outlook's 0/0/00 is no date
    assert mary.tags == ("Colleagues", "Heroes") and [(e.name, e.value) for e in mary.extra] == [
        ("X-MAIDENNAME", "Winston")
    ]
    # Ada's national "020 7946 0958" is read by her own address country (GB), not the default region: the same
    # number in E.164 under "A. Lovelace" (an initial) is her.
    later = tmp_path / "later.vcf"
    later.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A. Lovelace\r\nTEL:+44 20 7946 0958\r\nEND:VCARD\r\n")
    again = nd.imports.import_paths([later]).value
    assert (again.created, again.merged + again.updated + again.unchanged) == ([], ["Ada Lovelace"])
    assert "CATEGORIES:myContacts,starred,Friends\r\n" in contact_to_vcard(priya, "3.0")  # as Google writes it
