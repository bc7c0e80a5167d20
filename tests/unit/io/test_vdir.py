"""vdir folders: detection, reading with per-file problems, atomic writing, and khard reading what we wrote."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from netdesk.core.model import ContactDTO, ContactKind, ContactPoint, PartialDate
from netdesk.io.report import ImportReport
from netdesk.io.vdir import file_names_may_clash, is_vdir, read_vcard_folder, vdir_file_name, write_vdir

CONTACTS = [
    ContactDTO(
        uid="ada-1",
        formatted_name="Ada Lovelace",
        given_name="Ada",
        family_name="Lovelace",
        emails=(ContactPoint("ada@example.org", "work", pref=True),),
        phones=(ContactPoint("+44 20 7946 0000", "mobile"),),
        birthday=PartialDate(12, 10, None),
    ),
    ContactDTO(uid="urn:uuid:a/b c", formatted_name="Grace Hopper", given_name="Grace", family_name="Hopper"),
    ContactDTO(uid="", kind=ContactKind.ORGANIZATION, formatted_name="ACME Corp", organization="ACME Corp"),
]


def test_is_vdir(tmp_path: Path) -> None:
    assert not is_vdir(tmp_path)
    (tmp_path / "notes.txt").write_text("x")
    assert not is_vdir(tmp_path)
    (tmp_path / "a.vcf").write_text("BEGIN:VCARD\r\nFN:A\r\nEND:VCARD\r\n")
    assert is_vdir(tmp_path)
    assert not is_vdir(tmp_path / "a.vcf")
    assert not is_vdir(tmp_path / "missing")


def test_file_names_are_sanitised() -> None:
    assert vdir_file_name("ada-1") == "ada-1.vcf"
    assert vdir_file_name("urn:uuid:a/b c") == "urn_uuid_a_b_c.vcf"
    assert vdir_file_name("../../etc/passwd") == "_.._etc_passwd.vcf"
    assert vdir_file_name("") == "contact.vcf"


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_write_then_read_back(tmp_path: Path, version: str) -> None:
    book = tmp_path / "book"
    assert write_vdir(CONTACTS, book, version) == 3
    names = sorted(p.name for p in book.iterdir())
    assert "ada-1.vcf" in names and "urn_uuid_a_b_c.vcf" in names and len(names) == 3
    assert not any(n.endswith(".tmp") for n in names)
    report = ImportReport()
    back = {c.formatted_name: c for c in read_vcard_folder(book, report, workers=1)}
    assert not report.errors
    assert back["Ada Lovelace"] == CONTACTS[0]
    assert back["Grace Hopper"].uid == "urn:uuid:a/b c"  # the UID inside the file is the real one
    assert back["ACME Corp"].kind is ContactKind.ORGANIZATION and back["ACME Corp"].uid  # got a fresh UID


def test_duplicate_uids_do_not_overwrite_each_other(tmp_path: Path) -> None:
    twins = [CONTACTS[0], CONTACTS[0].replace(formatted_name="Ada Twin")]
    assert write_vdir(twins, tmp_path, "3.0") == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ada-1-2.vcf", "ada-1.vcf"]


def test_file_names_may_clash_only_when_two_uids_give_one_name() -> None:
    assert not file_names_may_clash(["ada-1", "urn:uuid:a/b c", "ada-2", "", ""])  # UID-less contacts get UUIDs
    assert file_names_may_clash(["x", "a/b", "a:b"])  # both sanitise to a_b.vcf
    assert file_names_may_clash(["Ada", "y", "ada"])  # names are compared as a case-insensitive disk would


def test_read_folder_reports_bad_files_and_keeps_good_ones(tmp_path: Path) -> None:
    write_vdir(CONTACTS[:1], tmp_path)
    (tmp_path / "empty.vcf").write_bytes(b"")
    (tmp_path / "broken.vcf").write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Half\r\n")
    (tmp_path / "other.vcf").write_text("this is not a vcard")
    (tmp_path / "ignored.txt").write_text("BEGIN:VCARD\r\nFN:Not Read\r\nEND:VCARD\r\n")
    report = ImportReport()
    contacts = read_vcard_folder(tmp_path, report, workers=1)
    assert sorted(c.formatted_name for c in contacts) == ["Ada Lovelace", "Half"]  # as far as it goes
    problems = sorted((Path(e.file).name, e.line, e.reason) for e in report.errors)
    assert problems == [
        ("broken.vcf", 1, "card is not closed (missing END:VCARD): read as far as it goes"),
        ("empty.vcf", None, "file is empty"),
        ("other.vcf", None, "not a vCard file"),
    ]


def test_hidden_files_and_temp_files_are_not_cards(tmp_path: Path) -> None:
    # What sits in a real vdir beside the cards: macOS's AppleDouble "._" files (a vdir copied to a USB stick or a
    # network share), a hidden card an editor or a sync tool left, and vdirsyncer's "<name>.tmp" of an atomic write.
    # khard lists *.vcf without the hidden ones (a glob); NetDesk reads the same cards and reports nothing.
    write_vdir(CONTACTS[:1], tmp_path)
    (tmp_path / "._ada-1.vcf").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        \x00\x02")
    (tmp_path / ".hidden.vcf").write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:h\r\nFN:Hidden\r\nEND:VCARD\r\n")
    (tmp_path / "grace.vcf.tmp").write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:g\r\nFN:Half Written\r\n")
    report = ImportReport()
    contacts = read_vcard_folder(tmp_path, report, workers=1)
    assert [c.formatted_name for c in contacts] == ["Ada Lovelace"]
    assert report.errors == [] and report.unreadable_files == []
    hidden_only = tmp_path / "hidden_only"
    hidden_only.mkdir()
    (hidden_only / "._a.vcf").write_bytes(b"\x00\x05\x16\x07")
    assert not is_vdir(hidden_only)


def test_export_into_a_synced_vdir_replaces_each_card_under_its_own_file_name(tmp_path: Path) -> None:
    # vdirsyncer names a card's file after its href on the server (Google, iCloud, Nextcloud), not after its UID. An
    # export into that folder must replace the card's own file (the vdir rule: "when changing an item, the original
    # filename must be used"); writing <UID>.vcf beside it left two cards with one UID, which khard lists twice and
    # vdirsyncer uploads as a new contact. A file named like a UID but holding another card is not overwritten.
    (tmp_path / "c2d1f0e8a9.vcf").write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:ada-1\r\nFN:Ada\r\nEND:VCARD\r\n")
    (tmp_path / "ada-2.vcf").write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:someone-else\r\nFN:Bo\r\nEND:VCARD\r\n")
    ada2 = CONTACTS[0].replace(uid="ada-2", formatted_name="Ada Two")
    assert write_vdir([CONTACTS[0], ada2], tmp_path) == 2
    cards = {p.name: p.read_text() for p in tmp_path.iterdir()}
    assert sorted(cards) == ["ada-2-2.vcf", "ada-2.vcf", "c2d1f0e8a9.vcf"]
    assert "FN:Ada Lovelace" in cards["c2d1f0e8a9.vcf"] and "UID:someone-else" in cards["ada-2.vcf"]
    assert "UID:ada-2" in cards["ada-2-2.vcf"]


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_khard_lists_a_vdir_we_wrote(tmp_path: Path, version: str) -> None:
    khard = Path(sys.executable).parent / "khard"
    if not khard.exists():
        pytest.skip("khard is not installed in this environment")
    book = tmp_path / "contacts"
    write_vdir(CONTACTS, book, version)
    config = tmp_path / "khard.conf"
    config.write_text(
        f"[addressbooks]\n[[test]]\npath = {book}\n\n"
        "[general]\ndefault_action = list\neditor = true\nmerge_editor = true\n"
    )
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / ".config")}
    result = subprocess.run(
        [str(khard), "-c", str(config), "list"], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    for name in ("Ada Lovelace", "Grace Hopper", "ACME Corp"):
        assert name in result.stdout, (name, result.stdout, result.stderr)
    assert (
        "ada@example.org"
        in subprocess.run(
            [str(khard), "-c", str(config), "email", "--parsable"], capture_output=True, text=True, env=env, timeout=60
        ).stdout
    )
