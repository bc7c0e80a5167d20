"""A job change seen on a re-import (a LinkedIn export's Company/Position, a phone's ORG/TITLE) is dated on the
timeline, is not an exchange, and makes a "Congratulate …" Due item for two weeks. Positions.csv is the owner's own
history: it describes you, never a connection (see tests/networking_story.py for who is who)."""

from __future__ import annotations

import json
import zipfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from netdesk.cli import run
from netdesk.core.model import InteractionKind
from netdesk.core.networking import DueKind
from netdesk.services import NetDesk

CARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:alex-kim-phone\r\nFN:Alex Kim\r\nN:Kim;Alex;;;\r\nORG:{org}\r\nTITLE:{title}\r\n"
    "TEL;TYPE=CELL:+44 7700 900777\r\nEND:VCARD\r\n"
)
POSITIONS = (
    "Company Name,Title,Description,Location,Started On,Finished On\n"
    'Hooli,Head of Partnerships,"Partnerships, EMEA","London, United Kingdom",Mar 2024,\n'
    "Globex,Partnerships Manager,,London,Jan 2020,Feb 2024\n"
)


def roles(nd: NetDesk, day: date) -> dict[str, str]:
    return {i.contact_name: i.title for i in nd.networking.due(day) if i.kind is DueKind.JOB_CHANGE}


def notes(nd: NetDesk, cid: int) -> list[str]:
    return [i.summary for i in nd.timeline.for_contact(cid) if i.kind is InteractionKind.NOTE]


def test_a_linkedin_re_import_dates_the_new_role_on_the_timeline(nd: NetDesk, story: Any, tmp_path: Path) -> None:
    nd.imports.import_paths([story.linkedin_export(tmp_path / "li")])
    priya = next(r for r in nd.contacts.rows() if r.name == "Priya Raman")
    before = priya.last_contacted
    assert notes(nd, priya.id) == [] and roles(nd, date.today()) == {}
    written = nd.imports.import_paths([story.linkedin_export(tmp_path / "li2", later=True)])
    [note] = [i for i in nd.timeline.for_contact(priya.id) if i.kind is InteractionKind.NOTE]
    assert note.summary == "New role: CTO at Initech (was VP Engineering at Globex)"
    assert note.occurred_at.date() == date.today() and note.id in written.changes.interactions
    # Not an exchange: the last contact is Sam's answer of 7 Oct from the same export, not the day of the import.
    after = next(r for r in nd.contacts.rows() if r.name == "Priya Raman").last_contacted
    assert after is not None and before is not None and after.date() == date(2025, 10, 7)
    today = date.today()
    assert roles(nd, today) == {"Priya Raman": "Congratulate Priya Raman on the new role (CTO at Initech)"}
    assert roles(nd, today + timedelta(days=14)) != {} and roles(nd, today + timedelta(days=15)) == {}
    # The same export again changes nothing: no second note.
    nd.imports.import_paths([story.linkedin_export(tmp_path / "li3", later=True)])
    assert len(notes(nd, priya.id)) == 1


def test_a_phone_re_import_with_a_new_org_and_title_is_a_job_change(
    nd: NetDesk, tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "phone-2024.vcf", tmp_path / "phone-2025.vcf"
    first.write_text(CARD.format(org="Acme", title="Analyst"), encoding="utf-8")
    second.write_text(CARD.format(org="Umbrella", title="Data Lead"), encoding="utf-8")
    nd.imports.import_paths([first])
    [alex] = nd.contacts.rows()
    assert roles(nd, date.today()) == {}  # a first import is nobody's new role
    nd.imports.import_paths([second])
    assert nd.contacts.get(alex.id).organization == "Umbrella"
    assert sorted((h.field, h.old_value, h.new_value, h.source) for h in nd.contacts.history(alex.id)) == [
        ("organization", "Acme", "Umbrella", "import"),
        ("title", "Analyst", "Data Lead", "import"),
    ]
    assert notes(nd, alex.id) == ["New role: Data Lead at Umbrella (was Analyst at Acme)"]
    assert nd.contacts.rows()[0].last_contacted is None  # a note is not an exchange
    assert roles(nd, date.today()) == {"Alex Kim": "Congratulate Alex Kim on the new role (Data Lead at Umbrella)"}
    nd.imports.import_paths([second])  # the same file again: nothing new
    assert len(notes(nd, alex.id)) == 1 and len(nd.contacts.history(alex.id)) == 2
    nd.close()
    assert run(["due", "--db", str(db_path), "--json"]) == 0
    [item] = [i for i in json.loads(capsys.readouterr().out) if i["kind"] == "job_change"]  # the command line too
    assert (item["contact"], item["section"], item["days_overdue"]) == ("Alex Kim", "reasons", 0)


def test_positions_csv_describes_you_not_a_connection(nd: NetDesk, story: Any, tmp_path: Path) -> None:
    export = story.linkedin_export(tmp_path / "li")
    with zipfile.ZipFile(export, "a") as z:
        z.writestr("Positions.csv", POSITIONS)
    report = nd.imports.import_paths([export]).value
    assert report.errors and all("Positions.csv" not in str(e) for e in report.errors)
    owner = nd.owner.get()
    assert owner.headline == "Head of Partnerships at Hooli"  # your current position (no Profile.csv here)
    # Hooli is Gil Group's company too: nothing of yours moved to him, and nobody got a new role.
    gil = next(r for r in nd.contacts.rows() if r.name == "Gil Group")
    assert (nd.contacts.get(gil.id).title, nd.contacts.history(gil.id)) == ("Staff Engineer", [])
    assert roles(nd, date.today()) == {}


def test_a_card_merged_by_phone_whose_org_loses_the_merge_is_no_new_role(nd: NetDesk, tmp_path: Path) -> None:
    """Without a UID the card merges into the contact and the contact's own values win: nothing changed about them."""
    card = "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Builder;Bob;;;\r\nFN:Bob Builder\r\nORG:{}\r\nTEL;CELL:+44 7700 900123\r\n"
    card += "END:VCARD\r\n"
    for n, org in enumerate(("Builders Ltd", "Initech")):
        (tmp_path / f"{n}.vcf").write_text(card.format(org), encoding="utf-8")
        nd.imports.import_paths([tmp_path / f"{n}.vcf"])
    [bob] = nd.contacts.rows()
    assert nd.contacts.get(bob.id).organization == "Builders Ltd"
    assert [(h.field, h.old_value, h.source) for h in nd.contacts.history(bob.id)] == [
        ("organization", "Initech", "merge")  # the value that lost, kept as a merge keeps it
    ]
    assert notes(nd, bob.id) == [] and roles(nd, date.today()) == {}
