"""Issue 17, item 5: a name given as an initial is the same person when another key is shared."""

from __future__ import annotations

from pathlib import Path

from netdesk.core.merge import same_person
from netdesk.core.model import ContactDTO
from netdesk.core.names import family_names_may_match, given_names_may_match, initial
from netdesk.services import NetDesk


def test_initials_fit_the_names_they_abbreviate() -> None:
    assert initial("R.") == initial("r") == "r" and initial("Ra") == ""
    assert family_names_may_match("R.", "Raman") and family_names_may_match("Raman", "R")
    assert not family_names_may_match("S.", "Raman")
    assert given_names_may_match("P.", "Priya") and not given_names_may_match("K.", "Priya")


def test_same_person_with_initials_in_name_parts_or_only_in_the_formatted_name() -> None:
    full = ContactDTO(given_name="Priya", family_name="Raman")
    assert same_person(full, ContactDTO(given_name="Priya", family_name="R."))
    assert same_person(full, ContactDTO(formatted_name="Priya R."))
    assert same_person(full, ContactDTO(given_name="P.", family_name="Raman"))
    assert not same_person(full, ContactDTO(given_name="Paul", family_name="R."))
    assert not same_person(full, ContactDTO(formatted_name="Priya S."))


GOOGLE_EXPORT = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Priya Raman\r\nN:Raman;Priya;;;\r\n"
    "EMAIL;TYPE=INTERNET:priya.raman@example.org\r\nORG:Harbour Labs\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Priya R.\r\nN:R.;Priya;;;\r\nEMAIL;TYPE=INTERNET:Priya.Raman@Example.org\r\n"
    "TEL;TYPE=CELL:+44 7700 900123\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Paul R.\r\nN:R.;Paul;;;\r\nTEL;TYPE=WORK:+44 7700 900123\r\nEND:VCARD\r\n"
)


def test_google_export_with_an_initial_merges_and_near_misses_stay_suggestions(nd: NetDesk, tmp_path: Path) -> None:
    path = tmp_path / "contacts.vcf"
    path.write_bytes(GOOGLE_EXPORT.encode())
    report = nd.imports.import_paths([path]).value
    assert (len(report.created), len(report.merged)) == (2, 1)  # Priya R. merged into Priya Raman; Paul kept apart
    people = {c.name: c for c in (nd.contacts.get(r.id) for r in nd.contacts.rows())}
    assert set(people) == {"Priya Raman", "Paul R."}
    priya = people["Priya Raman"]
    assert [p.value for p in priya.phones] == ["+44 7700 900123"]  # nothing of "Priya R." is lost
    history = nd.contacts.history(priya.id)  # type: ignore[arg-type]
    assert ("family_name", "R.", "Raman") in {(h.field, h.old_value, h.new_value) for h in history}
    assert report.suggestions == ["“Paul R.” shares the phone of “Priya Raman”; kept apart"]
