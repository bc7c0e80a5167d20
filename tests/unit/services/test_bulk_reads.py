"""The batched whole-network reader: the same contacts as the per-contact path, lazily, in list order, and the
same output whether batches are rendered in this process or in worker processes."""

from __future__ import annotations

import base64
import functools
import gc
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from netdesk.core.model import (
    ContactDTO,
    ContactKind,
    ContactPoint,
    ExtraProperty,
    PartialDate,
    PostalAddress,
    Related,
)
from netdesk.db import bulk
from netdesk.db import repository as repo
from netdesk.io import netdesk_csv, vcard, vdir
from netdesk.io.contact_json import contact_json, json_objects_text, point_values
from netdesk.io.report import ImportReport
from netdesk.services import NetDesk, exporting
from netdesk.services.bulk_reads import LIST_FACTS, render_batches

# A real 1x1 PNG (what a phone stores is bigger, not different).
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def every_field_contact(n: int) -> ContactDTO:
    """A contact that uses every field NetDesk stores, several points of each kind, a photo and tags."""
    return ContactDTO(
        uid=f"urn:uuid:every-{n}",
        formatted_name=f"Dr. Zoë Ødegaard-{n} Jr.",
        prefix="Dr.",
        given_name="Zoë",
        additional_name=f"Maria {n}",
        family_name=f"Ødegaard-{n}",
        suffix="Jr.",
        nickname="Zo",
        organization="Fjord Fintech",
        department="Research; Payments",
        title="Head of Research",
        role="Advisor",
        emails=(
            ContactPoint(f"zoe{n}@fjordfintech.no", "work"),
            ContactPoint(f"zoe{n}@example.org", "home", pref=True),
            ContactPoint(f"z{n}@old.example", "Conference badge"),
        ),
        phones=(ContactPoint("+47 22 12 34 56", "work"), ContactPoint(f"+47 900 00 {n:03d}", "mobile", True)),
        urls=(ContactPoint(f"https://www.linkedin.com/in/zoe-{n}", "linkedin"), ContactPoint("https://zoe.example")),
        ims=(ContactPoint(f"xmpp:zoe{n}@chat.example", "work"),),
        addresses=(
            PostalAddress("work", True, "PO 12", "Floor 3", "Karl Johans gate 1", "Oslo", "Oslo", "0154", "Norway"),
            PostalAddress("home", False, street="Birkelunden 4", locality="Oslo", country="Norway"),
        ),
        birthday=PartialDate(2, 29),
        anniversary=PartialDate(6, 1, 2010),
        gender="F",
        notes="Line one\nLine two, with a comma; and a semicolon",
        tags=("Mentor", "fintech", "Ålesund"),
        photo=PNG,
        photo_mime="image/png",
        photo_uri="https://zoe.example/me.jpg",
        related=(Related("urn:uuid:partner", "spouse"), Related("Ola", "friend,colleague")),
        extra=(
            ExtraProperty("X-SOCIALPROFILE", "https://social.example/@zoe", (("TYPE", ("mastodon",)),)),
            ExtraProperty("X-ABLabel", "Café", group="item9"),
        ),
        rev="20260101T120000Z",
        connected_on=date(2024, 3, 5),
    )


@pytest.fixture
def network(nd: NetDesk, peer_fixtures: Path) -> Iterator[NetDesk]:
    """Contacts with every field, an organisation, a bare contact, real-world cards, and one in the trash."""
    contacts = [every_field_contact(n) for n in range(7)]
    contacts += [
        ContactDTO(kind=ContactKind.ORGANIZATION, formatted_name="Northwind Analytics", organization="Northwind"),
        ContactDTO(emails=(ContactPoint("only@email.example"),)),
    ]
    nd.imports.import_contacts(contacts, ImportReport())
    report = nd.imports.import_paths(
        [peer_fixtures / "aosp-opt-vcard" / "v21_complicated.vcf", peer_fixtures / "aosp-opt-vcard" / "v30_simple.vcf"]
    ).value
    assert len(report.created) >= 2 and not report.unreadable_files
    trashed = nd.contacts.create(ContactDTO(given_name="Trashed", family_name="Person")).value
    nd.contacts.delete([trashed.id or 0])
    yield nd


def test_batched_reader_gives_what_the_per_contact_path_gives(network: NetDesk) -> None:
    expected_ids = network.contacts.search_ids()
    batches = list(network.contacts.batches(batch_size=4))
    read = [c for b in batches for c in b.contacts]
    assert [c.id for c in read] == expected_ids  # every live contact once, in list order, the trashed one left out
    assert "Trashed Person" not in {c.name for c in read}
    assert [len(b.contacts) for b in batches][:-1] == [4] * (len(batches) - 1)
    assert batches[-1].done == batches[-1].total == len(expected_ids)
    for contact in read:
        assert network.contacts.get(contact.id or 0) == contact  # field by field, photos and tags included
    with_everything = [c for c in read if c.uid.startswith("urn:uuid:every-")]
    assert len(with_everything) == 7 and all(c.photo == PNG and len(c.emails) == 3 for c in with_everything)


def test_a_filtered_read_and_a_read_of_given_ids_keep_their_order(network: NetDesk) -> None:
    matching = network.contacts.search_ids("fintech")
    assert len(matching) == 7
    assert [c.id for b in network.contacts.batches("fintech", batch_size=3) for c in b.contacts] == matching
    chosen = [*list(reversed(matching))[:5], 999_999]  # an id that does not exist is skipped
    got = [c.id for b in network.contacts.batches(ids=chosen, batch_size=2) for c in b.contacts]
    assert got == chosen[:5]


def test_the_reader_is_lazy_each_batch_costs_a_constant_number_of_queries(nd: NetDesk) -> None:
    nd.imports.import_contacts(
        [ContactDTO(given_name=f"P{n:03d}", emails=(ContactPoint(f"p{n}@x.example"),)) for n in range(50)],
        ImportReport(),
    )
    statements: list[str] = []
    with nd.sessions() as s:
        bulk.raw_connection(s).set_trace_callback(statements.append)
        batches = bulk.iter_all_batches(s, batch_size=10)
        first = next(batches)
        reads_for_first = [q for q in statements if "contact_points" in q]
        rest = list(batches)
        bulk.raw_connection(s).set_trace_callback(None)
    assert [c.given_name for c in first] == [f"P{n:03d}" for n in range(10)]
    assert len(reads_for_first) == 1  # one query for the points of the first ten, none yet for the others
    assert sum(len(b) for b in rest) == 40
    assert len([q for q in statements if "contact_points" in q]) == 5  # one per batch, never one per contact


def test_list_facts_add_keys_computed_per_batch(network: NetDesk) -> None:
    rendered = list(render_batches(network.sessions, json_objects_text, with_photo=False, facts=LIST_FACTS))
    objects = json.loads("[" + ",".join(r.value for r in rendered if r.count) + "]")
    by_id = {o["id"]: o for o in objects}
    for contact in network.contacts.get_many(list(by_id)):
        expected = contact_json(contact)
        assert by_id[contact.id] == expected  # every key of the contract, has_photo from the photo table
    assert sum(o["has_photo"] for o in objects) >= 7


def test_worker_processes_render_exactly_what_this_process_renders(network: NetDesk) -> None:
    for render, facts in ((json_objects_text, LIST_FACTS), (functools.partial(vcard.render_cards, version="4.0"), {})):
        alone = list(render_batches(network.sessions, render, facts=facts, batch_size=4, workers=1))
        parallel = list(render_batches(network.sessions, render, facts=facts, batch_size=4, workers=2))
        assert [r.value for r in parallel] == [r.value for r in alone]
        assert sum(r.count for r in parallel) == len(network.contacts.search_ids())


def test_a_vdir_written_by_workers_names_every_file_once(network: NetDesk, tmp_path: Path) -> None:
    # Two contacts whose UIDs sanitise to the same file name, and one without a UID.
    network.imports.import_contacts(
        [
            ContactDTO(uid="a/b", given_name="Slash"),
            ContactDTO(uid="a:b", given_name="Colon"),
            ContactDTO(uid="lost", given_name="Nouid"),
        ],
        ImportReport(),
    )
    with network.sessions.begin() as s:
        s.connection().exec_driver_sql("UPDATE contacts SET uid = '' WHERE uid = 'lost'")
    alone, parallel = tmp_path / "alone", tmp_path / "parallel"
    count = network.exports.export("vdir", alone, workers=1)
    assert network.exports.export("vdir", parallel, workers=2) == count == len(network.contacts.search_ids())
    names = {p.name for p in parallel.iterdir()}
    assert len(names) == count and all(n.endswith(".vcf") for n in names)  # no temporary file left behind
    assert {"a_b.vcf", "a_b-2.vcf"} <= names
    read = vdir.read_vcard_folder(parallel, ImportReport(), workers=1)
    assert sorted(c.name for c in read) == sorted(c.name for c in vdir.read_vcard_folder(alone, ImportReport()))
    assert all(c.uid for c in read)  # the contact without a UID got one, in its card and its file name


def test_vdir_names_clashing_in_different_batches_get_different_files(network: NetDesk) -> None:
    # The export remembers the names it gave only when UIDs can clash: these two can, across batches of one.
    network.imports.import_contacts(
        [ContactDTO(uid="Twin", given_name="Upper"), ContactDTO(uid="twin", given_name="Lower")], ImportReport()
    )
    render = functools.partial(vdir.render_vdir_files, version="3.0")
    facts = {vdir.VDIR_FACT: exporting._VdirNames()}
    names = [name for r in render_batches(network.sessions, render, facts=facts, batch_size=1) for name, _ in r.value]
    assert len(names) == len({n.lower() for n in names}) == len(network.contacts.search_ids())
    assert {n.lower() for n in names} >= {"twin.vcf", "twin-2.vcf"}


def test_a_single_file_export_equals_the_per_contact_writer(network: NetDesk, tmp_path: Path) -> None:
    with network.sessions() as s:
        per_contact = repo.load_dtos(s, repo.search_ids(s))
    for fmt, version, workers in (("vcard3", "3.0", 1), ("vcard4", "4.0", 2)):
        target = tmp_path / f"all-{fmt}.vcf"
        assert network.exports.export(fmt, target, workers=workers) == len(per_contact)
        assert target.read_bytes() == "".join(vcard.contact_to_vcard(c, version) for c in per_contact).encode()
    target = tmp_path / "all.csv"
    network.exports.export("csv", target)
    reference = tmp_path / "reference.csv"
    netdesk_csv.write_contact_csv(per_contact, reference)
    assert target.read_bytes() == reference.read_bytes()


def test_list_json_lines_are_what_the_standard_encoder_writes() -> None:
    # The list writes each object through a reused C encoder: byte for byte json.JSONEncoder(ensure_ascii=False).
    tricky = ContactDTO(
        id=7,
        formatted_name='Zoë "Z" \\ Ødegaard\n\t\x01 \u2028 😀',
        emails=(ContactPoint("z@example.org", "work"), ContactPoint("p@example.org", "home", pref=True)),
        addresses=(PostalAddress(label="work", street="1 Main St", country="Norge"),),
        birthday=PartialDate(2, 29, None),
        tags=("b", "A"),
    )
    facts = {"strength": {7: 3}, "ratio": {7: 0.1}, "nothing": {}}
    expected = dict(contact_json(tricky), strength=3, ratio=0.1, nothing=None)
    text = json_objects_text([tricky, tricky], facts)
    line = json.JSONEncoder(ensure_ascii=False).encode(expected)
    assert text == line + ",\n" + line


def test_an_export_renders_with_the_cyclic_collector_paused_and_turns_it_back_on(
    network: NetDesk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The batches' objects hold no cycles: an export pauses the collector (a fifth of its time went there) and
    # restores it, so the rest of the process (the app) collects as before.
    collecting: list[bool] = []

    def spying_render(contacts: list[ContactDTO], facts: object, version: str = "3.0") -> bytes:
        collecting.append(gc.isenabled())
        return b"".join(vcard.contact_to_vcard(c, version).encode() for c in contacts)

    monkeypatch.setattr(exporting.vcard, "render_cards", spying_render)
    assert gc.isenabled()
    written = network.exports.export("vcard3", tmp_path / "all.vcf")
    assert written > 0 and collecting and not any(collecting)
    assert gc.isenabled()


def test_list_json_puts_preferred_points_first_and_keeps_the_order_otherwise() -> None:
    work, home, mobile = ContactPoint("w@x.org", "work"), ContactPoint("h@x.org", "home"), ContactPoint("m", "cell")
    assert point_values(()) == []
    assert point_values((replace(work, pref=True),)) == ["w@x.org"]
    assert point_values((work, home, mobile)) == ["w@x.org", "h@x.org", "m"]
    assert point_values((work, replace(home, pref=True), replace(mobile, pref=True))) == ["h@x.org", "m", "w@x.org"]


def test_vdir_export_into_a_synced_folder_keeps_each_card_s_file_name(nd: NetDesk, tmp_path: Path) -> None:
    # The same through the export service (the CLI's and the app's path): vdirsyncer's file names are hrefs, not UIDs.
    folder = tmp_path / "contacts"
    folder.mkdir()
    (folder / "4f2a-href.vcf").write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:ada-1\r\nFN:Ada\r\nEND:VCARD\r\n")
    nd.imports.import_paths([folder])
    assert nd.exports.export("vdir", folder, workers=1) == 1
    assert sorted(p.name for p in folder.iterdir()) == ["4f2a-href.vcf"]
