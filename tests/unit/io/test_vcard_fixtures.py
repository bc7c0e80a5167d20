"""The reader against real exports from other tools (tests/data/peer), field by field."""

from __future__ import annotations

from pathlib import Path

import pytest

from netdesk.core.model import ContactKind, ContactPoint, ExtraProperty, PartialDate, PostalAddress, Related
from netdesk.io.report import ImportReport
from netdesk.io.vcard import read_vcard_file

from .conftest import ReadPeer

JPEG = b"\xff\xd8\xff"
PNG = b"\x89PNG\r\n\x1a\n"


def test_every_fixture_reads_without_an_exception(peer_fixtures: Path) -> None:
    files = sorted(peer_fixtures.rglob("*.vcf"))
    assert len(files) >= 140
    total = 0
    for path in files:
        report = ImportReport()
        contacts = read_vcard_file(path, report, workers=1)
        total += len(contacts)
        for problem in report.errors:
            assert problem.file == str(path) and problem.reason
        for contact in contacts:
            assert contact.uid and contact.name, path
    assert total >= 1150  # LargeFile.vcf alone holds 1000 cards


@pytest.mark.parametrize(
    ("relative_path", "line", "reason", "name"),
    [
        ("khard/unparsable.vcf", 1, "card is not closed (missing END:VCARD): read as far as it goes",
         "second contact with minimal Vcard"),
        ("evolution-data-server/8.vcf", 1, "card is not closed (missing END:VCARD): read as far as it goes",
         "Frank Dawson"),
        ("evolution-data-server/7.vcf", 1, "text outside a vCard (missing BEGIN:VCARD): read as a card",
         "Frank Dawson"),
    ],
)  # fmt: skip
def test_broken_cards_import_as_far_as_they_go_with_a_problem_line(
    read_peer: ReadPeer, relative_path: str, line: int, reason: str, name: str
) -> None:
    contacts, report = read_peer(relative_path)
    assert [c.name for c in contacts] == [name]
    assert [(e.line, e.reason) for e in report.errors] == [(line, reason)]
    assert report.errors[0].file.endswith(relative_path)


def test_truncated_evolution_card_keeps_everything_it_has(read_peer: ReadPeer) -> None:
    (c,), _ = read_peer("evolution-data-server/8.vcf")
    assert len(c.emails) == 2 and len(c.phones) == 2 and len(c.addresses) == 1
    assert c.organization == "Lotus Development Corporation" and c.urls


@pytest.mark.parametrize(
    ("relative_path", "line", "reason"),
    [
        (
            "l0b0-vcard/missing_properties.vcf",
            1,
            "card holds nothing to import (nothing but VERSION, UID or REV)",
        ),
        ("folkerkinzel-vcards/Empty.vcf", None, "file is empty"),
    ],
)
def test_empty_files_and_cards_become_report_errors(
    read_peer: ReadPeer, relative_path: str, line: int | None, reason: str
) -> None:
    contacts, report = read_peer(relative_path)
    assert contacts == []
    assert [(e.line, e.reason) for e in report.errors] == [(line, reason)]
    assert report.errors[0].file.endswith(relative_path)


def test_aosp_v21_complicated(read_peer: ReadPeer) -> None:
    (c,), report = read_peer("aosp-opt-vcard/v21_complicated.vcf")
    assert not report.errors
    assert (c.family_name, c.given_name, c.additional_name, c.prefix, c.suffix) == (
        "Gump",
        "Forrest",
        "Hoge",
        "Pos",
        "Tao",
    )
    assert c.formatted_name == "Joe Due"
    assert c.organization == "Gump Shrimp Co."
    assert c.department == "Sales Dept.;Manager; Fish keeper"  # ORG unit with an escaped \; stays whole
    assert (c.title, c.role) == ("Shrimp Man", "Fish Cake Keeper!")
    assert c.emails[0] == ContactPoint("forrestgump@walladalla.com", "", pref=True)
    assert ContactPoint("cell@example.com", "mobile") in c.emails
    assert c.phones[:3] == (
        ContactPoint("(111) 555-1212", "work"),
        ContactPoint("(404) 555-1212", "home"),
        ContactPoint("0311111111", "mobile"),
    )
    assert ContactPoint("0322222222", "VIDEO") in c.phones
    assert c.addresses[0] == PostalAddress(
        label="work", street="100 Waters Edge", locality="Baytown", region="LA", postal_code="30314",
        country="United States of America",
    )  # fmt: skip
    assert c.birthday == PartialDate(1, 1, 1980)
    # Two NOTEs stay two (the second is written back as a NOTE of its own). The second is QP with a soft line break
    # before an indented line: 2.1 keeps the indentation ("come" + " to").
    assert c.notes == "The following note is the example from RFC 2045."
    assert [e.value for e in c.extra if e.name == "NOTE"] == [
        "Now's the time for all folk to come to the aid of their country."
    ]
    assert c.photo is not None and c.photo.startswith(JPEG) and c.photo_mime == "image/jpeg"
    assert c.rev == "20080424T195243Z"
    names = [e.name for e in c.extra]
    assert "X-CLASS" in names and "GEO" in names
    # The 2.1 LABEL property (QP) labels the ADR of the same type: kept as its LABEL parameter, as 4.0 has it.
    assert "LABEL" not in names
    labels = [vs[0] for k, vs in c.addresses[0].params if k == "LABEL"]
    assert labels[0].startswith("100 Waters Edge\nBaytown, LA 30314")


def test_aosp_shift_jis_and_nesting(read_peer: ReadPeer) -> None:
    (c,), _ = read_peer("aosp-opt-vcard/v21_japanese_2.vcf")
    assert c.formatted_name == "安藤 ロイド 1"
    assert (c.family_name, c.given_name) == ("安藤", "ロイド1")
    assert c.addresses[0].extended == "東京都渋谷区桜丘町26-1セルリアンタワー6階"  # QP + CHARSET=SHIFT_JIS
    assert c.addresses[0].postal_code == "150-8512"
    assert c.notes == "メモ"
    assert c.extra == (ExtraProperty("SOUND", "ｱﾝﾄﾞｳ;ﾛｲﾄﾞ1;;;", (("TYPE", ("X-IRMC-N",)),)),)

    (parent,), _ = read_peer("aosp-opt-vcard/v21_nest.vcf")
    assert parent.family_name == "parent"
    assert parent.phones == (ContactPoint("1"),)  # the TEL after the nested cards still belongs to the parent
    agents = [e for e in parent.extra if e.name == "AGENT"]
    assert len(agents) == 2 and "N:nest1" in agents[0].value and "N:nest2" in agents[1].value


def test_aosp_ios_bare_cr_photo_and_apple_label(read_peer: ReadPeer) -> None:
    (c,), _ = read_peer("aosp-opt-vcard/v30_ios_613_multiline.vcf")
    assert (c.formatted_name, c.organization) == ("Bob Smith", "Smith Auto Repair")
    assert c.emails == (ContactPoint("bob@smithauto.com", "", pref=True),)
    assert c.phones == (ContactPoint("(650) 555-1212", "mobile", pref=True),)
    assert c.urls == (ContactPoint("www.smithauto.com", "homepage", pref=True),)
    assert c.photo is not None and c.photo.startswith(JPEG) and len(c.photo) > 4000


def test_audriga_google_takeout(read_peer: ReadPeer) -> None:
    contacts, report = read_peer("audriga-jmap-php/google_takeout_contacts.vcf")
    assert not report.errors and len(contacts) == 9
    assert contacts[0].emails == (ContactPoint("audriga.test@mailbox.org"),)  # no FN/N: an email is enough
    assert contacts[0].name == "audriga.test@mailbox.org"
    full = contacts[3]
    assert (full.given_name, full.family_name, full.organization, full.title) == (
        "firstName",
        "lastName",
        "corp",
        "pos",
    )
    assert full.phones == (ContactPoint("17911111111", "mobile"),)
    assert full.addresses == (
        PostalAddress(label="home", extended="AddrLine2", street="AddrLine1", locality="Karlsruhe",
                      postal_code="76131", country="DE"),
    )  # fmt: skip
    assert full.birthday == PartialDate(10, 1, 2000)  # basic format 20001001
    assert full.tags == ()  # Google's system group "myContacts" is not a tag (kept for the export)
    assert [(e.name, e.value) for e in full.extra if e.name == "CATEGORIES"] == [("CATEGORIES", "myContacts")]
    assert full.notes == "SomeNote"


def test_audriga_invalid_line_and_escapes(read_peer: ReadPeer) -> None:
    (c,), report = read_peer("audriga-jmap-php/rc-vcard-invalid-line.vcf")
    # The garbage line "blablabla" is reported (never glued onto a value) and the card imports.
    assert [(e.line, e.reason) for e in report.errors] == [
        (2, "line is neither a property nor a continuation, ignored: 'blablabla'")
    ]
    assert (c.family_name, c.given_name, c.prefix, c.suffix) == ("Test Contact", "One", "M.Sc.", "testsuffix")
    assert c.anniversary == PartialDate(11, 15, 2015)  # X-ANNIVERSARY
    assert ContactPoint("00 98765", "workfax") in c.phones
    assert c.addresses[0].postal_code == "Example postcode"  # folded mid-word
    (bad_escape,), _ = read_peer("audriga-jmap-php/invalid-vcard.vcf")
    assert bad_escape.organization == "Test. Inc."


def test_evolution_qp_utf8_and_evil_escapes(read_peer: ReadPeer) -> None:
    (c,), _ = read_peer("evolution-data-server/5.vcf")
    cjk = "十城目管理大型知座"
    assert (c.formatted_name, c.given_name, c.organization, c.title) == (cjk, cjk, cjk, cjk)
    assert c.phones[:2] == (ContactPoint(cjk, "work"), ContactPoint(cjk, "work fax"))
    # QP soft breaks in the middle of a UTF-8 sequence, =0A line breaks inside an ADR component.
    assert c.addresses == (PostalAddress(label="work", pref=True, extended=f"{cjk}\n{cjk}\n{cjk}", street=cjk),)
    assert c.emails == (ContactPoint("weird@weird.com"),)
    (evil,), _ = read_peer("evolution-data-server/13.vcf")
    assert evil.addresses[0].street == "Evil semicolon city;"
    assert evil.addresses[0].locality == "Semicolon;way"
    assert ContactPoint("+1-919-676-9515", "work") in evil.phones  # parameter folded with a TAB
    assert ContactPoint("Frank_Dawson@Lotus.com", "", pref=True) in evil.emails
    assert ContactPoint("semicolon;@points.net") in evil.emails
    (nat,), _ = read_peer("evolution-data-server/3.vcf")
    assert nat.uid == "pas-id-3E65886900000002"
    assert nat.addresses[0].po_box == "P.O. Box 101"
    assert nat.extra == (ExtraProperty("X-EVOLUTION-FILE-AS", "Friedman, Nat"),)


def test_ez_vcard_iphone(read_peer: ReadPeer) -> None:
    (c,), _ = read_peer("ez-vcard/John_Doe_IPHONE.vcf")
    assert (c.prefix, c.given_name, c.additional_name, c.family_name, c.suffix) == (
        "Mr.", "John", "Richter,James", "Doe", "Sr.",
    )  # fmt: skip
    assert (c.nickname, c.organization, c.department, c.title) == ("Johny", "IBM", "Accounting", "Money Counter")
    assert c.emails == (ContactPoint("john.doe@ibm.com", "", pref=True),)
    assert c.phones[0] == ContactPoint("905-555-1234", "mobile", pref=True)
    assert ContactPoint("905-888-1234", "home fax") in c.phones
    assert c.urls == (ContactPoint("http://www.ibm.com", "homepage", pref=True),)  # http\:// unescaped
    assert c.birthday == PartialDate(6, 6, 2012)
    assert c.photo is not None and c.photo.startswith(JPEG) and len(c.photo) == 32531
    assert [e.name for e in c.extra] == ["X-ABADR", "X-ABADR"]
    assert c.extra[0].group == "item3"


def test_ez_vcard_outlook_and_gmail(read_peer: ReadPeer) -> None:
    (o,), _ = read_peer("ez-vcard/outlook-2007.vcf")
    assert (o.formatted_name, o.nickname, o.organization, o.department) == (
        "Mr. Michael Angstadt Jr.", "Mike", "TheCompany", "TheDepartment",
    )  # fmt: skip
    assert o.phones == (
        ContactPoint("(111) 555-1111", "work"),
        ContactPoint("(111) 555-2222", "home"),
        ContactPoint("(111) 555-4444", "mobile"),
        ContactPoint("(111) 555-3333", "work fax"),
    )
    assert o.emails == (ContactPoint("mike.angstadt@gmail.com", "", pref=True),)
    assert o.notes.startswith("This is the NOTE field\t\nI assume it encodes this text inside a NOTE vCard type.\n")
    assert o.birthday == PartialDate(3, 10, 1922)
    assert any(e.name == "X-MS-OL-DESIGN" for e in o.extra)

    (g,), _ = read_peer("ez-vcard/gmail-single2.vcf")
    assert g.ims[:4] == (
        ContactPoint("gtalk:IM2"), ContactPoint("aim:IM3"), ContactPoint("ymsgr:IM4"), ContactPoint("skype:IM5"),
    )  # fmt: skip
    assert ContactPoint("xmpp:IM9") in g.ims
    assert ContactPoint("customcategory@example.com", "CustomEmailCategory") in g.emails
    assert ContactPoint("5555551119", "GRAND_CENTRAL") in g.phones
    assert ContactPoint("5555551116", "MAIN") in g.phones
    assert ContactPoint("5555551120", "pager") in g.phones
    assert ContactPoint("http://www.example4.com", "homepage") in g.urls
    assert g.addresses[4].label == "CustomAddressCategory"
    # Apple dates and related names are not modelled: kept with their group and label.
    anniversary_group = next(e.group for e in g.extra if e.name == "X-ABDATE" and e.value == "1930-03-20")
    assert ExtraProperty("X-ABLABEL", "_$!<Anniversary>!$_", group=anniversary_group) in g.extra


def test_ez_vcard_rfc6350_v4(read_peer: ReadPeer) -> None:
    (c,), _ = read_peer("ez-vcard/rfc6350-example.vcf")
    assert c.birthday == PartialDate(2, 3, None)  # --0203
    assert c.anniversary == PartialDate(8, 8, 2009)
    assert c.gender == "M"
    assert c.phones == (
        ContactPoint("+1-418-656-9254;ext=102", "work", pref=True),  # tel: URI, PREF=1
        ContactPoint("+1-418-262-6501", "mobile"),
    )
    assert {e.name for e in c.extra} == {"LANG", "GEO", "KEY", "TZ"}


def test_folkerkinzel_encodings(read_peer: ReadPeer) -> None:
    utf16, _ = read_peer("folkerkinzel-vcards/MultiAnsiFilterTests__v3Utf16Bom.vcf")
    assert [c.formatted_name for c in utf16] == ["Folker Kinzel", "KMS Außenstelle"]
    assert utf16[1].emails == (ContactPoint("blablö@blub.com"),)
    assert utf16[0].photo_uri.startswith("https://lh3.googleusercontent.com/")
    ansi, _ = read_peer("folkerkinzel-vcards/MultiAnsiFilterTests__v3Ansi.vcf")
    assert [c.formatted_name for c in ansi] == ["Folker Kinzel", "KMS Außenstelle"]  # cp1252 without CHARSET
    german, _ = read_peer("folkerkinzel-vcards/MultiAnsiFilterTests__German.vcf")
    assert "ä" in german[0].formatted_name or "ü" in german[0].formatted_name or "ö" in german[0].formatted_name
    large, report = read_peer("folkerkinzel-vcards/LargeFile.vcf")
    assert len(large) == 1000 and not report.errors


def test_khard_org_and_photo_v4(read_peer: ReadPeer) -> None:
    (org,), _ = read_peer("khard/org.vcf")
    assert org.kind is ContactKind.ORGANIZATION
    assert (org.organization, org.uid) == ("ACME Inc.", "429A43AB-52F2-4714-AA62-077528A12464")
    (photo,), _ = read_peer("khard/photov4.vcf")
    assert photo.photo is not None and photo.photo.startswith(PNG) and photo.photo_mime == "image/png"
    (labels,), _ = read_peer("khard/labels.vcf")
    assert labels.organization == "Test Inc"
    assert ExtraProperty("X-ABLABEL", "Work", group="item1") in labels.extra  # the label of an ORG is kept


def test_l0b0_maximal(read_peer: ReadPeer) -> None:
    (c,), _ = read_peer("l0b0-vcard/maximal.vcf")
    assert (c.prefix, c.given_name, c.additional_name, c.family_name, c.suffix) == (
        "Mr,Dr", "John", "Quentin", "Doe", "Esq.",
    )  # fmt: skip
    assert c.department == "Example Department; Example Sub-Department; Example Office"
    assert c.emails == (ContactPoint("jdoe+work-related@example.org", "work", pref=True),)
    assert c.tags == ("Finance, marketing and bull****ing", "Worker drones")
    assert c.photo_uri == "http://example.org/jdoe.jpg"
    assert ExtraProperty("GEO", "1.2345;6.7890") in c.extra
    assert ExtraProperty("TZ", "+10:30") in c.extra


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("bday-apple-omit-year", PartialDate(12, 31, None)),
        ("bday-no-year-v3", PartialDate(12, 31, None)),
        ("bday-feb29-nonleap", None),  # 1902-02-29 does not exist: kept as an extra BDAY
        ("bday-broken-text", None),
    ],
)
def test_nextcloud_birthdays(read_peer: ReadPeer, name: str, expected: PartialDate | None) -> None:
    (c,), report = read_peer(f"nextcloud-server/BirthdayServiceTest.{name}.vcf")
    assert not report.errors
    assert c.birthday == expected
    if expected is None and name != "bday-empty":
        assert any(e.name == "BDAY" for e in c.extra)


def test_py_vobject_quoted_printable_latin1(read_peer: ReadPeer) -> None:
    (c,), _ = read_peer("py-vobject/more_tests.quoted-printable.vcf")
    assert c.formatted_name == "é"
    assert c.phones == (ContactPoint("0111111111", "home"),)
    (grouped,), _ = read_peer("py-vobject/test_vcards.vcard_with_groups.vcf")
    assert grouped.formatted_name == "Meister Berger"  # group prefix on BEGIN, lower-case names
    assert grouped.title == "Mayor"
    assert grouped.birthday == PartialDate(9, 21, 1963)


def test_radicale_photo_data_uri(read_peer: ReadPeer) -> None:
    for name in ("contact_photo_with_data_uri.vcf", "contact_photo_with_data_uri_v4.vcf"):
        (c,), _ = read_peer(f"radicale/{name}")
        assert c.photo is not None and c.photo.startswith(PNG) and c.photo_mime == "image/png", name
    (no_year,), _ = read_peer("radicale/contact4-with-bday-no-year.vcf")
    assert no_year.birthday is not None and no_year.birthday.year is None


def test_roundcube_utf16_without_bom_and_thebat(read_peer: ReadPeer) -> None:
    (c,), _ = read_peer("roundcube/utf-16_sample.vcf")
    assert c.formatted_name == "Ǽgean ĽdaMonté"
    assert c.addresses[0] == PostalAddress(
        label="work", pref=True, street="169 Mária Canal", locality="LaPaz", region="Conceptión",
        postal_code="245-876", country="Perú",
    )  # fmt: skip
    (bat,), _ = read_peer("roundcube/thebat.vcf")
    # QP byte =F1 with no CHARSET and not valid UTF-8: read as cp1252, never as U+FFFD.
    assert (bat.given_name, bat.family_name) == ("Piotr", "Iksiñski")
    assert bat.gender == "M"  # X-GENDER:Male
    assert bat.emails == (ContactPoint("piotr.iksinski@somedomain.com", "", pref=True),)
    assert bat.rev == "20080716T203548Z"


def test_sabre_compound_qp_values(read_peer: ReadPeer) -> None:
    (c,), _ = read_peer("sabre-vobject/QuotedPrintableTest.compoundValues.vcf")
    assert c.formatted_name == "John Doe"
    assert c.addresses[0].street == "Münster Str. 1"
    assert c.addresses[0].locality == "Münster"


def test_vcard4android_all_fields(read_peer: ReadPeer) -> None:
    (c,), _ = read_peer("vcard4android/allfields-vcard3.vcf")
    assert c.uid == "mostfields1@at.bitfire.vcard4android"
    assert (c.formatted_name, c.nickname, c.organization, c.department) == (
        "Ämi Display", "Nick1,Nick2", "ABC, Inc.", "North American Division; Marketing",
    )  # fmt: skip
    assert c.emails == (
        ContactPoint("private@example.com", "home", pref=True),
        ContactPoint("work@example.com", "@work"),
    )
    assert c.ims[0] == ContactPoint("myIM:anonymous@example.com", "MyIM", pref=True)
    assert c.anniversary == PartialDate(8, 12, 2014)
    assert c.tags == ("A", "B'C")
    assert c.related == (Related("Ägidius", "co-worker,crush"), Related("muuum@example.com", "parent"))
    assert c.photo is not None and c.photo.startswith(JPEG)
    assert ExtraProperty("X-TEST", "Value", (("A", ("B",)),)) in c.extra
    assert ExtraProperty("X-ABLABEL", "Custom Date", group="item2") in c.extra
