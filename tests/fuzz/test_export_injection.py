"""vCard export escapes what it must: a hostile contact written and read back is one contact with the same values.

A value holding CRLF + "BEGIN:VCARD" or "\\r\\nTEL:" must not become a second card or an extra property, and commas,
semicolons and backslashes must survive in every text field.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netdesk.core.model import ContactDTO, ContactPoint, ExtraProperty, PostalAddress, Related
from netdesk.io._vcard_lines import CONTROL_CHARACTERS
from netdesk.io.report import ImportReport
from netdesk.io.vcard import contact_to_vcard, read_vcard_bytes

INJECTION = "Eve\r\nEND:VCARD\r\nBEGIN:VCARD\r\nFN:Mallory\r\nTEL:+1 666\r\nEND:VCARD\r\nNOTE:x;y,z\\w"
NORMALISED = INJECTION.replace("\r\n", "\n")  # line breaks are kept as line breaks, in their one portable form


def _round_trip(contact: ContactDTO, version: str) -> tuple[str, list[ContactDTO], ImportReport]:
    text = contact_to_vcard(contact, version)
    report = ImportReport()
    return text, read_vcard_bytes(text.encode("utf-8"), "export.vcf", report, workers=1), report


def _physical_property_names(text: str) -> list[str]:
    """Property names (groups dropped) of the lines that start a property."""
    heads = [line.split(":", 1)[0].split(";", 1)[0] for line in text.split("\r\n") if line and line[0] not in " \t"]
    return [head.rsplit(".", 1)[-1] for head in heads]


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_injected_card_and_properties_stay_inside_their_values(version: str) -> None:
    hostile = ContactDTO(
        uid="uid-1\r\nTEL:+1 111",
        formatted_name=INJECTION,
        given_name=INJECTION,
        family_name="O'Brien; Jr, \\ III",
        organization=INJECTION,
        department="R&D; Lab",
        title=INJECTION,
        notes=INJECTION,
        tags=(INJECTION, "a,b;c"),
        emails=(ContactPoint("eve@example.com\r\nTEL:+1 222", INJECTION),),
        phones=(ContactPoint("+1 333\r\nEMAIL:x@example.com", "work"),),
        urls=(ContactPoint("https://example.com/a,b;c\r\nTEL:+1 444"),),
        addresses=(PostalAddress(label="home", street=INJECTION, locality="Paris;\r\nTEL:+1 555", country="FR,EU"),),
        related=(Related(INJECTION, "friend"),),
        gender="M\r\nTEL:+1 777",
        rev="20240101T000000Z\r\nTEL:+1 888",
        photo_uri="https://example.com/p.jpg\r\nTEL:+1 999",
        extra=(
            ExtraProperty("X-SAFE", "kept\r\nTEL:+1 000", (("X-P", ("a\r\nTEL:1",)),), ""),
            ExtraProperty("X-EVIL\r\nTEL", "dropped", (), ""),  # a name that is no vCard name is not written
            ExtraProperty("X-GROUPED", "dropped", (), "g\r\nTEL:1"),
        ),
    )
    text, contacts, report = _round_trip(hostile, version)
    physical = text.split("\r\n")
    assert physical.count("BEGIN:VCARD") == 1 and physical.count("END:VCARD") == 1
    names = _physical_property_names(text)
    assert names.count("TEL") == 1  # only the contact's own phone
    assert "EMAIL" in names and names.count("EMAIL") == 1
    assert not report.errors
    (again,) = contacts
    assert again.formatted_name == NORMALISED
    assert again.given_name == NORMALISED and again.organization == NORMALISED and again.title == NORMALISED
    assert again.family_name == "O'Brien; Jr, \\ III"
    assert again.department == "R&D; Lab"
    assert again.notes == NORMALISED
    assert set(again.tags) == {NORMALISED, "a,b;c"}
    assert again.emails == (ContactPoint("eve@example.com\nTEL:+1 222", NORMALISED),)
    assert again.phones == (ContactPoint("+1 333\nEMAIL:x@example.com", "work"),)
    assert again.urls == (ContactPoint("https://example.com/a,b;c\nTEL:+1 444"),)
    assert again.addresses[0].street == NORMALISED
    assert (again.addresses[0].locality, again.addresses[0].country) == ("Paris;\nTEL:+1 555", "FR,EU")
    assert again.related == (Related(NORMALISED, "friend"),)
    assert again.uid == "uid-1\nTEL:+1 111"
    assert again.photo_uri == "https://example.com/p.jpg\nTEL:+1 999"
    assert [e.name for e in again.extra] == ["X-SAFE"]


_PIECES = [*",;:\\\r\n\"'^=", "BEGIN:VCARD", "END:VCARD", "\r\nTEL:1", "\r\nBEGIN:VCARD\r\n"]
_hostile_text = st.lists(st.one_of(st.sampled_from(_PIECES), st.characters()), max_size=20).map(
    lambda pieces: "".join(pieces).strip()
)


@settings(max_examples=60, deadline=timedelta(seconds=3), derandomize=True, database=None)
@given(
    name=_hostile_text.filter(bool),
    note=_hostile_text,
    org=_hostile_text,
    email=_hostile_text,
    label=_hostile_text,
    version=st.sampled_from(["3.0", "4.0"]),
)
def test_any_hostile_text_round_trips_as_one_contact(
    name: str, note: str, org: str, email: str, label: str, version: str
) -> None:
    def portable(text: str) -> str:
        # Line breaks become \n; other control characters cannot travel in a vCard and are not written.
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return "\n".join(CONTROL_CHARACTERS.sub("", part) for part in text.split("\n"))

    hostile = ContactDTO(
        uid="fixed-uid",
        formatted_name=name,
        notes=note,
        organization=org,
        emails=(ContactPoint(email, label),) if email else (),
    )
    text, contacts, report = _round_trip(hostile, version)
    physical = text.split("\r\n")
    assert physical.count("BEGIN:VCARD") == 1 and physical.count("END:VCARD") == 1
    assert _physical_property_names(text).count("TEL") == 0
    assert len(contacts) == 1, (text, report.errors)
    (again,) = contacts
    # A name of control characters only is written as the derived name ("(no name)" when there is nothing else).
    assert again.formatted_name == (portable(name).strip() or again.formatted_name)
    assert again.name
    assert again.notes == portable(note)
    assert again.organization == portable(org).strip()
    if email:
        assert len(again.emails) == 1 and again.emails[0].value == portable(email).strip()
