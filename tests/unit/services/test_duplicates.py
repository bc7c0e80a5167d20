"""The duplicates review's service: pairs kept from imports and from "Find duplicates", merged (choosing per field)
or kept apart (remembered), each one undo step."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duplicates_story as story
import pytest

from netdesk.core.duplicates import PersonName, candidate_pairs
from netdesk.core.errors import NetDeskError
from netdesk.core.model import ContactDTO, ContactKind, ContactPoint
from netdesk.io.report import ImportReport
from netdesk.services import NetDesk


def pairs(nd: NetDesk) -> set[tuple[str, str, str]]:
    return {(p.first_name, p.second_name, p.reason) for p in nd.duplicates.pending()}


def imported(nd: NetDesk, tmp_path: Path) -> dict[str, int]:
    phone = nd.imports.import_paths([story.phone_book(tmp_path / "phone")]).value
    assert phone.duplicates_found == 0  # nobody else yet
    linkedin = nd.imports.import_paths([story.linkedin_export(tmp_path / "li")]).value
    assert linkedin.duplicates_found == 3
    return {r.name: r.id for r in nd.contacts.rows()}


def add(nd: NetDesk, given: str, family: str, **fields: Any) -> int:
    cid = nd.contacts.create(ContactDTO(given_name=given, family_name=family, **fields)).value.id
    assert cid is not None
    return cid


def test_an_import_keeps_the_pairs_it_finds_for_review(nd: NetDesk, tmp_path: Path) -> None:
    imported(nd, tmp_path)
    assert pairs(nd) == {
        ("Bob Smith", "Robert Smith", "similar names"),
        ("Jon Baker", "Jonathan Baker", "similar names"),
        ("Priya R.", "Priya Raman", "family name given as an initial"),
    }
    assert {p.found_by for p in nd.duplicates.pending()} == {"import"}
    bob = next(p for p in nd.duplicates.pending() if p.first_name == "Bob Smith")
    fields = {f.field: f for f in nd.duplicates.comparison(bob.id).fields}
    assert (fields["given_name"].first, fields["given_name"].second, fields["given_name"].choosable) == (
        "Bob",
        "Robert",
        True,
    )
    assert fields["family_name"].choosable is False and not fields["family_name"].differs
    assert fields["organization"].second == "Acme" and not fields["organization"].choosable  # one side only: kept
    assert fields["emails"].first == "bob@smith-family.example" and fields["emails"].second == ""


def test_merge_keeps_the_chosen_values_and_everything_else_in_one_undo_step(nd: NetDesk, tmp_path: Path) -> None:
    ids = imported(nd, tmp_path)
    bob = next(p for p in nd.duplicates.pending() if p.first_name == "Bob Smith")
    before = {r.name for r in nd.contacts.rows()}
    with nd.undo.recording() as rec:
        written = nd.duplicates.merge(bob.id, {"given_name": "second"})
    step = rec.step(written.changes)
    assert written.value == ids["Bob Smith"]
    assert written.changes.contacts == {ids["Bob Smith"], ids["Robert Smith"]}
    assert "duplicates" in written.changes.records and step.label == "merge into Robert Smith"
    kept = nd.contacts.get(ids["Bob Smith"])
    assert (kept.given_name, kept.family_name, kept.organization, kept.title) == ("Robert", "Smith", "Acme", "Engineer")
    assert [e.value for e in kept.emails] == ["bob@smith-family.example"]
    assert [u.value for u in kept.urls] == ["https://www.linkedin.com/in/robert-smith"]
    assert any(h.field == "given_name" and h.old_value == "Bob" for h in nd.contacts.history(kept.id))  # type: ignore[arg-type]
    assert [i.summary for i in nd.timeline.for_contact(kept.id)]  # type: ignore[arg-type]  # Robert's messages moved
    assert "Robert Smith" in {r.name for r in nd.contacts.rows()} and "Bob Smith" not in {
        r.name for r in nd.contacts.rows()
    }
    assert ("Bob Smith", "Robert Smith", "similar names") not in pairs(nd)
    nd.undo.undo(step)  # one step: both people and the pair are back
    assert {r.name for r in nd.contacts.rows()} == before
    assert ("Bob Smith", "Robert Smith", "similar names") in pairs(nd)


def test_keep_apart_is_remembered_by_later_imports_and_scans_and_undoable(nd: NetDesk, tmp_path: Path) -> None:
    imported(nd, tmp_path)
    jon = next(p for p in nd.duplicates.pending() if p.first_name == "Jon Baker")
    with nd.undo.recording() as rec:
        written = nd.duplicates.keep_apart(jon.id)
    assert (
        written.changes.records == {"duplicates"} and written.changes.label == "keep Jon Baker and Jonathan Baker apart"
    )
    step = rec.step(written.changes)
    assert ("Jon Baker", "Jonathan Baker", "similar names") not in pairs(nd)
    again = nd.imports.import_paths([story.phone_book(tmp_path / "p2"), story.linkedin_export(tmp_path / "l2")])
    assert again.value.duplicates_found == 0
    assert nd.duplicates.find().value == 0
    assert len(pairs(nd)) == 2  # Bob/Robert and Priya, once each
    assert (jon.first_id, jon.second_id, "kept_apart") in nd.duplicates.decided()
    nd.undo.undo(step)
    assert ("Jon Baker", "Jonathan Baker", "similar names") in pairs(nd)


def test_find_duplicates_uses_the_import_rules_over_the_whole_database(nd: NetDesk) -> None:
    ada = add(nd, "Ada", "Lovelace", emails=(ContactPoint("Ada@Engines.org"),))
    countess = add(nd, "Augusta", "King", emails=(ContactPoint("ada@engines.org "),))  # same email, case aside
    alan = add(nd, "Alan", "Turing", phones=(ContactPoint("+44 20 7946 0000"),))
    bletchley = add(nd, "Al", "Turing-Office", phones=(ContactPoint("+44 (20) 7946-0000"),))
    li1 = add(nd, "Grace", "Hopper", urls=(ContactPoint("https://www.linkedin.com/in/grace/", "linkedin"),))
    li2 = add(nd, "Amazing", "Grace", urls=(ContactPoint("https://www.linkedin.com/in/grace", "linkedin"),))
    kate = add(nd, "Kate", "Bush")
    katherine = add(nd, "Katherine", "Bush")
    p_initial = add(nd, "P.", "Patil")
    priya = add(nd, "Priya", "Patil")
    add(nd, "Paul", "Patil")  # "P." fits Paul too: both are suggested, the user decides
    add(nd, "Marie", "Curie")
    add(nd, "Pierre", "Curie")  # same family, different people: not suggested
    org = nd.contacts.create(ContactDTO(kind=ContactKind.ORGANIZATION, organization="Kate Bush")).value.id
    found = nd.duplicates.find()
    assert found.value == len(nd.duplicates.pending()) and found.changes.records == {"duplicates"}
    by_ids = {(p.first_id, p.second_id): p.reason for p in nd.duplicates.pending()}
    assert by_ids[(ada, countess)] == "same email"
    assert by_ids[(alan, bletchley)] == "same phone number"
    assert by_ids[(li1, li2)] == "same profile URL"
    assert by_ids[(kate, katherine)] == "similar names"
    assert by_ids[(p_initial, priya)] == "similar names"
    names = {(p.first_name, p.second_name) for p in nd.duplicates.pending()}
    assert ("Marie Curie", "Pierre Curie") not in names
    assert all(org not in pair for pair in by_ids)
    assert nd.duplicates.find().value == 0 and nd.duplicates.find().changes.empty  # nothing new: no refresh


def test_a_value_many_people_share_is_not_a_duplicate_signal(nd: NetDesk) -> None:
    office = ContactPoint("+44 20 7946 1234")
    for given in ("Ann", "Ben", "Cem", "Dov", "Eve", "Fay"):
        add(nd, given, f"{given}son", phones=(office,))
    assert nd.duplicates.find().value == 0


def test_bad_requests_are_one_clear_error(nd: NetDesk) -> None:
    a = add(nd, "Kate", "Bush", title="Singer")
    b = add(nd, "Katherine", "Bush", title="Writer")
    nd.duplicates.find()
    (pair,) = nd.duplicates.pending()
    with pytest.raises(NetDeskError, match="nothing to choose for organization"):
        nd.duplicates.merge(pair.id, {"organization": "second"})
    with pytest.raises(NetDeskError, match="no duplicate suggestion 999"):
        nd.duplicates.keep_apart(999)
    nd.contacts.delete([b])
    assert nd.duplicates.pending() == []  # a trashed contact leaves the review
    with pytest.raises(NetDeskError, match="no duplicate suggestion"):
        nd.duplicates.merge(pair.id)
    assert nd.contacts.get(a).title == "Singer"


def test_matching_rules_as_pure_functions() -> None:
    people = [PersonName.of(1, "Bob", "Smith", ""), PersonName.of(2, "", "", "Robert Smith")]
    people += [PersonName.of(3, "Robert", "S.", ""), PersonName.of(4, "Sue", "Smith", "")]
    assert candidate_pairs([], people) == {
        (1, 2): "similar names",
        (1, 3): "family name given as an initial",
        (2, 3): "family name given as an initial",
    }
    assert candidate_pairs([], people, among={3}) == {
        (1, 3): "family name given as an initial",
        (2, 3): "family name given as an initial",
    }
    points = [("email", "a@x.org", 7), ("email", "a@x.org", 9), ("phone", "+4412345678", 9)]
    assert candidate_pairs(points, []) == {(7, 9): "same email"}


def test_middle_names_and_very_common_names_are_not_signals() -> None:
    two_adas = [PersonName.of(1, "Ada", "King", "", "Mary"), PersonName.of(2, "Ada", "King", "", "Jane")]
    assert candidate_pairs([], two_adas) == {}
    initial_and_full = [PersonName.of(1, "Ada", "King", "", "M."), PersonName.of(2, "Ada", "King", "", "Mary")]
    assert candidate_pairs([], initial_and_full) == {(1, 2): "same name"}
    many_johns = [PersonName.of(n, "John", "Smith", "") for n in range(1, 8)]  # seven John Smiths: no signal
    assert candidate_pairs([], many_johns) == {}
    # In a large bucket ("Smith", N…) only the same name pairs: "Nina1" and "Nina10" would be fuzzy matches.
    big_family = [PersonName.of(n, f"Nina{n}", "Smith", "") for n in range(1, 60)]
    big_family.append(PersonName.of(100, "Nina7", "Smith", ""))
    assert candidate_pairs([], big_family) == {(7, 100): "same name"}


def test_a_misspelt_nickname_still_meets_its_name() -> None:
    # "Liam" is a short form of William: bucketed under both letters, a typo of it is still compared with it.
    people = [PersonName.of(1, "Liam", "Nakamura", ""), PersonName.of(2, "Liama", "Nakamura", "")]
    people.append(PersonName.of(3, "William", "Nakamura", ""))
    assert candidate_pairs([], people) == {(1, 2): "similar names", (1, 3): "similar names"}


def _varied_people(nd: NetDesk) -> list[int]:
    """People the name and point rules pair in every way: nicknames, initials (given and family), accents, ß, a
    large bucket of one family, shared and widely shared values, an organisation and a trashed contact."""
    office = ContactPoint("+44 20 7946 1234")
    people = [
        ("Bob", "Smith", {}),
        ("Robert", "Smith", {}),
        ("Rob", "Smith", {"emails": (ContactPoint("rob@smith.example"),)}),
        ("Priya", "R.", {}),
        ("Priya", "Raman", {}),
        ("P.", "Rao", {}),
        ("Paul", "Reyes", {}),
        ("José", "Müller", {}),
        ("Jose", "Muller", {}),
        ("Jürgen", "Straße", {}),
        ("Jurgen", "Strasse", {}),
        ("Anna", "", {"formatted_name": "Anna Q."}),
        ("", "", {"formatted_name": "Anne Quist"}),
        ("Kate", "Bush", {"urls": (ContactPoint("https://www.linkedin.com/in/kate", "linkedin"),)}),
        ("Cathy", "Bush-Office", {"urls": (ContactPoint("https://www.linkedin.com/in/kate/", "linkedin"),)}),
        ("Mary Ann", "Lee", {"additional_name": "Jane"}),
        ("Mary Ann", "Lee", {"additional_name": "Ruth"}),
        ("Robbie", "Smythe", {"emails": (ContactPoint("ROB@smith.example"),)}),
        ("Bobby", " smith", {}),  # a stray space and lower case: still a Smith
        ("Søren", "Ørsted", {}),
        ("Soren", "Orsted", {}),
        ("S.", "Ø", {}),
    ]
    people += [(g, "Jones", {}) for g in ("Al", "Alan", "Bea", "Ben", "Cy", "Dan", "Di", "Ed", "Eve", "Fay")]
    people += [(f"John{n}" if n % 3 else "John", "Jones", {}) for n in range(20)]  # the Jones bucket: > 24 people
    people += [(g, f"{g}son", {"phones": (office,)}) for g in ("Ann", "Ben", "Cem", "Dov", "Eve", "Fay")]
    ids = [add(nd, given, family, **fields) for given, family, fields in people]
    org = nd.contacts.create(ContactDTO(kind=ContactKind.ORGANIZATION, organization="Bob Smith")).value.id
    assert org is not None
    gone = add(nd, "Bobby", "Smith")
    nd.contacts.delete([gone])
    return [*ids, org, gone]


def test_pairs_among_some_contacts_are_those_the_whole_scan_finds_for_them(nd: NetDesk) -> None:
    from netdesk.services.duplicates import _live_people, _live_points, found_pairs

    ids = _varied_people(nd)
    with nd.sessions() as s:
        whole = candidate_pairs(_live_points(s), _live_people(s))
        assert len(whole) > 10
        for among in [{i} for i in ids] + [set(ids[:5]), set(ids[10:40:3]), set(ids)]:
            expected = {pair: why for pair, why in whole.items() if pair[0] in among or pair[1] in among}
            assert found_pairs(s, among) == expected, among


def test_a_one_card_import_into_a_large_network_finds_its_duplicate(nd: NetDesk, tmp_path: Path) -> None:
    existing = [ContactDTO(given_name=f"Given{n}", family_name=f"Family{n}") for n in range(3000)]
    nd.imports.import_contacts(existing, ImportReport())
    card = tmp_path / "bob.vcf"
    card.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bob Family1234\r\nN:Family1234;Bob;;;\r\nEND:VCARD\r\n")
    report = nd.imports.import_paths([card]).value
    assert len(report.created) == 1 and report.duplicates_found == 0  # "Bob" is no variant of "Given1234"
    card.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Giv Family1234\r\nN:Family1234;G.;;;\r\nEND:VCARD\r\n")
    report = nd.imports.import_paths([card]).value
    assert report.duplicates_found == 1  # "G." may be Given1234 (not Bob)
    assert [(p.first_name, p.second_name) for p in nd.duplicates.pending()] == [
        ("Given1234 Family1234", "Giv Family1234")
    ]
