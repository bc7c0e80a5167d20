"""LinkedIn data export import, end to end: contacts, job history, connected events, messages, invitations."""

from __future__ import annotations

import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest

from netdesk import cli
from netdesk.core.model import ContactDTO, ContactPoint, Direction, InteractionKind
from netdesk.services import NetDesk

DATA = Path(__file__).resolve().parents[1] / "data" / "linkedin"


def _export_zip(tmp_path: Path) -> Path:
    target = tmp_path / "Basic_LinkedInDataExport_11-23-2026.zip"
    with zipfile.ZipFile(target, "w") as z:
        for name in ("Connections.csv", "messages.csv", "Invitations.csv"):
            z.write(DATA / name, name)
    return target


def _by_name(nd: NetDesk) -> dict[str, ContactDTO]:
    return {c.name: c for c in nd.contacts.search()}


def test_zip_becomes_contacts_with_history(nd: NetDesk, tmp_path: Path) -> None:
    report = nd.imports.import_paths([_export_zip(tmp_path)]).value
    people = _by_name(nd)
    assert "Maren Olsen" not in people  # the account owner is not a contact
    ada = people["Ada Lindqvist"]
    assert ada.organization == "Nordlicht Robotics AB" and ada.title == "Head of Perception"
    assert [(u.value, u.label) for u in ada.urls] == [("https://www.linkedin.com/in/ada-lindqvist-4f2e1a", "linkedin")]
    assert ada.connected_on is not None and ada.connected_on.isoformat() == "2021-03-15"
    timeline = nd.timeline.for_contact(ada.id)  # type: ignore[arg-type]
    kinds = [i.kind for i in timeline]
    assert InteractionKind.CONNECTED in kinds and InteractionKind.MESSAGE in kinds
    assert InteractionKind.CONNECTION_REQUEST in kinds
    messages = [i for i in timeline if i.kind is InteractionKind.MESSAGE]
    assert {i.direction for i in messages} == {Direction.IN, Direction.OUT}
    assert any("coffee" in i.notes for i in messages)
    request = next(i for i in timeline if i.kind is InteractionKind.CONNECTION_REQUEST)
    assert request.direction is Direction.OUT and "lidar" in request.notes
    assert report.interactions_added >= 4
    assert any("no name" in e.reason for e in report.errors)  # the nameless row, with its line
    assert all(e.line for e in report.errors if "no name" in e.reason)
    assert [r.name for r in nd.contacts.rows() if r.last_contacted is not None]  # timeline drives last contacted


def test_imported_messages_are_found_by_their_words_with_their_people(nd: NetDesk, tmp_path: Path) -> None:
    nd.imports.import_paths([_export_zip(tmp_path)])
    ada = _by_name(nd)["Ada Lindqvist"]
    found = nd.timeline.search("coffee")  # a word of the message's body, past its first line
    assert [i.summary for i in found] == ["Thanks Maren!"]
    assert [p.contact_id for p in found[0].participants] == [ada.id]
    assert "Thanks Maren!" in [i.summary for i in nd.timeline.search("thanks maren")]  # its first line
    assert nd.timeline.search("Connected on LinkedIn")  # the connected events are indexed too


def test_reimport_adds_nothing(nd: NetDesk, tmp_path: Path) -> None:
    export = _export_zip(tmp_path)
    nd.imports.import_paths([export])
    before = (_by_name(nd), nd.timeline.recent(1000))
    again = nd.imports.import_paths([export]).value
    assert again.created == [] and again.interactions_added == 0
    assert (_by_name(nd), nd.timeline.recent(1000)) == before


def test_external_ids_stay_those_earlier_imports_stored(nd: NetDesk, tmp_path: Path) -> None:
    # A re-import recognises what it stored before by these ids: the digests' inputs and form must never change.
    nd.imports.import_paths([_export_zip(tmp_path)])
    assert nd.path is not None
    database = sqlite3.connect(nd.path)
    try:
        stored = database.execute("SELECT occurred_at, external_id FROM interactions ORDER BY external_id").fetchall()
    finally:
        database.close()
    assert stored == [
        ("2021-03-15 12:00:00.000000", "connected:https://www.linkedin.com/in/ada-lindqvist-4f2e1a"),
        ("2019-01-02 12:00:00.000000", "connected:https://www.linkedin.com/in/jose-fernandez-ruiz"),
        ("2024-02-28 12:00:00.000000", "connected:https://www.linkedin.com/in/kwameboateng"),
        ("2022-11-07 12:00:00.000000", "connected:https://www.linkedin.com/in/priya-r-9910"),
        ("2023-06-30 12:00:00.000000", "connected:https://www.linkedin.com/in/zoe-oconnor"),
        ("2024-02-27 23:05:00.000000", "invitation:0a3e32b6c4e51cee3c2f"),
        ("2021-03-14 09:41:00.000000", "invitation:0da48798cbd7cd1d0ff5"),
        ("2023-06-11 09:00:00.000000", "message:635b5db4712422861926"),
        ("2023-05-02 14:03:11.000000", "message:a29be9d2206afbb41f03"),
        ("2023-05-02 15:10:00.000000", "message:a3d5531a7bdfd70e0758"),
        ("2023-06-11 09:30:00.000000", "message:b45912bf8b2bd98b1ef1"),
    ]


def test_job_change_keeps_the_old_job_in_history(nd: NetDesk, tmp_path: Path) -> None:
    ada = nd.contacts.create(
        ContactDTO(
            given_name="Ada",
            family_name="Lindqvist",
            organization="Old Robotics GmbH",
            title="Engineer",
            urls=(ContactPoint("https://www.linkedin.com/in/ada-lindqvist-4f2e1a/", "linkedin"),),
            notes="met at ICRA",
        )
    ).value
    report = nd.imports.import_paths([DATA / "Connections.csv"]).value
    assert "Ada Lindqvist" in report.merged
    merged = nd.contacts.get(ada.id)  # type: ignore[arg-type]
    assert merged.organization == "Nordlicht Robotics AB" and merged.title == "Head of Perception"
    assert merged.notes == "met at ICRA"
    history = {(h.field, h.old_value, h.new_value) for h in nd.contacts.history(ada.id)}  # type: ignore[arg-type]
    assert ("organization", "Old Robotics GmbH", "Nordlicht Robotics AB") in history
    assert ("title", "Engineer", "Head of Perception") in history


def test_existing_contact_matched_by_email_and_near_miss_suggested(nd: NetDesk) -> None:
    jose = nd.contacts.create(ContactDTO(given_name="Jose", emails=(ContactPoint("JOSE.FR@example.org"),))).value
    nd.contacts.create(ContactDTO(given_name="Kwam", family_name="Boateng"))
    report = nd.imports.import_paths([DATA / "Connections.csv"]).value
    merged = nd.contacts.get(jose.id)  # type: ignore[arg-type]
    assert merged.organization == "Ruiz, Ortega & Partners"
    assert any("Boateng" in s for s in report.suggestions)


def test_single_csvs_and_folders_are_recognised(nd: NetDesk, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    shutil.copytree(DATA, folder)
    report = nd.imports.import_paths([folder]).value
    assert len(report.created) >= 3 and report.interactions_added > 0


def test_csv_that_is_not_linkedin_is_refused_with_expected_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The command's own entry (cli.run) in this process: a child interpreter per command cost seconds in the suite.
    bogus = tmp_path / "Connections.csv"
    bogus.write_text("Name,Phone\nAda,123\n")
    db = tmp_path / "x.sqlite3"
    assert cli.run(["import", "--db", str(db), str(bogus)]) == 1
    assert "not a LinkedIn Connections.csv: expected the columns First Name, Last Name, URL" in capsys.readouterr().out
    other = tmp_path / "numbers.csv"
    other.write_text("Foo;Bar\n1;2\n")
    assert cli.run(["import", "--db", str(db), str(other)]) == 1
    assert "numbers.csv: not a vCard file, LinkedIn export or contact CSV" in capsys.readouterr().out


def test_a_download_cut_short_is_reported_as_an_incomplete_zip(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The export ZIP stopped half-way (a dropped connection): no central directory, so not a ZIP zipfile can open.
    whole = _export_zip(tmp_path).read_bytes()
    cut = tmp_path / "Complete_LinkedInDataExport_11-23-2026.zip"
    cut.write_bytes(whole[: len(whole) // 2])
    assert cli.run(["import", "--db", str(tmp_path / "x.sqlite3"), str(cut)]) == 1
    out = capsys.readouterr().out
    assert f"{cut}: ZIP archive is incomplete or damaged" in out
    assert "not a vCard file" not in out


def test_html_in_a_messages_content_becomes_its_text(nd: NetDesk, tmp_path: Path) -> None:
    # LinkedIn writes some message bodies (InMail, messages written in its newer editor) as HTML.
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "Connections.csv").write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Bo,Berg,https://www.linkedin.com/in/bo,,Acme,CTO,15 Mar 2021\n",
        encoding="utf-8",
    )
    body = (
        '<p class="spinmail-quill-editor__spin-break">Hi Zed,</p>'
        '<p class="spinmail-quill-editor__spin-break">R&amp;D at <b>Acme</b> &lt;3 your work.<br>Coffee?</p>'
    )
    (folder / "messages.csv").write_text(
        "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,DATE,SUBJECT,CONTENT,"
        "FOLDER\n"
        f"2-a,,Bo Berg,https://www.linkedin.com/in/bo,Zed Owner,https://www.linkedin.com/in/zed,"
        f'2023-05-02 14:03:11 UTC,,"{body.replace(chr(34), chr(34) * 2)}",INBOX\n'
        "2-a,,Zed Owner,https://www.linkedin.com/in/zed,Bo Berg,https://www.linkedin.com/in/bo,"
        "2023-05-03 09:00:00 UTC,,Sure: 1 < 2 & 3 > 2,INBOX\n",
        encoding="utf-8",
    )
    nd.imports.import_paths([folder])
    bo = _by_name(nd)["Bo Berg"]
    messages = [i for i in nd.timeline.for_contact(bo.id) if i.kind is InteractionKind.MESSAGE]  # type: ignore[arg-type]
    assert sorted((i.summary, i.notes) for i in messages) == [
        ("Hi Zed,", "Hi Zed,\nR&D at Acme <3 your work.\nCoffee?"),
        ("Sure: 1 < 2 & 3 > 2", "Sure: 1 < 2 & 3 > 2"),  # plain text is left as written
    ]


def test_an_unzipped_export_is_found_in_its_own_folder_and_without_connections(nd: NetDesk, tmp_path: Path) -> None:
    # Unzipping makes a folder named after the ZIP; the folder picked is often the one holding it. An export of the
    # messages alone ("Want something in particular?") has no Connections.csv.
    outer = tmp_path / "Downloads"
    with zipfile.ZipFile(_export_zip(tmp_path)) as z:
        z.extractall(outer / "Basic_LinkedInDataExport_11-23-2026")
    report = nd.imports.import_paths([outer]).value
    assert report.errors and not [e for e in report.errors if "vcf" in e.reason]
    assert "Ada Lindqvist" in _by_name(nd) and report.interactions_added > 0
    messages_only = tmp_path / "messages_only"
    messages_only.mkdir()
    shutil.copy(DATA / "messages.csv", messages_only / "messages.csv")
    again = nd.imports.import_paths([messages_only]).value
    assert not [e for e in again.errors if "vcf" in e.reason] and not again.unreadable_files


def test_a_contact_csv_with_a_headline_column_is_contacts_not_your_linkedin_profile(
    nd: NetDesk, tmp_path: Path
) -> None:
    # Lead lists (Sales Navigator tools, CRMs) have First Name, Last Name and Headline, as LinkedIn's Profile.csv does:
    # they hold people to import, not the account owner's own profile.
    leads = tmp_path / "leads.csv"
    leads.write_text(
        "First Name,Last Name,Headline,Company,Email,LinkedIn URL\n"
        "Ada,Lovelace,Mathematician at Engines,Engines,ada@example.com,https://www.linkedin.com/in/ada\n"
        "Grace,Hopper,Admiral,Navy,grace@example.com,https://www.linkedin.com/in/grace\n",
        encoding="utf-8",
    )
    report = nd.imports.import_paths([leads]).value
    assert len(report.created) == 2
    people = _by_name(nd)
    assert sorted(people) == ["Ada Lovelace", "Grace Hopper"]
    ada_urls = [(u.value, u.label) for u in people["Ada Lovelace"].urls]
    assert ada_urls == [("https://www.linkedin.com/in/ada", "linkedin")]
    assert nd.owner.get().name == ""
    # LinkedIn's own Profile.csv, given alone, is still the owner's profile.
    profile = tmp_path / "Profile.csv"
    profile.write_text("First Name,Last Name,Headline\nMaren,Olsen,Engineer\n", encoding="utf-8")
    nd.imports.import_paths([profile])
    assert (nd.owner.get().name, nd.owner.get().headline) == ("Maren Olsen", "Engineer")
    assert "Maren Olsen" not in _by_name(nd)
